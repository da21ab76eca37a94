/* gw_store: the LMDB layer (gw_store.c, gw_post.c for the posting lists and
 * gw_lmdb_err.c: only they include <lmdb.h>). The on-disk format is documented at the top
 * of gw_store.c. */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/gw_limits.h"
#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_postings.h"

#define GW_FORMAT_VERSION 10

typedef struct gw_store gw_store;
typedef struct gw_txn gw_txn;

/* How an index is opened (gw_store_open, gw_index_open). */
enum {
	GW_OPEN_READ = 0,   /* read only; the index must exist */
	GW_OPEN_WRITE = 1,  /* read-write; the index must exist */
	GW_OPEN_CREATE = 3, /* read-write; created (with its directory) if absent */
	GW_OPEN_VERIFY = 4  /* with GW_OPEN_READ: check every LMDB page on open,
	                     * as writers always do (gw_store_verify) */
};

/* Opens (flags GW_OPEN_*) the index directory. Checks the format and
 * analyzer versions: GW_EVERSION names both versions when they differ. */
gw_rc gw_store_open(gw_store **out, const char *path, int flags, gw_err *err);
void gw_store_close(gw_store *s);
/* Removes the scaffolding a new index is made in (INDEX/.new-PID, see
 * gw_store_open) left in the index directory path, for a program about
 * to remove that directory (a killed build's). */
void gw_store_remove_new(const char *path);
/* Frees the reader slots (in lock.mdb) of processes that died holding
 * them; *dead (if dead is not NULL) is how many. A reader killed in a
 * search leaves its slot claiming the snapshot it read, and no page freed
 * after it can be reused: every batch then grows the file. Opening for
 * writing does this; a process that keeps an index open for long (a
 * server) calls it now and then, e.g. once a minute: it takes a lock on
 * lock.mdb and tests each slot's process, microseconds. */
gw_rc gw_store_reader_check(gw_store *s, int *dead, gw_err *err);
/* Checks the LMDB pages of the last committed state (gw_verify.c): what
 * is GW_VERIFY_ALL (every page, and the free list) or GW_VERIFY_MAIN
 * (the main database's page and records only, for a reader: cheap). A page
 * that does not hold together gives GW_ECORRUPT naming the table and page.
 * gw_store_open calls it before LMDB reads a page: GW_VERIFY_ALL for a
 * writer or with GW_OPEN_VERIFY, GW_VERIFY_MAIN else. */
enum { GW_VERIFY_MAIN = 0, GW_VERIFY_ALL = 1 };
gw_rc gw_store_verify(gw_store *s, int what, gw_err *err);
/* Checks every page of the snapshot t reads (GW_VERIFY_ALL), and if they
 * hold together, lets every read of that snapshot, in any thread, skip
 * the guard's check of the pages it can reach (gw_verify.c): a B-tree
 * descent beside LMDB's own on each lookup, a third of a short search.
 * It reads the whole index once. Damage gives GW_ECORRUPT and trusts
 * nothing: reads stay guarded. A no-op in a write txn. */
gw_rc gw_txn_trust(gw_txn *t, gw_err *err);
/* 1 if t's snapshot was checked by gw_txn_trust, whole or not (a damaged
 * one is not checked again). */
int gw_txn_checked(const gw_txn *t);
/* The pages of t's snapshot (what gw_txn_trust would check). */
uint64_t gw_txn_pages(const gw_txn *t);
/* Records damage found in a value read from the index: GW_ECORRUPT,
 * "index damaged: table T, key 'K': what" (without key if key is NULL).
 * The key is shown escaped and cut short: a term key of post or small as
 * kind:term/fid (post: @first docid), a 4-byte key as its number. Returns
 * the rc err holds afterwards (the first error wins). */
gw_rc gw_damaged(gw_err *err, const char *table, const void *key, size_t klen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* The first damage a posting list reader of t met (gw_pl_next,
 * gw_pl_skip returned -1), into err: GW_ECORRUPT; GW_OK if none. */
gw_rc gw_txn_damage(const gw_txn *t, gw_err *err);
/* The index directory s was opened on. */
const char *gw_store_path(const gw_store *s);
/* Doubles the map size; no transaction of this process may be open. */
gw_rc gw_store_grow(gw_store *s, gw_err *err);

/* Sets the map to GW_STORE_RESERVE bytes of address space (unless it is
 * larger), for a write transaction that cannot be replayed on MDB_MAP_FULL.
 * The file grows only as pages are written; readers map the same size. No
 * transaction of this process may be open. Tests set GONGWEN_MAPSIZE to
 * meet a full map early: that skips the reserve unless always is set (a
 * batch that checkpoints could not be replayed at all). */
#define GW_STORE_RESERVE ((uint64_t)256 << 30)
gw_rc gw_store_reserve(gw_store *s, int always, gw_err *err);

/* LMDB's default key order, which every sorted list of keys written to it
 * must follow: bytes compared, then the shorter first. */
static inline int gw_key_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

/* Transactions. A read transaction sees the last commit when it began. */
gw_rc gw_store_begin(gw_store *s, int write, gw_txn **out, gw_err *err);
gw_rc gw_txn_commit(gw_txn *t, gw_err *err); /* frees t, also on error */
void gw_txn_abort(gw_txn *t);                /* frees t; NULL does nothing */
/* The id of the snapshot t reads (LMDB's transaction id): two read
 * transactions with the same id see the same data. */
uint64_t gw_txn_id(const gw_txn *t);
/* Commits what a write txn holds and goes on in a new one, in place: LMDB
 * keeps every page a txn dirties in memory until it commits, so a build
 * checkpoints to bound that. Readers see each checkpoint: only for an
 * index no reader looks at yet (gw_index_set_staging). On error t can
 * only be aborted. */
gw_rc gw_txn_checkpoint(gw_txn *t, gw_err *err);
/* Commits a write transaction that changes no data (it puts a counter
 * again), so that the next one may reuse the pages the last commit freed.
 * LMDB hands a write txn only pages freed by transactions older than the
 * last commit (those freed by the last one belong to the snapshot before
 * it); with one commit a batch, a batch could reuse only what the batch
 * before the last one freed, and the file held two batches' worth of free
 * pages (tests/nightly.sh). Costs a commit: a page written and synced. */
gw_rc gw_store_seal(gw_store *s, gw_err *err);
/* Bytes of keys and values put since the txn (or checkpoint) began: about
 * the pages it dirtied, when it mostly appends, as a build does. */
uint64_t gw_txn_written(const gw_txn *t);

/* The index's zstd dictionary for stored texts (gw_record.h), into *out:
 * NULL if it has none. A read txn gets the store's copy, read once (a
 * dictionary, once written, never changes), ready for unpacking; a write
 * txn reads its own, as it may have written it, ready for packing too. Valid while t is (a read txn's: while the store
 * is open). */
typedef struct gw_zdict gw_zdict;
gw_rc gw_txn_zdict(gw_txn *t, const gw_zdict **out, gw_err *err);
/* Stores the dictionary bytes[0..len) in t (an index has one at most: the
 * caller checks there is none) and makes it t's. */
gw_rc gw_txn_set_zdict(gw_txn *t, const void *bytes, size_t len, gw_err *err);

/* meta: named unsigned counters; a missing key reads as 0. */
gw_rc gw_meta_get(gw_txn *t, const char *key, uint64_t *v, gw_err *err);
gw_rc gw_meta_put(gw_txn *t, const char *key, uint64_t v, gw_err *err);

/* Fields: id 1..255 <-> folded name, plus the name as first given. */
typedef struct gw_fieldtab {
	unsigned n;                   /* ids 1..n are in use */
	char *name[GW_MAX_FIELDS + 1];  /* display name by id (owned) */
	char *fold[GW_MAX_FIELDS + 1];  /* folded name by id (owned) */
	/* The kinds of term the field has had (bit kind & 63 of a GW_T_*
	 * byte; meta "fkinds"): a query skips a field that cannot hold
	 * one of its parts (a Han bigram in a field of Latin codes). Bits
	 * are set as documents are added and never cleared. */
	uint64_t kinds[GW_MAX_FIELDS + 1];
} gw_fieldtab;
gw_rc gw_fields_load(gw_txn *t, gw_fieldtab *ft, gw_err *err);
/* Stores ft's kinds (gw_fieldtab.kinds) for gw_fields_load. */
gw_rc gw_fields_save_kinds(gw_txn *t, const gw_fieldtab *ft, gw_err *err);
void gw_fieldtab_free(gw_fieldtab *ft);
/* Returns the id of the folded name, adding it (write txn) if new. */
gw_rc gw_field_intern(gw_txn *t, gw_fieldtab *ft, const char *fold, size_t fold_len,
                      const char *name, size_t name_len, unsigned *fid, gw_err *err);
/* 1 if a field of this name (as given or folded) is indexed. Fields whose
 * name starts with '_' are stored only: kept with the document and shown
 * by search, never analyzed nor packed. */
static inline int gw_field_name_indexed(const char *name, size_t len) { return !(len && name[0] == '_'); }
/* 1 if field fid is indexed (gw_field_name_indexed of its name). */
int gw_field_indexed(const gw_fieldtab *ft, unsigned fid);
/* Id of a folded name, 0 if unknown. */
unsigned gw_field_find(const gw_fieldtab *ft, const char *fold, size_t fold_len);

/* docs: docid -> stored record; the value lives until the txn ends. */
gw_rc gw_doc_get(gw_txn *t, uint32_t docid, const void **val, size_t *len, gw_err *err);
gw_rc gw_doc_put(gw_txn *t, uint32_t docid, const void *val, size_t len, gw_err *err);
gw_rc gw_doc_del(gw_txn *t, uint32_t docid, gw_err *err);
/* The tables keyed by a block of docids (be32): lens, packed ranking data
 * (gw_lens.h), and norms, a length and script code per document
 * (gw_norms.h). A value lives until the txn ends; putting an empty value
 * deletes the block. */
typedef enum gw_btable { GW_BT_LENS, GW_BT_NORMS } gw_btable;
gw_rc gw_block_get(gw_txn *t, gw_btable bt, uint32_t block, const void **val, size_t *len, gw_err *err);
gw_rc gw_block_put(gw_txn *t, gw_btable bt, uint32_t block, const void *val, size_t len, gw_err *err);
/* The same for a new block above every other (pages filled in order stay
 * full); a plain put otherwise. len > 0. */
gw_rc gw_block_append(gw_txn *t, gw_btable bt, uint32_t block, const void *val, size_t len, gw_err *err);
/* A cursor over a table's blocks, for many lookups in ascending order:
 * LMDB looks on the cursor's current page before descending from the
 * root. */
typedef struct gw_block_cursor gw_block_cursor;
gw_rc gw_block_cursor_open(gw_txn *t, gw_btable bt, gw_block_cursor **out, gw_err *err);
/* 0 found, 1 absent, -1 error. */
int gw_block_cursor_get(gw_block_cursor *c, uint32_t block, const void **val, size_t *len);
void gw_block_cursor_close(gw_block_cursor *c); /* NULL does nothing */
/* Calls fn for every block in order (stops on non-zero). */
gw_rc gw_block_each(gw_txn *t, gw_btable bt, int (*fn)(void *ctx, uint32_t block, const void *val, size_t len),
                    void *ctx, gw_err *err);
/* The field sets norms name (gw_norms.h), one value in the norms table
 * under the key "fsets" (which sorts after every block). GW_ENOTFOUND if
 * none was put. */
gw_rc gw_fsets_get(gw_txn *t, const void **val, size_t *len, gw_err *err);
gw_rc gw_fsets_put(gw_txn *t, const void *val, size_t len, gw_err *err);
/* ids: external id -> docid. GW_ENOTFOUND if absent. */
gw_rc gw_id_get(gw_txn *t, const char *id, size_t len, uint32_t *docid, gw_err *err);
gw_rc gw_id_put(gw_txn *t, const char *id, size_t len, uint32_t docid, gw_err *err);
gw_rc gw_id_del(gw_txn *t, const char *id, size_t len, gw_err *err);
/* Calls fn for every live document in docid order (stops on non-zero). */
gw_rc gw_doc_each(gw_txn *t, int (*fn)(void *ctx, uint32_t docid, const void *val, size_t len),
                  void *ctx, gw_err *err);

/* A term key: term kind, term bytes, NUL, field id (format 6: a term's
 * fields sit together). Postings keys are a term key followed by the
 * chunk's first docid (be32). */
void gw_term_key(gw_buf *out, unsigned fid, int kind, const char *term, size_t len);
/* The same key appended to out (for many keys in one buffer). */
void gw_term_key_append(gw_buf *out, unsigned fid, int kind, const char *term, size_t len);

/* Merges l (docids all above those stored for the term) into the term's
 * postings: fills the last chunk, then adds new ones. */
gw_rc gw_post_append(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err);
/* Removes docids[0..n) (ascending) from the term's postings, rewriting
 * each chunk once for all of its docids; those absent are skipped. */
gw_rc gw_post_remove_many(gw_txn *t, const void *tkey, size_t tklen, const uint32_t *docids, size_t n,
                          gw_err *err);

/* A posting list iterator over one term key. */
typedef struct gw_pl gw_pl;
/* The part of an iterator that gw_pl_skip and gw_pl_entry read inline
 * (a gw_pl begins with it): skipping within the current chunk, the hot
 * loop of every AND, then costs no call. */
typedef struct gw_pl_head {
	gw_entry_reader r;    /* the current chunk, after the entries read */
	gw_entry e;           /* the current entry, if on */
	uint32_t chunk_last;  /* the current chunk's last docid */
	int eof;
	int on;
} gw_pl_head;
/* *out is NULL (and GW_OK) when the term has no postings. */
gw_rc gw_pl_open(gw_txn *t, const void *tkey, size_t tklen, gw_pl **out, gw_err *err);
void gw_pl_close(gw_pl *pl);
/* Moves to the next entry / the first entry with docid >= target.
 * 1 = positioned, 0 = exhausted, -1 = damaged (see gw_pl_error). */
int gw_pl_next(gw_pl *pl);
int gw_pl_skip_to(gw_pl *pl, uint32_t target);
/* gw_pl_skip_to, inline while the target is in the current chunk. */
static inline int gw_pl_skip(gw_pl *pl, uint32_t target)
{
	gw_pl_head *h = (gw_pl_head *)pl;

	if (h->on && h->e.docid >= target)
		return 1;
	if (!h->eof && target <= h->chunk_last && gw_entry_seek(&h->r, target, &h->e) == 1)
		return h->on = 1;
	return gw_pl_skip_to(pl, target);
}
static inline const gw_entry *gw_pl_entry(const gw_pl *pl) { return &((const gw_pl_head *)pl)->e; }
/* Number of documents in the list (sums the chunk headers once). */
uint64_t gw_pl_df(gw_pl *pl);

/* Statistics for tools and tests. */
typedef struct gw_store_stat {
	uint64_t map_size, used_bytes;
	uint64_t free_bytes;  /* of used_bytes, pages on LMDB's free list */
	uint64_t post_entries, post_chunks, docs, ids;
} gw_store_stat;
gw_rc gw_store_stat_get(gw_txn *t, gw_store_stat *st, gw_err *err);

/* Per-database figures (mdb_stat) of the databases, in the order
 * meta, fields, ids, docs, lens, norms, post, small. name is a static
 * string. */
#define GW_STORE_NDBS 8
typedef struct gw_db_stat {
	const char *name;
	uint64_t entries, pages, bytes; /* bytes = pages * page size */
	unsigned depth;                 /* B-tree depth */
} gw_db_stat;
gw_rc gw_store_db_stats(gw_txn *t, gw_db_stat st[GW_STORE_NDBS], gw_err *err);
/* Copies the index into the directory dest (a new index is created there),
 * every database rewritten in key order with MDB_APPEND, so that pages come
 * out full and free pages are left behind. mdb_env_copy2's compaction only
 * drops free pages: pages that merges into the index split stay half full
 * (a 1x build with a 64 MB budget compacted to 67.9 MB that way, against
 * 48 MB for one written in one flush). Reads one snapshot of s. */
gw_rc gw_store_copy_packed(gw_store *s, const char *dest, gw_err *err);
/* The same, of what t sees: a write txn holds the writer lock meanwhile,
 * so that no batch commits to the index while it is copied. */
gw_rc gw_txn_copy_packed(gw_txn *src, const char *dest, gw_err *err);
/* Marks the index of the write txn t retired (meta "retired"), for when
 * its compacted copy takes its place: a process that has the old index
 * open and waits for the writer lock then gets GW_EIO (sys ESTALE) from
 * gw_store_begin instead of writing into a file no one will read. */
gw_rc gw_txn_retire(gw_txn *t, gw_err *err);



/* Calls fn for every postings chunk (stops on non-zero): the chunks of
 * post in key order, then the small lists in key order (gw_tblock.h), each
 * as its one chunk. The key is the term key + be32 first docid. */
gw_rc gw_post_each(gw_txn *t,
                   int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                   void *ctx, gw_err *err);
/* Calls fn for every id -> docid entry. */
gw_rc gw_id_each(gw_txn *t, int (*fn)(void *ctx, const char *id, size_t len, uint32_t docid),
                 void *ctx, gw_err *err);
/* Calls fn with the term key of every term of field fid and kind whose
 * bytes start with prefix, in byte order (stops on non-zero). */
gw_rc gw_term_prefix_each(gw_txn *t, unsigned fid, int kind, const char *prefix, size_t len,
                          int (*fn)(void *ctx, const void *tkey, size_t tklen), void *ctx,
                          gw_err *err);

#endif
