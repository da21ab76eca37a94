/* gw_zip: the ZIP layer of the readers of .docx, .xlsx and .ofd files, on
 * libzip. An archive is opened from memory or from a file descriptor, its
 * entries listed and read by name, within the limits of gw_limits.h that
 * keep a zip bomb from costing more than a big file would:
 *
 *   GW_ZIP_ENTRIES_MAX  entries of the archive (refused at open),
 *   GW_ZIP_ENTRY_MAX    uncompressed bytes of one entry (its declared size
 *                       and what it really gives),
 *   GW_ZIP_TOTAL_MAX    uncompressed bytes read from the archive in all,
 *   GW_ZIP_RATIO_MAX    uncompressed bytes per compressed byte of an entry
 *                       once it has given 1 MB.
 *
 * Names are normalised once, at open: '\' becomes '/', "./" components,
 * a leading '/' and repeated '/' go, ".." takes the component before it
 * away; a name that is not UTF-8 (an archive made on a Chinese Windows
 * without the UTF-8 flag) is read as GB18030. Lookups go by the normalised
 * name, then ignoring ASCII case, then with %XX escapes decoded, so the
 * spellings producers use for one part (`/Doc_0/Pages/Page_0/Content.xml`,
 * `Doc_0\Pages\...`, `Res/a%20b.png`) all find it. A name may hold any
 * character: '&', spaces, Han. */
#ifndef GW_ZIP_H
#define GW_ZIP_H

#include <stddef.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"

typedef struct gw_zip gw_zip;

/* Opens the archive p[0..len) (borrowed: it must outlive the gw_zip).
 * Errors: GW_EINVAL with a message saying what the bytes are instead
 * ("not a ZIP archive (truncated or damaged?)", "an OLE2 compound file
 * (an encrypted Office document, or an old .doc/.xls)", "N entries, more
 * than GW_ZIP_ENTRIES_MAX (50000)"), GW_ENOMEM. */
gw_rc gw_zip_open_mem(const void *p, size_t len, gw_zip **out, gw_err *err);

/* The same for the open file fd (not closed, not moved: the archive reads
 * its own duplicate of it). Errors as gw_zip_open_mem, and GW_EIO. */
gw_rc gw_zip_open_fd(int fd, gw_zip **out, gw_err *err);

/* Closes z (NULL is fine). */
void gw_zip_close(gw_zip *z);

/* Entries of the archive, directories included, and the normalised name of
 * entry i (valid until gw_zip_close). */
size_t gw_zip_count(const gw_zip *z);
const char *gw_zip_name(const gw_zip *z, size_t i);

/* The entry named name (normalised as the entries' names are), or -1. */
long gw_zip_find(const gw_zip *z, const char *name);

/* Appends the uncompressed bytes of entry i to out (reset first). Errors:
 * GW_EINVAL naming the entry and the cause: a limit above, a CRC error,
 * a truncated or damaged entry, encryption, an unknown compression
 * method; GW_ENOMEM. */
gw_rc gw_zip_read(gw_zip *z, long i, gw_buf *out, gw_err *err);

/* gw_zip_read of the entry named name; GW_ENOTFOUND ("no part 'name' in
 * the archive") when there is none. */
gw_rc gw_zip_read_name(gw_zip *z, const char *name, gw_buf *out, gw_err *err);

/* Uncompressed bytes read from z so far. */
size_t gw_zip_total(const gw_zip *z);

/* Normalises the NUL-terminated name in place (see above); returns its
 * new length. */
size_t gw_zip_normalize(char *name);

/* The part that ref names, seen from the part base: ref as it is when it
 * starts with '/', else relative to base's folder; written normalised to
 * out (reset first, NUL-terminated). Returns out's string, or NULL when
 * out of memory. */
const char *gw_zip_resolve(const char *base, const char *ref, gw_buf *out);

#endif
