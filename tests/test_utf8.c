/* test_utf8: gw_utf8 against tables of bytes -> expected decoding, repair
 * and encoding, with the Unicode "maximal subpart" rule for every class of
 * invalid input; plus an exhaustive encode/decode round trip over all
 * scalar values and a 2-byte sweep. */
#include <stdint.h>
#include <stdlib.h>

#include "gw_test.h"
#include "text/gw_utf8.h"

/* "國" U+570B and "𠮷" U+20BB7 (outside the BMP), as bytes. */
#define GUO "\xE5\x9C\x8B"
#define JI "\xF0\xA0\xAE\xB7"
#define FFFD GW_UTF8_REPLACEMENT

/* Decodes s[0..n) into "U+XXXX/len" items ("-1/len" for an error), one per
 * gw_utf8_next() call, separated by spaces. */
static void decode_trace(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, at, used = 0;
	int32_t cp;

	out[0] = '\0';
	while (i < n && used + 16 < cap) {
		at = i;
		cp = gw_utf8_next(s, n, &i);
		if (cp < 0)
			used += (size_t)snprintf(out + used, cap - used, "%s-1/%zu", used ? " " : "",
			                         i - at);
		else
			used += (size_t)snprintf(out + used, cap - used, "%sU+%04X/%zu",
			                         used ? " " : "", (unsigned)cp, i - at);
	}
}

/* Each input is copied into a buffer of exactly its size, so that ASan
 * catches any read past the end. */
static char *exact_copy(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	if (p && n)
		memcpy(p, s, n);
	return p;
}

#define S(lit) lit, sizeof lit - 1

static void test_next_table(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} t[] = {
		{S("A"), "U+0041/1"},
		{S("\x7F"), "U+007F/1"},
		{S("\xC2\x80"), "U+0080/2"},
		{S("\xC3\xA9"), "U+00E9/2"},
		{S("\xDF\xBF"), "U+07FF/2"},
		{S("\xE0\xA0\x80"), "U+0800/3"},
		{S(GUO), "U+570B/3"},
		{S("\xED\x9F\xBF"), "U+D7FF/3"},
		{S("\xEE\x80\x80"), "U+E000/3"},
		{S("\xEF\xBF\xBF"), "U+FFFF/3"},
		{S("\xF0\x90\x80\x80"), "U+10000/4"},
		{S(JI), "U+20BB7/4"},
		{S("\xF4\x8F\xBF\xBF"), "U+10FFFF/4"},
		/* lone continuation bytes */
		{S("\x80"), "-1/1"},
		{S("\xBF\x80"), "-1/1 -1/1"},
		/* truncated: lead byte plus the continuations that fit is one error */
		{S("\xC3"), "-1/1"},
		{S("\xE5\x9C"), "-1/2"},
		{S("\xF0\xA0\xAE"), "-1/3"},
		{S("\xE5\x9C" "A"), "-1/2 U+0041/1"},
		{S("\xF0\xA0" GUO), "-1/2 U+570B/3"},
		/* overlongs: the lead byte alone is invalid */
		{S("\xC0\x80"), "-1/1 -1/1"},
		{S("\xC1\xBF"), "-1/1 -1/1"},
		{S("\xE0\x80\x80"), "-1/1 -1/1 -1/1"},
		{S("\xE0\x9F\xBF"), "-1/1 -1/1 -1/1"},
		{S("\xF0\x8F\xBF\xBF"), "-1/1 -1/1 -1/1 -1/1"},
		/* surrogates U+D800..U+DFFF */
		{S("\xED\xA0\x80"), "-1/1 -1/1 -1/1"},
		{S("\xED\xBF\xBF"), "-1/1 -1/1 -1/1"},
		/* above U+10FFFF, and lead bytes F5..FF */
		{S("\xF4\x90\x80\x80"), "-1/1 -1/1 -1/1 -1/1"},
		{S("\xF5\x80\x80\x80"), "-1/1 -1/1 -1/1 -1/1"},
		{S("\xF8\x88\x80\x80\x80"), "-1/1 -1/1 -1/1 -1/1 -1/1"},
		{S("\xFF"), "-1/1"},
		{S("\xFE\xFF"), "-1/1 -1/1"},
		/* a lead byte cut short by another lead byte or ASCII */
		{S("\xE5" GUO), "-1/1 U+570B/3"},
		{S("\xC3" "A"), "-1/1 U+0041/1"},
		/* NUL is an ordinary character */
		{S("\0A"), "U+0000/1 U+0041/1"},
	};
	char got[256];
	size_t k;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		char *in = exact_copy(t[k].in, t[k].n);
		decode_trace(in, t[k].n, got, sizeof got);
		CHECK_STR(got, t[k].want);
		free(in);
	}
}

static void test_sanitize_table(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
		size_t want_n;
		size_t nbad;
		size_t first_bad; /* SIZE_MAX: unchanged */
	} t[] = {
		{S(""), S(""), 0, SIZE_MAX},
		{S("plain ascii"), S("plain ascii"), 0, SIZE_MAX},
		{S(GUO JI "\xC3\xA9"), S(GUO JI "\xC3\xA9"), 0, SIZE_MAX},
		{S("a\x80" "b"), S("a" FFFD "b"), 1, 1},
		{S("\xE5\x9C"), S(FFFD), 1, 0},
		{S("ab" GUO "\xF0\xA0\xAE"), S("ab" GUO FFFD), 1, 5},
		{S("\xC0\x80"), S(FFFD FFFD), 2, 0},
		{S("x\xE0\x80\x80"), S("x" FFFD FFFD FFFD), 3, 1},
		{S("\xED\xA0\x80" GUO), S(FFFD FFFD FFFD GUO), 3, 0},
		{S("\xF4\x90\x80\x80"), S(FFFD FFFD FFFD FFFD), 4, 0},
		{S("\xF5"), S(FFFD), 1, 0},
		{S("\xE5\x9C" "A\xE5\x9C"), S(FFFD "A" FFFD), 2, 0},
		/* long ASCII runs on both sides of an error (the 8-byte path) */
		{S("0123456789abcdef\xFFxyz0123456789"), S("0123456789abcdef" FFFD "xyz0123456789"), 1,
		 16},
		{S("0123456789abcde" GUO "0123456789\x80"), S("0123456789abcde" GUO "0123456789" FFFD),
		 1, 28},
		{S("a\0b"), S("a\0b"), 0, SIZE_MAX},
	};
	size_t k;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		gw_buf b = GW_BUF_INIT;
		size_t off = SIZE_MAX, nbad;
		char *in = exact_copy(t[k].in, t[k].n);

		gw_buf_append(&b, "pre", 3); /* sanitize appends */
		nbad = gw_utf8_sanitize(&b, in, t[k].n, &off);
		CHECK(gw_buf_ok(&b));
		CHECK(nbad == t[k].nbad);
		CHECK(off == t[k].first_bad);
		CHECK(b.len == t[k].want_n + 3);
		CHECK(b.len == t[k].want_n + 3 && memcmp(b.p + 3, t[k].want, t[k].want_n) == 0);
		CHECK(gw_utf8_valid((const char *)b.p, b.len));
		CHECK(gw_utf8_valid(in, t[k].n) == (t[k].nbad == 0));
		if (nbad != t[k].nbad || off != t[k].first_bad)
			fprintf(stderr, "  case %zu: nbad %zu off %zu\n", k, nbad, off);
		gw_buf_free(&b);
		free(in);
	}
}

static void test_sanitize_null_offset(void)
{
	gw_buf b = GW_BUF_INIT;

	CHECK(gw_utf8_sanitize(&b, "\xFF\xFF", 2, NULL) == 2);
	CHECK(b.len == 6);
	CHECK(gw_utf8_sanitize(&b, NULL, 0, NULL) == 0);
	CHECK(b.len == 6);
	CHECK(gw_utf8_valid(NULL, 0));
	gw_buf_free(&b);
}

static void test_put_table(void)
{
	static const struct {
		uint32_t cp;
		const char *want;
		size_t n;
	} t[] = {
		{0x00, S("\0")},
		{0x41, S("A")},
		{0x7F, S("\x7F")},
		{0x80, S("\xC2\x80")},
		{0x7FF, S("\xDF\xBF")},
		{0x800, S("\xE0\xA0\x80")},
		{0x570B, S(GUO)},
		{0xFFFF, S("\xEF\xBF\xBF")},
		{0x10000, S("\xF0\x90\x80\x80")},
		{0x20BB7, S(JI)},
		{0x10FFFF, S("\xF4\x8F\xBF\xBF")},
		/* not scalar values: written as U+FFFD */
		{0xD800, S(FFFD)},
		{0xDFFF, S(FFFD)},
		{0x110000, S(FFFD)},
		{0xFFFFFFFF, S(FFFD)},
	};
	char out[4];
	size_t k, n;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		n = gw_utf8_put(out, t[k].cp);
		CHECK(n == t[k].n);
		CHECK(n == t[k].n && memcmp(out, t[k].want, n) == 0);
	}
}

/* Every scalar value survives put then next, with the length put gave. */
static void test_round_trip_all_scalars(void)
{
	char out[4];
	uint32_t cp;
	size_t n, i;
	int bad = 0;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp == 0xD800)
			cp = 0xE000;
		n = gw_utf8_put(out, cp);
		i = 0;
		if (gw_utf8_next(out, n, &i) != (int32_t)cp || i != n)
			bad++;
	}
	CHECK(bad == 0);
}

/* All 2-byte inputs: valid exactly when they are one 2-byte character
 * C2..DF 80..BF or two ASCII bytes; sanitize always yields valid UTF-8
 * and leaves valid input alone. */
static void test_all_two_byte_inputs(void)
{
	unsigned a, c;
	int bad = 0;

	for (a = 0; a < 256; a++) {
		for (c = 0; c < 256; c++) {
			char in[2] = {(char)a, (char)c};
			gw_buf b = GW_BUF_INIT;
			int want = (a < 0x80 && c < 0x80) ||
			           (a >= 0xC2 && a <= 0xDF && c >= 0x80 && c <= 0xBF);
			size_t nbad = gw_utf8_sanitize(&b, in, 2, NULL);

			if (gw_utf8_valid(in, 2) != want || (nbad == 0) != want ||
			    !gw_utf8_valid((const char *)b.p, b.len) ||
			    (want && (b.len != 2 || memcmp(b.p, in, 2) != 0)))
				bad++;
			gw_buf_free(&b);
		}
	}
	CHECK(bad == 0);
}

/* Every three-byte input starting with a lead byte E0-EF, at the start of
 * a longer run and alone: sanitize's fast path for 3-byte sequences must
 * agree with gw_utf8_next (E0 and ED have narrower second bytes). */
static void test_all_three_byte_inputs(void)
{
	int bad = 0;

	for (unsigned a = 0xE0; a <= 0xEF; a++)
		for (unsigned b = 0; b < 256; b++)
			for (unsigned c = 0; c < 256; c++) {
				char in[11] = {(char)a, (char)b, (char)c, 'x', 'y', 'z', 'w', 'v', 'u', 't', 's'};
				size_t i = 0, off = 99;
				int want = gw_utf8_next(in, 3, &i) >= 0 && i == 3;
				gw_buf out = GW_BUF_INIT;
				size_t nbad = gw_utf8_sanitize(&out, in, 11, &off);
				if (gw_utf8_valid(in, 3) != want || gw_utf8_valid(in, 11) != want ||
				    (nbad == 0) != want || (want && (out.len != 11 || memcmp(out.p, in, 11) != 0)) ||
				    (!want && off != 0))
					bad++;
				gw_buf_free(&out);
			}
	CHECK(bad == 0);
}

int main(void)
{
	RUN(test_next_table);
	RUN(test_sanitize_table);
	RUN(test_sanitize_null_offset);
	RUN(test_put_table);
	RUN(test_round_trip_all_scalars);
	RUN(test_all_two_byte_inputs);
	RUN(test_all_three_byte_inputs);
	return TEST_EXIT();
}
