/* gongwen-search: answers queries from an index, for people (ranked hits
 * with highlighted snippets) and for scripts (--json, --batch).
 *
 * Exit status: 0 with hits, 1 with none, 2 on error (one line on stderr). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_buf.h"
#include "gw_path.h"
#include "search.h"

#define PROG "gongwen-search"

static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [-n N] [--json] [--color=WHEN] [FILTERS] QUERY...\n"
    "       " PROG " [-i INDEX] [-n N] --batch [--timings FILE] < queries\n"
    "\n"
    "Finds the documents that contain every part of QUERY, best first.\n"
    "Parts are separated by spaces; \"a phrase\" is one part; field:value\n"
    "and field:\"a phrase\" search one field (省份:江苏, title:通知). Chinese\n"
    "text matches as an exact substring in Simplified or Traditional script.\n"
    "\n"
    "  -i INDEX        the index (default: $GONGWEN_INDEX, else\n"
    "                  $XDG_DATA_HOME/gongwen/index, else ~/.local/share/gongwen/index)\n"
    "  -n N            show at most N hits (default 10)\n"
    "  --json          one JSON object per hit\n"
    "  --type T        only notices (T = notice) or only records (T = record)\n"
    "  --after DATE    only documents dated DATE or later (ISO: 2020-03-25,\n"
    "                  2020-03 or 2020); records have their notice's date\n"
    "  --before DATE   only documents dated DATE or earlier\n"
    "  --sort date     newest first (undated last) instead of best first\n"
    "  --facet FIELD   also count the matching documents per value of FIELD\n"
    "  --color=WHEN    highlight with colour: auto (default: on a terminal,\n"
    "                  unless NO_COLOR is set), always, never\n"
    "  --batch         read one query per line on stdin; print one line of\n"
    "                  tab-separated ids per query (empty if no hit)\n"
    "  --timings FILE  with --batch: write each query's time in microseconds\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 hits found, 1 no hits, 2 error.\n";

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROG ": %s%s%s (see --help)\n", msg, arg ? " " : "", arg ? arg : "");
	return 2;
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 1000000000ull)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int set_color(sopts *o, const char *when)
{
	const char *nc = getenv("NO_COLOR");

	if (strcmp(when, "always") == 0)
		o->color = 1;
	else if (strcmp(when, "never") == 0)
		o->color = 0;
	else if (strcmp(when, "auto") == 0)
		o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
	else
		return -1;
	return 0;
}

/* Joins argv[i..argc) with spaces into o->query. */
static int join_query(sopts *o, int argc, char **argv, int i)
{
	gw_buf q = GW_BUF_INIT;

	for (int k = i; k < argc; k++) {
		if (k > i)
			gw_buf_putc(&q, ' ');
		gw_buf_puts(&q, argv[k]);
	}
	gw_buf_putc(&q, 0);
	if (!gw_buf_ok(&q))
		return -1;
	o->query = (char *)q.p;
	return 0;
}

static int valid_date(const char *d)
{
	size_t n = strlen(d);

	for (size_t i = 0; i < n; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || ((i == 4 || i == 7) && d[i] == '-')))
			return 0;
	return n == 4 || n == 7 || n == 10;
}

/* Options that take a value; returns -1 if handled, else an exit status. */
static int value_option(sopts *o, const char *a, const char *v)
{
	if (strcmp(a, "-i") == 0) {
		o->index = v;
	} else if (strcmp(a, "-n") == 0) {
		if (parse_size(v, &o->so.limit))
			return usage_error("bad number for -n:", v);
	} else if (strcmp(a, "--timings") == 0) {
		o->timings = v;
	} else if (strcmp(a, "--type") == 0) {
		if (strcmp(v, "notice") == 0)
			o->so.type = GW_TYPE_NOTICE;
		else if (strcmp(v, "record") == 0)
			o->so.type = GW_TYPE_RECORD;
		else
			return usage_error("bad --type (notice, record):", v);
	} else if (strcmp(a, "--after") == 0 || strcmp(a, "--before") == 0) {
		if (!valid_date(v))
			return usage_error("bad date (YYYY-MM-DD, YYYY-MM or YYYY):", v);
		*(a[2] == 'a' ? &o->so.after : &o->so.before) = v;
	} else if (strcmp(a, "--sort") == 0) {
		if (strcmp(v, "date") != 0 && strcmp(v, "score") != 0)
			return usage_error("bad --sort (date, score):", v);
		o->so.sort_date = strcmp(v, "date") == 0;
	} else if (strcmp(a, "--facet") == 0) {
		o->so.facet = v;
	} else {
		return 0;
	}
	return -1;
}

static const char *const with_value[] = {"-i", "-n", "--timings", "--type", "--after",
                                         "--before", "--sort", "--facet"};

static int takes_value(const char *a)
{
	for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
		if (strcmp(a, with_value[i]) == 0)
			return 1;
	return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(sopts *o, int argc, char **argv)
{
	int i;

	o->so.limit = 10;
	set_color(o, "auto");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
		} else if (takes_value(a)) {
			int st;
			if (i + 1 >= argc)
				return usage_error("option needs a value:", a);
			if ((st = value_option(o, a, argv[++i])) >= 0)
				return st;
		} else if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "--batch") == 0) {
			o->batch = 1;
		} else if (strncmp(a, "--color=", 8) == 0) {
			if (set_color(o, a + 8))
				return usage_error("bad --color (auto, always, never):", a + 8);
		} else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option", a);
		} else {
			break;
		}
	}
	if (o->batch && i < argc)
		return usage_error("--batch reads queries from stdin, not from arguments", NULL);
	if (!o->batch && i >= argc)
		return usage_error("no query given", NULL);
	if (o->timings && !o->batch)
		return usage_error("--timings needs --batch", NULL);
	if (!o->batch && join_query(o, argc, argv, i))
		return usage_error("out of memory", NULL);
	return -1;
}

static int search_once(gw_index *ix, const sopts *o)
{
	gw_results *r;
	gw_err err;
	gw_rc rc;
	int status;

	gw_err_clear(&err);
	if (gw_search(ix, o->query, strlen(o->query), &o->so, &r, &err)) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 2;
	}
	rc = o->json ? gw_out_json(stdout, ix, r, o, &err) : gw_out_text(stdout, ix, r, o, &err);
	status = gw_results_total(r) ? 0 : 1;
	gw_results_free(r);
	if (rc) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 2;
	}
	return status;
}

int main(int argc, char **argv)
{
	sopts o;
	gw_buf path = GW_BUF_INIT;
	gw_index *ix = NULL;
	gw_err err;
	int status = parse_args(memset(&o, 0, sizeof o), argc, argv);

	if (status >= 0)
		goto out;
	if (!o.index && !(o.index = gw_default_index_path(&path))) {
		status = usage_error("no index: use -i INDEX or set GONGWEN_INDEX", NULL);
		goto out;
	}
	gw_err_clear(&err);
	if (gw_index_open(&ix, o.index, GW_OPEN_READ, &err)) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		status = 2;
		goto out;
	}
	status = o.batch ? gw_run_batch(ix, &o) : search_once(ix, &o);
	/* A closed pipe (| head) is not an error worth a message. */
	if (fflush(stdout) != 0 && errno != EPIPE) {
		fprintf(stderr, PROG ": cannot write output: %s\n", strerror(errno));
		status = 2;
	}
out:
	gw_index_close(ix);
	gw_buf_free(&path);
	free(o.query);
	return status;
}
