/* gw_lens: packed ranking data per document (see gw_lens.h). */
#include "gw_lens.h"

#include <stdlib.h>
#include <string.h>

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
	r->id = NULL;
	r->id_len = 0;
	q += 2;
	for (unsigned i = 0; i < nf; i++) {
		uint64_t len;
		if (q >= body_end)
			return -1;
		r->fid[i] = *q++;
		if (gw_varint_get(&q, body_end, &len) || len > UINT32_MAX)
			return -1;
		r->flen[i] = (uint32_t)len;
	}
	*p = body_end;
	return q == body_end ? 0 : -1;
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
	return gw_lens_block_put(t, block, scratch->p, scratch->len, err);
}

gw_rc gw_lens_add(gw_txn *t, uint32_t docid, const gw_record *r, const gw_fieldtab *ft, gw_buf *scratch,
                  gw_err *err)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	unsigned low = docid % GW_LENS_BLOCK, nf = 0;
	static const unsigned char empty[1]; /* a new block's value */
	const unsigned char *p = NULL, *at, *after;
	unsigned char body[2 + GW_MAX_FIELDS * 6];
	size_t len = 0, nbody = 0;
	gw_rc rc = gw_lens_block_get(t, block, (const void **)&p, &len, err);

	if (rc == GW_ENOTFOUND)
		p = empty, len = 0;
	else if (rc)
		return rc;
	if (block_find(p, p + len, low, &at, &after) < 0)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged lens block %u", block);
	/* The entry's body: script, nfields, (fid, length) per indexed field. */
	body[nbody++] = (unsigned char)r->script;
	nbody++;
	for (unsigned i = 0; i < r->nf; i++) {
		if (!gw_field_indexed(ft, r->fid[i]))
			continue;
		body[nbody++] = (unsigned char)r->fid[i];
		nbody += gw_varint_put(body + nbody, r->flen[i]);
		nf++;
	}
	body[1] = (unsigned char)nf;
	return rewrite_block(t, block, p, len, at, after, low, body, nbody, scratch, err);
}

gw_rc gw_lens_remove(gw_txn *t, uint32_t docid, gw_buf *scratch, gw_err *err)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	const unsigned char *p, *at, *after;
	size_t len;
	int found;
	gw_rc rc = gw_lens_block_get(t, block, (const void **)&p, &len, err);

	if (rc == GW_ENOTFOUND)
		return GW_OK;
	if (rc)
		return rc;
	if ((found = block_find(p, p + len, docid % GW_LENS_BLOCK, &at, &after)) < 0)
		return gw_err_set(err, GW_EFORMAT, 0, "damaged lens block %u", block);
	if (!found)
		return GW_OK;
	return rewrite_block(t, block, p, len, at, after, 0, NULL, 0, scratch, err);
}

/* ---- the cache ----
 * One decoded block: which of its GW_LENS_BLOCK documents have an entry,
 * and per document its script and fields; the fields of all of them in
 * two arrays, a document's from first[low] on. */
typedef struct dblock {
	uint32_t present;                 /* bit low: docid block * 32 + low has an entry */
	unsigned char script[GW_LENS_BLOCK];
	unsigned char nf[GW_LENS_BLOCK];
	uint16_t first[GW_LENS_BLOCK];
	unsigned char *fid;
	uint32_t *flen;
} dblock;

struct gw_lens_cache {
	uint64_t txn_id;
	uint32_t reader;   /* readers opened on this snapshot (the last one's number) */
	dblock **b;        /* by block number; NULL: not decoded */
	uint32_t *seen;    /* by block number: the reader that last parsed it (0: none) */
	size_t nb;
};

/* Where a block with no value (no documents) is pointed at. */
static dblock no_docs;

gw_lens_cache *gw_lens_cache_new(void) { return calloc(1, sizeof(gw_lens_cache)); }

static void cache_empty(gw_lens_cache *c)
{
	for (size_t i = 0; i < c->nb; i++)
		if (c->b[i] != &no_docs)
			free(c->b[i]);
	free(c->b);
	free(c->seen);
	c->b = NULL;
	c->seen = NULL;
	c->nb = 0;
	c->reader = 0;
}

void gw_lens_cache_free(gw_lens_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	free(c);
}

/* Decodes a block value into one allocation; NULL if damaged or out of
 * memory. An entry takes at least 2 bytes a field, so len / 2 fields is
 * room enough for one pass. */
static dblock *decode_block(const unsigned char *p, const unsigned char *end)
{
	size_t room = (size_t)(end - p) / 2 + 1, at = 0;
	gw_record r;
	dblock *b = calloc(1, sizeof *b + room * (sizeof *b->fid + sizeof *b->flen));

	if (!b)
		return NULL;
	b->flen = (uint32_t *)(b + 1);
	b->fid = (unsigned char *)(b->flen + room);
	while (p < end) {
		unsigned low = *p;
		if (low >= GW_LENS_BLOCK || entry_parse(&p, end, &r) || at + r.nf > room) {
			free(b);
			return NULL;
		}
		b->present |= (uint32_t)1 << low;
		b->script[low] = (unsigned char)r.script;
		b->nf[low] = (unsigned char)r.nf;
		b->first[low] = (uint16_t)at;
		for (unsigned i = 0; i < r.nf; i++, at++) {
			b->fid[at] = (unsigned char)r.fid[i];
			b->flen[at] = r.flen[i];
		}
	}
	return b;
}

/* Sets *out to the decoded block, or to NULL when the reader is to parse
 * it as it goes: a block is decoded the second time a query reads it, so
 * that one query alone never pays for decoding the entries it does not
 * read. Returns 0, or -1 on error. */
static int cached_block(gw_lens_reader *rd, uint32_t block, const dblock **out)
{
	gw_lens_cache *c = rd->cache;
	const void *v;
	size_t len;
	int rc;

	*out = NULL;
	if (block >= c->nb) {
		size_t nb = c->nb ? c->nb : 64;
		dblock **nbk;
		uint32_t *ns;
		while (nb <= block)
			nb *= 2;
		if (!(nbk = realloc(c->b, nb * sizeof *nbk)))
			return -1;
		c->b = nbk;
		if (!(ns = realloc(c->seen, nb * sizeof *ns)))
			return -1;
		c->seen = ns;
		memset(c->b + c->nb, 0, (nb - c->nb) * sizeof *c->b);
		memset(c->seen + c->nb, 0, (nb - c->nb) * sizeof *c->seen);
		c->nb = nb;
	}
	if ((*out = c->b[block]))
		return 0;
	if (!c->seen[block] || c->seen[block] == c->reader) {
		c->seen[block] = c->reader;
		return 0;
	}
	if (!rd->cur) {
		gw_err e;
		gw_err_clear(&e);
		if (gw_lens_cursor_open(rd->t, &rd->cur, &e))
			return -1;
	}
	if ((rc = gw_lens_cursor_get(rd->cur, block, &v, &len)) == 1)
		*out = c->b[block] = &no_docs;
	else if (rc)
		return -1;
	else
		*out = c->b[block] = decode_block(v, (const unsigned char *)v + len);
	return *out ? 0 : -1;
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
	if (cache && ++cache->reader == 0) /* wrapped: 0 means "no reader" */
		cache_empty(cache), cache->reader = 1;
	rd->cache = cache;
}

void gw_lens_reader_close(gw_lens_reader *rd)
{
	gw_lens_cursor_close(rd->cur);
	rd->cur = NULL;
}

int gw_lens_read(gw_lens_reader *rd, uint32_t docid, gw_record *r)
{
	uint32_t block = docid / GW_LENS_BLOCK;
	unsigned low = docid % GW_LENS_BLOCK;
	const unsigned char *from, *at, *after;
	int found;

	if (block != rd->block) {
		const void *v;
		size_t len;
		int rc;
		rd->block = UINT32_MAX;
		rd->dec = NULL;
		if (rd->cache && cached_block(rd, block, &rd->dec))
			return -1;
		if (!rd->dec) {
			if (!rd->cur) {
				gw_err e;
				gw_err_clear(&e);
				if (gw_lens_cursor_open(rd->t, &rd->cur, &e))
					return -1;
			}
			if ((rc = gw_lens_cursor_get(rd->cur, block, &v, &len)))
				return rc;
			rd->p = rd->next = v;
			rd->end = rd->p + len;
		}
		rd->block = block;
	}
	if (rd->dec) {
		const dblock *b = rd->dec;
		if (!(b->present >> low & 1))
			return 1;
		r->script = b->script[low];
		r->nf = b->nf[low];
		r->id = NULL;
		r->id_len = 0;
		for (unsigned i = 0, k = b->first[low]; i < r->nf; i++, k++) {
			r->fid[i] = b->fid[k];
			r->flen[i] = b->flen[k];
		}
		return 0;
	}
	/* Resume after the last entry read unless docid lies before it. */
	from = (rd->next < rd->end && *rd->next <= low) ? rd->next : rd->p;
	if ((found = block_find(from, rd->end, low, &at, &after)) < 0)
		return -1;
	if (!found)
		return 1;
	rd->next = after;
	return entry_parse(&at, rd->end, r) ? -1 : 0;
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
