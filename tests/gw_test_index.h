/* gw_test_index: helpers for tests that build a small index and look at
 * what queries find. It includes gw_test.h (CHECK) and the index headers.
 *
 * Scratch space (gw_test.h: gw_t_scratch_make): gw_t_fresh_path() names a
 * new index directory in it. Helpers print the error of a
 * failed call to stderr; the ones that assert (begin, commit) do so with
 * CHECK, so they count only inside a RUN case. */
#ifndef GW_TEST_INDEX_H
#define GW_TEST_INDEX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/gw_check.h"
#include "index/gw_index.h"
#include "search/gw_search.h"
#include "gw_test.h"

/* Marks the stats of a commit that failed (added and replaced). */
#define GW_T_FAILED 999999

/* A new index directory path under the scratch directory (not created;
 * valid until the next call). */
static inline const char *gw_t_fresh_path(void)
{
	static char path[128];
	static int n;

	snprintf(path, sizeof path, "%s/ix%d", gw_t_scratch(), n++);
	return path;
}

/* The index at path opened with flags (GW_OPEN_*), NULL on error. */
static inline gw_index *gw_t_open(const char *path, int flags)
{
	gw_index *ix = NULL;
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_open(&ix, path, flags, &err))
		fprintf(stderr, "  open: %s\n", err.msg);
	return ix;
}

/* A new empty index at a fresh path. */
static inline gw_index *gw_t_open_new(void)
{
	return gw_t_open(gw_t_fresh_path(), GW_OPEN_CREATE);
}

/* A field of a document: name and text. */
typedef struct gw_t_kv {
	const char *k, *v;
} gw_t_kv;

/* Puts document id with fields f (ended by {NULL, NULL}; at most 16). */
static inline gw_rc gw_t_put_kv(gw_index *ix, const char *id, const gw_t_kv *f)
{
	gw_field fs[16];
	size_t n = 0;
	gw_doc d;
	gw_err err;
	gw_rc rc;

	for (; f[n].k; n++) {
		if (n == 16) {
			fprintf(stderr, "  put %s: too many fields\n", id);
			return GW_EINVAL;
		}
		fs[n].name = f[n].k;
		fs[n].name_len = strlen(f[n].k);
		fs[n].val = f[n].v;
		fs[n].val_len = strlen(f[n].v);
	}
	d.id = id;
	d.id_len = strlen(id);
	d.fields = fs;
	d.nfields = n;
	gw_err_clear(&err);
	rc = gw_index_put(ix, &d, &err);
	if (rc)
		fprintf(stderr, "  put %s: %s\n", id, err.msg);
	return rc;
}

/* Puts document id with a "title" and a "body". */
static inline gw_rc gw_t_put(gw_index *ix, const char *id, const char *title, const char *body)
{
	gw_t_kv f[] = {{"title", title}, {"body", body}, {NULL, NULL}};

	return gw_t_put_kv(ix, id, f);
}

/* Starts a batch: CHECKs that it did; 1 if it did. */
static inline int gw_t_begin(gw_index *ix)
{
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	rc = gw_index_begin(ix, &err);
	if (rc)
		fprintf(stderr, "  begin: %s\n", err.msg);
	CHECK(rc == GW_OK);
	return rc == GW_OK;
}

/* Commits the batch, with gw_index_commit_pruning(src, n) if prune, else
 * with gw_index_commit; CHECKs that it did. On error added and replaced
 * are GW_T_FAILED. */
static inline gw_batch_stats gw_t_commit_as(gw_index *ix, int prune, const char *const *src, size_t n)
{
	gw_batch_stats st;
	gw_err err;
	gw_rc rc;

	memset(&st, 0, sizeof st);
	gw_err_clear(&err);
	rc = prune ? gw_index_commit_pruning(ix, src, n, &st, &err) : gw_index_commit(ix, &st, &err);
	if (rc) {
		fprintf(stderr, "  commit: %s\n", err.msg);
		st.added = st.replaced = GW_T_FAILED;
	}
	CHECK(rc == GW_OK);
	return st;
}

/* Commits the batch (gw_index_commit); see gw_t_commit_as. */
static inline gw_batch_stats gw_t_commit(gw_index *ix)
{
	return gw_t_commit_as(ix, 0, NULL, 0);
}

/* Commits the batch pruning sources src[0..n) (gw_index_commit_pruning). */
static inline gw_batch_stats gw_t_commit_pruning(gw_index *ix, const char *const *src, size_t n)
{
	return gw_t_commit_as(ix, 1, src, n);
}

/* 1 if gw_index_check finds the index consistent. */
static inline int gw_t_check_ok(gw_index *ix)
{
	gw_check_report rep;
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_check(ix, &rep, &err)) {
		fprintf(stderr, "  %s\n", err.msg);
		return 0;
	}
	return 1;
}

/* For a program whose cases share one index: a new index at a fresh path
 * with a batch begun; NULL (and a line "FAIL setup") on error. */
static inline gw_index *gw_t_setup_begin(void)
{
	gw_index *ix = gw_t_open_new();

	if (!ix || !gw_t_begin(ix)) {
		printf("FAIL setup\n");
		return NULL;
	}
	return ix;
}

/* Commits the batch of gw_t_setup_begin and checks the index; 0 (and a
 * line "FAIL setup") on error. */
static inline int gw_t_setup_commit(gw_index *ix)
{
	if (gw_t_commit(ix).added == GW_T_FAILED || !gw_t_check_ok(ix)) {
		printf("FAIL setup\n");
		return 0;
	}
	return 1;
}

/* Number of live documents; UINT64_MAX on error. */
static inline uint64_t gw_t_count(gw_index *ix)
{
	uint64_t n = 0;
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_count(ix, &n, &err)) {
		fprintf(stderr, "  count: %s\n", err.msg);
		return UINT64_MAX;
	}
	return n;
}

/* The ids of the hits of q under o (NULL: defaults, limit 100),
 * space-separated, in result order ("" if none, "ERROR msg" on error).
 * Valid until the next call. */
static inline const char *gw_t_hits(gw_index *ix, const char *q, const gw_search_opts *o)
{
	static char out[4096];
	gw_search_opts def;
	gw_results *r;
	gw_err err;

	if (!o) {
		memset(&def, 0, sizeof def);
		def.limit = 100;
		o = &def;
	}
	out[0] = 0;
	gw_err_clear(&err);
	if (gw_search(ix, q, strlen(q), o, &r, &err)) {
		snprintf(out, sizeof out, "ERROR %s", err.msg);
		return out;
	}
	for (size_t i = 0; i < gw_results_count(r); i++) {
		gw_record rec;
		if (gw_results_record(r, i, &rec, &err) == GW_OK)
			snprintf(out + strlen(out), sizeof out - strlen(out), "%s%.*s", i ? " " : "",
			         (int)rec.id_len, rec.id);
	}
	gw_results_free(r);
	return out;
}

/* What one search answered, copied out of its results (results hold a
 * read transaction: one search at a time per thread). ok is 0 if the
 * search failed. */
typedef struct gw_t_answer {
	int ok, direct;
	size_t total, scored, unread, norm_errors, n;
	gw_hit hits[1000]; /* the first n (at most 1000) hits */
} gw_t_answer;

static inline void gw_t_answer_of(gw_index *ix, const char *q, const gw_search_opts *o, gw_t_answer *a)
{
	gw_results *r = NULL;
	gw_err err;

	memset(a, 0, sizeof *a);
	gw_err_clear(&err);
	if (gw_search(ix, q, strlen(q), o, &r, &err) != GW_OK) {
		fprintf(stderr, "  search '%s': %s\n", q, err.msg);
		return;
	}
	a->ok = 1;
	a->direct = gw_results_direct(r);
	a->total = gw_results_total(r);
	a->scored = gw_results_scored(r);
	a->unread = gw_results_unread(r);
	a->norm_errors = gw_results_norm_errors(r);
	for (a->n = 0; a->n < gw_results_count(r) && a->n < 1000; a->n++)
		a->hits[a->n] = *gw_results_hit(r, a->n);
	gw_results_free(r);
}

static inline int gw_t_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hits of q under o as a set: ids sorted by name, space-separated
 * ("ERROR msg" on error, as gw_t_hits). Valid until the next call. */
static inline const char *gw_t_hit_set(gw_index *ix, const char *q, const gw_search_opts *o)
{
	static char out[4096];
	char copy[4096], *ids[256], *save = NULL, *tok;
	int n = 0;

	snprintf(copy, sizeof copy, "%s", gw_t_hits(ix, q, o));
	if (strncmp(copy, "ERROR ", 6) == 0) {
		memcpy(out, copy, sizeof out);
		return out;
	}
	for (tok = strtok_r(copy, " ", &save); tok && n < 256; tok = strtok_r(NULL, " ", &save))
		ids[n++] = tok;
	qsort(ids, (size_t)n, sizeof ids[0], gw_t_cmp_str);
	out[0] = 0;
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", ids[i]);
	return out;
}

#endif
