/* test_readers: gw_index_reader_check frees the reader slot a process
 * leaves in lock.mdb when it dies in the middle of a search.
 *
 * A child process opens the index, runs a search and keeps its results
 * (gw_search holds its read transaction until gw_results_free), then dies
 * with _exit, as a killed searcher does: its slot stays, claiming its
 * snapshot, because this process keeps the index open (LMDB resets the
 * table only when the first process opens it). tests/e2e_readers.sh shows
 * what such a slot costs: every later batch grows the file. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gongwen.h"
#include "gw_test_index.h"

static gw_index *ix;
static char path[128];

/* In a child: opens path, searches, and dies holding the transaction. */
static void die_reading(void)
{
	gw_index *rix = NULL;
	gw_results *r = NULL;
	gw_search_opts o;
	gw_err err;

	gw_err_clear(&err);
	memset(&o, 0, sizeof o);
	o.limit = 10;
	if (gw_index_open(&rix, path, GW_OPEN_READ, &err) || gw_search(rix, "江苏", 6, &o, &r, &err))
		_exit(2);
	_exit(r ? 0 : 3);
}

/* Forks a child that dies reading; 1 if it got as far as its search. */
static int child_dies_reading(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		die_reading();
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_dead_readers_are_freed(void)
{
	gw_err err;
	int dead = -1;

	gw_err_clear(&err);
	CHECK(gw_index_reader_check(ix, &dead, &err) == GW_OK);
	CHECK(dead == 0);
	CHECK(child_dies_reading());
	CHECK(child_dies_reading());
	CHECK(gw_index_reader_check(ix, &dead, &err) == GW_OK);
	CHECK(dead == 2);
	CHECK(gw_index_reader_check(ix, &dead, &err) == GW_OK);
	CHECK(dead == 0);
	CHECK(gw_index_reader_check(ix, NULL, &err) == GW_OK);
}

/* A live reader's slot is not touched: its search still reads. */
static void test_own_reader_kept(void)
{
	gw_results *r = NULL;
	gw_search_opts o;
	gw_err err;
	int dead = -1;

	gw_err_clear(&err);
	memset(&o, 0, sizeof o);
	o.limit = 10;
	CHECK(gw_search(ix, "江苏", 6, &o, &r, &err) == GW_OK);
	CHECK(gw_index_reader_check(ix, &dead, &err) == GW_OK);
	CHECK(dead == 0);
	CHECK(r && gw_results_total(r) == 2);
	gw_results_free(r);
}

/* The same through the public API (gongwen.h), as a server would. */
static void test_public_api(void)
{
	gongwen *db = NULL;
	int dead = -1;

	CHECK(gongwen_open(path, &db) == GONGWEN_OK);
	CHECK(child_dies_reading());
	CHECK(gongwen_reader_check(db, &dead) == GONGWEN_OK);
	CHECK(dead == 1);
	CHECK(gongwen_reader_check(db, &dead) == GONGWEN_OK);
	CHECK(dead == 0);
	gongwen_close(db);
}

int main(void)
{
	if (!gw_t_scratch_make("readers") || !(ix = gw_t_setup_begin()))
		return 1;
	snprintf(path, sizeof path, "%s/ix0", gw_t_scratch());
	gw_t_put(ix, "a", "江苏集成电路", "江苏 集成电路产业");
	gw_t_put(ix, "b", "浙江", "浙江省 江苏省");
	if (!gw_t_setup_commit(ix))
		return 1;
	RUN(test_dead_readers_are_freed);
	RUN(test_own_reader_kept);
	/* One handle on an index at a time in a process (LMDB's rule). */
	gw_index_close(ix);
	RUN(test_public_api);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
