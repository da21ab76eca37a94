/* gw_norms: a length, script and field set code per document (see
 * gw_norms.h). */
#include "store/gw_norms.h"

#include <stdlib.h>
#include <string.h>

uint32_t gw_norm_make(uint64_t len, int script, unsigned fset)
{
	uint64_t code = len < 32768 ? len : 32768 + ((len - 32768) >> 8);

	if (code > 0xffff)
		code = 0xffff; /* decodes to less than len: still a floor */
	if (fset > GW_FSET_OTHER)
		fset = GW_FSET_OTHER;
	return 1u << 31 | (uint32_t)(script & 3) << 29 | (uint32_t)fset << 16 | (uint32_t)code;
}

/* ---- field sets ----
 * Stored as: nsets:varint, then per set nfids:varint fid:u8{nfids}. */

static int fsets_room(gw_fsets *fs)
{
	if (fs->n < fs->cap)
		return 0;
	size_t cap = fs->cap ? fs->cap * 2 : 16;
	uint32_t *off = realloc(fs->off, (cap + 1) * sizeof *off);
	if (!off)
		return -1;
	if (!fs->off)
		off[0] = 0;
	fs->off = off;
	fs->cap = cap;
	return 0;
}

/* Appends the set fids[0..n) (already sorted); -1 if out of memory. */
static int fsets_push(gw_fsets *fs, const unsigned char *fids, size_t n)
{
	if (fsets_room(fs))
		return -1;
	gw_buf_append(&fs->b, fids, n);
	if (!gw_buf_ok(&fs->b))
		return -1;
	fs->off[fs->n + 1] = (uint32_t)fs->b.len;
	fs->n++;
	return 0;
}

gw_rc gw_fsets_load(gw_txn *t, gw_fsets *fs, gw_err *err)
{
	const unsigned char *p, *end;
	size_t len;
	uint64_t n, k;
	gw_rc rc;

	memset(fs, 0, sizeof *fs);
	if ((rc = gw_fsets_get(t, (const void **)&p, &len, err)) == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	end = p + len;
	if (gw_varint_get(&p, end, &n) || n > GW_FSETS_MAX)
		goto damaged;
	for (uint64_t i = 0; i < n; i++) {
		if (gw_varint_get(&p, end, &k) || k > (uint64_t)(end - p) || k > GW_MAX_FIELDS)
			goto damaged;
		if (fsets_push(fs, p, (size_t)k)) {
			gw_fsets_free(fs);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		p += k;
	}
	if (p == end)
		return GW_OK;
damaged:
	gw_fsets_free(fs);
	return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table norms, key 'fsets': damaged field sets");
}

gw_rc gw_fsets_save(gw_fsets *fs, gw_txn *t, gw_err *err)
{
	gw_buf out = GW_BUF_INIT;
	gw_rc rc;

	if (!fs->dirty)
		return GW_OK;
	gw_buf_put_varint(&out, fs->n);
	for (size_t i = 0; i < fs->n; i++) {
		gw_buf_put_varint(&out, fs->off[i + 1] - fs->off[i]);
		gw_buf_append(&out, fs->b.p + fs->off[i], fs->off[i + 1] - fs->off[i]);
	}
	rc = gw_buf_ok(&out) ? gw_fsets_put(t, out.p, out.len, err) : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	gw_buf_free(&out);
	if (rc == GW_OK)
		fs->dirty = 0;
	return rc;
}

void gw_fsets_free(gw_fsets *fs)
{
	gw_buf_free(&fs->b);
	free(fs->off);
	memset(fs, 0, sizeof *fs);
}

size_t gw_fsets_get_set(const gw_fsets *fs, size_t i, const unsigned char **fids)
{
	*fids = fs->b.p + fs->off[i];
	return fs->off[i + 1] - fs->off[i];
}

static int same_set(const gw_fsets *fs, size_t i, const unsigned char *fids, size_t n)
{
	return fs->off[i + 1] - fs->off[i] == n && (n == 0 || memcmp(fs->b.p + fs->off[i], fids, n) == 0);
}

/* The number of the set fids[0..n) in fs, added if add; GW_FSET_OTHER if
 * absent (or no more can be added). */
static unsigned fset_id(gw_fsets *fs, const unsigned char *fids, size_t n, int add)
{
	if (fs->last < fs->n && same_set(fs, fs->last, fids, n))
		return (unsigned)fs->last;
	for (size_t i = 0; i < fs->n; i++)
		if (same_set(fs, i, fids, n))
			return (unsigned)(fs->last = i);
	if (!add || fs->n >= GW_FSETS_MAX || fsets_push(fs, fids, n))
		return GW_FSET_OTHER;
	fs->dirty = 1;
	return (unsigned)(fs->last = fs->n - 1);
}

uint32_t gw_norm_of(const gw_record *r, const gw_fieldtab *ft, gw_fsets *fs, int add)
{
	unsigned char fids[GW_MAX_FIELDS];
	size_t n = 0;
	uint64_t len = 0, cjk = 0;

	for (unsigned i = 0; i < r->nf; i++) {
		if (!gw_field_indexed(ft, r->fid[i]))
			continue;
		len += r->flen[i];
		cjk += r->fcjk[i] < r->flen[i] ? r->fcjk[i] : r->flen[i];
		/* Insertion sort: a document has a handful of fields. */
		size_t j = n++;
		for (; j > 0 && fids[j - 1] > r->fid[i]; j--)
			fids[j] = fids[j - 1];
		fids[j] = (unsigned char)r->fid[i];
	}
	return gw_norm_make(cjk ? cjk : len, r->script, fset_id(fs, fids, n, add));
}

/* ---- the queue ---- */

gw_rc gw_norms_queue_add(gw_norms_queue *q, uint32_t docid, uint32_t norm, gw_err *err)
{
	unsigned char le[4];

	gw_le32_put(le, norm);
	return gw_blockq_add(q, docid, le, sizeof le, err);
}

/* A block with the queued norms of run written into its stored ones
 * old[0..len), grown with zeros (no norm) up to the last. */
static gw_rc merge_norms(uint32_t block, const unsigned char *old, size_t len, gw_blockq_run run, gw_buf *out,
                         gw_err *err)
{
	const unsigned char *val;
	uint32_t docid;
	size_t n;

	if (len % 4)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table norms, key '%u': damaged block", block);
	if (len)
		gw_buf_append(out, old, len);
	while (gw_blockq_next(&run, &docid, &val, &n)) {
		size_t at = 4 * (docid % GW_NORMS_BLOCK);
		if (n != 4)
			return gw_err_set(err, GW_EINVAL, 0, "norms queue: a value of %zu bytes", n);
		if (at + 4 > out->len && gw_buf_reserve(out, at + 4 - out->len) == 0) {
			memset(out->p + out->len, 0, at + 4 - out->len);
			out->len = at + 4;
		}
		if (!gw_buf_ok(out))
			return GW_OK; /* out of memory: the flush says so */
		memcpy(out->p + at, val, 4);
	}
	return GW_OK;
}

gw_rc gw_norms_queue_flush(gw_norms_queue *q, gw_txn *t, gw_buf *scratch, gw_err *err)
{
	return gw_blockq_flush(q, t, GW_BT_NORMS, GW_NORMS_BLOCK, merge_norms, scratch, err);
}

void gw_norms_queue_free(gw_norms_queue *q) { gw_blockq_free(q); }

/* ---- the reader ---- */

/* A block kept by the cache: its norms as stored (n of them, 4 bytes each,
 * little-endian), so that a cached block is read as a stored one. */
typedef struct cblock {
	size_t n;
	int summed;         /* floor[] is set (gw_norms_floor) */
	uint32_t floor[GW_NORMS_BLOCK / GW_NORMS_SPAN][4]; /* by span; [0] UINT32_MAX - 1: unbounded */
	unsigned char p[];
} cblock;

struct gw_norms_cache {
	uint64_t txn_id;
	cblock **b; /* by block number; NULL: not read yet */
	size_t nb;
};

/* Every block without a value shares this one. */
static cblock no_block;

gw_norms_cache *gw_norms_cache_new(void) { return calloc(1, sizeof(gw_norms_cache)); }

static void cache_empty(gw_norms_cache *c)
{
	for (size_t i = 0; i < c->nb; i++)
		if (c->b[i] != &no_block)
			free(c->b[i]);
	free(c->b);
	c->b = NULL;
	c->nb = 0;
}

void gw_norms_cache_free(gw_norms_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	free(c);
}

/* Keeps block's n norms at p in c; nothing if out of memory (the next
 * query reads the block again). */
static void cache_put(gw_norms_cache *c, uint32_t block, const unsigned char *p, size_t n)
{
	cblock *b;

	if (block >= c->nb) {
		size_t nb = c->nb ? c->nb : 64;
		cblock **x;
		while (nb <= block)
			nb *= 2;
		if (!(x = realloc(c->b, nb * sizeof *x)))
			return;
		memset(x + c->nb, 0, (nb - c->nb) * sizeof *x);
		c->b = x;
		c->nb = nb;
	}
	if (n == 0) {
		c->b[block] = &no_block;
		return;
	}
	if (!(b = malloc(sizeof *b + 4 * n)))
		return;
	b->n = n;
	b->summed = 0;
	memcpy(b->p, p, 4 * n);
	c->b[block] = b;
}

void gw_norms_reader_init(gw_norms_reader *rd, gw_txn *t)
{
	memset(rd, 0, sizeof *rd);
	rd->t = t;
	rd->block = UINT32_MAX;
}

/* Empties cache if it holds another snapshot than t's. */
static void cache_for(gw_norms_cache *cache, gw_txn *t)
{
	if (cache && cache->txn_id != gw_txn_id(t)) {
		cache_empty(cache);
		cache->txn_id = gw_txn_id(t);
	}
}

void gw_norms_reader_init_cached(gw_norms_reader *rd, gw_txn *t, gw_norms_cache *cache)
{
	gw_norms_reader_init(rd, t);
	cache_for(cache, t);
	rd->cache = cache;
}

/* Keeps a block the cache does not hold yet. */
static int fill_one(void *ctx, uint32_t block, const void *val, size_t len)
{
	gw_norms_cache *c = ctx;

	if (len % 4 == 0 && !(block < c->nb && c->b[block]))
		cache_put(c, block, val, len / 4);
	return 0;
}

gw_rc gw_norms_cache_fill(gw_norms_cache *cache, gw_txn *t, gw_err *err)
{
	cache_for(cache, t);
	return gw_block_each(t, GW_BT_NORMS, fill_one, cache, err);
}

/* Holds block in rd (n = 0 if it has no value or a damaged one). */
static void load(gw_norms_reader *rd, uint32_t block)
{
	const void *v;
	size_t len;
	gw_norms_cache *c = rd->cache;

	rd->block = block;
	rd->n = 0;
	if (c && block < c->nb && c->b[block]) {
		rd->p = c->b[block]->p;
		rd->n = c->b[block]->n;
		return;
	}
	if (!rd->cur) {
		gw_err e;
		gw_err_clear(&e);
		if (gw_block_cursor_open(rd->t, GW_BT_NORMS, &rd->cur, &e)) {
			rd->broken = 1;
			return;
		}
	}
	switch (gw_block_cursor_get(rd->cur, block, &v, &len)) {
	case 0:
		if (len % 4 == 0) {
			rd->p = v;
			rd->n = len / 4;
			if (c)
				cache_put(c, block, rd->p, rd->n);
		} else {
			rd->damaged = 1; /* not kept: every query reports it */
		}
		break;
	case 1: /* none */
		if (c)
			cache_put(c, block, NULL, 0);
		break;
	default:
		rd->damaged = 1;
	}
}

uint32_t gw_norms_read(gw_norms_reader *rd, uint32_t docid)
{
	uint32_t low = docid % GW_NORMS_BLOCK;

	if (docid / GW_NORMS_BLOCK != rd->block && !rd->broken)
		load(rd, docid / GW_NORMS_BLOCK);
	if (rd->broken || low >= rd->n)
		return 0;
	return gw_le32_get(rd->p + 4 * low);
}

/* Into floor the least length floor of each script among p's n norms
 * (UINT32_MAX: none of that script); 0 if one of them is 0 (a document
 * without a norm: nothing bounds it). */
static int span_floor(const unsigned char *p, size_t n, uint32_t floor[4])
{
	for (int s = 0; s < 4; s++)
		floor[s] = UINT32_MAX;
	for (size_t i = 0; i < n; i++, p += 4) {
		uint32_t nm = gw_le32_get(p);
		uint32_t len = gw_norm_len_floor(nm);
		int s = gw_norm_script(nm);
		if (!nm)
			return 0;
		if (len < floor[s])
			floor[s] = len;
	}
	return 1;
}

/* Marks a span nothing bounds (no length floor reaches it). */
#define UNBOUNDED (UINT32_MAX - 1)

uint32_t gw_norms_floor(gw_norms_reader *rd, uint32_t docid, uint32_t floor[4])
{
	uint32_t block = docid / GW_NORMS_BLOCK, span = docid % GW_NORMS_BLOCK / GW_NORMS_SPAN;
	size_t from = (size_t)span * GW_NORMS_SPAN, n;
	gw_norms_cache *c = rd->cache;
	cblock *b;

	if (block != rd->block && !rd->broken)
		load(rd, block);
	if (rd->broken || from >= rd->n)
		return 0;
	n = rd->n - from < GW_NORMS_SPAN ? rd->n - from : GW_NORMS_SPAN;
	b = c && block < c->nb && c->b[block] != &no_block ? c->b[block] : NULL;
	if (b && b->p == rd->p) { /* summed once per snapshot */
		if (!b->summed) {
			for (size_t i = 0; i * GW_NORMS_SPAN < b->n; i++) {
				size_t m = b->n - i * GW_NORMS_SPAN;
				if (!span_floor(b->p + 4 * i * GW_NORMS_SPAN, m < GW_NORMS_SPAN ? m : GW_NORMS_SPAN,
				                b->floor[i]))
					b->floor[i][0] = UNBOUNDED;
			}
			b->summed = 1;
		}
		if (b->floor[span][0] == UNBOUNDED)
			return 0;
		memcpy(floor, b->floor[span], sizeof b->floor[span]);
	} else if (!span_floor(rd->p + 4 * from, n, floor)) {
		return 0;
	}
	return block * GW_NORMS_BLOCK + (uint32_t)(from + n);
}

void gw_norms_reader_close(gw_norms_reader *rd)
{
	gw_block_cursor_close(rd->cur);
	rd->cur = NULL;
}
