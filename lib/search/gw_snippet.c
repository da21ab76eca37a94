/* gw_snippet: highlights and snippet windows (see gw_snippet.h). */
#include "search/gw_snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "index/gw_index_impl.h"
#include "text/gw_foldmap.h"
#include "text/gw_utf8.h"

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
#define CONTEXT_BEFORE 24       /* code points shown before the first match */

/* What one position of the text holds. */
typedef struct hpos {
	int kind;                 /* GW_T_CHAR / GW_T_TERM, 0 if none */
	const char *tok, *bi, *st; /* terms (in terms buffer, NUL-terminated) */
	size_t tok_len, bi_len, st_len;
	size_t start, end;
} hpos;

typedef struct hl {
	hpos *p;
	size_t n, cap;
	gw_buf terms;
	int oom;
} hl;

void gw_ranges_free(gw_ranges *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

static int ranges_add(gw_ranges *rs, size_t s, size_t e)
{
	if (gw_array_grow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r, 16))
		return -1;
	rs->r[rs->n].start = s;
	rs->r[rs->n].end = e;
	rs->n++;
	return 0;
}

/* Term offsets are stored in the pointer slots as integers until the terms
 * buffer stops moving; fix_terms turns them into pointers. */
static int on_token(void *ctx, const gw_token *t)
{
	hl *h = ctx;
	hpos *p;
	size_t off;

	if (t->pos >= h->cap) {
		size_t cap = (t->pos + 1) * 2;
		hpos *np = realloc(h->p, cap * sizeof *np);
		if (!np) {
			h->oom = 1;
			return 1;
		}
		memset(np + h->cap, 0, (cap - h->cap) * sizeof *np);
		h->p = np;
		h->cap = cap;
	}
	if (t->pos + 1 > h->n)
		h->n = t->pos + 1;
	p = &h->p[t->pos];
	off = h->terms.len;
	gw_buf_append(&h->terms, t->term, t->len);
	gw_buf_putc(&h->terms, 0);
	if (t->kind == GW_T_BIGRAM) {
		p->bi = (const char *)(uintptr_t)(off + 1);
		p->bi_len = t->len;
	} else if (t->kind == GW_T_STEM) {
		p->st = (const char *)(uintptr_t)(off + 1);
		p->st_len = t->len;
	} else {
		p->kind = t->kind;
		p->tok = (const char *)(uintptr_t)(off + 1);
		p->tok_len = t->len;
		p->start = t->start_off;
		p->end = t->end_off;
	}
	return 0;
}

static const char *fix(const hl *h, const char *slot)
{
	return slot ? (const char *)h->terms.p + ((uintptr_t)slot - 1) : NULL;
}

static void fix_terms(hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		h->p[i].tok = fix(h, h->p[i].tok);
		h->p[i].bi = fix(h, h->p[i].bi);
		h->p[i].st = fix(h, h->p[i].st);
	}
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
	return a && an == bn && memcmp(a, b, an) == 0;
}

static int alt_at(const hl *h, const gw_query *q, const gw_qterm *t, size_t pos)
{
	const hpos *p;
	const char *s = gw_qterm_str(q, t);

	if (pos >= h->n)
		return 0;
	p = &h->p[pos];
	if (t->prefix)
		return p->kind == t->kind && p->tok && p->tok_len >= t->len && memcmp(p->tok, s, t->len) == 0;
	switch (t->kind) {
	case GW_T_BIGRAM: return same(p->bi, p->bi_len, s, t->len);
	case GW_T_STEM: return same(p->st, p->st_len, s, t->len);
	default: return p->kind == t->kind && same(p->tok, p->tok_len, s, t->len);
	}
}

static int part_at(const hl *h, const gw_query *q, const gw_qpart *part, size_t a)
{
	for (size_t i = 0; i < part->n; i++) {
		const gw_qelem *e = &q->el[part->first + i];
		int ok = 0;
		for (int k = 0; k < e->nalt && !ok; k++)
			ok = a + e->off >= e->alt[k].back && alt_at(h, q, &e->alt[k], a + e->off - e->alt[k].back);
		if (!ok)
			return 0;
	}
	return 1;
}

static int by_start(const void *a, const void *b)
{
	const gw_range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static void merge(gw_ranges *rs, size_t from)
{
	size_t out = from;

	if (rs->n - from < 2)
		return;
	qsort(rs->r + from, rs->n - from, sizeof *rs->r, by_start);
	for (size_t i = from; i < rs->n; i++) {
		if (out > from && rs->r[i].start <= rs->r[out - 1].end) {
			if (rs->r[i].end > rs->r[out - 1].end)
				rs->r[out - 1].end = rs->r[i].end;
		} else {
			rs->r[out++] = rs->r[i];
		}
	}
	rs->n = out;
}

/* Analyzes text[0..len) and appends to out, shifted by base, the ranges
 * of the matches of q that start before byte from_end; *tail (may be
 * NULL) gets the number of positions that start at or after it. */
static gw_rc match_ranges(gw_index *ix, const gw_query *q, const char *text, size_t len, size_t base,
                          size_t from_end, gw_ranges *out, size_t *tail, gw_err *err)
{
	hl h;
	gw_rc rc = GW_OK;

	memset(&h, 0, sizeof h);
	if (gw_analyze(ix->an, text, len, 0, GW_AN_BIGRAMS | GW_AN_STEMS, on_token, &h, NULL, err)) {
		rc = err->rc;
		goto done;
	}
	if (h.oom || !gw_buf_ok(&h.terms)) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto done;
	}
	fix_terms(&h);
	for (size_t pi = 0; pi < q->nparts && rc == GW_OK; pi++) {
		const gw_qpart *part = &q->parts[pi];
		if (part->negated || part->filter)
			continue;
		for (size_t a = 0; a + part->span <= h.n && h.p[a].start < from_end; a++) {
			size_t last = a + part->span - 1;
			if (!h.p[a].kind || !h.p[last].kind || !part_at(&h, q, part, a))
				continue;
			if (ranges_add(out, base + h.p[a].start, base + h.p[last].end)) {
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
				break;
			}
		}
	}
	if (tail) {
		size_t k = h.n;
		while (k > 0 && h.p[k - 1].start >= from_end)
			k--;
		*tail = h.n - k;
	}
done:
	free(h.p);
	gw_buf_free(&h.terms);
	return rc;
}

gw_rc gw_highlight(gw_index *ix, const gw_query *q, const char *text, size_t len, gw_ranges *out,
                   gw_err *err)
{
	size_t from = out->n;

	if (match_ranges(ix, q, text, len, 0, len, out, NULL, err))
		return err->rc;
	merge(out, from);
	return GW_OK;
}

void gw_snippet_free(gw_snippet *s)
{
	gw_buf_free(&s->text);
	gw_ranges_free(&s->matches);
	s->fid = 0;
}

/* 1 if the code point ending just before off ends a sentence or line. */
static int ends_sentence(const char *t, size_t off)
{
	static const char *const stops[] = {"\n", "\xE3\x80\x82" /* 。 */, "\xEF\xBC\x81" /* ！ */,
	                                    "\xEF\xBC\x9F" /* ？ */, "\xEF\xBC\x9B" /* ； */};

	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
		size_t n = strlen(stops[i]);
		if (off >= n && memcmp(t + off - n, stops[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Byte offset of the code point n code points before off, or of the start
 * of its sentence or line, whichever is nearer. */
static size_t back_chars(const char *t, size_t off, size_t n)
{
	while (off > 0 && n > 0 && !ends_sentence(t, off)) {
		size_t p = off - 1;
		while (p > 0 && ((unsigned char)t[p] & 0xC0) == 0x80)
			p--;
		off = p;
		n--;
	}
	return off;
}

static size_t fwd_chars(const char *t, size_t len, size_t off, size_t n)
{
	while (off < len && n > 0) {
		off++;
		while (off < len && ((unsigned char)t[off] & 0xC0) == 0x80)
			off++;
		n--;
	}
	return off;
}

/* Where the window around the first of rs (or the start) begins and ends. */
static void window_span(const char *t, size_t len, const gw_ranges *rs, size_t max_chars, size_t *ws,
                        size_t *we)
{
	*ws = back_chars(t, rs->n ? rs->r[0].start : 0, CONTEXT_BEFORE);
	*we = fwd_chars(t, len, *ws, max_chars);
}

static gw_rc window(gw_snippet *s, const char *t, size_t len, const gw_ranges *rs, size_t max_chars,
                    gw_err *err)
{
	size_t first = rs->n ? rs->r[0].start : 0, ws, we, shift;

	window_span(t, len, rs, max_chars, &ws, &we);

	/* Skip leading white space of the window. */
	while (ws < first && (t[ws] == ' ' || t[ws] == '\n' || t[ws] == '\r' || t[ws] == '\t'))
		ws++;
	gw_buf_reset(&s->text);
	if (ws > 0)
		gw_buf_puts(&s->text, ELLIPSIS);
	shift = s->text.len;
	for (size_t i = ws; i < we; i++)
		gw_buf_putc(&s->text, (t[i] == '\n' || t[i] == '\r' || t[i] == '\t') ? ' ' : t[i]);
	if (we < len)
		gw_buf_puts(&s->text, ELLIPSIS);
	for (size_t i = 0; i < rs->n; i++) {
		size_t a = rs->r[i].start, b = rs->r[i].end;
		if (b <= ws || a >= we)
			continue;
		if (ranges_add(&s->matches, (a < ws ? ws : a) - ws + shift, (b > we ? we : b) - ws + shift))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	return gw_buf_ok(&s->text) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

/* The spans of a field where a match can start, found without analyzing
 * the text.
 *
 * A match of a part starts at the token of its first element, and for
 * most parts every alternative of that element says which code point the
 * folded token holds there: its character (a CJK part; with its bigram,
 * the two code points side by side in the folded text), its first letter
 * or digit (a word or prefix). These are the part's leads. A lead that is
 * ASCII or a Han character is never made by NFKC composing code points,
 * so the match's first token holds an original code point whose fold on
 * its own (gw_analyzer_fold_cp) gives the lead, or gives several code
 * points; and a bigram's two come from two code points with nothing
 * between them but code points that fold to nothing. A line break is
 * crossed by neither a token nor a normalization segment: text analyzed
 * from the start of a line gives the tokens the whole text has there. So
 * the field is scanned for the first code point that gives a lead (the
 * second of a pair: the pair's first is on its line); from the start of
 * that line, SPAN_BYTES and the rest of their last line are analyzed,
 * with enough of the lines after them for a match starting in them to end
 * there; the scan goes on after them, until the window of the snippet is
 * known; the ranges in the window are then those a whole analysis finds.
 * A man page of 670 kB whose first match is at 250 kB costs a scan of its
 * bytes, not the analysis of every code point, and a field of 3 kB whose
 * match is in its last line the analysis of that line. */
#define BLOCK_BYTES 2048 /* scanned at a time, cut at a line break */
#define LEADS_MAX 32
#define LOOKAHEAD_BYTES 64 /* after a span, grown while too few positions */

typedef struct leads {
	struct {
		uint32_t first, second; /* second 0: any (a lone character) */
	} han[LEADS_MAX];
	size_t nhan;
	uint8_t ascii[128];  /* 1: a lead */
	uint32_t span;       /* positions of the longest part */
} leads;

static int safe_lead(uint32_t c)
{
	return c < 0x80 || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

/* The code point at index k of the UTF-8 term s[0..n), or -1. */
static int32_t nth_cp(const char *s, size_t n, uint32_t k)
{
	size_t i = 0;
	int32_t c = -1;

	for (uint32_t j = 0; j <= k; j++) {
		if (i >= n)
			return -1;
		c = gw_utf8_next(s, n, &i);
		if (c < 0)
			return -1;
	}
	return c;
}

/* Adds the lead c, or the Han pair c, second (second 0: c alone). */
static int add_lead(leads *ld, uint32_t c, uint32_t second)
{
	if (c < 0x80 && !second) {
		ld->ascii[c] = 1;
		return 1;
	}
	if (c < 0x80 || (second && (second < 0x80 || !safe_lead(second))))
		return 0;
	for (size_t i = 0; i < ld->nhan; i++)
		if (ld->han[i].first == c && ld->han[i].second == second)
			return 1;
	if (ld->nhan == LEADS_MAX)
		return 0;
	ld->han[ld->nhan].first = c;
	ld->han[ld->nhan++].second = second;
	return 1;
}

/* The leads of q's highlighted parts; 0 if a part has none that can be
 * trusted (a stem, a kana), and then every block may hold a match. */
static int query_leads(const gw_query *q, leads *ld)
{
	memset(ld, 0, sizeof *ld);
	ld->span = 1;
	for (size_t pi = 0; pi < q->nparts; pi++) {
		const gw_qpart *part = &q->parts[pi];
		const gw_qelem *e = NULL;
		if (part->negated || part->filter)
			continue;
		for (size_t i = 0; i < part->n && !e; i++)
			if (q->el[part->first + i].off == 0)
				e = &q->el[part->first + i];
		if (!e || e->nalt < 1)
			return 0;
		for (int k = 0; k < e->nalt; k++) {
			const gw_qterm *t = &e->alt[k];
			int32_t c, second = 0;
			/* A bigram's two code points (one of them the element's),
			 * else the first of the term. */
			if ((t->kind == GW_T_CHAR || t->kind == GW_T_TERM) && t->back == 0 && !(t->prefix && !t->len))
				c = nth_cp(gw_qterm_str(q, t), t->len, 0);
			else if (t->kind == GW_T_BIGRAM && t->back <= 1 && !t->prefix) {
				c = nth_cp(gw_qterm_str(q, t), t->len, 0);
				second = nth_cp(gw_qterm_str(q, t), t->len, 1);
				if (second <= 0)
					return 0;
			} else
				return 0;
			if (c < 0 || !safe_lead((uint32_t)c) || !add_lead(ld, (uint32_t)c, (uint32_t)second))
				return 0;
		}
		if (part->span > ld->span)
			ld->span = part->span;
	}
	return 1;
}

/* The offset after the first line break at or after from, or len. */
static size_t line_end(const char *t, size_t len, size_t from)
{
	const char *nl;

	if (from >= len)
		return len;
	nl = memchr(t + from, '\n', len - from);
	return nl ? (size_t)(nl - t) + 1 : len;
}

/* Where the first code point of t[i..end) starts whose fold gives a lead
 * (or might: several code points, unless they are ASCII punctuation, as
 * … gives ..., where no token starts), or the second of a pair after the
 * first; SIZE_MAX if none.
 * The code points are read as gw_norm_fold reads them. The reference:
 * lead_scan below answers the same, faster. */
static size_t first_lead_per_cp(gw_analyzer *an, const char *t, size_t len, size_t i, size_t end,
                                const leads *ld)
{
	uint32_t prev = 0; /* the fold of the code point before (0: none) */

	while (i < end) {
		unsigned char b = (unsigned char)t[i];
		size_t at = i;
		int32_t c;
		uint32_t f;
		if (b < 0x80) {
			if (ld->ascii[(b >= 'A' && b <= 'Z') ? b + 32 : b])
				return at;
			prev = b;
			i++;
			continue;
		}
		c = gw_utf8_next(t, len, &i);
		f = c < 0 ? 0xFFFD : gw_analyzer_fold_cp(an, (uint32_t)c);
		if (f == GW_FOLD_NONE)
			continue; /* gone from the folded text: prev stays */
		if ((f == GW_FOLD_MANY && !gw_foldmap_punct((uint32_t)c)) || (f < 0x80 && ld->ascii[f]))
			return at;
		for (size_t k = 0; k < ld->nhan; k++)
			if (ld->han[k].second ? prev == ld->han[k].first && f == ld->han[k].second
			                      : f == ld->han[k].first)
				return at;
		prev = f;
	}
	return SIZE_MAX;
}

/* The scan of first_lead_per_cp without folding every code point.
 *
 * In the reading of gw_norm_fold (gw_utf8_next), a byte below 0x80 or
 * above 0xBF always starts a code point (no sequence takes it as a
 * continuation), and a byte 0x80-0xBF that starts one is invalid (U+FFFD,
 * never a lead). A code point can give a hit only if its fold is a lone
 * lead, the second of a pair, an ASCII lead or GW_FOLD_MANY (but for
 * punctuation, gw_foldmap_punct); gw_foldmap lists every code point that
 * folds to each of those, so a bitmap of the BMP marks them all, per
 * query (the candidates). The scan decodes the
 * well-formed sequences of two and three bytes inline and looks them up
 * there; a candidate, a sequence of four bytes and anything unusual (lead
 * E0 or ED, ill-formed) go through the reading of the reference at that
 * byte, which a pair completes by reading back to the code point before.
 * Chinese text goes at 0.34-0.91 ns a byte instead of 1.08-1.57, ASCII
 * without ASCII leads at 0.04 instead of 0.72 (the two scans on a 668 kB
 * chapter, 373 kB of LibreOffice help, 556 kB of ASCII; best of 100). */
enum { B_SKIP, B_HIT, B_TWO, B_THREE, B_SLOW }; /* what a byte starts */

typedef struct lead_map {
	leads key;                  /* the leads the bitmap is for */
	int ok;                     /* 0: not built */
	int ascii_leads;            /* 1: an ASCII byte may be a hit */
	uint8_t byte[256];          /* B_*, of a byte where a code point starts */
	uint64_t bit[0x10000 / 64]; /* candidates in the BMP */
} lead_map;

static void mark(lead_map *m, uint32_t c, int on)
{
	uint64_t b = (uint64_t)1 << (c & 63);

	if (c < 0x10000)
		m->bit[c >> 6] = on ? m->bit[c >> 6] | b : m->bit[c >> 6] & ~b;
}

/* Marks (on 1) or unmarks every code point whose fold is f, but for
 * punctuation that folds to several (… -> ...). */
static void mark_fold(lead_map *m, uint32_t f, int on)
{
	size_t n;
	const uint32_t *src = gw_foldmap_sources(f, &n);

	if (f < 0x110000 && gw_foldmap_get(f) == f)
		mark(m, f, on);
	for (size_t i = 0; i < n; i++)
		if (f != GW_FOLD_MANY || !gw_foldmap_punct(src[i]))
			mark(m, src[i], on);
}

/* Marks or unmarks the code points that fold to the leads of ld. None of
 * them folds to several code points: those stay marked. */
static void mark_leads(lead_map *m, const leads *ld, int on)
{
	for (uint32_t a = 0; a < 128; a++)
		if (ld->ascii[a])
			mark_fold(m, a, on);
	for (size_t k = 0; k < ld->nhan; k++)
		mark_fold(m, ld->han[k].second ? ld->han[k].second : ld->han[k].first, on);
}

/* The map of ld: one a thread, rebuilt when the leads change (every hit
 * of a query has the same): the code points that fold to several are
 * marked once, those of the leads before are unmarked. */
static const lead_map *lead_map_of(const leads *ld)
{
	static _Thread_local lead_map m;

	if (m.ok && memcmp(&m.key, ld, sizeof *ld) == 0)
		return &m;
	if (!m.ok)
		mark_fold(&m, GW_FOLD_MANY, 1);
	else
		mark_leads(&m, &m.key, 0);
	memcpy(&m.key, ld, sizeof *ld);
	mark_leads(&m, ld, 1);
	m.ascii_leads = 0;
	for (unsigned b = 0; b < 256; b++) {
		unsigned low = (b >= 'A' && b <= 'Z') ? b + 32 : b;
		if (b < 0x80)
			m.byte[b] = ld->ascii[low] ? B_HIT : B_SKIP;
		else if (b < 0xC2)
			m.byte[b] = B_SKIP; /* a continuation, or invalid */
		else if (b < 0xE0)
			m.byte[b] = B_TWO;
		else if (b < 0xF0 && b != 0xE0 && b != 0xED)
			m.byte[b] = B_THREE; /* E0 and ED have narrower ranges */
		else
			m.byte[b] = B_SLOW;
		m.ascii_leads |= m.byte[b] == B_HIT;
	}
	m.ok = 1;
	return &m;
}

/* The fold of the last code point of t[start..i) that does not fold to
 * nothing, as first_lead_per_cp's prev holds it at i (0: none); i
 * starts a code point. */
static uint32_t fold_before(gw_analyzer *an, const char *t, size_t len, size_t start, size_t i)
{
	while (i > start) {
		size_t q = i - 1, s, j;
		int32_t c;
		uint32_t f;
		/* Back to a byte that surely starts a code point, then forward
		 * to the last one before i. */
		while (q > start && (unsigned char)t[q] >= 0x80 && (unsigned char)t[q] < 0xC0)
			q--;
		for (s = j = q; j < i;) {
			s = j;
			if ((unsigned char)t[j] < 0x80)
				j++;
			else
				gw_utf8_next(t, len, &j);
		}
		if ((unsigned char)t[s] < 0x80)
			return (unsigned char)t[s];
		j = s;
		c = gw_utf8_next(t, len, &j);
		f = c < 0 ? 0xFFFD : gw_analyzer_fold_cp(an, (uint32_t)c);
		if (f != GW_FOLD_NONE)
			return f;
		i = s;
	}
	return 0;
}

/* What first_lead_per_cp finds at the code point starting at i, which
 * does not start with a byte below 0x80; *next gets where the next starts. */
static int hit_at(gw_analyzer *an, const char *t, size_t len, size_t start, size_t i, const leads *ld,
                  size_t *next)
{
	int32_t c;
	uint32_t f;

	*next = i;
	c = gw_utf8_next(t, len, next);
	f = c < 0 ? 0xFFFD : gw_analyzer_fold_cp(an, (uint32_t)c);
	if (f == GW_FOLD_NONE)
		return 0;
	if ((f == GW_FOLD_MANY && !gw_foldmap_punct((uint32_t)c)) || (f < 0x80 && ld->ascii[f]))
		return 1;
	for (size_t k = 0; k < ld->nhan; k++)
		if (!ld->han[k].second && f == ld->han[k].first)
			return 1;
	for (size_t k = 0; k < ld->nhan; k++)
		if (ld->han[k].second && f == ld->han[k].second) {
			uint32_t prev = fold_before(an, t, len, start, i);
			for (; k < ld->nhan; k++)
				if (ld->han[k].second == f && ld->han[k].first == prev)
					return 1;
			return 0;
		}
	return 0;
}

static size_t lead_scan(gw_analyzer *an, const char *t, size_t len, size_t i, size_t end, const leads *ld)
{
	const unsigned char *u = (const unsigned char *)t;
	const lead_map *m = lead_map_of(ld);
	const uint64_t *bit = m->bit;
	size_t start = i, at;

	while (i < end) {
		uint32_t c;
		switch (m->byte[u[i]]) {
		case B_SKIP:
			i++;
			/* Without ASCII leads, runs of ASCII go 8 bytes at a time. */
			while (!m->ascii_leads && i + 8 <= end) {
				uint64_t w;
				memcpy(&w, u + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			continue;
		case B_HIT:
			return i;
		case B_TWO:
			if (i + 1 < end && (u[i + 1] & 0xC0) == 0x80) {
				c = (u[i] & 0x1Fu) << 6 | (u[i + 1] & 0x3Fu);
				if (!(bit[c >> 6] >> (c & 63) & 1)) {
					i += 2;
					continue;
				}
			}
			break;
		case B_THREE:
			if (i + 2 < end && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
				c = (u[i] & 0x0Fu) << 12 | (u[i + 1] & 0x3Fu) << 6 | (u[i + 2] & 0x3Fu);
				if (!(bit[c >> 6] >> (c & 63) & 1)) {
					i += 3;
					continue;
				}
			}
			break;
		default:
			break;
		}
		/* A candidate, or a sequence the inline reading leaves alone. */
		at = i;
		if (hit_at(an, t, len, start, at, ld, &i))
			return at;
	}
	return SIZE_MAX;
}

static size_t first_lead(gw_analyzer *an, const char *t, size_t len, size_t i, size_t end,
                         const leads *ld)
{
	return lead_scan(an, t, len, i, end, ld);
}

long gw_snippet_first_lead(gw_index *ix, const gw_query *q, const char *text, size_t len, int per_cp)
{
	leads ld;
	size_t at;

	if (!query_leads(q, &ld))
		return -1;
	at = per_cp ? first_lead_per_cp(ix->an, text, len, 0, len, &ld)
	            : first_lead(ix->an, text, len, 0, len, &ld);
	return at == SIZE_MAX ? 0 : (long)at + 1;
}

/* Appends the matches that start in the span t[bs..be), analyzing it with
 * the lines after it that the longest part may reach into. */
static gw_rc block_matches(gw_index *ix, const gw_query *q, const char *t, size_t len, size_t bs,
                           size_t be, uint32_t span, gw_ranges *rs, gw_err *err)
{
	size_t look = LOOKAHEAD_BYTES;

	for (;;) {
		size_t re = line_end(t, len, be + look), had = rs->n, tail;
		if (match_ranges(ix, q, t + bs, re - bs, bs, be - bs, rs, &tail, err))
			return err->rc;
		if (re == len || tail + 1 >= span)
			return GW_OK;
		rs->n = had; /* too few positions after the block: again, longer */
		look *= 4;
	}
}

/* Analyzed from the line of a lead, at least (with the rest of the last
 * line). Known items, --fields title (3 alternating runs, medians): 512,
 * 275 us a query on average (p50 66); 128, 246 us (p50 64). */
#define SPAN_BYTES 128

static gw_rc highlight_blocks(gw_index *ix, const gw_query *q, const leads *ld, const char *t,
                              size_t len, size_t max_chars, gw_ranges *rs, gw_err *err)
{
	size_t bs = 0, ws, we = SIZE_MAX;

	rs->n = 0;
	while (bs < len && bs < we) {
		size_t be = line_end(t, len, bs + BLOCK_BYTES), had = rs->n;
		size_t at = first_lead(ix->an, t, len, bs, be, ld), ls, me;
		const char *nl;
		if (at == SIZE_MAX) {
			bs = be;
			continue;
		}
		nl = at > bs ? memrchr(t + bs, '\n', at - bs) : NULL;
		ls = nl ? (size_t)(nl - t) + 1 : bs;
		me = line_end(t, len, at + SPAN_BYTES);
		if (block_matches(ix, q, t, len, ls, me, ld->span, rs, err))
			return err->rc;
		/* The first span with a match holds the first match: the
		 * window is known, and the spans up to its end hold every
		 * match that shows in it. */
		if (we == SIZE_MAX && rs->n > had) {
			merge(rs, 0);
			window_span(t, len, rs, max_chars, &ws, &we);
		}
		bs = me;
	}
	merge(rs, 0);
	return GW_OK;
}

#define PREFIX_BYTES 8192

/* Highlights field text t for its snippet window: the ranges the window
 * shows are those of gw_highlight over the whole text. With leads, the
 * spans where a match can start are found first; a field without a lead
 * (the number, the addressees, a record's other cells) is not analyzed at
 * all. Without leads only the start of a long text is analyzed first: a
 * long document (a man page of 100 kB) need not be analyzed whole when the
 * window lies in its first lines. The cut is at a line break, which no
 * token crosses, so the ranges found before it are the same. */
static gw_rc highlight_field(gw_index *ix, const gw_query *q, const leads *ld, const char *t, size_t len,
                             size_t max_chars, gw_ranges *rs, gw_err *err)
{
	size_t cut = len;
	const char *nl;

	if (ld)
		return highlight_blocks(ix, q, ld, t, len, max_chars, rs, err);
	if (len > 2 * PREFIX_BYTES && (nl = memchr(t + PREFIX_BYTES, '\n', len - PREFIX_BYTES)))
		cut = (size_t)(nl - t);
	rs->n = 0;
	if (gw_highlight(ix, q, t, cut, rs, err))
		return err->rc;
	/* Enough if the window, and a match that could start inside it,
	 * end well before the cut. */
	if (cut == len)
		return GW_OK;
	if (rs->n) {
		size_t ws, we;
		window_span(t, len, rs, max_chars, &ws, &we);
		if (we + 256 < cut)
			return GW_OK;
	}
	rs->n = 0;
	return gw_highlight(ix, q, t, len, rs, err);
}

gw_rc gw_snippet_make(gw_index *ix, const gw_query *q, const gw_record *rec, unsigned title_fid,
                      size_t max_chars, gw_snippet *out, gw_err *err)
{
	gw_ranges rs = {0};
	int pick = -1;
	gw_rc rc = GW_OK;
	leads ld;
	const leads *have = query_leads(q, &ld) ? &ld : NULL;

	gw_snippet_free(out);
	/* Fields other than the title first, the title last. */
	for (int pass = 0; pass < 2 && pick < 0 && rc == GW_OK; pass++)
		for (unsigned i = 0; i < rec->nf && pick < 0 && rc == GW_OK; i++) {
			if ((rec->fid[i] == title_fid) != (pass == 1))
				continue;
			rc = highlight_field(ix, q, have, rec->text[i], rec->text_len[i], max_chars, &rs, err);
			if (rc == GW_OK && rs.n)
				pick = (int)i;
		}
	if (rc == GW_OK && pick < 0) {
		/* No visible match (e.g. only the title matched and it is shown
		 * apart): show the start of the first non-title field. */
		rs.n = 0;
		for (unsigned i = 0; i < rec->nf && pick < 0; i++)
			if (rec->fid[i] != title_fid)
				pick = (int)i;
	}
	if (rc == GW_OK && pick >= 0) {
		out->fid = rec->fid[pick];
		rc = window(out, rec->text[pick], rec->text_len[pick], &rs, max_chars, err);
	}
	gw_ranges_free(&rs);
	return rc;
}
