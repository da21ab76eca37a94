/* gw_runs: sorted runs of posting lists on a temporary file, merged once.
 *
 * A batch larger than its postings budget used to merge each full budget
 * of lists into the index: every flush after the first touched, and so
 * copied and wrote again, leaf pages all over the postings table (at 16x
 * zh-docs, 2.8 GB written for a 722 MB index). Instead, gw_accum writes
 * each full budget as one run, its lists in key order, to an unnamed file
 * in the index directory; the last flush merges every run and the lists
 * still in memory, so each term is written once, in key order.
 *
 * FILE FORMAT (temporary: O_TMPFILE, gone when closed or on a crash).
 * Runs follow each other; a run is a sequence of records in ascending key
 * order (memcmp, then length: LMDB's order), each
 *
 *   klen:varint  key  ndocs:varint  last_docid:varint  len:varint  list
 *
 * list being len bytes of gw_plist entries (gw_postings.h), its first
 * docid delta relative to 0. Runs are written in docid order: a term's
 * list in one run holds only docids above those of any earlier run. */
#ifndef GW_RUNS_H
#define GW_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_postings.h"

typedef struct gw_runs gw_runs;

/* Runs kept in an unnamed file in directory dir (opened on the first
 * gw_runs_add). NULL if out of memory. */
gw_runs *gw_runs_new(const char *dir);
void gw_runs_free(gw_runs *r); /* NULL does nothing */
/* Appends a record to the run being written (one is begun if none is);
 * keys must ascend within a run. */
gw_rc gw_runs_add(gw_runs *r, const void *key, size_t klen, const gw_plist *l, gw_err *err);
/* Ends the run being written. */
gw_rc gw_runs_end(gw_runs *r, gw_err *err);
/* Runs written and not yet merged. */
size_t gw_runs_count(const gw_runs *r);

/* Merging. gw_runs_merge_begin ends the run being written and reads the
 * first record of each, with memory bytes of read buffers in all (each
 * between 16 and 256 KB). gw_runs_peek gives the smallest key not taken
 * yet (1; 0 when every run is read; -1 on error), valid until the next
 * peek or take; gw_runs_take gives the list of one run at that key, the
 * runs in order (so in docid order: call it while peek gives the same
 * key), valid until the next peek or take; its bytes are in a reader's
 * buffer, or read into scratch when longer. Only one run's list is read at
 * a time: a term's lists are never all in memory at once. */
gw_rc gw_runs_merge_begin(gw_runs *r, size_t memory, gw_err *err);
int gw_runs_peek(gw_runs *r, const unsigned char **key, size_t *klen, gw_err *err);
gw_rc gw_runs_take(gw_runs *r, gw_plist *l, gw_buf *scratch, gw_err *err);
/* Forgets every run (the file is emptied, its space given back). */
void gw_runs_reset(gw_runs *r);

#endif
