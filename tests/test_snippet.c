/* test_snippet: snippet windows and highlights, also in long fields whose
 * start is analyzed first, or that go by blocks (gw_snippet.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/gw_snippet.h"
#include "text/gw_analyzer.h"
#include "text/gw_foldmap.h"
#include "text/gw_utf8.h"
#include "gw_test_index.h"

static gw_index *ix;

/* The snippet of document id for query q, in *s. 0 if it is not a hit. */
static int snippet_of(const char *q, const char *id, gw_snippet *s)
{
	gw_search_opts o;
	gw_results *r = NULL;
	gw_err err;
	int found = 0;

	memset(&o, 0, sizeof o);
	o.limit = 10;
	gw_err_clear(&err);
	if (gw_search(ix, q, strlen(q), &o, &r, &err))
		return 0;
	for (size_t i = 0; i < gw_results_count(r) && !found; i++) {
		gw_record rec;
		if (gw_results_record(r, i, &rec, &err) == GW_OK && rec.id_len == strlen(id) &&
		    memcmp(rec.id, id, rec.id_len) == 0)
			found = gw_snippet_make(ix, gw_results_query(r), &rec, 0, 60, s, &err) == GW_OK;
	}
	gw_results_free(r);
	return found;
}

/* The text of highlight k, NUL-terminated in buf. */
static const char *hl(const gw_snippet *s, size_t k, char *buf, size_t cap)
{
	size_t n;

	if (k >= s->matches.n)
		return "";
	n = s->matches.r[k].end - s->matches.r[k].start;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s->text.p + s->matches.r[k].start, n);
	buf[n] = 0;
	return buf;
}

static void test_short(void)
{
	gw_snippet s = {GW_BUF_INIT, {0}, 0};
	char buf[64];

	CHECK(snippet_of("众创空间", "short", &s));
	CHECK(s.matches.n == 1);
	CHECK_STR(hl(&s, 0, buf, sizeof buf), "眾創空間"); /* the document's own script */
	gw_snippet_free(&s);
	gw_ranges_free(&s.matches);
}

/* Matches past the first 8 kB are found; one near the end of the start
 * is highlighted with the rest of its window. */
static void test_long_fields(void)
{
	gw_snippet s = {GW_BUF_INIT, {0}, 0};
	char buf[64];

	CHECK(snippet_of("孵化器", "late", &s));
	CHECK(s.matches.n == 1 && strstr((char *)s.text.p, "孵化器") != NULL);
	CHECK_STR(hl(&s, 0, buf, sizeof buf), "孵化器");
	gw_snippet_free(&s);
	/* At the start of a long field: the start alone decides. */
	CHECK(snippet_of("孵化器", "early", &s));
	CHECK(s.matches.n == 1 && s.text.len < 400);
	CHECK_STR(hl(&s, 0, buf, sizeof buf), "孵化器");
	gw_snippet_free(&s);
	CHECK(snippet_of("集成电路", "edge", &s));
	CHECK(s.matches.n == 2);
	CHECK_STR(hl(&s, 1, buf, sizeof buf), "集成电路");
	gw_snippet_free(&s);
	gw_ranges_free(&s.matches);
}

static gw_buf blocks = GW_BUF_INIT;

/* The first highlight of the snippet of "blocks" for q is the first range
 * that gw_highlight finds analyzing the whole field, and reads want. */
static void check_block_match(const char *q, const char *want)
{
	gw_search_opts o;
	gw_results *r = NULL;
	gw_snippet s = {GW_BUF_INIT, {0}, 0};
	gw_ranges full = {0};
	gw_record rec;
	gw_err err;
	char buf[8192], shown[8192];
	size_t n;
	int k = -1;

	memset(&o, 0, sizeof o);
	o.limit = 10;
	gw_err_clear(&err);
	CHECK(gw_search(ix, q, strlen(q), &o, &r, &err) == GW_OK);
	if (!r)
		return;
	for (size_t i = 0; i < gw_results_count(r) && k < 0; i++)
		if (gw_results_record(r, i, &rec, &err) == GW_OK && rec.id_len == 6 &&
		    memcmp(rec.id, "blocks", 6) == 0)
			k = (int)i;
	if (k < 0)
		fprintf(stderr, "  %s: \"blocks\" is not a hit\n", q);
	CHECK(k >= 0);
	if (k >= 0) {
		CHECK(gw_snippet_make(ix, gw_results_query(r), &rec, 0, 60, &s, &err) == GW_OK);
		CHECK(gw_highlight(ix, gw_results_query(r), (const char *)blocks.p, blocks.len - 1, &full,
		                   &err) == GW_OK);
		CHECK(s.matches.n >= 1 && full.n >= 1);
		if (full.n >= 1) {
			n = full.r[0].end - full.r[0].start;
			CHECK(n < sizeof buf);
			memcpy(buf, blocks.p + full.r[0].start, n < sizeof buf ? n : 0);
			buf[n < sizeof buf ? n : 0] = 0;
			CHECK_STR(buf, want);
		}
		/* The window may cut the range's end, never its start; it
		 * shows line breaks as spaces. */
		hl(&s, 0, buf, sizeof buf);
		snprintf(shown, sizeof shown, "%s", want);
		for (char *c = shown; *c; c++)
			if (*c == '\n')
				*c = ' ';
		if (!buf[0] || strncmp(shown, buf, strlen(buf)) != 0)
			fprintf(stderr, "  %s: first highlight '%s'\n", q, buf);
		CHECK(buf[0] && strncmp(shown, buf, strlen(buf)) == 0);
	}
	gw_snippet_free(&s);
	gw_ranges_free(&s.matches);
	gw_ranges_free(&full);
	gw_results_free(r);
}

/* A field of 40 kB goes by blocks: the matches deep in it are found as a
 * whole analysis finds them, whatever stands between their characters. */
static void test_blocks(void)
{
	check_block_match("众创空间", "眾\xC2\xAD創空間"); /* a soft hyphen folds to nothing */
	check_block_match("式会", "\xE3\x8D\xBF");        /* ㍿ folds to 株式会社 */
	char across[8192] = "alpha\n";
	for (int k = 0; k < 600; k++)
		strcat(across, "。。\n");
	strcat(across, "beta");
	check_block_match("\"alpha beta\"", across);
	check_block_match("ＺＥＴＡ", "Zeta");
	check_block_match("最后一行", "最後一行");
	check_block_match("创新", "創新"); /* right after … */
}

/* The generated table is the fold: for every code point, what
 * gw_analyzer_fold_cp says, and every code point that folds to another is
 * among that one's sources (what the scan of long fields relies on). */
static void test_foldmap(void)
{
	gw_analyzer *an = NULL;
	gw_err err;
	size_t wrong = 0, unlisted = 0, changed = 0;
	const uint32_t *src;
	size_t n;
	int found = 0;

	CHECK(gw_analyzer_new(&an, &err) == GW_OK);
	if (!an)
		return;
	for (uint32_t c = 0; c < 0x110000; c++) {
		uint32_t f = gw_analyzer_fold_cp(an, c), lo = 0, hi;
		if (gw_foldmap_get(c) != f && wrong++ < 5)
			fprintf(stderr, "  U+%04X: table %08X, fold %08X\n", c, gw_foldmap_get(c), f);
		if (f == c)
			continue;
		changed++;
		src = gw_foldmap_sources(f, &n);
		for (hi = (uint32_t)n; lo < hi;) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (src[mid] < c)
				lo = mid + 1;
			else
				hi = mid;
		}
		if ((lo == n || src[lo] != c) && unlisted++ < 5)
			fprintf(stderr, "  U+%04X is not a source of %08X\n", c, f);
	}
	CHECK(wrong == 0);
	CHECK(unlisted == 0);
	CHECK(changed > 10000); /* Traditional forms, NFKC, case */
	src = gw_foldmap_sources(0x5173 /* 关 */, &n);
	for (size_t i = 0; i < n; i++)
		found |= src[i] == 0x95DC; /* 關 */
	CHECK(found);
	CHECK(gw_foldmap_get(0x5173) == 0x5173 && gw_foldmap_get(0xAD) == GW_FOLD_NONE &&
	      gw_foldmap_get(0x337F) == GW_FOLD_MANY);
	/* … folds to "...": punctuation; ™ to "tm", ㍿ to 株式会社: not. */
	CHECK(gw_foldmap_punct(0x2026) && gw_foldmap_get(0x2026) == GW_FOLD_MANY);
	CHECK(!gw_foldmap_punct(0x2122) && !gw_foldmap_punct(0x337F) && !gw_foldmap_punct('.'));
	gw_analyzer_free(an);
}

/* The queries the scans are compared on: Han characters and pairs, Latin
 * words and digits, what folds to them, OR, phrases, prefixes. */
static const char *const scan_queries[] = {
	"众创空间", "式会", "关于", "关", "ipv6", "2048", "2024年", "\"alpha beta\"", "中 OR 国",
	"国务院 办公厅", "株式会社", "一", "x86", "艹", "⼀二", "說明 OR 设置", "zet*", "服务器*",
};

#define SCAN_MAX 4096
static gw_query *scan_q[SCAN_MAX];
static char *scan_text[SCAN_MAX];

/* Compares the two scans for query k on text[0..len); counts where they
 * differ and where the fast one says 1. */
static void compare_scans(size_t k, const char *text, size_t len, size_t *differ, size_t *hits)
{
	long fast = gw_snippet_first_lead(ix, scan_q[k], text, len, 0);
	long slow = gw_snippet_first_lead(ix, scan_q[k], text, len, 1);

	if (fast != slow && (*differ)++ < 5) {
		fprintf(stderr, "  %s: fast %ld, per code point %ld on", scan_text[k], fast, slow);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, " %02X", (unsigned char)text[i]);
		fprintf(stderr, "\n");
	}
	*hits += fast > 0;
}

/* Appends c as UTF-8 (or, above U+10FFFF, the raw byte c & 0xFF). */
static size_t put_cp(char *out, uint32_t c)
{
	if (c >= 0x110000) {
		out[0] = (char)(c & 0xFF);
		return 1;
	}
	return gw_utf8_put(out, c);
}

/* The scan of long fields (gw_snippet.c's lead_scan) answers what folding
 * every code point answers: on every code point the fold changes, and on
 * the leads, set between others that complete a pair or break it, next to
 * invalid and cut sequences; on random strings of bytes that matter; and,
 * with GW_SNIPPET_CORPUS=FILE, on the lines of a file, for the queries
 * above and those of the lines of GW_SNIPPET_QUERIES=FILE that have leads. */
static void test_lead_scan(void)
{
	gw_analyzer *an = NULL;
	gw_err err;
	size_t differ = 0, hits = 0, texts = 0;
	/* Around the code point: a pair's first and second, their
	 * Traditional forms, a soft hyphen, ASCII, invalid bytes. */
	static const uint32_t ctx[] = {0,       0x4F17 /* 众 */, 0x8846 /* 衆 */, 0x521B /* 创 */,
	                               0x5275 /* 創 */, 0x5F0F /* 式 */, 0x4F1A /* 会 */, 0x6703 /* 會 */,
	                               0xAD,    'x',             'Z',             0x110080,
	                               0x1100C3, 0x1100E4,       0x1100ED,        0x1100F0};
	const size_t nctx = sizeof ctx / sizeof ctx[0];
	static const char *const pieces[] = {"众", "衆", "创", "創", "\xC2\xAD", "z", "Ｚ", "e", "t",
	                                     "a", "g", "\x80", "\xE4\xBC", "\xED\xA0\x80", "\xF0\x9F\x98\x80",
	                                     "\xE3\x8D\xBF", "\xE2\x80\xA6", "\xE2\x84\xA2", "\n", "会", "式", "\xEF\xBC\xBA", "关", "關",
	                                     "\xC0", "\xE0\xA0\x80", "\xF4\x90", "k", "\xE2\x84\xAA"};
	const size_t npieces = sizeof pieces / sizeof pieces[0];
	const char *corpus = getenv("GW_SNIPPET_CORPUS"), *qfile = getenv("GW_SNIPPET_QUERIES");
	size_t nq = 0;
	unsigned seed;
	size_t nlines = 0;

	CHECK(gw_analyzer_new(&an, &err) == GW_OK);
	for (size_t k = 0; an && k < sizeof scan_queries / sizeof scan_queries[0]; k++) {
		gw_err_clear(&err);
		scan_text[nq] = strdup(scan_queries[k]);
		CHECK(gw_query_parse(an, NULL, scan_queries[k], strlen(scan_queries[k]), &scan_q[nq], &err) == GW_OK);
		if (gw_snippet_first_lead(ix, scan_q[nq], "", 0, 0) < 0)
			fprintf(stderr, "  %s: no leads\n", scan_queries[k]);
		CHECK(scan_q[nq] && gw_snippet_first_lead(ix, scan_q[nq], "", 0, 0) >= 0);
		nq++;
	}
	if (an && qfile) {
		FILE *f = fopen(qfile, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t got;
		CHECK(f != NULL);
		while (f && nq < SCAN_MAX && (got = getline(&line, &cap, f)) > 0) {
			line[strcspn(line, "\n")] = 0;
			gw_err_clear(&err);
			if (gw_query_parse(an, NULL, line, strlen(line), &scan_q[nq], &err) != GW_OK)
				continue;
			if (gw_snippet_first_lead(ix, scan_q[nq], "", 0, 0) < 0) {
				gw_query_free(scan_q[nq]);
				scan_q[nq] = NULL;
				continue;
			}
			scan_text[nq++] = strdup(line);
		}
		free(line);
		if (f)
			fclose(f);
	}
	for (size_t k = 0; k < nq; k++) {
		if (!scan_q[k])
			continue;
		seed = 1;
		for (uint32_t c = 0x80; c < 0x110000 && k < sizeof scan_queries / sizeof scan_queries[0]; c++) {
			if (gw_foldmap_get(c) == c && c != 0x4F17 && c != 0x521B && c != 0x5173 && c != 0x4E00)
				continue;
			for (size_t a = 0; a < nctx; a++)
				for (size_t b = 0; b < nctx; b += 5) {
					char t[16];
					size_t n = 0;
					if (ctx[a])
						n += put_cp(t + n, ctx[a]);
					n += put_cp(t + n, c);
					if (ctx[b])
						n += put_cp(t + n, ctx[b]);
					compare_scans(k, t, n, &differ, &hits);
					texts++;
				}
		}
		for (int r = 0; r < 100000 && k < sizeof scan_queries / sizeof scan_queries[0]; r++) {
			char t[64];
			size_t n = 0, m;
			seed = seed * 1103515245u + 12345u;
			m = 1 + (seed >> 16) % 8;
			for (size_t i = 0; i < m; i++) {
				seed = seed * 1103515245u + 12345u;
				n += (size_t)snprintf(t + n, sizeof t - n, "%s", pieces[(seed >> 16) % npieces]);
			}
			compare_scans(k, t, n, &differ, &hits);
			texts++;
		}
		if (corpus) {
			FILE *f = fopen(corpus, "r");
			char *line = NULL;
			size_t cap = 0;
			ssize_t got;
			CHECK(f != NULL);
			nlines = 0;
			while (f && (got = getline(&line, &cap, f)) > 0) {
				compare_scans(k, line, (size_t)got, &differ, &hits);
				texts++;
				nlines++;
			}
			free(line);
			if (f)
				fclose(f);
		}
	}
	fprintf(stderr, "  lead scans: %zu queries, %zu (text, query) pairs (%zu corpus lines a query), %zu hits, %zu differ\n",
	        nq, texts, nlines, hits, differ);
	CHECK(differ == 0);
	CHECK(hits > 1000);
	for (size_t k = 0; k < nq; k++) {
		gw_query_free(scan_q[k]);
		free(scan_text[k]);
	}
	gw_analyzer_free(an);
}

int main(void)
{
	gw_buf late = GW_BUF_INIT, edge = GW_BUF_INIT, early = GW_BUF_INIT;

	if (!gw_t_scratch_make("snippet") || !(ix = gw_t_setup_begin()))
		return 1;
	/* late: 400 lines of filler (about 12 kB), then the match. */
	for (int i = 0; i < 400; i++)
		gw_buf_puts(&late, "一行无关的文字内容。\n");
	gw_buf_puts(&late, "最后才提到孵化器。");
	/* edge: a match just before the 8 kB cut and one just after it,
	 * within one window. */
	for (int i = 0; i < 8186; i++)
		gw_buf_putc(&edge, i % 40 == 39 ? '\n' : 'x');
	gw_buf_puts(&edge, "集成电路 集成电路\n");
	for (int i = 0; i < 400; i++)
		gw_buf_puts(&edge, "一行无关的文字内容。\n");
	gw_buf_puts(&early, "孵化器在开头。\n");
	for (int i = 0; i < 800; i++)
		gw_buf_puts(&early, "一行无关的文字内容。\n");
	gw_buf_putc(&early, 0);
	/* blocks: filler, and matches far apart; "alpha beta" is a phrase
	 * across 600 lines (4 kB, past any block) that have no position, so
	 * its block must reach past them; the last match is in the last line. */
	for (int i = 0; i < 1000; i++) {
		gw_buf_puts(&blocks, "一行无关的文字内容。\n");
		if (i == 300)
			gw_buf_puts(&blocks, "这里说到眾\xC2\xAD創空間。\n");
		if (i == 500)
			gw_buf_puts(&blocks, "公司\xE3\x8D\xBF。\n");
		if (i == 700)
			gw_buf_puts(&blocks, "……\xE2\x80\xA6創新\n");
		if (i == 600) {
			gw_buf_puts(&blocks, "alpha\n");
			for (int k = 0; k < 600; k++)
				gw_buf_puts(&blocks, "。。\n");
			gw_buf_puts(&blocks, "beta Zeta\n");
		}
	}
	gw_buf_puts(&blocks, "最後一行");
	gw_buf_putc(&blocks, 0);
	gw_buf_putc(&late, 0);
	gw_buf_putc(&edge, 0);
	gw_t_put(ix, "short", "标题", "關於眾創空間的通知");
	gw_t_put(ix, "late", "标题", (const char *)late.p);
	gw_t_put(ix, "edge", "标题", (const char *)edge.p);
	gw_t_put(ix, "early", "标题", (const char *)early.p);
	gw_t_put(ix, "blocks", "标题", (const char *)blocks.p);
	if (!gw_t_setup_commit(ix))
		return 1;
	RUN(test_short);
	RUN(test_long_fields);
	RUN(test_blocks);
	RUN(test_foldmap);
	RUN(test_lead_scan);
	gw_index_close(ix);
	gw_buf_free(&late);
	gw_buf_free(&edge);
	gw_buf_free(&early);
	gw_buf_free(&blocks);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
