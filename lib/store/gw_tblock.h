/* gw_tblock: blocks of small posting lists (pure: no I/O).
 *
 * A term whose whole list is one chunk (gw_postings.h) of at most
 * GW_SMALL_BYTES bytes is "small": most terms of a corpus are, met in a few
 * documents. As a postings record of its own, such a chunk of about six
 * bytes would cost its term key again with the chunk's first docid, and
 * LMDB's node header: some 23 bytes. Small terms share records instead,
 * blocks of neighbouring terms (gw_post.c: the "small" database, keyed by
 * the term key of a block's last entry):
 *
 *   block := entry+
 *   entry := shared:varint  slen:varint  suffix[slen]  first:varint  blen:varint  body[blen]
 *
 * An entry's term key is the previous entry's first `shared` bytes, then
 * suffix (the first entry's: suffix alone, shared 0); term keys ascend in
 * LMDB's order (gw_key_cmp). first is the chunk's first docid, which a
 * postings key holds, and body the chunk's entries (gw_postings.h) but
 * for the first one's docid delta, which is 0: the chunk without its
 * header and that byte, three bytes of a small list's eight on average.
 * gw_tblock_chunk puts them back from the entries themselves.
 *
 * Where blocks end is a function of the small terms alone, not of the
 * order they were written in: a block ends after each term key for which
 * gw_tblock_ends() holds (one in GW_TBLOCK_SPAN, by a hash of the key),
 * and the last block at the last small term. An edit then changes the
 * blocks around the term edited and nothing else, and two indexes with the
 * same small lists have the same blocks. */
#ifndef GW_TBLOCK_H
#define GW_TBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"

/* The largest chunk kept in a block. Chunks above it are few (a term in
 * more than eight or so documents) and are records of their own. */
#define GW_SMALL_BYTES 64
/* One term in GW_TBLOCK_SPAN ends a block: blocks of 8 terms and 180
 * bytes on average, which a lookup scans in a few hundred instructions
 * (16 saved 0.06 MB on zh-docs and cost 40% more instructions a lookup). */
#define GW_TBLOCK_SPAN 8
/* The longest term key (gw_post.c refuses longer ones). */
#define GW_TBLOCK_KEY_MAX 507

/* 1 if a block ends after the term key k (FNV-1a of its bytes; part of
 * the format: changing it changes where blocks end). */
int gw_tblock_ends(const void *k, size_t len);

/* Appends an entry for term key k (the previous entry's key prev, NULL
 * for a block's first) and its chunk (first docid first, at most
 * GW_SMALL_BYTES) to out. -1 if the chunk is damaged (nothing appended). */
int gw_tblock_put(gw_buf *out, const void *prev, size_t prevlen, const void *k, size_t klen, uint32_t first,
                  const void *chunk, size_t clen);

/* Reads a block's entries in order. */
typedef struct gw_tblock_reader {
	const unsigned char *p, *end;
	unsigned char key[GW_TBLOCK_KEY_MAX];
	size_t klen;                 /* the current entry's term key: key[0..klen) */
	uint32_t first;              /* its chunk's first docid */
	const unsigned char *body;   /* its chunk's body, in the block */
	size_t blen;
} gw_tblock_reader;

void gw_tblock_open(gw_tblock_reader *r, const void *block, size_t len);
/* The next entry: 1, 0 at the end, -1 if the block is damaged (an entry
 * past its end, or a key too long or not above the one before). */
int gw_tblock_next(gw_tblock_reader *r);
/* Finds term key k in the block: 1 (r->first, body and blen are its
 * entry's; r->key is not filled), 0 absent, -1 damaged. */
int gw_tblock_find(gw_tblock_reader *r, const void *block, size_t len, const void *k, size_t klen);
/* The chunk of the entry r is at, into out (room for GW_SMALL_BYTES):
 * its length, or 0 if the entry is damaged. */
size_t gw_tblock_chunk(const gw_tblock_reader *r, unsigned char out[GW_SMALL_BYTES]);

#endif
