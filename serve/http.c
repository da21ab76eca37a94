/* http: gongwen-serve on libmicrohttpd (http.h).
 *
 * A request's life: the URI log callback sees the raw request target
 * first and makes the request's state (start time, the target for the
 * log); the access handler is called once the headers are in, then once
 * per piece of the body, then once more to answer; the completion
 * callback writes the access log line and frees the state.
 *
 * Limits: libmicrohttpd bounds the request line and headers together by
 * its memory per connection (GW_SERVE_CONN_MEMORY; past it, it answers
 * 414 or 431 itself); a target longer than GW_SERVE_URI_MAX gets 414 here,
 * a body longer than GW_SERVE_BODY_MAX 413 (at once when Content-Length
 * says so, else as soon as it passes the limit). Connections are bounded
 * in all and per client address, and idle ones closed after a timeout, so
 * that slow or idle clients cannot take every slot; with an event loop per
 * thread a slow client holds a slot, not a thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gens.h"
#include "http.h"
#include "serve.h"
#include "text/gw_escape.h"

/* Bytes of the request target kept for the access log. */
#define LOG_TARGET_MAX 1024

static const char page_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
static const char api_csp[] = "default-src 'none'; frame-ancestors 'none'";

static struct MHD_Daemon *daemon_;
static const gw_http_conf *conf_;
static atomic_uint in_flight;
static int log_fd = STDERR_FILENO;

/* One request's state, from its first line to its log line. */
typedef struct rstate {
	struct timespec t0;
	char target[LOG_TARGET_MAX + 1]; /* raw, cut */
	int target_too_long;
	int answered;
	int status;
	size_t bytes;
	gw_buf body;
	int body_too_large;
	char method[16];
} rstate;

static double since_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

void gw_http_log(const char *fmt, ...)
{
	gw_buf line = GW_BUF_INIT;
	va_list ap;

	/* Whatever the line quotes (a target, a message) is shown escaped:
	 * no raw control bytes reach a terminal or a log reader. */
	va_start(ap, fmt);
	gw_escape_vline(&line, fmt, ap);
	va_end(ap);
	if (gw_buf_ok(&line)) {
		ssize_t w = write(log_fd, line.p, line.len); /* O_APPEND: one line, whole */
		(void)w;
	}
	gw_buf_free(&line);
}

gw_rc gw_http_reopen_log(gw_err *err)
{
	int fd;

	if (!conf_ || !conf_->access_log)
		return GW_OK;
	fd = open(conf_->access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return gw_err_set(err, GW_EIO, errno, "cannot open access log '%s': %s", conf_->access_log,
		                  strerror(errno));
	if (log_fd == STDERR_FILENO) {
		log_fd = fd;
		return GW_OK;
	}
	/* dup2 puts the new file under the old number in one step: a line
	 * being written goes wholly to the old file or the new. */
	dup2(fd, log_fd);
	close(fd);
	return GW_OK;
}

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *c)
{
	rstate *st = calloc(1, sizeof *st);
	size_t n = strlen(uri);

	(void)cls;
	(void)c;
	if (!st)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	st->target_too_long = n > GW_SERVE_URI_MAX;
	memcpy(st->target, uri, n < LOG_TARGET_MAX ? n : LOG_TARGET_MAX);
	atomic_fetch_add(&in_flight, 1);
	return st;
}

static void client_address(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, size, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)size);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
	rstate *st = *req_cls;
	char addr[INET6_ADDRSTRLEN + 1];

	(void)cls;
	if (!st)
		return;
	client_address(c, addr, sizeof addr);
	/* time, client, method, target, status, body bytes, milliseconds;
	 * a status of 0: libmicrohttpd answered or the client went away. */
	{
		char when[32];
		time_t now = time(NULL);
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
		gw_http_log("%s %s %s %s%s %d %zu %.3f%s", when, addr, st->method[0] ? st->method : "-",
		            st->target, st->target_too_long ? "…" : "", st->status, st->bytes,
		            since_ms(&st->t0),
		            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
	}
	gw_buf_free(&st->body);
	free(st);
	*req_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

/* The query parameters, decoded by libmicrohttpd, into a growing array. */
typedef struct argv_ {
	gw_kv *kv;
	size_t n, cap;
	int oom;
} argv_;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size)
{
	argv_ *a = cls;

	(void)kind;
	/* One past the limit is enough for the handler to refuse. */
	if (a->n > GW_SERVE_ARGS_MAX)
		return MHD_NO;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		gw_kv *kv = realloc(a->kv, cap * sizeof *kv);
		if (!kv) {
			a->oom = 1;
			return MHD_NO;
		}
		a->kv = kv;
		a->cap = cap;
	}
	a->kv[a->n].key = key;
	a->kv[a->n].key_len = key_size;
	a->kv[a->n].val = value;
	a->kv[a->n].val_len = value ? value_size : 0;
	a->n++;
	return MHD_YES;
}

/* Compares in time that does not depend on where they differ. */
static int same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char d = alen != blen;

	for (size_t i = 0; i < alen; i++)
		d |= (unsigned char)(a[i] ^ b[i % (blen ? blen : 1)]);
	return d == 0;
}

static int authorized(struct MHD_Connection *c)
{
	const char *h;

	if (!conf_->api_key)
		return 1;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	while (*h == ' ')
		h++;
	return same_secret(h, strlen(h), conf_->api_key, strlen(conf_->api_key));
}

static void add_common_headers(struct MHD_Response *r, const gw_response *rs)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy", rs->page ? page_csp : api_csp);
	if (rs->type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->type);
	if (rs->etag) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	} else {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	if (rs->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (conf_->cors_origin) {
		MHD_add_response_header(r, "Access-Control-Allow-Origin", conf_->cors_origin);
		MHD_add_response_header(r, "Vary", "Origin");
	}
}

static enum MHD_Result send_response(struct MHD_Connection *c, rstate *st, gw_response *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rs->data) {
		r = MHD_create_response_from_buffer(rs->data_len, (void *)rs->data, MHD_RESPMEM_PERSISTENT);
		st->bytes = rs->data_len;
	} else {
		/* The buffer goes to libmicrohttpd, which frees it when sent. */
		r = MHD_create_response_from_buffer(rs->body.len, rs->body.p, MHD_RESPMEM_MUST_FREE);
		st->bytes = rs->body.len;
		if (r)
			rs->body = (gw_buf)GW_BUF_INIT;
	}
	if (!r)
		return MHD_NO;
	add_common_headers(r, rs);
	st->status = rs->status;
	st->answered = 1;
	ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	gw_response_free(rs);
	return ret;
}

/* A JSON error answer made here (before the handler). */
static enum MHD_Result send_error(struct MHD_Connection *c, rstate *st, int status, const char *code,
                                  const char *msg)
{
	gw_response rs;

	memset(&rs, 0, sizeof rs);
	gw_response_error(&rs, status, code, msg, 0);
	return send_response(c, st, &rs);
}

static enum MHD_Result preflight(struct MHD_Connection *c, rstate *st)
{
	gw_response rs;

	memset(&rs, 0, sizeof rs);
	rs.status = 204;
	if (conf_->cors_origin) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ret;
		if (!r)
			return MHD_NO;
		add_common_headers(r, &rs);
		MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
		MHD_add_response_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type");
		MHD_add_response_header(r, "Access-Control-Max-Age", "600");
		st->status = 204;
		st->answered = 1;
		ret = MHD_queue_response(c, 204, r);
		MHD_destroy_response(r);
		return ret;
	}
	gw_response_error(&rs, 405, "method_not_allowed", "no CORS on this server (--cors-origin)", 0);
	rs.allow = "GET, HEAD, POST";
	return send_response(c, st, &rs);
}

static enum MHD_Result answer(struct MHD_Connection *c, rstate *st, const char *url, const char *method)
{
	argv_ args = {0};
	gw_request rq;
	gw_response rs;
	gw_err err;
	gw_index *ix;

	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, add_arg, &args);
	if (args.oom) {
		free(args.kv);
		return send_error(c, st, 503, "unavailable", "out of memory");
	}
	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.path = url;
	rq.path_len = strlen(url);
	rq.args = args.kv;
	rq.nargs = args.n;
	if (strcmp(method, "POST") == 0) {
		rq.body = st->body.p ? (const char *)st->body.p : "";
		rq.body_len = st->body.len;
	}
	rq.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	gw_err_clear(&err);
	ix = gw_gens_view(&err);
	gw_serve_handle(ix, gw_gens_path(), &rq, &rs);
	free(args.kv);
	return send_response(c, st, &rs);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_size,
                              void **req_cls)
{
	rstate *st = *req_cls;

	(void)cls;
	(void)version;
	if (!st)
		return MHD_NO; /* out of memory in uri_logged: drop the connection */
	if (st->answered) {
		*upload_size = 0; /* the rest of a refused body */
		return MHD_YES;
	}
	if (!st->method[0]) { /* first call: the headers are in */
		const char *cl;
		snprintf(st->method, sizeof st->method, "%s", method);
		if (st->target_too_long)
			return send_error(c, st, 414, "uri_too_long", "the request target is longer than 8192 bytes");
		if (strcmp(method, "OPTIONS") == 0)
			return preflight(c, st);
		if (!gw_serve_asset(url) && !authorized(c))
			return send_error(c, st, 401, "unauthorized", "this server needs Authorization: Bearer KEY");
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > GW_SERVE_BODY_MAX)
			return send_error(c, st, 413, "too_large", "the body is longer than 65536 bytes");
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->body.len + *upload_size > GW_SERVE_BODY_MAX) {
			*upload_size = 0;
			return send_error(c, st, 413, "too_large", "the body is longer than 65536 bytes");
		}
		gw_buf_append(&st->body, upload_data, *upload_size);
		*upload_size = 0;
		if (!gw_buf_ok(&st->body))
			return send_error(c, st, 503, "unavailable", "out of memory");
		return MHD_YES;
	}
	return answer(c, st, url, method);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	gw_http_log("gongwen-serve: libmicrohttpd: %s", msg);
}

gw_rc gw_http_start(const gw_http_conf *conf, gw_err *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;

	conf_ = conf;
	if (conf->access_log && gw_http_reopen_log(err))
		return err->rc;
	if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
		flags |= MHD_USE_EPOLL;
	else
		flags |= MHD_USE_POLL;
	if (conf->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_ = MHD_start_daemon(
	    flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&conf->addr,
	    MHD_OPTION_THREAD_POOL_SIZE, conf->threads, MHD_OPTION_CONNECTION_LIMIT, conf->max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, conf->max_per_client, MHD_OPTION_CONNECTION_TIMEOUT,
	    conf->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)GW_SERVE_CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_logged, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024,
	    MHD_OPTION_END);
	if (!daemon_)
		return gw_err_set(err, GW_EIO, errno, "cannot listen (address in use, or not this machine's?)");
	return GW_OK;
}

void gw_http_quiesce(void)
{
	if (daemon_) {
		MHD_socket s = MHD_quiesce_daemon(daemon_);
		if (s != MHD_INVALID_SOCKET)
			close(s);
	}
}

unsigned gw_http_in_flight(void) { return atomic_load(&in_flight); }

void gw_http_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
