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
#include <unistd.h>

#include "base/gw_buf.h"
#include "base/gw_clock.h"
#include "base/gw_opts.h"
#include "base/gw_path.h"
#include "out/gw_print.h"
#include "search.h"
#include "text/gw_escape.h"

#define PROG "gongwen-search"

/* The usage lines and the text around the options' help (the options
 * table below holds the rest): the README and gongwen-search(1) show the
 * same lines, and tests/check_options.sh compares them. */
static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [-n N] [--offset N] [--format text|json|tsv] [--json]\n"
    "                      [--fields A,B] [--color=WHEN] [FILTERS] QUERY...\n"
    "       " PROG " [-i INDEX] [FILTERS] --count QUERY...\n"
    "       " PROG " [-i INDEX] [-n N] --batch [--json | --count] [--timings FILE] < queries.txt\n"
    "\n"
    "Finds the documents that contain every part of QUERY, best first.\n"
    "Parts are separated by spaces; \"a phrase\" is one part; field:value\n"
    "and field:\"a phrase\" search one field (省份:江苏, title:通知). Chinese\n"
    "text matches as an exact substring in Simplified or Traditional script.\n"
    "Options come before the query. FILTERS: --type, --after, --before.\n"
    "\n";

static const char usage_end[] = "\nExit status: 0 hits found, 1 no hits, 2 error.\n";

enum {
	OPT_INDEX = 1, OPT_LIMIT, OPT_OFFSET, OPT_FORMAT, OPT_JSON, OPT_FIELDS, OPT_COUNT,
	OPT_EXPLAIN, OPT_TYPE, OPT_AFTER, OPT_BEFORE, OPT_SORT, OPT_FACET, OPT_WEIGHT, OPT_K1,
	OPT_B, OPT_FOCUS, OPT_COLOR, OPT_BATCH, OPT_TIMINGS, OPT_NO_SNIPPET, OPT_TOTAL, OPT_VERSION, OPT_HELP
};

/* Every option gongwen-search takes: the parser and --help both come from
 * here (gw_opts.h). */
static const gw_opt option_table[] = {
    {OPT_INDEX, "-i", "INDEX",
     "the index (default: $GONGWEN_INDEX, else $XDG_DATA_HOME/gongwen/index, else "
     "~/.local/share/gongwen/index)"},
    {OPT_LIMIT, "-n", "N", "show at most N hits (default 10)"},
    {OPT_OFFSET, "--offset", "N", "skip the first N hits (for paging)"},
    {OPT_FORMAT, "--format", "F", "text (default), json (= --json) or tsv"},
    {OPT_JSON, "--json", NULL, "one JSON object per hit, then a summary line"},
    {OPT_FIELDS, "--fields", "A,B",
     "the stored fields to print: text, one \"name: value\" line each; json, the "
     "only ones in \"fields\"; tsv, the columns after rank, id and score "
     "(default: title)"},
    {OPT_NO_SNIPPET, "--no-snippet", NULL,
     "--json: leave out each hit's snippet and matches (faster: the stored text is "
     "not searched for them)"},
    {OPT_COUNT, "--count", NULL, "print only the number of matching documents"},
    {OPT_TOTAL, "--total", "HOW",
     "exact: count every matching document; N: count them exactly up to N, past "
     "which the total may be a lower bound, shown as N+ (default 10000; --count, "
     "--facet, --sort date and the filters always count them all)"},
    {OPT_EXPLAIN, "--explain", NULL, "show how each hit's score was computed"},
    {OPT_TYPE, "--type", "T", "only notices (T = notice) or only records (T = record)"},
    {OPT_AFTER, "--after", "DATE",
     "only documents dated DATE or later (ISO: 2020-03-25, 2020-03 or 2020); "
     "records have their notice's date"},
    {OPT_BEFORE, "--before", "DATE", "only documents dated DATE or earlier"},
    {OPT_SORT, "--sort", "ORDER", "date: newest first (undated last); score: best first (the default)"},
    {OPT_FACET, "--facet", "FIELD", "also count the matching documents per value of FIELD"},
    {OPT_WEIGHT, "--weight", "F=W",
     "weight of field F in the score (repeatable; defaults: title 2, number 1.5, "
     "body and other notice text 1, record cells and other fields 0.8)"},
    {OPT_K1, "--k1", "X", "BM25 saturation (default 1.2, from 0 to 100)"},
    {OPT_B, "--b", "X", "BM25 length normalization (default 1.0, from 0 to 1)"},
    {OPT_FOCUS, "--focus", "X",
     "queries of two or more parts: favour documents short enough to be about all "
     "of them (default 1.5, 0: off)"},
    {OPT_COLOR, "--color", "=WHEN",
     "highlight with colour: auto (default: on a terminal, unless NO_COLOR is "
     "set), always, never"},
    {OPT_BATCH, "--batch", NULL,
     "read one query per line on stdin; print one line of tab-separated ids per "
     "query (empty if no hit); with --json one JSON object per query, with --count "
     "the number"},
    {OPT_TIMINGS, "--timings", "FILE", "with --batch: write each query's time in microseconds"},
    {OPT_HELP, "-h, --help", NULL, "show this help"},
    {OPT_VERSION, "--version", NULL, "show the versions of the program, the C API and the index format"},
};

static int usage_error(const char *msg, const char *arg) { return gw_print_usage_error(PROG, msg, arg); }

/* A count for -n, --offset, --total: 0 to 10^9. */
static int parse_size(const char *s, size_t *out)
{
	unsigned long long v;

	if (gw_opts_number(s, 0, 1000000000ull, &v))
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

/* Records option id (value v, NULL for a flag) in o; returns -1 to go
 * on, else an exit status. */
static int apply_option(sopts *o, int id, const char *v)
{
	switch (id) {
	case OPT_INDEX: o->index = v; break;
	case OPT_LIMIT:
		if (parse_size(v, &o->so.limit))
			return usage_error("bad number for -n:", v);
		break;
	case OPT_TIMINGS: o->timings = v; break;
	case OPT_TOTAL:
		if (strcmp(v, "exact") == 0)
			o->so.total_max = SIZE_MAX;
		else if (parse_size(v, &o->so.total_max) || o->so.total_max == 0)
			return usage_error("bad --total (exact, or a number from 1):", v);
		break;
	case OPT_TYPE:
		if (strcmp(v, "notice") == 0)
			o->so.type = GW_TYPE_NOTICE;
		else if (strcmp(v, "record") == 0)
			o->so.type = GW_TYPE_RECORD;
		else
			return usage_error("bad --type (notice, record):", v);
		break;
	case OPT_AFTER:
	case OPT_BEFORE:
		if (!gw_date_valid(v))
			return usage_error("bad date (YYYY-MM-DD, YYYY-MM or YYYY):", v);
		*(id == OPT_AFTER ? &o->so.after : &o->so.before) = v;
		break;
	case OPT_SORT:
		if (strcmp(v, "date") != 0 && strcmp(v, "score") != 0)
			return usage_error("bad --sort (date, score):", v);
		o->so.sort_date = strcmp(v, "date") == 0;
		break;
	case OPT_FACET: o->so.facet = v; break;
	case OPT_OFFSET:
		if (parse_size(v, &o->so.offset))
			return usage_error("bad number for --offset:", v);
		break;
	case OPT_FORMAT:
		if ((o->format = parse_format(v)) < 0)
			return usage_error("bad --format (text, json, tsv):", v);
		break;
	case OPT_WEIGHT:
		if (parse_weight(o, v))
			return usage_error("bad --weight (FIELD=W, W from 0 to 1000; at most 32):", v);
		break;
	case OPT_K1:
		if (parse_real(v, 0, 100, &o->rank.k1))
			return usage_error("bad --k1 (0 to 100):", v);
		break;
	case OPT_B:
		if (parse_real(v, 0, 1, &o->rank.b))
			return usage_error("bad --b (0 to 1):", v);
		break;
	case OPT_FOCUS:
		if (parse_real(v, 0, 10, &o->rank.focus))
			return usage_error("bad --focus (0 to 10):", v);
		break;
	case OPT_FIELDS:
		if (o->fields)
			return usage_error("--fields given twice", NULL);
		if (parse_fields(o, v))
			return usage_error("bad --fields (names separated by commas):", v);
		break;
	case OPT_JSON: o->format = GW_FMT_JSON; break;
	case OPT_COUNT: o->count = 1; break;
	case OPT_EXPLAIN: o->explain = 1; break;
	case OPT_NO_SNIPPET: o->no_snippet = 1; break;
	case OPT_BATCH: o->batch = 1; break;
	case OPT_COLOR:
		if (set_color(o, v))
			return usage_error("bad --color (auto, always, never):", v);
		break;
	}
	return -1;
}

/* Prints the help; returns the exit status. */
static int help(void)
{
	return gw_print_help(usage_text, option_table, sizeof option_table / sizeof option_table[0], 18,
	                     usage_end);
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
	if (o->no_snippet && o->format != GW_FMT_JSON)
		return usage_error("--no-snippet needs --json", NULL);
	if (o->count)
		o->so.limit = 0; /* only the total is wanted, counted in full */
	return -1;
}

/* Returns -1 to go on, else an exit status. */
static int parse_args(sopts *o, int argc, char **argv)
{
	gw_opts it;
	int i, id, st;

	o->so.limit = 10;
	gw_rank_defaults(&o->rank);
	o->so.rank = &o->rank;
	set_color(o, "auto");
	/* Options come first; the first word that is none starts the query. */
	gw_opts_init(&it, option_table, sizeof option_table / sizeof option_table[0], argc, argv, 0);
	while ((id = gw_opts_next(&it)) != GW_OPTS_END) {
		if (id < 0)
			return usage_error(gw_opts_problem(id), it.word);
		if (id == OPT_HELP)
			return help();
		if (id == OPT_VERSION)
			return gw_print_version(PROG);
		if ((st = apply_option(o, id, it.value)) >= 0)
			return st;
	}
	i = it.i;
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
	double t0 = gw_now_us() / 1e3;

	gw_err_clear(&err);
	if (gw_search(ix, o->query, strlen(o->query), &o->so, &r, &err)) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
		return 2;
	}
	rc = output(ix, r, o, gw_now_us() / 1e3 - t0, &err);
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
	o.shape.no_snippet = o.no_snippet;
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
