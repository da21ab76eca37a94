/* vanish: an LD_PRELOAD shim for e2e_badinput.sh that removes a file just
 * before the indexer opens it, as a file deleted by someone else between
 * the walk's listing of its directory and the read does. Deterministic,
 * where a real race would not be.
 *
 *   GW_VANISH  the last path component of the file to remove; every
 *              open() and fopen() of a path ending in "/" GW_VANISH first
 *              unlinks it, then opens as usual (and so fails: ENOENT)
 *
 * Built by the test itself (cc -shared), never sanitized: it is loaded
 * into the sanitized programs of make SAN=1 test. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void maybe_unlink(const char *path)
{
	const char *name = getenv("GW_VANISH"), *slash = path ? strrchr(path, '/') : NULL;

	if (name && *name && strcmp(slash ? slash + 1 : path, name) == 0)
		unlink(path);
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	maybe_unlink(path);
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open64");
	maybe_unlink(path);
	return real(path, flags, mode);
}

FILE *fopen(const char *path, const char *m)
{
	static FILE *(*real)(const char *, const char *);

	if (!real)
		real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
	maybe_unlink(path);
	return real(path, m);
}
