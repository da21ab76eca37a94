/* gw_accum: in-memory posting lists for a batch (see gw_accum.h).
 *
 * An open-addressing hash table maps term keys (gw_term_key bytes) to
 * gw_plist lists, whose bytes live in an arena. */
#include "index/gw_accum.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "index/gw_runs.h"

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

/* Where one group of the list being added goes: its key (in
 * gw_accum.gkeys), its slot hash and, once found, its slot. */
typedef struct group {
	size_t koff;
	uint32_t klen;
	uint64_t h;
	slot *s;
} group;

/* Posting lists grow by doubling inside blocks of ARENA_BLOCK bytes (past a
 * quarter of that, in a block of their own), all freed together once
 * written. With
 * malloc per list, the heap fragmented over repeated fill-and-flush
 * cycles and a build's memory kept growing past its budget; here the
 * bytes counted are the bytes held, the outgrown copies included. */
enum { ARENA_BLOCK = 1 << 20 };

struct gw_accum {
	slot *s;
	size_t cap, n;
	unsigned char **blocks;
	size_t nblocks, blocks_cap;
	unsigned char *free_at;  /* the rest of the current block */
	size_t free_left;
	size_t arena_bytes;
	gw_buf keys;      /* keys longer than INLINE_KEY */
	gw_buf gkeys;     /* scratch: the keys of one call's groups */
	group *g;         /* scratch: one call's groups */
	size_t g_cap;
	gw_runs *runs;    /* lists spilled by gw_accum_spill, NULL before */
	gw_buf merged;    /* scratch: a term's list from the runs (flush_merging) */
	gw_buf mkey;      /* its key */
	gw_buf scratch;   /* a run's list too long for its reader's buffer */
	size_t merge_cap; /* merged's bytes at most (gw_accum_set_merge_cap) */
	size_t budget;    /* gw_accum_set_budget; 0: none */
};

/* The default of gw_accum_set_merge_cap. */
enum { MERGE_CAP = 4 << 20 };

/* A radix sort entry: a key's first 8 bytes, big-endian, and its slot. */
typedef struct keyed {
	uint64_t key;
	uint32_t i;
} keyed;

/* LSD radix sort of n keyed entries on their key bytes (stable). The
 * histograms of all 8 bytes come from one pass; a byte that is the same in
 * every key is skipped (the kind byte, when a flush holds one kind);
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

gw_accum *gw_accum_new(void)
{
	gw_accum *a = calloc(1, sizeof(gw_accum));

	if (a)
		a->merge_cap = MERGE_CAP;
	return a;
}

void gw_accum_clear(gw_accum *a)
{
	for (size_t i = 0; i < a->nblocks; i++)
		free(a->blocks[i]);
	free(a->blocks);
	a->blocks = NULL;
	a->nblocks = a->blocks_cap = 0;
	a->free_at = NULL;
	a->free_left = 0;
	a->arena_bytes = 0;
	if (a->s && a->cap * sizeof *a->s >= (2u << 20)) {
		/* A huge-page table is emptied, not freed: the next batch of
		 * terms needs one as large, and faulting huge pages in again
		 * (zeroing, compacting memory to find them) cost more than it
		 * saved at 16x the corpus. */
		memset(a->s, 0, a->cap * sizeof *a->s);
		a->n = 0;
	} else {
		free(a->s);
		a->s = NULL;
		a->cap = a->n = 0;
	}
	gw_buf_free(&a->keys);
}

void gw_accum_free(gw_accum *a)
{
	if (!a)
		return;
	gw_accum_clear(a);
	free(a->s);
	gw_runs_free(a->runs);
	gw_buf_free(&a->merged);
	gw_buf_free(&a->mkey);
	gw_buf_free(&a->scratch);
	gw_buf_free(&a->gkeys);
	free(a->g);
	free(a);
}


/* Allocated sizes, not used ones: lists grow by doubling, so their used
 * bytes understate the memory by up to half. */
size_t gw_accum_bytes(const gw_accum *a) { return a->arena_bytes + a->keys.cap + a->cap * sizeof(slot); }
size_t gw_accum_terms(const gw_accum *a) { return a->n; }

/* The slot table is read and written at random (a slot is found by
 * hash): past a few megabytes nearly every lookup missed the TLB, and in a
 * virtual machine a TLB miss walks two levels of page tables. So a table
 * of 2 MB or more is 2 MB-aligned and asked for transparent huge pages
 * (Linux's default mode is madvise), and kept from flush to flush (see
 * gw_accum_clear). */
static void *table_alloc(size_t bytes)
{
	enum { HUGE_PAGE = 2 << 20 };
	void *p;

	if (bytes < HUGE_PAGE)
		return aligned_alloc(64, (bytes + 63) / 64 * 64);
	if (!(p = aligned_alloc(HUGE_PAGE, (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE)))
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* advice: fine if refused */
#endif
	return p;
}

/* n bytes from the arena; NULL on allocation failure. */
static unsigned char *arena_alloc(gw_accum *a, size_t n)
{
	if (n > a->free_left) {
		size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		unsigned char *b;
		if (gw_array_grow((void **)&a->blocks, &a->blocks_cap, a->nblocks + 1, sizeof *a->blocks, 64))
			return NULL;
		if (!(b = malloc(size)))
			return NULL;
		a->blocks[a->nblocks++] = b;
		a->arena_bytes += size;
		if (size == n) /* a large list's own block: the current one goes on */
			return b;
		a->free_at = b;
		a->free_left = size;
	}
	a->free_at += n;
	a->free_left -= n;
	return a->free_at - n;
}

/* Gives l room for need more bytes: a copy twice as large (or more). */
static int grow_list(gw_accum *a, gw_plist *l, size_t need)
{
	size_t cap = l->cap ? l->cap * 2 : 32;
	unsigned char *p;

	while (cap - l->len < need)
		cap *= 2;
	if (!(p = arena_alloc(a, cap)))
		return -1;
	if (l->len)
		memcpy(p, l->p, l->len);
	l->p = p;
	l->cap = cap;
	return 0;
}

static const unsigned char *slot_key(const gw_accum *a, const slot *s)
{
	return s->klen <= INLINE_KEY ? s->key.b : a->keys.p + s->key.off;
}

/* Grows the table (by powers of two) until it holds n more keys at most
 * half full: one new table of the final size, so that a large reservation
 * clears its memory once, not once per doubling (reserving for 340,000
 * keys through every size from 4096 up cleared 128 MB for a 64 MB table). */
static int make_room(gw_accum *a, size_t more)
{
	size_t cap = a->cap ? a->cap : 4096;
	slot *s;

	if ((a->n + more) * 2 <= a->cap)
		return 0;
	while ((a->n + more) * 2 > cap)
		cap *= 2;
	if (!(s = table_alloc(cap * sizeof *s)))
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
	return 0;
}

void gw_accum_set_budget(gw_accum *a, size_t bytes) { a->budget = bytes; }

/* The table's bytes at most: half the budget. */
static size_t table_max(const gw_accum *a) { return a->budget ? a->budget / 2 : (size_t)-1; }

int gw_accum_full(const gw_accum *a)
{
	/* Past 3/8 full, a window's new terms may take the table past half
	 * full, which doubles it (make_room): adding its size again. */
	return a->budget && a->cap && a->n * 8 > a->cap * 3 && gw_accum_bytes(a) + a->cap * sizeof(slot) > a->budget;
}

int gw_accum_reserve(gw_accum *a, size_t keys, size_t max_bytes)
{
	size_t cap = 4096;

	if (a->budget && max_bytes > table_max(a))
		max_bytes = table_max(a);
	/* The largest table (a power of two) within max_bytes, half full. */
	while (cap * 2 * sizeof(slot) <= max_bytes && cap < (a->n + keys) * 2)
		cap *= 2;
	if (cap / 2 <= a->n)
		return 0;
	if (keys > cap / 2 - a->n)
		keys = cap / 2 - a->n;
	return keys ? make_room(a, keys) : 0;
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

/* The slot hash of a term of field fid: the list's hash of kind and term,
 * with the field mixed in. */
static uint64_t slot_hash(uint64_t term_hash, unsigned fid)
{
	return term_hash ^ ((uint64_t)fid * 0x9e3779b97f4a7c15ull);
}

/* Makes each group's key and hash first, then finds the slots AHEAD groups
 * before adding to them, fetching each slot and then the end of its list
 * ahead of use. */
int gw_accum_add(gw_accum *a, unsigned fid, uint32_t docid, const gw_toklist *l)
{
	group *g;

	if (l->ng > a->g_cap) {
		group *ng = realloc(a->g, l->ng * sizeof *ng);
		if (!ng)
			return -1;
		a->g = ng;
		a->g_cap = l->ng;
	}
	gw_buf_reset(&a->gkeys);
	for (size_t i = 0; i < l->ng; i++) {
		const gw_tgroup *tg = &l->g[i];
		a->g[i].koff = a->gkeys.len;
		gw_term_key_append(&a->gkeys, fid, tg->kind, (const char *)l->terms.p + tg->off, tg->len);
		a->g[i].klen = (uint32_t)(a->gkeys.len - a->g[i].koff);
		a->g[i].h = slot_hash(tg->hash, fid);
	}
	if (!gw_buf_ok(&a->gkeys) || make_room(a, l->ng))
		return -1;
	g = a->g;
	for (size_t i = 0; i < l->ng + AHEAD; i++) {
		if (i + AHEAD < l->ng)
			GW_PREFETCH(&a->s[g[i + AHEAD].h & (a->cap - 1)]);
		if (i < l->ng) {
			slot *s = lookup(a, a->gkeys.p + g[i].koff, g[i].klen, g[i].h);
			if (!s)
				return -1;
			g[i].s = s;
			if (s->list.p) /* a new list has none: NULL + 0 is undefined */
				GW_PREFETCH(s->list.p + s->list.len);
		}
		if (i >= AHEAD) {
			const gw_tgroup *tg = &l->g[i - AHEAD];
			gw_plist *pl = &g[i - AHEAD].s->list;
			if (pl->cap - pl->len < GW_PLIST_ENTRY_MAX(tg->tf) &&
			    grow_list(a, pl, GW_PLIST_ENTRY_MAX(tg->tf)))
				return -1;
			gw_plist_add(pl, docid, gw_kind_positions(tg->kind) ? l->pos + tg->first : NULL, tg->npos,
			             tg->tf);
		}
	}
	return 0;
}

static int slot_cmp(const void *pa, const void *pb, void *ctx)
{
	const slot *a = *(slot *const *)pa, *b = *(slot *const *)pb;
	const gw_accum *cmp_accum = ctx;

	return gw_key_cmp(slot_key(cmp_accum, a), a->klen, slot_key(cmp_accum, b), b->klen);
}

/* The slots in key order (LMDB inserts are then sequential): a radix sort
 * on the keys' first 8 bytes, then runs sharing those by the full
 * comparison (qsort with memcmp over all terms took 3% of indexing).
 * NULL if out of memory. */
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

/* What reading the runs may hold in buffers at once, however many runs
 * (a quarter of the budget, if that is less). */
enum { RUN_READ_MEMORY = 16 << 20 };


/* Appends list b of the term being merged, key[0..klen), to a->merged
 * (whose count and last docid are in *m). Past a->merge_cap bytes what
 * a->merged holds is written first and it starts again: the store then
 * extends the term's last chunk, so the chunks come out the same, and a
 * term's list is never all in memory. A list that long alone is written
 * from where it is. */
static gw_rc merge_in(gw_accum *a, gw_txn *t, const unsigned char *key, size_t klen, gw_plist *m,
                      const gw_plist *b, gw_err *err)
{
	if (m->ndocs && a->merged.len + b->len > a->merge_cap) {
		m->p = a->merged.p;
		m->len = a->merged.len;
		if (gw_post_append(t, key, klen, m, err))
			return err->rc;
		gw_buf_reset(&a->merged);
		memset(m, 0, sizeof *m);
	}
	if (!m->ndocs && b->len > a->merge_cap)
		return gw_post_append(t, key, klen, b, err);
	if (gw_plist_concat(&a->merged, m, b))
		return gw_err_set(err, GW_EFORMAT, 0, "temporary postings out of docid order");
	if (!gw_buf_ok(&a->merged))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	m->p = a->merged.p;
	m->len = a->merged.len;
	return GW_OK;
}

/* The flush of an accumulator that spilled: the runs and the lists in
 * memory (order), merged by key, a term's lists in docid order (the runs',
 * then memory's), each term written once. */
static gw_rc flush_merging(gw_accum *a, slot **order, gw_txn *t, uint64_t checkpoint, gw_err *err)
{
	size_t i = 0;

	if (gw_runs_merge_begin(a->runs, a->budget && a->budget / 4 < RUN_READ_MEMORY ? a->budget / 4 : RUN_READ_MEMORY,
	                        err))
		return err->rc;
	for (;;) {
		const unsigned char *rk;
		size_t rklen;
		int more = gw_runs_peek(a->runs, &rk, &rklen, err), c;
		if (more < 0)
			return err->rc;
		if (!more && i == a->n)
			break;
		c = !more ? 1 : i == a->n ? -1 : gw_key_cmp(rk, rklen, slot_key(a, order[i]), order[i]->klen);
		if (c > 0) { /* only in memory */
			if (gw_post_append(t, slot_key(a, order[i]), order[i]->klen, &order[i]->list, err))
				return err->rc;
			i++;
		} else {
			gw_plist m;
			memset(&m, 0, sizeof m);
			gw_buf_reset(&a->merged);
			/* The key outlives the take that ends peek's pointer. */
			gw_buf_reset(&a->mkey);
			gw_buf_append(&a->mkey, rk, rklen);
			if (!gw_buf_ok(&a->mkey))
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			do {
				gw_plist b;
				if (gw_runs_take(a->runs, &b, &a->scratch, err) ||
				    merge_in(a, t, a->mkey.p, a->mkey.len, &m, &b, err) ||
				    (more = gw_runs_peek(a->runs, &rk, &rklen, err)) < 0)
					return err->rc;
			} while (more && rklen == a->mkey.len && memcmp(rk, a->mkey.p, rklen) == 0);
			/* In memory too: its docids come last. */
			if (c == 0 && merge_in(a, t, a->mkey.p, a->mkey.len, &m, &order[i++]->list, err))
				return err->rc;
			if (m.ndocs && gw_post_append(t, a->mkey.p, a->mkey.len, &m, err))
				return err->rc;
		}
		if (checkpoint && gw_txn_written(t) >= checkpoint && gw_txn_checkpoint(t, err))
			return err->rc;
	}
	gw_runs_reset(a->runs);
	/* Long lists must not keep their size for the rest of the batch. */
	if (a->merged.cap > ARENA_BLOCK)
		gw_buf_free(&a->merged);
	if (a->scratch.cap > ARENA_BLOCK)
		gw_buf_free(&a->scratch);
	return GW_OK;
}

void gw_accum_set_merge_cap(gw_accum *a, size_t bytes) { a->merge_cap = bytes ? bytes : MERGE_CAP; }

gw_rc gw_accum_flush(gw_accum *a, gw_txn *t, uint64_t checkpoint, gw_err *err)
{
	slot **order = sorted_slots(a);
	gw_rc rc = GW_OK;

	if (!order)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (a->runs && gw_runs_count(a->runs)) {
		rc = flush_merging(a, order, t, checkpoint, err);
	} else {
		for (size_t i = 0; i < a->n && rc == GW_OK; i++) {
			/* Key order visits the slots and lists at random: fetch
			 * the slot 2 AHEAD terms on, and the list of the one AHEAD
			 * on (its slot fetched by now). */
			if (i + 2 * AHEAD < a->n)
				GW_PREFETCH(order[i + 2 * AHEAD]);
			if (i + AHEAD < a->n)
				GW_PREFETCH(order[i + AHEAD]->list.p);
			rc = gw_post_append(t, slot_key(a, order[i]), order[i]->klen, &order[i]->list, err);
			if (rc == GW_OK && checkpoint && gw_txn_written(t) >= checkpoint)
				rc = gw_txn_checkpoint(t, err);
		}
	}
	free(order);
	if (rc == GW_OK)
		gw_accum_clear(a);
	return rc;
}

gw_rc gw_accum_spill(gw_accum *a, const char *dir, gw_err *err)
{
	slot **order;
	gw_rc rc = GW_OK;

	if (a->n == 0)
		return GW_OK;
	if (!a->runs && !(a->runs = gw_runs_new(dir)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (!(order = sorted_slots(a)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < a->n && rc == GW_OK; i++) {
		if (i + 2 * AHEAD < a->n)
			GW_PREFETCH(order[i + 2 * AHEAD]);
		if (i + AHEAD < a->n)
			GW_PREFETCH(order[i + AHEAD]->list.p);
		rc = gw_runs_add(a->runs, slot_key(a, order[i]), order[i]->klen, &order[i]->list, err);
	}
	if (rc == GW_OK)
		rc = gw_runs_end(a->runs, err);
	free(order);
	if (rc == GW_OK)
		gw_accum_clear(a);
	return rc;
}
