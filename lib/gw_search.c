/* gw_search: phrase matching over positional postings, and BM25F
 * (see gw_search.h). */
#include "gw_search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_index_impl.h"
#include "gw_store.h"

struct gw_results {
	gw_txn *t;
	gw_fieldtab ft;
	gw_query *q;
	gw_hit *hits;
	size_t nhits, total;
	unsigned fid_type, fid_date, fid_rdate, fid_facet; /* 0 if absent */
	gw_facet *facets;
	size_t nfacets;
};

/* A scored document before the final order is known. */
typedef struct scored {
	uint32_t docid;
	double score;
	const char *date; /* stored ISO date, NULL if none */
	size_t date_len;
} scored;

/* One part's match in one field of one document. */
typedef struct match {
	uint32_t docid;
	uint32_t tf;   /* phrase occurrences */
	uint16_t fid;
	uint16_t part;
	uint32_t wtf;  /* occurrences lined up with the part's ICU word */
} match;

typedef struct mvec {
	match *m;
	size_t n, cap;
} mvec;

/* An element's postings: the union of its alternatives' lists. */
typedef struct elit {
	gw_pl *pl[GW_QALT_MAX];
	int n;
	uint32_t docid;
	uint32_t off;
	uint64_t df;
	uint32_t *pos;
	size_t npos, pos_cap;
} elit;

void gw_rank_defaults(gw_rank_params *p)
{
	p->k1 = 1.2;
	p->b = 0.75;
	p->title_weight = 3.0;
	p->other_weight = 1.0;
	p->word_bonus = 0.3;
}

static int mvec_push(mvec *v, const match *m)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		match *nm = realloc(v->m, cap * sizeof *nm);
		if (!nm)
			return -1;
		v->m = nm;
		v->cap = cap;
	}
	v->m[v->n++] = *m;
	return 0;
}

static void elit_close(elit *e)
{
	for (int i = 0; i < e->n; i++)
		gw_pl_close(e->pl[i]);
	free(e->pos);
	memset(e, 0, sizeof *e);
}

/* Lowest current docid among the lists still positioned; 0 if none. */
static uint32_t elit_min(elit *e)
{
	uint32_t d = 0;

	for (int i = 0; i < e->n; i++)
		if (e->pl[i] && (!d || gw_pl_entry(e->pl[i])->docid < d))
			d = gw_pl_entry(e->pl[i])->docid;
	return d;
}

/* Advances every list to >= target and drops exhausted ones (damaged data
 * reads as the end). Returns the new current docid, 0 when exhausted. */
static uint32_t elit_skip(elit *e, uint32_t target)
{
	for (int i = 0; i < e->n; i++) {
		if (!e->pl[i])
			continue;
		if (gw_pl_skip_to(e->pl[i], target) != 1) {
			gw_pl_close(e->pl[i]);
			e->pl[i] = NULL;
		}
	}
	e->docid = elit_min(e);
	return e->docid;
}

static gw_rc elit_open(elit *e, gw_txn *t, const gw_query *q, const gw_qterm *alts, int nalt,
                       unsigned fid, gw_buf *key, gw_err *err)
{
	memset(e, 0, sizeof *e);
	for (int i = 0; i < nalt; i++) {
		gw_pl *pl;
		gw_term_key(key, fid, alts[i].kind, gw_qterm_str(q, &alts[i]), alts[i].len);
		if (gw_pl_open(t, key->p, key->len, &pl, err))
			return err->rc;
		if (pl) {
			e->df += gw_pl_df(pl);
			e->pl[e->n++] = pl;
		}
	}
	return GW_OK;
}

/* Merged positions of the element at its current docid into e->pos. */
static int elit_positions(elit *e)
{
	size_t need = 0;

	for (int i = 0; i < e->n; i++)
		if (e->pl[i] && gw_pl_entry(e->pl[i])->docid == e->docid)
			need += gw_pl_entry(e->pl[i])->tf;
	if (need > e->pos_cap) {
		uint32_t *p = realloc(e->pos, need * sizeof *p);
		if (!p)
			return -1;
		e->pos = p;
		e->pos_cap = need;
	}
	e->npos = 0;
	for (int i = 0; i < e->n; i++) {
		if (!e->pl[i] || gw_pl_entry(e->pl[i])->docid != e->docid)
			continue;
		size_t before = e->npos;
		e->npos += gw_entry_positions(gw_pl_entry(e->pl[i]), e->pos + e->npos);
		if (before) { /* two alternatives at one docid: merge-sort in place */
			for (size_t a = before; a < e->npos; a++)
				for (size_t b = a; b > 0 && e->pos[b - 1] > e->pos[b]; b--) {
					uint32_t x = e->pos[b];
					e->pos[b] = e->pos[b - 1];
					e->pos[b - 1] = x;
				}
		}
	}
	return 0;
}

static int has_pos(const elit *e, size_t *k, uint32_t p)
{
	while (*k < e->npos && e->pos[*k] < p)
		(*k)++;
	return *k < e->npos && e->pos[*k] == p;
}

/* Counts phrase occurrences in the current document (all elements on it);
 * occurrences whose start also starts the part's word go to *wtf. */
static uint32_t count_phrase(elit *el, size_t n, elit *word, uint32_t *wtf)
{
	size_t k[64] = {0}, wk = 0;
	uint32_t tf = 0;
	elit *lead = &el[0];

	*wtf = 0;
	for (size_t i = 0; i < lead->npos; i++) {
		uint32_t anchor;
		size_t j;
		if (lead->pos[i] < lead->off)
			continue;
		anchor = lead->pos[i] - lead->off;
		for (j = 1; j < n; j++)
			if (!has_pos(&el[j], &k[j], anchor + el[j].off))
				break;
		if (j < n)
			continue;
		tf++;
		if (word && has_pos(word, &wk, anchor))
			(*wtf)++;
	}
	return tf;
}

static int by_df(const void *a, const void *b)
{
	const elit *x = a, *y = b;

	return (x->df > y->df) - (x->df < y->df);
}

/* Matches of part pi in field fid, appended to out in docid order. */
static gw_rc match_part_field(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, mvec *out,
                              gw_buf *key, gw_err *err)
{
	const gw_qpart *part = &q->parts[pi];
	elit el[64], word;
	size_t n = part->n < 64 ? part->n : 64, opened = 0;
	int have_word = 0;
	uint32_t d;
	gw_rc rc = GW_OK;

	memset(&word, 0, sizeof word);
	for (; opened < n; opened++) {
		const gw_qelem *qe = &q->el[part->first + opened];
		if ((rc = elit_open(&el[opened], t, q, qe->alt, qe->nalt, fid, key, err))) {
			opened++;
			goto done;
		}
		el[opened].off = qe->off;
		if (el[opened].n == 0) {
			opened++;
			goto done; /* an element with no postings: no match here */
		}
	}
	if (part->has_word && (rc = elit_open(&word, t, q, &part->word, 1, fid, key, err)) == GW_OK)
		have_word = word.n > 0;
	if (rc)
		goto done;
	/* Rarest first: it drives, the others are probed by skipping. */
	qsort(el, n, sizeof el[0], by_df);
	d = elit_skip(&el[0], 1);
	while (d) {
		size_t i;
		for (i = 1; i < n; i++) {
			uint32_t di = elit_skip(&el[i], d);
			if (di == 0)
				goto done;
			if (di != d)
				break;
		}
		if (i < n) {
			d = elit_skip(&el[0], el[i].docid);
			continue;
		}
		for (i = 0; i < n; i++)
			if (elit_positions(&el[i])) {
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
				goto done;
			}
		{
			match m = {d, 0, (uint16_t)fid, (uint16_t)pi, 0};
			elit *w = NULL;
			if (have_word && elit_skip(&word, d) == d && elit_positions(&word) == 0)
				w = &word;
			m.tf = count_phrase(el, n, w, &m.wtf);
			if (m.tf && mvec_push(out, &m)) {
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
				goto done;
			}
		}
		d = elit_skip(&el[0], d + 1);
	}
done:
	for (size_t i = 0; i < opened; i++)
		elit_close(&el[i]);
	elit_close(&word);
	return rc;
}

static int by_doc(const void *a, const void *b)
{
	const match *x = a, *y = b;

	if (x->docid != y->docid)
		return x->docid < y->docid ? -1 : 1;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
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
	double w[GW_MAX_FIELDS + 1];    /* field weight */
	double idf[64];
} ranker;

static gw_rc ranker_init(ranker *rk, gw_txn *t, const gw_fieldtab *ft, const gw_rank_params *p,
                         gw_err *err)
{
	uint64_t ndocs, flen, fdocs;
	char key[32];

	rk->p = *p;
	if (gw_meta_get(t, "ndocs", &ndocs, err))
		return err->rc;
	rk->n = (double)ndocs;
	for (unsigned f = 1; f <= ft->n; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if (gw_meta_get(t, key, &flen, err))
			return err->rc;
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (gw_meta_get(t, key, &fdocs, err))
			return err->rc;
		rk->avg[f] = fdocs ? (double)flen / (double)fdocs : 1.0;
		if (rk->avg[f] <= 0)
			rk->avg[f] = 1.0;
		rk->w[f] = strcmp(ft->fold[f], "title") == 0 ? p->title_weight : p->other_weight;
	}
	return GW_OK;
}

/* Score of one document from its matches m[0..n) (sorted by part). */
static double score_doc(const ranker *rk, const match *m, size_t n, const gw_record *rec)
{
	double total = 0;
	size_t i = 0;

	while (i < n) {
		uint16_t part = m[i].part;
		double tfn = 0;
		int word = 0;
		for (; i < n && m[i].part == part; i++) {
			int k = gw_record_field(rec, m[i].fid);
			double len = k >= 0 ? rec->flen[k] : rk->avg[m[i].fid];
			tfn += rk->w[m[i].fid] * m[i].tf /
			       (1 - rk->p.b + rk->p.b * len / rk->avg[m[i].fid]);
			word |= m[i].wtf > 0;
		}
		total += rk->idf[part] * tfn / (rk->p.k1 + tfn) * (1 + (word ? rk->p.word_bonus : 0));
	}
	return total;
}

/* Keeps the documents every part matched; computes each part's df. */
static size_t and_parts(mvec *all, size_t nparts, double *df)
{
	size_t i = 0, out = 0;

	if (all->n > 1)
		qsort(all->m, all->n, sizeof *all->m, by_doc);
	while (i < all->n) {
		size_t j = i, seen = 0;
		uint16_t last = UINT16_MAX;
		while (j < all->n && all->m[j].docid == all->m[i].docid) {
			if (all->m[j].part != last) {
				df[all->m[j].part] += 1;
				seen++;
				last = all->m[j].part;
			}
			j++;
		}
		if (seen == nparts)
			while (i < j)
				all->m[out++] = all->m[i++];
		i = j;
	}
	all->n = out;
	return out;
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

/* Turns the collected values (count 1 each) into counts per value. */
static void count_facets(gw_results *r)
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
	if (out > 1)
		qsort(r->facets, out, sizeof *r->facets, by_count);
}

static gw_rc rank(gw_results *r, mvec *all, const ranker *rk, const gw_search_opts *o, gw_err *err)
{
	scored *sc = malloc((all->n ? all->n : 1) * sizeof *sc);
	size_t nh = 0, i = 0, keep, skip;

	r->facets = r->fid_facet ? malloc((all->n ? all->n : 1) * sizeof *r->facets) : NULL;
	if (!sc || (r->fid_facet && !r->facets)) {
		free(sc);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	while (i < all->n) {
		size_t j = i, len;
		const void *val;
		gw_record rec;
		while (j < all->n && all->m[j].docid == all->m[i].docid)
			j++;
		rec.nf = 0;
		if (gw_doc_get(r->t, all->m[i].docid, &val, &len, err) == GW_OK)
			gw_record_parse(val, len, &rec, 1);
		if (passes(r, o, &rec, &sc[nh])) {
			const char *fv = field_text(&rec, r->fid_facet, &len);
			sc[nh].docid = all->m[i].docid;
			sc[nh].score = score_doc(rk, all->m + i, j - i, &rec);
			nh++;
			if (fv) {
				gw_facet f = {fv, len, 1};
				r->facets[r->nfacets++] = f;
			}
		}
		i = j;
	}
	if (nh > 1)
		qsort(sc, nh, sizeof *sc, o->sort_date ? by_date : by_score);
	count_facets(r);
	r->total = nh;
	skip = o->offset < nh ? o->offset : nh;
	keep = nh - skip < o->limit ? nh - skip : o->limit;
	r->hits = malloc((keep ? keep : 1) * sizeof *r->hits);
	if (!r->hits) {
		free(sc);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	for (size_t k = 0; k < keep; k++) {
		r->hits[k].docid = sc[skip + k].docid;
		r->hits[k].score = sc[skip + k].score;
	}
	r->nhits = keep;
	free(sc);
	return GW_OK;
}

static gw_rc run(gw_results *r, const gw_search_opts *o, gw_err *err)
{
	mvec all = {0};
	gw_buf key = GW_BUF_INIT;
	ranker rk;
	gw_rank_params defaults;
	double df[64] = {0};
	gw_rc rc = GW_OK;
	size_t np = r->q->nparts < 64 ? r->q->nparts : 64;

	memset(&rk, 0, sizeof rk);
	gw_rank_defaults(&defaults);
	if (ranker_init(&rk, r->t, &r->ft, o->rank ? o->rank : &defaults, err))
		return err->rc;
	for (size_t p = 0; p < np && rc == GW_OK; p++)
		for (unsigned f = 1; f <= r->ft.n && rc == GW_OK; f++)
			if (gw_field_indexed(&r->ft, f) && (!r->q->parts[p].fid || r->q->parts[p].fid == f))
				rc = match_part_field(r->t, r->q, p, f, &all, &key, err);
	if (rc == GW_OK) {
		and_parts(&all, np, df);
		for (size_t p = 0; p < np; p++)
			rk.idf[p] = log(1 + (rk.n - df[p] + 0.5) / (df[p] + 0.5));
		rc = rank(r, &all, &rk, o, err);
	}
	free(all.m);
	gw_buf_free(&key);
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

gw_rc gw_search(gw_index *ix, const char *query, size_t qlen, const gw_search_opts *opts,
                gw_results **out, gw_err *err)
{
	gw_results *r;
	gw_rc rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if ((rc = gw_store_begin(ix->s, 0, &r->t, err)) || (rc = gw_fields_load(r->t, &r->ft, err)) ||
	    (rc = gw_query_parse(ix->an, &r->ft, query, qlen, &r->q, err))) {
		gw_results_free(r);
		return rc;
	}
	find_fields(r, ix, opts);
	if ((rc = run(r, opts, err))) {
		gw_results_free(r);
		return rc;
	}
	*out = r;
	return GW_OK;
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
	gw_txn_abort(r->t);
	gw_fieldtab_free(&r->ft);
	gw_query_free(r->q);
	free(r->hits);
	free(r->facets);
	free(r);
}

size_t gw_results_total(const gw_results *r) { return r->total; }
size_t gw_results_count(const gw_results *r) { return r->nhits; }
const gw_hit *gw_results_hit(const gw_results *r, size_t i) { return &r->hits[i]; }
const gw_query *gw_results_query(const gw_results *r) { return r->q; }

gw_rc gw_results_record(gw_results *r, size_t i, gw_record *rec, gw_err *err)
{
	const void *val;
	size_t len;
	gw_rc rc = gw_doc_get(r->t, r->hits[i].docid, &val, &len, err);

	if (rc == GW_ENOTFOUND)
		return gw_err_set(err, GW_EFORMAT, 0, "hit %u has no stored record", r->hits[i].docid);
	if (rc)
		return rc;
	if (gw_record_parse(val, len, rec, 1))
		return gw_err_set(err, GW_EFORMAT, 0, "damaged record of docid %u", r->hits[i].docid);
	return GW_OK;
}

const char *gw_results_field_name(const gw_results *r, unsigned fid)
{
	return fid >= 1 && fid <= r->ft.n ? r->ft.name[fid] : "";
}
