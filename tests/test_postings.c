/* test_postings: varint and chunk codec round trips. */
#include <stdlib.h>
#include <string.h>

#include "store/gw_postings.h"
#include "gw_test.h"

static void test_varint_round_trip(void)
{
	const uint64_t vals[] = {0, 1, 127, 128, 255, 16383, 16384, 0xffffffffu, 0x123456789abcull, UINT64_MAX};
	gw_buf b = GW_BUF_INIT;
	const unsigned char *p, *end;

	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		gw_buf_put_varint(&b, vals[i]);
	CHECK(gw_buf_ok(&b));
	p = b.p;
	end = b.p + b.len;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		uint64_t v = 1;
		CHECK(gw_varint_get(&p, end, &v) == 0);
		CHECK(v == vals[i]);
	}
	CHECK(p == end);
	/* Sizes: 7 bits a byte. */
	{
		unsigned char tmp[10];
		CHECK(gw_varint_put(tmp, 127) == 1);
		CHECK(gw_varint_put(tmp, 128) == 2);
		CHECK(gw_varint_put(tmp, UINT64_MAX) == 10);
	}
	gw_buf_free(&b);
}

static void test_varint_truncated(void)
{
	const unsigned char bad[] = {0x80, 0x80};
	const unsigned char *p = bad;
	const unsigned char eleven[11] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	uint64_t v;

	CHECK(gw_varint_get(&p, bad + 2, &v) == -1);
	CHECK(p == bad);
	p = eleven;
	CHECK(gw_varint_get(&p, eleven + 11, &v) == -1);
}

/* A deterministic list: docid d has tf = d % 5 + 1 positions. */
static void make_list(gw_plist *l, uint32_t n, uint32_t step)
{
	uint32_t pos[8];

	memset(l, 0, sizeof *l);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t d = 1 + i * step, tf = d % 5 + 1;
		for (uint32_t k = 0; k < tf; k++)
			pos[k] = d % 7 + k * 1000;
		if (l->cap - l->len < GW_PLIST_ENTRY_MAX(tf)) {
			unsigned char *p = realloc(l->p, l->cap * 2 + GW_PLIST_ENTRY_MAX(tf));
			if (!p)
				abort();
			l->p = p;
			l->cap = l->cap * 2 + GW_PLIST_ENTRY_MAX(tf);
		}
		gw_plist_add(l, d, pos, tf, tf);
	}
}

static void test_plist_round_trip(void)
{
	gw_plist l;
	gw_entry_reader r;
	gw_entry e;
	uint32_t i = 0, pos[8];

	make_list(&l, 1000, 3);
	gw_plist_reader(&l, &r);
	while (gw_entry_next(&r, &e) == 1) {
		uint32_t d = 1 + i * 3;
		CHECK(e.docid == d);
		CHECK(e.tf == d % 5 + 1);
		CHECK(gw_entry_positions(&e, pos) == e.tf);
		for (uint32_t k = 0; k < e.tf; k++)
			CHECK(pos[k] == d % 7 + k * 1000);
		i++;
	}
	CHECK(i == 1000);
	free(l.p);
}

/* Chunks from a list: each holds <= GW_CHUNK_DOCS entries; reading them
 * back in order gives the list again. */
static void test_chunks_round_trip(void)
{
	gw_plist l;
	gw_entry_reader r, cr;
	gw_entry e, ce;
	gw_chunk_builder b;
	uint32_t first, last, n, seen = 0, chunks = 0, expect = 1;
	gw_buf all = GW_BUF_INIT;

	make_list(&l, 1000, 7);
	gw_chunk_builder_init(&b);
	gw_plist_reader(&l, &r);
	for (;;) {
		int more = gw_entry_next(&r, &e) == 1;
		int full = more && gw_chunk_builder_add(&b, &e);
		if ((full || !more) && gw_chunk_builder_take(&b, &first)) {
			chunks++;
			CHECK(gw_chunk_header(b.out.p, b.out.len, first, &n, &last) == 0);
			CHECK(n <= GW_CHUNK_DOCS);
			CHECK(gw_chunk_open(&cr, b.out.p, b.out.len, first, NULL) == 0);
			while (gw_entry_next(&cr, &ce) == 1) {
				CHECK(ce.docid == expect);
				CHECK(ce.tf == expect % 5 + 1);
				expect += 7;
				seen++;
			}
			CHECK(cr.p == cr.end);
			CHECK(last == expect - 7);
		}
		if (!more)
			break;
	}
	CHECK(seen == 1000);
	CHECK(chunks == (1000 + GW_CHUNK_DOCS - 1) / GW_CHUNK_DOCS);
	CHECK(gw_chunk_builder_ok(&b));
	gw_chunk_builder_free(&b);
	free(l.p);
	gw_buf_free(&all);
}

/* Chunks cut from a list (gw_plist_cut) are byte for byte the chunks the
 * builder makes of it: lists of 1 document to several chunks (ended by
 * GW_CHUNK_DOCS, or by GW_CHUNK_BYTES with many positions), whose first
 * docid takes one to four bytes. */
static void test_cut_chunks(void)
{
	static const uint32_t sizes[] = {1, 2, 50, GW_CHUNK_DOCS - 1, GW_CHUNK_DOCS, GW_CHUNK_DOCS + 1, 1000};
	static const uint32_t offsets[] = {0, 200, 3000000};

	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (size_t oi = 0; oi < sizeof offsets / sizeof *offsets; oi++)
			for (uint32_t wide = 0; wide < 2; wide++) {
				gw_plist l;
				gw_entry_reader r;
				gw_entry e;
				gw_chunk_builder b;
				gw_plist_cut c;
				uint32_t pos[64], bfirst, cfirst;
				size_t size;
				unsigned bad = 0, nb = 0, nc = 0;
				unsigned char out[8192];

				/* wide: 40 positions an entry, so GW_CHUNK_BYTES ends chunks. */
				memset(&l, 0, sizeof l);
				l.cap = sizes[si] * GW_PLIST_ENTRY_MAX(40);
				l.p = malloc(l.cap);
				for (uint32_t i = 0; l.p && i < sizes[si]; i++) {
					uint32_t d = offsets[oi] + 1 + i * 3, tf = wide ? 40 : d % 5 + 1;
					for (uint32_t k = 0; k < tf; k++)
						pos[k] = d % 7 + k * 1000;
					gw_plist_add(&l, d, pos, tf, tf);
				}
				gw_chunk_builder_init(&b);
				gw_plist_reader(&l, &r);
				gw_plist_cut_init(&c, &l);
				for (int more = 1; more && bad == 0;) {
					int taken = 0;
					more = gw_entry_next(&r, &e) == 1;
					if (more && gw_chunk_builder_add(&b, &e))
						taken = gw_chunk_builder_take(&b, &bfirst);
					else if (!more)
						taken = gw_chunk_builder_take(&b, &bfirst);
					if (!taken)
						continue;
					nb++;
					if (gw_plist_cut_next(&c, &cfirst, &size) != 1 || size != b.out.len ||
					    cfirst != bfirst || size > sizeof out) {
						bad++;
						break;
					}
					nc++;
					gw_plist_cut_write(&c, out);
					bad += memcmp(out, b.out.p, size) != 0;
				}
				CHECK(bad == 0 && nb == nc && nb >= 1);
				CHECK(gw_plist_cut_next(&c, &cfirst, &size) == 0);
				if (wide && sizes[si] >= GW_CHUNK_DOCS)
					CHECK(nb > (sizes[si] + GW_CHUNK_DOCS - 1) / GW_CHUNK_DOCS); /* bytes ended some */
				gw_chunk_builder_free(&b);
				free(l.p);
			}
}

static void test_damaged_chunk(void)
{
	gw_entry_reader r;
	gw_entry e;
	/* n=2, span=4, then one entry of tf 2 whose plen (9) runs past the end. */
	const unsigned char bad[] = {2, 4, 0, 9 << 1, 2, 1};
	/* n=1, span=0, then a tf-1 entry whose position is cut short. */
	const unsigned char cut[] = {1, 0, 0, 2 << 1 | 1, 0x80};
	/* n=1, span=0, then an entry with tf written, and 1. */
	const unsigned char tf1[] = {1, 0, 0, 1 << 1, 1, 5};

	CHECK(gw_chunk_open(&r, bad, 1, 1, NULL) == -1);
	CHECK(gw_chunk_open(&r, bad, sizeof bad, 1, NULL) == 0);
	CHECK(gw_entry_next(&r, &e) == -1);
	CHECK(gw_chunk_open(&r, bad, sizeof bad, 1, NULL) == 0);
	CHECK(gw_entry_next_fast(&r, &e) == -1);
	CHECK(gw_chunk_open(&r, bad, sizeof bad, 1, NULL) == 0);
	CHECK(gw_entry_seek(&r, 1, &e) == -1);
	CHECK(gw_chunk_open(&r, tf1, sizeof tf1, 1, NULL) == 0);
	CHECK(gw_entry_seek(&r, 1, &e) == -1);
	CHECK(gw_chunk_open(&r, cut, sizeof cut, 1, NULL) == 0);
	CHECK(gw_entry_next_fast(&r, &e) == -1);
	CHECK(gw_chunk_open(&r, tf1, sizeof tf1, 1, NULL) == 0);
	CHECK(gw_entry_next_fast(&r, &e) == -1);
	/* A span past the largest docid. */
	CHECK(gw_chunk_open(&r, (const unsigned char[]){1, 2}, 2, UINT32_MAX - 1, NULL) == -1);
}

/* A list of 2000 entries of every form: tf 1 and more (some with 64+
 * bytes of positions, so a two-byte x), positions and docid gaps of one to
 * three bytes; every 7th without positions (as words are), some of those
 * with a tf of two bytes behind a one-byte x. */
static void make_mixed_list(gw_plist *l)
{
	uint32_t pos[40], d = 0, seed = 7;

	memset(l, 0, sizeof *l);
	l->cap = 2000 * GW_PLIST_ENTRY_MAX(40);
	l->p = malloc(l->cap);
	if (!l->p)
		abort();
	for (int i = 0; i < 2000; i++) {
		uint32_t tf, at = 0;
		seed = seed * 1103515245u + 12345u;
		d += 1 + (seed >> 8) % (i % 3 == 0 ? 100000 : 60);
		tf = i % 50 == 7 ? 40 : 1 + (seed >> 4) % 4;
		if (i % 7 == 3) { /* no positions */
			gw_plist_add(l, d, NULL, 0, i % 21 == 3 ? 300 + (seed >> 9) % 1000 : tf);
			continue;
		}
		for (uint32_t k = 0; k < tf; k++)
			pos[k] = at += (seed >> (k % 8 + 3)) % (k % 2 ? 20 : 70000);
		gw_plist_add(l, d, pos, tf, tf);
	}
}

/* The inline readers decode what gw_entry_next does. */
static void test_fast_reader(void)
{
	gw_plist l;
	gw_entry_reader slow, fast;
	gw_entry e, f;
	uint32_t n = 0, tf1 = 0;
	int more;

	make_mixed_list(&l);
	gw_plist_reader(&l, &slow);
	gw_plist_reader(&l, &fast);
	while ((more = gw_entry_next(&slow, &e)) == 1) {
		CHECK(gw_entry_next_fast(&fast, &f) == 1);
		CHECK(e.docid == f.docid && e.tf == f.tf && e.plen == f.plen && e.pos == f.pos);
		tf1 += e.tf == 1;
		n++;
	}
	CHECK(more == 0 && n == 2000);
	CHECK(gw_entry_next_fast(&fast, &f) == 0);
	CHECK(tf1 > 300 && tf1 < 700);
	free(l.p);
}

/* gw_entry_seek finds what reading entry by entry finds, in chunks: the
 * first entry at or past the target, or the chunk's end. */
static void test_seek(void)
{
	gw_plist l;
	gw_chunk_builder b;
	gw_entry_reader in, c1, c2;
	gw_entry e, f;
	uint32_t first, n = 0;
	int more;

	make_mixed_list(&l);
	gw_chunk_builder_init(&b);
	gw_plist_reader(&l, &in);
	do {
		int full = 0;
		while (!full && (more = gw_entry_next(&in, &e)) == 1)
			full = gw_chunk_builder_add(&b, &e);
		if (!gw_chunk_builder_take(&b, &first))
			continue;
		/* From the chunk's start to each docid of it, each docid + 1, and
		 * past its end, then target after target in one reader. */
		CHECK(gw_chunk_open(&c1, b.out.p, b.out.len, first, NULL) == 0);
		while (gw_entry_next(&c1, &e) == 1) {
			for (uint32_t t = e.docid; t <= e.docid + 1; t++) {
				int rs;
				gw_entry_reader lin;
				gw_entry g;
				CHECK(gw_chunk_open(&c2, b.out.p, b.out.len, first, NULL) == 0);
				CHECK(gw_chunk_open(&lin, b.out.p, b.out.len, first, NULL) == 0);
				while ((rs = gw_entry_next(&lin, &g)) == 1 && g.docid < t)
					;
				CHECK(gw_entry_seek(&c2, t, &f) == rs);
				if (rs == 1)
					CHECK(f.docid == g.docid && f.tf == g.tf && f.pos == g.pos && f.plen == g.plen &&
					      c2.p == lin.p && c2.left == lin.left);
			}
			n++;
		}
		CHECK(gw_chunk_open(&c2, b.out.p, b.out.len, first, NULL) == 0);
		CHECK(gw_entry_seek(&c2, UINT32_MAX, &f) == 0 && c2.left == 0 && c2.p == c2.end);
	} while (more == 1);
	CHECK(n == 2000);
	gw_chunk_builder_free(&b);
	free(l.p);
}

int main(void)
{
	RUN(test_varint_round_trip);
	RUN(test_varint_truncated);
	RUN(test_plist_round_trip);
	RUN(test_chunks_round_trip);
	RUN(test_cut_chunks);
	RUN(test_damaged_chunk);
	RUN(test_fast_reader);
	RUN(test_seek);
	return TEST_EXIT();
}
