/* serve: what the parts of gongwen-serve share.
 *
 * A request travels: http.c (libmicrohttpd: the connection, the headers,
 * the body, limits) → handler.c (routes and answers, knowing nothing of
 * HTTP libraries, so that the fuzz harness drives it as the server does)
 * → params.c (the query parameters or JSON body of a search) → lib/ (the
 * search itself and the JSON of its hits, out/gw_hit_json.h). gens.c keeps
 * the index open and follows it when gongwen-index swaps in a new one;
 * main.c reads the options, starts and stops the server. */
#ifndef GW_SERVE_H
#define GW_SERVE_H

#include <stddef.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "index/gw_index.h"

/* Limits of what a request may carry (README "gongwen-serve"). URI and
 * headers are bounded together by libmicrohttpd's memory per connection. */
#define GW_SERVE_BODY_MAX (64 * 1024)      /* POST body bytes (else 413) */
#define GW_SERVE_URI_MAX 8192              /* request target bytes (else 414) */
#define GW_SERVE_CONN_MEMORY (32 * 1024)   /* request line + headers (else 431) */
#define GW_SERVE_LIMIT_MAX 1000            /* hits in one response */
#define GW_SERVE_OFFSET_MAX 100000         /* hits skipped (deep paging) */
#define GW_SERVE_FACETS_MAX 8              /* facet fields in one search */
#define GW_SERVE_FILTERS_MAX 32            /* filter=FIELD:VALUE in one search */
#define GW_SERVE_FIELDS_MAX 64             /* names in fields= */
#define GW_SERVE_NAME_MAX 256              /* bytes of one field name */
#define GW_SERVE_ARGS_MAX 128              /* query parameters in one request */
#define GW_SERVE_YEARS_MAX 200             /* years the facet "year" shows */

/* One query parameter or header, decoded; not NUL-terminated. */
typedef struct gw_kv {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
} gw_kv;

/* A request as the handler sees it: the HTTP library has parsed it, and
 * decoded the path and the query parameters. */
typedef struct gw_request {
	const char *method;     /* "GET", "POST", ... */
	const char *path;       /* decoded, NUL-terminated, starts with '/' */
	size_t path_len;        /* may hold a NUL (from %00) before its end */
	const gw_kv *args;      /* the query parameters in order */
	size_t nargs;
	const char *body;       /* POST body (NULL: none) */
	size_t body_len;
	const char *if_none_match; /* the header, or NULL */
} gw_request;

/* A response: a status, a content type and a body, either built (body) or
 * static (data, an embedded asset). */
typedef struct gw_response {
	int status;
	const char *type;       /* Content-Type */
	gw_buf body;            /* owned; free with gw_response_free */
	const void *data;       /* static body instead of body (NULL: none) */
	size_t data_len;
	const char *etag;       /* for a static body */
	const char *allow;      /* 405: the methods the path takes */
	int page;               /* 1: the search page (gets the page's CSP) */
} gw_response;

void gw_response_free(gw_response *rs);

/* Makes rs the JSON error answer {"v":1,"error":{"code","message"}} with
 * the status (column > 0 adds "column": a bad query's). The one shape of
 * every error, whether the handler or the HTTP side refuses. */
void gw_response_error(gw_response *rs, int status, const char *code, const char *msg, size_t column);

struct gw_asset;
/* The embedded page file served at path (assets.h), or NULL. */
const struct gw_asset *gw_serve_asset(const char *path);

/* Answers rq from ix (a view the calling thread owns, or NULL when the
 * index cannot be opened: 503 for what needs it). Never fails: a bad
 * request gets its error response. */
void gw_serve_handle(gw_index *ix, const char *index_path, const gw_request *rq, gw_response *rs);

/* What /search takes, from the query parameters or a JSON body. Strings
 * point into the request or into buf. */
typedef struct gw_search_req {
	const char *q;
	size_t q_len;
	size_t limit, offset;
	int type;               /* GW_TYPE_* */
	char after[16], before[16]; /* "" or an ISO date */
	int sort_date;
	int no_snippet;         /* snippet=false */
	size_t total_max;       /* total=: gw_search_opts.total_max (0: default) */
	const char *facet[GW_SERVE_FACETS_MAX];
	size_t facet_len[GW_SERVE_FACETS_MAX];
	size_t nfacets;
	const char *field[GW_SERVE_FIELDS_MAX]; /* NUL-terminated copies in buf */
	size_t nfields;
	const char *filter[GW_SERVE_FILTERS_MAX]; /* FIELD:VALUE */
	size_t filter_len[GW_SERVE_FILTERS_MAX];
	size_t nfilters;
	gw_buf buf;             /* owned copies (free with gw_search_req_free) */
	struct gw_body_store *body_store; /* the parsed JSON body (owned) */
} gw_search_req;

/* Fills req from rq's query parameters (GET) or its JSON body (POST).
 * Errors: GW_EINVAL with a message naming the parameter ("bad limit: ...
 * (0 to 1000)"); GW_ENOMEM. */
gw_rc gw_search_req_parse(const gw_request *rq, gw_search_req *req, gw_err *err);
void gw_search_req_free(gw_search_req *req);

/* The query that runs, NUL-terminated: q, and each filter as a part
 * FIELD:"VALUE" the hits must have; *filter_from is where the filters
 * begin (gw_search_opts.filter_from: they are not scored). Errors:
 * GW_EINVAL for a filter without a field or value, or with a '"' in it. */
gw_rc gw_search_req_query(const gw_search_req *req, gw_buf *out, size_t *filter_from, gw_err *err);

#endif
