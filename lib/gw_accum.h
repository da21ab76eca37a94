/* gw_accum: turns analyzer tokens into posting lists in memory.
 *
 * gw_toklist collects one field's tokens (a gw_token_fn) and sorts them by
 * term and position; gw_accum groups a sorted list into (term, docid, tf,
 * positions) entries kept per term key until gw_accum_flush() merges them,
 * in key order, into the store. */
#ifndef GW_ACCUM_H
#define GW_ACCUM_H

#include <stddef.h>
#include <stdint.h>

#include "gw_analyzer.h"
#include "gw_buf.h"
#include "gw_err.h"
#include "gw_store.h"

typedef struct gw_tok {
	size_t off;    /* term bytes in gw_toklist.terms */
	uint32_t len;
	uint32_t pos;
	int kind;
} gw_tok;

typedef struct gw_toklist {
	gw_tok *t;
	size_t n, cap;
	gw_buf terms;
	int oom;
	void *sort_buf;   /* gw_toklist_sort's scratch (owned) */
	size_t sort_cap;
} gw_toklist;

void gw_toklist_reset(gw_toklist *l);
void gw_toklist_free(gw_toklist *l);
/* gw_token_fn: ctx is a gw_toklist. Sets l->oom on allocation failure. */
int gw_toklist_add(void *ctx, const gw_token *t);
/* Sorts by (kind, term, pos). On allocation failure it falls back to a
 * slower sort; the result is the same. */
void gw_toklist_sort(gw_toklist *l);
/* 1 if tokens i and j have the same kind and term. */
int gw_toklist_same(const gw_toklist *l, size_t i, size_t j);

typedef struct gw_accum gw_accum;

gw_accum *gw_accum_new(void);
void gw_accum_free(gw_accum *a);
/* Adds the sorted tokens of field fid of document docid. Docids must grow
 * from call to call for a given term. -1 on allocation failure. */
int gw_accum_add(gw_accum *a, unsigned fid, uint32_t docid, const gw_toklist *l);
/* Writes every list into the store (gw_post_append) in key order and empties a. */
gw_rc gw_accum_flush(gw_accum *a, gw_txn *t, gw_err *err);
/* Empties a without writing. */
void gw_accum_clear(gw_accum *a);
/* Bytes held (for memory budgets and stats). */
size_t gw_accum_bytes(const gw_accum *a);

#endif
