/* gw_snippet: where a query matches inside stored text, and a short
 * window of that text around the first match, for display.
 *
 * Matching re-analyzes the stored text with the same analyzer, so the
 * highlighted ranges are exactly the phrase occurrences the index matched,
 * in the document's own script and bytes (a Simplified query highlights
 * Traditional text). */
#ifndef GW_SNIPPET_H
#define GW_SNIPPET_H

#include <stddef.h>

#include "base/gw_buf.h"
#include "index/gw_index.h"
#include "search/gw_query.h"
#include "store/gw_record.h"

typedef struct gw_range {
	size_t start, end; /* UTF-8 byte offsets, end exclusive */
} gw_range;

typedef struct gw_ranges {
	gw_range *r;
	size_t n, cap;
} gw_ranges;

void gw_ranges_free(gw_ranges *rs);

/* Appends to out, sorted and merged, the byte ranges of text[0..len) where
 * any part of q occurs. */
gw_rc gw_highlight(gw_index *ix, const gw_query *q, const char *text, size_t len, gw_ranges *out,
                   gw_err *err);

typedef struct gw_snippet {
	gw_buf text;       /* the window, line breaks and tabs turned into spaces */
	gw_ranges matches; /* highlights, as byte ranges inside text */
	unsigned fid;      /* field the window comes from (0: none) */
} gw_snippet;

void gw_snippet_free(gw_snippet *s);

/* Builds a window of about max_chars code points from the first field of
 * rec (other than title_fid, which is the last resort) that matches q,
 * starting a little before the first match; "…" marks cut ends. */
gw_rc gw_snippet_make(gw_index *ix, const gw_query *q, const gw_record *rec, unsigned title_fid,
                      size_t max_chars, gw_snippet *out, gw_err *err);

/* For tests: 1 + the offset in text[0..len) of the first code point where a
 * match of q may start (or end its first character pair), as the snippets
 * of long fields find it (per_cp 0) or by folding every code point
 * (per_cp 1), which must agree; 0 if none, -1 if q has no leads. */
long gw_snippet_first_lead(gw_index *ix, const gw_query *q, const char *text, size_t len, int per_cp);

#endif
