/* handler: the routes of gongwen-serve and their answers (README
 * "gongwen-serve" has the API with curl examples):
 *   GET /                     the search page (and /app.js, /app.css)
 *   GET|POST /search          hits as gongwen-search --json has them
 *   GET /documents/{id}       one document (a record with its notice)
 *   GET /health, GET /stats
 * Every JSON body starts with "v" (GW_OUT_JSON_V); errors are
 *   {"v":1,"error":{"code":...,"message":...}} ("column" for a bad query).
 * No HTTP library here: http.c hands over a parsed request, and the fuzz
 * harness (tests/fuzz/fuzz_serve.c) does the same. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assets.h"
#include "base/gw_clock.h"
#include "base/gw_path.h"
#include "out/gw_hit_json.h"
#include "read/gw_json.h"
#include "search/gw_search.h"
#include "serve.h"
#include "tools/gw_tools.h"

#define JSON_TYPE "application/json; charset=utf-8"

void gw_response_free(gw_response *rs)
{
	gw_buf_free(&rs->body);
}

void gw_response_error(gw_response *rs, int status, const char *code, const char *msg, size_t column)
{
	gw_buf_reset(&rs->body);
	rs->status = status;
	rs->type = JSON_TYPE;
	gw_buf_printf(&rs->body, "{\"v\":%d,\"error\":{\"code\":\"%s\",\"message\":", GW_OUT_JSON_V, code);
	gw_json_put_string(&rs->body, msg, strlen(msg));
	if (column)
		gw_buf_printf(&rs->body, ",\"column\":%zu", column);
	gw_buf_puts(&rs->body, "}}");
}

/* The answer to a failed lib call: the caller's input (400) or the
 * index (503 while it cannot be read, 500 when damaged). */
static void fail_rc(gw_response *rs, const gw_err *err, const char *code_400)
{
	switch (err->rc) {
	case GW_EINVAL: {
		const char *at = strstr(err->msg, " at column ");
		gw_response_error(rs, 400, code_400, err->msg, at ? strtoul(at + 11, NULL, 10) : 0);
		return;
	}
	case GW_ECORRUPT:
		gw_response_error(rs, 500, "internal", err->msg, 0);
		return;
	default:
		gw_response_error(rs, 503, "unavailable", err->msg, 0);
	}
}

static void ok_json(gw_response *rs)
{
	rs->status = 200;
	rs->type = JSON_TYPE;
	if (!gw_buf_ok(&rs->body))
		gw_response_error(rs, 503, "unavailable", "out of memory", 0);
}

static int name_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* The facet "year": the documents counted by the year of their date, the
 * field "date" (notices) or "_date" (records: their notice's date, which
 * after= and before= filter them by), most frequent first, then the later
 * year. */
typedef struct years {
	struct year {
		int y;
		size_t count;
	} y[GW_SERVE_YEARS_MAX];
	size_t n;
} years;

static void years_add(years *ys, const gw_results *r)
{
	size_t nf;
	const gw_facet *f = gw_results_facets(r, &nf);

	for (size_t i = 0; i < nf; i++) {
		int y = 0;
		size_t k;
		if (f[i].len < 4)
			continue;
		for (k = 0; k < 4 && f[i].value[k] >= '0' && f[i].value[k] <= '9'; k++)
			y = y * 10 + (f[i].value[k] - '0');
		if (k < 4)
			continue;
		for (k = 0; k < ys->n && ys->y[k].y != y; k++)
			;
		if (k == ys->n) {
			if (ys->n == GW_SERVE_YEARS_MAX)
				continue; /* more years than a facet shows */
			ys->y[k].y = y;
			ys->y[ys->n++].count = 0;
		}
		ys->y[k].count += f[i].count;
	}
}

static void put_years(gw_buf *b, years *ys)
{
	for (size_t i = 1; i < ys->n; i++) /* insertion sort: a few dozen years */
		for (size_t k = i; k > 0 && (ys->y[k].count > ys->y[k - 1].count ||
		                             (ys->y[k].count == ys->y[k - 1].count && ys->y[k].y > ys->y[k - 1].y));
		     k--) {
			struct year t = ys->y[k];
			ys->y[k] = ys->y[k - 1];
			ys->y[k - 1] = t;
		}
	gw_buf_putc(b, '{');
	for (size_t i = 0; i < ys->n; i++)
		gw_buf_printf(b, "%s\"%04d\":%zu", i ? "," : "", ys->y[i].y, ys->y[i].count);
	gw_buf_putc(b, '}');
}

static int is_year(const gw_search_req *req, size_t k)
{
	return name_is(req->facet[k], req->facet_len[k], "year");
}

/* The facet field of req's facet k, NUL-terminated in name ("year" is
 * counted on "date", then on "_date"). */
static const char *facet_field(const gw_search_req *req, size_t k, char *name)
{
	if (is_year(req, k))
		return "date";
	memcpy(name, req->facet[k], req->facet_len[k]);
	name[req->facet_len[k]] = 0;
	return name;
}

/* Counts the matches of query by field, into *out (the caller frees). */
static gw_rc count_by(gw_index *ix, const char *query, const gw_search_opts *base, const char *field,
                      gw_results **out, gw_err *err)
{
	gw_search_opts o = *base;

	o.offset = o.limit = 0;
	o.sort_date = 0;
	o.facet = field;
	return gw_search(ix, query, strlen(query), &o, out, err);
}

/* "name":{value:count,...} of facet k of req. *first, if not NULL, is the
 * main search's results, searched with that facet's field: it is freed
 * here (one read snapshot per thread at a time, before other searches). */
static gw_rc put_facet(gw_index *ix, const char *query, const gw_search_opts *base,
                       const gw_search_req *req, size_t k, gw_results **first, gw_buf *b,
                       gw_err *err)
{
	char name[GW_SERVE_NAME_MAX + 1];
	gw_results *r = first ? *first : NULL;

	if (first)
		*first = NULL;
	if (!r && count_by(ix, query, base, facet_field(req, k, name), &r, err))
		return err->rc;
	gw_json_put_string(b, req->facet[k], req->facet_len[k]);
	gw_buf_putc(b, ':');
	if (is_year(req, k)) {
		years ys = {.n = 0};
		years_add(&ys, r);
		gw_results_free(r);
		if (count_by(ix, query, base, "_date", &r, err))
			return err->rc;
		years_add(&ys, r);
		put_years(b, &ys);
	} else {
		gw_json_facet_counts(b, r);
	}
	gw_results_free(r);
	return GW_OK;
}

/* A failed search with filters: the query alone tells whether the error is
 * the user's query (reported with its own columns) or a filter. */
static void fail_search(gw_index *ix, const gw_search_req *req, const gw_err *err, gw_response *rs)
{
	gw_search_opts o = {0};
	gw_results *r;
	gw_err qerr;

	if (err->rc != GW_EINVAL || req->nfilters == 0) {
		fail_rc(rs, err, "bad_query");
		return;
	}
	gw_err_clear(&qerr);
	if (gw_search(ix, req->q, req->q_len, &o, &r, &qerr)) {
		fail_rc(rs, &qerr, "bad_query");
		return;
	}
	gw_results_free(r);
	gw_response_error(rs, 400, "bad_request", err->msg, 0);
}

static void do_search(gw_index *ix, const gw_request *rq, gw_response *rs)
{
	gw_search_req req;
	gw_search_opts o = {0};
	gw_hit_shape shape = {0};
	gw_buf query = GW_BUF_INIT;
	gw_results *r = NULL;
	gw_snippet sn;
	gw_err err;
	char fname[GW_SERVE_NAME_MAX + 1];
	double t0 = gw_now_us() / 1e3;
	gw_buf *b = &rs->body;

	memset(&sn, 0, sizeof sn);
	gw_err_clear(&err);
	if (gw_search_req_parse(rq, &req, &err) || gw_search_req_query(&req, &query, &o.filter_from, &err)) {
		fail_rc(rs, &err, "bad_request");
		goto out;
	}
	o.offset = req.offset;
	o.limit = req.limit;
	o.type = req.type;
	o.after = req.after[0] ? req.after : NULL;
	o.before = req.before[0] ? req.before : NULL;
	o.sort_date = req.sort_date;
	o.total_max = req.total_max;
	o.facet = req.nfacets ? facet_field(&req, 0, fname) : NULL;
	shape.fields = req.nfields ? req.field : NULL;
	shape.nfields = req.nfields;
	shape.no_snippet = req.no_snippet;
	if (gw_search(ix, (const char *)query.p, query.len - 1, &o, &r, &err)) {
		fail_search(ix, &req, &err, rs);
		goto out;
	}
	gw_buf_printf(b, "{\"v\":%d,\"query\":", GW_OUT_JSON_V);
	gw_json_put_string(b, req.q, req.q_len);
	gw_buf_putc(b, ',');
	gw_json_total(b, r);
	gw_buf_printf(b, ",\"offset\":%zu,\"limit\":%zu,\"hits\":[", req.offset, req.limit);
	for (size_t i = 0; i < gw_results_count(r); i++) {
		if (i)
			gw_buf_putc(b, ',');
		if (gw_json_hit(b, ix, r, i, &shape, 0, &sn, &err)) {
			fail_rc(rs, &err, "bad_query");
			goto out;
		}
	}
	gw_buf_puts(b, "],\"facets\":{");
	/* The first facet was counted by the search itself; every other one
	 * takes a search that only counts. */
	if (!req.nfacets) {
		gw_results_free(r);
		r = NULL;
	}
	for (size_t k = 0; k < req.nfacets; k++) {
		if (k)
			gw_buf_putc(b, ',');
		if (put_facet(ix, (const char *)query.p, &o, &req, k, k ? NULL : &r, b, &err)) {
			fail_rc(rs, &err, "bad_query");
			goto out;
		}
	}
	/* time_ms last: it covers the facets' searches too. */
	gw_buf_printf(b, "},\"time_ms\":%.3f}", gw_now_us() / 1e3 - t0);
	ok_json(rs);
out:
	gw_results_free(r);
	gw_snippet_free(&sn);
	gw_buf_free(&query);
	gw_search_req_free(&req);
}

/* GET /documents/{id}: the document, and for a record its notice. */
static void do_document(gw_index *ix, const char *id, size_t len, gw_response *rs)
{
	gw_results *r;
	gw_err err;
	gw_buf notice = GW_BUF_INIT;
	gw_buf *b = &rs->body;
	gw_record rec;

	gw_err_clear(&err);
	if (gw_lookup(ix, id, len, &r, &err)) {
		fail_rc(rs, &err, "bad_request");
		return;
	}
	if (gw_results_count(r) == 0) {
		gw_results_free(r);
		gw_response_error(rs, 404, "not_found", "no document with this id", 0);
		return;
	}
	gw_buf_printf(b, "{\"v\":%d,\"document\":", GW_OUT_JSON_V);
	if (gw_json_doc(b, r, 0, &err) || gw_results_record(r, 0, &rec, &err)) {
		gw_results_free(r);
		fail_rc(rs, &err, "bad_request");
		return;
	}
	if (gw_results_is_record(r, &rec)) {
		size_t n;
		const char *v = gw_results_field(r, &rec, "_notice", &n);
		if (v)
			gw_buf_append(&notice, v, n);
	}
	/* One read snapshot per thread at a time: free this one before the
	 * notice's. */
	gw_results_free(r);
	if (notice.len && gw_buf_ok(&notice) &&
	    gw_lookup(ix, (const char *)notice.p, notice.len, &r, &err) == GW_OK) {
		if (gw_results_count(r)) {
			gw_buf_puts(b, ",\"notice\":");
			if (gw_json_doc(b, r, 0, &err)) {
				gw_results_free(r);
				gw_buf_free(&notice);
				fail_rc(rs, &err, "bad_request");
				return;
			}
		}
		gw_results_free(r);
	}
	gw_buf_free(&notice);
	gw_buf_putc(b, '}');
	ok_json(rs);
}

/* /stats: gw_index_stats_get reads the whole index, so its answer is kept
 * until data.mdb changes (a commit, or another index swapped in). */
static struct {
	pthread_mutex_t lock;
	char path[4096];
	struct stat st;
	gw_buf json;
} stats_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The /stats object; fs is data.mdb's stat (zeroed if it failed), whose
 * time is the last commit's. */
static gw_rc stats_json(gw_index *ix, const char *path, const struct stat *fs, gw_buf *b, gw_err *err)
{
	gw_index_stats st;
	gw_results *r;
	char when[32] = "";

	if (fs->st_mtim.tv_sec) {
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&fs->st_mtim.tv_sec, &tm));
	}
	if (gw_index_stats_get(ix, path, &st, err) || gw_lookup(ix, NULL, 0, &r, err))
		return err->rc;
	gw_buf_printf(b,
	              "{\"v\":%d,\"documents\":%llu,\"notices\":%llu,\"records\":%llu,\"other\":%llu,"
	              "\"terms\":%llu,"
	              "\"bytes\":%llu,\"format\":%llu,\"analyzer\":%llu,\"last_commit\":\"%s\",\"fields\":[",
	              GW_OUT_JSON_V, (unsigned long long)st.docs, (unsigned long long)st.notices,
	              (unsigned long long)st.records, (unsigned long long)st.other, (unsigned long long)st.terms,
	              (unsigned long long)st.file_bytes, (unsigned long long)st.format,
	              (unsigned long long)st.analyzer, when);
	for (unsigned f = 1, first = 1; *gw_results_field_name(r, f); f++) {
		const char *name = gw_results_field_name(r, f);
		if (name[0] == '_')
			continue;
		if (!first)
			gw_buf_putc(b, ',');
		first = 0;
		gw_json_put_string(b, name, strlen(name));
	}
	gw_buf_puts(b, "]}");
	gw_results_free(r);
	return gw_buf_ok(b) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

static void do_stats(gw_index *ix, const char *path, gw_response *rs)
{
	struct stat fs;
	char data[4200];
	gw_err err;

	snprintf(data, sizeof data, "%s/data.mdb", path);
	if (stat(data, &fs) != 0)
		memset(&fs, 0, sizeof fs);
	pthread_mutex_lock(&stats_cache.lock);
	if (stats_cache.json.len && strcmp(stats_cache.path, path) == 0 && same_file(&stats_cache.st, &fs)) {
		gw_buf_append(&rs->body, stats_cache.json.p, stats_cache.json.len);
		pthread_mutex_unlock(&stats_cache.lock);
		ok_json(rs);
		return;
	}
	pthread_mutex_unlock(&stats_cache.lock);
	gw_err_clear(&err);
	if (stats_json(ix, path, &fs, &rs->body, &err)) {
		fail_rc(rs, &err, "bad_request");
		return;
	}
	pthread_mutex_lock(&stats_cache.lock);
	gw_buf_reset(&stats_cache.json);
	gw_buf_append(&stats_cache.json, rs->body.p, rs->body.len);
	snprintf(stats_cache.path, sizeof stats_cache.path, "%s", path);
	stats_cache.st = fs;
	if (!gw_buf_ok(&stats_cache.json))
		gw_buf_free(&stats_cache.json);
	pthread_mutex_unlock(&stats_cache.lock);
	ok_json(rs);
}

const gw_asset *gw_serve_asset(const char *path)
{
	for (size_t i = 0; i < gw_serve_nassets; i++)
		if (strcmp(gw_serve_assets[i].path, path) == 0)
			return &gw_serve_assets[i];
	return NULL;
}

static void do_asset(const gw_asset *a, const gw_request *rq, gw_response *rs)
{
	rs->etag = a->etag;
	rs->type = a->type;
	rs->page = 1;
	if (rq->if_none_match && strcmp(rq->if_none_match, a->etag) == 0) {
		rs->status = 304;
		return;
	}
	rs->status = 200;
	rs->data = a->data;
	rs->data_len = a->len;
}

static int method_is(const gw_request *rq, const char *m) { return strcmp(rq->method, m) == 0; }

static void not_allowed(gw_response *rs, const char *allow)
{
	rs->allow = allow;
	gw_response_error(rs, 405, "method_not_allowed", "method not allowed here", 0);
}

#define DOCS_PREFIX "/documents/"

void gw_serve_handle(gw_index *ix, const char *index_path, const gw_request *rq, gw_response *rs)
{
	const gw_asset *a = gw_serve_asset(rq->path);
	int get = method_is(rq, "GET") || method_is(rq, "HEAD");

	memset(rs, 0, sizeof *rs);
	if (a) {
		if (!get)
			not_allowed(rs, "GET, HEAD");
		else
			do_asset(a, rq, rs);
		return;
	}
	if (strcmp(rq->path, "/health") == 0) {
		if (!get)
			not_allowed(rs, "GET, HEAD");
		else if (!ix)
			gw_response_error(rs, 503, "unavailable", "the index cannot be opened", 0);
		else {
			gw_buf_printf(&rs->body, "{\"v\":%d,\"status\":\"ok\"}", GW_OUT_JSON_V);
			ok_json(rs);
		}
		return;
	}
	if (strcmp(rq->path, "/search") == 0) {
		if (!get && !method_is(rq, "POST"))
			not_allowed(rs, "GET, HEAD, POST");
		else if (!ix)
			gw_response_error(rs, 503, "unavailable", "the index cannot be opened", 0);
		else if (method_is(rq, "POST") && !rq->body)
			gw_response_error(rs, 400, "bad_request", "POST /search needs a JSON body", 0);
		else
			do_search(ix, rq, rs);
		return;
	}
	if (strcmp(rq->path, "/stats") == 0 ||
	    strncmp(rq->path, DOCS_PREFIX, sizeof DOCS_PREFIX - 1) == 0) {
		if (!get)
			not_allowed(rs, "GET, HEAD");
		else if (!ix)
			gw_response_error(rs, 503, "unavailable", "the index cannot be opened", 0);
		else if (rq->path[1] == 's')
			do_stats(ix, index_path, rs);
		else
			do_document(ix, rq->path + sizeof DOCS_PREFIX - 1,
			            rq->path_len - (sizeof DOCS_PREFIX - 1), rs);
		return;
	}
	gw_response_error(rs, 404, "not_found", "no such path (/, /search, /documents/ID, /health, /stats)", 0);
}
