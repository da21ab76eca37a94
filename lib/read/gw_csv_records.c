/* gw_csv_records: the CSV and TSV reader of gongwen-index. A spreadsheet of
 * records (a list of units, projects, platforms) is exported with a header
 * row naming the columns and one row per record; each row becomes one
 * record document whose fields are named by the header. A broken row is
 * reported with its line and skipped, and the rows after it are read as
 * usual (gw_csv.c resynchronises at the next line), so one stray quote
 * does not lose a batch. */
#include "read/gw_input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "read/gw_csv.h"
#include "text/gw_escape.h"

/* One file's state: its name, the header and the fields of a row. */
typedef struct csv_file {
	gw_input *in;
	const char *name;
	char **cols;      /* ncols column names (owned) */
	size_t ncols;
	size_t id_col;    /* the --id-column column, or (size_t)-1 */
	gw_field *fields; /* ncols + 2 */
	gw_buf id;
} csv_file;

static void free_cols(csv_file *f)
{
	for (size_t c = 0; c < f->ncols; c++)
		free(f->cols[c]);
	free(f->cols);
	f->cols = NULL;
}

/* A copy of the field, trimmed of white space (ASCII and U+3000). */
static char *trimmed(const gw_csv_field *fld)
{
	const char *b = fld->val, *e = fld->val + fld->len;

	gw_input_trim(&b, &e);
	return strndup(b, (size_t)(e - b));
}

/* Cuts the header cell s of column c to GW_FIELD_NAME_MAX bytes (less
 * room for a " N" suffix) at a character boundary, with a warning. */
static void cut_name(csv_file *f, size_t c, char *s)
{
	size_t len = strlen(s), max = GW_FIELD_NAME_MAX - 8;

	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
	gw_input_warn(f->in, f->name, 1, "the name of column %zu is %zu bytes, cut to %zu (GW_FIELD_NAME_MAX is %d)",
	              c + 1, len, max, GW_FIELD_NAME_MAX);
}

/* Names column c: its header cell, "column N" when that is empty, and
 * "名称 2" for the second column called 名称 (a document cannot hold two
 * fields of one name). Returns 0, or -1 when out of memory. */
static int name_column(csv_file *f, size_t c, const gw_csv_field *fld)
{
	char *s = trimmed(fld);
	gw_buf b = GW_BUF_INIT;
	int dup = 1;

	if (!s)
		return -1;
	cut_name(f, c, s);
	if (!s[0])
		gw_buf_printf(&b, "column %zu", c + 1);
	else
		gw_buf_puts(&b, s);
	for (size_t k = 0; k < c; k++)
		if (b.len == strlen(f->cols[k]) && memcmp(b.p, f->cols[k], b.len) == 0) {
			gw_buf_reset(&b);
			gw_buf_printf(&b, "%s %d", s[0] ? s : "column", ++dup);
			k = (size_t)-1; /* check the new name against all again */
		}
	free(s);
	gw_buf_putc(&b, '\0');
	if (!gw_buf_ok(&b)) {
		gw_buf_free(&b);
		return -1;
	}
	f->cols[c] = (char *)b.p;
	return 0;
}

/* Takes the header row from r; returns 0, or -1 when out of memory. */
static int read_header(csv_file *f, const gw_csv *r)
{
	if (!(f->cols = calloc(r->nfields, sizeof *f->cols)) ||
	    !(f->fields = malloc((r->nfields + 2) * sizeof *f->fields)))
		return -1;
	for (f->ncols = 0; f->ncols < r->nfields; f->ncols++)
		if (name_column(f, f->ncols, &r->fields[f->ncols]))
			return -1;
	return 0;
}

/* Finds the --id-column column; reports and returns -1 if there is none. */
static int find_id_column(csv_file *f, const char *id_column, long line)
{
	char q[GW_EXCERPT_SIZE];

	f->id_col = (size_t)-1;
	if (!id_column)
		return 0;
	for (size_t c = 0; c < f->ncols; c++)
		if (strcmp(f->cols[c], id_column) == 0) {
			f->id_col = c;
			return 0;
		}
	gw_input_reject(f->in, f->name, line, "no column '%s' for --id-column in the header",
	                gw_excerpt_str(q, id_column));
	return -1;
}

/* Sets f->id to the id of data row `row`; reports and returns -1 when the
 * row's id cell is empty. */
static int row_id(csv_file *f, const gw_csv *r, long row)
{
	const char *b, *e;

	gw_buf_reset(&f->id);
	if (f->id_col == (size_t)-1) {
		gw_buf_printf(&f->id, "%s#%ld", f->name, row);
		return 0;
	}
	b = f->id_col < r->nfields ? r->fields[f->id_col].val : "";
	e = b + (f->id_col < r->nfields ? r->fields[f->id_col].len : 0);
	gw_input_trim(&b, &e);
	if (b == e) {
		char q[GW_EXCERPT_SIZE];
		gw_input_reject(f->in, f->name, r->line, "row %ld: empty id in column '%s'", row,
		                gw_excerpt_str(q, f->cols[f->id_col]));
		return -1;
	}
	gw_buf_append(&f->id, b, (size_t)(e - b));
	return 0;
}

/* Warns when a row has cells beyond the header that hold something. */
static void check_extra(csv_file *f, const gw_csv *r, long row)
{
	for (size_t c = f->ncols; c < r->nfields; c++) {
		const char *b = r->fields[c].val, *e = b + r->fields[c].len;
		gw_input_trim(&b, &e);
		if (b < e) {
			gw_input_warn(f->in, f->name, r->line,
			              "row %ld: %zu cells for %zu columns; extra cells dropped", row,
			              r->nfields, f->ncols);
			return;
		}
	}
}

/* Rejects data row `row` when one of its cells is longer than GW_CELL_MAX;
 * returns 1 then. */
static int cell_too_long(csv_file *f, const gw_csv *r, long row)
{
	char q[GW_EXCERPT_SIZE];

	for (size_t c = 0; c < f->ncols && c < r->nfields; c++)
		if (r->fields[c].len > GW_CELL_MAX) {
			gw_input_reject(f->in, f->name, r->line,
			                "row %ld: cell of column '%s' is %zu bytes, more than GW_CELL_MAX (%d)",
			                row, gw_excerpt_str(q, f->cols[c]), r->fields[c].len, GW_CELL_MAX);
			return 1;
		}
	return 0;
}

/* Delivers data row `row` (1-based) as one record; a row whose cells are
 * all empty is skipped. */
static void deliver_row(csv_file *f, const gw_csv *r, long row)
{
	char rowbuf[24];
	size_t n = 0;
	gw_doc doc;

	if (cell_too_long(f, r, row))
		return;
	for (size_t c = 0; c < f->ncols && c < r->nfields; c++) {
		const char *b = r->fields[c].val, *e = b + r->fields[c].len;
		gw_input_trim(&b, &e);
		if (b < e)
			f->fields[n++] = (gw_field){f->cols[c], strlen(f->cols[c]), b, (size_t)(e - b)};
	}
	if (n == 0)
		return;
	check_extra(f, r, row);
	if (row_id(f, r, row))
		return;
	if (!gw_buf_ok(&f->id)) {
		gw_input_reject(f->in, f->name, r->line, "out of memory");
		return;
	}
	snprintf(rowbuf, sizeof rowbuf, "%ld", row);
	f->fields[n++] = (gw_field){"_type", 5, "record", 6};
	f->fields[n++] = (gw_field){"_row", 4, rowbuf, strlen(rowbuf)};
	doc = (gw_doc){(const char *)f->id.p, f->id.len, f->fields, n};
	gw_input_deliver(f->in, &doc, f->name, r->line);
}

/* Reads the data rows after the header. A broken row still counts as a
 * row, so the rows after it keep their numbers (and ids) when it is
 * fixed. */
static void read_rows(csv_file *f, gw_csv *r)
{
	long row = 0;
	gw_err err;
	gw_rc rc;
	int got;

	for (;;) {
		gw_err_clear(&err);
		rc = gw_csv_next(r, &got, &err);
		if (rc == GW_EINVAL) {
			gw_input_reject(f->in, f->name, r->err_line, "row %ld: invalid CSV: %s", ++row,
			                err.msg);
			continue;
		}
		if (rc != GW_OK) {
			gw_input_reject(f->in, f->name, r->line, "%s", err.msg);
			return;
		}
		if (!got)
			return;
		deliver_row(f, r, ++row);
	}
}

/* Reads the header row; reports and returns -1 when there is none. */
static int first_row(csv_file *f, gw_csv *r, const char *id_column)
{
	gw_err err;
	int got;

	gw_err_clear(&err);
	if (gw_csv_next(r, &got, &err) != GW_OK) {
		gw_input_reject(f->in, f->name, err.rc == GW_EINVAL ? r->err_line : 0,
		                "invalid CSV in the header row: %s", err.msg);
		return -1;
	}
	if (!got) {
		gw_input_reject(f->in, f->name, 0, "empty file: no header row");
		return -1;
	}
	if (r->nfields > GW_TABLE_COLS_MAX) {
		gw_input_reject(f->in, f->name, r->line,
		                "header of %zu columns, more than GW_TABLE_COLS_MAX (%d); file not read",
		                r->nfields, GW_TABLE_COLS_MAX);
		return -1;
	}
	if (read_header(f, r)) {
		gw_input_reject(f->in, f->name, r->line, "out of memory");
		return -1;
	}
	return find_id_column(f, id_column, r->line);
}

void gw_input_csv_mem(gw_input *in, const char *name, const char *text, size_t len,
                      int delim, const char *id_column)
{
	csv_file f = {in, name, NULL, 0, (size_t)-1, NULL, GW_BUF_INIT};
	gw_buf conv = GW_BUF_INIT;
	gw_csv r;

	if (!(text = gw_input_text(in, name, text, &len, &conv))) {
		gw_buf_free(&conv);
		return;
	}
	gw_csv_init(&r, text, len, delim);
	if (first_row(&f, &r, id_column) == 0)
		read_rows(&f, &r);
	gw_csv_free(&r);
	free_cols(&f);
	free(f.fields);
	gw_buf_free(&f.id);
	gw_buf_free(&conv);
}

void gw_input_csv(gw_input *in, const char *name, FILE *fp, int delim,
                  const char *id_column)
{
	gw_buf b = GW_BUF_INIT;

	if (gw_input_slurp(in, name, fp, &b) == 0)
		gw_input_csv_mem(in, name, b.len ? (const char *)b.p : "", b.len, delim, id_column);
	gw_buf_free(&b);
}
