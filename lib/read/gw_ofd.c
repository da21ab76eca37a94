/* gw_ofd: an OFD file (GB/T 33190-2016, the PRC's format for fixed-layout
 * e-documents) becomes a gw_notice (see gw_notice_parse_ofd in
 * gw_office.h).
 *
 * The package is a ZIP of XML: OFD.xml names, in each DocBody, the
 * document's root part (DocRoot, e.g. Doc_0/Document.xml); Document.xml
 * lists the pages in order (Pages/Page, BaseLoc = the page's Content.xml)
 * and the template pages (CommonData/TemplatePage, ID and BaseLoc) that a
 * page draws under or over itself (<Template TemplateID=.../>). A
 * location is tried as the standard says (relative to the part that names
 * it, or from the package root when it starts with '/') and then from the
 * package root, as some producers write it; gw_zip_find forgives case and
 * %XX escapes. Signatures, annotations, attachments, custom tags and
 * resources are not read.
 *
 * A page's text comes as TextObjects (Boundary "x y w h" in mm, Size, an
 * optional CTM) holding TextCodes (X, Y of the first character's baseline
 * in the object's space; DeltaX/DeltaY the advances to the next
 * characters, "g N d" meaning N times d). Every character gets its place
 * on the page; they are sorted into lines (baselines within 0.4 of the
 * font size of each other, y down the page), each line left to right
 * (a character drawn twice at one place, fake bold, counts once), and
 * joined without spaces but where Latin letters or digits of two pieces
 * are apart by more than a quarter of the font size, or where the piece
 * itself had a space. Lines become paragraphs: a line that runs to the
 * right edge of the page's text continues into the next line unless that
 * one is indented (a Chinese paragraph starts two characters in). A line
 * that is a page number (`- 2 -`) at the top or bottom of a page is
 * dropped. A template's text is read on the first page that uses it only.
 *
 * Tables: OFD has no tables, only text placed in boxes drawn with paths.
 * A run of at least three lines, each split by wide gaps (two font sizes
 * or more) into two pieces or more that fall into the columns of the first
 * line of the run, is a table: its first line the header, the others its
 * rows, a missing cell taking the value of the cell above (a merged cell
 * is drawn once). A cell whose text wraps onto a second line, or a merged
 * cell drawn in the middle of the rows it covers, is not understood. */
#include "read/gw_office.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_limits.h"
#include "notice/gw_table.h"
#include "read/gw_input.h"
#include "read/gw_xml.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

/* ---- characters ----------------------------------------------------------- */

typedef struct glyph {
	double x, y, size;
	uint32_t cp;
	unsigned piece;  /* the TextCode it came from */
	int space_before; /* the piece had white space before it */
} glyph;

typedef struct page {
	glyph *g;
	size_t n, cap;
	unsigned pieces;
	/* the TextObject being read */
	double bx, by, size, ctm[6];
	int has_ctm, in_obj, in_code;
	/* the TextCode being read */
	double cx, cy; /* the pen after the last TextCode */
	gw_buf code;
	gw_buf dx, dy; /* its DeltaX, DeltaY */
	int has_x, has_y;
	double x, y;
	/* templates the page names */
	gw_buf tpls; /* NUL-separated template IDs */
	size_t ntpls;
} page;

static void page_free(page *p)
{
	free(p->g);
	gw_buf_free(&p->code);
	gw_buf_free(&p->dx);
	gw_buf_free(&p->dy);
	gw_buf_free(&p->tpls);
	memset(p, 0, sizeof *p);
}

/* Reads up to n numbers of s into v; returns how many. */
static size_t numbers(const char *s, double *v, size_t n)
{
	size_t k = 0;
	char *end;

	while (s && k < n) {
		double d = strtod(s, &end);
		if (end == s)
			break;
		v[k++] = isfinite(d) ? d : 0;
		s = end;
	}
	return k;
}

/* The i-th advance of a DeltaX/DeltaY list ("3.5 g 4 3.5 2"), or 0. The
 * lists are short: read again for each character of short pieces, once
 * into an array for long ones (see put_code). */
static size_t deltas(const char *s, double *out, size_t max)
{
	size_t k = 0;
	char *end;

	while (s && *s && k < max) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (*s == 'g') {
			double cnt, d;
			s++;
			cnt = strtod(s, &end);
			if (end == s)
				break;
			s = end;
			d = strtod(s, &end);
			if (end == s)
				break;
			s = end;
			for (double i = 0; i < cnt && k < max; i++)
				out[k++] = isfinite(d) ? d : 0;
		} else {
			double d = strtod(s, &end);
			if (end == s)
				break;
			s = end;
			out[k++] = isfinite(d) ? d : 0;
		}
	}
	return k;
}

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000 || c == 0xA0;
}

/* The TextCode just read: its characters placed on the page. */
static int put_code(page *p)
{
	const char *s = p->code.len ? (const char *)p->code.p : "";
	size_t n = p->code.len, i = 0, nch = 0, ndx, ndy;
	double *dx, *dy, x, y, scale = 1, size;
	int space = 0;

	for (size_t k = 0; k < n;)
		nch += gw_utf8_next(s, n, &k) >= 0;
	if (nch == 0)
		return 0;
	gw_buf_putc(&p->dx, '\0');
	gw_buf_putc(&p->dy, '\0');
	if (!gw_buf_ok(&p->dx) || !gw_buf_ok(&p->dy) ||
	    !(dx = calloc(2 * nch, sizeof *dx)))
		return -1;
	dy = dx + nch;
	ndx = deltas((const char *)p->dx.p, dx, nch - 1);
	ndy = deltas((const char *)p->dy.p, dy, nch - 1);
	(void)ndx, (void)ndy;
	x = p->has_x ? p->x : p->cx;
	y = p->has_y ? p->y : p->cy;
	if (p->has_ctm)
		scale = sqrt(fabs(p->ctm[0] * p->ctm[3] - p->ctm[1] * p->ctm[2]));
	size = (p->size > 0 ? p->size : 3.5) * (scale > 0 && isfinite(scale) ? scale : 1);
	p->pieces++;
	for (size_t k = 0; i < n; k++) {
		int32_t c = gw_utf8_next(s, n, &i);
		double ax = x, ay = y;
		if (c < 0)
			continue;
		if (p->has_ctm) {
			ax = p->ctm[0] * x + p->ctm[2] * y + p->ctm[4];
			ay = p->ctm[1] * x + p->ctm[3] * y + p->ctm[5];
		}
		if (is_space((uint32_t)c)) {
			space = 1;
		} else if (c >= 0x20) {
			if (gw_array_grow((void **)&p->g, &p->cap, p->n + 1, sizeof *p->g, 256)) {
				free(dx);
				return -1;
			}
			p->g[p->n++] = (glyph){p->bx + ax, p->by + ay, size, (uint32_t)c, p->pieces,
			                       space};
			space = 0;
		}
		if (k < nch - 1) {
			x += dx[k];
			y += dy[k];
		}
	}
	p->cx = x + (nch ? size * 0.5 : 0);
	p->cy = y;
	free(dx);
	return 0;
}

static void pg_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	page *p = ctx;

	(void)depth;
	if (strcmp(name, "TextObject") == 0) {
		double b[4] = {0, 0, 0, 0}, sz[1] = {0};
		numbers(gw_xml_attr(attrs, "Boundary"), b, 4);
		numbers(gw_xml_attr(attrs, "Size"), sz, 1);
		p->bx = b[0];
		p->by = b[1];
		p->size = sz[0];
		p->has_ctm = numbers(gw_xml_attr(attrs, "CTM"), p->ctm, 6) == 6;
		p->in_obj = 1;
		p->cx = p->cy = 0;
	} else if (strcmp(name, "TextCode") == 0 && p->in_obj) {
		double v[1];
		p->in_code = 1;
		gw_buf_reset(&p->code);
		gw_buf_reset(&p->dx);
		gw_buf_reset(&p->dy);
		gw_buf_puts(&p->dx, gw_xml_attr(attrs, "DeltaX") ? gw_xml_attr(attrs, "DeltaX") : "");
		gw_buf_puts(&p->dy, gw_xml_attr(attrs, "DeltaY") ? gw_xml_attr(attrs, "DeltaY") : "");
		if ((p->has_x = numbers(gw_xml_attr(attrs, "X"), v, 1) == 1))
			p->x = v[0];
		if ((p->has_y = numbers(gw_xml_attr(attrs, "Y"), v, 1) == 1))
			p->y = v[0];
	} else if (strcmp(name, "Template") == 0 && depth == 2) {
		const char *id = gw_xml_attr(attrs, "TemplateID");
		if (id) {
			gw_buf_puts(&p->tpls, id);
			gw_buf_putc(&p->tpls, '\0');
			p->ntpls++;
		}
	}
	if (!gw_buf_ok(&p->dx) || !gw_buf_ok(&p->dy) || !gw_buf_ok(&p->tpls))
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
}

static void pg_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	page *p = ctx;

	(void)depth;
	if (strcmp(name, "TextObject") == 0) {
		p->in_obj = 0;
	} else if (strcmp(name, "TextCode") == 0 && p->in_code) {
		p->in_code = 0;
		if (put_code(p))
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
	}
}

static void pg_text(gw_xml *x, void *ctx, const char *s, size_t n)
{
	page *p = ctx;

	if (p->in_code) {
		gw_buf_append(&p->code, s, n);
		if (!gw_buf_ok(&p->code))
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
	}
}

static const gw_xml_handler page_handler = {pg_start, pg_end, pg_text};

/* ---- lines ---------------------------------------------------------------- */

typedef struct line {
	size_t first, n;    /* glyphs of the page, sorted */
	double y, size, x0, x1;
	size_t nseg;        /* pieces split by wide gaps */
} line;

static int cmp_y(const void *a, const void *b)
{
	const glyph *p = a, *q = b;

	return p->y < q->y ? -1 : p->y > q->y ? 1 : p->x < q->x ? -1 : p->x > q->x;
}

static int cmp_x(const void *a, const void *b)
{
	const glyph *p = a, *q = b;

	return p->x < q->x ? -1 : p->x > q->x ? 1 : 0;
}

static double width(const glyph *g)
{
	return gw_office_cjk(g->cp) ? g->size : 0.5 * g->size;
}

/* Whether b is far enough right of a to start a new cell of a table (or
 * a field of a form): more than 1.5 font sizes apart. */
static int wide_gap(const glyph *a, const glyph *b)
{
	return b->x - (a->x + width(a)) > 1.5 * (a->size > b->size ? a->size : b->size);
}

static int latin(uint32_t c)
{
	return c < 0x2E80 && !gw_office_cjk(c);
}

/* Appends the glyphs [from, to) of a line to out, joined. */
static void put_glyphs(const glyph *g, size_t from, size_t to, gw_buf *out)
{
	char u[4];

	for (size_t i = from; i < to; i++) {
		if (i > from) {
			const glyph *a = &g[i - 1], *b = &g[i];
			int gap = a->piece == b->piece ? b->space_before
			                               : b->x - (a->x + width(a)) > 0.25 * a->size ||
			                                         b->space_before;
			/* a wide gap separates whatever is on either side of it */
			if ((gap && latin(a->cp) && latin(b->cp)) || wide_gap(a, b))
				gw_buf_putc(out, ' ');
		}
		gw_buf_append(out, u, gw_utf8_put(u, g[i].cp));
	}
}

/* Sorts the page's glyphs into lines (*lines, *nlines); each line's
 * glyphs left to right, doubles dropped. Returns 0, or -1. */
static int make_lines(page *p, line **lines, size_t *nlines)
{
	size_t n = 0, cap = 0;
	line *ls = NULL;

	qsort(p->g, p->n, sizeof *p->g, cmp_y);
	for (size_t i = 0; i < p->n;) {
		size_t j = i + 1, k, w;
		double tol = 0.4 * p->g[i].size;
		while (j < p->n && p->g[j].y - p->g[i].y <= (0.4 * p->g[j].size > tol ? 0.4 * p->g[j].size : tol))
			j++;
		qsort(p->g + i, j - i, sizeof *p->g, cmp_x);
		/* drop a glyph drawn again at (nearly) the same place */
		for (k = w = i; k < j; k++) {
			int dup = 0;
			for (size_t m = w; m > i && m + 4 > w && !dup; m--)
				dup = p->g[m - 1].cp == p->g[k].cp &&
				      fabs(p->g[m - 1].x - p->g[k].x) < 0.2 * p->g[k].size;
			if (!dup)
				p->g[w++] = p->g[k];
		}
		if (gw_array_grow((void **)&ls, &cap, n + 1, sizeof *ls, 64)) {
			free(ls);
			return -1;
		}
		ls[n] = (line){i, w - i, p->g[i].y, p->g[i].size, p->g[i].x,
		               p->g[w - 1].x + width(&p->g[w - 1]), 1};
		for (k = i + 1; k < w; k++) {
			ls[n].nseg += wide_gap(&p->g[k - 1], &p->g[k]);
			if (p->g[k].size > ls[n].size)
				ls[n].size = p->g[k].size;
		}
		/* compact: the dropped glyphs leave a hole that the next line's
		 * indexes step over */
		n++;
		i = j;
	}
	*lines = ls;
	*nlines = n;
	return 0;
}

/* The segments of line l: start index (into the page's glyphs) of each. */
static size_t segments(const page *p, const line *l, size_t *starts, size_t max)
{
	size_t k = 0;

	if (max == 0)
		return 0;
	starts[k++] = l->first;
	for (size_t i = l->first + 1; i < l->first + l->n && k < max; i++)
		if (wide_gap(&p->g[i - 1], &p->g[i]))
			starts[k++] = i;
	return k;
}

#define MAX_SEG 64

/* Whether line l's segments fall into the columns whose left edges are
 * cols[0..ncols) (the header's), one segment a column; sets col[] to the
 * column of each. */
static int fits(const page *p, const line *l, const double *cols, size_t ncols, size_t *col,
                size_t *nseg, size_t *starts)
{
	size_t ns = segments(p, l, starts, MAX_SEG), prev = (size_t)-1;

	if (ns < 2 || ns > ncols || l->nseg > MAX_SEG)
		return 0;
	for (size_t s = 0; s < ns; s++) {
		double x = p->g[starts[s]].x;
		size_t c = 0;
		while (c + 1 < ncols && x >= cols[c + 1] - l->size)
			c++;
		if (prev != (size_t)-1 && c <= prev)
			return 0;
		col[s] = prev = c;
	}
	*nseg = ns;
	return 1;
}

/* The text of the segment of line l that starts at glyph index from. */
static void seg_text(const page *p, const line *l, size_t from, gw_buf *out)
{
	size_t to = from + 1;

	while (to < l->first + l->n && !wide_gap(&p->g[to - 1], &p->g[to]))
		to++;
	put_glyphs(p->g, from, to, out);
}

/* If lines [i, ...) start a table, adds it to tabs and returns the lines
 * it took; else 0. */
static size_t table_at(const page *p, const line *ls, size_t nls, size_t i, const gw_buf *out,
                       gw_notice *tabs, int *oom)
{
	double cols[MAX_SEG];
	size_t starts[MAX_SEG], col[MAX_SEG], ncols, nseg, end = i + 1;
	gw_ogrid g = {0};
	gw_buf cell = GW_BUF_INIT;

	if (ls[i].nseg < 2 || ls[i].nseg > MAX_SEG)
		return 0;
	ncols = segments(p, &ls[i], starts, MAX_SEG);
	for (size_t c = 0; c < ncols; c++)
		cols[c] = p->g[starts[c]].x;
	while (end < nls && fits(p, &ls[end], cols, ncols, col, &nseg, starts))
		end++;
	if (end - i < 3)
		return 0;
	for (size_t r = i; r < end && !*oom; r++) {
		size_t row = r - i;
		if (gw_ogrid_add_row(&g)) {
			*oom = 1;
			break;
		}
		if (r == i) {
			nseg = ncols;
			for (size_t c = 0; c < ncols; c++)
				col[c] = c;
			segments(p, &ls[r], starts, MAX_SEG);
		} else {
			fits(p, &ls[r], cols, ncols, col, &nseg, starts);
		}
		for (size_t c = 0; c < ncols; c++) /* a cell drawn once for several rows */
			if (row > 1 && gw_ogrid_set(&g, row, c, gw_ogrid_get(&g, row - 1, c),
			                            strlen(gw_ogrid_get(&g, row - 1, c))))
				*oom = 1;
		for (size_t s = 0; s < nseg; s++) {
			gw_buf_reset(&cell);
			seg_text(p, &ls[r], starts[s], &cell);
			if (!gw_buf_ok(&cell) ||
			    gw_ogrid_set(&g, row, col[s], (const char *)cell.p, cell.len))
				*oom = 1;
		}
		for (size_t c = 0; c < ncols; c++)
			if (!gw_ogrid_get(&g, row, c)[0] && gw_ogrid_set(&g, row, c, "", 0))
				*oom = 1;
	}
	if (!*oom && gw_ogrid_is_data(&g)) {
		char *cap = gw_office_line_above(out);
		if (!cap || gw_ogrid_to_table(&g, cap, tabs))
			*oom = 1;
		free(cap);
	} else {
		end = i; /* not a table after all: text */
	}
	gw_ogrid_free(&g);
	gw_buf_free(&cell);
	return end - i;
}

/* Writes the page's text (lines joined into paragraphs) to out and its
 * tables to tabs. Returns 0, or -1 when out of memory. */
static int page_text(page *p, gw_buf *out, gw_notice *tabs)
{
	line *ls;
	size_t nls;
	double left = 1e300, right = -1e300, right2 = -1e300;
	int oom = 0, open = 0;

	if (p->n == 0)
		return 0;
	if (make_lines(p, &ls, &nls))
		return -1;
	/* the right edge of the text: the second rightmost line end, so that
	 * one line drawn past the margin does not move it */
	for (size_t i = 0; i < nls; i++) {
		if (ls[i].x0 < left)
			left = ls[i].x0;
		if (ls[i].x1 > right) {
			right2 = right;
			right = ls[i].x1;
		} else if (ls[i].x1 > right2) {
			right2 = ls[i].x1;
		}
	}
	if (nls > 1 && right2 > right - 3 * ls[0].size)
		right = right2;
	for (size_t i = 0; i < nls && !oom; i++) {
		size_t took;
		gw_buf one = GW_BUF_INIT;
		put_glyphs(p->g, ls[i].first, ls[i].first + ls[i].n, &one);
		if ((i == 0 || i == nls - 1) && gw_buf_ok(&one) &&
		    gw_office_page_number((const char *)one.p, one.len)) {
			gw_buf_free(&one);
			continue;
		}
		if ((took = table_at(p, ls, nls, i, out, tabs, &oom)) > 0) {
			if (open)
				gw_buf_putc(out, '\n');
			open = 0;
			i += took - 1;
			gw_buf_free(&one);
			continue;
		}
		if (open && ls[i].x0 > left + 1.5 * ls[i].size) {
			gw_buf_putc(out, '\n'); /* indented: a new paragraph */
		} else if (open && one.len && out->len) {
			/* the paragraph goes on: a space only between Latin words */
			size_t k = 0, j = out->len - 1;
			int32_t first = gw_utf8_next((const char *)one.p, one.len, &k), last;
			while (j > 0 && (out->p[j] & 0xC0) == 0x80)
				j--;
			last = gw_utf8_next((const char *)out->p, out->len, &j);
			if (first >= 0 && last >= 0 && latin((uint32_t)first) && latin((uint32_t)last) &&
			    last != '-')
				gw_buf_putc(out, ' ');
		}
		gw_buf_append(out, one.p, one.len);
		oom |= !gw_buf_ok(&one);
		gw_buf_free(&one);
		/* a line that runs from the left margin (or a paragraph's indent)
		 * to the right edge goes on in the next; one aligned right (a
		 * date, a signature) does not */
		open = ls[i].nseg == 1 && ls[i].x1 >= right - 1.5 * ls[i].size &&
		       ls[i].x0 <= left + 2.5 * ls[i].size;
		if (!open)
			gw_buf_putc(out, '\n');
	}
	if (open)
		gw_buf_putc(out, '\n');
	free(ls);
	return oom || !gw_buf_ok(out) ? -1 : 0;
}

/* ---- the package ---------------------------------------------------------- */

typedef struct loc {
	size_t id, base; /* offsets into strs */
} loc;

typedef struct docxml {
	gw_buf strs;
	loc *pages, *tpls;
	size_t npages, pcap, ntpls, tcap;
	int in_pages;
	/* OFD.xml */
	int in_docroot;
	gw_buf root;
	size_t nroots;
} docxml;

static int add_loc(gw_xml *x, docxml *d, loc **v, size_t *n, size_t *cap,
                   const char *const *attrs)
{
	const char *id = gw_xml_attr(attrs, "ID"), *base = gw_xml_attr(attrs, "BaseLoc");

	if (!base || !base[0])
		return 0;
	if (gw_array_grow((void **)v, cap, *n + 1, sizeof **v, 16)) {
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
		return -1;
	}
	(*v)[*n].id = d->strs.len;
	gw_buf_puts(&d->strs, id ? id : "");
	gw_buf_putc(&d->strs, '\0');
	(*v)[*n].base = d->strs.len;
	gw_buf_puts(&d->strs, base);
	gw_buf_putc(&d->strs, '\0');
	++*n;
	if (!gw_buf_ok(&d->strs))
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
	return 0;
}

static void doc_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	docxml *d = ctx;

	(void)depth;
	if (strcmp(name, "Pages") == 0)
		d->in_pages = 1;
	else if (strcmp(name, "Page") == 0 && d->in_pages)
		add_loc(x, d, &d->pages, &d->npages, &d->pcap, attrs);
	else if (strcmp(name, "TemplatePage") == 0)
		add_loc(x, d, &d->tpls, &d->ntpls, &d->tcap, attrs);
	else if (strcmp(name, "DocRoot") == 0)
		d->in_docroot = 1;
}

static void doc_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	docxml *d = ctx;

	(void)depth;
	if (strcmp(name, "Pages") == 0) {
		d->in_pages = 0;
	} else if (strcmp(name, "DocRoot") == 0 && d->in_docroot) {
		d->in_docroot = 0;
		gw_buf_putc(&d->root, '\0');
		d->nroots++;
		if (!gw_buf_ok(&d->root))
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
	}
}

static void doc_text(gw_xml *x, void *ctx, const char *s, size_t n)
{
	docxml *d = ctx;

	(void)x;
	if (d->in_docroot)
		for (size_t i = 0; i < n; i++)
			if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
				gw_buf_putc(&d->root, s[i]);
}

static const gw_xml_handler doc_handler = {doc_start, doc_end, doc_text};

static void docxml_free(docxml *d)
{
	gw_buf_free(&d->strs);
	gw_buf_free(&d->root);
	free(d->pages);
	free(d->tpls);
	memset(d, 0, sizeof *d);
}

/* The part a location names, seen from the part base: as the standard
 * says, else from the package root; NULL when neither exists. */
static const char *find_loc(gw_zip *z, const char *base, const char *ref, gw_buf *tmp)
{
	const char *p = gw_zip_resolve(base, ref, tmp);

	if (p && gw_zip_find(z, p) >= 0)
		return p;
	p = gw_zip_resolve(NULL, ref, tmp);
	if (p && gw_zip_find(z, p) >= 0)
		return p;
	return NULL;
}

/* Reads the Content.xml part into p (its glyphs added). */
static gw_rc read_content(gw_zip *z, const char *part, page *p, gw_err *err)
{
	gw_buf xml = GW_BUF_INIT;
	gw_rc rc = gw_zip_read_name(z, part, &xml, err);

	if (rc == GW_OK)
		rc = gw_xml_parse(part, (const char *)xml.p, xml.len, &page_handler, p, err);
	gw_buf_free(&xml);
	return rc;
}

/* Reads one document (its root part docroot) into out and tabs. */
static gw_rc read_document(gw_zip *z, const char *docroot, gw_buf *out, gw_notice *tabs,
                           size_t *npages, gw_err *err)
{
	gw_buf xml = GW_BUF_INIT, tmp = GW_BUF_INIT, part = GW_BUF_INIT;
	unsigned char *used = NULL;
	docxml d;
	gw_rc rc;

	memset(&d, 0, sizeof d);
	if ((rc = gw_zip_read_name(z, docroot, &xml, err)) != GW_OK ||
	    (rc = gw_xml_parse(docroot, (const char *)xml.p, xml.len, &doc_handler, &d, err)) != GW_OK)
		goto out;
	if (!(used = calloc(d.ntpls + 1, 1))) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d.npages && rc == GW_OK; i++) {
		const char *where = find_loc(z, docroot, (const char *)d.strs.p + d.pages[i].base, &tmp);
		page p;
		memset(&p, 0, sizeof p);
		if (!where)
			continue; /* a page whose part is missing: the others are read */
		gw_buf_reset(&part);
		gw_buf_puts(&part, where);
		gw_buf_putc(&part, '\0');
		if (!gw_buf_ok(&part)) {
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			break;
		}
		if ((rc = read_content(z, (const char *)part.p, &p, err)) == GW_OK) {
			/* the templates it names, each on the first page that does */
			const char *id = p.tpls.len ? (const char *)p.tpls.p : "";
			for (size_t k = 0; k < p.ntpls && rc == GW_OK; k++, id += strlen(id) + 1)
				for (size_t t = 0; t < d.ntpls && rc == GW_OK; t++) {
					const char *tw;
					if (used[t] || strcmp((const char *)d.strs.p + d.tpls[t].id, id) != 0)
						continue;
					used[t] = 1;
					if ((tw = find_loc(z, docroot, (const char *)d.strs.p + d.tpls[t].base,
					                   &tmp)))
						rc = read_content(z, tw, &p, err);
				}
		}
		if (rc == GW_OK && page_text(&p, out, tabs))
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		page_free(&p);
		++*npages;
	}
out:
	free(used);
	docxml_free(&d);
	gw_buf_free(&xml);
	gw_buf_free(&tmp);
	gw_buf_free(&part);
	return rc;
}

gw_rc gw_notice_parse_ofd(gw_zip *z, gw_notice *out, gw_err *err)
{
	gw_buf xml = GW_BUF_INIT, text = GW_BUF_INIT, tmp = GW_BUF_INIT, root = GW_BUF_INIT;
	gw_notice tabs;
	docxml d;
	size_t npages = 0;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	memset(&tabs, 0, sizeof tabs);
	memset(&d, 0, sizeof d);
	if (gw_zip_find(z, "OFD.xml") < 0) {
		rc = gw_err_set(err, GW_EINVAL, 0, "not an OFD document: no OFD.xml in the archive");
		goto out;
	}
	if ((rc = gw_zip_read_name(z, "OFD.xml", &xml, err)) != GW_OK ||
	    (rc = gw_xml_parse("OFD.xml", (const char *)xml.p, xml.len, &doc_handler, &d, err)) !=
	        GW_OK)
		goto out;
	if (d.nroots == 0) {
		rc = gw_err_set(err, GW_EINVAL, 0, "not an OFD document: OFD.xml names no DocRoot");
		goto out;
	}
	for (size_t i = 0, off = 0; i < d.nroots && rc == GW_OK; i++) {
		const char *r = (const char *)d.root.p + off, *where;
		char q[GW_EXCERPT_SIZE];
		off += strlen(r) + 1;
		if (!(where = find_loc(z, "OFD.xml", r, &tmp))) {
			rc = gw_err_set(err, GW_EINVAL, 0, "no document part '%s' (the DocRoot of OFD.xml) "
			                "in the archive", gw_excerpt_str(q, r));
			break;
		}
		gw_buf_reset(&root);
		gw_buf_puts(&root, where);
		gw_buf_putc(&root, '\0');
		if (!gw_buf_ok(&root))
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		else
			rc = read_document(z, (const char *)root.p, &text, &tabs, &npages, err);
	}
	if (rc == GW_OK && npages == 0)
		rc = gw_err_set(err, GW_EINVAL, 0, "no page of the document is in the archive");
	if (rc == GW_OK)
		rc = gw_office_notice(&text, &tabs, out, err);
out:
	docxml_free(&d);
	gw_notice_free(&tabs);
	gw_buf_free(&xml);
	gw_buf_free(&text);
	gw_buf_free(&tmp);
	gw_buf_free(&root);
	return rc;
}

gw_rc gw_notice_parse_ofd_page(const char *xml, size_t n, gw_notice *out, gw_err *err)
{
	gw_buf text = GW_BUF_INIT;
	gw_notice tabs;
	page p;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	memset(&tabs, 0, sizeof tabs);
	memset(&p, 0, sizeof p);
	rc = gw_xml_parse("Doc_0/Pages/Page_0/Content.xml", xml, n, &page_handler, &p, err);
	if (rc == GW_OK && page_text(&p, &text, &tabs))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK)
		rc = gw_office_notice(&text, &tabs, out, err);
	page_free(&p);
	gw_notice_free(&tabs);
	gw_buf_free(&text);
	return rc;
}

/* The reader of gongwen-index (gw_input.h): one notice per .ofd file. */
void gw_input_ofd(gw_input *in, const char *id, FILE *fp)
{
	gw_office_input(in, id, fp, gw_notice_parse_ofd);
}

void gw_input_ofd_mem(gw_input *in, const char *id, const char *p, size_t n)
{
	gw_office_input_mem(in, id, p, n, gw_notice_parse_ofd);
}
