/* batch: --batch, the protocol of ../shared/bench/eval.py: one query per
 * stdin line; for each, one stdout line with the ids of the top hits,
 * tab-separated (empty when nothing matches), flushed at once. With --json
 * the line is one JSON object instead:
 *   {"v":1,"query":...,"total":N,"total_relation":"eq"|"gte","time_ms":T,"hits":[hit, ...]}
 * (hits as in --json, without their own "v"; with --facet also
 * "facet":{"field":...,"counts":{...}}), and with --count it is the number
 * of matching documents. With --timings FILE, one line per query with the
 * microseconds spent inside the process (search + formatting).
 *
 * A query that cannot be run (nothing to search for) gets an empty line, or
 * {"v":1,"query":...,"error":"message"} with --json, and a message on
 * stderr; the batch goes on. When stdout is closed (| head) the batch ends
 * quietly. Exit status: 0 if some query had hits (or stdout was closed), 1
 * if none had, 2 on error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_clock.h"
#include "read/gw_json.h"
#include "search.h"
#include "text/gw_escape.h"

/* The ids of r's hits, tab-separated. */
static gw_rc format_ids(gw_buf *line, gw_results *r, gw_err *err)
{
	gw_rc rc = GW_OK;

	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		const char *id;
		size_t len;
		if ((rc = gw_results_id(r, i, &id, &len, err)) == GW_OK) {
			if (i)
				gw_buf_putc(line, '\t');
			gw_buf_append(line, id, len);
		}
	}
	return rc;
}

static void json_head(gw_buf *line, const char *q, size_t qlen)
{
	gw_buf_printf(line, "{\"v\":%d,\"query\":", GW_OUT_JSON_V);
	gw_json_put_string(line, q, qlen);
}

/* The JSON object of one query's results. */
static gw_rc format_json(gw_buf *line, gw_index *ix, gw_results *r, const char *q, size_t qlen,
                         double search_us, const sopts *o, gw_snippet *sn, gw_err *err)
{
	gw_rc rc = GW_OK;

	json_head(line, q, qlen);
	gw_buf_putc(line, ',');
	gw_json_total(line, r);
	gw_buf_printf(line, ",\"time_ms\":%.3f", search_us / 1e3);
	if (gw_results_facet_field(r)) {
		gw_buf_puts(line, ",\"facet\":{");
		gw_json_facets(line, r);
		gw_buf_putc(line, '}');
	}
	gw_buf_puts(line, ",\"hits\":[");
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		if (i)
			gw_buf_putc(line, ',');
		rc = gw_json_hit(line, ix, r, i, &o->shape, 0, sn, err);
	}
	gw_buf_puts(line, "]}");
	return rc;
}

/* Runs query q and formats its line (without the newline) into line. */
static gw_rc one_query(gw_index *ix, const char *q, size_t qlen, const sopts *o, gw_buf *line,
                       gw_snippet *sn, int *hits, gw_err *err)
{
	gw_results *r = NULL;
	double t0 = gw_now_us();
	gw_rc rc = gw_search(ix, q, qlen, &o->so, &r, err);

	*hits = 0;
	if (rc == GW_OK) {
		*hits = gw_results_total(r) > 0;
		if (o->count)
			gw_buf_printf(line, "%zu", gw_results_total(r));
		else if (o->format == GW_FMT_JSON)
			rc = format_json(line, ix, r, q, qlen, gw_now_us() - t0, o, sn, err);
		else
			rc = format_ids(line, r, err);
	}
	gw_results_free(r);
	if (rc == GW_OK && !gw_buf_ok(line))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc) {
		gw_buf_reset(line);
		if (o->format == GW_FMT_JSON && !o->count) {
			json_head(line, q, qlen);
			gw_buf_puts(line, ",\"error\":");
			gw_json_put_string(line, err->msg, strlen(err->msg));
			gw_buf_putc(line, '}');
		}
	}
	return rc;
}

/* Writes line and flushes; returns 0, 1 if stdout is closed, 2 on error. */
static int put_line(gw_buf *line)
{
	gw_buf_putc(line, '\n');
	if (gw_buf_ok(line) && fwrite(line->p, 1, line->len, stdout) == line->len && fflush(stdout) == 0)
		return 0;
	if (errno == EPIPE)
		return 1;
	gw_escape_line(stderr, "gongwen-search: cannot write output: %s", strerror(errno));
	return 2;
}

int gw_run_batch(gw_index *ix, const sopts *o)
{
	FILE *tf = NULL;
	char *q = NULL;
	size_t cap = 0;
	ssize_t n;
	gw_buf line = GW_BUF_INIT;
	gw_snippet sn;
	int any = 0, status = 1, lineno = 0, wr = 0;

	if (o->timings && !(tf = fopen(o->timings, "w"))) {
		gw_escape_line(stderr, "gongwen-search: cannot open '%s': %s", o->timings, strerror(errno));
		return 2;
	}
	memset(&sn, 0, sizeof sn);
	{ /* many queries may follow: a failure here is the first query's to report */
		gw_err err;
		gw_err_clear(&err);
		gw_search_warm(ix, &err);
	}

	while (wr == 0 && (n = getline(&q, &cap, stdin)) >= 0) {
		gw_err err;
		double t0 = gw_now_us();
		int hits;
		lineno++;
		while (n > 0 && (q[n - 1] == '\n' || q[n - 1] == '\r'))
			q[--n] = '\0';
		gw_err_clear(&err);
		gw_buf_reset(&line);
		if (one_query(ix, q, (size_t)n, o, &line, &sn, &hits, &err)) {
			gw_escape_line(stderr, "gongwen-search: <stdin>:%d: %s", lineno, err.msg);
			if (err.rc != GW_EINVAL)
				status = 2;
		}
		any |= hits;
		if (tf)
			fprintf(tf, "%.1f\n", gw_now_us() - t0);
		wr = put_line(&line);
	}
	if (tf && fclose(tf) != 0) {
		gw_escape_line(stderr, "gongwen-search: cannot write '%s'", o->timings);
		status = 2;
	}
	free(q);
	gw_buf_free(&line);
	gw_snippet_free(&sn);
	if (status == 2 || wr == 2)
		return 2;
	return any || wr == 1 ? 0 : 1;
}
