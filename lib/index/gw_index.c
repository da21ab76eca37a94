/* gw_index: opening an index and applying batches of changes to it.
 *
 * A batch is copied into memory (gw_batch) by gw_index_put/delete and applied
 * in one LMDB write transaction: deletes first, then pruning (documents of
 * the given sources that the batch does not put), then the documents (each
 * replacing any stored document with its id, or skipped when the stored one
 * has the same content hash), then the accumulated postings, then the
 * counters.
 *
 * A small batch is applied at gw_index_commit; if the map fills up, the
 * transaction is aborted, the map doubled and the batch applied again from
 * its in-memory copy. A batch whose text passes the window (ix->window) is
 * applied as it grows ("streaming"): the write transaction opens with a map
 * large enough for any batch (gw_store_reserve), each window of documents is
 * applied into it and its copy freed, and only the commit makes any of it
 * visible. So memory holds one window of text, the postings budget and
 * LMDB's dirty pages, whatever the batch size. An index being built where
 * no reader looks (staging) also commits as it goes, which bounds the dirty
 * pages too; it always runs on the large map, as there is no replay. */
#include "index/gw_index.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "index/gw_accum.h"
#include "index/gw_index_impl.h"
#include "store/gw_lens.h"
#include "store/gw_norms.h"
#include "index/gw_prean.h"
#include "store/gw_record.h"
#include "index/gw_removals.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

#define PREAN_WINDOW 256
/* Tokens a document slot's lists keep room for once used (gw_predoc_trim):
 * two windows of 256 slots kept each up to 4096 tokens a field, 60 MB of
 * a --memory 64 batch; the allocations saved cost more memory than time. */
#define PREDOC_KEEP 256

/* Per-commit working state. */
typedef struct applier {
	gw_index *ix;
	gw_txn *t;
	uint64_t first_docid;       /* next_docid when the txn began: docids from
	                             * here on were added by this batch */
	gw_fieldtab ft;
	gw_accum *acc;
	gw_removals *rem;           /* postings of removed documents, queued */
	gw_toklist toks;
	gw_lens_queue lensq;        /* lens entries of the documents added, until a flush */
	gw_norms_queue normsq;      /* and their norms */
	gw_fsets fsets;             /* the field sets norms name */
	gw_buf scratch, rec;
	gw_unpacker unpacker;       /* for the stored texts of removed documents */
	int zdict_picked;           /* the batch's texts' dictionary is chosen (pick_zdict) */
	int zdict_stored;           /* and this batch trained and stored it */
	uint64_t ndocs, next_docid;
	uint64_t flen[GW_MAX_FIELDS + 1], fcjk[GW_MAX_FIELDS + 1], fdocs[GW_MAX_FIELDS + 1];
	gw_batch_stats st;
	const char *const *sources; /* to prune (gw_index_commit_pruning) */
	size_t nsources;
	/* Two windows of documents: one written while the pool analyzes the
	 * other. */
	gw_prean *pool;
	gw_predoc pre[2][PREAN_WINDOW];
	const gw_prein *in[2][PREAN_WINDOW];
	size_t nf[2][PREAN_WINDOW];
	gw_prein *inbuf[2];
	size_t inbuf_cap[2];
} applier;

gw_rc gw_index_open(gw_index **out, const char *path, int flags, gw_err *err)
{
	gw_index *ix;

	*out = NULL;
	ix = calloc(1, sizeof *ix);
	if (!ix)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	ix->write = (flags & GW_OPEN_WRITE) != 0;
	gw_index_set_budget(ix, 0);
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

gw_rc gw_index_open_view(gw_index **out, gw_index *base, gw_err *err)
{
	gw_index *ix;

	*out = NULL;
	if (base->write)
		return gw_err_set(err, GW_EINVAL, 0, "a view needs a read-only index");
	if (!(ix = calloc(1, sizeof *ix)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	ix->s = base->s;
	ix->view = 1;
	gw_index_set_budget(ix, 0);
	ix->threads = 1;
	if (gw_analyzer_new(&ix->an, err)) {
		gw_index_close(ix);
		return err->rc;
	}
	*out = ix;
	return GW_OK;
}

gw_rc gw_index_reader_check(gw_index *ix, int *dead, gw_err *err)
{
	return gw_store_reader_check(ix->s, dead, err);
}

static void applier_free(applier *ap);
static gw_rc stream_window(gw_index *ix, gw_err *err);

/* Ends the snapshot puts were compared with: before the batch's write
 * txn begins (gw_store_reserve and gw_store_grow want none open). */
static void snap_end(gw_batch *b)
{
	gw_txn_abort(b->snap);
	b->snap = NULL;
}

static void batch_free(gw_batch *b)
{
	snap_end(b);
	gw_buf_free(&b->arena);
	free(b->docs);
	free(b->fields);
	free(b->dels);
	free(b->slot);
	gw_buf_free(&b->seen);
	free(b->seen_slot);
	memset(b, 0, sizeof *b);
}

/* Drops the documents and deletes of an applied window, keeping the
 * memory for the next one and what the whole batch keeps (bytes, seen). */
static void window_reset(gw_batch *b, size_t window)
{
	/* The first window of a batch that trains the text dictionary holds
	 * GW_ZDICT_SPAN bytes, whatever the window: its copy is given back
	 * rather than kept for windows a fraction of its size (28 MB of a
	 * --memory 64 batch's 4 MB windows). */
	if (b->arena.cap > 2 * window + (1 << 20))
		gw_buf_free(&b->arena);
	gw_buf_reset(&b->arena);
	b->ndocs = b->nfields = b->ndels = 0;
	if (b->slot)
		memset(b->slot, 0, b->nslots * sizeof *b->slot);
}

/* Ends a streaming batch without committing (nothing of it was visible). */
static void stream_abort(gw_index *ix)
{
	if (ix->stream) {
		applier_free(ix->stream);
		free(ix->stream);
		ix->stream = NULL;
	}
}

void gw_index_close(gw_index *ix)
{
	if (!ix)
		return;
	stream_abort(ix);
	batch_free(&ix->b);
	gw_lens_cache_free(ix->lens_cache);
	gw_norms_cache_free(ix->norms_cache);
	gw_unpacker_free(&ix->unpacker);
	gw_analyzer_free(ix->an);
	if (!ix->view)
		gw_store_close(ix->s);
	free(ix);
}

void gw_index_set_budget(gw_index *ix, size_t bytes)
{
	ix->memory = bytes ? bytes : GW_MEMORY_BUDGET;
	ix->budget = ix->memory / 8 * 3;
	ix->window = ix->memory / 16;
}

void gw_index_set_window(gw_index *ix, size_t bytes) { ix->window = bytes ? bytes : ix->memory / 16; }

void gw_index_set_staging(gw_index *ix, uint64_t checkpoint)
{
	ix->staging = 1;
	ix->checkpoint = checkpoint;
}

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
	char msg[1200];
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
	const gw_zdict *z = NULL;
	gw_txn *t;

	if (!ix->write)
		return gw_err_set(err, GW_EINVAL, 0, "index not opened for writing");
	if (ix->b.open)
		return gw_err_set(err, GW_EINVAL, 0, "a batch is already open");
	stream_abort(ix);
	batch_free(&ix->b);
	if (gw_store_begin(ix->s, 0, &t, err))
		return err->rc;
	if (gw_txn_zdict(t, &z, err)) {
		gw_txn_abort(t);
		return err->rc;
	}
	gw_txn_abort(t);
	ix->b.zdict_missing = z == NULL;
	ix->b.open = 1;
	return GW_OK;
}

void gw_index_abort(gw_index *ix)
{
	stream_abort(ix);
	batch_free(&ix->b);
}

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

/* The seen-set slot of id: holding it, or empty. */
static size_t *seen_slot(const gw_batch *b, const char *id, size_t n)
{
	size_t j = id_hash(id, n) & (b->seen_nslots - 1);

	while (b->seen_slot[j]) {
		const unsigned char *p = b->seen.p + b->seen_slot[j] - 1;
		uint64_t len;
		gw_varint_get(&p, b->seen.p + b->seen.len, &len);
		if (len == n && memcmp(p, id, n) == 0)
			break;
		j = (j + 1) & (b->seen_nslots - 1);
	}
	return &b->seen_slot[j];
}

/* 1 if id was put in a window of this batch already applied. */
static int seen_has(const gw_batch *b, const char *id, size_t n)
{
	return b->seen_nslots && *seen_slot(b, id, n);
}

static int seen_add(gw_batch *b, const char *id, size_t n)
{
	size_t *s;

	if ((b->seen_n + 1) * 2 > b->seen_nslots) {
		size_t cap = b->seen_nslots ? b->seen_nslots * 2 : 1024;
		size_t *old = b->seen_slot, old_n = b->seen_nslots;
		if (!(b->seen_slot = calloc(cap, sizeof *b->seen_slot))) {
			b->seen_slot = old;
			return -1;
		}
		b->seen_nslots = cap;
		for (size_t i = 0; i < old_n; i++) {
			const unsigned char *p;
			uint64_t len;
			if (!old[i])
				continue;
			p = b->seen.p + old[i] - 1;
			gw_varint_get(&p, b->seen.p + b->seen.len, &len);
			*seen_slot(b, (const char *)p, (size_t)len) = old[i];
		}
		free(old);
	}
	s = seen_slot(b, id, n);
	if (*s)
		return 0;
	*s = b->seen.len + 1;
	gw_buf_put_varint(&b->seen, n);
	gw_buf_append(&b->seen, id, n);
	b->seen_n++;
	return gw_buf_ok(&b->seen) ? 0 : -1;
}

static gw_rc check_doc(const gw_doc *doc, gw_err *err)
{
	char q[GW_EXCERPT_SIZE];
	size_t total = 0;

	if (doc->id_len == 0)
		return gw_err_set(err, GW_EINVAL, 0, "empty id");
	if (doc->id_len > GW_ID_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "id of %zu bytes, more than GW_ID_MAX (%d)",
		                  doc->id_len, GW_ID_MAX);
	if (!gw_utf8_valid(doc->id, doc->id_len) || memchr(doc->id, 0, doc->id_len))
		return gw_err_set(err, GW_EINVAL, 0, "id is not valid UTF-8 text");
	if (doc->nfields > GW_MAX_FIELDS)
		return gw_err_set(err, GW_EINVAL, 0, "%zu fields, more than GW_MAX_FIELDS (%d)",
		                  doc->nfields, GW_MAX_FIELDS);
	for (size_t i = 0; i < doc->nfields; i++) {
		const gw_field *f = &doc->fields[i];
		if (f->name_len == 0)
			return gw_err_set(err, GW_EINVAL, 0, "empty field name");
		if (f->name_len > GW_FIELD_NAME_MAX)
			return gw_err_set(err, GW_EINVAL, 0,
			                  "field name '%s' is %zu bytes, more than GW_FIELD_NAME_MAX (%d)",
			                  gw_excerpt(q, f->name, f->name_len), f->name_len,
			                  GW_FIELD_NAME_MAX);
		if (f->val_len > GW_FIELD_MAX)
			return gw_err_set(err, GW_EINVAL, 0,
			                  "field '%s' is %zu bytes, more than GW_FIELD_MAX (%d)",
			                  gw_excerpt(q, f->name, f->name_len), f->val_len, GW_FIELD_MAX);
		total += f->val_len;
		if (!gw_utf8_valid(f->name, f->name_len))
			return gw_err_set(err, GW_EINVAL, 0, "field name '%s' is not valid UTF-8",
			                  gw_excerpt(q, f->name, f->name_len));
		for (size_t j = 0; j < i; j++)
			if (doc->fields[j].name_len == f->name_len &&
			    memcmp(doc->fields[j].name, f->name, f->name_len) == 0)
				return gw_err_set(err, GW_EINVAL, 0, "field '%s' given twice",
				                  gw_excerpt(q, f->name, f->name_len));
	}
	if (total > GW_DOC_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "document of %zu bytes, more than GW_DOC_MAX (%d)",
		                  total, GW_DOC_MAX);
	return GW_OK;
}

/* Copies a field value, replacing invalid UTF-8 (with a warning). */
static void copy_value(gw_index *ix, const gw_doc *doc, const gw_field *f)
{
	size_t bad = 0, n = gw_utf8_sanitize(&ix->b.arena, f->val, f->val_len, &bad);
	char qid[GW_EXCERPT_SIZE], qname[GW_EXCERPT_SIZE];

	if (n)
		warnf(ix, "document '%s' field '%s': invalid UTF-8 at byte %zu replaced with U+FFFD "
		          "(%zu sequence%s)",
		      gw_excerpt(qid, doc->id, doc->id_len), gw_excerpt(qname, f->name, f->name_len),
		      bad, n, n == 1 ? "" : "s");
}

/* A window that failed to apply breaks its batch: the transaction is
 * dropped (nothing was visible), and every later call of the batch,
 * commit included, returns this error. */
static gw_rc stream_failed(gw_index *ix, gw_rc rc, gw_err *err)
{
	if (rc == GW_OK)
		return GW_OK;
	stream_abort(ix);
	ix->broken = rc;
	snprintf(ix->broken_msg, sizeof ix->broken_msg, "%s", err->msg);
	ix->broken_sys = err->sys;
	return rc;
}

int gw_index_batch_broken(const gw_index *ix) { return ix->broken != GW_OK; }

static uint64_t pdoc_hash(const gw_batch *b, const gw_pdoc *d);

/* 1 if d, just copied in (the last thing in the arena), is stored with the
 * same content: its id's stored record has its content hash (d->hash is
 * set). Read in the batch's write txn once it has one, else in a snapshot
 * kept until it begins; any failure is 0 (d then goes the usual way). A
 * batch that has deleted ids claims nothing: a put after a delete of its
 * id adds it again. */
static int stored_same(gw_index *ix, gw_pdoc *d)
{
	gw_batch *b = &ix->b;
	gw_txn *t = ix->stream ? ix->stream->t : b->snap;
	const void *val;
	size_t len;
	uint32_t docid;
	gw_record r;
	gw_err e;

	gw_err_clear(&e);
	if (b->ndels)
		return 0;
	if (!t && gw_store_begin(ix->s, 0, &b->snap, &e) == GW_OK)
		t = b->snap;
	if (!t)
		return 0;
	d->hash = pdoc_hash(b, d);
	return gw_id_get(t, (const char *)b->arena.p + d->id_off, d->id_len, &docid, &e) == GW_OK &&
	       gw_doc_get(t, docid, &val, &len, &e) == GW_OK && gw_record_parse(val, len, &r, 0, NULL, NULL) == 0 &&
	       r.hash == d->hash;
}

gw_rc gw_index_put(gw_index *ix, const gw_doc *doc, gw_err *err)
{
	gw_batch *b = &ix->b;
	gw_pdoc *d;
	uint32_t *s;

	if (!b->open)
		return gw_err_set(err, GW_EINVAL, 0, "no batch open");
	if (ix->broken)
		return gw_err_set(err, ix->broken, ix->broken_sys, "%s", ix->broken_msg);
	if (check_doc(doc, err))
		return err->rc;
	if (gw_array_grow((void **)&b->docs, &b->docs_cap, b->ndocs + 1, sizeof *b->docs, 64) ||
	    gw_array_grow((void **)&b->fields, &b->fields_cap, b->nfields + doc->nfields, sizeof *b->fields, 64) ||
	    ((b->ndocs + 1) * 2 > b->nslots && rehash(b)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	s = id_slot(b, doc->id, doc->id_len);
	if (*s || seen_has(b, doc->id, doc->id_len)) {
		char q[GW_EXCERPT_SIZE];
		warnf(ix, "id '%s' given twice in this batch: this document replaces the earlier one",
		      gw_excerpt(q, doc->id, doc->id_len));
	}
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
	/* Unchanged: only its id is kept (re-indexing an unchanged corpus
	 * held a copy of all of it, 22 MB for zh-docs). */
	if (stored_same(ix, d)) {
		d->claimed = 1;
		b->arena.len = d->id_off + d->id_len;
		b->nfields = d->f_first;
		d->nf = 0;
	}
	*s = (uint32_t)++b->ndocs;
	if (b->arena.len >= ix->window && (ix->stream || !b->zdict_missing || b->arena.len >= GW_ZDICT_SPAN))
		return stream_failed(ix, stream_window(ix, err), err);
	return GW_OK;
}

gw_rc gw_index_delete(gw_index *ix, const char *id, size_t id_len, gw_err *err)
{
	gw_batch *b = &ix->b;

	if (!b->open)
		return gw_err_set(err, GW_EINVAL, 0, "no batch open");
	if (gw_array_grow((void **)&b->dels, &b->dels_cap, b->ndels + 1, sizeof *b->dels, 64))
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

	if (gw_fields_load(ap->t, &ap->ft, err) || gw_fsets_load(ap->t, &ap->fsets, err) ||
	    gw_meta_get(ap->t, "ndocs", &ap->ndocs, err) || gw_meta_get(ap->t, "next_docid", &ap->next_docid, err))
		return err->rc;
	for (unsigned f = 1; f <= ap->ft.n; f++) {
		snprintf(key, sizeof key, "flen:%u", f);
		if (gw_meta_get(ap->t, key, &ap->flen[f], err))
			return err->rc;
		snprintf(key, sizeof key, "fcjk:%u", f);
		if (gw_meta_get(ap->t, key, &ap->fcjk[f], err))
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
		snprintf(key, sizeof key, "fcjk:%u", f);
		if (gw_meta_put(ap->t, key, ap->fcjk[f], err))
			return err->rc;
		snprintf(key, sizeof key, "fdocs:%u", f);
		if (gw_meta_put(ap->t, key, ap->fdocs[f], err))
			return err->rc;
	}
	return gw_fields_save_kinds(ap->t, &ap->ft, err);
}

/* How often the batch commits as it goes: only while staging, else 0. */
static uint64_t checkpoint_bytes(const applier *ap)
{
	const gw_index *ix = ap->ix;

	return !ix->staging ? 0 : ix->checkpoint ? ix->checkpoint : ix->memory / 32;
}

/* Writes the postings held in memory: first the lists added (a document
 * this batch added and then removed has its postings there), then the
 * queued removals. Before the batch's last flush, with no removal queued,
 * the lists are spilled to a run instead (gw_runs.h), so that the last
 * flush writes each term once; a removal may be of a document whose
 * postings were spilled, so a flush with removals queued merges first. */
static gw_rc flush_postings(applier *ap, int last, gw_err *err)
{
	ap->st.flushes += gw_accum_terms(ap->acc) > 0;
	if (gw_lens_queue_flush(&ap->lensq, ap->t, &ap->scratch, err) ||
	    gw_fsets_save(&ap->fsets, ap->t, err) || gw_norms_queue_flush(&ap->normsq, ap->t, &ap->scratch, err))
		return err->rc;
	if (!last && !gw_removals_queued(ap->rem)) {
		if (gw_accum_spill(ap->acc, gw_store_path(ap->ix->s), err))
			return err->rc;
#ifdef __GLIBC__
		/* The lists' blocks just freed sit between blocks still in use
		 * in glibc's heaps, which keep them resident: given back, so
		 * that the budget is what the process holds (--memory 64 on
		 * 4x zh-docs: 113 -> 102 MB resident). */
		malloc_trim(0);
#endif
		return GW_OK;
	}
	if (gw_accum_flush(ap->acc, ap->t, checkpoint_bytes(ap), err) ||
	    gw_removals_flush(ap->rem, ap->t, checkpoint_bytes(ap), err))
		return err->rc;
	return GW_OK;
}

/* Queues the removal of docid from the postings of the terms of l, the
 * tokens of its field fid. */
static gw_rc queue_removals(applier *ap, uint32_t docid, unsigned fid, const gw_toklist *l, gw_err *err)
{
	for (size_t k = 0; k < l->ng; k++) {
		const gw_tgroup *tg = &l->g[k];
		gw_term_key(&ap->scratch, fid, tg->kind, (const char *)l->terms.p + tg->off, tg->len);
		if (!gw_buf_ok(&ap->scratch) || gw_removals_add(ap->rem, ap->scratch.p, ap->scratch.len, docid))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	return GW_OK;
}

/* Removes the rest of a stored document whose postings are queued: its
 * record, its lens entry, its id and its counts. */
static gw_rc remove_record(applier *ap, uint32_t docid, const gw_record *r, gw_err *err)
{
	gw_rc rc;

	for (unsigned i = 0; i < r->nf; i++)
		if (gw_field_indexed(&ap->ft, r->fid[i]) && r->fid[i] <= GW_MAX_FIELDS) {
			ap->flen[r->fid[i]] -= r->flen[i];
			ap->fcjk[r->fid[i]] -= r->fcjk[i];
			ap->fdocs[r->fid[i]]--;
		}
	/* A document this batch added: its lens entry may still be queued. */
	if (ap->lensq.n && docid >= ap->lensq.first && gw_lens_queue_flush(&ap->lensq, ap->t, &ap->scratch, err))
		return err->rc;
	if ((rc = gw_doc_del(ap->t, docid, err)) == GW_OK &&
	    (rc = gw_lens_remove(ap->t, docid, &ap->scratch, err)) == GW_OK &&
	    (rc = gw_id_del(ap->t, r->id, r->id_len, err)) == GW_OK)
		ap->ndocs--;
	return rc;
}

/* Removes a stored document completely: its record, its id and its counts
 * now; its postings are queued for flush_postings. Their terms come from
 * pre, analyzed by the pool (gw_predoc_set_old), or else from analyzing
 * its stored text again here. */
static gw_rc remove_doc(applier *ap, uint32_t docid, const gw_predoc *pre, gw_err *err)
{
	const void *val;
	size_t len;
	gw_record r;
	gw_buf copy = GW_BUF_INIT, unz = GW_BUF_INIT;
	gw_rc rc;

	if (pre && pre->has_old) {
		for (unsigned i = 0; i < pre->old->nf; i++)
			if (pre->old_indexed[i] && queue_removals(ap, docid, pre->old->fid[i], &pre->old_toks[i], err))
				return err->rc;
		return remove_record(ap, docid, pre->old, err);
	}
	rc = gw_doc_get(ap->t, docid, &val, &len, err);
	if (rc)
		return rc == GW_ENOTFOUND ? gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table ids: id points to missing docid %u", docid) : rc;
	/* LMDB values may move when the write txn changes pages: copy first. */
	gw_buf_append(&copy, val, len);
	if (!gw_buf_ok(&copy))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_record_parse(copy.p, copy.len, &r, 1, &unz, &ap->unpacker)) {
		gw_buf_free(&copy);
		gw_buf_free(&unz);
		return gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", docid);
	}
	for (unsigned i = 0; i < r.nf && rc == GW_OK; i++) {
		if (!gw_field_indexed(&ap->ft, r.fid[i]))
			continue;
		if ((rc = gw_toklist_analyze(&ap->toks, ap->ix->an, r.text[i], r.text_len[i], NULL, err)) == GW_OK)
			rc = queue_removals(ap, docid, r.fid[i], &ap->toks, err);
	}
	if (rc == GW_OK)
		rc = remove_record(ap, docid, &r, err);
	gw_buf_free(&copy);
	gw_buf_free(&unz);
	return rc;
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

/* Bytes of a pending document's field texts. */
static size_t pdoc_bytes(const gw_batch *b, const gw_pdoc *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nf; i++)
		n += b->fields[d->f_first + i].val_len;
	return n;
}

/* Adds d, looked up and analyzed ahead in pre (fields in the same order). */
static gw_rc add_doc(applier *ap, const gw_pdoc *d, const gw_predoc *pre, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	const char *id = (const char *)b->arena.p + d->id_off;
	gw_record r;
	uint32_t docid;

	if (pre->unchanged) {
		ap->st.unchanged++;
		return GW_OK;
	}
	if (pre->rc)
		return gw_err_set(err, pre->rc, pre->err.sys, "%s", pre->err.msg);
	r.hash = pre->hash;
	if (pre->stored) {
		if (remove_doc(ap, pre->stored, pre, err))
			return err->rc;
		/* Put again after an applied window: counted once, as then. */
		if (pre->stored < ap->first_docid)
			ap->st.replaced++;
	} else {
		ap->st.added++;
	}
	if (ap->next_docid >= UINT32_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "docid space exhausted: rebuild the index");
	docid = (uint32_t)ap->next_docid++;
	r.id = id;
	r.id_len = d->id_len;
	r.nf = (unsigned)d->nf;
	for (size_t i = 0; i < d->nf; i++) {
		const gw_pfield *pf = &b->fields[d->f_first + i];
		const gw_prefield *f = &pre->f[i];
		const char *name = (const char *)b->arena.p + pf->name_off;
		if (gw_field_intern(ap->t, &ap->ft, (const char *)f->fold.p, f->fold.len, name, pf->name_len,
		                    &r.fid[i], err))
			return err->rc;
		r.packed[i] = (unsigned char)f->packed;
		r.raw_len[i] = pf->val_len;
		r.text[i] = f->packed ? (const char *)f->z.p : (const char *)b->arena.p + pf->val_off;
		r.text_len[i] = f->packed ? f->z.len : pf->val_len;
		r.flen[i] = f->flen;
		r.fcjk[i] = f->fcjk;
		if (!gw_field_indexed(&ap->ft, r.fid[i]))
			continue;
		if (gw_accum_add(ap->acc, r.fid[i], docid, &f->toks))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		ap->flen[r.fid[i]] += r.flen[i];
		ap->fcjk[r.fid[i]] += r.fcjk[i];
		ap->fdocs[r.fid[i]]++;
		ap->ft.kinds[r.fid[i]] |= f->toks.kinds;
	}
	/* For the same-script ranking bonus. */
	r.script = gw_script_of(pre->trad, pre->simp);
	gw_record_build(&ap->rec, &r);
	if (!gw_buf_ok(&ap->rec))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_doc_put(ap->t, docid, ap->rec.p, ap->rec.len, err) || gw_id_put(ap->t, id, d->id_len, docid, err) ||
	    gw_lens_queue_add(&ap->lensq, docid, &r, &ap->ft, err) ||
	    gw_norms_queue_add(&ap->normsq, docid, gw_norm_of(&r, &ap->ft, &ap->fsets, 1), err))
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

	/* _source is short: never packed, so no unpacking here. */
	if (gw_record_parse(val, len, &r, 1, NULL, NULL) || (k = gw_record_field(&r, p->src_fid)) < 0 || !r.text[k])
		return 0;
	for (i = 0; i < p->ap->nsources; i++)
		if (source_covers(p->ap->sources[i], r.text[k], r.text_len[k]))
			break;
	if (i == p->ap->nsources)
		return 0;
	if ((b->nslots && *id_slot((gw_batch *)b, r.id, r.id_len)) || seen_has(b, r.id, r.id_len))
		return 0; /* put in this batch: it stays (added, replaced or unchanged) */
	if (gw_array_grow((void **)&p->docids, &p->cap, p->n + 1, sizeof *p->docids, 64)) {
		p->oom = 1;
		return 1;
	}
	p->docids[p->n++] = docid;
	return 0;
}

static int field_is_indexed(void *ft, unsigned fid) { return gw_field_indexed(ft, fid); }

static int by_docid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Removes the stored documents docids[0..n) (sorted here; one listed twice
 * is removed once, *dups gets how many were dropped), a window at a time:
 * the pool analyzes their stored texts, then the writer queues their
 * postings for removal and deletes the rest. */
static gw_rc remove_docs(applier *ap, uint32_t *docids, size_t n, size_t *dups, gw_err *err)
{
	size_t m = 0;

	*dups = 0;
	if (n == 0)
		return GW_OK;
	qsort(docids, n, sizeof *docids, by_docid);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || docids[m - 1] != docids[i])
			docids[m++] = docids[i];
	*dups = n - m;
	if (!ap->pool && gw_prean_new(&ap->pool, ap->ix->threads, err))
		return err->rc;
	for (size_t w = 0; w < m; w += PREAN_WINDOW) {
		size_t k, nw = m - w < PREAN_WINDOW ? m - w : PREAN_WINDOW;
		gw_predoc *pre = ap->pre[0];
		for (k = 0; k < nw; k++) {
			const void *val;
			size_t len;
			gw_err e2;
			gw_err_clear(&e2);
			pre[k].rc = GW_OK;
			pre[k].stored = docids[w + k];
			pre[k].unchanged = 0;
			pre[k].has_old = 0;
			/* Only the old version to analyze: no new fields. On any
			 * failure, remove_doc analyzes (and reports) on its own. */
			pre[k].todo = gw_doc_get(ap->t, docids[w + k], &val, &len, &e2) == GW_OK &&
			              gw_predoc_set_old(&pre[k], val, len, &ap->unpacker, field_is_indexed, &ap->ft) == 0;
			ap->in[0][k] = NULL;
			ap->nf[0][k] = 0;
		}
		gw_prean_start(ap->pool, pre, ap->in[0], ap->nf[0], nw);
		gw_prean_wait(ap->pool, ap->ix->an);
		for (k = 0; k < nw; k++) {
			if (remove_doc(ap, docids[w + k], &pre[k], err))
				return err->rc;
			gw_predoc_trim(&pre[k], PREDOC_KEEP);
		}
	}
	return GW_OK;
}

/* Deletes the documents of the batch's delete list; ids not stored, or
 * listed again, count as missing. */
static gw_rc apply_deletes(applier *ap, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	uint32_t *docids = malloc((b->ndels ? b->ndels : 1) * sizeof *docids);
	size_t n = 0, dups = 0;
	gw_rc rc = docids ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");

	for (size_t i = 0; i < b->ndels && rc == GW_OK; i++) {
		const unsigned char *p = b->arena.p + b->dels[i];
		uint64_t len;
		gw_varint_get(&p, b->arena.p + b->arena.len, &len);
		rc = gw_id_get(ap->t, (const char *)p, (size_t)len, &docids[n], err);
		if (rc == GW_ENOTFOUND) {
			ap->st.missing++;
			rc = GW_OK;
		} else if (rc == GW_OK) {
			n++;
		}
	}
	if (rc == GW_OK && (rc = remove_docs(ap, docids, n, &dups, err)) == GW_OK) {
		ap->st.deleted += n - dups;
		ap->st.missing += dups;
	}
	free(docids);
	return rc;
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
	if (rc == GW_OK) {
		size_t dups;
		if ((rc = remove_docs(ap, p.docids, p.n, &dups, err)) == GW_OK) {
			ap->st.deleted += p.n - dups;
			ap->st.pruned += p.n - dups;
		}
	}
	free(p.docids);
	return rc;
}

/* Reads pre->stored once: unchanged if it has pre->hash; else its record
 * goes to the pool, which analyzes the version it replaces too (a record
 * that cannot be read is left to remove_doc, which reports it). */
static void compare_stored(applier *ap, gw_predoc *pre)
{
	const void *val;
	size_t len;
	gw_record r;
	gw_err e2;

	gw_err_clear(&e2);
	if (gw_doc_get(ap->t, pre->stored, &val, &len, &e2) != GW_OK || gw_record_parse(val, len, &r, 0, NULL, NULL))
		return;
	pre->unchanged = r.hash == pre->hash;
	if (!pre->unchanged)
		gw_predoc_set_old(pre, val, len, &ap->unpacker, field_is_indexed, &ap->ft);
}

/* The content hash stored with docid, 0 if it cannot be read. */
static uint64_t stored_hash(applier *ap, uint32_t docid)
{
	const void *val;
	size_t len;
	gw_record r;
	gw_err e2;

	gw_err_clear(&e2);
	if (gw_doc_get(ap->t, docid, &val, &len, &e2) != GW_OK || gw_record_parse(val, len, &r, 0, NULL, NULL))
		return 0;
	return r.hash;
}

/* Looks d up before it is analyzed: its content hash, the docid stored
 * under its id, and whether that one has the same content (then d is not
 * analyzed). A failed lookup is d's error, reported when it is added. The
 * answers hold until d is added: a batch puts an id once (earlier puts of
 * it are dead), and deletes and pruning come before the documents. */
static void look_up(applier *ap, const gw_pdoc *d, gw_predoc *pre)
{
	const gw_batch *b = &ap->ix->b;
	gw_rc rc;

	pre->rc = GW_OK;
	pre->stored = 0;
	pre->unchanged = 0;
	pre->todo = 0;
	pre->has_old = 0;
	if (d->dead)
		return;
	pre->hash = d->claimed ? d->hash : pdoc_hash(b, d);
	gw_err_clear(&pre->err);
	rc = gw_id_get(ap->t, (const char *)b->arena.p + d->id_off, d->id_len, &pre->stored, &pre->err);
	if (rc == GW_ENOTFOUND)
		pre->stored = 0;
	else if (rc)
		pre->rc = rc;
	else if (d->claimed)
		pre->unchanged = stored_hash(ap, pre->stored) == pre->hash;
	else
		compare_stored(ap, pre);
	/* Claimed unchanged when put, changed since by another process: its
	 * text is gone, so the batch cannot put it. */
	if (d->claimed && !pre->rc && !pre->unchanged) {
		char q[GW_EXCERPT_SIZE];
		pre->rc = gw_err_set(&pre->err, GW_EINVAL, 0,
		                     "document '%s' was changed by another process while this batch was read: "
		                     "nothing was written, run it again",
		                     gw_excerpt(q, (const char *)b->arena.p + d->id_off, d->id_len));
	}
	pre->todo = !pre->rc && !pre->unchanged;
}

/* Hands documents w .. w+n of the batch to the pool, in buffer k: those
 * not stored with the same content already are analyzed while the writer
 * goes on. */
static gw_rc start_window(applier *ap, int k, size_t w, size_t n, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	size_t total = 0, at = 0, todo_bytes = 0;

	for (size_t i = 0; i < n; i++)
		total += b->docs[w + i].nf;
	if (total > ap->inbuf_cap[k]) {
		gw_prein *p = realloc(ap->inbuf[k], total * sizeof *p);
		if (!p)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		ap->inbuf[k] = p;
		ap->inbuf_cap[k] = total;
	}
	for (size_t i = 0; i < n; i++) {
		const gw_pdoc *d = &b->docs[w + i];
		look_up(ap, d, &ap->pre[k][i]);
		if (ap->pre[k][i].todo)
			todo_bytes += pdoc_bytes(b, d);
		ap->in[k][i] = ap->inbuf[k] + at;
		ap->nf[k][i] = d->nf;
		for (size_t f = 0; f < d->nf; f++, at++) {
			const gw_pfield *pf = &b->fields[d->f_first + f];
			ap->inbuf[k][at].name = (const char *)b->arena.p + pf->name_off;
			ap->inbuf[k][at].name_len = pf->name_len;
			ap->inbuf[k][at].text = (const char *)b->arena.p + pf->val_off;
			ap->inbuf[k][at].text_len = pf->val_len;
		}
	}
	/* The postings table sized for the text to analyze (a term of a
	 * field per 64 bytes: zh-docs has one per 74) before it is added,
	 * instead of doubling late; at most half the budget. Only what
	 * changed counts: an unchanged document adds nothing. */
	if (todo_bytes && gw_accum_reserve(ap->acc, todo_bytes / 64, ap->ix->budget / 2))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	gw_prean_start(ap->pool, ap->pre[k], ap->in[k], ap->nf[k], n);
	return GW_OK;
}

/* Chooses the dictionary the batch packs its texts with, once: the
 * index's; if it has none, one trained on this batch's texts and stored
 * with it, when they are enough (GW_ZDICT_MIN). The samples are every k-th
 * indexed text, in batch order, of those that start in the batch's first
 * GW_ZDICT_SPAN bytes (the first window holds at least that much: see
 * gw_index_put), k making about GW_ZDICT_SAMPLE bytes of them: so the
 * dictionary is the same whatever the window or the number of threads. */
static gw_rc pick_zdict(applier *ap, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;
	const gw_zdict *z;
	const char **texts;
	size_t *lens, n = 0, span = 0, k;

	if (ap->zdict_picked)
		return GW_OK;
	z = ap->unpacker.dict; /* the index's, read by the first window (apply) */
	if (!z) {
		texts = malloc((b->nfields ? b->nfields : 1) * sizeof *texts);
		lens = malloc((b->nfields ? b->nfields : 1) * sizeof *lens);
		if (!texts || !lens) {
			free(texts);
			free(lens);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		for (size_t i = 0; i < b->nfields && b->fields[i].val_off < GW_ZDICT_SPAN; i++) {
			const gw_pfield *pf = &b->fields[i];
			if (!gw_field_name_indexed((const char *)b->arena.p + pf->name_off, pf->name_len) ||
			    pf->val_len < GW_RECORD_ZIP_MIN)
				continue;
			texts[n] = (const char *)b->arena.p + pf->val_off;
			lens[n++] = pf->val_len;
			span += pf->val_len;
		}
		/* Every k-th text (kept in place: texts[j] = texts[j * k]). */
		k = span / GW_ZDICT_SAMPLE + 1;
		for (size_t j = 0; j * k < n; j++) {
			texts[j] = texts[j * k];
			lens[j] = lens[j * k];
		}
		if (span >= GW_ZDICT_MIN && gw_zdict_train(&ap->scratch, texts, lens, (n + k - 1) / k) == 0) {
			if (gw_txn_set_zdict(ap->t, ap->scratch.p, ap->scratch.len, err) ||
			    gw_txn_zdict(ap->t, &z, err)) {
				free(texts);
				free(lens);
				return err->rc;
			}
			ap->zdict_stored = 1;
		}
		free(texts);
		free(lens);
	}
	ap->unpacker.dict = z;
	gw_prean_set_zdict(ap->pool, z);
	ap->zdict_picked = 1;
	return GW_OK;
}

/* Applies the batch's current window. first: the transaction's first
 * window (read the counters); last: the commit (prune, merge the postings,
 * write the counters). Pruning goes before the window's documents and
 * spares every id the batch puts, in this window or an earlier one. */
static gw_rc apply(applier *ap, int first, int last, gw_err *err)
{
	const gw_batch *b = &ap->ix->b;

	if (first) {
		const gw_zdict *z;
		if (load_counters(ap, err) || gw_txn_zdict(ap->t, &z, err))
			return err->rc;
		ap->unpacker.dict = z;
		ap->first_docid = ap->next_docid;
	}
	if (b->ndels && apply_deletes(ap, err))
		return err->rc;
	if (last && ap->nsources && prune(ap, err))
		return err->rc;
	if (b->ndocs && !ap->pool && gw_prean_new(&ap->pool, ap->ix->threads, err))
		return err->rc;
	if (b->ndocs && pick_zdict(ap, err))
		return err->rc;
	/* Into an empty index every document is new: the postings table is
	 * sized for the whole batch's text at once (the windows reserve for
	 * their changed documents' text as they start). */
	if (first && b->ndocs && ap->ndocs == 0 &&
	    gw_accum_reserve(ap->acc, (size_t)(b->bytes / 64), ap->ix->budget / 2))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (b->ndocs && start_window(ap, 0, 0, b->ndocs < PREAN_WINDOW ? b->ndocs : PREAN_WINDOW, err))
		return err->rc;
	for (size_t w = 0; w < b->ndocs; w += PREAN_WINDOW) {
		size_t n = b->ndocs - w < PREAN_WINDOW ? b->ndocs - w : PREAN_WINDOW, next = w + n;
		int cur = (int)(w / PREAN_WINDOW) & 1;
		gw_prean_wait(ap->pool, ap->ix->an);
		/* The pool analyzes the next window while this one is written
		 * (documents do not depend on each other: a batch puts an id
		 * once, earlier puts of it are dead). */
		if (next < b->ndocs &&
		    start_window(ap, !cur, next, b->ndocs - next < PREAN_WINDOW ? b->ndocs - next : PREAN_WINDOW, err))
			return err->rc;
		for (size_t k = 0; k < n; k++) {
			if (!b->docs[w + k].dead && add_doc(ap, &b->docs[w + k], &ap->pre[cur][k], err))
				return err->rc;
			gw_predoc_trim(&ap->pre[cur][k], PREDOC_KEEP);
		}
		/* Bounded memory: past the budget, the lists go to a run or
		 * into the store (new docids only ever go after the stored
		 * ones). */
		if ((gw_accum_bytes(ap->acc) + gw_removals_bytes(ap->rem) + ap->lensq.b.cap + ap->normsq.b.cap >
		         ap->ix->budget ||
		     gw_accum_full(ap->acc)) &&
		    flush_postings(ap, 0, err))
			return err->rc;
		if (checkpoint_bytes(ap) && gw_txn_written(ap->t) >= checkpoint_bytes(ap) &&
		    gw_txn_checkpoint(ap->t, err))
			return err->rc;
		if (ap->ix->progress && last)
			ap->ix->progress(ap->ix->progress_ctx, w + n, b->ndocs);
	}
	if (last && (flush_postings(ap, 1, err) || save_counters(ap, err)))
		return err->rc;
	return GW_OK;
}

/* Streaming (see the top): applies the window held so far into the batch's
 * write transaction, opened on the first call, and frees its copy. */
static gw_rc stream_window(gw_index *ix, gw_err *err)
{
	gw_batch *b = &ix->b;
	applier *ap = ix->stream;
	int first = ap == NULL;

	if (first) {
		if (!(ap = calloc(1, sizeof *ap)) || !(ap->acc = gw_accum_new()) || !(ap->rem = gw_removals_new())) {
			if (ap)
				gw_accum_free(ap->acc);
			free(ap);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		ap->ix = ix;
		ix->stream = ap;
		gw_accum_set_budget(ap->acc, ix->budget);
		snap_end(b);
		/* No replay once windows are applied: map room for any batch. */
		if (gw_store_reserve(ix->s, ix->staging != 0, err) || gw_store_begin(ix->s, 1, &ap->t, err))
			return err->rc;
	}
	for (size_t i = 0; i < b->ndocs; i++)
		if (!b->docs[i].dead && seen_add(b, (const char *)b->arena.p + b->docs[i].id_off, b->docs[i].id_len))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (apply(ap, first, 0, err))
		return err->rc;
	window_reset(b, ix->window);
	return GW_OK;
}

static void applier_free(applier *ap)
{
	/* First: it waits for a window still being analyzed (after an error). */
	gw_prean_free(ap->pool);
	for (int b = 0; b < 2; b++) {
		for (size_t k = 0; k < PREAN_WINDOW; k++)
			gw_predoc_free(&ap->pre[b][k]);
		free(ap->inbuf[b]);
	}
	gw_txn_abort(ap->t);
	gw_fieldtab_free(&ap->ft);
	gw_accum_free(ap->acc);
	gw_removals_free(ap->rem);
	gw_toklist_free(&ap->toks);
	gw_lens_queue_free(&ap->lensq);
	gw_norms_queue_free(&ap->normsq);
	gw_fsets_free(&ap->fsets);
	gw_buf_free(&ap->scratch);
	gw_buf_free(&ap->rec);
	gw_unpacker_free(&ap->unpacker);
}

/* Commits the applier's transaction, which it gives up. A batch that
 * added, replaced and deleted nothing (an unchanged corpus indexed again)
 * changed nothing but counters rewritten with the values they had: its
 * transaction is dropped instead, which writes no page and waits for no
 * sync of the disk. A staging batch has committed as it went and commits
 * its end too. */
static gw_rc finish(applier *ap, gw_err *err)
{
	gw_txn *t = ap->t;

	ap->t = NULL;
	if (!ap->ix->staging && !ap->st.added && !ap->st.replaced && !ap->st.deleted && !ap->zdict_stored) {
		gw_txn_abort(t);
		return GW_OK;
	}
	if (gw_txn_commit(t, err))
		return err->rc;
	/* A batch that replaced or deleted documents freed pages: sealed, so
	 * that the next batch reuses them (gw_store_seal). The batch is
	 * committed by now: a failed seal costs only room. */
	if (!ap->ix->staging && (ap->st.replaced || ap->st.deleted)) {
		gw_err e2;
		gw_err_clear(&e2);
		(void)gw_store_seal(ap->ix->s, &e2);
	}
	return GW_OK;
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
	if (ix->broken) {
		rc = gw_err_set(err, ix->broken, ix->broken_sys, "%s", ix->broken_msg);
		gw_index_abort(ix);
		return rc;
	}
	if (ix->stream) {
		applier *ap = ix->stream;
		ap->sources = sources;
		ap->nsources = n;
		if ((rc = apply(ap, 0, 1, err)) == GW_OK)
			rc = finish(ap, err);
		ap->st.bytes = ix->b.bytes;
		if (rc == GW_OK && stats)
			*stats = ap->st;
		gw_index_abort(ix);
		return rc;
	}
	snap_end(&ix->b);
	for (int attempt = 0;; attempt++) {
		applier ap;
		gw_err e2;
		memset(&ap, 0, sizeof ap);
		gw_err_clear(&e2);
		ap.ix = ix;
		ap.sources = sources;
		ap.nsources = n;
		ap.acc = gw_accum_new();
		ap.rem = gw_removals_new();
		if (ap.acc)
			gw_accum_set_budget(ap.acc, ix->budget);
		rc = ap.acc && ap.rem ? GW_OK : gw_err_set(&e2, GW_ENOMEM, 0, "out of memory");
		/* A staging batch checkpoints: it cannot be replayed either. */
		if (rc == GW_OK && ix->staging)
			rc = gw_store_reserve(ix->s, 1, &e2);
		if (rc == GW_OK)
			rc = gw_store_begin(ix->s, 1, &ap.t, &e2);
		if (rc == GW_OK && (rc = apply(&ap, 1, 1, &e2)) == GW_OK)
			rc = finish(&ap, &e2);
		ap.st.bytes = ix->b.bytes;
		if (rc == GW_OK && stats)
			*stats = ap.st;
		applier_free(&ap);
		if (rc != GW_EFULL || attempt >= 30 || ix->staging) {
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
