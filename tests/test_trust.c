/* test_trust: a snapshot checked whole (gw_search_trust) is read without
 * the guard's per-read checks, and gives the same answers; a later commit
 * is a snapshot of its own, guarded until checked, which a handle that
 * keeps searching does by itself; a damaged one is not trusted, and its
 * searches still report the damage instead of reading it blindly. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gw_test_index.h"

static const char *const queries[] = {"科技", "创新 空间", "\"众创空间\"", "file*", "title:通知", "國家"};
#define NQ (sizeof queries / sizeof *queries)

/* 400 documents, a few hundred pages: words of both scripts, some Latin. */
static int build(const char *path)
{
	static const char *const words[] = {"科技", "创新", "空间", "众创空间", "通知", "國家", "發展",
	                                    "files", "filing", "index", "的", "农业"};
	gw_index *ix = gw_t_open(path, GW_OPEN_CREATE);
	unsigned seed = 11;

	if (!ix || !gw_t_begin(ix))
		return -1;
	for (int i = 0; i < 400; i++) {
		char id[16], title[64], body[2048] = "";
		size_t len = 0;
		snprintf(id, sizeof id, "d%03d", i);
		snprintf(title, sizeof title, "%s%s", words[i % 12], i % 5 ? "通知" : "");
		for (int k = 0; k < 40 + i % 50; k++) {
			seed = seed * 1103515245u + 12345u;
			len += (size_t)snprintf(body + len, sizeof body - len, "%s ", words[(seed >> 16) % 12]);
		}
		if (gw_t_put(ix, id, title, body))
			return -1;
	}
	if (gw_t_commit(ix).added != 400)
		return -1;
	gw_index_close(ix);
	return 0;
}

/* Each query's hits into want[i] (or checks them against it). */
static void answers(gw_index *ix, char want[NQ][4096], int compare)
{
	for (size_t i = 0; i < NQ; i++) {
		const char *got = gw_t_hits(ix, queries[i], NULL);
		if (!compare) {
			snprintf(want[i], 4096, "%s", got);
			CHECK(got[0] && strncmp(got, "ERROR", 5) != 0);
		} else if (strcmp(got, want[i]) != 0) {
			fprintf(stderr, "  %s: got '%.60s', want '%.60s'\n", queries[i], got, want[i]);
			CHECK(0);
		}
	}
}

static void test_trusted_answers_the_same(void)
{
	const char *path = gw_t_fresh_path();
	char p[256], want[NQ][4096];
	gw_index *ix;
	gw_err err;
	pid_t pid;
	int st;

	snprintf(p, sizeof p, "%s", path);
	CHECK(build(p) == 0);
	CHECK((ix = gw_t_open(p, GW_OPEN_READ)) != NULL);
	if (!ix)
		return;
	CHECK(gw_search_trust_cost(ix) > 0);
	answers(ix, want, 0);
	gw_err_clear(&err);
	CHECK(gw_search_trust(ix, &err) == GW_OK);
	CHECK(gw_search_trust_cost(ix) == 0); /* checked: nothing more to gain */
	answers(ix, want, 1);
	/* Another process commits: the reader's next snapshot is another one,
	 * guarded (a cost again) and seen at once. */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		gw_index *w = gw_t_open(p, GW_OPEN_WRITE);
		int ok = w && gw_t_begin(w) && gw_t_put(w, "new", "科技 trust", "一篇新的通知") == GW_OK &&
		         gw_t_commit(w).added == 1;
		gw_index_close(w);
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(gw_search_trust_cost(ix) > 0);
	CHECK(strcmp(gw_t_hits(ix, "trust", NULL), "new") == 0);
	answers(ix, want, 0); /* guarded */
	/* A handle that keeps searching checks the new snapshot by itself,
	 * once its searches have taken as long as the check would. */
	for (int i = 0; i < 20000 && gw_search_trust_cost(ix) > 0; i++)
		CHECK(strcmp(gw_t_hits(ix, "trust", NULL), "new") == 0);
	CHECK(gw_search_trust_cost(ix) == 0);
	answers(ix, want, 1); /* trusted */
	gw_index_close(ix);
}

/* Flips a byte in the middle of every page past LMDB's two meta pages. */
static int damage(const char *path)
{
	char f[300];
	unsigned char b;
	struct stat st;
	int fd;

	snprintf(f, sizeof f, "%s/data.mdb", path);
	if ((fd = open(f, O_RDWR)) < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (off_t off = 2 * 4096 + 2048; off < st.st_size; off += 4096)
		if (pread(fd, &b, 1, off) != 1 || (b ^= 0x5a, pwrite(fd, &b, 1, off)) != 1) {
			close(fd);
			return -1;
		}
	return close(fd);
}

static void test_damaged_is_not_trusted(void)
{
	const char *path = gw_t_fresh_path();
	char p[256];
	gw_index *ix;
	gw_err err;
	size_t damaged = 0;

	snprintf(p, sizeof p, "%s", path);
	CHECK(build(p) == 0 && damage(p) == 0);
	if (!(ix = gw_t_open(p, GW_OPEN_READ)))
		return; /* refused at open: also a report */
	gw_err_clear(&err);
	CHECK(gw_search_trust(ix, &err) == GW_ECORRUPT);
	CHECK(strstr(err.msg, "index damaged") != NULL);
	CHECK(gw_search_trust_cost(ix) == 0); /* not checked again */
	gw_err_clear(&err);
	CHECK(gw_search_trust(ix, &err) == GW_ECORRUPT);
	/* Still guarded: the searches report what they meet. */
	for (size_t i = 0; i < NQ; i++)
		damaged += strncmp(gw_t_hits(ix, queries[i], NULL), "ERROR index damaged", 19) == 0;
	CHECK(damaged > 0);
	gw_index_close(ix);
}

int main(void)
{
	if (!gw_t_scratch_make("trust")) {
		printf("FAIL scratch\n");
		return 1;
	}
	RUN(test_trusted_answers_the_same);
	RUN(test_damaged_is_not_trusted);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
