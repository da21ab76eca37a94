/* gw_query: query parsing (grammar in gw_query.h). */
#include "search/gw_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "store/gw_store.h"

/* What the analyzer said about one position of a part. */
typedef struct qpos {
	int kind;             /* GW_T_CHAR or GW_T_TERM, 0 if unused */
	size_t tok_off, tok_len;
	size_t bi_off, bi_len; /* bigram starting here, len 0 if none */
	size_t st_off, st_len; /* stem, len 0 if none */
} qpos;

typedef struct builder {
	gw_buf terms;
	gw_buf el;     /* gw_qelem array */
	gw_buf parts;  /* gw_qpart array */
	gw_buf nodes;  /* gw_qnode array */
	gw_buf kids;   /* size_t array */
	gw_buf stack;  /* size_t: the children of the rules being parsed, so
	                * that no rule holds an array of its own (one buffer,
	                * reused by every rule; each pops what it pushed) */
	/* parse state */
	gw_analyzer *an;
	const gw_fieldtab *ft;
	const char *text;
	size_t len, at;  /* query text and the lexer's position */
	int depth;       /* open groups */
	int level;       /* nesting: groups, NOTs and field scopes being parsed */
	size_t trad, simp; /* script counts over the parts */
	gw_err *err;
	qpos *pos;
	size_t npos, cap;
	int oom;
} builder;

static size_t add_term(builder *b, const char *s, size_t n)
{
	size_t off = b->terms.len;

	gw_buf_append(&b->terms, s, n);
	gw_buf_putc(&b->terms, 0);
	return off;
}

static int on_token(void *ctx, const gw_token *t)
{
	builder *b = ctx;
	qpos *p;

	if (t->pos >= b->cap) {
		size_t cap = (t->pos + 1) * 2;
		qpos *np = realloc(b->pos, cap * sizeof *np);
		if (!np) {
			b->oom = 1;
			return 1;
		}
		memset(np + b->cap, 0, (cap - b->cap) * sizeof *np);
		b->pos = np;
		b->cap = cap;
	}
	if (t->pos + 1 > b->npos)
		b->npos = t->pos + 1;
	p = &b->pos[t->pos];
	if (t->kind == GW_T_BIGRAM) {
		p->bi_off = add_term(b, t->term, t->len);
		p->bi_len = t->len;
	} else if (t->kind == GW_T_STEM) {
		p->st_off = add_term(b, t->term, t->len);
		p->st_len = t->len;
	} else {
		p->kind = t->kind;
		p->tok_off = add_term(b, t->term, t->len);
		p->tok_len = t->len;
	}
	return 0;
}

static int is_az(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return n > 0;
}

static void add_elem(builder *b, uint32_t off, int kind, size_t toff, size_t tlen, int kind2)
{
	gw_qelem e;

	memset(&e, 0, sizeof e);
	e.off = off;
	e.alt[0].kind = kind;
	e.alt[0].off = toff;
	e.alt[0].len = tlen;
	e.nalt = 1;
	if (kind2) {
		e.alt[1] = e.alt[0];
		e.alt[1].kind = kind2;
		e.nalt = 2;
	}
	gw_buf_append(&b->el, &e, sizeof e);
}

/* The bigram of the characters at positions a and a + 1 (both GW_T_CHAR)
 * as an alternative of e, back positions before it. */
static void add_bigram_alt(builder *b, gw_qelem *e, size_t a, uint32_t back)
{
	const qpos *x = &b->pos[a], *y = &b->pos[a + 1];
	char both[32];

	if (x->tok_len + y->tok_len > sizeof both)
		return;
	memcpy(both, b->terms.p + x->tok_off, x->tok_len);
	memcpy(both + x->tok_len, b->terms.p + y->tok_off, y->tok_len);
	e->alt[e->nalt].kind = GW_T_BIGRAM;
	e->alt[e->nalt].off = add_term(b, both, x->tok_len + y->tok_len);
	e->alt[e->nalt].len = x->tok_len + y->tok_len;
	e->alt[e->nalt].back = back;
	e->nalt++;
}

/* A character alone between other tokens of the phrase: its own list
 * keeps its position only where it ends a run of touching Han characters
 * (gw_char_position_kept). Next to another character of the phrase that
 * it does not touch (江 苏, one position apart across the space), the
 * document may have the two touching, inside a longer run (江苏省): the
 * bigram they make, at the left one's position, finds those. */
static void add_char_elem(builder *b, size_t p)
{
	gw_qelem e;

	memset(&e, 0, sizeof e);
	e.off = (uint32_t)p;
	e.alt[0].kind = GW_T_CHAR;
	e.alt[0].off = b->pos[p].tok_off;
	e.alt[0].len = b->pos[p].tok_len;
	e.nalt = 1;
	if (p > 0 && b->pos[p - 1].kind == GW_T_CHAR && b->terms.p)
		add_bigram_alt(b, &e, p - 1, 1);
	if (p + 1 < b->npos && b->pos[p + 1].kind == GW_T_CHAR && b->terms.p)
		add_bigram_alt(b, &e, p, 0);
	gw_buf_append(&b->el, &e, sizeof e);
}

/* Turns the analyzed positions of one part into phrase elements. */
static void make_elems(builder *b, int quoted)
{
	for (size_t p = 0; p < b->npos; p++) {
		const qpos *q = &b->pos[p];
		if (q->kind == GW_T_CHAR) {
			if (q->bi_len)
				add_elem(b, (uint32_t)p, GW_T_BIGRAM, q->bi_off, q->bi_len, 0);
			else if (!(p > 0 && b->pos[p - 1].bi_len))
				add_char_elem(b, p);
		} else if (q->kind == GW_T_TERM) {
			const char *t = b->terms.p ? (const char *)b->terms.p + q->tok_off : "";
			if (quoted || !is_az(t, q->tok_len))
				add_elem(b, (uint32_t)p, GW_T_TERM, q->tok_off, q->tok_len, 0);
			else if (q->st_len)
				add_elem(b, (uint32_t)p, GW_T_TERM, q->st_off, q->st_len, GW_T_STEM);
			else
				add_elem(b, (uint32_t)p, GW_T_TERM, q->tok_off, q->tok_len, GW_T_STEM);
		}
	}
}

/* Analyzes text[off..off+len) into a new part; *pi gets its index, or
 * SIZE_MAX if it has nothing to search for (only punctuation). */
/* 1 if the analyzed part is one run of CJK characters that all touch. */
static int cjk_run(const builder *b)
{
	for (size_t p = 0; p < b->npos; p++)
		if (b->pos[p].kind != GW_T_CHAR || (p + 1 < b->npos && !b->pos[p].bi_len))
			return 0;
	return 1;
}

static gw_rc add_part(builder *b, size_t off, size_t len, int quoted, int prefix, unsigned fid,
                      size_t *pi)
{
	gw_qpart part;
	size_t before = b->el.len / sizeof(gw_qelem);

	*pi = SIZE_MAX;
	b->npos = 0;
	if (b->pos)
		memset(b->pos, 0, b->cap * sizeof *b->pos);
	/* No ICU words for queries: see the word bonus below. */
	if (gw_analyze(b->an, b->text + off, len, 0, GW_AN_BIGRAMS | GW_AN_STEMS, on_token, b, NULL, b->err))
		return b->err->rc;
	if (b->oom)
		return gw_err_set(b->err, GW_ENOMEM, 0, "out of memory");
	gw_analyzer_script(b->an, &b->trad, &b->simp);
	if (prefix && b->npos == 1 && b->pos[0].kind == GW_T_TERM) {
		add_elem(b, 0, GW_T_TERM, b->pos[0].tok_off, b->pos[0].tok_len, 0);
		if (!gw_buf_ok(&b->el))
			return gw_err_set(b->err, GW_ENOMEM, 0, "out of memory");
		((gw_qelem *)b->el.p)[before].alt[0].prefix = 1;
	} else {
		make_elems(b, quoted);
	}
	memset(&part, 0, sizeof part);
	part.first = before;
	part.n = b->el.len / sizeof(gw_qelem) - before;
	part.span = (uint32_t)b->npos;
	part.quoted = quoted;
	part.fid = fid;
	part.text_off = off;
	part.text_len = len;
	/* The word bonus: a part that is one run of touching CJK characters
	 * looks up the word term of the same text. Documents have it where ICU
	 * read the run as a word in their own context, which is what counts
	 * (and a search process then needs no word breaker of its own). */
	if (b->npos >= 2 && cjk_run(b)) {
		size_t w = b->terms.len, wlen = 0;
		for (size_t p = 0; p < b->npos; p++)
			wlen += b->pos[p].tok_len;
		/* Room first: the characters are copied from this same buffer. */
		if (gw_buf_reserve(&b->terms, wlen + 1))
			return gw_err_set(b->err, GW_ENOMEM, 0, "out of memory");
		for (size_t p = 0; p < b->npos; p++)
			gw_buf_append(&b->terms, b->terms.p + b->pos[p].tok_off, b->pos[p].tok_len);
		gw_buf_putc(&b->terms, 0);
		if (wlen <= GW_TERM_MAX) {
			part.has_word = 1;
			part.word.kind = GW_T_WORD;
			part.word.off = w;
			part.word.len = wlen;
		}
	}
	/* The same bonus for one Latin word matched through its stem (files
	 * finds file and filing): documents with the word as typed have its
	 * term, and rank above those with only another form of it. */
	if (!quoted && !prefix && b->npos == 1 && b->pos[0].kind == GW_T_TERM && b->terms.p &&
	    is_az((const char *)b->terms.p + b->pos[0].tok_off, b->pos[0].tok_len)) {
		part.has_word = 1;
		part.word.kind = GW_T_TERM;
		part.word.off = b->pos[0].tok_off;
		part.word.len = b->pos[0].tok_len;
	}
	if (!part.n)
		return GW_OK;
	*pi = b->parts.len / sizeof(gw_qpart);
	gw_buf_append(&b->parts, &part, sizeof part);
	return GW_OK;
}

/* Length of the white space at s[i] (ASCII or U+3000), 0 if none. */
static size_t space_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
		return 1;
	if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80)
		return 3;
	return 0;
}

static const char *const aliases[][2] = {
    {"标题", "title"},        {"题目", "title"},      {"文号", "number"},      {"发文字号", "number"},
    {"字号", "number"},       {"日期", "date"},       {"成文日期", "date"},    {"发文日期", "date"},
    {"发文机关", "issuer"},   {"发文单位", "issuer"}, {"落款", "issuer"},
    {"主送", "addressees"},   {"主送机关", "addressees"}, {"正文", "body"},    {"附件", "attachments"},
    {"受文者", "addressees"}, {"正本", "addressees"},
    /* the parts of a 公文's header, sections and 版记 (gw_notice.h) */
    {"文种", "kind"},         {"主旨", "subject"},    {"说明", "explanation"}, {"办法", "actions"},
    {"依据", "basis"},        {"公告事项", "items"},  {"签发人", "signer"},    {"署名", "signer"},
    {"紧急程度", "urgency"},  {"速别", "urgency"},    {"密级", "secrecy"},     {"密等", "secrecy"},
    {"份号", "copy"},         {"抄送", "cc"},         {"副本", "cc"},          {"印发机关", "printer"},
    {"印发日期", "printed"},
    {"type", "_type"},        {"notice", "_notice"},
};

unsigned gw_field_lookup(gw_analyzer *an, const gw_fieldtab *ft, const char *name, size_t len)
{
	gw_buf f = GW_BUF_INIT;
	gw_err err;
	unsigned fid = 0;

	gw_err_clear(&err);
	if (!ft || gw_analyzer_fold(an, name, len, &f, &err))
		goto done;
	fid = gw_field_find(ft, (const char *)f.p, f.len);
	for (size_t i = 0; !fid && i < sizeof aliases / sizeof aliases[0]; i++)
		if (strlen(aliases[i][0]) == f.len && memcmp(aliases[i][0], f.p, f.len) == 0)
			fid = gw_field_find(ft, aliases[i][1], strlen(aliases[i][1]));
done:
	gw_buf_free(&f);
	return fid;
}

/* 1-based column, in code points, of byte offset off. */
static size_t column(const char *text, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)text[i] & 0xC0) != 0x80;
	return col;
}

/* Length of a field-name colon at text[i] (':' or U+FF1A), 0 if none. */
static size_t colon_at(const char *text, size_t len, size_t i)
{
	if (text[i] == ':')
		return 1;
	if (i + 2 < len && (unsigned char)text[i] == 0xEF && (unsigned char)text[i + 1] == 0xBC &&
	    (unsigned char)text[i + 2] == 0x9A)
		return 3;
	return 0;
}

/* ---- lexer ---- */

enum { T_END, T_LP, T_RP, T_OR, T_AND, T_NOT, T_NEAR, T_MINUS, T_FIELD, T_TEXT };

typedef struct token {
	int kind;
	size_t off, len;   /* T_TEXT: the text (without quotes); T_FIELD: the name */
	int quoted, prefix;
	unsigned fid;      /* T_FIELD */
	uint32_t near;     /* T_NEAR */
} token;

static int word_char(const builder *b, size_t i)
{
	return i < b->len && !space_at(b->text, b->len, i) && b->text[i] != '"';
}

static gw_rc syntax(builder *b, size_t off, const char *what)
{
	return gw_err_set(b->err, GW_EINVAL, 0, "bad query: %s at column %zu", what, column(b->text, off));
}

/* Reads the operator word at [i, j) if it is one. */
static int op_word(builder *b, size_t i, size_t j, token *t)
{
	const char *w = b->text + i;
	size_t n = j - i;

	if (n == 2 && memcmp(w, "OR", 2) == 0)
		t->kind = T_OR;
	else if (n == 3 && memcmp(w, "AND", 3) == 0)
		t->kind = T_AND;
	else if (n == 3 && memcmp(w, "NOT", 3) == 0)
		t->kind = T_NOT;
	else if (n >= 4 && memcmp(w, "NEAR", 4) == 0 && (n == 4 || w[4] == '/')) {
		unsigned long v = 10;
		if (n > 5) {
			char *end;
			char num[16];
			if (n - 5 >= sizeof num)
				return 0;
			memcpy(num, w + 5, n - 5);
			num[n - 5] = 0;
			v = strtoul(num, &end, 10);
			if (*end || num[0] == '-' || v > 100000)
				return 0;
		} else if (n == 5) {
			return 0;
		}
		t->kind = T_NEAR;
		t->near = (uint32_t)v;
	} else {
		return 0;
	}
	return 1;
}

/* The next token at b->at (advancing past it). */
static gw_rc next_token(builder *b, token *t)
{
	size_t i = b->at, j;

	memset(t, 0, sizeof *t);
	while (i < b->len && space_at(b->text, b->len, i))
		i += space_at(b->text, b->len, i);
	t->off = i;
	if (i >= b->len) {
		b->at = i;
		t->kind = T_END;
		return GW_OK;
	}
	if (b->text[i] == '(' || (b->text[i] == ')' && b->depth > 0)) {
		t->kind = b->text[i] == '(' ? T_LP : T_RP;
		b->at = i + 1;
		return GW_OK;
	}
	if (b->text[i] == '"') {
		const char *close = memchr(b->text + i + 1, '"', b->len - i - 1);
		j = close ? (size_t)(close - b->text) : b->len; /* lenient: quote to the end */
		t->kind = T_TEXT;
		t->off = i + 1;
		t->len = j - i - 1;
		t->quoted = 1;
		b->at = close ? j + 1 : b->len;
		return GW_OK;
	}
	if (b->text[i] == '-' && word_char(b, i + 1) && b->text[i + 1] != '-') {
		t->kind = T_MINUS;
		b->at = i + 1;
		return GW_OK;
	}
	for (j = i; word_char(b, j); j++) {
		size_t c = colon_at(b->text, b->len, j);
		if (c && j > i) {
			unsigned fid = gw_field_lookup(b->an, b->ft, b->text + i, j - i);
			if (fid) {
				t->kind = T_FIELD;
				t->len = j - i;
				t->fid = fid;
				b->at = j + c;
				return GW_OK;
			}
		}
	}
	/* A word; ")" at its end closes an open group. */
	while (j > i && b->text[j - 1] == ')' && b->depth > 0 && j - 1 > i)
		j--;
	b->at = j;
	if (op_word(b, i, j, t))
		return GW_OK;
	if (j - i > 5 && memcmp(b->text + i, "NEAR/", 5) == 0)
		return syntax(b, i, "NEAR/n needs a number of positions (NEAR/5)");
	t->kind = T_TEXT;
	t->len = j - i;
	if (j - i > 1 && b->text[j - 1] == '*') {
		t->prefix = 1;
		t->len--;
	}
	return GW_OK;
}

static gw_rc peek(builder *b, token *t)
{
	size_t at = b->at;
	gw_rc rc = next_token(b, t);

	b->at = at;
	return rc;
}

/* ---- parser: each rule returns a node index, or SIZE_MAX for "nothing"
 * (a part of only punctuation) ---- */

static size_t add_node(builder *b, int kind, size_t part, const size_t *kids, size_t n, uint32_t near)
{
	gw_qnode node = {kind, part, b->kids.len / sizeof(size_t), n, near};

	gw_buf_append(&b->kids, kids, n * sizeof *kids);
	gw_buf_append(&b->nodes, &node, sizeof node);
	return b->nodes.len / sizeof(gw_qnode) - 1;
}

/* Where a rule's children start on b->stack. */
static size_t stack_top(const builder *b)
{
	return b->stack.len / sizeof(size_t);
}

static void push_kid(builder *b, size_t k)
{
	gw_buf_append(&b->stack, &k, sizeof k);
}

/* The node of kind over the children pushed since base (the child itself
 * if there is one, SIZE_MAX if none), which it pops. Out of memory, the
 * stack is not to be read: SIZE_MAX, and gw_query_parse reports it. */
static size_t reduce(builder *b, size_t base, int kind, uint32_t near)
{
	size_t n = stack_top(b) - base, out = SIZE_MAX;

	if (gw_buf_ok(&b->stack) && n > 0) {
		const size_t *kids = (const size_t *)b->stack.p + base;
		out = n > 1 ? add_node(b, kind, 0, kids, n, near) : kids[0];
	}
	b->stack.len = base * sizeof(size_t);
	return out;
}

/* One more level of nesting (a group, a NOT, a field scope) at off:
 * refused past GW_QUERY_DEPTH_MAX, since each level recurses. The caller
 * leaves it with b->level--. */
static gw_rc enter(builder *b, size_t off)
{
	if (++b->level <= GW_QUERY_DEPTH_MAX)
		return GW_OK;
	return gw_err_set(b->err, GW_EINVAL, 0,
	                  "query nests more than %d levels deep at column %zu; the limit is %d "
	                  "(GW_QUERY_DEPTH_MAX)",
	                  GW_QUERY_DEPTH_MAX, column(b->text, off), GW_QUERY_DEPTH_MAX);
}

static gw_rc parse_or(builder *b, unsigned fid, size_t *out);

static int is_operand_start(int kind)
{
	return kind == T_LP || kind == T_FIELD || kind == T_TEXT || kind == T_NOT || kind == T_MINUS;
}

static gw_rc parse_atom(builder *b, unsigned fid, size_t *out);

/* "(" or ")" after its "(" (at off), one level down. */
static gw_rc parse_group(builder *b, unsigned fid, size_t off, size_t *out)
{
	token close;

	b->depth++;
	if (peek(b, &close) || (close.kind == T_RP && (b->depth--, 1)))
		return b->err->rc ? b->err->rc : syntax(b, off, "empty group '()'");
	if (enter(b, off) || parse_or(b, fid, out) || next_token(b, &close))
		return b->err->rc;
	b->level--;
	b->depth--;
	if (close.kind != T_RP)
		return syntax(b, off, "missing ')' for the '(' opened");
	return GW_OK;
}

static gw_rc parse_atom(builder *b, unsigned fid, size_t *out)
{
	token t;
	size_t part;

	*out = SIZE_MAX;
	if (next_token(b, &t))
		return b->err->rc;
	switch (t.kind) {
	case T_LP:
		return parse_group(b, fid, t.off, out);
	case T_FIELD: {
		token v;
		if (peek(b, &v))
			return b->err->rc;
		if (b->at >= b->len || space_at(b->text, b->len, b->at) || (v.kind != T_LP && v.kind != T_TEXT))
			return gw_err_set(b->err, GW_EINVAL, 0, "bad query: empty value for field '%.*s' at column %zu",
			                  (int)t.len, b->text + t.off, column(b->text, t.off));
		if (enter(b, t.off) || parse_atom(b, t.fid, out))
			return b->err->rc;
		b->level--;
		return GW_OK;
	}
	case T_TEXT:
		if (add_part(b, t.off, t.len, t.quoted, t.prefix, fid, &part))
			return b->err->rc;
		if (part != SIZE_MAX)
			*out = add_node(b, GW_QN_PART, part, NULL, 0, 0);
		return GW_OK;
	case T_END:
		return syntax(b, t.off, "a query part is missing");
	default:
		return syntax(b, t.off, "an operator needs a query part on both sides");
	}
}

static gw_rc parse_near(builder *b, unsigned fid, size_t *out)
{
	size_t base = stack_top(b), k;
	uint32_t dist = 0;
	token t;

	if (parse_atom(b, fid, &k))
		return b->err->rc;
	if (k != SIZE_MAX)
		push_kid(b, k);
	while (peek(b, &t) == GW_OK && t.kind == T_NEAR) {
		next_token(b, &t);
		dist = t.near;
		if (parse_atom(b, fid, &k))
			return b->err->rc;
		if (k == SIZE_MAX || stack_top(b) == base)
			return syntax(b, t.off, "NEAR needs a word or phrase on both sides");
		push_kid(b, k);
	}
	if (b->err->rc)
		return b->err->rc;
	*out = reduce(b, base, GW_QN_NEAR, dist);
	return GW_OK;
}

static gw_rc parse_unary(builder *b, unsigned fid, size_t *out)
{
	token t;
	size_t k = SIZE_MAX;

	if (peek(b, &t))
		return b->err->rc;
	if (t.kind != T_NOT && t.kind != T_MINUS)
		return parse_near(b, fid, out);
	next_token(b, &t);
	if (enter(b, t.off))
		return b->err->rc;
	if (peek(b, &t) == GW_OK && !is_operand_start(t.kind))
		return syntax(b, t.off, "NOT or '-' needs a query part after it");
	if (parse_unary(b, fid, &k))
		return b->err->rc;
	b->level--;
	*out = k == SIZE_MAX ? SIZE_MAX : add_node(b, GW_QN_NOT, 0, &k, 1, 0);
	return GW_OK;
}

static gw_rc parse_and(builder *b, unsigned fid, size_t *out)
{
	size_t base = stack_top(b), k = SIZE_MAX;
	token t;

	for (;;) {
		if (parse_unary(b, fid, &k))
			return b->err->rc;
		if (k != SIZE_MAX)
			push_kid(b, k);
		if (peek(b, &t))
			return b->err->rc;
		if (t.kind == T_AND) {
			next_token(b, &t);
			if (peek(b, &t) == GW_OK && !is_operand_start(t.kind))
				return syntax(b, t.off, "AND needs a query part on both sides");
			continue;
		}
		if (!is_operand_start(t.kind))
			break;
	}
	*out = reduce(b, base, GW_QN_AND, 0);
	return GW_OK;
}

static gw_rc parse_or(builder *b, unsigned fid, size_t *out)
{
	size_t base = stack_top(b), k = SIZE_MAX;
	token t;

	if (peek(b, &t))
		return b->err->rc;
	if (t.kind == T_OR || t.kind == T_AND || t.kind == T_NEAR)
		return syntax(b, t.off, "an operator needs a query part on both sides");
	for (;;) {
		if (parse_and(b, fid, &k))
			return b->err->rc;
		if (k != SIZE_MAX)
			push_kid(b, k);
		if (peek(b, &t))
			return b->err->rc;
		if (t.kind != T_OR)
			break;
		next_token(b, &t);
		if (peek(b, &t) == GW_OK && !is_operand_start(t.kind))
			return syntax(b, t.off, "OR needs a query part on both sides");
	}
	*out = reduce(b, base, GW_QN_OR, 0);
	return GW_OK;
}

/* 1 if node i can match on its own (is not only exclusions). Marks the parts
 * under NOT as negated. */
static int positive(gw_query *q, size_t i, int negated)
{
	gw_qnode *nd = &q->nodes[i];
	int any = 0, all = 1;

	if (nd->kind == GW_QN_PART) {
		q->parts[nd->part].negated = negated;
		return !negated;
	}
	for (size_t k = 0; k < nd->n; k++) {
		int p = positive(q, q->kids[nd->first + k], negated || nd->kind == GW_QN_NOT);
		any |= p;
		all &= p;
	}
	if (nd->kind == GW_QN_NOT)
		return 0;
	return nd->kind == GW_QN_OR ? all : any;
}

static gw_query *finish(builder *b, size_t root)
{
	gw_query *q = calloc(1, sizeof *q);

	if (!q)
		return NULL;
	q->parts = (gw_qpart *)b->parts.p;
	q->nparts = b->parts.len / sizeof(gw_qpart);
	q->el = (gw_qelem *)b->el.p;
	q->nel = b->el.len / sizeof(gw_qelem);
	q->terms = (char *)b->terms.p;
	q->terms_len = b->terms.len;
	q->nodes = (gw_qnode *)b->nodes.p;
	q->nnodes = b->nodes.len / sizeof(gw_qnode);
	q->kids = (size_t *)b->kids.p;
	q->nkids = b->kids.len / sizeof(size_t);
	q->root = root;
	q->script = gw_script_of(b->trad, b->simp);
	for (size_t i = 0; i < q->nnodes; i++)
		q->anchors |= q->nodes[i].kind == GW_QN_NEAR;
	return q;
}

gw_rc gw_query_parse(gw_analyzer *an, const gw_fieldtab *ft, const char *text, size_t len,
                     gw_query **out, gw_err *err)
{
	builder b;
	size_t root = SIZE_MAX;
	token t;
	gw_rc rc;

	*out = NULL;
	if (len > GW_QUERY_BYTES_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "query has %zu bytes; the limit is %d (GW_QUERY_BYTES_MAX)", len,
		                  GW_QUERY_BYTES_MAX);
	memset(&b, 0, sizeof b);
	b.an = an;
	b.ft = ft;
	b.text = text;
	b.len = len;
	b.err = err;
	rc = parse_or(&b, 0, &root);
	if (rc == GW_OK && (rc = next_token(&b, &t)) == GW_OK && t.kind != T_END)
		rc = syntax(&b, t.off, t.kind == T_RP ? "')' without '('" : "unexpected operator");
	if (rc == GW_OK && !gw_buf_ok(&b.stack))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	/* Parsed to the end, to tell how many: the bytes bound the work. */
	if (rc == GW_OK && b.parts.len / sizeof(gw_qpart) > GW_QUERY_PARTS_MAX)
		rc = gw_err_set(err, GW_EINVAL, 0, "query has %zu parts; the limit is %d (GW_QUERY_PARTS_MAX)",
		                b.parts.len / sizeof(gw_qpart), GW_QUERY_PARTS_MAX);
	if (rc == GW_OK && root == SIZE_MAX)
		rc = gw_err_set(err, GW_EINVAL, 0, "query has nothing to search for (only punctuation or spaces)");
	if (rc == GW_OK && (!gw_buf_ok(&b.terms) || !gw_buf_ok(&b.el) || !gw_buf_ok(&b.parts) ||
	                    !gw_buf_ok(&b.nodes) || !gw_buf_ok(&b.kids) || !(*out = finish(&b, root))))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	gw_buf_free(&b.stack);
	if (rc == GW_OK && !positive(*out, root, 0)) {
		gw_query_free(*out);
		*out = NULL;
		free(b.pos);
		return gw_err_set(err, GW_EINVAL, 0, "bad query: nothing to find, only exclusions (NOT/-) at column 1");
	}
	if (rc != GW_OK) {
		gw_buf_free(&b.terms);
		gw_buf_free(&b.el);
		gw_buf_free(&b.parts);
	}
	if (rc != GW_OK || !*out) {
		gw_buf_free(&b.nodes);
		gw_buf_free(&b.kids);
	}
	free(b.pos);
	return rc;
}

void gw_query_free(gw_query *q)
{
	if (!q)
		return;
	free(q->nodes);
	free(q->kids);
	free(q->parts);
	free(q->el);
	free(q->terms);
	free(q);
}
