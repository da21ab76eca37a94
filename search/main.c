/* gongwen-search: answers queries from an index, for people (ranked hits
 * with highlighted snippets) and for scripts (--json, --format tsv, --count,
 * --batch).
 *
 * Exit status: 0 with hits, 1 with none, 2 on error (one line on stderr).
 * A closed stdout (| head -1) is no error: the output stops quietly and the
 * status is what it would have been. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/gw_buf.h"
#include "base/gw_path.h"
#include "out/gw_version.h"
#include "search.h"
#include "text/gw_escape.h"

#define PROG "gongwen-search"

static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [-n N] [--offset N] [--format F] [--fields A,B]\n"
    "                      [--color=WHEN] [FILTERS] QUERY...\n"
    "       " PROG " [-i INDEX] [FILTERS] --count QUERY...\n"
    "       " PROG " [-i INDEX] [-n N] --batch [--json|--count] [--timings FILE] < queries\n"
    "\n"
    "Finds the documents that contain every part of QUERY, best first.\n"
    "Parts are separated by spaces; \"a phrase\" is one part; field:value\n"
    "and field:\"a phrase\" search one field (省份:江苏, title:通知). Chinese\n"
    "text matches as an exact substring in Simplified or Traditional script.\n"
    "\n"
    "  -i INDEX        the index (default: $GONGWEN_INDEX, else\n"
    "                  $XDG_DATA_HOME/gongwen/index, else ~/.local/share/gongwen/index)\n"
    "  -n N            show at most N hits (default 10)\n"
    "  --offset N      skip the first N hits (for paging)\n"
    "  --format F      text (default), json (= --json) or tsv\n"
    "  --json          one JSON object per hit, then a summary line\n"
    "  --fields A,B    the stored fields to print: text, one \"name: value\"\n"
    "                  line each; json, the only ones in \"fields\"; tsv, the\n"
    "                  columns after rank, id and score (default: title)\n"
    "  --count         print only the number of matching documents\n"
    "  --explain       show how each hit's score was computed\n"
    "  --type T        only notices (T = notice) or only records (T = record)\n"
    "  --after DATE    only documents dated DATE or later (ISO: 2020-03-25,\n"
    "                  2020-03 or 2020); records have their notice's date\n"
    "  --before DATE   only documents dated DATE or earlier\n"
    "  --sort date     newest first (undated last) instead of best first\n"
    "  --facet FIELD   also count the matching documents per value of FIELD\n"
    "  --weight F=W    weight of field F in the score (repeatable; defaults:\n"
    "                  title 2, number 1.5, body and other notice text 1,\n"
    "                  record cells and other fields 0.8)\n"
    "  --k1 X, --b X   BM25 saturation (default 1.2) and length\n"
    "                  normalization (default 1.0, from 0 to 1)\n"
    "  --focus X       queries of two or more parts: favour documents short\n"
    "                  enough to be about all of them (default 1.5, 0: off)\n"
    "  --color=WHEN    highlight with colour: auto (default: on a terminal,\n"
    "                  unless NO_COLOR is set), always, never\n"
    "  --batch         read one query per line on stdin; print one line of\n"
    "                  tab-separated ids per query (empty if no hit); with\n"
    "                  --json one JSON object per query, with --count the number\n"
    "  --timings FILE  with --batch: write each query's time in microseconds\n"
    "  -h, --help      show this help\n"
    "  --version       show the versions of the program, the C API and the\n"
    "                  index format\n"
    "\n"
    "Exit status: 0 hits found, 1 no hits, 2 error.\n";

static int usage_error(const char *msg, const char *arg)
{
	gw_escape_line(stderr, PROG ": %s%s%s (see --help)", msg, arg ? " " : "", arg ? arg : "");
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

/* A number in [lo, hi]; -1 if s is not one. */
static int parse_real(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

/* --weight FIELD=W */
static int parse_weight(sopts *o, const char *v)
{
	const char *eq = strrchr(v, '=');
	gw_rank_params *p = &o->rank;

	if (!eq || eq == v || p->nweights >= GW_MAX_WEIGHTS ||
	    parse_real(eq + 1, 0, 1000, &p->weight[p->nweights]))
		return -1;
	/* The name stays in argv: point at a copy without "=W". */
	if (!(p->weight_field[p->nweights] = strndup(v, (size_t)(eq - v))))
		return -1;
	p->nweights++;
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

static int parse_format(const char *v)
{
	static const char *const names[] = {"text", "json", "tsv"}; /* GW_FMT_* order */

	for (int f = 0; f < 3; f++)
		if (strcmp(v, names[f]) == 0)
			return f;
	return -1;
}

/* Splits "a,b" into o->fields; -1 for an empty name or no memory. */
static int parse_fields(sopts *o, const char *v)
{
	size_t n = 1;
	char *p;

	for (const char *c = v; *c; c++)
		n += *c == ',';
	if (!(o->fields_buf = strdup(v)) || !(o->fields = calloc(n, sizeof *o->fields)))
		return -1;
	for (p = o->fields_buf; p; o->nfields++) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma++ = '\0';
		if (!*p)
			return -1;
		o->fields[o->nfields] = p;
		p = comma;
	}
	return 0;
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
		if (!gw_date_valid(v))
			return usage_error("bad date (YYYY-MM-DD, YYYY-MM or YYYY):", v);
		*(a[2] == 'a' ? &o->so.after : &o->so.before) = v;
	} else if (strcmp(a, "--sort") == 0) {
		if (strcmp(v, "date") != 0 && strcmp(v, "score") != 0)
			return usage_error("bad --sort (date, score):", v);
		o->so.sort_date = strcmp(v, "date") == 0;
	} else if (strcmp(a, "--facet") == 0) {
		o->so.facet = v;
	} else if (strcmp(a, "--offset") == 0) {
		if (parse_size(v, &o->so.offset))
			return usage_error("bad number for --offset:", v);
	} else if (strcmp(a, "--format") == 0) {
		if ((o->format = parse_format(v)) < 0)
			return usage_error("bad --format (text, json, tsv):", v);
	} else if (strcmp(a, "--weight") == 0) {
		if (parse_weight(o, v))
			return usage_error("bad --weight (FIELD=W, W from 0 to 1000; at most 32):", v);
	} else if (strcmp(a, "--k1") == 0) {
		if (parse_real(v, 0, 100, &o->rank.k1))
			return usage_error("bad --k1 (0 to 100):", v);
	} else if (strcmp(a, "--b") == 0) {
		if (parse_real(v, 0, 1, &o->rank.b))
			return usage_error("bad --b (0 to 1):", v);
	} else if (strcmp(a, "--focus") == 0) {
		if (parse_real(v, 0, 10, &o->rank.focus))
			return usage_error("bad --focus (0 to 10):", v);
	} else if (strcmp(a, "--fields") == 0) {
		if (o->fields)
			return usage_error("--fields given twice", NULL);
		if (parse_fields(o, v))
			return usage_error("bad --fields (names separated by commas):", v);
	} else {
		return 0;
	}
	return -1;
}

static const char *const with_value[] = {"-i",     "-n",     "--timings", "--type",
                                         "--after", "--before", "--sort",  "--facet",
                                         "--offset", "--format", "--fields", "--weight",
                                         "--k1",     "--b",     "--focus"};

static int takes_value(const char *a)
{
	for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
		if (strcmp(a, with_value[i]) == 0)
			return 1;
	return 0;
}

/* Options that do not go together; returns -1 if all is well, else an exit
 * status. */
static int check_combinations(sopts *o)
{
	if (o->count && (o->format != GW_FMT_TEXT || o->fields))
		return usage_error("--count prints only a number: no --json, --format or --fields", NULL);
	if (o->batch && o->format == GW_FMT_TSV)
		return usage_error("--batch prints ids, --json or --count, not --format tsv", NULL);
	if (o->batch && o->fields && o->format != GW_FMT_JSON)
		return usage_error("--fields with --batch needs --json", NULL);
	if (o->count)
		o->so.limit = 0; /* only the total is wanted */
	return -1;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(sopts *o, int argc, char **argv)
{
	int i, st;

	o->so.limit = 10;
	gw_rank_defaults(&o->rank);
	o->so.rank = &o->rank;
	set_color(o, "auto");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_text, stdout);
			return (fflush(stdout) == 0 && !ferror(stdout)) || errno == EPIPE ? 0 : 2;
		} else if (strcmp(a, "--version") == 0) {
			char text[256];
			gw_version_text(text, sizeof text, PROG);
			fputs(text, stdout);
			return (fflush(stdout) == 0 && !ferror(stdout)) || errno == EPIPE ? 0 : 2;
		} else if (takes_value(a)) {
			if (i + 1 >= argc)
				return usage_error("option needs a value:", a);
			if ((st = value_option(o, a, argv[++i])) >= 0)
				return st;
		} else if (strcmp(a, "--json") == 0) {
			o->format = GW_FMT_JSON;
		} else if (strcmp(a, "--count") == 0) {
			o->count = 1;
		} else if (strcmp(a, "--explain") == 0) {
			o->explain = 1;
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
	if ((st = check_combinations(o)) >= 0)
		return st;
	if (!o->batch && join_query(o, argc, argv, i))
		return usage_error("out of memory", NULL);
	return -1;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Writes r in the chosen format. */
static gw_rc output(gw_index *ix, gw_results *r, const sopts *o, double time_ms, gw_err *err)
{
	if (o->count) {
		printf("%zu\n", gw_results_total(r));
		return gw_out_check(stdout, err);
	}
	switch (o->format) {
	case GW_FMT_JSON:
		return gw_out_json(stdout, ix, r, o, time_ms, err);
	case GW_FMT_TSV:
		return gw_out_tsv(stdout, r, o, err);
	default:
		return gw_out_text(stdout, ix, r, o, err);
	}
}

static int search_once(gw_index *ix, const sopts *o)
{
	gw_results *r;
	gw_err err;
	gw_rc rc;
	int status;
	double t0 = now_ms();

	gw_err_clear(&err);
	if (gw_search(ix, o->query, strlen(o->query), &o->so, &r, &err)) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
		return 2;
	}
	rc = output(ix, r, o, now_ms() - t0, &err);
	status = gw_results_total(r) ? 0 : 1;
	gw_results_free(r);
	if (rc && !(rc == GW_EIO && err.sys == EPIPE)) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
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
	int status;

	/* Without this a closed pipe would kill us mid-write; with it the
	 * write fails with EPIPE and the output ends quietly. */
	signal(SIGPIPE, SIG_IGN);
	status = parse_args(memset(&o, 0, sizeof o), argc, argv);
	if (status >= 0)
		goto out;
	o.shape.fields = o.fields;
	o.shape.nfields = o.nfields;
	o.shape.explain = o.explain;
	if (!o.index && !(o.index = gw_default_index_path(&path))) {
		status = usage_error("no index: use -i INDEX or set GONGWEN_INDEX", NULL);
		goto out;
	}
	gw_err_clear(&err);
	if (gw_index_open(&ix, o.index, GW_OPEN_READ, &err)) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
		status = 2;
		goto out;
	}
	status = o.batch ? gw_run_batch(ix, &o) : search_once(ix, &o);
	/* A closed pipe (| head) is not an error worth a message; the other
	 * write errors were reported where they happened. */
	if (fflush(stdout) != 0 && errno != EPIPE && status != 2) {
		gw_escape_line(stderr, PROG ": cannot write output: %s", strerror(errno));
		status = 2;
	}
out:
	gw_index_close(ix);
	gw_buf_free(&path);
	free(o.query);
	free(o.fields);
	free(o.fields_buf);
	for (size_t i = 0; i < o.rank.nweights; i++)
		free((char *)o.rank.weight_field[i]);
	return status;
}
