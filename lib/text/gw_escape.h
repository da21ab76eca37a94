/* gw_escape: input quoted in a message, made safe for a terminal.
 *
 * Messages name the input they are about (a column, a field name, a file,
 * an id), and input may hold anything: control characters that move the
 * cursor or clear the screen, invalid UTF-8, a megabyte on one line. Every
 * message that quotes input goes through here, so that what reaches a
 * terminal is printable UTF-8 and short:
 *
 *   - C0 controls (tab and newline included) and DEL are written as \xNN;
 *   - each byte of an invalid UTF-8 sequence is written as \xNN;
 *   - C1 controls (U+0080..U+009F), the line and paragraph separators and
 *     the bidirectional controls (which can make a line read backwards)
 *     are written as \uNNNN;
 *   - every other character, Chinese included, is kept as it is;
 *   - past max_chars characters (each escape counts as one), the rest is
 *     cut and "…" is appended.
 *
 * The output holds only printable characters, so escaping it again leaves
 * it as it is (a backslash is not escaped): a message made of escaped
 * excerpts can go through gw_escape once more, whole, as a last guard. */
#ifndef GW_ESCAPE_H
#define GW_ESCAPE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "base/gw_buf.h"

/* Characters of input a message quotes before it cuts the rest. */
#define GW_EXCERPT_CHARS 40
/* Bytes a gw_excerpt buffer needs: 40 characters of up to 12 bytes each
 * (an invalid 3-byte sequence), "…" and the NUL. */
#define GW_EXCERPT_SIZE (GW_EXCERPT_CHARS * 12 + 4)

/* Appends s[0..n) to b, escaped as above and cut after max_chars
 * characters (0: never cut). s may be NULL when n is 0. Allocation
 * failure is sticky in b (gw_buf_ok). Does not NUL-terminate. */
void gw_escape(gw_buf *b, const char *s, size_t n, size_t max_chars);

/* Writes s[0..n) escaped and cut after GW_EXCERPT_CHARS characters into
 * out, which has room for GW_EXCERPT_SIZE bytes, NUL-terminated; returns
 * out, for use as a printf argument:
 *
 *     char q[GW_EXCERPT_SIZE];
 *     gw_err_set(err, GW_EINVAL, 0, "bad field name '%s'", gw_excerpt(q, name, len));
 */
const char *gw_excerpt(char *out, const char *s, size_t n);

/* The same for a NUL-terminated string (NULL gives ""). */
const char *gw_excerpt_str(char *out, const char *s);

/* Appends the printf-formatted line to b, escaped whole (not cut), and a
 * newline: gw_escape_line's line, for a caller that writes it elsewhere
 * (gongwen-serve's access log, in one write). */
void gw_escape_vline(gw_buf *b, const char *fmt, va_list ap);

/* Writes the printf-formatted line to f escaped whole (not cut), then a
 * newline: what the programs print on stderr, so that a path or a
 * message from the library that quotes input raw never reaches the
 * terminal raw (already escaped text passes as it is). */
void gw_escape_line(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
