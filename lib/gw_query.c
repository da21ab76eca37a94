/* gw_query: query parsing (grammar in gw_query.h). */
#include "gw_query.h"

#include <stdlib.h>
#include <string.h>

#include "gw_buf.h"
#include "gw_store.h"

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
	qpos *pos;
	size_t npos, cap;
	size_t word_off, word_len;
	uint32_t word_pos;
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

	if (t->kind == GW_T_WORD) {
		if (t->pos == 0 && !b->word_len) {
			b->word_off = add_term(b, t->term, t->len);
			b->word_len = t->len;
			b->word_pos = t->pos;
		}
		return 0;
	}
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

/* Turns the analyzed positions of one part into phrase elements. */
static void make_elems(builder *b, int quoted)
{
	for (size_t p = 0; p < b->npos; p++) {
		const qpos *q = &b->pos[p];
		if (q->kind == GW_T_CHAR) {
			if (q->bi_len)
				add_elem(b, (uint32_t)p, GW_T_BIGRAM, q->bi_off, q->bi_len, 0);
			else if (!(p > 0 && b->pos[p - 1].bi_len))
				add_elem(b, (uint32_t)p, GW_T_CHAR, q->tok_off, q->tok_len, 0);
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

static gw_rc add_part(builder *b, gw_analyzer *an, const char *text, size_t off, size_t len, int quoted,
                      unsigned fid, gw_err *err)
{
	gw_qpart part;
	size_t before = b->el.len / sizeof(gw_qelem);

	b->npos = 0;
	b->word_len = 0;
	if (b->pos)
		memset(b->pos, 0, b->cap * sizeof *b->pos);
	if (gw_analyze(an, text + off, len, 0, GW_AN_ALL, on_token, b, NULL, err))
		return err->rc;
	if (b->oom)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	make_elems(b, quoted);
	memset(&part, 0, sizeof part);
	part.first = before;
	part.n = b->el.len / sizeof(gw_qelem) - before;
	part.span = (uint32_t)b->npos;
	part.quoted = quoted;
	part.fid = fid;
	part.text_off = off;
	part.text_len = len;
	/* The word bonus applies when ICU reads the whole part as one word. */
	if (b->word_len && b->npos >= 2) {
		size_t chars = 0;
		for (size_t i = 0; i < b->word_len; i++)
			chars += (((unsigned char *)b->terms.p)[b->word_off + i] & 0xC0) != 0x80;
		if (chars == b->npos) {
			part.has_word = 1;
			part.word.kind = GW_T_WORD;
			part.word.off = b->word_off;
			part.word.len = b->word_len;
		}
	}
	if (part.n)
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
    {"发文机关", "issuer"},   {"发文单位", "issuer"}, {"落款", "issuer"},      {"signer", "issuer"},
    {"主送", "addressees"},   {"主送机关", "addressees"}, {"正文", "body"},    {"附件", "attachments"},
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

/* If the part starting at text[i] is `name:`, with name a field of ft,
 * returns its fid and sets *vstart to the value's offset. */
static unsigned field_prefix(gw_analyzer *an, const gw_fieldtab *ft, const char *text, size_t len,
                             size_t i, size_t *name_end, size_t *vstart)
{
	for (size_t j = i; j < len && !space_at(text, len, j) && text[j] != '"'; j++) {
		size_t c = colon_at(text, len, j);
		if (c) {
			unsigned fid = j > i ? gw_field_lookup(an, ft, text + i, j - i) : 0;
			*name_end = j;
			*vstart = j + c;
			return fid;
		}
	}
	return 0;
}

gw_rc gw_query_parse(gw_analyzer *an, const gw_fieldtab *ft, const char *text, size_t len,
                     gw_query **out, gw_err *err)
{
	builder b;
	gw_query *q;
	size_t i = 0;
	gw_rc rc = GW_OK;

	*out = NULL;
	memset(&b, 0, sizeof b);
	while (i < len && rc == GW_OK) {
		size_t sp = space_at(text, len, i), j, v = 0, ne = 0;
		unsigned fid;
		if (sp) {
			i += sp;
			continue;
		}
		fid = field_prefix(an, ft, text, len, i, &ne, &v);
		if (fid) {
			if (v >= len || space_at(text, len, v)) {
				rc = gw_err_set(err, GW_EINVAL, 0, "empty value for field '%.*s' at column %zu",
				                (int)(ne - i), text + i, column(text, i));
				break;
			}
			i = v;
		}
		if (text[i] == '"') {
			const char *close = memchr(text + i + 1, '"', len - i - 1);
			j = close ? (size_t)(close - text) : len; /* lenient: quote to the end */
			rc = add_part(&b, an, text, i + 1, j - i - 1, 1, fid, err);
			i = close ? j + 1 : len;
			continue;
		}
		for (j = i; j < len && !space_at(text, len, j) && text[j] != '"'; j++)
			;
		rc = add_part(&b, an, text, i, j - i, 0, fid, err);
		i = j;
	}
	if (rc == GW_OK && !b.parts.len)
		rc = gw_err_set(err, GW_EINVAL, 0, "query has nothing to search for (only punctuation or spaces)");
	if (rc == GW_OK && (!gw_buf_ok(&b.terms) || !gw_buf_ok(&b.el) || !gw_buf_ok(&b.parts)))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	q = rc == GW_OK ? calloc(1, sizeof *q) : NULL;
	if (rc == GW_OK && !q)
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK) {
		q->parts = (gw_qpart *)b.parts.p;
		q->nparts = b.parts.len / sizeof(gw_qpart);
		q->el = (gw_qelem *)b.el.p;
		q->nel = b.el.len / sizeof(gw_qelem);
		q->terms = (char *)b.terms.p;
		q->terms_len = b.terms.len;
		*out = q;
	} else {
		gw_buf_free(&b.terms);
		gw_buf_free(&b.el);
		gw_buf_free(&b.parts);
	}
	free(b.pos);
	return rc;
}

void gw_query_free(gw_query *q)
{
	if (!q)
		return;
	free(q->parts);
	free(q->el);
	free(q->terms);
	free(q);
}
