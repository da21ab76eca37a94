/* gw_lmdb_err: LMDB's return codes as gw_err, for every file of store/ that
 * calls LMDB (gw_store.c and gw_post.c). A module of its own so that the
 * posting lists do not call back into gw_store.c, which calls them: the
 * dependencies between the files of store/ run one way. */
#include <errno.h>
#include <stdarg.h>
#include <lmdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "store/gw_store_impl.h"
#include "text/gw_escape.h"

/* What gw_verify.c's guard found wrong with the page it refused to let
 * LMDB read (this thread's last refusal), for the message of the
 * MDB_CORRUPTED it returned. */
static _Thread_local char page_damage[512];

void gw_store_page_damage(const char *what)
{
	if (what)
		snprintf(page_damage, sizeof page_damage, "%s", what);
	else
		page_damage[0] = '\0';
}

gw_rc gw_store_lmdb_err(gw_err *err, int rc, const char *what)
{
	if (rc == MDB_CORRUPTED && page_damage[0]) {
		gw_rc r = gw_err_set(err, GW_ECORRUPT, rc, "index damaged: %s (%s)", page_damage, what);
		page_damage[0] = '\0';
		return r;
	}
	/* LMDB's own checks of its pages (it has few: gw_verify.c). */
	if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_INCOMPATIBLE)
		return gw_err_set(err, GW_ECORRUPT, rc, "index damaged: %s: %s", what, mdb_strerror(rc));
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

/* A key as a message shows it: a term key (post, small) as
 * kind:term/fid, with @first for a chunk's; a be32 key as its number;
 * the bytes of a term or of any other key escaped and cut as every input a
 * message quotes (gw_escape.h). */
static void show_key(char *out, size_t cap, const char *table, const unsigned char *k, size_t klen)
{
	const unsigned char *end = k + klen, *nul = klen > 2 ? memchr(k + 1, 0, klen - 1) : NULL;
	int post = strcmp(table, "post") == 0, small = strcmp(table, "small") == 0;
	char term[GW_EXCERPT_SIZE];

	if (klen == 4 && !post && !small && strcmp(table, "ids") != 0) {
		snprintf(out, cap, "%u", (unsigned)gw_be32_get(k));
		return;
	}
	if ((post || small) && nul && ((size_t)(end - nul) == 2 || (size_t)(end - nul) == 6) && k[0] >= 'a' &&
	    k[0] <= 'z') {
		gw_excerpt(term, (const char *)k + 1, (size_t)(nul - k - 1));
		if (end - nul == 6)
			snprintf(out, cap, "%c:%s/%u@%u", k[0], term, nul[1], (unsigned)gw_be32_get(nul + 2));
		else
			snprintf(out, cap, "%c:%s/%u", k[0], term, nul[1]);
		return;
	}
	snprintf(out, cap, "%s", gw_excerpt(term, (const char *)k, klen));
}

gw_rc gw_damaged(gw_err *err, const char *table, const void *key, size_t klen, const char *fmt, ...)
{
	char what[800], shown[GW_EXCERPT_SIZE + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	/* The page the guard refused, when that is why the value is missing. */
	if (page_damage[0]) {
		size_t n = strlen(what);
		snprintf(what + n, sizeof what - n, " (%s)", page_damage);
		page_damage[0] = '\0';
	}
	if (!key)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table %s: %s", table, what);
	show_key(shown, sizeof shown, table, key, klen);
	return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table %s, key '%s': %s", table, shown, what);
}
