/* gw_store: LMDB storage of the index.
 *
 * ON-DISK FORMAT (version GW_FORMAT_VERSION = 8)
 *
 * An index is a directory holding one LMDB environment (data.mdb, lock.mdb)
 * with seven named databases. Integers in keys are big-endian so that byte
 * order is numeric order; "varint" is LEB128 (7 bits a byte, low first).
 *
 *   meta    ASCII name -> 8-byte little-endian unsigned counter:
 *             "format"      the format version (GW_FORMAT_VERSION); checked on open
 *             "analyzer"    GW_ANALYZER_VERSION the terms were made with
 *             "ndocs"       live documents
 *             "next_docid"  the next internal docid to hand out (from 1)
 *             "flen:<fid>"  sum of the field lengths (tokens) of field fid
 *             "fdocs:<fid>" documents that have field fid
 *           and one blob:
 *             "zdict"       the zstd dictionary of the packed texts, trained
 *                           on the texts of the first batch large enough
 *                           (gw_zdict_train); never replaced, so every
 *                           record packed with it stays readable
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
 *             read one leaf page, not one per field.
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
 * its runs only (gw_char_position_kept; post: 29.9 -> 26.2 MB). An index
 * of an older format is refused with GW_EVERSION: rebuild it. */
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

#define MAP_MIN ((size_t)1 << 30)
/* The meta key of the texts' zstd dictionary (a blob, not a counter). */
#define ZDICT_KEY "zdict"

struct gw_store {
	MDB_env *env;
	MDB_dbi meta, fields, ids, docs, lens, norms, post;
	int missing;       /* databases the index lacks (open_dbs) */
	int write;
	char *path;
	/* The index's zstd dictionary, read by the first read txn that
	 * needs it (gw_txn_zdict): once written, it never changes. */
	gw_zdict *zdict;
	pthread_mutex_t zlock;
};

struct gw_txn {
	gw_store *s;
	MDB_txn *txn;
	int write;
	/* An upper bound of the post database's last key (see put_chunk):
	 * keys above it are appended. */
	unsigned char post_max[600];
	size_t post_max_len;
	int post_max_known;
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

struct gw_pl {
	gw_pl_head h;      /* first: gw_pl_skip reads it (gw_store.h) */
	MDB_cursor *cur;
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
static const char *const db_names[GW_STORE_NDBS] = {"meta", "fields", "ids", "docs", "lens", "norms", "post"};

/* s's handles of the databases, in db_names' order. */
static void db_handles(gw_store *s, MDB_dbi *h[GW_STORE_NDBS])
{
	MDB_dbi *const all[GW_STORE_NDBS] = {&s->meta, &s->fields, &s->ids, &s->docs, &s->lens, &s->norms, &s->post};

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

gw_rc gw_txn_commit(gw_txn *t, gw_err *err)
{
	gw_store *s = t->s;
	int rc = mdb_txn_commit(t->txn);

	gw_chunk_builder_free(&t->cb);
	gw_zdict_free(t->zdict);
	free(t);
	return rc ? write_err(s, err, rc, "write failed") : GW_OK;
}

gw_rc gw_txn_checkpoint(gw_txn *t, gw_err *err)
{
	int rc = mdb_txn_commit(t->txn);

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
	gw_chunk_builder_free(&t->cb);
	gw_zdict_free(t->zdict);
	free(t);
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
	return GW_OK;
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

/* 1 if key k is above every postings key (so it can be appended, and no
 * chunk of its term exists). t->post_max is the last key when first needed,
 * then raised by each append; deletes only lower the real last key, so it
 * stays an upper bound. */
static int above_post_max(gw_txn *t, const unsigned char *k, size_t klen)
{
	if (!t->post_max_known) {
		MDB_cursor *cur;
		MDB_val lk, lv;
		t->post_max_len = sizeof t->post_max; /* unknown: above nothing */
		memset(t->post_max, 0xff, sizeof t->post_max);
		if (mdb_cursor_open(t->txn, t->s->post, &cur) == 0) {
			int rc = mdb_cursor_get(cur, &lk, &lv, MDB_LAST);
			if (rc == MDB_NOTFOUND) {
				t->post_max_len = 0;
			} else if (rc == 0 && lk.mv_size <= sizeof t->post_max) {
				memcpy(t->post_max, lk.mv_data, lk.mv_size);
				t->post_max_len = lk.mv_size;
			}
			mdb_cursor_close(cur);
		}
		t->post_max_known = 1;
	}
	return gw_key_cmp(k, klen, t->post_max, t->post_max_len) > 0;
}

/* Room for the chunk value of size bytes at chunk key kb (klen bytes),
 * into *out, for the caller to fill (MDB_RESERVE: no copy). A key above
 * every postings key is appended (MDB_APPEND splits a full page at its end,
 * so pages filled in key order stay full) and raises t->post_max; any other
 * goes where it sorts. */
static gw_rc reserve_chunk(gw_txn *t, const unsigned char *kb, size_t klen, size_t size, void **out,
                           gw_err *err)
{
	MDB_val key = {klen, (void *)kb}, val = {size, NULL};
	int rc = MDB_KEYEXIST;

	if (above_post_max(t, kb, klen) &&
	    (rc = mdb_put(t->txn, t->s->post, &key, &val, MDB_APPEND | MDB_RESERVE)) == 0) {
		memcpy(t->post_max, kb, klen);
		t->post_max_len = klen;
	}
	if (rc == MDB_KEYEXIST) /* not above the last key after all */
		rc = mdb_put(t->txn, t->s->post, &key, &val, MDB_RESERVE);
	if (rc)
		return write_err(t->s, err, rc, "cannot write");
	t->written += klen + size;
	*out = val.mv_data;
	return GW_OK;
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

gw_rc gw_post_append(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	unsigned char kb[600];
	int found, rc;

	if (tklen + 4 > 511)
		return gw_err_set(err, GW_EINVAL, 0, "term too long");
	gw_chunk_builder_reset(b);
	/* A term new to the index (every term of a first build) has no chunk
	 * to look for. */
	chunk_key(kb, tkey, tklen, 0);
	if (above_post_max(t, kb, tklen + 4))
		return put_new_list(t, tkey, tklen, l, err);
	if (post_cursor(t, &cur, err))
		return err->rc;
	found = seek_chunk(cur, tkey, tklen, UINT32_MAX, &k, &v, &rc);
	if (rc) {
		lmdb_err(err, rc, "cannot read postings");
		goto done;
	}
	/* Refill the last chunk if it has room; its key stays the same. */
	if (found && gw_chunk_open(&r, v.mv_data, v.mv_size, gw_be32_get((unsigned char *)k.mv_data + tklen),
	                           NULL) == 0 &&
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

gw_rc gw_pl_open(gw_txn *t, const void *tkey, size_t tklen, gw_pl **out, gw_err *err)
{
	gw_pl *pl;
	MDB_val k, v;
	unsigned char kb[600];
	int rc;

	*out = NULL;
	if (tklen + 4 > sizeof kb)
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
	if (rc) {
		gw_pl_close(pl);
		return rc == MDB_NOTFOUND ? GW_OK : lmdb_err(err, rc, "cannot read postings");
	}
	if ((rc = pl_load(pl, &k, &v)) != 1) {
		gw_pl_close(pl);
		return rc < 0 ? gw_err_set(err, GW_EFORMAT, 0, "damaged posting list") : GW_OK;
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
		if (mdb_cursor_get(pl->cur, &k, &v, MDB_NEXT) != 0 || (rc = pl_load(pl, &k, &v)) == 0) {
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

gw_rc gw_post_each(gw_txn *t,
                   int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                   void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->s->post, &cur);

	if (rc)
		return lmdb_err(err, rc, "cannot read postings");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size))
			break;
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? lmdb_err(err, rc, "cannot read postings") : GW_OK;
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

gw_rc gw_term_prefix_each(gw_txn *t, unsigned fid, int kind, const char *prefix, size_t len,
                          int (*fn)(void *ctx, const void *tkey, size_t tklen), void *ctx,
                          gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[520], seek[520], last[520];
	size_t lastlen = 0;
	int rc;

	if (len + 1 > 500)
		return GW_OK;
	kb[0] = (unsigned char)kind;
	memcpy(kb + 1, prefix, len);
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &cur)))
		return lmdb_err(err, rc, "cannot read postings");
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
			if (fn(ctx, last, tklen))
				break;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? lmdb_err(err, rc, "cannot read postings") : GW_OK;
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
