/* test_plans: the document-at-a-time plan for ANDs of plain parts
 * (gw_pcur) answers exactly as the general plan, which materializes every
 * part's matches: the same total, the same hits in the same order, and
 * scores equal to the last bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_test_index.h"

static gw_index *ix;

/* Words put together into documents: Han words in both scripts, some
 * inside longer words (农业 in 工农业务, so the word bonus differs), and
 * Latin words whose stems meet (file, files, filing). */
static const char *const vocab[] = {
	"农业", "發展", "发展", "银行", "中国农业发展银行", "工农业务", "科技", "創新", "创新", "空间",
	"众创空间", "國家", "专业化", "file", "files", "filing", "index", "search", "一个", "显示",
};
#define NVOCAB (sizeof vocab / sizeof *vocab)

static unsigned next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* Appends n words of the vocabulary (and filler) to buf. */
static void words(char *buf, size_t cap, unsigned *seed, int n)
{
	size_t len = strlen(buf);

	for (int i = 0; i < n; i++) {
		unsigned r = next_rand(seed);
		const char *w = r % 3 == 0 ? "的" : vocab[r % NVOCAB];
		len += (size_t)snprintf(buf + len, cap > len ? cap - len : 0, "%s%s", r % 5 == 0 ? " " : "", w);
	}
}

/* 600 documents with a title, a body of varying length and, in every
 * third, a record-like cell: parts match in one, two or three fields. */
static int build(void)
{
	unsigned seed = 7;

	if (!(ix = gw_t_open_new()) || !gw_t_begin(ix))
		return -1;
	for (int i = 0; i < 600; i++) {
		char id[16], title[256] = "", body[4096] = "", cell[256] = "";
		snprintf(id, sizeof id, "d%03d", i);
		words(title, sizeof title, &seed, 1 + i % 3);
		words(body, sizeof body, &seed, 3 + (int)(next_rand(&seed) % 60));
		words(cell, sizeof cell, &seed, 1);
		gw_t_kv f[] = {{"title", title}, {"body", body}, {i % 3 ? "note" : "名称", cell}, {NULL, NULL}};
		if (gw_t_put_kv(ix, id, f))
			return -1;
	}
	return gw_t_commit(ix).added == 600 ? 0 : -1;
}

/* Runs q both ways with offset/limit (at most 1000) and checks they
 * agree, and that the direct plan answered if direct. The parts of q from
 * byte filter_from on (if not 0) are filters, as gongwen-serve's are.
 * Returns the total (0 on a failed search). */
static size_t check_filtered(const char *q, size_t filter_from, int direct, size_t offset, size_t limit)
{
	gw_search_opts o;
	static gw_t_answer want, got;

	memset(&o, 0, sizeof o);
	o.offset = offset;
	o.limit = limit;
	o.filter_from = filter_from;
	o.general_plan = 1;
	gw_t_answer_of(ix, q, &o, &want);
	CHECK(want.ok && !want.direct);
	o.general_plan = 0;
	gw_t_answer_of(ix, q, &o, &got);
	CHECK(got.ok);
	if (!want.ok || !got.ok)
		return 0;
	CHECK(got.direct == direct);
	CHECK(got.total == want.total && got.scored == want.scored);
	CHECK(got.n == want.n);
	for (size_t i = 0; i < got.n && i < want.n; i++) {
		CHECK(got.hits[i].docid == want.hits[i].docid);
		CHECK(got.hits[i].score == want.hits[i].score); /* to the last bit */
	}
	return got.total;
}

static size_t check_plans(const char *q, int direct, size_t offset, size_t limit)
{
	return check_filtered(q, 0, direct, offset, limit);
}

/* Runs q, an AND of plain parts, both ways. */
static size_t same_both_ways(const char *q, size_t offset, size_t limit)
{
	return check_plans(q, 1, offset, limit);
}

/* 1 if w is a plain part: a Latin word or two Han characters (longer
 * runs are phrases of bigrams, for the general plan). */
static int plain(const char *w)
{
	return (unsigned char)w[0] < 0x80 || strlen(w) == 6;
}

/* Every pair of vocabulary words, both orders, top 10: most pairs match
 * something, and those that do not agree on nothing. */
static void test_pairs(void)
{
	size_t matched = 0, pairs = 0;

	for (size_t a = 0; a < NVOCAB; a++)
		for (size_t b = 0; b < NVOCAB; b++) {
			char q[128];
			if (a == b)
				continue;
			snprintf(q, sizeof q, "%s %s", vocab[a], vocab[b]);
			matched += check_plans(q, plain(vocab[a]) && plain(vocab[b]), 0, 10) > 0;
			pairs++;
		}
	CHECK(matched > pairs / 2);
}

/* The same shapes joined by op (" " for AND, " OR "): three parts, paging,
 * a limit of 0 (count only), all hits, fields, a prefix (the union of its
 * words). */
static void check_shapes(const char *op)
{
	static const struct {
		const char *a, *b, *c; /* c: a third part, or NULL */
		size_t offset, limit, more_than;
	} shapes[] = {
	    {"农业", "发展", "file", 0, 10, 0},   {"科技", "创新", NULL, 5, 7, 10},
	    {"科技", "創新", NULL, 0, 0, 10},     {"一个", "显示", NULL, 0, 1000, 10},
	    {"files", "index", "search", 3, 4, 0}, {"title:科技", "body:空间", NULL, 0, 10, 0},
	    {"fil*", "农业", NULL, 0, 10, 0},
	};
	for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
		char q[128];
		snprintf(q, sizeof q, "%s%s%s%s%s", shapes[i].a, op, shapes[i].b, shapes[i].c ? op : "",
		         shapes[i].c ? shapes[i].c : "");
		CHECK(same_both_ways(q, shapes[i].offset, shapes[i].limit) > shapes[i].more_than);
	}
}

static void test_shapes(void)
{
	check_shapes(" ");
	same_both_ways("农业 nosuchword", 0, 10); /* a part that matches nowhere */
	/* A filter is a part that must match but adds nothing to a score. */
	CHECK(check_filtered("科技 创新 title:农业", strlen("科技 创新 "), 1, 0, 10) > 0);
	CHECK(check_filtered("(科技) note:发展", strlen("(科技) "), 1, 0, 10) > 0);
}

/* A lone plain part is a walk of its one cursor: a word, two Han
 * characters, in a field or not, a prefix. */
static void test_one_part(void)
{
	static const char *const qs[] = {"科技", "发展", "發展", "一个", "title:科技", "files", "fil*", "的"};
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		CHECK(same_both_ways(qs[i], 0, 10) > 0);
		CHECK(same_both_ways(qs[i], 7, 30) > 0);
		CHECK(same_both_ways(qs[i], 0, 0) > 0);
	}
	same_both_ways("nosuchword", 0, 10);
}

/* An OR of plain parts walks their cursors together: each document any of
 * them sits on, scored with those that do (MaxScore as the general plan's:
 * the same documents scored). Pairs of every kind, the shapes, a part that
 * matches nowhere. */
static void test_or(void)
{
	size_t matched = 0;

	for (size_t a = 0; a < NVOCAB; a++)
		for (size_t b = a + 1; b < NVOCAB; b++) {
			char q[128];
			if (!plain(vocab[a]) || !plain(vocab[b]))
				continue;
			snprintf(q, sizeof q, "%s OR %s", vocab[a], vocab[b]);
			matched += check_plans(q, 1, 0, 10) > 0;
		}
	CHECK(matched > 50);
	check_shapes(" OR ");
	CHECK(same_both_ways("农业 OR nosuchword", 0, 10) > 0);
	same_both_ways("nosuchword OR nothing", 0, 10);
}

/* Queries the direct plan must leave to the general one. */
static void test_general_only(void)
{
	static const char *const qs[] = {
		"中国农业",        /* one part, a phrase of bigrams */
		"中国农业 发展",   /* a three-character run: a phrase of bigrams */
		"科技 -创新",      /* an exclusion */
		"科技 OR 中国农业",  /* an OR with a phrase */
		"(科技 OR 创新) 空间", /* an OR under an AND */
		"科技 NEAR 创新",
		"\"file index\" search",
	};
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
		gw_search_opts o;
		gw_results *r = NULL;
		gw_err err;
		memset(&o, 0, sizeof o);
		o.limit = 10;
		gw_err_clear(&err);
		CHECK(gw_search(ix, qs[i], strlen(qs[i]), &o, &r, &err) == GW_OK);
		if (r && gw_results_direct(r))
			fprintf(stderr, "  direct plan for '%s'\n", qs[i]);
		CHECK(r && !gw_results_direct(r));
		gw_results_free(r);
	}
}

int main(void)
{
	if (!gw_t_scratch_make("plans") || build()) {
		printf("FAIL build\n");
		return 1;
	}
	RUN(test_pairs);
	RUN(test_shapes);
	RUN(test_one_part);
	RUN(test_or);
	RUN(test_general_only);
	gw_index_close(ix);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
