/* gw_table: tables in plain-text notices, and the repair of rows whose
 * vertically merged cells a plain-text export dropped. Internal to
 * libgongwen: gw_notice.c finds the blocks of table lines and hands each
 * block to gw_table_add().
 *
 * A table line has cells separated by '|' (or the full-width U+FF5C) or by
 * tabs (a run of tabs is one separator). An empty cell before a leading '|'
 * or after a final '|' is not a cell: "1 | 天津 | x |" has three cells.
 *
 * Merged cells. An export of a table with a vertically merged cell writes
 * its text in the first row only; the rows below lose that cell and their
 * other cells move left ("2 | x | y | |" under "序號 | 省份 | 名稱 | 主體 |"
 * lost its 省份). gw_table_add decides which columns a short row lost by
 * scoring every way of placing its cells, in order, into the columns
 * against the complete rows of the same table (kind of content, length,
 * shared endings such as 公司 or 研究院, equal values), and fills the lost
 * columns from the row above. */
#ifndef GW_TABLE_H
#define GW_TABLE_H

#include <stddef.h>

#include "notice/gw_notice.h"

enum { GW_TSEP_NONE = 0, GW_TSEP_BAR = '|', GW_TSEP_TAB = '\t' };

/* What a line looks like as a table row. */
typedef struct gw_table_info {
	int sep;        /* GW_TSEP_BAR, GW_TSEP_TAB, or GW_TSEP_NONE: not a row */
	size_t ncells;  /* cells, empty ones included */
	size_t nfilled; /* non-empty cells (at least 1 when sep is set) */
	size_t max_cp;  /* code points in the longest cell */
	int first_int;  /* the first non-empty cell is an integer (a row number) */
	int rule;       /* a rule such as |---|:---:| (only - : = + in its cells) */
} gw_table_info;

/* Describes the trimmed line s[0..len) (valid UTF-8). A line is a row when
 * it has at least two cells and one of them is not empty. */
void gw_table_line_info(const char *s, size_t len, gw_table_info *info);

/* Trims white space (ASCII, U+00A0, U+3000, U+FEFF) from both ends of
 * *s[0..*len): the white space every plain-text parser of gongwen skips. */
void gw_table_trim(const char **s, size_t *len);

/* One source line of a table block: trimmed text and 1-based line number. */
typedef struct gw_table_src {
	const char *s;
	size_t len;
	long line;
} gw_table_src;

/* Appends a table to n->tables, built from src[0..nsrc) (nsrc >= 1): src[0]
 * is the header, the rest are rows (rule lines are skipped, a repeat of the
 * header is dropped). caption[0..caption_len) is copied. Rows with fewer
 * filled cells than columns are repaired as described above, rows with
 * more have their extra cells joined into the last column; each adds a
 * note to n. Returns 0, or -1 when out of memory: n then holds whatever
 * was built, and gw_notice_free releases it. */
int gw_table_add(gw_notice *n, const gw_table_src *src, size_t nsrc, const char *caption,
                 size_t caption_len);

/* Appends a note (printf-style message) to n. Returns 0, or -1 when out
 * of memory (n is unchanged). */
int gw_table_note(gw_notice *n, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Frees everything t owns (not t itself) and zeroes it; NULL members and
 * NULL cells are fine, so a half-built table can be freed. */
void gw_table_free(gw_table *t);

#endif
