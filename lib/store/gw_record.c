/* gw_record: encode/decode the docs-database value (layout in gw_store.c). */
#include "store/gw_record.h"

#include <stdlib.h>
#include <string.h>

/* ZDICT_trainFromBuffer_fastCover and ZSTD_createDDict_byReference: in
 * zstd's "static linking only" part, and exported by Debian's libzstd.so. */
#define ZDICT_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

/* A dictionary, prepared for both directions (gw_zdict_new). */
struct gw_zdict {
	ZSTD_CDict *c;
	ZSTD_DDict *d;
	gw_buf bytes;
};

static int get_len(const unsigned char **p, const unsigned char *end, size_t *out)
{
	uint64_t v;

	if (gw_varint_get(p, end, &v) || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int gw_record_parse(const void *val, size_t len, gw_record *r, int texts, gw_buf *unz, gw_unpacker *u)
{
	const unsigned char *p = val, *end = p + len;
	size_t n, v, total = 0;

	if (get_len(&p, end, &n) || n > (size_t)(end - p))
		return -1;
	r->id = (const char *)p;
	r->id_len = n;
	p += n;
	if (end - p < 9)
		return -1;
	r->hash = gw_le64_get(p);
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
		if (get_len(&p, end, &v) || v > UINT32_MAX)
			return -1;
		r->fcjk[i] = (uint32_t)v;
	}
	if (!texts)
		return 0;
	for (unsigned i = 0; i < r->nf; i++) {
		/* (stored length << 2 | packing), [unpacked length], bytes */
		if (get_len(&p, end, &n) || (n >> 2) > (size_t)(end - p) || (n & 3) > GW_PACK_ZSTD_DICT)
			return -1;
		r->packed[i] = n & 3;
		n >>= 2;
		r->raw_len[i] = n;
		if (r->packed[i] && (get_len(&p, end, &r->raw_len[i]) || n > (size_t)(end - p) ||
		                     r->raw_len[i] > ((size_t)1 << 31)))
			return -1;
		r->text[i] = (const char *)p;
		r->text_len[i] = n;
		/* The length a frame gives is its header's (or a bound of
		 * it): a damaged raw_len must not size the buffer below. */
		if (r->packed[i] && unz) {
			unsigned long long bound = ZSTD_decompressBound(p, n);
			if (bound == ZSTD_CONTENTSIZE_ERROR || r->raw_len[i] > bound)
				return -1;
		}
		if (r->packed[i])
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
		if (gw_buf_reserve(unz, total) || !u ||
		    (!u->dctx && !(u->dctx = ZSTD_createDCtx())))
			return -1;
	}
	for (unsigned i = 0; i < r->nf; i++) {
		size_t got;
		if (!r->packed[i])
			continue;
		if (!unz) {
			r->text[i] = NULL;
			r->text_len[i] = 0;
			continue;
		}
		if (r->packed[i] == GW_PACK_ZSTD_DICT) {
			if (!u->dict) /* the index has no dictionary: damaged */
				return -1;
			got = ZSTD_decompress_usingDDict(u->dctx, unz->p + unz->len, r->raw_len[i], r->text[i],
			                                 r->text_len[i], u->dict->d);
		} else {
			got = ZSTD_decompressDCtx(u->dctx, unz->p + unz->len, r->raw_len[i], r->text[i],
			                          r->text_len[i]);
		}
		if (ZSTD_isError(got) || got != r->raw_len[i])
			return -1;
		r->text[i] = (const char *)unz->p + unz->len;
		r->text_len[i] = r->raw_len[i];
		unz->len += r->raw_len[i];
	}
	return 0;
}

void gw_record_build(gw_buf *out, const gw_record *r)
{
	unsigned char h8[8];

	gw_buf_reset(out);
	gw_buf_put_varint(out, r->id_len);
	gw_buf_append(out, r->id, r->id_len);
	gw_le64_put(h8, r->hash);
	gw_buf_append(out, h8, 8);
	gw_buf_putc(out, r->script);
	gw_buf_put_varint(out, r->nf);
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, r->fid[i]);
		gw_buf_put_varint(out, r->flen[i]);
		gw_buf_put_varint(out, r->fcjk[i]);
	}
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, ((uint64_t)r->text_len[i] << 2) | r->packed[i]);
		if (r->packed[i])
			gw_buf_put_varint(out, r->raw_len[i]);
		gw_buf_append(out, r->text[i], r->text_len[i]);
	}
}

/* ---- packing: zstd ----
 * zstd, not deflate: with a dictionary trained on the index's own texts,
 * zh-docs' texts pack to 6.99 MB (zstd's level 6) against libdeflate's
 * 8.89 MB (level 6; each text is a few KB, too little for deflate to learn
 * a vocabulary from). Frames carry neither a checksum, nor their size (the record has
 * it), nor the dictionary's id (the record says whether one was used). */

gw_zdict *gw_zdict_new(const void *bytes, size_t len)
{
	gw_zdict *z = calloc(1, sizeof *z);

	if (!z)
		return NULL;
	gw_buf_append(&z->bytes, bytes, len);
	/* By reference to the copy it keeps: a second copy of 110 KB was 28
	 * more page faults in a search's process. */
	if (!gw_buf_ok(&z->bytes) || !(z->d = ZSTD_createDDict_byReference(z->bytes.p, len))) {
		gw_zdict_free(z);
		return NULL;
	}
	return z;
}

int gw_zdict_for_packing(gw_zdict *z)
{
	if (!z->c)
		z->c = ZSTD_createCDict(z->bytes.p, z->bytes.len, GW_PACK_LEVEL);
	return z->c ? 0 : -1;
}

void gw_zdict_free(gw_zdict *z)
{
	if (!z)
		return;
	ZSTD_freeCDict(z->c);
	ZSTD_freeDDict(z->d);
	gw_buf_free(&z->bytes);
	free(z);
}

const void *gw_zdict_bytes(const gw_zdict *z, size_t *len)
{
	*len = z->bytes.len;
	return z->bytes.p;
}

int gw_zdict_train(gw_buf *out, const char *const *texts, const size_t *lens, size_t n)
{
	ZDICT_fastCover_params_t params;
	gw_buf samples = GW_BUF_INIT;
	size_t *sizes = malloc((n ? n : 1) * sizeof *sizes), ns = 0, cap, got;

	if (!sizes)
		return -1;
	/* The start of each text (longer pieces from fewer texts make a
	 * better dictionary than a little of every text: 6.99 against 7.40
	 * MB on zh-docs), up to GW_ZDICT_SAMPLE bytes in all. */
	for (size_t i = 0; i < n && samples.len < GW_ZDICT_SAMPLE; i++) {
		size_t take = lens[i] < GW_ZDICT_PIECE ? lens[i] : GW_ZDICT_PIECE;
		if (take < 64)
			continue;
		gw_buf_append(&samples, texts[i], take);
		sizes[ns++] = take;
	}
	cap = samples.len / 24 < GW_ZDICT_MAX ? samples.len / 24 : GW_ZDICT_MAX;
	gw_buf_reset(out);
	if (!gw_buf_ok(&samples) || cap < 1024 || gw_buf_reserve(out, cap)) {
		free(sizes);
		gw_buf_free(&samples);
		return -1;
	}
	/* Fixed parameters, not the search over k and d that zstd --train
	 * does: 0.05 s against 3 s on 2.6 MB of samples, for a dictionary
	 * that packs zh-docs 1% larger. One thread: the same texts always
	 * make the same dictionary (the index is the same for any -j). */
	memset(&params, 0, sizeof params);
	params.k = 200;
	params.d = 8;
	params.f = 18;
	params.accel = 4;
	params.zParams.compressionLevel = GW_PACK_LEVEL;
	got = ZDICT_trainFromBuffer_fastCover(out->p, cap, samples.p, sizes, (unsigned)ns, params);
	free(sizes);
	gw_buf_free(&samples);
	if (ZDICT_isError(got))
		return -1;
	out->len = got;
	return 0;
}

struct gw_packer {
	ZSTD_CCtx *c;
};

gw_packer *gw_packer_new(void)
{
	gw_packer *z = calloc(1, sizeof *z);

	if (z && (!(z->c = ZSTD_createCCtx()) ||
	          ZSTD_isError(ZSTD_CCtx_setParameter(z->c, ZSTD_c_compressionLevel, GW_PACK_LEVEL)) ||
	          ZSTD_isError(ZSTD_CCtx_setParameter(z->c, ZSTD_c_contentSizeFlag, 0)) ||
	          ZSTD_isError(ZSTD_CCtx_setParameter(z->c, ZSTD_c_checksumFlag, 0)) ||
	          ZSTD_isError(ZSTD_CCtx_setParameter(z->c, ZSTD_c_dictIDFlag, 0)))) {
		gw_packer_free(z);
		z = NULL;
	}
	return z;
}

void gw_packer_free(gw_packer *z)
{
	if (!z)
		return;
	ZSTD_freeCCtx(z->c);
	free(z);
}

int gw_record_pack(gw_buf *out, gw_packer *z, const gw_zdict *dict, const char *text, size_t len)
{
	size_t n;

	gw_buf_reset(out);
	if (!z || len < GW_RECORD_ZIP_MIN || len > ((size_t)1 << 31))
		return GW_PACK_RAW;
	/* Worth it only if it saves an eighth: room for no more. */
	if (dict && !dict->c) /* not made ready for packing: without it */
		dict = NULL;
	if (gw_buf_reserve(out, len - len / 8) ||
	    ZSTD_isError(ZSTD_CCtx_refCDict(z->c, dict ? dict->c : NULL)))
		return GW_PACK_RAW;
	n = ZSTD_compress2(z->c, out->p, len - len / 8 - 1, text, len);
	if (ZSTD_isError(n)) {
		/* Not worth it (no room), most often: a frame left half made
		 * must not start the next call's. */
		ZSTD_CCtx_reset(z->c, ZSTD_reset_session_only);
		return GW_PACK_RAW;
	}
	out->len = n;
	return dict ? GW_PACK_ZSTD_DICT : GW_PACK_ZSTD;
}

void gw_unpacker_free(gw_unpacker *u)
{
	ZSTD_freeDCtx(u->dctx);
	u->dctx = NULL;
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
	for (; n >= 8; s += 8, n -= 8)
		h = mix(h, gw_le64_get(s));
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
