/* gw_toklist: one field's tokens, grouped by term as the analyzer gives
 * them (a gw_token_fn), for gw_accum and for the tools that analyze a
 * stored document again (check, dump, removal). */
#ifndef GW_TOKLIST_H
#define GW_TOKLIST_H

#include <stddef.h>
#include <stdint.h>

#include "text/gw_analyzer.h"
#include "base/gw_buf.h"

/* One distinct term of a field: its kind and bytes, its occurrences (tf)
 * and the positions of those the postings keep (gw_char_position_kept),
 * pos[first .. first + npos) once the list is finished. */
typedef struct gw_tgroup {
	uint64_t hash;    /* of the kind and the term bytes (process-local) */
	uint64_t head;    /* the term's first 8 bytes, zero-padded */
	uint32_t off;     /* term bytes in gw_toklist.terms */
	uint32_t len;
	uint32_t first;
	uint32_t tf;
	uint32_t npos;
	uint32_t slot;    /* in the list's lookup table */
	int kind;
} gw_tgroup;

/* A field's tokens grouped by term as they arrive: the analysis threads do
 * this work, so the single writer only looks each term up once per
 * document. Groups are in order of first occurrence, so the same text
 * gives the same list on any thread. */
typedef struct gw_toklist {
	gw_tgroup *g;
	size_t ng, g_cap;
	gw_buf terms;     /* each distinct term's bytes, once */
	uint32_t *pos;    /* positions: in text order, grouped by gw_toklist_finish */
	uint32_t *gid;    /* each token's group (while adding) */
	size_t n, cap;    /* tokens */
	uint32_t *tab;    /* lookup table (while adding): group index + 1, 0 empty */
	size_t tab_cap;
	uint64_t kinds;   /* the kinds of its terms (gw_kind_bit) */
	int oom;
} gw_toklist;

void gw_toklist_reset(gw_toklist *l);
void gw_toklist_free(gw_toklist *l);
/* gw_token_fn: ctx is a gw_toklist. Sets l->oom on allocation failure. */
int gw_toklist_add(void *ctx, const gw_token *t);
/* Groups the positions by term (each group's ascending, as added) and
 * drops the per-token scratch. Call once, after the last add. */
void gw_toklist_finish(gw_toklist *l);
/* Analyzes text into l (reset first; every kind of token, as documents are
 * indexed) and finishes it; *next_pos (may be NULL) gets the field length.
 * An error of gw_analyze, or GW_ENOMEM if l ran out of memory. */
gw_rc gw_toklist_analyze(gw_toklist *l, gw_analyzer *an, const char *text, size_t len, uint32_t *next_pos,
                         gw_err *err);
/* The CJK characters of the text analyzed (its GW_T_CHAR tokens: Han,
 * kana, Hangul, Bopomofo, as gw_analyzer.c classifies them), each one a
 * position: the length the focus factor of a query of CJK words takes
 * (gw_search.c). */
uint32_t gw_toklist_cjk(const gw_toklist *l);

#endif
