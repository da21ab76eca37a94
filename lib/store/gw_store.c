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
 *             "fcjk:<fid>"  sum of the CJK characters of field fid
 *             "fdocs:<fid>" documents that have field fid
 *             "retired"     1 in an index that a compacted copy replaced
 *                           (gw_txn_retire): no write txn begins on it
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
 *             (fid:varint length:varint han:varint){nfields}
 *                 -- each field's length in tokens and its CJK characters
 *                 (its GW_T_CHAR tokens: gw_toklist_cjk)
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
 *             script:u8  nfields:u8  (fid:u8 length:varint han:varint){nfields}  id
 *           listing the indexed fields only; the id (its bytes up to the
 *           entry's end) is the record's.
 *           A copy of what ranking and printing hits' ids need from the
 *           record, packed so that scoring a match costs one lookup per
 *           block, not a record parse (gw_lens.h).
 *   norms   block:be32 -> norm:u32le per docid block * GW_NORMS_BLOCK + i,
 *           for i up to the block's last docid added; 0 where none was.
 *           A norm is 1 << 31 | script << 29 | field set << 16 | length
 *           code: the CJK characters of the indexed fields (if none, their
 *           length in tokens), rounded down
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
 *           Both are read and written by gw_post.c.
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
 * added the kinds of term of each field (meta "fkinds"); 9 -> 10 counted
 * each field's CJK characters (docs, lens, meta "fcjk:<fid>") and made the
 * norm's length theirs, for the focus factor of CJK queries. An
 * index of an older format is refused with GW_EVERSION: rebuild it. */
#include "store/gw_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "text/gw_analyzer.h"
#include "store/gw_record.h"
#include "store/gw_store_impl.h"

#define MAP_MIN ((size_t)1 << 30)
/* The meta key of the texts' zstd dictionary (a blob, not a counter). */
#define RETIRED_KEY "retired"
#define ZDICT_KEY "zdict"
/* The meta key of the fields' kinds of term (a blob: gw_fields_load). */
#define FKINDS_KEY "fkinds"

const char *gw_store_path(const gw_store *s) { return s->path; }

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

/* s's handles of the databases, in gw_db_names' order. */
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
		return gw_store_lmdb_err(err, rc, "cannot begin transaction");
	db_handles(s, dbi);
	s->missing = 0;
	for (size_t i = 0; i < GW_STORE_NDBS; i++) {
		rc = mdb_dbi_open(txn, gw_db_names[i], f, dbi[i]);
		if (rc == MDB_NOTFOUND && i == 0 && create) { /* a new index */
			f = MDB_CREATE;
			rc = mdb_dbi_open(txn, gw_db_names[i], f, dbi[i]);
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
			return gw_store_lmdb_err(err, rc, "cannot open databases");
		}
	}
	rc = mdb_txn_commit(txn);
	return rc ? gw_store_lmdb_err(err, rc, "cannot open databases") : GW_OK;
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

/* gw_store_open's flag for create_whole: create data.mdb where it is. */
#define OPEN_IN_PLACE 0x100

/* Removes what create_whole left in path: .new-PID where no process PID
 * runs (all of them if every_one: the index is being removed). */
static void remove_new(const char *path, int every_one)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char dir[4200], file[4300];

	while (d && (e = readdir(d))) {
		char *end;
		long pid;
		if (strncmp(e->d_name, ".new-", 5) != 0)
			continue;
		pid = strtol(e->d_name + 5, &end, 10);
		if (*end || pid <= 0 || (!every_one && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
			continue;
		snprintf(dir, sizeof dir, "%s/%s", path, e->d_name);
		snprintf(file, sizeof file, "%s/data.mdb", dir);
		unlink(file);
		snprintf(file, sizeof file, "%s/lock.mdb", dir);
		unlink(file);
		rmdir(dir);
	}
	if (d)
		closedir(d);
}

/* Makes a new index at path whole before it has its name: data.mdb is
 * created, its tables made and its versions stamped in path/.new-PID,
 * then moved to path/data.mdb without replacing one another process made
 * meanwhile. A first build killed while LMDB had written its meta pages
 * but not the tables, or the tables but not the versions, used to leave
 * a data.mdb no program would open ("not a gongwen index") where there
 * should be no index or an empty one. */
void gw_store_remove_new(const char *path)
{
	remove_new(path, 1);
}

static gw_rc create_whole(const char *path, gw_err *err)
{
	char tmp[4096], from[4200], to[4200];
	gw_store *s;
	gw_rc rc;

	remove_new(path, 0);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.new-%ld", path, (long)getpid()) >= sizeof tmp)
		return gw_err_set(err, GW_EINVAL, 0, "index path too long: '%s'", path);
	if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
		return gw_err_set(err, GW_EIO, errno, "cannot create '%s': %s", tmp, strerror(errno));
	rc = gw_store_open(&s, tmp, GW_OPEN_CREATE | OPEN_IN_PLACE, err);
	gw_store_close(s);
	if (rc != GW_OK && err) { /* name the index, not its scaffolding */
		char *at = strstr(err->msg, tmp), msg[sizeof err->msg];
		if (at) {
			snprintf(msg, sizeof msg, "%.*s%s%s", (int)(at - err->msg), err->msg, path, at + strlen(tmp));
			memcpy(err->msg, msg, sizeof msg);
		}
	}
	snprintf(from, sizeof from, "%s/data.mdb", tmp);
	snprintf(to, sizeof to, "%s/data.mdb", path);
	/* link(2) never replaces: EEXIST means another process made it. */
	if (rc == GW_OK && link(from, to) != 0 && errno != EEXIST &&
	    renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0 && errno != EEXIST)
		rc = gw_err_set(err, GW_EIO, errno, "cannot create '%s': %s", to, strerror(errno));
	unlink(from);
	snprintf(from, sizeof from, "%s/lock.mdb", tmp);
	unlink(from);
	rmdir(tmp);
	return rc;
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
		if (!(flags & OPEN_IN_PLACE) && create_whole(path, err))
			return err ? err->rc : GW_EIO;
	}
	s = calloc(1, sizeof *s);
	if (s) {
		static unsigned long gens;
		pthread_mutex_init(&s->zlock, NULL);
		pthread_mutex_init(&s->vlock, NULL);
		s->vgen = __atomic_add_fetch(&gens, 1, __ATOMIC_RELAXED);
	}
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
			gw_store_lmdb_err(err, rc, file);
		gw_store_close(s);
		return err ? err->rc : GW_ELMDB;
	}
	/* Readers killed mid-search leave their slots in lock.mdb claiming the
	 * snapshot they read, while any other process keeps the environment
	 * open (LMDB clears the table only when the first process opens it):
	 * no page freed since can be reused, and every batch grows the file
	 * (69 -> 326 MB over 10 batches, one searcher killed in 15). A writer
	 * clears them; a failure to is no reason not to write. */
	if (s->write)
		mdb_reader_check(s->env, NULL);
	/* Before LMDB reads a page: it believes what pages say. */
	if (gw_store_verify(s, s->write || (flags & GW_OPEN_VERIFY) ? GW_VERIFY_ALL : GW_VERIFY_MAIN, err) ||
	    open_dbs(s, create, err) || check_versions(s, err)) {
		gw_store_close(s);
		return err->rc;
	}
	*out = s;
	return GW_OK;
}

gw_rc gw_store_reader_check(gw_store *s, int *dead, gw_err *err)
{
	int n = 0, rc = mdb_reader_check(s->env, &n);

	if (dead)
		*dead = rc ? 0 : n;
	return rc ? gw_store_lmdb_err(err, rc, "cannot check the index's readers") : GW_OK;
}

void gw_store_close(gw_store *s)
{
	if (!s)
		return;
	if (s->env)
		mdb_env_close(s->env);
	gw_zdict_free(s->zdict);
	pthread_mutex_destroy(&s->zlock);
	pthread_mutex_destroy(&s->vlock);
	if (s->vmap)
		munmap(s->vmap, s->vmaplen);
	for (size_t i = 0; i < s->nvold; i++)
		munmap(s->vold[i].map, s->vold[i].len);
	free(s->vold);
	free(s->path);
	free(s);
}

gw_rc gw_store_grow(gw_store *s, gw_err *err)
{
	MDB_envinfo info;
	int rc;

	mdb_env_info(s->env, &info);
	rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
	return rc ? gw_store_lmdb_err(err, rc, "cannot grow the map") : GW_OK;
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
	return rc ? gw_store_lmdb_err(err, rc, "cannot reserve the map") : GW_OK;
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
	if (rc == MDB_READERS_FULL && mdb_reader_check(s->env, NULL) == 0) {
		/* The slots may be held by readers that were killed. */
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
	}
	if (rc) {
		free(t);
		return gw_store_lmdb_err(err, rc, "cannot begin transaction");
	}
	t->s = s;
	t->write = write;
	if (write) {
		/* An index replaced by its compacted copy while this process
		 * waited for the writer lock (gw_txn_retire): what it writes
		 * would be lost with the old file. */
		uint64_t retired = 0;
		gw_rc grc = gw_meta_get(t, RETIRED_KEY, &retired, err);
		if (grc || retired) {
			mdb_txn_abort(t->txn);
			free(t);
			return grc ? grc
			           : gw_err_set(err, GW_EIO, ESTALE,
			                        "index '%s' was replaced by a compacted copy while this process "
			                        "waited to write: nothing was written, run it again",
			                        s->path);
		}
	}
	*out = t;
	return GW_OK;
}

/* The end of the newest commit's last page ((me_last_pgno + 1) pages, in
 * bytes) into *end, data.mdb's descriptor into *fd_out; whether the file
 * is longer. */
static int past_end(gw_store *s, int *fd_out, off_t *end)
{
	MDB_envinfo info;
	MDB_stat ms;
	mdb_filehandle_t fd;
	struct stat st;

	if (mdb_env_info(s->env, &info) || mdb_env_stat(s->env, &ms) || mdb_env_get_fd(s->env, &fd) ||
	    fstat(fd, &st) != 0)
		return 0;
	*fd_out = fd;
	*end = (off_t)(info.me_last_pgno + 1) * (off_t)ms.ms_psize;
	return st.st_size > *end;
}

/* After a write txn that did not commit: gives back the space its pages
 * took in data.mdb past the end of the committed index. Returns whether
 * the file was cut.
 *
 * A commit that fails on a full disk (or a quota, or a file size limit)
 * has written what pages it could before failing, and a txn that spilled
 * dirty pages wrote those too: LMDB never shrinks data.mdb, which keeps
 * all the free space of the disk, and everything else on it fails (34.6 ->
 * 39.8 MB with 5 MB free). No committed page lies past the last page of the
 * newest commit (me_last_pgno): LMDB takes new pages at the end, from
 * there on, and never lowers it. So cutting the file to (me_last_pgno + 1)
 * pages, the size every commit leaves it at, is safe:
 * - the newest commit's pages all lie below that end;
 * - a reader of an older snapshot reads only pages below its own last
 *   page, never above the newest's;
 * - no writer can extend the file meanwhile: this runs in a write txn of
 *   its own, which holds LMDB's writer lock (a failed commit has released
 *   the failed txn's), and reads me_last_pgno under it.
 * The map keeps its size: nothing reads past the end. A file that is not
 * longer than that end (no txn failed) costs an fstat, and no lock. */
static int give_back(gw_store *s)
{
	MDB_txn *txn;
	off_t end;
	int fd, cut = 0;

	/* Without a failure the file ends there: no lock to wait for then
	 * (another process may be writing a long batch). */
	if (!past_end(s, &fd, &end))
		return 0;
	if (mdb_txn_begin(s->env, NULL, 0, &txn))
		return 0; /* e.g. MDB_PANIC: then touch nothing */
	/* Again under the lock: another writer may have committed since. */
	if (past_end(s, &fd, &end))
		cut = ftruncate(fd, end) == 0;
	mdb_txn_abort(txn);
	return cut;
}

static void txn_free(gw_txn *t)
{
	gw_post_txn_free(t);
	gw_zdict_free(t->zdict);
	free(t);
}

gw_rc gw_txn_commit(gw_txn *t, gw_err *err)
{
	gw_store *s = t->s;
	gw_rc ret;
	int rc;

	if (gw_post_txn_flush(t, err)) {
		gw_txn_abort(t);
		return err->rc;
	}
	rc = mdb_txn_commit(t->txn);
	txn_free(t);
	if (!rc)
		return GW_OK;
	/* The message first: it looks at the file's size and the free space. */
	ret = gw_store_write_err(s, err, rc, "write failed");
	give_back(s);
	return ret;
}

gw_rc gw_txn_checkpoint(gw_txn *t, gw_err *err)
{
	int rc;

	if (gw_post_txn_flush(t, err))
		return err->rc;
	rc = mdb_txn_commit(t->txn);
	t->txn = NULL;
	t->post_cur = NULL;
	t->written = 0;
	if (rc)
		return gw_store_write_err(t->s, err, rc, "write failed");
	if ((rc = mdb_txn_begin(t->s->env, NULL, 0, &t->txn)))
		return gw_store_lmdb_err(err, rc, "cannot begin transaction");
	return GW_OK;
}

gw_rc gw_store_seal(gw_store *s, gw_err *err)
{
	gw_txn *t;
	uint64_t v;

	if (gw_store_begin(s, 1, &t, err))
		return err->rc;
	/* The format version put again, unchanged: a page dirtied, so the
	 * commit is a new transaction. */
	if (gw_meta_get(t, "format", &v, err) || gw_meta_put(t, "format", v, err)) {
		gw_txn_abort(t);
		return err->rc;
	}
	return gw_txn_commit(t, err);
}

uint64_t gw_txn_written(const gw_txn *t) { return t->written; }

void gw_txn_abort(gw_txn *t)
{
	gw_store *s;
	int write;

	if (!t)
		return;
	s = t->s;
	write = t->write;
	if (t->txn) /* NULL after a failed checkpoint */
		mdb_txn_abort(t->txn);
	txn_free(t);
	if (write)
		give_back(s);
}

static gw_rc put(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
                 gw_err *err)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc = mdb_put(t->txn, dbi, &key, &val, 0);

	t->written += kl + vl;
	return rc ? gw_store_write_err(t->s, err, rc, "cannot write") : GW_OK;
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
	return rc ? gw_store_write_err(t->s, err, rc, "cannot write") : GW_OK;
}

/* Compares keys as LMDB's default order does: bytes, then length. */
static gw_rc del(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, gw_err *err)
{
	MDB_val key = {kl, (void *)k};
	int rc = mdb_del(t->txn, dbi, &key, NULL);

	return (rc && rc != MDB_NOTFOUND) ? gw_store_write_err(t->s, err, rc, "cannot delete") : GW_OK;
}

/* GW_ENOTFOUND (without touching err) if absent. */
static gw_rc get(gw_txn *t, MDB_dbi dbi, const void *k, size_t kl, MDB_val *val, gw_err *err)
{
	MDB_val key = {kl, (void *)k};
	int rc = gw_get(t->s, t->txn, dbi, &key, val);

	if (rc == MDB_NOTFOUND)
		return GW_ENOTFOUND;
	return rc ? gw_store_lmdb_err(err, rc, "cannot read") : GW_OK;
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
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table meta, key 'zdict': damaged or unreadable text dictionary");
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

	*v = 0;
	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	if (val.mv_size != 8)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table meta, key '%s': not an 8-byte counter", key);
	*v = gw_le64_get(val.mv_data);
	return GW_OK;
}

gw_rc gw_meta_put(gw_txn *t, const char *key, uint64_t v, gw_err *err)
{
	unsigned char b[8];

	gw_le64_put(b, v);
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
		return gw_store_lmdb_err(err, rc, "cannot read fields");
	for (rc = gw_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT)) {
		unsigned fid = v.mv_size ? *(const unsigned char *)v.mv_data : 0;
		if (fid == 0 || fid > GW_MAX_FIELDS || ft->fold[fid]) {
			gw_damaged(err, "fields", k.mv_data, k.mv_size, "field id %u out of range or taken twice", fid);
			mdb_cursor_close(cur);
			return err ? err->rc : GW_ECORRUPT;
		}
		ft->fold[fid] = dupn(k.mv_data, k.mv_size);
		ft->name[fid] = dupn((const char *)v.mv_data + 1, v.mv_size - 1);
		if (fid > ft->n)
			ft->n = fid;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return gw_store_lmdb_err(err, rc, "cannot read fields");
	for (unsigned i = 1; i <= ft->n; i++)
		if (!ft->fold[i] || !ft->name[i])
			return ft->fold[i] ? gw_err_set(err, GW_ENOMEM, 0, "out of memory")
			                   : gw_damaged(err, "fields", NULL, 0, "no field of id %u", i);
	/* The fields' kinds: 8 bytes (little-endian) a field, from field 1. */
	if ((rc = get(t, t->s->meta, FKINDS_KEY, sizeof FKINDS_KEY - 1, &v, err)) == GW_OK) {
		for (unsigned i = 1; i <= ft->n && i * 8 <= v.mv_size; i++)
			ft->kinds[i] = gw_le64_get((const unsigned char *)v.mv_data + (i - 1) * 8);
	} else if (rc != GW_ENOTFOUND) {
		return rc;
	}
	return GW_OK;
}

gw_rc gw_fields_save_kinds(gw_txn *t, const gw_fieldtab *ft, gw_err *err)
{
	unsigned char v[8 * GW_MAX_FIELDS];

	for (unsigned i = 1; i <= ft->n; i++)
		gw_le64_put(v + (i - 1) * 8, ft->kinds[i]);
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
		return gw_store_lmdb_err(err, rc, what);
	for (rc = gw_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT))
		if (k.mv_size != 4 || fn(ctx, gw_be32_get(k.mv_data), v.mv_data, v.mv_size))
			break;
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? gw_store_lmdb_err(err, rc, what) : GW_OK;
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
		return gw_store_lmdb_err(err, rc, "cannot read the index");
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
	rc = gw_cursor_get(c->cur, &k, &v, MDB_SET_KEY);
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
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table ids: damaged id entry");
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

uint64_t gw_txn_pages(const gw_txn *t)
{
	MDB_envinfo info;

	return mdb_env_info(t->s->env, &info) ? 0 : (uint64_t)info.me_last_pgno + 1;
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
		return gw_store_lmdb_err(err, rc, "cannot stat");
	while (gw_cursor_get(cur, &k, &v, MDB_NEXT) == 0)
		if (v.mv_size >= sizeof(size_t)) {
			size_t n;
			memcpy(&n, v.mv_data, sizeof n);
			st->free_bytes += (uint64_t)n * ms.ms_psize;
		}
	mdb_cursor_close(cur);
	if ((rc = mdb_stat(t->txn, t->s->post, &ms)))
		return gw_store_lmdb_err(err, rc, "cannot stat");
	st->post_chunks = ms.ms_entries;
	if ((rc = mdb_stat(t->txn, t->s->docs, &ms)))
		return gw_store_lmdb_err(err, rc, "cannot stat");
	st->docs = ms.ms_entries;
	if ((rc = mdb_stat(t->txn, t->s->ids, &ms)))
		return gw_store_lmdb_err(err, rc, "cannot stat");
	st->ids = ms.ms_entries;
	return GW_OK;
}

gw_rc gw_id_each(gw_txn *t, int (*fn)(void *ctx, const char *id, size_t len, uint32_t docid),
                 void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->s->ids, &cur);

	if (rc)
		return gw_store_lmdb_err(err, rc, "cannot read ids");
	for (rc = gw_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT))
		if (fn(ctx, k.mv_data, k.mv_size, v.mv_size == 4 ? gw_be32_get(v.mv_data) : 0))
			break;
	mdb_cursor_close(cur);
	return (rc && rc != MDB_NOTFOUND) ? gw_store_lmdb_err(err, rc, "cannot read ids") : GW_OK;
}

gw_rc gw_store_db_stats(gw_txn *t, gw_db_stat st[GW_STORE_NDBS], gw_err *err)
{
	MDB_dbi *dbi[GW_STORE_NDBS];
	MDB_stat ms;
	int rc;

	db_handles(t->s, dbi);
	for (int i = 0; i < GW_STORE_NDBS; i++) {
		if ((rc = mdb_stat(t->txn, *dbi[i], &ms)))
			return gw_store_lmdb_err(err, rc, "cannot stat");
		st[i].name = gw_db_names[i];
		st[i].entries = ms.ms_entries;
		st[i].depth = ms.ms_depth;
		st[i].pages = (uint64_t)ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
		st[i].bytes = st[i].pages * ms.ms_psize;
	}
	return GW_OK;
}

/* Bytes a packed copy writes between its commits. */
#define COPY_CHECKPOINT ((uint64_t)16 << 20)

/* Copies every record of src's database from into to's, in key order. */
static gw_rc copy_db(gw_txn *src, MDB_dbi from, gw_txn *dst, MDB_dbi to, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	gw_rc rc = GW_OK;
	int lrc;

	if ((lrc = mdb_cursor_open(src->txn, from, &cur)))
		return gw_store_lmdb_err(err, lrc, "cannot read the index");
	for (lrc = gw_cursor_get(cur, &k, &v, MDB_FIRST); lrc == 0 && rc == GW_OK;
	     lrc = gw_cursor_get(cur, &k, &v, MDB_NEXT)) {
		rc = put_append(dst, to, k.mv_data, k.mv_size, v.mv_data, v.mv_size, err);
		/* Bound the copy's dirty pages as a staged build does: LMDB
		 * holds them in memory until a commit (64 MB between commits
		 * made the copy the peak of a --memory 64 build, 127 MB
		 * resident against 111 MB while indexing). */
		if (rc == GW_OK && dst->written >= COPY_CHECKPOINT)
			rc = gw_txn_checkpoint(dst, err);
	}
	mdb_cursor_close(cur);
	if (rc == GW_OK && lrc != MDB_NOTFOUND)
		rc = gw_store_lmdb_err(err, lrc, "cannot read the index");
	return rc;
}

gw_rc gw_txn_copy_packed(gw_txn *src, const char *dest, gw_err *err)
{
	gw_store *d = NULL;
	gw_txn *dst = NULL;
	gw_rc rc;

	if ((rc = gw_store_open(&d, dest, GW_OPEN_CREATE, err)) || (rc = gw_store_reserve(d, 1, err)) ||
	    (rc = gw_store_begin(d, 1, &dst, err)))
		goto done;
	{
		MDB_dbi *from[GW_STORE_NDBS], *to[GW_STORE_NDBS];
		db_handles(src->s, from);
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
	gw_store_close(d);
	return rc;
}

gw_rc gw_store_copy_packed(gw_store *s, const char *dest, gw_err *err)
{
	gw_txn *src;
	gw_rc rc;

	if ((rc = gw_store_begin(s, 0, &src, err)))
		return rc;
	rc = gw_txn_copy_packed(src, dest, err);
	gw_txn_abort(src);
	return rc;
}

gw_rc gw_txn_retire(gw_txn *t, gw_err *err) { return gw_meta_put(t, RETIRED_KEY, 1, err); }
