/* test_topk: top-k evaluation that skips scoring (MaxScore) returns exactly
 * the hits, scores and total that scoring every match returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_index.h"
#include "gw_search.h"
#include "gw_test.h"

static gw_index *ix;

/* 400 documents: "common" in all of them, "rare" in every 20th (with a
 * varying count), "mid" in every 3rd; bodies of varying length. */
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
		gw_field f[1] = {{"body", 4, body, n}};
		gw_doc d = {id, strlen(id), f, 1};
		if (gw_index_put(ix, &d, &err))
			return -1;
	}
	return gw_index_commit(ix, NULL, &err) ? -1 : 0;
}

/* Runs q with offset/limit and checks it against the same query scored in
 * full (limit above the total, so nothing can be skipped). Returns the
 * number of matches that were scored. (One search at a time per thread:
 * each holds a read transaction.) */
static size_t same_as_full(const char *q, size_t offset, size_t limit)
{
	gw_search_opts o;
	gw_results *r = NULL;
	gw_err err;
	gw_hit all[1000];
	size_t total = 0, nall = 0, scored = 0;

	memset(&o, 0, sizeof o);
	o.limit = 1000;
	gw_err_clear(&err);
	CHECK(gw_search(ix, q, strlen(q), &o, &r, &err) == GW_OK);
	if (r) {
		total = gw_results_total(r);
		nall = gw_results_count(r);
		CHECK(gw_results_scored(r) == total && nall == total);
		for (size_t i = 0; i < nall; i++)
			all[i] = *gw_results_hit(r, i);
	}
	gw_results_free(r);
	r = NULL;
	o.offset = offset;
	o.limit = limit;
	CHECK(gw_search(ix, q, strlen(q), &o, &r, &err) == GW_OK);
	if (r) {
		CHECK(total > 0 && gw_results_total(r) == total);
		CHECK(gw_results_count(r) == (offset >= nall ? 0 : nall - offset < limit ? nall - offset : limit));
		for (size_t i = 0; i < gw_results_count(r) && offset + i < nall; i++) {
			CHECK(gw_results_hit(r, i)->docid == all[offset + i].docid);
			CHECK(gw_results_hit(r, i)->score == all[offset + i].score);
		}
		scored = gw_results_scored(r);
	}
	gw_results_free(r);
	return scored;
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

/* AND, NOT and single parts give the same hits (bounds are equal there, so
 * little is skipped, but nothing may change). */
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
	RUN(test_other_shapes);
	gw_index_close(ix);
	gw_t_rmtree(dir);
	return TEST_EXIT();
}
