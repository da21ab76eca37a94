/* gw_accum: in-memory posting lists for a batch (see gw_accum.h).
 *
 * An open-addressing hash table maps term keys (gw_term_key bytes, kept in
 * one arena) to gw_plist entries. */
#include "gw_accum.h"

#include <stdlib.h>
#include <string.h>

/* Keys up to INLINE_KEY bytes (every character, bigram and word of up to
 * four Han characters) live in the slot itself, so that finding a term
 * touches one cache line; longer ones are kept in the keys arena. A slot
 * is 64 bytes on LP64 systems. */
enum { INLINE_KEY = 16 };

typedef struct slot {
	uint64_t h;       /* the key's hash: compared before the key, kept for regrowth */
	uint32_t klen;    /* 0: the slot is empty (keys are never empty) */
	uint32_t unused;
	union {
		unsigned char b[INLINE_KEY];
		size_t off;   /* in gw_accum.keys when klen > INLINE_KEY */
	} key;
	gw_plist list;
} slot;

/* One term of the document being added: its tokens l->t[first..end), its
 * key (in gw_accum.gkeys) and, once found, its slot. */
typedef struct group {
	size_t first, end;
	size_t koff;
	uint32_t klen;
	uint64_t h;
	slot *s;
} group;

struct gw_accum {
	slot *s;
	size_t cap, n;
	gw_buf keys;      /* keys longer than INLINE_KEY */
	gw_buf key;       /* scratch term key */
	gw_buf gkeys;     /* scratch: the keys of one call's groups */
	group *g;         /* scratch: one call's groups */
	size_t g_cap;
	uint32_t *pos;    /* scratch positions */
	size_t pos_cap;
	size_t bytes;
};

void gw_toklist_reset(gw_toklist *l)
{
	l->n = 0;
	gw_buf_reset(&l->terms);
}

void gw_toklist_free(gw_toklist *l)
{
	free(l->t);
	free(l->sort_buf);
	gw_buf_free(&l->terms);
	memset(l, 0, sizeof *l);
}

int gw_toklist_add(void *ctx, const gw_token *t)
{
	gw_toklist *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		gw_tok *nt = realloc(l->t, cap * sizeof *nt);
		if (!nt) {
			l->oom = 1;
			return 1;
		}
		l->t = nt;
		l->cap = cap;
	}
	l->t[l->n].off = l->terms.len;
	l->t[l->n].len = (uint32_t)t->len;
	l->t[l->n].pos = t->pos;
	l->t[l->n].kind = t->kind;
	l->n++;
	gw_buf_append(&l->terms, t->term, t->len);
	if (!gw_buf_ok(&l->terms))
		l->oom = 1;
	return l->oom;
}

static int tok_cmp(const void *pa, const void *pb, void *ctx)
{
	const gw_tok *a = pa, *b = pb;
	const gw_toklist *sort_list = ctx;
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	c = memcmp(sort_list->terms.p + a->off, sort_list->terms.p + b->off, n);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* A token's sort key: the kind byte, then the term's first 7 bytes
 * (zero-padded), so that comparing keys as integers orders most tokens
 * (all single characters and bigrams, 3 and 6 bytes) without memcmp. */
typedef struct keyed {
	uint64_t key;
	uint32_t i;
} keyed;

static uint64_t tok_key(const gw_toklist *l, const gw_tok *t)
{
	const unsigned char *p = l->terms.p + t->off;
	uint64_t k = (uint64_t)(t->kind & 0xff) << 56;

	for (uint32_t i = 0; i < t->len && i < 7; i++)
		k |= (uint64_t)p[i] << (48 - 8 * i);
	return k;
}

/* LSD radix sort of n keyed entries on their key bytes (stable). The
 * histograms of all 8 bytes come from one pass; a byte that is the same in
 * every key is skipped (the low bytes of 3- and 6-byte terms, the kind);
 * passes alternate between the two arrays. Returns the sorted one. */
static keyed *radix_sort(keyed *a, keyed *tmp, size_t n)
{
	size_t count[8][256];

	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = a[i].key;
		for (int b = 0; b < 8; b++)
			count[b][(k >> (8 * b)) & 0xff]++;
	}
	for (int b = 0; b < 8; b++) {
		size_t at = 0, *c = count[b];
		keyed *t;
		if (c[(a[0].key >> (8 * b)) & 0xff] == n)
			continue;
		for (int v = 0; v < 256; v++) {
			size_t x = c[v];
			c[v] = at;
			at += x;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[(a[i].key >> (8 * b)) & 0xff]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* Why not qsort: sorting each field's tokens took a quarter of indexing
 * (tests/wordbreak_bench.sh profile), mostly memcmp calls through the
 * comparator. Keys settle nearly everything; runs of equal keys (terms
 * longer than 7 bytes sharing a prefix, or one term) are finished with the
 * full comparison. The order is exactly qsort's with tok_cmp. */
void gw_toklist_sort(gw_toklist *l)
{
	keyed *a, *tmp;
	gw_tok *out;
	size_t need = l->n * (2 * sizeof(keyed) + sizeof(gw_tok));

	if (l->n < 2)
		return;
	if (need > l->sort_cap) {
		void *nb = l->n < 32 ? NULL : realloc(l->sort_buf, need);
		if (nb) {
			l->sort_buf = nb;
			l->sort_cap = need;
		}
	}
	/* Short lists, or no memory for the keys: the comparison sort. */
	if (l->n < 32 || need > l->sort_cap) {
		qsort_r(l->t, l->n, sizeof *l->t, tok_cmp, l);
		return;
	}
	a = l->sort_buf;
	tmp = a + l->n;
	out = (gw_tok *)(tmp + l->n);
	for (size_t i = 0; i < l->n; i++) {
		a[i].key = tok_key(l, &l->t[i]);
		a[i].i = (uint32_t)i;
	}
	a = radix_sort(a, tmp, l->n);
	for (size_t i = 0; i < l->n; i++)
		out[i] = l->t[a[i].i];
	for (size_t i = 0, j; i < l->n; i = j) {
		int sorted = 1;
		for (j = i + 1; j < l->n && a[j].key == a[i].key; j++)
			if (tok_cmp(&out[j - 1], &out[j], l) > 0)
				sorted = 0;
		if (!sorted)
			qsort_r(out + i, j - i, sizeof *out, tok_cmp, l);
	}
	memcpy(l->t, out, l->n * sizeof *out);
}

int gw_toklist_same(const gw_toklist *l, size_t i, size_t j)
{
	const gw_tok *a = &l->t[i], *b = &l->t[j];

	return a->kind == b->kind && a->len == b->len &&
	       memcmp(l->terms.p + a->off, l->terms.p + b->off, a->len) == 0;
}

gw_accum *gw_accum_new(void) { return calloc(1, sizeof(gw_accum)); }

void gw_accum_clear(gw_accum *a)
{
	for (size_t i = 0; i < a->cap; i++)
		if (a->s[i].klen)
			gw_buf_free(&a->s[i].list.buf);
	free(a->s);
	a->s = NULL;
	a->cap = a->n = 0;
	gw_buf_free(&a->keys);
	a->bytes = 0;
}

void gw_accum_free(gw_accum *a)
{
	if (!a)
		return;
	gw_accum_clear(a);
	gw_buf_free(&a->key);
	gw_buf_free(&a->gkeys);
	free(a->g);
	free(a->pos);
	free(a);
}

/* Allocated sizes, not used ones: lists grow by doubling, so their used
 * bytes understate the memory by up to half. */
size_t gw_accum_bytes(const gw_accum *a) { return a->bytes + a->keys.cap + a->cap * sizeof(slot); }

static const unsigned char *slot_key(const gw_accum *a, const slot *s)
{
	return s->klen <= INLINE_KEY ? s->key.b : a->keys.p + s->key.off;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Doubles the table until it holds n more keys at most half full. */
static int make_room(gw_accum *a, size_t more)
{
	while ((a->n + more) * 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		slot *s = aligned_alloc(64, cap * sizeof *s);
		if (!s)
			return -1;
		memset(s, 0, cap * sizeof *s);
		for (size_t i = 0; i < a->cap; i++) {
			size_t j;
			if (!a->s[i].klen)
				continue;
			j = a->s[i].h & (cap - 1);
			while (s[j].klen)
				j = (j + 1) & (cap - 1);
			s[j] = a->s[i];
		}
		free(a->s);
		a->s = s;
		a->cap = cap;
	}
	return 0;
}

/* The slot of key k, claimed if new (the table has room: make_room);
 * NULL on allocation failure. */
static slot *lookup(gw_accum *a, const unsigned char *k, uint32_t n, uint64_t h)
{
	size_t j = h & (a->cap - 1);
	slot *s;

	while (a->s[j].klen) {
		s = &a->s[j];
		if (s->h == h && s->klen == n && memcmp(slot_key(a, s), k, n) == 0)
			return s;
		j = (j + 1) & (a->cap - 1);
	}
	s = &a->s[j];
	if (n > INLINE_KEY) {
		s->key.off = a->keys.len;
		gw_buf_append(&a->keys, k, n);
		if (!gw_buf_ok(&a->keys))
			return NULL;
	} else {
		memcpy(s->key.b, k, n);
	}
	s->h = h;
	s->klen = n;
	a->n++;
	return s;
}

/* How far ahead gw_accum_add fetches slots: a document's terms are spread
 * over a table far larger than the caches, and fetching a few at once
 * overlaps their cache misses instead of paying them one after another. */
enum { AHEAD = 8 };

/* Groups the tokens by term and makes each group's key and hash first, then
 * finds the slots AHEAD groups before adding to them, fetching each slot
 * and then the end of its list ahead of use. */
int gw_accum_add(gw_accum *a, unsigned fid, uint32_t docid, const gw_toklist *l)
{
	size_t ng = 0, maxtf = 0;
	group *g;

	gw_buf_reset(&a->gkeys);
	for (size_t i = 0, j; i < l->n; i = j) {
		for (j = i + 1; j < l->n && gw_toklist_same(l, i, j); j++)
			;
		if (ng == a->g_cap) {
			size_t cap = a->g_cap ? a->g_cap * 2 : 256;
			group *ngp = realloc(a->g, cap * sizeof *ngp);
			if (!ngp)
				return -1;
			a->g = ngp;
			a->g_cap = cap;
		}
		gw_term_key(&a->key, fid, l->t[i].kind, (const char *)l->terms.p + l->t[i].off, l->t[i].len);
		g = &a->g[ng++];
		g->first = i;
		g->end = j;
		g->koff = a->gkeys.len;
		g->klen = (uint32_t)a->key.len;
		g->h = gw_hash(GW_HASH_INIT, a->key.p, a->key.len);
		gw_buf_append(&a->gkeys, a->key.p, a->key.len);
		if (j - i > maxtf)
			maxtf = j - i;
	}
	if (!gw_buf_ok(&a->key) || !gw_buf_ok(&a->gkeys) || make_room(a, ng))
		return -1;
	if (a->pos_cap < maxtf) {
		uint32_t *p = realloc(a->pos, maxtf * 2 * sizeof *p);
		if (!p)
			return -1;
		a->pos = p;
		a->pos_cap = maxtf * 2;
	}
	g = a->g;
	for (size_t i = 0; i < ng + AHEAD; i++) {
		if (i + AHEAD < ng)
			PREFETCH(&a->s[g[i + AHEAD].h & (a->cap - 1)]);
		if (i < ng) {
			slot *s = lookup(a, a->gkeys.p + g[i].koff, g[i].klen, g[i].h);
			if (!s)
				return -1;
			g[i].s = s;
			PREFETCH(s->list.buf.p + s->list.buf.len);
		}
		if (i >= AHEAD) {
			group *d = &g[i - AHEAD];
			gw_plist *pl = &d->s->list;
			size_t before = pl->buf.cap;
			for (size_t k = d->first; k < d->end; k++)
				a->pos[k - d->first] = l->t[k].pos;
			gw_plist_add(pl, docid, a->pos, (uint32_t)(d->end - d->first));
			if (!gw_buf_ok(&pl->buf))
				return -1;
			a->bytes += pl->buf.cap - before;
		}
	}
	return 0;
}

static int slot_cmp(const void *pa, const void *pb, void *ctx)
{
	const slot *a = *(slot *const *)pa, *b = *(slot *const *)pb;
	const gw_accum *cmp_accum = ctx;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(slot_key(cmp_accum, a), slot_key(cmp_accum, b), n);

	return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

/* The slots in key order (LMDB inserts are then sequential), sorted like
 * the tokens: a radix sort on the keys' first 8 bytes, then runs sharing
 * those by the full comparison. NULL if out of memory. */
static slot **sorted_slots(gw_accum *a)
{
	size_t n = 0;
	keyed *k = malloc((a->n ? a->n : 1) * 2 * sizeof *k), *sorted;
	slot **order = malloc((a->n ? a->n : 1) * sizeof *order);

	if (!k || !order) {
		free(k);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < a->cap; i++) {
		const unsigned char *p;
		uint64_t key = 0;
		if (!a->s[i].klen)
			continue;
		p = slot_key(a, &a->s[i]);
		for (uint32_t b = 0; b < a->s[i].klen && b < 8; b++)
			key |= (uint64_t)p[b] << (56 - 8 * b);
		k[n].key = key;
		k[n].i = (uint32_t)i;
		n++;
	}
	sorted = n ? radix_sort(k, k + n, n) : k;
	for (size_t i = 0; i < n; i++)
		order[i] = &a->s[sorted[i].i];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && sorted[j].key == sorted[i].key; j++)
			;
		if (j - i > 1)
			qsort_r(order + i, j - i, sizeof *order, slot_cmp, a);
	}
	free(k);
	return order;
}

gw_rc gw_accum_flush(gw_accum *a, gw_txn *t, gw_err *err)
{
	slot **order = sorted_slots(a);
	gw_rc rc = GW_OK;

	if (!order)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < a->n && rc == GW_OK; i++)
		rc = gw_post_append(t, slot_key(a, order[i]), order[i]->klen, &order[i]->list, err);
	free(order);
	if (rc == GW_OK)
		gw_accum_clear(a);
	return rc;
}
