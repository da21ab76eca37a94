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
 * where its own map is: me_mapaddr is only set with MDB_FIXEDMAP); the
 * pages are the same in the page cache. Writers and --check walk every
 * page (GW_VERIFY_ALL: 8 ms for the 35 MB of zh-docs); a reader checks
 * the main database only (GW_VERIFY_MAIN: its page and the named
 * databases' records), as walking even the branch pages cost a one-query
 * search 0.5 ms of its 3. LMDB only reads the pages of a reader, within
 * the map, and checks child page numbers itself: a damaged page gives it
 * wrong keys and values, which the decoders check, not a write past a
 * page; a node pointing past the file's end is what remains. */
#include <errno.h>
#include <lmdb.h>
#include <stdarg.h>
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

typedef struct vstate {
	const unsigned char *map;
	size_t psize;
	uint64_t npages;       /* pages that may be read: in the file and <= last */
	unsigned char *seen;   /* a bit a page */
	uint64_t *spans;       /* the nodes of the page being checked: offset << 32 | size */
	int leaves;            /* 0: the main database only (GW_VERIFY_MAIN) */
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

static gw_rc walk(vstate *v, uint64_t pgno, unsigned depth, const db_rec *db, int main_db);

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
	else if (db.root != P_INVALID && v->leaves)
		rc = walk(v, db.root, 1, &db, 0);
	memcpy(v->table, saved, sizeof saved);
	return rc;
}

/* Checks one node of page pgno (p), of the kind its depth calls for. */
static gw_rc node(vstate *v, uint64_t pgno, const unsigned char *p, unsigned i, unsigned depth, const db_rec *db,
                  int main_db, int branch)
{
	unsigned off = rd16(p + PAGEHDRSZ + 2 * i), upper = rd16(p + 14);
	const unsigned char *n = p + off;
	unsigned ksize, flags;
	uint64_t dsize;

	if (off < upper || off + NODESIZE > v->psize)
		return bad(v, pgno, "node %u at offset %u, outside %u..%zu", i, off, upper, v->psize);
	ksize = rd16(n + 6);
	flags = rd16(n + 4);
	if (off + NODESIZE + ksize > v->psize)
		return bad(v, pgno, "key of node %u (%u bytes) past the page's end", i, ksize);
	if (branch) {
		uint64_t child = (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16 | (uint64_t)flags << 32;
		return walk(v, child, depth + 1, db, main_db);
	}
	dsize = (uint64_t)rd16(n) | (uint64_t)rd16(n + 2) << 16;
	if (flags & ~(unsigned)(F_BIGDATA | F_SUBDATA) || (flags & F_SUBDATA && (!main_db || flags & F_BIGDATA)))
		return bad(v, pgno, "node %u has flags 0x%x", i, flags);
	if (flags & F_BIGDATA) {
		if (off + NODESIZE + ksize + 8 > v->psize)
			return bad(v, pgno, "overflow page number of node %u past the page's end", i);
		return overflow(v, pgno, rd64(n + NODESIZE + ksize), dsize);
	}
	if (off + NODESIZE + ksize + dsize > v->psize)
		return bad(v, pgno, "value of node %u (%llu bytes) past the page's end", i, (unsigned long long)dsize);
	if (main_db) {
		if (!(flags & F_SUBDATA))
			return bad(v, pgno, "main database node %u is no database", i);
		return sub_db(v, pgno, n + NODESIZE, ksize, n + NODESIZE + ksize, (size_t)dsize);
	}
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

/* Checks page pgno, at depth (1: the root) of a tree of db->depth levels,
 * and what it leads to. */
static gw_rc walk(vstate *v, uint64_t pgno, unsigned depth, const db_rec *db, int main_db)
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
	/* The nodes first, then what they lead to (v->spans is one page's). */
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
	for (unsigned i = 0; i < nkeys; i++)
		if ((rc = node(v, pgno, p, i, depth, db, main_db, branch)))
			return rc;
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
		                                                        : walk(v, free_db.root, 1, &free_db, 0);
	snprintf(v->table, sizeof v->table, "(lmdb main)");
	if (rc == GW_OK && main_db.root != P_INVALID)
		rc = main_db.depth == 0 || main_db.depth > CURSOR_STACK ? bad(v, 0, "depth %u", main_db.depth)
		                                                        : walk(v, main_db.root, 1, &main_db, 1);
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

gw_rc gw_store_verify(gw_store *s, int what, gw_err *err)
{
	MDB_stat st;
	MDB_txn *txn;
	struct stat fst;
	vstate v;
	void *map = MAP_FAILED;
	int fd, lrc;
	gw_rc rc = GW_OK;

	memset(&v, 0, sizeof v);
	v.err = err;
	v.leaves = what == GW_VERIFY_ALL;
	mdb_env_stat(s->env, &st);
	v.psize = s->psize = st.ms_psize;
	/* gw_cursor_get finds s here. */
	mdb_env_set_userctx(s->env, s);
	/* The snapshot first, then the file's size: a commit writes its pages
	 * before its meta page, so the file holds every page of the snapshot
	 * even if another process commits meanwhile. */
	if ((lrc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)))
		return gw_store_lmdb_err(err, lrc, "cannot begin transaction");
	if (mdb_env_get_fd(s->env, &fd) || fstat(fd, &fst))
		rc = gw_err_set(err, GW_EIO, errno, "cannot stat '%s/data.mdb'", s->path);
	else if ((v.npages = (uint64_t)fst.st_size / v.psize) < 2)
		; /* a new index: LMDB writes its metas at the first commit */
	else if ((map = mmap(NULL, (size_t)v.npages * v.psize, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		rc = gw_err_set(err, GW_EIO, errno, "cannot map '%s/data.mdb': %s", s->path, strerror(errno));
	else {
		v.map = map;
		rc = verify_txn(&v, txn);
		munmap(map, (size_t)v.npages * v.psize);
	}
	mdb_txn_abort(txn);
	return rc;
}
