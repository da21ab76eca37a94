/* gw_date: dates in Arabic numerals (see gw_date.h). A year of four digits,
 * then the month and the day of one or two digits, separated by 年 月 (and
 * followed by 日), or by the same one of - / . twice. */
#include "notice/gw_date.h"

#include <string.h>

#define NIAN "\xE5\xB9\xB4"  /* 年 */
#define YUE "\xE6\x9C\x88"   /* 月 */
#define RI "\xE6\x97\xA5"    /* 日 */
#define IDEO_SPACE "\xE3\x80\x80"

/* Bytes of white space at the start (or, with back, the end) of s[0..n). */
static size_t space_len(const char *s, size_t n, int back)
{
	const char *p = back ? s + n : s;

	if (n >= 1) {
		char c = back ? p[-1] : p[0];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			return 1;
	}
	if (n >= 3 && memcmp(back ? p - 3 : p, IDEO_SPACE, 3) == 0)
		return 3;
	return 0;
}

/* Reads 1..max ASCII digits at s[*i] (before n); -1 if there are none. */
static int digits(const char *s, size_t n, size_t *i, int max)
{
	int v = 0, k = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9')
		v = v * 10 + (s[(*i)++] - '0'), k++;
	return k ? v : -1;
}

/* Whether s[*i..n) starts with the string w; steps over it if so. */
static int word(const char *s, size_t n, size_t *i, const char *w)
{
	size_t k = strlen(w);

	if (n - *i < k || memcmp(s + *i, w, k) != 0)
		return 0;
	*i += k;
	return 1;
}

static int valid(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return m != 2 || d < 29 || leap;
}

int gw_date_parse(const char *s, size_t n, int *y, int *m, int *d)
{
	size_t i = 0, k, start = 0;
	int yy, mm, dd;

	while ((k = space_len(s + start, n - start, 0)) > 0)
		start += k;
	while (n > start && (k = space_len(s + start, n - start, 1)) > 0)
		n -= k;
	s += start, n -= start;
	if ((yy = digits(s, n, &i, 4)) < 0 || i != 4 || i >= n)
		return 0;
	if (word(s, n, &i, NIAN)) {
		if ((mm = digits(s, n, &i, 2)) < 0 || !word(s, n, &i, YUE) ||
		    (dd = digits(s, n, &i, 2)) < 0 || !word(s, n, &i, RI))
			return 0;
	} else {
		char sep = s[i++];
		if ((sep != '-' && sep != '/' && sep != '.') || (mm = digits(s, n, &i, 2)) < 0 ||
		    i >= n || s[i++] != sep || (dd = digits(s, n, &i, 2)) < 0)
			return 0;
	}
	if (i != n || !valid(yy, mm, dd))
		return 0;
	*y = yy, *m = mm, *d = dd;
	return 1;
}
