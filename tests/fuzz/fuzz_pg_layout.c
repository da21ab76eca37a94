/* fuzz_pg_layout: the token stream of the PostgreSQL parser
 * (pg/gw_pg_layout.h) on any bytes. Checks, for every input:
 *   - the original-text tokens (word, blank), in order, are the input byte
 *     for byte, each of 1..GW_PG_PIECE_MAX bytes;
 *   - one lexeme token per position the analyzer gives, each of one or two
 *     non-empty terms of valid UTF-8 split by the separator of its type
 *     (PostgreSQL's dictionary splits them there), the first the position's
 *     own term;
 *   - the same layout again, into the reused buffers, is the same.
 * Seeds: a dozen of the analyzer's, a mixed line with invalid bytes and a
 * code point that folds to four, and texts longer than a piece. */
#include "gw_pg_layout.h"
#include "text/gw_utf8.h"

static gw_analyzer *an;
static gw_pglayout lay;

typedef struct positions {
	gw_buf terms;        /* CHAR/TERM terms, each followed by a NUL */
	size_t n;
} positions;

static int on_pos(void *ctx, const gw_token *t)
{
	positions *p = ctx;

	if (t->kind == GW_T_CHAR || t->kind == GW_T_TERM) {
		gw_buf_append(&p->terms, t->term, t->len);
		gw_buf_putc(&p->terms, 0);
		p->n++;
	}
	return 0;
}

static void check(const char *in, size_t size, const positions *ps)
{
	size_t at = 0, npos = 0;
	const char *term = (const char *)ps->terms.p;

	for (size_t i = 0; i < lay.n; i++) {
		const gw_pgtok *t = &lay.tok[i];
		const char *s = gw_pgtok_text(&lay, t, in);

		GW_FUZZ_CHECK(t->len > 0);
		if (t->type == GW_PGT_WORD || t->type == GW_PGT_BLANK) {
			GW_FUZZ_CHECK(!t->from_lex && t->off == at && t->len <= GW_PG_PIECE_MAX);
			at += t->len;
			continue;
		}
		GW_FUZZ_CHECK(t->type == GW_PGT_HAN || t->type == GW_PGT_LATIN);
		GW_FUZZ_CHECK(t->from_lex && t->off + t->len <= lay.lex.len);
		GW_FUZZ_CHECK(gw_utf8_valid(s, t->len));
		{
			int sep = t->type == GW_PGT_HAN ? GW_PG_SEP_AND : GW_PG_SEP_OR;
			int other = t->type == GW_PGT_HAN ? GW_PG_SEP_OR : GW_PG_SEP_AND;
			const char *cut = memchr(s, sep, t->len);
			size_t first = cut ? (size_t)(cut - s) : t->len;

			GW_FUZZ_CHECK(!memchr(s, other, t->len));
			GW_FUZZ_CHECK(first > 0 && first <= GW_TERM_MAX);
			if (cut) {
				GW_FUZZ_CHECK(t->len - first - 1 > 0 && t->len - first - 1 <= GW_TERM_MAX);
				GW_FUZZ_CHECK(!memchr(cut + 1, sep, t->len - first - 1));
			}
			GW_FUZZ_CHECK(npos < ps->n && strlen(term) == first && memcmp(term, s, first) == 0);
			term += first + 1;
		}
		npos++;
	}
	GW_FUZZ_CHECK(at == size);
	GW_FUZZ_CHECK(npos == ps->n && lay.npos == ps->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	positions ps = {{0}, 0};
	gw_err err;
	gw_pgtok *first;
	size_t n;
	gw_buf lex = {0};

	gw_err_clear(&err);
	if (!an && gw_analyzer_new(&an, &err) != GW_OK)
		abort();
	if (gw_analyze(an, in, size, 0, 0, on_pos, &ps, NULL, &err) != GW_OK) {
		gw_buf_free(&ps.terms);
		return 0;
	}
	GW_FUZZ_CHECK(gw_buf_ok(&ps.terms));
	GW_FUZZ_CHECK(gw_pg_layout(an, in, size, &lay, &err) == GW_OK);
	check(in, size, &ps);

	/* Again, into the buffers as they are now: the same tokens. */
	n = lay.n;
	first = malloc(n * sizeof(*first) + 1);
	GW_FUZZ_CHECK(first != NULL);
	if (n)
		memcpy(first, lay.tok, n * sizeof(*first));
	gw_buf_append(&lex, lay.lex.p, lay.lex.len);
	GW_FUZZ_CHECK(gw_pg_layout(an, in, size, &lay, &err) == GW_OK);
	GW_FUZZ_CHECK(lay.n == n && (n == 0 || memcmp(first, lay.tok, n * sizeof(*first)) == 0));
	GW_FUZZ_CHECK(lay.lex.len == lex.len && (lex.len == 0 || memcmp(lex.p, lay.lex.p, lex.len) == 0));
	free(first);
	gw_buf_free(&lex);
	gw_buf_free(&ps.terms);
	return 0;
}
