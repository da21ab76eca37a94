/* Tests of gw_norms: the per-document length, script and field set codes
 * that bound a document's ranking factor. */
#include <stdlib.h>
#include <string.h>

#include "text/gw_analyzer.h"
#include "index/gw_index.h"
#include "store/gw_norms.h"
#include "store/gw_store.h"
#include "gw_test.h"
#include "gw_test_store.h"

/* A store with fields 1 "title", 2 "body" (indexed) and 3 "_source"
 * (stored only), in a write txn. */
static gw_store *fresh_store(gw_txn **t, gw_fieldtab *ft)
{
	static const char *const names[] = {"title", "body", "_source", NULL};

	return gw_t_fresh_store(names, t, ft);
}

/* The length code never decodes above the length: exact below 32768,
 * within 255 up to its largest step, capped beyond. */
static void test_codes(void)
{
	const uint64_t lens[] = {0, 1, 127, 4095, 32767, 32768, 32769, 33000, 100000, 8421375, 8421376, 1u << 30,
	                         (uint64_t)1 << 40};

	for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
		uint32_t n = gw_norm_make(lens[i], GW_SCRIPT_HANT, 77);
		uint32_t f = gw_norm_len_floor(n);
		CHECK(n >> 31 == 1 && gw_norm_script(n) == GW_SCRIPT_HANT && gw_norm_fset(n) == 77);
		CHECK(f <= lens[i]);
		if (lens[i] < 32768)
			CHECK(f == lens[i]);
		else if (lens[i] <= 8421375)
			CHECK(lens[i] - f < 256);
		else
			CHECK(f == 8421120);
	}
	CHECK(gw_norm_fset(gw_norm_make(5, 0, 100000)) == GW_FSET_OTHER);
}

static void rec_of(gw_record *r, unsigned nf, const unsigned *fids, const uint32_t *lens, int script)
{
	memset(r, 0, sizeof *r);
	r->nf = nf;
	r->script = script;
	for (unsigned i = 0; i < nf; i++) {
		r->fid[i] = fids[i];
		r->flen[i] = lens[i];
		r->fcjk[i] = lens[i]; /* all CJK, unless a test says otherwise */
	}
}

/* A record's norm: the CJK characters of its indexed fields only (each at
 * most the field's length in tokens; without any, the length), its script,
 * and its set of indexed fields in any order; sets saved and loaded again. */
static void test_norm_of_and_sets(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_fsets fs, again;
	gw_record r;
	gw_err err;
	const unsigned tb[] = {1, 2, 3}, bt[] = {2, 1}, b[] = {2, 3};
	const uint32_t l3[] = {10, 200, 7}, l2[] = {200, 10};
	uint32_t n;
	const unsigned char *fids;

	gw_err_clear(&err);
	CHECK(gw_fsets_load(t, &fs, &err) == GW_OK && fs.n == 0);
	rec_of(&r, 3, tb, l3, GW_SCRIPT_HANS);
	n = gw_norm_of(&r, &ft, &fs, 1);
	CHECK(gw_norm_len_floor(n) == 210 && gw_norm_script(n) == GW_SCRIPT_HANS && gw_norm_fset(n) == 0);
	r.fcjk[0] = 3, r.fcjk[1] = 50, r.fcjk[2] = 0; /* English mostly: its CJK characters */
	CHECK(gw_norm_len_floor(gw_norm_of(&r, &ft, &fs, 1)) == 53);
	r.fcjk[0] = 20; /* more than the tokens (never so): the tokens */
	CHECK(gw_norm_len_floor(gw_norm_of(&r, &ft, &fs, 1)) == 60);
	r.fcjk[0] = r.fcjk[1] = 0; /* none: the length */
	CHECK(gw_norm_len_floor(gw_norm_of(&r, &ft, &fs, 1)) == 210);
	rec_of(&r, 2, bt, l2, GW_SCRIPT_NONE); /* the same set, in another order */
	n = gw_norm_of(&r, &ft, &fs, 1);
	CHECK(gw_norm_len_floor(n) == 210 && gw_norm_fset(n) == 0 && fs.n == 1);
	rec_of(&r, 2, b, l2, GW_SCRIPT_NONE);
	CHECK(gw_norm_fset(gw_norm_of(&r, &ft, &fs, 0)) == GW_FSET_OTHER && fs.n == 1);
	CHECK(gw_norm_fset(gw_norm_of(&r, &ft, &fs, 1)) == 1 && fs.n == 2);
	CHECK(gw_fsets_get_set(&fs, 1, &fids) == 1 && fids[0] == 2);
	CHECK(gw_fsets_get_set(&fs, 0, &fids) == 2 && fids[0] == 1 && fids[1] == 2);
	CHECK(gw_fsets_save(&fs, t, &err) == GW_OK);
	CHECK(gw_fsets_load(t, &again, &err) == GW_OK && again.n == 2);
	CHECK(gw_fsets_get_set(&again, 0, &fids) == 2 && fids[0] == 1 && fids[1] == 2);
	CHECK(gw_fsets_get_set(&again, 1, &fids) == 1 && fids[0] == 2);
	CHECK(gw_norm_fset(gw_norm_of(&r, &ft, &again, 0)) == 1);
	/* A damaged value is an error, not sets. */
	gw_fsets_free(&again);
	CHECK(gw_fsets_put(t, "\x02\x01\x01\x05", 4, &err) == GW_OK);
	gw_err_clear(&err);
	CHECK(gw_fsets_load(t, &again, &err) == GW_ECORRUPT);
	gw_fsets_free(&fs);
	gw_txn_abort(t);
	gw_store_close(s);
	gw_fieldtab_free(&ft);
}

/* Norms queued and written block by block read back; blocks written again
 * keep what they held; docids without a norm read 0. */
static void test_queue_read(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_norms_queue q;
	gw_norms_reader rd;
	gw_buf scratch = GW_BUF_INIT;
	gw_err err;
	const uint32_t first[] = {1, 2, 600, 1030, 1031}, second[] = {1032, 1500, 2000};
	const uint32_t absent[] = {0, 3, 599, 1029, 1033, 1499, 5000};

	gw_err_clear(&err);
	memset(&q, 0, sizeof q);
	for (size_t i = 0; i < 5; i++)
		CHECK(gw_norms_queue_add(&q, first[i], gw_norm_make(first[i] * 3, 1, 2), &err) == GW_OK);
	CHECK(gw_norms_queue_add(&q, 1031, 1, &err) == GW_EINVAL); /* docids ascend */
	gw_err_clear(&err);
	CHECK(gw_norms_queue_flush(&q, t, &scratch, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	for (size_t i = 0; i < 3; i++)
		CHECK(gw_norms_queue_add(&q, second[i], gw_norm_make(second[i] * 3, 2, 1), &err) == GW_OK);
	CHECK(gw_norms_queue_flush(&q, t, &scratch, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	gw_norms_reader_init(&rd, t);
	for (size_t i = 0; i < 5; i++)
		CHECK(gw_norms_read(&rd, first[i]) == gw_norm_make(first[i] * 3, 1, 2));
	for (size_t i = 0; i < 3; i++)
		CHECK(gw_norms_read(&rd, second[i]) == gw_norm_make(second[i] * 3, 2, 1));
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
		CHECK(gw_norms_read(&rd, absent[i]) == 0);
	CHECK(gw_norms_read(&rd, 2) == gw_norm_make(6, 1, 2)); /* back to an earlier block */
	gw_norms_reader_close(&rd);
	gw_txn_abort(t);
	/* A block of a length no norm has reads as none. */
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	CHECK(gw_block_put(t, GW_BT_NORMS, 0, "\x01\x02\x03\x04\x05", 5, &err) == GW_OK);
	gw_norms_reader_init(&rd, t);
	CHECK(gw_norms_read(&rd, 1) == 0);
	CHECK(gw_norms_read(&rd, 1030) == gw_norm_make(1030 * 3, 1, 2));
	gw_norms_reader_close(&rd);
	CHECK(gw_norms_queue_add(&q, 3, 7, &err) == GW_OK);
	CHECK(gw_norms_queue_flush(&q, t, &scratch, &err) == GW_ECORRUPT);
	gw_txn_abort(t);
	gw_norms_queue_free(&q);
	gw_buf_free(&scratch);
	gw_store_close(s);
	gw_fieldtab_free(&ft);
}

/* gw_norms_floor, with and without a cache: each span's least length by
 * script is what a walk over its norms finds; a span holding a docid
 * without a norm, and docids past the block's norms, have no bound; the
 * cache's sums serve the next reader of the same snapshot and are dropped
 * with it; a cache filled in one pass reads as one filled block by block. */
static void test_floor(void)
{
	gw_fieldtab ft;
	gw_txn *t;
	gw_store *s = fresh_store(&t, &ft);
	gw_norms_queue q;
	gw_norms_cache *c = gw_norms_cache_new();
	gw_buf scratch = GW_BUF_INIT;
	gw_err err;
	unsigned seed = 3;
	/* Norms for docids 1..699 but 40 (a span without a bound), ending
	 * inside a span of block 2 (512..767). */
	static uint32_t want[700];

	gw_err_clear(&err);
	memset(&q, 0, sizeof q);
	CHECK(c != NULL);
	for (uint32_t d = 1; d < 700; d++) {
		seed = seed * 1103515245u + 12345u;
		want[d] = d == 40 ? 0 : gw_norm_make(5 + (seed >> 16) % 3000, (int)(seed >> 8) % 3, 1);
		if (want[d])
			CHECK(gw_norms_queue_add(&q, d, want[d], &err) == GW_OK);
	}
	CHECK(gw_norms_queue_flush(&q, t, &scratch, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	/* No cache, a cold one, a warm one, one filled by gw_norms_cache_fill. */
	for (int pass = 0; pass < 4; pass++) {
		gw_norms_reader rd;
		CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
		if (pass == 3) {
			gw_norms_cache_free(c);
			CHECK((c = gw_norms_cache_new()) != NULL);
			CHECK(gw_norms_cache_fill(c, t, &err) == GW_OK);
		}
		if (pass)
			gw_norms_reader_init_cached(&rd, t, c);
		else
			gw_norms_reader_init(&rd, t);
		for (uint32_t d = 0; d < 700; d++)
			CHECK(gw_norms_read(&rd, d) == want[d]);
		for (uint32_t d = 0; d < 800; d += 7) {
			uint32_t got[4], floor[4] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
			uint32_t from = d - d % GW_NORMS_SPAN, to = from + GW_NORMS_SPAN, end = 0;
			int bounded = 1;
			if (to > 700 && from < 700)
				to = 700; /* the norms stop there */
			for (uint32_t i = from; i < to && i < 700; i++) {
				if (!want[i]) {
					bounded = 0; /* docid 0 has none either */
					break;
				}
				if (gw_norm_len_floor(want[i]) < floor[gw_norm_script(want[i])])
					floor[gw_norm_script(want[i])] = gw_norm_len_floor(want[i]);
			}
			if (bounded && from < 700)
				end = to;
			CHECK(gw_norms_floor(&rd, d, got) == end);
			if (end && memcmp(got, floor, sizeof floor) != 0) {
				fprintf(stderr, "  pass %d docid %u: floors differ\n", pass, d);
				CHECK(0);
			}
		}
		gw_norms_reader_close(&rd);
		gw_txn_abort(t);
	}
	gw_norms_queue_free(&q);
	gw_norms_cache_free(c);
	gw_buf_free(&scratch);
	gw_store_close(s);
	gw_fieldtab_free(&ft);
}

int main(void)
{
	if (!gw_t_scratch_make("norms"))
		return 1;
	RUN(test_codes);
	RUN(test_norm_of_and_sets);
	RUN(test_queue_read);
	RUN(test_floor);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
