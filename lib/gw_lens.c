/* gw_lens: packed ranking data per document (see gw_lens.h). */
#include "gw_lens.h"

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

void gw_lens_reader_init(gw_lens_reader *rd, gw_txn *t)
{
	memset(rd, 0, sizeof *rd);
	rd->t = t;
	rd->block = UINT32_MAX;
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
		if (!rd->cur) {
			gw_err e;
			gw_err_clear(&e);
			if (gw_lens_cursor_open(rd->t, &rd->cur, &e))
				return -1;
		}
		if ((rc = gw_lens_cursor_get(rd->cur, block, &v, &len)))
			return rc;
		rd->block = block;
		rd->p = rd->next = v;
		rd->end = rd->p + len;
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
