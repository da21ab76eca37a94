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
 *   {"v":1,"type":"summary","query":...,"total":N,"returned":K,
 *    "offset":O,"time_ms":T}
 * The hit objects are shared with --batch --json (batch.c), without "v". */
#include <string.h>

#include "read/gw_json.h"
#include "search.h"

#define SNIPPET_CHARS 90

static void put_key(gw_buf *b, const char *k)
{
	gw_json_put_string(b, k, strlen(k));
	gw_buf_putc(b, ':');
}

/* Every public field of rec. */
static void put_all_fields(gw_buf *b, const gw_results *r, const gw_record *rec)
{
	int first = 1;

	for (unsigned i = 0; i < rec->nf; i++) {
		if (gw_results_field_name(r, rec->fid[i])[0] == '_')
			continue;
		if (!first)
			gw_buf_putc(b, ',');
		first = 0;
		put_key(b, gw_results_field_name(r, rec->fid[i]));
		gw_json_put_string(b, rec->text[i], rec->text_len[i]);
	}
}

/* The --fields fields rec has, under their display names. */
static void put_some_fields(gw_buf *b, const gw_results *r, const gw_record *rec, const sopts *o)
{
	int first = 1;

	for (size_t k = 0; k < o->nfields; k++) {
		const char *shown;
		size_t n;
		const char *v = gw_out_field(r, rec, o->fields[k], &n, &shown);
		if (!v)
			continue;
		if (!first)
			gw_buf_putc(b, ',');
		first = 0;
		put_key(b, shown);
		gw_json_put_string(b, v, n);
	}
}

static void put_snippet(gw_buf *b, const gw_results *r, const gw_snippet *sn)
{
	put_key(b, "snippet");
	gw_json_put_string(b, sn->text.p ? (const char *)sn->text.p : "", sn->text.len);
	gw_buf_putc(b, ',');
	put_key(b, "snippet_field");
	gw_json_put_string(b, gw_results_field_name(r, sn->fid), strlen(gw_results_field_name(r, sn->fid)));
	gw_buf_putc(b, ',');
	put_key(b, "matches");
	gw_buf_putc(b, '[');
	for (size_t i = 0; i < sn->matches.n; i++)
		gw_buf_printf(b, "%s[%zu,%zu]", i ? "," : "", sn->matches.r[i].start, sn->matches.r[i].end);
	gw_buf_putc(b, ']');
}

/* ,"name":"value" for a stored field of rec, if it has it. */
static void put_link(gw_buf *b, const gw_results *r, const gw_record *rec, const char *key,
                     const char *field)
{
	size_t n;
	const char *v = gw_results_field(r, rec, field, &n);

	if (!v)
		return;
	gw_buf_putc(b, ',');
	put_key(b, key);
	gw_json_put_string(b, v, n);
}

gw_rc gw_json_hit(gw_buf *b, gw_index *ix, gw_results *r, size_t i, const sopts *o, int with_v,
                  gw_snippet *sn, gw_err *err)
{
	unsigned title_fid = gw_title_fid(r);
	gw_record rec;
	int k;

	if (gw_results_record(r, i, &rec, err) ||
	    gw_snippet_make(ix, gw_results_query(r), &rec, title_fid, SNIPPET_CHARS, sn, err))
		return err->rc;
	k = title_fid ? gw_record_field(&rec, title_fid) : -1;
	gw_buf_putc(b, '{');
	if (with_v)
		gw_buf_printf(b, "\"v\":%d,", GW_OUT_JSON_V);
	put_key(b, "id");
	gw_json_put_string(b, rec.id, rec.id_len);
	gw_buf_printf(b, ",\"type\":\"%s\"", gw_results_is_record(r, &rec) ? "record" : "notice");
	put_link(b, r, &rec, "notice", "_notice");
	put_link(b, r, &rec, "notice_title", "_notice_title");
	put_link(b, r, &rec, "row", "_row");
	gw_buf_printf(b, ",\"score\":%.6f,", gw_results_hit(r, i)->score);
	put_key(b, "title");
	gw_json_put_string(b, k >= 0 ? rec.text[k] : "", k >= 0 ? rec.text_len[k] : 0);
	gw_buf_puts(b, ",\"fields\":{");
	if (o->fields)
		put_some_fields(b, r, &rec, o);
	else
		put_all_fields(b, r, &rec);
	gw_buf_puts(b, "},");
	put_snippet(b, r, sn);
	if (o->explain) {
		gw_buf why = GW_BUF_INIT;
		gw_rc rc = gw_results_explain(r, i, &why, err);
		if (rc == GW_OK) {
			gw_buf_puts(b, ",\"explain\":");
			gw_json_put_string(b, (const char *)why.p, why.len);
		}
		gw_buf_free(&why);
		if (rc)
			return rc;
	}
	gw_buf_putc(b, '}');
	return gw_buf_ok(b) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

int gw_json_facets(gw_buf *b, const gw_results *r)
{
	size_t n;
	const gw_facet *f = gw_results_facets(r, &n);
	const char *field = gw_results_facet_field(r);

	if (!field)
		return 0;
	put_key(b, "field");
	gw_json_put_string(b, field, strlen(field));
	gw_buf_puts(b, ",\"counts\":{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			gw_buf_putc(b, ',');
		gw_json_put_string(b, f[i].value, f[i].len);
		gw_buf_printf(b, ":%zu", f[i].count);
	}
	gw_buf_putc(b, '}');
	return 1;
}

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
	gw_buf_printf(b, ",\"total\":%zu,\"returned\":%zu,\"offset\":%zu,\"time_ms\":%.3f}\n",
	              gw_results_total(r), gw_results_count(r), o->so.offset, time_ms);
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
		if ((rc = gw_json_hit(&b, ix, r, i, o, 1, &sn, err)))
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
