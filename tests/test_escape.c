/* test_escape: gw_escape and gw_excerpt against a table of input ->
 * expected message text: control characters, invalid UTF-8, C1 and
 * bidirectional controls escaped, Chinese kept, long input cut with "…",
 * and escaping twice the same as once. */
#include <string.h>

#include "gw_test.h"
#include "text/gw_escape.h"

static const struct {
	const char *in;
	size_t n;
	const char *want;
} cases[] = {
    {"省份", 6, "省份"},
    {"a\nb\tc\r", 6, "a\\x0ab\\x09c\\x0d"},
    {"\x1b[2J", 4, "\\x1b[2J"},
    {"x\x7fy", 3, "x\\x7fy"},
    {"\xff\xfe", 2, "\\xff\\xfe"},
    {"\xe5\x9c", 2, "\\xe5\\x9c"},        /* a truncated sequence: both bytes */
    {"a\0b", 3, "a\\x00b"},
    {"\xc2\x9b" "31m", 5, "\\u009b31m"},   /* C1 CSI */
    {"\xe2\x80\xae" "abc", 6, "\\u202eabc"}, /* RIGHT-TO-LEFT OVERRIDE */
    {"\xe2\x80\xa8", 3, "\\u2028"},
    {"a\\x41", 5, "a\\x41"},               /* a backslash is kept */
    {"", 0, ""},
};

static void test_excerpt_table(void)
{
	char q[GW_EXCERPT_SIZE];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(gw_excerpt(q, cases[i].in, cases[i].n), cases[i].want);
	CHECK_STR(gw_excerpt_str(q, NULL), "");
}

static void test_excerpt_cut(void)
{
	char q[GW_EXCERPT_SIZE], in[200], want[200];

	memset(in, 'x', 100);
	memset(want, 'x', GW_EXCERPT_CHARS);
	strcpy(want + GW_EXCERPT_CHARS, "…");
	CHECK_STR(gw_excerpt(q, in, 100), want);
	CHECK_STR(gw_excerpt(q, in, GW_EXCERPT_CHARS), (want[GW_EXCERPT_CHARS] = 0, want));
	/* The worst case fills the buffer exactly: 40 invalid 3-byte
	 * sequences (E0 A0 then a non-continuation would be 2; F0 90 80 is
	 * a truncated 4-byte one, 3 bytes). */
	for (int i = 0; i < 60; i++)
		memcpy(in + 3 * i, "\xf0\x90\x80", 3);
	gw_excerpt(q, in, 180);
	CHECK(strlen(q) == GW_EXCERPT_CHARS * 12 + 3);
}

static void test_escape_idempotent(void)
{
	gw_buf a = GW_BUF_INIT, b = GW_BUF_INIT;
	const char in[] = "名\n\x1b\xff\xc2\x85\xe2\x80\xae\\ok";

	gw_escape(&a, in, sizeof in - 1, 0);
	gw_escape(&b, (const char *)a.p, a.len, 0);
	CHECK(gw_buf_ok(&a) && gw_buf_ok(&b));
	CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
	gw_buf_putc(&a, 0);
	CHECK_STR((const char *)a.p, "名\\x0a\\x1b\\xff\\u0085\\u202e\\ok");
	gw_buf_reset(&b);
	gw_escape(&b, "abcdef", 6, 3);
	gw_buf_putc(&b, 0);
	CHECK_STR((const char *)b.p, "abc…");
	gw_buf_free(&a);
	gw_buf_free(&b);
}

int main(void)
{
	RUN(test_excerpt_table);
	RUN(test_excerpt_cut);
	RUN(test_escape_idempotent);
	return TEST_EXIT();
}
