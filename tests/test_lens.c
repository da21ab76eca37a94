/* Tests of gw_lens: the packed per-document ranking data. */
#include <stdlib.h>
#include <string.h>

#include "index/gw_index.h"
#include "store/gw_lens.h"
#include "store/gw_store.h"
#include "gw_test.h"
#include "gw_test_store.h"

/* A store with fields 1 ("title", indexed) and 2 ("_source", stored only). */
static gw_store *fresh_store(gw_txn **t, gw_fieldtab *ft)
{
	static const char *const names[] = {"title", "_source", NULL};

	return gw_t_fresh_store(names, t, ft);
}

/* Closes what fresh_store opened, and the test's buffers. */
static void done(gw_store *s, gw_buf *scratch, gw_fieldtab *ft)
{
	gw_store_close(s);
	gw_buf_free(scratch);
	gw_fieldtab_free(ft);
}

static void rec_of(gw_record *r, int script, uint32_t title_len)
{
	/* Ids of every length 0..20 (length title_len % 21), so that an id
	 * read from the wrong entry or cut short shows. */
	static const char idtext[] = "abcdefghijklmnopqrstu";
	memset(r, 0, sizeof *r);
	r->id = idtext;
	r->id_len = title_len % 21;
	r->script = script;
	r->nf = 2;
	r->fid[0] = 2; /* stored only: must not be packed */
	r->flen[0] = 0;
	r->fid[1] = 1;
	r->flen[1] = title_len;
}

/* Entries put out of order, across blocks, read back in order and out of
 * order; long lengths survive the varint. */
static void test_add_read(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_buf scratch = GW_BUF_INIT;
	gw_lens_reader rd;
	gw_record r, got;
	const uint32_t ids[] = {5, 3, 31, 32, 100, 4};
	gw_err err;

	gw_err_clear(&err);
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		rec_of(&r, (int)(i % 3), ids[i] * 1000u);
		CHECK(gw_lens_add(t, ids[i], &r, &ft, &scratch, &err) == GW_OK);
	}
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	/* Parsing as it reads, then through a cache: the first reader parses
	 * and keeps the entries, the second finds them kept: the same answers. */
	gw_lens_cache *cache = gw_lens_cache_new();
	for (int pass = 0; pass < 3; pass++) {
		CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
		gw_lens_reader_init_cached(&rd, t, pass ? cache : NULL);
		const uint32_t order[] = {3, 4, 5, 31, 32, 100, 4, 3, 100};
		for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
			size_t k = 0;
			while (ids[k] != order[i])
				k++;
			CHECK(gw_lens_read(&rd, order[i], &got) == 0);
			CHECK(got.script == (int)(k % 3));
			CHECK(got.nf == 1 && got.fid[0] == 1 && got.flen[0] == order[i] * 1000u);
			if (got.id) /* parsed here, not found in the cache */
				CHECK(got.id_len == order[i] * 1000u % 21 &&
				      memcmp(got.id, "abcdefghijklmnopqrstu", got.id_len) == 0);
			else
				CHECK(pass > 0 && got.id_len == 0);
			CHECK(pass > 0 || got.id);
		}
		CHECK(gw_lens_read(&rd, 6, &got) == 1);
		CHECK(gw_lens_read(&rd, 64, &got) == 1);
		CHECK(gw_lens_read(&rd, 1, &got) == 1);
		CHECK(gw_lens_read(&rd, 100000, &got) == 1);
		gw_lens_reader_close(&rd);
		gw_txn_abort(t);
	}
	gw_lens_cache_free(cache);
	done(s, &scratch, &ft);
}

static int count_block(void *ctx, uint32_t block, const void *val, size_t len)
{
	uint32_t d[GW_LENS_BLOCK];
	int n = gw_lens_block_docids(val, len, block, d);

	*(int *)ctx += n;
	return n < 0;
}

/* Removing keeps the neighbours; removing the last entry drops the block. */
static void test_remove(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_buf scratch = GW_BUF_INIT;
	gw_lens_reader rd;
	gw_record r, got;
	int n = 0;
	gw_err err;

	gw_err_clear(&err);
	for (uint32_t d = 1; d <= 3; d++) {
		rec_of(&r, 1, d);
		CHECK(gw_lens_add(t, d, &r, &ft, &scratch, &err) == GW_OK);
	}
	rec_of(&r, 2, 77);
	CHECK(gw_lens_add(t, 40, &r, &ft, &scratch, &err) == GW_OK);
	CHECK(gw_lens_remove(t, 2, &scratch, &err) == GW_OK);
	CHECK(gw_lens_remove(t, 2, &scratch, &err) == GW_OK); /* absent: no-op */
	CHECK(gw_lens_remove(t, 40, &scratch, &err) == GW_OK);
	gw_lens_reader_init(&rd, t);
	CHECK(gw_lens_read(&rd, 1, &got) == 0 && got.flen[0] == 1);
	CHECK(gw_lens_read(&rd, 2, &got) == 1);
	CHECK(gw_lens_read(&rd, 3, &got) == 0 && got.flen[0] == 3);
	CHECK(gw_lens_read(&rd, 40, &got) == 1);
	CHECK(gw_block_each(t, GW_BT_LENS, count_block, &n, &err) == GW_OK);
	CHECK(n == 2);
	gw_lens_reader_close(&rd);
	gw_txn_abort(t);
	done(s, &scratch, &ft);
}

/* A cache holds one snapshot: once the index changes, a reader of the new
 * snapshot sees the new lengths, not the decoded old ones. */
static void test_cache_follows_commits(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_buf scratch = GW_BUF_INIT;
	gw_lens_cache *cache = gw_lens_cache_new();
	gw_lens_reader rd;
	gw_record r, got;
	gw_err err;

	gw_err_clear(&err);
	CHECK(cache != NULL);
	rec_of(&r, 1, 3);
	CHECK(gw_lens_add(t, 5, &r, &ft, &scratch, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	for (int reader = 0; reader < 2; reader++) { /* the second reads what the first parsed */
		CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
		gw_lens_reader_init_cached(&rd, t, cache);
		CHECK(gw_lens_read(&rd, 5, &got) == 0 && got.flen[0] == 3);
		CHECK(gw_lens_read(&rd, 6, &got) == 1);
		gw_lens_reader_close(&rd);
		gw_txn_abort(t);
	}

	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	rec_of(&r, 2, 9);
	CHECK(gw_lens_add(t, 5, &r, &ft, &scratch, &err) == GW_OK);
	CHECK(gw_lens_add(t, 6, &r, &ft, &scratch, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	gw_lens_reader_init_cached(&rd, t, cache);
	CHECK(gw_lens_read(&rd, 5, &got) == 0 && got.flen[0] == 9 && got.script == 2);
	CHECK(gw_lens_read(&rd, 6, &got) == 0 && got.flen[0] == 9);
	gw_lens_reader_close(&rd);
	gw_txn_abort(t);
	gw_lens_cache_free(cache);
	done(s, &scratch, &ft);
}

/* 1 if blocks 0..nblocks) of two stores hold the same bytes. */
static int same_blocks(gw_txn *a, gw_txn *b, uint32_t nblocks)
{
	for (uint32_t k = 0; k < nblocks; k++) {
		const void *va = NULL, *vb = NULL;
		size_t la = 0, lb = 0;
		gw_err err;
		gw_err_clear(&err);
		gw_rc ra = gw_block_get(a, GW_BT_LENS, k, &va, &la, &err), rb = gw_block_get(b, GW_BT_LENS, k, &vb, &lb, &err);
		if (ra != rb || la != lb || (la && memcmp(va, vb, la) != 0)) {
			fprintf(stderr, "  block %u differs\n", k);
			return 0;
		}
	}
	return 1;
}

/* Entries queued and flushed give the blocks that adding them one by one
 * gives: into new blocks, after a block's stored entries, and (out of the
 * usual order) before one of them. */
static void test_queue(void)
{
	gw_fieldtab fa, fb;
	gw_txn *ta, *tb;
	gw_store *sa = fresh_store(&ta, &fa), *sb = fresh_store(&tb, &fb);
	gw_buf scratch = GW_BUF_INIT;
	gw_lens_queue q;
	gw_record r;
	const uint32_t stored[] = {3, 40, 70};          /* already in the blocks */
	/* 5, 6, 31 and 41 go after the stored 3 and 40; 64 and 65 before 70;
	 * 100 and 101 into a new block. */
	const uint32_t queued[] = {5, 6, 31, 41, 64, 65, 100, 101};
	gw_err err;

	gw_err_clear(&err);
	memset(&q, 0, sizeof q);
	for (size_t i = 0; i < sizeof stored / sizeof *stored; i++) {
		rec_of(&r, 1, stored[i]);
		CHECK(gw_lens_add(ta, stored[i], &r, &fa, &scratch, &err) == GW_OK);
		CHECK(gw_lens_add(tb, stored[i], &r, &fb, &scratch, &err) == GW_OK);
	}
	for (size_t i = 0; i < sizeof queued / sizeof *queued; i++) {
		rec_of(&r, 2, 100 + queued[i]);
		CHECK(gw_lens_add(ta, queued[i], &r, &fa, &scratch, &err) == GW_OK);
		CHECK(gw_lens_queue_add(&q, queued[i], &r, &fb, &err) == GW_OK);
	}
	CHECK(q.n == 8 && q.first == 5 && q.last == 101);
	CHECK(gw_lens_queue_add(&q, 101, &r, &fb, &err) == GW_EINVAL); /* docids ascend */
	gw_err_clear(&err);
	CHECK(gw_lens_queue_flush(&q, tb, &scratch, &err) == GW_OK);
	CHECK(q.n == 0 && q.b.len == 0);
	CHECK(same_blocks(ta, tb, 5));
	gw_lens_queue_free(&q);
	gw_txn_abort(ta);
	gw_txn_abort(tb);
	done(sa, &scratch, &fa);
	gw_store_close(sb);
	gw_fieldtab_free(&fb);
}

/* A damaged block reads as damaged, not as a wrong length. */
static void test_damaged(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_lens_reader rd;
	gw_record got;
	uint32_t d[GW_LENS_BLOCK];
	const unsigned char bad[] = {3, 4, 0, 2, 1, 0x80}; /* two fields promised, one truncated */
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_block_put(t, GW_BT_LENS, 0, bad, sizeof bad, &err) == GW_OK);
	gw_lens_reader_init(&rd, t);
	CHECK(gw_lens_read(&rd, 3, &got) == -1);
	CHECK(gw_lens_block_docids(bad, sizeof bad, 0, d) == -1);
	gw_lens_reader_close(&rd);
	gw_lens_cache *cache = gw_lens_cache_new();
	gw_lens_reader_init_cached(&rd, t, cache);
	CHECK(gw_lens_read(&rd, 3, &got) == -1);
	CHECK(gw_lens_read(&rd, 3, &got) == -1); /* not kept as empty */
	gw_lens_reader_close(&rd);
	gw_lens_cache_free(cache);
	gw_txn_abort(t);
	gw_store_close(s);
	gw_fieldtab_free(&ft);
}

int main(void)
{
	if (!gw_t_scratch_make("lens"))
		return 1;
	RUN(test_add_read);
	RUN(test_remove);
	RUN(test_cache_follows_commits);
	RUN(test_queue);
	RUN(test_damaged);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
