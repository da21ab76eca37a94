/* gw_verify: checks LMDB's pages before LMDB is trusted with them.
 *
 * LMDB keeps no checksums and believes what its pages say: a flipped bit in
 * a page header or a node header (a node offset, a key size, a data size,
 * a child page number, an overflow page count) sends it reading or copying
 * past the page, and a damaged index then crashes the program that opened
 * it instead of being reported. liblmdb 0.9 checks a few things itself (a
 * child page number past the last page gives MDB_PAGE_NOTFOUND, a branch
 * leading to a page that is no leaf MDB_CORRUPTED), not these.
 *
 * So before LMDB walks the trees, this file walks them itself, read only,
 * through the environment's memory map, the way `mdb_stat -ff` and
 * mdb_chk do: from the meta page of the snapshot a read transaction sees,
 * every page of every database (the free list, the main database and the
 * named ones) must carry its own page number, be of the kind its depth
 * calls for, have its node offsets, key and data sizes inside the page,
 * its children and overflow pages inside the file, and be reached once;
 * the free list's page numbers must be inside the file and unused. A page
 * that passes can be read by LMDB without reading outside the map.
 *
 * The layout read here is liblmdb 0.9's (mdb.c: MDB_page, MDB_node,
 * MDB_meta, MDB_db), unchanged across the 0.9 series; on a 64-bit build.
 * The file is mapped here once more, read only (liblmdb 0.9 does not tell
 * where its own map is: me_mapaddr is only set with MDB_FIXEDMAP), once a
 * store (store_map); the pages are the same in the page cache. Writers
 * and --check walk every page (GW_VERIFY_ALL: 7 ms for the 35 MB of
 * zh-docs); a reader checks the main database at open (GW_VERIFY_MAIN:
 * its page and the named databases' records), then each page just before
 * LMDB reads it (the guard, at the end of this file). */
#include <errno.h>
#include <pthread.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "store/gw_store_impl.h"

/* mdb.c's constants (liblmdb 0.9). */
#define PAGEHDRSZ 16
#define NODESIZE 8
#define P_BRANCH 0x01
#define P_LEAF 0x02
#define P_OVERFLOW 0x04
#define P_DIRTY 0x10
#define P_KEEP 0x8000
#define F_BIGDATA 0x01
#define F_SUBDATA 0x02
#define P_INVALID (~(uint64_t)0)
#define CURSOR_STACK 32
#define MDB_MAGIC 0xBEEFC0DEu
#define META_DBS 24    /* offsetof(MDB_meta, mm_dbs) */
#define META_TXNID 128 /* offsetof(MDB_meta, mm_txnid) */
#define META_LAST 120  /* offsetof(MDB_meta, mm_last_pg) */
#define DB_SIZE 48     /* sizeof(MDB_db) */

typedef struct db_rec {
	uint16_t flags, depth;
	uint64_t root;
} db_rec;

/* A key bound of a page: the keys of a page reached through branch node
 * i lie in [key i, key i+1) of that branch page (LMDB's search takes the
 * last node whose key is at or below the key sought; node 0 of a branch
 * page stands for every key below node 1's). n == NOKEY: no bound. */
#define NOKEY ((size_t)-1)
typedef struct bound {
	const unsigned char *p;
	size_t n;
} bound;

static const bound no_bound = {NULL, NOKEY};

typedef struct vstate {
	const unsigned char *map;
	size_t psize;
	uint64_t npages;       /* pages that may be read: in the file and <= last */
	unsigned char *seen;   /* a bit a page */
	uint64_t *spans;       /* the nodes of the page being checked: offset << 32 | size */
	int leaves;            /* 0: the main database only (GW_VERIFY_MAIN) */
	db_rec dbs[GW_STORE_NDBS]; /* the named databases' records, in gw_store.c's order */
	char table[24];        /* the database being walked, for messages */
	gw_err *err;
} vstate;

static uint16_t rd16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static gw_rc bad(vstate *v, uint64_t pgno, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static gw_rc bad(vstate *v, uint64_t pgno, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return gw_err_set(v->err, GW_ECORRUPT, 0, "index damaged: table %s, page %llu: %s", v->table,
	                  (unsigned long long)pgno, what);
}

/* Marks pages [pgno, pgno + n) reached; damaged if outside or reached before. */
static gw_rc reach(vstate *v, uint64_t from, uint64_t pgno, uint64_t n)
{
	if (pgno < 2 || pgno >= v->npages || n > v->npages - pgno)
		return bad(v, from, "page number %llu (+%llu) outside the file's %llu pages", (unsigned long long)pgno,
		           (unsigned long long)n, (unsigned long long)v->npages);
	for (uint64_t i = pgno; i < pgno + n; i++) {
		if (v->seen[i >> 3] & (1u << (i & 7)))
			return bad(v, from, "page %llu reached twice", (unsigned long long)i);
		v->seen[i >> 3] |= (unsigned char)(1u << (i & 7));
	}
	if (rd64(v->map + pgno * v->psize) != pgno)
		return bad(v, pgno, "header says page %llu", (unsigned long long)rd64(v->map + pgno * v->psize));
	return GW_OK;
}

static gw_rc walk(vstate *v, uint64_t pgno, unsigned depth, const db_rec *db, int main_db, bound lo, bound hi);


/* Checks an overflow page run holding dsize bytes, reached from page from. */
static gw_rc overflow(vstate *v, uint64_t from, uint64_t opg, uint64_t dsize)
{
	const unsigned char *p;
	uint32_t n;

	if (opg < 2 || opg >= v->npages)
		return bad(v, from, "overflow page %llu outside the file", (unsigned long long)opg);
	p = v->map + opg * v->psize;
	memcpy(&n, p + 12, 4);
	if ((rd16(p + 10) & ~(P_DIRTY | P_KEEP)) != P_OVERFLOW || n == 0)
		return bad(v, opg, "not an overflow page (flags 0x%x)", rd16(p + 10));
	if (dsize > (uint64_t)n * v->psize - PAGEHDRSZ)
		return bad(v, opg, "value of %llu bytes in %u overflow pages", (unsigned long long)dsize, n);
	return reach(v, from, opg, n);
}

/* The place of a database name in gw_db_names; -1 if none. */
static int db_index(const unsigned char *name, size_t len)
{
	for (int i = 0; i < GW_STORE_NDBS; i++)
		if (strlen(gw_db_names[i]) == len && memcmp(gw_db_names[i], name, len) == 0)
			return i;
	return -1;
}

/* Reads a named database's record (the value of a main database node). */
static gw_rc sub_db(vstate *v, uint64_t pgno, const unsigned char *key, size_t klen, const unsigned char *d,
                    size_t dsize)
{
	char saved[sizeof v->table];
	db_rec db;
	gw_rc rc = GW_OK;
	size_t i;

	if (dsize != DB_SIZE)
		return bad(v, pgno, "database record of %zu bytes", dsize);
	db.flags = rd16(d + 4);
	db.depth = rd16(d + 6);
	db.root = rd64(d + 40);
	memcpy(saved, v->table, sizeof saved);
	for (i = 0; i < klen && i + 1 < sizeof v->table; i++)
		v->table[i] = key[i] >= 0x20 && key[i] < 0x7f ? (char)key[i] : '?';
	v->table[i] = '\0';
	if (db.flags != 0) /* gongwen's databases are plain: no DUPSORT, INTEGERKEY... */
		rc = bad(v, pgno, "database flags 0x%x", db.flags);
	else if (db.root == P_INVALID ? db.depth != 0 : db.depth == 0 || db.depth > CURSOR_STACK)
		rc = bad(v, pgno, "database depth %u", db.depth);
	else if (db.root != P_INVALID && (db.root < 2 || db.root >= v->npages))
		rc = bad(v, pgno, "root page %llu outside the file", (unsigned long long)db.root);
	else {
		int at = db_index(key, klen);
		if (at >= 0)
			v->dbs[at] = db;
	}
	if (rc == GW_OK && db.root != P_INVALID && v->leaves)
		rc = walk(v, db.root, 1, &db, 0, no_bound, no_bound);
	memcpy(v->table, saved, sizeof saved);
	return rc;
}

static bound node_key(const unsigned char *p, unsigned i)
{
	const unsigned char *n = p + rd16(p + PAGEHDRSZ + 2 * i);
	bound b = {n + NODESIZE, rd16(n + 6)};
	return b;
}

static int key_cmp(bound a, bound b)
{
	return gw_key_cmp(a.p, a.n, b.p, b.n);
}

/* A branch node's child page number. */
static uint64_t node_child(const unsigned char *n)
{
	return (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16 | (uint64_t)rd16(n + 4) << 32;
}

/* Checks node i of page pgno (p) by itself, for its kind. */
static gw_rc node_ok(vstate *v, uint64_t pgno, const unsigned char *p, unsigned i, int main_db, int branch)
{
	const unsigned char *n = p + rd16(p + PAGEHDRSZ + 2 * i);
	unsigned ksize = rd16(n + 6), flags = rd16(n + 4), off = (unsigned)(n - p);
	uint64_t dsize;

	if (branch) {
		uint64_t child = node_child(n);
		if (child < 2 || child >= v->npages)
			return bad(v, pgno, "child page %llu of node %u outside the file", (unsigned long long)child, i);
		return GW_OK;
	}
	dsize = (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16;
	/* F_DUPDATA (0x04) above all: liblmdb 0.9 follows a sub-cursor a
	 * database without duplicates does not have (a null pointer). */
	if (flags & ~(unsigned)(F_BIGDATA | F_SUBDATA) || (flags & F_SUBDATA && (!main_db || flags & F_BIGDATA)))
		return bad(v, pgno, "node %u has flags 0x%x", i, flags);
	if (flags & F_BIGDATA) {
		if (off + NODESIZE + ksize + 8 > v->psize)
			return bad(v, pgno, "overflow page number of node %u past the page's end", i);
		return GW_OK;
	}
	if (off + NODESIZE + ksize + dsize > v->psize)
		return bad(v, pgno, "value of node %u (%llu bytes) past the page's end", i, (unsigned long long)dsize);
	if (main_db && !(flags & F_SUBDATA))
		return bad(v, pgno, "main database node %u is no database", i);
	return GW_OK;
}

/* The bytes LMDB gives a node (mdb_node_add: rounded up to even), at
 * most 2^32 - 1 (a larger one fails tiled()). */
static uint64_t node_size(const unsigned char *n, int branch)
{
	uint64_t size = NODESIZE + rd16(n + 6);

	if (!branch)
		size += rd16(n + 4) & F_BIGDATA ? 8 : (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16;
	size = (size + 1) & ~(uint64_t)1;
	return size > 0xffffffffu ? 0xffffffffu : size;
}

static int span_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The nodes of a page fill the bytes from its upper bound to its end,
 * each once: LMDB adds a node below the others and closes the gap a node
 * leaves (mdb_node_add, mdb_node_del). A size that grew into a
 * neighbour passes every check of a node alone, and makes LMDB's moves
 * of a page's nodes copy past the page. */
static gw_rc tiled(vstate *v, uint64_t pgno, unsigned nkeys, unsigned upper)
{
	uint64_t at = upper;

	qsort(v->spans, nkeys, sizeof *v->spans, span_cmp);
	for (unsigned i = 0; i < nkeys; i++) {
		if (v->spans[i] >> 32 != at)
			return bad(v, pgno, "nodes overlap or leave a gap at offset %llu", (unsigned long long)at);
		at += v->spans[i] & 0xffffffffu;
	}
	if (at != v->psize)
		return bad(v, pgno, "nodes end at offset %llu", (unsigned long long)at);
	return GW_OK;
}

/* Checks page pgno by itself, at depth (1: the root) of a tree of
 * db->depth levels, its keys in [lo, hi): marks it reached; its header,
 * its nodes inside it and tiling it, each node for its kind, the keys in
 * order and inside the bounds its parent gives (so a search for any of
 * them leads LMDB here, and nowhere else). */
static gw_rc check_page(vstate *v, uint64_t pgno, unsigned depth, const db_rec *db, int main_db, bound lo,
                        bound hi)
{
	const unsigned char *p;
	unsigned flags, lower, upper, nkeys;
	int branch = depth < db->depth;
	gw_rc rc;

	if ((rc = reach(v, pgno, pgno, 1)))
		return rc;
	p = v->map + pgno * v->psize;
	flags = rd16(p + 10) & ~(P_DIRTY | P_KEEP);
	lower = rd16(p + 12);
	upper = rd16(p + 14);
	if (flags != (branch ? P_BRANCH : P_LEAF))
		return bad(v, pgno, "a %s page with flags 0x%x", branch ? "branch" : "leaf", flags);
	if (lower < PAGEHDRSZ || (lower & 1) || upper > v->psize || lower > upper)
		return bad(v, pgno, "free space from %u to %u", lower, upper);
	nkeys = (lower - PAGEHDRSZ) >> 1;
	if (nkeys == 0 || (branch && nkeys < 2 && depth > 1))
		return bad(v, pgno, "%u nodes", nkeys);
	for (unsigned i = 0; i < nkeys; i++) {
		unsigned off = rd16(p + PAGEHDRSZ + 2 * i);
		if (off < upper || off + NODESIZE > v->psize)
			return bad(v, pgno, "node %u at offset %u, outside %u..%zu", i, off, upper, v->psize);
		if (off + NODESIZE + rd16(p + off + 6) > v->psize)
			return bad(v, pgno, "key of node %u past the page's end", i);
		v->spans[i] = (uint64_t)off << 32 | node_size(p + off, branch);
	}
	if ((rc = tiled(v, pgno, nkeys, upper)))
		return rc;
	/* Keys: a branch's node 0 stands for "below node 1" and is not read.
	 * The free list's keys are integers (MDB_INTEGERKEY), not in byte order. */
	for (unsigned i = branch; i < nkeys; i++) {
		bound k = node_key(p, i);
		if ((rc = node_ok(v, pgno, p, i, main_db, branch)))
			return rc;
		if (db->flags & MDB_INTEGERKEY)
			continue;
		if (i > (unsigned)branch ? key_cmp(node_key(p, i - 1), k) >= 0
		                         : lo.n != NOKEY && key_cmp(k, lo) < 0)
			return bad(v, pgno, "key of node %u out of order", i);
		if (hi.n != NOKEY && key_cmp(k, hi) >= 0)
			return bad(v, pgno, "key of node %u at or above its parent's next", i);
	}
	if (branch)
		return node_ok(v, pgno, p, 0, main_db, branch);
	return GW_OK;
}

/* The bounds of the child under node i of branch page p (nkeys nodes),
 * whose own bounds are lo, hi. */
static void child_bounds(const unsigned char *p, unsigned i, unsigned nkeys, bound *lo, bound *hi)
{
	if (i > 0)
		*lo = node_key(p, i);
	if (i + 1 < nkeys)
		*hi = node_key(p, i + 1);
}

static unsigned page_nkeys(const unsigned char *p)
{
	return (rd16(p + 12) - PAGEHDRSZ) >> 1;
}

/* Checks page pgno and every page it leads to (GW_VERIFY_ALL; the main
 * database's records only with GW_VERIFY_MAIN). */
static gw_rc walk(vstate *v, uint64_t pgno, unsigned depth, const db_rec *db, int main_db, bound lo, bound hi)
{
	const unsigned char *p;
	unsigned nkeys;
	gw_rc rc;

	if ((rc = check_page(v, pgno, depth, db, main_db, lo, hi)))
		return rc;
	p = v->map + pgno * v->psize;
	nkeys = page_nkeys(p);
	for (unsigned i = 0; i < nkeys; i++) {
		const unsigned char *n = p + rd16(p + PAGEHDRSZ + 2 * i);
		if (depth < db->depth) {
			bound clo = lo, chi = hi;
			child_bounds(p, i, nkeys, &clo, &chi);
			rc = walk(v, node_child(n), depth + 1, db, main_db, clo, chi);
		} else if (rd16(n + 4) & F_BIGDATA) {
			rc = v->leaves ? overflow(v, pgno, rd64(n + NODESIZE + rd16(n + 6)),
			                          (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16)
			               : GW_OK;
		} else if (main_db) {
			rc = sub_db(v, pgno, n + NODESIZE, rd16(n + 6), n + NODESIZE + rd16(n + 6),
			            (size_t)rd16(n) | (size_t)rd16(n + 2) << 16);
		}
		if (rc)
			return rc;
	}
	return GW_OK;
}

/* The free list's values: a count, then that many page numbers, each in
 * the file and in no tree. Called after every tree was walked. */
static gw_rc free_pages(vstate *v, MDB_txn *txn)
{
	MDB_cursor *c;
	MDB_val k, d;
	gw_rc rc = GW_OK;
	int lrc;

	if ((lrc = mdb_cursor_open(txn, 0, &c)))
		return gw_store_lmdb_err(v->err, lrc, "cannot read the free list");
	while ((lrc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) == 0 && rc == GW_OK) {
		const unsigned char *ids = d.mv_data;
		uint64_t n;
		if (d.mv_size < 8 || (n = rd64(ids)) > d.mv_size / 8 - 1) {
			rc = bad(v, 0, "free list entry of %zu bytes", d.mv_size);
			break;
		}
		for (uint64_t i = 1; i <= n && rc == GW_OK; i++) {
			uint64_t pg = rd64(ids + 8 * i);
			if (pg < 2 || pg >= v->npages)
				rc = bad(v, 0, "free page %llu outside the file", (unsigned long long)pg);
			else if (v->seen[pg >> 3] & (1u << (pg & 7)))
				rc = bad(v, pg, "page in use is on the free list");
		}
	}
	mdb_cursor_close(c);
	if (rc == GW_OK && lrc != MDB_NOTFOUND)
		rc = gw_store_lmdb_err(v->err, lrc, "cannot read the free list");
	return rc;
}

/* The meta page of the snapshot txn reads (LMDB's own, not damaged here:
 * a meta page that fails its magic makes mdb_env_open fail). */
static const unsigned char *txn_meta(const vstate *v, MDB_txn *txn)
{
	for (int i = 0; i < 2; i++) {
		const unsigned char *m = v->map + (size_t)i * v->psize + PAGEHDRSZ;
		uint32_t magic;
		memcpy(&magic, m, 4);
		if (magic == MDB_MAGIC && rd64(m + META_TXNID) == (uint64_t)mdb_txn_id(txn))
			return m;
	}
	return NULL;
}

static gw_rc verify_txn(vstate *v, MDB_txn *txn)
{
	const unsigned char *m = txn_meta(v, txn);
	db_rec free_db, main_db;
	uint64_t last;
	gw_rc rc = GW_OK;

	snprintf(v->table, sizeof v->table, "(lmdb meta)");
	if (!m)
		return bad(v, 0, "no meta page of transaction %zu", (size_t)mdb_txn_id(txn));
	last = rd64(m + META_LAST);
	if (last + 1 < v->npages)
		v->npages = last + 1;
	for (int i = 0; i < 2; i++) {
		db_rec *db = i ? &main_db : &free_db;
		db->flags = rd16(m + META_DBS + i * DB_SIZE + 4);
		db->depth = rd16(m + META_DBS + i * DB_SIZE + 6);
		db->root = rd64(m + META_DBS + i * DB_SIZE + 40);
	}
	v->seen = calloc((size_t)(v->npages >> 3) + 1, 1);
	v->spans = malloc(v->psize / 2 * sizeof *v->spans);
	if (!v->seen || !v->spans) {
		free(v->seen);
		free(v->spans);
		return gw_err_set(v->err, GW_ENOMEM, 0, "out of memory");
	}
	snprintf(v->table, sizeof v->table, "(lmdb free list)");
	if (free_db.root != P_INVALID && v->leaves)
		rc = free_db.depth == 0 || free_db.depth > CURSOR_STACK ? bad(v, 0, "depth %u", free_db.depth)
		                                                        : walk(v, free_db.root, 1, &free_db, 0, no_bound, no_bound);
	snprintf(v->table, sizeof v->table, "(lmdb main)");
	if (rc == GW_OK && main_db.root != P_INVALID)
		rc = main_db.depth == 0 || main_db.depth > CURSOR_STACK ? bad(v, 0, "depth %u", main_db.depth)
		                                                        : walk(v, main_db.root, 1, &main_db, 1, no_bound, no_bound);
	snprintf(v->table, sizeof v->table, "(lmdb free list)");
	if (rc == GW_OK && v->leaves && free_db.root != P_INVALID)
		rc = free_pages(v, txn);
	free(v->seen);
	free(v->spans);
	return rc;
}

int gw_val_overflow_ok(const gw_store *s, const MDB_val *v)
{
	const unsigned char *page = (const unsigned char *)v->mv_data - PAGEHDRSZ;
	struct stat st;
	uint32_t n;
	int fd;

	/* An overflow value starts right after its first page's header. */
	if (((uintptr_t)v->mv_data & (s->psize - 1)) != PAGEHDRSZ || (rd16(page + 10) & P_OVERFLOW) == 0)
		return 0;
	memcpy(&n, page + 12, 4);
	if (v->mv_size > (uint64_t)n * s->psize - PAGEHDRSZ)
		return 0;
	/* The file as it is now: a reader may see pages committed since the
	 * store was opened. */
	if (mdb_env_get_fd(s->env, &fd) || fstat(fd, &st))
		return 0;
	return rd64(page) + n <= (uint64_t)st.st_size / s->psize;
}

/* data.mdb mapped read only, at least bytes long; NULL if it cannot be.
 * Valid until gw_store_close (which unmaps it and those it outgrew). */
static const unsigned char *store_map(gw_store *s, uint64_t bytes)
{
	const unsigned char *map = NULL;
	MDB_envinfo info;
	struct gw_oldmap *old;
	void *m;
	size_t len;
	int fd;

	pthread_mutex_lock(&s->vlock);
	if (s->vmap && bytes <= s->vmaplen) {
		map = s->vmap;
		goto out;
	}
	/* As long as LMDB's own map, so that it rarely has to grow. */
	len = mdb_env_info(s->env, &info) == 0 && info.me_mapsize > bytes ? info.me_mapsize : (size_t)bytes;
	if (mdb_env_get_fd(s->env, &fd) || (m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		goto out;
	if (s->vmap) { /* other threads may be reading the old one */
		if (!(old = realloc(s->vold, (s->nvold + 1) * sizeof *old))) {
			munmap(m, len);
			goto out;
		}
		s->vold = old;
		s->vold[s->nvold].map = s->vmap;
		s->vold[s->nvold++].len = s->vmaplen;
	}
	s->vmap = m;
	s->vmaplen = len;
	map = m;
out:
	pthread_mutex_unlock(&s->vlock);
	return map;
}

/* The place of s's handle dbi in gw_db_names; -1 if none. */
static int dbi_index(const gw_store *s, MDB_dbi dbi)
{
	const MDB_dbi all[GW_STORE_NDBS] = {s->meta, s->fields, s->ids,  s->docs,
	                                    s->lens, s->norms,  s->post, s->small};

	for (int i = 0; i < GW_STORE_NDBS; i++)
		if (all[i] == dbi && dbi > 1) /* 0, 1: LMDB's own; a missing table's handle is 0 */
			return i;
	return -1;
}

/* Checks the snapshot txn reads (what: GW_VERIFY_*). The snapshot must
 * have been taken before this looks at the file's size: a commit writes
 * its pages before its meta page, so the file holds every page of the
 * snapshot even if another process commits meanwhile. */
static gw_rc verify_snapshot(gw_store *s, MDB_txn *txn, int what, gw_err *err)
{
	struct stat fst;
	vstate v;
	int fd;

	memset(&v, 0, sizeof v);
	v.err = err;
	v.leaves = what == GW_VERIFY_ALL;
	v.psize = s->psize;
	if (mdb_env_get_fd(s->env, &fd) || fstat(fd, &fst))
		return gw_err_set(err, GW_EIO, errno, "cannot stat '%s/data.mdb'", s->path);
	if ((v.npages = (uint64_t)fst.st_size / v.psize) < 2)
		return GW_OK; /* a new index: LMDB writes its metas at the first commit */
	if (!(v.map = store_map(s, v.npages * v.psize)))
		return gw_err_set(err, GW_EIO, errno, "cannot map '%s/data.mdb': %s", s->path, strerror(errno));
	return verify_txn(&v, txn);
}

gw_rc gw_store_verify(gw_store *s, int what, gw_err *err)
{
	MDB_stat st;
	MDB_txn *txn;
	int lrc;
	gw_rc rc;

	mdb_env_stat(s->env, &st);
	s->psize = st.ms_psize;
	/* gw_cursor_get finds s here. */
	mdb_env_set_userctx(s->env, s);
	if ((lrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)))
		return gw_store_lmdb_err(err, lrc, "cannot begin transaction");
	rc = verify_snapshot(s, txn, what, err);
	mdb_txn_abort(txn);
	return rc;
}

/* 1 if the snapshot slot (gw_store.trusted or .checked) names txn's. */
static int is_snapshot(_Atomic uint64_t *slot, MDB_txn *txn)
{
	uint64_t txnid = (uint64_t)mdb_txn_id(txn);

	return txnid && atomic_load_explicit(slot, memory_order_acquire) == txnid;
}

int gw_txn_checked(const gw_txn *t) { return is_snapshot(&t->s->checked, t->txn); }

gw_rc gw_txn_trust(gw_txn *t, gw_err *err)
{
	gw_store *s = t->s;
	uint64_t txnid = (uint64_t)mdb_txn_id(t->txn);

	if (s->write || txnid == 0 || is_snapshot(&s->trusted, t->txn))
		return GW_OK;
	if (gw_txn_checked(t)) /* and found damaged */
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: transaction %zu did not pass its check",
		                  (size_t)txnid);
	if (verify_snapshot(s, t->txn, GW_VERIFY_ALL, err) == GW_OK)
		atomic_store_explicit(&s->trusted, txnid, memory_order_release);
	atomic_store_explicit(&s->checked, txnid, memory_order_release);
	return err->rc;
}

/* ---- The guard: a reader's pages, checked as LMDB is about to read them.
 *
 * A reader checks the main database at open (GW_VERIFY_MAIN): walking
 * every page cost 5-8 ms a process, more than a search, and grows with the
 * index. But LMDB still believed the leaf pages a search then read: a leaf
 * node whose flags said F_DUPDATA sent liblmdb 0.9.24 through the
 * sub-cursor a database without duplicates lacks (a null pointer, 6 of
 * 1,000 single-bit-flip copies crashed a search). So every read of a
 * reader goes through gw_guard first (gw_cursor_get, gw_get), which checks
 * the pages the operation can take LMDB to, as check_page checks them,
 * each once a snapshot: the path from the root to the leaf a key leads to
 * and that leaf's neighbour (MDB_SET*, where a search that falls off a
 * leaf goes on), the first or last leaf (MDB_FIRST, MDB_LAST), the leaf
 * after or before the cursor's when it stands on its page's last or first
 * node (MDB_NEXT, MDB_PREV). Because a checked page's keys lie inside the
 * bounds its parent gives, a key leads to one leaf only, the one LMDB
 * reaches. Cost: a descent beside LMDB's own on a lookup; the rest is a
 * bit test. liblmdb 0.9 ties a read transaction to its thread (no
 * MDB_NOTLS), so the state is the thread's, kept for one snapshot of one
 * store (a store's gen and the snapshot's txnid). */

typedef struct guard {
	unsigned long gen;  /* the store's (gw_store.vgen); 0: none */
	uint64_t txnid;
	int damaged;        /* the snapshot's main database failed its check */
	char why[512];      /* how */
	vstate v;           /* v.seen: the pages checked */
	size_t seen_cap, spans_cap;
} guard;

static _Thread_local guard tg;
static pthread_key_t tg_key;
static pthread_once_t tg_once = PTHREAD_ONCE_INIT;

static void tg_free(void *unused)
{
	(void)unused;
	free(tg.v.seen);
	free(tg.v.spans);
	memset(&tg, 0, sizeof tg);
}

static void tg_key_make(void)
{
	pthread_key_create(&tg_key, tg_free);
}

/* The thread's guard for snapshot txnid of s: checked main database,
 * cleared page set. NULL if it cannot be had (out of memory, no map). */
static guard *guard_for(gw_store *s, MDB_txn *txn)
{
	guard *g = &tg;
	uint64_t txnid = (uint64_t)mdb_txn_id(txn), npages;
	const unsigned char *m;
	struct stat st;
	gw_err err;
	int fd;

	if (g->gen == s->vgen && g->txnid == txnid)
		return g;
	pthread_once(&tg_once, tg_key_make);
	pthread_setspecific(tg_key, g); /* for tg_free at the thread's end */
	g->gen = 0;
	/* The snapshot was taken (the txn began) before this fstat: the file
	 * holds all its pages. */
	if (mdb_env_get_fd(s->env, &fd) || fstat(fd, &st) || (npages = (uint64_t)st.st_size / s->psize) < 2 ||
	    !(g->v.map = store_map(s, npages * s->psize)))
		return NULL;
	g->v.psize = s->psize;
	g->v.npages = npages;
	if ((npages >> 3) + 1 > g->seen_cap) {
		free(g->v.seen);
		g->seen_cap = (size_t)(npages >> 3) + 1;
		if (!(g->v.seen = malloc(g->seen_cap))) {
			g->seen_cap = 0;
			return NULL;
		}
	}
	memset(g->v.seen, 0, g->seen_cap);
	if (!g->v.spans && !(g->v.spans = malloc(s->psize / 2 * sizeof *g->v.spans)))
		return NULL;
	memset(g->v.dbs, 0, sizeof g->v.dbs);
	for (int i = 0; i < GW_STORE_NDBS; i++)
		g->v.dbs[i].root = P_INVALID;
	g->v.leaves = 0;
	g->v.err = &err;
	memset(&err, 0, sizeof err);
	snprintf(g->v.table, sizeof g->v.table, "(lmdb main)");
	/* LMDB reads each named database's record from this snapshot's main
	 * database at its first use in a txn: the main database first. */
	g->damaged = 1;
	if ((m = txn_meta(&g->v, txn))) {
		db_rec main_db;
		uint64_t last = rd64(m + META_LAST);
		if (last + 1 < g->v.npages)
			g->v.npages = last + 1;
		main_db.flags = rd16(m + META_DBS + DB_SIZE + 4);
		main_db.depth = rd16(m + META_DBS + DB_SIZE + 6);
		main_db.root = rd64(m + META_DBS + DB_SIZE + 40);
		if (main_db.root == P_INVALID ||
		    (main_db.depth > 0 && main_db.depth <= CURSOR_STACK &&
		     walk(&g->v, main_db.root, 1, &main_db, 1, no_bound, no_bound) == GW_OK))
			g->damaged = 0;
	}
	snprintf(g->why, sizeof g->why, "%s",
	         err.msg[0] ? err.msg + (strncmp(err.msg, "index damaged: ", 15) ? 0 : 15)
	                    : "table (lmdb main): its pages do not hold together");
	g->v.err = NULL;
	g->gen = s->vgen;
	g->txnid = txnid;
	return g;
}

/* A path from a database's root to a leaf: the page and the node taken at
 * each level, and the bounds of the page below. */
typedef struct gpath {
	unsigned depth;
	uint64_t pg[CURSOR_STACK];
	unsigned at[CURSOR_STACK];
	bound lo[CURSOR_STACK], hi[CURSOR_STACK];
} gpath;

enum { G_KEY, G_FIRST, G_LAST };

/* Checks page level (0: the root) of path if not yet checked. */
static int guard_page(guard *g, const db_rec *db, gpath *path, unsigned level)
{
	uint64_t pg = path->pg[level];
	gw_rc rc;

	if (pg >= 2 && pg < g->v.npages && g->v.seen[pg >> 3] & (1u << (pg & 7)))
		return 0;
	gw_err err;

	gw_err_clear(&err);
	g->v.err = &err;
	snprintf(g->v.table, sizeof g->v.table, "%s", gw_db_names[db - g->v.dbs]);
	rc = check_page(&g->v, pg, level + 1, db, 0, path->lo[level], path->hi[level]);
	g->v.err = NULL;
	if (rc == GW_OK)
		return 0;
	gw_store_page_damage(strncmp(err.msg, "index damaged: ", 15) ? err.msg : err.msg + 15);
	/* Not checked after all: fails again next time (reach() marked it). */
	if (pg >= 2 && pg < g->v.npages)
		g->v.seen[pg >> 3] &= (unsigned char)~(1u << (pg & 7));
	return -1;
}

/* Descends path from its page at level to a leaf, checking each page:
 * by key (the last node whose key is at or below it, as LMDB's search
 * takes), or by the first or last node. */
static int descend(guard *g, const db_rec *db, gpath *path, unsigned level, int how, bound key)
{
	for (;; level++) {
		const unsigned char *p;
		unsigned n, i;

		if (guard_page(g, db, path, level))
			return -1;
		if (level + 1 == db->depth)
			return 0;
		p = g->v.map + path->pg[level] * g->v.psize;
		n = page_nkeys(p);
		if (how == G_FIRST) {
			i = 0;
		} else if (how == G_LAST) {
			i = n - 1;
		} else { /* keys 1.. are in order (checked): the last at or below key */
			unsigned lo = 1, hi = n;
			while (lo < hi) {
				unsigned mid = lo + (hi - lo) / 2;
				if (key_cmp(node_key(p, mid), key) <= 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			i = lo - 1;
		}
		path->at[level] = i;
		path->lo[level + 1] = path->lo[level];
		path->hi[level + 1] = path->hi[level];
		child_bounds(p, i, n, &path->lo[level + 1], &path->hi[level + 1]);
		path->pg[level + 1] = node_child(p + rd16(p + PAGEHDRSZ + 2 * i));
	}
}

/* Checks the leaf after (dir 1) or before (-1) path's, if there is one. */
static int sibling(guard *g, const db_rec *db, gpath *path, int dir)
{
	for (unsigned level = db->depth - 1; level-- > 0;) {
		const unsigned char *p = g->v.map + path->pg[level] * g->v.psize;
		unsigned n = page_nkeys(p), i = path->at[level];
		if (dir > 0 ? i + 1 >= n : i == 0)
			continue;
		i = dir > 0 ? i + 1 : i - 1;
		path->at[level] = i;
		path->lo[level + 1] = path->lo[level];
		path->hi[level + 1] = path->hi[level];
		child_bounds(p, i, n, &path->lo[level + 1], &path->hi[level + 1]);
		path->pg[level + 1] = node_child(p + rd16(p + PAGEHDRSZ + 2 * i));
		return descend(g, db, path, level + 1, dir > 0 ? G_FIRST : G_LAST, no_bound);
	}
	return 0;
}

int gw_guard(gw_store *s, MDB_txn *txn, MDB_cursor *c, MDB_dbi dbi, const MDB_val *k, MDB_cursor_op op)
{
	guard *g;
	const db_rec *db;
	gpath path;
	bound key = no_bound;
	int at = dbi_index(s, dbi), how = G_KEY;

	gw_store_page_damage(NULL);
	/* Every page of a trusted snapshot was checked (gw_txn_trust). */
	if (is_snapshot(&s->trusted, txn))
		return 0;
	if (!(g = guard_for(s, txn)))
		return ENOMEM;
	if (g->damaged) {
		gw_store_page_damage(g->why);
		return MDB_CORRUPTED;
	}
	if (at < 0)
		return 0; /* not one of gongwen's (the main database was checked) */
	db = &g->v.dbs[at];
	if (db->root == P_INVALID)
		return 0; /* empty: LMDB reads no page */
	path.pg[0] = db->root;
	path.lo[0] = path.hi[0] = no_bound;
	switch (op) {
	case MDB_SET:
	case MDB_SET_KEY:
	case MDB_SET_RANGE:
		key.p = k->mv_data;
		key.n = k->mv_size;
		break;
	case MDB_FIRST:
		how = G_FIRST;
		break;
	case MDB_LAST:
		how = G_LAST;
		break;
	case MDB_NEXT:
	case MDB_PREV: {
		MDB_val ck;
		const unsigned char *page;
		unsigned n, off;
		int rc = mdb_cursor_get(c, &ck, NULL, MDB_GET_CURRENT);
		if (rc == EINVAL) { /* not positioned: LMDB goes to the first or last */
			how = op == MDB_NEXT ? G_FIRST : G_LAST;
			break;
		}
		if (rc)
			return 0; /* past the end: LMDB stays on its (checked) page */
		/* The cursor's leaf is a checked page (LMDB reached it through
		 * one): leave it only from its last or first node. */
		page = (const unsigned char *)((uintptr_t)ck.mv_data & ~(uintptr_t)(s->psize - 1));
		n = page_nkeys(page);
		off = (unsigned)((const unsigned char *)ck.mv_data - page) - NODESIZE;
		if (n == 0 || n > s->psize / 2 || off != rd16(page + PAGEHDRSZ + 2 * (op == MDB_NEXT ? n - 1 : 0)))
			return 0;
		key.p = ck.mv_data;
		key.n = ck.mv_size;
		if (descend(g, db, &path, 0, G_KEY, key) || rd64(page) != path.pg[db->depth - 1])
			return MDB_CORRUPTED; /* the key does not lead back to its page */
		return sibling(g, db, &path, op == MDB_NEXT ? 1 : -1) ? MDB_CORRUPTED : 0;
	}
	default:
		return MDB_CORRUPTED; /* an operation gongwen does not use */
	}
	if (descend(g, db, &path, 0, how, key))
		return MDB_CORRUPTED;
	if (how == G_KEY) { /* a search past a leaf's last key goes on to the next leaf */
		const unsigned char *leaf = g->v.map + path.pg[db->depth - 1] * g->v.psize;
		if (key_cmp(key, node_key(leaf, page_nkeys(leaf) - 1)) > 0 && sibling(g, db, &path, 1))
			return MDB_CORRUPTED;
	}
	return 0;
}
