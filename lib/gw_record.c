/* gw_record: encode/decode the docs-database value (layout in gw_store.c). */
#include "gw_record.h"

#include <libdeflate.h>
#include <stdlib.h>

static int get_len(const unsigned char **p, const unsigned char *end, size_t *out)
{
	uint64_t v;

	if (gw_varint_get(p, end, &v) || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int gw_record_parse(const void *val, size_t len, gw_record *r, int texts, gw_buf *unz)
{
	const unsigned char *p = val, *end = p + len;
	size_t n, v, total = 0;
	struct libdeflate_decompressor *d = NULL;

	if (get_len(&p, end, &n) || n > (size_t)(end - p))
		return -1;
	r->id = (const char *)p;
	r->id_len = n;
	p += n;
	if (end - p < 9)
		return -1;
	r->hash = 0;
	for (int i = 7; i >= 0; i--)
		r->hash = (r->hash << 8) | p[i];
	p += 8;
	r->script = *p++;
	if (get_len(&p, end, &n) || n > GW_MAX_FIELDS)
		return -1;
	r->nf = (unsigned)n;
	for (unsigned i = 0; i < r->nf; i++) {
		if (get_len(&p, end, &v) || v == 0 || v > GW_MAX_FIELDS)
			return -1;
		r->fid[i] = (unsigned)v;
		if (get_len(&p, end, &v) || v > UINT32_MAX)
			return -1;
		r->flen[i] = (uint32_t)v;
	}
	if (!texts)
		return 0;
	for (unsigned i = 0; i < r->nf; i++) {
		/* (stored length << 1 | deflated), [inflated length], bytes */
		if (get_len(&p, end, &n) || (n >> 1) > (size_t)(end - p))
			return -1;
		r->zipped[i] = n & 1;
		n >>= 1;
		r->raw_len[i] = n;
		if (r->zipped[i] && (get_len(&p, end, &r->raw_len[i]) || n > (size_t)(end - p) ||
		                     r->raw_len[i] > ((size_t)1 << 31)))
			return -1;
		r->text[i] = (const char *)p;
		r->text_len[i] = n;
		if (r->zipped[i])
			total += r->raw_len[i];
		p += n;
	}
	if (p != end)
		return -1;
	if (!total)
		return 0;
	if (unz) {
		/* One reservation: the pointers stay put when the same value is
		 * parsed into the same buffer again. */
		gw_buf_reset(unz);
		if (gw_buf_reserve(unz, total))
			return -1;
	}
	for (unsigned i = 0; i < r->nf; i++) {
		size_t out_len = 0;
		enum libdeflate_result rc;
		if (!r->zipped[i])
			continue;
		if (!unz) {
			r->text[i] = NULL;
			r->text_len[i] = 0;
			continue;
		}
		/* A decompressor is a small allocation (libdeflate keeps no
		 * state between calls); one for the record's fields. */
		if (!d && !(d = libdeflate_alloc_decompressor()))
			return -1;
		rc = libdeflate_zlib_decompress(d, r->text[i], r->text_len[i], unz->p + unz->len, r->raw_len[i],
		                                &out_len);
		if (rc != LIBDEFLATE_SUCCESS || out_len != r->raw_len[i]) {
			libdeflate_free_decompressor(d);
			return -1;
		}
		r->text[i] = (const char *)unz->p + unz->len;
		r->text_len[i] = r->raw_len[i];
		unz->len += r->raw_len[i];
	}
	libdeflate_free_decompressor(d);
	return 0;
}

void gw_record_build(gw_buf *out, const gw_record *r)
{
	gw_buf_reset(out);
	gw_buf_put_varint(out, r->id_len);
	gw_buf_append(out, r->id, r->id_len);
	for (int i = 0; i < 8; i++)
		gw_buf_putc(out, (int)((r->hash >> (8 * i)) & 0xff));
	gw_buf_putc(out, r->script);
	gw_buf_put_varint(out, r->nf);
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, r->fid[i]);
		gw_buf_put_varint(out, r->flen[i]);
	}
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, ((uint64_t)r->text_len[i] << 1) | (r->zipped[i] ? 1 : 0));
		if (r->zipped[i])
			gw_buf_put_varint(out, r->raw_len[i]);
		gw_buf_append(out, r->text[i], r->text_len[i]);
	}
}

/* libdeflate, not zlib: on zh-docs' texts its level 6 deflates 2.9 times
 * as fast as zlib's level 1 (the fastest) and 5% smaller (0.25 s against
 * 0.72 s, 8.89 MB against 9.37 MB), and inflates 1.9 times as fast as
 * zlib (6 against 11 us a text, which a search pays for each hit it
 * shows). The format stays zlib's. */
struct gw_deflater {
	struct libdeflate_compressor *c;
};

gw_deflater *gw_deflater_new(void)
{
	gw_deflater *z = calloc(1, sizeof *z);

	if (z && !(z->c = libdeflate_alloc_compressor(6))) {
		free(z);
		z = NULL;
	}
	return z;
}

void gw_deflater_free(gw_deflater *z)
{
	if (!z)
		return;
	libdeflate_free_compressor(z->c);
	free(z);
}

int gw_record_deflate(gw_buf *out, gw_deflater *z, const char *text, size_t len)
{
	size_t n;

	gw_buf_reset(out);
	if (!z || len < GW_RECORD_ZIP_MIN || len > ((size_t)1 << 31))
		return 0;
	/* Worth it only if it saves an eighth: room for no more. */
	if (gw_buf_reserve(out, len - len / 8))
		return 0;
	n = libdeflate_zlib_compress(z->c, text, len, out->p, len - len / 8 - 1);
	if (n == 0)
		return 0;
	out->len = n;
	return 1;
}

int gw_record_field(const gw_record *r, unsigned fid)
{
	for (unsigned i = 0; i < r->nf; i++)
		if (r->fid[i] == fid)
			return (int)i;
	return -1;
}

/* ---- content hash ----
 * A multiply-xorshift stream over 8-byte little-endian words (the tail
 * zero-padded), every piece preceded by its length so that no two
 * different (id, fields) lists feed the same words; finished with
 * MurmurHash3's fmix64. Not cryptographic: it detects edits, not attacks. */

#define K1 0x9E3779B97F4A7C15ull
#define K2 0xD6E8FEB86659FD93ull

static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w * K1;
	h = (h ^ (h >> 29)) * K2;
	return h ^ (h >> 32);
}

static uint64_t mix_bytes(uint64_t h, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	uint64_t w;

	h = mix(h, (uint64_t)n);
	for (; n >= 8; s += 8, n -= 8) {
		w = 0;
		for (int i = 7; i >= 0; i--)
			w = (w << 8) | s[i];
		h = mix(h, w);
	}
	if (n) {
		w = 0;
		for (size_t i = n; i-- > 0;)
			w = (w << 8) | s[i];
		h = mix(h, w);
	}
	return h;
}

uint64_t gw_record_hash_init(const char *id, size_t id_len)
{
	return mix_bytes(0x6777636f6e74656eull, id, id_len);
}

uint64_t gw_record_hash_field(uint64_t h, const char *name, size_t name_len, const char *text,
                              size_t text_len)
{
	return mix_bytes(mix_bytes(h, name, name_len), text, text_len);
}

uint64_t gw_record_hash_end(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}
