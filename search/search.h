/* search: what the parts of gongwen-search share: options and the output
 * formats (one file each). */
#ifndef GW_SEARCH_PROG_H
#define GW_SEARCH_PROG_H

#include <stdio.h>

#include "base/gw_buf.h"
#include "index/gw_index.h"
#include "search/gw_search.h"
#include "search/gw_snippet.h"

/* The version of the --json shapes ("v"). Within a version keys are only
 * ever added; removing a key or changing its meaning bumps it. */
#define GW_OUT_JSON_V 1

enum { GW_FMT_TEXT = 0, GW_FMT_JSON, GW_FMT_TSV };

typedef struct sopts {
	const char *index;
	gw_search_opts so; /* -n, --offset, --type, --after, --before, --sort, --facet */
	gw_rank_params rank; /* --weight, --k1, --b (so.rank points here) */
	int format;        /* GW_FMT_*: --format, --json */
	int count;         /* --count: print only the number of matches */
	int explain;       /* --explain: the score breakdown of each hit */
	int batch;         /* --batch */
	const char *timings; /* --timings FILE */
	int color;         /* resolved --color */
	char *query;       /* the QUERY arguments joined by spaces (owned) */
	const char **fields; /* --fields: names (NULL: the format's default; owned) */
	size_t nfields;
	char *fields_buf;  /* the names' storage (owned) */
} sopts;

/* Writes the hits of r in the human format (rank, id, title, snippet, then
 * the --fields lines). */
gw_rc gw_out_text(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err);
/* --json: one JSON object per hit, then the facet line (with --facet), then
 * the summary line; shapes in README.md. time_ms is the search time. */
gw_rc gw_out_json(FILE *out, gw_index *ix, gw_results *r, const sopts *o, double time_ms,
                  gw_err *err);
/* --format tsv: a '#' header line, then one line per hit. */
gw_rc gw_out_tsv(FILE *out, gw_results *r, const sopts *o, gw_err *err);

/* Appends the JSON object of hit i of r to b (no newline), with "v" first
 * when with_v. sn is scratch space for the snippet. */
gw_rc gw_json_hit(gw_buf *b, gw_index *ix, gw_results *r, size_t i, const sopts *o, int with_v,
                  gw_snippet *sn, gw_err *err);
/* Appends the members "field":...,"counts":{value:count,...} of r's facets
 * to b (no braces); returns 0 if r has no facet field (nothing appended). */
int gw_json_facets(gw_buf *b, const gw_results *r);

/* --batch: one query per stdin line; per query one line of tab-separated
 * ids, or with --json one JSON object, or with --count the number. Returns
 * the exit status. */
int gw_run_batch(gw_index *ix, const sopts *o);

/* The field id of "title" in r (0 if the index has none). */
unsigned gw_title_fid(const gw_results *r);
/* Writes the facet counts of r as a small table (text output). */
void gw_out_facets_text(FILE *out, const gw_results *r);
/* Checks out after a write: GW_OK, or GW_EIO with err->sys the errno of
 * the failed write (EPIPE: the reader has gone, which is not worth a
 * message). Call it right after writing, before errno can change. */
gw_rc gw_out_check(FILE *out, gw_err *err);
/* The text of the field name (display or folded name) in rec and, in
 * *shown, its display name; NULL if rec has no such field. */
const char *gw_out_field(const gw_results *r, const gw_record *rec, const char *name, size_t *len,
                         const char **shown);
/* Writes s[0..n) with tabs and line breaks turned into spaces. */
void gw_out_flat(FILE *out, const char *s, size_t n);

#endif
