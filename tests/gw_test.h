/* gw_test: the tiny harness every tests/test_*.c uses.
 *
 * A test case is a function; CHECK records a failure with its line and goes
 * on. RUN prints "PASS name" or "FAIL name", SKIP "SKIP name: why"
 * (tests/run.sh counts these). Tests run at the same time as others: their
 * scratch space is gw_t_scratch_make's, never a fixed path. */
#ifndef GW_TEST_H
#define GW_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gw_t_failed;        /* failures in the current case */
static int gw_t_pass, gw_t_fail;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, \
			        __LINE__, #cond);                                \
			gw_t_failed++;                                           \
		}                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                      \
	do {                                                                      \
		const char *g_ = (got), *w_ = (want);                             \
		if (!g_ || strcmp(g_, w_) != 0) {                                 \
			fprintf(stderr, "  %s:%d: got  '%s'\n  %*s want '%s'\n", \
			        __FILE__, __LINE__, g_ ? g_ : "(null)",           \
			        (int)strlen(__FILE__) + 4, "", w_);               \
			gw_t_failed++;                                            \
		}                                                                 \
	} while (0)

#define RUN(fn)                                               \
	do {                                                  \
		gw_t_failed = 0;                              \
		fn();                                         \
		if (gw_t_failed) {                            \
			printf("FAIL %s\n", #fn);             \
			gw_t_fail++;                          \
		} else {                                      \
			printf("PASS %s\n", #fn);             \
			gw_t_pass++;                          \
		}                                             \
		fflush(stdout);                               \
	} while (0)

/* SKIP(fn, why): fn cannot run here (a SKIP line that says why, which
 * tests/run.sh counts); never report a case that did not run as PASS. */
#define SKIP(fn, why)                                         \
	do {                                                  \
		printf("SKIP %s: %s\n", #fn, why);            \
		fflush(stdout);                               \
	} while (0)

#define TEST_EXIT() (gw_t_fail ? 1 : 0)

/* Removes a test's scratch directory (made with mkdtemp) and all in it. */
/* Scratch space: gw_t_scratch_make("name") makes /tmp/gw-test-name-XXXXXX,
 * gw_t_scratch() is its path; remove it with gw_t_rmtree. */
/* The scratch directory ("" until gw_t_scratch_make). */
static inline char *gw_t_scratch(void)
{
	static char dir[64];

	return dir;
}

/* Makes the scratch directory; 0 (and a FAIL line) if it cannot. */
static inline int gw_t_scratch_make(const char *name)
{
	char *dir = gw_t_scratch();

	snprintf(dir, 64, "/tmp/gw-test-%s-XXXXXX", name);
	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 0;
	}
	return 1;
}

static inline void gw_t_rmtree(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

#endif
