/* totals_cmp: checks that a search which may stop counting
 * (gw_search_opts.total_max) ranks exactly as one that counts every match.
 *
 *   totals_cmp INDEX TOTAL_MAX LIMIT [OFFSET] < queries.txt
 *
 * Runs each query of stdin (one a line) twice on INDEX: counting every
 * match (total_max SIZE_MAX), and counting exactly up to TOTAL_MAX. The
 * hits must be the same documents in the same order with scores equal to
 * the last bit; the bounded total must be the exact one, or, when the
 * search says it is a lower bound, TOTAL_MAX (OFFSET + LIMIT if more),
 * below the exact one. Prints
 * one summary line:
 *   queries Q hits H bounded B passed P blocks K mismatches M
 * (B: queries whose total was a lower bound; P: docids passed by their
 * norms; K: spans of norms passed whole)
 * and a line per mismatch on stderr; exits 1 if M > 0 or a search failed.
 * A helper of tests/e2e_totals.sh, and run by hand on larger corpora. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/gw_index.h"
#include "search/gw_search.h"

typedef struct answer {
	size_t total, n, passed, blocks;
	int exact;
	gw_hit *hits;
} answer;

static int run(gw_index *ix, const char *q, size_t total_max, size_t limit, size_t offset, answer *a)
{
	gw_search_opts o;
	gw_results *r = NULL;
	gw_err err;

	memset(&o, 0, sizeof o);
	o.total_max = total_max;
	o.limit = limit;
	o.offset = offset;
	gw_err_clear(&err);
	if (gw_search(ix, q, strlen(q), &o, &r, &err) != GW_OK) {
		if (err.rc == GW_EINVAL) /* nothing to search for: both ways */
			return 1;
		fprintf(stderr, "totals_cmp: '%s': %s\n", q, err.msg);
		return -1;
	}
	a->total = gw_results_total(r);
	a->exact = gw_results_total_exact(r);
	a->passed = gw_results_passed(r);
	a->blocks = gw_results_blocks_passed(r);
	a->n = gw_results_count(r);
	if (!(a->hits = malloc((a->n ? a->n : 1) * sizeof *a->hits))) {
		gw_results_free(r);
		return -1;
	}
	for (size_t i = 0; i < a->n; i++)
		a->hits[i] = *gw_results_hit(r, i);
	gw_results_free(r);
	return 0;
}

/* 1 if b (bounded) agrees with a (exhaustive); explains on stderr if not. */
static int agree(const char *q, const answer *a, const answer *b, size_t total_max, size_t offset,
                 size_t limit)
{
	if (!a->exact) {
		fprintf(stderr, "MISMATCH '%s': the exhaustive total is a lower bound\n", q);
		return 0;
	}
	size_t floor = total_max > offset + limit ? total_max : offset + limit; /* gw_results_total_exact */

	if (b->exact ? b->total != a->total : !(b->total == floor && floor < a->total)) {
		fprintf(stderr, "MISMATCH '%s': total %zu%s, exactly %zu\n", q, b->total, b->exact ? "" : "+",
		        a->total);
		return 0;
	}
	if (a->n != b->n) {
		fprintf(stderr, "MISMATCH '%s': %zu hits, exhaustively %zu\n", q, b->n, a->n);
		return 0;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->hits[i].docid != b->hits[i].docid || a->hits[i].score != b->hits[i].score) {
			fprintf(stderr, "MISMATCH '%s': hit %zu is %u (%.17g), exhaustively %u (%.17g)\n", q, i,
			        b->hits[i].docid, b->hits[i].score, a->hits[i].docid, a->hits[i].score);
			return 0;
		}
	return 1;
}

int main(int argc, char **argv)
{
	gw_index *ix;
	gw_err err;
	char line[4096];
	size_t total_max, limit, offset = 0, queries = 0, hits = 0, bounded = 0, passed = 0, blocks = 0, bad = 0;
	int failed = 0;

	if (argc < 4 || argc > 5 || !(total_max = strtoull(argv[2], NULL, 10)) ||
	    !(limit = strtoull(argv[3], NULL, 10))) {
		fprintf(stderr, "usage: totals_cmp INDEX TOTAL_MAX LIMIT [OFFSET] < queries\n");
		return 2;
	}
	if (argc == 5)
		offset = strtoull(argv[4], NULL, 10);
	gw_err_clear(&err);
	if (gw_index_open(&ix, argv[1], GW_OPEN_READ, &err)) {
		fprintf(stderr, "totals_cmp: %s\n", err.msg);
		return 2;
	}
	while (fgets(line, sizeof line, stdin)) {
		answer a = {0}, b = {0};
		int ra, rb;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		ra = run(ix, line, SIZE_MAX, limit, offset, &a);
		rb = ra ? ra : run(ix, line, total_max, limit, offset, &b);
		if (ra < 0 || rb < 0) {
			failed = 1;
		} else if (ra == 0) {
			queries++;
			hits += b.n;
			bounded += !b.exact;
			passed += b.passed;
			blocks += b.blocks;
			bad += !agree(line, &a, &b, total_max, offset, limit);
		}
		free(a.hits);
		free(b.hits);
	}
	gw_index_close(ix);
	printf("queries %zu hits %zu bounded %zu passed %zu blocks %zu mismatches %zu\n", queries, hits, bounded, passed,
	       blocks, bad);
	return bad || failed;
}
