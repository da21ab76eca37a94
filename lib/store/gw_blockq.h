/* gw_blockq: values per docid, queued in docid order and written to a
 * block table (gw_store.h: lens, norms) block by block, so that a batch
 * reads and writes each block once per flush instead of once for each of
 * its documents. What a table's block holds is the caller's: a merge
 * function makes the block's new value of its stored one and the items. */
#ifndef GW_BLOCKQ_H
#define GW_BLOCKQ_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_store.h"

typedef struct gw_blockq {
	gw_buf b;              /* items: docid (be32), size (varint), value */
	uint32_t first, last;  /* docids of the first and last items held */
	size_t n;              /* items held */
} gw_blockq;

/* Queues the value of docid, which must come after the last one queued
 * (GW_EINVAL otherwise). */
gw_rc gw_blockq_add(gw_blockq *q, uint32_t docid, const void *val, size_t len, gw_err *err);

/* The items of one block, for a merge function to read with
 * gw_blockq_next, in docid order. */
typedef struct gw_blockq_run {
	const unsigned char *p, *end;
} gw_blockq_run;
/* The next item of the run: 1, or 0 at its end. */
int gw_blockq_next(gw_blockq_run *run, uint32_t *docid, const unsigned char **val, size_t *len);

/* Makes block's new value in out (reset) from its stored value old[0..len)
 * (old NULL: the block is new) and the items of run. */
typedef gw_rc (*gw_blockq_merge)(uint32_t block, const unsigned char *old, size_t len, gw_blockq_run run,
                                 gw_buf *out, gw_err *err);

/* Writes the items held into table bt, whose blocks hold per_block docids,
 * each block through merge, and empties q (also on error). A new block is
 * appended (docids only grow: it goes after every other). */
gw_rc gw_blockq_flush(gw_blockq *q, gw_txn *t, gw_btable bt, uint32_t per_block, gw_blockq_merge merge,
                      gw_buf *scratch, gw_err *err);
void gw_blockq_free(gw_blockq *q);

#endif
