/* fuzz_analyzer: the token pipeline (gw_analyze, lib/text/gw_analyzer.h)
 * on any bytes, as a document field and as a query.
 *
 * One analyzer serves every input, as one serves every document of an
 * indexing thread, so its memos (stems, word breaks) carry over from input
 * to input. Each input is analyzed
 *   - as a document field (GW_AN_ALL), checking every token: a known kind,
 *     1..GW_TERM_MAX bytes of valid UTF-8, a byte range inside the input,
 *     CHAR and TERM positions one after the other with nothing skipped;
 *   - stopped by the callback after a few tokens (the same first tokens);
 *   - again from another first position (the memos answer now: the same
 *     tokens, shifted);
 *   - as a query (GW_AN_BIGRAMS | GW_AN_STEMS) and for characters only (0):
 *     the document's tokens without the kinds not asked for;
 *   - into a gw_toklist as the indexer does, whose groups must count the
 *     document's tokens;
 *   - through gw_analyzer_fold, which must give valid UTF-8.
 * A mismatch aborts. Seeds: corpus/ notices cut in pieces and the strings of
 * tests/test_analyzer.c. */
#include "text/gw_analyzer.h"
#include "text/gw_toklist.h"
#include "text/gw_utf8.h"

static gw_analyzer *an;

/* One analysis: its tokens, each as a fixed header then its term. */
typedef struct toks {
	gw_buf b;
	size_t n, max;      /* tokens; stop after max (0: never) */
	size_t size;        /* of the input */
	uint32_t first_pos; /* of the analysis */
	uint32_t next_pos;  /* the next CHAR or TERM position expected */
	uint32_t last_pos;  /* of the last CHAR or TERM token */
} toks;

typedef struct tok_rec {
	int kind, folded, inner;
	uint32_t pos;
	size_t start_off, end_off, len;
} tok_rec;

static int on_token(void *ctx, const gw_token *t)
{
	toks *k = ctx;
	tok_rec r;

	memset(&r, 0, sizeof r); /* compared with memcmp: no stray padding */
	r.kind = t->kind;
	r.folded = t->folded;
	r.inner = t->inner;
	r.pos = t->pos;
	r.start_off = t->start_off;
	r.end_off = t->end_off;
	r.len = t->len;

	GW_FUZZ_CHECK(t->kind == GW_T_CHAR || t->kind == GW_T_BIGRAM || t->kind == GW_T_WORD ||
	              t->kind == GW_T_TERM || t->kind == GW_T_STEM);
	GW_FUZZ_CHECK(t->len > 0 && t->len <= GW_TERM_MAX && gw_utf8_valid(t->term, t->len));
	GW_FUZZ_CHECK(t->start_off < t->end_off && t->end_off <= k->size);
	GW_FUZZ_CHECK(t->pos >= k->first_pos);
	if (t->kind == GW_T_CHAR || t->kind == GW_T_TERM) {
		GW_FUZZ_CHECK(t->pos == k->next_pos);
		k->last_pos = t->pos;
		k->next_pos++;
	} else {
		/* The other kinds come after the position they start at. */
		GW_FUZZ_CHECK(k->next_pos > k->first_pos && t->pos <= k->last_pos);
	}
	gw_buf_append(&k->b, &r, sizeof r);
	gw_buf_append(&k->b, t->term, t->len);
	k->n++;
	return k->max && k->n == k->max;
}

static void analyze(toks *k, const char *p, size_t n, uint32_t first_pos, int flags, size_t max)
{
	gw_err err;
	uint32_t next = 0;

	memset(k, 0, sizeof *k);
	k->max = max;
	k->size = n;
	k->first_pos = k->next_pos = first_pos;
	gw_err_clear(&err);
	GW_FUZZ_CHECK(gw_analyze(an, p, n, first_pos, flags, on_token, k, &next, &err) == GW_OK);
	GW_FUZZ_CHECK(gw_buf_ok(&k->b));
	/* Every position went to one CHAR or TERM (unless stopped early). */
	GW_FUZZ_CHECK(max || next == k->next_pos);
}

/* Whether b's tokens are a's of the kinds in `kinds` (a bit set), and at
 * most max of them (0: all), with positions moved by shift. */
static int same(const toks *a, const toks *b, uint64_t kinds, uint32_t shift, size_t max)
{
	size_t i = 0, j = 0, got = 0;

	while (i < a->b.len && (!max || got < max)) {
		tok_rec ra, rb;
		memcpy(&ra, a->b.p + i, sizeof ra);
		i += sizeof ra + ra.len;
		if (!(gw_kind_bit(ra.kind) & kinds))
			continue;
		if (j >= b->b.len)
			return 0;
		memcpy(&rb, b->b.p + j, sizeof rb);
		ra.pos += shift;
		if (memcmp(&ra, &rb, sizeof ra) != 0 ||
		    memcmp(a->b.p + i - ra.len, b->b.p + j + sizeof rb, ra.len) != 0)
			return 0;
		j += sizeof rb + rb.len;
		got++;
	}
	return j == b->b.len;
}

/* The indexer's way: tokens grouped by term. */
static void check_toklist(const char *p, size_t n, const toks *doc)
{
	gw_toklist l;
	gw_err err;
	size_t tf = 0, npos = 0, kept = 0;

	memset(&l, 0, sizeof l);
	gw_err_clear(&err);
	GW_FUZZ_CHECK(gw_toklist_analyze(&l, an, p, n, NULL, &err) == GW_OK);
	for (size_t i = 0; i < doc->b.len;) {
		tok_rec r;
		gw_token t;
		memcpy(&r, doc->b.p + i, sizeof r);
		t.kind = r.kind;
		t.inner = r.inner;
		kept += gw_char_position_kept(&t);
		i += sizeof r + r.len;
	}
	for (size_t g = 0; g < l.ng; g++) {
		GW_FUZZ_CHECK(l.g[g].tf >= 1 && l.g[g].npos <= l.g[g].tf);
		GW_FUZZ_CHECK(l.g[g].off + l.g[g].len <= l.terms.len);
		for (uint32_t k = 1; k < l.g[g].npos; k++)
			GW_FUZZ_CHECK(l.pos[l.g[g].first + k - 1] < l.pos[l.g[g].first + k]);
		tf += l.g[g].tf;
		npos += l.g[g].npos;
	}
	GW_FUZZ_CHECK(tf == doc->n && npos == kept);
	gw_toklist_free(&l);
}

static void check_fold(const char *p, size_t n)
{
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	gw_err_clear(&err);
	GW_FUZZ_CHECK(gw_analyzer_fold(an, p, n, &out, &err) == GW_OK);
	GW_FUZZ_CHECK(gw_utf8_valid((const char *)out.p, out.len));
	gw_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const uint64_t all = ~(uint64_t)0, no_words = all & ~gw_kind_bit(GW_T_WORD);
	const uint64_t chars = gw_kind_bit(GW_T_CHAR) | gw_kind_bit(GW_T_TERM);
	toks doc, part, again, query, plain;
	size_t stop = size % 7 + 1;
	gw_err err;

	gw_err_clear(&err);
	if (!an)
		GW_FUZZ_CHECK(gw_analyzer_new(&an, &err) == GW_OK);
	analyze(&doc, p, size, 0, GW_AN_ALL, 0);
	analyze(&part, p, size, 0, GW_AN_ALL, stop);
	GW_FUZZ_CHECK(same(&doc, &part, all, 0, stop));
	analyze(&again, p, size, 1000, GW_AN_ALL, 0);
	GW_FUZZ_CHECK(same(&doc, &again, all, 1000, 0));
	analyze(&query, p, size, 0, GW_AN_BIGRAMS | GW_AN_STEMS, 0);
	GW_FUZZ_CHECK(same(&doc, &query, no_words, 0, 0));
	analyze(&plain, p, size, 0, 0, 0);
	GW_FUZZ_CHECK(same(&doc, &plain, chars, 0, 0));
	check_toklist(p, size, &doc);
	check_fold(p, size);
	gw_analyzer_script(an, NULL, NULL);
	gw_buf_free(&doc.b);
	gw_buf_free(&part.b);
	gw_buf_free(&again.b);
	gw_buf_free(&query.b);
	gw_buf_free(&plain.b);
	return 0;
}
