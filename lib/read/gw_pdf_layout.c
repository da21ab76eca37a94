/* gw_pdf_layout: the lines of a PDF's pages (gw_pdf_page.c) become the
 * text of one notice, as a word processor's "save as text" would give it:
 * one line a paragraph.
 *
 *  1. Running headers and footers go: a line among the three topmost or
 *     bottommost of its page, in the top or bottom 15% of it, that is a page
 *     number (- 2 -, — 3 —, 第 2 页 共 5 页, 2/5, Page 2 of 5) or whose text,
 *     digits aside, comes back in the same place on at least two pages and a
 *     third of them (政府网站建设管理专栏, 行政院公報 第026卷 第240期).
 *  2. A line is joined to the next one when it runs to the right edge of its
 *     column, does not end a sentence or a clause (。！？：；), and the next one
 *     goes on in the same column, at the same size, starting at the left
 *     edge (not indented: a paragraph's first line is), or centred under a
 *     line that spans the column (a wrapped title), just below it or at the
 *     top of the next column or page. Between two East Asian characters the
 *     join adds nothing (国务院办公厅关于进一步加 + 强政府网站建设的意见), between
 *     two Latin words a space. Every other line keeps its break.
 * A column's edges are measured on the page (left: its leftmost line;
 * right: where most long lines end, so that punctuation hanging past the
 * edge does not move it), or on the whole document when a page has fewer
 * than six lines in that column. */
#include "read/gw_pdf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/gw_office.h"
#include "text/gw_utf8.h"

/* A column's edges. */
typedef struct frame {
	float left, right;
} frame;

/* Where a line stands: its page, its index there, whether it is dropped. */
typedef struct ref {
	size_t page, line;
} ref;

typedef struct layout {
	const gw_pdf_page *pages;
	size_t npages;
	unsigned char **drop; /* drop[p][i]: line i of page p is a header/footer */
	frame (*frames)[3];   /* frames[p][column] */
} layout;

static float fmax2(float a, float b) { return a > b ? a : b; }

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* The right edge of lines ending at x[0..n) (sorted in place), with em the
 * size of their characters: among the ends within 2.5 em of the farthest,
 * the one with the most others within 0.3 em of it (ties: the farther). */
static float right_edge(float *x, size_t n, float em)
{
	size_t lo = 0, hi = 0, best = 0;
	float edge;

	qsort(x, n, sizeof *x, cmp_float);
	edge = x[n - 1];
	for (size_t i = 0; i < n; i++) {
		if (x[i] < x[n - 1] - 2.5f * em)
			continue;
		while (x[lo] < x[i] - 0.3f * em)
			lo++;
		if (hi < i)
			hi = i;
		while (hi + 1 < n && x[hi + 1] <= x[i] + 0.3f * em)
			hi++;
		if (hi - lo + 1 >= best) {
			best = hi - lo + 1;
			edge = x[i];
		}
	}
	return edge;
}

/* Measures the frame of the kept lines of column col on pages
 * [p0, p1); returns the number of lines it saw (0: *f untouched). */
static size_t measure(const layout *ly, size_t p0, size_t p1, unsigned col, frame *f)
{
	size_t n = 0, k = 0;
	float *x, em = 0, left = INFINITY;

	for (size_t p = p0; p < p1; p++)
		for (size_t i = 0; i < ly->pages[p].n; i++)
			n += !ly->drop[p][i] && ly->pages[p].lines[i].column == col;
	if (!n || !(x = malloc(n * sizeof *x)))
		return 0;
	for (size_t p = p0; p < p1; p++)
		for (size_t i = 0; i < ly->pages[p].n; i++) {
			const gw_pdf_line *l = &ly->pages[p].lines[i];
			if (ly->drop[p][i] || l->column != col)
				continue;
			x[k++] = l->x2;
			em += l->em;
			if (l->x1 < left)
				left = l->x1;
		}
	f->left = left;
	f->right = right_edge(x, n, em / (float)n);
	free(x);
	return n;
}

/* Measures every page's frames, once: a column of fewer than six lines
 * on its page takes the document's. */
static int measure_frames(layout *ly)
{
	frame doc[3];
	size_t ndoc[3];

	if (!(ly->frames = calloc(ly->npages, sizeof *ly->frames)))
		return -1;
	for (unsigned col = 0; col < 3; col++)
		ndoc[col] = measure(ly, 0, ly->npages, col, &doc[col]);
	for (size_t p = 0; p < ly->npages; p++)
		for (unsigned col = 0; col < 3; col++)
			if (measure(ly, p, p + 1, col, &ly->frames[p][col]) < 6 && ndoc[col])
				ly->frames[p][col] = doc[col];
	return 0;
}

/* The frame of line l of page p. */
static frame frame_of(const layout *ly, size_t p, const gw_pdf_line *l)
{
	return ly->frames[p][l->column < 3 ? l->column : 0];
}

/* ---- 1. headers, footers, page numbers ---- */

static int digit_of(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* The line's key: spaces out, ASCII lower case, every run of digits one
 * '#', at most 160 bytes (enough to tell headers apart). */
static size_t line_key(const char *s, size_t len, char *key, size_t cap)
{
	size_t i = 0, k = 0;
	int in_digits = 0;
	char u[4];

	while (i < len) {
		int32_t cp = gw_utf8_next(s, len, &i);
		size_t n;
		if (cp < 0 || cp == ' ')
			continue;
		if (digit_of((uint32_t)cp)) {
			if (!in_digits && k < cap)
				key[k++] = '#';
			in_digits = 1;
			continue;
		}
		in_digits = 0;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		n = gw_utf8_put(u, (uint32_t)cp);
		if (k + n > cap)
			break;
		memcpy(key + k, u, n);
		k += n;
	}
	return k;
}

/* A line that may be a header or footer: where it is (1 top, 2 bottom),
 * its page and index, its key. */
typedef struct cand {
	int zone;
	size_t page, line;
	char key[160];
	size_t klen;
} cand;

static int cmp_cand(const void *a, const void *b)
{
	const cand *p = a, *q = b;
	int c;

	if (p->zone != q->zone)
		return p->zone - q->zone;
	if (p->klen != q->klen)
		return p->klen < q->klen ? -1 : 1;
	if ((c = memcmp(p->key, q->key, p->klen)) != 0)
		return c;
	return p->page < q->page ? -1 : p->page > q->page;
}

/* The lines' tops and bottoms of a page, sorted, and its height (the
 * page's, or its lowest line's when the page says none). */
typedef struct edges {
	float *top, *bottom, h;
} edges;

static int edges_of(const gw_pdf_page *pg, edges *e)
{
	e->h = pg->h;
	e->top = malloc((pg->n ? pg->n : 1) * sizeof *e->top);
	e->bottom = malloc((pg->n ? pg->n : 1) * sizeof *e->bottom);
	if (!e->top || !e->bottom)
		return -1;
	for (size_t k = 0; k < pg->n; k++) {
		e->top[k] = pg->lines[k].y1;
		e->bottom[k] = pg->lines[k].y2;
		if (!(pg->h > 0))
			e->h = fmax2(e->h > 0 ? e->h : 0, pg->lines[k].y2);
	}
	qsort(e->top, pg->n, sizeof *e->top, cmp_float);
	qsort(e->bottom, pg->n, sizeof *e->bottom, cmp_float);
	return 0;
}

/* How many of the n sorted values x are below v. */
static size_t count_below(const float *x, size_t n, float v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The zone of line l: 1 if it is in the top 15% of the page and among its
 * three topmost lines, 2 likewise at the bottom, else 0. */
static int zone_of(const edges *e, size_t n, const gw_pdf_line *l)
{
	float y = (l->y1 + l->y2) / 2;

	if (y < 0.15f * e->h && count_below(e->top, n, l->y1) < 3)
		return 1;
	if (y > 0.85f * e->h && n - count_below(e->bottom, n, l->y2) - 1 < 3)
		return 2;
	return 0;
}

/* Marks the headers, footers and page numbers in ly->drop. Lines far from
 * the margins are never looked at: a page has at most six candidates. */
static int mark_margins(layout *ly)
{
	cand *c = NULL;
	size_t n = 0, cap = 0;

	for (size_t p = 0; p < ly->npages; p++) {
		const gw_pdf_page *pg = &ly->pages[p];
		edges e;
		int fail = edges_of(pg, &e);
		for (size_t i = 0; i < pg->n && !fail; i++) {
			int z = zone_of(&e, pg->n, &pg->lines[i]);
			const char *s = (const char *)pg->text.p + pg->lines[i].off;
			if (!z)
				continue;
			if (gw_office_page_number(s, pg->lines[i].len)) {
				ly->drop[p][i] = 1;
				continue;
			}
			if ((fail = gw_array_grow((void **)&c, &cap, n + 1, sizeof *c, 16)) != 0)
				break;
			c[n].zone = z;
			c[n].page = p;
			c[n].line = i;
			c[n].klen = line_key(s, pg->lines[i].len, c[n].key, sizeof c[n].key);
			n++;
		}
		free(e.top);
		free(e.bottom);
		if (fail) {
			free(c);
			return -1;
		}
	}
	if (n)
		qsort(c, n, sizeof *c, cmp_cand);
	for (size_t i = 0, j; i < n; i = j) {
		size_t pages = 1;
		for (j = i + 1; j < n && c[j].zone == c[i].zone && c[j].klen == c[i].klen &&
		                memcmp(c[j].key, c[i].key, c[i].klen) == 0;
		     j++)
			pages += c[j].page != c[j - 1].page;
		if (pages >= 2 && pages * 3 >= ly->npages)
			for (size_t k = i; k < j; k++)
				ly->drop[c[k].page][c[k].line] = 1;
	}
	free(c);
	return 0;
}

/* ---- 2. joining ---- */

/* The last and first code points of a line's text. */
static uint32_t last_cp(const char *s, size_t len)
{
	size_t i = len ? len - 1 : 0;
	int32_t cp;

	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	cp = len ? gw_utf8_next(s, len, &i) : -1;
	return cp < 0 ? 0 : (uint32_t)cp;
}

static uint32_t first_cp(const char *s, size_t len)
{
	size_t i = 0;
	int32_t cp = len ? gw_utf8_next(s, len, &i) : -1;

	return cp < 0 ? 0 : (uint32_t)cp;
}

static int ends_clause(uint32_t cp)
{
	return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1A || cp == 0xFF1B || cp == '.' ||
	       cp == '!' || cp == '?' || cp == ':' || cp == ';' || cp == 0xFF0E || cp == 0xFF61;
}

/* Whether line b comes right after line a in the flow of the text: below
 * it in the same column of the same page (less than 0.8 of a's height
 * between them), at the top of the next column, or first on the next page
 * when a is last on its page. */
static int follows(const layout *ly, ref a, ref b, int a_last, int b_first)
{
	const gw_pdf_line *la = &ly->pages[a.page].lines[a.line];
	const gw_pdf_line *lb = &ly->pages[b.page].lines[b.line];
	float h = la->y2 - la->y1;

	if (b.page == a.page + 1)
		return a_last && b_first;
	if (b.page != a.page)
		return 0;
	if (lb->flags & GW_PDF_COLUMN_START)
		return la->column == 1 && lb->column == 2;
	return lb->column == la->column && lb->y1 >= la->y1 + 0.5f * h && lb->y1 - la->y2 <= 0.8f * h;
}

/* Whether line b goes on the paragraph of line a (see the top). */
static int joins(const layout *ly, ref a, ref b, int a_last, int b_first)
{
	const gw_pdf_page *pa = &ly->pages[a.page], *pb = &ly->pages[b.page];
	const gw_pdf_line *la = &pa->lines[a.line], *lb = &pb->lines[b.line];
	float em = fmax2(la->em, lb->em);
	frame fa, fb;
	int full, margin, centred;

	if (ends_clause(last_cp((const char *)pa->text.p + la->off, la->len)))
		return 0;
	if (fabsf(la->em - lb->em) > 0.2f * em || !follows(ly, a, b, a_last, b_first))
		return 0;
	fa = frame_of(ly, a.page, la);
	fb = frame_of(ly, b.page, lb);
	full = la->x2 >= fa.right - 0.9f * la->em;
	margin = lb->x1 <= fb.left + 0.6f * lb->em;
	centred = lb->x1 - fb.left >= lb->em && fabsf((lb->x1 - fb.left) - (fb.right - lb->x2)) <= lb->em &&
	          la->x1 <= fa.left + 0.6f * la->em;
	return full && (margin || centred);
}

/* Whether s[0..len) holds an East Asian character. */
static int has_cjk(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp = gw_utf8_next(s, len, &i);
		if (cp >= 0 && gw_office_cjk((uint32_t)cp))
			return 1;
	}
	return 0;
}

/* What goes between the joined lines a and b: nothing between East
 * Asian characters, after a hyphen, or between two digits in a line of
 * Chinese (which a word processor wraps anywhere: 025-8 + 3630000); else
 * a space. */
static void join_gap(const layout *ly, ref a, ref b, gw_buf *out)
{
	const gw_pdf_page *pa = &ly->pages[a.page], *pb = &ly->pages[b.page];
	const char *s = (const char *)pa->text.p + pa->lines[a.line].off;
	size_t len = pa->lines[a.line].len;
	uint32_t x = last_cp(s, len);
	uint32_t y = first_cp((const char *)pb->text.p + pb->lines[b.line].off, pb->lines[b.line].len);

	if (gw_office_cjk(x) || gw_office_cjk(y) || x == '-')
		return;
	if (x >= '0' && x <= '9' && y >= '0' && y <= '9' && has_cjk(s, len))
		return;
	gw_buf_putc(out, ' ');
}

static void write_text(const layout *ly, gw_buf *out)
{
	ref prev = {0, 0};
	int have = 0, prev_last = 0;

	for (size_t p = 0; p < ly->npages; p++) {
		const gw_pdf_page *pg = &ly->pages[p];
		size_t last = pg->n, first = pg->n;
		for (size_t i = pg->n; i-- > 0;)
			if (!ly->drop[p][i]) {
				last = last == pg->n ? i : last;
				first = i;
			}
		for (size_t i = first; i < pg->n; i++) {
			ref cur = {p, i};
			if (ly->drop[p][i])
				continue;
			if (have && joins(ly, prev, cur, prev_last, i == first))
				join_gap(ly, prev, cur, out);
			else if (have)
				gw_buf_putc(out, '\n');
			gw_buf_append(out, pg->text.p + pg->lines[i].off, pg->lines[i].len);
			prev = cur;
			prev_last = i == last;
			have = 1;
		}
	}
}

void gw_pdf_layout(const gw_pdf_page *pages, size_t n, gw_buf *out)
{
	layout ly = {pages, n, NULL, NULL};
	size_t i;

	if (!n)
		return;
	if (!(ly.drop = calloc(n, sizeof *ly.drop))) {
		out->oom = 1;
		return;
	}
	for (i = 0; i < n; i++)
		if (pages[i].n && !(ly.drop[i] = calloc(pages[i].n, 1)))
			break;
	if (i < n || mark_margins(&ly) || measure_frames(&ly))
		out->oom = 1;
	else
		write_text(&ly, out);
	for (i = 0; i < n; i++)
		free(ly.drop[i]);
	free(ly.drop);
	free(ly.frames);
}

/* A letter, a digit or a Han character. */
static int useful(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       gw_pdf_is_han(cp) || (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF5A);
}

int gw_pdf_usable(const char *text, size_t len, size_t ngood, size_t nbad)
{
	size_t i = 0, n = 0;

	if (nbad > ngood)
		return 0;
	while (i < len && n < 8) {
		int32_t cp = gw_utf8_next(text, len, &i);
		n += cp >= 0 && useful((uint32_t)cp);
	}
	return n >= 8;
}
