/* out_json: one JSON object per hit (JSON Lines), for scripts:
 *   {"id":..., "type":"notice"|"record", "score":..., "title":...,
 *    "fields":{name: text, ...}, "snippet":..., "snippet_field":...,
 *    "matches":[[start,end],...]}
 * and for a record also "notice" (its notice's id), "notice_title", "row".
 * matches are UTF-8 byte ranges of the highlights inside "snippet"; fields
 * holds every stored field except the internal ones (names starting with
 * '_'). With --facet, one more line after the hits:
 *   {"type":"facet","field":..., "counts":{value: count, ...}} */
#include <string.h>

#include "gw_json.h"
#include "gw_snippet.h"
#include "search.h"

#define SNIPPET_CHARS 90

static void put_key(gw_buf *b, const char *k)
{
	gw_json_put_string(b, k, strlen(k));
	gw_buf_putc(b, ':');
}

static void put_fields(gw_buf *b, const gw_results *r, const gw_record *rec)
{
	int first = 1;

	gw_buf_putc(b, '{');
	for (unsigned i = 0; i < rec->nf; i++) {
		if (gw_results_field_name(r, rec->fid[i])[0] == '_')
			continue;
		if (!first)
			gw_buf_putc(b, ',');
		first = 0;
		put_key(b, gw_results_field_name(r, rec->fid[i]));
		gw_json_put_string(b, rec->text[i], rec->text_len[i]);
	}
	gw_buf_putc(b, '}');
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

static void put_facets(FILE *out, const gw_results *r, gw_buf *b)
{
	size_t n;
	const gw_facet *f = gw_results_facets(r, &n);
	const char *field = gw_results_facet_field(r);

	if (!field)
		return;
	gw_buf_reset(b);
	gw_buf_puts(b, "{\"type\":\"facet\",\"field\":");
	gw_json_put_string(b, field, strlen(field));
	gw_buf_puts(b, ",\"counts\":{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			gw_buf_putc(b, ',');
		gw_json_put_string(b, f[i].value, f[i].len);
		gw_buf_printf(b, ":%zu", f[i].count);
	}
	gw_buf_puts(b, "}}\n");
	if (gw_buf_ok(b))
		fwrite(b->p, 1, b->len, out);
}

gw_rc gw_out_json(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err)
{
	unsigned title_fid = gw_title_fid(r);
	gw_buf b = GW_BUF_INIT;
	gw_snippet sn;
	gw_rc rc = GW_OK;

	(void)o;
	memset(&sn, 0, sizeof sn);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_record rec;
		int k;
		if ((rc = gw_results_record(r, i, &rec, err)) ||
		    (rc = gw_snippet_make(ix, gw_results_query(r), &rec, title_fid, SNIPPET_CHARS, &sn, err)))
			break;
		k = title_fid ? gw_record_field(&rec, title_fid) : -1;
		gw_buf_reset(&b);
		gw_buf_putc(&b, '{');
		put_key(&b, "id");
		gw_json_put_string(&b, rec.id, rec.id_len);
		gw_buf_printf(&b, ",\"type\":\"%s\"", gw_results_is_record(r, &rec) ? "record" : "notice");
		put_link(&b, r, &rec, "notice", "_notice");
		put_link(&b, r, &rec, "notice_title", "_notice_title");
		put_link(&b, r, &rec, "row", "_row");
		gw_buf_printf(&b, ",\"score\":%.6f,", gw_results_hit(r, i)->score);
		put_key(&b, "title");
		gw_json_put_string(&b, k >= 0 ? rec.text[k] : "", k >= 0 ? rec.text_len[k] : 0);
		gw_buf_putc(&b, ',');
		put_key(&b, "fields");
		put_fields(&b, r, &rec);
		gw_buf_putc(&b, ',');
		put_snippet(&b, r, &sn);
		gw_buf_puts(&b, "}\n");
		if (!gw_buf_ok(&b))
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		else
			fwrite(b.p, 1, b.len, out);
	}
	if (rc == GW_OK)
		put_facets(out, r, &b);
	gw_snippet_free(&sn);
	gw_buf_free(&b);
	return rc;
}
