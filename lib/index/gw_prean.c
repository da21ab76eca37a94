/* gw_prean: parallel analysis of a batch window (see gw_prean.h). */
#include "index/gw_prean.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text/gw_analyzer.h"
#include "store/gw_record.h"

/* The window being analyzed, shared by the pool's threads. */
struct gw_prean {
	pthread_mutex_t lock;
	pthread_cond_t work;      /* a job was started, or quit */
	pthread_cond_t done;      /* the job's last document is done */
	gw_predoc *docs;
	const gw_prein *const *in;
	const size_t *nf;
	size_t n;
	size_t next;              /* next document to take */
	size_t finished;          /* documents done or skipped */
	int quit;
	int nworkers;
	pthread_t tid[64];
	gw_packer *z;             /* the writer's, for its part of the work */
	const gw_zdict *zdict;    /* the index's dictionary, NULL if none */
};

void gw_predoc_free(gw_predoc *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		gw_buf_free(&d->f[i].fold);
		gw_toklist_free(&d->f[i].toks);
		gw_buf_free(&d->f[i].z);
	}
	free(d->f);
	for (size_t i = 0; i < d->old_cap; i++)
		gw_toklist_free(&d->old_toks[i]);
	free(d->old_toks);
	free(d->old_indexed);
	free(d->old);
	gw_buf_free(&d->old_val);
	gw_buf_free(&d->old_unz);
	memset(d, 0, sizeof *d);
}

int gw_predoc_set_old(gw_predoc *d, const void *val, size_t len, gw_unpacker *u,
                      int (*indexed)(void *ctx, unsigned fid), void *ctx)
{
	d->has_old = 0;
	if (!d->old && !(d->old = malloc(sizeof *d->old)))
		return -1;
	gw_buf_reset(&d->old_val);
	gw_buf_append(&d->old_val, val, len);
	if (!gw_buf_ok(&d->old_val) || gw_record_parse(d->old_val.p, d->old_val.len, d->old, 1, &d->old_unz, u) ||
	    !gw_buf_ok(&d->old_unz))
		return -1;
	if (d->old->nf > d->old_cap) {
		size_t n = d->old->nf;
		gw_toklist *t = realloc(d->old_toks, n * sizeof *t);
		unsigned char *ix;
		if (!t)
			return -1;
		/* Lists past old_cap were never filled: empty, and so again. */
		memset(t + d->old_cap, 0, (n - d->old_cap) * sizeof *t);
		d->old_toks = t;
		if (!(ix = realloc(d->old_indexed, n)))
			return -1;
		d->old_indexed = ix;
		d->old_cap = n;
	}
	for (unsigned i = 0; i < d->old->nf; i++)
		d->old_indexed[i] = (unsigned char)indexed(ctx, d->old->fid[i]);
	d->has_old = 1;
	return 0;
}

static void trim_toklist(gw_toklist *l, size_t max_tokens)
{
	if (l->cap > max_tokens || l->g_cap > max_tokens / 2)
		gw_toklist_free(l);
}

void gw_predoc_trim(gw_predoc *d, size_t max_tokens)
{
	for (size_t i = 0; i < d->cap; i++) {
		trim_toklist(&d->f[i].toks, max_tokens);
		if (d->f[i].z.cap > 4 * max_tokens)
			gw_buf_free(&d->f[i].z);
	}
	for (size_t i = 0; i < d->old_cap; i++)
		trim_toklist(&d->old_toks[i], max_tokens);
	/* Used by now (and its texts point into these buffers). */
	d->has_old = 0;
	if (d->old_val.cap > 4 * max_tokens)
		gw_buf_free(&d->old_val);
	if (d->old_unz.cap > 4 * max_tokens)
		gw_buf_free(&d->old_unz);
}

/* The stored version d replaces, if any; on failure the writer analyzes
 * it itself (has_old 0), which reports the error. */
static void analyze_old(gw_analyzer *an, gw_predoc *d)
{
	gw_err e;

	gw_err_clear(&e);
	for (unsigned i = 0; d->has_old && i < d->old->nf; i++) {
		gw_toklist *l = &d->old_toks[i];
		gw_toklist_reset(l);
		if (d->old_indexed[i] && gw_toklist_analyze(l, an, d->old->text[i], d->old->text_len[i], NULL, &e))
			d->has_old = 0;
	}
}

static gw_rc analyze_doc(gw_analyzer *an, gw_packer *z, const gw_zdict *dict, gw_predoc *d, const gw_prein *in,
                         size_t nf)
{
	gw_err *err = &d->err;

	if (nf > d->cap) {
		gw_prefield *f = realloc(d->f, nf * sizeof *f);
		if (!f)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		memset(f + d->cap, 0, (nf - d->cap) * sizeof *f);
		d->f = f;
		d->cap = nf;
	}
	d->nf = nf;
	d->trad = d->simp = 0;
	for (size_t i = 0; i < nf; i++) {
		gw_prefield *f = &d->f[i];
		gw_buf_reset(&f->fold);
		gw_toklist_reset(&f->toks);
		f->flen = f->fcjk = 0;
		f->indexed = gw_field_name_indexed(in[i].name, in[i].name_len);
		if (gw_analyzer_fold(an, in[i].name, in[i].name_len, &f->fold, err))
			return err->rc;
		/* Packed here, on the analysis threads, not by the writer;
		 * the stored-only '_' fields (sources, dates, types) stay plain
		 * for pruning and filters. */
		f->packed = f->indexed ? gw_record_pack(&f->z, z, dict, in[i].text, in[i].text_len) : GW_PACK_RAW;
		if (!f->indexed)
			continue;
		if (gw_toklist_analyze(&f->toks, an, in[i].text, in[i].text_len, &f->flen, err))
			return err->rc;
		f->fcjk = gw_toklist_cjk(&f->toks);
		gw_analyzer_script(an, &d->trad, &d->simp);
	}
	analyze_old(an, d);
	return GW_OK;
}

/* Takes documents of the current job until none is left to take (others
 * may still be analyzing theirs). Called with the lock held; returns with
 * it held. */
static void work(gw_prean *p, gw_analyzer *an, gw_packer *z)
{
	const gw_zdict *dict = p->zdict; /* set between jobs only */

	while (p->next < p->n) {
		size_t i = p->next++;
		if (!p->docs[i].todo) {
			p->finished++;
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		gw_err_clear(&p->docs[i].err);
		p->docs[i].rc = analyze_doc(an, z, dict, &p->docs[i], p->in[i], p->nf[i]);
		if (p->docs[i].rc)
			p->docs[i].has_old = 0; /* not analyzed: never used stale */
		pthread_mutex_lock(&p->lock);
		p->finished++;
	}
	if (p->finished == p->n)
		pthread_cond_broadcast(&p->done);
}

static void *worker(void *arg)
{
	gw_prean *p = arg;
	gw_analyzer *an = NULL;
	gw_packer *z;
	gw_err err;

	gw_err_clear(&err);
	/* Without an analyzer this thread takes nothing: the writer's wait
	 * takes what is left. */
	if (gw_analyzer_new(&an, &err) != GW_OK)
		return NULL;
	if (!(z = gw_packer_new())) {
		gw_analyzer_free(an);
		return NULL;
	}
	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		if (p->next < p->n)
			work(p, an, z);
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	gw_packer_free(z);
	gw_analyzer_free(an);
	return NULL;
}

gw_rc gw_prean_new(gw_prean **out, int nthreads, gw_err *err)
{
	gw_prean *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p || !(p->z = gw_packer_new())) {
		free(p);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (nthreads > 64)
		nthreads = 64;
	/* The writer is one of the nthreads: it helps in gw_prean_wait. */
	for (int t = 1; t < nthreads; t++)
		if (pthread_create(&p->tid[p->nworkers], NULL, worker, p) == 0)
			p->nworkers++;
	*out = p;
	return GW_OK;
}

void gw_prean_free(gw_prean *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int t = 0; t < p->nworkers; t++)
		pthread_join(p->tid[t], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	gw_packer_free(p->z);
	free(p);
}

void gw_prean_set_zdict(gw_prean *p, const gw_zdict *dict)
{
	pthread_mutex_lock(&p->lock);
	p->zdict = dict;
	pthread_mutex_unlock(&p->lock);
}

void gw_prean_start(gw_prean *p, gw_predoc *docs, const gw_prein *const *in, const size_t *nf, size_t n)
{
	pthread_mutex_lock(&p->lock);
	p->docs = docs;
	p->in = in;
	p->nf = nf;
	p->n = n;
	p->next = p->finished = 0;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
}

void gw_prean_wait(gw_prean *p, void *an)
{
	pthread_mutex_lock(&p->lock);
	work(p, an, p->z);
	while (p->finished < p->n)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
