/* gw_prean: parallel analysis of a batch window (see gw_prean.h). */
#include "gw_prean.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gw_analyzer.h"
#include "gw_record.h"

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
};

void gw_predoc_free(gw_predoc *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		gw_buf_free(&d->f[i].fold);
		gw_toklist_free(&d->f[i].toks);
		gw_buf_free(&d->f[i].z);
	}
	free(d->f);
	memset(d, 0, sizeof *d);
}

void gw_predoc_trim(gw_predoc *d, size_t max_tokens)
{
	for (size_t i = 0; i < d->cap; i++) {
		if (d->f[i].toks.cap > max_tokens || d->f[i].toks.g_cap > max_tokens / 2)
			gw_toklist_free(&d->f[i].toks);
		if (d->f[i].z.cap > 4 * max_tokens)
			gw_buf_free(&d->f[i].z);
	}
}

static gw_rc analyze_doc(gw_analyzer *an, gw_predoc *d, const gw_prein *in, size_t nf)
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
		f->flen = 0;
		f->indexed = !(in[i].name_len && in[i].name[0] == '_');
		if (gw_analyzer_fold(an, in[i].name, in[i].name_len, &f->fold, err))
			return err->rc;
		/* Deflated here, on the analysis threads, not by the writer;
		 * the stored-only '_' fields (sources, dates, types) stay plain
		 * for pruning and filters. */
		f->zipped = f->indexed && gw_record_deflate(&f->z, in[i].text, in[i].text_len);
		if (!f->indexed)
			continue;
		if (gw_analyze(an, in[i].text, in[i].text_len, 0, GW_AN_ALL, gw_toklist_add, &f->toks, &f->flen,
		               err))
			return err->rc;
		if (f->toks.oom)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		gw_toklist_finish(&f->toks);
		if (f->toks.oom)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		gw_analyzer_script(an, &d->trad, &d->simp);
	}
	return GW_OK;
}

/* Takes documents of the current job until none is left to take (others
 * may still be analyzing theirs). Called with the lock held; returns with
 * it held. */
static void work(gw_prean *p, gw_analyzer *an)
{
	while (p->next < p->n) {
		size_t i = p->next++;
		if (!p->docs[i].todo) {
			p->finished++;
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		gw_err_clear(&p->docs[i].err);
		p->docs[i].rc = analyze_doc(an, &p->docs[i], p->in[i], p->nf[i]);
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
	gw_err err;

	gw_err_clear(&err);
	/* Without an analyzer this thread takes nothing: the writer's wait
	 * takes what is left. */
	if (gw_analyzer_new(&an, &err) != GW_OK)
		return NULL;
	pthread_mutex_lock(&p->lock);
	while (!p->quit) {
		if (p->next < p->n)
			work(p, an);
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	gw_analyzer_free(an);
	return NULL;
}

gw_rc gw_prean_new(gw_prean **out, int nthreads, gw_err *err)
{
	gw_prean *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
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
	free(p);
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
	work(p, an);
	while (p->finished < p->n)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
