/* gw_postings: the postings codec (pure: no I/O).
 *
 * A posting list is stored as chunks of at most GW_CHUNK_DOCS documents
 * (closed early once a chunk passes GW_CHUNK_BYTES), so that changing one
 * document rewrites one small value, and a reader can skip whole chunks by
 * their header. The chunk's first docid is in its LMDB key (gw_post.c);
 * the value is:
 *
 *   chunk  := ndocs:varint  span:varint  entry{ndocs}
 *   entry  := docid_delta:varint  x:varint  [tf:varint]  pos_delta:varint{npos}
 *
 * span is the chunk's last docid minus its first. x is plen << 1, | 1 when
 * the document has the term once: then tf is not written (two thirds of
 * all entries). plen is the byte length of the positions, so readers that
 * need no positions skip them in O(1); an entry's length follows from its
 * first two bytes, in both forms, without a branch (when they and tf are
 * one byte each). docid_delta is relative to the previous entry's docid,
 * the first entry's to the chunk's first docid (so it is 0). Positions
 * ascend; the first delta is relative to 0. npos is tf but for a
 * character, whose entry keeps only the positions at either end of a run
 * of touching Han characters (gw_char_position_kept; npos from plen, by
 * decoding). Terms of a kind without positions (word terms:
 * gw_kind_positions) have plen 0.
 *
 * The same entry encoding, with the first docid_delta relative to 0, is used
 * for a batch's in-memory lists (gw_plist) before they are merged into
 * chunks. */
#ifndef GW_POSTINGS_H
#define GW_POSTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"

#define GW_CHUNK_DOCS 128
#define GW_CHUNK_BYTES 4000

/* One decoded entry; pos points at plen bytes of position deltas. */
typedef struct gw_entry {
	uint32_t docid;
	uint32_t tf;
	const unsigned char *pos;
	size_t plen;
} gw_entry;

/* Reads entries from a chunk value or a gw_plist buffer. */
typedef struct gw_entry_reader {
	const unsigned char *p, *end;
	uint32_t docid;   /* previous docid (base for the next delta) */
	uint32_t left;    /* entries still to read */
} gw_entry_reader;

/* Opens a chunk value (first_docid from its key). Returns -1 if the value is
 * too short to be a chunk. *last_docid (may be NULL) gets the header's. */
int gw_chunk_open(gw_entry_reader *r, const void *val, size_t len, uint32_t first_docid,
                  uint32_t *last_docid);
/* Reads the chunk header only: ndocs and last docid (first_docid from its
 * key). -1 if damaged. */
int gw_chunk_header(const void *val, size_t len, uint32_t first_docid, uint32_t *ndocs,
                    uint32_t *last_docid);
/* Next entry: 1 read, 0 at the end, -1 damaged data. */
int gw_entry_next(gw_entry_reader *r, gw_entry *e);

/* Reads the first entry whose docid is >= target into e: 1, 0 at the end
 * of the chunk, -1 damaged. Inline for the common form, whose docid delta,
 * x and tf (if written) fit in one byte each: the hot loop of every query.
 * The entries before the target are passed in registers without filling
 * e (skipping is most of a conjunction's reading: the rarer part sets the
 * targets); an entry of another form goes to gw_entry_next. */
static inline int gw_entry_seek(gw_entry_reader *r, uint32_t target, gw_entry *e)
{
	for (;;) {
		const unsigned char *p = r->p, *end = r->end;
		uint32_t docid = r->docid, left = r->left;
		int rc;
		while (left && end - p >= 3 && !((p[0] | p[1]) & 0x80)) {
			uint32_t d = docid + p[0];
			unsigned many = ~p[1] & 1u; /* 1: tf follows x */
			size_t head = 2 + many, plen = p[1] >> 1;
			/* A tf of two bytes or more (no positions to make x long
			 * too: gw_kind_positions) is for gw_entry_next. */
			if (d < docid || (many & p[2] >> 7) || head + plen > (size_t)(end - p))
				break;
			if (d >= target) {
				/* p[2] if many, else 1: a mask, not a branch the
				 * predictor would miss on every third entry. */
				unsigned tf = 1 + ((p[2] - 1u) & (0u - many));
				if (tf < 1 + many)
					break;
				e->docid = d;
				e->tf = tf;
				e->pos = p + head;
				e->plen = plen;
				r->p = p + head + plen;
				r->docid = d;
				r->left = left - 1;
				return 1;
			}
			p += head + plen;
			docid = d;
			left--;
		}
		r->p = p;
		r->docid = docid;
		r->left = left;
		/* One entry of another form (or the end, or damage). */
		if ((rc = gw_entry_next(r, e)) != 1 || e->docid >= target)
			return rc;
	}
}

/* gw_entry_next, inline for the common form: the next entry is the first
 * at or past docid 0. */
static inline int gw_entry_next_fast(gw_entry_reader *r, gw_entry *e) { return gw_entry_seek(r, 0, e); }

/* Decodes the positions of e into out (room for gw_entry_npos_max(e)); returns the count
 * decoded: tf, but for a character's entry (gw_char_position_kept) those
 * kept, and fewer if damaged. */
uint32_t gw_entry_positions(const gw_entry *e, uint32_t *out);
/* The most positions gw_entry_positions can decode from e: tf, or fewer
 * if its bytes cannot hold that many (a position takes a byte at least).
 * Size out with this, not with tf, which comes from the index. */
static inline uint32_t gw_entry_npos_max(const gw_entry *e)
{
	return e->plen < e->tf ? (uint32_t)e->plen : e->tf;
}

/* A growing list of entries for one term, in docid order. Its memory
 * belongs to whoever grows it (gw_accum, from an arena). */
typedef struct gw_plist {
	unsigned char *p;
	size_t len, cap;
	uint32_t ndocs;
	uint32_t last_docid;
} gw_plist;

/* The most bytes an entry of tf positions takes. */
#define GW_PLIST_ENTRY_MAX(tf) (15 + 5 * (size_t)(tf))
/* Appends an entry (docid > the last one added) of tf occurrences, with
 * the positions pos[0..npos) (npos <= tf: see gw_char_position_kept), or
 * with none (plen 0) if pos is NULL. The list must have room for
 * GW_PLIST_ENTRY_MAX(tf) more bytes. */
void gw_plist_add(gw_plist *l, uint32_t docid, const uint32_t *pos, uint32_t npos, uint32_t tf);
/* A reader over the list's entries. */
void gw_plist_reader(const gw_plist *l, gw_entry_reader *r);
/* Appends the list b (every docid above out's last) to the list whose
 * bytes are out->p[0..out->len) and whose count and last docid are in
 * *o (its p, len and cap are not used): b's first docid delta, relative to
 * 0, is made relative to o->last_docid; the rest is copied as it is. -1 if
 * b is damaged or its docids are not above out's; out may then be out of
 * memory too (gw_buf_ok). */
int gw_plist_concat(gw_buf *out, gw_plist *o, const gw_plist *b);

/* Cuts a list into the chunks gw_chunk_builder would make of it, without
 * re-encoding an entry: a chunk's entries are a slice of the list's bytes
 * but for the first docid delta (0 in a chunk). The flush of a first
 * build writes every list this way (gw_post.c). */
typedef struct gw_plist_cut {
	gw_entry_reader r;            /* the list, after the chunks cut so far */
	const unsigned char *from, *to; /* slice: the entries after the first delta */
	uint32_t first, last, n;      /* the chunk cut last */
} gw_plist_cut;

void gw_plist_cut_init(gw_plist_cut *c, const gw_plist *l);
/* Cuts the next chunk: 1 (*first its first docid, *size its value's
 * bytes), 0 at the end, -1 if the list is damaged. */
int gw_plist_cut_next(gw_plist_cut *c, uint32_t *first, size_t *size);
/* Writes the chunk cut last, *size bytes, to out. */
void gw_plist_cut_write(const gw_plist_cut *c, unsigned char *out);

/* Builds chunks from entries given in docid order. */
typedef struct gw_chunk_builder {
	gw_buf body;      /* encoded entries of the open chunk */
	gw_buf out;       /* header + body of the last finished chunk */
	uint32_t first, last, n;
} gw_chunk_builder;

void gw_chunk_builder_init(gw_chunk_builder *b);
void gw_chunk_builder_free(gw_chunk_builder *b);
/* Empties b (keeping its memory) for another list. */
void gw_chunk_builder_reset(gw_chunk_builder *b);
/* Appends e. Returns 1 if the open chunk is full and should be taken with
 * gw_chunk_builder_take() before the next add. */
int gw_chunk_builder_add(gw_chunk_builder *b, const gw_entry *e);
/* Finishes the open chunk (if it has entries): encodes it into b->out and
 * returns its first docid in *first; returns 0 if there was nothing open. */
int gw_chunk_builder_take(gw_chunk_builder *b, uint32_t *first);
static inline int gw_chunk_builder_ok(const gw_chunk_builder *b)
{
	return gw_buf_ok(&b->body) && gw_buf_ok(&b->out);
}

#endif
