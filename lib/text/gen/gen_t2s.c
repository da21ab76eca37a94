/* gen_t2s: build-time generator of the Traditional->Simplified table.
 *
 * Not part of libgongwen: the Makefile runs it and compiles its output
 * (build/gen/gw_t2s_table.c). For every code point in the source set of ICU's
 * "Traditional-Simplified" transliterator it transliterates that one code
 * point alone; where the result is a single, different code point, the pair
 * goes into the table. Mapping one code point at a time keeps the fold
 * context-free, so fold(substring) == substring(fold): ICU applied to whole
 * strings is not (螢 -> 萤 but 螢幕 -> 荧幕), and it is ~100x slower than a
 * table lookup.
 *
 * Then OpenCC's t2s (its Traditional->Simplified character table, through
 * libopencc, one code point at a time the same way) maps what ICU leaves
 * alone or maps elsewhere: variants that Traditional texts and OpenCC's own
 * s2t write (峯 for 峰; ICU maps neither), rare characters of the
 * extensions, and a few where the two differ (諮: ICU 谘, OpenCC 咨, the
 * form Simplified texts use). Which characters are Simplified-only (the
 * bitmap below) stays ICU's: a variant's target, such as 峰, is written in
 * both scripts.
 *
 * Output: a two-level table: gw_t2s_page[cp >> 8] is 0 or 1 + the index of a
 * 256-entry block in gw_t2s_block, whose entry is the target code point or 0
 * for "unchanged"; and gw_simp_bmp, a bitmap of the BMP code points that are
 * Simplified-only: the target of some mapping and not themselves mapped (国,
 * 关), which is how a text is told to be Simplified rather than neutral. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>
#include <unicode/uchar.h>
#include <unicode/uset.h>
#include <unicode/utrans.h>
#include <unicode/utf16.h>
#include <unicode/uversion.h>

#include "text/gw_utf8.h"

#define NPAGES (0x110000 >> 8)

static uint32_t *map; /* NPAGES * 256 entries, 0 = identity */
static uint32_t *icu; /* ICU's own mapping, for the Simplified-only bitmap */

/* The Han blocks OpenCC's character table covers. */
static const uint32_t han_ranges[][2] = {
	{0x2E80, 0x2FDF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x323AF},
};

/* The code point UTF-8 s[0..n) is exactly one of; 0 otherwise. */
static uint32_t one_code_point(const char *s, size_t n)
{
	size_t i = 0;
	int32_t c = n ? gw_utf8_next(s, n, &i) : -1;

	return c > 0 && i == n ? (uint32_t)c : 0;
}

/* Maps with OpenCC's t2s what it maps to one other code point. Returns
 * -1 if OpenCC cannot be opened; *added and *changed count the pairs ICU
 * had none of and those it mapped elsewhere. */
static int add_opencc(int *added, int *changed)
{
	opencc_t oc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);

	if (oc == (opencc_t)-1)
		return -1;
	for (size_t r = 0; r < sizeof han_ranges / sizeof *han_ranges; r++)
		for (uint32_t c = han_ranges[r][0]; c <= han_ranges[r][1]; c++) {
			char in[4];
			char *out;
			uint32_t t;
			if (!(out = opencc_convert_utf8(oc, in, gw_utf8_put(in, c))))
				continue;
			t = one_code_point(out, strlen(out));
			opencc_convert_utf8_free(out);
			if (!t || t == c || t == map[c])
				continue;
			*(map[c] ? changed : added) += 1;
			map[c] = t;
		}
	opencc_close(oc);
	return 0;
}

/* Transliterates the single code point c; returns the target or 0 when it is
 * unchanged or does not map to exactly one code point. */
static uint32_t fold_one(UTransliterator *tr, UChar32 c)
{
	UChar buf[16];
	int32_t len = 0, limit, cap = 16;
	UErrorCode st = U_ZERO_ERROR;
	UChar32 out;
	int32_t i = 0;

	U16_APPEND_UNSAFE(buf, len, c);
	limit = len;
	utrans_transUChars(tr, buf, &len, cap, 0, &limit, &st);
	if (U_FAILURE(st) || len == 0)
		return 0;
	U16_NEXT(buf, i, len, out);
	if (i != len || out == c)
		return 0;
	return (uint32_t)out;
}

int main(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *tr;
	USet *src;
	int32_t r, nranges;
	uint16_t page[NPAGES];
	int nblocks = 0, npairs = 0;
	UVersionInfo v;
	char vs[U_MAX_VERSION_STRING_LENGTH];

	int added = 0, changed = 0, cycles = 0;

	map = calloc((size_t)NPAGES * 256, sizeof *map);
	icu = calloc((size_t)NPAGES * 256, sizeof *icu);
	tr = utrans_openU(u"Traditional-Simplified", -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	src = uset_openEmpty();
	if (!map || !icu || U_FAILURE(st)) {
		fprintf(stderr, "gen_t2s: cannot open ICU Traditional-Simplified: %s\n", u_errorName(st));
		return 1;
	}
	utrans_getSourceSet(tr, 0, src, &st);
	nranges = uset_getItemCount(src);
	for (r = 0; r < nranges; r++) {
		UChar32 a, b, c;
		if (uset_getItem(src, r, &a, &b, NULL, 0, &st) != 0)
			continue; /* a string item, not a range */
		for (c = a; c <= b; c++) {
			uint32_t t = fold_one(tr, c);
			if (t) {
				map[c] = t;
				npairs++;
			}
		}
	}
	/* Resolve chains (a -> b -> c) so that the fold is idempotent. */
	for (uint32_t c = 0; c < 0x110000; c++) {
		int guard = 0;
		while (map[c] && map[map[c]] && map[map[c]] != c && guard++ < 8)
			map[c] = map[map[c]];
	}
	memcpy(icu, map, (size_t)NPAGES * 256 * sizeof *map);
	if (add_opencc(&added, &changed)) {
		fprintf(stderr, "gen_t2s: cannot open OpenCC's %s (Debian: libopencc-data)\n",
		        OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
		return 1;
	}
	/* Its chains. A pair the two map both ways (a -> b by one, b -> a by
	 * the other) keeps the lower code point's mapping, so that every target
	 * maps to nothing: with ICU 72 and OpenCC 1.1.6, 苎 and 苧 (ICU maps
	 * 苧 to 苎, OpenCC 苎 to 苧), which both fold to 苧. */
	for (uint32_t c = 0; c < 0x110000; c++) {
		int guard = 0;
		if (map[c] && map[map[c]] == c) {
			map[map[c]] = 0;
			cycles++;
		}
		while (map[c] && map[map[c]] && guard++ < 8)
			map[c] = map[map[c]];
		if (map[c] && map[map[c]]) {
			fprintf(stderr, "gen_t2s: U+%04X does not settle (a cycle longer than two)\n", c);
			return 1;
		}
	}
	u_getVersion(v);
	u_versionToString(v, vs);
	printf("/* Generated by lib/text/gen/gen_t2s.c from ICU %s Traditional-Simplified (%d code\n"
	       " * points) and OpenCC's t2s (%d more, %d mapped elsewhere, %d pairs both ways).\n"
	       " * Do not edit. */\n#include <stdint.h>\n\n",
	       vs, npairs, added, changed, cycles);
	printf("const uint32_t gw_t2s_block[][256] = {\n");
	for (int p = 0; p < NPAGES; p++) {
		int any = 0;
		for (int i = 0; i < 256 && !any; i++)
			any = map[p * 256 + i] != 0;
		page[p] = any ? (uint16_t)++nblocks : 0;
		if (!any)
			continue;
		printf("\t{");
		for (int i = 0; i < 256; i++)
			printf("%s%s%u", i ? "," : "", i % 16 ? "" : "\n\t ", map[p * 256 + i]);
		printf("},\n");
	}
	printf("};\n\nconst uint8_t gw_simp_bmp[8192] = {");
	{
		static uint8_t simp[8192];
		for (uint32_t c = 0; c < 0x110000; c++)
			if (icu[c] && icu[c] < 0x10000 && !icu[icu[c]])
				simp[icu[c] >> 3] |= (uint8_t)(1u << (icu[c] & 7));
		for (int i = 0; i < 8192; i++)
			printf("%s%s%u", i ? "," : "", i % 32 ? "" : "\n\t", simp[i]);
	}
	printf("};\n\nconst uint16_t gw_t2s_page[%d] = {", NPAGES);
	for (int p = 0; p < NPAGES; p++)
		printf("%s%s%u", p ? "," : "", p % 32 ? "" : "\n\t", page[p]);
	printf("};\n");
	utrans_close(tr);
	uset_close(src);
	free(map);
	free(icu);
	return 0;
}
