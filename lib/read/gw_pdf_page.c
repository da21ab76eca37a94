/* gw_pdf_page: the characters of one PDF page, as Poppler placed them,
 * become the page's lines in reading order (gw_pdf.h).
 *
 * Poppler's own order is not used as it is: on a page of two columns whose
 * gutter is narrow (a Writer section of two columns 0.8 cm apart), it reads
 * each baseline across both columns, as pdftotext does. So:
 *  1. Poppler's lines are cut into runs wherever two characters are more
 *     than a character's width apart (a gutter, a tab stop, a table's cell);
 *  2. runs on one baseline form a line, the lines go top to bottom and the
 *     runs of a line left to right;
 *  3. a stretch of at least three lines that share one empty vertical band
 *     near the middle, with text filling up to it on the left (justified
 *     columns, not a table's centred cells), is read as two columns: its left
 *     halves, then its right halves (more than two columns are not looked
 *     for);
 *  4. each line's text is written with the spaces that mean something:
 *     a line whose Han characters all stand a space apart (本 院 業 經,
 *     letter spacing or justified distribution) loses the spaces between
 *     them, and the narrow gap a word processor puts between a Han
 *     character and a digit or Latin letter (47 号, 2017 年) is no space.
 * Characters that are not text (private use, U+FFFD, controls) are left
 * out and counted, so that a text layer made of them can be recognised.
 *
 * The encoding of a page for the pipe between gw_pdf_input.c's child and
 * parent is here too: varints and floats, every count checked on reading. */
#include "read/gw_pdf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read/gw_office.h"
#include "text/gw_utf8.h"

/* A run of characters c[a..b) of one baseline, with no wide gap inside. */
typedef struct run {
	size_t a, b;
	float x1, y1, x2, y2;
	float em;
} run;

/* Runs farther apart than this many character widths are cut. */
#define CUT_GAP 1.0f
/* Lines a two-column stretch is looked for in at a time: bounds the work
 * a page of many lines can cause. */
#define COLUMN_SPAN 256

/* Not text: controls, private use, U+FFFD, noncharacters. */
static int is_bad(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xE000 && cp <= 0xF8FF) ||
	       cp >= 0xF0000 || cp == 0xFFFD || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

static int is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* The size of one character of c: a Han character's width is one em; of
 * others only the height says it (Poppler's boxes are about 1.3 em
 * high). Never below one point, so that thresholds stay sensible. */
static float char_em(const gw_pdf_char *c)
{
	float em = gw_pdf_is_han(c->cp) ? c->x2 - c->x1 : (c->y2 - c->y1) / 1.3f;

	return em >= 1.0f && em < 1e6f ? em : 1.0f;
}

static float fmin2(float a, float b) { return a < b ? a : b; }
static float fmax2(float a, float b) { return a > b ? a : b; }

/* ---- 1. runs ---- */

static void run_add(run *r, const gw_pdf_char *c)
{
	r->x1 = fmin2(r->x1, c->x1);
	r->y1 = fmin2(r->y1, c->y1);
	r->x2 = fmax2(r->x2, c->x2);
	r->y2 = fmax2(r->y2, c->y2);
}

/* Whether c starts a new run after prev. */
static int cuts(const gw_pdf_char *prev, const gw_pdf_char *c)
{
	float em = fmax2(char_em(prev), char_em(c));
	float h = fmax2(prev->y2 - prev->y1, c->y2 - c->y1);
	float dy = (c->y1 + c->y2) / 2 - (prev->y1 + prev->y2) / 2;

	if (c->brk & GW_PDF_LINE_START)
		return 1;
	if (c->x1 - prev->x2 > CUT_GAP * em || c->x2 < prev->x1)
		return 1;
	return fabsf(dy) > 0.6f * h;
}

/* The runs of c[0..n), in Poppler's order; *nr of them. The run's em is
 * the mean width of its Han characters, else its height / 1.3. */
static run *make_runs(const gw_pdf_char *c, size_t n, size_t *nr)
{
	run *r = NULL;
	size_t cap = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (i == 0 || cuts(&c[i - 1], &c[i])) {
			if (gw_array_grow((void **)&r, &cap, k + 1, sizeof *r, 16)) {
				free(r);
				return NULL;
			}
			r[k].a = i;
			r[k].x1 = c[i].x1;
			r[k].y1 = c[i].y1;
			r[k].x2 = c[i].x2;
			r[k].y2 = c[i].y2;
			k++;
		}
		r[k - 1].b = i + 1;
		run_add(&r[k - 1], &c[i]);
	}
	for (size_t j = 0; j < k; j++) {
		float han = 0, all = 0;
		size_t nh = 0;
		for (size_t i = r[j].a; i < r[j].b; i++) {
			if (gw_pdf_is_han(c[i].cp)) {
				han += char_em(&c[i]);
				nh++;
			}
			all += char_em(&c[i]);
		}
		r[j].em = nh ? han / (float)nh : all / (float)(r[j].b - r[j].a);
	}
	*nr = k;
	return r;
}

/* ---- 2. lines ---- */

static float yc(const run *r) { return (r->y1 + r->y2) / 2; }

static int by_y(const void *a, const void *b)
{
	const run *p = a, *q = b;
	float d = yc(p) - yc(q);

	if (d != 0)
		return d < 0 ? -1 : 1;
	if (p->x1 != q->x1)
		return p->x1 < q->x1 ? -1 : 1;
	return p->a < q->a ? -1 : p->a > q->a;
}

static int by_x(const void *a, const void *b)
{
	const run *p = a, *q = b;

	if (p->x1 != q->x1)
		return p->x1 < q->x1 ? -1 : 1;
	return p->a < q->a ? -1 : p->a > q->a;
}

/* A line of runs: r[first .. first + n) of the sorted runs. */
typedef struct yline {
	size_t first, n;
} yline;

/* Sorts the runs top to bottom and groups those of one baseline (centres
 * less than 0.35 of the taller's height apart) into lines, each sorted
 * left to right. Returns the lines, *nl of them. */
static yline *group_lines(run *r, size_t nr, size_t *nl)
{
	yline *l = NULL;
	size_t cap = 0, k = 0;

	qsort(r, nr, sizeof *r, by_y);
	for (size_t i = 0; i < nr; i++) {
		if (k > 0) {
			const run *f = &r[l[k - 1].first];
			float h = fmax2(f->y2 - f->y1, r[i].y2 - r[i].y1);
			if (yc(&r[i]) - yc(f) <= 0.35f * h) {
				l[k - 1].n++;
				continue;
			}
		}
		if (gw_array_grow((void **)&l, &cap, k + 1, sizeof *l, 16)) {
			free(l);
			return NULL;
		}
		l[k].first = i;
		l[k].n = 1;
		k++;
	}
	for (size_t j = 0; j < k; j++)
		qsort(r + l[j].first, l[j].n, sizeof *r, by_x);
	*nl = k;
	return l;
}

/* ---- 3. columns ---- */

/* The free band of line l around the middle m: (*lx2, *rx1) between the
 * right end of its runs whose centre is left of m and the left end of
 * those right of it (-inf / +inf when a side is empty). */
static void free_band(const run *r, const yline *l, float m, float *lx2, float *rx1)
{
	*lx2 = -INFINITY;
	*rx1 = INFINITY;
	for (size_t k = l->first; k < l->first + l->n; k++) {
		if ((r[k].x1 + r[k].x2) / 2 < m)
			*lx2 = fmax2(*lx2, r[k].x2);
		else
			*rx1 = fmin2(*rx1, r[k].x1);
	}
}

/* The gutter line i may start a column stretch at: a gap between two of
 * its runs, wider than 0.8 em, centred in the middle 60% of the page, with
 * at least 8 em of text on its left. Returns 1 and the gap, or 0. */
static int gutter_at(const run *r, const yline *l, float w, float *ga, float *gb)
{
	for (size_t k = l->first; k + 1 < l->first + l->n; k++) {
		float a = r[k].x2, b = r[k + 1].x1, em = fmax2(r[k].em, r[k + 1].em);
		if (b - a >= 0.8f * em && (a + b) / 2 > 0.2f * w && (a + b) / 2 < 0.8f * w &&
		    a - r[l->first].x1 >= 8 * em) {
			*ga = a;
			*gb = b;
			return 1;
		}
	}
	return 0;
}

/* Whether the left side of line l (its runs left of m) is one run that
 * starts at the left edge of the stretch (or a paragraph's indent from it)
 * and fills the column up to the band at ga: text set in columns, not the
 * cells of a table. */
static int fills_left(const run *r, const yline *l, float m, float left, float ga)
{
	size_t n = 0;
	const run *one = NULL;

	for (size_t k = l->first; k < l->first + l->n; k++)
		if ((r[k].x1 + r[k].x2) / 2 < m) {
			one = &r[k];
			n++;
		}
	return n == 1 && one->x1 <= left + 2.5f * one->em && one->x2 >= ga - 1.5f * one->em;
}

/* How many lines from i on form a two-column stretch with the gutter
 * line i starts (0 if none): every line keeps out of the band, which
 * narrows to what they all leave free; at least three lines have text on
 * both sides, and two thirds of those fill their left side up to the band
 * (fills_left). *m is the band's middle. */
static size_t column_span(const run *r, const yline *l, size_t nl, size_t i, float w, float *m)
{
	float ga, gb, lx2, rx1, left = INFINITY;
	size_t j, both = 0, full = 0;

	if (!gutter_at(r, &l[i], w, &ga, &gb))
		return 0;
	*m = (ga + gb) / 2;
	for (j = i; j < nl && j - i < COLUMN_SPAN; j++) {
		float em = r[l[j].first].em;
		free_band(r, &l[j], *m, &lx2, &rx1);
		if (fmin2(gb, rx1) - fmax2(ga, lx2) < 0.5f * em)
			break;
		ga = fmax2(ga, lx2);
		gb = fmin2(gb, rx1);
	}
	for (size_t k = i; k < j; k++)
		left = fmin2(left, r[l[k].first].x1);
	for (size_t k = i; k < j; k++) {
		free_band(r, &l[k], *m, &lx2, &rx1);
		if (lx2 > -INFINITY && rx1 < INFINITY) {
			both++;
			full += fills_left(r, &l[k], *m, left, ga);
		}
	}
	return both >= 3 && full * 3 >= both * 2 ? j - i : 0;
}

/* ---- 4. text ---- */

typedef struct builder {
	const gw_pdf_char *c;
	const run *r;
	gw_pdf_page *page;
} builder;

/* Whether the line made of runs r[k] for k in ks[0..nk) is letter-spaced:
 * at least 60% of its pairs of neighbouring East Asian characters stand a
 * space (or a run's cut) apart. */
static int letter_spaced(const builder *bd, const size_t *ks, size_t nk)
{
	size_t pairs = 0, spaced = 0;
	uint32_t prev = 0;

	for (size_t q = 0; q < nk; q++)
		for (size_t i = bd->r[ks[q]].a; i < bd->r[ks[q]].b; i++) {
			const gw_pdf_char *ch = &bd->c[i];
			if (is_bad(ch->cp))
				continue;
			if (prev && gw_office_cjk(prev) && gw_office_cjk(ch->cp)) {
				pairs++;
				spaced += (i == bd->r[ks[q]].a) || (ch->brk & GW_PDF_SPACE_BEFORE);
			}
			prev = ch->cp;
		}
	return spaced > 0 && spaced * 10 >= pairs * 6;
}

/* Whether a space goes between prev and c (c at the start of a run when
 * cut): Poppler saw one or the run was cut, unless both are East Asian
 * and the line is letter-spaced, or it is the narrow gap between a Han
 * character and a digit or Latin letter (under half an em). */
static int space_between(const gw_pdf_char *prev, const gw_pdf_char *c, int cut, int spaced)
{
	int cp = gw_office_cjk(prev->cp), cc = gw_office_cjk(c->cp);

	if (!cut && !(c->brk & GW_PDF_SPACE_BEFORE))
		return 0;
	if (spaced && cp && cc)
		return 0;
	if (!cut && ((cp && is_alnum(c->cp)) || (cc && is_alnum(prev->cp))) &&
	    c->x1 - prev->x2 < 0.5f * fmax2(char_em(prev), char_em(c)))
		return 0;
	return 1;
}

/* Appends one line of the runs ks[0..nk) (left to right) to the page,
 * with flags and column; a line with no text is dropped. */
static gw_rc emit_line(builder *bd, const size_t *ks, size_t nk, unsigned flags, unsigned column)
{
	gw_pdf_page *pg = bd->page;
	gw_pdf_line *ln;
	const gw_pdf_char *prev = NULL;
	int spaced = letter_spaced(bd, ks, nk);
	size_t off = pg->text.len;
	float x1 = INFINITY, y1 = INFINITY, x2 = -INFINITY, y2 = -INFINITY, em = 0, wsum = 0;
	char u[4];

	for (size_t q = 0; q < nk; q++) {
		const run *rn = &bd->r[ks[q]];
		for (size_t i = rn->a; i < rn->b; i++) {
			const gw_pdf_char *ch = &bd->c[i];
			if (is_bad(ch->cp)) {
				pg->nbad++;
				continue;
			}
			pg->ngood++;
			if (prev && space_between(prev, ch, i == rn->a, spaced))
				gw_buf_putc(&pg->text, ' ');
			gw_buf_append(&pg->text, u, gw_utf8_put(u, ch->cp));
			prev = ch;
		}
		x1 = fmin2(x1, rn->x1);
		y1 = fmin2(y1, rn->y1);
		x2 = fmax2(x2, rn->x2);
		y2 = fmax2(y2, rn->y2);
		em += rn->em * (float)(rn->b - rn->a);
		wsum += (float)(rn->b - rn->a);
	}
	if (pg->text.len == off)
		return GW_OK;
	if (!gw_buf_ok(&pg->text) || gw_array_grow((void **)&pg->lines, &pg->cap, pg->n + 1, sizeof *pg->lines, 32))
		return GW_ENOMEM;
	ln = &pg->lines[pg->n++];
	ln->x1 = x1;
	ln->y1 = y1;
	ln->x2 = x2;
	ln->y2 = y2;
	ln->em = wsum > 0 ? em / wsum : 1.0f;
	ln->flags = flags;
	ln->column = column;
	ln->off = off;
	ln->len = pg->text.len - off;
	return GW_OK;
}

/* Emits the lines l[i .. i + span) of a column stretch with middle m:
 * every line's left runs, then every line's right runs. ks has room for
 * a line's runs. */
static gw_rc emit_columns(builder *bd, const yline *l, size_t i, size_t span, float m, size_t *ks)
{
	gw_rc rc = GW_OK;

	for (unsigned side = 1; side <= 2 && rc == GW_OK; side++) {
		unsigned flags = side == 2 ? GW_PDF_COLUMN_START : 0;
		for (size_t j = i; j < i + span && rc == GW_OK; j++) {
			size_t nk = 0;
			for (size_t k = l[j].first; k < l[j].first + l[j].n; k++)
				if (((bd->r[k].x1 + bd->r[k].x2) / 2 < m) == (side == 1))
					ks[nk++] = k;
			if (nk) {
				size_t before = bd->page->n;
				rc = emit_line(bd, ks, nk, flags, side);
				if (bd->page->n > before)
					flags = 0;
			}
		}
	}
	return rc;
}

static gw_rc emit_page(builder *bd, const yline *l, size_t nl, size_t nr, float w)
{
	size_t *ks = malloc((nr ? nr : 1) * sizeof *ks);
	gw_rc rc = GW_OK;
	float m;

	if (!ks)
		return GW_ENOMEM;
	for (size_t i = 0; i < nl && rc == GW_OK;) {
		size_t span = column_span(bd->r, l, nl, i, w, &m);
		if (span) {
			rc = emit_columns(bd, l, i, span, m, ks);
			i += span;
			continue;
		}
		for (size_t k = 0; k < l[i].n; k++)
			ks[k] = l[i].first + k;
		rc = emit_line(bd, ks, l[i].n, 0, 0);
		i++;
	}
	free(ks);
	return rc;
}

void gw_pdf_page_free(gw_pdf_page *page)
{
	free(page->lines);
	gw_buf_free(&page->text);
	memset(page, 0, sizeof *page);
}

static void page_clear(gw_pdf_page *page, float w, float h)
{
	page->n = 0;
	gw_buf_reset(&page->text);
	page->text.oom = 0;
	page->ngood = page->nbad = 0;
	page->w = w;
	page->h = h;
}

gw_rc gw_pdf_page_build(gw_pdf_page *page, float w, float h, const gw_pdf_char *c, size_t n,
                        gw_err *err)
{
	builder bd = {c, NULL, page};
	run *r = NULL;
	yline *l = NULL;
	size_t nr = 0, nl = 0;
	gw_rc rc = GW_OK;

	page_clear(page, w, h);
	if (n && !(r = make_runs(c, n, &nr)))
		rc = GW_ENOMEM;
	else if (nr && !(l = group_lines(r, nr, &nl)))
		rc = GW_ENOMEM;
	if (rc == GW_OK) {
		bd.r = r;
		rc = emit_page(&bd, l, nl, nr, w);
	}
	free(l);
	free(r);
	return rc == GW_OK ? GW_OK : gw_err_set(err, rc, 0, "out of memory reading a PDF page");
}

/* ---- the encoding ---- */

/* Floats go as their 32 bits, little-endian. */
static void put_float(gw_buf *b, float f)
{
	uint32_t u;
	unsigned char p[4];

	memcpy(&u, &f, 4);
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(u >> (8 * i));
	gw_buf_append(b, p, 4);
}

static int get_float(const unsigned char **p, const unsigned char *end, float *f)
{
	uint32_t u = 0;

	if (end - *p < 4)
		return -1;
	for (int i = 0; i < 4; i++)
		u |= (uint32_t)(*p)[i] << (8 * i);
	*p += 4;
	memcpy(f, &u, 4);
	if (!isfinite(*f))
		*f = 0;
	return 0;
}

void gw_pdf_page_encode(const gw_pdf_page *page, gw_buf *out)
{
	put_float(out, page->w);
	put_float(out, page->h);
	gw_buf_put_varint(out, page->ngood);
	gw_buf_put_varint(out, page->nbad);
	gw_buf_put_varint(out, page->n);
	for (size_t i = 0; i < page->n; i++) {
		const gw_pdf_line *l = &page->lines[i];
		put_float(out, l->x1);
		put_float(out, l->y1);
		put_float(out, l->x2);
		put_float(out, l->y2);
		put_float(out, l->em);
		gw_buf_put_varint(out, l->flags);
		gw_buf_put_varint(out, l->column);
		gw_buf_put_varint(out, l->len);
		gw_buf_append(out, page->text.p + l->off, l->len);
	}
}

static int get_size(const unsigned char **p, const unsigned char *end, size_t max, size_t *v)
{
	uint64_t u;

	if (gw_varint_get(p, end, &u) || u > max)
		return -1;
	*v = (size_t)u;
	return 0;
}

static int decode_line(gw_pdf_page *page, const unsigned char **p, const unsigned char *end)
{
	gw_pdf_line *l = &page->lines[page->n];
	size_t flags, column, len;

	if (get_float(p, end, &l->x1) || get_float(p, end, &l->y1) || get_float(p, end, &l->x2) ||
	    get_float(p, end, &l->y2) || get_float(p, end, &l->em) || get_size(p, end, 0xFF, &flags) ||
	    get_size(p, end, 2, &column) || get_size(p, end, SIZE_MAX, &len))
		return -1;
	/* Checked once the length is read: the bytes left are fewer then. */
	if (len > (size_t)(end - *p))
		return -1;
	if (!(l->em >= 0.01f))
		l->em = 1.0f;
	l->flags = (unsigned)flags;
	l->column = (unsigned)column;
	l->off = page->text.len;
	l->len = len;
	gw_buf_append(&page->text, *p, len);
	*p += len;
	page->n++;
	return 0;
}

gw_rc gw_pdf_page_decode(gw_pdf_page *page, const unsigned char *p, size_t len, gw_err *err)
{
	const unsigned char *end = p + len;
	float w, h;
	size_t nlines;

	page_clear(page, 0, 0);
	/* A line takes at least 23 bytes: its count cannot be more. */
	if (get_float(&p, end, &w) || get_float(&p, end, &h) || get_size(&p, end, SIZE_MAX, &page->ngood) ||
	    get_size(&p, end, SIZE_MAX, &page->nbad) || get_size(&p, end, SIZE_MAX, &nlines) ||
	    nlines > (size_t)(end - p) / 23)
		return gw_err_set(err, GW_EINVAL, 0, "bad page record");
	page->w = w;
	page->h = h;
	if (nlines && gw_array_grow((void **)&page->lines, &page->cap, nlines, sizeof *page->lines, 1))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	while (page->n < nlines)
		if (decode_line(page, &p, end))
			return gw_err_set(err, GW_EINVAL, 0, "bad line record");
	if (p != end)
		return gw_err_set(err, GW_EINVAL, 0, "bytes after a page record");
	return gw_buf_ok(&page->text) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}
