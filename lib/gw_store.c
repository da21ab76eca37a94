/* gw_store: LMDB storage of the index.
 *
 * ON-DISK FORMAT (version GW_FORMAT_VERSION = 9)
 *
 * An index is a directory holding one LMDB environment (data.mdb, lock.mdb)
 * with eight named databases. Integers in keys are big-endian so that byte
 * order is numeric order; "varint" is LEB128 (7 bits a byte, low first).
 *
 *   meta    ASCII name -> 8-byte little-endian unsigned counter:
 *             "format"      the format version (GW_FORMAT_VERSION); checked on open
 *             "analyzer"    GW_ANALYZER_VERSION the terms were made with
 *             "ndocs"       live documents
 *             "next_docid"  the next internal docid to hand out (from 1)
 *             "flen:<fid>"  sum of the field lengths (tokens) of field fid
 *             "fdocs:<fid>" documents that have field fid
 *           and two blobs:
 *             "zdict"       the zstd dictionary of the packed texts, trained
 *                           on the texts of the first batch large enough
 *                           (gw_zdict_train); never replaced, so every
 *                           record packed with it stays readable
 *             "fkinds"      8 bytes (little-endian) a field from fid 1: the
 *                           kinds of term the field has had, a bit each
 *                           (gw_kind_bit; gw_fieldtab.kinds)
 *   fields  folded field name -> fid (1 byte) + the name as first given
 *   ids     external id (UTF-8 bytes) -> docid (be32)
 *   docs    docid (be32) -> stored record:
 *             id_len:varint id  hash:u64le  script:u8  nfields:varint
 *             (fid:varint length:varint){nfields}    -- field lengths in tokens
 *             (stored:varint [raw_len:varint] bytes){nfields}
 *           stored is the byte count << 2 | packing (GW_PACK_*,
 *           gw_record.h): 0, the bytes are the field's UTF-8 text; 1, a zstd
 *           frame of it; 2, a zstd frame made with the index's dictionary
 *           (meta "zdict"). Packed, raw_len is the text's length. Indexed
 *           fields of at least GW_RECORD_ZIP_MIN bytes are packed when that
 *           saves an eighth; '_' fields never are.
 *           hash is gw_record_hash (gw_record.h) of the id and of each field's
 *           name as given and text, in the order given: a put whose id is
 *           stored with the same hash is skipped as unchanged.
 *           script is GW_SCRIPT_* (gw_analyzer.h): whether the indexed text
 *           is mostly Traditional-only or Simplified-only characters.
 *           The stored-only field "_source" (written by gongwen-index) names
 *           the file the document came from, or "<stdin>": see
 *           gw_index_commit_pruning.
 *   lens    block:be32 -> the ranking data of the live documents whose
 *           docid / GW_LENS_BLOCK is block, in docid order, each:
 *             low:u8 (docid % GW_LENS_BLOCK)  size:varint (bytes that follow)
 *             script:u8  nfields:u8  (fid:u8 length:varint){nfields}  id
 *           listing the indexed fields only; the id (its bytes up to the
 *           entry's end) is the record's.
 *           A copy of what ranking and printing hits' ids need from the
 *           record, packed so that scoring a match costs one lookup per
 *           block, not a record parse (gw_lens.h).
 *   norms   block:be32 -> norm:u32le per docid block * GW_NORMS_BLOCK + i,
 *           for i up to the block's last docid added; 0 where none was.
 *           A norm is 1 << 31 | script << 29 | field set << 16 | length
 *           code: the sum of the indexed fields' lengths, rounded down
 *           (gw_norms.h). Norms of removed documents stay: no posting
 *           points to them, so nothing reads them.
 *           "fsets" (a 5-byte key, after every block) -> the field sets
 *           norms name: nsets:varint (nfids:varint fid:u8{nfids}){nsets},
 *           each the sorted ids of a document's indexed fields, numbered
 *           from 0 as documents brought them.
 *   post    kind:u8 term NUL fid:u8 first_docid:be32 -> chunk
 *             kind is a GW_T_* byte (gw_analyzer.h); the chunk encoding is
 *             described in gw_postings.h. Entries of GW_T_WORD terms have
 *             no positions (plen 0: gw_kind_positions); those of GW_T_CHAR
 *             terms keep the positions at either end of a run of touching
 *             Han characters only (gw_char_position_kept). The field comes after the term
 *             so that a term's lists in every field are neighbours: a
 *             query looks a term up in each field, and those lookups then
 *             read one leaf page, not one per field. A term whose whole
 *             list is one chunk of at most GW_SMALL_BYTES has no record
 *             here: it is in small.
 *   small   kind:u8 term NUL fid:u8 (a block's last term key) -> block
 *             Blocks of small posting lists, each a run of neighbouring
 *             terms with their one chunk each, ending where
 *             gw_tblock_ends says (format and why in gw_tblock.h). A term
 *             is in post or in small, never both; one that outgrows a
 *             small chunk moves to post (and stays there if removals shrink
 *             it again).
 *
 * Docids are never reused: a replaced document gets a new docid, so a
 * batch's new postings always go after the stored ones. Removing a document
 * re-analyzes its stored text to find its terms (the analyzer version is
 * pinned in meta, so this yields exactly the terms that were stored).
 *
 * Versions: 2 -> 3 added the record's content hash; 3 -> 4 added lens; 4 -> 5
 * deflated long texts; 5 -> 6 moved the fid in post keys after the term; 6 -> 7
 * left tf out of postings entries of tf 1, gave chunk headers a varint span
 * instead of a be32 last docid and dropped word terms' positions (post: 35.4
 * -> 29.9 MB on zh-docs), gave lens entries the document's id, and added
 * norms; 7 -> 8 packed texts with zstd and a dictionary instead of deflate
 * (docs: 13.1 -> 10.3 MB) and kept a character's positions at the ends of
 * its runs only (gw_char_position_kept; post: 29.9 -> 26.2 MB); 8 -> 9 moved
 * small posting lists into blocks (post and small: 26.2 -> 22.7 MB) and
 * added the kinds of term of each field (meta "fkinds"). An
 * index of an older format is refused with GW_EVERSION: rebuild it. */
#include "gw_store.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "gw_analyzer.h"
#include "gw_index.h"
#include "gw_record.h"
#include "gw_tblock.h"

#define MAP_MIN ((size_t)1 << 30)
/* The meta key of the texts' zstd dictionary (a blob, not a counter). */
#define ZDICT_KEY "zdict"
/* The meta key of the fields' kinds of term (a blob: gw_fields_load). */
#define FKINDS_KEY "fkinds"

struct gw_store {
	MDB_env *env;
	MDB_dbi meta, fields, ids, docs, lens, norms, post, small;
	int missing;       /* databases the index lacks (open_dbs) */
	int write;
	char *path;
	/* The index's zstd dictionary, read by the first read txn that
	 * needs it (gw_txn_zdict): once written, it never changes. */
	gw_zdict *zdict;
	pthread_mutex_t zlock;
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
	/* The block small_lookup found last in a read txn, and the key it
	 * looked for: every key from that one to the block's is in it (a
	 * query looks its terms up in each field, neighbouring keys). No
	 * block (sb_val.mv_data NULL): none is at or above sb_from. */
	unsigned char sb_from[GW_TBLOCK_KEY_MAX];
	size_t sb_from_len;
	int sb_on;
	MDB_val sb_key, sb_val;
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
};

static gw_rc span_flush(gw_txn *t, gw_err *err);
static void span_free(small_span *s);

struct gw_pl {
	gw_pl_head h;      /* first: gw_pl_skip reads it (gw_store.h) */
	MDB_cursor *cur;   /* on post; NULL for a small list (its one chunk in h.r) */
	unsigned char small[GW_SMALL_BYTES]; /* a small list's chunk (gw_tblock_chunk) */
	unsigned char *key; /* term key prefix (owned) */
	size_t klen;
	int64_t df;        /* -1 until computed */
	gw_txn *t;
};

const char *gw_store_path(const gw_store *s) { return s->path; }

static gw_rc lmdb_err(gw_err *err, int rc, const char *what)
{
	if (rc == MDB_MAP_FULL)
		return gw_err_set(err, GW_EFULL, rc, "%s: %s", what, mdb_strerror(rc));
	/* Writing to the files failed (see write_err for EIO). */
	if (rc == ENOSPC)
		return gw_err_set(err, GW_EIO, rc, "%s: %s (disk full?)", what, strerror(rc));
	if (rc == EDQUOT) /* strerror says it: "Disk quota exceeded" */
		return gw_err_set(err, GW_EIO, rc, "%s: %s", what, strerror(rc));
	if (rc == EFBIG)
		return gw_err_set(err, GW_EIO, rc, "%s: %s (file size limit?)", what, strerror(rc));
	if (rc == EIO)
		return gw_err_set(err, GW_EIO, rc, "%s: %s", what, strerror(rc));
	return gw_err_set(err, GW_ELMDB, rc, "%s: %s", what, mdb_strerror(rc));
}

/* lmdb_err for a call that may write pages to data.mdb (a commit, or a
 * change that spills dirty pages to the file). LMDB passes on the
 * errno of a failed write but reports a short one as EIO, and a short write
 * is what a disk that fills up mid-write gives (or the file reaching
 * RLIMIT_FSIZE): tell those apart from a real I/O error for the message. */
static gw_rc write_err(const gw_store *s, gw_err *err, int rc, const char *what)
{
	char file[4096];
	struct rlimit rl;
	struct statvfs vfs;
	struct stat st;

	snprintf(file, sizeof file, "%s/data.mdb", s->path);
	if (rc == EIO && getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    stat(file, &st) == 0 && (rlim_t)st.st_size >= rl.rlim_cur)
		rc = EFBIG;
	else if (rc == EIO && statvfs(s->path, &vfs) == 0 &&
	         (uint64_t)vfs.f_bavail * vfs.f_frsize < ((uint64_t)1 << 20))
		rc = ENOSPC;
	return lmdb_err(err, rc, what);
}

/* LMDB sizes a new lock.mdb with ftruncate() and then writes to it through
 * a memory map: on a full disk that write faults (SIGBUS) instead of
 * failing. Allocating its first page beforehand (where the header and the
 * first readers go) turns that into ENOSPC. posix_fallocate changes neither
 * the contents nor, as LMDB makes lock files 8 KB, the size of one in use.
 * Returns ENOSPC, EDQUOT or EFBIG, else 0 (mdb_env_open reports the rest). */
static int reserve_lock_file(const char *path)
{
	char file[4096];
	int fd, rc;

	snprintf(file, sizeof file, "%s/lock.mdb", path);
	fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return 0;
	rc = posix_fallocate(fd, 0, 4096);
	close(fd);
	return rc == ENOSPC || rc == EDQUOT || rc == EFBIG ? rc : 0;
}

static size_t initial_map_size(const char *path)
{
	const char *env = getenv("GONGWEN_MAPSIZE"); /* bytes; lets tests force growth */
	char file[4096];
	struct stat st;
	size_t size = MAP_MIN;

	if (env && *env)
		size = (size_t)strtoull(env, NULL, 10);
	snprintf(file, sizeof file, "%s/data.mdb", path);
	if (stat(file, &st) == 0 && (size_t)st.st_size * 2 > size)
		size = (size_t)st.st_size * 2;
	return size < ((size_t)1 << 20) ? ((size_t)1 << 20) : size;
}

/* The named databases, in the one order that opening, --stats and the
 * packed copy use (GW_STORE_NDBS, gw_store.h). */
static const char *const db_names[GW_STORE_NDBS] = {"meta", "fields", "ids",  "docs",
                                                    "lens", "norms",  "post", "small"};

/* s's handles of the databases, in db_names' order. */
static void db_handles(gw_store *s, MDB_dbi *h[GW_STORE_NDBS])
{
	MDB_dbi *const all[GW_STORE_NDBS] = {&s->meta, &s->fields, &s->ids,  &s->docs,
	                                     &s->lens, &s->norms,  &s->post, &s->small};

	memcpy(h, all, sizeof all);
}

/* Opens the databases. A new index (no meta yet) gets them all created
 * if create; an existing one is never changed here: a database it lacks
 * is counted in s->missing, for check_versions to say why (an index of an
 * older format lacks the tables added since; refusing it must not add
 * them). */
static gw_rc open_dbs(gw_store *s, int create, gw_err *err)
{
	MDB_dbi *dbi[GW_STORE_NDBS];
	MDB_txn *txn;
	unsigned f = 0;
	int rc = mdb_txn_begin(s->env, NULL, s->write ? 0 : MDB_RDONLY, &txn);

	if (rc)
		return lmdb_err(err, rc, "cannot begin transaction");
	db_handles(s, dbi);
	s->missing = 0;
	for (size_t i = 0; i < GW_STORE_NDBS; i++) {
		rc = mdb_dbi_open(txn, db_names[i], f, dbi[i]);
		if (rc == MDB_NOTFOUND && i == 0 && create) { /* a new index */
			f = MDB_CREATE;
			rc = mdb_dbi_open(txn, db_names[i], f, dbi[i]);
		}
		if (rc == MDB_NOTFOUND && i == 0) {
			mdb_txn_abort(txn);
			return gw_err_set(err, GW_EFORMAT, rc, "'%s' is not a gongwen index", s->path);
		}
		if (rc == MDB_NOTFOUND) {
			s->missing++;
			continue;
		}
		if (rc) {
			mdb_txn_abort(txn);
			return lmdb_err(err, rc, "cannot open databases");
		}
	}
	rc = mdb_txn_commit(txn);
	return rc ? lmdb_err(err, rc, "cannot open databases") : GW_OK;
}

/* Stamps a new index with its versions, or checks an existing one's. */
static gw_rc check_versions(gw_store *s, gw_err *err)
{
	gw_txn *t;
	uint64_t fmt = 0, an = 0, next = 0;

	if (gw_store_begin(s, s->write, &t, err))
		return err->rc;
	if (gw_meta_get(t, "format", &fmt, err) || gw_meta_get(t, "analyzer", &an, err) ||
	    gw_meta_get(t, "next_docid", &next, err))
		goto abort;
	if (fmt == 0 && next == 0 && s->write && !s->missing) {
		if (gw_meta_put(t, "format", GW_FORMAT_VERSION, err) ||
		    gw_meta_put(t, "analyzer", GW_ANALYZER_VERSION, err) ||
		    gw_meta_put(t, "next_docid", 1, err))
			goto abort;
		return gw_txn_commit(t, err);
	}
	if (fmt == 0) {
		gw_err_set(err, GW_EFORMAT, 0, "'%s' is not a gongwen index (no format version)", s->path);
		goto abort;
	}
	if (fmt != GW_FORMAT_VERSION || an != GW_ANALYZER_VERSION) {
		gw_err_set(err, GW_EVERSION, 0,
		           "index '%s' has format %llu / analyzer %llu, this gongwen reads format %d / "
		           "analyzer %d: rebuild the index",
		           s->path, (unsigned long long)fmt, (unsigned long long)an, GW_FORMAT_VERSION,
		           GW_ANALYZER_VERSION);
		goto abort;
	}
	if (s->missing) {
		gw_err_set(err, GW_EFORMAT, 0, "'%s' is not a gongwen index (%d of its databases missing)", s->path,
		           s->missing);
		goto abort;
	}
	gw_txn_abort(t);
	return GW_OK;
abort:
	gw_txn_abort(t);
	return err->rc;
}

gw_rc gw_store_open(gw_store **out, const char *path, int flags, gw_err *err)
{
	gw_store *s;
	struct stat st;
	int rc, create = (flags & GW_OPEN_CREATE) == GW_OPEN_CREATE;
	char file[4096];

	*out = NULL;
	snprintf(file, sizeof file, "%s/data.mdb", path);
	if (stat(file, &st) != 0) {
		if (!create)
			return gw_err_set(err, GW_ENOTFOUND, errno, "no index at '%s'", path);
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return gw_err_set(err, GW_EIO, errno, "cannot create '%s': %s", path, strerror(errno));
	}
	s = calloc(1, sizeof *s);
	if (s)
		pthread_mutex_init(&s->zlock, NULL);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	s->write = (flags & GW_OPEN_WRITE) != 0;
	if ((rc = mdb_env_create(&s->env)) || (rc = mdb_env_set_maxdbs(s->env, 8)) ||
	    (rc = mdb_env_set_mapsize(s->env, initial_map_size(path))) ||
	    (rc = reserve_lock_file(path)) ||
	    (rc = mdb_env_open(s->env, path, s->write ? 0 : MDB_RDONLY, 0666))) {
		/* Name the path: this message is all a search program shows. */
		snprintf(file, sizeof file, "cannot open index '%s'", path);
		if (rc == EACCES || rc == EROFS || rc == ENOENT || rc == ENOTDIR)
			gw_err_set(err, GW_EIO, rc, "%s: %s", file, strerror(rc));
		else
			lmdb_err(err, rc, file);
		gw_store_close(s);
		return err ? err->rc : GW_ELMDB;
	}
	if (open_dbs(s, create, err) || check_versions(s, err)) {
		gw_store_close(s);
		return err->rc;
	}
	*out = s;
	return GW_OK;
}

void gw_store_close(gw_store *s)
{
	if (!s)
		return;
	if (s->env)
		mdb_env_close(s->env);
	gw_zdict_free(s->zdict);
	pthread_mutex_destroy(&s->zlock);
	free(s->path);
	free(s);
}

gw_rc gw_store_grow(gw_store *s, gw_err *err)
{
	MDB_envinfo info;
	int rc;

	mdb_env_info(s->env, &info);
	rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
	return rc ? lmdb_err(err, rc, "cannot grow the map") : GW_OK;
}

gw_rc gw_store_reserve(gw_store *s, int always, gw_err *err)
{
	MDB_envinfo info;
	size_t want = (size_t)GW_STORE_RESERVE;
	int rc;

	if (!always && getenv("GONGWEN_MAPSIZE") && *getenv("GONGWEN_MAPSIZE"))
		return GW_OK; /* tests that want MDB_MAP_FULL early */
	mdb_env_info(s->env, &info);
	if (info.me_mapsize >= want)
		return GW_OK;
	rc = mdb_env_set_mapsize(s->env, want);
	return rc ? lmdb_err(err, rc, "cannot reserve the map") : GW_OK;
}

uint64_t gw_txn_id(const gw_txn *t) { return (uint64_t)mdb_txn_id(t->txn); }

gw_rc gw_store_begin(gw_store *s, int write, gw_txn **out, gw_err *err)
{
	gw_txn *t;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		/* Another process grew the map: adopt its size and retry. */
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	}
	if (rc) {
		free(t);
		return lmdb_err(err, rc, "cannot begin transaction");
	}
	t->s = s;
	t->write = write;
	*out = t;
	return GW_OK;
}

static void txn_free(gw_txn *t)
{
	if (t->small_rcur) /* a read txn's: closed by hand, even after the txn */
		mdb_cursor_close(t->small_rcur);
	gw_chunk_builder_free(&t->cb);
	span_free(&t->span);
	gw_buf_free(&t->block);
	gw_buf_free(&t->joined);
	gw_zdict_free(t->zdict);
	free(t);
}

gw_rc gw_txn_commit(gw_txn *t, gw_err *err)
{
	gw_store *s = t->s;
	int rc;

	if (span_flush(t, err)) {
		gw_txn_abort(t);
		return err->rc;
	}
	rc = mdb_txn_commit(t->txn);
	txn_free(t);
	return rc ? write_err(s, err, rc, "write failed") : GW_OK;
}

gw_rc gw_txn_checkpoint(gw_txn *t, gw_err *err)
{
	int rc;

	if (span_flush(t, err))
		return err->rc;
	rc = mdb_txn_commit(t->txn);
	t->txn = NULL;
	t->post_cur = NULL;
	t->written = 0;
	if (rc)
		return write_err(t->s, err, rc, "write failed");
	if ((rc = mdb_txn_begin(t->s->env, NULL, 0, &t->txn)))
		return lmdb_err(err, rc, "cannot begin transaction");
	return GW_OK;
}

uint64_t gw_txn_written(const gw_txn *t) { return t->written; }

void gw_txn_abort(gw_txn *t)
{
	if (!t)
		return;
	if (t->txn) /* NULL after a failed checkpoint */
		mdb_txn_abort(t->txn);
	txn_free(t);
}

static gw_rc put(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
                 gw_err *err)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc = mdb_put(t->txn, dbi, &key, &val, 0);

	t->written += kl + vl;
	return rc ? write_err(t->s, err, rc, "cannot write") : GW_OK;
}

/* put for a key above every key of dbi: MDB_APPEND splits a full page at
 * its end instead of its middle, so pages filled in key order stay full
 * (a fresh index's postings came out 72% full without it). Falls back to
 * a plain put if the key is not the largest after all. */
static gw_rc put_append(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
                        gw_err *err)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc = mdb_put(t->txn, dbi, &key, &val, MDB_APPEND);

	if (rc == MDB_KEYEXIST)
		return put(t, dbi, k, kl, v, vl, err);
	t->written += kl + vl;
	return rc ? write_err(t->s, err, rc, "cannot write") : GW_OK;
}

/* Compares keys as LMDB's default order does: bytes, then length. */
static gw_rc del(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, gw_err *err)
{
	MDB_val key = {kl, (void *)k};
	int rc = mdb_del(t->txn, dbi, &key, NULL);

	return (rc && rc != MDB_NOTFOUND) ? write_err(t->s, err, rc, "cannot delete") : GW_OK;
}

/* GW_ENOTFOUND (without touching err) if absent. */
static gw_rc get(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, MDB_val *val, gw_err *err)
{
	MDB_val key = {kl, (void *)k};
	int rc = mdb_get(t->txn, dbi, &key, val);

	if (rc == MDB_NOTFOUND)
		return GW_ENOTFOUND;
	return rc ? lmdb_err(err, rc, "cannot read") : GW_OK;
}

/* The dictionary stored under ZDICT_KEY in meta, into *out (NULL if none). */
static gw_rc read_zdict(gw_txn *t, gw_zdict **out, gw_err *err)
{
	MDB_val val;
	gw_rc rc = get(t, t->s->meta, ZDICT_KEY, sizeof ZDICT_KEY - 1, &val, err);

	*out = NULL;
	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	if (!(*out = gw_zdict_new(val.mv_data, val.mv_size)))
		return gw_err_set(err, GW_EFORMAT, 0, "damaged or unreadable text dictionary");
	return GW_OK;
}

gw_rc gw_txn_zdict(gw_txn *t, const gw_zdict **out, gw_err *err)
{
	gw_store *s = t->s;
	gw_rc rc = GW_OK;

	if (t->write) { /* a write txn packs: its copy is made ready for it */
		if (!t->zdict_read && (rc = read_zdict(t, &t->zdict, err)) == GW_OK) {
			t->zdict_read = 1;
			if (t->zdict && gw_zdict_for_packing(t->zdict))
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		*out = t->zdict;
		return rc;
	}
	pthread_mutex_lock(&s->zlock);
	if (!s->zdict)
		rc = read_zdict(t, &s->zdict, err);
	*out = s->zdict;
	pthread_mutex_unlock(&s->zlock);
	return rc;
}

gw_rc gw_txn_set_zdict(gw_txn *t, const void *bytes, size_t len, gw_err *err)
{
	gw_zdict *z = gw_zdict_new(bytes, len);

	if (!z || gw_zdict_for_packing(z)) {
		gw_zdict_free(z);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	if (put(t, t->s->meta, ZDICT_KEY, sizeof ZDICT_KEY - 1, bytes, len, err)) {
		gw_zdict_free(z);
		return err->rc;
	}
	gw_zdict_free(t->zdict);
	t->zdict = z;
	t->zdict_read = 1;
	return GW_OK;
}

gw_rc gw_meta_get(gw_txn *t, const char *key, uint64_t *v, gw_err *err)
{
	MDB_val val;
	gw_rc rc = get(t, t->s->meta, key, strlen(key), &val, err);
	uint64_t r = 0;

	*v = 0;
	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	if (val.mv_size != 8)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged meta value '%s'", key);
	for (int i = 7; i >= 0; i--)
		r = (r << 8) | ((const unsigned char *)val.mv_data)[i];
	*v = r;
	return GW_OK;
}

gw_rc gw_meta_put(gw_txn *t, const char *key, uint64_t v, gw_err *err)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return put(t, t->s->meta, key, strlen(key), b, 8, err);
}

void gw_fieldtab_free(gw_fieldtab *ft)
{
	for (unsigned i = 1; i <= ft->n; i++) {
		free(ft->name[i]);
		free(ft->fold[i]);
	}
	memset(ft, 0, sizeof *ft);
}

static char *dupn(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

gw_rc gw_fields_load(gw_txn *t, gw_fieldtab *ft, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->s->fields, &cur);

	gw_fieldtab_free(ft);
	if (rc)
		return lmdb_err(err, rc, "cannot read fields");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned fid = v.mv_size ? *(const unsigned char *)v.mv_data : 0;
		if (fid == 0 || ft->fold[fid]) {
			mdb_cursor_close(cur);
			return gw_err_set(err, GW_EFORMAT, 0, "damaged field table");
		}
		ft->fold[fid] = dupn(k.mv_data, k.mv_size);
		ft->name[fid] = dupn((const char *)v.mv_data + 1, v.mv_size - 1);
		if (fid > ft->n)
			ft->n = fid;
	}
	mdb_cursor_close(cur);
	for (unsigned i = 1; i <= ft->n; i++)
		if (!ft->fold[i] || !ft->name[i])
			return gw_err_set(err, ft->fold[i] ? GW_ENOMEM : GW_EFORMAT, 0,
			                  "cannot load field table");
	/* The fields' kinds: 8 bytes (little-endian) a field, from field 1. */
	if ((rc = get(t, t->s->meta, FKINDS_KEY, sizeof FKINDS_KEY - 1, &v, err)) == GW_OK) {
		for (unsigned i = 1; i <= ft->n && i * 8 <= v.mv_size; i++)
			for (int b = 7; b >= 0; b--)
				ft->kinds[i] = ft->kinds[i] << 8 | ((const unsigned char *)v.mv_data)[(i - 1) * 8 + b];
	} else if (rc != GW_ENOTFOUND) {
		return rc;
	}
	return GW_OK;
}

gw_rc gw_fields_save_kinds(gw_txn *t, const gw_fieldtab *ft, gw_err *err)
{
	unsigned char v[8 * GW_MAX_FIELDS];

	for (unsigned i = 1; i <= ft->n; i++)
		for (int b = 0; b < 8; b++)
			v[(i - 1) * 8 + b] = (unsigned char)(ft->kinds[i] >> (8 * b));
	return put(t, t->s->meta, FKINDS_KEY, sizeof FKINDS_KEY - 1, v, 8 * ft->n, err);
}

int gw_field_indexed(const gw_fieldtab *ft, unsigned fid)
{
	return fid >= 1 && fid <= ft->n && gw_field_name_indexed(ft->fold[fid], strlen(ft->fold[fid]));
}

unsigned gw_field_find(const gw_fieldtab *ft, const char *fold, size_t fold_len)
{
	for (unsigned i = 1; i <= ft->n; i++)
		if (strlen(ft->fold[i]) == fold_len && memcmp(ft->fold[i], fold, fold_len) == 0)
			return i;
	return 0;
}

gw_rc gw_field_intern(gw_txn *t, gw_fieldtab *ft, const char *fold, size_t fold_len,
                      const char *name, size_t name_len, unsigned *fid, gw_err *err)
{
	gw_buf v = GW_BUF_INIT;
	gw_rc rc;

	*fid = gw_field_find(ft, fold, fold_len);
	if (*fid)
		return GW_OK;
	if (ft->n >= GW_MAX_FIELDS)
		return gw_err_set(err, GW_EINVAL, 0, "too many fields (at most %d)", GW_MAX_FIELDS);
	gw_buf_putc(&v, (int)(ft->n + 1));
	gw_buf_append(&v, name, name_len);
	if (!gw_buf_ok(&v))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	rc = put(t, t->s->fields, fold, fold_len, v.p, v.len, err);
	gw_buf_free(&v);
	if (rc)
		return rc;
	ft->n++;
	ft->fold[ft->n] = dupn(fold, fold_len);
	ft->name[ft->n] = dupn(name, name_len);
	if (!ft->fold[ft->n] || !ft->name[ft->n])
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	*fid = ft->n;
	return GW_OK;
}

/* get of a be32 key, into val/len. */
static gw_rc get_be32(gw_txn *t, MDB_dbi dbi, uint32_t key, const void **val, size_t *len, gw_err *err)
{
	unsigned char k[4];
	MDB_val v;
	gw_rc rc;

	gw_be32_put(k, key);
	if ((rc = get(t, dbi, k, 4, &v, err)))
		return rc;
	*val = v.mv_data;
	*len = v.mv_size;
	return GW_OK;
}

/* Calls fn for every entry of a database keyed by be32 numbers, in order
 * (stops on non-zero). */
static gw_rc each_be32(gw_txn *t, MDB_dbi dbi, int (*fn)(void *ctx, uint32_t key, const void *val, size_t len),
                       void *ctx, const char *what, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, dbi, &cur);

	if (rc)
		return lmdb_err(err, rc, what);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (k.mv_size != 4 || fn(ctx, gw_be32_get(k.mv_data), v.mv_data, v.mv_size))
			break;
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? lmdb_err(err, rc, what) : GW_OK;
}

gw_rc gw_doc_get(gw_txn *t, uint32_t docid, const void **val, size_t *len, gw_err *err)
{
	return get_be32(t, t->s->docs, docid, val, len, err);
}

gw_rc gw_doc_put(gw_txn *t, uint32_t docid, const void *val, size_t len, gw_err *err)
{
	unsigned char k[4];

	gw_be32_put(k, docid);
	return put_append(t, t->s->docs, k, 4, val, len, err); /* docids only grow */
}

gw_rc gw_doc_del(gw_txn *t, uint32_t docid, gw_err *err)
{
	unsigned char k[4];

	gw_be32_put(k, docid);
	return del(t, t->s->docs, k, 4, err);
}

gw_rc gw_doc_each(gw_txn *t, int (*fn)(void *ctx, uint32_t docid, const void *val, size_t len),
                  void *ctx, gw_err *err)
{
	return each_be32(t, t->s->docs, fn, ctx, "cannot read documents", err);
}

static MDB_dbi btable_dbi(const gw_txn *t, gw_btable bt)
{
	return bt == GW_BT_LENS ? t->s->lens : t->s->norms;
}

gw_rc gw_block_get(gw_txn *t, gw_btable bt, uint32_t block, const void **val, size_t *len, gw_err *err)
{
	return get_be32(t, btable_dbi(t, bt), block, val, len, err);
}

gw_rc gw_block_put(gw_txn *t, gw_btable bt, uint32_t block, const void *val, size_t len, gw_err *err)
{
	unsigned char k[4];

	gw_be32_put(k, block);
	return len ? put(t, btable_dbi(t, bt), k, 4, val, len, err) : del(t, btable_dbi(t, bt), k, 4, err);
}

gw_rc gw_block_append(gw_txn *t, gw_btable bt, uint32_t block, const void *val, size_t len, gw_err *err)
{
	unsigned char k[4];

	gw_be32_put(k, block);
	return put_append(t, btable_dbi(t, bt), k, 4, val, len, err);
}

struct gw_block_cursor {
	MDB_cursor *cur;
};

gw_rc gw_block_cursor_open(gw_txn *t, gw_btable bt, gw_block_cursor **out, gw_err *err)
{
	gw_block_cursor *c = calloc(1, sizeof *c);
	int rc;

	*out = NULL;
	if (!c)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if ((rc = mdb_cursor_open(t->txn, btable_dbi(t, bt), &c->cur))) {
		free(c);
		return lmdb_err(err, rc, "cannot read the index");
	}
	*out = c;
	return GW_OK;
}

int gw_block_cursor_get(gw_block_cursor *c, uint32_t block, const void **val, size_t *len)
{
	unsigned char kb[4];
	MDB_val k = {4, kb}, v;
	int rc;

	gw_be32_put(kb, block);
	rc = mdb_cursor_get(c->cur, &k, &v, MDB_SET_KEY);
	if (rc)
		return rc == MDB_NOTFOUND ? 1 : -1;
	*val = v.mv_data;
	*len = v.mv_size;
	return 0;
}

void gw_block_cursor_close(gw_block_cursor *c)
{
	if (!c)
		return;
	mdb_cursor_close(c->cur);
	free(c);
}

gw_rc gw_block_each(gw_txn *t, gw_btable bt, int (*fn)(void *ctx, uint32_t block, const void *val, size_t len),
                    void *ctx, gw_err *err)
{
	return each_be32(t, btable_dbi(t, bt), fn, ctx, bt == GW_BT_LENS ? "cannot read lens" : "cannot read norms",
	                 err);
}

gw_rc gw_fsets_get(gw_txn *t, const void **val, size_t *len, gw_err *err)
{
	MDB_val v;
	gw_rc rc = get(t, t->s->norms, "fsets", 5, &v, err);

	if (rc)
		return rc;
	*val = v.mv_data;
	*len = v.mv_size;
	return GW_OK;
}

gw_rc gw_fsets_put(gw_txn *t, const void *val, size_t len, gw_err *err)
{
	return put(t, t->s->norms, "fsets", 5, val, len, err);
}

gw_rc gw_id_get(gw_txn *t, const char *id, size_t len, uint32_t *docid, gw_err *err)
{
	MDB_val v;
	gw_rc rc = get(t, t->s->ids, id, len, &v, err);

	if (rc)
		return rc;
	if (v.mv_size != 4)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged id entry");
	*docid = gw_be32_get(v.mv_data);
	return GW_OK;
}

gw_rc gw_id_put(gw_txn *t, const char *id, size_t len, uint32_t docid, gw_err *err)
{
	unsigned char v[4];

	if (len == 0 || len > 511)
		return gw_err_set(err, GW_EINVAL, 0, "id must be 1 to 511 bytes long");
	gw_be32_put(v, docid);
	return put(t, t->s->ids, id, len, v, 4, err);
}

gw_rc gw_id_del(gw_txn *t, const char *id, size_t len, gw_err *err)
{
	return del(t, t->s->ids, id, len, err);
}

void gw_term_key_append(gw_buf *out, unsigned fid, int kind, const char *term, size_t len)
{
	gw_buf_putc(out, kind);
	gw_buf_append(out, term, len);
	gw_buf_putc(out, 0);
	gw_buf_putc(out, (int)fid);
}

void gw_term_key(gw_buf *out, unsigned fid, int kind, const char *term, size_t len)
{
	gw_buf_reset(out);
	gw_term_key_append(out, fid, kind, term, len);
}

/* Key of the chunk of tkey starting at docid. */
static void chunk_key(unsigned char *k, const void *tkey, size_t tklen, uint32_t docid)
{
	memcpy(k, tkey, tklen);
	gw_be32_put(k + tklen, docid);
}

static int is_chunk_of(const MDB_val *k, const void *tkey, size_t tklen)
{
	return k->mv_size == tklen + 4 && memcmp(k->mv_data, tkey, tklen) == 0;
}

/* Positions cur on the chunk of tkey holding docid, or the last chunk before
 * it. Returns 1 found, 0 none; *lrc gets an LMDB error (0 if none). */
static int seek_chunk(MDB_cursor *cur, const void *tkey, size_t tklen, uint32_t docid, MDB_val *k,
                      MDB_val *v, int *lrc)
{
	unsigned char kb[600];
	int rc;

	*lrc = 0;
	chunk_key(kb, tkey, tklen, docid);
	k->mv_size = tklen + 4;
	k->mv_data = kb;
	rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (rc == 0 && is_chunk_of(k, tkey, tklen) &&
	    gw_be32_get((unsigned char *)k->mv_data + tklen) == docid)
		return 1;
	if (rc && rc != MDB_NOTFOUND) {
		*lrc = rc;
		return 0;
	}
	rc = mdb_cursor_get(cur, k, v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	if (rc) {
		*lrc = rc == MDB_NOTFOUND ? 0 : rc;
		return 0;
	}
	return is_chunk_of(k, tkey, tklen);
}

/* 1 if key k is above every key of dbi (so it can be appended, and, in
 * post, no chunk of its term exists). m holds the last key when first
 * needed, then raised by each append; deletes only lower the real last
 * key, so it stays an upper bound. */
static int above_max(gw_txn *t, MDB_dbi dbi, key_max *m, const unsigned char *k, size_t klen)
{
	if (!m->known) {
		MDB_cursor *cur;
		MDB_val lk, lv;
		m->len = sizeof m->k; /* unknown: above nothing */
		memset(m->k, 0xff, sizeof m->k);
		if (mdb_cursor_open(t->txn, dbi, &cur) == 0) {
			int rc = mdb_cursor_get(cur, &lk, &lv, MDB_LAST);
			if (rc == MDB_NOTFOUND) {
				m->len = 0;
			} else if (rc == 0 && lk.mv_size <= sizeof m->k) {
				memcpy(m->k, lk.mv_data, lk.mv_size);
				m->len = lk.mv_size;
			}
			mdb_cursor_close(cur);
		}
		m->known = 1;
	}
	return gw_key_cmp(k, klen, m->k, m->len) > 0;
}

static int above_post_max(gw_txn *t, const unsigned char *k, size_t klen)
{
	return above_max(t, t->s->post, &t->post_max, k, klen);
}

/* Room for a value of size bytes at key kb (klen bytes) of dbi, into
 * *out, for the caller to fill (MDB_RESERVE: no copy). A key above every
 * key of dbi is appended (MDB_APPEND splits a full page at its end, so
 * pages filled in key order stay full) and raises m; any other goes where
 * it sorts. */
static gw_rc reserve_put(gw_txn *t, MDB_dbi dbi, key_max *m, const unsigned char *kb, size_t klen, size_t size,
                         void **out, gw_err *err)
{
	MDB_val key = {klen, (void *)kb}, val = {size, NULL};
	int rc = MDB_KEYEXIST;

	if (above_max(t, dbi, m, kb, klen) && (rc = mdb_put(t->txn, dbi, &key, &val, MDB_APPEND | MDB_RESERVE)) == 0) {
		memcpy(m->k, kb, klen);
		m->len = klen;
	}
	if (rc == MDB_KEYEXIST) /* not above the last key after all */
		rc = mdb_put(t->txn, dbi, &key, &val, MDB_RESERVE);
	if (rc)
		return write_err(t->s, err, rc, "cannot write");
	t->written += klen + size;
	*out = val.mv_data;
	return GW_OK;
}

/* Room for the chunk value of size bytes at chunk key kb (reserve_put). */
static gw_rc reserve_chunk(gw_txn *t, const unsigned char *kb, size_t klen, size_t size, void **out,
                           gw_err *err)
{
	return reserve_put(t, t->s->post, &t->post_max, kb, klen, size, out, err);
}

/* Writes the chunk b finished, if any. */
static gw_rc put_chunk(gw_txn *t, const void *tkey, size_t tklen, gw_chunk_builder *b, gw_err *err)
{
	unsigned char kb[600];
	uint32_t first;
	void *at;

	if (!gw_chunk_builder_take(b, &first))
		return GW_OK;
	if (!gw_chunk_builder_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	chunk_key(kb, tkey, tklen, first);
	if (reserve_chunk(t, kb, tklen + 4, b->out.len, &at, err))
		return err->rc;
	memcpy(at, b->out.p, b->out.len);
	return GW_OK;
}

/* Feeds every entry of r to b, writing chunks as they fill. */
static gw_rc feed(gw_txn *t, const void *tkey, size_t tklen, gw_entry_reader *r, gw_chunk_builder *b,
                  gw_err *err)
{
	gw_entry e;
	int rc;

	while ((rc = gw_entry_next_fast(r, &e)) == 1)
		if (gw_chunk_builder_add(b, &e) && put_chunk(t, tkey, tklen, b, err))
			return err->rc;
	return rc < 0 ? gw_err_set(err, GW_EFORMAT, 0, "damaged posting list") : GW_OK;
}

/* A new term's list: its chunks are cut from it (gw_plist_cut) and written
 * straight into their reserved space, without a chunk builder or a copy
 * (the flush of every first build). */
static gw_rc put_new_list(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	unsigned char kb[600];
	gw_plist_cut c;
	uint32_t first;
	size_t size;
	void *at;
	int rc;

	gw_plist_cut_init(&c, l);
	while ((rc = gw_plist_cut_next(&c, &first, &size)) == 1) {
		chunk_key(kb, tkey, tklen, first);
		if (reserve_chunk(t, kb, tklen + 4, size, &at, err))
			return err->rc;
		gw_plist_cut_write(&c, at);
	}
	return rc < 0 ? gw_err_set(err, GW_EFORMAT, 0, "damaged posting list") : GW_OK;
}

/* The write txn's postings cursor (opened on first use). Merges and
 * removals go in key order, and LMDB looks for a key on a cursor's current
 * page before descending from the root. */
static gw_rc post_cursor(gw_txn *t, MDB_cursor **cur, gw_err *err)
{
	int rc;

	if (!t->post_cur && (rc = mdb_cursor_open(t->txn, t->s->post, &t->post_cur)))
		return lmdb_err(err, rc, "cannot open cursor");
	*cur = t->post_cur;
	return GW_OK;
}

/* ---- Small posting lists (gw_tblock.h) ---- */

/* Finds term key k in the small database of a read: 1 (its chunk and
 * first docid in r), 0 absent; *lrc gets an LMDB error or -1 for a
 * damaged block (0 if none). */
static int small_lookup(gw_txn *t, const void *k, size_t klen, gw_tblock_reader *r, int *lrc)
{
	MDB_cursor *cur = t->small_rcur;
	MDB_val key = {klen, (void *)k}, val;
	int rc, found = 0;

	*lrc = 0;
	if (!t->write && t->sb_on && gw_key_cmp(k, klen, t->sb_from, t->sb_from_len) >= 0 &&
	    (!t->sb_val.mv_data || gw_key_cmp(k, klen, t->sb_key.mv_data, t->sb_key.mv_size) <= 0)) {
		rc = t->sb_val.mv_data ? 0 : MDB_NOTFOUND;
		val = t->sb_val;
	} else {
		/* A query looks up many terms: a read txn keeps its cursor. */
		if (!cur && (rc = mdb_cursor_open(t->txn, t->s->small, &cur))) {
			*lrc = rc;
			return 0;
		}
		/* The block whose last key is the first at or above k. */
		rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
		if (t->write) {
			mdb_cursor_close(cur);
		} else {
			t->small_rcur = cur;
			t->sb_on = (rc == 0 || rc == MDB_NOTFOUND) && klen <= sizeof t->sb_from;
			if (t->sb_on) {
				memcpy(t->sb_from, k, klen);
				t->sb_from_len = klen;
				t->sb_key = rc == 0 ? key : (MDB_val){0, NULL};
				t->sb_val = rc == 0 ? val : (MDB_val){0, NULL};
			}
		}
	}
	if (rc == 0) {
		found = gw_tblock_find(r, val.mv_data, val.mv_size, k, klen);
		if (found < 0)
			*lrc = -1, found = 0;
	} else if (rc != MDB_NOTFOUND) {
		*lrc = rc;
	}
	return found;
}

static const unsigned char *ent_key(const small_span *s, size_t i) { return s->keys.p + s->e[i].koff; }

static void span_reset(small_span *s)
{
	s->on = s->dirty = 0;
	s->n = 0;
	s->has_lo = s->has_hi = s->has_old = 0;
	gw_buf_reset(&s->keys);
	gw_buf_reset(&s->chunks);
	gw_buf_reset(&s->lo);
	gw_buf_reset(&s->hi);
	gw_buf_reset(&s->old);
}

static void span_free(small_span *s)
{
	free(s->e);
	gw_buf_free(&s->keys);
	gw_buf_free(&s->chunks);
	gw_buf_free(&s->lo);
	gw_buf_free(&s->hi);
	gw_buf_free(&s->old);
	memset(s, 0, sizeof *s);
}

static void set_key(gw_buf *b, int *has, const void *k, size_t len)
{
	gw_buf_reset(b);
	gw_buf_append(b, k, len);
	*has = 1;
}

/* Makes room for one more entry at index at (shifting those after it);
 * -1 out of memory. */
static int span_insert_at(small_span *s, size_t at)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		small_ent *e = realloc(s->e, cap * sizeof *e);
		if (!e)
			return -1;
		s->e = e;
		s->cap = cap;
	}
	memmove(s->e + at + 1, s->e + at, (s->n - at) * sizeof *s->e);
	s->n++;
	return 0;
}

/* Sets entry i to key k (if k) and the chunk; the bytes go at the end of
 * keys and chunks (span_compact reclaims what they replace). */
static void span_set(small_span *s, size_t i, const void *k, size_t klen, uint32_t first, const void *chunk,
                     size_t clen)
{
	if (k) {
		s->e[i].koff = s->keys.len;
		s->e[i].klen = klen;
		gw_buf_append(&s->keys, k, klen);
	}
	s->e[i].coff = s->chunks.len;
	s->e[i].clen = clen;
	s->e[i].first = first;
	gw_buf_append(&s->chunks, chunk, clen);
}

/* Appends every entry of a block read from the database. */
static gw_rc span_add_block(small_span *s, const MDB_val *v, gw_err *err)
{
	gw_tblock_reader r;
	int rc;

	gw_tblock_open(&r, v->mv_data, v->mv_size);
	while ((rc = gw_tblock_next(&r)) == 1) {
		unsigned char chunk[GW_SMALL_BYTES];
		size_t clen = gw_tblock_chunk(&r, chunk);
		if (clen == 0) {
			rc = -1;
			break;
		}
		if (span_insert_at(s, s->n))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		span_set(s, s->n - 1, r.key, r.klen, r.first, chunk, clen);
	}
	if (rc < 0)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged block of small posting lists");
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* Writes entries [from, to) of the span as one block, keyed by the last. */
static gw_rc put_block(gw_txn *t, size_t from, size_t to, gw_err *err)
{
	small_span *s = &t->span;
	gw_buf *b = &t->block;
	void *at;

	gw_buf_reset(b);
	for (size_t i = from; i < to; i++)
		if (gw_tblock_put(b, i > from ? ent_key(s, i - 1) : NULL, i > from ? s->e[i - 1].klen : 0, ent_key(s, i),
		                  s->e[i].klen, s->e[i].first, s->chunks.p + s->e[i].coff, s->e[i].clen))
			return gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
	if (!gw_buf_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (reserve_put(t, t->s->small, &t->small_max, ent_key(s, to - 1), s->e[to - 1].klen, b->len, &at, err))
		return err->rc;
	memcpy(at, b->p, b->len);
	return GW_OK;
}

/* Deletes the block the span was read from (once, before the first write:
 * its key may be one the span writes again). */
static gw_rc span_drop_old(gw_txn *t, gw_err *err)
{
	small_span *s = &t->span;
	MDB_val k = {s->old.len, s->old.p};
	int rc;

	if (!s->has_old)
		return GW_OK;
	s->has_old = 0;
	if ((rc = mdb_del(t->txn, t->s->small, &k, NULL)) && rc != MDB_NOTFOUND)
		return write_err(t->s, err, rc, "cannot delete postings");
	return GW_OK;
}

/* Writes the entries up to the last that ends a block; returns how many
 * in *done. */
static gw_rc span_put_blocks(gw_txn *t, size_t *done, gw_err *err)
{
	small_span *s = &t->span;
	size_t from = 0;

	for (size_t i = 0; i < s->n; i++)
		if (gw_tblock_ends(ent_key(s, i), s->e[i].klen)) {
			if (put_block(t, from, i + 1, err))
				return err->rc;
			from = i + 1;
		}
	*done = from;
	return GW_OK;
}

/* Drops entries [0, n), keeping the keys and chunks of the rest only. */
static gw_rc span_drop_head(small_span *s, size_t n, gw_err *err)
{
	gw_buf keys = GW_BUF_INIT, chunks = GW_BUF_INIT;

	memmove(s->e, s->e + n, (s->n - n) * sizeof *s->e);
	s->n -= n;
	for (size_t i = 0; i < s->n; i++) {
		gw_buf_append(&keys, s->keys.p + s->e[i].koff, s->e[i].klen);
		gw_buf_append(&chunks, s->chunks.p + s->e[i].coff, s->e[i].clen);
	}
	for (size_t i = 0, ko = 0, co = 0; i < s->n; i++) {
		s->e[i].koff = ko;
		s->e[i].coff = co;
		ko += s->e[i].klen;
		co += s->e[i].clen;
	}
	gw_buf_free(&s->keys);
	gw_buf_free(&s->chunks);
	s->keys = keys;
	s->chunks = chunks;
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* Writes the span back, split into blocks where gw_tblock_ends says, and
 * forgets it. Entries after the last block end make the database's last
 * block if the span reached the end; else the span's own last term (a
 * block end) went, and the next block joins them. */
static gw_rc span_flush(gw_txn *t, gw_err *err)
{
	small_span *s = &t->span;
	MDB_cursor *cur = NULL;
	size_t done;
	int rc;

	if (!s->on)
		return GW_OK;
	if (!s->dirty) {
		span_reset(s);
		return GW_OK;
	}
	if (span_drop_old(t, err))
		return err->rc;
	for (;;) {
		if (span_put_blocks(t, &done, err) || span_drop_head(s, done, err))
			return err->rc;
		if (s->n == 0)
			break;
		if (s->has_hi) {
			MDB_val k = {s->hi.len, s->hi.p}, v;
			if (!cur && (rc = mdb_cursor_open(t->txn, t->s->small, &cur)))
				return lmdb_err(err, rc, "cannot open cursor");
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			if (rc == 0) { /* the next block: it joins the tail */
				set_key(&s->hi, &s->has_hi, k.mv_data, k.mv_size);
				if (span_add_block(s, &v, err))
					return err->rc;
				if ((rc = mdb_cursor_del(cur, 0)))
					return write_err(t->s, err, rc, "cannot delete postings");
				continue;
			}
			if (rc != MDB_NOTFOUND)
				return lmdb_err(err, rc, "cannot read postings");
		}
		/* The database's last block. */
		if (put_block(t, 0, s->n, err))
			return err->rc;
		break;
	}
	span_reset(s);
	return GW_OK;
}

/* Reads into t->span the span that holds term key k, unless it has it
 * (writing back the one it had). */
static gw_rc span_load(gw_txn *t, const void *k, size_t klen, gw_err *err)
{
	small_span *s = &t->span;
	MDB_cursor *cur;
	MDB_val key = {klen, (void *)k}, val;
	int rc;

	if (s->on && (!s->has_lo || gw_key_cmp(k, klen, s->lo.p, s->lo.len) > 0) &&
	    (!s->has_hi || gw_key_cmp(k, klen, s->hi.p, s->hi.len) <= 0))
		return GW_OK;
	if (span_flush(t, err))
		return err->rc;
	s->on = 1;
	if ((rc = mdb_cursor_open(t->txn, t->s->small, &cur)))
		return lmdb_err(err, rc, "cannot open cursor");
	rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND) {
		/* Past the last block: k joins it, unless it ends a block. */
		rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
		if (rc == 0 && gw_tblock_ends(key.mv_data, key.mv_size)) {
			set_key(&s->lo, &s->has_lo, key.mv_data, key.mv_size);
			mdb_cursor_close(cur);
			return GW_OK;
		}
	} else if (rc == 0) {
		set_key(&s->hi, &s->has_hi, key.mv_data, key.mv_size);
	}
	if (rc == 0) {
		set_key(&s->old, &s->has_old, key.mv_data, key.mv_size);
		if (span_add_block(s, &val, err)) {
			mdb_cursor_close(cur);
			return err->rc;
		}
		rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
		if (rc == 0)
			set_key(&s->lo, &s->has_lo, key.mv_data, key.mv_size);
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return lmdb_err(err, rc, "cannot read postings");
	if (!gw_buf_ok(&s->lo) || !gw_buf_ok(&s->hi) || !gw_buf_ok(&s->old))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* The index of the first entry at or above k; *found if it is k. */
static size_t span_find(const small_span *s, const void *k, size_t klen, int *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (gw_key_cmp(ent_key(s, mid), s->e[mid].klen, k, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && gw_key_cmp(ent_key(s, lo), s->e[lo].klen, k, klen) == 0;
	return lo;
}

/* Term key k's small list, if it has one: 1 (*i its entry in t->span). */
static gw_rc small_get(gw_txn *t, const void *k, size_t klen, size_t *i, int *found, gw_err *err)
{
	if (span_load(t, k, klen, err))
		return err->rc;
	*i = span_find(&t->span, k, klen, found);
	return GW_OK;
}

/* Sets term key k's small list to the chunk (first docid first). When a
 * term is added after every other, what comes before it and ends a block
 * is written at once: a first build adds its terms in order, and the span
 * then holds one block at a time. */
static gw_rc small_put(gw_txn *t, const void *k, size_t klen, uint32_t first, const void *chunk, size_t clen,
                       gw_err *err)
{
	small_span *s = &t->span;
	size_t i, done;
	int found;

	if (small_get(t, k, klen, &i, &found, err))
		return err->rc;
	if (!found && span_insert_at(s, i))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	span_set(s, i, found ? NULL : k, klen, first, chunk, clen);
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	s->dirty = 1;
	if (!found && i == s->n - 1 && i > 0 && gw_tblock_ends(ent_key(s, i - 1), s->e[i - 1].klen)) {
		if (span_drop_old(t, err) || span_put_blocks(t, &done, err))
			return err->rc;
		set_key(&s->lo, &s->has_lo, ent_key(s, done - 1), s->e[done - 1].klen);
		if (span_drop_head(s, done, err))
			return err->rc;
	}
	return GW_OK;
}

/* Removes entry i of the span. */
static void small_del(gw_txn *t, size_t i)
{
	small_span *s = &t->span;

	memmove(s->e + i, s->e + i + 1, (s->n - i - 1) * sizeof *s->e);
	s->n--;
	s->dirty = 1;
}

/* The chunk of l if it is one chunk of at most GW_SMALL_BYTES: its size
 * (written to out), else 0. */
static size_t small_chunk_of(const gw_plist *l, unsigned char out[GW_SMALL_BYTES], uint32_t *first)
{
	gw_plist_cut c;
	size_t size;

	if (l->ndocs == 0 || l->ndocs > GW_CHUNK_DOCS || l->len > 2 * GW_SMALL_BYTES)
		return 0;
	gw_plist_cut_init(&c, l);
	if (gw_plist_cut_next(&c, first, &size) != 1 || c.n != l->ndocs || size > GW_SMALL_BYTES)
		return 0;
	gw_plist_cut_write(&c, out);
	return size;
}

/* The list of a chunk (first docid first) as a gw_plist in out: the
 * same entries, the first delta from 0 instead of from first. */
static int plist_of_chunk(gw_buf *out, gw_plist *o, const void *chunk, size_t clen, uint32_t first)
{
	gw_entry_reader r;
	uint32_t last;

	if (gw_chunk_open(&r, chunk, clen, first, &last) || r.p == r.end || *r.p != 0 || r.left == 0)
		return -1;
	gw_buf_reset(out);
	gw_buf_put_varint(out, first);
	gw_buf_append(out, r.p + 1, (size_t)(r.end - r.p - 1));
	memset(o, 0, sizeof *o);
	o->ndocs = r.left;
	o->last_docid = last;
	return 0;
}

/* Appends l to a term without chunks in post: to its small list, which
 * moves to post once it no longer fits one small chunk, or as a new list. */
static gw_rc append_unbig(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	small_span *s = &t->span;
	unsigned char one[GW_SMALL_BYTES];
	uint32_t first;
	size_t i, n;
	int found;
	gw_plist o;

	if (small_get(t, tkey, tklen, &i, &found, err))
		return err->rc;
	if (!found) {
		if ((n = small_chunk_of(l, one, &first)))
			return small_put(t, tkey, tklen, first, one, n, err);
		return put_new_list(t, tkey, tklen, l, err);
	}
	if (plist_of_chunk(&t->joined, &o, s->chunks.p + s->e[i].coff, s->e[i].clen, s->e[i].first) ||
	    gw_plist_concat(&t->joined, &o, l))
		return gw_buf_ok(&t->joined) ? gw_err_set(err, GW_EFORMAT, 0, "damaged posting list")
		                             : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (!gw_buf_ok(&t->joined))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	o.p = t->joined.p;
	o.len = o.cap = t->joined.len;
	if ((n = small_chunk_of(&o, one, &first)))
		return small_put(t, tkey, tklen, first, one, n, err);
	small_del(t, i);
	return put_new_list(t, tkey, tklen, &o, err);
}

gw_rc gw_post_append(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	unsigned char kb[600];
	int found, rc;

	if (tklen > GW_TBLOCK_KEY_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "term too long");
	gw_chunk_builder_reset(b);
	/* A term new to the index (every term of a first build) has no chunk
	 * to look for. */
	chunk_key(kb, tkey, tklen, 0);
	if (above_post_max(t, kb, tklen + 4))
		return append_unbig(t, tkey, tklen, l, err);
	if (post_cursor(t, &cur, err))
		return err->rc;
	found = seek_chunk(cur, tkey, tklen, UINT32_MAX, &k, &v, &rc);
	if (rc) {
		lmdb_err(err, rc, "cannot read postings");
		goto done;
	}
	if (!found)
		return append_unbig(t, tkey, tklen, l, err);
	/* Refill the last chunk if it has room; its key stays the same. */
	if (gw_chunk_open(&r, v.mv_data, v.mv_size, gw_be32_get((unsigned char *)k.mv_data + tklen), NULL) == 0 &&
	    r.left > 0 && r.left < GW_CHUNK_DOCS && v.mv_size < GW_CHUNK_BYTES) {
		if (feed(t, tkey, tklen, &r, b, err))
			goto done;
	}
	gw_plist_reader(l, &r);
	if (feed(t, tkey, tklen, &r, b, err) == GW_OK)
		put_chunk(t, tkey, tklen, b, err);
done:
	return err ? err->rc : GW_OK;
}

/* Removes docids[0..n) from term key k's small list, if it has one. */
static gw_rc remove_small(gw_txn *t, const void *k, size_t klen, const uint32_t *docids, size_t n, gw_err *err)
{
	small_span *s = &t->span;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	gw_entry e;
	unsigned char one[GW_SMALL_BYTES];
	uint32_t first;
	size_t i, at = 0, len;
	int found, rc;

	if (small_get(t, k, klen, &i, &found, err))
		return err->rc;
	if (!found)
		return GW_OK;
	len = s->e[i].clen;
	if (len > sizeof one)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
	memcpy(one, s->chunks.p + s->e[i].coff, len);
	if (gw_chunk_open(&r, one, len, s->e[i].first, NULL))
		return gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
	gw_chunk_builder_reset(b);
	while ((rc = gw_entry_next(&r, &e)) == 1) {
		while (at < n && docids[at] < e.docid)
			at++;
		if (at == n || docids[at] != e.docid)
			gw_chunk_builder_add(b, &e);
	}
	if (rc < 0)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
	if (!gw_chunk_builder_take(b, &first)) { /* nothing left */
		small_del(t, i);
		return GW_OK;
	}
	if (!gw_chunk_builder_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return small_put(t, k, klen, first, b->out.p, b->out.len, err);
}

gw_rc gw_post_remove_many(gw_txn *t, const void *tkey, size_t tklen, const uint32_t *docids, size_t n,
                          gw_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	gw_entry e;
	uint32_t first, last;
	size_t i = 0, j, at;
	int found, rc;

	if (post_cursor(t, &cur, err))
		return err->rc;
	/* A term without chunks has a small list, or nothing. */
	found = seek_chunk(cur, tkey, tklen, UINT32_MAX, &k, &v, &rc);
	if (rc)
		return lmdb_err(err, rc, "cannot read postings");
	if (!found)
		return remove_small(t, tkey, tklen, docids, n, err);
	while (i < n) {
		found = seek_chunk(cur, tkey, tklen, docids[i], &k, &v, &rc);
		if (!found) {
			if (rc) {
				lmdb_err(err, rc, "cannot read postings");
				break;
			}
			i++; /* before the term's first chunk: not in the list */
			continue;
		}
		first = gw_be32_get((unsigned char *)k.mv_data + tklen);
		if (gw_chunk_open(&r, v.mv_data, v.mv_size, first, &last) || last < docids[i]) {
			i++; /* between two chunks: not in the list */
			continue;
		}
		/* docids[i..j) fall in this chunk: rebuild it once without them.
		 * At most one chunk comes out, since it only shrinks. */
		for (j = i; j < n && docids[j] <= last; j++)
			;
		gw_chunk_builder_reset(b);
		at = i;
		while ((rc = gw_entry_next(&r, &e)) == 1) {
			while (at < j && docids[at] < e.docid)
				at++;
			if (at == j || docids[at] != e.docid)
				gw_chunk_builder_add(b, &e);
		}
		if (rc < 0) {
			gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
			break;
		}
		if ((rc = mdb_cursor_del(cur, 0))) {
			write_err(t->s, err, rc, "cannot delete postings");
			break;
		}
		if (put_chunk(t, tkey, tklen, b, err))
			break;
		i = j;
	}
	return err ? err->rc : GW_OK;
}

/* Loads the chunk under the cursor; 1 ok, 0 not this term's, -1 damaged. */
static int pl_load(gw_pl *pl, MDB_val *k, MDB_val *v)
{
	if (!is_chunk_of(k, pl->key, pl->klen))
		return 0;
	if (gw_chunk_open(&pl->h.r, v->mv_data, v->mv_size, gw_be32_get((unsigned char *)k->mv_data + pl->klen),
	                  &pl->h.chunk_last))
		return -1;
	return 1;
}

/* Opens pl on term key k's small list, if it has one: 1, 0 none, -1
 * (err set) on error. */
static int pl_open_small(gw_pl *pl, gw_txn *t, const void *k, size_t klen, gw_err *err)
{
	gw_tblock_reader r;
	size_t clen;
	int lrc, found;

	/* A write txn's edits are in its span until written. */
	if (t->write && span_flush(t, err))
		return -1;
	found = small_lookup(t, k, klen, &r, &lrc);
	if (lrc)
		return lrc < 0 ? (gw_err_set(err, GW_EFORMAT, 0, "damaged block of small posting lists"), -1)
		               : (lmdb_err(err, lrc, "cannot read postings"), -1);
	if (!found)
		return 0;
	clen = gw_tblock_chunk(&r, pl->small);
	if (clen == 0 || gw_chunk_open(&pl->h.r, pl->small, clen, r.first, &pl->h.chunk_last)) {
		gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
		return -1;
	}
	pl->df = pl->h.r.left;
	return 1;
}

gw_rc gw_pl_open(gw_txn *t, const void *tkey, size_t tklen, gw_pl **out, gw_err *err)
{
	gw_pl *pl;
	MDB_val k, v;
	unsigned char kb[600];
	int rc;

	*out = NULL;
	if (tklen > GW_TBLOCK_KEY_MAX)
		return GW_OK;
	pl = calloc(1, sizeof *pl);
	if (!pl || !(pl->key = malloc(tklen))) {
		free(pl);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	memcpy(pl->key, tkey, tklen);
	pl->klen = tklen;
	pl->df = -1;
	pl->t = t;
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &pl->cur))) {
		gw_pl_close(pl);
		return lmdb_err(err, rc, "cannot open cursor");
	}
	chunk_key(kb, tkey, tklen, 0);
	k.mv_size = tklen + 4;
	k.mv_data = kb;
	rc = mdb_cursor_get(pl->cur, &k, &v, MDB_SET_RANGE);
	if (rc && rc != MDB_NOTFOUND) {
		gw_pl_close(pl);
		return lmdb_err(err, rc, "cannot read postings");
	}
	if ((rc = rc ? 0 : pl_load(pl, &k, &v)) < 0) {
		gw_pl_close(pl);
		return gw_err_set(err, GW_EFORMAT, 0, "damaged posting list");
	}
	if (rc == 0) { /* no chunk: a small list, or no list */
		mdb_cursor_close(pl->cur);
		pl->cur = NULL;
		if ((rc = pl_open_small(pl, t, tkey, tklen, err)) != 1) {
			gw_pl_close(pl);
			return rc < 0 ? err->rc : GW_OK;
		}
	}
	*out = pl;
	return GW_OK;
}

void gw_pl_close(gw_pl *pl)
{
	if (!pl)
		return;
	if (pl->cur)
		mdb_cursor_close(pl->cur);
	free(pl->key);
	free(pl);
}

int gw_pl_next(gw_pl *pl)
{
	MDB_val k, v;
	int rc;

	while (!pl->h.eof) {
		rc = gw_entry_next_fast(&pl->h.r, &pl->h.e);
		pl->h.on = rc == 1;
		if (rc != 0)
			return rc;
		if (!pl->cur || mdb_cursor_get(pl->cur, &k, &v, MDB_NEXT) != 0 || (rc = pl_load(pl, &k, &v)) == 0) {
			pl->h.eof = 1;
			break;
		}
		if (rc < 0)
			return -1;
	}
	pl->h.on = 0;
	return 0;
}

int gw_pl_skip_to(gw_pl *pl, uint32_t target)
{
	MDB_val k, v;
	int rc;

	if (pl->h.eof)
		return 0;
	if (pl->h.on && pl->h.e.docid >= target)
		return 1;
	/* Skip whole chunks by their header's last docid: the next chunk or
	 * two by stepping, a farther one by a seek, since a chunk's key holds
	 * its first docid (the B-tree is the skip list). Stepping through a
	 * long list chunk by chunk made a phrase's rarer element pay for every
	 * chunk of the commoner ones. */
	for (int steps = 0; pl->h.chunk_last < target; steps++) {
		int found, lrc = 0;
		if (!pl->cur) { /* a small list: one chunk */
			pl->h.eof = 1;
			pl->h.on = 0;
			return 0;
		}
		if (steps < 2) {
			found = mdb_cursor_get(pl->cur, &k, &v, MDB_NEXT) == 0;
		} else {
			/* The chunk starting at target, or the last one before it
			 * (at least the current one); then at most one more step. */
			found = seek_chunk(pl->cur, pl->key, pl->klen, target, &k, &v, &lrc);
			steps = 0;
		}
		if (lrc)
			return pl->h.on = 0, -1;
		if (!found || (rc = pl_load(pl, &k, &v)) == 0) {
			pl->h.eof = 1;
			pl->h.on = 0;
			return 0;
		}
		if (rc < 0)
			return -1;
		pl->h.on = 0;
	}
	/* Within the chunk, without gw_pl_next's call per entry. */
	if ((rc = gw_entry_seek(&pl->h.r, target, &pl->h.e)) == 1)
		return pl->h.on = 1;
	if (rc < 0)
		return pl->h.on = 0, -1;
	while ((rc = gw_pl_next(pl)) == 1)
		if (pl->h.e.docid >= target)
			return 1;
	return rc;
}


uint64_t gw_pl_df(gw_pl *pl)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[600];
	uint64_t n = 0;
	int rc;

	if (pl->df >= 0)
		return (uint64_t)pl->df;
	if (mdb_cursor_open(pl->t->txn, pl->t->s->post, &cur))
		return 0;
	chunk_key(kb, pl->key, pl->klen, 0);
	k.mv_size = pl->klen + 4;
	k.mv_data = kb;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && is_chunk_of(&k, pl->key, pl->klen);
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint32_t nd, last;
		if (gw_chunk_header(v.mv_data, v.mv_size, gw_be32_get((unsigned char *)k.mv_data + pl->klen),
		                    &nd, &last) == 0)
			n += nd;
	}
	mdb_cursor_close(cur);
	pl->df = (int64_t)n;
	return n;
}

gw_rc gw_store_stat_get(gw_txn *t, gw_store_stat *st, gw_err *err)
{
	MDB_envinfo info;
	MDB_stat ms;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	memset(st, 0, sizeof *st);
	mdb_env_info(t->s->env, &info);
	mdb_env_stat(t->s->env, &ms);
	st->map_size = info.me_mapsize;
	st->used_bytes = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
	/* The free list (database 0): each value is an LMDB ID list, whose
	 * first word counts its pages. */
	if ((rc = mdb_cursor_open(t->txn, 0, &cur)))
		return lmdb_err(err, rc, "cannot stat");
	while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0)
		if (v.mv_size >= sizeof(size_t)) {
			size_t n;
			memcpy(&n, v.mv_data, sizeof n);
			st->free_bytes += (uint64_t)n * ms.ms_psize;
		}
	mdb_cursor_close(cur);
	if ((rc = mdb_stat(t->txn, t->s->post, &ms)))
		return lmdb_err(err, rc, "cannot stat");
	st->post_chunks = ms.ms_entries;
	if ((rc = mdb_stat(t->txn, t->s->docs, &ms)))
		return lmdb_err(err, rc, "cannot stat");
	st->docs = ms.ms_entries;
	if ((rc = mdb_stat(t->txn, t->s->ids, &ms)))
		return lmdb_err(err, rc, "cannot stat");
	st->ids = ms.ms_entries;
	return GW_OK;
}

/* Calls fn for every small list as post holds chunks: the term key with
 * the first docid, and the chunk. */
static gw_rc small_each(gw_txn *t, int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                        void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	gw_tblock_reader r;
	unsigned char key[GW_TBLOCK_KEY_MAX + 4], chunk[GW_SMALL_BYTES];
	int rc = mdb_cursor_open(t->txn, t->s->small, &cur), brc = 0, stop = 0, ends = 1;

	if (rc)
		return lmdb_err(err, rc, "cannot read postings");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !stop && brc >= 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		/* A block ends where gw_tblock_ends says and nowhere else; the
		 * last may end anywhere: a block before this one that did not
		 * end so is damaged. */
		if (!ends)
			brc = -1;
		ends = 0;
		gw_tblock_open(&r, v.mv_data, v.mv_size);
		while (brc >= 0 && !stop && !ends && (brc = gw_tblock_next(&r)) == 1) {
			size_t clen = gw_tblock_chunk(&r, chunk);
			if (clen == 0) {
				brc = -1;
				break;
			}
			chunk_key(key, r.key, r.klen, r.first);
			stop = fn(ctx, key, r.klen + 4, chunk, clen);
			ends = gw_tblock_ends(r.key, r.klen);
		}
		/* Its key is its last term's. */
		if (!stop && brc >= 0 &&
		    (r.p != r.end || r.klen != k.mv_size || memcmp(r.key, k.mv_data, r.klen) != 0))
			brc = -1;
	}
	mdb_cursor_close(cur);
	if (brc < 0)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged block of small posting lists");
	return (rc && rc != MDB_NOTFOUND) ? lmdb_err(err, rc, "cannot read postings") : GW_OK;
}

gw_rc gw_post_each(gw_txn *t,
                   int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                   void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, stop = 0;

	if (t->write && span_flush(t, err))
		return err->rc;
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &cur)))
		return lmdb_err(err, rc, "cannot read postings");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if ((stop = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size)))
			break;
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return lmdb_err(err, rc, "cannot read postings");
	return stop ? GW_OK : small_each(t, fn, ctx, err);
}

gw_rc gw_id_each(gw_txn *t, int (*fn)(void *ctx, const char *id, size_t len, uint32_t docid),
                 void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->s->ids, &cur);

	if (rc)
		return lmdb_err(err, rc, "cannot read ids");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (fn(ctx, k.mv_data, k.mv_size, v.mv_size == 4 ? gw_be32_get(v.mv_data) : 0))
			break;
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? lmdb_err(err, rc, "cannot read ids") : GW_OK;
}

/* The small term keys of field fid that start with p[0..plen), in key
 * order (gw_term_prefix_each merges them with post's). */
typedef struct small_prefix {
	MDB_cursor *cur;
	gw_tblock_reader r;
	const unsigned char *p;
	size_t plen;
	unsigned fid;
	int state;  /* 0: not positioned yet, 1: in a block, 2: done */
	int err;    /* an LMDB error, or -1 for a damaged block */
} small_prefix;

/* The next such key, in sp->r.key: 1, or 0 at the end (sp->err says if
 * an error ended it). */
static int small_prefix_next(small_prefix *sp)
{
	MDB_val k, v;
	int rc = 0;

	while (sp->state != 2) {
		if (sp->state == 1 && (rc = gw_tblock_next(&sp->r)) == 1) {
			const unsigned char *kp = sp->r.key;
			size_t kl = sp->r.klen;
			int c = memcmp(kp, sp->p, kl < sp->plen ? kl : sp->plen);
			if (c > 0) {
				sp->state = 2;
				break;
			}
			if (c < 0 || kl < sp->plen + 2)
				continue; /* before the prefix (or a shorter key that sorts before it) */
			if (kp[kl - 2] == 0 && kp[kl - 1] == sp->fid)
				return 1;
			continue;
		}
		if (sp->state == 1 && rc < 0) {
			sp->err = -1;
			sp->state = 2;
			break;
		}
		/* The next block: the first whose last key is at or above the
		 * prefix, then each after it. */
		if (sp->state == 0) {
			k.mv_size = sp->plen;
			k.mv_data = (void *)sp->p;
			rc = mdb_cursor_get(sp->cur, &k, &v, MDB_SET_RANGE);
		} else {
			rc = mdb_cursor_get(sp->cur, &k, &v, MDB_NEXT);
		}
		if (rc) {
			sp->err = rc == MDB_NOTFOUND ? 0 : rc;
			sp->state = 2;
			break;
		}
		gw_tblock_open(&sp->r, v.mv_data, v.mv_size);
		sp->state = 1;
	}
	return 0;
}

gw_rc gw_term_prefix_each(gw_txn *t, unsigned fid, int kind, const char *prefix, size_t len,
                          int (*fn)(void *ctx, const void *tkey, size_t tklen), void *ctx,
                          gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[520], seek[520], last[520];
	size_t lastlen = 0;
	int rc;

	small_prefix sp;
	int stop = 0, more;

	if (len + 1 > 500)
		return GW_OK;
	kb[0] = (unsigned char)kind;
	memcpy(kb + 1, prefix, len);
	if (t->write && span_flush(t, err))
		return err->rc;
	memset(&sp, 0, sizeof sp);
	sp.p = kb;
	sp.plen = len + 1;
	sp.fid = fid;
	if ((rc = mdb_cursor_open(t->txn, t->s->small, &sp.cur)))
		return lmdb_err(err, rc, "cannot read postings");
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &cur))) {
		mdb_cursor_close(sp.cur);
		return lmdb_err(err, rc, "cannot read postings");
	}
	more = small_prefix_next(&sp);
	k.mv_size = len + 1;
	k.mv_data = kb;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		const unsigned char *kp = k.mv_data;
		size_t tklen = k.mv_size - 4; /* kind term NUL fid */
		if (k.mv_size < len + 7 || memcmp(kp, kb, len + 1) != 0)
			break;
		if (tklen > sizeof last || kp[tklen - 2] != 0) {
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT); /* not a term key */
			continue;
		}
		if (kp[tklen - 1] != fid) {
			/* Another field's chunks of this term (they sit together):
			 * seek to this field's, or past the term (its NUL made 1). */
			memcpy(seek, kp, tklen);
			if (kp[tklen - 1] < fid) {
				seek[tklen - 1] = (unsigned char)fid;
				memset(seek + tklen, 0, 4);
				k.mv_size = tklen + 4;
			} else {
				seek[tklen - 2] = 1;
				k.mv_size = tklen - 1;
			}
			k.mv_data = seek;
			rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			continue;
		}
		if (tklen != lastlen || memcmp(last, kp, tklen) != 0) { /* not another chunk of it */
			memcpy(last, kp, tklen);
			lastlen = tklen;
			/* The small terms before it first: the callers take the
			 * first GW_PREFIX_MAX in key order. */
			while (more && !stop && gw_key_cmp(sp.r.key, sp.r.klen, last, tklen) < 0) {
				stop = fn(ctx, sp.r.key, sp.r.klen);
				more = small_prefix_next(&sp);
			}
			if (stop || (stop = fn(ctx, last, tklen)))
				break;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	while (more && !stop && (rc == 0 || rc == MDB_NOTFOUND)) {
		stop = fn(ctx, sp.r.key, sp.r.klen);
		more = small_prefix_next(&sp);
	}
	mdb_cursor_close(cur);
	mdb_cursor_close(sp.cur);
	if (rc && rc != MDB_NOTFOUND)
		return lmdb_err(err, rc, "cannot read postings");
	if (sp.err)
		return sp.err < 0 ? gw_err_set(err, GW_EFORMAT, 0, "damaged block of small posting lists")
		                  : lmdb_err(err, sp.err, "cannot read postings");
	return GW_OK;
}

gw_rc gw_store_db_stats(gw_txn *t, gw_db_stat st[GW_STORE_NDBS], gw_err *err)
{
	MDB_dbi *dbi[GW_STORE_NDBS];
	MDB_stat ms;
	int rc;

	db_handles(t->s, dbi);
	for (int i = 0; i < GW_STORE_NDBS; i++) {
		if ((rc = mdb_stat(t->txn, *dbi[i], &ms)))
			return lmdb_err(err, rc, "cannot stat");
		st[i].name = db_names[i];
		st[i].entries = ms.ms_entries;
		st[i].depth = ms.ms_depth;
		st[i].pages = (uint64_t)ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
		st[i].bytes = st[i].pages * ms.ms_psize;
	}
	return GW_OK;
}

/* Copies every record of src's database from into to's, in key order. */
static gw_rc copy_db(gw_txn *src, MDB_dbi from, gw_txn *dst, MDB_dbi to, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	gw_rc rc = GW_OK;
	int lrc;

	if ((lrc = mdb_cursor_open(src->txn, from, &cur)))
		return lmdb_err(err, lrc, "cannot read the index");
	for (lrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); lrc == 0 && rc == GW_OK;
	     lrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		rc = put_append(dst, to, k.mv_data, k.mv_size, v.mv_data, v.mv_size, err);
		/* Bound the copy's dirty pages as a staged build does. */
		if (rc == GW_OK && dst->written >= ((uint64_t)64 << 20))
			rc = gw_txn_checkpoint(dst, err);
	}
	mdb_cursor_close(cur);
	if (rc == GW_OK && lrc != MDB_NOTFOUND)
		rc = lmdb_err(err, lrc, "cannot read the index");
	return rc;
}

gw_rc gw_store_copy_packed(gw_store *s, const char *dest, gw_err *err)
{
	gw_store *d = NULL;
	gw_txn *src = NULL, *dst = NULL;
	gw_rc rc;

	if ((rc = gw_store_open(&d, dest, GW_OPEN_CREATE, err)) || (rc = gw_store_reserve(d, 1, err)) ||
	    (rc = gw_store_begin(s, 0, &src, err)) || (rc = gw_store_begin(d, 1, &dst, err)))
		goto done;
	{
		MDB_dbi *from[GW_STORE_NDBS], *to[GW_STORE_NDBS];
		db_handles(s, from);
		db_handles(d, to);
		for (size_t i = 0; i < GW_STORE_NDBS && rc == GW_OK; i++)
			rc = copy_db(src, *from[i], dst, *to[i], err);
	}
	if (rc == GW_OK) {
		rc = gw_txn_commit(dst, err);
		dst = NULL;
	}
done:
	gw_txn_abort(dst);
	gw_txn_abort(src);
	gw_store_close(d);
	return rc;
}
