/* gw_utf8: UTF-8 decoding, encoding, validation and repair, without ICU.
 *
 * Input text (JSON Lines, plain files, queries) may hold invalid UTF-8. The
 * rest of gongwen speaks valid UTF-8 only, so text is repaired once at the
 * border with gw_utf8_sanitize(). Invalid input is split into "maximal
 * subparts" as the Unicode Standard recommends (chapter 3, U+FFFD
 * substitution): a lead byte followed by as many continuation bytes as could
 * still start a well-formed sequence counts as ONE error, so "E5 9C" at the
 * end of a line becomes one U+FFFD, "C0 80" (overlong) two, "ED A0 80" (a
 * surrogate) three. This is what ICU, Python and the WHATWG encoding spec do. */
#ifndef GW_UTF8_H
#define GW_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"

/* The replacement character U+FFFD, encoded. */
#define GW_UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Decodes the code point at s[*i] and advances *i past it. Requires
 * *i < n. Returns the code point (0..0x10FFFF, never a surrogate), or -1
 * for an invalid or truncated sequence (overlong form, surrogate, above
 * U+10FFFF, lead byte without its continuation bytes, stray continuation
 * byte); then *i is advanced past the maximal invalid subpart, i.e. by 1 to
 * 3 bytes, never beyond n. Reads nothing outside s[*i..n). */
int32_t gw_utf8_next(const char *s, size_t n, size_t *i);

/* Encodes cp at out, which has room for 4 bytes; returns the number of
 * bytes written (1..4). A cp that is not a Unicode scalar value (a
 * surrogate or above U+10FFFF) is written as U+FFFD (3 bytes). Inline:
 * the analyzer writes every term through it. */
static inline size_t gw_utf8_put(char *out, uint32_t cp)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Appends s[0..n) to out with every invalid sequence (each maximal subpart,
 * see above) replaced by U+FFFD. Returns the number of replacements. If
 * first_bad_off is not NULL and at least one replacement was made, sets
 * *first_bad_off to the byte offset in s of the first invalid sequence;
 * otherwise leaves it unchanged. Allocation failure is sticky in out (check
 * gw_buf_ok(out)); the return value is still the count for s. s may be NULL
 * when n is 0. */
size_t gw_utf8_sanitize(gw_buf *out, const char *s, size_t n, size_t *first_bad_off);

/* Returns 1 if s[0..n) is valid UTF-8 (the empty string is), else 0. */
int gw_utf8_valid(const char *s, size_t n);

/* The value of an ASCII or full-width digit (0-9, U+FF10-FF19), else -1. */
static inline int gw_digit_value(int32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return cp - '0';
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return cp - 0xFF10;
	return -1;
}

#endif
