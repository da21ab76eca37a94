/* gw_search: runs a query against the index and ranks the matches.
 *
 * Matching: every part of the query must match (AND); a part matches a
 * document when its phrase occurs in some field (gw_query.h).
 *
 * Ranking: BM25F. For each part, the phrase frequency in each field is
 * weighted and length-normalized per field, then saturated once:
 *   tf~  = sum_f w_f * tf_f / (1 - b + b * len_f / avglen_f)
 *   part = idf * tf~ / (k1 + tf~) * (1 + word_bonus if the part is one ICU
 *          word and some match lines up with that word in the document, or
 *          one Latin word, matched through its stem, and the document has
 *          it as typed)
 *   idf  = ln(1 + (N - df + 0.5) / (df + 0.5)), df = documents the part matches;
 *          under an AND of several parts, which are matched only where the
 *          rarer ones matched, df is estimated from chunk headers for every
 *          part alike: the occurrences (document, field) of its rarest
 *          element, at most N
 * The score is the sum over the parts that are not negated, times
 * (1 + script_bonus) when the query is written in one script (Traditional or
 * Simplified) and the document in the same one; ties go to the lower (older)
 * docid. */
#ifndef GW_SEARCH_H
#define GW_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_limits.h"
#include "index/gw_index.h"
#include "search/gw_query.h"
#include "store/gw_record.h"


typedef struct gw_rank_params {
	double k1, b;
	/* Field weights by kind of field; a field takes the first that fits. */
	double title_weight;   /* "title" */
	double number_weight;  /* "number": the document number (文号) */
	double text_weight;    /* the other parts of a notice (body, addressees, ...
	                        * but not "related"), and "text" / "content" */
	double other_weight;   /* any other field: record cells (省份, 名称), "related",
	                        * fields of custom JSON Lines */
	/* Overrides by field name (as in queries: folded, aliases allowed) of
	 * the weights above; names the index does not have are ignored. */
	const char *weight_field[GW_MAX_WEIGHTS];
	double weight[GW_MAX_WEIGHTS];
	size_t nweights;
	double word_bonus;
	double script_bonus;   /* document in the script the query was typed in */
	/* Queries of two or more positive parts: the sum of parts times
	 * (2A / (A + L))^focus, L the document's indexed length, A the sum of
	 * its fields' average lengths (1 for a document of average length).
	 * 0 turns it off. */
	double focus;
} gw_rank_params;

/* The defaults (documented in README.md), chosen on ../shared/bench:
 * b = 1.0 (full length normalization) raised mixed.tsv R@10 from 0.64 to
 * 0.68 and known.tsv MRR from 0.903 to 0.908; the same-script bonus raised
 * known MRR from 0.867 to 0.902. A proximity bonus (parts close together)
 * lowered mixed R@10 (0.68 -> 0.67) and was not kept. Word bonus 1.0
 * rather than 0.3: latin.tsv R@10 0.350 -> 0.390, mixed MRR 0.487 -> 0.497,
 * known unchanged. Focus 1.5 (queries of several parts favour documents
 * short enough to be about all of them): mixed.tsv R@10 0.68 -> 0.70,
 * known.tsv and latin.tsv, whose queries are one part, unchanged; 1 gave
 * 0.69, 2 gave 0.70, 3 gave 0.69. Field weights: title
 * 2, number 1.5, text 1, other 0.8 (the order the users asked for: title >
 * document number > body > record cells).
 * Two-word queries over 7 seeds of make_queries.py (tests/rank_eval.py):
 * mixed R@10 0.694 on average (0.60-0.73), against a ceiling of 0.751 for
 * any ranking (tests/rank_ceiling.py: the generator draws the words
 * uniformly from a document's set of words, so tf, proximity and the title
 * carry no signal). Re-tuned on seeds 7 and 11, nothing beat the defaults:
 * focus 1/2/3, k1 0.3/0.6/2, word bonus 0.5/2/4 equal or lower; a script
 * bonus of 1 (20) gave +0.006 (+0.013) typed as found but -0.048 (-0.146)
 * typed in the other script. Misses are long documents with little Chinese
 * (man and help pages) against short ones holding both words: a focus
 * factor over Han characters instead of tokens would help (re-ranked top
 * 1000, tests/rank_hanfocus_sim.py: held-out R@10 0.686 -> 0.702 at G = 1),
 * and needs that count in the lens entries. README "Ranking" has the
 * details. */
void gw_rank_defaults(gw_rank_params *p);

enum { GW_TYPE_ANY = 0, GW_TYPE_NOTICE, GW_TYPE_RECORD };

/* A document is a record if its stored field "_type" is "record", else a
 * notice (documents from JSON Lines are notices unless they say otherwise).
 * Its date is its field "date", or for records "_date" (the notice's). */
typedef struct gw_search_opts {
	size_t offset;          /* hits to skip */
	size_t limit;           /* hits to return */
	const gw_rank_params *rank; /* NULL: defaults */
	int type;               /* GW_TYPE_*: only notices, only records */
	const char *after;      /* ISO date: only documents dated on/after (NULL: no bound) */
	const char *before;     /* ISO date: only documents dated on/before */
	int sort_date;          /* order by date, newest first (undated last), then score */
	const char *facet;      /* field name: count matching documents per value */
	int general_plan;       /* 1: never the document-at-a-time plan for ANDs of
	                         * plain parts (tests compare the two plans) */
	int verify_norms;       /* 1: for tests, the factor of every match whose
	                         * norm is consulted is also computed from its lens
	                         * entry, and counted if above the norm's bound
	                         * (gw_results_norm_errors) */
	size_t filter_from;     /* 0, or the byte offset in the query where its
	                         * filters begin: the parts from there on must
	                         * match but are neither scored nor highlighted
	                         * (gongwen-serve's filter=FIELD:VALUE) */
	size_t total_max;       /* matches counted exactly: past this many, a
	                         * search may pass documents that cannot enter the
	                         * hits without counting them, and the total is then
	                         * "at least" (gw_results_total_exact). 0: the
	                         * default, GW_TOTAL_DEFAULT; SIZE_MAX: always
	                         * exact. Facets, the date order, filters and a
	                         * limit of 0 count every match whatever it is. */
} gw_search_opts;

/* The default of gw_search_opts.total_max, as Elasticsearch's
 * track_total_hits: exact up to 10,000 matches. */
#define GW_TOTAL_DEFAULT 10000

/* 1 if d is a date the filters take: YYYY, YYYY-MM or YYYY-MM-DD. */
int gw_date_valid(const char *d);

typedef struct gw_hit {
	uint32_t docid;
	double score;
} gw_hit;

typedef struct gw_results gw_results;

/* Parses and runs query. *out owns the results, which keep a read snapshot
 * of the index until gw_results_free (so stored fields stay readable).
 * Errors: GW_EINVAL for a query with nothing to search for, or store errors. */
gw_rc gw_search(gw_index *ix, const char *query, size_t qlen, const gw_search_opts *opts,
                gw_results **out, gw_err *err);
void gw_results_free(gw_results *r);
/* For a process that will run many searches on ix (--batch, a server):
 * reads what every search reads a little of, the norms into ix's cache and
 * every page of the lens table, so that searches do not pay for their first
 * touch one page at a time (in this virtual machine a page's first touch
 * costs a few microseconds, and the slowest two-word query of a set touched
 * some 80). Costs 0.1 ms on an index of 10,000 documents, 1.5 ms on one of
 * 160,000 (4 bytes of norms a document kept). Errors: store errors; the
 * searches work the same without it. */
gw_rc gw_search_warm(gw_index *ix, gw_err *err);
/* For the same processes: checks every page of the index's newest
 * snapshot (gw_txn_trust), after which its searches, in every thread,
 * skip the check of each page they are about to read, a B-tree descent
 * beside LMDB's own on each lookup (a third of a known-item search). The
 * check reads the whole index, about GW_TRUST_US_PER_PAGE a 4 KB page
 * (measured: 10 ms for zh-docs' 34 MB, 130 ms for an index 16 times
 * larger, in this virtual machine), so a process pays it back after some
 * thousands of searches: gongwen-serve checks each index it opens, and
 * gw_search itself does, before a handle's next search, once the handle's
 * searches of a snapshot have taken as long as its check would (a
 * --batch, a program of the C API; gw_search_trust_cost: 0 once checked,
 * or if unknown). Damage found gives GW_ECORRUPT and leaves the searches
 * guarded; they still answer from the rest and report the damage they
 * meet. */
#define GW_TRUST_US_PER_PAGE 1
uint64_t gw_search_trust_cost(gw_index *ix);
gw_rc gw_search_trust(gw_index *ix, gw_err *err);
/* The document whose id is id[0..len), as results of one hit (none if no
 * document has that id), without a query: read it with gw_results_record,
 * not with snippets or explain. With id NULL, no document: the results
 * serve for the index's field names (gw_results_field_name). Errors:
 * GW_EINVAL (an empty id, or one longer than GW_ID_MAX), store errors. */
gw_rc gw_lookup(gw_index *ix, const char *id, size_t len, gw_results **out, gw_err *err);

size_t gw_results_total(const gw_results *r); /* matching documents */
/* 1 if gw_results_total is the number of matches; 0 if it is a lower bound:
 * the search stopped counting at gw_search_opts.total_max and passed
 * documents that could not enter the hits. The total is then total_max, or
 * offset + limit if that is more. */
int gw_results_total_exact(const gw_results *r);
size_t gw_results_count(const gw_results *r);   /* hits returned */
/* Matches whose score was computed: the others could not reach the top
 * offset + limit (MaxScore), so were counted in the total unscored. */
size_t gw_results_scored(const gw_results *r);
/* Of the matches not scored, those skipped on their norm alone, without
 * reading their lens entry (gw_norms.h). For tests. */
size_t gw_results_unread(const gw_results *r);
/* Docids passed by their norms past gw_search_opts.total_max, the lead part
 * skipped past them without probing the others (so neither counted nor
 * scored). For tests. */
size_t gw_results_passed(const gw_results *r);
/* Spans of GW_NORMS_SPAN docids passed whole (of gw_results_passed), their
 * norms' floors showing none could enter the hits. For tests. */
size_t gw_results_blocks_passed(const gw_results *r);
/* With gw_search_opts.verify_norms: matches whose factor their norm's
 * bound was below (0 unless norms are wrong). */
size_t gw_results_norm_errors(const gw_results *r);
/* 1 if the document-at-a-time plan answered (an AND of plain parts), 0 if
 * the general one did (gw_search_opts.general_plan). For tests. */
int gw_results_direct(const gw_results *r);
const gw_hit *gw_results_hit(const gw_results *r, size_t i);
const gw_query *gw_results_query(const gw_results *r);
/* The stored record of hit i (pointers valid until gw_results_free). */
gw_rc gw_results_record(gw_results *r, size_t i, gw_record *rec, gw_err *err);
/* The stored record of hit i with only the fields stored as they are: a
 * field stored packed (zstd: a long text) has text NULL, and nothing is
 * unpacked. For readers of short fields (a title), cheaper than
 * gw_results_record by the unpacking of the long ones. */
gw_rc gw_results_record_short(gw_results *r, size_t i, gw_record *rec, gw_err *err);
/* The id of hit i alone (no texts read or unpacked; valid until
 * gw_results_free). */
gw_rc gw_results_id(gw_results *r, size_t i, const char **id, size_t *len, gw_err *err);
typedef struct gw_facet {
	const char *value;  /* the field's stored text (not NUL-terminated) */
	size_t len;
	size_t count;       /* matching documents with this value */
} gw_facet;

/* Facet counts over all matching documents (after filters), most frequent
 * first, then by value; *n gets the number (0 without opts.facet). The
 * facet field's display name is gw_results_facet_field (NULL if the field
 * does not exist in the index). */
const gw_facet *gw_results_facets(const gw_results *r, size_t *n);
const char *gw_results_facet_field(const gw_results *r);
/* 1 if the stored record is a record (table row), 0 if a notice. */
int gw_results_is_record(const gw_results *r, const gw_record *rec);
/* The text of field name (display or folded name) in rec, or NULL. */
const char *gw_results_field(const gw_results *r, const gw_record *rec, const char *name, size_t *len);
/* Appends to out, as lines of text, how hit i's score was computed: each
 * part's idf, its occurrences per field with weights and lengths, the
 * bonuses. Errors: GW_EINVAL for no such hit, store errors. */
gw_rc gw_results_explain(gw_results *r, size_t i, gw_buf *out, gw_err *err);
/* Display name of field fid ("" if unknown). */
const char *gw_results_field_name(const gw_results *r, unsigned fid);

#endif
