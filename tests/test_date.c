/* test_date: gw_date_parse (lib/notice/gw_date.c), a table of strings and
 * the date each gives, or none. The web reader's minimal version reads
 * Arabic numerals only; the notice parser's fuller one reads more, so the
 * rows here are the ones both must give. */
#include <string.h>

#include "notice/gw_date.h"
#include "gw_test.h"

static void test_dates(void)
{
	static const struct {
		const char *s;
		int ok, y, m, d;
	} cases[] = {
	    {"2020年12月21日", 1, 2020, 12, 21},
	    {"2020年3月5日", 1, 2020, 3, 5},
	    {"2020-12-21", 1, 2020, 12, 21},
	    {"2020-3-5", 1, 2020, 3, 5},
	    {"2020/12/21", 1, 2020, 12, 21},
	    {"2020.12.21", 1, 2020, 12, 21},
	    {"  2020-12-21 ", 1, 2020, 12, 21},
	    {"\xE3\x80\x80" "2021年03月05日" "\xE3\x80\x80", 1, 2021, 3, 5},
	    {"2024-02-29", 1, 2024, 2, 29},
	    {"2023-02-29", 0, 0, 0, 0},
	    {"2020-13-01", 0, 0, 0, 0},
	    {"2020-12-32", 0, 0, 0, 0},
	    {"2020-12/21", 0, 0, 0, 0},
	    {"2020-12-21 17:00", 0, 0, 0, 0},
	    {"2020年12月21", 0, 0, 0, 0},
	    {"20201221", 0, 0, 0, 0},
	    {"12-21", 0, 0, 0, 0},
	    {"2020-12-", 0, 0, 0, 0},
	    {"2020-", 0, 0, 0, 0},
	    {"2020", 0, 0, 0, 0},
	    {"", 0, 0, 0, 0},
	    {"   ", 0, 0, 0, 0},
	    {"发布日期", 0, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int y = -1, m = -1, d = -1;
		int ok = gw_date_parse(cases[i].s, strlen(cases[i].s), &y, &m, &d);
		if (ok != cases[i].ok || (ok && (y != cases[i].y || m != cases[i].m || d != cases[i].d)) ||
		    (!ok && (y != -1 || m != -1 || d != -1))) {
			fprintf(stderr, "  '%s': got %d %d-%d-%d\n", cases[i].s, ok, y, m, d);
			gw_t_failed++;
		}
	}
}

/* Only s[0..n) is read: a date followed by more text in the same buffer. */
static void test_length(void)
{
	const char *s = "2020-12-21 17:00:00";
	int y = 0, m = 0, d = 0;

	CHECK(gw_date_parse(s, 10, &y, &m, &d) == 1 && y == 2020 && m == 12 && d == 21);
	CHECK(gw_date_parse(s, 9, &y, &m, &d) == 1 && d == 2);
	CHECK(gw_date_parse(s, 8, &y, &m, &d) == 0);
}

int main(void)
{
	RUN(test_dates);
	RUN(test_length);
	return TEST_EXIT();
}
