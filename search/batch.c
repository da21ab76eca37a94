/* batch: --batch, the protocol of ../shared/bench/eval.py: one query per
 * stdin line; for each, one stdout line with the ids of the top hits,
 * tab-separated (empty when nothing matches), flushed at once. With
 * --timings FILE, one line per query with the microseconds spent inside the
 * process (search + formatting). A query that cannot be run (nothing to
 * search for) gets an empty line and a message on stderr; the batch goes on.
 * Exit status: 0 if some query had hits, 1 if none had, 2 on error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Formats the ids of r's hits into line; returns 0 or a gw_rc. */
static gw_rc format_ids(gw_results *r, gw_buf *line, gw_err *err)
{
	gw_rc rc = GW_OK;

	gw_buf_reset(line);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_record rec;
		if ((rc = gw_results_record(r, i, &rec, err)) == GW_OK) {
			if (i)
				gw_buf_putc(line, '\t');
			gw_buf_append(line, rec.id, rec.id_len);
		}
	}
	gw_buf_putc(line, '\n');
	return rc;
}

int gw_run_batch(gw_index *ix, const sopts *o)
{
	FILE *tf = NULL;
	char *q = NULL;
	size_t cap = 0;
	ssize_t n;
	gw_buf line = GW_BUF_INIT;
	int any = 0, status = 1, lineno = 0;

	if (o->timings && !(tf = fopen(o->timings, "w"))) {
		fprintf(stderr, "gongwen-search: cannot open '%s': %s\n", o->timings, strerror(errno));
		return 2;
	}
	while ((n = getline(&q, &cap, stdin)) >= 0) {
		gw_results *r = NULL;
		gw_err err;
		double t0 = now_us();
		lineno++;
		while (n > 0 && (q[n - 1] == '\n' || q[n - 1] == '\r'))
			q[--n] = '\0';
		gw_err_clear(&err);
		if (gw_search(ix, q, (size_t)n, &o->so, &r, &err) == GW_OK && format_ids(r, &line, &err) == GW_OK) {
			any |= gw_results_total(r) > 0;
		} else {
			fprintf(stderr, "gongwen-search: <stdin>:%d: %s\n", lineno, err.msg);
			gw_buf_reset(&line);
			gw_buf_putc(&line, '\n');
			if (err.rc != GW_EINVAL)
				status = 2;
		}
		gw_results_free(r);
		if (tf)
			fprintf(tf, "%.1f\n", now_us() - t0);
		if (fwrite(line.p, 1, line.len, stdout) != line.len || fflush(stdout) != 0)
			break; /* stdout closed: stop quietly */
	}
	if (tf && fclose(tf) != 0) {
		fprintf(stderr, "gongwen-search: cannot write '%s'\n", o->timings);
		status = 2;
	}
	free(q);
	gw_buf_free(&line);
	return status == 2 ? 2 : (any ? 0 : 1);
}
