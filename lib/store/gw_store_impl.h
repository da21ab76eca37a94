/* gw_store_impl: what gw_store.c (the environment, transactions and the
 * small tables) and gw_post.c (posting lists: post and small) share.
 * Private to those two files. */
#ifndef GW_STORE_IMPL_H
#define GW_STORE_IMPL_H

#include <lmdb.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdint.h>

#include "store/gw_postings.h"
#include "store/gw_record.h"
#include "store/gw_store.h"
#include "store/gw_tblock.h"

/* The named databases, in the one order that opening, --stats, the
 * packed copy and gw_verify.c use (GW_STORE_NDBS, gw_store.h). */
static const char *const gw_db_names[GW_STORE_NDBS] = {"meta", "fields", "ids",  "docs",
                                                       "lens", "norms",  "post", "small"};

struct gw_store {
	MDB_env *env;
	MDB_dbi meta, fields, ids, docs, lens, norms, post, small;
	int missing;       /* databases the index lacks (open_dbs) */
	int write;
	/* The snapshot (txnid; 0: none) whose every page gw_txn_trust
	 * checked and found whole: its reads skip the guard. A snapshot's
	 * pages do not change while it is the newest or read, and a txnid is
	 * not seen twice. checked: the last one checked, whole or not. */
	_Atomic uint64_t trusted, checked;
	size_t psize;      /* LMDB's page size (gw_val_ok) */
	char *path;
	/* The index's zstd dictionary, read by the first read txn that
	 * needs it (gw_txn_zdict): once written, it never changes. */
	gw_zdict *zdict;
	pthread_mutex_t zlock;
	/* data.mdb mapped read only for gw_verify.c (gw_store_map), and the
	 * maps it outgrew (in use by other threads until close); vgen tells
	 * this store from one opened before at the same address. */
	pthread_mutex_t vlock;
	void *vmap;
	size_t vmaplen;
	struct gw_oldmap {
		void *map;
		size_t len;
	} *vold;
	size_t nvold;
	unsigned long vgen;
};

/* An upper bound of a database's last key in a write txn (above_max):
 * keys above it are appended. */
typedef struct key_max {
	unsigned char k[600];
	size_t len;
	int known;
} key_max;

/* The small posting lists (gw_tblock.h) of one span of the small
 * database, decoded for a write txn's merges and removals to edit: every
 * small term key k with lo < k <= hi (no lo: from the first; no hi: to
 * the last). Merges and removals go in key order, so a span is read and
 * written back once per flush (span_flush; at the latest, at commit). */
typedef struct small_ent {
	size_t koff, klen, coff, clen; /* in keys, chunks */
	uint32_t first;
} small_ent;

typedef struct small_span {
	int on, dirty;
	small_ent *e;
	size_t n, cap;
	gw_buf keys, chunks;
	gw_buf lo, hi, old; /* old: the key of the block read, deleted when written */
	int has_lo, has_hi, has_old;
} small_span;

struct gw_txn {
	gw_store *s;
	MDB_txn *txn;
	int write;
	key_max post_max, small_max;
	small_span span;
	gw_buf block;       /* a block being written (put_block) */
	gw_buf joined;      /* a small list and a batch's, joined (append_unbig) */
	MDB_cursor *small_rcur; /* a read txn's cursor on small (small_lookup) */
	/* Reused by every postings write of the txn: a first build writes
	 * hundreds of thousands of terms, most of them one small chunk. */
	gw_chunk_builder cb;
	/* Reused by the merges and removals of a write txn (post_cursor);
	 * closed by LMDB when the txn ends, forgotten at a checkpoint. */
	MDB_cursor *post_cur;
	uint64_t written;   /* bytes of keys and values put (see gw_txn_written) */
	/* A write txn's own copy of the dictionary (it may have written it). */
	gw_zdict *zdict;
	int zdict_read;
	/* The first damage a posting list reader met (gw_pl_next and
	 * gw_pl_skip return -1 and cannot say more): gw_txn_damage. */
	gw_err damage;
};

/* Reads through LMDB, for a reader: a value (or key) LMDB hands out must
 * lie in its page, or in the overflow pages it starts (and they in the
 * file), else MDB_CORRUPTED. LMDB takes a node's data size as it finds it:
 * a damaged one sent decoders reading past the file's end (SIGBUS). A
 * writer's store was checked whole when opened (gw_verify.c) and its
 * dirty pages are not in the map: not checked. Cost: a mask and a
 * compare a value, an fstat an overflow value. */
int gw_val_overflow_ok(const gw_store *s, const MDB_val *v);
static inline int gw_val_ok(const gw_store *s, const MDB_val *v)
{
	return s->write || ((uintptr_t)v->mv_data & (s->psize - 1)) + v->mv_size <= s->psize ||
	       gw_val_overflow_ok(s, v);
}
/* Checks the pages LMDB can read in operation op of a reader (cursor c,
 * on dbi; key k for the MDB_SET ops) before it reads them (gw_verify.c):
 * 0, MDB_CORRUPTED, or ENOMEM. */
int gw_guard(gw_store *s, MDB_txn *txn, MDB_cursor *c, MDB_dbi dbi, const MDB_val *k, MDB_cursor_op op);
static inline int gw_cursor_get(MDB_cursor *c, MDB_val *k, MDB_val *v, MDB_cursor_op op)
{
	MDB_txn *txn = mdb_cursor_txn(c);
	gw_store *s = mdb_env_get_userctx(mdb_txn_env(txn));
	int rc;

	if (s && !s->write && (rc = gw_guard(s, txn, c, mdb_cursor_dbi(c), k, op)))
		return rc;
	rc = mdb_cursor_get(c, k, v, op);
	if (rc == 0 && s && (!gw_val_ok(s, k) || !gw_val_ok(s, v)))
		rc = MDB_CORRUPTED;
	return rc;
}
static inline int gw_get(gw_store *s, MDB_txn *txn, MDB_dbi dbi, MDB_val *k, MDB_val *v)
{
	int rc = s->write ? 0 : gw_guard(s, txn, NULL, dbi, k, MDB_SET);

	if (rc == 0)
		rc = mdb_get(txn, dbi, k, v);
	return rc == 0 && !gw_val_ok(s, v) ? MDB_CORRUPTED : rc;
}


/* An LMDB error as a gw_err (disk full, quota and file size get their
 * own words); gw_store_write_err for a call that may write data.mdb. */
gw_rc gw_store_lmdb_err(gw_err *err, int rc, const char *what);
gw_rc gw_store_write_err(const gw_store *s, gw_err *err, int rc, const char *what);
/* Notes what was wrong with a page the guard refused (gw_verify.c), for
 * the message (gw_store_lmdb_err, gw_damaged) of the MDB_CORRUPTED that
 * follows; NULL forgets it (each guarded read starts so). */
void gw_store_page_damage(const char *what);

/* gw_post.c's part of a transaction: writes back its span of small
 * lists (before a commit), and frees what it holds. */
gw_rc gw_post_txn_flush(gw_txn *t, gw_err *err);
void gw_post_txn_free(gw_txn *t);

#endif
