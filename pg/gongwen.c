/* gongwen.c: gongwen's analyzer as a PostgreSQL text search parser, its
 * dictionary and its headline.
 *
 * The parser (gongwen_start, gongwen_gettoken, gongwen_end,
 * gongwen_lextype) hands PostgreSQL the token stream of gw_pg_layout.h,
 * whose top comment explains the positions and why phrase search over them
 * is exact. The dictionary (gongwen_lexize) turns one lexeme token into
 * its lexemes: "众 众创" into 众 and 众创 (one split variant, ANDed in a
 * query), "files|file" into files and file (two variants, ORed). The
 * headline (gongwen_headline) lets the default parser's code choose the
 * fragment, then moves the highlights from the lexeme tokens to the
 * original text next to them.
 *
 * One analyzer serves the backend (a process, one thread): made on first
 * use, kept until the process ends. The database must be UTF-8. */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "tsearch/ts_public.h"
#include "tsearch/ts_type.h"
#include "tsearch/ts_utils.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

#include "gongwen_pg.h"
#include "gw_pg_layout.h"

PG_MODULE_MAGIC;

static gw_analyzer *backend_analyzer;

gw_analyzer *gongwen_pg_analyzer(void)
{
	gw_err err;

	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("gongwen needs a UTF-8 database, not %s",
		                       GetDatabaseEncodingName())));
	if (backend_analyzer)
		return backend_analyzer;
	gw_err_clear(&err);
	if (gw_analyzer_new(&backend_analyzer, &err) != GW_OK)
		ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
		                errmsg("gongwen: cannot create the analyzer: %s", err.msg)));
	return backend_analyzer;
}

/* The parser's state: the text's tokens, copied out of the layout into
 * memory of the current context. */
typedef struct parse_state {
	const char *text;
	char *lex;
	gw_pgtok *tok;
	size_t n, next;
} parse_state;

/* The layout's buffers, reused from text to text (malloc'd: nothing of
 * PostgreSQL runs while they are filled, so no error can leave them). */
static gw_pglayout backend_layout;

PG_FUNCTION_INFO_V1(gongwen_start);
Datum gongwen_start(PG_FUNCTION_ARGS)
{
	const char *text = (const char *)PG_GETARG_POINTER(0);
	int len = PG_GETARG_INT32(1);
	gw_analyzer *an = gongwen_pg_analyzer();
	parse_state *st = palloc0(sizeof(*st));
	gw_err err;

	gw_err_clear(&err);
	if (gw_pg_layout(an, text, (size_t)len, &backend_layout, &err) != GW_OK)
		ereport(ERROR, (errcode(err.rc == GW_ENOMEM ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
		                errmsg("gongwen: cannot analyze %d bytes of text: %s", len, err.msg)));
	st->text = text;
	st->n = backend_layout.n;
	st->tok = palloc(sizeof(gw_pgtok) * (st->n ? st->n : 1));
	if (st->n)
		memcpy(st->tok, backend_layout.tok, sizeof(gw_pgtok) * st->n);
	st->lex = palloc(backend_layout.lex.len ? backend_layout.lex.len : 1);
	if (backend_layout.lex.len)
		memcpy(st->lex, backend_layout.lex.p, backend_layout.lex.len);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(gongwen_gettoken);
Datum gongwen_gettoken(PG_FUNCTION_ARGS)
{
	parse_state *st = (parse_state *)PG_GETARG_POINTER(0);
	char **t = (char **)PG_GETARG_POINTER(1);
	int *tlen = (int *)PG_GETARG_POINTER(2);
	const gw_pgtok *k;

	if (st->next >= st->n)
		PG_RETURN_INT32(0);
	k = &st->tok[st->next++];
	*t = k->from_lex ? st->lex + k->off : (char *)st->text + k->off;
	*tlen = (int)k->len;
	PG_RETURN_INT32(k->type);
}

PG_FUNCTION_INFO_V1(gongwen_end);
Datum gongwen_end(PG_FUNCTION_ARGS)
{
	parse_state *st = (parse_state *)PG_GETARG_POINTER(0);

	pfree(st->tok);
	pfree(st->lex);
	pfree(st);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(gongwen_lextype);
Datum gongwen_lextype(PG_FUNCTION_ARGS)
{
	static const struct { int id; const char *alias, *descr; } types[] = {
		{GW_PGT_WORD, "word", "Original text of a character or word (not indexed)"},
		{GW_PGT_BLANK, "blank", "Original text between characters and words (not indexed)"},
		{GW_PGT_HAN, "han", "A CJK character and its bigram with the next, folded"},
		{GW_PGT_LATIN, "latin", "A word or digit run and its stem, folded"},
	};
	int n = (int)(sizeof(types) / sizeof(types[0]));
	LexDescr *d = palloc(sizeof(LexDescr) * (n + 1));

	for (int i = 0; i < n; i++) {
		d[i].lexid = types[i].id;
		d[i].alias = pstrdup(types[i].alias);
		d[i].descr = pstrdup(types[i].descr);
	}
	d[n].lexid = 0;
	PG_RETURN_POINTER(d);
}

/* The dictionary: the lexemes of one lexeme token, split at the
 * separators of gw_pg_layout.h. Empty pieces are dropped; a token of none
 * is a stop word. */
PG_FUNCTION_INFO_V1(gongwen_lexize);
Datum gongwen_lexize(PG_FUNCTION_ARGS)
{
	const char *in = (const char *)PG_GETARG_POINTER(1);
	int32 len = PG_GETARG_INT32(2);
	TSLexeme *res = palloc0(sizeof(TSLexeme) * (len / 2 + 2));
	int n = 0;
	uint16 variant = 1;
	int32 b = 0;

	for (int32 i = 0; i <= len; i++) {
		if (i < len && in[i] != GW_PG_SEP_AND && in[i] != GW_PG_SEP_OR)
			continue;
		if (i > b) {
			res[n].nvariant = variant;
			res[n].lexeme = pnstrdup(in + b, i - b);
			n++;
		}
		if (i < len && in[i] == GW_PG_SEP_OR)
			variant++;
		b = i + 1;
	}
	PG_RETURN_POINTER(res);
}

/* The headline.
 *
 * The default parser's selector (prsd_headline) picks the fragment and
 * marks every lexeme token that matched some operand of the query. A token
 * stays highlighted only if it is part of a match of a whole part of the
 * query (a phrase, or a single lexeme) at its position: for every part not
 * under NOT, every window of lexeme tokens as long as the part's phrase is
 * tested with TS_execute, as PostgreSQL tests a document; the tokens with
 * operands of the part in a window that matches are kept. A stray 众 or
 * 空间 elsewhere in the fragment of 众创空间 is thus not highlighted. The
 * highlights then move to the original text just before each lexeme token
 * (GW_PGT_WORD), and runs of highlighted words with nothing shown between
 * them become one highlight: <b>眾創空間</b>, not four. */

/* A lexeme token of the headline's words: the first and last index of
 * the entries holding its matched operands (the token and the copies
 * marked repeated after it). The n-th lexeme token is at position n. */
typedef struct hl_lex {
	int word, last;
} hl_lex;

typedef struct hl_window {
	HeadlineParsedText *prs;
	const hl_lex *lex;
	int n;
} hl_window;

/* TS_execute's callback: whether (and at which positions) an operand
 * matched in the window's tokens. Positions are counted from the window's
 * first token (each lexeme token is one position): the headline's own
 * positions stop at 16383, as a tsvector's do, and past that would make a
 * window of the whole rest of the text. */
static TSTernaryValue window_has(void *arg, QueryOperand *val, ExecPhraseData *data)
{
	hl_window *w = arg;

	for (int i = 0; i < w->n; i++) {
		for (int j = w->lex[i].word; j <= w->lex[i].last; j++) {
			if (w->prs->words[j].item != val)
				continue;
			if (!data)
				return TS_YES;
			if (!data->pos) {
				data->pos = palloc(sizeof(WordEntryPos) * w->n);
				data->allocated = true;
			}
			data->pos[data->npos++] = (WordEntryPos)(i + 1);
			break;
		}
	}
	return data && data->npos > 0 ? TS_YES : TS_NO;
}

/* Items in the subtree of the query rooted at r (prefix order: the right
 * operand follows its operator, the left one is item->left further). */
static int subtree_size(const QueryItem *item, int r)
{
	if (item[r].type == QI_VAL)
		return 1;
	if (item[r].qoperator.oper == OP_NOT)
		return 1 + subtree_size(item, r + 1);
	return 1 + subtree_size(item, r + 1) + subtree_size(item, r + (int)item[r].qoperator.left);
}

/* Positions a match of the subtree at r spans. */
static int32 subtree_span(const QueryItem *item, int r)
{
	int32 a, b;

	if (item[r].type == QI_VAL)
		return 1;
	if (item[r].qoperator.oper == OP_NOT)
		return subtree_span(item, r + 1);
	a = subtree_span(item, r + (int)item[r].qoperator.left);
	b = subtree_span(item, r + 1);
	if (item[r].qoperator.oper == OP_PHRASE)
		return a + item[r].qoperator.distance + b - 1;
	return a > b ? a : b;
}

/* Marks in confirmed[] the lexeme tokens that take part in a match of the
 * part rooted at r. */
static void confirm_part(HeadlineParsedText *prs, TSQuery q, int r, const hl_lex *lex, int nlex,
                         bool *confirmed)
{
	QueryItem *item = GETQUERY(q);
	int size = subtree_size(item, r);
	int32 span = subtree_span(item, r);

	for (int s = 0; s < nlex; s++) {
		hl_window w = {prs, &lex[s], 0};
		int has = 0;

		for (int j = lex[s].word; j <= lex[s].last && !has; j++) {
			QueryItem *it = (QueryItem *)prs->words[j].item;
			has = it && it - item >= r && it - item < r + size;
		}
		if (!has)
			continue;
		w.n = nlex - s < span ? nlex - s : (int)span;
		if (!TS_execute(&item[r], &w, TS_EXEC_EMPTY, window_has))
			continue;
		for (int i = s; i < s + w.n; i++)
			for (int j = lex[i].word; j <= lex[i].last; j++) {
				QueryItem *it = (QueryItem *)prs->words[j].item;
				if (it && it - item >= r && it - item < r + size)
					confirmed[i] = true;
			}
	}
}

/* The parts of the query: the subtrees under its ANDs and ORs that are a
 * phrase or a lexeme; those under NOT are not looked for. */
static void confirm_parts(HeadlineParsedText *prs, TSQuery q, int r, const hl_lex *lex, int nlex,
                          bool *confirmed)
{
	QueryItem *item = GETQUERY(q);

	if (item[r].type == QI_OPR && item[r].qoperator.oper == OP_NOT)
		return;
	if (item[r].type == QI_OPR && item[r].qoperator.oper != OP_PHRASE) {
		confirm_parts(prs, q, r + 1, lex, nlex, confirmed);
		confirm_parts(prs, q, r + (int)item[r].qoperator.left, lex, nlex, confirmed);
		return;
	}
	confirm_part(prs, q, r, lex, nlex, confirmed);
}

PG_FUNCTION_INFO_V1(gongwen_headline);
Datum gongwen_headline(PG_FUNCTION_ARGS)
{
	HeadlineParsedText *prs = (HeadlineParsedText *)PG_GETARG_POINTER(0);
	TSQuery q = PG_GETARG_TSQUERY(2);
	HeadlineWordEntry *w;
	hl_lex *lex;
	bool *confirmed;
	int nlex = 0, last_word = -1, li = 0;

	DirectFunctionCall3(prsd_headline, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
	w = prs->words;
	lex = palloc(sizeof(hl_lex) * (prs->curwords + 1));
	for (int j = 0; j < prs->curwords; j++) {
		if (w[j].repeated && nlex > 0 && lex[nlex - 1].last == j - 1)
			lex[nlex - 1].last = j;
		else if (!w[j].repeated && (w[j].type == GW_PGT_HAN || w[j].type == GW_PGT_LATIN)) {
			lex[nlex].word = lex[nlex].last = j;
			nlex++;
		}
	}
	confirmed = palloc0(sizeof(bool) * (nlex + 1));
	if (q->size > 0)
		confirm_parts(prs, q, 0, lex, nlex, confirmed);
	for (int j = 0; j < prs->curwords; j++) {
		HeadlineWordEntry *x = &w[j];

		if (x->repeated)
			continue;
		if (x->type == GW_PGT_WORD) {
			last_word = j;
			continue;
		}
		if (x->type != GW_PGT_HAN && x->type != GW_PGT_LATIN)
			continue;
		if (last_word >= 0 && last_word == j - 1) {
			if (x->in)
				w[last_word].in = 1;
			if (x->selected && confirmed[li] && w[last_word].in)
				w[last_word].selected = 1;
		}
		x->skip = 1;
		x->selected = 0;
		li++;
	}
	/* One highlight for a run of highlighted words: append each to the
	 * first, skip it. */
	for (int j = 0; j < prs->curwords; j++) {
		HeadlineWordEntry *first = &w[j];
		int k;

		if (first->type != GW_PGT_WORD || !first->selected || !first->in || first->repeated)
			continue;
		for (k = j + 1; k < prs->curwords; k++) {
			HeadlineWordEntry *x = &w[k];
			char *joined;

			if (x->repeated || (x->in && x->skip && x->type != GW_PGT_WORD))
				continue;
			if (x->type != GW_PGT_WORD || !x->selected || !x->in ||
			    (size_t)first->len + x->len > 60000)
				break;
			joined = palloc(first->len + x->len);
			memcpy(joined, first->word, first->len);
			memcpy(joined + first->len, x->word, x->len);
			first->word = joined;
			first->len += x->len;
			x->skip = 1;
			x->selected = 0;
		}
		j = k - 1;
	}
	PG_RETURN_POINTER(prs);
}

/* gongwen_fold(text): the text as the analyzer folds it (NFKC, case,
 * Traditional -> Simplified), for tests and for comparing by hand. */
PG_FUNCTION_INFO_V1(gongwen_fold);
Datum gongwen_fold(PG_FUNCTION_ARGS)
{
	text *in = PG_GETARG_TEXT_PP(0);
	gw_analyzer *an = gongwen_pg_analyzer();
	gw_buf out = {0};
	gw_err err;
	text *res;

	gw_err_clear(&err);
	if (gw_analyzer_fold(an, VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), &out, &err) != GW_OK ||
	    !gw_buf_ok(&out)) {
		gw_buf_free(&out);
		ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
		                errmsg("gongwen_fold: %s", err.msg[0] ? err.msg : "out of memory")));
	}
	res = cstring_to_text_with_len((const char *)out.p, (int)out.len);
	gw_buf_free(&out);
	PG_RETURN_TEXT_P(res);
}

/* gongwen_chunks(text, size, overlap): the text in pieces of at most size
 * characters, each starting overlap characters before the previous one
 * ended, so that every substring of up to overlap + 1 characters lies
 * whole in some piece.
 *
 * Why: a tsvector keeps positions up to 16383 and at most 256 positions a
 * lexeme; past them phrase search misses. A long document indexed as
 * pieces of a few thousand characters keeps every position (unless one
 * lexeme fills 256 of one piece's positions), and a phrase of up to
 * overlap + 1 characters is found in the piece that holds it. */
#define GW_CHUNK_SIZE_MAX 8000
PG_FUNCTION_INFO_V1(gongwen_chunks);
Datum gongwen_chunks(PG_FUNCTION_ARGS)
{
	text *in = PG_GETARG_TEXT_PP(0);
	int32 size = PG_GETARG_INT32(1), overlap = PG_GETARG_INT32(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	const char *s = VARDATA_ANY(in);
	int len = VARSIZE_ANY_EXHDR(in), nchars = 0, n = 0;
	int *start;

	if (size < 1 || size > GW_CHUNK_SIZE_MAX || overlap < 0 || overlap >= size)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("gongwen_chunks: size must be 1..%d and overlap 0..size-1, not %d and %d",
		                       GW_CHUNK_SIZE_MAX, size, overlap)));
	InitMaterializedSRF(fcinfo, 0);
	/* Byte offset of every character, and of the end. */
	start = palloc(sizeof(int) * ((size_t)len + 1));
	for (int i = 0; i < len; i += pg_mblen(s + i))
		start[nchars++] = i;
	start[nchars] = len;
	for (int c = 0; c < nchars; c += size - overlap) {
		int e = c + size < nchars ? c + size : nchars;
		Datum values[2];
		bool nulls[2] = {false, false};

		values[0] = Int32GetDatum(++n);
		values[1] = PointerGetDatum(cstring_to_text_with_len(s + start[c], start[e] - start[c]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (e == nchars)
			break;
	}
	pfree(start);
	return (Datum)0;
}
