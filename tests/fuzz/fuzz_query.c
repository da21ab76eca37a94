/* fuzz_query: any bytes as a query (gw_search, lib/search/), run against a
 * small fixed index.
 *
 * The index is built once, at the first input, in a directory of its own
 * under $TMPDIR (removed at exit), from a few documents of corpus/ in both
 * scripts: two .txt notices (Traditional, Simplified), the HTML notice
 * (with its table, which gives records) and the JSON Lines records. It is
 * then reopened read only, as gongwen-search opens it. Each input is
 *   - parsed and run as gongwen-search runs it (the document-at-a-time plan
 *     where it applies), its hits' ids, records and snippets read and the
 *     first one explained; every hit must hold a part of the query in its
 *     stored text (gw_highlight), so that a false hit is caught;
 *   - run again on the general plan: the same error, or the same total and
 *     the same hits with the same scores to the last bit (tests/test_plans.c
 *     holds the two plans to that);
 *   - run with what needs the stored records (a facet, the date order, an
 *     offset) and the norms checked against the lens entries.
 * Refusals (a bad query, one past a limit of gw_limits.h) are answers: the
 * error must name something (a message), and come back the same on every
 * plan. Nothing is printed; everything an input allocates is freed.
 * Seeds: tests/fuzz/seeds/query/ (the README's query language, the bench
 * queries, long, wide and deeply nested ones). */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/gw_limits.h"
#include "index/gw_index.h"
#include "read/gw_input.h"
#include "search/gw_search.h"
#include "search/gw_snippet.h"

#ifndef GW_FUZZ_H /* built on its own, without the Makefile's -include gw_fuzz.h */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define GW_FUZZ_CHECK(cond)          \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)
#endif

#include "fuzz_index.h"

/* The field id of "title" (0 if none), as gongwen-search finds it. */
static unsigned title_fid(const gw_results *r)
{
	for (unsigned f = 1; *gw_results_field_name(r, f); f++)
		if (strcmp(gw_results_field_name(r, f), "title") == 0)
			return f;
	return 0;
}

/* 1 if some field of rec holds a part of q that is not negated: what
 * every hit must (gw_highlight checks every element of a part on the
 * stored text, the index only where its postings say). */
static int holds(const gw_query *q, const gw_record *rec)
{
	gw_ranges rs;
	gw_err err;
	size_t n;

	memset(&rs, 0, sizeof rs);
	gw_err_clear(&err);
	for (unsigned k = 0; k < rec->nf; k++)
		if (rec->text[k])
			GW_FUZZ_CHECK(gw_highlight(ix, q, rec->text[k], rec->text_len[k], &rs, &err) == GW_OK);
	n = rs.n;
	gw_ranges_free(&rs);
	return n > 0;
}

/* Reads what the output formats read of r's hits; no hit is false. */
static void read_hits(gw_results *r)
{
	gw_snippet sn;
	gw_buf ex = GW_BUF_INIT;
	gw_err err;

	memset(&sn, 0, sizeof sn);
	for (size_t i = 0; i < gw_results_count(r); i++) {
		const char *id;
		size_t len;
		gw_record rec;
		gw_err_clear(&err);
		GW_FUZZ_CHECK(gw_results_id(r, i, &id, &len, &err) == GW_OK && len > 0);
		GW_FUZZ_CHECK(gw_results_record(r, i, &rec, &err) == GW_OK);
		GW_FUZZ_CHECK(holds(gw_results_query(r), &rec));
		gw_snippet_free(&sn);
		memset(&sn, 0, sizeof sn);
		GW_FUZZ_CHECK(gw_snippet_make(ix, gw_results_query(r), &rec, title_fid(r), 90, &sn, &err) == GW_OK);
		for (size_t k = 0; k < sn.matches.n; k++)
			GW_FUZZ_CHECK(sn.matches.r[k].start < sn.matches.r[k].end &&
			              sn.matches.r[k].end <= sn.text.len);
	}
	gw_err_clear(&err);
	if (gw_results_count(r))
		GW_FUZZ_CHECK(gw_results_explain(r, 0, &ex, &err) == GW_OK && ex.len > 0);
	gw_snippet_free(&sn);
	gw_buf_free(&ex);
}

/* Runs the query with o; the rc, and *r (NULL on error). */
static gw_rc search(const uint8_t *data, size_t size, const gw_search_opts *o, gw_results **r,
                    gw_err *err)
{
	gw_rc rc;

	gw_err_clear(err);
	rc = gw_search(ix, (const char *)data, size, o, r, err);
	/* An error has a message; an answer leaves none behind. */
	GW_FUZZ_CHECK(rc == err->rc && (rc ? err->msg[0] != 0 && *r == NULL : err->msg[0] == 0));
	return rc;
}

/* What a search answered (results hold a read transaction, one a thread
 * at a time: copied out before the next). */
typedef struct answer {
	gw_rc rc;
	char msg[sizeof(((gw_err *)0)->msg)];
	size_t total, n;
	gw_hit hits[10];
} answer;

/* Runs the query with o into *ans; reads the hits as the output formats
 * would when read is set. */
static void run(const uint8_t *data, size_t size, const gw_search_opts *o, int read, answer *ans)
{
	gw_results *r = NULL;
	gw_err err;

	memset(ans, 0, sizeof *ans);
	ans->rc = search(data, size, o, &r, &err);
	memcpy(ans->msg, err.msg, sizeof ans->msg);
	if (r) {
		ans->total = gw_results_total(r);
		ans->n = gw_results_count(r);
		GW_FUZZ_CHECK(ans->n <= o->limit && ans->n <= ans->total && gw_results_norm_errors(r) == 0);
		for (size_t i = 0; i < ans->n && i < 10; i++)
			ans->hits[i] = *gw_results_hit(r, i);
		if (read)
			read_hits(r);
		if (o->facet) {
			size_t nf;
			gw_results_facets(r, &nf);
			GW_FUZZ_CHECK(nf <= ans->total);
		}
	}
	gw_results_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int built;
	gw_search_opts o;
	answer a, b;

	if (!built) {
		built = 1;
		GW_FUZZ_CHECK(build("query"));
	}
	memset(&o, 0, sizeof o);
	o.limit = 10;
	o.verify_norms = 1;
	run(data, size, &o, 1, &a);
	o.general_plan = 1;
	run(data, size, &o, 0, &b);
	GW_FUZZ_CHECK(a.rc == b.rc && strcmp(a.msg, b.msg) == 0);
	GW_FUZZ_CHECK(a.total == b.total && a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		GW_FUZZ_CHECK(a.hits[i].docid == b.hits[i].docid && a.hits[i].score == b.hits[i].score);
	if (a.rc != GW_OK)
		return 0;
	/* What needs the stored records: a facet, the date order, an offset,
	 * a type. */
	memset(&o, 0, sizeof o);
	o.limit = 5;
	o.offset = 1;
	o.facet = "source";
	o.sort_date = 1;
	o.verify_norms = 1;
	run(data, size, &o, 1, &b);
	GW_FUZZ_CHECK(b.rc == GW_OK && b.total == a.total);
	o.facet = NULL;
	o.sort_date = 0;
	o.offset = 0;
	o.type = GW_TYPE_RECORD;
	run(data, size, &o, 0, &b);
	GW_FUZZ_CHECK(b.rc == GW_OK && b.total <= a.total);
	return 0;
}
