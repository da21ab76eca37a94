/* gw_date: a calendar date written in one of the ways notices write it.
 *
 * This is the web reader's minimal version: Arabic-numeral years, months
 * and days (2020年12月21日, 2020-12-21, 2020/12/21, 2020.12.21). The notice
 * parser's fuller gw_date.c (ROC era years, Chinese numerals) replaces it
 * with the same declaration. */
#ifndef GW_DATE_H
#define GW_DATE_H

#include <stddef.h>

/* Returns 1 and sets *y, *m, *d when s[0..n) (UTF-8; leading and trailing
 * white space, ASCII or U+3000, ignored) is a valid date and nothing else;
 * returns 0 and leaves them alone otherwise. s need not be NUL-terminated. */
int gw_date_parse(const char *s, size_t n, int *y, int *m, int *d);

#endif
