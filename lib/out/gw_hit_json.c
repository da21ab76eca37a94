/* gw_hit_json: the JSON of hits and documents (shapes in gw_hit_json.h). */
#include <string.h>

#include "out/gw_hit_json.h"
#include "read/gw_json.h"

static void put_key(gw_buf *b, const char *k)
{
	gw_json_put_string(b, k, strlen(k));
	gw_buf_putc(b, ':');
}

unsigned gw_title_fid(const gw_results *r)
{
	for (unsigned f = 1; *gw_results_field_name(r, f); f++)
		if (strcmp(gw_results_field_name(r, f), "title") == 0)
			return f;
	return 0;
}

const char *gw_out_field(const gw_results *r, const gw_record *rec, const char *name, size_t *len,
                         const char **shown)
{
	const char *v = gw_results_field(r, rec, name, len);

	*shown = name;
	for (unsigned k = 0; v && k < rec->nf; k++)
		if (rec->text[k] == v)
			*shown = gw_results_field_name(r, rec->fid[k]);
	return v;
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

/* The fields of shape that rec has, under their display names. */
static void put_some_fields(gw_buf *b, const gw_results *r, const gw_record *rec,
                            const gw_hit_shape *shape)
{
	int first = 1;

	for (size_t k = 0; k < shape->nfields; k++) {
		const char *shown;
		size_t n;
		const char *v = gw_out_field(r, rec, shape->fields[k], &n, &shown);
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
	const char *field = gw_results_field_name(r, sn->fid);

	put_key(b, "snippet");
	gw_json_put_string(b, sn->text.p ? (const char *)sn->text.p : "", sn->text.len);
	gw_buf_putc(b, ',');
	put_key(b, "snippet_field");
	gw_json_put_string(b, field, strlen(field));
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

/* "id":..,"type":..(,"notice":..,"notice_title":..,"row":..): what a hit
 * and a document begin with. */
static void put_identity(gw_buf *b, const gw_results *r, const gw_record *rec)
{
	put_key(b, "id");
	gw_json_put_string(b, rec->id, rec->id_len);
	gw_buf_printf(b, ",\"type\":\"%s\"", gw_results_is_record(r, rec) ? "record" : "notice");
	put_link(b, r, rec, "notice", "_notice");
	put_link(b, r, rec, "notice_title", "_notice_title");
	put_link(b, r, rec, "row", "_row");
}

static void put_title(gw_buf *b, const gw_record *rec, unsigned title_fid)
{
	int k = title_fid ? gw_record_field(rec, title_fid) : -1;

	put_key(b, "title");
	gw_json_put_string(b, k >= 0 ? rec->text[k] : "", k >= 0 ? rec->text_len[k] : 0);
}

static gw_rc done(gw_buf *b, gw_err *err)
{
	return gw_buf_ok(b) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

/* 1 if the short record rec (gw_results_record_short) holds every field
 * the hit shows: the title, the record's links and the fields of shape. */
static int short_enough(const gw_results *r, const gw_record *rec, const gw_hit_shape *shape,
                        unsigned title_fid)
{
	static const char *const shown[] = {"_type", "_notice", "_notice_title", "_row"};

	for (unsigned k = 0; k < rec->nf; k++) {
		const char *name = gw_results_field_name(r, rec->fid[k]);
		if (rec->text[k])
			continue;
		if (rec->fid[k] == title_fid)
			return 0;
		for (size_t s = 0; s < sizeof shown / sizeof shown[0]; s++)
			if (strcmp(name, shown[s]) == 0)
				return 0;
	}
	/* A field asked for and not found may be packed, or absent: either
	 * way the whole record says. */
	for (size_t f = 0; f < shape->nfields; f++) {
		const char *as;
		size_t n;
		if (!gw_out_field(r, rec, shape->fields[f], &n, &as))
			return 0;
	}
	return 1;
}

/* The record of hit i, as much of it as the hit shows: without a snippet
 * and with only some fields (a title for a list), a long body stored
 * packed need not be unpacked. */
static gw_rc hit_record(gw_results *r, size_t i, const gw_hit_shape *shape, unsigned title_fid,
                        gw_record *rec, gw_err *err)
{
	if (shape->no_snippet && shape->fields && gw_results_record_short(r, i, rec, err) == GW_OK &&
	    short_enough(r, rec, shape, title_fid))
		return GW_OK;
	return gw_results_record(r, i, rec, err);
}

gw_rc gw_json_hit(gw_buf *b, gw_index *ix, gw_results *r, size_t i, const gw_hit_shape *shape,
                  int with_v, gw_snippet *sn, gw_err *err)
{
	unsigned title_fid = gw_title_fid(r);
	gw_record rec;

	if (hit_record(r, i, shape, title_fid, &rec, err) ||
	    (!shape->no_snippet &&
	     gw_snippet_make(ix, gw_results_query(r), &rec, title_fid, GW_SNIPPET_CHARS, sn, err)))
		return err->rc;
	gw_buf_putc(b, '{');
	if (with_v)
		gw_buf_printf(b, "\"v\":%d,", GW_OUT_JSON_V);
	put_identity(b, r, &rec);
	gw_buf_printf(b, ",\"score\":%.6f,", gw_results_hit(r, i)->score);
	put_title(b, &rec, title_fid);
	gw_buf_puts(b, ",\"fields\":{");
	if (shape->fields)
		put_some_fields(b, r, &rec, shape);
	else
		put_all_fields(b, r, &rec);
	gw_buf_putc(b, '}');
	if (!shape->no_snippet) {
		gw_buf_putc(b, ',');
		put_snippet(b, r, sn);
	}
	if (shape->explain) {
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
	return done(b, err);
}

gw_rc gw_json_doc(gw_buf *b, gw_results *r, size_t i, gw_err *err)
{
	gw_record rec;

	if (gw_results_record(r, i, &rec, err))
		return err->rc;
	gw_buf_putc(b, '{');
	put_identity(b, r, &rec);
	gw_buf_putc(b, ',');
	put_title(b, &rec, gw_title_fid(r));
	gw_buf_puts(b, ",\"fields\":{");
	put_all_fields(b, r, &rec);
	gw_buf_puts(b, "}}");
	return done(b, err);
}

void gw_json_facet_counts(gw_buf *b, const gw_results *r)
{
	size_t n;
	const gw_facet *f = gw_results_facets(r, &n);

	gw_buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			gw_buf_putc(b, ',');
		gw_json_put_string(b, f[i].value, f[i].len);
		gw_buf_printf(b, ":%zu", f[i].count);
	}
	gw_buf_putc(b, '}');
}

void gw_json_total(gw_buf *b, const gw_results *r)
{
	gw_buf_printf(b, "\"total\":%zu,\"total_relation\":\"%s\"", gw_results_total(r),
	              gw_results_total_exact(r) ? "eq" : "gte");
}

int gw_json_facets(gw_buf *b, const gw_results *r)
{
	const char *field = gw_results_facet_field(r);

	if (!field)
		return 0;
	put_key(b, "field");
	gw_json_put_string(b, field, strlen(field));
	gw_buf_puts(b, ",\"counts\":");
	gw_json_facet_counts(b, r);
	return 1;
}
