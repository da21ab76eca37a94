/* test_snippet: snippet windows and highlights, also in long fields whose
 * start is analyzed first, or that go by blocks (gw_snippet.c). */
#include <stdio.h>
#include <string.h>

#include "search/gw_snippet.h"
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
	gw_index_close(ix);
	gw_buf_free(&late);
	gw_buf_free(&edge);
	gw_buf_free(&early);
	gw_buf_free(&blocks);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
