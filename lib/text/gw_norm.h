/* gw_norm: folding with an offset map (internal to the analyzer).
 *
 * gw_norm_fold() turns UTF-8 text into an array of folded code points
 * (NFKC case fold, then Traditional -> Simplified per code point) and, for
 * each, the byte range [start, end) of the original text it came from. When
 * NFKC maps several code points to several others (composition), every
 * output code point gets the range of the whole normalization segment. */
#ifndef GW_NORM_H
#define GW_NORM_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_err.h"

typedef struct gw_norm gw_norm;

typedef struct gw_folded {
	uint32_t *cp;      /* folded code points */
	uint32_t *start;   /* original byte offset where cp[i] starts */
	uint32_t *end;     /* original byte offset where cp[i] ends */
	uint8_t *changed;  /* 1 if the T->S table changed cp[i] */
	size_t n;
	size_t cap;
	size_t trad;       /* code points the T->S table changed */
	size_t simp;       /* code points that only Simplified text has */
} gw_folded;

gw_rc gw_norm_new(gw_norm **out, gw_err *err);
void gw_norm_free(gw_norm *nm);

/* Folds text into f (reused across calls; free with gw_folded_free). Texts
 * of 4 GiB or more are refused (GW_EINVAL): offsets are 32-bit. */
gw_rc gw_norm_fold(gw_norm *nm, const char *text, size_t len, gw_folded *f, gw_err *err);
void gw_folded_free(gw_folded *f);

/* The Traditional -> Simplified fold of one code point (identity if none). */
uint32_t gw_t2s(uint32_t c);

/* Folds the code point c alone (as gw_norm_fold would if it stood between
 * two ASCII characters) into out[0..n), n < 8; returns n, or -1 if ICU
 * fails or the fold is longer. */
int gw_norm_fold_cp(gw_norm *nm, uint32_t c, uint32_t out[8]);

#endif
