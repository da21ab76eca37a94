/* gw_index_impl: the gw_index handle, shared by the lib files that read it
 * (gw_index.c writes, gw_search.c and gw_snippet.c read). Not public. */
#ifndef GW_INDEX_IMPL_H
#define GW_INDEX_IMPL_H

#include "text/gw_analyzer.h"
#include "index/gw_index.h"
#include "store/gw_record.h"
#include "store/gw_store.h"

typedef struct gw_pdoc {
	size_t id_off, id_len;
	size_t f_first, nf; /* range in gw_batch.fields */
	int dead;           /* superseded by a later put or delete of its id */
	/* Found stored with the same content when put (gw_index_put): its
	 * fields were dropped, only its id and content hash are kept, and the
	 * commit checks the stored one still has that hash. */
	int claimed;
	uint64_t hash;
} gw_pdoc;

typedef struct gw_pfield {
	size_t name_off, name_len, val_off, val_len;
} gw_pfield;

/* A batch: documents and deletes copied into an arena until commit. */
typedef struct gw_batch {
	int open;
	gw_buf arena;
	gw_pdoc *docs;
	size_t ndocs, docs_cap;
	gw_pfield *fields;
	size_t nfields, fields_cap;
	size_t *dels; /* arena offsets of deleted ids (length-prefixed) */
	size_t ndels, dels_cap;
	uint32_t *slot; /* id hash: index + 1 into docs, 0 = empty */
	size_t nslots;
	uint64_t bytes; /* field text put in the whole batch */
	/* The index has no text dictionary yet: this batch may train one, so
	 * its first window holds GW_ZDICT_SPAN bytes at least (gw_index_put). */
	int zdict_missing;
	/* Ids put in windows already applied (gw_index.c: streaming), so
	 * that pruning keeps them: each a varint length and the bytes. */
	gw_buf seen;
	size_t *seen_slot; /* offset + 1 into seen, 0 = empty */
	size_t seen_n, seen_nslots;
	/* The snapshot puts are compared with (stored_same) until the batch's
	 * write txn begins; NULL before the first put. */
	gw_txn *snap;
} gw_batch;

struct applier;

struct gw_index {
	gw_store *s;
	int view;          /* s is borrowed from another handle (gw_index_open_view) */
	gw_analyzer *an;
	int write;
	gw_warn_fn warn;
	void *warn_ctx;
	gw_progress_fn progress;
	void *progress_ctx;
	int threads;       /* analysis threads at commit (gw_index_set_threads) */
	size_t memory;     /* the batch's memory budget (gw_index_set_budget) */
	size_t budget;     /* postings held in memory before a merge (bytes) */
	size_t window;     /* batch text held before it is applied (bytes) */
	int staging;       /* no reader looks: checkpoint (gw_index_set_staging) */
	uint64_t checkpoint; /* bytes between checkpoints; 0: memory / 32 */
	struct applier *stream; /* the open write txn of a batch applied as it grows */
	gw_rc broken;      /* a window failed: the batch's error (GW_OK: none) */
	int broken_sys;
	char broken_msg[512];
	gw_batch b;
	struct gw_lens_cache *lens_cache; /* searches' decoded lens blocks (gw_lens.h) */
	struct gw_norms_cache *norms_cache; /* searches' norms blocks (gw_norms.h) */
	/* Searches' unpacker of stored texts: its zstd context is made once per
	 * handle, not once per search (ZSTD_createDCtx was 2.5% of a server's
	 * time). Results borrow it; one search at a time uses a handle. */
	gw_unpacker unpacker;
	/* Time spent in gw_search on snapshots not yet checked whole: once it
	 * passes what checking the snapshot would cost, the next search checks
	 * it first (gw_search_trust). */
	double searched_us;
	int trust_due;
};

#endif
