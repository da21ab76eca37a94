/* test_query_limits: queries of many parts, long phrases and deep nesting
 * are answered exactly as their small equivalents (issue 15), and queries
 * past the limits of lib/base/gw_limits.h are refused with a message that
 * names the limit: never a crash, never a wrong answer. Also: the same
 * through the public C API (gongwen.h), long prefixes, and a stored record
 * that cannot be read fails the search instead of leaving its error
 * behind one that succeeds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen.h"
#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "index/gw_index_impl.h"
#include "gw_test_index.h"

static gw_index *ix;
static char ix_path[128];

/* Distinct words the document "all" holds: Latin (zq + three letters) and
 * Han (two characters from U+5000 on, no two words touching). */
#define NWORDS 1000

static const char *lat(size_t i)
{
	static char w[8];

	snprintf(w, sizeof w, "zq%c%c%c", 'a' + (int)(i / 676 % 26), 'a' + (int)(i / 26 % 26), 'a' + (int)(i % 26));
	return w;
}

/* Appends code point c (BMP) as UTF-8. */
static void put_cp(gw_buf *b, unsigned c)
{
	unsigned char u[3] = {(unsigned char)(0xE0 | c >> 12), (unsigned char)(0x80 | (c >> 6 & 0x3F)),
	                      (unsigned char)(0x80 | (c & 0x3F))};

	gw_buf_append(b, u, 3);
}

static void put_han(gw_buf *b, size_t i)
{
	put_cp(b, 0x5000 + 2 * (unsigned)i);
	put_cp(b, 0x5000 + 2 * (unsigned)i + 1);
}

/* A query (or text) being built; gw_buf_putc(0) ends it. */
static gw_buf qb = GW_BUF_INIT;

static const char *done(void)
{
	gw_buf_putc(&qb, 0);
	CHECK(gw_buf_ok(&qb));
	return (const char *)qb.p;
}

/* word repeated n times, separated by sep. */
static const char *repeat(const char *word, size_t n, const char *sep)
{
	gw_buf_reset(&qb);
	for (size_t i = 0; i < n; i++) {
		if (i)
			gw_buf_puts(&qb, sep);
		gw_buf_puts(&qb, word);
	}
	return done();
}

/* The first n distinct words: kind 'l' Latin, 'h' Han, 'm' both in turn. */
static const char *distinct(size_t n, int kind, const char *sep)
{
	gw_buf_reset(&qb);
	for (size_t i = 0; i < n; i++) {
		if (i)
			gw_buf_puts(&qb, sep);
		if (kind == 'l' || (kind == 'm' && i % 2))
			gw_buf_puts(&qb, lat(i));
		else
			put_han(&qb, i);
	}
	return done();
}

static gw_search_opts plan_opts(int general)
{
	gw_search_opts o;

	memset(&o, 0, sizeof o);
	o.limit = 100;
	o.general_plan = general;
	return o;
}

/* The set of ids q finds under either plan, which must agree. */
static const char *found(const char *q)
{
	static char a[4096];
	gw_search_opts o = plan_opts(0), g = plan_opts(1);

	snprintf(a, sizeof a, "%s", gw_t_hit_set(ix, q, &o));
	if (strcmp(a, gw_t_hit_set(ix, q, &g)) != 0) {
		fprintf(stderr, "  plans differ on a query of %zu bytes: '%s' and '%s'\n", strlen(q), a,
		        gw_t_hit_set(ix, q, &g));
		CHECK(0);
	}
	return a;
}

/* q is refused with a message containing want (and never run). */
static void check_refused(const char *q, const char *want)
{
	gw_results *r = NULL;
	gw_search_opts o = plan_opts(0);
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	rc = gw_search(ix, q, strlen(q), &o, &r, &err);
	if (rc != GW_EINVAL || r || !strstr(err.msg, want)) {
		fprintf(stderr, "  query of %zu bytes: rc %d, '%s'; want GW_EINVAL and '%s'\n", strlen(q), (int)rc,
		        err.msg, want);
		CHECK(0);
	}
	gw_results_free(r);
}

/* Copies of one word: the same documents as the word alone, past the
 * 64 parts the search once had room for (65 found nothing, 70 crashed). */
static void test_many_copies(void)
{
	static const size_t ns[] = {2, 16, 17, 64, 65, 70, 200, 1000, GW_QUERY_PARTS_MAX};
	char want[4096];

	snprintf(want, sizeof want, "%s", found("科技"));
	CHECK_STR(want, "kj1 kj2 kj3");
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		CHECK_STR(found(repeat("科技", ns[i], " ")), want);
		CHECK_STR(found(repeat("科技", ns[i], " AND ")), want);
		CHECK_STR(found(repeat("科技", ns[i], " OR ")), want);
	}
}

/* Distinct words that one document holds all of: it is found, whatever
 * their number and kind, through both plans. */
static void test_distinct_words(void)
{
	static const size_t ns[] = {2, 10, 40, 64, 65, 257, NWORDS};

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		CHECK_STR(found(distinct(ns[i], 'l', " ")), "all");
		CHECK_STR(found(distinct(ns[i], 'h', " ")), "all");
		CHECK_STR(found(distinct(ns[i], 'm', " ")), "all");
		CHECK_STR(found(distinct(ns[i], 'm', " AND ")), "all");
	}
}

/* Operands past the ones a rule once kept (64 for NEAR, 256 for AND and
 * OR) still count: a missing last word means no hit, a present last
 * alternative means a hit. */
static void test_operands_kept(void)
{
	const char *q;

	distinct(300, 'l', " ");
	qb.len--;
	gw_buf_puts(&qb, " zqabsent");
	q = done();
	CHECK_STR(found(q), "");
	gw_buf_reset(&qb);
	for (size_t i = 0; i < 300; i++)
		gw_buf_puts(&qb, "nothere OR ");
	gw_buf_puts(&qb, lat(7));
	CHECK_STR(found(done()), "all");
	/* NEAR: the document "near" holds nqaaa nqaab ... in a row. */
	gw_buf_reset(&qb);
	for (size_t i = 0; i < 70; i++)
		gw_buf_printf(&qb, "%snq%c%c", i ? " NEAR " : "", 'a' + (int)(i / 26), 'a' + (int)(i % 26));
	CHECK_STR(found(done()), "near");
	qb.len--;
	gw_buf_puts(&qb, " NEAR zqabsent");
	CHECK_STR(found(done()), "");
	qb.len -= sizeof " NEAR zqabsent";
	gw_buf_puts(&qb, " NEAR zqaaa"); /* in the document, but far away */
	CHECK_STR(found(done()), "");
}

/* A Han run matches as a phrase of all its bigrams: every one of them is
 * checked, not only the first 64 (a 70-character query whose last four
 * characters differ once matched). */
/* Characters [from, from + n) of the document "run" (U+4E00 on). */
static void run_chars(unsigned from, unsigned n)
{
	for (unsigned c = from; c < from + n; c++)
		put_cp(&qb, 0x4E00 + c);
}

static void test_long_phrases(void)
{
	static const unsigned lens[] = {9, 10, 64, 65, 66, 70, 200, 300};

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		unsigned n = lens[i];
		gw_buf_reset(&qb);
		run_chars(0, n);
		CHECK_STR(found(done()), "run");
		/* Its last four characters not in the document: no hit. */
		gw_buf_reset(&qb);
		run_chars(0, n - 4);
		for (unsigned c = 0; c < 4; c++)
			put_cp(&qb, 0x9000 + c);
		CHECK_STR(found(done()), "");
		/* Its last four from elsewhere in the run. */
		gw_buf_reset(&qb);
		run_chars(0, n - 4);
		run_chars(250, 4);
		CHECK_STR(found(done()), "");
		/* Its first character another. */
		gw_buf_reset(&qb);
		put_cp(&qb, 0x9000);
		run_chars(1, n - 1);
		CHECK_STR(found(done()), "");
		/* The run from its second character on, as typed. */
		gw_buf_reset(&qb);
		run_chars(1, n - 1);
		CHECK_STR(found(done()), "run");
	}
}

/* Nesting up to GW_QUERY_DEPTH_MAX is answered; deeper is refused (2,000
 * levels once overflowed the stack). */
static void test_nesting(void)
{
	static const size_t depths[] = {1, 99, 100, GW_QUERY_DEPTH_MAX};
	char want[4096];

	snprintf(want, sizeof want, "%s", found("科技"));
	for (size_t k = 0; k < sizeof depths / sizeof depths[0]; k++) {
		size_t d = depths[k];
		gw_buf_reset(&qb);
		for (size_t i = 0; i < d; i++)
			gw_buf_putc(&qb, '(');
		gw_buf_puts(&qb, "科技");
		for (size_t i = 0; i < d; i++)
			gw_buf_putc(&qb, ')');
		CHECK_STR(found(done()), want);
	}
	/* 200 levels: a word of "all" and an OR at each, the innermost word
	 * deciding. */
	for (int last = 0; last < 2; last++) {
		gw_buf_reset(&qb);
		for (size_t i = 0; i < 100; i++)
			gw_buf_printf(&qb, "(%s (nothere OR ", lat(i));
		gw_buf_puts(&qb, last ? lat(100) : "zqabsent");
		for (size_t i = 0; i < 100; i++)
			gw_buf_puts(&qb, "))");
		CHECK_STR(found(done()), last ? "all" : "");
	}
	/* 100 levels, the innermost excluding a word: one "all" holds, or not. */
	for (int held = 0; held < 2; held++) {
		gw_buf_reset(&qb);
		for (size_t i = 0; i < 100; i++)
			gw_buf_printf(&qb, "%s (", lat(i));
		gw_buf_puts(&qb, held ? "-zqaaa" : "-zqabsent");
		for (size_t i = 0; i < 100; i++)
			gw_buf_putc(&qb, ')');
		CHECK_STR(found(done()), held ? "" : "all");
	}
	check_refused(repeat("(", GW_QUERY_DEPTH_MAX + 1, ""), "the limit is 256 (GW_QUERY_DEPTH_MAX)");
	gw_buf_reset(&qb);
	for (size_t i = 0; i < 2000; i++)
		gw_buf_putc(&qb, '(');
	gw_buf_puts(&qb, "科技");
	for (size_t i = 0; i < 2000; i++)
		gw_buf_putc(&qb, ')');
	check_refused(done(), "GW_QUERY_DEPTH_MAX");
	check_refused(repeat("NOT", 2000, " "), "GW_QUERY_DEPTH_MAX");
	check_refused(repeat("-(", 2000, ""), "GW_QUERY_DEPTH_MAX");
}

/* Past GW_QUERY_PARTS_MAX and GW_QUERY_BYTES_MAX: refused, the message
 * giving the number and the limit. */
static void test_refused(void)
{
	char want[128];

	snprintf(want, sizeof want, "query has %d parts; the limit is %d (GW_QUERY_PARTS_MAX)",
	         GW_QUERY_PARTS_MAX + 1, GW_QUERY_PARTS_MAX);
	check_refused(repeat("科技", GW_QUERY_PARTS_MAX + 1, " "), want);
	check_refused(repeat("a", 5000, " "), "query has 5000 parts; the limit is 4096 (GW_QUERY_PARTS_MAX)");
	/* Parts under NOT and inside groups count as well. */
	check_refused(repeat("(a -b)", 2100, " "), "query has 4200 parts");
	snprintf(want, sizeof want, "query has %d bytes; the limit is %d (GW_QUERY_BYTES_MAX)", GW_QUERY_BYTES_MAX + 1,
	         GW_QUERY_BYTES_MAX);
	check_refused(repeat("a", GW_QUERY_BYTES_MAX + 1, ""), want);
	/* At the limit: one word, cut at GW_TERM_MAX like the document's. */
	CHECK_STR(found(repeat("p", GW_QUERY_BYTES_MAX, "")), "long");
}

/* A prefix (word*) of any length works: it is cut at GW_TERM_MAX bytes
 * like every term, so the 600-byte word of "long" is found through it. */
static void test_long_prefix(void)
{
	static const size_t lens[] = {119, 120, 121, 499, 500, 501, 600, 1000};

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		repeat("p", lens[i], "");
		qb.len--;
		gw_buf_puts(&qb, "*");
		CHECK_STR(found(done()), "long");
	}
	CHECK_STR(found("pp*"), "long");
	CHECK_STR(found("ppq*"), "");
}

/* The store refuses a prefix longer than a term key can be instead of
 * finding nothing (only a caller that skipped the analyzer can ask). */
static int on_term(void *ctx, const void *k, size_t n)
{
	(void)k;
	(void)n;
	++*(int *)ctx;
	return 0;
}

static void test_store_prefix(void)
{
	gw_txn *t = NULL;
	gw_err err;
	int n = 0;

	gw_err_clear(&err);
	CHECK(gw_store_begin(ix->s, 0, &t, &err) == GW_OK);
	repeat("p", 600, "");
	CHECK(gw_term_prefix_each(t, 1, GW_T_TERM, (const char *)qb.p, 600, on_term, &n, &err) == GW_EINVAL);
	CHECK(strstr(err.msg, "GW_TERM_MAX") != NULL);
	gw_txn_abort(t);
}

/* The public API: a refused query is GONGWEN_EINVAL with the message; the
 * next search clears it. */
static void test_api(void)
{
	gongwen *db = NULL;
	gongwen_results *res = NULL;

	CHECK(gongwen_open(ix_path, &db) == GONGWEN_OK);
	CHECK(gongwen_search(db, repeat("科技", 5000, " "), NULL, &res) == GONGWEN_EINVAL);
	CHECK(res == NULL);
	CHECK(strstr(gongwen_errmsg(db), "query has 5000 parts; the limit is 4096 (GW_QUERY_PARTS_MAX)") != NULL);
	CHECK(gongwen_search(db, distinct(NWORDS, 'm', " "), NULL, &res) == GONGWEN_OK);
	CHECK_STR(gongwen_errmsg(db), "");
	if (res) {
		size_t n = 0;
		const char *id = gongwen_hit_id(res, 0, &n);
		CHECK(gongwen_results_total(res) == 1 && id && n == 3 && memcmp(id, "all", 3) == 0);
		gongwen_results_free(res);
		res = NULL;
	}
	CHECK(gongwen_search(db, repeat("(", 2000, ""), NULL, &res) == GONGWEN_EINVAL);
	CHECK(strstr(gongwen_errmsg(db), "GW_QUERY_DEPTH_MAX") != NULL);
	CHECK(gongwen_search(db, repeat("x", GW_QUERY_BYTES_MAX + 1, ""), NULL, &res) == GONGWEN_EINVAL);
	CHECK(strstr(gongwen_errmsg(db), "GW_QUERY_BYTES_MAX") != NULL);
	gongwen_close(db);
}

/* A stored record that cannot be read (here: deleted under the postings,
 * as damage would) fails a search that needs it, with the error; a search
 * that succeeds leaves no error behind. */
static void test_read_error(void)
{
	gw_search_opts o = plan_opts(0);
	gw_results *r = NULL;
	gw_txn *t = NULL;
	uint32_t docid = 0;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_search(ix, "科技", 6, &o, &r, &err) == GW_OK && err.rc == GW_OK && err.msg[0] == 0);
	if (r && gw_results_count(r))
		docid = gw_results_hit(r, 0)->docid;
	gw_results_free(r);
	r = NULL;
	CHECK(docid != 0);
	CHECK(gw_store_begin(ix->s, 1, &t, &err) == GW_OK);
	CHECK(t && gw_doc_del(t, docid, &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	o.type = GW_TYPE_NOTICE; /* filters read every match's record */
	CHECK(gw_search(ix, "科技", 6, &o, &r, &err) == GW_ECORRUPT);
	CHECK(r == NULL && err.rc == GW_ECORRUPT && strstr(err.msg, "index damaged: table docs") != NULL);
	gw_results_free(r);
	r = NULL;
	gw_err_clear(&err);
	o.type = 0;
	distinct(40, 'm', " ");
	CHECK(gw_search(ix, (const char *)qb.p, qb.len - 1, &o, &r, &err) == GW_OK);
	CHECK(err.rc == GW_OK && err.msg[0] == 0);
	gw_results_free(r);
}

static void put_docs(void)
{
	gw_buf all = GW_BUF_INIT;

	for (size_t i = 0; i < NWORDS; i++) {
		gw_buf_printf(&all, "%s ", lat(i));
		put_han(&all, i);
		gw_buf_puts(&all, "，");
	}
	gw_buf_putc(&all, 0);
	gw_t_put(ix, "all", "all the words", (const char *)all.p);
	gw_buf_reset(&all);
	for (unsigned c = 0; c < 300; c++)
		put_cp(&all, 0x4E00 + c);
	gw_buf_putc(&all, 0);
	gw_t_put(ix, "run", "one long run", (const char *)all.p);
	gw_buf_reset(&all);
	for (size_t i = 0; i < 100; i++)
		gw_buf_printf(&all, "nq%c%c ", 'a' + (int)(i / 26), 'a' + (int)(i % 26));
	for (size_t i = 0; i < 30; i++)
		gw_buf_puts(&all, "filler ");
	gw_buf_puts(&all, "zqaaa");
	gw_t_put(ix, "near", "words in a row", (const char *)all.p);
	gw_t_put(ix, "kj1", "科技创新", "推动科技型创新创业");
	gw_t_put(ix, "kj2", "通知", "科技部开展了示范遴选工作");
	gw_t_put(ix, "kj3", "科技", "科技 科技");
	gw_buf_reset(&all);
	for (size_t i = 0; i < 600; i++)
		gw_buf_putc(&all, 'p');
	gw_buf_putc(&all, 0);
	gw_t_put(ix, "long", "a long word", (const char *)all.p);
	gw_buf_free(&all);
}

/* With an argument, only the case of that name (to try one on its own). */
#define RUN_CASE(fn)                                       \
	do {                                               \
		if (argc < 2 || strcmp(argv[1], #fn) == 0) \
			RUN(fn);                           \
	} while (0)

int main(int argc, char **argv)
{
	if (!gw_t_scratch_make("qlimits") || !(ix = gw_t_setup_begin()))
		return 1;
	snprintf(ix_path, sizeof ix_path, "%s/ix0", gw_t_scratch());
	put_docs();
	if (!gw_t_setup_commit(ix))
		return 1;
	RUN_CASE(test_many_copies);
	RUN_CASE(test_distinct_words);
	RUN_CASE(test_operands_kept);
	RUN_CASE(test_long_phrases);
	RUN_CASE(test_nesting);
	RUN_CASE(test_refused);
	RUN_CASE(test_long_prefix);
	RUN_CASE(test_store_prefix);
	gw_index_close(ix);
	RUN_CASE(test_api);
	if (!(ix = gw_t_open(ix_path, GW_OPEN_WRITE)))
		return 1;
	RUN_CASE(test_read_error);
	gw_index_close(ix);
	gw_buf_free(&qb);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
