/* test_query: the query language end to end through gw_search on a small
 * index: implicit AND, OR, NOT and -, groups, phrases, NEAR/n, field
 * scopes with groups, prefix*, and the errors for malformed queries. */
#include <stdlib.h>
#include <string.h>

#include "gw_test_index.h"

static gw_index *ix;

/* The set of ids q finds, sorted, space-separated; "ERROR msg" on error. */
static const char *found(const char *q)
{
	return gw_t_hit_set(ix, q, NULL);
}

static void test_and_or_not(void)
{
	CHECK_STR(found("江苏 集成电路"), "a");
	CHECK_STR(found("江苏 AND 集成电路"), "a");
	CHECK_STR(found("江苏 OR 浙江"), "a b c");
	CHECK_STR(found("江苏 NOT 集成电路"), "c");
	CHECK_STR(found("江苏 -集成电路"), "c");
	CHECK_STR(found("(江苏 OR 浙江) 集成电路"), "a b");
	CHECK_STR(found("(江苏 OR 浙江) -(集成电路 OR 生物)"), "");
	CHECK_STR(found("众创空间 -(江苏 OR 浙江)"), "d");
	/* Lower-case words are words, not operators. */
	CHECK_STR(found("or"), "e");
}

static void test_phrases_and_near(void)
{
	CHECK_STR(found("\"江苏 集成电路\""), "a");
	CHECK_STR(found("江苏 NEAR/2 集成电路"), "a");
	/* In c, 9 positions (省苏州市的园区发展) separate 江苏 and 生物医药. */
	CHECK_STR(found("江苏 NEAR/8 生物医药"), "");
	CHECK_STR(found("江苏 NEAR/9 生物医药"), "c");
	CHECK_STR(found("生物医药 NEAR/9 江苏"), "c");
	CHECK_STR(found("江苏 NEAR 生物医药"), "c");
}

static void test_fields_and_prefix(void)
{
	CHECK_STR(found("title:(江苏 OR 浙江)"), "a b");
	CHECK_STR(found("title:江苏 OR body:生物"), "a c");
	CHECK_STR(found("serv*"), "e");
	CHECK_STR(found("index*"), "e");
	CHECK_STR(found("indexes"), "e");
	CHECK_STR(found("\"indexes\""), "");
	/* A prefix in one field: a term's lists in every field sit together
	 * in the index (fid after the term), and the others are skipped. */
	CHECK_STR(found("title:fil*"), "f h");
	CHECK_STR(found("body:fil*"), "e g");
	CHECK_STR(found("note:fil*"), "h");
	CHECK_STR(found("fil*"), "e f g h");
	CHECK_STR(found("note:filt*"), "");
	/* Parentheses inside a word are punctuation. */
	CHECK_STR(found("国科发区(2020)73号"), "d");
	CHECK_STR(found("国科发区（2020）73号"), "d");
}

static void check_error(const char *q, const char *want)
{
	const char *got = found(q);

	if (strncmp(got, "ERROR ", 6) != 0 || !strstr(got, want)) {
		fprintf(stderr, "  query %s: got '%s', want an error with '%s'\n", q, got, want);
		CHECK(0);
	}
}

static void test_malformed(void)
{
	check_error("(江苏 OR 浙江", "missing ')' for the '(' opened at column 1");
	check_error("江苏 OR", "OR needs a query part on both sides at column 6");
	check_error("OR 江苏", "needs a query part on both sides at column 1");
	check_error("江苏 AND", "AND needs a query part on both sides at column 7");
	check_error("NOT", "NOT or '-' needs a query part after it at column 4");
	check_error("-江苏", "only exclusions");
	check_error("江苏 NEAR/x 浙江", "NEAR/n needs a number of positions (NEAR/5) at column 4");
	check_error("()", "empty group '()' at column 1");
	check_error("title: 江苏", "empty value for field 'title' at column 1");
	check_error("，。", "nothing to search for");
	/* Lenient readings. */
	CHECK_STR(found("\"江苏 集成电路"), "a");
	CHECK_STR(found("江苏)"), "a c");
}

int main(void)
{
	if (!gw_t_scratch_make("query") || !(ix = gw_t_setup_begin()))
		return 1;
	gw_t_put(ix, "a", "江苏集成电路众创空间", "江苏 集成电路产业");
	gw_t_put(ix, "b", "浙江集成电路", "浙江省集成电路设计");
	gw_t_put(ix, "c", "生物", "江苏省苏州市的园区发展生物医药");
	gw_t_put(ix, "d", "众创空间备案", "国科发区〔2020〕73号 众创空间");
	gw_t_put(ix, "e", "Notice or not", "The servers are indexing files");
	gw_t_put(ix, "f", "filing cabinet", "nothing here");
	gw_t_put(ix, "g", "other", "the filter");
	{
		gw_t_kv h[] = {{"title", "filter"}, {"body", "plain"}, {"note", "filament"}, {NULL, NULL}};
		gw_t_put_kv(ix, "h", h);
	}
	if (!gw_t_setup_commit(ix))
		return 1;
	RUN(test_and_or_not);
	RUN(test_phrases_and_near);
	RUN(test_fields_and_prefix);
	RUN(test_malformed);
	gw_index_close(ix);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
