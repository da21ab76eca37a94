/* out_text: hits for people: rank, id, score, title and a snippet with the
 * matches highlighted in the document's own script, then one "name: value"
 * line per --fields field. With colour the highlights are bold red;
 * without, they are marked « » (brackets that Chinese notices do not use,
 * unlike 【】 or 〔〕). Also the helpers the other formats share. */
#include <errno.h>
#include <string.h>

#include "search/gw_snippet.h"
#include "search.h"

#define SNIPPET_CHARS 90

static const char *hl_on(const sopts *o) { return o->color ? "\x1b[1;31m" : "\xC2\xAB"; }
static const char *hl_off(const sopts *o) { return o->color ? "\x1b[0m" : "\xC2\xBB"; }

gw_rc gw_out_check(FILE *out, gw_err *err)
{
	if (!ferror(out))
		return GW_OK;
	return gw_err_set(err, GW_EIO, errno, "cannot write output: %s", strerror(errno));
}

void gw_out_flat(FILE *out, const char *s, size_t n)
{
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			fwrite(s + at, 1, i - at, out);
			putc(' ', out);
			at = i + 1;
		}
	}
	fwrite(s + at, 1, n - at, out);
}

/* The --fields lines of a hit: "name: value" for each field it has. */
static void put_fields(FILE *out, const gw_results *r, const gw_record *rec, const sopts *o)
{
	for (size_t k = 0; k < o->nfields; k++) {
		const char *shown;
		size_t n;
		const char *v = gw_out_field(r, rec, o->fields[k], &n, &shown);
		if (!v)
			continue;
		fprintf(out, "   %s: ", shown);
		gw_out_flat(out, v, n);
		fputs("\n", out);
	}
}

/* Writes text with the ranges marked. */
static void put_marked(FILE *out, const char *text, size_t len, const gw_ranges *rs, const sopts *o)
{
	size_t at = 0;

	for (size_t i = 0; i < rs->n; i++) {
		fwrite(text + at, 1, rs->r[i].start - at, out);
		fputs(hl_on(o), out);
		fwrite(text + rs->r[i].start, 1, rs->r[i].end - rs->r[i].start, out);
		fputs(hl_off(o), out);
		at = rs->r[i].end;
	}
	fwrite(text + at, 1, len - at, out);
}

/* The title line: the title field, highlighted, with line breaks as spaces. */
static gw_rc put_title(FILE *out, gw_index *ix, const gw_results *r, const gw_record *rec,
                       unsigned title_fid, const sopts *o, gw_err *err)
{
	int k = title_fid ? gw_record_field(rec, title_fid) : -1;
	gw_ranges rs = {0};
	gw_buf flat = GW_BUF_INIT;

	if (k < 0) {
		fputs("(no title)", out);
		return GW_OK;
	}
	if (gw_highlight(ix, gw_results_query(r), rec->text[k], rec->text_len[k], &rs, err))
		return err->rc;
	for (size_t i = 0; i < rec->text_len[k]; i++)
		gw_buf_putc(&flat, rec->text[k][i] == '\n' ? ' ' : rec->text[k][i]);
	if (gw_buf_ok(&flat))
		put_marked(out, (const char *)flat.p, flat.len, &rs, o);
	gw_buf_free(&flat);
	gw_ranges_free(&rs);
	return GW_OK;
}

/* A record: its row as "column: value" pairs with the matches marked, then
 * the notice it comes from. */
static gw_rc put_record(FILE *out, gw_index *ix, const gw_results *r, const gw_record *rec,
                        const sopts *o, gw_err *err)
{
	static const char *const link[] = {"_notice_title", "_number", "_date"};
	gw_ranges rs = {0};
	int first = 1;
	size_t n;

	fputs("   ", out);
	for (unsigned i = 0; i < rec->nf; i++) {
		const char *name = gw_results_field_name(r, rec->fid[i]);
		/* notice_number is the ↳ line's number, indexed (gw_attach.h) */
		if (name[0] == '_' || strcmp(name, "notice_number") == 0)
			continue;
		rs.n = 0;
		if (gw_highlight(ix, gw_results_query(r), rec->text[i], rec->text_len[i], &rs, err))
			break;
		fprintf(out, "%s%s: ", first ? "" : " | ", name);
		put_marked(out, rec->text[i], rec->text_len[i], &rs, o);
		first = 0;
	}
	gw_ranges_free(&rs);
	fputs("\n   \xE2\x86\xB3 ", out); /* ↳ */
	for (size_t k = 0; k < sizeof link / sizeof link[0]; k++) {
		const char *v = gw_results_field(r, rec, link[k], &n);
		if (v)
			fprintf(out, "%s%.*s", k ? " \xC2\xB7 " : "", (int)n, v);
	}
	fputs("\n", out);
	return err->rc;
}

/* A notice: its title, then a snippet of where it matches. */
static gw_rc put_notice(FILE *out, gw_index *ix, const gw_results *r, const gw_record *rec,
                        unsigned title_fid, const sopts *o, gw_snippet *sn, gw_err *err)
{
	fputs("   ", out);
	if (put_title(out, ix, r, rec, title_fid, o, err))
		return err->rc;
	fputs("\n", out);
	if (gw_snippet_make(ix, gw_results_query(r), rec, title_fid, SNIPPET_CHARS, sn, err))
		return err->rc;
	if (sn->text.len) {
		fputs("   ", out);
		put_marked(out, (const char *)sn->text.p, sn->text.len, &sn->matches, o);
		fputs("\n", out);
	}
	return GW_OK;
}

void gw_out_facets_text(FILE *out, const gw_results *r)
{
	size_t n;
	const gw_facet *f = gw_results_facets(r, &n);

	if (!gw_results_facet_field(r))
		return;
	fprintf(out, "\n%s:\n", gw_results_facet_field(r));
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %6zu  %.*s\n", f[i].count, (int)f[i].len, f[i].value);
	if (n == 0)
		fputs("  (no matching document has this field)\n", out);
}

/* --explain: the score breakdown, indented under the hit. */
static gw_rc put_explain(FILE *out, gw_results *r, size_t i, gw_err *err)
{
	gw_buf why = GW_BUF_INIT;
	gw_rc rc = gw_results_explain(r, i, &why, err);
	size_t at = 0;

	while (rc == GW_OK && at < why.len) {
		const unsigned char *nl = memchr(why.p + at, '\n', why.len - at);
		size_t end = nl ? (size_t)(nl - why.p) : why.len;
		fprintf(out, "   | %.*s\n", (int)(end - at), (const char *)why.p + at);
		at = end + 1;
	}
	gw_buf_free(&why);
	return rc;
}

gw_rc gw_out_text(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err)
{
	unsigned title_fid = gw_title_fid(r);
	gw_snippet sn;
	gw_rc rc = GW_OK;

	memset(&sn, 0, sizeof sn);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_record rec;
		int is_rec;
		if ((rc = gw_results_record(r, i, &rec, err)))
			break;
		is_rec = gw_results_is_record(r, &rec);
		fprintf(out, "%s%zu. %.*s%s  (%.3f)%s\n", o->color ? "\x1b[1m" : "", o->so.offset + i + 1,
		        (int)rec.id_len, rec.id, o->color ? "\x1b[0m" : "", gw_results_hit(r, i)->score,
		        is_rec ? "  record" : "");
		rc = is_rec ? put_record(out, ix, r, &rec, o, err)
		            : put_notice(out, ix, r, &rec, title_fid, o, &sn, err);
		if (rc == GW_OK) {
			put_fields(out, r, &rec, o);
			if (o->explain)
				rc = put_explain(out, r, i, err);
		}
		if (rc == GW_OK)
			rc = gw_out_check(out, err);
	}
	if (rc == GW_OK) {
		fprintf(out, "%zu of %zu%s matching document%s", gw_results_count(r), gw_results_total(r),
		        gw_results_total_exact(r) ? "" : "+", gw_results_total(r) == 1 ? "" : "s");
		if (o->so.offset && gw_results_count(r))
			fprintf(out, " (ranks %zu to %zu)", o->so.offset + 1, o->so.offset + gw_results_count(r));
		fputs("\n", out);
		gw_out_facets_text(out, r);
		rc = gw_out_check(out, err);
	}
	gw_snippet_free(&sn);
	return rc;
}
