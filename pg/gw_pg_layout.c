/* gw_pg_layout: the token stream of the PostgreSQL parser (see the header
 * for the layout and why). */
#include "gw_pg_layout.h"

#include <stdlib.h>
#include <string.h>

/* One gongwen position: its original bytes and its terms in the scratch
 * buffer (the main term, then an optional bigram or stem). */
typedef struct gw_pgpos {
	int kind;                 /* GW_T_CHAR or GW_T_TERM; 0: not seen */
	size_t start, end;        /* original bytes */
	size_t term_off, term_len;
	size_t extra_off, extra_len;
} gw_pgpos;

typedef struct collect {
	gw_pglayout *l;
	gw_buf scratch;
	uint32_t npos;
	int oom;
} collect;

static gw_pgpos *pos_at(collect *c, uint32_t pos)
{
	gw_pglayout *l = c->l;

	if (pos >= c->npos) {
		size_t need = (size_t)pos + 1;
		if (gw_array_grow((void **)&l->pos, &l->pos_cap, need, sizeof(gw_pgpos), 64)) {
			c->oom = 1;
			return NULL;
		}
		memset(l->pos + c->npos, 0, (need - c->npos) * sizeof(gw_pgpos));
		c->npos = (uint32_t)need;
	}
	return &l->pos[pos];
}

static int on_token(void *ctx, const gw_token *t)
{
	collect *c = ctx;
	gw_pgpos *p = pos_at(c, t->pos);
	size_t off = c->scratch.len;

	if (!p)
		return 1;
	gw_buf_append(&c->scratch, t->term, t->len);
	if (!gw_buf_ok(&c->scratch)) {
		c->oom = 1;
		return 1;
	}
	switch (t->kind) {
	case GW_T_CHAR:
	case GW_T_TERM:
		p->kind = t->kind;
		p->start = t->start_off;
		p->end = t->end_off;
		p->term_off = off;
		p->term_len = t->len;
		break;
	case GW_T_BIGRAM:
	case GW_T_STEM:
		p->extra_off = off;
		p->extra_len = t->len;
		break;
	default:
		break;
	}
	return 0;
}

static int push(gw_pglayout *l, int type, int from_lex, size_t off, size_t len)
{
	if (gw_array_grow((void **)&l->tok, &l->cap, l->n + 1, sizeof(gw_pgtok), 256))
		return -1;
	l->tok[l->n].type = type;
	l->tok[l->n].from_lex = from_lex;
	l->tok[l->n].off = off;
	l->tok[l->n].len = len;
	l->n++;
	return 0;
}

/* Pushes text[b..e) as tokens of type of at most GW_PG_PIECE_MAX bytes,
 * cut before a UTF-8 lead byte where one is near. */
static int push_pieces(gw_pglayout *l, int type, const char *text, size_t b, size_t e)
{
	while (b < e) {
		size_t n = e - b;
		if (n > GW_PG_PIECE_MAX) {
			size_t k = GW_PG_PIECE_MAX;
			while (k > GW_PG_PIECE_MAX - 3 && ((unsigned char)text[b + k] & 0xC0) == 0x80)
				k--;
			if (((unsigned char)text[b + k] & 0xC0) == 0x80)
				k = GW_PG_PIECE_MAX;
			n = k;
		}
		if (push(l, type, 0, b, n))
			return -1;
		b += n;
	}
	return 0;
}

gw_rc gw_pg_layout(gw_analyzer *an, const char *text, size_t len, gw_pglayout *l, gw_err *err)
{
	collect c = {l, {0}, 0, 0};
	size_t last = 0;
	gw_rc rc;

	l->n = 0;
	l->npos = 0;
	gw_buf_reset(&l->lex);
	rc = gw_analyze(an, text, len, 0, GW_AN_BIGRAMS | GW_AN_STEMS, on_token, &c, NULL, err);
	if (rc == GW_OK && c.oom)
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory laying out %zu bytes of text", len);
	for (uint32_t i = 0; rc == GW_OK && i < c.npos; i++) {
		const gw_pgpos *p = &l->pos[i];
		const char *s = (const char *)c.scratch.p;
		size_t lex_off = l->lex.len;
		int type;

		if (!p->kind)
			continue; /* the analyzer numbers positions without gaps */
		if (p->start > last && push_pieces(l, GW_PGT_BLANK, text, last, p->start))
			goto oom;
		/* A code point that folds to several (㍿ -> 株式会社) gives several
		 * positions one original range: the first carries it. */
		if (p->end > last) {
			if (push_pieces(l, GW_PGT_WORD, text, p->start > last ? p->start : last, p->end))
				goto oom;
			last = p->end;
		}
		gw_buf_append(&l->lex, s + p->term_off, p->term_len);
		if (p->extra_len) {
			gw_buf_putc(&l->lex, p->kind == GW_T_CHAR ? GW_PG_SEP_AND : GW_PG_SEP_OR);
			gw_buf_append(&l->lex, s + p->extra_off, p->extra_len);
		}
		if (!gw_buf_ok(&l->lex))
			goto oom;
		type = p->kind == GW_T_CHAR ? GW_PGT_HAN : GW_PGT_LATIN;
		if (push(l, type, 1, lex_off, l->lex.len - lex_off))
			goto oom;
		l->npos++;
	}
	if (rc == GW_OK && last < len && push_pieces(l, GW_PGT_BLANK, text, last, len))
		goto oom;
	gw_buf_free(&c.scratch);
	return rc;
oom:
	gw_buf_free(&c.scratch);
	return gw_err_set(err, GW_ENOMEM, 0, "out of memory laying out %zu bytes of text", len);
}

void gw_pg_layout_free(gw_pglayout *l)
{
	free(l->tok);
	free(l->pos);
	gw_buf_free(&l->lex);
	memset(l, 0, sizeof(*l));
}
