/* gw_table: plain-text table rows and merged-cell repair (see gw_table.h).
 *
 * A short row (fewer filled cells than columns) is placed by trying every
 * order-preserving placement of its filled cells into the columns: a
 * placement's score is the sum over its cells of fit(cell, column), where
 * fit compares the cell with that column's cells in the complete rows of
 * the table (or, if there are none, in the rows above): same kind of
 * content (number, Han, other), similar length, the same last one or two
 * characters (公司, 研究院, 空間, 市), the same value. A row-number column
 * (an integer first cell in every row) always keeps its cell. The columns
 * left over are the merged ones and are copied from the row above. */
#include "notice/gw_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

#define MAX_REFS       256            /* reference rows that score a short row */
#define MAX_PLACEMENTS 20000          /* placements tried for one short row */
#define FULLWIDTH_BAR  "\xEF\xBD\x9C" /* U+FF5C */

typedef struct cellv {
	const char *s;
	size_t len;
} cellv;

/* A source row: its filled cells in order, and where each stood among all
 * the row's cells. */
typedef struct rowv {
	cellv *cell;
	size_t *pos;
	size_t nfilled, ncells;
	long line;
	int rule;
} rowv;

/* A reference cell, described for fit(). */
typedef struct refc {
	const char *s;
	size_t len, ncp;
	int kind;
	int32_t last1, last2;
} refc;

typedef struct builder {
	rowv *rows; /* all source lines; rows[0] is the header */
	size_t nrows, ncols;
	int seq;      /* column 0 numbers the rows */
	int complete; /* ref holds complete rows (else: rows above) */
	refc *ref;    /* nref x ncols */
	size_t nref;
} builder;

/* The length of the white space character at s[0..len), or 0. */
static size_t space_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	if (len >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (len >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (len >= 3 && ((p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) ||
	                 (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)))
		return 3;
	return 0;
}

/* The length of the white space character that ends s[0..len), or 0. */
static size_t space_end(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s + len;

	if (len >= 1 && (p[-1] == ' ' || (p[-1] >= '\t' && p[-1] <= '\r')))
		return 1;
	if (len >= 2 && p[-2] == 0xC2 && p[-1] == 0xA0)
		return 2;
	if (len >= 3 && ((p[-3] == 0xE3 && p[-2] == 0x80 && p[-1] == 0x80) ||
	                 (p[-3] == 0xEF && p[-2] == 0xBB && p[-1] == 0xBF)))
		return 3;
	return 0;
}

static cellv trim(const char *s, size_t len)
{
	size_t k;

	while (len && (k = space_len(s, len))) {
		s += k;
		len -= k;
	}
	while (len && (k = space_end(s, len)))
		len -= k;
	return (cellv){s, len};
}

void gw_table_trim(const char **s, size_t *len)
{
	cellv c = trim(*s, *len);

	*s = c.s;
	*len = c.len;
}

static size_t sep_at(const char *s, size_t len, size_t i, int sep)
{
	if (sep == GW_TSEP_TAB)
		return s[i] == '\t';
	if (s[i] == '|')
		return 1;
	if (i + 3 <= len && memcmp(s + i, FULLWIDTH_BAR, 3) == 0)
		return 3;
	return 0;
}

static int line_sep(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (sep_at(s, len, i, GW_TSEP_BAR))
			return GW_TSEP_BAR;
	return memchr(s, '\t', len) ? GW_TSEP_TAB : GW_TSEP_NONE;
}

/* Iterates over the cells of a trimmed line. The empty cell before a
 * leading separator and the one after a final separator are not cells. */
typedef struct cellit {
	const char *s;
	size_t len, at;
	int sep, done;
} cellit;

static void cellit_init(cellit *it, const char *s, size_t len, int sep)
{
	it->s = s;
	it->len = len;
	it->sep = sep;
	it->done = 0;
	it->at = len ? sep_at(s, len, 0, sep) : 0;
}

static int cellit_next(cellit *it, cellv *c)
{
	size_t i = it->at, k = 0;

	if (it->done || i >= it->len)
		return 0;
	while (i < it->len && !(k = sep_at(it->s, it->len, i, it->sep)))
		i++;
	*c = trim(it->s + it->at, i - it->at);
	if (i >= it->len) {
		it->done = 1;
	} else {
		i += k;
		while (it->sep == GW_TSEP_TAB && i < it->len && it->s[i] == '\t')
			i++; /* tabs that align columns */
	}
	it->at = i;
	return 1;
}

static size_t count_cp(const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		gw_utf8_next(s, len, &i);
		n++;
	}
	return n;
}

static int digit_at(const char *s, size_t len, size_t *i)
{
	int32_t cp = gw_utf8_next(s, len, i);

	return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

static int is_int(cellv c)
{
	size_t i = 0;

	if (!c.len || c.len > 24)
		return 0;
	while (i < c.len)
		if (!digit_at(c.s, c.len, &i))
			return 0;
	return 1;
}

static int is_rule_cell(cellv c)
{
	int dash = 0;

	for (size_t i = 0; i < c.len; i++) {
		if (c.s[i] == '-' || c.s[i] == '=')
			dash = 1;
		else if (c.s[i] != ':' && c.s[i] != '+' && c.s[i] != ' ')
			return 0;
	}
	return dash;
}

void gw_table_line_info(const char *s, size_t len, gw_table_info *info)
{
	cellv c = trim(s, len), x;
	cellit it;
	int sep = line_sep(c.s, c.len), rule = 1;

	memset(info, 0, sizeof *info);
	if (sep == GW_TSEP_NONE)
		return;
	cellit_init(&it, c.s, c.len, sep);
	while (cellit_next(&it, &x)) {
		size_t ncp = count_cp(x.s, x.len);
		info->ncells++;
		if (!x.len)
			continue;
		if (info->nfilled++ == 0)
			info->first_int = is_int(x);
		if (ncp > info->max_cp)
			info->max_cp = ncp;
		if (!is_rule_cell(x))
			rule = 0;
	}
	if (info->ncells < 2 || info->nfilled == 0) {
		memset(info, 0, sizeof *info);
		return;
	}
	info->sep = sep;
	info->rule = rule;
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int gw_table_note(gw_notice *n, long line, const char *fmt, ...)
{
	gw_buf b = GW_BUF_INIT;
	gw_notice_note *notes;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || gw_buf_reserve(&b, (size_t)len + 1))
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b.p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	notes = realloc(n->notes, (n->nnotes + 1) * sizeof *notes);
	if (!notes) {
		gw_buf_free(&b);
		return -1;
	}
	n->notes = notes;
	notes[n->nnotes].line = line;
	notes[n->nnotes].msg = (char *)b.p;
	n->nnotes++;
	return 0;
}

void gw_table_free(gw_table *t)
{
	if (!t)
		return;
	free(t->caption);
	for (size_t c = 0; t->header && c < t->ncols; c++)
		free(t->header[c]);
	free(t->header);
	for (size_t r = 0; t->rows && r < t->nrows; r++) {
		for (size_t c = 0; t->rows[r].cells && c < t->ncols; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

/* ---- source rows ---- */

static int parse_row(rowv *r, const gw_table_src *src)
{
	cellv line = trim(src->s, src->len), c;
	gw_table_info info;
	cellit it;
	size_t k = 0;

	gw_table_line_info(line.s, line.len, &info);
	r->line = src->line;
	r->rule = info.rule;
	if (!info.nfilled)
		return 0;
	r->cell = malloc(info.nfilled * sizeof *r->cell);
	r->pos = malloc(info.nfilled * sizeof *r->pos);
	if (!r->cell || !r->pos)
		return -1;
	cellit_init(&it, line.s, line.len, info.sep);
	while (cellit_next(&it, &c)) {
		if (c.len) {
			r->cell[k] = c;
			r->pos[k++] = r->ncells;
		}
		r->ncells++;
	}
	r->nfilled = k;
	return 0;
}

static void builder_free(builder *b)
{
	for (size_t i = 0; b->rows && i < b->nrows; i++) {
		free(b->rows[i].cell);
		free(b->rows[i].pos);
	}
	free(b->rows);
	free(b->ref);
}

static int make_header(gw_table *t, const rowv *h)
{
	size_t k = 0, ncols = h->ncells ? h->ncells : 1;

	if (!(t->header = calloc(ncols, sizeof *t->header)))
		return -1;
	t->ncols = ncols;
	for (size_t c = 0; c < ncols; c++) {
		char name[32];
		if (k < h->nfilled && h->pos[k] == c) {
			t->header[c] = dupn(h->cell[k].s, h->cell[k].len);
			k++;
		} else {
			snprintf(name, sizeof name, "column %zu", c + 1);
			t->header[c] = dupn(name, strlen(name));
		}
		if (!t->header[c])
			return -1;
	}
	return 0;
}

/* Column 0 numbers the rows when every data row starts with an integer. */
static int first_column_is_seq(const builder *b)
{
	size_t n = 0;

	for (size_t i = 1; i < b->nrows; i++) {
		const rowv *r = &b->rows[i];
		if (r->rule || !r->nfilled)
			continue;
		if (!is_int(r->cell[0]))
			return 0;
		n++;
	}
	return n > 0;
}

/* ---- scoring ---- */

static int is_han(int32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F) || cp == 0x3007;
}

enum { K_NUMBER, K_HAN, K_OTHER };

static void describe(refc *x, const char *s, size_t len)
{
	size_t i = 0, han = 0, digits = 0, other = 0;

	x->s = s;
	x->len = len;
	x->ncp = 0;
	x->last1 = x->last2 = -1;
	while (i < len) {
		int32_t cp = gw_utf8_next(s, len, &i);
		x->ncp++;
		x->last2 = x->last1;
		x->last1 = cp;
		if ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19))
			digits++;
		else if (is_han(cp))
			han++;
		else if (!strchr(".,%+-/: ", (int)(cp < 128 ? cp : 'x')))
			other++;
	}
	if (digits && !han && !other)
		x->kind = K_NUMBER;
	else if (han * 2 >= x->ncp && x->ncp)
		x->kind = K_HAN;
	else
		x->kind = K_OTHER;
}

/* How well the cell c fits column col: 0 (not at all) to 3.5. */
static double fit(const builder *b, const refc *c, size_t col)
{
	double kind = 0, len = 0, suffix = 0, same = 0;

	for (size_t r = 0; r < b->nref; r++) {
		const refc *y = &b->ref[r * b->ncols + col];
		size_t lo = c->ncp < y->ncp ? c->ncp : y->ncp;
		size_t hi = c->ncp < y->ncp ? y->ncp : c->ncp;
		kind += c->kind == y->kind;
		len += hi ? (double)lo / (double)hi : 1;
		if (c->ncp >= 2 && y->ncp >= 2 && c->last1 == y->last1 && c->last2 == y->last2)
			suffix += 1;
		else if (y->ncp && c->last1 == y->last1)
			suffix += 0.5;
		same += c->len == y->len && memcmp(c->s, y->s, c->len) == 0;
	}
	return (kind + len + suffix + 0.5 * same) / (double)b->nref;
}

static int repeats_header(const builder *b, const rowv *r)
{
	const rowv *h = &b->rows[0];

	if (r->nfilled != h->nfilled)
		return 0;
	for (size_t i = 0; i < r->nfilled; i++)
		if (r->cell[i].len != h->cell[i].len ||
		    memcmp(r->cell[i].s, h->cell[i].s, r->cell[i].len) != 0)
			return 0;
	return 1;
}

/* References: the complete rows of the table, or if there are none the
 * rows already built (t->rows), most recent last. */
static int refs_from_complete(builder *b)
{
	size_t cap = b->nrows < MAX_REFS ? b->nrows : MAX_REFS;

	if (!(b->ref = calloc(cap * b->ncols, sizeof *b->ref)))
		return -1;
	for (size_t i = 1; i < b->nrows && b->nref < cap; i++) {
		const rowv *r = &b->rows[i];
		if (r->rule || r->nfilled != b->ncols || repeats_header(b, r))
			continue;
		for (size_t c = 0; c < b->ncols; c++)
			describe(&b->ref[b->nref * b->ncols + c], r->cell[c].s, r->cell[c].len);
		b->nref++;
	}
	b->complete = b->nref > 0;
	return 0;
}

static void refs_from_built(builder *b, const gw_table *t)
{
	size_t cap = b->nrows < MAX_REFS ? b->nrows : MAX_REFS;
	size_t from = t->nrows - 1 > cap ? t->nrows - 1 - cap : 0;

	b->nref = 0;
	for (size_t i = from; i + 1 < t->nrows; i++) { /* the last row is the one being placed */
		for (size_t c = 0; c < b->ncols; c++) {
			const char *s = t->rows[i].cells[c];
			describe(&b->ref[b->nref * b->ncols + c], s, strlen(s));
		}
		b->nref++;
	}
}

static int too_many(size_t n, size_t k)
{
	double c = 1;

	for (size_t i = 1; i <= k; i++) {
		c = c * (double)(n - k + i) / (double)i;
		if (c > MAX_PLACEMENTS)
			return 1;
	}
	return 0;
}

typedef struct search {
	const double *F; /* m x ncols fits */
	const rowv *r;
	size_t m, ncols;
	int seq, inplace;
	size_t *cur, *best;
	double best_score;
} search;

/* Places cells i.. into columns col.., in order; keeps the best. */
static void place(search *s, size_t i, size_t col, double score)
{
	if (i == s->m) {
		int same = s->inplace;
		for (size_t k = 0; k < s->m && same; k++)
			same = s->cur[k] == s->r->pos[k];
		if (same)
			score += 0.01; /* ties go to the cells where they stand */
		if (score > s->best_score) {
			s->best_score = score;
			memcpy(s->best, s->cur, s->m * sizeof *s->cur);
		}
		return;
	}
	for (size_t c = col; c + (s->m - i) <= s->ncols; c++) {
		if (i == 0 && s->seq && c != 0)
			break;
		s->cur[i] = c;
		place(s, i + 1, c + 1, score + s->F[i * s->ncols + c]);
	}
}

/* Chooses the column of each filled cell of r (fewer than ncols) into
 * where[]. Returns 1 if scored, 0 if the cells were kept where they stand
 * (nothing to score against, or too many placements), -1 on ENOMEM. */
static int choose(builder *b, const gw_table *t, const rowv *r, size_t *where)
{
	size_t m = r->nfilled, ncols = b->ncols, seq = b->seq ? 1 : 0;
	search s = {NULL, r, m, ncols, b->seq, r->ncells == ncols, NULL, where, -1};
	double *F;

	if (!b->complete)
		refs_from_built(b, t);
	if (!b->nref || too_many(ncols - seq, m - seq)) {
		for (size_t i = 0; i < m; i++)
			where[i] = r->ncells == ncols ? r->pos[i] : i;
		return 0;
	}
	F = malloc(m * ncols * sizeof *F);
	s.cur = malloc(m * sizeof *s.cur);
	if (!F || !s.cur) {
		free(F);
		free(s.cur);
		return -1;
	}
	for (size_t i = 0; i < m; i++) {
		refc c;
		describe(&c, r->cell[i].s, r->cell[i].len);
		for (size_t col = 0; col < ncols; col++)
			F[i * ncols + col] = fit(b, &c, col);
	}
	s.F = F;
	place(&s, 0, 0, 0);
	free(F);
	free(s.cur);
	return 1;
}

/* ---- rows ---- */

/* Extra cells go into the last column, separated by spaces. */
static int fill_long(gw_notice *n, gw_table *t, const rowv *r, gw_table_row *row)
{
	size_t last = t->ncols - 1;
	gw_buf b = GW_BUF_INIT;
	char q[GW_EXCERPT_SIZE];

	for (size_t c = 0; c < last; c++)
		if (!(row->cells[c] = dupn(r->cell[c].s, r->cell[c].len)))
			return -1;
	for (size_t i = last; i < r->nfilled; i++) {
		if (i > last)
			gw_buf_putc(&b, ' ');
		gw_buf_append(&b, r->cell[i].s, r->cell[i].len);
	}
	gw_buf_putc(&b, '\0');
	if (!gw_buf_ok(&b))
		return -1;
	row->cells[last] = (char *)b.p;
	return gw_table_note(n, r->line,
	                     "table row %zu: %zu cells for %zu columns; extra cells joined into %s",
	                     t->nrows, r->nfilled, t->ncols, gw_excerpt_str(q, t->header[last]));
}

static int fill_short(gw_notice *n, builder *b, gw_table *t, const rowv *r, gw_table_row *row)
{
	const gw_table_row *above = t->nrows >= 2 ? &t->rows[t->nrows - 2] : NULL;
	size_t *where = malloc(r->nfilled * sizeof *where);
	gw_buf names = GW_BUF_INIT;
	char q[GW_EXCERPT_SIZE];
	int scored, rc = -1;

	if (!where || (scored = choose(b, t, r, where)) < 0)
		goto out;
	for (size_t i = 0; i < r->nfilled; i++)
		if (!(row->cells[where[i]] = dupn(r->cell[i].s, r->cell[i].len)))
			goto out;
	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = above ? above->cells[c] : "";
		if (row->cells[c])
			continue;
		if (!(row->cells[c] = dupn(v, strlen(v))))
			goto out;
		gw_buf_printf(&names, "%s%s", names.len ? ", " : "", gw_excerpt_str(q, t->header[c]));
	}
	gw_buf_putc(&names, '\0');
	if (!gw_buf_ok(&names))
		goto out;
	row->repaired = above != NULL;
	if (above)
		rc = gw_table_note(
		    n, r->line, "table row %zu: %zu of %zu cells; %srestored %s from the row above",
		    t->nrows, r->nfilled, t->ncols, scored ? "" : "cells kept in place, ",
		    (char *)names.p);
	else
		rc = gw_table_note(n, r->line,
		                   "table row %zu: %zu of %zu cells; %s left empty (no row above)",
		                   t->nrows, r->nfilled, t->ncols, (char *)names.p);
out:
	free(where);
	gw_buf_free(&names);
	return rc;
}

static int add_row(gw_notice *n, builder *b, gw_table *t, const rowv *r)
{
	gw_table_row *row;

	if (r->rule || !r->nfilled)
		return 0;
	if (repeats_header(b, r))
		return gw_table_note(n, r->line, "table row %zu: repeats the header, dropped",
		                     t->nrows + 1);
	row = &t->rows[t->nrows];
	row->line = r->line;
	if (!(row->cells = calloc(t->ncols, sizeof *row->cells)))
		return -1;
	t->nrows++;
	if (r->nfilled > t->ncols)
		return fill_long(n, t, r, row);
	if (r->nfilled < t->ncols)
		return fill_short(n, b, t, r, row);
	for (size_t c = 0; c < t->ncols; c++)
		if (!(row->cells[c] = dupn(r->cell[c].s, r->cell[c].len)))
			return -1;
	return 0;
}

static gw_table *new_table(gw_notice *n)
{
	gw_table *t = realloc(n->tables, (n->ntables + 1) * sizeof *t);

	if (!t)
		return NULL;
	n->tables = t;
	t += n->ntables++;
	memset(t, 0, sizeof *t);
	return t;
}

int gw_table_add(gw_notice *n, const gw_table_src *src, size_t nsrc, const char *caption,
                 size_t caption_len)
{
	builder b = {0};
	gw_table *t = new_table(n);
	int rc = -1;

	if (!t || !(b.rows = calloc(nsrc, sizeof *b.rows)))
		goto out;
	t->line = src[0].line;
	for (b.nrows = 0; b.nrows < nsrc; b.nrows++)
		if (parse_row(&b.rows[b.nrows], &src[b.nrows])) {
			b.nrows++;
			goto out;
		}
	if (!(t->caption = dupn(caption, caption_len)) || make_header(t, &b.rows[0]) ||
	    !(t->rows = calloc(nsrc, sizeof *t->rows)))
		goto out;
	b.ncols = t->ncols;
	b.seq = first_column_is_seq(&b);
	if (refs_from_complete(&b))
		goto out;
	rc = 0;
	for (size_t i = 1; i < nsrc && rc == 0; i++)
		rc = add_row(n, &b, t, &b.rows[i]);
out:
	builder_free(&b);
	return rc;
}
