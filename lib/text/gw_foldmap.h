/* gw_foldmap: the code points the fold changes, as a table made at build
 * time (lib/text/gen/gen_fold.c, from the same fold as
 * gw_analyzer_fold_cp), to answer the question the other way round: which
 * code points can a text hold where its folded form holds c? For a Han
 * character that is itself (if it folds to itself), its Traditional forms
 * and its compatibility forms (U+F900.., Kangxi radicals, ...); finding
 * them by folding every code point would take 80 ms. tests/test_snippet.c
 * checks the table against gw_analyzer_fold_cp for every code point. */
#ifndef GW_FOLDMAP_H
#define GW_FOLDMAP_H

#include <stddef.h>
#include <stdint.h>

/* What gw_analyzer_fold_cp(c) answers (GW_FOLD_NONE, GW_FOLD_MANY or a
 * code point), from the table. */
uint32_t gw_foldmap_get(uint32_t c);

/* The code points other than f whose fold is f (f may be GW_FOLD_MANY or
 * GW_FOLD_NONE), sorted; *n gets how many. Whether f itself folds to f is
 * gw_foldmap_get(f) == f. */
const uint32_t *gw_foldmap_sources(uint32_t f, size_t *n);

/* 1 if c folds to several ASCII characters none of which is a letter, a
 * digit or '_' (… -> ...): punctuation, where no token starts. */
int gw_foldmap_punct(uint32_t c);

#endif
