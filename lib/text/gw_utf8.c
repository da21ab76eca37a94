/* gw_utf8: UTF-8 decoding and repair (see gw_utf8.h).
 *
 * The decoder follows the table of well-formed byte sequences in the
 * Unicode Standard (table 3-7): the second byte's range depends on the lead
 * byte (E0 needs A0..BF to exclude overlongs, ED needs 80..9F to exclude
 * surrogates, F0 needs 90..BF, F4 needs 80..8F to stay below U+110000);
 * every later byte is 80..BF. Stopping at the first byte outside its range
 * yields the maximal subpart for free. */
#include "text/gw_utf8.h"

#include <assert.h>
#include <string.h>

/* For a lead byte c (C2..F4): how many continuation bytes follow, the
 * payload bits of c, and the allowed range of the first continuation. */
static int lead_info(unsigned c, uint32_t *cp, unsigned *lo, unsigned *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c < 0xE0) {
		*cp = c & 0x1F;
		return 1;
	}
	if (c < 0xF0) {
		*cp = c & 0x0F;
		if (c == 0xE0)
			*lo = 0xA0;
		else if (c == 0xED)
			*hi = 0x9F;
		return 2;
	}
	*cp = c & 0x07;
	if (c == 0xF0)
		*lo = 0x90;
	else if (c == 0xF4)
		*hi = 0x8F;
	return 3;
}

int32_t gw_utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t avail, k, need;
	unsigned lo, hi;
	uint32_t cp;

	assert(*i < n);
	avail = n - *i;
	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	}
	if (p[0] < 0xC2 || p[0] > 0xF4) {
		*i += 1; /* stray continuation byte, C0/C1 or F5..FF */
		return -1;
	}
	need = (size_t)lead_info(p[0], &cp, &lo, &hi);
	for (k = 1; k <= need; k++) {
		if (k >= avail || p[k] < lo || p[k] > hi) {
			*i += k; /* the lead byte and the continuations that fit */
			return -1;
		}
		cp = cp << 6 | (p[k] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*i += need + 1;
	return (int32_t)cp;
}

/* Returns the offset of the first non-ASCII byte in s[i..n), or n. Looks
 * at 8 bytes at a time: notices are mostly Chinese, but ids, URLs, dates
 * and JSON keys are long ASCII runs. */
static size_t skip_ascii(const char *s, size_t n, size_t i)
{
	uint64_t w;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
		i += 8;
	}
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

/* Past ASCII and the well-formed 2- and 3-byte sequences that make up
 * Chinese text (lead C2-DF, E1-EC, EE-EF: any continuation bytes will do),
 * from i; the rest (E0, ED, 4 bytes, errors) is left to gw_utf8_next. */
static size_t skip_common(const char *str, size_t n, size_t i)
{
	const unsigned char *s = (const unsigned char *)str;

	for (;;) {
		i = skip_ascii(str, n, i);
		if (i + 1 < n && s[i] >= 0xC2 && s[i] <= 0xDF && (s[i + 1] & 0xC0) == 0x80)
			i += 2;
		else if (i + 2 < n && s[i] >= 0xE1 && s[i] <= 0xEF && s[i] != 0xED &&
		         (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80)
			i += 3;
		else
			return i;
	}
}

size_t gw_utf8_sanitize(gw_buf *out, const char *s, size_t n, size_t *first_bad_off)
{
	size_t i = 0, run = 0, nbad = 0, at;

	if (n == 0)
		return 0; /* s may be NULL: no arithmetic on it */
	/* Valid text between errors is appended in one piece. */
	while ((i = skip_common(s, n, i)) < n) {
		at = i;
		if (gw_utf8_next(s, n, &i) >= 0)
			continue;
		gw_buf_append(out, s + run, at - run);
		gw_buf_append(out, GW_UTF8_REPLACEMENT, 3);
		if (nbad++ == 0 && first_bad_off)
			*first_bad_off = at;
		run = i;
	}
	gw_buf_append(out, s + run, n - run);
	return nbad;
}

int gw_utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while ((i = skip_common(s, n, i)) < n) {
		if (gw_utf8_next(s, n, &i) < 0)
			return 0;
	}
	return 1;
}
