/* gw_index: opening an index and applying batches of changes to it.
 *
 * A batch is copied into memory (gw_batch) by gw_index_put/delete and applied
 * by gw_index_commit in one LMDB write transaction: deletes first, then the
 * documents (each replacing any stored document with its id, or skipped
 * when the stored one has the same content hash), then the
 * accumulated postings, then the counters. Pruning (documents of the given
 * sources that the batch does not put) happens after the deletes. If the map fills up, the
 * transaction is aborted, the map doubled and the batch applied again from
 * its in-memory copy, so a batch never fails with MDB_MAP_FULL. */
#include "gw_index.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_accum.h"
#include "gw_index_impl.h"
#include "gw_lens.h"
#include "gw_prean.h"
#include "gw_record.h"
#include "gw_utf8.h"

#define PREAN_WINDOW 256

/* Per-commit working state. */
typedef struct applier {
	gw_index *ix;
	gw_txn *t;
	gw_fieldtab ft;
	gw_accum *acc;
	gw_toklist toks;
	gw_buf scratch, rec;
	uint64_t ndocs, next_docid;
	uint64_t flen[GW_MAX_FIELDS + 1], fdocs[GW_MAX_FIELDS + 1];
	gw_batch_stats st;
	const char *const *sources; /* to prune (gw_index_commit_pruning) */
	size_t nsources;
	/* A window of documents analyzed ahead on several threads. */
	gw_predoc pre[PREAN_WINDOW];
	const gw_prein *in[PREAN_WINDOW];
	size_t nf[PREAN_WINDOW];
	gw_prein *inbuf;
	size_t inbuf_cap;
} applier;

gw_rc gw_index_open(gw_index **out, const char *path, int flags, gw_err *err)
{
	gw_index *ix;

	*out = NULL;
	ix = calloc(1, sizeof *ix);
	if (!ix)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	ix->write = (flags & GW_OPEN_WRITE) != 0;
	ix->budget = GW_POSTINGS_BUDGET;
	ix->threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ix->threads < 1)
		ix->threads = 1;
	if (gw_store_open(&ix->s, path, flags, err) || gw_analyzer_new(&ix->an, err)) {
		gw_index_close(ix);
		return err->rc;
	}
	*out = ix;
	return GW_OK;
}

static void batch_free(gw_batch *b)
{
	gw_buf_free(&b->arena);
	free(b->docs);
	free(b->fields);
	free(b->dels);
	free(b->slot);
	memset(b, 0, sizeof *b);
}

void gw_index_close(gw_index *ix)
{
	if (!ix)
		return;
	batch_free(&ix->b);
	gw_analyzer_free(ix->an);
	gw_store_close(ix->s);
	free(ix);
}

void gw_index_set_budget(gw_index *ix, size_t bytes) { ix->budget = bytes ? bytes : GW_POSTINGS_BUDGET; }

void gw_index_set_threads(gw_index *ix, int n) { ix->threads = n < 1 ? 1 : n > 64 ? 64 : n; }

void gw_index_set_progress(gw_index *ix, gw_progress_fn fn, void *ctx)
{
	ix->progress = fn;
	ix->progress_ctx = ctx;
}

void gw_index_set_warn(gw_index *ix, gw_warn_fn fn, void *ctx)
{
	ix->warn = fn;
	ix->warn_ctx = ctx;
}

static void warnf(gw_index *ix, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void warnf(gw_index *ix, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (!ix->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ix->warn(ix->warn_ctx, msg);
}

gw_rc gw_index_begin(gw_index *ix, gw_err *err)
{
	if (!ix->write)
		return gw_err_set(err, GW_EINVAL, 0, "index not opened for writing");
	if (ix->b.open)
		return gw_err_set(err, GW_EINVAL, 0, "a batch is already open");
	batch_free(&ix->b);
	ix->b.open = 1;
	return GW_OK;
}

void gw_index_abort(gw_index *ix) { batch_free(&ix->b); }

static uint64_t id_hash(const char *p, size_t n) { return gw_hash(GW_HASH_INIT, p, n); }

static int rehash(gw_batch *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < b->ndocs; i++) {
		size_t j = id_hash((char *)b->arena.p + b->docs[i].id_off, b->docs[i].id_len) & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(b->slot);
	b->slot = s;
	b->nslots = n;
	return 0;
}

/* The hash slot of id: holding the live pending doc with that id, or empty. */
static uint32_t *id_slot(gw_batch *b, const char *id, size_t n)
{
	size_t j = id_hash(id, n) & (b->nslots - 1);

	while (b->slot[j]) {
		const gw_pdoc *d = &b->docs[b->slot[j] - 1];
		if (d->id_len == n && memcmp(b->arena.p + d->id_off, id, n) == 0)
			return &b->slot[j];
		j = (j + 1) & (b->nslots - 1);
	}
	return &b->slot[j];
}

/* Marks a pending doc with this id dead (a later put or delete wins). */
static void supersede(gw_batch *b, const char *id, size_t n)
{
	uint32_t *s;

	if (!b->nslots)
		return;
	s = id_slot(b, id, n);
	if (*s)
		b->docs[*s - 1].dead = 1;
}

static int grow_array(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	np = realloc(*p, c * size);
	if (!np)
		return -1;
	*p = np;
	*cap = c;
	return 0;
}

static gw_rc check_doc(const gw_doc *doc, gw_err *err)
{
	if (doc->id_len == 0)
		return gw_err_set(err, GW_EINVAL, 0, "empty id");
	if (doc->id_len > 500)
		return gw_err_set(err, GW_EINVAL, 0, "id longer than 500 bytes");
	if (!gw_utf8_valid(doc->id, doc->id_len) || memchr(doc->id, 0, doc->id_len))
		return gw_err_set(err, GW_EINVAL, 0, "id is not valid UTF-8 text");
	if (doc->nfields > GW_MAX_FIELDS)
		return gw_err_set(err, GW_EINVAL, 0, "too many fields");
	for (size_t i = 0; i < doc->nfields; i++) {
		const gw_field *f = &doc->fields[i];
		if (f->name_len == 0)
			return gw_err_set(err, GW_EINVAL, 0, "empty field name");
		if (f->name_len > 200 || !gw_utf8_valid(f->name, f->name_len))
			return gw_err_set(err, GW_EINVAL, 0, "bad field name");
		for (size_t j = 0; j < i; j++)
			if (doc->fields[j].name_len == f->name_len &&
			    memcmp(doc->fields[j].name, f->name, f->name_len) == 0)
				return gw_err_set(err, GW_EINVAL, 0, "field '%.*s' given twice",
				                  (int)f->name_len, f->name);
	}
	return GW_OK;
}

/* Copies a field value, replacing invalid UTF-8 (with a warning). */
static void copy_value(gw_index *ix, const gw_doc *doc, const gw_field *f)
{
	size_t bad = 0, n = gw_utf8_sanitize(&ix->b.arena, f->val, f->val_len, &bad);

	if (n)
		warnf(ix, "document '%.*s' field '%.*s': invalid UTF-8 at byte %zu replaced with U+FFFD "
		          "(%zu sequence%s)",
		      (int)doc->id_len, doc->id, (int)f->name_len, f->name, bad, n, n == 1 ? "" : "s");
}

gw_rc gw_index_put(gw_index *ix, const gw_doc *doc, gw_err *err)
{
	gw_batch *b = &ix->b;
	gw_pdoc *d;
	uint32_t *s;

	if (!b->open)
		return gw_err_set(err, GW_EINVAL, 0, "no batch open");
	if (check_doc(doc, err))
		return err->rc;
	if (grow_array((void **)&b->docs, &b->docs_cap, b->ndocs + 1, sizeof *b->docs) ||
	    grow_array((void **)&b->fields, &b->fields_cap, b->nfields + doc->nfields, sizeof *b->fields) ||
	    ((b->ndocs + 1) * 2 > b->nslots && rehash(b)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	s = id_slot(b, doc->id, doc->id_len);
	if (*s)
		b->docs[*s - 1].dead = 1;
	d = &b->docs[b->ndocs];
	memset(d, 0, sizeof *d);
	d->id_off = b->arena.len;
	d->id_len = doc->id_len;
	gw_buf_append(&b->arena, doc->id, doc->id_len);
	d->f_first = b->nfields;
	d->nf = doc->nfields;
	for (size_t i = 0; i < doc->nfields; i++) {
		gw_pfield *pf = &b->fields[b->nfields++];
		pf->name_off = b->arena.len;
		pf->name_len = doc->fields[i].name_len;
		gw_buf_append(&b->arena, doc->fields[i].name, pf->name_len);
		pf->val_off = b->arena.len;
		copy_value(ix, doc, &doc->fields[i]);
		pf->val_len = b->arena.len - pf->val_off;
		b->bytes += doc->fields[i].val_len;
	}
	if (!gw_buf_ok(&b->arena))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	*s = (uint32_t)++b->ndocs;
	return GW_OK;
}

gw_rc gw_index_delete(gw_index *ix, const char *id, size_t id_len, gw_err *err)
{
	gw_batch *b = &ix->b;

	if (!b->open)
		return gw_err_set(err, GW_EINVAL, 0, "no batch open");
	if (grow_array((void **)&b->dels, &b->dels_cap, b->ndels + 1, sizeof *b->dels))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	supersede(b, id, id_len);
	b->dels[b->ndels++] = b->arena.len;
	gw_buf_put_varint(&b->arena, id_len);
	gw_buf_append(&b->arena, id, id_len);
	return gw_buf_ok(&b->arena) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

/* ---- commit ---- */

static gw_rc load_counters(applier *ap, gw_err *err)
{
	char key[32];

	if (gw_fields_load(ap->t, &ap->ft, err) || gw_meta_get(ap->t, "ndocs", &ap->ndocs, err) ||
	    gw_meta_get(ap->t, "next_docid", &ap->next_docid, err))
		return err->rc;
	for (unsigned f = 1; f <= ap->ft.n; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if (gw_meta_get(ap->t, key, &ap->flen[f], err))
			return err->rc;
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (gw_meta_get(ap->t, key, &ap->fdocs[f], err))
			return err->rc;
	}
	return GW_OK;
}

static gw_rc save_counters(applier *ap, gw_err *err)
{
	char key[32];

	if (gw_meta_put(ap->t, "ndocs", ap->ndocs, err) ||
	    gw_meta_put(ap->t, "next_docid", ap->next_docid, err))
		return err->rc;
	for (unsigned f = 1; f <= ap->ft.n; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if (gw_meta_put(ap->t, key, ap->flen[f], err))
			return err->rc;
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (gw_meta_put(ap->t, key, ap->fdocs[f], err))
			return err->rc;
	}
	return GW_OK;
}

/* Analyzes text into ap->toks, sorted. */
static gw_rc analyze_field(applier *ap, const char *text, size_t len, uint32_t *flen, gw_err *err)
{
	uint32_t next = 0;

	gw_toklist_reset(&ap->toks);
	if (gw_analyze(ap->ix->an, text, len, 0, GW_AN_ALL, gw_toklist_add, &ap->toks, &next, err))
		return err->rc;
	if (ap->toks.oom)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	gw_toklist_sort(&ap->toks);
	*flen = next;
	return GW_OK;
}

/* Removes a stored document completely: its postings (found by analyzing
 * its stored text again), its record, its id and its counts. */
static gw_rc remove_doc(applier *ap, uint32_t docid, gw_err *err)
{
	const void *val;
	size_t len;
	gw_record r;
	gw_buf copy = GW_BUF_INIT;
	gw_rc rc = gw_doc_get(ap->t, docid, &val, &len, err);

	if (rc)
		return rc == GW_ENOTFOUND ? gw_err_set(err, GW_EFORMAT, 0, "id points to missing docid %u", docid) : rc;
	/* LMDB values may move when the write txn changes pages: copy first. */
	gw_buf_append(&copy, val, len);
	if (!gw_buf_ok(&copy))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_record_parse(copy.p, copy.len, &r, 1)) {
		gw_buf_free(&copy);
		return gw_err_set(err, GW_EFORMAT, 0, "damaged record of docid %u", docid);
	}
	for (unsigned i = 0; i < r.nf && rc == GW_OK; i++) {
		uint32_t flen;
		if (!gw_field_indexed(&ap->ft, r.fid[i]))
			continue;
		rc = analyze_field(ap, r.text[i], r.text_len[i], &flen, err);
		for (size_t k = 0; k < ap->toks.n && rc == GW_OK; k++) {
			const gw_tok *tk = &ap->toks.t[k];
			if (k > 0 && gw_toklist_same(&ap->toks, k - 1, k))
				continue;
			gw_term_key(&ap->scratch, r.fid[i], tk->kind, (const char *)ap->toks.terms.p + tk->off, tk->len);
			rc = gw_post_remove(ap->t, ap->scratch.p, ap->scratch.len, docid, err);
		}
		if (r.fid[i] <= GW_MAX_FIELDS) {
			ap->flen[r.fid[i]] -= r.flen[i];
			ap->fdocs[r.fid[i]]--;
		}
	}
	if (rc == GW_OK && (rc = gw_doc_del(ap->t, docid, err)) == GW_OK &&
	    (rc = gw_lens_remove(ap->t, docid, &ap->scratch, err)) == GW_OK)
		rc = gw_id_del(ap->t, r.id, r.id_len, err);
	if (rc == GW_OK)
		ap->ndocs--;
	gw_buf_free(&copy);
	return rc;
}

static gw_rc apply_delete(applier *ap, const char *id, size_t len, gw_err *err)
{
	uint32_t docid;
	gw_rc rc = gw_id_get(ap->t, id, len, &docid, err);

	if (rc == GW_ENOTFOUND) {
		ap->st.missing++;
		return GW_OK;
	}
	if (rc || remove_doc(ap, docid, err))
		return err->rc;
	ap->st.deleted++;
	return GW_OK;
}

/* The content hash of a pending document. */
static uint64_t pdoc_hash(const gw_batch *b, const gw_pdoc *d)
{
	const char *a = (const char *)b->arena.p;
	uint64_t h = gw_record_hash_init(a + d->id_off, d->id_len);

	for (size_t i = 0; i < d->nf; i++) {
		const gw_pfield *pf = &b->fields[d->f_first + i];
		h = gw_record_hash_field(h, a + pf->name_off, pf->name_len, a + pf->val_off, pf->val_len);
	}
	return gw_record_hash_end(h);
}

/* 1 if the stored document docid has content hash h. */
static int same_content(applier *ap, uint32_t docid, uint64_t h)
{
	const void *val;
	size_t len;
	gw_record r;
	gw_err e2;

	gw_err_clear(&e2);
	return gw_doc_get(ap->t, docid, &val, &len, &e2) == GW_OK && gw_record_parse(val, len, &r, 0) == 0 &&
	       r.hash == h;
}

/* Adds d, analyzed ahead in pre (fields in the same order). */
static gw_rc add_doc(applier *ap, const gw_pdoc *d, const gw_predoc *pre, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	const char *id = (const char *)b->arena.p + d->id_off;
	gw_record r;
	uint32_t docid, old;
	gw_rc rc = gw_id_get(ap->t, id, d->id_len, &old, err);

	r.hash = pdoc_hash(b, d);
	if (rc == GW_OK) {
		if (same_content(ap, old, r.hash)) {
			ap->st.unchanged++;
			return GW_OK;
		}
		if (remove_doc(ap, old, err))
			return err->rc;
		ap->st.replaced++;
	} else if (rc == GW_ENOTFOUND) {
		ap->st.added++;
	} else {
		return rc;
	}
	if (ap->next_docid >= UINT32_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "docid space exhausted: rebuild the index");
	docid = (uint32_t)ap->next_docid++;
	r.id = id;
	r.id_len = d->id_len;
	r.nf = (unsigned)d->nf;
	if (pre->rc)
		return gw_err_set(err, pre->rc, pre->err.sys, "%s", pre->err.msg);
	for (size_t i = 0; i < d->nf; i++) {
		const gw_pfield *pf = &b->fields[d->f_first + i];
		const gw_prefield *f = &pre->f[i];
		const char *name = (const char *)b->arena.p + pf->name_off;
		if (gw_field_intern(ap->t, &ap->ft, (const char *)f->fold.p, f->fold.len, name, pf->name_len,
		                    &r.fid[i], err))
			return err->rc;
		r.text[i] = (const char *)b->arena.p + pf->val_off;
		r.text_len[i] = pf->val_len;
		r.flen[i] = f->flen;
		if (!gw_field_indexed(&ap->ft, r.fid[i]))
			continue;
		if (gw_accum_add(ap->acc, r.fid[i], docid, &f->toks))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		ap->flen[r.fid[i]] += r.flen[i];
		ap->fdocs[r.fid[i]]++;
	}
	/* For the same-script ranking bonus. */
	r.script = gw_script_of(pre->trad, pre->simp);
	gw_record_build(&ap->rec, &r);
	if (!gw_buf_ok(&ap->rec))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_doc_put(ap->t, docid, ap->rec.p, ap->rec.len, err) || gw_id_put(ap->t, id, d->id_len, docid, err) ||
	    gw_lens_add(ap->t, docid, &r, &ap->ft, &ap->scratch, err))
		return err->rc;
	ap->ndocs++;
	return GW_OK;
}

/* ---- pruning ---- */

typedef struct pruner {
	applier *ap;
	unsigned src_fid;
	uint32_t *docids;
	size_t n, cap;
	int oom;
} pruner;

/* 1 if the stored source s (len bytes) is src or lies under it. */
static int source_covers(const char *src, const char *s, size_t len)
{
	size_t n = strlen(src);

	if (strcmp(src, ".") == 0) /* the current directory: every relative path */
		return len > 0 && s[0] != '/' && !(len == 7 && memcmp(s, "<stdin>", 7) == 0);
	if (n == 0 || len < n || memcmp(s, src, n) != 0)
		return 0;
	return len == n || src[n - 1] == '/' || s[n] == '/';
}

/* Collects the docids to prune (removed after the scan: no writes while a
 * cursor walks the docs). */
static int on_prune_doc(void *ctx, uint32_t docid, const void *val, size_t len)
{
	pruner *p = ctx;
	const gw_batch *b = &p->ap->ix->b;
	gw_record r;
	int k;
	size_t i;

	if (gw_record_parse(val, len, &r, 1) || (k = gw_record_field(&r, p->src_fid)) < 0)
		return 0;
	for (i = 0; i < p->ap->nsources; i++)
		if (source_covers(p->ap->sources[i], r.text[k], r.text_len[k]))
			break;
	if (i == p->ap->nsources)
		return 0;
	if (b->nslots && *id_slot((gw_batch *)b, r.id, r.id_len))
		return 0; /* put in this batch: it stays (added, replaced or unchanged) */
	if (grow_array((void **)&p->docids, &p->cap, p->n + 1, sizeof *p->docids)) {
		p->oom = 1;
		return 1;
	}
	p->docids[p->n++] = docid;
	return 0;
}

static gw_rc prune(applier *ap, gw_err *err)
{
	pruner p;
	gw_rc rc = GW_OK;

	memset(&p, 0, sizeof p);
	p.ap = ap;
	p.src_fid = gw_field_find(&ap->ft, "_source", 7);
	if (!p.src_fid)
		return GW_OK; /* no document has a source */
	if (gw_doc_each(ap->t, on_prune_doc, &p, err))
		rc = err->rc;
	else if (p.oom)
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < p.n && rc == GW_OK; i++)
		if ((rc = remove_doc(ap, p.docids[i], err)) == GW_OK) {
			ap->st.deleted++;
			ap->st.pruned++;
		}
	free(p.docids);
	return rc;
}

/* 1 if d must be analyzed: it is live and not stored unchanged already. */
static int needs_analysis(applier *ap, const gw_pdoc *d)
{
	const gw_batch *b = &ap->ix->b;
	uint32_t old;
	gw_err e;

	if (d->dead)
		return 0;
	gw_err_clear(&e);
	if (gw_id_get(ap->t, (const char *)b->arena.p + d->id_off, d->id_len, &old, &e) != GW_OK)
		return 1;
	return !same_content(ap, old, pdoc_hash(b, d));
}

/* Analyzes documents w .. w+n of the batch ahead, on the index's threads. */
static gw_rc analyze_window(applier *ap, size_t w, size_t n, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	size_t total = 0, at = 0;

	for (size_t k = 0; k < n; k++)
		total += b->docs[w + k].nf;
	if (total > ap->inbuf_cap) {
		gw_prein *p = realloc(ap->inbuf, total * sizeof *p);
		if (!p)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		ap->inbuf = p;
		ap->inbuf_cap = total;
	}
	for (size_t k = 0; k < n; k++) {
		const gw_pdoc *d = &b->docs[w + k];
		ap->pre[k].todo = needs_analysis(ap, d);
		ap->pre[k].rc = GW_OK;
		ap->in[k] = ap->inbuf + at;
		ap->nf[k] = d->nf;
		for (size_t i = 0; i < d->nf; i++, at++) {
			const gw_pfield *pf = &b->fields[d->f_first + i];
			ap->inbuf[at].name = (const char *)b->arena.p + pf->name_off;
			ap->inbuf[at].name_len = pf->name_len;
			ap->inbuf[at].text = (const char *)b->arena.p + pf->val_off;
			ap->inbuf[at].text_len = pf->val_len;
		}
	}
	return gw_prean_run(ap->pre, ap->in, ap->nf, n, ap->ix->threads, ap->ix->an, err);
}

static gw_rc apply(applier *ap, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;

	if (load_counters(ap, err))
		return err->rc;
	for (size_t i = 0; i < b->ndels; i++) {
		const unsigned char *p = b->arena.p + b->dels[i];
		uint64_t n;
		gw_varint_get(&p, b->arena.p + b->arena.len, &n);
		if (apply_delete(ap, (const char *)p, (size_t)n, err))
			return err->rc;
	}
	if (ap->nsources && prune(ap, err))
		return err->rc;
	for (size_t w = 0; w < b->ndocs; w += PREAN_WINDOW) {
		size_t n = b->ndocs - w < PREAN_WINDOW ? b->ndocs - w : PREAN_WINDOW;
		if (analyze_window(ap, w, n, err))
			return err->rc;
		for (size_t k = 0; k < n; k++)
			if (!b->docs[w + k].dead && add_doc(ap, &b->docs[w + k], &ap->pre[k], err))
				return err->rc;
		/* Bounded memory: past the budget, the lists merge into the
		 * store (new docids only ever go after the stored ones). */
		if (gw_accum_bytes(ap->acc) > ap->ix->budget && gw_accum_flush(ap->acc, ap->t, err))
			return err->rc;
		if (ap->ix->progress)
			ap->ix->progress(ap->ix->progress_ctx, w + n, b->ndocs);
	}
	if (gw_accum_flush(ap->acc, ap->t, err) || save_counters(ap, err))
		return err->rc;
	return GW_OK;
}

static void applier_free(applier *ap)
{
	for (size_t k = 0; k < PREAN_WINDOW; k++)
		gw_predoc_free(&ap->pre[k]);
	free(ap->inbuf);
	gw_txn_abort(ap->t);
	gw_fieldtab_free(&ap->ft);
	gw_accum_free(ap->acc);
	gw_toklist_free(&ap->toks);
	gw_buf_free(&ap->scratch);
	gw_buf_free(&ap->rec);
}

gw_rc gw_index_commit(gw_index *ix, gw_batch_stats *stats, gw_err *err)
{
	return gw_index_commit_pruning(ix, NULL, 0, stats, err);
}

gw_rc gw_index_commit_pruning(gw_index *ix, const char *const *sources, size_t n,
                              gw_batch_stats *stats, gw_err *err)
{
	gw_rc rc;

	if (!ix->b.open)
		return gw_err_set(err, GW_EINVAL, 0, "no batch open");
	for (int attempt = 0;; attempt++) {
		applier ap;
		gw_err e2;
		memset(&ap, 0, sizeof ap);
		gw_err_clear(&e2);
		ap.ix = ix;
		ap.sources = sources;
		ap.nsources = n;
		ap.acc = gw_accum_new();
		rc = ap.acc ? gw_store_begin(ix->s, 1, &ap.t, &e2) : gw_err_set(&e2, GW_ENOMEM, 0, "out of memory");
		if (rc == GW_OK && (rc = apply(&ap, &e2)) == GW_OK) {
			rc = gw_txn_commit(ap.t, &e2);
			ap.t = NULL;
		}
		ap.st.bytes = ix->b.bytes;
		if (rc == GW_OK && stats)
			*stats = ap.st;
		applier_free(&ap);
		if (rc != GW_EFULL || attempt >= 30) {
			if (rc)
				gw_err_set(err, rc, e2.sys, "%s", e2.msg);
			break;
		}
		/* The map is full: grow it (no txn open now) and apply again. */
		if ((rc = gw_store_grow(ix->s, err)))
			break;
	}
	batch_free(&ix->b);
	return rc;
}

gw_rc gw_index_count(gw_index *ix, uint64_t *ndocs, gw_err *err)
{
	gw_txn *t;
	gw_rc rc = gw_store_begin(ix->s, 0, &t, err);

	if (rc)
		return rc;
	rc = gw_meta_get(t, "ndocs", ndocs, err);
	gw_txn_abort(t);
	return rc;
}
