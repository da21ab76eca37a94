/* gw_toklist and gw_accum: tokens in, grouped by term, posting lists out,
 * checked through the store.
 *
 * The accumulator keeps short term keys inside its hash slots and long ones
 * in an arena, finds slots ahead of use, and sorts the terms by a radix key
 * of their first 8 bytes before writing them; a second flush merges into
 * the chunks the first one wrote, and spilled runs merge with the lists
 * in memory. Each of those paths is exercised here and
 * every posting read back and compared with what was added. */
#include "index/gw_accum.h"
#include "index/gw_removals.h"
#include "store/gw_store.h"
#include "gw_test_index.h"

enum { NTERMS = 6000, NDOCS = 24, HALF = 12, FID = 1 };

/* Term i: four shapes, so keys are short (inline), exactly at and just past
 * the inline limit, and long with a shared 8-byte prefix. */
static size_t term(unsigned i, char *out)
{
	switch (i % 4) {
	case 0:
		return (size_t)sprintf(out, "t%u", i);
	case 1:
		return (size_t)sprintf(out, "k%012u", i); /* key 2+13+1 = 16 bytes */
	case 2:
		return (size_t)sprintf(out, "k%013u", i); /* key 17 bytes */
	default:
		return (size_t)sprintf(out, "shared-prefix-long-term-%u", i);
	}
}

/* Whether term i occurs in document d, and how often. Terms with i % 11 == 0
 * appear only after the first flush (new keys between existing ones);
 * others only before it, or in both. */
static unsigned tf_of(unsigned i, unsigned d)
{
	if ((i * 7 + d) % 3 != 0)
		return 0;
	if (i % 11 == 0 && d <= HALF)
		return 0;
	if (i % 13 == 0 && d > HALF)
		return 0;
	return 1 + (i + d) % 3;
}

static uint32_t pos_of(unsigned i, unsigned k) { return k * 10 + i % 7; }

static void add_doc(gw_accum *a, gw_toklist *l, unsigned d)
{
	gw_toklist_reset(l);
	/* Terms in reverse order, and a term's tokens apart from each other
	 * (in ascending positions, as the analyzer gives them). */
	for (unsigned k = 0; k < 3; k++)
		for (unsigned i = NTERMS; i-- > 0;) {
			char buf[64];
			gw_token t;
			if (k >= tf_of(i, d))
				continue;
			memset(&t, 0, sizeof t);
			t.kind = GW_T_TERM;
			t.term = buf;
			t.len = term(i, buf);
			t.pos = pos_of(i, k);
			gw_toklist_add(l, &t);
		}
	gw_toklist_finish(l);
	CHECK(!l->oom);
	CHECK(gw_accum_add(a, FID, d, l) == 0);
}

/* Every posting of every term, read back, is what add_doc put. */
static void check_postings(gw_store *s)
{
	gw_txn *t = NULL;
	gw_err err;
	gw_buf key = {0};
	unsigned bad = 0;

	gw_err_clear(&err);
	CHECK(gw_store_begin(s, 0, &t, &err) == GW_OK);
	for (unsigned i = 0; t && i < NTERMS && bad < 5; i++) {
		char buf[64];
		size_t n = term(i, buf);
		gw_pl *pl = NULL;
		unsigned d = 1;
		gw_term_key(&key, FID, GW_T_TERM, buf, n);
		CHECK(gw_pl_open(t, key.p, key.len, &pl, &err) == GW_OK);
		while (pl && gw_pl_next(pl) == 1) {
			const gw_entry *e = gw_pl_entry(pl);
			uint32_t pos[8];
			while (d <= NDOCS && !tf_of(i, d))
				d++;
			if (e->docid != d || e->tf != tf_of(i, d) || gw_entry_positions(e, pos) != e->tf) {
				fprintf(stderr, "  term %s: entry docid %u tf %u, want docid %u tf %u\n", buf,
				        e->docid, e->tf, d, d <= NDOCS ? tf_of(i, d) : 0);
				bad++;
				break;
			}
			for (unsigned k = 0; k < e->tf; k++)
				if (pos[k] != pos_of(i, k))
					bad++;
			d++;
		}
		while (d <= NDOCS && !tf_of(i, d))
			d++;
		if (d <= NDOCS) {
			fprintf(stderr, "  term %s: docid %u missing\n", buf, d);
			bad++;
		}
		gw_pl_close(pl);
	}
	CHECK(bad == 0);
	gw_txn_abort(t);
	gw_buf_free(&key);
}

/* What the store tests share: a fresh store, an accumulator, a token
 * list, a key buffer and the transaction open (NULL when none). */
typedef struct fixture {
	gw_store *s;
	gw_txn *t;
	gw_accum *a;
	gw_toklist l;
	gw_buf key;
	gw_err err;
} fixture;

/* 1 if f is ready (a CHECK failed otherwise); fixture_close it either way. */
static int fixture_open(fixture *f)
{
	memset(f, 0, sizeof *f);
	gw_err_clear(&f->err);
	f->a = gw_accum_new();
	CHECK(f->a && gw_store_open(&f->s, gw_t_fresh_path(), GW_OPEN_CREATE, &f->err) == GW_OK);
	return f->a && f->s;
}

/* Opens f->t (write or read); 1 if it did. */
static int fixture_begin(fixture *f, int write)
{
	gw_txn_abort(f->t);
	f->t = NULL;
	CHECK(gw_store_begin(f->s, write, &f->t, &f->err) == GW_OK);
	return f->t != NULL;
}

/* Commits f->t; 1 if it did. */
static int fixture_commit(fixture *f)
{
	gw_rc rc = gw_txn_commit(f->t, &f->err);

	f->t = NULL;
	CHECK(rc == GW_OK);
	return rc == GW_OK;
}

static void fixture_close(fixture *f)
{
	if (f->err.rc)
		fprintf(stderr, "  %s\n", f->err.msg);
	gw_txn_abort(f->t);
	gw_buf_free(&f->key);
	gw_toklist_free(&f->l);
	gw_accum_free(f->a);
	gw_store_close(f->s);
}

static void test_accum_round_trip(void)
{
	fixture f;
	int ok = fixture_open(&f);

	/* Two batches: the second flush merges into the first one's chunks. */
	for (unsigned half = 0; ok && half < 2; half++) {
		if (!fixture_begin(&f, 1))
			break;
		for (unsigned d = half ? HALF + 1 : 1; d <= (half ? NDOCS : HALF); d++)
			add_doc(f.a, &f.l, d);
		CHECK(gw_accum_bytes(f.a) > 0);
		/* The second flush checkpoints every 64 kB on the way. */
		CHECK(gw_accum_flush(f.a, f.t, half ? 65536 : 0, &f.err) == GW_OK);
		CHECK(gw_accum_bytes(f.a) == 0);
		if (!fixture_commit(&f))
			break;
		if (half == 1)
			check_postings(f.s);
	}
	fixture_close(&f);
}

/* A batch past its budget twice: two parts spilled to runs, the third
 * flushed from memory, merged into lists that are each written once. Terms
 * are in every part, in some, only in the runs or only in memory. Then a
 * spill where the runs' file cannot be made fails with a clear error. */
static void spill_round_trip(size_t merge_cap)
{
	fixture f;
	int ok = fixture_open(&f);
	gw_err e2;

	if (ok)
		gw_accum_set_merge_cap(f.a, merge_cap);
	if (ok && fixture_begin(&f, 1)) {
		for (unsigned part = 0; part < 3; part++) {
			for (unsigned d = part * 8 + 1; d <= part * 8 + 8; d++)
				add_doc(f.a, &f.l, d);
			if (part < 2) {
				CHECK(gw_accum_spill(f.a, gw_store_path(f.s), &f.err) == GW_OK);
				CHECK(gw_accum_bytes(f.a) == 0 && gw_accum_terms(f.a) == 0);
			}
		}
		CHECK(gw_accum_flush(f.a, f.t, 65536, &f.err) == GW_OK);
		if (fixture_commit(&f))
			check_postings(f.s);
	}
	/* A new accumulator: the first one keeps its runs' file. */
	gw_err_clear(&e2);
	gw_accum_free(f.a);
	f.a = gw_accum_new();
	CHECK(f.a != NULL);
	if (f.a) {
		add_doc(f.a, &f.l, 1);
		CHECK(gw_accum_spill(f.a, "/nonexistent/gongwen", &e2) == GW_EIO);
		CHECK(strstr(e2.msg, "temporary postings in '/nonexistent/gongwen': No such file or directory"));
	}
	fixture_close(&f);
}

/* With the default cap a term's lists merge whole; with 16 bytes, every
 * list is written as it comes, the store extending the term's last chunk. */
static void test_spill_round_trip(void)
{
	spill_round_trip(0);
	spill_round_trip(16);
}

static void add_tok(gw_toklist *l, int kind, const char *term, uint32_t pos)
{
	gw_token t;

	memset(&t, 0, sizeof t);
	t.kind = kind;
	t.term = term;
	t.len = strlen(term);
	t.pos = pos;
	CHECK(gw_toklist_add(l, &t) == 0);
}

/* gw_pl_skip_to over a list of many chunks, to targets in the same chunk,
 * the next ones and far ahead (found by a seek on the chunk keys), between
 * entries, on them and past the end, equals a walk of the list. */
static void test_skip_to(void)
{
	enum { N = 20000 };
	fixture f;
	static uint32_t docs[N];
	size_t nd = 0;

	if (!fixture_open(&f) || !fixture_begin(&f, 1))
		goto done;
	/* "x" in the documents with d % 3 == 0 or d % 7 == 0: 128 to a chunk. */
	for (uint32_t d = 1; d <= N; d++) {
		if (d % 3 && d % 7)
			continue;
		docs[nd++] = d;
		gw_toklist_reset(&f.l);
		add_tok(&f.l, GW_T_TERM, "x", 1);
		gw_toklist_finish(&f.l);
		CHECK(gw_accum_add(f.a, FID, d, &f.l) == 0);
	}
	CHECK(gw_accum_flush(f.a, f.t, 0, &f.err) == GW_OK);
	if (!fixture_commit(&f) || !fixture_begin(&f, 0))
		goto done;
	gw_term_key(&f.key, FID, GW_T_TERM, "x", 1);
	/* Strides from 1 (within a chunk) to 5000 (dozens of chunks). */
	for (uint32_t stride = 1; stride <= 5000; stride = stride * 3 + 1) {
		gw_pl *pl = NULL;
		size_t j = 0;
		unsigned bad = 0;
		CHECK(gw_pl_open(f.t, f.key.p, f.key.len, &pl, &f.err) == GW_OK && pl);
		for (uint32_t target = 1; pl && target <= N + stride && bad < 3; target += stride) {
			int rc = gw_pl_skip_to(pl, target);
			while (j < nd && docs[j] < target)
				j++;
			if (j == nd ? rc != 0 : rc != 1 || gw_pl_entry(pl)->docid != docs[j]) {
				fprintf(stderr, "  stride %u target %u: rc %d docid %u, want %u\n", stride, target, rc,
				        rc == 1 ? gw_pl_entry(pl)->docid : 0, j < nd ? docs[j] : 0);
				bad++;
			}
		}
		CHECK(bad == 0);
		gw_pl_close(pl);
	}
done:
	fixture_close(&f);
}

/* A table of 2 MB or more is emptied, not freed, by a flush: the terms of
 * the next batch, old and new, land in it as in a fresh one. */
static void test_table_kept(void)
{
	enum { N = 40000 };
	fixture f;
	char buf[32];
	size_t kept = 0;

	if (!fixture_open(&f))
		goto done;
	for (uint32_t d = 1; d <= 2; d++) {
		if (!fixture_begin(&f, 1))
			goto done;
		/* doc 1: u0 .. u39999; doc 2: the even u's and v0 .. v19999 */
		gw_toklist_reset(&f.l);
		for (uint32_t i = 0; i < N; i++) {
			if (d == 2 && i % 2)
				continue;
			snprintf(buf, sizeof buf, "u%u", i);
			add_tok(&f.l, GW_T_TERM, buf, i);
		}
		for (uint32_t i = 0; d == 2 && i < N / 2; i++) {
			snprintf(buf, sizeof buf, "v%u", i);
			add_tok(&f.l, GW_T_TERM, buf, N + i);
		}
		gw_toklist_finish(&f.l);
		CHECK(gw_accum_add(f.a, FID, d, &f.l) == 0);
		CHECK(gw_accum_flush(f.a, f.t, 0, &f.err) == GW_OK);
		if (d == 1)
			kept = gw_accum_bytes(f.a);
		if (!fixture_commit(&f))
			goto done;
	}
	CHECK(kept >= (2u << 20)); /* the table stayed, and is counted */
	if (!fixture_begin(&f, 0))
		goto done;
	for (uint32_t i = 0; i < N; i += 997) {
		const char *want[] = {i % 2 ? "1" : "1 2", i < N / 2 ? "2" : ""};
		for (int v = 0; v < 2; v++) {
			gw_pl *pl = NULL;
			char got[16] = "";
			snprintf(buf, sizeof buf, "%c%u", v ? 'v' : 'u', i);
			gw_term_key(&f.key, FID, GW_T_TERM, buf, strlen(buf));
			CHECK(gw_pl_open(f.t, f.key.p, f.key.len, &pl, &f.err) == GW_OK);
			while (pl && gw_pl_next(pl) == 1)
				snprintf(got + strlen(got), sizeof got - strlen(got), "%s%u", *got ? " " : "",
				         gw_pl_entry(pl)->docid);
			CHECK_STR(got, want[v]);
			gw_pl_close(pl);
		}
	}
done:
	fixture_close(&f);
}

/* "kind:term@p,p ..." of the list's groups, in their order. */
static const char *groups(const gw_toklist *l)
{
	static char out[256];
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < l->ng && n < sizeof out - 40; i++) {
		const gw_tgroup *g = &l->g[i];
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%c:%.*s", i ? " " : "", g->kind, (int)g->len,
		                      (const char *)l->terms.p + g->off);
		for (uint32_t k = 0; k < g->tf; k++)
			n += (size_t)snprintf(out + n, sizeof out - n, "%c%u", k ? ',' : '@', l->pos[g->first + k]);
	}
	return out;
}

/* Groups come in order of first occurrence, each with its positions in
 * order; the same bytes of another kind are another term; a reset list
 * keeps nothing of what it held. */
/* A table reserved for the terms to come is there before they are added,
 * holds what the doubling one would, and a reserve never passes its byte
 * limit. */
static void test_reserve(void)
{
	fixture f;
	size_t reserved;

	if (!fixture_open(&f) || !fixture_begin(&f, 1))
		goto done;
	CHECK(gw_accum_reserve(f.a, NTERMS, (size_t)1 << 30) == 0);
	reserved = gw_accum_bytes(f.a);
	CHECK(reserved >= (size_t)NTERMS * 2 * 64);
	for (unsigned d = 1; d <= NDOCS; d++)
		add_doc(f.a, &f.l, d);
	CHECK(gw_accum_terms(f.a) <= NTERMS);
	CHECK(gw_accum_reserve(f.a, NTERMS, (size_t)1 << 30) == 0); /* room already */
	CHECK(gw_accum_flush(f.a, f.t, 0, &f.err) == GW_OK);
	if (!fixture_commit(&f))
		goto done;
	check_postings(f.s);
	{
		gw_accum *small = gw_accum_new();
		CHECK(small && gw_accum_reserve(small, 1u << 20, 1u << 20) == 0);
		CHECK(gw_accum_bytes(small) <= (1u << 20));
		gw_accum_free(small);
	}
done:
	fixture_close(&f);
}

static void test_toklist_groups(void)
{
	gw_toklist l;

	memset(&l, 0, sizeof l);
	add_tok(&l, GW_T_CHAR, "a", 0);
	add_tok(&l, GW_T_BIGRAM, "ab", 0);
	add_tok(&l, GW_T_CHAR, "b", 1);
	add_tok(&l, GW_T_CHAR, "a", 2);
	add_tok(&l, GW_T_TERM, "a", 3);
	add_tok(&l, GW_T_BIGRAM, "ab", 2);
	add_tok(&l, GW_T_CHAR, "a", 7);
	gw_toklist_finish(&l);
	CHECK(!l.oom && l.n == 7);
	CHECK_STR(groups(&l), "c:a@0,2,7 b:ab@0,2 c:b@1 t:a@3");
	gw_toklist_reset(&l);
	add_tok(&l, GW_T_CHAR, "b", 5);
	add_tok(&l, GW_T_CHAR, "a", 6);
	gw_toklist_finish(&l);
	CHECK_STR(groups(&l), "c:b@5 c:a@6");
	/* Enough distinct terms to grow the lookup table, then a repeat. */
	gw_toklist_reset(&l);
	for (unsigned i = 0; i < 5000; i++) {
		char term[16];
		snprintf(term, sizeof term, "w%u", i);
		add_tok(&l, GW_T_TERM, term, i);
	}
	add_tok(&l, GW_T_TERM, "w0", 5000);
	gw_toklist_finish(&l);
	CHECK(l.ng == 5000 && l.g[0].tf == 2 && l.pos[l.g[0].first + 1] == 5000);
	gw_toklist_free(&l);
}

/* Three terms over 1,000 documents (many chunks each): every document,
 * the even ones, one in 97. */
static const char *const rm_terms[] = {"every", "even", "rare"};

static int rm_has(unsigned term, unsigned d)
{
	return term == 0 || (term == 1 && d % 2 == 0) || (term == 2 && d % 97 == 0);
}

/* Removed: every 7th document, the first and the last, and 500-629 (a
 * whole chunk's worth, across a chunk boundary). */
static int rm_removed(unsigned d) { return d % 7 == 0 || d == 1 || d == 1000 || (d >= 500 && d < 630); }

/* Queued removals, applied term by term: each list loses exactly the
 * removed documents, whatever chunks they sit in; pairs queued twice, and
 * pairs whose document the term does not have, change nothing. */
static void test_removals(void)
{
	fixture f;
	gw_removals *r = gw_removals_new();
	unsigned bad = 0;

	CHECK(r != NULL);
	if (!fixture_open(&f) || !r || !fixture_begin(&f, 1))
		goto done;
	for (unsigned d = 1; d <= 1000; d++) {
		gw_toklist_reset(&f.l);
		for (unsigned k = 0; k < 3; k++)
			if (rm_has(k, d))
				add_tok(&f.l, GW_T_TERM, rm_terms[k], k);
		gw_toklist_finish(&f.l);
		CHECK(gw_accum_add(f.a, FID, d, &f.l) == 0);
	}
	CHECK(gw_accum_flush(f.a, f.t, 0, &f.err) == GW_OK);
	/* Queued in descending document order, some twice, some absent. */
	for (unsigned d = 1000; d >= 1; d--)
		for (unsigned k = 0; k < 3; k++) {
			if (!rm_removed(d) && !(k == 1 && d % 2 == 1 && d % 5 == 0))
				continue;
			gw_term_key(&f.key, FID, GW_T_TERM, rm_terms[k], strlen(rm_terms[k]));
			CHECK(gw_removals_add(r, f.key.p, f.key.len, d) == 0);
			if (d % 3 == 0)
				CHECK(gw_removals_add(r, f.key.p, f.key.len, d) == 0);
		}
	CHECK(gw_removals_bytes(r) > 0);
	CHECK(gw_removals_flush(r, f.t, 0, &f.err) == GW_OK);
	CHECK(gw_removals_bytes(r) == 0);
	if (!fixture_commit(&f) || !fixture_begin(&f, 0))
		goto done;
	for (unsigned k = 0; k < 3; k++) {
		gw_pl *pl = NULL;
		unsigned d = 0;
		gw_term_key(&f.key, FID, GW_T_TERM, rm_terms[k], strlen(rm_terms[k]));
		CHECK(gw_pl_open(f.t, f.key.p, f.key.len, &pl, &f.err) == GW_OK);
		while (pl && gw_pl_next(pl) == 1) {
			const gw_entry *e = gw_pl_entry(pl);
			for (d++; d <= 1000 && !(rm_has(k, d) && !rm_removed(d)); d++)
				;
			if (e->docid != d)
				bad++;
		}
		for (d++; d <= 1000 && !(rm_has(k, d) && !rm_removed(d)); d++)
			;
		if (d <= 1000)
			bad++;
		gw_pl_close(pl);
	}
	CHECK(bad == 0);
done:
	gw_removals_free(r);
	fixture_close(&f);
}

int main(void)
{
	if (!gw_t_scratch_make("accum"))
		return 1;
	RUN(test_toklist_groups);
	RUN(test_accum_round_trip);
	RUN(test_spill_round_trip);
	RUN(test_removals);
	RUN(test_skip_to);
	RUN(test_table_kept);
	RUN(test_reserve);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
