/* test_date: gw_date_parse, gw_date_parse_flags and gw_date_find on tables
 * of input -> expected date: every form of gw_date.h (Arabic, full-width
 * and Chinese numerals, the ROC era, separators, spacing), and the texts
 * that must not read as dates (days that do not exist, glued digits,
 * two-digit years without the era, mixed separators). */
#include <stdio.h>
#include <string.h>

#include "notice/gw_date.h"
#include "gw_test.h"

#define NELEM(a) (sizeof(a) / sizeof(a)[0])

/* "YYYY-MM-DD" of a parse, or NULL when the text is no date. */
static const char *iso(int ok, int y, int m, int d)
{
	static char buf[32];

	if (!ok)
		return NULL;
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return buf;
}

static void check_iso(const char *got, const char *want, const char *in)
{
	int before = gw_t_failed;

	if (want)
		CHECK_STR(got, want);
	else
		CHECK(got == NULL);
	if (gw_t_failed > before)
		fprintf(stderr, "  for '%s' (got %s)\n", in, got ? got : "no date");
}

static void test_parse(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
	    {"2020年3月25日", "2020-03-25"},
	    {"  2020年3月25日　", "2020-03-25"},
	    {"2020 年 3 月 25 日", "2020-03-25"},
	    {"２０２０年３月２５日", "2020-03-25"},
	    {"2023年1月1號", "2023-01-01"},
	    {"2023年1月1号", "2023-01-01"},
	    {"二〇二三年一月一日", "2023-01-01"},
	    {"二○二一年十月十日", "2021-10-10"},
	    {"二零二四年十月十七日", "2024-10-17"},
	    {"二〇一九年十一月五日", "2019-11-05"},
	    {"二〇二〇年十二月三十一日", "2020-12-31"},
	    {"二零二二年一月廿六日", "2022-01-26"},
	    {"二零二二年三月卅一日", "2022-03-31"},
	    {"二〇二三年元月五日", "2023-01-05"},
	    {"二千零二十三年一月一日", "2023-01-01"},
	    {"2020年三月二十五日", "2020-03-25"},
	    {"中華民國109年12月21日", "2020-12-21"},
	    {"中华民国109年12月21日", "2020-12-21"},
	    {"民國 93 年 07 月 07 日", "2004-07-07"},
	    {"民国93年7月7日", "2004-07-07"},
	    {"中 華 民 國 1 0 9 年 1 2 月 2 1 日", "2020-12-21"},
	    {"中華民國一百十二年十二月二十一日", "2023-12-21"},
	    {"中華民國一百一十二年十二月二十一日", "2023-12-21"},
	    {"中華民國九十三年七月七日", "2004-07-07"},
	    {"民國一〇九年十二月二十一日", "2020-12-21"},
	    {"中華民國元年一月一日", "1912-01-01"},
	    {"109年12月21日", "2020-12-21"},
	    {"一百十二年十二月二十一日", "2023-12-21"},
	    {"109.12.21", "2020-12-21"},
	    {"109/12/21", "2020-12-21"},
	    {"2020-3-25", "2020-03-25"},
	    {"2020.03.25", "2020-03-25"},
	    {"2020/3/25", "2020-03-25"},
	    {"２０２０－０３－２５", "2020-03-25"},
	    {"２０２０／３／２５", "2020-03-25"},
	    {"2024-02-29", "2024-02-29"},
	    {"2000年2月29日", "2000-02-29"},
	    /* not dates */
	    {"2023-02-29", NULL},
	    {"1900年2月29日", NULL},
	    {"2020年2月30日", NULL},
	    {"二〇二〇年二月三十日", NULL},
	    {"2020年4月31日", NULL},
	    {"2020年13月1日", NULL},
	    {"2020年3月32日", NULL},
	    {"2020年0月1日", NULL},
	    {"2020年3月", NULL},
	    {"2020年", NULL},
	    {"2020-3/25", NULL},
	    {"20200325", NULL},
	    {"20201年3月1日", NULL},
	    {"93年7月7日", NULL},
	    {"93.7.7", NULL},
	    {"九十三年七月七日", NULL},
	    {"中華民國2020年3月1日", NULL},
	    {"民國0年1月1日", NULL},
	    {"二〇二〇年三月三十二日", NULL},
	    {"2020年3月25日起", NULL},
	    {"自2020年3月25日", NULL},
	    {"2020年3月25", NULL},
	    {"2020.3.250", NULL},
	    {"1899年12月31日", NULL},
	    {"二〇二〇年三月二十五", NULL},
	    {"", NULL},
	    {"　", NULL},
	    {"年月日", NULL},
	    {"\xff\xfe", NULL},
	    {"2020\xff年3月25日", NULL},
	};
	int y, m, d;

	for (size_t i = 0; i < NELEM(t); i++) {
		int ok = gw_date_parse(t[i].in, strlen(t[i].in), &y, &m, &d);
		check_iso(iso(ok, y, m, d), t[i].want, t[i].in);
	}
	/* n bounds the text: the rest is not read */
	CHECK(gw_date_parse("2020年3月25日起", strlen("2020年3月25日"), &y, &m, &d) == 1);
	CHECK(gw_date_parse("2020年3月2", strlen("2020年3月2"), &y, &m, &d) == 0);
	CHECK(gw_date_parse(NULL, 0, &y, &m, &d) == 0);
}

/* With GW_DATE_ROC (after 發文日期 in a Taiwan notice) short years are ROC. */
static void test_roc_flag(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
	    {"93年7月7日", "2004-07-07"},   {"93.7.7", "2004-07-07"},
	    {"93/07/07", "2004-07-07"},     {"九十三年七月七日", "2004-07-07"},
	    {"109.12.21", "2020-12-21"},    {"2020年3月25日", "2020-03-25"},
	    {"0年1月1日", NULL},            {"93.7.32", NULL},
	};
	int y, m, d;

	for (size_t i = 0; i < NELEM(t); i++) {
		int ok = gw_date_parse_flags(t[i].in, strlen(t[i].in), GW_DATE_ROC, &y, &m, &d);
		check_iso(iso(ok, y, m, d), t[i].want, t[i].in);
	}
}

static void test_find(void)
{
	static const struct {
		const char *in, *want, *text; /* text: the bytes found */
	} t[] = {
	    {"国务院办公厅 2020年3月25日印发", "2020-03-25", "2020年3月25日"},
	    {"国务院办公厅秘书局　　　2020年3月25日印发", "2020-03-25", "2020年3月25日"},
	    {"本辦法自中華民國109年12月21日施行。", "2020-12-21", "中華民國109年12月21日"},
	    {"發文日期：中華民國112年1月5日", "2023-01-05", "中華民國112年1月5日"},
	    {"澳門特別行政區二零二三年一月十日", "2023-01-10", "二零二三年一月十日"},
	    {"截至109年12月21日止", "2020-12-21", "109年12月21日"},
	    {"自2019年1月1日起施行，2020年3月1日废止", "2019-01-01", "2019年1月1日"},
	    {"第12020年3月1日", NULL, NULL},
	    {"编号 2020-3-25-1 的", NULL, NULL},
	    {"2020年2月30日与2021年2月28日", "2021-02-28", "2021年2月28日"},
	    {"没有日期的一行", NULL, NULL},
	    {"", NULL, NULL},
	};
	int y, m, d;
	size_t from, to;

	for (size_t i = 0; i < NELEM(t); i++) {
		int ok = gw_date_find(t[i].in, strlen(t[i].in), 0, &from, &to, &y, &m, &d);
		check_iso(iso(ok, y, m, d), t[i].want, t[i].in);
		if (ok && t[i].text) {
			CHECK(to - from == strlen(t[i].text) &&
			      memcmp(t[i].in + from, t[i].text, to - from) == 0);
			if (to - from != strlen(t[i].text))
				fprintf(stderr, "  found '%.*s' in '%s'\n", (int)(to - from),
				        t[i].in + from, t[i].in);
		}
	}
	CHECK(gw_date_find("93年7月7日", strlen("93年7月7日"), GW_DATE_ROC, NULL, NULL, &y, &m,
	                   &d) == 1 &&
	      y == 2004);
}

static void test_valid(void)
{
	CHECK(gw_date_is_day(2024, 2, 29));
	CHECK(!gw_date_is_day(2100, 2, 29));
	CHECK(gw_date_is_day(2000, 2, 29));
	CHECK(!gw_date_is_day(2023, 2, 29));
	CHECK(gw_date_is_day(2023, 12, 31));
	CHECK(!gw_date_is_day(2023, 11, 31));
	CHECK(!gw_date_is_day(2200, 1, 1));
	CHECK(!gw_date_is_day(1899, 12, 31));
}

int main(void)
{
	RUN(test_parse);
	RUN(test_roc_flag);
	RUN(test_find);
	RUN(test_valid);
	return TEST_EXIT();
}
