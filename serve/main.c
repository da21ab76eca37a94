/* gongwen-serve: serves one index over HTTP: a JSON API and a search page
 * (README "gongwen-serve").
 *
 * The main thread only starts the server and then waits for signals:
 * SIGTERM or SIGINT stop it gracefully (no new connections; the requests
 * in flight finish, for up to GW_SERVE_DRAIN_S seconds), SIGHUP reopens the
 * access log. Once a second it looks whether another index was swapped in
 * (gens.c), and once a minute it frees the reader slots of dead processes.
 *
 * Exit status: 0 after a signal, 2 on error (one line on stderr). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/gw_buf.h"
#include "base/gw_opts.h"
#include "base/gw_path.h"
#include "out/gw_print.h"
#include "gens.h"
#include "http.h"
#include "serve.h"
#include "text/gw_escape.h"

#define PROG "gongwen-serve"
#define GW_SERVE_PORT_DEFAULT 7700
#define GW_SERVE_DRAIN_S 10     /* seconds the requests in flight get at a stop */
#define GW_SERVE_THREADS_MAX 256

/* The usage lines and the text around the options' help (the options
 * table below holds the rest); gongwen-serve(1) shows the same lines, and
 * tests/check_options.sh compares them. */
static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [--listen ADDR:PORT] [--threads N] [--api-key KEY]\n"
    "                     [--cors-origin ORIGIN] [--access-log FILE] [LIMITS]\n"
    "\n"
    "Serves the index over HTTP: a search page at / and a JSON API\n"
    "(/search, /documents/ID, /health, /stats). LIMITS: --max-connections,\n"
    "--max-per-client, --timeout.\n"
    "\n";

static const char usage_end[] =
    "\nSIGTERM or SIGINT stop it after the requests in flight.\n"
    "Exit status: 0 stopped by a signal, 2 error.\n";

enum {
	OPT_INDEX = 1, OPT_LISTEN, OPT_THREADS, OPT_API_KEY, OPT_CORS_ORIGIN, OPT_ACCESS_LOG,
	OPT_MAX_CONNECTIONS, OPT_MAX_PER_CLIENT, OPT_TIMEOUT, OPT_VERSION, OPT_HELP
};

/* Every option gongwen-serve takes: the parser and --help both come from
 * here (gw_opts.h). */
static const gw_opt option_table[] = {
    {OPT_INDEX, "-i", "INDEX",
     "the index (default: $GONGWEN_INDEX, else $XDG_DATA_HOME/gongwen/index, else "
     "~/.local/share/gongwen/index)"},
    {OPT_LISTEN, "--listen", "ADDR:PORT", "where to listen (default 127.0.0.1:7700; [::1]:7700 for IPv6)"},
    {OPT_THREADS, "--threads", "N", "worker threads (default: the number of CPUs)"},
    {OPT_API_KEY, "--api-key", "KEY",
     "every API request needs Authorization: Bearer KEY (or set GONGWEN_API_KEY); "
     "without a key only a loopback address may be listened on"},
    {OPT_CORS_ORIGIN, "--cors-origin", "ORIGIN", "let pages from ORIGIN (or *) call the API"},
    {OPT_ACCESS_LOG, "--access-log", "FILE", "one line a request to FILE (default: stderr); SIGHUP reopens it"},
    {OPT_MAX_CONNECTIONS, "--max-connections", "N", "connections in all (default 4096)"},
    {OPT_MAX_PER_CLIENT, "--max-per-client", "N", "connections from one address (default 256)"},
    {OPT_TIMEOUT, "--timeout", "S", "close a connection idle for S seconds (default 15)"},
    {OPT_HELP, "-h, --help", NULL, "show this help"},
    {OPT_VERSION, "--version", NULL, "show the versions of the program, the C API and the index format"},
};

static int usage_error(const char *msg, const char *arg) { return gw_print_usage_error(PROG, msg, arg); }

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long long v;

	if (gw_opts_number(s, lo, hi, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* ADDR:PORT, [V6ADDR]:PORT or :PORT (loopback) into conf's address. */
static int parse_listen(gw_http_conf *c, const char *s)
{
	char host[64];
	const char *colon;
	unsigned port;

	memset(&c->addr, 0, sizeof c->addr);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = 0;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		if (!host[0])
			strcpy(host, "127.0.0.1");
	}
	if (parse_uint(colon + 1, 0, 65535, &port))
		return -1;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&c->addr;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		c->addr_len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&c->addr;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		c->addr_len = sizeof *a;
	}
	return 0;
}

static int is_loopback(const gw_http_conf *c)
{
	if (c->addr.ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)&c->addr)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&c->addr)->sin6_addr);
}

typedef struct options {
	const char *index;
	gw_http_conf http;
} options;

/* Records option id (value v) in o; returns -1 to go on, else an exit
 * status. */
static int apply_option(options *o, int id, const char *v)
{
	gw_http_conf *c = &o->http;

	if (id == OPT_INDEX)
		o->index = v;
	else if (id == OPT_LISTEN) {
		if (parse_listen(c, v))
			return usage_error("bad --listen (ADDR:PORT, [V6ADDR]:PORT):", v);
	} else if (id == OPT_THREADS) {
		if (parse_uint(v, 1, GW_SERVE_THREADS_MAX, &c->threads))
			return usage_error("bad --threads (1 to 256):", v);
	} else if (id == OPT_API_KEY) {
		c->api_key = v;
	} else if (id == OPT_CORS_ORIGIN) {
		if (!*v || strpbrk(v, "\r\n"))
			return usage_error("bad --cors-origin:", v);
		c->cors_origin = v;
	} else if (id == OPT_ACCESS_LOG) {
		c->access_log = v;
	} else if (id == OPT_MAX_CONNECTIONS) {
		if (parse_uint(v, 1, 1000000, &c->max_conns))
			return usage_error("bad --max-connections (1 to 1000000):", v);
	} else if (id == OPT_MAX_PER_CLIENT) {
		if (parse_uint(v, 1, 1000000, &c->max_per_client))
			return usage_error("bad --max-per-client (1 to 1000000):", v);
	} else if (id == OPT_TIMEOUT) {
		if (parse_uint(v, 1, 3600, &c->timeout_s))
			return usage_error("bad --timeout (1 to 3600 seconds):", v);
	}
	return -1;
}

/* Prints the help; returns the exit status. */
static int help(void)
{
	return gw_print_help(usage_text, option_table, sizeof option_table / sizeof option_table[0], 24,
	                     usage_end);
}

static int parse_args(options *o, int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const char *key = getenv("GONGWEN_API_KEY");
	gw_opts it;
	int id, st;

	parse_listen(&o->http, "127.0.0.1:7700");
	o->http.threads = cpus > 0 ? (unsigned)(cpus < GW_SERVE_THREADS_MAX ? cpus : GW_SERVE_THREADS_MAX) : 1;
	o->http.max_conns = 4096;
	o->http.max_per_client = 256;
	o->http.timeout_s = 15;
	o->http.api_key = key && *key ? key : NULL;
	gw_opts_init(&it, option_table, sizeof option_table / sizeof option_table[0], argc, argv, 1);
	while ((id = gw_opts_next(&it)) != GW_OPTS_END) {
		if (id == GW_OPTS_OPERAND)
			return usage_error("unknown argument", it.word);
		if (id < 0)
			return usage_error(gw_opts_problem(id), it.word);
		if (id == OPT_HELP)
			return help();
		if (id == OPT_VERSION)
			return gw_print_version(PROG);
		if ((st = apply_option(o, id, it.value)) >= 0)
			return st;
	}
	if (o->http.api_key && !*o->http.api_key)
		return usage_error("empty --api-key", NULL);
	if (!o->http.api_key && !is_loopback(&o->http))
		return usage_error("without --api-key (or GONGWEN_API_KEY) only a loopback address may be "
		                   "listened on",
		                   NULL);
	return -1;
}

/* Room for the connections: the soft limit of open files up to the hard. */
static void raise_fd_limit(gw_http_conf *c)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Files for the index, the log and the threads' event loops. */
	if (rl.rlim_cur != RLIM_INFINITY && c->max_conns + 64 > rl.rlim_cur)
		c->max_conns = rl.rlim_cur > 128 ? (unsigned)rl.rlim_cur - 64 : 64;
}

static void listen_text(const gw_http_conf *c, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (c->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&c->addr;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
		snprintf(out, size, "[%s]:%u", host, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&c->addr;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
		snprintf(out, size, "%s:%u", host, ntohs(a->sin_port));
	}
}

/* Waits for signals, checking the index now and then; returns at
 * SIGTERM or SIGINT. */
static void wait_loop(const sigset_t *set)
{
	struct timespec one = {1, 0};
	time_t last_readers = time(NULL);

	for (;;) {
		int sig = sigtimedwait(set, NULL, &one);
		gw_err err;
		gw_err_clear(&err);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		if (sig == SIGHUP && gw_http_reopen_log(&err))
			gw_http_log(PROG ": %s", err.msg);
		switch (gw_gens_check(&err)) {
		case 1:
			gw_http_log(PROG ": a new index was swapped in at %s: answering from it", gw_gens_path());
			break;
		case -1:
			gw_http_log(PROG ": %s (still answering from the index opened before)", err.msg);
			break;
		}
		gw_err_clear(&err);
		if (gw_gens_trust(&err))
			gw_http_log(PROG ": %s (searches check each page they read)", err.msg);
		if (time(NULL) - last_readers >= 60) {
			int dead = 0;
			gw_err_clear(&err);
			if (gw_gens_reader_check(&dead, &err))
				gw_http_log(PROG ": %s", err.msg);
			last_readers = time(NULL);
		}
	}
}

int main(int argc, char **argv)
{
	options o;
	gw_buf path = GW_BUF_INIT;
	sigset_t set;
	gw_err err;
	char where[80];
	int status;

	memset(&o, 0, sizeof o);
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
	status = 2;
	if (!o.index && !(o.index = gw_default_index_path(&path))) {
		status = usage_error("no index: use -i INDEX or set GONGWEN_INDEX", NULL);
		goto out;
	}
	/* Every thread started from here on inherits the mask: the signals
	 * are taken by sigtimedwait in this thread only. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise_fd_limit(&o.http);
	gw_err_clear(&err);
	if (gw_gens_open(o.index, &err)) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
		goto out;
	}
	listen_text(&o.http, where, sizeof where);
	if (gw_http_start(&o.http, &err)) {
		gw_escape_line(stderr, PROG ": %s: %s", where, err.msg);
		gw_gens_close();
		goto out;
	}
	gw_http_log(PROG ": serving %s on http://%s/ (%u threads%s)", o.index, where, o.http.threads,
	            o.http.api_key ? ", API key required" : "");
	wait_loop(&set);
	gw_http_quiesce();
	for (int i = 0; i < GW_SERVE_DRAIN_S * 100 && gw_http_in_flight(); i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	gw_http_stop();
	gw_gens_close();
	gw_http_log(PROG ": stopped");
	status = 0;
out:
	gw_buf_free(&path);
	return status;
}
