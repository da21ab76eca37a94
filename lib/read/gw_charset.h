/* gw_charset: text files that are not UTF-8.
 *
 * Notices saved on a mainland Windows machine are GBK (GB18030 is its
 * superset), on a Taiwan or Hong Kong one Big5 (with HKSCS), and Notepad's
 * "Unicode" is UTF-16 with a byte order mark. Read as UTF-8 they were all
 * U+FFFD. The charset is told from a BOM, else, for input that is not valid
 * UTF-8, by ICU's charset detector (ucsdet: byte patterns and the
 * frequencies of common characters) among the Chinese ones only; UTF-8
 * with a few stray bytes stays UTF-8. */
#ifndef GW_CHARSET_H
#define GW_CHARSET_H

#include <stddef.h>

#include "base/gw_buf.h"

/* Bytes at the start of an input the detector looks at. */
#define GW_CHARSET_SNIFF 65536

/* If p[0..len) is text in another charset than UTF-8, appends it to out
 * converted to UTF-8 and returns the charset's name ("GB18030", "Big5",
 * "UTF-16LE", "UTF-16BE"); *bad is the number of characters that had no
 * mapping (each written as U+FFFD). Returns NULL if p is to be read as
 * UTF-8 (it is, or no other charset fits), out untouched, and on
 * allocation failure (sticky in out: gw_buf_ok). */
const char *gw_charset_utf8(const char *p, size_t len, gw_buf *out, size_t *bad);

#endif
