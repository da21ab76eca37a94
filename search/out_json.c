/* out_json: --json, one JSON object per line (JSON Lines), for scripts.
 * Every line starts with "v" (GW_OUT_JSON_V), the version of these shapes:
 *   {"v":1,"id":..., "type":"notice"|"record", "score":..., "title":...,
 *    "fields":{name: text, ...}, "snippet":..., "snippet_field":...,
 *    "matches":[[start,end],...]} (+ "explain": text, with --explain)
 * and for a record also "notice" (its notice's id), "notice_title", "row".
 * matches are UTF-8 byte ranges of the highlights inside "snippet"; fields
 * holds every stored field except the internal ones (names starting with
 * '_'), or with --fields only the fields named there. With --facet, one
 * more line after the hits:
 *   {"v":1,"type":"facet","field":..., "counts":{value: count, ...}}
 * and last, always:
 *   {"v":1,"type":"summary","query":...,"total":N,"total_relation":R,
 *    "returned":K,"offset":O,"time_ms":T}
 * R is "eq" when N is the number of matching documents, "gte" when it is a
 * lower bound (--total). 
 * The hit objects are out/gw_hit_json.h's, shared with --batch --json
 * (batch.c, without "v") and gongwen-serve. */
#include <string.h>

#include "read/gw_json.h"
#include "search.h"

/* The facet line (with --facet) and the summary line. */
static void put_tail(gw_buf *b, const gw_results *r, const sopts *o, double time_ms)
{
	if (gw_results_facet_field(r)) {
		gw_buf_printf(b, "{\"v\":%d,\"type\":\"facet\",", GW_OUT_JSON_V);
		gw_json_facets(b, r);
		gw_buf_puts(b, "}\n");
	}
	gw_buf_printf(b, "{\"v\":%d,\"type\":\"summary\",\"query\":", GW_OUT_JSON_V);
	gw_json_put_string(b, o->query, strlen(o->query));
	gw_buf_putc(b, ',');
	gw_json_total(b, r);
	gw_buf_printf(b, ",\"returned\":%zu,\"offset\":%zu,\"time_ms\":%.3f}\n", gw_results_count(r), o->so.offset,
	              time_ms);
}

gw_rc gw_out_json(FILE *out, gw_index *ix, gw_results *r, const sopts *o, double time_ms,
                  gw_err *err)
{
	gw_buf b = GW_BUF_INIT;
	gw_snippet sn;
	gw_rc rc = GW_OK;

	memset(&sn, 0, sizeof sn);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_buf_reset(&b);
		if ((rc = gw_json_hit(&b, ix, r, i, &o->shape, 1, &sn, err)))
			break;
		gw_buf_putc(&b, '\n');
		fwrite(b.p, 1, b.len, out);
		rc = gw_out_check(out, err);
	}
	if (rc == GW_OK) {
		gw_buf_reset(&b);
		put_tail(&b, r, o, time_ms);
		if (!gw_buf_ok(&b))
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		else
			fwrite(b.p, 1, b.len, out);
		rc = rc ? rc : gw_out_check(out, err);
	}
	gw_snippet_free(&sn);
	gw_buf_free(&b);
	return rc;
}
