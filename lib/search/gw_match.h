/* gw_match: finds where one part of a query (a phrase of elements, see
 * gw_query.h) occurs in one field, from the positional postings.
 *
 * The rarest element drives; the others are advanced with skip_to, and a
 * document matches where every element sits at its offset from the same
 * anchor. An element with several alternatives (a word and its stem, or
 * every word a prefix* expands to) is the union of their lists. */
#ifndef GW_MATCH_H
#define GW_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_limits.h"
#include "search/gw_query.h"
#include "store/gw_store.h"


/* One part's occurrences in one field of one document. */
typedef struct gw_match {
	uint32_t docid;
	uint32_t tf;      /* phrase occurrences */
	uint32_t wtf;     /* occurrences lined up with the part's ICU word */
	uint16_t fid;
	uint16_t part;
	uint32_t aoff;    /* anchors (only if the query needs them, q->anchors):  */
	uint32_t an;      /*   where each occurrence starts, anchors[aoff..aoff+an) */
} gw_match;

typedef struct gw_matches {
	gw_match *m;
	size_t n, cap;
	uint32_t *anchors;
	size_t nanchors, anchors_cap;
} gw_matches;

void gw_matches_free(gw_matches *v);
/* Appends anchor a to v->anchors; -1 if out of memory. */
int gw_matches_push_anchor(gw_matches *v, uint32_t a);

/* Appends the matches of part pi of q in field fid, in docid order. With
 * cand (sorted, ncand > 0 or cand non-NULL) only those documents are
 * checked: the postings are skipped to each candidate instead of walked.
 * Errors: store errors, GW_ENOMEM. */
gw_rc gw_match_part(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, const uint32_t *cand,
                    size_t ncand, gw_matches *out, gw_err *err);

/* An upper bound of the documents part pi can match in field fid: the
 * document frequency of its rarest element. */
gw_rc gw_match_df(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, uint64_t *df, gw_err *err);

/* A part cursor: the documents a part of one element matches, in docid
 * order, over every field it may match in, without materializing them.
 * It is the document-at-a-time counterpart of gw_match_part for the plain
 * case (q->anchors unset), and gives the same matches. Valid while its
 * transaction is; close it with gw_pcur_close. */
typedef struct gw_pcur gw_pcur;

/* 1 if part pi of q can match in field f: f is indexed, the part names
 * no other field, and every element of the part has a term of a kind the
 * field has had (gw_fieldtab.kinds). */
int gw_part_in_field(const gw_query *q, size_t pi, const gw_fieldtab *ft, unsigned f);

/* Opens part pi of q (which must have one element) on the fields where it
 * can match (gw_part_in_field). *out is NULL
 * when the part matches nowhere. Errors: store errors, GW_ENOMEM. */
gw_rc gw_pcur_open(gw_txn *t, const gw_query *q, size_t pi, const gw_fieldtab *ft, gw_pcur **out,
                   gw_err *err);
/* Moves to the first document >= target and returns it; 0 once there is
 * none (damaged postings read as the end, as in gw_match_part). */
uint32_t gw_pcur_skip(gw_pcur *c, uint32_t target);
/* The part's estimated document frequency, as gw_match_df summed over
 * the fields gives it (a NULL cursor: 0). */
uint64_t gw_pcur_df(const gw_pcur *c);
/* The matches at the current document, one per field in field order, as
 * gw_match_part would record them (tf, wtf, fid, part; no anchors).
 * Returns their number (at most the fields opened); out has room for
 * GW_MAX_FIELDS. */
size_t gw_pcur_matches(gw_pcur *c, gw_match *out);
void gw_pcur_close(gw_pcur *c);

#endif
