/* test_api_example: the public C API (gongwen.h) used the way a program
 * outside the library would: this file includes only gongwen.h and
 * standard headers. It indexes corpus/ with the real gongwen-index of
 * $GW_BUILD (default build) into a temporary directory, then searches it
 * through the API and checks facts about the bundled notices: both scripts
 * find the same documents, fields and snippets are readable, paging and
 * filters agree with the totals, and errors come with messages. Run from
 * the repository root (make test does). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gongwen.h"
#include "gw_test.h"

#define NOTICE_73 "corpus/notice-2020-73.txt"
#define MAX_IDS 64

static char ix_path[512];   /* the index, "" if it could not be built */
static gongwen *db;

typedef struct idlist {
	char id[MAX_IDS][128];
	size_t n;
} idlist;

/* Runs gongwen-index on corpus/ into a fresh temporary directory. */
static int build_index(char *dir, size_t dirlen)
{
	const char *b = getenv("GW_BUILD");
	char cmd[1024];

	snprintf(dir, dirlen, "%s", "/tmp/gw-api-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(ix_path, sizeof ix_path, "%s/index", dir);
	/* Exit 1 (some input rejected) still leaves an index of the rest. */
	snprintf(cmd, sizeof cmd, "'%s/gongwen-index' -q -i '%s' corpus/ 2>/dev/null; [ $? -le 1 ]",
	         b && *b ? b : "build", ix_path);
	return system(cmd) == 0 ? 0 : -1;
}

/* The ids of the hits of res into ids. */
static void collect_ids(gongwen_results *res, idlist *ids)
{
	ids->n = 0;
	for (size_t i = 0; i < gongwen_results_count(res) && ids->n < MAX_IDS; i++) {
		size_t n;
		const char *id = gongwen_hit_id(res, i, &n);
		if (id && n < sizeof ids->id[0])
			snprintf(ids->id[ids->n++], sizeof ids->id[0], "%.*s", (int)n, id);
	}
}

/* The ids of all hits of query (limit 100) into ids; returns the total, or
 * -1 if the search failed. */
static long search_ids(const char *query, idlist *ids)
{
	gongwen_options o;
	gongwen_results *res;
	long total;

	gongwen_options_init(&o);
	o.limit = 100;
	ids->n = 0;
	if (gongwen_search(db, query, &o, &res) != GONGWEN_OK)
		return -1;
	collect_ids(res, ids);
	total = (long)gongwen_results_total(res);
	gongwen_results_free(res);
	return total;
}

/* Whether s[0..n) contains the NUL-terminated w. */
static int contains(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (size_t k = 0; k + wl <= n; k++)
		if (memcmp(s + k, w, wl) == 0)
			return 1;
	return 0;
}

static int has_id(const idlist *ids, const char *id)
{
	for (size_t i = 0; i < ids->n; i++)
		if (strcmp(ids->id[i], id) == 0)
			return 1;
	return 0;
}

static void open_missing_index_fails_with_a_message(void)
{
	gongwen *bad = NULL;
	int rc = gongwen_open("/nonexistent/gongwen-api-test", &bad);

	CHECK(rc == GONGWEN_ENOTFOUND);
	CHECK(bad != NULL);
	CHECK(strlen(gongwen_errmsg(bad)) > 0);
	CHECK(strstr(gongwen_errmsg(bad), "/nonexistent/gongwen-api-test") != NULL);
	CHECK(strlen(gongwen_strerror(rc)) > 0);
	gongwen_close(bad);
}

static void simplified_and_traditional_find_the_same(void)
{
	static idlist hans, hant;
	long th = search_ids("众创空间", &hans);
	long tt = search_ids("眾創空間", &hant);

	CHECK(th > 0);
	CHECK(th == tt);
	CHECK(hans.n == (size_t)th && hant.n == (size_t)tt);
	CHECK(has_id(&hans, NOTICE_73));
	CHECK(has_id(&hans, "corpus/notice-sc-2021-15.txt"));
	for (size_t i = 0; i < hans.n; i++)
		CHECK(has_id(&hant, hans.id[i]));
}

/* The index of id among res's hits, or -1. */
static long find_hit(gongwen_results *res, const char *id)
{
	for (size_t i = 0; i < gongwen_results_count(res); i++) {
		size_t n;
		const char *h = gongwen_hit_id(res, i, &n);
		if (h && n == strlen(id) && memcmp(h, id, n) == 0)
			return (long)i;
	}
	return -1;
}

static void stored_fields_are_readable(void)
{
	gongwen_results *res = NULL;
	long i;
	size_t n, nf;
	const char *title, *body;
	int seen_title = 0, seen_body = 0;

	CHECK(gongwen_search(db, "众创空间", NULL, &res) == GONGWEN_OK);
	if (!res)
		return;
	CHECK((i = find_hit(res, NOTICE_73)) >= 0);
	if (i < 0)
		goto out;
	CHECK(gongwen_hit_type(res, (size_t)i) == GONGWEN_TYPE_NOTICE);
	CHECK(gongwen_hit_score(res, (size_t)i) > 0);
	title = gongwen_hit_field(res, (size_t)i, "title", &n);
	CHECK(title && n > 0 && n < 1000);
	CHECK(title && strncmp(title, "科技部關于第三批國家專業化眾創空間備案示范的通知", n) == 0);
	body = gongwen_hit_field(res, (size_t)i, "body", &n);
	CHECK(body && n > 100 && contains(body, n, "專業化眾創空間"));
	CHECK(gongwen_hit_field(res, (size_t)i, "no such field", &n) == NULL && n == 0);
	CHECK(strcmp(gongwen_errmsg(db), "") == 0);
	nf = gongwen_hit_nfields(res, (size_t)i);
	CHECK(nf >= 2);
	for (size_t k = 0; k < nf; k++) {
		const char *name = gongwen_hit_field_name(res, (size_t)i, k);
		CHECK(name != NULL);
		seen_title |= name && strcmp(name, "title") == 0;
		seen_body |= name && strcmp(name, "body") == 0;
	}
	CHECK(seen_title && seen_body);
	CHECK(gongwen_hit_field_name(res, (size_t)i, nf) == NULL);
out:
	gongwen_results_free(res);
}

/* Every range of sn lies inside its text, in order, and spells a or b. */
static void check_ranges(const gongwen_snippet *sn, const char *a, const char *b)
{
	size_t len, start, end, last = 0;
	const char *text = gongwen_snippet_text(sn, &len);

	CHECK(text && strlen(text) == len);
	CHECK(gongwen_snippet_nranges(sn) > 0);
	for (size_t k = 0; k < gongwen_snippet_nranges(sn); k++) {
		CHECK(gongwen_snippet_range(sn, k, &start, &end) == GONGWEN_OK);
		CHECK(last <= start && start < end && end <= len);
		if (!(start < end && end <= len))
			continue;
		CHECK((end - start == strlen(a) && memcmp(text + start, a, end - start) == 0) ||
		      (end - start == strlen(b) && memcmp(text + start, b, end - start) == 0));
		last = end;
	}
	CHECK(gongwen_snippet_range(sn, gongwen_snippet_nranges(sn), &start, &end) == GONGWEN_EINVAL);
}

static void snippet_ranges_lie_inside_the_snippet(void)
{
	gongwen_results *res = NULL;

	CHECK(gongwen_search(db, "眾創空間", NULL, &res) == GONGWEN_OK);
	if (!res)
		return;
	CHECK(gongwen_results_count(res) > 0);
	for (size_t i = 0; i < gongwen_results_count(res); i++) {
		gongwen_snippet *sn = NULL;
		CHECK(gongwen_hit_snippet(res, i, 0, &sn) == GONGWEN_OK);
		if (!sn)
			continue;
		check_ranges(sn, "众创空间", "眾創空間");
		CHECK(strlen(gongwen_snippet_field(sn)) > 0);
		gongwen_snippet_free(sn);
	}
	gongwen_results_free(res);
}

static void offset_and_limit_page_through_the_hits(void)
{
	static idlist all;
	gongwen_options o;
	gongwen_results *res = NULL;
	long total = search_ids("众创空间", &all);
	size_t n;
	const char *id;

	CHECK(total >= 2);
	gongwen_options_init(&o);
	o.offset = 1;
	o.limit = 1;
	CHECK(gongwen_search(db, "众创空间", &o, &res) == GONGWEN_OK);
	if (!res)
		return;
	CHECK(gongwen_results_count(res) == 1);
	CHECK(gongwen_results_total(res) == (size_t)total);
	id = gongwen_hit_id(res, 0, &n);
	CHECK(id && n == strlen(all.id[1]) && memcmp(id, all.id[1], n) == 0);
	CHECK(gongwen_hit_id(res, 1, &n) == NULL);
	CHECK(strlen(gongwen_errmsg(db)) > 0);
	gongwen_results_free(res);
	o.offset = 0;
	o.limit = 0;
	CHECK(gongwen_search(db, "众创空间", &o, &res) == GONGWEN_OK);
	CHECK(res && gongwen_results_count(res) == 0 && gongwen_results_total(res) == (size_t)total);
	gongwen_results_free(res);
}

static size_t total_of(const char *query, int type, const char *after)
{
	gongwen_options o;
	gongwen_results *res = NULL;
	size_t total;

	gongwen_options_init(&o);
	o.type = type;
	o.after = after;
	if (gongwen_search(db, query, &o, &res) != GONGWEN_OK)
		return (size_t)-1;
	total = gongwen_results_total(res);
	gongwen_results_free(res);
	return total;
}

static void type_filters_split_the_total(void)
{
	size_t any = total_of("众创空间", GONGWEN_TYPE_ANY, NULL);
	size_t notices = total_of("众创空间", GONGWEN_TYPE_NOTICE, NULL);
	size_t records = total_of("众创空间", GONGWEN_TYPE_RECORD, NULL);

	CHECK(any != (size_t)-1 && notices != (size_t)-1 && records != (size_t)-1);
	CHECK(notices + records == any);
	CHECK(notices > 0);
}

/* The hits of query (limit 3) with the handle's count limit set to n. */
static long hits_with_limit(size_t n, idlist *ids, size_t *total, int *exact)
{
	gongwen_options o;
	gongwen_results *res = NULL;

	ids->n = 0;
	if (gongwen_set_total_max(db, n) != GONGWEN_OK)
		return -1;
	gongwen_options_init(&o);
	o.limit = 3;
	if (gongwen_search(db, "通知 科技", &o, &res) != GONGWEN_OK)
		return -1;
	collect_ids(res, ids);
	*total = gongwen_results_total(res);
	*exact = gongwen_results_total_exact(res);
	gongwen_results_free(res);
	return (long)ids->n;
}

/* gongwen_set_total_max (API 1.1): past the limit the total is a lower
 * bound (the limit, or the hits kept if more), the hits are the same. */
static void a_count_limit_makes_the_total_a_lower_bound(void)
{
	static idlist all, few;
	size_t total_all = 0, total_few = 0;
	int exact_all = 0, exact_few = 1;

	CHECK(hits_with_limit(SIZE_MAX, &all, &total_all, &exact_all) == 3);
	CHECK(exact_all == 1 && total_all > 3);
	CHECK(hits_with_limit(2, &few, &total_few, &exact_few) == 3);
	CHECK(exact_few == 0 && total_few == 3);
	for (size_t i = 0; i < all.n && i < few.n; i++)
		CHECK(strcmp(all.id[i], few.id[i]) == 0);
	CHECK(gongwen_set_total_max(db, 0) == GONGWEN_EINVAL);
	CHECK(strlen(gongwen_errmsg(db)) > 0);
	CHECK(gongwen_set_total_max(db, 10000) == GONGWEN_OK); /* the default again */
}

static void bad_queries_and_options_are_errors(void)
{
	gongwen_options o;
	gongwen_results *res = (gongwen_results *)&o; /* must be set to NULL */

	CHECK(gongwen_search(db, "，。", NULL, &res) == GONGWEN_EINVAL);
	CHECK(res == NULL);
	CHECK(strlen(gongwen_errmsg(db)) > 0);
	gongwen_options_init(&o);
	o.after = "2020/03";
	CHECK(gongwen_search(db, "众创空间", &o, &res) == GONGWEN_EINVAL);
	CHECK(strstr(gongwen_errmsg(db), "2020/03") != NULL);
	o.after = NULL;
	o.type = 7;
	CHECK(gongwen_search(db, "众创空间", &o, &res) == GONGWEN_EINVAL);
	CHECK(res == NULL);
	CHECK(gongwen_search(db, "众创空间", NULL, &res) == GONGWEN_OK);
	CHECK(strcmp(gongwen_errmsg(db), "") == 0);
	gongwen_results_free(res);
}

static void open_the_corpus_index(void)
{
	CHECK(ix_path[0] != '\0');
	CHECK(gongwen_open(ix_path, &db) == GONGWEN_OK);
	CHECK(db && strcmp(gongwen_errmsg(db), "") == 0);
}

int main(void)
{
	char dir[256], cmd[512];
	int built = build_index(dir, sizeof dir) == 0;

	if (!built)
		ix_path[0] = '\0';
	RUN(open_missing_index_fails_with_a_message);
	RUN(open_the_corpus_index);
	if (built && db && gongwen_errmsg(db)[0] == '\0') {
		RUN(simplified_and_traditional_find_the_same);
		RUN(stored_fields_are_readable);
		RUN(snippet_ranges_lie_inside_the_snippet);
		RUN(offset_and_limit_page_through_the_hits);
		RUN(type_filters_split_the_total);
		RUN(bad_queries_and_options_are_errors);
		RUN(a_count_limit_makes_the_total_a_lower_bound);
	} else {
		/* open_the_corpus_index (or the build) has failed: say what
		 * did not run. */
		const char *why = built ? "the corpus index did not open" : "gongwen-index could not build the corpus index";
		SKIP(simplified_and_traditional_find_the_same, why);
		SKIP(stored_fields_are_readable, why);
		SKIP(snippet_ranges_lie_inside_the_snippet, why);
		SKIP(offset_and_limit_page_through_the_hits, why);
		SKIP(type_filters_split_the_total, why);
		SKIP(bad_queries_and_options_are_errors, why);
		SKIP(a_count_limit_makes_the_total_a_lower_bound, why);
	}
	gongwen_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (dir[0] && system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return TEST_EXIT();
}
