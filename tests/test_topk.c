/* test_topk: top-k evaluation that skips scoring (MaxScore, and the
 * length bound of queries of several parts) returns exactly the hits,
 * scores and total that scoring every match returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_test_index.h"

static gw_index *ix;

/* 400 documents: "common" in all of them, "rare" in every 20th (with a
 * varying count), "mid" in every 3rd; bodies of varying length; a title in
 * every 4th (two field sets, whose averages bound the focus factor
 * differently). Then 30 short ones (see below). */
static int build(const char *path)
{
	gw_err err;
	char id[32], body[2048];

	gw_err_clear(&err);
	if (gw_index_open(&ix, path, GW_OPEN_CREATE, &err) || gw_index_begin(ix, &err))
		return -1;
	for (int i = 0; i < 400; i++) {
		size_t n = 0;
		n += (size_t)snprintf(body + n, sizeof body - n, "common words here");
		for (int j = 0; j < i % 7; j++)
			n += (size_t)snprintf(body + n, sizeof body - n, " filler%d", j);
		if (i % 20 == 0)
			for (int j = 0; j <= i % 3; j++)
				n += (size_t)snprintf(body + n, sizeof body - n, " rare");
		if (i % 3 == 0)
			n += (size_t)snprintf(body + n, sizeof body - n, " mid");
		snprintf(id, sizeof id, "d%03d", i);
		gw_field f[2] = {{"body", 4, body, n}, {"title", 5, "heading of a page", 17}};
		gw_doc d = {id, strlen(id), f, i % 4 == 1 ? 2 : 1};
		if (gw_index_put(ix, &d, &err))
			return -1;
	}
	/* Last, the best matches of common mid: short, with a title. A bound
	 * of their factor taken too low (from another field set's averages,
	 * say) would keep them out of a heap full of the earlier ones. */
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof id, "e%02d", i);
		gw_field f[2] = {{"body", 4, "common mid", 10}, {"title", 5, "heading", 7}};
		gw_doc d = {id, strlen(id), f, 2};
		if (gw_index_put(ix, &d, &err))
			return -1;
	}
	return gw_index_commit(ix, NULL, &err) ? -1 : 0;
}

/* Runs q with offset/limit and checks it against the same query scored in
 * full (limit above the total, so nothing can be skipped). Returns the
 * number of matches that were scored. */
static size_t same_as_full(const char *q, size_t offset, size_t limit)
{
	gw_search_opts o;
	static gw_t_answer full, part;

	memset(&o, 0, sizeof o);
	o.limit = 1000;
	gw_t_answer_of(ix, q, &o, &full);
	CHECK(full.ok);
	CHECK(full.scored == full.total && full.n == full.total);
	o.offset = offset;
	o.limit = limit;
	gw_t_answer_of(ix, q, &o, &part);
	CHECK(part.ok);
	if (!full.ok || !part.ok)
		return 0;
	CHECK(part.total > 0 && part.total == full.total);
	CHECK(part.n == (offset >= full.n ? 0 : full.n - offset < limit ? full.n - offset : limit));
	for (size_t i = 0; i < part.n && offset + i < full.n; i++) {
		CHECK(part.hits[i].docid == full.hits[offset + i].docid);
		CHECK(part.hits[i].score == full.hits[offset + i].score);
	}
	return part.scored;
}

/* rare OR common: once ten documents with "rare" fill the top, the ones
 * with only "common" (idf near 0) cannot enter and are not scored. */
static void test_or_skips(void)
{
	size_t scored = same_as_full("rare OR common", 0, 10);

	CHECK(scored > 0 && scored < 250); /* 191 when this was written */
	CHECK(same_as_full("common OR rare", 0, 10) == scored);
	CHECK(same_as_full("rare OR mid OR common", 0, 5) < 400);
}

/* Paging asks for offset + limit hits: still exact. */
static void test_offsets(void)
{
	same_as_full("rare OR common", 5, 10);
	same_as_full("rare OR common", 18, 5);
	same_as_full("mid OR rare", 3, 7);
}

/* common mid: an AND of two parts, so the focus factor weighs length.
 * Once the heap holds the shortest documents, the longer ones' bound (the
 * parts' bounds times their factor) is out of reach: they are counted
 * without being scored, most of them on their norm alone, without a lens
 * read. The same in the general plan ((rare OR mid) common). */
static void test_and_skips_by_length(void)
{
	static gw_t_answer a;
	gw_search_opts o;
	size_t scored = same_as_full("common mid", 0, 5);

	CHECK(scored > 0 && scored < 164); /* 164 documents match */
	same_as_full("mid common", 2, 5);
	same_as_full("common words", 0, 10);
	memset(&o, 0, sizeof o);
	o.limit = 5;
	gw_t_answer_of(ix, "common mid", &o, &a);
	CHECK(a.ok && a.direct && a.unread > 0 && a.scored + a.unread <= a.total);
	gw_t_answer_of(ix, "(rare OR mid) common", &o, &a);
	CHECK(a.ok && !a.direct && a.unread > 0 && a.scored + a.unread <= a.total);
	same_as_full("(rare OR mid) common", 0, 5);
}

/* A norm bounds its document's factor from above, in both plans and both
 * field sets: checked against the factor of every match's lens entry. */
static void test_norms_bound_factors(void)
{
	const char *qs[] = {"common mid", "mid common", "common words", "common rare", "(rare OR mid) common",
	                    "common", "rare OR common", "heading common"};
	static gw_t_answer a;
	gw_search_opts o;
	size_t unread = 0;

	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
		for (size_t k = 1; k <= 10; k += 4)
			for (int plan = 0; plan < 2; plan++) {
				memset(&o, 0, sizeof o);
				o.limit = k;
				o.general_plan = plan;
				o.verify_norms = 1;
				gw_t_answer_of(ix, qs[i], &o, &a);
				CHECK(a.ok && a.norm_errors == 0);
				unread += a.unread;
			}
	CHECK(unread > 0);
}

/* Asked for no hits (--count), a search counts every match and scores
 * none, in either plan. */
static void test_count_only(void)
{
	const char *qs[] = {"common mid", "rare OR common", "common -mid", "common", "(rare OR mid) common"};
	gw_search_opts o;
	static gw_t_answer full, count;

	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		memset(&o, 0, sizeof o);
		o.limit = 1000;
		gw_t_answer_of(ix, qs[i], &o, &full);
		o.limit = 0;
		gw_t_answer_of(ix, qs[i], &o, &count);
		CHECK(full.ok && count.ok);
		CHECK(count.total == full.total && count.total > 0);
		CHECK(count.n == 0 && count.scored == 0);
	}
}

/* AND, NOT and single parts give the same hits (nothing may change where
 * little or nothing is skipped). */
static void test_other_shapes(void)
{
	same_as_full("common rare", 0, 3);
	same_as_full("common -mid", 0, 10);
	same_as_full("common", 0, 10);
	same_as_full("(rare OR mid) common", 0, 4);
}

int main(void)
{
	char dir[] = "/tmp/gw-test-topk-XXXXXX", path[64];

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/ix", dir);
	if (build(path)) {
		printf("FAIL build\n");
		return 1;
	}
	RUN(test_or_skips);
	RUN(test_offsets);
	RUN(test_and_skips_by_length);
	RUN(test_norms_bound_factors);
	RUN(test_count_only);
	RUN(test_other_shapes);
	gw_index_close(ix);
	gw_t_rmtree(dir);
	return TEST_EXIT();
}
