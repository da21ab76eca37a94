/* gw_zip: ZIP archives on libzip, within limits (see gw_zip.h).
 *
 * libzip does the format: the central directory, the local headers,
 * deflate (and whatever else its build has), CRC checks, ZIP64. What is
 * here: the limits against zip bombs, counted on the bytes an entry really
 * gives rather than on the sizes the archive declares; one normalised
 * spelling of every name; lookups that forgive the spellings producers use;
 * and a message for each way an archive can be unusable. */
#include "read/gw_zip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <unicode/ucnv.h>
#include <zip.h>

#include "base/gw_limits.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

/* An entry may give this much whatever its compression ratio. */
#define RATIO_GRACE (1 << 20)

struct zname {
	const char *name;
	size_t i;
};

struct gw_zip {
	zip_t *za;
	size_t n;
	char **names;   /* n normalised names (owned) */
	struct zname *sorted; /* the names in strcmp order, with their entries */
	size_t total;   /* uncompressed bytes read */
};

/* ---- names ---------------------------------------------------------------- */

size_t gw_zip_normalize(char *name)
{
	char *out = name, *p = name;

	for (char *q = name; *q; q++)
		if (*q == '\\')
			*q = '/';
	while (*p) {
		char *seg = p;
		size_t len;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (*p == '/')
			p++;
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			/* drop the last component written */
			while (out > name && out[-1] == '/')
				out--;
			while (out > name && out[-1] != '/')
				out--;
			continue;
		}
		memmove(out, seg, len);
		out += len;
		if (seg[len] == '/')
			*out++ = '/';
	}
	*out = '\0';
	return (size_t)(out - name);
}

/* A copy of the raw name s[0..n) as UTF-8: as it is when it is UTF-8, else
 * decoded as GB18030 (never fails but for memory). */
static char *utf8_name(const char *s, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv;
	char *out;
	int32_t len;

	if (gw_utf8_valid(s, n))
		return strndup(s, n);
	if (!(out = malloc(4 * n + 1)))
		return NULL;
	cv = ucnv_open("GB18030", &st);
	len = U_SUCCESS(st) ? ucnv_toAlgorithmic(UCNV_UTF8, cv, out, (int32_t)(4 * n + 1), s,
	                                         (int32_t)n, &st)
	                    : 0;
	if (cv)
		ucnv_close(cv);
	if (U_FAILURE(st) || len < 0 || !gw_utf8_valid(out, (size_t)len)) {
		/* undecodable: keep what is ASCII */
		len = 0;
		for (size_t i = 0; i < n; i++)
			out[len++] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	}
	out[len] = '\0';
	return out;
}

/* Names in strcmp order, equal ones in entry order. */
static int cmp_zname(const void *a, const void *b)
{
	const struct zname *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Reads and normalises every name; returns 0, or -1 when out of memory. */
static int load_names(gw_zip *z)
{
	if (!(z->names = calloc(z->n + 1, sizeof *z->names)) ||
	    !(z->sorted = malloc((z->n + 1) * sizeof *z->sorted)))
		return -1;
	for (size_t i = 0; i < z->n; i++) {
		const char *raw = zip_get_name(z->za, i, ZIP_FL_ENC_RAW);
		if (!(z->names[i] = utf8_name(raw ? raw : "", raw ? strlen(raw) : 0)))
			return -1;
		gw_zip_normalize(z->names[i]);
		z->sorted[i] = (struct zname){z->names[i], i};
	}
	qsort(z->sorted, z->n, sizeof *z->sorted, cmp_zname);
	return 0;
}

/* The first entry (in entry order) of the exact name, or -1. */
static long find_exact(const gw_zip *z, const char *name)
{
	size_t lo = 0, hi = z->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(z->sorted[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < z->n && strcmp(z->sorted[lo].name, name) == 0 ? (long)z->sorted[lo].i : -1;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %XX escapes of s in place; returns 1 if there were any. */
static int unescape(char *s)
{
	char *o = s;
	int any = 0;

	for (char *p = s; *p; p++) {
		if (p[0] == '%' && hexval((unsigned char)p[1]) >= 0 && hexval((unsigned char)p[2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
			p += 2;
			any = 1;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return any;
}

long gw_zip_find(const gw_zip *z, const char *name)
{
	char *key = strdup(name);
	long i = -1;

	if (!key)
		return -1;
	gw_zip_normalize(key);
	if (key[0] && key[strlen(key) - 1] != '/') {
		i = find_exact(z, key);
		for (size_t k = 0; i < 0 && k < z->n; k++)
			if (strcasecmp(z->names[k], key) == 0)
				i = (long)k;
		if (i < 0 && unescape(key)) {
			gw_zip_normalize(key);
			i = find_exact(z, key);
		}
	}
	free(key);
	return i;
}

const char *gw_zip_resolve(const char *base, const char *ref, gw_buf *out)
{
	gw_buf_reset(out);
	if (ref[0] != '/' && ref[0] != '\\' && base) {
		const char *slash = strrchr(base, '/');
		if (slash)
			gw_buf_append(out, base, (size_t)(slash - base) + 1);
	}
	gw_buf_puts(out, ref);
	gw_buf_putc(out, '\0');
	if (!gw_buf_ok(out))
		return NULL;
	out->len = gw_zip_normalize((char *)out->p);
	return (const char *)out->p;
}

/* ---- open ----------------------------------------------------------------- */

/* What bytes that are not a ZIP archive are, from their start. */
static const char *not_zip(const unsigned char *p, size_t n)
{
	if (n == 0)
		return "an empty file, not a ZIP archive";
	if (n >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return "an OLE2 compound file (an encrypted Office document, or the old "
		       ".doc/.xls format), not a ZIP archive";
	if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "a PDF file, not a ZIP archive";
	if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
		return "not a readable ZIP archive (truncated or damaged?)";
	if (n >= 5 && (memcmp(p, "<?xml", 5) == 0 || memcmp(p, "<", 1) == 0))
		return "an XML or HTML text, not a ZIP archive (a flat XML export?)";
	return "not a ZIP archive";
}

static gw_rc open_error(int code, const unsigned char *head, size_t nhead, gw_err *err)
{
	zip_error_t ze;
	gw_rc rc;

	if (code == ZIP_ER_MEMORY)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS || code == ZIP_ER_EOF)
		return gw_err_set(err, GW_EINVAL, 0, "%s", not_zip(head, nhead));
	zip_error_init_with_code(&ze, code);
	rc = gw_err_set(err, GW_EINVAL, 0, "not a readable ZIP archive: %s", zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return rc;
}

/* Finishes opening z around za: the entry count and the names. */
static gw_rc setup(zip_t *za, gw_zip **out, gw_err *err)
{
	zip_int64_t n = zip_get_num_entries(za, 0);
	gw_zip *z;

	if (n < 0 || (uint64_t)n > GW_ZIP_ENTRIES_MAX) {
		zip_discard(za);
		return gw_err_set(err, GW_EINVAL, 0, "a ZIP archive of %lld entries, more than "
		                  "GW_ZIP_ENTRIES_MAX (%d): not read", (long long)n, GW_ZIP_ENTRIES_MAX);
	}
	if (!(z = calloc(1, sizeof *z))) {
		zip_discard(za);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	z->za = za;
	z->n = (size_t)n;
	if (load_names(z)) {
		gw_zip_close(z);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	*out = z;
	return GW_OK;
}

gw_rc gw_zip_open_mem(const void *p, size_t len, gw_zip **out, gw_err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int code;

	*out = NULL;
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(len ? p : "", len, 0, &ze))) {
		zip_error_fini(&ze);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	if (!(za = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		code = zip_error_code_zip(&ze);
		zip_source_free(src);
		zip_error_fini(&ze);
		return open_error(code, p, len, err);
	}
	zip_error_fini(&ze);
	return setup(za, out, err);
}

gw_rc gw_zip_open_fd(int fd, gw_zip **out, gw_err *err)
{
	unsigned char head[8];
	ssize_t got = pread(fd, head, sizeof head, 0);
	int dup_fd, code = 0;
	zip_t *za;

	*out = NULL;
	if (got < 0)
		return gw_err_set(err, GW_EIO, errno, "read error: %s", strerror(errno));
	if ((dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return gw_err_set(err, GW_EIO, errno, "cannot open: %s", strerror(errno));
	/* zip_fdopen reads from the current offset: start at 0 */
	if (lseek(dup_fd, 0, SEEK_SET) != 0 && errno != ESPIPE) {
		close(dup_fd);
		return gw_err_set(err, GW_EIO, errno, "cannot seek: %s", strerror(errno));
	}
	if (!(za = zip_fdopen(dup_fd, ZIP_RDONLY, &code))) {
		close(dup_fd);
		return open_error(code, head, (size_t)got, err);
	}
	return setup(za, out, err);
}

void gw_zip_close(gw_zip *z)
{
	if (!z)
		return;
	if (z->za)
		zip_discard(z->za);
	for (size_t i = 0; z->names && i < z->n; i++)
		free(z->names[i]);
	free(z->names);
	free(z->sorted);
	free(z);
}

size_t gw_zip_count(const gw_zip *z)
{
	return z->n;
}

const char *gw_zip_name(const gw_zip *z, size_t i)
{
	return i < z->n ? z->names[i] : NULL;
}

size_t gw_zip_total(const gw_zip *z)
{
	return z->total;
}

/* ---- read ----------------------------------------------------------------- */

/* The error of reading an entry, from libzip's code. */
static gw_rc read_error(const char *name, int code, gw_err *err)
{
	char q[GW_EXCERPT_SIZE];
	zip_error_t ze;
	gw_rc rc;

	gw_excerpt_str(q, name);
	switch (code) {
	case ZIP_ER_MEMORY:
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	case ZIP_ER_CRC:
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' is damaged (CRC error)", q);
	case ZIP_ER_NOPASSWD:
	case ZIP_ER_WRONGPASSWD:
	case ZIP_ER_ENCRNOTSUPP:
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' is encrypted: not read", q);
	case ZIP_ER_COMPNOTSUPP:
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' uses a compression method libzip "
		                  "cannot read", q);
	case ZIP_ER_EOF:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK:
	case ZIP_ER_ZLIB:
	case ZIP_ER_COMPRESSED_DATA:
	case ZIP_ER_INCONS:
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' is truncated or damaged", q);
	default:
		zip_error_init_with_code(&ze, code);
		rc = gw_err_set(err, GW_EINVAL, 0, "part '%s' cannot be read: %s", q,
		                zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
}

/* Checks the bytes an entry has given so far against the limits. */
static gw_rc check_limits(const gw_zip *z, const char *name, uint64_t got, uint64_t comp,
                          gw_err *err)
{
	char q[GW_EXCERPT_SIZE];

	if (got > GW_ZIP_ENTRY_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' is more than GW_ZIP_ENTRY_MAX (%d) "
		                  "bytes uncompressed: not read", gw_excerpt_str(q, name),
		                  GW_ZIP_ENTRY_MAX);
	if (z->total + got > (uint64_t)GW_ZIP_TOTAL_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "more than GW_ZIP_TOTAL_MAX (%d) bytes "
		                  "uncompressed read from the archive (at part '%s'): not read",
		                  GW_ZIP_TOTAL_MAX, gw_excerpt_str(q, name));
	if (got > RATIO_GRACE && got / (comp ? comp : 1) > GW_ZIP_RATIO_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' expands more than GW_ZIP_RATIO_MAX "
		                  "(%d) times its compressed size (%llu bytes): a zip bomb? not read",
		                  gw_excerpt_str(q, name), GW_ZIP_RATIO_MAX,
		                  (unsigned long long)comp);
	return GW_OK;
}

gw_rc gw_zip_read(gw_zip *z, long i, gw_buf *out, gw_err *err)
{
	const char *name;
	zip_stat_t st;
	zip_file_t *f;
	uint64_t comp, got = 0;
	gw_rc rc = GW_OK;

	gw_buf_reset(out);
	if (i < 0 || (size_t)i >= z->n)
		return gw_err_set(err, GW_ENOTFOUND, 0, "no such part in the archive");
	name = z->names[i];
	zip_stat_init(&st);
	if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0)
		return read_error(name, zip_error_code_zip(zip_get_error(z->za)), err);
	comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	if ((st.valid & ZIP_STAT_SIZE) && (rc = check_limits(z, name, st.size, st.size, err)))
		return rc;
	if (!(f = zip_fopen_index(z->za, (zip_uint64_t)i, 0)))
		return read_error(name, zip_error_code_zip(zip_get_error(z->za)), err);
	for (;;) {
		zip_int64_t n;
		if (gw_buf_reserve(out, 65536)) {
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			break;
		}
		n = zip_fread(f, out->p + out->len, out->cap - out->len);
		if (n < 0) {
			rc = read_error(name, zip_error_code_zip(zip_file_get_error(f)), err);
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		got += (uint64_t)n;
		if ((rc = check_limits(z, name, got, comp, err)) != GW_OK)
			break;
	}
	zip_fclose(f);
	z->total += (size_t)got;
	if (rc != GW_OK)
		gw_buf_reset(out);
	return rc;
}

gw_rc gw_zip_read_name(gw_zip *z, const char *name, gw_buf *out, gw_err *err)
{
	long i = gw_zip_find(z, name);
	char q[GW_EXCERPT_SIZE];

	if (i < 0) {
		gw_buf_reset(out);
		return gw_err_set(err, GW_ENOTFOUND, 0, "no part '%s' in the archive",
		                  gw_excerpt_str(q, name));
	}
	return gw_zip_read(z, i, out, err);
}
