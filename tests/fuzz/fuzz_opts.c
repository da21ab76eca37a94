/* fuzz_opts: the command-line option walk (lib/base/gw_opts.c) on any
 * words, and its help wrapping on any text. The first byte picks the walk
 * (operands between options or not); the rest, split at NUL bytes, is
 * argv. Checked: every result is an option of the table or a GW_OPTS_*
 * code; a value option always has a value and a flag none, and the value
 * lies in argv; each step moves forward and the walk ends inside argv.
 * The same bytes, as one option's help text, are wrapped: every line ends
 * in a newline, every line after the first starts at the help column, and
 * none of more than 79 characters holds more than one word. Seeds:
 * tests/fuzz/seeds/opts/ (the programs' own command lines). */
#include "base/gw_opts.h"

enum { F_INDEX = 1, F_QUIET, F_MEMORY, F_COLOR, F_B, F_HELP };

static const gw_opt table[] = {
    {0, "PATH", NULL, "a file"},
    {F_INDEX, "-i", "INDEX", "the index"},
    {F_QUIET, "-q, --quiet", NULL, "quiet"},
    {F_MEMORY, "--memory", "MB", "memory"},
    {0, NULL, NULL, "Tools:"},
    {F_COLOR, "--color", "=WHEN", "colour"},
    {F_B, "--b", "X", "b"},
    {F_HELP, "-h, --help", NULL, "help"},
};

#define NT (sizeof table / sizeof table[0])
#define WORDS_MAX 64
#define HELP_COL 14

/* 1 if p lies in one of argv[1..argc). */
static int in_argv(const char *p, int argc, char **argv)
{
	for (int k = 1; k < argc; k++)
		if (p >= argv[k] && p <= argv[k] + strlen(argv[k]))
			return 1;
	return 0;
}

static void check_walk(int interleave, const uint8_t *data, size_t size)
{
	char *words = malloc(size + 1), *argv[WORDS_MAX];
	int argc = 1, id, prev;
	gw_opts it;

	if (!words)
		return;
	memcpy(words, data, size);
	words[size] = '\0';
	argv[0] = "prog";
	/* Words split at NUL bytes; past WORDS_MAX - 1 they are dropped. */
	for (char *p = words; size && p <= words + size && argc < WORDS_MAX; p += strlen(p) + 1)
		argv[argc++] = p;
	gw_opts_init(&it, table, NT, argc, argv, interleave);
	for (;;) {
		prev = it.i;
		id = gw_opts_next(&it);
		GW_FUZZ_CHECK(it.i >= prev && it.i <= argc);
		if (id == GW_OPTS_END)
			break;
		GW_FUZZ_CHECK(it.i > prev);
		if (id == GW_OPTS_OPERAND) {
			GW_FUZZ_CHECK(interleave && it.value && in_argv(it.value, argc, argv));
			continue;
		}
		if (id < 0) {
			GW_FUZZ_CHECK(id >= GW_OPTS_FLAGVALUE && in_argv(it.word, argc, argv));
			break;
		}
		GW_FUZZ_CHECK(id >= F_INDEX && id <= F_HELP);
		if (id == F_INDEX || id == F_MEMORY || id == F_COLOR || id == F_B)
			GW_FUZZ_CHECK(it.value && in_argv(it.value, argc, argv));
		else
			GW_FUZZ_CHECK(!it.value);
	}
	free(words);
}

/* Characters (code points) of s[0..len): no more than its columns. */
static size_t chars_of(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t k = 0; k < len; k++)
		n += ((unsigned char)s[k] & 0xc0) != 0x80;
	return n;
}

static void check_help(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	gw_buf b = GW_BUF_INIT;
	gw_opt one = {1, "-x", "ARG", NULL};
	const char *p, *end;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	one.help = text;
	gw_opts_help(&one, 1, HELP_COL, &b);
	GW_FUZZ_CHECK(gw_buf_ok(&b) && b.len > 0 && b.p[b.len - 1] == '\n');
	for (p = (const char *)b.p, end = p + b.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;
		GW_FUZZ_CHECK(nl != NULL);
		len = (size_t)(nl - p);
		if (p != (const char *)b.p)
			GW_FUZZ_CHECK(len > HELP_COL && strspn(p, " ") == HELP_COL);
		if (chars_of(p, len) > 79)
			GW_FUZZ_CHECK(!memchr(p + HELP_COL + 1, ' ', len - HELP_COL - 1));
		p = nl + 1;
	}
	gw_buf_free(&b);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size)
		check_walk(data[0] & 1, data + 1, size - 1);
	check_help(data, size);
	return 0;
}
