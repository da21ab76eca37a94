/* gw_date: reads the dates of notices (the forms are listed in gw_date.h).
 *
 * One grammar, read with a cursor over the UTF-8 text that passes over
 * white space wherever it stands (a date typed with letter spacing, or
 * joined from the pieces of a page layout, reads as the same date):
 *
 *   date  := [era] year ( "年" month "月" day ("日"|"号"|"號")
 *                       | sep month sep day )        one sep, digits only
 *   era   := 中華民國 | 中华民国 | 民國 | 民国
 *   year  := 4 digits | 3 digits (ROC) | 1-2 digits after era (ROC)
 *          | Chinese numerals: 二〇二三 (4 places), 一〇九, 一百十二 (ROC)
 *   month := 1-2 digits | Chinese numerals | 元
 *   day   := 1-2 digits | Chinese numerals (廿六, 三十一)
 *
 * No arrays, no allocation: the cursor reads the text in place. */
#include "notice/gw_date.h"

#include <stdint.h>

#include "text/gw_utf8.h"

#define END (-2) /* no code point left */

typedef struct cur {
	const char *s;
	size_t n, i;
} cur;

static int is_space(int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0 ||
	       cp == 0xFEFF;
}

/* 〇 ○ 零 Ｏ → 0, 一 … 九 → 1 … 9 (also 兩 → 2), else -1. */
static int cn_digit(int32_t cp)
{
	static const int32_t d[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
	                            0x516D, 0x4E03, 0x516B, 0x4E5D};

	if (cp == 0x3007 || cp == 0x96F6 || cp == 0x25CB || cp == 0xFF2F || cp == 0x25EF)
		return 0;
	for (int k = 0; k < 9; k++)
		if (cp == d[k])
			return k + 1;
	return -1;
}

/* 十 百 千 → 10 100 1000, 廿 卅 → 20 30 (they stand for 二十, 三十), else 0. */
static int cn_unit(int32_t cp)
{
	switch (cp) {
	case 0x5341: return 10;   /* 十 */
	case 0x767E: return 100;  /* 百 */
	case 0x5343: return 1000; /* 千 */
	case 0x5EFF: return 20;   /* 廿 */
	case 0x5345: return 30;   /* 卅 */
	default: return 0;
	}
}

static int is_sep(int32_t cp)
{
	return cp == '-' || cp == '.' || cp == '/' || cp == 0xFF0D || cp == 0xFF0E || cp == 0xFF0F;
}

static int is_numeral(int32_t cp)
{
	return gw_digit_value(cp) >= 0 || cn_digit(cp) >= 0 || cn_unit(cp) > 0;
}

/* The next code point that is not white space, without moving; END at the
 * end. *after is where the cursor would be past it. */
static int32_t peek(const cur *c, size_t *after)
{
	size_t i = c->i;

	while (i < c->n) {
		int32_t cp = gw_utf8_next(c->s, c->n, &i);
		if (!is_space(cp)) {
			*after = i;
			return cp;
		}
	}
	*after = i;
	return END;
}

/* Moves past the next code point if it is cp. */
static int take(cur *c, int32_t cp)
{
	size_t after;

	if (peek(c, &after) != cp)
		return 0;
	c->i = after;
	return 1;
}

/* Takes the code points of the UTF-8 literal lit, in order; on a mismatch
 * the cursor stays where it was. */
static int take_lit(cur *c, const char *lit)
{
	size_t save = c->i, i = 0, n = 0;

	while (lit[n])
		n++;
	while (i < n)
		if (!take(c, gw_utf8_next(lit, n, &i))) {
			c->i = save;
			return 0;
		}
	return 1;
}

/* A run of up to 4 Arabic digits: its value, and *k their count; -1 if
 * there is none or more than 4. */
static int arabic(cur *c, int *k)
{
	size_t after;
	int v = 0, d;

	for (*k = 0; (d = gw_digit_value(peek(c, &after))) >= 0; ++*k) {
		if (*k == 4)
			return -1;
		v = v * 10 + d;
		c->i = after;
	}
	return *k ? v : -1;
}

/* Chinese numerals: positional (二〇二三, *places = 4) or with units
 * (一百十二, 二十五, 廿六; *places = 0). -1 if none, or above 9999. */
static int chinese(cur *c, int *places)
{
	size_t after;
	int32_t cp;
	int total = 0, digit = -1, units = 0, k = 0;

	*places = 0;
	while ((cp = peek(c, &after)) != END && (cn_digit(cp) >= 0 || cn_unit(cp) > 0)) {
		int u = cn_unit(cp);
		if (++k > 8)
			return -1;
		c->i = after;
		if (!u) {
			digit = digit >= 0 && !units ? digit * 10 + cn_digit(cp) : cn_digit(cp);
			if (!units)
				++*places;
			if (digit > 9999)
				return -1;
			continue;
		}
		units = 1;
		if (u == 20 || u == 30)
			total += u; /* 廿 and 卅 carry their own tens */
		else
			total += (digit > 0 ? digit : 1) * u;
		digit = -1;
	}
	if (!k)
		return -1;
	if (!units)
		return digit;
	*places = 0;
	return total + (digit > 0 ? digit : 0);
}

/* A month or day number: 1-2 Arabic digits or Chinese numerals. */
static int small_num(cur *c)
{
	size_t after;
	int k, v;

	if (gw_digit_value(peek(c, &after)) >= 0) {
		v = arabic(c, &k);
		return k <= 2 ? v : -1;
	}
	v = chinese(c, &k);
	return v >= 0 && v <= 99 ? v : -1;
}

/* The year, as a Gregorian year; *digits is set when it was written in
 * Arabic digits (then a separator may follow). -1 if there is none. */
static int year_of(cur *c, unsigned flags, int *digits)
{
	int era = take_lit(c, "中華民國") || take_lit(c, "中华民国") || take_lit(c, "民國") ||
	          take_lit(c, "民国");
	int roc = era || (flags & GW_DATE_ROC);
	size_t after;
	int v, k;

	*digits = gw_digit_value(peek(c, &after)) >= 0;
	if (era && take(c, 0x5143)) /* 民國元年: the first year */
		return 1912;
	if (*digits) {
		if ((v = arabic(c, &k)) < 0)
			return -1;
		if (k == 4)
			return era ? -1 : v;
		return v > 0 && (roc || (k == 3 && v >= 100)) ? v + 1911 : -1;
	}
	if ((v = chinese(c, &k)) < 0)
		return -1;
	if (!era && (k == 4 || (k == 0 && v >= 1000)))
		return v;
	return v > 0 && v < 1000 && (roc || v >= 100) ? v + 1911 : -1;
}

/* Reads a date at the cursor; 1 and the cursor past it, or 0. */
static int date_at(cur *c, unsigned flags, int *y, int *m, int *d)
{
	size_t after;
	int32_t sep;
	int digits, k;

	if ((*y = year_of(c, flags, &digits)) < 0)
		return 0;
	sep = peek(c, &after);
	if (sep == 0x5E74) { /* 年 */
		c->i = after;
		if (take(c, 0x5143)) /* 元月 */
			*m = 1;
		else if ((*m = small_num(c)) < 0)
			return 0;
		if (!take(c, 0x6708) || (*d = small_num(c)) < 0) /* 月 */
			return 0;
		if (!take(c, 0x65E5) && !take(c, 0x53F7) && !take(c, 0x865F)) /* 日 号 號 */
			return 0;
		return gw_date_is_day(*y, *m, *d);
	}
	if (!digits || !is_sep(sep))
		return 0;
	c->i = after;
	if ((*m = arabic(c, &k)) < 0 || k > 2 || !take(c, sep))
		return 0;
	if ((*d = arabic(c, &k)) < 0 || k > 2)
		return 0;
	return gw_date_is_day(*y, *m, *d);
}

int gw_date_is_day(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return m != 2 || d < 29 || leap;
}

int gw_date_parse_flags(const char *s, size_t n, unsigned flags, int *y, int *m, int *d)
{
	cur c = {s, s ? n : 0, 0};
	size_t after;
	int yy, mm, dd;

	/* y, m, d are set only for a date: callers keep what they had. */
	if (!date_at(&c, flags, &yy, &mm, &dd) || peek(&c, &after) != END)
		return 0;
	*y = yy, *m = mm, *d = dd;
	return 1;
}

int gw_date_parse(const char *s, size_t n, int *y, int *m, int *d)
{
	return gw_date_parse_flags(s, n, 0, y, m, d);
}

/* The code point ending at s[end] (before it), or END at the start. */
static int32_t cp_before(const char *s, size_t end)
{
	size_t i = end;

	if (!end)
		return END;
	while (--i > 0 && end - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
		;
	return gw_utf8_next(s, end, &i);
}

int gw_date_find(const char *s, size_t n, unsigned flags, size_t *from, size_t *to, int *y,
                 int *m, int *d)
{
	size_t i = 0;

	if (!s)
		return 0;
	while (i < n) {
		size_t at = i, j;
		int32_t prev = cp_before(s, i), cp = gw_utf8_next(s, n, &i), next;
		cur c = {s, n, at};
		int yy, mm, dd;
		if (!is_numeral(cp) && cp != 0x4E2D && cp != 0x6C11) /* 中 民 */
			continue;
		if (is_numeral(prev))
			continue; /* inside a number: 12020年 is no date */
		if (!date_at(&c, flags, &yy, &mm, &dd))
			continue;
		j = c.i;
		next = j < n ? gw_utf8_next(s, n, &j) : END;
		if (gw_digit_value(next) >= 0 || (is_sep(next) && j < n && gw_digit_value(gw_utf8_next(s, n, &j)) >= 0))
			continue; /* 2020-3-25-1 is a code, not a date */
		if (from)
			*from = at;
		if (to)
			*to = c.i;
		*y = yy, *m = mm, *d = dd;
		return 1;
	}
	return 0;
}
