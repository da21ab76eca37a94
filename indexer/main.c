/* gongwen-index: adds notices (.txt, .html) and records (.jsonl, .csv,
 * .tsv) to the index.
 *
 * This file is the program's only contact with the index: it parses the
 * options, opens the index, plugs gw_index_put() in as the readers' sink,
 * commits the batch and prints the summary. Reading and walking live in the
 * other indexer/ files, which know nothing of the index.
 *
 * Exit status: 0 when all input was indexed, 1 when some was rejected (each
 * rejection reported on stderr as "file:line: message"), 2 when nothing
 * could be done (bad usage, the index cannot be opened or committed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_buf.h"
#include "gw_check.h"
#include "gw_index.h"
#include "gw_path.h"
#include "indexer.h"

#define PROG "gongwen-index"

static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [-q] [--id-column NAME] PATH...\n"
    "       " PROG " [-i INDEX] --check\n"
    "\n"
    "Adds documents to the index, replacing those with the same id.\n"
    "\n"
    "  PATH        a .txt notice (first non-empty line: title; the rest: body;\n"
    "              id: the path), a .html/.htm notice page (UTF-8, GBK, Big5;\n"
    "              its tables become records), a .jsonl file (one JSON object\n"
    "              per line with an \"id\"; its string members are the fields),\n"
    "              a .csv/.tsv file (a header row, then one record per row), a\n"
    "              directory (walked for all of these), or - for JSON Lines on\n"
    "              stdin\n"
    "  -i INDEX    the index directory, created if absent (default:\n"
    "              $GONGWEN_INDEX, else $XDG_DATA_HOME/gongwen/index, else\n"
    "              ~/.local/share/gongwen/index)\n"
    "  -q          quiet: no summary and no warnings (errors are still shown)\n"
    "  --id-column NAME\n"
    "              the column of .csv/.tsv files that holds the record ids\n"
    "              (default: FILE#ROW, ROW counting the rows after the header)\n"
    "  --check     verify the index instead of adding to it: every posting\n"
    "              agrees with the stored documents (exit 0 sound, 1 not)\n"
    "  -h, --help  show this help\n"
    "\n"
    "Exit status: 0 all input indexed, 1 some input rejected, 2 error.\n";

typedef struct opts {
	const char *index; /* -i, or NULL for the default */
	int quiet;
	int check;         /* --check */
	const char *id_column; /* --id-column, or NULL */
	const char **paths;
	size_t npaths;
} opts;

/* What the sink and the callbacks share: the index and where we are. */
typedef struct run {
	gw_index *ix;
	const char *file; /* the document being put, for warnings; or NULL */
	long line;
	int quiet;
} run;

enum { ARGS_OK, ARGS_HELP, ARGS_BAD };

/* Reports a usage error (arg may be NULL); returns ARGS_BAD. */
static int bad_usage(const char *msg, const char *arg)
{
	if (arg)
		fprintf(stderr, PROG ": %s '%s' (see --help)\n", msg, arg);
	else
		fprintf(stderr, PROG ": %s (see --help)\n", msg);
	return ARGS_BAD;
}

/* Parses argv into o; options and paths may come in any order, and
 * everything after "--" is a path. o->paths is allocated (free it). */
static int parse_args(int argc, char **argv, opts *o)
{
	int i, only_paths = 0;

	o->paths = malloc((size_t)argc * sizeof *o->paths);
	if (!o->paths)
		return bad_usage("out of memory", NULL);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_paths || a[0] != '-' || a[1] == '\0')
			o->paths[o->npaths++] = a;
		else if (strcmp(a, "--") == 0)
			only_paths = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return ARGS_HELP;
		else if (strcmp(a, "-q") == 0)
			o->quiet = 1;
		else if (strcmp(a, "--check") == 0)
			o->check = 1;
		else if (strcmp(a, "--id-column") == 0 && i + 1 < argc && argv[i + 1][0])
			o->id_column = argv[++i];
		else if (strncmp(a, "--id-column=", 12) == 0 && a[12])
			o->id_column = a + 12;
		else if (strncmp(a, "--id-column", 11) == 0)
			return bad_usage("missing NAME after", a);
		else if (strcmp(a, "-i") == 0 && i + 1 < argc)
			o->index = argv[++i];
		else if (strncmp(a, "-i", 2) == 0 && a[2])
			o->index = a + 2;
		else if (strcmp(a, "-i") == 0)
			return bad_usage("missing INDEX after", a);
		else
			return bad_usage("unknown option", a);
	}
	if (o->check && o->npaths)
		return bad_usage("--check takes no PATH", NULL);
	if (o->npaths == 0 && !o->check)
		return bad_usage("no PATH given", NULL);
	return ARGS_OK;
}

static void print_where(const char *file, long line)
{
	if (line > 0)
		fprintf(stderr, "%s:%ld: ", file, line);
	else
		fprintf(stderr, "%s: ", file);
}

static void report(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	print_where(file, line);
	fprintf(stderr, "%s\n", msg);
}

static void warn(void *ctx, const char *msg)
{
	const run *r = ctx;

	if (r->quiet)
		return;
	if (r->file)
		print_where(r->file, r->line);
	else
		fprintf(stderr, PROG ": ");
	fprintf(stderr, "warning: %s\n", msg);
}

static gw_rc put(void *ctx, const gw_doc *doc, const char *file, long line,
                 gw_err *err)
{
	run *r = ctx;
	gw_rc rc;

	r->file = file;
	r->line = line;
	rc = gw_index_put(r->ix, doc, err);
	r->file = NULL;
	return rc;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_summary(const gw_batch_stats *st, const gw_input *in,
                          double secs)
{
	double mb = (double)in->nbytes / 1e6;

	fprintf(stderr,
	        PROG ": %zu added, %zu replaced, %zu rejected in %.2f s"
	        " (%.1f MB/s)\n",
	        st->added, st->replaced, in->nrejected, secs,
	        secs > 0 ? mb / secs : 0.0);
}

/* Reads every path into an open batch and commits it; returns the exit
 * status. */
static int fill_and_commit(run *r, const opts *o, double t0)
{
	gw_batch_stats st = {0, 0, 0, 0, 0};
	gw_input in;
	gw_err err;
	size_t i;

	gw_err_clear(&err);
	gw_input_init(&in, put, r, report, NULL);
	in.id_column = o->id_column;
	for (i = 0; i < o->npaths; i++)
		gw_input_path(&in, o->paths[i]);
	if (gw_index_commit(r->ix, &st, &err) != GW_OK) {
		fprintf(stderr, PROG ": cannot commit to index '%s': %s\n",
		        o->index, err.msg);
		return 2;
	}
	if (!o->quiet)
		print_summary(&st, &in, now() - t0);
	return in.nrejected ? 1 : 0;
}

/* Opens (or creates) the index o->index and indexes everything into it;
 * returns the exit status. */
static int index_all(const opts *o)
{
	run r = {NULL, NULL, 0, o->quiet};
	double t0 = now();
	gw_err err;
	int status = 2;

	gw_err_clear(&err);
	if (gw_index_open(&r.ix, o->index, GW_OPEN_CREATE, &err) != GW_OK) {
		fprintf(stderr, PROG ": cannot open index '%s': %s\n", o->index,
		        err.msg);
		return 2;
	}
	gw_index_set_warn(r.ix, warn, &r);
	if (gw_index_begin(r.ix, &err) != GW_OK)
		fprintf(stderr, PROG ": cannot write index '%s': %s\n", o->index,
		        err.msg);
	else
		status = fill_and_commit(&r, o, t0);
	gw_index_close(r.ix);
	return status;
}

/* --check: verifies the index; returns the exit status. */
static int check_index(const opts *o)
{
	gw_index *ix = NULL;
	gw_check_report rep;
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	if (gw_index_open(&ix, o->index, GW_OPEN_READ, &err) != GW_OK) {
		fprintf(stderr, PROG ": cannot open index '%s': %s\n", o->index, err.msg);
		return 2;
	}
	rc = gw_index_check(ix, &rep, &err);
	gw_index_close(ix);
	if (rc == GW_OK)
		printf("index '%s' is sound: %llu documents, %llu postings in %llu chunks\n", o->index,
		       (unsigned long long)rep.docs, (unsigned long long)rep.postings,
		       (unsigned long long)rep.chunks);
	else
		fprintf(stderr, PROG ": %s: %s\n", o->index, err.msg);
	return rc == GW_OK ? 0 : rc == GW_EFORMAT ? 1 : 2;
}

/* Prints the help to stdout; a failed write (a closed pipe) is status 2. */
static int help(void)
{
	fputs(usage_text, stdout);
	return fflush(stdout) != 0 || ferror(stdout) ? 2 : 0;
}

int main(int argc, char **argv)
{
	opts o = {NULL, 0, 0, NULL, NULL, 0};
	gw_buf scratch = GW_BUF_INIT;
	int status = 2;

	switch (parse_args(argc, argv, &o)) {
	case ARGS_HELP:
		status = help();
		break;
	case ARGS_OK:
		if (!o.index && !(o.index = gw_default_index_path(&scratch)))
			fprintf(stderr, PROG ": no index: use -i INDEX or set "
			                     "GONGWEN_INDEX, XDG_DATA_HOME or HOME\n");
		else
			status = o.check ? check_index(&o) : index_all(&o);
		break;
	}
	free(o.paths);
	gw_buf_free(&scratch);
	return status;
}
