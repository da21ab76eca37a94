/* test_rank: scores computed by hand for a three-document index, to pin
 * the BM25F formula and its defaults (k1 1.2, b 1.0, title weight 2), and
 * the explanation of a score. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gw_test_index.h"

static gw_index *ix;

/* Score of doc id for query q, or -1 if it is not a hit. */
static double score_in(gw_index *in, const char *q, const char *id);

static double score_of(const char *q, const char *id) { return score_in(ix, q, id); }

/* The place of the hit with id in r, or -1. */
static long hit_of(gw_results *r, const char *id)
{
	gw_err err;

	for (size_t i = 0; i < gw_results_count(r); i++) {
		gw_record rec;
		if (gw_results_record(r, i, &rec, &err) == GW_OK && rec.id_len == strlen(id) &&
		    memcmp(rec.id, id, rec.id_len) == 0)
			return (long)i;
	}
	return -1;
}

/* The same with ranking parameters p (NULL: the defaults). */
static double score_with(gw_index *in, const char *q, const char *id, const gw_rank_params *p)
{
	gw_search_opts o;
	gw_results *r;
	gw_err err;
	double s = -1;
	long i;

	memset(&o, 0, sizeof o);
	o.limit = 10;
	o.rank = p;
	gw_err_clear(&err);
	if (gw_search(in, q, strlen(q), &o, &r, &err))
		return -2;
	if ((i = hit_of(r, id)) >= 0)
		s = gw_results_hit(r, (size_t)i)->score;
	gw_results_free(r);
	return s;
}

/* Score of doc id for query q in index in, or -1 if it is not a hit. */
static double score_in(gw_index *in, const char *q, const char *id) { return score_with(in, q, id, NULL); }

static int near(double got, double want)
{
	if (fabs(got - want) < 1e-9)
		return 1;
	fprintf(stderr, "  got %.12f, want %.12f\n", got, want);
	return 0;
}

/* Lengths: title A 2, B 1, C 1 (average 4/3); body A 3, B 5, C 1 (average 3).
 * "alpha" is in A (title once, body once) and B (body twice): df 2 of 3. */
static void test_single_term(void)
{
	double idf = log(1 + (3 - 2 + 0.5) / (2 + 0.5));
	double tf_a = 2.0 * 1 / (2 / (4.0 / 3)) + 1.0 * 1 / (3 / 3.0); /* b = 1: tf / (len / avg) */
	double tf_b = 1.0 * 2 / (5 / 3.0);

	CHECK(near(score_of("\"alpha\"", "a"), idf * tf_a / (1.2 + tf_a)));
	CHECK(near(score_of("\"alpha\"", "b"), idf * tf_b / (1.2 + tf_b)));
	CHECK(score_of("\"alpha\"", "c") == -1);
}

static void test_two_parts(void)
{
	/* "beta" is in A's title and B's body twice: df 2; each part adds up.
	 * Beside another part, df is estimated from the postings of each field
	 * (gw_search.h): alpha is in 1 title and 2 bodies, so 3; beta 1 + 1. */
	double idf = log(1 + (3 - 3 + 0.5) / (3 + 0.5)), idf_beta = log(1 + (3 - 2 + 0.5) / (2 + 0.5));
	double a_alpha = 2.0 / 1.5 + 1.0, a_beta = 2.0 / 1.5;
	double b_alpha = 2 / (5 / 3.0), b_beta = 2 / (5 / 3.0);
	/* Two parts: times the focus factor (2A / (A + L))^1.5, A the sum of
	 * the average lengths 4/3 + 3, L the document's 2 + 3 (a) or 1 + 5 (b). */
	double avg = 4.0 / 3 + 3, focus_a = pow(2 * avg / (avg + 5), 1.5), focus_b = pow(2 * avg / (avg + 6), 1.5);
	gw_rank_params off;

	CHECK(near(score_of("\"alpha\" \"beta\"", "a"),
	           (idf * a_alpha / (1.2 + a_alpha) + idf_beta * a_beta / (1.2 + a_beta)) * focus_a));
	CHECK(near(score_of("\"alpha\" \"beta\"", "b"),
	           (idf * b_alpha / (1.2 + b_alpha) + idf_beta * b_beta / (1.2 + b_beta)) * focus_b));
	gw_rank_defaults(&off);
	off.focus = 0;
	CHECK(near(score_with(ix, "\"alpha\" \"beta\"", "b", &off),
	           idf * b_alpha / (1.2 + b_alpha) + idf_beta * b_beta / (1.2 + b_beta)));
	/* The order the parts are typed in does not change a score. */
	CHECK(near(score_of("\"beta\" \"alpha\"", "a"), score_of("\"alpha\" \"beta\"", "a")));
	/* An excluded part adds nothing, nor makes a second part for the focus. */
	CHECK(near(score_of("\"alpha\" -zeta", "a"), score_of("\"alpha\"", "a")));
}

/* The explanation of q's first hit, NUL-terminated in b (reset first);
 * 0 if q has no hit or it cannot be explained. The hit past the last must
 * be refused. */
static int explain_first(const char *q, gw_buf *b)
{
	gw_search_opts o;
	gw_results *r;
	gw_err err;
	int ok;

	memset(&o, 0, sizeof o);
	o.limit = 1;
	gw_err_clear(&err);
	gw_buf_reset(b);
	if (gw_search(ix, q, strlen(q), &o, &r, &err))
		return 0;
	ok = gw_results_explain(r, 0, b, &err) == GW_OK;
	gw_buf_putc(b, 0);
	gw_err_clear(&err);
	CHECK(gw_results_explain(r, 5, b, &err) == GW_EINVAL);
	gw_results_free(r);
	return ok;
}

static void test_explain(void)
{
	gw_buf b = GW_BUF_INIT;

	CHECK(explain_first("\"alpha\"", &b));
	CHECK(strstr((char *)b.p, "idf 0.470 (df 2 of 3 documents)") != NULL);
	CHECK(strstr((char *)b.p, "title: 1 occurrence x weight 2.00, length 2 / average 1.3") != NULL);
	CHECK(strstr((char *)b.p, "focus") == NULL); /* one part */
	/* Two parts: the focus factor of a (lengths 2 + 3 against 4/3 + 3). */
	CHECK(explain_first("\"alpha\" \"beta\"", &b));
	CHECK(strstr((char *)b.p, "focus (2 x 4.3 / (4.3 + 5))^1.50 = ") != NULL);
	CHECK(strstr((char *)b.p, " x focus = ") != NULL);
	gw_buf_free(&b);
}

/* A Latin word matches every form of its stem; the documents with the
 * form typed get the word bonus (default 0.3), the others do not. */
static void test_word_as_typed(void)
{
	gw_index *w = gw_t_open_new();
	gw_rank_params p;
	double typed, other;

	gw_rank_defaults(&p);
	gw_t_begin(w);
	gw_t_put(w, "typed", "x", "open files here");
	gw_t_put(w, "other", "x", "open file here");
	gw_t_put(w, "none", "x", "nothing at all");
	gw_t_commit(w);
	typed = score_in(w, "files", "typed");
	other = score_in(w, "files", "other");
	CHECK(typed > 0 && other > 0);
	CHECK(near(typed, other * (1 + p.word_bonus)));
	/* Quoted, the word matches only as typed. */
	CHECK(score_in(w, "\"files\"", "other") == -1);
	gw_index_close(w);
}

/* The explanation of hit id for q in index in, NUL-terminated in b. */
static int explain_of(gw_index *in, const char *q, const char *id, gw_buf *b)
{
	gw_search_opts o;
	gw_results *r;
	gw_err err;
	int ok = 0;
	long i;

	memset(&o, 0, sizeof o);
	o.limit = 10;
	gw_err_clear(&err);
	gw_buf_reset(b);
	if (gw_search(in, q, strlen(q), &o, &r, &err))
		return 0;
	if ((i = hit_of(r, id)) >= 0)
		ok = gw_results_explain(r, (size_t)i, b, &err) == GW_OK;
	gw_buf_putc(b, 0);
	gw_results_free(r);
	return ok;
}

/* A query of CJK words measures a document's focus by its CJK characters:
 * "mixed" holds both words in 4 of them and 120 English words, "zh" holds
 * them in 44 CJK characters. By tokens mixed is the longer (124 against
 * 44) and ranked second; by CJK characters it is the shorter and first.
 * A query of Latin words keeps the tokens. */
static void test_cjk_focus(void)
{
	gw_index *w = gw_t_open_new();
	char mixed[2048] = "农业发展 ", zh[256] = "农业发展";
	gw_buf b = GW_BUF_INIT;

	for (int i = 0; i < 120; i++)
		strcat(mixed, i % 2 ? "words " : "alpha ");
	for (int i = 0; i < 20; i++)
		strcat(zh, "其他");
	strcat(zh, " alpha");
	gw_t_begin(w);
	gw_t_put(w, "mixed", "x", mixed);
	gw_t_put(w, "zh", "y", zh);
	gw_t_put(w, "none", "z", "nothing at all");
	gw_t_commit(w);
	CHECK(score_in(w, "农业 发展", "mixed") > score_in(w, "农业 发展", "zh"));
	CHECK(explain_of(w, "农业 发展", "mixed", &b));
	CHECK(strstr((char *)b.p, "(CJK characters 4 against ") != NULL);
	CHECK(explain_of(w, "农业 alpha", "zh", &b)); /* mixed parts: tokens */
	CHECK(strstr((char *)b.p, "(length 46 against ") != NULL);
	CHECK(score_in(w, "农业 alpha", "zh") > score_in(w, "农业 alpha", "mixed"));
	gw_buf_free(&b);
	gw_index_close(w);
}

int main(void)
{
	if (!gw_t_scratch_make("rank") || !(ix = gw_t_setup_begin()))
		return 1;
	gw_t_put(ix, "a", "alpha beta", "alpha gamma delta");
	gw_t_put(ix, "b", "gamma", "alpha alpha beta beta epsilon");
	gw_t_put(ix, "c", "zeta", "eta");
	if (!gw_t_setup_commit(ix))
		return 1;
	RUN(test_single_term);
	RUN(test_two_parts);
	RUN(test_explain);
	RUN(test_word_as_typed);
	RUN(test_cjk_focus);
	gw_index_close(ix);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
