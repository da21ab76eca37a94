/* gw_date: the dates of official notices on both sides of the strait, in
 * Hong Kong and Macau, read as a Gregorian year, month and day.
 *
 * Forms (white space anywhere inside is ignored: "2020 年 3 月 25 日",
 * "民國 93 年 07 月 07 日"; digits may be ASCII or full width):
 *  - 2020年3月25日, 2020年三月二十五日, 2023年1月1號;
 *  - Chinese numerals: 二〇二三年一月一日 (〇 U+3007, ○ U+25CB, 零, Ｏ),
 *    二零二四年十月十七日, 二〇二二年一月廿六日 (廿 20, 卅 30), 元月 (January);
 *  - the ROC era (year + 1911): 中華民國109年12月21日, 民國 93 年 07 月 07 日,
 *    中华民国一百十二年十二月二十一日, 109年12月21日 (a three-digit year
 *    alone is an ROC year; a one- or two-digit one only after 民國, or
 *    with GW_DATE_ROC);
 *  - numbers and one separator used twice (- . / and their full-width
 *    forms): 2020-3-25, 2020.03.25, 2020/3/25, 109.12.21, 109/12/21.
 * Only real days count: 2020年2月30日 is no date; years 1900-2199.
 * Nothing here allocates or fails; any bytes are fine (invalid UTF-8 is
 * simply not a date). */
#ifndef GW_DATE_H
#define GW_DATE_H

#include <stddef.h>

/* Flags of gw_date_parse_flags and gw_date_find. */
enum {
	/* The text is known to be Taiwanese (it follows 發文日期 in a ROC
	 * notice): a one- or two-digit year is an ROC year too (93.7.7,
	 * 93年7月7日). */
	GW_DATE_ROC = 1
};

/* 1 if s[0..n), trimmed of white space, is a date in one of the forms
 * above, and then *y, *m, *d are set (e.g. 2020, 12, 21); 0 otherwise,
 * *y, *m, *d left as they were (the same for every function here). */
int gw_date_parse(const char *s, size_t n, int *y, int *m, int *d);

/* gw_date_parse with flags (GW_DATE_ROC). */
int gw_date_parse_flags(const char *s, size_t n, unsigned flags, int *y, int *m, int *d);

/* Finds the first date inside the text s[0..n) (e.g. in
 * "国务院办公厅 2020年3月25日印发"): one not glued to a digit on either
 * side. Returns 1 and sets [*from, *to) to its bytes and *y, *m, *d; 0 if
 * there is none. from and to may be NULL. */
int gw_date_find(const char *s, size_t n, unsigned flags, size_t *from, size_t *to, int *y,
                 int *m, int *d);

/* 1 if y-m-d is a day of the Gregorian calendar in the years 1900-2199. */
int gw_date_is_day(int y, int m, int d);

#endif
