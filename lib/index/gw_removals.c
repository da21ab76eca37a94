/* gw_removals: queued postings removals (see gw_removals.h).
 *
 * Term keys are kept once each (a hash table over key ids, their bytes in
 * an arena); a removal is a (key id, docid) pair. Flushing sorts the keys,
 * then the pairs by (key rank, docid) with a radix sort, and hands each
 * key's docids to gw_post_remove_many. */
#include "index/gw_removals.h"

#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"

typedef struct rkey {
	size_t off;       /* bytes in keys */
	uint32_t len;
	uint32_t rank;    /* set by flush: position in key order */
} rkey;

struct gw_removals {
	gw_buf keys;      /* every key's bytes */
	rkey *k;          /* key ids 0..nk */
	size_t nk, k_cap;
	uint32_t *tab;    /* hash table: key id + 1, 0 empty */
	size_t tab_cap;
	uint64_t *pairs;  /* key id << 32 | docid; rank << 32 | docid once sorted */
	size_t np, p_cap;
};

gw_removals *gw_removals_new(void) { return calloc(1, sizeof(gw_removals)); }

static void clear(gw_removals *r)
{
	gw_buf_free(&r->keys);
	free(r->k);
	free(r->tab);
	free(r->pairs);
	memset(r, 0, sizeof *r);
}

void gw_removals_free(gw_removals *r)
{
	if (!r)
		return;
	clear(r);
	free(r);
}

size_t gw_removals_bytes(const gw_removals *r)
{
	return r->keys.cap + r->k_cap * sizeof *r->k + r->tab_cap * sizeof *r->tab + r->p_cap * sizeof *r->pairs;
}

int gw_removals_queued(const gw_removals *r) { return r->np > 0; }

static uint64_t key_hash(const void *k, size_t n) { return gw_hash(GW_HASH_INIT, k, n); }

static int tab_grow(gw_removals *r)
{
	size_t cap = r->tab_cap ? r->tab_cap * 2 : 1024;
	uint32_t *tab = calloc(cap, sizeof *tab);

	if (!tab)
		return -1;
	for (size_t i = 0; i < r->nk; i++) {
		size_t j = key_hash(r->keys.p + r->k[i].off, r->k[i].len) & (cap - 1);
		while (tab[j])
			j = (j + 1) & (cap - 1);
		tab[j] = (uint32_t)i + 1;
	}
	free(r->tab);
	r->tab = tab;
	r->tab_cap = cap;
	return 0;
}

/* The id of key k, added if new; -1 on allocation failure. */
static long key_id(gw_removals *r, const void *k, size_t n)
{
	size_t j;

	if ((r->nk + 1) * 2 > r->tab_cap && tab_grow(r))
		return -1;
	for (j = key_hash(k, n) & (r->tab_cap - 1); r->tab[j]; j = (j + 1) & (r->tab_cap - 1)) {
		const rkey *e = &r->k[r->tab[j] - 1];
		if (e->len == n && memcmp(r->keys.p + e->off, k, n) == 0)
			return (long)(r->tab[j] - 1);
	}
	if (gw_array_grow((void **)&r->k, &r->k_cap, r->nk + 1, sizeof *r->k, 1024))
		return -1;
	r->k[r->nk].off = r->keys.len;
	r->k[r->nk].len = (uint32_t)n;
	gw_buf_append(&r->keys, k, n);
	if (!gw_buf_ok(&r->keys))
		return -1;
	r->tab[j] = (uint32_t)++r->nk;
	return (long)r->nk - 1;
}

int gw_removals_add(gw_removals *r, const void *k, size_t klen, uint32_t docid)
{
	long id = key_id(r, k, klen);

	if (id < 0)
		return -1;
	if (gw_array_grow((void **)&r->pairs, &r->p_cap, r->np + 1, sizeof *r->pairs, 4096))
		return -1;
	r->pairs[r->np++] = (uint64_t)id << 32 | docid;
	return 0;
}

static int by_key_bytes(const void *pa, const void *pb, void *ctx)
{
	const gw_removals *r = ctx;
	const rkey *a = &r->k[*(const uint32_t *)pa], *b = &r->k[*(const uint32_t *)pb];
	int c = memcmp(r->keys.p + a->off, r->keys.p + b->off, a->len < b->len ? a->len : b->len);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* LSD radix sort of v[0..n) (tmp: room for n), a byte at a time, skipping
 * bytes equal in every value. Returns the sorted array (v or tmp). */
static uint64_t *radix_sort64(uint64_t *v, uint64_t *tmp, size_t n)
{
	size_t count[256];

	for (int b = 0; b < 64; b += 8) {
		size_t at = 0;
		uint64_t *t;
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[v[i] >> b & 0xff]++;
		if (count[v[0] >> b & 0xff] == n)
			continue;
		for (int x = 0; x < 256; x++) {
			size_t c = count[x];
			count[x] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[v[i] >> b & 0xff]++] = v[i];
		t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

gw_rc gw_removals_flush(gw_removals *r, gw_txn *t, uint64_t checkpoint, gw_err *err)
{
	uint32_t *order = NULL, *docids = NULL;
	uint64_t *tmp = NULL, *sorted;
	gw_rc rc = GW_OK;

	if (r->np == 0) {
		clear(r);
		return GW_OK;
	}
	order = malloc(r->nk * sizeof *order);
	tmp = malloc(r->np * sizeof *tmp);
	docids = malloc(r->np * sizeof *docids);
	if (!order || !tmp || !docids) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto done;
	}
	/* Keys in byte order (LMDB's), so the chunks are visited in order. */
	for (size_t i = 0; i < r->nk; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, r->nk, sizeof *order, by_key_bytes, r);
	for (size_t i = 0; i < r->nk; i++)
		r->k[order[i]].rank = (uint32_t)i;
	for (size_t i = 0; i < r->np; i++)
		r->pairs[i] = (uint64_t)r->k[r->pairs[i] >> 32].rank << 32 | (r->pairs[i] & 0xffffffffu);
	sorted = radix_sort64(r->pairs, tmp, r->np);
	for (size_t i = 0, j; i < r->np && rc == GW_OK; i = j) {
		const rkey *k = &r->k[order[sorted[i] >> 32]];
		size_t n = 0;
		for (j = i; j < r->np && sorted[j] >> 32 == sorted[i] >> 32; j++)
			if (n == 0 || docids[n - 1] != (uint32_t)sorted[j]) /* a pair queued twice */
				docids[n++] = (uint32_t)sorted[j];
		rc = gw_post_remove_many(t, r->keys.p + k->off, k->len, docids, n, err);
		if (rc == GW_OK && checkpoint && gw_txn_written(t) >= checkpoint)
			rc = gw_txn_checkpoint(t, err);
	}
	if (rc == GW_OK)
		clear(r);
done:
	free(order);
	free(tmp);
	free(docids);
	return rc;
}
