/* gw_match: phrase matching over positional postings (see gw_match.h). */
#include "search/gw_match.h"

#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"

/* A match names its part in 16 bits. */
_Static_assert(GW_QUERY_PARTS_MAX <= UINT16_MAX + 1, "gw_match.part holds a part index");

/* Elements of a part kept on the stack while it is matched: a word, or a
 * Han run of up to 9 characters. A longer phrase allocates its own. */
#define SMALL_ELEMS 8

/* An element's postings: the union of its alternatives' lists. */
typedef struct elit {
	gw_pl **pl;
	uint32_t *back;    /* per list: its positions are this many before the element's */
	int n, cap;
	uint32_t docid;
	uint32_t off;
	uint64_t df;       /* summed over the lists (unless no_df) */
	int no_df;         /* 1: df not needed (a word list), not counted */
	uint32_t *pos;
	size_t npos, pos_cap;
	size_t k;          /* count_phrase's place in pos */
} elit;

void gw_matches_free(gw_matches *v)
{
	free(v->m);
	free(v->anchors);
	memset(v, 0, sizeof *v);
}

static int push_match(gw_matches *v, const gw_match *m)
{
	if (gw_array_grow((void **)&v->m, &v->cap, v->n + 1, sizeof *v->m, 256))
		return -1;
	v->m[v->n++] = *m;
	return 0;
}

int gw_matches_push_anchor(gw_matches *v, uint32_t a)
{
	if (gw_array_grow((void **)&v->anchors, &v->anchors_cap, v->nanchors + 1, sizeof *v->anchors, 1024))
		return -1;
	v->anchors[v->nanchors++] = a;
	return 0;
}

static void elit_close(elit *e)
{
	for (int i = 0; i < e->n; i++)
		gw_pl_close(e->pl[i]);
	free(e->pl);
	free(e->back);
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
static uint32_t elit_skip_lists(elit *e, uint32_t target)
{
	if (e->n == 1) { /* the common case: one list, no alternatives */
		if (!e->pl[0])
			return 0;
		if (gw_pl_skip(e->pl[0], target) != 1) {
			gw_pl_close(e->pl[0]);
			e->pl[0] = NULL;
			return e->docid = 0;
		}
		return e->docid = gw_pl_entry(e->pl[0])->docid;
	}
	for (int i = 0; i < e->n; i++) {
		if (!e->pl[i])
			continue;
		if (gw_pl_skip(e->pl[i], target) != 1) {
			gw_pl_close(e->pl[i]);
			e->pl[i] = NULL;
		}
	}
	e->docid = elit_min(e);
	return e->docid;
}

/* The checks every caller makes first, inline (a skip per list per
 * matching document is the hot loop of a query): already there, as every
 * list sits at or past the lowest docid (0 is before the first skip, and
 * after the end); or one list that finds the target. */
static inline uint32_t elit_skip(elit *e, uint32_t target)
{
	if (e->docid >= target)
		return e->docid;
	/* One list, and the target on it: no call (see gw_pl_skip). */
	if (e->n == 1 && e->pl[0] && gw_pl_skip(e->pl[0], target) == 1)
		return e->docid = gw_pl_entry(e->pl[0])->docid;
	return elit_skip_lists(e, target);
}

static gw_rc elit_add(elit *e, gw_txn *t, const void *key, size_t klen, uint32_t back, gw_err *err)
{
	gw_pl *pl;

	if (gw_pl_open(t, key, klen, &pl, err))
		return err->rc;
	if (!pl)
		return GW_OK;
	if (e->n == e->cap) {
		int cap = e->cap ? e->cap * 2 : 4;
		gw_pl **np = realloc(e->pl, (size_t)cap * sizeof *np);
		uint32_t *nb = np ? realloc(e->back, (size_t)cap * sizeof *nb) : NULL;
		if (np)
			e->pl = np;
		if (!nb) {
			gw_pl_close(pl);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		e->back = nb;
		e->cap = cap;
	}
	if (!e->no_df) /* walks the chunk headers */
		e->df += gw_pl_df(pl);
	e->back[e->n] = back;
	e->pl[e->n++] = pl;
	return GW_OK;
}

typedef struct expand {
	elit *e;
	gw_txn *t;
	gw_err *err;
	int count;
} expand;

static int on_prefix_term(void *ctx, const void *tkey, size_t tklen)
{
	expand *x = ctx;

	return elit_add(x->e, x->t, tkey, tklen, 0, x->err) != GW_OK || ++x->count >= GW_PREFIX_MAX;
}

static gw_rc elit_open(elit *e, gw_txn *t, const gw_query *q, const gw_qterm *alts, int nalt,
                       unsigned fid, int want_df, gw_buf *key, gw_err *err)
{
	memset(e, 0, sizeof *e);
	e->no_df = !want_df;
	for (int i = 0; i < nalt; i++) {
		if (alts[i].prefix) {
			expand x = {e, t, err, 0};
			if (gw_term_prefix_each(t, fid, alts[i].kind, gw_qterm_str(q, &alts[i]), alts[i].len,
			                        on_prefix_term, &x, err) ||
			    (err && err->rc))
				return err->rc;
			continue;
		}
		gw_term_key(key, fid, alts[i].kind, gw_qterm_str(q, &alts[i]), alts[i].len);
		if (elit_add(e, t, key->p, key->len, alts[i].back, err))
			return err->rc;
	}
	return GW_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Merged positions of the element at its current docid into e->pos. */
static int elit_positions(elit *e)
{
	size_t need = 0;
	int lists = 0;

	/* At most a position a byte of them: tf is read from the index, and
	 * a damaged one must not size the buffer. */
	for (int i = 0; i < e->n; i++)
		if (e->pl[i] && gw_pl_entry(e->pl[i])->docid == e->docid)
			need += gw_entry_npos_max(gw_pl_entry(e->pl[i]));
	if (need == 0) /* a buffer all the same: NULL + 0 is undefined */
		need = 1;
	if (need > e->pos_cap) {
		uint32_t *p = realloc(e->pos, need * sizeof *p);
		if (!p)
			return -1;
		e->pos = p;
		e->pos_cap = need;
	}
	e->npos = 0;
	for (int i = 0; i < e->n; i++) {
		size_t from = e->npos;
		if (!e->pl[i] || gw_pl_entry(e->pl[i])->docid != e->docid)
			continue;
		e->npos += gw_entry_positions(gw_pl_entry(e->pl[i]), e->pos + e->npos);
		for (size_t k = from; e->back[i] && k < e->npos; k++)
			e->pos[k] += e->back[i];
		lists++;
	}
	if (lists > 1 && e->npos > 1) { /* alternatives at one docid: merge */
		size_t m = 1;
		qsort(e->pos, e->npos, sizeof *e->pos, cmp_u32);
		/* A character and its bigram may both place it. */
		for (size_t k = 1; k < e->npos; k++)
			if (e->pos[k] != e->pos[m - 1])
				e->pos[m++] = e->pos[k];
		e->npos = m;
	}
	return 0;
}

/* 1 if p is among e's positions; e->k moves forward (anchors come in
 * order). */
static int has_pos(elit *e, uint32_t p)
{
	while (e->k < e->npos && e->pos[e->k] < p)
		e->k++;
	return e->k < e->npos && e->pos[e->k] == p;
}

/* Counts phrase occurrences in the current document (all elements on it,
 * every one checked), recording their anchors. */
static int count_phrase(elit *el, size_t n, gw_match *m, gw_matches *out)
{
	elit *lead = &el[0];

	for (size_t j = 1; j < n; j++)
		el[j].k = 0;
	m->tf = m->an = 0;
	m->aoff = (uint32_t)out->nanchors;
	for (size_t i = 0; i < lead->npos; i++) {
		uint32_t anchor;
		size_t j;
		if (lead->pos[i] < lead->off)
			continue;
		anchor = lead->pos[i] - lead->off;
		for (j = 1; j < n; j++)
			if (!has_pos(&el[j], anchor + el[j].off))
				break;
		if (j < n)
			continue;
		m->tf++;
		if (m->an < GW_ANCHORS_MAX) {
			if (gw_matches_push_anchor(out, anchor))
				return -1;
			m->an++;
		}
	}
	return 0;
}

static int by_df(const void *a, const void *b)
{
	const elit *x = a, *y = b;

	return (x->df > y->df) - (x->df < y->df);
}

/* Occurrences of the element at its current docid (summed over its
 * alternatives), from the entries alone. */
static uint32_t elit_tf_lists(const elit *e)
{
	uint32_t tf = 0;

	for (int i = 0; i < e->n; i++)
		if (e->pl[i] && gw_pl_entry(e->pl[i])->docid == e->docid)
			tf += gw_pl_entry(e->pl[i])->tf;
	return tf;
}

/* The same, with the common case (one list) inline: it is read for every
 * match. */
static inline uint32_t elit_tf(const elit *e)
{
	if (e->n == 1)
		return e->pl[0] && e->docid ? gw_pl_entry(e->pl[0])->tf : 0;
	return elit_tf_lists(e);
}

/* The current document, on which every element sits: records a match if
 * the phrase occurs. */
static gw_rc check_doc(elit *el, size_t n, elit *word, int have_word, uint32_t d, unsigned fid,
                       size_t pi, int anchors, gw_matches *out, gw_err *err)
{
	gw_match m = {d, 0, 0, (uint16_t)fid, (uint16_t)pi, 0, 0};

	/* A word term occurs only where all its characters touch, so each of
	 * its occurrences is also an occurrence of the part it spells: its
	 * frequency counts the occurrences that line up with a word (and its
	 * postings keep no positions: gw_kind_positions). */
	if (have_word && elit_skip(word, d) == d)
		m.wtf = elit_tf(word);
	if (n == 1 && !anchors) {
		/* One element: its entries give the frequency; no positions. */
		m.tf = elit_tf(&el[0]);
		return push_match(out, &m) ? gw_err_set(err, GW_ENOMEM, 0, "out of memory") : GW_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (elit_positions(&el[i]))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (count_phrase(el, n, &m, out))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	/* One element matches wherever it is: its frequency is its entries'
	 * (a character's keep some of their positions only; NEAR reads the
	 * rest off the text: gw_search.c). */
	if (n == 1)
		m.tf = elit_tf(&el[0]);
	if (!m.tf)
		out->nanchors = m.aoff;
	else if (push_match(out, &m))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* Walks the documents where every element sits, driven by the rarest
 * element's list (cand == NULL) or by the candidates. */
static gw_rc drive(elit *el, size_t n, elit *word, int have_word, unsigned fid, size_t pi,
                   int anchors, const uint32_t *cand, size_t ncand, gw_matches *out, gw_err *err)
{
	size_t c = 0;
	uint32_t d = cand ? (ncand ? cand[0] : 0) : elit_skip(&el[0], 1);
	gw_rc rc = GW_OK;

	while (d && rc == GW_OK) {
		uint32_t next = 0;
		size_t i;
		for (i = cand ? 0 : 1; i < n; i++) {
			uint32_t di = elit_skip(&el[i], d);
			if (di == 0)
				return GW_OK;
			if (di != d) {
				next = di;
				break;
			}
		}
		if (i == n) {
			rc = check_doc(el, n, word, have_word, d, fid, pi, anchors, out, err);
			next = d + 1;
		}
		if (!cand) {
			d = elit_skip(&el[0], next);
			continue;
		}
		while (c < ncand && cand[c] < next)
			c++;
		d = c < ncand ? cand[c] : 0;
	}
	return rc;
}

/* Room for the n element iterators of a part: small (SMALL_ELEMS) or
 * allocated; NULL if out of memory. */
static elit *elems_alloc(elit *small, size_t n)
{
	return n <= SMALL_ELEMS ? small : malloc(n * sizeof(elit));
}

/* Opens the element iterators of part pi in field fid, all part->n of
 * them (el has room); *opened counts those to close. Returns GW_OK with
 * *empty set when some element has no postings (then the part cannot
 * match here). */
static gw_rc open_elems(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, elit *el,
                        size_t *opened, int *empty, gw_buf *key, gw_err *err)
{
	const gw_qpart *part = &q->parts[pi];
	size_t n = part->n;
	gw_rc rc = GW_OK;

	*empty = 0;
	for (*opened = 0; *opened < n;) {
		const gw_qelem *qe = &q->el[part->first + *opened];
		rc = elit_open(&el[*opened], t, q, qe->alt, qe->nalt, fid, 1, key, err);
		el[*opened].off = qe->off;
		(*opened)++;
		if (rc || el[*opened - 1].n == 0) {
			*empty = 1;
			break;
		}
	}
	return rc;
}

gw_rc gw_match_df(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, uint64_t *df, gw_err *err)
{
	elit small[SMALL_ELEMS], *el = elems_alloc(small, q->parts[pi].n);
	size_t opened = 0;
	int empty = 0;
	gw_buf key = GW_BUF_INIT;
	gw_rc rc;

	*df = 0;
	if (!el)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	rc = open_elems(t, q, pi, fid, el, &opened, &empty, &key, err);
	if (rc == GW_OK && !empty)
		for (size_t i = 0; i < opened; i++)
			if (i == 0 || el[i].df < *df)
				*df = el[i].df;
	for (size_t i = 0; i < opened; i++)
		elit_close(&el[i]);
	if (el != small)
		free(el);
	gw_buf_free(&key);
	return rc;
}

gw_rc gw_match_part(gw_txn *t, const gw_query *q, size_t pi, unsigned fid, const uint32_t *cand,
                    size_t ncand, gw_matches *out, gw_err *err)
{
	const gw_qpart *part = &q->parts[pi];
	elit small[SMALL_ELEMS], *el = elems_alloc(small, part->n), word;
	size_t opened = 0;
	int have_word = 0, empty = 0;
	gw_buf key = GW_BUF_INIT;
	gw_rc rc;

	if (!el)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	memset(&word, 0, sizeof word);
	rc = open_elems(t, q, pi, fid, el, &opened, &empty, &key, err);
	if (rc == GW_OK && !empty && part->has_word &&
	    (rc = elit_open(&word, t, q, &part->word, 1, fid, 0, &key, err)) == GW_OK)
		have_word = word.n > 0;
	if (rc == GW_OK && !empty) {
		/* Rarest first: it drives, the others are probed by skipping. */
		qsort(el, opened, sizeof el[0], by_df);
		rc = drive(el, opened, &word, have_word, fid, pi, q->anchors, cand, ncand, out, err);
	}
	for (size_t i = 0; i < opened; i++)
		elit_close(&el[i]);
	if (el != small)
		free(el);
	elit_close(&word);
	gw_buf_free(&key);
	return rc;
}

/* ---- part cursor ---- */

/* One field's element and word iterators. */
typedef struct pfield {
	unsigned fid;
	int have_word;
	elit el, word;
} pfield;

struct gw_pcur {
	size_t part;
	uint32_t docid;
	size_t n;
	pfield f[];
};

int gw_part_in_field(const gw_query *q, size_t pi, const gw_fieldtab *ft, unsigned f)
{
	const gw_qpart *part = &q->parts[pi];

	if (!gw_field_indexed(ft, f) || (part->fid && part->fid != f))
		return 0;
	for (size_t i = 0; i < part->n; i++) {
		const gw_qelem *qe = &q->el[part->first + i];
		uint64_t want = 0;
		for (int a = 0; a < qe->nalt; a++)
			want |= gw_kind_bit(qe->alt[a].kind);
		if (!(want & ft->kinds[f]))
			return 0;
	}
	return 1;
}

gw_rc gw_pcur_open(gw_txn *t, const gw_query *q, size_t pi, const gw_fieldtab *ft, gw_pcur **out,
                   gw_err *err)
{
	const gw_qpart *part = &q->parts[pi];
	const gw_qelem *qe = &q->el[part->first];
	gw_buf key = GW_BUF_INIT;
	gw_pcur *c = calloc(1, sizeof *c + ft->n * sizeof c->f[0]);
	gw_rc rc = GW_OK;

	*out = NULL;
	if (!c)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	c->part = pi;
	for (unsigned f = 1; f <= ft->n && rc == GW_OK; f++) {
		pfield *pf = &c->f[c->n];
		if (!gw_part_in_field(q, pi, ft, f))
			continue;
		if ((rc = elit_open(&pf->el, t, q, qe->alt, qe->nalt, f, 1, &key, err)) == GW_OK && pf->el.n &&
		    part->has_word && (rc = elit_open(&pf->word, t, q, &part->word, 1, f, 0, &key, err)) == GW_OK)
			pf->have_word = pf->word.n > 0;
		pf->fid = f;
		if (rc == GW_OK && pf->el.n) { /* as in drive(): start on the first document */
			elit_skip(&pf->el, 1);
			c->n++;
		} else {
			elit_close(&pf->el);
			elit_close(&pf->word);
		}
	}
	gw_buf_free(&key);
	if (rc || c->n == 0) {
		gw_pcur_close(c);
		return rc;
	}
	*out = c;
	return GW_OK;
}

uint32_t gw_pcur_skip(gw_pcur *c, uint32_t target)
{
	uint32_t d = 0;

	for (size_t i = 0; i < c->n; i++) {
		uint32_t di = elit_skip(&c->f[i].el, target);
		if (di && (!d || di < d))
			d = di;
	}
	return c->docid = d;
}

uint64_t gw_pcur_df(const gw_pcur *c)
{
	uint64_t df = 0;

	for (size_t i = 0; c && i < c->n; i++)
		df += c->f[i].el.df;
	return df;
}

size_t gw_pcur_matches(gw_pcur *c, gw_match *out)
{
	size_t n = 0;

	if (!c->docid)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		pfield *pf = &c->f[i];
		gw_match m = {c->docid, 0, 0, (uint16_t)pf->fid, (uint16_t)c->part, 0, 0};
		if (pf->el.docid != c->docid)
			continue;
		/* As check_doc() records a one-element match. */
		if (pf->have_word && elit_skip(&pf->word, c->docid) == c->docid)
			m.wtf = elit_tf(&pf->word);
		m.tf = elit_tf(&pf->el);
		out[n++] = m;
	}
	return n;
}

void gw_pcur_close(gw_pcur *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		elit_close(&c->f[i].el);
		elit_close(&c->f[i].word);
	}
	free(c);
}
