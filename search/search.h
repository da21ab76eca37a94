/* search: what the parts of gongwen-search share: options and the output
 * formats (one file each). */
#ifndef GW_SEARCH_PROG_H
#define GW_SEARCH_PROG_H

#include <stdio.h>

#include "gw_index.h"
#include "gw_search.h"

typedef struct sopts {
	const char *index;
	gw_search_opts so; /* -n, --type, --after, --before, --sort, --facet */
	int json;          /* --json */
	int batch;         /* --batch */
	const char *timings; /* --timings FILE */
	int color;         /* resolved --color */
	char *query;       /* the QUERY arguments joined by spaces (owned) */
} sopts;

/* Writes the hits of r in the human format (rank, id, title, snippet). */
gw_rc gw_out_text(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err);
/* Writes one JSON object per hit (shape in README.md). */
gw_rc gw_out_json(FILE *out, gw_index *ix, gw_results *r, const sopts *o, gw_err *err);
/* --batch: one query per stdin line, one line of tab-separated ids per
 * query. Returns the exit status. */
int gw_run_batch(gw_index *ix, const sopts *o);

/* The field id of "title" in r (0 if the index has none). */
unsigned gw_title_fid(const gw_results *r);
/* Writes the facet counts of r as a small table (text output). */
void gw_out_facets_text(FILE *out, const gw_results *r);

#endif
