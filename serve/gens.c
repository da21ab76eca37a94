/* gens: the index the server answers from, followed as it changes.
 *
 * A batch committed by gongwen-index needs nothing: every search starts a
 * new LMDB read transaction and sees the last commit (whose pages the
 * server checks in full when it notices it, gw_gens_trust, so that its
 * searches need not check each page they read). A rebuild
 * (`gongwen-index --rebuild`) swaps a new directory in place of the old
 * one; the open environment still reads the old files, so the server
 * notices the swap (data.mdb is another file: another device or inode)
 * and opens the new index as a new generation.
 *
 * A process may open an LMDB environment only once, so each generation is
 * one gw_index (the base), and each worker thread searches through a view
 * of it (gw_index_open_view: its own analyzer and caches). A thread moves
 * to the current generation at its next request; a generation is closed
 * when it is no longer current and its last view is gone. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gens.h"
#include "search/gw_search.h"

typedef struct gen {
	gw_index *base;
	dev_t dev;
	ino_t ino;
	size_t refs; /* views, + 1 while current */
} gen;

static struct {
	pthread_mutex_t lock;
	char *path;
	gen *cur;
	pthread_key_t key; /* the thread's view */
} g = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0};

typedef struct view {
	gen *gen;
	gw_index *ix;
} view;

/* Drops a reference; the caller holds the lock. */
static void unref(gen *gn)
{
	if (gn && --gn->refs == 0) {
		gw_index_close(gn->base);
		free(gn);
	}
}

static void view_free(void *p)
{
	view *v = p;

	if (!v)
		return;
	gw_index_close(v->ix);
	pthread_mutex_lock(&g.lock);
	unref(v->gen);
	pthread_mutex_unlock(&g.lock);
	free(v);
}

/* The identity of the index's data file, to tell a swapped-in index. */
static int file_id(dev_t *dev, ino_t *ino)
{
	char p[4200];
	struct stat st;

	snprintf(p, sizeof p, "%s/data.mdb", g.path);
	if (stat(p, &st) != 0)
		return -1;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

static gw_rc open_gen(gen **out, gw_err *err)
{
	gen *gn = calloc(1, sizeof *gn);

	*out = NULL;
	if (!gn)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	/* The id first: if the index is swapped between the two, the next
	 * check sees a change and opens it again. */
	if (file_id(&gn->dev, &gn->ino) != 0)
		gn->dev = 0, gn->ino = 0;
	if (gw_index_open(&gn->base, g.path, GW_OPEN_READ, err)) {
		free(gn);
		return err->rc;
	}
	{ /* the lens pages, for every thread's view (a failure is the first search's) */
		gw_err e;
		gw_err_clear(&e);
		gw_search_warm(gn->base, &e);
		/* A server runs many searches: every page checked once now,
		 * none as each is read (damage: the searches that meet it say
		 * so, the rest still answer). */
		gw_err_clear(&e);
		gw_search_trust(gn->base, &e);
	}
	gn->refs = 1;
	*out = gn;
	return GW_OK;
}

gw_rc gw_gens_open(const char *path, gw_err *err)
{
	gen *gn;

	if (!(g.path = strdup(path)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (pthread_key_create(&g.key, view_free) != 0)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (open_gen(&gn, err))
		return err->rc;
	g.cur = gn;
	return GW_OK;
}

const char *gw_gens_path(void) { return g.path; }

int gw_gens_check(gw_err *err)
{
	dev_t dev;
	ino_t ino;
	gen *gn, *old;

	if (file_id(&dev, &ino) != 0)
		return 0; /* mid-swap or removed: keep answering from what is open */
	pthread_mutex_lock(&g.lock);
	old = g.cur;
	pthread_mutex_unlock(&g.lock);
	if (old && old->dev == dev && old->ino == ino)
		return 0;
	if (open_gen(&gn, err))
		return -1;
	pthread_mutex_lock(&g.lock);
	old = g.cur;
	g.cur = gn;
	unref(old);
	pthread_mutex_unlock(&g.lock);
	return 1;
}

gw_rc gw_gens_reader_check(int *dead, gw_err *err)
{
	gw_rc rc = GW_OK;

	pthread_mutex_lock(&g.lock);
	if (g.cur)
		rc = gw_index_reader_check(g.cur->base, dead, err);
	pthread_mutex_unlock(&g.lock);
	return rc;
}

gw_rc gw_gens_trust(gw_err *err)
{
	gen *gn;
	gw_rc rc = GW_OK;

	pthread_mutex_lock(&g.lock);
	if ((gn = g.cur))
		gn->refs++;
	pthread_mutex_unlock(&g.lock);
	if (!gn)
		return GW_OK;
	/* Outside the lock: the check reads the whole index, and the
	 * workers go on meanwhile (guarded). */
	if (gw_search_trust_cost(gn->base) > 0)
		rc = gw_search_trust(gn->base, err);
	pthread_mutex_lock(&g.lock);
	unref(gn);
	pthread_mutex_unlock(&g.lock);
	return rc;
}

gw_index *gw_gens_view(gw_err *err)
{
	view *v = pthread_getspecific(g.key);
	gw_index *ix = NULL;

	pthread_mutex_lock(&g.lock);
	if (v && v->gen == g.cur) {
		pthread_mutex_unlock(&g.lock);
		return v->ix;
	}
	if (!v && !(v = calloc(1, sizeof *v))) {
		pthread_mutex_unlock(&g.lock);
		gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		return NULL;
	}
	/* Off the old generation (closed with its last view), onto the new. */
	gw_index_close(v->ix);
	v->ix = NULL;
	unref(v->gen);
	v->gen = NULL;
	if (g.cur && gw_index_open_view(&ix, g.cur->base, err) == GW_OK) {
		v->gen = g.cur;
		v->ix = ix;
		g.cur->refs++;
	}
	pthread_mutex_unlock(&g.lock);
	pthread_setspecific(g.key, v);
	return v->ix;
}

void gw_gens_close(void)
{
	view *v = pthread_getspecific(g.key);

	if (v) {
		pthread_setspecific(g.key, NULL);
		view_free(v);
	}
	pthread_mutex_lock(&g.lock);
	unref(g.cur);
	g.cur = NULL;
	pthread_mutex_unlock(&g.lock);
	free(g.path);
	g.path = NULL;
}
