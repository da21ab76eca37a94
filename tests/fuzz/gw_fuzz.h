/* gw_fuzz: what the libFuzzer harnesses (tests/fuzz/fuzz_*.c) share.
 *
 * A harness defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize); it is linked twice: with clang's libFuzzer for
 * `make fuzz`, and with tests/fuzz/replay.c and the normal compiler for
 * `make test`, which replays the seeds and regression inputs. The Makefile
 * includes this header ahead of every harness (-include), so a harness
 * needs no prototypes of its own.
 *
 * A harness does not print, frees all it allocates for an input and gives
 * the same result for the same input. When it finds something wrong that
 * is not a memory error (a broken invariant of a parser's output),
 * GW_FUZZ_CHECK names it on stderr and aborts, which libFuzzer and the
 * replay driver both report as a crash. */
#ifndef GW_FUZZ_H
#define GW_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define GW_FUZZ_CHECK(cond)                                                              \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                                  \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Reads every byte of p[0..n), so that AddressSanitizer sees a range that
 * is not what it claims to be; the sum goes to a volatile so the reads
 * stay. */
static inline void gw_fuzz_touch(const void *p, size_t n)
{
	static volatile unsigned sink;
	const unsigned char *s = p;
	unsigned h = 0;

	GW_FUZZ_CHECK(p != NULL || n == 0);
	for (size_t i = 0; i < n; i++)
		h = h * 31 + s[i];
	sink = sink + h; /* a read too: clang calls a sink only written to unused */
}

/* Touches the NUL-terminated string s and returns its length. */
static inline size_t gw_fuzz_touch_str(const char *s)
{
	size_t n;

	GW_FUZZ_CHECK(s != NULL);
	n = strlen(s);
	gw_fuzz_touch(s, n + 1);
	return n;
}

#endif
