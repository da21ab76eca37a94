/* out_text: hits for people: rank, id, score, title and a snippet with the
 * matches highlighted in the document's own script. With colour the
 * highlights are bold red; without, they are marked « » (brackets that
 * Chinese notices do not use, unlike 【】 or 〔〕). */
#include <string.h>

#include "gw_snippet.h"
#include "search.h"

#define SNIPPET_CHARS 90

static const char *hl_on(const sopts *o) { return o->color ? "\x1b[1;31m" : "\xC2\xAB"; }
static const char *hl_off(const sopts *o) { return o->color ? "\x1b[0m" : "\xC2\xBB"; }

unsigned gw_title_fid(const gw_results *r)
{
	for (unsigned f = 1; *gw_results_field_name(r, f); f++)
		if (strcmp(gw_results_field_name(r, f), "title") == 0)
			return f;
	return 0;
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

gw_rc gw_out_text(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err)
{
	unsigned title_fid = gw_title_fid(r);
	gw_snippet sn;
	gw_rc rc = GW_OK;

	memset(&sn, 0, sizeof sn);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_record rec;
		if ((rc = gw_results_record(r, i, &rec, err)))
			break;
		fprintf(out, "%s%zu. %.*s%s  (%.3f)\n   ", o->color ? "\x1b[1m" : "", i + 1, (int)rec.id_len,
		        rec.id, o->color ? "\x1b[0m" : "", gw_results_hit(r, i)->score);
		if ((rc = put_title(out, ix, r, &rec, title_fid, o, err)))
			break;
		fputs("\n", out);
		rc = gw_snippet_make(ix, gw_results_query(r), &rec, title_fid, SNIPPET_CHARS, &sn, err);
		if (rc == GW_OK && sn.text.len) {
			fputs("   ", out);
			put_marked(out, (const char *)sn.text.p, sn.text.len, &sn.matches, o);
			fputs("\n", out);
		}
	}
	if (rc == GW_OK)
		fprintf(out, "%zu of %zu matching document%s\n", gw_results_count(r), gw_results_total(r),
		        gw_results_total(r) == 1 ? "" : "s");
	gw_snippet_free(&sn);
	return rc;
}
