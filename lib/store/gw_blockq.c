/* gw_blockq: per-docid values written block by block (see gw_blockq.h). */
#include "store/gw_blockq.h"

#include <string.h>

gw_rc gw_blockq_add(gw_blockq *q, uint32_t docid, const void *val, size_t len, gw_err *err)
{
	unsigned char head[4];

	if (q->n && docid <= q->last)
		return gw_err_set(err, GW_EINVAL, 0, "block queue: docid %u after %u", docid, q->last);
	if (!q->n)
		q->first = docid;
	q->last = docid;
	q->n++;
	gw_be32_put(head, docid);
	gw_buf_append(&q->b, head, 4);
	gw_buf_put_varint(&q->b, len);
	gw_buf_append(&q->b, val, len);
	return gw_buf_ok(&q->b) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

int gw_blockq_next(gw_blockq_run *run, uint32_t *docid, const unsigned char **val, size_t *len)
{
	uint64_t n = 0;

	if (run->p >= run->end)
		return 0;
	*docid = gw_be32_get(run->p);
	run->p += 4;
	gw_varint_get(&run->p, run->end, &n); /* written by gw_blockq_add */
	*val = run->p;
	*len = (size_t)n;
	run->p += n;
	return 1;
}

gw_rc gw_blockq_flush(gw_blockq *q, gw_txn *t, gw_btable bt, uint32_t per_block, gw_blockq_merge merge,
                      gw_buf *scratch, gw_err *err)
{
	gw_blockq_run all = {q->b.p, q->b.p + q->b.len};
	gw_rc rc = GW_OK;

	while (all.p < all.end && rc == GW_OK) {
		uint32_t block = gw_be32_get(all.p) / per_block, docid;
		gw_blockq_run run = {all.p, all.p};
		const unsigned char *old = NULL, *val;
		size_t len = 0;
		/* The run of items in this block. */
		while (all.p < all.end && gw_be32_get(all.p) / per_block == block &&
		       gw_blockq_next(&all, &docid, &val, &len))
			run.end = all.p;
		rc = gw_block_get(t, bt, block, (const void **)&old, &len, err);
		if (rc == GW_ENOTFOUND)
			rc = GW_OK, old = NULL, len = 0;
		if (rc)
			break;
		gw_buf_reset(scratch);
		if ((rc = merge(block, old, len, run, scratch, err)))
			break;
		rc = !gw_buf_ok(scratch) ? gw_err_set(err, GW_ENOMEM, 0, "out of memory")
		     : old               ? gw_block_put(t, bt, block, scratch->p, scratch->len, err)
		                         : gw_block_append(t, bt, block, scratch->p, scratch->len, err);
	}
	gw_buf_reset(&q->b);
	q->n = 0;
	return rc;
}

void gw_blockq_free(gw_blockq *q)
{
	gw_buf_free(&q->b);
	memset(q, 0, sizeof *q);
}
