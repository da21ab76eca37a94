/* gw_buf: growable byte buffer and varint codec (see gw_buf.h). */
#include "base/gw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gw_buf_free(gw_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int gw_buf_reserve(gw_buf *b, size_t n)
{
	size_t cap;
	unsigned char *p;

	if (b->oom)
		return -1;
	if (b->len + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void gw_buf_append(gw_buf *b, const void *p, size_t n)
{
	if (n == 0 || gw_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void gw_buf_putc(gw_buf *b, int c)
{
	if (gw_buf_reserve(b, 1))
		return;
	b->p[b->len++] = (unsigned char)c;
}

void gw_buf_puts(gw_buf *b, const char *s) { gw_buf_append(b, s, strlen(s)); }

void gw_buf_printf(gw_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || gw_buf_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void gw_buf_put_varint(gw_buf *b, uint64_t v)
{
	if (gw_buf_reserve(b, 10))
		return;
	b->len += gw_varint_put(b->p + b->len, v);
}

int gw_varint_get_slow(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t r = 0;
	unsigned shift = 0;

	while (p < end && shift < 70) {
		unsigned char c = *p++;
		r |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = r;
			*pp = p;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

int gw_array_grow_to(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t c = *cap ? *cap : (first ? first : 1);
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (c > SIZE_MAX / size)
		return -1;
	if (!(np = realloc(*p, c * size)))
		return -1;
	*p = np;
	*cap = c;
	return 0;
}
