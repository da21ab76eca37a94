/* gw_norm: NFKC case folding + per-code-point Traditional->Simplified, with a
 * map back to original byte offsets (see gw_norm.h).
 *
 * ASCII takes a fast path (lower-casing is all NFKC_Casefold does to it).
 * Non-ASCII runs are converted to UTF-16 for ICU; the part that ICU's quick
 * check says is already normalized is copied one to one, and the rest is
 * normalized one segment (boundary to boundary) at a time, so each output
 * code point knows which input bytes it came from. One cost of the ASCII
 * fast path: an ASCII character is never composed with a following combining
 * mark (e.g. '<' + U+0338); neither is a token character, so no term changes.
 *
 * Most Han characters take a fast path too: a code point that ICU calls
 * normalization-inert (unchanged, and nothing before or after it combines
 * with it) is its own fold whatever surrounds it, so it is appended as it
 * is and ends the run handed to ICU, as ASCII does. */
#include "text/gw_norm.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#include "text/gw_utf8.h"

extern const uint16_t gw_t2s_page[];
extern const uint8_t gw_simp_bmp[];
extern const uint32_t gw_t2s_block[][256];

struct gw_norm {
	const UNormalizer2 *nfkc_cf; /* owned by ICU, not freed */
	UChar *src;                  /* UTF-16 of the current non-ASCII run */
	uint32_t *src_start, *src_end;
	size_t src_cap;
	UChar *tmp;                  /* normalize() output for one segment */
	size_t tmp_cap;
	uint8_t inert_known[0x100];  /* 1 once inert[] holds a BMP page's bits */
	uint8_t inert[0x10000 / 8];  /* bit c: unorm2_isInert(nfkc_cf, c) */
	uint32_t *seg1_page[0x100];  /* fold_segment of one BMP unit, a page at a time (seg1) */
};

uint32_t gw_t2s(uint32_t c)
{
	uint16_t p;

	if (c >= 0x110000)
		return c;
	p = gw_t2s_page[c >> 8];
	if (p) {
		uint32_t t = gw_t2s_block[p - 1][c & 255];
		if (t)
			return t;
	}
	return c;
}

gw_rc gw_norm_new(gw_norm **out, gw_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	gw_norm *nm;

	*out = NULL;
	nm = calloc(1, sizeof *nm);
	if (!nm)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	nm->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	if (U_FAILURE(st)) {
		free(nm);
		return gw_err_set(err, GW_EICU, st, "cannot load ICU nfkc_cf: %s", u_errorName(st));
	}
	*out = nm;
	return GW_OK;
}

void gw_norm_free(gw_norm *nm)
{
	if (!nm)
		return;
	free(nm->src);
	free(nm->src_start);
	free(nm->src_end);
	free(nm->tmp);
	for (size_t i = 0; i < sizeof nm->seg1_page / sizeof nm->seg1_page[0]; i++)
		free(nm->seg1_page[i]);
	free(nm);
}

/* Code points of room a gw_folded keeps whatever it was last used for. */
enum { FOLDED_KEEP = 1 << 16 };

void gw_folded_free(gw_folded *f)
{
	free(f->cp);
	free(f->start);
	free(f->end);
	free(f->changed);
	memset(f, 0, sizeof *f);
}

static int folded_reserve(gw_folded *f, size_t extra)
{
	size_t cap = f->cap ? f->cap : 256;
	void *a, *b, *c, *d;

	if (f->n + extra <= f->cap)
		return 0;
	while (cap < f->n + extra)
		cap *= 2;
	a = realloc(f->cp, cap * sizeof *f->cp);
	if (a)
		f->cp = a;
	b = realloc(f->start, cap * sizeof *f->start);
	if (b)
		f->start = b;
	c = realloc(f->end, cap * sizeof *f->end);
	if (c)
		f->end = c;
	d = realloc(f->changed, cap);
	if (d)
		f->changed = d;
	if (!a || !b || !c || !d)
		return -1;
	f->cap = cap;
	return 0;
}

/* Appends one code point (after the T->S fold); the caller reserved room. */
static inline void push(gw_folded *f, uint32_t c, uint32_t start, uint32_t end)
{
	uint32_t t = gw_t2s(c);

	f->cp[f->n] = t;
	f->changed[f->n] = t != c;
	if (t != c)
		f->trad++;
	else if (c >= 0x3400 && c < 0x10000 && (gw_simp_bmp[c >> 3] >> (c & 7) & 1))
		f->simp++;
	f->start[f->n] = start;
	f->end[f->n] = end;
	f->n++;
}

static int src_reserve(gw_norm *nm, size_t n)
{
	size_t cap = nm->src_cap ? nm->src_cap : 256;
	void *a, *b, *c;

	if (n <= nm->src_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	a = realloc(nm->src, cap * sizeof *nm->src);
	if (a)
		nm->src = a;
	b = realloc(nm->src_start, cap * sizeof *nm->src_start);
	if (b)
		nm->src_start = b;
	c = realloc(nm->src_end, cap * sizeof *nm->src_end);
	if (c)
		nm->src_end = c;
	if (!a || !b || !c)
		return -1;
	nm->src_cap = cap;
	return 0;
}

/* The code point of a well-formed 3-byte sequence of the kind Chinese text
 * is made of (lead E1-EC, EE-EF: any continuation bytes will do) at p,
 * with avail bytes left, or -1 if it is not one; decoded inline, where
 * gw_utf8_next checks every case. */
static inline int32_t utf8_common3(const unsigned char *p, size_t avail)
{
	if (avail >= 3 && p[0] >= 0xE1 && p[0] <= 0xEF && p[0] != 0xED && (p[1] & 0xC0) == 0x80 &&
	    (p[2] & 0xC0) == 0x80)
		return (int32_t)((p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu));
	return -1;
}

/* Whether the BMP code point c is normalization-inert (see the top of the
 * file); asks ICU a page of 256 code points at a time. */
static inline int inert(gw_norm *nm, uint32_t c)
{
	if (!nm->inert_known[c >> 8]) {
		uint32_t base = c & ~0xffu;
		for (uint32_t k = 0; k < 256; k += 8) {
			uint8_t bits = 0;
			for (uint32_t b = 0; b < 8; b++)
				bits |= (uint8_t)((unorm2_isInert(nm->nfkc_cf, (UChar32)(base + k + b)) ? 1 : 0) << b);
			nm->inert[(base + k) >> 3] = bits;
		}
		nm->inert_known[c >> 8] = 1;
	}
	return nm->inert[c >> 3] >> (c & 7) & 1;
}

/* Decodes the non-ASCII run text[*i..) into nm->src, up to an inert code
 * point after the first; returns its length in UTF-16 units, or -1 on
 * allocation failure. */
static long load_run(gw_norm *nm, const char *text, size_t len, size_t *i)
{
	size_t k = 0;

	while (*i < len && (unsigned char)text[*i] >= 0x80) {
		size_t at = *i;
		int32_t c = utf8_common3((const unsigned char *)text + at, len - at);
		if (k + 2 > nm->src_cap && src_reserve(nm, k + 2))
			return -1;
		if (c >= 0) {
			if (k > 0 && inert(nm, (uint32_t)c))
				break;
			*i += 3;
		} else if ((c = gw_utf8_next(text, len, i)) < 0) {
			c = 0xFFFD;
		}
		if (c > 0xFFFF) {
			nm->src[k] = U16_LEAD(c);
			nm->src[k + 1] = U16_TRAIL(c);
			nm->src_start[k] = nm->src_start[k + 1] = (uint32_t)at;
			nm->src_end[k] = nm->src_end[k + 1] = (uint32_t)*i;
			k += 2;
		} else {
			nm->src[k] = (UChar)c;
			nm->src_start[k] = (uint32_t)at;
			nm->src_end[k] = (uint32_t)*i;
			k++;
		}
	}
	return (long)k;
}

/* What normalize() makes of a segment of one BMP code point u: its code
 * point + 1, SEG1_NONE if nothing, SEG1_MANY if several code points (or ICU
 * failed: fold_segment then asks ICU again, and reports its error). */
#define SEG1_NONE 0xFFFFFFFFu
#define SEG1_MANY 0xFFFFFFFEu

static uint32_t seg1_ask(gw_norm *nm, UChar u)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar out[8];
	int32_t n = unorm2_normalize(nm->nfkc_cf, &u, 1, out, 8, &st);

	if (U_FAILURE(st))
		return SEG1_MANY;
	if (n == 0)
		return SEG1_NONE;
	if (n == 1 && !U16_IS_SURROGATE(out[0]))
		return (uint32_t)out[0] + 1;
	if (n == 2 && U16_IS_LEAD(out[0]) && U16_IS_TRAIL(out[1]))
		return (uint32_t)U16_GET_SUPPLEMENTARY(out[0], out[1]) + 1;
	return SEG1_MANY;
}

/* seg1_ask(u), remembered: the segments ICU normalizes are mostly one
 * fullwidth punctuation mark (，：（）), the same few over and over. */
static uint32_t seg1(gw_norm *nm, UChar u)
{
	uint32_t *pg = nm->seg1_page[u >> 8];

	if (!pg) {
		if (!(pg = calloc(256, sizeof *pg)))
			return SEG1_MANY;
		nm->seg1_page[u >> 8] = pg;
	}
	if (!pg[u & 255])
		pg[u & 255] = seg1_ask(nm, u);
	return pg[u & 255];
}

/* Normalizes src[k..m) (one segment) and appends it, every output code point
 * mapped to the segment's whole original byte range. */
static gw_rc fold_segment(gw_norm *nm, int32_t k, int32_t m, gw_folded *f, gw_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, i = 0;

	if (m - k == 1 && !U16_IS_SURROGATE(nm->src[k])) {
		uint32_t v = seg1(nm, nm->src[k]);
		if (v == SEG1_NONE)
			return GW_OK;
		if (v != SEG1_MANY) {
			if (folded_reserve(f, 1))
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			push(f, v - 1, nm->src_start[k], nm->src_end[k]);
			return GW_OK;
		}
	}

	for (;;) {
		n = unorm2_normalize(nm->nfkc_cf, nm->src + k, m - k, nm->tmp, (int32_t)nm->tmp_cap, &st);
		if (st != U_BUFFER_OVERFLOW_ERROR)
			break;
		st = U_ZERO_ERROR;
		free(nm->tmp);
		nm->tmp_cap = (size_t)n + 16;
		nm->tmp = malloc(nm->tmp_cap * sizeof *nm->tmp);
		if (!nm->tmp) {
			nm->tmp_cap = 0;
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
	}
	if (U_FAILURE(st))
		return gw_err_set(err, GW_EICU, st, "normalization failed: %s", u_errorName(st));
	if (folded_reserve(f, (size_t)n))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	while (i < n) {
		UChar32 c;
		U16_NEXT(nm->tmp, i, n, c);
		push(f, (uint32_t)c, nm->src_start[k], nm->src_end[m - 1]);
	}
	return GW_OK;
}

/* Copies src[k..m), already normalized, one code point at a time. */
static gw_rc copy_span(gw_norm *nm, int32_t k, int32_t m, gw_folded *f, gw_err *err)
{
	int32_t i = k;

	if (folded_reserve(f, (size_t)(m - k)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	while (i < m) {
		UChar32 c;
		int32_t at = i;
		U16_NEXT(nm->src, i, m, c);
		push(f, (uint32_t)c, nm->src_start[at], nm->src_end[at]);
	}
	return GW_OK;
}

static gw_rc fold_run(gw_norm *nm, int32_t n, gw_folded *f, gw_err *err)
{
	int32_t k = 0;
	UErrorCode st = U_ZERO_ERROR;

	while (k < n) {
		int32_t yes = k + unorm2_spanQuickCheckYes(nm->nfkc_cf, nm->src + k, n - k, &st);
		int32_t m;
		if (U_FAILURE(st))
			return gw_err_set(err, GW_EICU, st, "normalization failed: %s", u_errorName(st));
		if (copy_span(nm, k, yes, f, err))
			return err->rc;
		k = yes;
		if (k >= n)
			break;
		m = k;
		U16_FWD_1(nm->src, m, n);
		while (m < n) {
			UChar32 c;
			int32_t at = m;
			U16_NEXT(nm->src, m, n, c);
			if (unorm2_hasBoundaryBefore(nm->nfkc_cf, c)) {
				m = at;
				break;
			}
		}
		if (fold_segment(nm, k, m, f, err))
			return err->rc;
		k = m;
	}
	return GW_OK;
}

int gw_norm_fold_cp(gw_norm *nm, uint32_t c, uint32_t out[8])
{
	UErrorCode st = U_ZERO_ERROR;
	UChar src[2], dst[16];
	int32_t k = 0, i = 0, n;
	int count = 0;

	if (c < 0x80) {
		out[0] = (c >= 'A' && c <= 'Z') ? c + 32u : c;
		return 1;
	}
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	U16_APPEND_UNSAFE(src, k, c);
	n = unorm2_normalize(nm->nfkc_cf, src, k, dst, (int32_t)(sizeof dst / sizeof dst[0]), &st);
	if (U_FAILURE(st))
		return -1;
	while (i < n) {
		UChar32 d;
		U16_NEXT(dst, i, n, d);
		if (count == 8)
			return -1;
		out[count++] = gw_t2s((uint32_t)d);
	}
	return count;
}

gw_rc gw_norm_fold(gw_norm *nm, const char *text, size_t len, gw_folded *f, gw_err *err)
{
	size_t i = 0;

	/* Room kept from a much longer text is given back (13 bytes a code
	 * point: a 500,000-character document left 6.5 MB with each
	 * analyzer for the rest of a batch); a text has at most len code
	 * points. */
	if (f->cap > FOLDED_KEEP && f->cap / 4 > len)
		gw_folded_free(f);
	f->n = f->trad = f->simp = 0;
	if (len >= UINT32_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "text too long (%zu bytes)", len);
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		int32_t c3;
		if (c < 0x80) {
			if (f->n == f->cap && folded_reserve(f, 1))
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			push(f, (c >= 'A' && c <= 'Z') ? c + 32u : c, (uint32_t)i, (uint32_t)i + 1);
			i++;
		} else if ((c3 = utf8_common3((const unsigned char *)text + i, len - i)) >= 0 &&
		           inert(nm, (uint32_t)c3)) {
			if (f->n == f->cap && folded_reserve(f, 1))
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			push(f, (uint32_t)c3, (uint32_t)i, (uint32_t)i + 3);
			i += 3;
		} else {
			long n = load_run(nm, text, len, &i);
			if (n < 0)
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			if (fold_run(nm, (int32_t)n, f, err))
				return err->rc;
		}
	}
	return GW_OK;
}
