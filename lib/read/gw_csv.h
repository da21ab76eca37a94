/* gw_csv: a reader of CSV (RFC 4180) and TSV records in a buffer in memory.
 *
 * Spreadsheets export lists of units as CSV: a header row, then one row
 * per record. Fields are separated by the delimiter (',' or '\t'); a field
 * in double quotes may hold the delimiter, line breaks and "" for one '"'.
 * Records end at LF, CRLF or a lone CR. A UTF-8 BOM at the start is
 * skipped, and so are empty lines between records. Two leniencies, both
 * common in hand-made files: spaces before an opening quote and after a
 * closing one are ignored.
 *
 * A broken record (a quote that is never closed, a quote inside an
 * unquoted field, something other than a delimiter after a closing quote)
 * is an error that names its line and byte column; the reader then
 * resynchronises at the start of the line after the one the error is on
 * (for an unclosed quote, the line after the quote), so the records after
 * it are read as usual. The reader is pure: no I/O, no printing. */
#ifndef GW_CSV_H
#define GW_CSV_H

#include <stddef.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"

typedef struct gw_csv_field {
	const char *val; /* unquoted, "" unescaped, NUL-terminated (may hold NULs: use len) */
	size_t len;
} gw_csv_field;

typedef struct gw_csv {
	/* The current record, set when gw_csv_next gives one: its fields
	 * (at least one) are borrowed until the next gw_csv_next or
	 * gw_csv_free. */
	const gw_csv_field *fields;
	size_t nfields;
	long line;      /* 1-based line the record (or the broken one) starts on */
	/* Where the last error was found: 1-based line and byte column. */
	long err_line;
	size_t err_col;

	/* Private. */
	const char *p;
	size_t len, off;   /* the input and the next byte to read */
	long cur_line;     /* the line of p[off] */
	size_t line_off;   /* where that line starts */
	int delim;
	gw_buf buf;        /* the current record's field bytes */
	gw_csv_field *f;
	size_t fcap;
} gw_csv;

/* Starts reading the len bytes at p (borrowed: they must outlive the
 * reader) with delimiter delim (',' or '\t'). Allocates nothing. */
void gw_csv_init(gw_csv *r, const char *p, size_t len, int delim);

/* Reads the next record. Returns GW_OK with *got = 1 and r->fields,
 * r->nfields, r->line set, or GW_OK with *got = 0 at the end of the input.
 * A broken record gives GW_EINVAL with *got = 0, r->line, r->err_line and
 * r->err_col set and err->msg saying what is wrong ("unterminated quoted
 * field starting at column 5"; the line is not in the message); reading
 * may go on with the next call. GW_ENOMEM when out of memory. */
gw_rc gw_csv_next(gw_csv *r, int *got, gw_err *err);

/* Frees what the reader allocated; the input is not touched. r may hold
 * zeros (never initialised). */
void gw_csv_free(gw_csv *r);

#endif
