/* Small posting lists (gw_tblock.h): the block codec, and the store's
 * blocks of them through appends, removals and lookups.
 *
 * The blocks of an index must depend on its small lists alone: the same
 * lists written in one transaction in key order, or over several, out of
 * order, with terms added and removed again, give the same "small"
 * database byte for byte (read here with LMDB itself). A list that grows
 * past GW_SMALL_BYTES moves to post, and every list reads back whole from
 * wherever it is. */
#include <lmdb.h>

#include "store/gw_postings.h"
#include "store/gw_store.h"
#include "store/gw_tblock.h"
#include "gw_test_index.h"

enum { NT = 3000, FID = 2, OTHER_FID = 3 };

/* ---- the codec ---- */

static void test_block_round_trip(void)
{
	gw_buf b = GW_BUF_INIT;
	gw_tblock_reader r;
	char k[40], prev[40] = "";
	/* One document at docid first, tf 1, position i. */
	unsigned char chunk[8] = {1, 0, 0, 1 << 1 | 1}, rebuilt[GW_SMALL_BYTES];
	size_t plen = 0;
	int n = 0;

	for (int i = 0; i < 100; i++) {
		size_t kl = (size_t)sprintf(k, "term-%03d%s", i, i % 7 ? "" : "-longer");
		chunk[4] = (unsigned char)i;
		CHECK(gw_tblock_put(&b, i ? prev : NULL, plen, k, kl, (uint32_t)i * 1000, chunk, 5) == 0);
		memcpy(prev, k, kl);
		plen = kl;
	}
	CHECK(gw_buf_ok(&b));
	gw_tblock_open(&r, b.p, b.len);
	while (gw_tblock_next(&r) == 1) {
		size_t kl = (size_t)sprintf(k, "term-%03d%s", n, n % 7 ? "" : "-longer");
		CHECK(r.klen == kl && memcmp(r.key, k, kl) == 0);
		chunk[4] = (unsigned char)n;
		CHECK(r.first == (uint32_t)n * 1000 && r.blen == 2 && r.body[1] == n);
		CHECK(gw_tblock_chunk(&r, rebuilt) == 5 && memcmp(rebuilt, chunk, 5) == 0);
		n++;
	}
	CHECK(n == 100 && r.p == r.end);
	CHECK(gw_tblock_find(&r, b.p, b.len, "term-043", 8) == 1 && r.first == 43000 && r.body[1] == 43);
	CHECK(gw_tblock_find(&r, b.p, b.len, "term-042-longer", 15) == 1 && r.first == 42000);
	CHECK(gw_tblock_find(&r, b.p, b.len, "term-042", 8) == 0);
	CHECK(gw_tblock_find(&r, b.p, b.len, "term-0435", 9) == 0);
	CHECK(gw_tblock_find(&r, b.p, b.len, "zzz", 3) == 0);
	CHECK(gw_tblock_find(&r, b.p, b.len, "a", 1) == 0);
	/* Every key, and keys just around each (longer, shorter, one byte
	 * more or less), found exactly when reading entry by entry finds
	 * them. */
	for (int i = 0; i < 100; i++) {
		char probe[48];
		size_t kl = (size_t)sprintf(k, "term-%03d%s", i, i % 7 ? "" : "-longer");
		for (int v = 0; v < 5; v++) {
			gw_tblock_reader lin;
			size_t pl = kl;
			int want = 0, got;
			memcpy(probe, k, kl);
			if (v == 1)
				probe[pl++] = '0';
			else if (v == 2)
				pl--;
			else if (v == 3)
				probe[pl - 1]++;
			else if (v == 4)
				probe[pl - 1]--;
			gw_tblock_open(&lin, b.p, b.len);
			while (gw_tblock_next(&lin) == 1)
				if (lin.klen == pl && memcmp(lin.key, probe, pl) == 0)
					want = 1;
			got = gw_tblock_find(&r, b.p, b.len, probe, pl);
			CHECK(got == want);
			if (got == 1)
				CHECK(r.blen == 2 && r.first % 1000 == 0);
		}
	}
	/* Cut short, every entry's end: damaged, not read past. */
	for (size_t len = 1; len < 40; len++) {
		int rc;
		gw_tblock_open(&r, b.p, len);
		while ((rc = gw_tblock_next(&r)) == 1)
			;
		CHECK(rc == -1 || r.p == r.end);
	}
	/* A chunk that does not start as chunks do is refused. */
	chunk[2] = 1;
	CHECK(gw_tblock_put(&b, NULL, 0, "x", 1, 1, chunk, 5) == -1);
	chunk[2] = 0;
	/* A key not above the one before. */
	gw_buf_reset(&b);
	gw_tblock_put(&b, NULL, 0, "b", 1, 1, chunk, 5);
	gw_tblock_put(&b, NULL, 0, "a", 1, 2, chunk, 5);
	gw_tblock_open(&r, b.p, b.len);
	CHECK(gw_tblock_next(&r) == 1 && gw_tblock_next(&r) == -1);
	/* A body whose entry runs past it: no chunk. */
	gw_buf_reset(&b);
	chunk[3] = 5 << 1 | 1; /* five bytes of positions, one there */
	gw_tblock_put(&b, NULL, 0, "c", 1, 1, chunk, 5);
	gw_tblock_open(&r, b.p, b.len);
	CHECK(gw_tblock_next(&r) == 1 && gw_tblock_chunk(&r, rebuilt) == 0);
	gw_buf_free(&b);
}

/* ---- the store ---- */

/* Term key i of field fid: kind 't', term "x<i>" (prefix p for the
 * prefix test). */
static void tkey(gw_buf *out, const char *p, unsigned i, unsigned fid)
{
	char term[32];
	int n = sprintf(term, "%s%05u", p, i);

	gw_term_key(out, fid, GW_T_TERM, term, (size_t)n);
}

/* A list of ndocs documents from d0, every docid step apart, one
 * position each. */
static void make_list(gw_plist *l, uint32_t d0, unsigned ndocs, unsigned step)
{
	memset(l, 0, sizeof *l);
	l->cap = ndocs * GW_PLIST_ENTRY_MAX(1);
	l->p = malloc(l->cap);
	for (unsigned k = 0; l->p && k < ndocs; k++) {
		uint32_t pos = (d0 + k) % 50;
		gw_plist_add(l, d0 + k * step, &pos, 1, 1);
	}
}

static int append(gw_txn *t, const char *p, unsigned i, unsigned fid, uint32_t d0, unsigned ndocs, gw_err *err)
{
	gw_buf k = GW_BUF_INIT;
	gw_plist l;
	gw_rc rc;

	tkey(&k, p, i, fid);
	make_list(&l, d0, ndocs, 1);
	rc = gw_post_append(t, k.p, k.len, &l, err);
	free(l.p);
	gw_buf_free(&k);
	return rc;
}

/* The documents of term i's list: how many, and whether they are
 * d0, d0 + 1, ... */
static unsigned read_list(gw_txn *t, const char *p, unsigned i, unsigned fid, uint32_t d0, int *in_order)
{
	gw_buf k = GW_BUF_INIT;
	gw_pl *pl = NULL;
	gw_err err;
	unsigned n = 0;

	gw_err_clear(&err);
	tkey(&k, p, i, fid);
	*in_order = gw_pl_open(t, k.p, k.len, &pl, &err) == GW_OK;
	while (pl && gw_pl_next(pl) == 1) {
		*in_order &= gw_pl_entry(pl)->docid == d0 + n;
		n++;
	}
	if (pl)
		*in_order &= gw_pl_df(pl) == n;
	gw_pl_close(pl);
	gw_buf_free(&k);
	return n;
}

/* FNV-1a of every key and value of database name in the index at path,
 * in order, and their count. */
static uint64_t db_hash(const char *path, const char *name, size_t *count)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t h = GW_HASH_INIT;

	*count = 0;
	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 16) ||
	    mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK, 0644) || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) ||
	    mdb_dbi_open(txn, name, 0, &dbi) || mdb_cursor_open(txn, dbi, &cur)) {
		CHECK(!"cannot read the index with LMDB");
		if (txn)
			mdb_txn_abort(txn);
		mdb_env_close(env);
		return 0;
	}
	while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
		h = gw_hash(gw_hash(h, k.mv_data, k.mv_size), v.mv_data, v.mv_size);
		++*count;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return h;
}

/* Term i: 1 to 3 documents from 1 + i % 5, small. */
static unsigned ndocs_of(unsigned i) { return 1 + i % 3; }
static uint32_t d0_of(unsigned i) { return 1 + i % 5; }

/* The same small lists, written two ways, give the same blocks. */
static void test_blocks_do_not_depend_on_history(void)
{
	char a[128], b[128];
	gw_store *s = NULL;
	gw_txn *t = NULL;
	gw_err err;
	size_t na, nb, npa, npb;
	uint64_t ha, hb;

	gw_err_clear(&err);
	/* A: one transaction, in key order. */
	snprintf(a, sizeof a, "%s", gw_t_fresh_path());
	CHECK(gw_store_open(&s, a, GW_OPEN_CREATE, &err) == GW_OK && gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i++)
		CHECK(append(t, "x", i, FID, d0_of(i), ndocs_of(i), &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	gw_store_close(s);
	/* B: the even terms; the odd ones backwards; then terms between
	 * them, removed again one transaction later; then one more
	 * document for every tenth term, removed again. */
	snprintf(b, sizeof b, "%s", gw_t_fresh_path());
	CHECK(gw_store_open(&s, b, GW_OPEN_CREATE, &err) == GW_OK && gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i += 2)
		CHECK(append(t, "x", i, FID, d0_of(i), ndocs_of(i), &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = NT - 1; t && i < NT; i -= 2)
		CHECK(append(t, "x", i, FID, d0_of(i), ndocs_of(i), &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i += 3)
		CHECK(append(t, "x", i, OTHER_FID, 7, 2, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i += 10)
		CHECK(append(t, "x", i, FID, 100, 1, &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i += 3) {
		gw_buf k = GW_BUF_INIT;
		uint32_t gone[2] = {7, 8};
		tkey(&k, "x", i, OTHER_FID);
		CHECK(gw_post_remove_many(t, k.p, k.len, gone, 2, &err) == GW_OK);
		gw_buf_free(&k);
	}
	for (unsigned i = 0; t && i < NT; i += 10) {
		gw_buf k = GW_BUF_INIT;
		uint32_t late = 100;
		tkey(&k, "x", i, FID);
		CHECK(gw_post_remove_many(t, k.p, k.len, &late, 1, &err) == GW_OK);
		gw_buf_free(&k);
	}
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	/* Every list reads back whole. */
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NT; i++) {
		int ok;
		CHECK(read_list(t, "x", i, FID, d0_of(i), &ok) == ndocs_of(i) && ok);
		if (i % 3 == 0)
			CHECK(read_list(t, "x", i, OTHER_FID, 7, &ok) == 0 && ok);
	}
	gw_txn_abort(t);
	gw_store_close(s);
	if (err.rc)
		fprintf(stderr, "  %s\n", err.msg);
	ha = db_hash(a, "small", &na);
	hb = db_hash(b, "small", &nb);
	CHECK(na > NT / GW_TBLOCK_SPAN / 2 && na < NT / GW_TBLOCK_SPAN * 2);
	CHECK(na == nb && ha == hb);
	CHECK(db_hash(a, "post", &npa) == db_hash(b, "post", &npb) && npa == 0 && npb == 0);
}

/* The entries of one term key gw_post_each gives, and from how many
 * chunks. */
typedef struct term_count {
	const unsigned char *k;
	size_t klen;
	unsigned chunks, docs;
} term_count;

static int on_chunk(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	term_count *c = ctx;
	uint32_t n, last;

	if (klen == c->klen + 4 && memcmp(key, c->k, c->klen) == 0 &&
	    gw_chunk_header(val, vlen, gw_be32_get((const unsigned char *)key + c->klen), &n, &last) == 0) {
		c->chunks++;
		c->docs += n;
	}
	return 0;
}

static unsigned post_records(gw_txn *t)
{
	gw_store_stat st;
	gw_err err;

	gw_err_clear(&err);
	return gw_store_stat_get(t, &st, &err) == GW_OK ? (unsigned)st.post_chunks : 999;
}

static void remove_docs(gw_store *s, const char *p, unsigned i, uint32_t from, uint32_t to)
{
	gw_txn *t = NULL;
	gw_err err;
	gw_buf k = GW_BUF_INIT;
	uint32_t d[64];
	size_t n = 0;

	gw_err_clear(&err);
	for (uint32_t x = from; x <= to && n < 64; x++)
		d[n++] = x;
	tkey(&k, p, i, FID);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	CHECK(t && gw_post_remove_many(t, k.p, k.len, d, n, &err) == GW_OK);
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	gw_buf_free(&k);
}

/* A list that grows one document a transaction moves to post when it no
 * longer fits a small chunk, and is never in both; removals shrink it. */
static void test_small_to_big(void)
{
	gw_store *s = NULL;
	gw_txn *t = NULL;
	gw_err err;
	gw_buf k = GW_BUF_INIT;
	unsigned moved_at = 0;
	int ok;

	gw_err_clear(&err);
	tkey(&k, "g", 1, FID);
	CHECK(gw_store_open(&s, gw_t_fresh_path(), GW_OPEN_CREATE, &err) == GW_OK);
	for (unsigned n = 1; s && n <= 40; n++) {
		term_count c = {k.p, k.len, 0, 0};
		CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
		if (n == 1) /* neighbours on both sides: the term shares a block */
			CHECK(append(t, "g", 0, FID, 1, 1, &err) == GW_OK && append(t, "g", 2, FID, 1, 1, &err) == GW_OK);
		CHECK(append(t, "g", 1, FID, n, 1, &err) == GW_OK);
		CHECK(gw_txn_commit(t, &err) == GW_OK);
		CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
		CHECK(read_list(t, "g", 1, FID, 1, &ok) == n && ok);
		CHECK(read_list(t, "g", 0, FID, 1, &ok) == 1 && ok);
		CHECK(read_list(t, "g", 2, FID, 1, &ok) == 1 && ok);
		CHECK(gw_post_each(t, on_chunk, &c, &err) == GW_OK && c.docs == n && c.chunks == 1);
		if (!moved_at && post_records(t) == 1)
			moved_at = n;
		CHECK(post_records(t) == (moved_at ? 1u : 0u));
		gw_txn_abort(t);
	}
	CHECK(moved_at > 3 && moved_at < 40);
	/* From post: down to two documents, then none. */
	remove_docs(s, "g", 1, 1, 38);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	CHECK(read_list(t, "g", 1, FID, 39, &ok) == 2 && ok);
	gw_txn_abort(t);
	remove_docs(s, "g", 1, 39, 40);
	/* From a small list: its only document. */
	remove_docs(s, "g", 0, 1, 1);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	{
		gw_pl *pl = (gw_pl *)1;
		CHECK(gw_pl_open(t, k.p, k.len, &pl, &err) == GW_OK && pl == NULL);
	}
	CHECK(read_list(t, "g", 0, FID, 1, &ok) == 0 && ok);
	CHECK(read_list(t, "g", 2, FID, 1, &ok) == 1 && ok);
	CHECK(post_records(t) == 0);
	gw_txn_abort(t);
	gw_store_close(s);
	gw_buf_free(&k);
}

typedef struct collected {
	gw_buf keys; /* each key, then a NUL-free separator byte 0xff */
	unsigned n, stop_at;
} collected;

static int on_term(void *ctx, const void *k, size_t klen)
{
	collected *c = ctx;

	gw_buf_append(&c->keys, k, klen);
	gw_buf_putc(&c->keys, 0xff);
	return ++c->n == c->stop_at;
}

/* A prefix finds small and big terms together, in key order, and the
 * first ones when told to stop. */
static void test_prefix_mixes_small_and_big(void)
{
	gw_store *s = NULL;
	gw_txn *t = NULL;
	gw_err err;
	collected all = {GW_BUF_INIT, 0, 0}, some = {GW_BUF_INIT, 0, 50}, want = {GW_BUF_INIT, 0, 0};
	gw_buf k = GW_BUF_INIT;

	gw_err_clear(&err);
	CHECK(gw_store_open(&s, gw_t_fresh_path(), GW_OPEN_CREATE, &err) == GW_OK);
	CHECK(s && gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < 200; i++) {
		/* Odd terms big (60 documents), even ones small; another field's
		 * and another prefix's around them. */
		CHECK(append(t, "p", i, FID, 1, i % 2 ? 60 : 1, &err) == GW_OK);
		CHECK(append(t, "p", i, OTHER_FID, 1, 1, &err) == GW_OK);
		CHECK(append(t, "q", i, FID, 1, 1, &err) == GW_OK);
		tkey(&k, "p", i, FID);
		on_term(&want, k.p, k.len);
	}
	CHECK(t && gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	CHECK(post_records(t) == 100);
	CHECK(gw_term_prefix_each(t, FID, GW_T_TERM, "p", 1, on_term, &all, &err) == GW_OK);
	CHECK(all.n == 200 && all.keys.len == want.keys.len && memcmp(all.keys.p, want.keys.p, want.keys.len) == 0);
	CHECK(gw_term_prefix_each(t, FID, GW_T_TERM, "p", 1, on_term, &some, &err) == GW_OK);
	CHECK(some.n == 50 && memcmp(some.keys.p, want.keys.p, some.keys.len) == 0);
	gw_txn_abort(t);
	gw_store_close(s);
	gw_buf_free(&all.keys);
	gw_buf_free(&some.keys);
	gw_buf_free(&want.keys);
	gw_buf_free(&k);
}

int main(void)
{
	if (!gw_t_scratch_make("small"))
		return 1;
	RUN(test_block_round_trip);
	RUN(test_blocks_do_not_depend_on_history);
	RUN(test_small_to_big);
	RUN(test_prefix_mixes_small_and_big);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
