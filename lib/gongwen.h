/* gongwen.h: the public C API of libgongwen, for programs that search a
 * gongwen index (build one with gongwen-index). This is the only header
 * such a program needs; it includes only standard headers, and every type
 * behind it is opaque. Build with `pkg-config --cflags --libs gongwen`
 * (the shared library, libgongwen.so.GONGWEN_API_MAJOR), or add --static
 * for libgongwen.a and the libraries it needs (ICU, LMDB, libstemmer, ...).
 * Within the build tree: -Ilib and build/libgongwen.a with the libraries
 * of the Makefile's PKG_LIBS.
 *
 *   gongwen *db;
 *   gongwen_results *res;
 *   if (gongwen_open("build/index", &db) != GONGWEN_OK) {
 *       fprintf(stderr, "%s\n", gongwen_errmsg(db));
 *       gongwen_close(db);
 *       return 2;
 *   }
 *   if (gongwen_search(db, "众创空间", NULL, &res) == GONGWEN_OK) {
 *       for (size_t i = 0; i < gongwen_results_count(res); i++) {
 *           size_t n;
 *           const char *id = gongwen_hit_id(res, i, &n);
 *           if (id)
 *               printf("%.*s %.3f\n", (int)n, id, gongwen_hit_score(res, i));
 *       }
 *       gongwen_results_free(res);
 *   }
 *   gongwen_close(db);
 *
 * Errors: every function that can fail returns a GONGWEN_* code (or NULL
 * / 0 where it says so) and leaves a message, lower case and naming the
 * thing ("no index at 'x'"), that gongwen_errmsg(db) returns until the next
 * call on db or on anything made from it.
 *
 * Strings: the query is NUL-terminated UTF-8. Ids and field values come
 * back as a pointer and a length and are NOT NUL-terminated (they point
 * into the index's memory map). Offsets are UTF-8 byte offsets.
 *
 * Threads: a gongwen handle and everything made from it may be used by one
 * thread at a time. Results hold an LMDB read transaction, and LMDB allows
 * one per thread: free a thread's results before its next gongwen_search
 * (a second live results in the same thread fails with GONGWEN_ELMDB).
 * Other processes may index meanwhile; a search sees the index as of the
 * last commit before it began, until its results are freed. */
#ifndef GONGWEN_H
#define GONGWEN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the API this header declares (README "Versions"). A
 * minor version only adds: functions, and fields at the end of
 * gongwen_options (hence gongwen_options_init); a program built against
 * 1.m runs with any library 1.n, n >= m. A major version may remove or
 * change what is here, and comes with a new soname (libgongwen.so.MAJOR).
 * The format of the index on disk is versioned apart: an index of another
 * format is refused (GONGWEN_EVERSION) whatever the API version. */
#define GONGWEN_API_MAJOR 1
#define GONGWEN_API_MINOR 1
#define GONGWEN_API_VERSION (GONGWEN_API_MAJOR * 1000 + GONGWEN_API_MINOR)

/* The GONGWEN_API_VERSION of the library the program runs with, which
 * may be newer than the header it was built with: a program that needs
 * the functions of 1.m checks gongwen_version() >= 1000 + m. */
int gongwen_version(void);

/* Return codes (the same numbers as the library's internal gw_rc). */
enum {
	GONGWEN_OK = 0,
	GONGWEN_ENOMEM,    /* out of memory */
	GONGWEN_EIO,       /* file system error (e.g. the index is not readable) */
	GONGWEN_EINVAL,    /* bad argument: a query with nothing to search for, a bad date */
	GONGWEN_ENOTFOUND, /* no index at the path */
	GONGWEN_EFORMAT,   /* not a gongwen index */
	GONGWEN_EVERSION,  /* an index of another format version: rebuild it */
	GONGWEN_ELMDB,     /* LMDB failed */
	GONGWEN_EICU,      /* ICU failed */
	GONGWEN_EFULL,     /* the LMDB map is full (not when searching) */
	GONGWEN_ECORRUPT   /* the index is damaged: the message names the table
	                    * and key ("index damaged: table docs, key ...") */
};

/* Document types (gongwen_options.type, gongwen_hit_type). A record is a
 * row of a table inside a notice; everything else is a notice. */
enum { GONGWEN_TYPE_ANY = 0, GONGWEN_TYPE_NOTICE = 1, GONGWEN_TYPE_RECORD = 2 };

typedef struct gongwen gongwen;                 /* an open index */
typedef struct gongwen_results gongwen_results; /* the hits of one search */
typedef struct gongwen_snippet gongwen_snippet; /* a highlighted window of one hit */

/* Opens the index directory at path, read only. On success *out is a
 * handle that the caller owns and releases with gongwen_close.
 * On failure *out is still a handle, holding only the error: read it with
 * gongwen_errmsg(*out), then gongwen_close(*out) (as sqlite3_open does);
 * *out is NULL only when even that could not be allocated.
 * Errors: GONGWEN_ENOTFOUND (no index there), GONGWEN_EIO, GONGWEN_EFORMAT,
 * GONGWEN_EVERSION, GONGWEN_ELMDB, GONGWEN_ENOMEM. */
int gongwen_open(const char *path, gongwen **out);

/* Closes the handle. Free its results first. NULL does nothing. */
void gongwen_close(gongwen *db);

/* Frees the reader slots that processes which died in a search (killed,
 * crashed) left in the index's lock file; *dead (if dead is not NULL) is
 * how many. Such a slot claims the snapshot its search read, and while
 * some process keeps the index open, no page freed since can be reused:
 * every batch then grows the index. gongwen-index does this when it opens
 * the index; a program that keeps a handle open for long (a server) calls
 * it now and then, e.g. once a minute (it costs microseconds).
 * Errors: GONGWEN_EINVAL (db holds only an error), GONGWEN_ELMDB. */
int gongwen_reader_check(gongwen *db, int *dead);

/* The message of the last failed call on db or on results or snippets made
 * from it; "" if the last call succeeded. NULL gives "out of memory" (what
 * a NULL handle from gongwen_open means). Valid until the next call on db. */
const char *gongwen_errmsg(const gongwen *db);

/* A short fixed English name for a return code ("not found"). Static. */
const char *gongwen_strerror(int rc);

/* Search options. Always start from gongwen_options_init, so that fields
 * added later (at the end) get their defaults. */
typedef struct gongwen_options {
	size_t offset;      /* hits to skip (default 0) */
	size_t limit;       /* hits to return (default 10; 0: none, only the total) */
	int type;           /* GONGWEN_TYPE_*: only notices or only records (default any) */
	const char *after;  /* only documents dated on/after this ISO date: 2020-03-25,
	                       2020-03 or 2020 (default NULL: no bound); records
	                       have their notice's date; undated documents fail */
	const char *before; /* only documents dated on/before (default NULL) */
} gongwen_options;

/* Fills *opts with the defaults. */
void gongwen_options_init(gongwen_options *opts);

/* Runs query (the gongwen-search query language, README.md) with opts
 * (NULL: the defaults). The strings in opts are only read during the call.
 * On success *out owns the results (free with gongwen_results_free, before
 * gongwen_close(db)); on failure *out is NULL.
 * Errors: GONGWEN_EINVAL (a query with nothing to search for, such as only
 * punctuation; a query past a limit of README.md's "Limits" on its bytes,
 * parts or levels of nesting, the message naming the limit; a bad date or
 * type), GONGWEN_ELMDB (e.g. this thread still
 * holds other results), GONGWEN_ENOMEM, GONGWEN_ECORRUPT (a damaged index,
 * such as a matching document whose stored record cannot be read). */
int gongwen_search(gongwen *db, const char *query, const gongwen_options *opts,
                   gongwen_results **out);

/* Frees the results and everything borrowed from them (ids, field values
 * and names). NULL does nothing. Snippets stay valid. */
void gongwen_results_free(gongwen_results *res);

/* The number of hits returned: min(limit, total - offset). */
size_t gongwen_results_count(const gongwen_results *res);

/* The number of matching documents (after the type and date filters),
 * whatever the offset and limit; past the handle's count limit
 * (gongwen_set_total_max) a lower bound: then that limit (or offset +
 * limit of the options, if more), and gongwen_results_total_exact says 0. */
size_t gongwen_results_total(const gongwen_results *res);

/* 1 if gongwen_results_total is the number of matching documents, 0 if it
 * is a lower bound. Since API 1.1. */
int gongwen_results_total_exact(const gongwen_results *res);

/* Matching documents db's searches count exactly: past n, a search may
 * pass over documents that cannot enter its hits without counting them,
 * and its total is then "at least n" (as Elasticsearch's
 * track_total_hits). Default 10000; SIZE_MAX counts them all. A limit of
 * 0 and the type and date filters count them all whatever n is.
 * Errors: GONGWEN_EINVAL (n is 0, or db holds only an error). Since API 1.1. */
int gongwen_set_total_max(gongwen *db, size_t n);

/* Hit i (0 <= i < gongwen_results_count): best first.
 *
 * The id of the document; *len gets its length in bytes. Borrowed, not
 * NUL-terminated, valid until gongwen_results_free. NULL on error (i out
 * of range: GONGWEN_EINVAL; a damaged index: GONGWEN_ECORRUPT). */
const char *gongwen_hit_id(gongwen_results *res, size_t i, size_t *len);

/* Its BM25F score (higher is better); 0 if i is out of range. */
double gongwen_hit_score(const gongwen_results *res, size_t i);

/* GONGWEN_TYPE_NOTICE or GONGWEN_TYPE_RECORD; 0 on error (as for
 * gongwen_hit_id). */
int gongwen_hit_type(gongwen_results *res, size_t i);

/* The stored text of the field called name ("title", "body", "source",
 * ...) in hit i: the name as stored, or its folded spelling (lower case,
 * Simplified: "省份" finds a field stored as 省份 in either script). *len gets
 * its length. Borrowed, not NUL-terminated, valid until
 * gongwen_results_free. NULL if the document has no such field (then
 * gongwen_errmsg is "") or on error (as for gongwen_hit_id). */
const char *gongwen_hit_field(gongwen_results *res, size_t i, const char *name, size_t *len);

/* The number of stored fields of hit i (0 on error), and the name of its
 * field k (0 <= k < that number): NUL-terminated, borrowed, valid until
 * gongwen_results_free; NULL on error. Names starting with '_' are
 * gongwen's own (a record's _notice, _type, ...). */
size_t gongwen_hit_nfields(gongwen_results *res, size_t i);
const char *gongwen_hit_field_name(gongwen_results *res, size_t i, size_t k);

/* A window of about max_chars characters (0: 90) of hit i's text around
 * its first match, from the first field other than the title that matches
 * (the title as a last resort), with the matches as byte ranges. On
 * success *out is owned by the caller (gongwen_snippet_free) and stays
 * valid after gongwen_results_free. On failure *out is NULL.
 * Errors: as for gongwen_hit_id, and GONGWEN_ENOMEM, GONGWEN_EICU. */
int gongwen_hit_snippet(gongwen_results *res, size_t i, size_t max_chars, gongwen_snippet **out);

/* The snippet text: UTF-8, line breaks and tabs turned into spaces, "…" at
 * a cut end; *len gets its length; NUL-terminated as well. Empty if the
 * hit's text has no match to show. Borrowed from the snippet. */
const char *gongwen_snippet_text(const gongwen_snippet *sn, size_t *len);

/* The name of the field the window comes from ("" if none). Borrowed. */
const char *gongwen_snippet_field(const gongwen_snippet *sn);

/* The number of highlighted ranges, and range k: bytes [*start, *end) of
 * the snippet text, in order, not overlapping, never cutting a character.
 * Returns GONGWEN_EINVAL (and leaves *start, *end alone) if k is out of
 * range. */
size_t gongwen_snippet_nranges(const gongwen_snippet *sn);
int gongwen_snippet_range(const gongwen_snippet *sn, size_t k, size_t *start, size_t *end);

/* Frees the snippet. NULL does nothing. */
void gongwen_snippet_free(gongwen_snippet *sn);

#ifdef __cplusplus
}
#endif

#endif
