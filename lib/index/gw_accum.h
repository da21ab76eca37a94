/* gw_accum: posting lists of a batch in memory.
 *
 * gw_accum turns each term of a field's gw_toklist into a (term, docid, tf,
 * positions) entry kept per term key until gw_accum_flush() merges them,
 * in key order, into the store. */
#ifndef GW_ACCUM_H
#define GW_ACCUM_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_store.h"
#include "text/gw_toklist.h"

typedef struct gw_accum gw_accum;

gw_accum *gw_accum_new(void);
void gw_accum_free(gw_accum *a);
/* Adds the finished token list of field fid of document docid. Docids must
 * grow from call to call for a given term. -1 on allocation failure. */
int gw_accum_add(gw_accum *a, unsigned fid, uint32_t docid, const gw_toklist *l);
/* Makes room for keys terms at once (but for no more than max_bytes of
 * table): growing by doubling zeroes twice the final table, and the last
 * doubling came near the end of a build, when no other work was left to
 * overlap it. -1 on allocation failure. */
int gw_accum_reserve(gw_accum *a, size_t keys, size_t max_bytes);
/* The batch's postings budget in bytes (0: none): reservations stay
 * within half of it, the table's doubling within all of it (see
 * gw_accum_full), and merging runs reads through buffers of a quarter of
 * it at most (16 MB). */
void gw_accum_set_budget(gw_accum *a, size_t bytes);
/* 1 when the table is full enough that the next terms may double it, and
 * that would take the bytes held past the budget: the caller then writes
 * the lists out (as when gw_accum_bytes passes the budget), which empties
 * it. */
int gw_accum_full(const gw_accum *a);
/* Writes every list into the store (gw_post_append) in key order and empties
 * a; the lists spilled before (gw_accum_spill) are merged in, a term's
 * lists becoming one. With checkpoint non-zero, t is checkpointed
 * (gw_txn_checkpoint) each time that many bytes have been written in it. */
gw_rc gw_accum_flush(gw_accum *a, gw_txn *t, uint64_t checkpoint, gw_err *err);
/* Writes every list, in key order, as a run to a temporary file in
 * directory dir (gw_runs.h) and empties a, for gw_accum_flush to merge: a
 * batch past its budget then writes each term once. */
gw_rc gw_accum_spill(gw_accum *a, const char *dir, gw_err *err);
/* The most bytes of a term's list gw_accum_flush holds while merging it
 * from runs (0: the default, 4 MB); tests set a few bytes. */
void gw_accum_set_merge_cap(gw_accum *a, size_t bytes);
/* Empties a without writing. */
void gw_accum_clear(gw_accum *a);
/* Bytes held (for memory budgets and stats). */
size_t gw_accum_bytes(const gw_accum *a);
/* Terms held (0 once flushed). */
size_t gw_accum_terms(const gw_accum *a);

#endif
