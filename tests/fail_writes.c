/* fail_writes: an LD_PRELOAD shim for e2e_disk.sh that makes writes to an
 * index's data.mdb fail the way a filesystem out of room or over a quota
 * does, where no such filesystem can be made (this kernel has no quota
 * support: tmpfs, ext4 and XFS all refuse usrquota).
 *
 *   GW_FAIL_ERRNO  the errno name to fail with: EDQUOT (default), ENOSPC
 *   GW_FAIL_AFTER  bytes let through to data.mdb before writes fail
 *                  (default 0): a budget in the middle of a commit leaves
 *                  written pages behind, as a disk that fills up does
 *
 * A write that would cross the budget writes nothing and fails: LMDB
 * reports a short write as EIO, and the indexer must be seen to name the
 * errno. Writes to other files (lock.mdb, stderr) go through. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t written;

static int fail_errno(void)
{
	const char *e = getenv("GW_FAIL_ERRNO");

	return e && strcmp(e, "ENOSPC") == 0 ? ENOSPC : EDQUOT;
}

/* 1 if a write of n bytes to fd must fail; else counts them. */
static int must_fail(int fd, size_t n)
{
	char link[64], target[4096];
	const char *after = getenv("GW_FAIL_AFTER");
	size_t budget = after ? (size_t)strtoull(after, NULL, 10) : 0;
	ssize_t len;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	len = readlink(link, target, sizeof target - 1);
	if (len < 8)
		return 0;
	target[len] = '\0';
	if (strcmp(target + len - 8, "data.mdb") != 0)
		return 0;
	if (written + n > budget) {
		errno = fail_errno();
		return 1;
	}
	written += n;
	return 0;
}

static size_t iov_bytes(const struct iovec *iov, int n)
{
	size_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += iov[i].iov_len;
	return sum;
}

/* The real function named name (dlsym's object pointer to a function
 * pointer goes through memcpy: ISO C has no cast between them). */
#define REAL(type, name)                                                                         \
	type real_;                                                                              \
	do {                                                                                     \
		void *sym_ = dlsym(RTLD_NEXT, name);                                             \
		memcpy(&real_, &sym_, sizeof real_);                                             \
	} while (0)

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write_fn, "write");
	return must_fail(fd, n) ? -1 : real_(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite_fn, "pwrite");
	return must_fail(fd, n) ? -1 : real_(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite_fn, "pwrite64");
	return must_fail(fd, n) ? -1 : real_(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	REAL(writev_fn, "writev");
	return must_fail(fd, iov_bytes(iov, n)) ? -1 : real_(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	REAL(pwritev_fn, "pwritev");
	return must_fail(fd, iov_bytes(iov, n)) ? -1 : real_(fd, iov, n, off);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int n, off_t off)
{
	REAL(pwritev_fn, "pwritev64");
	return must_fail(fd, iov_bytes(iov, n)) ? -1 : real_(fd, iov, n, off);
}
