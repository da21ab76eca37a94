/* gw_check: index self-verification (see gw_check.h). */
#include "tools/gw_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/gw_index_impl.h"
#include "store/gw_lens.h"
#include "store/gw_norms.h"
#include "store/gw_record.h"
#include "text/gw_toklist.h"

typedef struct checker {
	gw_index *ix;
	gw_txn *t;
	gw_check_report rep;
	uint8_t *live;      /* docid -> 1 if stored */
	uint64_t nlive_cap;
	uint64_t sum_docs, n_docs;   /* checksum/count from re-analysis */
	uint64_t sum_post, n_post;   /* checksum/count from the postings */
	uint64_t flen[GW_MAX_FIELDS + 1], fcjk[GW_MAX_FIELDS + 1], fdocs[GW_MAX_FIELDS + 1];
	uint64_t nids;
	gw_lens_reader lens;
	uint64_t nlens;     /* lens entries seen */
	gw_record lrec;     /* the lens entry of the document being checked */
	gw_norms_reader norms;
	gw_fsets fsets;
	gw_toklist toks;
	gw_fieldtab ft;
	gw_buf key;
	gw_buf unz;         /* the record's unpacked texts */
	gw_unpacker unpacker;
	uint32_t *pos;
	size_t pos_cap;
	gw_err *err;
} checker;

static void problem(checker *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void problem(checker *c, const char *fmt, ...)
{
	va_list ap;

	if (c->rep.problems++ == 0) {
		va_start(ap, fmt);
		vsnprintf(c->rep.first, sizeof c->rep.first, fmt, ap);
		va_end(ap);
	}
}

/* Checksum of one posting entry: a hash of term key, docid, frequency and
 * positions (none for kinds without: gw_kind_positions). */
static uint64_t entry_hash(const unsigned char *tkey, size_t tklen, uint32_t docid, uint32_t tf,
                           const uint32_t *pos, uint32_t n)
{
	uint64_t h = gw_hash(GW_HASH_INIT, tkey, tklen);

	h = gw_hash(h, &docid, sizeof docid);
	h = gw_hash(h, &tf, sizeof tf);
	if (n)
		h = gw_hash(h, pos, n * sizeof *pos);
	return gw_hash(h, &n, sizeof n);
}

static int ensure_pos(checker *c, size_t n)
{
	uint32_t *p;

	if (n <= c->pos_cap)
		return 0;
	p = realloc(c->pos, n * 2 * sizeof *p);
	if (!p)
		return -1;
	c->pos = p;
	c->pos_cap = n * 2;
	return 0;
}

/* Adds the expected postings of one field of one document. */
static int expect_field(checker *c, uint32_t docid, unsigned fid, const char *text, size_t len,
                        uint32_t *flen)
{
	const gw_toklist *l = &c->toks;

	if (gw_toklist_analyze(&c->toks, c->ix->an, text, len, flen, c->err))
		return -1;
	for (size_t i = 0; i < l->ng; i++) {
		const gw_tgroup *g = &l->g[i];
		gw_term_key(&c->key, fid, g->kind, (const char *)l->terms.p + g->off, g->len);
		c->sum_docs += entry_hash(c->key.p, c->key.len, docid, g->tf, l->pos + g->first,
		                          gw_kind_positions(g->kind) ? g->npos : 0);
		c->n_docs++;
	}
	return 0;
}

/* The lens entry of docid must repeat the record's id, script and the
 * lengths and CJK characters of its indexed fields, in the same order; its norm must be the
 * record's. (Norms of removed documents stay: nothing reads them.) */
static void check_lens(checker *c, uint32_t docid, const gw_record *r)
{
	unsigned k = 0;
	uint32_t norm, want;

	if (gw_lens_read(&c->lens, docid, &c->lrec) != 0) {
		problem(c, "docid %u has no readable lens entry", docid);
		return;
	}
	if (c->lrec.script != r->script)
		problem(c, "docid %u: lens script %d, record %d", docid, c->lrec.script, r->script);
	if (c->lrec.id_len != r->id_len || memcmp(c->lrec.id, r->id, r->id_len) != 0)
		problem(c, "docid %u: lens id disagrees with the record's", docid);
	norm = gw_norms_read(&c->norms, docid);
	want = gw_norm_of(r, &c->ft, &c->fsets, 0);
	/* The set "unknown" is a true bound for any document. */
	if (gw_norm_fset(norm) == GW_FSET_OTHER)
		want = gw_norm_with_fset(want, GW_FSET_OTHER);
	if (norm != want)
		problem(c, "docid %u: norm %#x, the record's %#x", docid, (unsigned)norm, (unsigned)want);
	for (unsigned i = 0; i < r->nf; i++) {
		if (!gw_field_indexed(&c->ft, r->fid[i]))
			continue;
		if (k >= c->lrec.nf || c->lrec.fid[k] != r->fid[i] || c->lrec.flen[k] != r->flen[i] ||
		    c->lrec.fcjk[k] != r->fcjk[i]) {
			problem(c, "docid %u: lens entry disagrees with the record on field %u", docid, r->fid[i]);
			return;
		}
		k++;
	}
	if (k != c->lrec.nf)
		problem(c, "docid %u: lens entry has %u fields, the record %u", docid, c->lrec.nf, k);
}

static int on_lens_block(void *ctx, uint32_t block, const void *val, size_t len)
{
	checker *c = ctx;
	uint32_t d[GW_LENS_BLOCK];
	int n = gw_lens_block_docids(val, len, block, d);

	if (n <= 0) {
		problem(c, "lens block %u is damaged or empty", block);
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (d[i] >= c->nlive_cap || !c->live[d[i]])
			problem(c, "lens entry for docid %u, which is not stored", d[i]);
	c->nlens += (uint64_t)n;
	return 0;
}

static int on_doc(void *ctx, uint32_t docid, const void *val, size_t len)
{
	checker *c = ctx;
	gw_record r;
	uint32_t mapped;

	c->rep.docs++;
	if (docid < c->nlive_cap)
		c->live[docid] = 1;
	else
		problem(c, "docid %u is not below next_docid", docid);
	if (gw_record_parse(val, len, &r, 1, &c->unz, &c->unpacker)) {
		problem(c, "record of docid %u is damaged", docid);
		return 0;
	}
	if (gw_id_get(c->t, r.id, r.id_len, &mapped, c->err) || mapped != docid)
		problem(c, "id '%.*s' of docid %u does not map back to it", (int)r.id_len, r.id, docid);
	gw_err_clear(c->err);
	for (unsigned i = 0; i < r.nf; i++) {
		uint32_t flen;
		uint32_t cjk;
		if (!gw_field_indexed(&c->ft, r.fid[i])) {
			if (r.flen[i] != 0 || r.fcjk[i] != 0)
				problem(c, "docid %u: stored-only field %u has a length", docid, r.fid[i]);
			continue;
		}
		if (expect_field(c, docid, r.fid[i], r.text[i], r.text_len[i], &flen))
			return 1;
		if (flen != r.flen[i])
			problem(c, "docid %u field %u: stored length %u, analyzed %u", docid, r.fid[i], r.flen[i], flen);
		if ((cjk = gw_toklist_cjk(&c->toks)) != r.fcjk[i])
			problem(c, "docid %u field %u: stored CJK characters %u, analyzed %u", docid, r.fid[i], r.fcjk[i],
			        cjk);
		c->flen[r.fid[i]] += flen;
		c->fcjk[r.fid[i]] += cjk;
		c->fdocs[r.fid[i]]++;
	}
	check_lens(c, docid, &r);
	return 0;
}

static int on_chunk(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	checker *c = ctx;
	gw_entry_reader r;
	gw_entry e;
	uint32_t first, last, n = 0, prev = 0, npos;
	unsigned fid;
	int rc, positions;

	c->rep.chunks++;
	if (klen < 7) {
		problem(c, "postings key too short");
		return 0;
	}
	first = gw_be32_get((const unsigned char *)key + klen - 4);
	positions = gw_kind_positions(*(const unsigned char *)key);
	fid = ((const unsigned char *)key)[klen - 5];
	/* Queries skip a field whose kinds lack the term's. */
	if (fid > c->ft.n || !(c->ft.kinds[fid] & gw_kind_bit(*(const unsigned char *)key)))
		problem(c, "chunk at docid %u: field %u does not list the kind '%c' of its term", first, fid,
		        *(const char *)key);
	if (gw_chunk_open(&r, val, vlen, first, &last)) {
		problem(c, "damaged chunk");
		return 0;
	}
	while ((rc = gw_entry_next(&r, &e)) == 1) {
		if (n == 0 ? e.docid != first : e.docid <= prev)
			problem(c, "chunk at docid %u: docids out of order", first);
		if (e.docid >= c->nlive_cap || !c->live[e.docid])
			problem(c, "posting for docid %u, which is not stored", e.docid);
		if (ensure_pos(c, gw_entry_npos_max(&e)))
			return 1;
		/* A character's entry keeps some of its positions (any
		 * missing one shows in the hash against the analysis). */
		npos = gw_entry_positions(&e, c->pos);
		if (positions ? (*(const unsigned char *)key == GW_T_CHAR ? npos > e.tf : npos != e.tf) : e.plen != 0)
			problem(c, "chunk at docid %u: positions damaged", first);
		c->sum_post += entry_hash(key, klen - 4, e.docid, e.tf, c->pos, positions ? npos : 0);
		c->n_post++;
		prev = e.docid;
		n++;
	}
	if (rc < 0 || r.p != r.end || prev != last)
		problem(c, "chunk at docid %u: damaged or wrong header (last %u, saw %u)", first, last, prev);
	return 0;
}

static int on_id(void *ctx, const char *id, size_t len, uint32_t docid)
{
	checker *c = ctx;

	c->nids++;
	if (docid >= c->nlive_cap || !c->live[docid])
		problem(c, "id '%.*s' points to missing docid %u", (int)len, id, docid);
	return 0;
}

static gw_rc check_counters(checker *c, gw_err *err)
{
	gw_fieldtab ft = {0};
	uint64_t ndocs, v;
	char key[32];
	gw_rc rc;

	if ((rc = gw_meta_get(c->t, "ndocs", &ndocs, err)) || (rc = gw_fields_load(c->t, &ft, err)))
		return rc;
	if (ndocs != c->rep.docs || c->nids != c->rep.docs)
		problem(c, "meta says %llu documents; %llu stored, %llu ids", (unsigned long long)ndocs,
		        (unsigned long long)c->rep.docs, (unsigned long long)c->nids);
	for (unsigned f = 1; f <= ft.n && rc == GW_OK; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if ((rc = gw_meta_get(c->t, key, &v, err)) == GW_OK && v != c->flen[f])
			problem(c, "field %s: length sum %llu, stored documents add up to %llu", ft.name[f],
			        (unsigned long long)v, (unsigned long long)c->flen[f]);
		snprintf(key, sizeof key, "fcjk:%u", f);
		if (rc == GW_OK && (rc = gw_meta_get(c->t, key, &v, err)) == GW_OK && v != c->fcjk[f])
			problem(c, "field %s: CJK character sum %llu, stored documents add up to %llu", ft.name[f],
			        (unsigned long long)v, (unsigned long long)c->fcjk[f]);
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (rc == GW_OK && (rc = gw_meta_get(c->t, key, &v, err)) == GW_OK && v != c->fdocs[f])
			problem(c, "field %s: %llu documents counted, %llu stored", ft.name[f],
			        (unsigned long long)v, (unsigned long long)c->fdocs[f]);
	}
	gw_fieldtab_free(&ft);
	return rc;
}

gw_rc gw_index_check(gw_index *ix, gw_check_report *rep, gw_err *err)
{
	checker c;
	uint64_t next;
	gw_rc rc;

	memset(&c, 0, sizeof c);
	c.ix = ix;
	c.err = err;
	if ((rc = gw_store_begin(ix->s, 0, &c.t, err)) || (rc = gw_meta_get(c.t, "next_docid", &next, err)) ||
	    (rc = gw_txn_zdict(c.t, &c.unpacker.dict, err)))
		goto done;
	c.nlive_cap = next + 1;
	if (!(c.live = calloc(c.nlive_cap, 1))) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto done;
	}
	gw_lens_reader_init(&c.lens, c.t);
	gw_norms_reader_init(&c.norms, c.t);
	if ((rc = gw_fields_load(c.t, &c.ft, err)) || (rc = gw_fsets_load(c.t, &c.fsets, err)) ||
	    (rc = gw_doc_each(c.t, on_doc, &c, err)) || (err && err->rc) ||
	    (rc = gw_post_each(c.t, on_chunk, &c, err)) || (rc = gw_id_each(c.t, on_id, &c, err)) ||
	    (rc = gw_block_each(c.t, GW_BT_LENS, on_lens_block, &c, err)) || (rc = check_counters(&c, err)))
		goto done;
	if (c.nlens != c.rep.docs)
		problem(&c, "%llu lens entries for %llu documents", (unsigned long long)c.nlens,
		        (unsigned long long)c.rep.docs);
	if (c.n_docs != c.n_post || c.sum_docs != c.sum_post)
		problem(&c, "postings differ from the stored documents: %llu expected, %llu found%s",
		        (unsigned long long)c.n_docs, (unsigned long long)c.n_post,
		        c.n_docs == c.n_post ? " (same count, different content)" : "");
	c.rep.postings = c.n_post;
	if (c.rep.problems)
		rc = gw_err_set(err, GW_EFORMAT, 0, "index check: %llu problem%s; first: %s",
		                (unsigned long long)c.rep.problems, c.rep.problems == 1 ? "" : "s", c.rep.first);
done:
	if (rc == GW_OK && err && err->rc)
		rc = err->rc;
	if (rep)
		*rep = c.rep;
	gw_lens_reader_close(&c.lens);
	gw_norms_reader_close(&c.norms);
	gw_fsets_free(&c.fsets);
	gw_txn_abort(c.t);
	free(c.live);
	free(c.pos);
	gw_toklist_free(&c.toks);
	gw_fieldtab_free(&c.ft);
	gw_buf_free(&c.key);
	gw_buf_free(&c.unz);
	gw_unpacker_free(&c.unpacker);
	return rc;
}
