/* gw_norms: four bytes per document, a floor of its indexed length (its CJK
 * characters if it has some, rounded down), its script and its set of
 * indexed fields, GW_NORMS_BLOCK documents to one
 * value of the norms database (layout in gw_store.c).
 *
 * Why: a document's score is the sum of its parts times a factor that
 * depends on its length, on the average lengths of its fields and on its
 * script (gw_search.c: doc_factor). Once a query's heap is full, most
 * matches of common words cannot enter it, but telling so needed the
 * factor, so the lens entry of every match was read: on 一个 显示, 1,476
 * entries spread over the 520 KB of lens, for 256 documents scored. A
 * norm bounds the factor from 40 KB. The field set is a number, so that
 * a record (a table row's cells) and a notice (title, number, body) are
 * each bounded by their own fields' averages. */
#ifndef GW_NORMS_H
#define GW_NORMS_H

#include <stdint.h>

#include "store/gw_blockq.h"
#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_record.h"
#include "store/gw_store.h"

#define GW_NORMS_BLOCK 256
/* Documents whose norms block-max bounds together (gw_norms_floor): a
 * divisor of GW_NORMS_BLOCK. */
#ifndef GW_NORMS_SPAN
#define GW_NORMS_SPAN 32
#endif
/* Field sets are numbered from 0 as documents bring them; past this many,
 * documents share the set "unknown" (GW_FSET_OTHER), bounded by the sum
 * of every indexed field's average. */
#define GW_FSETS_MAX 4095
#define GW_FSET_OTHER 4095

/* A norm: 1 << 31 (present) | script << 29 | field set << 16 | length
 * code. The code is the length itself below 32768, else 32768 + (length -
 * 32768) / 256, at most 65535: decoding it never gives more than the
 * length. 0: no norm. */
uint32_t gw_norm_make(uint64_t len, int script, unsigned fset);
static inline uint32_t gw_norm_len_floor(uint32_t n)
{
	uint32_t c = n & 0xffffu;
	return c < 32768 ? c : 32768 + ((c - 32768) << 8);
}
static inline int gw_norm_script(uint32_t n) { return (n >> 29) & 3; }
static inline unsigned gw_norm_fset(uint32_t n) { return (n >> 16) & 0xfff; }
/* n with its field set replaced by fset (< GW_FSET_OTHER + 1). */
static inline uint32_t gw_norm_with_fset(uint32_t n, unsigned fset)
{
	return (n & ~(0xfffu << 16)) | (uint32_t)fset << 16;
}

/* The field sets of an index: each the sorted ids of a document's indexed
 * fields. */
typedef struct gw_fsets {
	gw_buf b;          /* the sets' fids, one after another */
	uint32_t *off;     /* set i is b.p[off[i] .. off[i + 1]) */
	size_t n, cap;     /* sets, room in off (for cap + 1 offsets) */
	size_t last;       /* the set found last (documents come in runs) */
	int dirty;         /* a set was added since loaded */
} gw_fsets;
/* Loads the sets of t's index into fs (empty if none; fs is overwritten,
 * not freed). GW_EFORMAT if damaged. */
gw_rc gw_fsets_load(gw_txn *t, gw_fsets *fs, gw_err *err);
/* Writes fs into t if a set was added. */
gw_rc gw_fsets_save(gw_fsets *fs, gw_txn *t, gw_err *err);
void gw_fsets_free(gw_fsets *fs);
/* Set i's fids in [*fids, *fids + return value). */
size_t gw_fsets_get_set(const gw_fsets *fs, size_t i, const unsigned char **fids);

/* The norm of a record: the CJK characters of its indexed fields (those
 * ft marks indexed), or their length in tokens if they have none; its
 * script; and its set of indexed fields, numbered in fs. A query of CJK
 * words takes the CJK characters as the length of its focus factor, other
 * queries the tokens (gw_search.c), which are at least as many (a CJK
 * character is a token): so this bounds both, and the one a document
 * without CJK characters can be matched by exactly. With add, a set fs lacks is added (up
 * to GW_FSETS_MAX, and memory permitting); otherwise it is GW_FSET_OTHER,
 * a looser bound but a true one. */
uint32_t gw_norm_of(const gw_record *r, const gw_fieldtab *ft, gw_fsets *fs, int add);

/* A batch's norms, held and written block by block (gw_blockq): docids
 * must ascend from add to add. */
typedef gw_blockq gw_norms_queue;
gw_rc gw_norms_queue_add(gw_norms_queue *q, uint32_t docid, uint32_t norm, gw_err *err);
/* Writes the norms held into t and empties q (also on error). */
gw_rc gw_norms_queue_flush(gw_norms_queue *q, gw_txn *t, gw_buf *scratch, gw_err *err);
void gw_norms_queue_free(gw_norms_queue *q);

/* Reads norms, cheapest when docids come in increasing order. Valid while
 * its transaction is. */
/* What searches through one index handle (one thread at a time) have read
 * of the norms, kept from query to query for as long as the index is
 * unchanged: a copy of each block read. A query of two common words reads
 * the norms of documents spread over the whole index, one B-tree lookup
 * each without it (three quarters of a known-item query's lookups on an
 * index of 160,000 documents). 4 bytes a document of the blocks read, and
 * emptied when a reader's transaction sees another snapshot (gw_txn_id).
 * For read transactions only, as gw_lens_cache. */
typedef struct gw_norms_cache gw_norms_cache;
gw_norms_cache *gw_norms_cache_new(void); /* NULL if out of memory */
void gw_norms_cache_free(gw_norms_cache *c);

typedef struct gw_norms_reader {
	gw_txn *t;
	gw_norms_cache *cache;    /* NULL: none */
	gw_block_cursor *cur;     /* opened on first use */
	uint32_t block;           /* block held in p[0..n); UINT32_MAX: none */
	const unsigned char *p;
	size_t n;                 /* norms in p */
	int broken;               /* the table cannot be read: every norm is 0 */
	int damaged;              /* a block was damaged (read as no norms) */
} gw_norms_reader;
void gw_norms_reader_init(gw_norms_reader *rd, gw_txn *t);
/* The same, reading through cache (NULL: none), which it empties first if
 * it holds another snapshot than t's. */
void gw_norms_reader_init_cached(gw_norms_reader *rd, gw_txn *t, gw_norms_cache *cache);
/* Reads every block of t's norms into cache (emptied first if it holds
 * another snapshot), each in one pass over the table; a damaged block is
 * left out, as a reader leaves it. Errors: those of reading the table. */
gw_rc gw_norms_cache_fill(gw_norms_cache *cache, gw_txn *t, gw_err *err);
/* The norm of docid; 0 if it has none (or it cannot be read). */
uint32_t gw_norms_read(gw_norms_reader *rd, uint32_t docid);
/* What bounds the norms of docid's span (the GW_NORMS_SPAN documents from
 * docid rounded down) for block-max: floor[s] gets the least length floor
 * (gw_norm_len_floor) of its norms of script s (UINT32_MAX: none). Returns
 * the first docid past the span's norms (the span's end, or where the
 * block's norms end), or 0 when nothing bounds the span: it holds a
 * document without a norm, or cannot be read. With a cache, each block's
 * spans are summed once a snapshot. */
uint32_t gw_norms_floor(gw_norms_reader *rd, uint32_t docid, uint32_t floor[4]);
void gw_norms_reader_close(gw_norms_reader *rd);

#endif
