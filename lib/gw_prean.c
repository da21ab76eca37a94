/* gw_prean: parallel analysis of a batch window (see gw_prean.h). */
#include "gw_prean.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gw_analyzer.h"

typedef struct job {
	gw_predoc *docs;
	const gw_prein *const *in;
	const size_t *nf;
	size_t n;
	size_t next;          /* next document to take (under lock) */
	pthread_mutex_t lock;
} job;

void gw_predoc_free(gw_predoc *d)
{
	for (size_t i = 0; i < d->cap; i++) {
		gw_buf_free(&d->f[i].fold);
		gw_toklist_free(&d->f[i].toks);
	}
	free(d->f);
	memset(d, 0, sizeof *d);
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
		if (!f->indexed)
			continue;
		if (gw_analyze(an, in[i].text, in[i].text_len, 0, GW_AN_ALL, gw_toklist_add, &f->toks, &f->flen,
		               err))
			return err->rc;
		if (f->toks.oom)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		gw_toklist_sort(&f->toks);
		gw_analyzer_script(an, &d->trad, &d->simp);
	}
	return GW_OK;
}

/* Takes documents one by one until none is left. */
static void work(job *j, gw_analyzer *an)
{
	for (;;) {
		size_t i;
		pthread_mutex_lock(&j->lock);
		while (j->next < j->n && !j->docs[j->next].todo)
			j->next++;
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->n)
			return;
		gw_err_clear(&j->docs[i].err);
		j->docs[i].rc = analyze_doc(an, &j->docs[i], j->in[i], j->nf[i]);
	}
}

static void *worker(void *arg)
{
	job *j = arg;
	gw_analyzer *an = NULL;
	gw_err err;

	gw_err_clear(&err);
	if (gw_analyzer_new(&an, &err) == GW_OK)
		work(j, an);
	gw_analyzer_free(an);
	return NULL;
}

gw_rc gw_prean_run(gw_predoc *docs, const gw_prein *const *in, const size_t *nf, size_t n,
                   int nthreads, void *an, gw_err *err)
{
	job j = {docs, in, nf, n, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t tid[64];
	int started = 0;

	if (nthreads > 64)
		nthreads = 64;
	/* The calling thread works too, with the index's own analyzer. */
	for (int t = 1; t < nthreads; t++)
		if (pthread_create(&tid[started], NULL, worker, &j) == 0)
			started++;
	work(&j, an);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	/* A worker whose analyzer could not be created leaves its documents
	 * untaken; the loop above then took them in this thread. */
	(void)err;
	return GW_OK;
}
