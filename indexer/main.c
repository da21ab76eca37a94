/* gongwen-index: adds notices (.txt, .html) and records (.jsonl, .csv,
 * .tsv) to the index.
 *
 * This file is the program's only contact with the index: it parses the
 * options, opens the index, plugs gw_index_put() in as the readers' sink,
 * commits the batch and prints the summary. Reading and walking live in the
 * other indexer/ files, which know nothing of the index.
 *
 * Every document gets the stored-only field "_source": the file it came
 * from as walked (or "<stdin>"), which --prune uses to find the documents
 * of those files that were not delivered again. The tools (--check,
 * --stats, --compact, --dump) and --delete are modes of their own.
 *
 * Exit status: 0 when all input was indexed, 1 when some was rejected (each
 * rejection reported on stderr as "file:line: message"), 2 when nothing
 * could be done (bad usage, the index cannot be opened or committed). */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/gw_buf.h"
#include "base/gw_opts.h"
#include "tools/gw_check.h"
#include "index/gw_index.h"
#include "base/gw_path.h"
#include "tools/gw_tools.h"
#include "indexer.h"
#include "read/gw_pdf.h"
#include "text/gw_escape.h"
#include "out/gw_print.h"

#define PROG "gongwen-index"

/* The usage lines and the text around the options' help (the options
 * table below holds the rest): the README and gongwen-index(1) show the
 * same lines, and tests/check_options.sh compares them. */
static const char usage_text[] =
    "usage: " PROG " [-i INDEX] [-q] [-j N] [--memory MB] [--id-column NAME]\n"
    "                     [--prune | --rebuild] PATH...\n"
    "       " PROG " [-i INDEX] [-q] --delete ID... | --delete -\n"
    "       " PROG " [-i INDEX] --check | --stats | --compact DEST | --dump ID\n"
    "\n"
    "Adds documents to the index, replacing those with the same id; documents\n"
    "whose content did not change are skipped (counted as unchanged).\n"
    "\n";

static const char usage_end[] = "\nExit status: 0 all input indexed, 1 some input rejected, 2 error.\n";

enum {
	OPT_INDEX = 1, OPT_JOBS, OPT_MEMORY, OPT_QUIET, OPT_ID_COLUMN, OPT_REBUILD, OPT_PRUNE,
	OPT_DELETE, OPT_CHECK, OPT_STATS, OPT_COMPACT, OPT_DUMP, OPT_VERSION, OPT_HELP
};

/* Every option gongwen-index takes: the parser and --help both come from
 * here (gw_opts.h). */
static const gw_opt option_table[] = {
    {0, "PATH", NULL,
     "a notice: .txt (first non-empty line: title; the rest: body), .html/.htm "
     "(UTF-8, GBK, Big5), .docx, .ofd, or .pdf with a text layer; its id is the "
     "path and its tables' rows become records. Records: .jsonl (one JSON object "
     "per line with an \"id\"; its string members are the fields), .csv/.tsv (a "
     "header row, then one record per row), .xlsx (a record per row of every "
     "sheet). A directory is walked for all of these; - reads JSON Lines on stdin"},
    {OPT_INDEX, "-i", "INDEX",
     "the index directory, created if absent (default: $GONGWEN_INDEX, else "
     "$XDG_DATA_HOME/gongwen/index, else ~/.local/share/gongwen/index)"},
    {OPT_JOBS, "-j", "N", "analyze on N threads (default: the number of cores); the index is the same for any N"},
    {OPT_MEMORY, "--memory", "MB",
     "the memory a batch may use (default 512): 3/8 for posting lists, 1/16 for "
     "documents' text; a larger budget builds large corpora faster"},
    {OPT_QUIET, "-q, --quiet", NULL,
     "no progress line and no warnings (errors and the final summary are still shown)"},
    {OPT_ID_COLUMN, "--id-column", "NAME",
     "the column of .csv/.tsv/.xlsx files that holds the record ids (default: FILE#ROW, "
     "ROW counting the rows after the header)"},
    {OPT_REBUILD, "--rebuild", NULL,
     "build a fresh index of PATHs beside INDEX, then swap it in atomically "
     "(searches that have the old one open keep it)"},
    {OPT_PRUNE, "--prune", NULL,
     "after indexing, delete the documents that came from the PATHs (a file, or any "
     "file under a directory) but were not read this time: deleted files, rows or "
     "lines gone"},
    {OPT_DELETE, "--delete", NULL,
     "delete the documents whose ids are given instead of PATHs (with -: the ids on "
     "stdin, one a line); exit 1 if some id was not found"},
    {0, NULL, NULL, "Tools (instead of indexing):"},
    {OPT_CHECK, "--check", NULL,
     "verify the index: every LMDB page holds together and every posting agrees "
     "with the stored documents (exit 0 sound, 1 not, 2 damaged past reading: "
     "\"index damaged: ...\")"},
    {OPT_STATS, "--stats", NULL,
     "documents (notices, records, other), fields, distinct terms, postings, "
     "chunks, file size, versions, each LMDB database"},
    {OPT_COMPACT, "--compact", "DEST",
     "write a compacted copy of the index to the directory DEST (created; must not "
     "exist or be empty)"},
    {OPT_DUMP, "--dump", "ID",
     "one document: its stored fields and, per indexed field, its terms with their "
     "positions"},
    {OPT_HELP, "-h, --help", NULL, "show this help"},
    {OPT_VERSION, "--version", NULL, "show the versions of the program, the C API and the index format"},
};

enum mode { MODE_INDEX, MODE_CHECK, MODE_STATS, MODE_COMPACT, MODE_DUMP, MODE_DELETE };

typedef struct opts {
	const char *index; /* -i, or NULL for the default */
	const char *shown; /* the index as the user named it (index may be a
	                    * build directory beside it) */
	int quiet;
	enum mode mode;
	int nmodes;        /* mode options given (at most one allowed) */
	int prune;         /* --prune */
	int rebuild;       /* --rebuild */
	int staging;       /* the index is new, out of readers' sight: checkpoint */
	int threads;       /* -j N, 0 = default */
	size_t memory;     /* --memory MB in bytes, 0 = default */
	const char *arg;   /* --compact DEST, --dump ID */
	const char *id_column; /* --id-column, or NULL */
	const char **paths;
	size_t npaths;
	size_t *flushes;   /* if set, gets the commit's gw_batch_stats.flushes */
} opts;

/* What the sink and the callbacks share: the index and where we are. */
typedef struct run {
	gw_index *ix;
	int progress;      /* stderr is a terminal and not -q */
	double t0, last;   /* start, last progress line */
	size_t ndocs;      /* documents read */
	uint64_t *nbytes;  /* bytes read (the readers' count) */
	const char *file; /* the document being put, for warnings; or NULL */
	long line;
	int quiet;
	gw_field fields[GW_MAX_FIELDS + 1]; /* the doc's fields + "_source" */
} run;

enum { ARGS_OK, ARGS_HELP, ARGS_VERSION, ARGS_BAD };

/* Reports a usage error (arg may be NULL); returns ARGS_BAD. */
static int bad_usage(const char *msg, const char *arg)
{
	if (arg)
		gw_escape_line(stderr, PROG ": %s '%s' (see --help)", msg, arg);
	else
		gw_escape_line(stderr, PROG ": %s (see --help)", msg);
	return ARGS_BAD;
}

/* Records one option (id, value v) in o; returns ARGS_OK to go on. */
static int apply_option(opts *o, int id, const char *v)
{
	unsigned long long n;

	switch (id) {
	case GW_OPTS_OPERAND: o->paths[o->npaths++] = v; break;
	case OPT_HELP: return ARGS_HELP;
	case OPT_VERSION: return ARGS_VERSION;
	case OPT_QUIET: o->quiet = 1; break;
	case OPT_CHECK: o->mode = MODE_CHECK, o->nmodes++; break;
	case OPT_STATS: o->mode = MODE_STATS, o->nmodes++; break;
	case OPT_DELETE: o->mode = MODE_DELETE, o->nmodes++; break;
	case OPT_PRUNE: o->prune = 1; break;
	case OPT_REBUILD: o->rebuild = 1; break;
	case OPT_INDEX: o->index = v; break;
	case OPT_MEMORY:
		if (gw_opts_number(v, 16, 1 << 20, &n))
			return bad_usage("--memory takes 16 to 1048576 (MB), not", v);
		o->memory = (size_t)n << 20;
		break;
	case OPT_JOBS:
		if (gw_opts_number(v, 1, 64, &n))
			return bad_usage("-j takes 1 to 64, not", v);
		o->threads = (int)n;
		break;
	case OPT_COMPACT:
	case OPT_DUMP:
		if (!*v)
			return bad_usage(id == OPT_COMPACT ? "missing DEST after" : "missing ID after",
			                 id == OPT_COMPACT ? "--compact" : "--dump");
		o->mode = id == OPT_COMPACT ? MODE_COMPACT : MODE_DUMP;
		o->nmodes++;
		o->arg = v;
		break;
	case OPT_ID_COLUMN:
		if (!*v)
			return bad_usage("missing NAME after", "--id-column");
		o->id_column = v;
		break;
	default: /* GW_OPTS_UNKNOWN, _NOVALUE, _FLAGVALUE */
		return ARGS_BAD;
	}
	return ARGS_OK;
}

/* Parses argv into o; options and paths may come in any order, and
 * everything after "--" is a path. o->paths is allocated (free it). */
static int parse_args(int argc, char **argv, opts *o)
{
	gw_opts it;
	int id, st;

	o->paths = malloc((size_t)argc * sizeof *o->paths);
	if (!o->paths)
		return bad_usage("out of memory", NULL);
	gw_opts_init(&it, option_table, sizeof option_table / sizeof option_table[0], argc, argv, 1);
	while ((id = gw_opts_next(&it)) != GW_OPTS_END) {
		if (id < 0 && id != GW_OPTS_OPERAND)
			return bad_usage(gw_opts_problem(id), it.word);
		if ((st = apply_option(o, id, it.value)) != ARGS_OK)
			return st;
	}
	if (o->nmodes > 1)
		return bad_usage("give only one of --check, --stats, --compact, --dump, --delete", NULL);
	if (o->rebuild && (o->mode != MODE_INDEX || o->prune))
		return bad_usage("--rebuild goes with PATHs to index (and replaces --prune)", NULL);
	if (o->prune && o->mode != MODE_INDEX)
		return bad_usage("--prune goes with PATHs to index", NULL);
	if (o->mode == MODE_DELETE && o->npaths == 0)
		return bad_usage("no ID given after --delete", NULL);
	if (o->mode != MODE_INDEX && o->mode != MODE_DELETE && o->npaths)
		return bad_usage("this tool takes no PATH", NULL);
	if (o->npaths == 0 && o->mode == MODE_INDEX)
		return bad_usage("no PATH given", NULL);
	return ARGS_OK;
}

/* Messages go to stderr escaped whole (gw_escape_line): file names and
 * messages may quote input, and nothing raw reaches the terminal. The
 * readers escape and cut what they quote already; this pass only guards
 * the rest (a file name with a newline in it, say). */
static void print_at(const char *file, long line, const char *what, const char *msg)
{
	if (line > 0)
		gw_escape_line(stderr, "%s:%ld: %s%s", file, line, what, msg);
	else
		gw_escape_line(stderr, "%s: %s%s", file, what, msg);
}

/* ctx is the run (for -q, which hides warnings but never rejections). */
static void report(void *ctx, const char *file, long line, const char *msg)
{
	const run *r = ctx;

	if (r && r->quiet && strncmp(msg, "warning: ", 9) == 0)
		return;
	print_at(file, line, "", msg);
}

static void warn(void *ctx, const char *msg)
{
	const run *r = ctx;

	if (r->quiet)
		return;
	print_at(r->file ? r->file : PROG, r->file ? r->line : 0, "warning: ", msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The progress line: rewritten in place on a terminal, at most 4 times a
 * second; cleared before the summary. */
static void progress_line(run *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void progress_line(run *r, const char *fmt, ...)
{
	va_list ap;
	double t = now();

	if (!r->progress || t - r->last < 0.25)
		return;
	r->last = t;
	fputs("\r\x1b[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static void on_commit_progress(void *ctx, size_t done, size_t total)
{
	run *r = ctx;
	double el = now() - r->t0, rate = el > 0 ? (double)done / el : 0;

	if (done == total)
		r->last = 0; /* the last line always shows */
	progress_line(r, "indexing: %zu of %zu documents (%.0f%%), %.0f documents/s, about %.0f s left",
	              done, total, total ? 100.0 * (double)done / (double)total : 100.0, rate,
	              rate > 0 ? (double)(total - done) / rate : 0.0);
}

static gw_rc put(void *ctx, const gw_doc *doc, const char *file, long line,
                 gw_err *err)
{
	run *r = ctx;
	gw_doc d = *doc;
	gw_rc rc;

	/* The batch failed as a whole (a window could not be written): the
	 * commit reports it once; the rest of the input is only read. */
	if (gw_index_batch_broken(r->ix))
		return GW_OK;
	r->ndocs++;
	if (r->nbytes)
		progress_line(r, "reading: %zu documents, %.1f MB (%.1f MB/s)", r->ndocs, (double)*r->nbytes / 1e6,
		              (double)*r->nbytes / 1e6 / (now() - r->t0 + 1e-9));

	/* Add "_source" = file (replacing one the input may have). */
	if (doc->nfields > GW_MAX_FIELDS)
		return gw_err_set(err, GW_EINVAL, 0, "%zu fields, more than GW_MAX_FIELDS (%d)",
		                  doc->nfields, GW_MAX_FIELDS);
	d.nfields = 0;
	for (size_t i = 0; i < doc->nfields && i < GW_MAX_FIELDS; i++)
		if (!(doc->fields[i].name_len == 7 && memcmp(doc->fields[i].name, "_source", 7) == 0))
			r->fields[d.nfields++] = doc->fields[i];
	r->fields[d.nfields++] = (gw_field){"_source", 7, file, strlen(file)};
	d.fields = r->fields;
	r->file = file;
	r->line = line;
	rc = gw_index_put(r->ix, &d, err);
	r->file = NULL;
	return gw_index_batch_broken(r->ix) ? GW_OK : rc;
}


/* Reports that the index could not be opened: "cannot open index 'INDEX':
 * MSG", or MSG alone when it names the index already (as gw_store's do). */
static void open_failed(const char *index, const char *msg)
{
	char named[4200];

	snprintf(named, sizeof named, "'%s'", index);
	if (strstr(msg, named))
		gw_escape_line(stderr, PROG ": %s", msg);
	else
		gw_escape_line(stderr, PROG ": cannot open index '%s': %s", index, msg);
}

/* Reports a failed commit. A batch is one LMDB transaction, so a failed
 * one (a full disk, say) left the index as it was: say so. */
static void commit_failed(const char *index, const char *msg)
{
	gw_escape_line(stderr, PROG ": cannot commit to index '%s': %s; the index is unchanged", index, msg);
}

static void print_summary(const gw_batch_stats *st, const gw_input *in,
                          double secs)
{
	double mb = (double)in->nbytes / 1e6;

	gw_escape_line(stderr,
	        PROG ": %zu added, %zu replaced, %zu unchanged, %zu deleted, %zu rejected in %.2f s"
	        " (%.1f MB/s)",
	        st->added, st->replaced, st->unchanged, st->deleted, in->nrejected, secs,
	        secs > 0 ? mb / secs : 0.0);
}

/* --prune: the sources to prune, normalized as the walk spells them, in
 * *out (allocated, with the strings; free with free_sources). A path that
 * exists but cannot be looked at is left out (its documents stay); one that
 * no longer exists is kept (its documents go). */
static size_t prune_sources(const opts *o, char ***out)
{
	size_t n = 0;
	struct stat st;

	*out = calloc(o->npaths ? o->npaths : 1, sizeof **out);
	for (size_t i = 0; *out && i < o->npaths; i++) {
		const char *p = o->paths[i];
		char *s;
		if (strcmp(p, "-") == 0)
			p = "<stdin>";
		else if (stat(p, &st) != 0 && errno != ENOENT)
			continue;
		if (!(s = strdup(p)))
			continue;
		gw_path_normalize(s);
		(*out)[n++] = s;
	}
	return n;
}

static void free_sources(char **s, size_t n)
{
	while (n > 0)
		free(s[--n]);
	free(s);
}

/* Reads every path into an open batch and commits it; returns the exit
 * status. */
static int fill_and_commit(run *r, const opts *o, double t0)
{
	gw_batch_stats st;
	gw_input in;
	gw_err err;
	char **src = NULL;
	size_t i, nsrc = 0;
	gw_rc rc;

	memset(&st, 0, sizeof st);
	gw_err_clear(&err);
	gw_input_init(&in, put, r, report, r);
	in.id_column = o->id_column;
	r->nbytes = &in.nbytes;
	r->t0 = r->last = t0;
	r->progress = !o->quiet && isatty(STDERR_FILENO);
	if (r->progress)
		gw_index_set_progress(r->ix, on_commit_progress, r);
	for (i = 0; i < o->npaths; i++)
		gw_input_path(&in, o->paths[i]);
	gw_input_pdf_end();
	if (o->prune)
		nsrc = prune_sources(o, &src);
	r->t0 = now();
	rc = gw_index_commit_pruning(r->ix, (const char *const *)src, nsrc, &st, &err);
	free_sources(src, nsrc);
	r->nbytes = NULL;
	if (r->progress)
		fputs("\r\x1b[K", stderr);
	if (rc != GW_OK) {
		commit_failed(o->shown, err.msg);
		return 2;
	}
	if (o->flushes)
		*o->flushes = st.flushes;
	/* The summary always: -q only silences progress and warnings. */
	print_summary(&st, &in, now() - t0);
	return in.nrejected ? 1 : 0;
}

/* Removes the build directories beside the index that a killed run left:
 * INDEX.rebuild-PID where no process PID runs. */
static void remove_stale_builds(const char *index)
{
	char pattern[4200];
	glob_t g;

	snprintf(pattern, sizeof pattern, "%s.rebuild-*", index);
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *pid = strrchr(g.gl_pathv[i], '-') + 1;
		char *end;
		long n = strtol(pid, &end, 10);
		gw_err err;
		gw_err_clear(&err);
		if (*end == 0 && n > 0 && kill((pid_t)n, 0) != 0 && errno == ESRCH)
			gw_index_remove(g.gl_pathv[i], &err);
	}
	globfree(&g);
}

/* After a batch into an index that was there, more than a third of the
 * file free: the pages a batch frees are reused by the next ones
 * (gw_store_seal), but the pages its rewrites split stay half full, and
 * re-indexing 500 of zh-docs' 9,930 documents a night took the file from
 * 35 to 95 MB in ten nights, 41 MB of it free (tests/nightly.sh). */
#define COMPACT_FREE_SHARE 3

/* Replaces the index by a packed copy of itself (gw_index_compact_live)
 * once more than 1/COMPACT_FREE_SHARE of its file is free. If that fails
 * (no room for the copy, a parent directory that cannot be written), the
 * index stays as it is: it is sound, only larger. */
static void compact_after_batch(const opts *o, gw_index *ix)
{
	char tmp[4200], real[PATH_MAX];
	const char *target = o->index;
	uint64_t used = 0, unused = 0, after = 0, after_free = 0;
	struct stat st;
	double t0 = now();
	gw_err err;

	gw_err_clear(&err);
	/* GONGWEN_NO_COMPACT: lets tests watch how LMDB reuses free pages. */
	if (getenv("GONGWEN_NO_COMPACT") ||
	    gw_index_space(ix, &used, &unused, &err) != GW_OK || unused * COMPACT_FREE_SHARE <= used)
		return;
	/* The directory a symbolic link names is replaced, not the link. */
	if (lstat(o->index, &st) == 0 && S_ISLNK(st.st_mode) && realpath(o->index, real))
		target = real;
	snprintf(tmp, sizeof tmp, "%s.rebuild-c-%ld", target, (long)getpid());
	if (gw_index_compact_live(ix, target, tmp, &err) != GW_OK) {
		if (!o->quiet)
			gw_escape_line(stderr, PROG ": could not compact index '%s' (%.1f of %.1f MB free): %s",
			               o->shown, unused / 1e6, used / 1e6, err.msg);
		return;
	}
	if (!o->quiet) {
		gw_index *c = NULL;
		if (gw_index_open(&c, target, GW_OPEN_READ, &err) == GW_OK)
			gw_index_space(c, &after, &after_free, &err);
		gw_index_close(c);
		gw_escape_line(stderr, PROG ": compacted the index from %.1f MB (%.1f MB free) to %.1f MB in %.2f s",
		               used / 1e6, unused / 1e6, after / 1e6, now() - t0);
	}
}

/* Opens (or creates) the index o->index and indexes everything into it;
 * returns the exit status. */
static int index_all(const opts *o)
{
	static run r;
	double t0 = now();
	gw_err err;
	int status = 2;

	r.quiet = o->quiet;
	gw_err_clear(&err);
	if (!o->staging)
		remove_stale_builds(o->index);
	if (gw_index_open(&r.ix, o->index, GW_OPEN_CREATE, &err) != GW_OK) {
		open_failed(o->shown, err.msg);
		return 2;
	}
	gw_index_set_warn(r.ix, warn, &r);
	if (o->threads)
		gw_index_set_threads(r.ix, o->threads);
	if (o->staging) /* GONGWEN_CHECKPOINT: bytes; lets tests checkpoint often */
		gw_index_set_staging(r.ix, getenv("GONGWEN_CHECKPOINT") ?
		                                   strtoull(getenv("GONGWEN_CHECKPOINT"), NULL, 10) : 0);
	gw_index_set_budget(r.ix, o->memory);
	if (getenv("GONGWEN_BUDGET")) /* bytes, below --memory's floor; lets tests force merges */
		gw_index_set_budget(r.ix, (size_t)strtoull(getenv("GONGWEN_BUDGET"), NULL, 10));
	if (getenv("GONGWEN_WINDOW")) /* bytes; lets tests apply a batch in windows */
		gw_index_set_window(r.ix, (size_t)strtoull(getenv("GONGWEN_WINDOW"), NULL, 10));
	if (gw_index_begin(r.ix, &err) != GW_OK)
		gw_escape_line(stderr, PROG ": cannot write index '%s': %s", o->shown,
		        err.msg);
	else
		status = fill_and_commit(&r, o, t0);
	if (status != 2 && !o->staging)
		compact_after_batch(o, r.ix);
	gw_index_close(r.ix);
	return status;
}

/* Opens the index at path to read; *absent is 1 if there is none yet
 * (the library's GW_ENOTFOUND for a missing file), 0 otherwise. */
static gw_index *open_to_read(const char *path, int *absent)
{
	gw_index *ix = NULL;
	gw_err err;

	gw_err_clear(&err);
	*absent = gw_index_open(&ix, path, GW_OPEN_READ, &err) == GW_ENOTFOUND && err.sys == ENOENT;
	return ix;
}

/* 1 if there is no index at path yet. */
static int index_is_new(const char *path)
{
	int absent;

	gw_index_close(open_to_read(path, &absent));
	return absent;
}

/* 1 if path holds no documents: no index, or an empty one (made by a first
 * build that was killed, say). Such an index is built as --rebuild does. */
static int index_is_empty(const char *path)
{
	int absent;
	gw_index *ix = open_to_read(path, &absent);
	uint64_t n = 1;
	gw_err err;

	gw_err_clear(&err);
	if (ix)
		gw_index_count(ix, &n, &err);
	gw_index_close(ix);
	return absent || n == 0;
}

/* Bytes of the index at path in use (0 if it cannot be read). */
static double index_bytes(const char *path)
{
	gw_index *ix = NULL;
	uint64_t used = 0, unused = 0;
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_open(&ix, path, GW_OPEN_READ, &err) == GW_OK)
		gw_index_space(ix, &used, &unused, &err);
	gw_index_close(ix);
	return (double)used;
}

/* A build whose postings were written out more than once (flushes) merged
 * into terms already written, splitting pages half full, and a build that
 * committed as it went keeps the pages its merges freed (a sixth of the
 * file, for the 16x corpus of tests/growth.sh). Either way, past one flush
 * or a tenth free, the build is replaced by a packed copy
 * (gw_store_copy_packed), named in tmp. If the copy cannot be made (no
 * room for it, say), the build stays as it is. */
static void compact_build(const opts *o, char *tmp, size_t cap, size_t flushes)
{
	char copy[4200];
	gw_index *ix = NULL;
	uint64_t used = 0, unused = 0;
	double t0 = now();
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	if (gw_index_open(&ix, tmp, GW_OPEN_READ, &err) != GW_OK ||
	    gw_index_space(ix, &used, &unused, &err) != GW_OK || (flushes <= 1 && unused * 10 <= used)) {
		gw_index_close(ix);
		return;
	}
	snprintf(copy, sizeof copy, "%s.rebuild-c-%ld", o->index, (long)getpid());
	rc = gw_index_remove(copy, &err);
	if (rc == GW_OK)
		rc = gw_index_compact(ix, copy, &err);
	gw_index_close(ix);
	if (rc != GW_OK || strlen(copy) >= cap) {
		gw_index_remove(copy, &err);
		return;
	}
	gw_index_remove(tmp, &err);
	strcpy(tmp, copy);
	if (!o->quiet)
		gw_escape_line(stderr, PROG ": compacted the new index from %.1f to %.1f MB in %.2f s", used / 1e6,
		        index_bytes(copy) / 1e6, now() - t0);
}

/* --rebuild, and the first build of an index: indexes everything into a
 * new directory beside the index, then swaps it in; returns the exit
 * status. Nobody reads that directory, so the build commits as it goes
 * (staging), which keeps LMDB's dirty pages out of memory. A first build
 * makes the empty index first: a reader then finds an empty index until
 * the swap, and errors about the index's path name that path. */
static int rebuild_all(const opts *o)
{
	char tmp[4096], real[PATH_MAX];
	opts at = *o, fresh;
	struct stat st;
	gw_err err;
	size_t flushes = 0;
	int status;

	/* An index reached through a symbolic link is built beside, and
	 * swapped with, the directory the link names, not the link. */
	if (lstat(o->index, &st) == 0 && S_ISLNK(st.st_mode) && realpath(o->index, real))
		at.index = real;
	gw_err_clear(&err);
	if (index_is_new(at.index)) {
		gw_index *ix = NULL;
		if (gw_index_open(&ix, at.index, GW_OPEN_CREATE, &err) != GW_OK) {
			open_failed(at.index, err.msg);
			return 2;
		}
		gw_index_close(ix);
	}
	remove_stale_builds(at.index);
	snprintf(tmp, sizeof tmp, "%s.rebuild-%ld", at.index, (long)getpid());
	if (gw_index_remove(tmp, &err) != GW_OK) {
		gw_escape_line(stderr, PROG ": %s", err.msg);
		return 2;
	}
	/* An index whose directory we may write in a parent we may not: a
	 * first build goes in place (one transaction), as it did before. */
	if (!at.rebuild && mkdir(tmp, 0777) != 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		return index_all(&at);
	fresh = at;
	fresh.index = tmp;
	fresh.staging = 1;
	fresh.flushes = &flushes;
	status = index_all(&fresh);
	if (status == 2) {
		gw_index_remove(tmp, &err);
		return 2;
	}
	compact_build(&at, tmp, sizeof tmp, flushes);
	if (gw_index_swap_in(tmp, at.index, &err) != GW_OK) {
		gw_escape_line(stderr, PROG ": %s (the new index is left at '%s')", err.msg, tmp);
		return 2;
	}
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
	if (gw_index_open(&ix, o->index, GW_OPEN_READ | GW_OPEN_VERIFY, &err) != GW_OK) {
		open_failed(o->index, err.msg);
		return 2;
	}
	rc = gw_index_check(ix, &rep, &err);
	gw_index_close(ix);
	if (rc == GW_OK)
		printf("index '%s' is sound: %llu documents, %llu postings in %llu chunks\n", o->index,
		       (unsigned long long)rep.docs, (unsigned long long)rep.postings,
		       (unsigned long long)rep.chunks);
	else
		gw_escape_line(stderr, PROG ": %s: %s", o->index, err.msg);
	return rc == GW_OK ? 0 : rc == GW_EFORMAT ? 1 : 2;
}

/* Opens o->index read-only for a tool; NULL (message printed) if it cannot. */
static gw_index *open_ro(const opts *o)
{
	gw_index *ix = NULL;
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_open(&ix, o->index, GW_OPEN_READ, &err) != GW_OK)
		open_failed(o->index, err.msg);
	return ix;
}

/* Queues one id for deletion; a bad one is reported. */
static void delete_one(gw_index *ix, const char *id, size_t len, size_t *bad)
{
	char q[GW_EXCERPT_SIZE];
	gw_err err;

	gw_err_clear(&err);
	if (gw_index_delete(ix, id, len, &err) != GW_OK) {
		gw_escape_line(stderr, PROG ": cannot delete '%s': %s", gw_excerpt(q, id, len), err.msg);
		++*bad;
	}
}

/* Queues the ids on stdin, one a line (CR LF allowed, empty lines skipped). */
static void delete_stdin(gw_index *ix, size_t *bad)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > 0)
			delete_one(ix, line, (size_t)n, bad);
	}
	free(line);
}

/* --delete: returns the exit status (1 when some id was not found). */
static int delete_ids(const opts *o)
{
	gw_index *ix = NULL;
	gw_batch_stats st;
	gw_err err;
	double t0 = now();
	size_t bad = 0;

	memset(&st, 0, sizeof st);
	gw_err_clear(&err);
	if (gw_index_open(&ix, o->index, GW_OPEN_WRITE, &err) != GW_OK ||
	    gw_index_begin(ix, &err) != GW_OK) {
		open_failed(o->index, err.msg);
		gw_index_close(ix);
		return 2;
	}
	for (size_t i = 0; i < o->npaths; i++) {
		if (strcmp(o->paths[i], "-") == 0)
			delete_stdin(ix, &bad);
		else
			delete_one(ix, o->paths[i], strlen(o->paths[i]), &bad);
	}
	if (gw_index_commit(ix, &st, &err) != GW_OK) {
		commit_failed(o->index, err.msg);
		gw_index_close(ix);
		return 2;
	}
	gw_escape_line(stderr, PROG ": %zu deleted, %zu not found in %.2f s", st.deleted,
	        st.missing + bad, now() - t0);
	compact_after_batch(o, ix);
	gw_index_close(ix);
	return st.missing || bad ? 1 : 0;
}

static void print_size(const char *what, uint64_t bytes)
{
	printf("%-18s %llu (%.1f MB)\n", what, (unsigned long long)bytes, (double)bytes / 1e6);
}

/* Entries of the database of that name (gw_store_db_stats). */
static uint64_t db_entries(const gw_index_stats *st, const char *name)
{
	for (int i = 0; i < GW_STORE_NDBS; i++)
		if (strcmp(st->db[i].name, name) == 0)
			return st->db[i].entries;
	return 0;
}

/* --stats: returns the exit status. */
static int stats_index(const opts *o)
{
	gw_index *ix = open_ro(o);
	gw_index_stats st;
	gw_err err;

	if (!ix)
		return 2;
	gw_err_clear(&err);
	if (gw_index_stats_get(ix, o->index, &st, &err) != GW_OK) {
		gw_escape_line(stderr, PROG ": %s: %s", o->index, err.msg);
		gw_index_close(ix);
		return 2;
	}
	gw_index_close(ix);
	printf("index              %s\n", o->index);
	printf("format             %llu\nanalyzer           %llu\n", (unsigned long long)st.format,
	       (unsigned long long)st.analyzer);
	printf("documents          %llu (%llu notices, %llu records, %llu other)\n",
	       (unsigned long long)st.docs, (unsigned long long)st.notices,
	       (unsigned long long)st.records, (unsigned long long)st.other);
	printf("with _source       %llu\n", (unsigned long long)st.with_source);
	printf("fields             %llu\n", (unsigned long long)st.fields);
	printf("stored texts       %llu, %.1f MB (%llu as they are, %llu zstd, %llu zstd with the dictionary)\n",
	       (unsigned long long)(st.texts[0] + st.texts[1] + st.texts[2]), st.text_bytes / 1e6,
	       (unsigned long long)st.texts[0], (unsigned long long)st.texts[1], (unsigned long long)st.texts[2]);
	printf("text dictionary    %zu bytes\n", st.zdict_bytes);
	printf("distinct terms     %llu\n", (unsigned long long)st.terms);
	printf("postings           %llu\n", (unsigned long long)st.postings);
	printf("chunks             %llu (%llu small lists in %llu blocks)\n", (unsigned long long)st.chunks,
	       (unsigned long long)(st.chunks - db_entries(&st, "post")), (unsigned long long)db_entries(&st, "small"));
	print_size("file bytes", st.file_bytes);
	/* LMDB counts its free pages among the pages in use: told apart. */
	print_size("used bytes", st.used_bytes - st.free_bytes);
	printf("%-18s %llu (%.1f MB; free pages: later batches reuse them, --compact drops them)\n",
	       "free bytes", (unsigned long long)st.free_bytes, (double)st.free_bytes / 1e6);
	print_size("map bytes", st.map_bytes);
	printf("%-8s %10s %8s %6s %12s\n", "database", "entries", "pages", "depth", "bytes");
	for (int i = 0; i < GW_STORE_NDBS; i++)
		printf("%-8s %10llu %8llu %6u %12llu\n", st.db[i].name, (unsigned long long)st.db[i].entries,
		       (unsigned long long)st.db[i].pages, st.db[i].depth,
		       (unsigned long long)st.db[i].bytes);
	return fflush(stdout) != 0 || ferror(stdout) ? 2 : 0;
}

/* --compact DEST: returns the exit status. */
static int compact_index(const opts *o)
{
	gw_index *ix = open_ro(o);
	gw_err err;
	gw_rc rc;

	if (!ix)
		return 2;
	gw_err_clear(&err);
	rc = gw_index_compact(ix, o->arg, &err);
	gw_index_close(ix);
	if (rc != GW_OK) {
		gw_escape_line(stderr, PROG ": cannot compact '%s': %s", o->index, err.msg);
		return 2;
	}
	if (!o->quiet)
		gw_escape_line(stderr, PROG ": compacted '%s' into '%s'", o->index, o->arg);
	return 0;
}

/* --dump ID: returns the exit status (1 when there is no such document). */
static int dump_doc(const opts *o)
{
	gw_index *ix = open_ro(o);
	gw_buf out = GW_BUF_INIT;
	gw_err err;
	gw_rc rc;

	if (!ix)
		return 2;
	gw_err_clear(&err);
	rc = gw_index_dump(ix, o->arg, strlen(o->arg), &out, &err);
	gw_index_close(ix);
	if (rc == GW_OK)
		fwrite(out.p, 1, out.len, stdout);
	else
		gw_escape_line(stderr, PROG ": %s: %s", o->index, err.msg);
	gw_buf_free(&out);
	if (rc != GW_OK)
		return rc == GW_ENOTFOUND ? 1 : 2;
	return fflush(stdout) != 0 || ferror(stdout) ? 2 : 0;
}

/* Prints the help; returns the exit status. */
static int help(void)
{
	return gw_print_help(usage_text, option_table, sizeof option_table / sizeof option_table[0], 14,
	                     usage_end);
}

int main(int argc, char **argv)
{
	opts o;
	gw_buf scratch = GW_BUF_INIT;
	int status = 2;

	memset(&o, 0, sizeof o);
	switch (parse_args(argc, argv, &o)) {
	case ARGS_HELP:
		status = help();
		break;
	case ARGS_VERSION:
		status = gw_print_version(PROG);
		break;
	case ARGS_OK:
		if (!o.index && !(o.index = gw_default_index_path(&scratch)))
			gw_escape_line(stderr, PROG ": no index: use -i INDEX or set "
			                     "GONGWEN_INDEX, XDG_DATA_HOME or HOME");
		else
			switch (o.mode) {
			case MODE_CHECK: status = check_index(&o); break;
			case MODE_STATS: status = stats_index(&o); break;
			case MODE_COMPACT: status = compact_index(&o); break;
			case MODE_DUMP: status = dump_doc(&o); break;
			case MODE_DELETE:
				o.shown = o.index;
				status = delete_ids(&o);
				break;
			case MODE_INDEX:
				o.shown = o.index;
				status = o.rebuild || index_is_empty(o.index) ? rebuild_all(&o) : index_all(&o);
				break;
			}
		break;
	}
	free(o.paths);
	gw_buf_free(&scratch);
	return status;
}
