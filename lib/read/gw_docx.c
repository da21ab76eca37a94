/* gw_docx: a Word document (.docx, Office Open XML) becomes a gw_notice
 * (see gw_notice_parse_docx in gw_office.h).
 *
 * The main part (word/document.xml, or wherever _rels/.rels points) is read
 * in one SAX pass (gw_xml.h):
 *   - paragraphs (w:p) become lines; their runs' text (w:t) in order, w:tab
 *     a space, w:br and w:cr a line break; deleted text (w:del, w:moveFrom)
 *     and the fallback copy of drawings (mc:Fallback, which repeats the text
 *     box of mc:Choice) are dropped; field codes (w:instrText) are not text,
 *     and the shown result of a PAGE, NUMPAGES or SECTIONPAGES field is
 *     dropped; a text box's paragraphs are lines within their paragraph;
 *   - tables (w:tbl) become gw_tables straight from their structure: a cell
 *     spanning columns (w:gridSpan) gives its text to each, a vertically
 *     merged cell (w:vMerge restart ... continue) gives its text to every
 *     row it covers, w:gridBefore skips columns; a table inside a cell is
 *     text of that cell; a table that is layout (one column, one row, long
 *     text) is lines of text instead.
 * The header and footer parts the document's relationships name are read
 * the same way, their lines deduplicated (a first-page and a default header
 * often say the same) and page numbers dropped (`- 2 -`, `–– 2 ––`,
 * `第 2 页`, `第2页 共5页`, `2 / 5`, `Page 2 of 5`); header lines go
 * before the body (份号, 密级 and 紧急程度 come first in a notice), footer
 * lines after it. The text then goes through gw_notice_parse_text as a
 * .txt file's would, and the tables are added (gw_office_notice).
 *
 * Not read: footnotes, endnotes, comments, text in charts and SmartArt
 * (other parts), embedded objects. */
#include "read/gw_office.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/gw_limits.h"
#include "notice/gw_table.h"
#include "read/gw_input.h"
#include "read/gw_xml.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

#define MAX_FIELD_NEST 16
#define WIDE (GW_TABLE_COLS_MAX + 1) /* columns kept of a table: one more says "too wide" */

typedef struct dcell {
	gw_buf text;
	size_t span;
	int vmerge; /* 0 none, 1 restart, 2 continue */
} dcell;

typedef struct drow {
	dcell *cells;
	size_t n, cap;
	size_t before; /* w:gridBefore */
} drow;

typedef struct dtable {
	drow *rows;
	size_t n, cap;
} dtable;

typedef struct docx {
	gw_buf *out;      /* finished lines */
	gw_buf para;      /* the paragraph being read */
	int para_depth;   /* w:p open (a text box's paragraphs nest) */
	int skip;         /* depth of the element being skipped, or 0 */
	int in_t, in_instr;
	int hdrftr;       /* a header or footer part: tables are text, page numbers dropped */
	/* fields: per nesting level, whether the result is dropped */
	int fld_n;
	unsigned char fld_drop[MAX_FIELD_NEST];
	unsigned char fld_res[MAX_FIELD_NEST];
	gw_buf instr;
	dtable *tbls;     /* open tables, innermost last */
	size_t ntbl, tcap;
	gw_notice *tabs;  /* finished data tables (and notes) */
	size_t nwide;     /* tables read as text for their width */
	int oom;
} docx;

/* ---- lines ---------------------------------------------------------------- */

static dcell *cur_cell(docx *d)
{
	dtable *t;
	drow *r;

	if (d->ntbl == 0)
		return NULL;
	t = &d->tbls[d->ntbl - 1];
	if (t->n == 0)
		return NULL;
	r = &t->rows[t->n - 1];
	return r->n ? &r->cells[r->n - 1] : NULL;
}

/* Appends the line s[0..n) (trimmed) to d->out. */
static void put_line(docx *d, const char *s, size_t n)
{
	const char *b = s, *e = s + n;

	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (b == e || (d->hdrftr && gw_office_page_number(b, (size_t)(e - b))))
		return;
	gw_buf_append(d->out, b, (size_t)(e - b));
	gw_buf_putc(d->out, '\n');
}

/* The paragraph read: a line of the text, or text of the current cell. */
static void end_para(docx *d)
{
	const char *s = d->para.len ? (const char *)d->para.p : "";
	dcell *cell = cur_cell(d);

	if (cell) {
		/* the lines of a paragraph in a cell are joined as one text */
		size_t i = 0;
		while (i < d->para.len) {
			size_t j = i;
			while (j < d->para.len && s[j] != '\n')
				j++;
			gw_office_join(&cell->text, s + i, j - i);
			i = j + 1;
		}
	} else {
		size_t i = 0;
		while (i <= d->para.len) {
			size_t j = i;
			while (j < d->para.len && s[j] != '\n')
				j++;
			put_line(d, s + i, j - i);
			i = j + 1;
		}
	}
	gw_buf_reset(&d->para);
}

/* ---- tables --------------------------------------------------------------- */

static size_t num_attr(const char *const *attrs, const char *name, size_t def, size_t max)
{
	const char *v = gw_xml_attr(attrs, name);
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return def;
	n = strtoull(v, &end, 10);
	if (end == v || *v == '-')
		return def;
	return n > max ? max : (size_t)n;
}

static void table_free(dtable *t)
{
	for (size_t r = 0; r < t->n; r++) {
		for (size_t c = 0; c < t->rows[r].n; c++)
			gw_buf_free(&t->rows[r].cells[c].text);
		free(t->rows[r].cells);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

/* The grid of t: spans and vertical merges expanded; columns past WIDE
 * are dropped (and *wide set). */
static int table_grid(const dtable *t, gw_ogrid *g, int *wide)
{
	*wide = 0;
	for (size_t r = 0; r < t->n; r++) {
		size_t col = t->rows[r].before;
		if (gw_ogrid_add_row(g))
			return -1;
		for (size_t k = 0; k < t->rows[r].n; k++) {
			const dcell *cell = &t->rows[r].cells[k];
			size_t span = cell->span ? cell->span : 1;
			for (size_t s = 0; s < span; s++, col++) {
				const char *v = (const char *)cell->text.p;
				size_t len = cell->text.len;
				if (col >= WIDE) {
					*wide = 1;
					break;
				}
				if (cell->vmerge == 2) {
					v = r > 0 ? gw_ogrid_get(g, r - 1, col) : "";
					len = strlen(v);
				}
				if (gw_ogrid_set(g, r, col, v ? v : "", v ? len : 0))
					return -1;
			}
		}
	}
	return 0;
}

/* A table closed: a data table goes to d->tabs, another is text, of the
 * enclosing cell when it is nested. */
static void end_table(docx *d)
{
	dtable t = d->tbls[--d->ntbl];
	dcell *outer = cur_cell(d);
	gw_ogrid g = {0};
	int wide = 0;

	if (table_grid(&t, &g, &wide)) {
		d->oom = 1;
	} else if (outer) {
		gw_buf tmp = GW_BUF_INIT;
		gw_ogrid_text(&g, &tmp);
		for (size_t i = 0; i < tmp.len; i++)
			if (tmp.p[i] == '\n')
				tmp.p[i] = ' ';
		gw_office_join(&outer->text, (const char *)tmp.p, tmp.len);
		d->oom |= !gw_buf_ok(&tmp);
		gw_buf_free(&tmp);
	} else if (!d->hdrftr && !wide && gw_ogrid_is_data(&g)) {
		char *cap = gw_office_line_above(d->out);
		if (!cap || gw_ogrid_to_table(&g, cap, d->tabs))
			d->oom = 1;
		free(cap);
	} else {
		gw_ogrid_text(&g, d->out);
		d->nwide += wide;
	}
	gw_ogrid_free(&g);
	table_free(&t);
}

static void start_table(docx *d)
{
	if (gw_array_grow((void **)&d->tbls, &d->tcap, d->ntbl + 1, sizeof *d->tbls, 4)) {
		d->oom = 1;
		return;
	}
	memset(&d->tbls[d->ntbl++], 0, sizeof *d->tbls);
}

static void start_row(docx *d)
{
	dtable *t;

	if (d->ntbl == 0)
		return;
	t = &d->tbls[d->ntbl - 1];
	if (gw_array_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows, 8)) {
		d->oom = 1;
		return;
	}
	memset(&t->rows[t->n++], 0, sizeof *t->rows);
}

static void start_cell(docx *d)
{
	dtable *t;
	drow *r;

	if (d->ntbl == 0 || d->tbls[d->ntbl - 1].n == 0)
		return;
	t = &d->tbls[d->ntbl - 1];
	r = &t->rows[t->n - 1];
	if (gw_array_grow((void **)&r->cells, &r->cap, r->n + 1, sizeof *r->cells, 8)) {
		d->oom = 1;
		return;
	}
	r->cells[r->n++] = (dcell){GW_BUF_INIT, 1, 0};
}

/* ---- fields --------------------------------------------------------------- */

/* Whether a field's instruction is a page number (its result dropped). */
static int page_field(const char *instr)
{
	static const char *const names[] = {"PAGE", "NUMPAGES", "SECTIONPAGES", NULL};
	const char *p = instr;

	while (*p == ' ')
		p++;
	for (size_t i = 0; names[i]; i++) {
		size_t k = strlen(names[i]);
		if (strncasecmp(p, names[i], k) == 0 && (p[k] == '\0' || p[k] == ' ' || p[k] == '\\'))
			return 1;
	}
	return 0;
}

static int dropping_field(const docx *d)
{
	for (int i = 0; i < d->fld_n && i < MAX_FIELD_NEST; i++)
		if (d->fld_res[i] && d->fld_drop[i])
			return 1;
	return 0;
}

static void fld_char(docx *d, const char *type)
{
	if (!type)
		return;
	if (strcmp(type, "begin") == 0) {
		if (d->fld_n < MAX_FIELD_NEST) {
			d->fld_drop[d->fld_n] = 0;
			d->fld_res[d->fld_n] = 0;
		}
		d->fld_n++;
		gw_buf_reset(&d->instr);
	} else if (strcmp(type, "separate") == 0 && d->fld_n > 0 && d->fld_n <= MAX_FIELD_NEST) {
		gw_buf_putc(&d->instr, '\0');
		d->fld_res[d->fld_n - 1] = 1;
		d->fld_drop[d->fld_n - 1] = gw_buf_ok(&d->instr) && page_field((const char *)d->instr.p);
		gw_buf_reset(&d->instr);
	} else if (strcmp(type, "end") == 0 && d->fld_n > 0) {
		d->fld_n--;
	}
}

/* ---- the SAX handler ------------------------------------------------------ */

static void on_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	docx *d = ctx;

	(void)x;
	if (d->skip)
		return;
	if (strcmp(name, "del") == 0 || strcmp(name, "moveFrom") == 0 ||
	    strcmp(name, "Fallback") == 0) {
		d->skip = depth;
	} else if (strcmp(name, "fldSimple") == 0) {
		const char *instr = gw_xml_attr(attrs, "instr");
		if (instr && page_field(instr))
			d->skip = depth;
	} else if (strcmp(name, "p") == 0) {
		if (d->para_depth++ > 0)
			gw_buf_putc(&d->para, '\n');
	} else if (strcmp(name, "t") == 0) {
		d->in_t = 1;
	} else if (strcmp(name, "instrText") == 0) {
		d->in_instr = 1;
	} else if (strcmp(name, "tab") == 0 && d->para_depth > 0 && !dropping_field(d)) {
		gw_buf_putc(&d->para, ' ');
	} else if ((strcmp(name, "br") == 0 || strcmp(name, "cr") == 0) && d->para_depth > 0) {
		gw_buf_putc(&d->para, '\n');
	} else if (strcmp(name, "noBreakHyphen") == 0 && d->para_depth > 0) {
		gw_buf_putc(&d->para, '-');
	} else if (strcmp(name, "fldChar") == 0) {
		fld_char(d, gw_xml_attr(attrs, "fldCharType"));
	} else if (strcmp(name, "tbl") == 0) {
		start_table(d);
	} else if (strcmp(name, "tr") == 0) {
		start_row(d);
	} else if (strcmp(name, "tc") == 0) {
		start_cell(d);
	} else if (strcmp(name, "gridBefore") == 0 && d->ntbl && d->tbls[d->ntbl - 1].n) {
		dtable *t = &d->tbls[d->ntbl - 1];
		t->rows[t->n - 1].before = num_attr(attrs, "val", 0, WIDE);
	} else if (strcmp(name, "gridSpan") == 0 && cur_cell(d)) {
		size_t span = num_attr(attrs, "val", 1, WIDE);
		cur_cell(d)->span = span ? span : 1;
	} else if (strcmp(name, "vMerge") == 0 && cur_cell(d)) {
		const char *v = gw_xml_attr(attrs, "val");
		cur_cell(d)->vmerge = v && strcmp(v, "restart") == 0 ? 1 : 2;
	}
}

static void on_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	docx *d = ctx;

	if (d->skip) {
		if (depth == d->skip)
			d->skip = 0;
		return;
	}
	if (strcmp(name, "t") == 0) {
		d->in_t = 0;
	} else if (strcmp(name, "instrText") == 0) {
		d->in_instr = 0;
	} else if (strcmp(name, "p") == 0 && d->para_depth > 0) {
		if (--d->para_depth == 0)
			end_para(d);
	} else if (strcmp(name, "tbl") == 0 && d->ntbl > 0) {
		end_table(d);
	}
	if (d->oom || !gw_buf_ok(&d->para) || !gw_buf_ok(d->out))
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
}

static void on_text(gw_xml *x, void *ctx, const char *s, size_t n)
{
	docx *d = ctx;

	(void)x;
	if (d->skip)
		return;
	if (d->in_instr)
		gw_buf_append(&d->instr, s, n);
	else if (d->in_t && d->para_depth > 0 && !dropping_field(d))
		gw_buf_append(&d->para, s, n);
}

static const gw_xml_handler handler = {on_start, on_end, on_text};

/* Reads the WordprocessingML part p[0..n) named part: its lines to out,
 * its data tables to tabs (unless hdrftr). */
static gw_rc read_part(const char *part, const char *p, size_t n, int hdrftr, gw_buf *out,
                       gw_notice *tabs, size_t *nwide, gw_err *err)
{
	docx d;
	gw_rc rc;

	memset(&d, 0, sizeof d);
	d.out = out;
	d.hdrftr = hdrftr;
	d.tabs = tabs;
	rc = gw_xml_parse(part, p, n, &handler, &d, err);
	while (d.ntbl > 0) /* tables left open by a part cut short */
		table_free(&d.tbls[--d.ntbl]);
	free(d.tbls);
	gw_buf_free(&d.para);
	gw_buf_free(&d.instr);
	*nwide += d.nwide;
	if (rc == GW_OK && (d.oom || !gw_buf_ok(out)))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return rc;
}

/* ---- the package ---------------------------------------------------------- */

/* The targets of the relationships of part of type want, NUL-separated
 * in out (reset first), and how many in *n. */
static gw_rc find_rels(gw_zip *z, const char *part, const char *want, gw_buf *out, size_t *n,
                       gw_err *err)
{
	gw_orels r = {0};
	gw_rc rc = gw_office_rels(z, part, &r, err);

	gw_buf_reset(out);
	*n = 0;
	for (size_t i = 0; rc == GW_OK && i < r.n; i++)
		if (strcmp(r.r[i].type, want) == 0) {
			gw_buf_append(out, r.r[i].target, strlen(r.r[i].target) + 1);
			++*n;
		}
	gw_orels_free(&r);
	if (rc == GW_OK && !gw_buf_ok(out))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return rc;
}

/* Appends the lines of the header or footer parts (targets, n of them)
 * to out, each line once (seen: lines already given, '\n'-separated). */
static gw_rc read_hdrftr(gw_zip *z, const char *targets, size_t n, gw_buf *out, gw_buf *seen,
                         gw_err *err)
{
	gw_buf xml = GW_BUF_INIT, lines = GW_BUF_INIT;
	gw_notice none;
	size_t nwide = 0;
	gw_rc rc = GW_OK;

	memset(&none, 0, sizeof none);
	for (size_t k = 0; k < n && rc == GW_OK; k++, targets += strlen(targets) + 1) {
		if (gw_zip_find(z, targets) < 0)
			continue; /* a relationship to a part that is not there */
		gw_buf_reset(&lines);
		if ((rc = gw_zip_read_name(z, targets, &xml, err)) != GW_OK ||
		    (rc = read_part(targets, (const char *)xml.p, xml.len, 1, &lines, &none, &nwide,
		                    err)) != GW_OK)
			break;
		for (size_t i = 0; i < lines.len;) {
			const char *s = (const char *)lines.p + i;
			size_t len = (size_t)((const char *)memchr(s, '\n', lines.len - i) - s);
			int dup = 0;
			for (size_t j = 0; j < seen->len && !dup;) {
				const char *t = (const char *)seen->p + j;
				size_t tl = (size_t)((const char *)memchr(t, '\n', seen->len - j) - t);
				dup = tl == len && memcmp(s, t, len) == 0;
				j += tl + 1;
			}
			if (!dup) {
				gw_buf_append(out, s, len + 1);
				gw_buf_append(seen, s, len + 1);
			}
			i += len + 1;
		}
	}
	gw_buf_free(&xml);
	gw_buf_free(&lines);
	gw_notice_free(&none);
	if (rc == GW_OK && (!gw_buf_ok(out) || !gw_buf_ok(seen)))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return rc;
}

/* The name of the main document part. */
static gw_rc main_part(gw_zip *z, gw_buf *name, gw_err *err)
{
	size_t n;
	gw_rc rc = find_rels(z, "", "officeDocument", name, &n, err);

	if (rc != GW_OK)
		return rc;
	if (n > 0 && gw_zip_find(z, (const char *)name->p) >= 0)
		return GW_OK;
	gw_buf_reset(name);
	gw_buf_puts(name, "word/document.xml");
	gw_buf_putc(name, '\0');
	if (!gw_buf_ok(name))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_zip_find(z, "word/document.xml") < 0)
		return gw_err_set(err, GW_EINVAL, 0, "not a Word document: no word/document.xml "
		                  "(and no officeDocument relationship) in the archive");
	return GW_OK;
}

/* Notes the tables read as text for having too many columns; -1 when out
 * of memory. */
static int note_wide(size_t nwide, gw_notice *tabs)
{
	return nwide ? gw_table_note(tabs, 0, "%zu table%s of more than GW_TABLE_COLS_MAX (%d) "
	                             "columns read as text", nwide, nwide == 1 ? "" : "s",
	                             GW_TABLE_COLS_MAX)
	             : 0;
}

gw_rc gw_notice_parse_docx(gw_zip *z, gw_notice *out, gw_err *err)
{
	gw_buf name = GW_BUF_INIT, xml = GW_BUF_INIT, head = GW_BUF_INIT, body = GW_BUF_INIT;
	gw_buf foot = GW_BUF_INIT, seen = GW_BUF_INIT, targets = GW_BUF_INIT;
	gw_notice tabs;
	size_t n, nwide = 0;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	memset(&tabs, 0, sizeof tabs);
	if ((rc = main_part(z, &name, err)) != GW_OK)
		goto out;
	if ((rc = find_rels(z, (const char *)name.p, "header", &targets, &n, err)) != GW_OK ||
	    (rc = read_hdrftr(z, (const char *)targets.p, n, &head, &seen, err)) != GW_OK ||
	    (rc = find_rels(z, (const char *)name.p, "footer", &targets, &n, err)) != GW_OK ||
	    (rc = read_hdrftr(z, (const char *)targets.p, n, &foot, &seen, err)) != GW_OK)
		goto out;
	if ((rc = gw_zip_read_name(z, (const char *)name.p, &xml, err)) != GW_OK)
		goto out;
	/* the header's lines first: the caption of a table is the line above
	 * it in the text as it will be read */
	gw_buf_append(&body, head.p, head.len);
	if ((rc = read_part((const char *)name.p, (const char *)xml.p, xml.len, 0, &body, &tabs,
	                    &nwide, err)) != GW_OK)
		goto out;
	gw_buf_append(&body, foot.p, foot.len);
	if (!gw_buf_ok(&body) || note_wide(nwide, &tabs)) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto out;
	}
	rc = gw_office_notice(&body, &tabs, out, err);
out:
	gw_notice_free(&tabs);
	gw_buf_free(&name);
	gw_buf_free(&xml);
	gw_buf_free(&head);
	gw_buf_free(&body);
	gw_buf_free(&foot);
	gw_buf_free(&seen);
	gw_buf_free(&targets);
	return rc;
}

gw_rc gw_notice_parse_docx_xml(const char *p, size_t n, gw_notice *out, gw_err *err)
{
	gw_buf body = GW_BUF_INIT;
	gw_notice tabs;
	size_t nwide = 0;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	memset(&tabs, 0, sizeof tabs);
	rc = read_part("word/document.xml", p, n, 0, &body, &tabs, &nwide, err);
	if (rc == GW_OK && note_wide(nwide, &tabs))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK)
		rc = gw_office_notice(&body, &tabs, out, err);
	gw_notice_free(&tabs);
	gw_buf_free(&body);
	return rc;
}

/* The reader of gongwen-index (gw_input.h): one notice per .docx file. */
void gw_input_docx(gw_input *in, const char *id, FILE *fp)
{
	gw_office_input(in, id, fp, gw_notice_parse_docx);
}

void gw_input_docx_mem(gw_input *in, const char *id, const char *p, size_t n)
{
	gw_office_input_mem(in, id, p, n, gw_notice_parse_docx);
}
