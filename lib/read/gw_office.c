/* gw_office: what the office readers share (see gw_office.h): joining
 * pieces of Chinese and Latin text, grids of cells into gw_tables, and the
 * notice made of text lines and tables. */
#include "read/gw_office.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/gw_limits.h"
#include "notice/gw_table.h"
#include "read/gw_input.h"
#include "read/gw_xml.h"
#include "text/gw_utf8.h"

#define LAYOUT_CELL_LEN 1000 /* bytes of text that make a cell "layout" */

int gw_office_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) ||  /* radicals, CJK punctuation, kana, Han */
	       (cp >= 0xAC00 && cp <= 0xD7AF) ||  /* Hangul */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||  /* compatibility ideographs */
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||  /* CJK compatibility forms */
	       (cp >= 0xFF00 && cp <= 0xFFEF) ||  /* full-width forms */
	       (cp >= 0x20000 && cp <= 0x3FFFF) || /* Han extensions */
	       cp == 0x2014 || cp == 0x2026 || cp == 0x201C || cp == 0x201D || cp == 0x2018 ||
	       cp == 0x2019 || cp == 0x00B7;
}

/* The last code point of s[0..n), or -1. */
static int32_t last_cp(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return -1;
	i = n - 1;
	while (i > 0 && n - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return gw_utf8_next(s, n, &i);
}

static int space_byte(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void gw_office_join(gw_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int32_t before, after;

	if (n == 0)
		return;
	if (b->len > 0 && !space_byte(b->p[b->len - 1]) && !space_byte((unsigned char)s[0])) {
		before = last_cp((const char *)b->p, b->len);
		after = gw_utf8_next(s, n, &i);
		if (!(before >= 0 && gw_office_cjk((uint32_t)before)) &&
		    !(after >= 0 && gw_office_cjk((uint32_t)after)))
			gw_buf_putc(b, ' ');
	}
	gw_buf_append(b, s, n);
}

/* ---- page numbers --------------------------------------------------------- */

/* A dash around a page number; 一 too, typed for — in many a 公文's
 * footer (一 2 一). */
static int dash(uint32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2012 || c == 0x2013 || c == 0x2014 ||
	       c == 0x2015 || c == 0xFF0D || c == 0x2212 || c == '~' || c == 0xFF5E || c == 0xB7 ||
	       c == 0x4E00;
}

int gw_office_page_number(const char *s, size_t n)
{
	size_t i = 0, run = 0;
	int lead0 = 0;

	while (i < n) {
		size_t at = i;
		int32_t c = gw_utf8_next(s, n, &i);
		if (c >= 0xFF10 && c <= 0xFF19)
			c = c - 0xFF10 + '0';
		if (c >= '0' && c <= '9') {
			if (run == 0)
				lead0 = c == '0';
			if (++run > 4 || lead0)
				return 0;
			continue;
		}
		run = 0;
		if (c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 || dash((uint32_t)c) ||
		    c == '/' || c == 0x7B2C || c == 0x9875 || c == 0x9801 || c == 0x5171 || c == '|')
			continue;
		if (n - at >= 4 && strncasecmp(s + at, "page", 4) == 0) {
			i = at + 4;
			continue;
		}
		if (n - at >= 2 && strncasecmp(s + at, "of", 2) == 0) {
			i = at + 2;
			continue;
		}
		return 0;
	}
	return 1;
}

/* ---- grids ---------------------------------------------------------------- */

int gw_ogrid_add_row(gw_ogrid *g)
{
	if (gw_array_grow((void **)&g->rows, &g->cap, g->nrows + 1, sizeof *g->rows, 16))
		return -1;
	memset(&g->rows[g->nrows++], 0, sizeof *g->rows);
	return 0;
}

/* Trims ASCII white space, U+00A0 and U+3000 from both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	for (;;) {
		if (*n && space_byte((unsigned char)s[0]))
			s++, (*n)--;
		else if (*n >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
			s += 2, *n -= 2;
		else if (*n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3, *n -= 3;
		else
			break;
	}
	for (;;) {
		if (*n && space_byte((unsigned char)s[*n - 1]))
			(*n)--;
		else if (*n >= 2 && memcmp(s + *n - 2, "\xC2\xA0", 2) == 0)
			*n -= 2;
		else if (*n >= 3 && memcmp(s + *n - 3, "\xE3\x80\x80", 3) == 0)
			*n -= 3;
		else
			break;
	}
	return s;
}

int gw_ogrid_set(gw_ogrid *g, size_t r, size_t c, const char *s, size_t n)
{
	gw_orow *row = &g->rows[r];
	char *copy;

	s = trim(s, &n);
	if (c >= row->n) {
		if (gw_array_grow((void **)&row->cells, &row->cap, c + 1, sizeof *row->cells, 8))
			return -1;
		memset(row->cells + row->n, 0, (c + 1 - row->n) * sizeof *row->cells);
		row->n = c + 1;
	}
	if (c + 1 > g->ncols)
		g->ncols = c + 1;
	if (n == 0) {
		free(row->cells[c]);
		row->cells[c] = NULL;
		return 0;
	}
	if (!(copy = strndup(s, n)))
		return -1;
	free(row->cells[c]);
	row->cells[c] = copy;
	return 0;
}

const char *gw_ogrid_get(const gw_ogrid *g, size_t r, size_t c)
{
	const gw_orow *row = &g->rows[r];

	return c < row->n && row->cells[c] ? row->cells[c] : "";
}

void gw_ogrid_free(gw_ogrid *g)
{
	for (size_t r = 0; r < g->nrows; r++) {
		for (size_t c = 0; c < g->rows[r].n; c++)
			free(g->rows[r].cells[c]);
		free(g->rows[r].cells);
	}
	free(g->rows);
	memset(g, 0, sizeof *g);
}

static int empty_row(const gw_ogrid *g, size_t r)
{
	for (size_t c = 0; c < g->ncols; c++)
		if (gw_ogrid_get(g, r, c)[0])
			return 0;
	return 1;
}

/* A row that is one text across the whole table: a title, not data. */
static int title_row(const gw_ogrid *g, size_t r)
{
	const char *first = gw_ogrid_get(g, r, 0);

	if (!first[0] || g->ncols < 2)
		return 0;
	for (size_t c = 1; c < g->ncols; c++)
		if (strcmp(gw_ogrid_get(g, r, c), first) != 0)
			return 0;
	return 1;
}

/* The header row: the first non-empty row that is not a title row. */
static size_t header_row(const gw_ogrid *g, const char **title)
{
	size_t h = 0;

	*title = NULL;
	while (h < g->nrows && (empty_row(g, h) || title_row(g, h))) {
		if (!*title && title_row(g, h))
			*title = gw_ogrid_get(g, h, 0);
		h++;
	}
	return h;
}

int gw_ogrid_is_data(const gw_ogrid *g)
{
	const char *title;
	size_t h = header_row(g, &title), data = 0;

	if (g->ncols < 2 || g->ncols > GW_TABLE_COLS_MAX || h >= g->nrows)
		return 0;
	for (size_t r = 0; r < g->nrows; r++)
		for (size_t c = 0; c < g->ncols; c++)
			if (strlen(gw_ogrid_get(g, r, c)) > LAYOUT_CELL_LEN)
				return 0;
	for (size_t r = h + 1; r < g->nrows; r++)
		data += !empty_row(g, r);
	return data > 0;
}

int gw_ogrid_to_table(const gw_ogrid *g, const char *caption_above, gw_notice *n)
{
	const char *title;
	size_t h = header_row(g, &title);
	gw_table t, *tabs;
	char name[32];

	memset(&t, 0, sizeof t);
	if (!(t.caption = strdup(title ? title : caption_above ? caption_above : "")) ||
	    !(t.header = calloc(g->ncols ? g->ncols : 1, sizeof *t.header)))
		goto oom;
	t.ncols = g->ncols;
	for (size_t c = 0; c < g->ncols; c++) {
		const char *s = h < g->nrows ? gw_ogrid_get(g, h, c) : "";
		snprintf(name, sizeof name, "column %zu", c + 1);
		if (!(t.header[c] = strdup(s[0] ? s : name)))
			goto oom;
	}
	if (!(t.rows = calloc(g->nrows ? g->nrows : 1, sizeof *t.rows)))
		goto oom;
	for (size_t r = h + 1; r < g->nrows; r++) {
		gw_table_row *row;
		if (empty_row(g, r))
			continue;
		row = &t.rows[t.nrows++];
		if (!(row->cells = calloc(g->ncols, sizeof *row->cells)))
			goto oom;
		for (size_t c = 0; c < g->ncols; c++)
			if (!(row->cells[c] = strdup(gw_ogrid_get(g, r, c))))
				goto oom;
	}
	if (!(tabs = realloc(n->tables, (n->ntables + 1) * sizeof *tabs)))
		goto oom;
	n->tables = tabs;
	n->tables[n->ntables++] = t;
	return 0;
oom:
	gw_table_free(&t);
	return -1;
}

void gw_ogrid_text(const gw_ogrid *g, gw_buf *out)
{
	for (size_t r = 0; r < g->nrows; r++) {
		size_t start = out->len;
		for (size_t c = 0; c < g->ncols; c++) {
			const char *s = gw_ogrid_get(g, r, c);
			/* a merged cell repeated across its columns is written once */
			if (s[0] && (c == 0 || strcmp(s, gw_ogrid_get(g, r, c - 1)) != 0)) {
				if (out->len > start)
					gw_buf_putc(out, ' ');
				gw_buf_puts(out, s);
			}
		}
		if (out->len > start)
			gw_buf_putc(out, '\n');
	}
}

char *gw_office_line_above(const gw_buf *t)
{
	const char *s = t->len ? (const char *)t->p : "";
	size_t end = t->len;

	while (end > 0 && s[end - 1] == '\n')
		end--;
	return gw_input_caption_above(s, end);
}

gw_rc gw_office_notice(const gw_buf *t, gw_notice *tabs, gw_notice *out, gw_err *err)
{
	gw_table *tt;
	gw_notice_note *nn;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	if (t->len == 0 && tabs->ntables == 0)
		return gw_err_set(err, GW_EINVAL, 0, "no text in the document");
	rc = gw_notice_parse_text(t->len ? (const char *)t->p : "", t->len, out, err);
	if (rc != GW_OK)
		return rc;
	if (!(tt = realloc(out->tables, (out->ntables + tabs->ntables + 1) * sizeof *tt)))
		goto oom;
	out->tables = tt;
	if (tabs->ntables)
		memcpy(tt + out->ntables, tabs->tables, tabs->ntables * sizeof *tt);
	out->ntables += tabs->ntables;
	tabs->ntables = 0;
	if (!(nn = realloc(out->notes, (out->nnotes + tabs->nnotes + 1) * sizeof *nn)))
		goto oom;
	out->notes = nn;
	if (tabs->nnotes)
		memcpy(nn + out->nnotes, tabs->notes, tabs->nnotes * sizeof *nn);
	out->nnotes += tabs->nnotes;
	tabs->nnotes = 0;
	return GW_OK;
oom:
	gw_notice_free(out);
	return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

gw_zip *gw_office_open(gw_input *in, const char *name, FILE *fp)
{
	struct stat st;
	gw_zip *z;
	gw_err err;

	gw_err_clear(&err);
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		in->nbytes += (uint64_t)st.st_size;
	if (gw_zip_open_fd(fileno(fp), &z, &err) != GW_OK) {
		gw_input_reject(in, name, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
		return NULL;
	}
	return z;
}

/* ---- relationships -------------------------------------------------------- */

typedef struct rel_off {
	size_t id, type, target;
} rel_off;

typedef struct rel_ctx {
	gw_orels *out;
	rel_off *offs;
	size_t n, cap;
	const char *part;
	gw_buf one;
	int oom;
} rel_ctx;

static size_t put_str(gw_buf *b, const char *s)
{
	size_t off = b->len;

	gw_buf_puts(b, s);
	gw_buf_putc(b, '\0');
	return off;
}

static void rel_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	rel_ctx *c = ctx;
	const char *id = gw_xml_attr(attrs, "Id"), *type = gw_xml_attr(attrs, "Type");
	const char *target = gw_xml_attr(attrs, "Target"), *mode = gw_xml_attr(attrs, "TargetMode");
	const char *slash, *res;

	(void)depth;
	if (strcmp(name, "Relationship") != 0 || !type || !target || !target[0] ||
	    (mode && strcmp(mode, "External") == 0))
		return;
	slash = strrchr(type, '/');
	if (!(res = gw_zip_resolve(c->part, target, &c->one)) ||
	    gw_array_grow((void **)&c->offs, &c->cap, c->n + 1, sizeof *c->offs, 8)) {
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
		return;
	}
	c->offs[c->n].id = put_str(&c->out->strs, id ? id : "");
	c->offs[c->n].type = put_str(&c->out->strs, slash ? slash + 1 : type);
	c->offs[c->n].target = put_str(&c->out->strs, res);
	c->n++;
}

static const gw_xml_handler rel_handler = {rel_start, NULL, NULL};

gw_rc gw_office_rels(gw_zip *z, const char *part, gw_orels *out, gw_err *err)
{
	gw_buf path = GW_BUF_INIT, xml = GW_BUF_INIT;
	const char *slash = strrchr(part, '/');
	rel_ctx c;
	gw_rc rc = GW_OK;

	gw_orels_free(out);
	memset(&c, 0, sizeof c);
	c.out = out;
	c.part = part;
	if (slash)
		gw_buf_append(&path, part, (size_t)(slash - part) + 1);
	gw_buf_puts(&path, "_rels/");
	gw_buf_puts(&path, slash ? slash + 1 : part);
	gw_buf_puts(&path, ".rels");
	gw_buf_putc(&path, '\0');
	if (!gw_buf_ok(&path))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	else if (gw_zip_find(z, (const char *)path.p) >= 0 &&
	         (rc = gw_zip_read_name(z, (const char *)path.p, &xml, err)) == GW_OK)
		rc = gw_xml_parse((const char *)path.p, (const char *)xml.p, xml.len, &rel_handler, &c,
		                  err);
	if (rc == GW_OK && (!gw_buf_ok(&out->strs) || !(out->r = calloc(c.n + 1, sizeof *out->r))))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK) {
		for (size_t i = 0; i < c.n; i++) {
			const char *base = (const char *)out->strs.p;
			out->r[i] = (gw_orel){base + c.offs[i].id, base + c.offs[i].type,
			                      base + c.offs[i].target};
		}
		out->n = out->cap = c.n;
	}
	free(c.offs);
	gw_buf_free(&c.one);
	gw_buf_free(&path);
	gw_buf_free(&xml);
	if (rc != GW_OK)
		gw_orels_free(out);
	return rc;
}

const char *gw_orels_target(const gw_orels *r, const char *type)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->r[i].type, type) == 0)
			return r->r[i].target;
	return NULL;
}

void gw_orels_free(gw_orels *r)
{
	free(r->r);
	gw_buf_free(&r->strs);
	memset(r, 0, sizeof *r);
}

/* One notice of the archive z, parsed by parse, to gw_input_notice. */
static void deliver_notice(gw_input *in, const char *id, gw_zip *z, gw_office_parse_fn parse)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (parse(z, &n, &err) != GW_OK) {
		gw_input_reject(in, id, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
		return;
	}
	if (!n.part[GW_NP_TITLE])
		gw_input_reject(in, id, 0, "empty document");
	else
		gw_input_notice(in, id, &n);
	gw_notice_free(&n);
}

void gw_office_input(gw_input *in, const char *id, FILE *fp, gw_office_parse_fn parse)
{
	gw_zip *z = gw_office_open(in, id, fp);

	if (z)
		deliver_notice(in, id, z, parse);
	gw_zip_close(z);
}

void gw_office_input_mem(gw_input *in, const char *id, const char *p, size_t n, gw_office_parse_fn parse)
{
	gw_zip *z;
	gw_err err;

	gw_err_clear(&err);
	in->nbytes += n;
	if (gw_zip_open_mem(p, n, &z, &err) != GW_OK) {
		gw_input_reject(in, id, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
		return;
	}
	deliver_notice(in, id, z, parse);
	gw_zip_close(z);
}
