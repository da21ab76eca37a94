/* replay: runs a libFuzzer harness (tests/fuzz/fuzz_NAME.c) over files,
 * without libFuzzer, so that `make test` (and `make SAN=1 test`, under the
 * sanitizers) replays every seed and every regression input with the
 * normal compiler.
 *
 *   fuzz_NAME [FILE|DIR]...
 *
 * With no arguments it reads tests/fuzz/seeds/NAME/ and
 * tests/fuzz/regress/NAME/ (from the top of the tree, where tests/run.sh
 * runs); the seed directory must exist and hold something. Each file is
 * read whole and handed to LLVMFuzzerTestOneInput once, in name order (a
 * directory's entries sorted), after LLVMFuzzerInitialize if the harness
 * has one. Prints "PASS fuzz_NAME: replayed N inputs" or "FAIL fuzz_NAME:
 * ..." (tests/run.sh counts these). A harness that crashes on an input
 * takes the process down; then a signal handler, or the sanitizers'
 * death callback, prints the FAIL line naming that input first.
 *
 * Built by the Makefile with -DGW_FUZZ_NAME='"NAME"'. */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "gw_fuzz.h"

#ifndef GW_FUZZ_NAME
#error "build with -DGW_FUZZ_NAME='\"name\"'"
#endif

/* Optional in a harness; present only under the sanitizers. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current; /* the input being replayed, for the crash line */

/* Writes the FAIL line for a crash with async-signal-safe calls only. */
static void say_crash(void)
{
	static const char *const parts[] = {"FAIL fuzz_" GW_FUZZ_NAME ": crashed on ", NULL, "\n"};

	for (int i = 0; i < 3; i++) {
		const char *s = i == 1 ? (current ? current : "(no input)") : parts[i];
		if (write(STDOUT_FILENO, s, strlen(s)) < 0)
			return;
	}
}

static void on_signal(int sig)
{
	say_crash();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads path whole into *p (malloc'ed; a 0-byte file gives a 1-byte
 * buffer so that the harness gets a valid pointer); -1 on error. */
static int slurp(const char *path, uint8_t **p, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 4096, len = 0, got;
	uint8_t *b = malloc(cap);

	if (!fp || !b)
		goto fail;
	while ((got = fread(b + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap) {
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb)
				goto fail;
			b = nb;
		}
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	*p = b;
	*n = len;
	return 0;
fail:
	if (fp)
		fclose(fp);
	free(b);
	return -1;
}

/* Replays one file; counts it in *n. Returns 0, or -1 if it cannot be
 * read. */
static int replay_file(const char *path, size_t *n)
{
	uint8_t *data;
	size_t len;

	if (slurp(path, &data, &len)) {
		printf("FAIL fuzz_%s: cannot read '%s'\n", GW_FUZZ_NAME, path);
		return -1;
	}
	current = path;
	LLVMFuzzerTestOneInput(data, len);
	current = NULL;
	free(data);
	++*n;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file in dir (not recursive), sorted by name. A
 * missing dir is -1 if `need`, else nothing to do. */
static int replay_dir(const char *dir, int need, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t k = 0, cap = 0;
	int rc = 0;

	if (!d) {
		if (need)
			printf("FAIL fuzz_%s: no seeds: cannot open '%s'\n", GW_FUZZ_NAME, dir);
		return need ? -1 : 0;
	}
	while ((e = readdir(d)) != NULL) {
		char *path;
		if (e->d_name[0] == '.')
			continue;
		if (k == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *nn);
			if (!nn)
				break;
			names = nn;
		}
		if (!(path = malloc(strlen(dir) + strlen(e->d_name) + 2)))
			break;
		sprintf(path, "%s/%s", dir, e->d_name);
		names[k++] = path;
	}
	closedir(d);
	if (names)
		qsort(names, k, sizeof *names, by_name);
	for (size_t i = 0; i < k; i++) {
		if (rc == 0 && replay_file(names[i], n))
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static int replay_arg(const char *path, size_t *n)
{
	DIR *d = opendir(path);

	if (d) {
		closedir(d);
		return replay_dir(path, 1, n);
	}
	return replay_file(path, n);
}

int main(int argc, char **argv)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], on_signal);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(say_crash);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc && rc == 0; i++)
			rc = replay_arg(argv[i], &n);
	} else {
		rc = replay_dir("tests/fuzz/seeds/" GW_FUZZ_NAME, 1, &n);
		if (rc == 0)
			rc = replay_dir("tests/fuzz/regress/" GW_FUZZ_NAME, 0, &n);
		if (rc == 0 && n == 0) {
			printf("FAIL fuzz_%s: no seeds in tests/fuzz/seeds/%s\n", GW_FUZZ_NAME, GW_FUZZ_NAME);
			rc = -1;
		}
	}
	if (rc == 0)
		printf("PASS fuzz_%s: replayed %zu inputs\n", GW_FUZZ_NAME, n);
	return rc ? 1 : 0;
}
