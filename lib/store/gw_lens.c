/* gw_lens: packed ranking data per document (see gw_lens.h). */
#include "store/gw_lens.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Parses the entry at *p into r; advances *p past it. */
static int entry_parse(const unsigned char **p, const unsigned char *end, gw_record *r)
{
	const unsigned char *q = *p + 1, *body_end;
	uint64_t size;
	unsigned nf;

	if (q > end || gw_varint_get(&q, end, &size) || size > (uint64_t)(end - q) || size < 2)
		return -1;
	body_end = q + size;
	r->script = q[0];
	r->nf = nf = q[1];
	q += 2;
	if (nf > GW_MAX_FIELDS)
		return -1;
	for (unsigned i = 0; i < nf; i++) {
		uint64_t len;
		if (q >= body_end)
			return -1;
		r->fid[i] = *q++;
		if (gw_varint_get(&q, body_end, &len) || len > UINT32_MAX)
			return -1;
		r->flen[i] = (uint32_t)len;
		if (gw_varint_get(&q, body_end, &len) || len > UINT32_MAX)
			return -1;
		r->fcjk[i] = (uint32_t)len;
	}
	r->id = (const char *)q;
	r->id_len = (size_t)(body_end - q);
	*p = body_end;
	return 0;
}

/* Advances *p past the entry there without decoding it: the size prefix
 * makes skipping the entries before the wanted one cheap. */
static int entry_skip(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *q = *p + 1;
	uint64_t size;

	if (q > end || gw_varint_get(&q, end, &size) || size > (uint64_t)(end - q))
		return -1;
	*p = q + size;
	return 0;
}

/* Finds low's place in the block [p, end): *at = the first entry whose low
 * byte is >= low, *after = the end of low's entry if found (else *at).
 * Returns 1 if found, 0 if not, -1 if damaged. */
static int block_find(const unsigned char *p, const unsigned char *end, unsigned low,
                      const unsigned char **at, const unsigned char **after)
{
	while (p < end && *p < low)
		if (entry_skip(&p, end))
			return -1;
	*at = *after = p;
	if (p >= end || *p != low)
		return 0;
	if (entry_skip(after, end))
		return -1;
	return 1;
}

/* Writes block's value p[0..len) with [at, after) replaced by the entry of
 * low with body[0..nbody) (body NULL: by nothing); an empty block is
 * deleted. */
static gw_rc rewrite_block(gw_txn *t, uint32_t block, const unsigned char *p, size_t len,
                           const unsigned char *at, const unsigned char *after, unsigned low,
                           const unsigned char *body, size_t nbody, gw_buf *scratch, gw_err *err)
{
	gw_buf_reset(scratch);
	gw_buf_append(scratch, p, (size_t)(at - p));
	if (body) {
		gw_buf_putc(scratch, (int)low);
		gw_buf_put_varint(scratch, nbody);
		gw_buf_append(scratch, body, nbody);
	}
	gw_buf_append(scratch, after, (size_t)(p + len - after));
	if (!gw_buf_ok(scratch))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return gw_block_put(t, GW_BT_LENS, block, scratch->p, scratch->len, err);
}

/* The longest entry body: script, nfields, (fid, varint length, varint
 * CJK characters) a field, the id. */
#define BODY_MAX (2 + GW_MAX_FIELDS * 11 + GW_ID_MAX)

/* Encodes the entry body of r into body (BODY_MAX bytes): script,
 * nfields, (fid, length) per indexed field, the id. Returns its size, 0
 * if the id is too long. */
static size_t entry_body(unsigned char *body, const gw_record *r, const gw_fieldtab *ft)
{
	size_t n = 0;
	unsigned nf = 0;

	body[n++] = (unsigned char)r->script;
	n++;
	for (unsigned i = 0; i < r->nf; i++) {
		if (!gw_field_indexed(ft, r->fid[i]))
			continue;
		body[n++] = (unsigned char)r->fid[i];
		n += gw_varint_put(body + n, r->flen[i]);
		n += gw_varint_put(body + n, r->fcjk[i]);
		nf++;
	}
	body[1] = (unsigned char)nf;
	if (r->id_len > GW_ID_MAX)
		return 0;
	if (r->id_len)
		memcpy(body + n, r->id, r->id_len);
	return n + r->id_len;
}

/* Puts the entry of docid with body[0..nbody) into its block. */
static gw_rc add_body(gw_txn *t, uint32_t docid, const unsigned char *body, size_t nbody, gw_buf *scratch,
                      gw_err *err)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	unsigned low = docid % GW_LENS_BLOCK;
	static const unsigned char empty[1]; /* a new block's value */
	const unsigned char *p = NULL, *at, *after;
	size_t len = 0;
	gw_rc rc = gw_block_get(t, GW_BT_LENS, block, (const void **)&p, &len, err);

	if (rc == GW_ENOTFOUND)
		p = empty, len = 0;
	else if (rc)
		return rc;
	if (block_find(p, p + len, low, &at, &after) < 0)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table lens, key '%u': damaged block", block);
	return rewrite_block(t, block, p, len, at, after, low, body, nbody, scratch, err);
}

gw_rc gw_lens_add(gw_txn *t, uint32_t docid, const gw_record *r, const gw_fieldtab *ft, gw_buf *scratch,
                  gw_err *err)
{
	unsigned char body[BODY_MAX];
	size_t n = entry_body(body, r, ft);

	if (!n)
		return gw_err_set(err, GW_EINVAL, 0, "id of %zu bytes: too long", r->id_len);
	return add_body(t, docid, body, n, scratch, err);
}

/* ---- the queue ---- */

gw_rc gw_lens_queue_add(gw_lens_queue *q, uint32_t docid, const gw_record *r, const gw_fieldtab *ft,
                        gw_err *err)
{
	unsigned char body[BODY_MAX];
	size_t n = entry_body(body, r, ft);

	if (!n)
		return gw_err_set(err, GW_EINVAL, 0, "id of %zu bytes: too long", r->id_len);
	return gw_blockq_add(q, docid, body, n, err);
}

/* A block with the queued entries of run merged into its stored ones
 * old[0..len), in docid order (an entry of the same docid replaced): the
 * bytes adding them one by one gives. Usually the batch's docids come
 * after the stored ones, and its entries go at the end. */
static gw_rc merge_entries(uint32_t block, const unsigned char *old, size_t len, gw_blockq_run run, gw_buf *out,
                           gw_err *err)
{
	static const unsigned char none[1]; /* a new block's value */
	const unsigned char *p = old ? old : none, *end = p + len, *body, *at, *after;
	uint32_t docid;
	size_t n;

	while (gw_blockq_next(&run, &docid, &body, &n)) {
		unsigned low = docid % GW_LENS_BLOCK;
		int found = block_find(p, end, low, &at, &after);
		if (found < 0)
			return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table lens, key '%u': damaged block", block);
		if (at > p)
			gw_buf_append(out, p, (size_t)(at - p));
		gw_buf_putc(out, (int)low);
		gw_buf_put_varint(out, n);
		gw_buf_append(out, body, n);
		p = after;
	}
	if (end > p)
		gw_buf_append(out, p, (size_t)(end - p));
	return GW_OK;
}

gw_rc gw_lens_queue_flush(gw_lens_queue *q, gw_txn *t, gw_buf *scratch, gw_err *err)
{
	return gw_blockq_flush(q, t, GW_BT_LENS, GW_LENS_BLOCK, merge_entries, scratch, err);
}

void gw_lens_queue_free(gw_lens_queue *q) { gw_blockq_free(q); }

gw_rc gw_lens_remove(gw_txn *t, uint32_t docid, gw_buf *scratch, gw_err *err)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	const unsigned char *p, *at, *after;
	size_t len;
	int found;
	gw_rc rc = gw_block_get(t, GW_BT_LENS, block, (const void **)&p, &len, err);

	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	if ((found = block_find(p, p + len, docid % GW_LENS_BLOCK, &at, &after)) < 0)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table lens, key '%u': damaged block", block);
	if (!found)
		return GW_OK;
	return rewrite_block(t, block, p, len, at, after, 0, NULL, 0, scratch, err);
}

/* ---- the cache ----
 * What a process learns of a block, kept until the snapshot changes: each
 * entry a query has parsed, and each docid found to have none. Entries
 * are found and parsed as without the cache (resuming after the last one
 * read), one by one as queries read them, never a whole block at once:
 * decoding, or even indexing, every entry of the blocks a common query
 * touches made that query pay more than it saved.
 *
 * All of it lives in an arena of ARENA_CHUNK pieces, filled from the
 * start, kept when the cache is emptied: in a virtual machine each page of
 * fresh memory costs microseconds the first time it is touched, so the
 * cache is dense (a block's header, then 4 + 9 * fields bytes per entry
 * read), its memory is reused rather than given back, and each piece is
 * mapped with its pages populated at once (chunk_new): a cold query that
 * read a thousand documents' lengths took some 15 page faults in it. */
enum { ARENA_CHUNK = 64 << 10 };

typedef struct dblock {
	uint32_t parsed;                  /* bit low: rec[low] holds the entry of docid block * 32 + low */
	uint32_t absent;                  /* bit low: that docid has no entry */
	uint32_t rec[GW_LENS_BLOCK];      /* the parsed entries (arena handles, see arena_get) */
} dblock;

struct gw_lens_cache {
	uint64_t txn_id;
	dblock **b;               /* by block number; NULL: not read yet */
	size_t nb;
	unsigned char **chunk;    /* the arena's chunks; those past cur are free */
	size_t nchunks, cur, used; /* cur: the chunk being filled, used of it */
};

/* A chunk of the arena, its pages mapped at once: one call that zeroes 16
 * pages costs a fraction of 16 faults, each taken mid-query. */
static unsigned char *chunk_new(void)
{
	void *m = mmap(NULL, ARENA_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1,
	               0);

	return m == MAP_FAILED ? NULL : m;
}

gw_lens_cache *gw_lens_cache_new(void) { return calloc(1, sizeof(gw_lens_cache)); }

/* n bytes (a multiple of 4, at most ARENA_CHUNK) from the arena, and in
 * *handle their 32-bit name, chunk * ARENA_CHUNK + offset (half the size
 * of a pointer, for the 32 of every block). NULL if out of memory. */
static unsigned char *arena_get(gw_lens_cache *c, size_t n, uint32_t *handle)
{
	if (!c->nchunks || c->used + n > ARENA_CHUNK) {
		size_t next = c->nchunks ? c->cur + 1 : 0;
		if (next >= c->nchunks) {
			unsigned char **nc, *m;
			if ((uint64_t)(next + 1) * ARENA_CHUNK > UINT32_MAX ||
			    !(nc = realloc(c->chunk, (next + 1) * sizeof *nc)))
				return NULL;
			c->chunk = nc;
			if (!(m = chunk_new()))
				return NULL;
			c->chunk[c->nchunks++] = m;
		}
		c->cur = next;
		c->used = 0;
	}
	*handle = (uint32_t)(c->cur * ARENA_CHUNK + c->used);
	c->used += n;
	return c->chunk[c->cur] + c->used - n;
}

static const unsigned char *arena_at(const gw_lens_cache *c, uint32_t handle)
{
	return c->chunk[handle / ARENA_CHUNK] + handle % ARENA_CHUNK;
}

static void cache_empty(gw_lens_cache *c)
{
	free(c->b);
	c->b = NULL;
	c->nb = 0;
	c->cur = c->used = 0; /* the chunks stay, for the next snapshot */
}

void gw_lens_cache_free(gw_lens_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	for (size_t i = 0; i < c->nchunks; i++)
		munmap(c->chunk[i], ARENA_CHUNK);
	free(c->chunk);
	free(c);
}

/* The slot of block in c (grown as needed); NULL if out of memory. */
static dblock **cache_slot(gw_lens_cache *c, uint32_t block)
{
	if (block >= c->nb) {
		size_t nb = c->nb ? c->nb : 64;
		dblock **n;
		while (nb <= block)
			nb *= 2;
		if (!(n = realloc(c->b, nb * sizeof *n)))
			return NULL;
		memset(n + c->nb, 0, (nb - c->nb) * sizeof *n);
		c->b = n;
		c->nb = nb;
	}
	return &c->b[block];
}

/* Keeps entry e in the arena: script, nf, two bytes of padding, nf
 * lengths (uint32), nf CJK character counts (uint32), nf field ids. Not the id:
 * ranking does not need it, and the arena's fresh pages are what a cold
 * query pays for (tripled by zh-docs' ids of 30 bytes). Returns its handle
 * in *handle; -1 if out of memory. */
static int put_entry(gw_lens_cache *c, const gw_record *e, uint32_t *handle)
{
	size_t n = (4 + 9 * (size_t)e->nf + 3) / 4 * 4;
	unsigned char *x = arena_get(c, n, handle);

	if (!x)
		return -1;
	x[0] = (unsigned char)e->script;
	x[1] = (unsigned char)e->nf;
	memcpy(x + 4, e->flen, 4 * (size_t)e->nf);
	memcpy(x + 4 + 4 * (size_t)e->nf, e->fcjk, 4 * (size_t)e->nf);
	for (unsigned i = 0; i < e->nf; i++)
		x[4 + 8 * (size_t)e->nf + i] = (unsigned char)e->fid[i];
	return 0;
}

/* Holds block's value in rd (p, end; next at its first entry). Returns 0,
 * 1 if the block has no value, -1 on error. */
static int reader_load(gw_lens_reader *rd, uint32_t block)
{
	const void *v;
	size_t len;
	int rc;

	rd->block = UINT32_MAX;
	if (!rd->cur) {
		gw_err e;
		gw_err_clear(&e);
		if (gw_block_cursor_open(rd->t, GW_BT_LENS, &rd->cur, &e))
			return -1;
	}
	if ((rc = gw_block_cursor_get(rd->cur, block, &v, &len)))
		return rc;
	rd->block = block;
	rd->p = rd->next = v;
	rd->end = rd->p + len;
	return 0;
}

/* Sets r from a kept entry (put_entry). */
static void copy_entry(const unsigned char *x, gw_record *r)
{
	unsigned nf = x[1];

	r->script = x[0];
	r->nf = nf;
	r->id = NULL;
	r->id_len = 0;
	for (unsigned i = 0; i < nf; i++) {
		uint32_t len, han;
		memcpy(&len, x + 4 + 4 * i, 4);
		memcpy(&han, x + 4 + 4 * (nf + i), 4);
		r->flen[i] = len;
		r->fcjk[i] = han;
		r->fid[i] = x[4 + 8 * nf + i];
	}
}

/* Finds and parses the entry of docid block * 32 + low in the block
 * value, resuming after the last entry read unless docid lies before it.
 * Returns as gw_lens_read. */
static int read_entry(gw_lens_reader *rd, uint32_t block, unsigned low, gw_record *r)
{
	const unsigned char *from, *at, *after;
	int found, rc;

	if (block != rd->block && (rc = reader_load(rd, block)))
		return rc;
	from = (rd->next < rd->end && *rd->next <= low) ? rd->next : rd->p;
	if ((found = block_find(from, rd->end, low, &at, &after)) < 0)
		return -1;
	if (!found)
		return 1;
	rd->next = after;
	return entry_parse(&at, rd->end, r) ? -1 : 0;
}

/* gw_lens_read for an entry the cache does not hold yet: read as without
 * the cache, then kept (or its absence remembered). */
static int read_cached(gw_lens_reader *rd, uint32_t block, unsigned low, gw_record *r)
{
	gw_lens_cache *c = rd->cache;
	dblock **slot = cache_slot(c, block), *b;
	uint32_t handle;
	int rc;

	if (!slot)
		return -1;
	if (!(b = *slot)) {
		if (!(b = (dblock *)arena_get(c, sizeof *b, &handle)))
			return -1;
		b->parsed = b->absent = 0;
		*slot = b;
	}
	if (b->absent >> low & 1)
		return 1;
	if ((rc = read_entry(rd, block, low, r)) == 1)
		b->absent |= (uint32_t)1 << low;
	if (rc)
		return rc;
	if (put_entry(c, r, &b->rec[low]))
		return -1;
	b->parsed |= (uint32_t)1 << low;
	return 0;
}

void gw_lens_reader_init(gw_lens_reader *rd, gw_txn *t)
{
	memset(rd, 0, sizeof *rd);
	rd->t = t;
	rd->block = UINT32_MAX;
}

void gw_lens_reader_init_cached(gw_lens_reader *rd, gw_txn *t, gw_lens_cache *cache)
{
	gw_lens_reader_init(rd, t);
	if (cache && cache->txn_id != gw_txn_id(t)) {
		cache_empty(cache);
		cache->txn_id = gw_txn_id(t);
	}
	rd->cache = cache;
}

void gw_lens_reader_close(gw_lens_reader *rd)
{
	gw_block_cursor_close(rd->cur);
	rd->cur = NULL;
}

int gw_lens_read(gw_lens_reader *rd, uint32_t docid, gw_record *r)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	unsigned low = docid % GW_LENS_BLOCK;

	if (rd->cache) {
		const gw_lens_cache *c = rd->cache;
		const dblock *b = block < c->nb ? c->b[block] : NULL;
		if (b && (b->parsed >> low & 1)) { /* the common case, once warm */
			copy_entry(arena_at(c, b->rec[low]), r);
			return 0;
		}
		return read_cached(rd, block, low, r);
	}
	return read_entry(rd, block, low, r);
}

int gw_lens_block_docids(const void *val, size_t len, uint32_t block, uint32_t *out)
{
	const unsigned char *p = val, *end = p + len;
	int n = 0, prev = -1;
	gw_record r; /* parsed in full, so that damage inside an entry shows */

	while (p < end) {
		if (*p >= GW_LENS_BLOCK || (int)*p <= prev || n >= GW_LENS_BLOCK)
			return -1;
		prev = *p;
		out[n++] = block * GW_LENS_BLOCK + *p;
		if (entry_parse(&p, end, &r))
			return -1;
	}
	return n;
}
