/* gw_hit_json: the JSON shapes of hits and documents, one code path for
 * every program that prints them (gongwen-search --json and --batch --json,
 * gongwen-serve's /search and /documents).
 *
 * A hit:
 *   {"id":..., "type":"notice"|"record", "notice":..., "notice_title":...,
 *    "row":..., "score":..., "title":..., "fields":{name: text, ...},
 *    "snippet":..., "snippet_field":..., "matches":[[start,end],...]}
 *   (+ "explain": text, when asked; without the snippet's three members
 *   when the shape says no_snippet)
 * "notice", "notice_title" and "row" only for a record (its notice's id
 * and title, its row number); matches are UTF-8 byte ranges of the
 * highlights inside "snippet"; fields holds every stored field except the
 * internal ones (names starting with '_'), or only the fields asked for.
 * A document (gw_json_doc) is a hit without score, snippet and matches,
 * with every public field. */
#ifndef GW_HIT_JSON_H
#define GW_HIT_JSON_H

#include "base/gw_buf.h"
#include "index/gw_index.h"
#include "search/gw_search.h"
#include "search/gw_snippet.h"

/* The version of the JSON shapes ("v"). Within a version keys are only
 * ever added; removing a key or changing its meaning bumps it. */
#define GW_OUT_JSON_V 1

/* Characters of text around the matches in a hit's snippet. */
#define GW_SNIPPET_CHARS 90

/* What a hit's object holds besides its fixed members. */
typedef struct gw_hit_shape {
	const char *const *fields; /* the fields to show (display or folded
	                            * names); NULL: every public field */
	size_t nfields;
	int explain;               /* add "explain" */
	int no_snippet;            /* leave out "snippet", "snippet_field" and
	                            * "matches" (and the work of finding them) */
} gw_hit_shape;

/* Appends the JSON object of hit i of r to b (no newline), with "v" first
 * when with_v. sn is scratch space for the snippet (zeroed before first
 * use, freed by the caller with gw_snippet_free). */
gw_rc gw_json_hit(gw_buf *b, gw_index *ix, gw_results *r, size_t i, const gw_hit_shape *shape,
                  int with_v, gw_snippet *sn, gw_err *err);

/* Appends the JSON object of hit i as a document: id, type, the record's
 * links, title and every public field, whole. */
gw_rc gw_json_doc(gw_buf *b, gw_results *r, size_t i, gw_err *err);

/* Appends the members "total":N,"total_relation":"eq"|"gte" of r (no
 * comma): "gte" when N is a lower bound (gw_results_total_exact). The one
 * spelling of --json, --batch --json and gongwen-serve. */
void gw_json_total(gw_buf *b, const gw_results *r);

/* Appends the members "field":...,"counts":{value:count,...} of r's facets
 * to b (no braces); returns 0 if r has no facet field (nothing appended). */
int gw_json_facets(gw_buf *b, const gw_results *r);

/* Appends {value:count,...} of r's facets (most frequent first). */
void gw_json_facet_counts(gw_buf *b, const gw_results *r);

/* The field id of "title" in r (0 if the index has none). */
unsigned gw_title_fid(const gw_results *r);

/* The text of the field name (display or folded name) in rec and, in
 * *shown, its display name; NULL if rec has no such field. */
const char *gw_out_field(const gw_results *r, const gw_record *rec, const char *name, size_t *len,
                         const char **shown);

#endif
