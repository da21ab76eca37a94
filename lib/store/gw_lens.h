/* gw_lens: what ranking needs of a document (its script and the length of
 * each indexed field) and its id, packed GW_LENS_BLOCK documents to one
 * value of the lens database (layout in gw_store.c).
 *
 * Why: scoring a match used to parse the stored record, one B-tree lookup
 * and a walk over the whole value per document. Reading documents in docid
 * order through a gw_lens_reader costs one lookup per block. The id is
 * here too so that printing the ids of the hits, all a script may want,
 * reads the blocks their scoring just read, not a record each on pages of
 * its own (in a fresh process, a page fault each). */
#ifndef GW_LENS_H
#define GW_LENS_H

#include <stdint.h>

#include "store/gw_blockq.h"
#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_record.h"
#include "store/gw_store.h"

#define GW_LENS_BLOCK 32

/* Adds the entry of docid from r (script, fid, flen; only the fields ft
 * marks indexed). scratch is a work buffer. */
gw_rc gw_lens_add(gw_txn *t, uint32_t docid, const gw_record *r, const gw_fieldtab *ft, gw_buf *scratch,
                  gw_err *err);
/* A batch's new entries, held and written block by block
 * (gw_lens_queue_flush) rather than one at a time: rewriting a block for
 * each of its 32 documents wrote every entry 16 times over, and blocks
 * written as the documents came in ended up on pages scattered among the
 * records' pages, so that a query reading the lengths of a thousand
 * documents faulted on some 35 pages of the index instead of 3. Docids
 * must ascend from add to add (gw_blockq); the flush merges them with a
 * block's stored entries. */
typedef gw_blockq gw_lens_queue;
gw_rc gw_lens_queue_add(gw_lens_queue *q, uint32_t docid, const gw_record *r, const gw_fieldtab *ft,
                        gw_err *err);
/* Writes the entries held into t and empties q (also on error). */
gw_rc gw_lens_queue_flush(gw_lens_queue *q, gw_txn *t, gw_buf *scratch, gw_err *err);
void gw_lens_queue_free(gw_lens_queue *q);

/* Removes the entry of docid (no-op if absent). */
gw_rc gw_lens_remove(gw_txn *t, uint32_t docid, gw_buf *scratch, gw_err *err);

/* What searches through one index handle (one thread at a time) learn of
 * the lens blocks, kept from query to query for as long as the index is
 * unchanged: each entry once parsed, and each docid found to have none. Every
 * query of two common words reads the lengths of thousands of documents,
 * and parsing them again for each query was a quarter of its time.
 * Emptied when a reader's transaction sees another snapshot (gw_txn_id).
 * Its memory grows with the documents read: 136 bytes a block of 32 and
 * 4 + 9 bytes a field of each document read (some 4.5 MB for an index of
 * 160,000 documents), and is kept for reuse until the handle closes.
 * For read transactions only: an aborted write transaction's id is given
 * again to the next one. */
typedef struct gw_lens_cache gw_lens_cache;
gw_lens_cache *gw_lens_cache_new(void); /* NULL if out of memory */
void gw_lens_cache_free(gw_lens_cache *c);

/* Reads entries, cheapest when docids come in increasing order. Valid while
 * its transaction is; close it with gw_lens_reader_close. */
typedef struct gw_lens_reader {
	gw_txn *t;
	gw_lens_cache *cache;          /* NULL: parse each entry read */
	gw_block_cursor *cur;          /* opened on first use */
	uint32_t block;                /* block held in [p, end); UINT32_MAX: none */
	const unsigned char *p, *end;
	const unsigned char *next;     /* first entry after the last one read */
} gw_lens_reader;

void gw_lens_reader_init(gw_lens_reader *rd, gw_txn *t);
/* The same, reading through cache (NULL: none), which it empties first if
 * it holds another snapshot than t's. */
void gw_lens_reader_init_cached(gw_lens_reader *rd, gw_txn *t, gw_lens_cache *cache);
void gw_lens_reader_close(gw_lens_reader *rd);
/* Sets r->script, r->nf, r->fid[] and r->flen[] from the entry of docid
 * (texts are not touched), and r->id, r->id_len: the id (valid while the
 * reader's transaction is) if the entry was parsed for this read, NULL
 * if a cache held it (the cache does not keep ids). Returns 0, 1 if docid
 * has no entry, -1 if the block is damaged or cannot be read. */
int gw_lens_read(gw_lens_reader *rd, uint32_t docid, gw_record *r);

/* The docids of the entries of one block value (out has room for
 * GW_LENS_BLOCK). Returns their number, or -1 if the value is damaged or
 * out of order. For gw_check. */
int gw_lens_block_docids(const void *val, size_t len, uint32_t block, uint32_t *out);

#endif
