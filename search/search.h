/* search: what the parts of gongwen-search share: options and the output
 * formats (one file each). */
#ifndef GW_SEARCH_PROG_H
#define GW_SEARCH_PROG_H

#include <stdio.h>

#include "base/gw_buf.h"
#include "index/gw_index.h"
#include "out/gw_hit_json.h"
#include "search/gw_search.h"
#include "search/gw_snippet.h"

enum { GW_FMT_TEXT = 0, GW_FMT_JSON, GW_FMT_TSV };

typedef struct sopts {
	const char *index;
	gw_search_opts so; /* -n, --offset, --type, --after, --before, --sort, --facet */
	gw_rank_params rank; /* --weight, --k1, --b (so.rank points here) */
	int format;        /* GW_FMT_*: --format, --json */
	int count;         /* --count: print only the number of matches */
	int explain;       /* --explain: the score breakdown of each hit */
	int no_snippet;    /* --no-snippet: JSON hits without snippet and matches */
	int batch;         /* --batch */
	const char *timings; /* --timings FILE */
	int color;         /* resolved --color */
	char *query;       /* the QUERY arguments joined by spaces (owned) */
	const char **fields; /* --fields: names (NULL: the format's default; owned) */
	size_t nfields;
	gw_hit_shape shape; /* --fields and --explain, for the JSON hits */
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

/* --batch: one query per stdin line; per query one line of tab-separated
 * ids, or with --json one JSON object, or with --count the number. Returns
 * the exit status. */
int gw_run_batch(gw_index *ix, const sopts *o);

/* Writes the facet counts of r as a small table (text output). */
void gw_out_facets_text(FILE *out, const gw_results *r);
/* Checks out after a write: GW_OK, or GW_EIO with err->sys the errno of
 * the failed write (EPIPE: the reader has gone, which is not worth a
 * message). Call it right after writing, before errno can change. */
gw_rc gw_out_check(FILE *out, gw_err *err);
/* Writes s[0..n) with tabs and line breaks turned into spaces. */
void gw_out_flat(FILE *out, const char *s, size_t n);

#endif
