/* gw_buf: a growable byte buffer and LEB128-style varints.
 *
 * Appends use a sticky error, as FTS5's buffers do: once an allocation fails
 * buf->oom is set and every later append does nothing, so hot loops check
 * once at the end with gw_buf_ok(). */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_buf {
	unsigned char *p;
	size_t len;
	size_t cap;
	int oom;
} gw_buf;

#define GW_BUF_INIT {NULL, 0, 0, 0}

/* Frees the storage; the buffer is empty and usable again afterwards. */
void gw_buf_free(gw_buf *b);
/* Makes room for n more bytes; returns 0 on success, -1 (and sets oom). */
int gw_buf_reserve(gw_buf *b, size_t n);
void gw_buf_append(gw_buf *b, const void *p, size_t n);
void gw_buf_putc(gw_buf *b, int c);
void gw_buf_puts(gw_buf *b, const char *s);
void gw_buf_printf(gw_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends v as an unsigned varint (7 bits a byte, low first, <= 10 bytes). */
void gw_buf_put_varint(gw_buf *b, uint64_t v);
static inline int gw_buf_ok(const gw_buf *b) { return !b->oom; }

/* Grows the array *p of *cap elements of size bytes each so that it holds
 * at least need: the capacity doubles from first (or from *cap) until it
 * does, so appends one at a time cost O(1) each. Returns 0, or -1 when the
 * size would overflow or memory runs out (*p and *cap are then unchanged). */
int gw_array_grow_to(void **p, size_t *cap, size_t need, size_t size, size_t first);
static inline int gw_array_grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	/* Inline: most calls find room, in the hot loops of matching too. */
	return need <= *cap ? 0 : gw_array_grow_to(p, cap, need, size, first);
}
static inline void gw_buf_reset(gw_buf *b) { b->len = 0; }

/* Writes v as a varint at p (room for 10 bytes); returns bytes written.
 * Inline: postings are written a varint at a time. */
static inline size_t gw_varint_put(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}
/* Reads a varint from [*pp, end); advances *pp. Returns 0 on success, -1 if
 * the input is truncated or longer than 10 bytes (then *pp is unchanged).
 * Inline for one and two bytes: most position deltas and lengths. */
int gw_varint_get_slow(const unsigned char **pp, const unsigned char *end, uint64_t *v);
static inline int gw_varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;

	if (p < end && p[0] < 0x80) {
		*v = p[0];
		*pp = p + 1;
		return 0;
	}
	if (end - p >= 2 && p[1] < 0x80) { /* lengths and deltas up to 16383 */
		*v = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
		*pp = p + 2;
		return 0;
	}
	return gw_varint_get_slow(pp, end, v);
}

/* Big-endian 32-bit helpers for LMDB keys (so byte order sorts numerically). */
static inline void gw_be32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}
static inline uint32_t gw_be32_get(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Little-endian 32-bit helpers for stored norms (gw_norms.h). */
static inline void gw_le32_put(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t gw_le32_get(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Little-endian 64-bit helpers for stored counters and hashes. */
static inline void gw_le64_put(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}
static inline uint64_t gw_le64_get(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Asks for the cache line of p ahead of its use (a hash table's slot, the
 * next list to append to), where the compiler can. */
#if defined(__GNUC__)
#define GW_PREFETCH(p) __builtin_prefetch(p)
#else
#define GW_PREFETCH(p) ((void)(p))
#endif

/* FNV-1a over n bytes, continuing from h (start with GW_HASH_INIT). For
 * in-memory hash tables and checksums; never stored on disk. */
#define GW_HASH_INIT 1469598103934665603ull
static inline uint64_t gw_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

#endif
