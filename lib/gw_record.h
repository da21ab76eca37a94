/* gw_record: the stored document record (codec only; layout in gw_store.c). */
#ifndef GW_RECORD_H
#define GW_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "gw_buf.h"
#include "gw_store.h"

typedef struct gw_record {
	const char *id;
	size_t id_len;
	uint64_t hash;                    /* gw_record_hash of id, names, texts */
	int script;                       /* GW_SCRIPT_* of the indexed text */
	unsigned nf;
	unsigned fid[GW_MAX_FIELDS];
	uint32_t flen[GW_MAX_FIELDS];     /* field length in tokens */
	const char *text[GW_MAX_FIELDS];  /* points into the parsed value or unz */
	size_t text_len[GW_MAX_FIELDS];
	/* Building: text[i] is already deflated (gw_record_deflate), and
	 * raw_len[i] is its length inflated. Parsing: the field is stored
	 * deflated and was not inflated (unz NULL): text[i] is NULL. */
	unsigned char zipped[GW_MAX_FIELDS];
	size_t raw_len[GW_MAX_FIELDS];
} gw_record;

/* The longest id a document may have, in bytes. */
#define GW_ID_MAX 500

/* Texts of at least this many bytes are stored deflated (zlib format), the
 * others as they are (the short fields filters and facets read). */
#define GW_RECORD_ZIP_MIN 256

/* Parses val into r (pointers into val). -1 if damaged. With texts == 0 only
 * the id and the field lengths are read (cheaper, for ranking). With texts,
 * deflated fields are inflated into unz (reset first; r's pointers into it
 * are valid until unz changes, and parsing the same value into the same
 * unz again leaves them in place); with unz NULL they are left out (text
 * NULL, zipped 1), which suits readers of short fields only. */
int gw_record_parse(const void *val, size_t len, gw_record *r, int texts, gw_buf *unz);
/* Encodes r (all of it) into out (reset first). */
void gw_record_build(gw_buf *out, const gw_record *r);
/* A compressor for gw_record_deflate: one per thread (the analysis threads
 * deflate the texts they analyze). NULL if out of memory. */
typedef struct gw_deflater gw_deflater;
gw_deflater *gw_deflater_new(void);
void gw_deflater_free(gw_deflater *z); /* NULL does nothing */
/* Deflates text into out (reset first, zlib format) if it is worth it: 1
 * if out holds the deflated text, 0 if the text should be stored as it
 * is (also when z is NULL). */
int gw_record_deflate(gw_buf *out, gw_deflater *z, const char *text, size_t len);
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
