/* params: the parameters of a search, from the query string of GET /search
 * or the JSON object of POST /search (the same names; in JSON a list may
 * also be an array of strings):
 *   q       the query (gongwen-search's language)          required
 *   limit   hits to return, 0 to GW_SERVE_LIMIT_MAX        default 10
 *   offset  hits to skip, 0 to GW_SERVE_OFFSET_MAX         default 0
 *   type    notice | record | any                          default any
 *   after, before   YYYY, YYYY-MM or YYYY-MM-DD
 *   sort    score | date                                   default score
 *   snippet true | false: each hit's snippet and matches     default true
 *   facet   field names, comma-separated (or repeated)
 *   fields  the stored fields each hit shows, comma-separated
 *   filter  FIELD:VALUE, repeated: parts every hit must have
 *   total   exact | N: matches counted exactly (default GW_TOTAL_DEFAULT;
 *           past it "total" may be a lower bound, "total_relation":"gte")
 * A parameter given twice (other than facet, fields and filter) or one
 * this list does not name is an error, so that a typo does not pass
 * silently as a search without its filter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "read/gw_json.h"
#include "search/gw_search.h"
#include "serve.h"
#include "text/gw_escape.h"

/* The single-valued parameters come before P_FACET (set_param). */
enum { P_Q, P_LIMIT, P_OFFSET, P_TYPE, P_AFTER, P_BEFORE, P_SORT, P_SNIPPET, P_TOTAL, P_FACET, P_FIELDS, P_FILTER, P_N };
static const char *const names[P_N] = {"q",     "limit",   "offset", "type",  "after",  "before",
                                       "sort",  "snippet", "total",  "facet", "fields", "filter"};

static int param_id(const char *k, size_t n)
{
	for (int i = 0; i < P_N; i++)
		if (strlen(names[i]) == n && memcmp(names[i], k, n) == 0)
			return i;
	return -1;
}

static gw_rc bad(gw_err *err, const char *name, const char *v, size_t n, const char *why)
{
	char q[GW_EXCERPT_SIZE];

	return gw_err_set(err, GW_EINVAL, 0, "bad %s '%s' (%s)", name, gw_excerpt(q, v, n), why);
}

/* A decimal number in [0, max]. */
static int parse_count(const char *v, size_t n, size_t max, size_t *out)
{
	size_t x = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (size_t)(v[i] - '0');
	}
	if (x > max)
		return -1;
	*out = x;
	return 0;
}

static int is(const char *v, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(v, word, n) == 0;
}

/* Copies v[0..n) into req->buf with a NUL; returns its offset (the buffer
 * may move: pointers are set once parsing is done). */
static size_t keep(gw_search_req *req, const char *v, size_t n)
{
	size_t at = req->buf.len;

	gw_buf_append(&req->buf, v, n);
	gw_buf_putc(&req->buf, 0);
	return at;
}

static int facet_known(const gw_search_req *req, const char *v, size_t n)
{
	for (size_t i = 0; i < req->nfacets; i++)
		if (req->facet_len[i] == n && memcmp(req->facet[i], v, n) == 0)
			return 1;
	return 0;
}

/* One name of facet= or fields=. Field names are copied into req->buf and
 * kept as offsets in offs[] until the end (the buffer grows); facet names
 * point into the request. */
static gw_rc add_name(gw_search_req *req, int id, const char *v, size_t n, size_t *offs, gw_err *err)
{
	if (n > GW_SERVE_NAME_MAX || memchr(v, 0, n))
		return bad(err, names[id], v, n, "a field name");
	if (id == P_FIELDS) {
		if (req->nfields >= GW_SERVE_FIELDS_MAX)
			return gw_err_set(err, GW_EINVAL, 0, "more than %d fields", GW_SERVE_FIELDS_MAX);
		offs[req->nfields++] = keep(req, v, n);
	} else if (!facet_known(req, v, n)) { /* asked twice: counted once */
		if (req->nfacets >= GW_SERVE_FACETS_MAX)
			return gw_err_set(err, GW_EINVAL, 0, "more than %d facets", GW_SERVE_FACETS_MAX);
		req->facet[req->nfacets] = v;
		req->facet_len[req->nfacets++] = n;
	}
	return GW_OK;
}

/* The names of a comma-separated list (facet=, fields=); empty ones are
 * skipped. */
static gw_rc add_names(gw_search_req *req, int id, const char *v, size_t n, size_t *offs, gw_err *err)
{
	for (size_t at = 0; at <= n;) {
		const char *c = memchr(v + at, ',', n - at);
		size_t end = c ? (size_t)(c - v) : n;
		if (end > at && add_name(req, id, v + at, end - at, offs, err))
			return err->rc;
		at = end + 1;
	}
	return GW_OK;
}

/* One parameter; seen[] catches repeats of the single-valued ones. */
static gw_rc set_param(gw_search_req *req, int id, const char *v, size_t n, int *seen,
                       size_t *field_offs, gw_err *err)
{
	if (id < P_FACET && seen[id]++)
		return gw_err_set(err, GW_EINVAL, 0, "parameter '%s' given twice", names[id]);
	switch (id) {
	case P_Q:
		req->q = v;
		req->q_len = n;
		return GW_OK;
	case P_LIMIT:
		return parse_count(v, n, GW_SERVE_LIMIT_MAX, &req->limit)
		           ? bad(err, "limit", v, n, "0 to 1000")
		           : GW_OK;
	case P_OFFSET:
		return parse_count(v, n, GW_SERVE_OFFSET_MAX, &req->offset)
		           ? bad(err, "offset", v, n, "0 to 100000")
		           : GW_OK;
	case P_TYPE:
		if (is(v, n, "notice"))
			req->type = GW_TYPE_NOTICE;
		else if (is(v, n, "record"))
			req->type = GW_TYPE_RECORD;
		else if (is(v, n, "any") || n == 0)
			req->type = GW_TYPE_ANY;
		else
			return bad(err, "type", v, n, "notice, record or any");
		return GW_OK;
	case P_AFTER:
	case P_BEFORE: {
		char *d = id == P_AFTER ? req->after : req->before;
		if (n == 0)
			return GW_OK;
		if (n >= sizeof req->after || memchr(v, 0, n))
			return bad(err, names[id], v, n, "YYYY, YYYY-MM or YYYY-MM-DD");
		memcpy(d, v, n);
		d[n] = 0;
		return gw_date_valid(d) ? GW_OK : bad(err, names[id], v, n, "YYYY, YYYY-MM or YYYY-MM-DD");
	}
	case P_SORT:
		if (is(v, n, "date"))
			req->sort_date = 1;
		else if (!is(v, n, "score") && n)
			return bad(err, "sort", v, n, "score or date");
		return GW_OK;
	case P_SNIPPET:
		if (is(v, n, "false") || is(v, n, "0"))
			req->no_snippet = 1;
		else if (!is(v, n, "true") && !is(v, n, "1"))
			return bad(err, "snippet", v, n, "true or false");
		return GW_OK;
	case P_TOTAL:
		if (is(v, n, "exact"))
			req->total_max = SIZE_MAX;
		else if (parse_count(v, n, 999999999, &req->total_max) || req->total_max == 0)
			return bad(err, "total", v, n, "exact, or a number from 1");
		return GW_OK;
	case P_FACET:
	case P_FIELDS:
		return add_names(req, id, v, n, field_offs, err);
	default: /* P_FILTER */
		if (n == 0)
			return GW_OK;
		if (req->nfilters >= GW_SERVE_FILTERS_MAX)
			return gw_err_set(err, GW_EINVAL, 0, "more than %d filters", GW_SERVE_FILTERS_MAX);
		req->filter[req->nfilters] = v;
		req->filter_len[req->nfilters++] = n;
		return GW_OK;
	}
}

static gw_rc unknown(gw_err *err, const char *k, size_t n)
{
	char q[GW_EXCERPT_SIZE];

	return gw_err_set(err, GW_EINVAL, 0,
	                  "unknown parameter '%s' (q, limit, offset, type, after, before, sort, "
	                  "snippet, total, facet, fields, filter)",
	                  gw_excerpt(q, k, n));
}

static gw_rc from_args(const gw_request *rq, gw_search_req *req, int *seen, size_t *offs,
                       gw_err *err)
{
	if (rq->nargs > GW_SERVE_ARGS_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "more than %d parameters", GW_SERVE_ARGS_MAX);
	for (size_t i = 0; i < rq->nargs; i++) {
		const gw_kv *a = &rq->args[i];
		int id = param_id(a->key, a->key_len);
		if (id < 0)
			return unknown(err, a->key, a->key_len);
		if (set_param(req, id, a->val ? a->val : "", a->val ? a->val_len : 0, seen, offs, err))
			return err->rc;
	}
	return GW_OK;
}

/* A JSON member's value as the text a query parameter would have: a
 * string as it is, a number as its digits; arrays are taken apart by the
 * caller. */
static gw_rc json_scalar(const gw_json_member *m, int id, gw_err *err)
{
	if (m->type == GW_JSON_STRING || (m->type == GW_JSON_NUMBER && (id == P_LIMIT || id == P_OFFSET)) ||
	    (m->type == GW_JSON_BOOL && id == P_SNIPPET))
		return GW_OK;
	if (m->type == GW_JSON_NULL)
		return GW_OK;
	return gw_err_set(err, GW_EINVAL, 0, "bad %s in the body: expected %s", names[id],
	                  id == P_LIMIT || id == P_OFFSET ? "a number"
	                  : id == P_SNIPPET             ? "true or false"
	                                                : "a string");
}

/* The parsed body: the request's parameters point into it, so the req
 * owns it until gw_search_req_free. One parser per array member (facet,
 * fields, filter: three at most). */
#define BODY_ARRAYS_MAX 3
struct gw_body_store {
	gw_json_obj obj, arr[BODY_ARRAYS_MAX];
};

static gw_rc from_body(const gw_request *rq, gw_search_req *req, int *seen, size_t *offs,
                       gw_json_obj *obj, gw_json_obj *arr, size_t *arr_used, gw_err *err)
{
	gw_rc rc = gw_json_parse_object(obj, rq->body, rq->body_len, err);

	if (rc)
		return rc;
	if (obj->n > GW_SERVE_ARGS_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "more than %d parameters", GW_SERVE_ARGS_MAX);
	for (size_t i = 0; i < obj->n; i++) {
		const gw_json_member *m = &obj->m[i];
		int id = param_id(m->key, m->key_len);
		if (id < 0)
			return unknown(err, m->key, m->key_len);
		if (m->type == GW_JSON_ARRAY && id >= P_FACET) {
			/* Each array gets a parser of its own: its elements must
			 * outlive the next array. */
			gw_json_obj *a;
			if (*arr_used >= BODY_ARRAYS_MAX)
				return gw_err_set(err, GW_EINVAL, 0, "more than %d arrays in the body",
				                  BODY_ARRAYS_MAX);
			a = &arr[(*arr_used)++];
			if ((rc = gw_json_parse_array(a, m->val, m->val_len, err)))
				return rc;
			for (size_t k = 0; k < a->n; k++) {
				if (a->m[k].type != GW_JSON_STRING)
					return gw_err_set(err, GW_EINVAL, 0, "bad %s in the body: expected strings",
					                  names[id]);
				if ((rc = set_param(req, id, a->m[k].val, a->m[k].val_len, seen, offs, err)))
					return rc;
			}
			continue;
		}
		if ((rc = json_scalar(m, id, err)))
			return rc;
		if (m->type == GW_JSON_NULL)
			continue;
		if ((rc = set_param(req, id, m->val, m->val_len, seen, offs, err)))
			return rc;
	}
	return GW_OK;
}

gw_rc gw_search_req_parse(const gw_request *rq, gw_search_req *req, gw_err *err)
{
	int seen[P_N] = {0};
	size_t offs[GW_SERVE_FIELDS_MAX];
	gw_rc rc;

	memset(req, 0, sizeof *req);
	req->limit = 10;
	if (rq->body) {
		struct gw_body_store *bs = calloc(1, sizeof *bs);
		size_t used = 0;
		if (!bs)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		gw_json_obj_init(&bs->obj);
		for (int i = 0; i < BODY_ARRAYS_MAX; i++)
			gw_json_obj_init(&bs->arr[i]);
		req->body_store = bs;
		rc = from_body(rq, req, seen, offs, &bs->obj, bs->arr, &used, err);
	} else {
		rc = from_args(rq, req, seen, offs, err);
	}
	if (rc)
		return rc;
	if (!gw_buf_ok(&req->buf))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < req->nfields; i++)
		req->field[i] = (const char *)req->buf.p + offs[i];
	if (!req->q)
		return gw_err_set(err, GW_EINVAL, 0, "no query: give q");
	return GW_OK;
}

void gw_search_req_free(gw_search_req *req)
{
	struct gw_body_store *bs = req->body_store;

	if (bs) {
		gw_json_obj_free(&bs->obj);
		for (int i = 0; i < BODY_ARRAYS_MAX; i++)
			gw_json_obj_free(&bs->arr[i]);
		free(bs);
	}
	gw_buf_free(&req->buf);
	req->body_store = NULL;
}

gw_rc gw_search_req_query(const gw_search_req *req, gw_buf *out, size_t *filter_from, gw_err *err)
{
	char q[GW_EXCERPT_SIZE];

	if (req->nfilters == 0) {
		gw_buf_append(out, req->q, req->q_len);
	} else {
		/* The user's query grouped, so that its OR does not take the
		 * filters in: "(a OR b) f:"v"". */
		gw_buf_putc(out, '(');
		gw_buf_append(out, req->q, req->q_len);
		gw_buf_putc(out, ')');
	}
	*filter_from = req->nfilters ? out->len : 0;
	for (size_t i = 0; i < req->nfilters; i++) {
		const char *f = req->filter[i];
		size_t n = req->filter_len[i];
		const char *colon = memchr(f, ':', n);
		if (!colon || colon == f || colon + 1 == f + n)
			return gw_err_set(err, GW_EINVAL, 0, "bad filter '%s' (FIELD:VALUE)", gw_excerpt(q, f, n));
		if (memchr(f, '"', n) || memchr(f, 0, n))
			return gw_err_set(err, GW_EINVAL, 0, "bad filter '%s' (no '\"' in a filter)",
			                  gw_excerpt(q, f, n));
		/* The field is one name: a space or a bracket would make the
		 * rest of it parts or groups of the query. */
		for (const char *c = f; c < colon; c++)
			if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '(' || *c == ')')
				return gw_err_set(err, GW_EINVAL, 0, "bad filter '%s' (a field name without spaces or brackets)",
				                  gw_excerpt(q, f, n));
		gw_buf_putc(out, ' ');
		gw_buf_append(out, f, (size_t)(colon - f) + 1);
		gw_buf_putc(out, '"');
		gw_buf_append(out, colon + 1, n - (size_t)(colon - f) - 1);
		gw_buf_putc(out, '"');
	}
	gw_buf_putc(out, 0);
	return gw_buf_ok(out) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}
