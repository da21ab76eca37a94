/* gw_foldmap: lookups in the generated fold table (see gw_foldmap.h). */
#include "text/gw_foldmap.h"

#include "text/gw_analyzer.h"

/* build/gen/gw_fold_table.c */
extern const size_t gw_fold_n;
extern const uint32_t gw_fold_from[], gw_fold_to[];         /* by source */
extern const uint32_t gw_fold_rev_to[], gw_fold_rev_from[]; /* by target, source */
extern const size_t gw_fold_npunct;
extern const uint32_t gw_fold_punct[];

/* The first index of sorted a[0..n) whose value is at least x. */
static size_t lower_bound(const uint32_t *a, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t gw_foldmap_get(uint32_t c)
{
	size_t k;

	if (c >= 0x110000)
		return GW_FOLD_MANY;
	k = lower_bound(gw_fold_from, gw_fold_n, c);
	return k < gw_fold_n && gw_fold_from[k] == c ? gw_fold_to[k] : c;
}

const uint32_t *gw_foldmap_sources(uint32_t f, size_t *n)
{
	size_t a = lower_bound(gw_fold_rev_to, gw_fold_n, f), b = a;

	while (b < gw_fold_n && gw_fold_rev_to[b] == f)
		b++;
	*n = b - a;
	return gw_fold_rev_from + a;
}

int gw_foldmap_punct(uint32_t c)
{
	size_t k = lower_bound(gw_fold_punct, gw_fold_npunct, c);

	return k < gw_fold_npunct && gw_fold_punct[k] == c;
}
