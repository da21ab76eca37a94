/* gw_lmdb_err: LMDB's return codes as gw_err, for every file of store/ that
 * calls LMDB (gw_store.c and gw_post.c). A module of its own so that the
 * posting lists do not call back into gw_store.c, which calls them: the
 * dependencies between the files of store/ run one way. */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "store/gw_store_impl.h"

gw_rc gw_store_lmdb_err(gw_err *err, int rc, const char *what)
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
gw_rc gw_store_write_err(const gw_store *s, gw_err *err, int rc, const char *what)
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
	return gw_store_lmdb_err(err, rc, what);
}
