/* gw_search: phrase matching over positional postings, and BM25F
 * (see gw_search.h). */
#include "search/gw_search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_clock.h"
#include "index/gw_index_impl.h"
#include "store/gw_lens.h"
#include "store/gw_norms.h"
#include "store/gw_record.h"
#include "search/gw_match.h"
#include "notice/gw_notice.h"
#include "store/gw_store.h"

struct ranker;

/* Parts of a query whose per-part arrays fit in place (on the stack, or
 * inside the results): nearly every query. Longer ones (up to
 * GW_QUERY_PARTS_MAX) allocate theirs. */
#define SMALL_PARTS 16

struct gw_results {
	gw_analyzer *an;   /* the index's (borrowed) */
	struct ranker *rk; /* kept for gw_results_explain */
	double *df;        /* each part's document frequency (or its estimate) */
	double *idf, *ub;  /* the ranker's, by part: all three in part_small, or
	                    * in one allocation at df */
	double part_small[3 * SMALL_PARTS];
	double ndocs;      /* documents in the index (N) */
	size_t scored;     /* matches scored (the rest were skipped by MaxScore) */
	size_t unread;     /* matches skipped on their norm, without a lens read */
	int verify_norms;  /* gw_search_opts.verify_norms */
	gw_lens_reader ids; /* gw_results_id's, opened on first use */
	int ids_open;
	size_t norm_errors;
	int direct;        /* answered by the document-at-a-time plan */
	gw_txn *t;
	struct gw_lens_cache *lens_cache; /* the index handle's (borrowed; NULL: none) */
	struct gw_norms_cache *norms_cache; /* the index handle's (borrowed; NULL: none) */
	gw_fieldtab ft;
	gw_query *q;
	gw_hit *hits;
	size_t nhits, total;
	size_t total_max;  /* gw_search_opts.total_max, the default resolved */
	int total_gte;     /* total is a lower bound (gw_results_total_exact) */
	size_t passed;     /* docids passed by their norms past total_max */
	size_t blocks_passed; /* of which in whole spans of norms */
	unsigned fid_type, fid_date, fid_rdate, fid_facet; /* 0 if absent */
	gw_facet *facets;
	size_t nfacets;
	gw_buf *unz;       /* per hit: its record's unpacked texts (gw_results_record) */
	gw_unpacker *unpacker; /* the index handle's (borrowed) */
};

/* A part that adds nothing to a score: under NOT, or a filter. */
static int unscored(const gw_qpart *part) { return part->negated || part->filter; }

/* A scored document before the final order is known. */
typedef struct scored {
	uint32_t docid;
	double score;
	const char *date; /* stored ISO date, NULL if none */
	size_t date_len;
} scored;

/* n elements of sz bytes for a search's per-part work, zeroed: small
 * (room for SMALL_PARTS of them) or allocated; NULL if out of memory.
 * tmp_free gives them back. */
static void *tmp_array(void *small, size_t n, size_t sz)
{
	return n <= SMALL_PARTS ? memset(small, 0, n * sz) : calloc(n, sz);
}

static void tmp_free(void *p, const void *small)
{
	if (p != small)
		free(p);
}

void gw_rank_defaults(gw_rank_params *p)
{
	p->k1 = 1.2;
	p->b = 1.0;
	p->title_weight = 2.0;
	p->number_weight = 1.5;
	p->text_weight = 1.0;
	p->other_weight = 0.8;
	p->nweights = 0;
	p->word_bonus = 1.0;
	p->script_bonus = 0.3;
	p->focus = 1.5;
}

static int by_doc(const void *a, const void *b)
{
	const gw_match *x = a, *y = b;

	if (x->docid != y->docid)
		return x->docid < y->docid ? -1 : 1;
	return x->fid - y->fid;
}

static int by_score(const void *a, const void *b)
{
	const scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->docid > y->docid) - (x->docid < y->docid);
}

/* Newest first; undated last; then by score. */
static int by_date(const void *a, const void *b)
{
	const scored *x = a, *y = b;

	if (x->date && y->date) {
		size_t n = x->date_len < y->date_len ? x->date_len : y->date_len;
		int c = memcmp(y->date, x->date, n);
		if (c || x->date_len != y->date_len)
			return c ? c : (y->date_len > x->date_len) - (y->date_len < x->date_len);
	} else if (x->date || y->date) {
		return x->date ? -1 : 1;
	}
	return by_score(a, b);
}

typedef struct ranker {
	gw_rank_params p;
	double n;                       /* documents in the index */
	double avg[GW_MAX_FIELDS + 1];  /* average field length */
	double cav[GW_MAX_FIELDS + 1];  /* average CJK characters of the field */
	int cjk;                        /* the focus factor takes CJK characters, not
	                                 * tokens (cjk_focus) */
	double w[GW_MAX_FIELDS + 1];    /* field weight */
	double norm[GW_MAX_FIELDS + 1]; /* b / avg: tf~ = w tf / (1 - b + norm len) */
	int indexed[GW_MAX_FIELDS + 1]; /* 1 if the field is indexed (counts in lengths) */
	double focus;                   /* this query's focus power; 0: off */
	double *idf;                    /* by part (gw_results' storage) */
	double *ub;                     /* most a part can add to the sum of parts (0 if negated) */
	double fmax;                    /* most doc_factor() can be */
	double amax;                    /* the sum of every indexed field's average
	                                 * length (in CJK characters if cjk) */
	double *aset;                   /* the same over each field set of norms (gw_norms.h) */
	size_t naset;
	int aset_zero;                  /* some field set's A is 0 (its focus factor is 1) */
} ranker;

/* The weight of a field by its kind (gw_rank_params). */
static double default_weight(const gw_rank_params *p, const char *fold)
{
	static const char *const notice_parts[] = GW_NOTICE_FIELD_NAMES;

	if (strcmp(fold, "title") == 0)
		return p->title_weight;
	if (strcmp(fold, "number") == 0)
		return p->number_weight;
	if (strcmp(fold, "related") == 0)
		return p->other_weight;
	if (strcmp(fold, "text") == 0 || strcmp(fold, "content") == 0)
		return p->text_weight;
	for (size_t i = 0; i < sizeof notice_parts / sizeof *notice_parts; i++)
		if (strcmp(fold, notice_parts[i]) == 0)
			return p->text_weight;
	return p->other_weight;
}

static gw_rc ranker_init(ranker *rk, gw_txn *t, gw_analyzer *an, const gw_fieldtab *ft,
                         const gw_rank_params *p, gw_err *err)
{
	uint64_t ndocs, flen, fcjk, fdocs;
	char key[32];

	rk->p = *p;
	if (gw_meta_get(t, "ndocs", &ndocs, err))
		return err->rc;
	rk->n = (double)ndocs;
	for (unsigned f = 1; f <= ft->n; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if (gw_meta_get(t, key, &flen, err))
			return err->rc;
		snprintf(key, sizeof key, "fcjk:%u", f);
		if (gw_meta_get(t, key, &fcjk, err))
			return err->rc;
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (gw_meta_get(t, key, &fdocs, err))
			return err->rc;
		rk->avg[f] = fdocs ? (double)flen / (double)fdocs : 1.0;
		if (rk->avg[f] <= 0)
			rk->avg[f] = 1.0;
		rk->cav[f] = fdocs ? (double)fcjk / (double)fdocs : 0; /* 0: A without the field */
		rk->w[f] = default_weight(p, ft->fold[f]);
		rk->indexed[f] = gw_field_indexed(ft, f);
	}
	for (size_t i = 0; i < p->nweights && i < GW_MAX_WEIGHTS; i++) {
		unsigned f = gw_field_lookup(an, ft, p->weight_field[i], strlen(p->weight_field[i]));
		if (f)
			rk->w[f] = p->weight[i];
	}
	for (unsigned f = 1; f <= ft->n; f++)
		rk->norm[f] = p->b / rk->avg[f];
	return GW_OK;
}

/* One part's matches, sorted by docid, and the documents it matches. */
typedef struct partm {
	gw_matches v;
	uint32_t *docs;
	size_t ndocs;
} partm;

typedef struct docset {
	uint32_t *d;
	size_t n;
} docset;

/* The matches of pm for docid: *n entries from the returned one (one per
 * field), or NULL. *from is where to start looking, and gets where docid's
 * matches are (or would be): called with increasing docids, the search
 * gallops forward from there instead of starting over. */
static const gw_match *doc_matches_from(const partm *pm, uint32_t docid, size_t *from, size_t *n)
{
	const gw_match *m = pm->v.m;
	size_t lo = *from < pm->v.n ? *from : pm->v.n, hi = pm->v.n, step = 1, e;

	/* Usually docid's matches are where the hint is, or right after the
	 * previous document's few: look there before galloping. */
	for (size_t k = 0; k < 4 && lo < hi && m[lo].docid < docid; k++)
		lo++;
	if (lo < hi && m[lo].docid == docid)
		goto found;
	if (lo < hi && m[lo].docid > docid && (lo == 0 || m[lo - 1].docid >= docid))
		lo = 0;
	while (lo + step < hi && m[lo + step].docid < docid) {
		lo += step;
		step *= 2;
	}
	if (lo + step < hi)
		hi = lo + step + 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].docid < docid)
			lo = mid + 1;
		else
			hi = mid;
	}
found:
	*from = lo;
	for (e = lo; e < pm->v.n && m[e].docid == docid; e++)
		;
	*n = e - lo;
	return *n ? m + lo : NULL;
}

static const gw_match *doc_matches(const partm *pm, uint32_t docid, size_t *n)
{
	size_t from = 0;

	return doc_matches_from(pm, docid, &from, n);
}

/* BM25F score of one part in one document (its matches m[0..n)). */
static double score_part(const ranker *rk, size_t part, const gw_match *m, size_t n, const gw_record *rec)
{
	/* tf~ = num / den, the fields' fractions over a common denominator, so
	 * that tf~ / (k1 + tf~) = num / (k1 den + num) takes one division per
	 * part instead of one per field and one more (this is the hot loop of
	 * every query). */
	double num = 0, den = 1, b1 = 1 - rk->p.b;
	int word = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned f = m[i].fid;
		int k = gw_record_field(rec, f);
		double d = b1 + rk->norm[f] * (k >= 0 ? rec->flen[k] : rk->avg[f]);
		num = num * d + rk->w[f] * m[i].tf * den;
		den *= d;
		if (den > 1e100) /* many fields: keep the product finite */
			num /= den, den = 1;
		word |= m[i].wtf > 0;
	}
	return rk->idf[part] * num / (rk->p.k1 * den + num) * (1 + (word ? rk->p.word_bonus : 0));
}

/* hint[p] is part p's doc_matches_from position (docids come in order). */
static double score_doc(const ranker *rk, const gw_query *q, const partm *pm, size_t *hint, uint32_t docid,
                        const gw_record *rec)
{
	double total = 0;

	for (size_t p = 0; p < q->nparts; p++) {
		size_t n;
		const gw_match *m;
		if (unscored(&q->parts[p]) || !(m = doc_matches_from(&pm[p], docid, &hint[p], &n)))
			continue;
		total += score_part(rk, p, m, n, rec);
	}
	return total;
}

/* The most docid can score: the bounds of the parts it matches. */
static double doc_bound(const ranker *rk, const gw_query *q, const partm *pm, size_t *hint, uint32_t docid)
{
	double ub = 0;

	for (size_t p = 0; p < q->nparts; p++) {
		size_t n;
		if (rk->ub[p] > 0 && doc_matches_from(&pm[p], docid, &hint[p], &n))
			ub += rk->ub[p];
	}
	return ub;
}

/* ---- set operations over sorted docid arrays ---- */

static int set_alloc(docset *s, size_t n)
{
	s->n = 0;
	s->d = malloc((n ? n : 1) * sizeof *s->d);
	return s->d ? 0 : -1;
}

static int set_and(docset *a, const docset *b)
{
	size_t i = 0, j = 0, o = 0;

	while (i < a->n && j < b->n) {
		if (a->d[i] < b->d[j])
			i++;
		else if (a->d[i] > b->d[j])
			j++;
		else
			a->d[o++] = a->d[i++], j++;
	}
	a->n = o;
	return 0;
}

static int set_minus(docset *a, const docset *b)
{
	size_t i = 0, j = 0, o = 0;

	while (i < a->n) {
		while (j < b->n && b->d[j] < a->d[i])
			j++;
		if (j < b->n && b->d[j] == a->d[i])
			i++;
		else
			a->d[o++] = a->d[i++];
	}
	a->n = o;
	return 0;
}

static int set_or(docset *a, const docset *b)
{
	docset r;
	size_t i = 0, j = 0;

	if (set_alloc(&r, a->n + b->n))
		return -1;
	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->d[i] < b->d[j]))
			r.d[r.n++] = a->d[i++];
		else if (i >= a->n || b->d[j] < a->d[i])
			r.d[r.n++] = b->d[j++];
		else
			r.d[r.n++] = a->d[i++], j++;
	}
	free(a->d);
	*a = r;
	return 0;
}

/* 1 if some occurrence of part a and one of part b in the same field of the
 * document have at most `near` positions between them. */
static int near_ok(const gw_query *q, const partm *pm, size_t pa, size_t pb, uint32_t docid, uint32_t near)
{
	size_t na, nb;
	const gw_match *ma = doc_matches(&pm[pa], docid, &na), *mb = doc_matches(&pm[pb], docid, &nb);
	uint32_t sa = q->parts[pa].span, sb = q->parts[pb].span;

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++) {
			const uint32_t *xa = pm[pa].v.anchors + ma[i].aoff, *xb = pm[pb].v.anchors + mb[j].aoff;
			if (ma[i].fid != mb[j].fid)
				continue;
			for (uint32_t x = 0; x < ma[i].an; x++)
				for (uint32_t y = 0; y < mb[j].an; y++) {
					uint32_t s = xa[x] < xb[y] ? xa[x] : xb[y], e = xa[x] < xb[y] ? xb[y] : xa[x];
					uint32_t first_span = xa[x] < xb[y] ? sa : sb;
					if (e <= s + first_span + near)
						return 1;
				}
		}
	return 0;
}

static int eval(const gw_query *q, const partm *pm, size_t node, docset *out);

/* AND: the positive children intersected, the NOT children taken away. */
static int eval_and(const gw_query *q, const partm *pm, const gw_qnode *nd, docset *out)
{
	int first = 1;

	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < nd->n; k++) {
			size_t kid = q->kids[nd->first + k];
			int neg = q->nodes[kid].kind == GW_QN_NOT;
			docset s;
			if (neg != (pass == 1))
				continue;
			if (eval(q, pm, neg ? q->kids[q->nodes[kid].first] : kid, &s))
				return -1;
			if (first)
				*out = s;
			else {
				(neg ? set_minus : set_and)(out, &s);
				free(s.d);
			}
			first = 0;
		}
	return 0;
}

static int eval_near(const gw_query *q, const partm *pm, const gw_qnode *nd, docset *out)
{
	size_t o = 0;

	if (eval_and(q, pm, nd, out))
		return -1;
	for (size_t i = 0; i < out->n; i++) {
		int ok = 1;
		for (size_t k = 0; k + 1 < nd->n && ok; k++) {
			const gw_qnode *a = &q->nodes[q->kids[nd->first + k]], *b = &q->nodes[q->kids[nd->first + k + 1]];
			ok = a->kind == GW_QN_PART && b->kind == GW_QN_PART &&
			     near_ok(q, pm, a->part, b->part, out->d[i], nd->near);
		}
		if (ok)
			out->d[o++] = out->d[i];
	}
	out->n = o;
	return 0;
}

/* The documents node matches, sorted (out->d owned by the caller). */
static int eval(const gw_query *q, const partm *pm, size_t node, docset *out)
{
	const gw_qnode *nd = &q->nodes[node];

	switch (nd->kind) {
	case GW_QN_PART: {
		const partm *p = &pm[nd->part];
		if (set_alloc(out, p->ndocs))
			return -1;
		if (p->ndocs)
			memcpy(out->d, p->docs, p->ndocs * sizeof *p->docs);
		out->n = p->ndocs;
		return 0;
	}
	case GW_QN_AND:
		return eval_and(q, pm, nd, out);
	case GW_QN_NEAR:
		return eval_near(q, pm, nd, out);
	case GW_QN_OR: {
		if (eval(q, pm, q->kids[nd->first], out))
			return -1;
		for (size_t k = 1; k < nd->n; k++) {
			docset s;
			if (eval(q, pm, q->kids[nd->first + k], &s))
				return -1;
			if (set_or(out, &s)) {
				free(s.d);
				return -1;
			}
			free(s.d);
		}
		return 0;
	}
	default: /* a NOT outside AND: the parser rejects queries made only of it */
		return set_alloc(out, 0);
	}
}

/* Text of field fid in rec, or NULL. */
static const char *field_text(const gw_record *rec, unsigned fid, size_t *len)
{
	int k = fid ? gw_record_field(rec, fid) : -1;

	if (k < 0)
		return NULL;
	*len = rec->text_len[k];
	return rec->text[k];
}

static int is_record(const gw_results *r, const gw_record *rec)
{
	size_t n;
	const char *t = field_text(rec, r->fid_type, &n);

	return t && n == 6 && memcmp(t, "record", 6) == 0;
}

/* The date of rec (its own, or for a record its notice's). */
static const char *doc_date(const gw_results *r, const gw_record *rec, size_t *len)
{
	const char *d = field_text(rec, r->fid_date, len);

	return d ? d : field_text(rec, r->fid_rdate, len);
}

int gw_date_valid(const char *d)
{
	size_t n = strlen(d);

	for (size_t i = 0; i < n; i++)
		if (!((d[i] >= '0' && d[i] <= '9' && i != 4 && i != 7) || ((i == 4 || i == 7) && d[i] == '-')))
			return 0;
	if (n != 4 && n != 7 && n != 10)
		return 0;
	/* A month 01 to 12 and a day 01 to 31: 2020-13 is a typo, not a bound. */
	if (n >= 7 && (memcmp(d + 5, "01", 2) < 0 || memcmp(d + 5, "12", 2) > 0))
		return 0;
	return n < 10 || (memcmp(d + 8, "01", 2) >= 0 && memcmp(d + 8, "31", 2) <= 0);
}

/* Compares a stored date with a bound by their common prefix, so that the
 * bound 2020 or 2020-03 also works. */
static int date_cmp(const char *d, size_t n, const char *bound)
{
	size_t bl = strlen(bound), k = n < bl ? n : bl;

	return memcmp(d, bound, k);
}

static int passes(const gw_results *r, const gw_search_opts *o, const gw_record *rec, scored *sc)
{
	sc->date = doc_date(r, rec, &sc->date_len);
	if (o->type && (o->type == GW_TYPE_RECORD) != is_record(r, rec))
		return 0;
	if ((o->after || o->before) && !sc->date)
		return 0;
	if (o->after && date_cmp(sc->date, sc->date_len, o->after) < 0)
		return 0;
	if (o->before && date_cmp(sc->date, sc->date_len, o->before) > 0)
		return 0;
	return 1;
}

static int by_value(const void *a, const void *b)
{
	const gw_facet *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->value, y->value, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int by_count(const void *a, const void *b)
{
	const gw_facet *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return by_value(a, b);
}

/* A distinct facet value and its folded form (in the fold buffer). */
typedef struct fval {
	gw_facet f;
	size_t foff, flen;
} fval;

static int by_fold(const void *a, const void *b, void *ctx)
{
	const fval *x = a, *y = b;
	const unsigned char *base = ctx;
	size_t n = x->flen < y->flen ? x->flen : y->flen;
	int c = memcmp(base + x->foff, base + y->foff, n);

	return c ? c : (x->flen > y->flen) - (x->flen < y->flen);
}

/* Merges values that fold to the same text (江蘇 and 江苏 are one value),
 * shown as the spelling most documents use. */
static gw_rc fold_facets(gw_results *r, gw_analyzer *an, gw_err *err)
{
	fval *v = malloc((r->nfacets ? r->nfacets : 1) * sizeof *v);
	gw_buf fold = GW_BUF_INIT;
	size_t out = 0;

	if (!v)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < r->nfacets; i++) {
		v[i].f = r->facets[i];
		v[i].foff = fold.len;
		if (gw_analyzer_fold(an, r->facets[i].value, r->facets[i].len, &fold, err)) {
			free(v);
			gw_buf_free(&fold);
			return err->rc;
		}
		v[i].flen = fold.len - v[i].foff;
	}
	if (r->nfacets > 1)
		qsort_r(v, r->nfacets, sizeof *v, by_fold, fold.p);
	for (size_t i = 0; i < r->nfacets; i++) {
		if (out && by_fold(&v[out - 1], &v[i], fold.p) == 0) {
			size_t total = v[out - 1].f.count + v[i].f.count;
			if (v[i].f.count > v[out - 1].f.count)
				v[out - 1].f = v[i].f;
			v[out - 1].f.count = total;
		} else {
			v[out++] = v[i];
		}
	}
	for (size_t i = 0; i < out; i++)
		r->facets[i] = v[i].f;
	r->nfacets = out;
	free(v);
	gw_buf_free(&fold);
	return GW_OK;
}

/* Turns the collected values (count 1 each) into counts per value, most
 * frequent first. */
static gw_rc count_facets(gw_results *r, gw_analyzer *an, gw_err *err)
{
	size_t out = 0;

	if (r->nfacets > 1)
		qsort(r->facets, r->nfacets, sizeof *r->facets, by_value);
	for (size_t i = 0; i < r->nfacets; i++) {
		if (out && by_value(&r->facets[out - 1], &r->facets[i]) == 0)
			r->facets[out - 1].count++;
		else
			r->facets[out++] = r->facets[i];
	}
	r->nfacets = out;
	if (fold_facets(r, an, err))
		return err->rc;
	if (r->nfacets > 1)
		qsort(r->facets, r->nfacets, sizeof *r->facets, by_count);
	return GW_OK;
}

/* 1 if rec is written in the script the query was typed in. */
static int same_script(const gw_results *r, const gw_record *rec)
{
	return r->q->script != GW_SCRIPT_NONE && rec->script == r->q->script;
}

/* L (*len), a document's indexed length, and A (*avg), the sum of its
 * fields' average lengths. */
static void doc_length(const ranker *rk, const gw_record *rec, double *len, double *avg)
{
	*len = *avg = 0;
	for (unsigned i = 0; i < rec->nf; i++)
		if (rk->indexed[rec->fid[i]]) {
			*len += rk->cjk ? rec->fcjk[i] : rec->flen[i];
			*avg += rk->cjk ? rk->cav[rec->fid[i]] : rk->avg[rec->fid[i]];
		}
}

/* (2A / (A + L))^focus (gw_rank_params.focus): A document must hold every
 * part of a query of several parts; a short one is more likely to be about
 * all of them together than a long one that mentions each in passing.
 * BM25's length normalization alone saturates with tf, so it hardly tells
 * two documents that hold each part once apart. For a query of CJK words,
 * L and A count CJK characters (cjk_focus): a help page's English
 * commands and code do not dilute its Chinese. */
static double focus_factor(const ranker *rk, const gw_record *rec)
{
	double len, avg, x;

	doc_length(rk, rec, &len, &avg);
	if (avg <= 0) /* no lengths read: neutral */
		return 1;
	x = 2 * avg / (avg + len);
	return rk->focus == 1.5 ? x * sqrt(x) : pow(x, rk->focus); /* sqrt: the default, cheaper */
}

/* What multiplies a document's sum of parts: the same-script bonus and the
 * focus factor. */
static double doc_factor(const gw_results *r, const ranker *rk, const gw_record *rec)
{
	return (same_script(r, rec) ? 1 + rk->p.script_bonus : 1) * (rk->focus > 0 ? focus_factor(rk, rec) : 1);
}

/* The most doc_factor() can be for a document of norm nm (gw_norms.h):
 * the focus factor grows with A and falls with L, so it takes L rounded
 * down, and A of the norm's field set (of every indexed field if the set
 * is unknown; with A = 0, the focus factor is 1). */
static double factor_of(const gw_results *r, const ranker *rk, int script, double a, uint32_t len)
{
	double f = r->q->script != GW_SCRIPT_NONE && script == r->q->script ? 1 + rk->p.script_bonus : 1;

	if (rk->focus > 0) {
		double x = a > 0 ? 2 * a / (a + len) : 1; /* as focus_factor */
		f *= rk->focus == 1.5 ? x * sqrt(x) : pow(x, rk->focus);
	}
	return f;
}

/* A of the field set of norm nm. */
static double set_average(const ranker *rk, uint32_t nm)
{
	unsigned set = gw_norm_fset(nm);

	return set < rk->naset ? rk->aset[set] : rk->amax;
}

static double factor_bound(const gw_results *r, const ranker *rk, uint32_t nm)
{
	return factor_of(r, rk, gw_norm_script(nm), set_average(rk, nm), gw_norm_len_floor(nm));
}

/* The most doc_factor() can be for any document of script `script` and
 * length floor len or more in a span of norms (gw_norms_floor), whatever
 * its field set: factor_bound with A of every indexed field, which is at
 * least A of any set, as the focus factor grows with A; except that a set
 * whose A is 0 has a focus factor of 1. */
static double span_factor(const gw_results *r, const ranker *rk, int script, uint32_t len)
{
	double f = factor_of(r, rk, script, rk->amax, len), one = factor_of(r, rk, script, 0, len);

	return rk->aset_zero && f < one ? one : f;
}


/* factor_bound of docid's norm; without one (none stored, or the table
 * unreadable), the most any document's factor can be. With verify_norms,
 * the bound is also checked against the factor of docid's lens entry. */
static double norm_bound(gw_results *r, const ranker *rk, gw_norms_reader *norms, gw_lens_reader *lens,
                         uint32_t docid)
{
	uint32_t nm = gw_norms_read(norms, docid);
	double b = nm ? factor_bound(r, rk, nm) : rk->fmax;

	if (r->verify_norms) {
		gw_record rec;
		rec.nf = 0;
		if (gw_lens_read(lens, docid, &rec))
			rec.nf = 0, rec.script = GW_SCRIPT_NONE;
		r->norm_errors += doc_factor(r, rk, &rec) > b * (1 + 1e-12);
	}
	return b;
}

/* 1 if a document whose parts can add up to at most bound, times its
 * factor, cannot enter a full heap of k hits (ordered by score). Its
 * length is known before its matches are read: with the focus factor, a
 * long document's bound is low, so most documents of a query of common
 * words are counted without being scored. The margin covers rounding:
 * score_part's terms can come out an ulp above their bound. Later docids
 * lose ties, so "not more" suffices. */
static int cannot_enter(const scored *heap, size_t nheap, size_t k, double bound, double factor)
{
	return k && nheap == k && bound * factor * (1 + 1e-9) <= heap[0].score;
}

/* Keeps the best k of the scored documents in a heap whose root is the
 * worst kept (cmp orders best first), so ranking n matches costs
 * n log k, not n log n. */
typedef int (*order_fn)(const void *, const void *);

static void sift_down(scored *h, size_t n, size_t i, order_fn cmp)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;
		if (l < n && cmp(&h[l], &h[w]) > 0)
			w = l;
		if (r < n && cmp(&h[r], &h[w]) > 0)
			w = r;
		if (w == i)
			return;
		scored t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_offer(scored *h, size_t *n, size_t k, const scored *s, order_fn cmp)
{
	if (*n < k) {
		size_t i = (*n)++;
		h[i] = *s;
		while (i > 0 && cmp(&h[i], &h[(i - 1) / 2]) > 0) {
			scored t = h[i];
			h[i] = h[(i - 1) / 2];
			h[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
	} else if (k && cmp(s, &h[0]) < 0) {
		h[0] = *s;
		sift_down(h, *n, 0, cmp);
	}
}

static gw_rc take_hits(gw_results *r, scored *heap, size_t nheap, const gw_search_opts *o, order_fn cmp,
                       gw_err *err);

/* The hits a search keeps ranked: offset + limit (SIZE_MAX if that
 * overflows). */
static size_t hits_wanted(const gw_search_opts *o)
{
	return o->offset + o->limit < o->offset ? SIZE_MAX : o->offset + o->limit;
}

/* 1 if filters, facets or the date order need each match's stored record. */
static int needs_texts(const gw_search_opts *o)
{
	return o->type || o->after || o->before || o->facet || o->sort_date;
}

/* The stored record of docid, short fields only (filters, facets and the
 * date order read no packed text). */
static gw_rc read_short(gw_results *r, uint32_t docid, gw_record *rec, gw_err *err)
{
	const void *val;
	size_t len;
	gw_rc rc = gw_doc_get(r->t, docid, &val, &len, err);

	if (rc == GW_ENOTFOUND)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': a match without a record", docid);
	if (rc)
		return rc;
	if (gw_record_parse(val, len, rec, 1, NULL, NULL))
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': record does not parse", docid);
	return GW_OK;
}

static gw_rc rank(gw_results *r, const docset *docs, const partm *pm, const ranker *rk,
                  const gw_search_opts *o, gw_err *err)
{
	/* Stored texts are read only when a filter, the date order or a facet
	 * needs them; ranking needs only the field lengths and the script,
	 * which the lens table holds packed (gw_lens.h). */
	int texts = needs_texts(o);
	order_fn cmp = o->sort_date ? by_date : by_score;
	size_t k = hits_wanted(o);
	scored *heap = malloc((k < docs->n ? k : docs->n ? docs->n : 1) * sizeof *heap);
	size_t nheap = 0;
	gw_lens_reader lens;
	gw_norms_reader norms;
	size_t hint_small[SMALL_PARTS], *hint = tmp_array(hint_small, r->q->nparts, sizeof *hint);
	gw_rc rc = GW_OK;
	int lr;

	if (k > docs->n)
		k = docs->n;
	r->facets = r->fid_facet ? malloc((docs->n ? docs->n : 1) * sizeof *r->facets) : NULL;
	if (!heap || !hint || (r->fid_facet && !r->facets)) {
		free(heap);
		tmp_free(hint, hint_small);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	gw_lens_reader_init_cached(&lens, r->t, r->lens_cache);
	gw_norms_reader_init_cached(&norms, r->t, r->norms_cache);
	for (size_t i = 0; i < docs->n; i++) {
		size_t len;
		gw_record rec;
		scored sc = {docs->d[i], 0, NULL, 0};
		double bound, factor; /* bound: read only once the heap is full */
		rec.nf = 0;
		/* Filters and facets read short fields, never packed. A record
		 * that cannot be read ends the search with its error (it used to
		 * be skipped, its error left behind a search that succeeded). */
		if (texts && (rc = read_short(r, docs->d[i], &rec, err)))
			break;
		if (texts && !passes(r, o, &rec, &sc))
			continue;
		if (texts && r->fid_facet) {
			const char *fv = field_text(&rec, r->fid_facet, &len);
			if (fv) {
				gw_facet f = {fv, len, 1};
				r->facets[r->nfacets++] = f;
			}
		}
		r->total++;
		if (k == 0) /* only the total (and facets) are wanted */
			continue;
		/* MaxScore: once the heap holds k hits, a document whose parts,
		 * times the most its norm allows its factor to be, could not add
		 * up to more than the worst of them is counted but not scored (no
		 * lens read). Later docids lose ties, so "not more" suffices. */
		bound = cmp == by_score && nheap == k ? doc_bound(rk, r->q, pm, hint, docs->d[i]) : 0;
		if (!texts && cmp == by_score && nheap == k &&
		    cannot_enter(heap, nheap, k, bound, norm_bound(r, rk, &norms, &lens, docs->d[i]))) {
			r->unread++;
			continue;
		}
		if (!texts && (lr = gw_lens_read(&lens, docs->d[i], &rec))) {
			if (lr < 0) {
				rc = gw_damaged(err, "lens", NULL, 0, "the lengths of document %u cannot be read", docs->d[i]);
				break;
			}
			rec.nf = 0, rec.script = GW_SCRIPT_NONE;
		}
		factor = doc_factor(r, rk, &rec);
		if (cmp == by_score && cannot_enter(heap, nheap, k, bound, factor))
			continue;
		r->scored++;
		sc.score = score_doc(rk, r->q, pm, hint, docs->d[i], &rec) * factor;
		heap_offer(heap, &nheap, k, &sc, cmp);
	}
	if (rc == GW_OK && norms.damaged)
		rc = gw_damaged(err, "norms", NULL, 0, "a block of norms is damaged");
	gw_lens_reader_close(&lens);
	gw_norms_reader_close(&norms);
	tmp_free(hint, hint_small);
	if (rc) {
		free(heap);
		return rc;
	}
	return take_hits(r, heap, nheap, o, cmp, err);
}

/* Sorts the heap of the best offset + limit documents into r->hits
 * (without the first offset), counts the facets, frees heap. */
static gw_rc take_hits(gw_results *r, scored *heap, size_t nheap, const gw_search_opts *o, order_fn cmp,
                       gw_err *err)
{
	size_t skip, keep;

	if (nheap > 1)
		qsort(heap, nheap, sizeof *heap, cmp);
	if (count_facets(r, r->an, err)) {
		free(heap);
		return err->rc;
	}
	skip = o->offset < nheap ? o->offset : nheap;
	keep = nheap - skip < o->limit ? nheap - skip : o->limit;
	r->hits = malloc((keep ? keep : 1) * sizeof *r->hits);
	if (!r->hits) {
		free(heap);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	for (size_t j = 0; j < keep; j++) {
		r->hits[j].docid = heap[skip + j].docid;
		r->hits[j].score = heap[skip + j].score;
	}
	r->nhits = keep;
	free(heap);
	return GW_OK;
}

/* Merges the two docid-sorted runs v[0..mid) and v[mid..n) (fields are
 * matched one after the other, each run in docid order). */
static int merge_runs(gw_matches *v, size_t mid, gw_match **tmp, size_t *tmp_cap)
{
	size_t i = 0, j = mid, o = 0;

	if (mid == 0 || mid == v->n || by_doc(&v->m[mid - 1], &v->m[mid]) <= 0)
		return 0;
	if (*tmp_cap < v->n) {
		gw_match *t = realloc(*tmp, v->n * sizeof *t);
		if (!t)
			return -1;
		*tmp = t;
		*tmp_cap = v->n;
	}
	while (i < mid || j < v->n)
		(*tmp)[o++] = (j >= v->n || (i < mid && by_doc(&v->m[i], &v->m[j]) <= 0)) ? v->m[i++] : v->m[j++];
	memcpy(v->m, *tmp, v->n * sizeof *v->m);
	return 0;
}

/* The results' unpacker, given the index's dictionary on first use; NULL
 * (err set) if it cannot be read. */
static gw_unpacker *results_unpacker(gw_results *r, gw_err *err)
{
	if (!r->unpacker->dict && gw_txn_zdict(r->t, &r->unpacker->dict, err))
		return NULL;
	return r->unpacker;
}

/* Collects the positions of one character term in an analyzed text. */
typedef struct char_pos {
	const char *term;
	size_t len;
	gw_matches *v;
	uint32_t n;
	int oom;
} char_pos;

static int on_char(void *ctx, const gw_token *t)
{
	char_pos *c = ctx;

	if (t->kind != GW_T_CHAR || t->len != c->len || memcmp(t->term, c->term, c->len) != 0 ||
	    c->n >= GW_ANCHORS_MAX)
		return 0;
	if (gw_matches_push_anchor(c->v, t->pos)) {
		c->oom = 1;
		return 1;
	}
	c->n++;
	return 0;
}

/* The anchors of part p's matches when the part is one character: its
 * postings keep its positions at the ends of its runs only
 * (gw_char_position_kept), and NEAR needs them all, so they are read off
 * the matched documents' stored texts (NEAR on a single character is
 * rare; a phrase never needs this). The anchors are rebuilt in place. */
static gw_rc char_anchors(gw_results *r, gw_matches *v, size_t p, gw_err *err)
{
	const gw_qpart *part = &r->q->parts[p];
	const gw_qterm *c = &r->q->el[part->first].alt[0];
	gw_buf unz = GW_BUF_INIT;
	gw_unpacker *u;
	gw_rc rc = GW_OK;

	if (part->n != 1 || r->q->el[part->first].nalt != 1 || c->kind != GW_T_CHAR || c->prefix)
		return GW_OK;
	if (!(u = results_unpacker(r, err)))
		return err->rc;
	v->nanchors = 0;
	for (size_t i = 0; i < v->n && rc == GW_OK; i++) {
		char_pos cp = {gw_qterm_str(r->q, c), c->len, v, 0, 0};
		const void *val;
		size_t len;
		gw_record rec;
		int k;
		v->m[i].aoff = (uint32_t)v->nanchors;
		v->m[i].an = 0;
		if ((rc = gw_doc_get(r->t, v->m[i].docid, &val, &len, err)))
			break;
		if (gw_record_parse(val, len, &rec, 1, &unz, u) ||
		    (k = gw_record_field(&rec, v->m[i].fid)) < 0) {
			rc = gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", v->m[i].docid);
			break;
		}
		rc = gw_analyze(r->an, rec.text[k], rec.text_len[k], 0, 0, on_char, &cp, NULL, err);
		if (rc == GW_OK && cp.oom)
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		v->m[i].an = cp.n;
	}
	gw_buf_free(&unz);
	return rc;
}

/* The documents of part p: every field it may match in, or only the
 * candidate documents cand (sorted) when given. */
static gw_rc match_one(gw_results *r, partm *pm, size_t p, const docset *cand, gw_match **tmp,
                       size_t *tmp_cap, gw_err *err)
{
	gw_matches *v = &pm[p].v;

	for (unsigned f = 1; f <= r->ft.n; f++) {
		size_t mid = v->n;
		if (!gw_part_in_field(r->q, p, &r->ft, f))
			continue;
		if (gw_match_part(r->t, r->q, p, f, cand ? cand->d : NULL, cand ? cand->n : 0, v, err))
			return err->rc;
		if (merge_runs(v, mid, tmp, tmp_cap))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	if (r->q->anchors && char_anchors(r, v, p, err))
		return err->rc;
	pm[p].docs = malloc((v->n ? v->n : 1) * sizeof *pm[p].docs);
	if (!pm[p].docs)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	pm[p].ndocs = 0;
	for (size_t i = 0; i < v->n; i++)
		if (i == 0 || v->m[i].docid != v->m[i - 1].docid)
			pm[p].docs[pm[p].ndocs++] = v->m[i].docid;
	return GW_OK;
}

typedef struct part_order {
	const gw_query *q;
	const double *est; /* estimated df by part */
} part_order;

/* Rarest first by estimated df; then longest first. */
static int by_rarity(const void *a, const void *b, void *ctx)
{
	const part_order *o = ctx;
	size_t pa = *(const size_t *)a, pb = *(const size_t *)b;
	uint32_t x = o->q->parts[pa].span, y = o->q->parts[pb].span;

	if (o->est[pa] != o->est[pb])
		return o->est[pa] < o->est[pb] ? -1 : 1;
	return (x < y) - (x > y);
}

/* Upper bound of the documents part p matches: the (document, field)
 * occurrences of its rarest element in each field, at most N (gw_search.h). */
static gw_rc estimate_df(gw_results *r, size_t p, double *df, gw_err *err)
{
	uint64_t sum = 0, d;

	for (unsigned f = 1; f <= r->ft.n; f++) {
		if (!gw_part_in_field(r->q, p, &r->ft, f))
			continue;
		if (gw_match_df(r->t, r->q, p, f, &d, err))
			return err->rc;
		sum += d;
	}
	*df = (double)sum < r->ndocs ? (double)sum : r->ndocs;
	return GW_OK;
}

/* Matches every part. Under a top-level AND, the positive parts go rarest
 * first (by an upper bound of their df read from chunk headers), each
 * checked only on the documents that all the parts before it matched; the
 * df of those is then the estimate. df[p] gets each part's document
 * frequency. */
static gw_rc match_parts(gw_results *r, partm *pm, size_t np, double *df, gw_err *err)
{
	const gw_qnode *root = &r->q->nodes[r->q->root];
	gw_match *tmp = NULL;
	size_t tmp_cap = 0, n = 0;
	size_t order_small[SMALL_PARTS], *order = tmp_array(order_small, np, sizeof *order);
	uint8_t done_small[SMALL_PARTS], *done = tmp_array(done_small, np, sizeof *done);
	double est_small[SMALL_PARTS], *est = tmp_array(est_small, np, sizeof *est);
	docset cand = {NULL, 0};
	gw_rc rc = GW_OK;

	if (!order || !done || !est) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto out;
	}
	/* A part is the child of one node only: n <= np. */
	for (size_t k = 0; root->kind == GW_QN_AND && k < root->n; k++) {
		const gw_qnode *kid = &r->q->nodes[r->q->kids[root->first + k]];
		if (kid->kind == GW_QN_PART && kid->part < np)
			order[n++] = kid->part;
	}
	if (n > 1) {
		part_order po = {r->q, est};
		for (size_t k = 0; k < n && rc == GW_OK; k++)
			rc = estimate_df(r, order[k], &est[order[k]], err);
		if (rc)
			goto out;
		qsort_r(order, n, sizeof order[0], by_rarity, &po);
	}
	for (size_t k = 0; k < n && rc == GW_OK; k++) {
		size_t p = order[k];
		docset mine;
		if ((rc = match_one(r, pm, p, k ? &cand : NULL, &tmp, &tmp_cap, err)))
			break;
		done[p] = 1;
		if (k == 0) {
			/* Alone it is exact; beside others it takes the estimate
			 * like them, so scores do not depend on the order. */
			df[p] = n > 1 ? est[p] : (double)pm[p].ndocs;
			if (set_alloc(&cand, pm[p].ndocs)) {
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
				break;
			}
			if (pm[p].ndocs)
				memcpy(cand.d, pm[p].docs, pm[p].ndocs * sizeof *cand.d);
			cand.n = pm[p].ndocs;
			continue;
		}
		df[p] = est[p];
		mine.d = pm[p].docs;
		mine.n = pm[p].ndocs;
		set_and(&cand, &mine);
	}
	for (size_t p = 0; p < np && rc == GW_OK; p++)
		if (!done[p] && (rc = match_one(r, pm, p, NULL, &tmp, &tmp_cap, err)) == GW_OK)
			df[p] = (double)pm[p].ndocs;
	/* The parts of a top-level OR take the estimate too: the document-at-
	 * a-time plan of an OR scores each document as it meets it, before it
	 * has counted any part's documents. */
	for (size_t k = 0; rc == GW_OK && root->kind == GW_QN_OR && k < root->n; k++) {
		const gw_qnode *kid = &r->q->nodes[r->q->kids[root->first + k]];
		if (kid->kind == GW_QN_PART && kid->part < np)
			rc = estimate_df(r, kid->part, &df[kid->part], err);
	}
out:
	free(cand.d);
	free(tmp);
	tmp_free(order, order_small);
	tmp_free(done, done_small);
	tmp_free(est, est_small);
	return rc;
}

/* A part of one element (a word, or a two-character Han run), field-
 * restricted or not, that a match need not exclude. */
static int plain_part(const gw_query *q, const gw_qnode *nd)
{
	return nd->kind == GW_QN_PART && !q->parts[nd->part].negated && q->parts[nd->part].n == 1;
}

/* The plans of a search (gw_results.direct). */
enum { PLAN_GENERAL = 0, PLAN_AND, PLAN_OR };

/* The document-at-a-time plan. For the commonest queries, an AND of plain
 * parts or a lone one, the general plan materializes every part's
 * matches, intersects them and then looks each document up again to score
 * it. Here the parts' cursors (gw_pcur) are advanced together, rarest
 * first, and each document on which all of them sit is scored at once
 * (PLAN_AND); for an OR of plain parts, each document on which any of
 * them sits, with those that do (PLAN_OR). Scores, totals and order are
 * those of the general plan (tests/test_plans.c compares the two). */
static int direct_plan(const gw_results *r, const gw_search_opts *o)
{
	const gw_query *q = r->q;
	const gw_qnode *root = &q->nodes[q->root];

	if (o->general_plan || needs_texts(o) || q->anchors)
		return PLAN_GENERAL;
	if (root->kind == GW_QN_PART) /* a lone plain part: a walk of its one cursor */
		return q->nparts == 1 && plain_part(q, root) ? PLAN_AND : PLAN_GENERAL;
	if ((root->kind != GW_QN_AND && root->kind != GW_QN_OR) || root->n < 2 || root->n != q->nparts)
		return PLAN_GENERAL;
	for (size_t k = 0; k < root->n; k++)
		if (!plain_part(q, &q->nodes[q->kids[root->first + k]]))
			return PLAN_GENERAL;
	return root->kind == GW_QN_AND ? PLAN_AND : PLAN_OR;
}

/* Opens the cursor of every part for the direct plan (NULL where a part
 * matches nowhere), and sets df to their estimates: the ones match_parts
 * gives every part of an AND, read from the same chunk headers. */
static gw_rc direct_open(gw_results *r, gw_pcur **cur, double *df, gw_err *err)
{
	for (size_t p = 0; p < r->q->nparts; p++) {
		double sum;
		if (gw_pcur_open(r->t, r->q, p, &r->ft, &cur[p], err))
			return err->rc;
		sum = (double)gw_pcur_df(cur[p]);
		df[p] = sum < r->ndocs ? sum : r->ndocs;
	}
	return GW_OK;
}

/* Past total_max (walk_and): for the heap's worst score theta, the least
 * length floor at which a document of each script cannot enter the hits
 * (its factor's bound falls as the length grows), so that telling whether
 * a span of norms, or a document by its norm, can be passed takes a
 * comparison per script instead of the bound's arithmetic. */
typedef struct span_cuts {
	double theta;     /* the heap's worst score they were found for */
	uint32_t cut[4];  /* by script, for a span (span_factor); UINT32_MAX: no length */
	/* The same for one document by its norm (factor_bound), by script and
	 * field set, found when first needed for this theta (gen). */
	uint32_t gen;
	uint32_t *dcut, *dgen; /* [set * 4 + script], for the sets of rk->aset */
	int no_dcut;      /* no memory for them: documents take the span cuts */
} span_cuts;

/* Lengths above every length floor a norm can give (gw_norm_len_floor). */
#define LEN_FLOOR_END (1u << 24)

/* The least length from which a document of script s cannot enter a heap
 * of k whose worst score is heap[0]'s, for a bound of its parts, and A = a
 * of its field set (a < 0: a span's, span_factor); UINT32_MAX if none. A
 * binary search with the bound's own arithmetic, which falls monotonically
 * with the length, so that "length >= cut" is exactly cannot_enter. */
static uint32_t first_out(const gw_results *r, const ranker *rk, const scored *heap, size_t nheap, size_t k,
                          double bound, int s, double a)
{
	uint32_t lo = 0, hi = LEN_FLOOR_END;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		double f = a < 0 ? span_factor(r, rk, s, mid) : factor_of(r, rk, s, a, mid);
		if (cannot_enter(heap, nheap, k, bound, f))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < LEN_FLOOR_END ? lo : UINT32_MAX;
}

static void cuts_update(span_cuts *c, const gw_results *r, const ranker *rk, const scored *heap, size_t nheap,
                        size_t k, double bound)
{
	c->theta = heap[0].score;
	c->gen++;
	for (int s = 0; s < 4; s++)
		c->cut[s] = first_out(r, rk, heap, nheap, k, bound, s, -1);
}

/* 1 if the document of norm nm (not 0) cannot enter the hits: exactly
 * cannot_enter(factor_bound(nm)). */
static int doc_out(span_cuts *c, const gw_results *r, const ranker *rk, const scored *heap, size_t nheap,
                   size_t k, double bound, uint32_t nm)
{
	unsigned set = gw_norm_fset(nm);
	int s = gw_norm_script(nm);
	size_t i = (size_t)set * 4 + (size_t)s;

	if (set >= rk->naset) /* factor_bound takes A of every field: a span's cut, or higher */
		return gw_norm_len_floor(nm) >= c->cut[s];
	if (!c->dcut && !c->no_dcut && (!(c->dcut = malloc(rk->naset * 4 * sizeof *c->dcut)) ||
	                                !(c->dgen = calloc(rk->naset * 4, sizeof *c->dgen)))) {
		free(c->dcut);
		c->dcut = NULL;
		c->no_dcut = 1;
	}
	if (!c->dcut) /* the span cut is the same or higher: it passes fewer */
		return gw_norm_len_floor(nm) >= c->cut[s];
	if (c->dgen[i] != c->gen) {
		c->dcut[i] = first_out(r, rk, heap, nheap, k, bound, s, rk->aset[set]);
		c->dgen[i] = c->gen;
	}
	return gw_norm_len_floor(nm) >= c->dcut[i];
}

/* 1 if no document of a span whose least lengths by script are floor[]
 * can enter: exactly cannot_enter of the highest span_factor of its
 * scripts' shortest documents. */
static int span_out(const span_cuts *c, const uint32_t floor[4])
{
	for (int s = 0; s < 4; s++)
		if (floor[s] != UINT32_MAX && floor[s] < c->cut[s])
			return 0;
	return 1;
}

/* The first docid from d on whose norm does not show that it cannot enter
 * the hits (or that has none); 0 if there is none to the end of the
 * norms' docids. The norms lead here, not the postings: spans that cannot
 * enter are passed whole by their floors, the rest document by document,
 * a comparison each, and the lead part is then skipped to the candidate
 * at once (gw_pcur_skip walks its entries without stopping at each). */
static uint32_t next_candidate(span_cuts *c, gw_results *r, const ranker *rk, const scored *heap, size_t nheap,
                               size_t k, double bound, gw_norms_reader *norms, uint32_t d)
{
	for (;;) {
		uint32_t floor[4], end = gw_norms_floor(norms, d, floor);
		if (!end)
			return d; /* no bound (a document without a norm, or past them all) */
		if (span_out(c, floor)) {
			r->blocks_passed++;
			r->passed += end - d;
		} else {
			for (; d < end; d++) {
				uint32_t nm = gw_norms_read(norms, d);
				if (!nm || !doc_out(c, r, rk, heap, nheap, k, bound, nm))
					return d;
				r->passed++;
			}
		}
		if (end % GW_NORMS_SPAN) /* the block's norms end inside the span */
			return end;
		d = end;
	}
}

/* Offers document d to the heap of k for a direct plan, with the parts
 * whose cursor sits on it (at[p] == d; every part if at is NULL), whose
 * scores add up to at most bound: not if its norm shows it cannot enter
 * (counted unread, its lens entry not read), nor if its lens entry's
 * factor does; else scored (the decisions rank() makes, in its order). */
static void offer_doc(gw_results *r, const ranker *rk, gw_lens_reader *lens, gw_norms_reader *norms, gw_pcur **cur,
                      const uint32_t *at, size_t np, uint32_t d, double bound, scored *heap, size_t *nheap,
                      size_t k)
{
	gw_match m[GW_MAX_FIELDS];
	gw_record rec;
	double total = 0, factor;

	if (*nheap == k && cannot_enter(heap, *nheap, k, bound, norm_bound(r, rk, norms, lens, d))) {
		r->unread++;
		return;
	}
	rec.nf = 0;
	if (gw_lens_read(lens, d, &rec))
		rec.nf = 0, rec.script = GW_SCRIPT_NONE;
	factor = doc_factor(r, rk, &rec);
	if (cannot_enter(heap, *nheap, k, bound, factor))
		return;
	r->scored++;
	for (size_t p = 0; p < np; p++) /* in part order, as score_doc sums */
		if ((!at || at[p] == d) && !unscored(&r->q->parts[p]))
			total += score_part(rk, p, m, gw_pcur_matches(cur[p], m), &rec);
	scored sc = {d, total * factor, NULL, 0};
	if (*nheap < k || (k && sc.score >= heap[0].score)) /* most lose to the worst kept */
		heap_offer(heap, nheap, k, &sc, by_score);
}

/* Scores the documents every cursor sits on (cur[order[0]] the rarest;
 * np may be 1) into the heap of k. */
static void walk_and(gw_results *r, const ranker *rk, gw_pcur **cur, const size_t *order, size_t np,
                     scored *heap, size_t *nheap, size_t k)
{
	gw_lens_reader lens;
	gw_norms_reader norms;
	gw_pcur *lead = cur[order[0]];
	uint32_t d = gw_pcur_skip(lead, 1);
	span_cuts cuts = {-1, {0, 0, 0, 0}, 0, NULL, NULL, 0};
	double bound = 0;

	for (size_t p = 0; p < np; p++) /* in part order, as doc_bound sums */
		bound += rk->ub[p];
	gw_lens_reader_init_cached(&lens, r->t, r->lens_cache);
	gw_norms_reader_init_cached(&norms, r->t, r->norms_cache);
	while (d) {
		uint32_t next = 0;
		/* Past the matches counted exactly (gw_search_opts.total_max),
		 * documents that could not enter the hits even if every part
		 * matched are passed without probing the other parts, and not
		 * counted, so the total becomes a lower bound: the norms find the
		 * next document that could (next_candidate), and the lead skips
		 * to it. With verify_norms, each document's bound is computed
		 * and checked as before the threshold. */
		if (k && *nheap == k && r->total >= r->total_max) {
			uint32_t c;
			if (cuts.theta != heap[0].score)
				cuts_update(&cuts, r, rk, heap, *nheap, k, bound);
			if (!r->verify_norms && (c = next_candidate(&cuts, r, rk, heap, *nheap, k, bound, &norms, d)) != d) {
				r->total_gte = 1;
				d = gw_pcur_skip(lead, c ? c : UINT32_MAX);
				continue;
			}
			if (r->verify_norms && cannot_enter(heap, *nheap, k, bound, norm_bound(r, rk, &norms, &lens, d))) {
				r->total_gte = 1;
				r->passed++;
				d = gw_pcur_skip(lead, d + 1);
				continue;
			}
		}
		for (size_t i = 1; i < np && !next; i++) {
			uint32_t di = gw_pcur_skip(cur[order[i]], d);
			if (!di)
				goto done;
			if (di != d)
				next = di;
		}
		if (next) {
			d = gw_pcur_skip(lead, next);
			continue;
		}
		r->total++;
		if (k == 0) { /* only the total is wanted */
			d = gw_pcur_skip(lead, d + 1);
			continue;
		}
		/* Its norm may show it cannot enter, before its lens entry is
		 * read (gw_norms.h). */
		offer_doc(r, rk, &lens, &norms, cur, NULL, np, d, bound, heap, nheap, k);
		d = gw_pcur_skip(lead, d + 1);
	}
done:
	free(cuts.dcut);
	free(cuts.dgen);
	gw_lens_reader_close(&lens);
	gw_norms_reader_close(&norms);
	/* "At least total_max", whatever was counted past it; or the hits
	 * kept, if more (passing starts once they fill the heap). */
	if (r->total_gte)
		r->total = r->total_max > *nheap ? r->total_max : *nheap;
}

/* Scores the documents any cursor sits on (PLAN_OR) into the heap of k,
 * with the parts that sit on each: the decisions of rank() over the union
 * of the parts' documents, made as they come. at[p] is where cursor p is
 * (0: at its end). */
static void walk_or(gw_results *r, const ranker *rk, gw_pcur **cur, uint32_t *at, size_t np, scored *heap,
                    size_t *nheap, size_t k)
{
	gw_lens_reader lens;
	gw_norms_reader norms;

	gw_lens_reader_init_cached(&lens, r->t, r->lens_cache);
	gw_norms_reader_init_cached(&norms, r->t, r->norms_cache);
	for (size_t p = 0; p < np; p++)
		at[p] = cur[p] ? gw_pcur_skip(cur[p], 1) : 0;
	for (;;) {
		uint32_t d = 0;
		for (size_t p = 0; p < np; p++)
			if (at[p] && (!d || at[p] < d))
				d = at[p];
		if (!d)
			break;
		r->total++;
		if (k) { /* MaxScore, as rank(): the bounds of the parts on d */
			double bound = 0;
			for (size_t p = 0; p < np; p++) /* in part order, as doc_bound sums */
				if (at[p] == d && rk->ub[p] > 0)
					bound += rk->ub[p];
			offer_doc(r, rk, &lens, &norms, cur, at, np, d, bound, heap, nheap, k);
		}
		for (size_t p = 0; p < np; p++)
			if (at[p] == d)
				at[p] = gw_pcur_skip(cur[p], d + 1);
	}
	gw_lens_reader_close(&lens);
	gw_norms_reader_close(&norms);
}

static gw_rc rank_direct(gw_results *r, const ranker *rk, gw_pcur **cur, const double *df,
                         const gw_search_opts *o, gw_err *err)
{
	size_t np = r->q->nparts, k = hits_wanted(o);
	size_t order_small[SMALL_PARTS], *order = tmp_array(order_small, np, sizeof *order);
	part_order po = {r->q, df};
	double most = 0; /* the documents the walk can meet, at most */
	scored *heap;
	size_t nheap = 0;
	int empty = 0;

	if (!order)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t p = 0; p < np; p++) {
		order[p] = p;
		empty |= !cur[p];
		most += df[p];
	}
	qsort_r(order, np, sizeof order[0], by_rarity, &po);
	/* The rarest part's estimate bounds the matches of an AND (and so the
	 * heap), the sum of them those of an OR. */
	if (r->direct == PLAN_AND)
		most = df[order[0]];
	if (k > most)
		k = (size_t)most;
	if (!(heap = malloc((k ? k : 1) * sizeof *heap))) {
		tmp_free(order, order_small);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	if (r->direct == PLAN_OR) {
		uint32_t at_small[SMALL_PARTS], *at = tmp_array(at_small, np, sizeof *at);
		if (!at) {
			free(heap);
			tmp_free(order, order_small);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		walk_or(r, rk, cur, at, np, heap, &nheap, k);
		tmp_free(at, at_small);
	} else if (!empty) {
		walk_and(r, rk, cur, order, np, heap, &nheap, k);
	}
	tmp_free(order, order_small);
	return take_hits(r, heap, nheap, o, by_score, err);
}

/* rk->aset: A (the sum of the fields' average lengths) of each field set
 * the norms name. Without it (none stored, damaged, out of memory),
 * factor_bound takes every field's. */
static void set_averages(ranker *rk, gw_txn *t, const gw_fieldtab *ft)
{
	gw_fsets fs;
	gw_err e;

	rk->amax = 0;
	for (unsigned f = 1; f <= ft->n; f++)
		if (rk->indexed[f])
			rk->amax += rk->cjk ? rk->cav[f] : rk->avg[f];
	gw_err_clear(&e);
	if (gw_fsets_load(t, &fs, &e))
		return;
	if (fs.n && (rk->aset = malloc(fs.n * sizeof *rk->aset))) {
		for (size_t i = 0; i < fs.n; i++) {
			const unsigned char *fids;
			size_t n = gw_fsets_get_set(&fs, i, &fids);
			rk->aset[i] = 0;
			for (size_t j = 0; j < n; j++)
				if (fids[j] <= ft->n && rk->indexed[fids[j]])
					rk->aset[i] += rk->cjk ? rk->cav[fids[j]] : rk->avg[fids[j]];
			rk->aset_zero |= rk->aset[i] <= 0;
		}
		rk->naset = fs.n;
	}
	gw_fsets_free(&fs);
}

/* 1 if every scored part of q is CJK characters (their bigrams or
 * themselves): the focus factor then measures documents by their CJK
 * characters. Chosen because on two-word queries drawn from zh-docs, whose
 * help and man pages mix Chinese with long English text, it ranked the
 * document a query came from higher: R@10 0.694 -> 0.706 over 7 query sets
 * (tests/rank_eval.py; README "Ranking"). Other queries keep the length
 * in tokens. A document such a query matches has CJK characters, so its
 * norm holds their count (gw_norm_of). */
static int cjk_focus(const gw_query *q)
{
	int any = 0;

	for (size_t p = 0; p < q->nparts; p++) {
		const gw_qpart *part = &q->parts[p];
		if (unscored(part))
			continue;
		for (size_t e = 0; e < part->n; e++) {
			const gw_qelem *qe = &q->el[part->first + e];
			for (int a = 0; a < qe->nalt; a++)
				if (qe->alt[a].kind != GW_T_BIGRAM && qe->alt[a].kind != GW_T_CHAR)
					return 0;
		}
		any = 1;
	}
	return any;
}

static double idf_of(const ranker *rk, double df) { return log(1 + (rk->n - df + 0.5) / (df + 0.5)); }

static void set_idf(ranker *rk, const gw_query *q, size_t p, double idf)
{
	rk->idf[p] = idf;
	/* tf~ / (k1 + tf~) < 1, so a part adds less than this. */
	rk->ub[p] = unscored(&q->parts[p]) ? 0 : idf * (1 + rk->p.word_bonus);
}

/* A lone part's hits, ranked with an idf of 1, take the idf of its df
 * (the documents it matched); so do the ranker's idf and bound, which
 * gw_results_explain reads. The order stays: the scale is the same for
 * every hit. */
static void lone_scale(gw_results *r, ranker *rk, double df)
{
	r->df[0] = df;
	set_idf(rk, r->q, 0, idf_of(rk, df));
	for (size_t i = 0; i < r->nhits; i++)
		r->hits[i].score *= rk->idf[0];
}

static gw_rc run(gw_results *r, const gw_search_opts *o, gw_err *err)
{
	ranker rk;
	gw_rank_params defaults;
	size_t np = r->q->nparts;
	partm pm_small[SMALL_PARTS], *pm = tmp_array(pm_small, np, sizeof *pm);
	gw_pcur *cur_small[SMALL_PARTS], **cur = tmp_array(cur_small, np, sizeof *cur);
	double *df;
	docset docs = {NULL, 0};
	int direct, lone;
	gw_rc rc = GW_OK;

	memset(&rk, 0, sizeof rk);
	/* df, idf and ub by part live as long as the results (explain reads
	 * them): in place for a query of few parts. */
	r->df = np <= SMALL_PARTS ? r->part_small : calloc(3 * np, sizeof *r->df);
	if (!pm || !cur || !r->df) {
		tmp_free(pm, pm_small);
		tmp_free(cur, cur_small);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	df = r->df;
	rk.idf = r->idf = r->df + np;
	rk.ub = r->ub = r->df + 2 * np;
	gw_rank_defaults(&defaults);
	direct = r->direct = direct_plan(r, o);
	lone = np == 1 && r->q->nodes[r->q->root].kind == GW_QN_PART;
	if (lone) /* its document frequency is the count of its matches */
		r->total_max = SIZE_MAX;
	if ((rc = ranker_init(&rk, r->t, r->an, &r->ft, o->rank ? o->rank : &defaults, err)) == GW_OK &&
	    (r->ndocs = rk.n, rc = direct ? direct_open(r, cur, df, err) : match_parts(r, pm, np, df, err)) == GW_OK) {
		size_t positive = 0;
		for (size_t p = 0; p < np; p++)
			positive += !unscored(&r->q->parts[p]);
		rk.focus = positive >= 2 ? rk.p.focus : 0;
		rk.cjk = cjk_focus(r->q);
		/* A lone part is ranked with an idf of 1, and its hits' scores
		 * are then multiplied by its idf (lone_scale): the direct plan
		 * learns its document frequency only by walking every match, and
		 * an idf scales every score alike. */
		for (size_t p = 0; p < np; p++)
			set_idf(&rk, r->q, p, lone ? 1 : idf_of(&rk, df[p]));
		/* The focus factor is below 2^focus. */
		rk.fmax = (1 + rk.p.script_bonus) * pow(2, rk.focus);
		if (rk.focus > 0)
			set_averages(&rk, r->t, &r->ft);
		if (direct)
			rc = rank_direct(r, &rk, cur, df, o, err);
		else if (eval(r->q, pm, r->q->root, &docs))
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		else
			rc = rank(r, &docs, pm, &rk, o, err);
		if (rc == GW_OK && lone)
			lone_scale(r, &rk, direct ? (double)r->total : df[0]);
	}
	free(docs.d);
	for (size_t p = 0; p < np; p++) {
		gw_pcur_close(cur[p]);
		gw_matches_free(&pm[p].v);
		free(pm[p].docs);
	}
	tmp_free(pm, pm_small);
	tmp_free(cur, cur_small);
	free(rk.aset);
	rk.aset = NULL;
	rk.naset = 0;
	rk.aset_zero = 0;
	if (rc == GW_OK && !(r->rk = malloc(sizeof rk)))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK)
		*r->rk = rk;
	return rc;
}

/* Resolves the fields filters and facets need. */
static void find_fields(gw_results *r, gw_index *ix, const gw_search_opts *o)
{
	r->fid_type = gw_field_find(&r->ft, "_type", 5);
	r->fid_date = gw_field_find(&r->ft, "date", 4);
	r->fid_rdate = gw_field_find(&r->ft, "_date", 5);
	if (o->facet)
		r->fid_facet = gw_field_lookup(ix->an, &r->ft, o->facet, strlen(o->facet));
}

/* A handle that runs many searches (a --batch, a server's thread, a
 * program of the C API) checks the index whole once its searches have
 * taken as long as that check would, and its searches then skip the check
 * of each page they read (gw_search_trust): a handle that runs few never
 * pays for it, one that runs many at most doubles what it would have spent
 * either way (and then spends a third less a search). Due: before the
 * next search, so that a process's one search never waits for it. */
static void trust_if_due(gw_index *ix)
{
	gw_err e;

	if (!ix->trust_due)
		return;
	ix->trust_due = 0;
	ix->searched_us = 0;
	gw_err_clear(&e);
	gw_search_trust(ix, &e); /* damage: the searches that meet it say so */
}

/* What checking t's snapshot whole would cost, in µs; 0 once checked. */
static uint64_t trust_cost(const gw_txn *t)
{
	return gw_txn_checked(t) ? 0 : gw_txn_pages(t) * GW_TRUST_US_PER_PAGE;
}

static void count_search(gw_index *ix, const gw_txn *t, double t0)
{
	uint64_t cost = trust_cost(t);

	if (!cost)
		return;
	ix->searched_us += gw_now_us() - t0;
	if (ix->searched_us >= (double)cost)
		ix->trust_due = 1;
}

gw_rc gw_search(gw_index *ix, const char *query, size_t qlen, const gw_search_opts *opts,
                gw_results **out, gw_err *err)
{
	gw_results *r;
	gw_rc rc;
	double t0;

	*out = NULL;
	trust_if_due(ix);
	t0 = gw_now_us();
	r = calloc(1, sizeof *r);
	if (!r)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if ((rc = gw_store_begin(ix->s, 0, &r->t, err)) || (rc = gw_fields_load(r->t, &r->ft, err)) ||
	    (rc = gw_query_parse(ix->an, &r->ft, query, qlen, &r->q, err))) {
		gw_results_free(r);
		return rc;
	}
	r->an = ix->an;
	r->unpacker = &ix->unpacker;
	r->verify_norms = opts->verify_norms;
	r->total_max = opts->total_max ? opts->total_max : GW_TOTAL_DEFAULT;
	for (size_t p = 0; opts->filter_from && p < r->q->nparts; p++)
		r->q->parts[p].filter = r->q->parts[p].text_off >= opts->filter_from;
	/* Without memory for it, searches parse lens entries as they go. */
	if (!ix->lens_cache)
		ix->lens_cache = gw_lens_cache_new();
	r->lens_cache = ix->lens_cache;
	if (!ix->norms_cache)
		ix->norms_cache = gw_norms_cache_new();
	r->norms_cache = ix->norms_cache;
	find_fields(r, ix, opts);
	/* A damaged posting list ends a match early (gw_pl_next returns -1):
	 * the txn kept what it was. */
	if ((rc = run(r, opts, err)) || (rc = gw_txn_damage(r->t, err))) {
		gw_results_free(r);
		return rc;
	}
	count_search(ix, r->t, t0);
	*out = r;
	return GW_OK;
}

/* ---- warming a long-lived handle ---- */

static volatile unsigned char warm_sink; /* so that the reads are not dropped */

/* Reads a byte of each page of a value of a block table. */
static int touch(void *ctx, uint32_t block, const void *val, size_t len)
{
	const unsigned char *p = val;

	(void)ctx;
	(void)block;
	for (size_t i = 0; i < len; i += 4096)
		warm_sink += p[i];
	if (len)
		warm_sink += p[len - 1];
	return 0;
}

gw_rc gw_search_warm(gw_index *ix, gw_err *err)
{
	gw_txn *t;
	gw_rc rc;

	if ((rc = gw_store_begin(ix->s, 0, &t, err)))
		return rc;
	if (!ix->norms_cache)
		ix->norms_cache = gw_norms_cache_new();
	/* Without memory for the cache, only the norms' pages are read. */
	rc = ix->norms_cache ? gw_norms_cache_fill(ix->norms_cache, t, err)
	                     : gw_block_each(t, GW_BT_NORMS, touch, NULL, err);
	if (rc == GW_OK)
		rc = gw_block_each(t, GW_BT_LENS, touch, NULL, err);
	gw_txn_abort(t);
	return rc;
}

uint64_t gw_search_trust_cost(gw_index *ix)
{
	gw_txn *t;
	gw_err err;
	uint64_t us;

	gw_err_clear(&err);
	if (gw_store_begin(ix->s, 0, &t, &err))
		return 0;
	us = trust_cost(t);
	gw_txn_abort(t);
	return us;
}

gw_rc gw_search_trust(gw_index *ix, gw_err *err)
{
	gw_txn *t;
	gw_rc rc;

	if ((rc = gw_store_begin(ix->s, 0, &t, err)))
		return rc;
	rc = gw_txn_trust(t, err);
	gw_txn_abort(t);
	return rc;
}

gw_rc gw_lookup(gw_index *ix, const char *id, size_t len, gw_results **out, gw_err *err)
{
	gw_search_opts none = {0};
	gw_results *r;
	uint32_t docid;
	gw_rc rc;

	*out = NULL;
	if (id && (len == 0 || len > GW_ID_MAX))
		return gw_err_set(err, GW_EINVAL, 0, "an id is 1 to %d bytes long", GW_ID_MAX);
	if (!(r = calloc(1, sizeof *r)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if ((rc = gw_store_begin(ix->s, 0, &r->t, err)) || (rc = gw_fields_load(r->t, &r->ft, err)))
		goto fail;
	r->an = ix->an;
	r->unpacker = &ix->unpacker;
	find_fields(r, ix, &none);
	rc = id ? gw_id_get(r->t, id, len, &docid, err) : GW_ENOTFOUND;
	if (rc == GW_OK) {
		if (!(r->hits = calloc(1, sizeof *r->hits))) {
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			goto fail;
		}
		r->hits[0].docid = docid;
		r->nhits = r->total = 1;
	} else if (rc != GW_ENOTFOUND) {
		goto fail;
	}
	*out = r;
	return GW_OK;
fail:
	gw_results_free(r);
	return rc;
}

const gw_facet *gw_results_facets(const gw_results *r, size_t *n)
{
	*n = r->nfacets;
	return r->facets;
}

const char *gw_results_facet_field(const gw_results *r)
{
	return r->fid_facet ? r->ft.name[r->fid_facet] : NULL;
}

int gw_results_is_record(const gw_results *r, const gw_record *rec) { return is_record(r, rec); }

const char *gw_results_field(const gw_results *r, const gw_record *rec, const char *name, size_t *len)
{
	unsigned fid = gw_field_find(&r->ft, name, strlen(name));

	for (unsigned f = 1; !fid && f <= r->ft.n; f++)
		if (strcmp(r->ft.name[f], name) == 0)
			fid = f;
	return field_text(rec, fid, len);
}

void gw_results_free(gw_results *r)
{
	if (!r)
		return;
	if (r->ids_open)
		gw_lens_reader_close(&r->ids);
	gw_txn_abort(r->t);
	gw_fieldtab_free(&r->ft);
	gw_query_free(r->q);
	if (r->df != r->part_small)
		free(r->df);
	for (size_t i = 0; r->unz && i < r->nhits; i++)
		gw_buf_free(&r->unz[i]);
	free(r->unz);
	free(r->hits);
	free(r->facets);
	free(r->rk);
	free(r);
}

size_t gw_results_total(const gw_results *r) { return r->total; }
int gw_results_total_exact(const gw_results *r) { return !r->total_gte; }
size_t gw_results_passed(const gw_results *r) { return r->passed; }
size_t gw_results_blocks_passed(const gw_results *r) { return r->blocks_passed; }

size_t gw_results_scored(const gw_results *r) { return r->scored; }
size_t gw_results_unread(const gw_results *r) { return r->unread; }
size_t gw_results_norm_errors(const gw_results *r) { return r->norm_errors; }
int gw_results_direct(const gw_results *r) { return r->direct != PLAN_GENERAL; }
size_t gw_results_count(const gw_results *r) { return r->nhits; }
const gw_hit *gw_results_hit(const gw_results *r, size_t i) { return &r->hits[i]; }
const gw_query *gw_results_query(const gw_results *r) { return r->q; }

/* The stored value of hit i. */
static gw_rc hit_value(gw_results *r, size_t i, const void **val, size_t *len, gw_err *err)
{
	gw_rc rc = gw_doc_get(r->t, r->hits[i].docid, val, len, err);

	if (rc == GW_ENOTFOUND)
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': a hit without a record", r->hits[i].docid);
	return rc;
}

gw_rc gw_results_id(gw_results *r, size_t i, const char **id, size_t *len, gw_err *err)
{
	const void *val;
	size_t vlen;
	gw_record rec;
	gw_rc rc;

	/* From the hit's lens entry, which its scoring has just read: the
	 * record itself is on a page of its own. (Not through the cache, whose
	 * memory a search of another snapshot would reuse while r lives.) One
	 * reader for all the hits: a cursor, not one a hit. */
	if (!r->ids_open) {
		gw_lens_reader_init(&r->ids, r->t);
		r->ids_open = 1;
	}
	if (gw_lens_read(&r->ids, r->hits[i].docid, &rec) == 0 && rec.id_len) {
		*id = rec.id;
		*len = rec.id_len;
		return GW_OK;
	}
	if ((rc = hit_value(r, i, &val, &vlen, err)))
		return rc;
	if (gw_record_parse(val, vlen, &rec, 0, NULL, NULL))
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", r->hits[i].docid);
	*id = rec.id;
	*len = rec.id_len;
	return GW_OK;
}

gw_rc gw_results_record_short(gw_results *r, size_t i, gw_record *rec, gw_err *err)
{
	const void *val;
	size_t len;
	gw_rc rc = hit_value(r, i, &val, &len, err);

	if (rc)
		return rc;
	if (gw_record_parse(val, len, rec, 1, NULL, NULL))
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", r->hits[i].docid);
	return GW_OK;
}

gw_rc gw_results_record(gw_results *r, size_t i, gw_record *rec, gw_err *err)
{
	const void *val;
	size_t len;
	gw_unpacker *u;
	gw_rc rc = hit_value(r, i, &val, &len, err);

	if (rc)
		return rc;
	if (!r->unz && !(r->unz = calloc(r->nhits ? r->nhits : 1, sizeof *r->unz)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (!(u = results_unpacker(r, err)))
		return err->rc;
	/* Each hit unpacks into a buffer of its own, kept with the results. */
	if (gw_record_parse(val, len, rec, 1, &r->unz[i], u))
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", r->hits[i].docid);
	return GW_OK;
}

const char *gw_results_field_name(const gw_results *r, unsigned fid)
{
	return fid >= 1 && fid <= r->ft.n ? r->ft.name[fid] : "";
}

/* One part's contribution to hit docid, explained. */
static gw_rc explain_part(gw_results *r, size_t p, uint32_t docid, const gw_record *rec, gw_buf *out,
                          double *sum, gw_err *err)
{
	const ranker *rk = r->rk;
	const gw_qpart *part = &r->q->parts[p];
	gw_matches v = {0};
	double tfn = 0, s;
	int word = 0;

	for (unsigned f = 1; f <= r->ft.n; f++)
		if (gw_part_in_field(r->q, p, &r->ft, f) && gw_match_part(r->t, r->q, p, f, &docid, 1, &v, err)) {
			gw_matches_free(&v);
			return err->rc;
		}
	gw_buf_printf(out, "  part %zu (%zu element%s): idf %.3f (df %.0f of %.0f documents)\n", p + 1, part->n,
	              part->n == 1 ? "" : "s", rk->idf[p], r->df[p], rk->n);
	for (size_t i = 0; i < v.n; i++) {
		int k = gw_record_field(rec, v.m[i].fid);
		double len = k >= 0 ? rec->flen[k] : rk->avg[v.m[i].fid];
		double t = rk->w[v.m[i].fid] * v.m[i].tf / (1 - rk->p.b + rk->p.b * len / rk->avg[v.m[i].fid]);
		gw_buf_printf(out, "    %s: %u occurrence%s x weight %.2f, length %.0f / average %.1f -> %.3f%s\n",
		              r->ft.name[v.m[i].fid], v.m[i].tf, v.m[i].tf == 1 ? "" : "s", rk->w[v.m[i].fid], len,
		              rk->avg[v.m[i].fid], t,
		              !v.m[i].wtf                       ? ""
		              : part->word.kind == GW_T_WORD ? ", lines up with an ICU word"
		                                                : ", has the word as typed");
		tfn += t;
		word |= v.m[i].wtf > 0;
	}
	s = score_part(rk, p, v.m, v.n, rec); /* the same number the ranking used */
	gw_buf_printf(out, "    = idf x tf~ / (k1 + tf~) = %.3f x %.3f / (%.2f + %.3f)%s = %.4f\n", rk->idf[p], tfn,
	              rk->p.k1, tfn, word ? " x (1 + word bonus)" : "", s);
	*sum += s;
	gw_matches_free(&v);
	return GW_OK;
}

gw_rc gw_results_explain(gw_results *r, size_t i, gw_buf *out, gw_err *err)
{
	gw_record rec;
	double sum = 0;
	int same;

	if (i >= r->nhits || !r->rk)
		return gw_err_set(err, GW_EINVAL, 0, "no hit %zu to explain", i);
	if (gw_results_record(r, i, &rec, err))
		return err->rc;
	gw_buf_printf(out, "score %.4f (BM25F: k1 %.2f, b %.2f)\n", r->hits[i].score, r->rk->p.k1, r->rk->p.b);
	for (size_t p = 0; p < r->q->nparts; p++)
		if (!unscored(&r->q->parts[p]) && explain_part(r, p, r->hits[i].docid, &rec, out, &sum, err))
			return err->rc;
	same = same_script(r, &rec);
	if (r->rk->focus > 0) {
		double len, avg;
		doc_length(r->rk, &rec, &len, &avg);
		gw_buf_printf(out, "  focus (2 x %.1f / (%.1f + %.0f))^%.2f = %.4f (%s %.0f against %.1f)\n", avg, avg,
		              len, r->rk->focus, focus_factor(r->rk, &rec), r->rk->cjk ? "CJK characters" : "length",
		              len, avg);
	}
	gw_buf_printf(out, "  sum of parts %.4f%s%s = %.4f\n", sum, same ? " x (1 + same-script bonus)" : "",
	              r->rk->focus > 0 ? " x focus" : "", sum * doc_factor(r, r->rk, &rec));
	return gw_buf_ok(out) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}
