/* gw_index: the index as a whole: open/close, batches of changes, stored
 * documents. Only store/ knows the LMDB layout.
 *
 * Writing: gw_index_begin(), any number of gw_index_put()/gw_index_delete(),
 * then gw_index_commit() (all of the batch becomes visible to readers at
 * once) or gw_index_abort() (none of it). Readers may search concurrently;
 * they see the index as of the last commit when their search began. */
#ifndef GW_INDEX_H
#define GW_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_doc.h"
#include "base/gw_err.h"
#include "store/gw_store.h"

typedef struct gw_index gw_index;

/* Opens the index directory at path. On success *out owns the handle
 * (release with gw_index_close). Errors: GW_ENOTFOUND (no index there and
 * not GW_OPEN_CREATE), GW_EVERSION (another format version), GW_EFORMAT,
 * GW_EIO, GW_ELMDB. */
gw_rc gw_index_open(gw_index **out, const char *path, int flags, gw_err *err);

/* Opens another read-only handle on the index base has open, for another
 * thread: it shares base's LMDB environment (which a process may open only
 * once) and has its own analyzer and caches, which are not thread-safe.
 * Close every view before base. */
gw_rc gw_index_open_view(gw_index **out, gw_index *base, gw_err *err);
/* Closes the index; aborts an uncommitted batch. NULL does nothing. */
void gw_index_close(gw_index *ix);
/* Frees the reader slots of processes that died in a search, which would
 * keep every later batch from reusing freed pages (gw_store_reader_check);
 * *dead (if not NULL): how many. Opening for writing does it; a
 * long-running process calls it now and then. Errors: GW_ELMDB. */
gw_rc gw_index_reader_check(gw_index *ix, int *dead, gw_err *err);

/* Warnings that do not stop indexing (invalid UTF-8 replaced, ...) go to fn,
 * one line each, naming the document id, field and byte offset. Default: none. */
typedef void (*gw_warn_fn)(void *ctx, const char *msg);
void gw_index_set_warn(gw_index *ix, gw_warn_fn fn, void *ctx);

/* The memory a batch may use, shared out as follows (0: the default):
 * - 3/8 for the posting lists accumulated in memory: past that they are
 *   merged into the store and freed;
 * - 1/16 for the text of the batch (the window): past that, the documents
 *   put so far are analyzed and written into the batch's write transaction
 *   (still invisible to readers until the commit) and their copies freed;
 * - 1/32 for each checkpoint of a staging build (gw_index_set_staging);
 * the rest for the analysis of two windows of documents, the ids a batch
 * put, the analyzers and LMDB's dirty pages of the last checkpoint (a
 * transaction that cannot checkpoint keeps all of its dirty pages, up to
 * about 512 MB, and then LMDB spills them to the file). */
#define GW_MEMORY_BUDGET ((size_t)512 << 20)
void gw_index_set_budget(gw_index *ix, size_t bytes);
/* Sets the window alone (tests). 0: the budget's share. */
void gw_index_set_window(gw_index *ix, size_t bytes);

/* For an index no reader looks at yet (a build beside the live index,
 * swapped in when done): a batch then commits its write transaction every
 * checkpoint bytes written (0: the budget's share) instead of once, so
 * that LMDB's dirty pages, which it holds in memory until a commit, stay
 * bounded. A batch that fails leaves a partial index, to be thrown away. */
void gw_index_set_staging(gw_index *ix, uint64_t checkpoint);

/* Threads that analyze documents at commit (the writer is one of them);
 * default: the number of online processors. The index is the same for any
 * number. n < 1 means 1. */
void gw_index_set_threads(gw_index *ix, int n);

/* Progress of a commit: done of total documents analyzed (called every
 * few hundred documents and once at the end). Default: none. */
typedef void (*gw_progress_fn)(void *ctx, size_t done, size_t total);
void gw_index_set_progress(gw_index *ix, gw_progress_fn fn, void *ctx);

typedef struct gw_batch_stats {
	size_t added;     /* ids new to the index */
	size_t replaced;  /* ids that existed: old version removed completely */
	size_t unchanged; /* puts skipped: the id is stored with the same content */
	size_t deleted;   /* ids removed by gw_index_delete or by pruning */
	size_t pruned;    /* of deleted: removed by pruning */
	size_t missing;   /* deletes of ids that were not in the index */
	uint64_t bytes;  /* bytes of field text put in the batch */
	size_t flushes;  /* times postings were written out in key order: past the
	                  * first, each merged into terms already written */
} gw_batch_stats;

/* Starts a batch. Only one batch at a time per handle; opened for writing. */
gw_rc gw_index_begin(gw_index *ix, gw_err *err);
/* Adds doc to the batch, replacing any document with the same id (also one
 * put earlier in the same batch). The doc is copied. At commit, a put whose
 * id is stored with the same content (same id, field names and texts in the
 * same order: compared by the stored content hash) is skipped, neither
 * analyzed nor written, and counted as unchanged. GW_EINVAL for an empty
 * id, an empty field name or a field name used twice in one doc. */
gw_rc gw_index_put(gw_index *ix, const gw_doc *doc, gw_err *err);
/* 1 if the open batch failed as a whole (a window could not be written,
 * e.g. the disk is full): gw_index_put and gw_index_commit return that
 * error and nothing of the batch is visible. 0 for an error of one
 * document. */
int gw_index_batch_broken(const gw_index *ix);
/* Removes the document with this id when the batch commits. */
gw_rc gw_index_delete(gw_index *ix, const char *id, size_t id_len, gw_err *err);
/* Commits the batch in one LMDB write transaction, growing the map as
 * needed. stats may be NULL. On error nothing of the batch is visible. */
gw_rc gw_index_commit(gw_index *ix, gw_batch_stats *stats, gw_err *err);
/* The same, and in the same transaction, before the batch's documents are
 * added: removes every stored document whose stored-only field "_source"
 * is one of sources[0..n) or lies under one of them ("dir" covers
 * "dir/a.txt" and "dir/sub/b.csv"; a source ending in '/' covers what starts
 * with it) and whose id is not put in this batch. Pruned documents count in
 * stats->deleted and stats->pruned. With n == 0 this is gw_index_commit. */
gw_rc gw_index_commit_pruning(gw_index *ix, const char *const *sources, size_t n,
                              gw_batch_stats *stats, gw_err *err);
/* Drops the batch. */
void gw_index_abort(gw_index *ix);

/* Number of live documents as of the last commit. */
gw_rc gw_index_count(gw_index *ix, uint64_t *ndocs, gw_err *err);

#endif
