/* gw_csv: the CSV/TSV record reader (see gw_csv.h).
 *
 * One record is read field by field; each field's bytes, unquoted, go to
 * one buffer, each followed by a NUL, so the fields of a record are
 * consecutive in it and only their lengths need keeping while the buffer
 * may still move. Line numbers count every line break outside and inside
 * quotes, so a record after a field with an embedded line break still
 * knows its line. */
#include "read/gw_csv.h"

#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"

#define BOM "\xEF\xBB\xBF"

/* What reading a field ended with. */
enum { FIELD_END, RECORD_END, FIELD_BROKEN };

void gw_csv_init(gw_csv *r, const char *p, size_t len, int delim)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->len = len;
	r->delim = delim;
	r->cur_line = 1;
	if (len >= 3 && memcmp(p, BOM, 3) == 0)
		r->off = r->line_off = 3;
}

void gw_csv_free(gw_csv *r)
{
	gw_buf_free(&r->buf);
	free(r->f);
	r->f = NULL;
	r->fcap = 0;
	r->fields = NULL;
	r->nfields = 0;
}

/* Bytes of the line break at off: 2 for CRLF, 1 for LF or a lone CR, 0 if
 * there is none. */
static size_t eol_len(const gw_csv *r, size_t off)
{
	if (off >= r->len)
		return 0;
	if (r->p[off] == '\n')
		return 1;
	if (r->p[off] == '\r')
		return off + 1 < r->len && r->p[off + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Steps over the n-byte line break at r->off. */
static void newline(gw_csv *r, size_t n)
{
	r->off += n;
	r->cur_line++;
	r->line_off = r->off;
}

/* Records a broken record found at byte pos of line `line` (which starts
 * at line_off) and moves to the start of the line after it. */
static int broken(gw_csv *r, size_t pos, long line, size_t line_off, gw_err *err,
                  const char *what)
{
	size_t n = 0;

	r->err_line = line;
	r->err_col = pos - line_off + 1;
	gw_err_set(err, GW_EINVAL, 0, "%s at column %zu", what, r->err_col);
	r->off = pos;
	r->cur_line = line;
	while (r->off < r->len && (n = eol_len(r, r->off)) == 0)
		r->off++;
	if (r->off < r->len)
		newline(r, n);
	else
		r->line_off = r->off;
	return FIELD_BROKEN;
}

/* Reads the quoted field whose opening quote is at r->off, up to and
 * including its closing quote; returns 0, or -1 if the input ends first. */
static int read_quoted(gw_csv *r)
{
	size_t n;

	r->off++;
	while (r->off < r->len) {
		const char *p = r->p + r->off;
		if (*p == '"' && r->off + 1 < r->len && p[1] == '"') {
			gw_buf_putc(&r->buf, '"');
			r->off += 2;
		} else if (*p == '"') {
			r->off++;
			return 0;
		} else if ((n = eol_len(r, r->off)) > 0) {
			gw_buf_append(&r->buf, p, n);
			newline(r, n);
		} else {
			gw_buf_putc(&r->buf, *p);
			r->off++;
		}
	}
	return -1;
}

/* What follows a field: the delimiter, a line break or the end. */
static int field_end(gw_csv *r)
{
	size_t n;

	if (r->off >= r->len)
		return RECORD_END;
	if ((n = eol_len(r, r->off)) > 0) {
		newline(r, n);
		return RECORD_END;
	}
	r->off++; /* the delimiter */
	return FIELD_END;
}

/* A quoted field (after any spaces) starting at q. */
static int quoted_field(gw_csv *r, size_t q, gw_err *err)
{
	long open_line = r->cur_line;
	size_t open_off = r->line_off;

	r->off = q;
	if (read_quoted(r) != 0)
		return broken(r, q, open_line, open_off, err, "unterminated quoted field starting");
	while (r->off < r->len && r->p[r->off] == ' ')
		r->off++;
	if (r->off < r->len && r->p[r->off] != r->delim && eol_len(r, r->off) == 0)
		return broken(r, r->off, r->cur_line, r->line_off, err,
		              "unexpected character after a closing quote");
	return field_end(r);
}

/* Reads one field into r->buf; returns FIELD_END, RECORD_END or
 * FIELD_BROKEN (err set, the reader resynchronised). */
static int read_field(gw_csv *r, gw_err *err)
{
	size_t q = r->off;

	while (q < r->len && r->p[q] == ' ')
		q++;
	if (q < r->len && r->p[q] == '"')
		return quoted_field(r, q, err);
	for (q = r->off; q < r->len; q++) {
		char c = r->p[q];
		if (c == r->delim || c == '\n' || c == '\r')
			break;
		if (c == '"')
			return broken(r, q, r->cur_line, r->line_off, err,
			              "quote inside an unquoted field");
	}
	gw_buf_append(&r->buf, r->p + r->off, q - r->off);
	r->off = q;
	return field_end(r);
}

/* Makes room for n + 1 fields; returns 0, or -1. */
static int reserve_fields(gw_csv *r, size_t n)
{
	if (gw_array_grow((void **)&r->f, &r->fcap, n + 1, sizeof *r->f, 16))
		return -1;
	return 0;
}

/* Points the fields at their bytes, now that the buffer stays put. */
static void settle_fields(gw_csv *r, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		r->f[i].val = (const char *)r->buf.p + start;
		start += r->f[i].len + 1;
	}
	r->fields = r->f;
	r->nfields = n;
}

gw_rc gw_csv_next(gw_csv *r, int *got, gw_err *err)
{
	size_t n = 0, start, k;
	int end;

	*got = 0;
	r->fields = NULL;
	r->nfields = 0;
	while ((k = eol_len(r, r->off)) > 0) /* empty lines */
		newline(r, k);
	if (r->off >= r->len)
		return GW_OK;
	r->line = r->cur_line;
	gw_buf_reset(&r->buf);
	do {
		if (reserve_fields(r, n))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		start = r->buf.len;
		if ((end = read_field(r, err)) == FIELD_BROKEN)
			return err ? err->rc : GW_EINVAL;
		r->f[n++].len = r->buf.len - start;
		gw_buf_putc(&r->buf, '\0');
	} while (end == FIELD_END);
	if (!gw_buf_ok(&r->buf))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	settle_fields(r, n);
	*got = 1;
	return GW_OK;
}
