/* gw_escape: escaping and cutting input for messages (see gw_escape.h).
 *
 * One character at a time: the next code point is decoded with
 * gw_utf8_next, which also says how many bytes an invalid sequence spans,
 * and becomes one piece of at most 12 bytes, kept or escaped. Both outputs
 * (a growing gw_buf, a fixed excerpt buffer) are loops over pieces. */
#include "text/gw_escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/gw_utf8.h"

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

/* Whether cp is written as \uNNNN: C1 controls, U+2028/U+2029, and the
 * bidirectional embeddings, overrides and isolates. */
static int escaped_cp(int32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/* Writes the piece for the character at s[*i] into out (room for 13
 * bytes) and advances *i; returns the piece's length. */
static size_t piece(const char *s, size_t n, size_t *i, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = *i, len = 0;
	int32_t cp = gw_utf8_next(s, n, i);

	if (cp < 0 || cp < 0x20 || cp == 0x7F) {
		for (size_t k = at; k < *i; k++) {
			unsigned char c = (unsigned char)s[k];
			out[len++] = '\\';
			out[len++] = 'x';
			out[len++] = hex[c >> 4];
			out[len++] = hex[c & 15];
		}
		return len;
	}
	if (escaped_cp(cp))
		return (size_t)snprintf(out, 13, "\\u%04x", (unsigned)cp);
	memcpy(out, s + at, *i - at);
	return *i - at;
}

void gw_escape(gw_buf *b, const char *s, size_t n, size_t max_chars)
{
	size_t i = 0, chars = 0;
	char p[16];

	while (i < n) {
		if (max_chars && chars == max_chars) {
			gw_buf_puts(b, ELLIPSIS);
			return;
		}
		gw_buf_append(b, p, piece(s, n, &i, p));
		chars++;
	}
}

const char *gw_excerpt(char *out, const char *s, size_t n)
{
	size_t i = 0, chars = 0, len = 0;

	while (i < n) {
		if (chars == GW_EXCERPT_CHARS) {
			memcpy(out + len, ELLIPSIS, 3);
			len += 3;
			break;
		}
		len += piece(s, n, &i, out + len);
		chars++;
	}
	out[len] = '\0';
	return out;
}

const char *gw_excerpt_str(char *out, const char *s)
{
	return gw_excerpt(out, s, s ? strlen(s) : 0);
}

void gw_escape_vline(gw_buf *b, const char *fmt, va_list ap)
{
	char small[1024], *s = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= 0 && (size_t)n >= sizeof small && (s = malloc((size_t)n + 1)))
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	if (n < 0)
		return;
	if (!s) { /* out of memory: the part that fitted */
		s = small;
		n = (int)strlen(small);
	}
	gw_escape(b, s, (size_t)n, 0);
	gw_buf_putc(b, '\n');
	if (s != small)
		free(s);
}

void gw_escape_line(FILE *f, const char *fmt, ...)
{
	gw_buf b = GW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gw_escape_vline(&b, fmt, ap);
	va_end(ap);
	if (gw_buf_ok(&b))
		fwrite(b.p, 1, b.len, f);
	gw_buf_free(&b);
}
