/* fuzz_serve: any bytes as an HTTP request to gongwen-serve's handler
 * (serve/handler.c, serve/params.c), against the small fixed index of
 * fuzz_index.h.
 *
 * The input is "METHOD TARGET\n" and then the body. The target is taken
 * apart as libmicrohttpd takes it for the server: the path before '?',
 * the parameters split at '&' and '=', each piece decoded by
 * MHD_http_unescape (the library's own decoder); a POST passes the body.
 * Every answer must be one of the statuses the API documents, with a body
 * that is one valid JSON object starting with "v" (or an asset of the
 * page); a 200 of /search must hold its members, and a 400 of a bad query
 * its error. Nothing is printed; everything an input allocates is freed.
 * Seeds: tests/fuzz/seeds/serve/ (the README's curl examples, bodies,
 * percent-escapes, limits). */
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../serve/serve.h"
#include "read/gw_json.h"

#include "fuzz_index.h"

/* Bytes of an input taken (a request past the server's limits never
 * reaches the handler: libmicrohttpd refuses it). */
#define TARGET_MAX 8192

static int known_status(int s)
{
	return s == 200 || s == 304 || s == 400 || s == 404 || s == 405 || s == 500 || s == 503;
}

/* Splits the query string q (NUL-terminated, edited in place) into kv[],
 * decoding each key and value; returns how many (at most max). */
static size_t split_args(char *q, gw_kv *kv, size_t max)
{
	size_t n = 0;

	while (q && *q && n < max) {
		char *amp = strchr(q, '&');
		char *eq;
		if (amp)
			*amp++ = 0;
		eq = strchr(q, '=');
		if (eq)
			*eq++ = 0;
		kv[n].key = q;
		kv[n].key_len = MHD_http_unescape(q);
		kv[n].val = eq;
		kv[n].val_len = eq ? MHD_http_unescape(eq) : 0;
		n++;
		q = amp;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const char *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - (const char *)data) : size;
	char line[TARGET_MAX + 1], *sp, *qs;
	gw_kv kv[GW_SERVE_ARGS_MAX + 1];
	gw_request rq;
	gw_response rs;

	if (!ready) {
		GW_FUZZ_CHECK(build("serve"));
		ready = 1;
	}
	if (head > TARGET_MAX || memchr(data, 0, head))
		return 0;
	memcpy(line, data, head);
	line[head] = 0;
	if (!(sp = strchr(line, ' ')) || sp == line || sp[1] != '/')
		return 0;
	*sp++ = 0;
	memset(&rq, 0, sizeof rq);
	rq.method = line;
	if ((qs = strchr(sp, '?')))
		*qs++ = 0;
	MHD_http_unescape(sp);
	rq.path = sp;
	rq.path_len = strlen(sp); /* as the server passes it: a C string */
	rq.args = kv;
	rq.nargs = split_args(qs, kv, GW_SERVE_ARGS_MAX + 1);
	if (strcmp(line, "POST") == 0) {
		rq.body = nl ? (const char *)data + head + 1 : "";
		rq.body_len = nl ? size - head - 1 : 0;
	}
	gw_serve_handle(ix, ix_path, &rq, &rs);
	GW_FUZZ_CHECK(known_status(rs.status));
	if (rs.data) {
		GW_FUZZ_CHECK(rs.status == 200 && rs.page && rs.data_len > 0);
	} else if (rs.status != 304) {
		gw_json_obj o;
		gw_json_obj_init(&o);
		GW_FUZZ_CHECK(gw_json_parse_object(&o, (const char *)rs.body.p, rs.body.len, NULL) == GW_OK);
		GW_FUZZ_CHECK(o.n >= 2 && strcmp(o.m[0].key, "v") == 0);
		if (rs.status == 200 && strcmp(rq.path, "/search") == 0)
			GW_FUZZ_CHECK(o.n == 9 && strcmp(o.m[3].key, "total_relation") == 0 &&
			              strcmp(o.m[6].key, "hits") == 0 && strcmp(o.m[8].key, "time_ms") == 0);
		else if (rs.status != 200)
			GW_FUZZ_CHECK(strcmp(o.m[1].key, "error") == 0);
		gw_json_obj_free(&o);
	}
	gw_response_free(&rs);
	return 0;
}
