/* gw_toklist: tokens grouped by term (see gw_toklist.h). */
#include "text/gw_toklist.h"

#include <stdlib.h>
#include <string.h>

void gw_toklist_reset(gw_toklist *l)
{
	/* An unfinished list: empty only the table entries in use. */
	for (size_t i = 0; l->tab && i < l->ng; i++)
		l->tab[l->g[i].slot] = 0;
	l->ng = 0;
	l->n = 0;
	l->kinds = 0;
	l->oom = 0;
	gw_buf_reset(&l->terms);
}

void gw_toklist_free(gw_toklist *l)
{
	free(l->g);
	free(l->pos);
	free(l->gid);
	free(l->tab);
	gw_buf_free(&l->terms);
	memset(l, 0, sizeof *l);
}

/* Doubles the lookup table (or makes the first one). */
static int tab_grow(gw_toklist *l)
{
	size_t cap = l->tab_cap ? l->tab_cap * 2 : 1024;
	uint32_t *tab = calloc(cap, sizeof *tab);

	if (!tab)
		return -1;
	for (size_t i = 0; i < l->ng; i++) {
		size_t j = l->g[i].hash & (cap - 1);
		while (tab[j])
			j = (j + 1) & (cap - 1);
		tab[j] = (uint32_t)i + 1;
		l->g[i].slot = (uint32_t)j;
	}
	free(l->tab);
	l->tab = tab;
	l->tab_cap = cap;
	return 0;
}

/* Up to the first 8 bytes of p[0..n) as an integer, zero-padded. */
static uint64_t head8(const char *p, size_t n)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	return w;
}

/* MurmurHash3's 64-bit finalizer: every input bit reaches the low bits
 * that index the tables. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* A term's hash, 8 bytes at a time: most terms are one word of it. (FNV,
 * a byte at a time, made grouping cost as much as the sort it replaced.) */
static uint64_t term_hash(int kind, const char *p, size_t n, uint64_t head)
{
	uint64_t h = head ^ ((uint64_t)((unsigned)(unsigned char)kind << 16 | (n & 0xffff)) * 0x9e3779b97f4a7c15ull);

	for (size_t i = 8; i < n; i += 8)
		h = mix64(h) ^ head8(p + i, n - i);
	return mix64(h);
}

/* The group of term t, made if new; -1 on allocation failure. */
static long group_of(gw_toklist *l, const gw_token *t)
{
	uint64_t head = head8(t->term, t->len), h = term_hash(t->kind, t->term, t->len, head);
	size_t j;
	gw_tgroup *g;

	if ((l->ng + 1) * 2 > l->tab_cap && tab_grow(l))
		return -1;
	for (j = h & (l->tab_cap - 1); l->tab[j]; j = (j + 1) & (l->tab_cap - 1)) {
		g = &l->g[l->tab[j] - 1];
		if (g->head == head && g->len == t->len && g->kind == t->kind &&
		    (t->len <= 8 || memcmp(l->terms.p + g->off + 8, t->term + 8, t->len - 8) == 0))
			return (long)(l->tab[j] - 1);
	}
	/* Small at first: a window's documents each keep a list per field,
	 * most of them titles and short cells. */
	if (gw_array_grow((void **)&l->g, &l->g_cap, l->ng + 1, sizeof *l->g, 16))
		return -1;
	g = &l->g[l->ng];
	g->hash = h;
	g->head = head;
	g->off = (uint32_t)l->terms.len;
	g->len = (uint32_t)t->len;
	g->tf = 0;
	g->npos = 0;
	g->slot = (uint32_t)j;
	g->kind = t->kind;
	l->kinds |= gw_kind_bit(t->kind);
	if (t->len && l->terms.cap - l->terms.len >= t->len) { /* most terms: no call */
		memcpy(l->terms.p + l->terms.len, t->term, t->len);
		l->terms.len += t->len;
	} else {
		gw_buf_append(&l->terms, t->term, t->len);
		if (!gw_buf_ok(&l->terms))
			return -1;
	}
	l->tab[j] = (uint32_t)++l->ng;
	return (long)l->ng - 1;
}

int gw_toklist_add(void *ctx, const gw_token *t)
{
	gw_toklist *l = ctx;
	long gi;

	if (l->oom)
		return 1;
	if (l->n == l->cap || !l->gid) {
		size_t cap = l->n == l->cap ? (l->cap ? l->cap * 2 : 1024) : l->cap;
		uint32_t *np = realloc(l->pos, cap * sizeof *np);
		uint32_t *ng = np ? realloc(l->gid, cap * sizeof *ng) : NULL;
		if (np)
			l->pos = np;
		if (!ng) {
			l->oom = 1;
			return 1;
		}
		l->gid = ng;
		l->cap = cap;
	}
	if ((gi = group_of(l, t)) < 0) {
		l->oom = 1;
		return 1;
	}
	l->g[gi].tf++;
	if (!gw_char_position_kept(t))
		return 0;
	l->g[gi].npos++;
	l->gid[l->n] = (uint32_t)gi;
	l->pos[l->n++] = t->pos;
	return 0;
}

gw_rc gw_toklist_analyze(gw_toklist *l, gw_analyzer *an, const char *text, size_t len, uint32_t *next_pos,
                         gw_err *err)
{
	gw_toklist_reset(l);
	if (gw_analyze(an, text, len, 0, GW_AN_ALL | GW_AN_NO_OFFSETS, gw_toklist_add, l, next_pos, err))
		return err->rc;
	gw_toklist_finish(l);
	return l->oom ? gw_err_set(err, GW_ENOMEM, 0, "out of memory") : GW_OK;
}

/* A counting sort on the group: each group's first position, then each
 * token's place. The positions stay in order within a group. */
void gw_toklist_finish(gw_toklist *l)
{
	uint32_t at = 0, *out;

	if (l->oom)
		return;
	for (size_t i = 0; i < l->ng && !l->n; i++) /* no position kept */
		l->g[i].first = 0;
	if (!l->n)
		return;
	for (size_t i = 0; i < l->ng; i++) {
		l->g[i].first = at;
		at += l->g[i].npos;
		l->g[i].npos = 0; /* counted again while placing */
	}
	if (!(out = malloc(l->cap * sizeof *out))) {
		l->oom = 1;
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		gw_tgroup *g = &l->g[l->gid[i]];
		out[g->first + g->npos++] = l->pos[i];
	}
	free(l->pos);
	l->pos = out;
	/* The per-token groups and the lookup table are scratch: freed here,
	 * so that the next field analyzed on this thread gets the same memory
	 * back from malloc, still in cache, instead of each document's list
	 * keeping a table of its own, cold by the time it is used again. */
	free(l->gid);
	l->gid = NULL;
	free(l->tab);
	l->tab = NULL;
	l->tab_cap = 0;
}

uint32_t gw_toklist_cjk(const gw_toklist *l)
{
	uint32_t n = 0;

	for (size_t i = 0; i < l->ng; i++)
		if (l->g[i].kind == GW_T_CHAR)
			n += l->g[i].tf;
	return n;
}
