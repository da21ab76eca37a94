/* test_opts: gw_opts (lib/base/gw_opts.c) against a table of command lines
 * -> the walk it gives, written as "id=value" items ("3" for a flag, "op=x"
 * for an operand, "?unknown:W", "?novalue:W", "?flagvalue:W" for the
 * errors), and the help text of a small table, wrapped and aligned. */
#include <string.h>

#include "base/gw_opts.h"
#include "gw_test.h"

enum { O_INDEX = 1, O_QUIET, O_MEMORY, O_COLOR, O_B, O_HELP };

static const gw_opt table[] = {
    {0, "PATH", NULL, "a file"},
    {O_INDEX, "-i", "INDEX", "the index directory"},
    {O_QUIET, "-q, --quiet", NULL, "no progress line and no warnings"},
    {O_MEMORY, "--memory", "MB", "the memory a batch may use"},
    {0, NULL, NULL, "Tools:"},
    {O_COLOR, "--color", "=WHEN", "colour: auto, always, never"},
    {O_B, "--b", "X", "a long option of one letter"},
    {O_HELP, "-h, --help", NULL, "show this help"},
};

/* The walk over words (separated by '|') as one string of items. */
static const char *walk(const char *words, int interleave, char *out, size_t cap)
{
	char buf[256], *argv[32];
	int argc = 1, id;
	gw_opts it;

	argv[0] = "prog";
	snprintf(buf, sizeof buf, "%s", words);
	for (char *p = buf; *words && argc < 32;) {
		argv[argc++] = p;
		if (!(p = strchr(p, '|')))
			break;
		*p++ = '\0';
	}
	out[0] = '\0';
	gw_opts_init(&it, table, sizeof table / sizeof table[0], argc, argv, interleave);
	while ((id = gw_opts_next(&it)) != GW_OPTS_END) {
		size_t len = strlen(out);
		if (id == GW_OPTS_OPERAND)
			snprintf(out + len, cap - len, "op=%s ", it.value);
		else if (id < 0)
			snprintf(out + len, cap - len, "?%s:%s ",
			         id == GW_OPTS_UNKNOWN ? "unknown" : id == GW_OPTS_NOVALUE ? "novalue" : "flagvalue",
			         it.word);
		else if (it.value)
			snprintf(out + len, cap - len, "%d=%s ", id, it.value);
		else
			snprintf(out + len, cap - len, "%d ", id);
		if (id < 0 && id != GW_OPTS_OPERAND)
			break;
	}
	if (!interleave) {
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "@%d", it.i);
	}
	return out;
}

static const struct {
	const char *words;
	int interleave;
	const char *want;
} cases[] = {
    {"", 1, ""},
    {"-i|ix|a.txt", 1, "1=ix op=a.txt "},
    {"-iix", 1, "1=ix "},                    /* a short option's value attached */
    {"-q|--quiet", 1, "2 2 "},
    {"--memory|64|--memory=128", 1, "3=64 3=128 "},
    {"--memory=", 1, "3= "},                 /* an empty value is the caller's to refuse */
    {"--memory", 1, "?novalue:--memory "},
    {"-i", 1, "?novalue:-i "},
    {"--quiet=1", 1, "?flagvalue:--quiet=1 "},
    {"-qx", 1, "?unknown:-qx "},             /* flags do not cluster */
    {"--mem|64", 1, "?unknown:--mem "},      /* no abbreviations */
    {"--memoryx", 1, "?unknown:--memoryx "},
    {"--color=never|--color|auto", 1, "4=never 4=auto "},
    {"--b|0.5|--b=1", 1, "5=0.5 5=1 "},
    {"-b|1", 1, "?unknown:-b "},             /* --b is long only */
    {"-h", 1, "6 "},
    {"-|a|--|-q|--", 1, "op=- op=a op=-q op=-- "}, /* "-" is an operand; after "--" all are */
    {"PATH", 1, "op=PATH "},                 /* help-only rows are not options */
    {"-i|ix|query|-q", 0, "1=ix @3"},        /* without interleave the first operand ends */
    {"-q|--|-q", 0, "2 @3"},
    {"-q|-", 0, "2 @2"},
    {"-q", 0, "2 @2"},
};

static void test_walks(void)
{
	char out[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(walk(cases[i].words, cases[i].interleave, out, sizeof out), cases[i].want);
}

static void test_help(void)
{
	gw_buf b = GW_BUF_INIT;
	static const gw_opt wide[] = {
	    {1, "--long-option-name", "VALUE", "its help goes on the next line"},
	    {2, "-x", NULL,
	     "words words words words words words words words words words words words words "
	     "words words words"},
	    {3, "-y", NULL, "中文说明中文说明中文说明中文说明中文说明中文说明中文说明 中文说明中文说明"},
	};

	gw_opts_help(table, sizeof table / sizeof table[0], 14, &b);
	gw_buf_putc(&b, 0);
	CHECK(gw_buf_ok(&b));
	CHECK_STR((const char *)b.p, "  PATH        a file\n"
	                             "  -i INDEX    the index directory\n"
	                             "  -q, --quiet no progress line and no warnings\n"
	                             "  --memory MB the memory a batch may use\n"
	                             "\n"
	                             "Tools:\n"
	                             "  --color=WHEN\n"
	                             "              colour: auto, always, never\n"
	                             "  --b X       a long option of one letter\n"
	                             "  -h, --help  show this help\n");
	gw_buf_reset(&b);
	gw_opts_help(wide, 3, 20, &b);
	gw_buf_putc(&b, 0);
	/* Wrapped within 79 columns; Han characters count two. */
	CHECK_STR((const char *)b.p,
	          "  --long-option-name VALUE\n"
	          "                    its help goes on the next line\n"
	          "  -x                words words words words words words words words words words\n"
	          "                    words words words words words words\n"
	          "  -y                中文说明中文说明中文说明中文说明中文说明中文说明中文说明\n"
	          "                    中文说明中文说明\n");
	gw_buf_free(&b);
}

static void test_problem(void)
{
	CHECK_STR(gw_opts_problem(GW_OPTS_UNKNOWN), "unknown option");
	CHECK_STR(gw_opts_problem(GW_OPTS_NOVALUE), "option needs a value:");
	CHECK_STR(gw_opts_problem(GW_OPTS_FLAGVALUE), "option takes no value:");
}

/* gw_opts_number: the range's ends are in it; a sign, text after the
 * digits, nothing, and what overflows are not numbers. */
static void test_number(void)
{
	static const struct {
		const char *v;
		unsigned long long lo, hi;
		int ok;
		unsigned long long want;
	} nums[] = {
		{"16", 16, 1048576, 1, 16},
		{"1048576", 16, 1048576, 1, 1048576},
		{"15", 16, 1048576, 0, 0},
		{"1048577", 16, 1048576, 0, 0},
		{"0", 0, 1000000000, 1, 0},
		{"-1", 0, 1000000000, 0, 0},
		{"-0", 0, 1000000000, 0, 0},
		{"", 0, 10, 0, 0},
		{"12x", 0, 100, 0, 0},
		{"x12", 0, 100, 0, 0},
		{"99999999999999999999999", 0, ~0ull, 0, 0},
		{"18446744073709551615", 0, ~0ull, 1, ~0ull},
	};

	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		unsigned long long got = 7;
		int rc = gw_opts_number(nums[i].v, nums[i].lo, nums[i].hi, &got);
		if ((rc == 0) != nums[i].ok || (nums[i].ok && got != nums[i].want)) {
			fprintf(stderr, "  '%s' in [%llu, %llu]: rc %d, %llu\n", nums[i].v, nums[i].lo, nums[i].hi,
			        rc, got);
			CHECK(0);
		}
	}
}

int main(void)
{
	RUN(test_walks);
	RUN(test_help);
	RUN(test_problem);
	RUN(test_number);
	return TEST_EXIT();
}
