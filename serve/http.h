/* http: gongwen-serve's HTTP side, on libmicrohttpd (its thread pool, each
 * thread with its own epoll loop): limits, authentication, CORS, headers,
 * the access log; the answers come from handler.c. */
#ifndef GW_SERVE_HTTP_H
#define GW_SERVE_HTTP_H

#include <sys/socket.h>

#include "base/gw_err.h"

typedef struct gw_http_conf {
	struct sockaddr_storage addr; /* where to listen */
	socklen_t addr_len;
	unsigned threads;        /* worker threads */
	unsigned max_conns;      /* connections in all */
	unsigned max_per_client; /* connections from one address */
	unsigned timeout_s;      /* an idle connection is closed after this */
	const char *api_key;     /* NULL: none (loopback only) */
	const char *cors_origin; /* NULL: no CORS headers */
	const char *access_log;  /* NULL: stderr */
} gw_http_conf;

/* Starts serving (the configuration must outlive the server). */
gw_rc gw_http_start(const gw_http_conf *conf, gw_err *err);
/* Stops accepting connections; the requests in flight go on. */
void gw_http_quiesce(void);
/* Requests begun and not yet answered. */
unsigned gw_http_in_flight(void);
/* Closes every connection and ends the worker threads. */
void gw_http_stop(void);
/* Opens the access log again (after logrotate moved it: SIGHUP). */
gw_rc gw_http_reopen_log(gw_err *err);
/* Writes a line to the access log (the server's own messages). */
void gw_http_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
