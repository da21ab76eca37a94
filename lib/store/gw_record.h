/* gw_record: the stored document record (codec only; layout in gw_store.c). */
#ifndef GW_RECORD_H
#define GW_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_limits.h"
#include "base/gw_buf.h"
#include "store/gw_store.h"

typedef struct gw_record {
	const char *id;
	size_t id_len;
	uint64_t hash;                    /* gw_record_hash of id, names, texts */
	int script;                       /* GW_SCRIPT_* of the indexed text */
	unsigned nf;
	unsigned fid[GW_MAX_FIELDS];
	uint32_t flen[GW_MAX_FIELDS];     /* field length in tokens */
	uint32_t fcjk[GW_MAX_FIELDS];     /* its CJK characters (gw_toklist_cjk) */
	const char *text[GW_MAX_FIELDS];  /* points into the parsed value or unz */
	size_t text_len[GW_MAX_FIELDS];
	/* Building: text[i] is already packed (gw_record_pack) unless
	 * packed[i] is GW_PACK_RAW, and raw_len[i] is its length unpacked.
	 * Parsing: the field is stored packed and was not unpacked (unz
	 * NULL): text[i] is NULL. */
	unsigned char packed[GW_MAX_FIELDS];
	size_t raw_len[GW_MAX_FIELDS];
} gw_record;

/* How a field's text is stored (the low two bits of its length). */
enum {
	GW_PACK_RAW = 0,      /* as it is */
	GW_PACK_ZSTD = 1,     /* a zstd frame */
	GW_PACK_ZSTD_DICT = 2 /* a zstd frame made with the index's dictionary */
};


/* Texts of at least this many bytes are stored packed, the others as they
 * are (the short fields filters and facets read). */
#define GW_RECORD_ZIP_MIN 256
/* zstd's level (with a dictionary). zh-docs, whole -j 2 builds, three
 * alternating runs each: level 3, 42.4 MB in 1.03-1.07 s; 4, 42.1 MB in
 * 1.08-1.09 s; 5, 41.6 MB in 1.12-1.19 s; 6, 41.4 MB in 1.18-1.34 s;
 * libdeflate's level 6 before it, 44.4 MB in 1.11-1.15 s. */
#ifndef GW_PACK_LEVEL
#define GW_PACK_LEVEL 5
#endif

/* A zstd dictionary of an index (read-only: threads share it). */
typedef struct gw_zdict gw_zdict;
/* A dictionary from its bytes (copied), ready for unpacking; NULL if they
 * are not one, or out of memory. */
gw_zdict *gw_zdict_new(const void *bytes, size_t len);
/* Makes z ready for packing too (before threads share it): 0, or -1 if out
 * of memory. Apart because it costs: preparing zstd's tables for a 110 KB
 * dictionary at level 5 took a search in a process of its own from 1.95
 * to 2.81 ms, and a search only unpacks. */
int gw_zdict_for_packing(gw_zdict *z);
void gw_zdict_free(gw_zdict *z); /* NULL does nothing */
const void *gw_zdict_bytes(const gw_zdict *z, size_t *len);
/* A dictionary is trained on the first GW_ZDICT_PIECE bytes of each text
 * given, up to GW_ZDICT_SAMPLE bytes in all; it is at most GW_ZDICT_MAX
 * bytes and a 24th of the samples (it is stored once: on a small batch a
 * large one would cost more than it saves). */
#define GW_ZDICT_PIECE (8u << 10)
#define GW_ZDICT_SAMPLE (3u << 20)
#define GW_ZDICT_MAX (110u << 10)
/* An index gets its dictionary from the first batch with at least
 * GW_ZDICT_MIN bytes of texts to pack among those that start in its first
 * GW_ZDICT_SPAN bytes (gw_index.c). */
#define GW_ZDICT_MIN (1u << 20)
#define GW_ZDICT_SPAN (16u << 20)
/* Trains a dictionary from texts[0..n) into out (reset first): 0, or -1
 * if they are too few, too short or too alike to make one. The same texts
 * always give the same dictionary. */
int gw_zdict_train(gw_buf *out, const char *const *texts, const size_t *lens, size_t n);

/* What unpacking needs: the index's dictionary (NULL if it has none: set
 * by the caller, gw_txn_zdict) and a decompression context, made on first
 * use and kept (start from GW_UNPACKER_INIT; free with gw_unpacker_free). */
typedef struct gw_unpacker {
	const gw_zdict *dict;
	void *dctx;
} gw_unpacker;
#define GW_UNPACKER_INIT {NULL, NULL}
void gw_unpacker_free(gw_unpacker *u);

/* Parses val into r (pointers into val). -1 if damaged. With texts == 0 only
 * the id and the field lengths are read (cheaper, for ranking). With texts,
 * packed fields are unpacked with u into unz (reset first; r's pointers into
 * it are valid until unz changes, and parsing the same value into the same
 * unz again leaves them in place); with unz NULL they are left out (text
 * NULL, packed non-zero), which suits readers of short fields only. */
int gw_record_parse(const void *val, size_t len, gw_record *r, int texts, gw_buf *unz, gw_unpacker *u);
/* Encodes r (all of it) into out (reset first). */
void gw_record_build(gw_buf *out, const gw_record *r);
/* A compressor for gw_record_pack: one per thread (the analysis threads
 * pack the texts they analyze). NULL if out of memory. */
typedef struct gw_packer gw_packer;
gw_packer *gw_packer_new(void);
void gw_packer_free(gw_packer *z); /* NULL does nothing */
/* Packs text into out (reset first) with dict (NULL: none) if it is worth
 * it, and says how: GW_PACK_ZSTD or GW_PACK_ZSTD_DICT; GW_PACK_RAW (out
 * empty) if the text should be stored as it is (also when z is NULL). */
int gw_record_pack(gw_buf *out, gw_packer *z, const gw_zdict *dict, const char *text, size_t len);
/* The content hash of a document: a 64-bit hash of its id and of each
 * field's name (as given) and text, in order, each length-prefixed. Start
 * with gw_record_hash_init(id), add every field, then gw_record_hash_end.
 * Stored in the record (format 3) to skip re-indexing unchanged documents. */
uint64_t gw_record_hash_init(const char *id, size_t id_len);
uint64_t gw_record_hash_field(uint64_t h, const char *name, size_t name_len, const char *text,
                              size_t text_len);
uint64_t gw_record_hash_end(uint64_t h);
/* Index of field fid in r, or -1. */
int gw_record_field(const gw_record *r, unsigned fid);

#endif
