/* gw_notice_docs: a parsed notice (gw_notice.h) becomes documents: the notice,
 * and one record per table row (see gw_input_notice in gw_input.h). Shared by
 * the .txt and .html readers.
 *
 * Field names that start with '_' are stored but not indexed (gw_index.h):
 * the links from a record to its notice would otherwise make every record
 * match the words of its notice's title. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "text/gw_escape.h"
#include "notice/gw_notice.h"
#include "read/gw_attach.h"
#include "read/gw_input.h"

/* A record's fields: its columns and its link fields (_type, _notice,
 * _notice_title, _number, _date, _table, _row). */
#define MAX_FIELDS (GW_TABLE_COLS_MAX + 8)
/* Room for a column name: GW_FIELD_NAME_MAX, a " N" for a repeated name
 * and the NUL. */
#define NAME_CAP (GW_FIELD_NAME_MAX + 24)

typedef struct fields {
	gw_field f[MAX_FIELDS];
	size_t n;
} fields;

static void add(fields *fs, const char *name, const char *val)
{
	if (!val || !*val || fs->n >= MAX_FIELDS)
		return;
	fs->f[fs->n].name = name;
	fs->f[fs->n].name_len = strlen(name);
	fs->f[fs->n].val = val;
	fs->f[fs->n].val_len = strlen(val);
	fs->n++;
}

static void deliver(gw_input *in, const char *id, const fields *fs, const char *file, long line)
{
	gw_doc d = {id, strlen(id), fs->f, fs->n};

	gw_input_deliver(in, &d, file, line);
}

/* The length of s cut to at most max bytes at a character boundary. */
static size_t cut_len(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* Column names for the fields of table ti's records: the header, cut to
 * GW_FIELD_NAME_MAX bytes (with a warning), with a repeated name made
 * unique ("名称 2") since a document cannot have a field twice. */
static void column_names(gw_input *in, const char *id, const gw_table *t, size_t ti,
                         char (*names)[NAME_CAP], size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		int dup = 1;
		size_t len = cut_len(t->header[c], GW_FIELD_NAME_MAX - 8);
		if (len < strlen(t->header[c]))
			gw_input_warn(in, id, t->line,
			              "table %zu: the name of column %zu is %zu bytes, cut to %zu "
			              "(GW_FIELD_NAME_MAX is %d)",
			              ti + 1, c + 1, strlen(t->header[c]), len, GW_FIELD_NAME_MAX);
		snprintf(names[c], NAME_CAP, "%.*s", (int)len, t->header[c]);
		for (size_t k = 0; k < c; k++)
			if (strcmp(names[k], names[c]) == 0) {
				snprintf(names[c], NAME_CAP, "%.*s %d", (int)len, t->header[c], ++dup);
				k = (size_t)-1; /* check the new name against all again */
			}
	}
}

/* Rejects row r of table ti when one of its cells is longer than
 * GW_CELL_MAX; returns 1 then. */
static int cell_too_long(gw_input *in, const char *id, const gw_table *t, size_t ti, size_t r)
{
	char q[GW_EXCERPT_SIZE];

	for (size_t c = 0; c < t->ncols; c++) {
		size_t len = t->rows[r].cells[c] ? strlen(t->rows[r].cells[c]) : 0;
		if (len > GW_CELL_MAX) {
			gw_input_reject(in, id, t->rows[r].line,
			                "table %zu row %zu: cell of column '%s' is %zu bytes, more than "
			                "GW_CELL_MAX (%d)",
			                ti + 1, r + 1, gw_excerpt_str(q, t->header[c]), len, GW_CELL_MAX);
			return 1;
		}
	}
	return 0;
}

/* Rejects table ti as a whole when it has more columns than
 * GW_TABLE_COLS_MAX, and says so when it has more rows than
 * GW_TABLE_ROWS_MAX (the rows past it give no records); returns the rows
 * to deliver. */
static size_t rows_to_deliver(gw_input *in, const char *id, const gw_table *t, size_t ti)
{
	if (t->ncols > GW_TABLE_COLS_MAX) {
		gw_input_reject(in, id, t->line,
		                "table %zu: %zu columns, more than GW_TABLE_COLS_MAX (%d); its %zu rows "
		                "give no records",
		                ti + 1, t->ncols, GW_TABLE_COLS_MAX, t->nrows);
		return 0;
	}
	if (t->nrows > GW_TABLE_ROWS_MAX) {
		gw_input_reject(in, id, t->line,
		                "table %zu: %zu rows, more than GW_TABLE_ROWS_MAX (%d); the rows after "
		                "row %d give no records",
		                ti + 1, t->nrows, GW_TABLE_ROWS_MAX, GW_TABLE_ROWS_MAX);
		return GW_TABLE_ROWS_MAX;
	}
	return t->nrows;
}

static void deliver_records(gw_input *in, const char *id, const gw_notice *n, size_t ti)
{
	static const char *const none = "";
	const gw_table *t = &n->tables[ti];
	size_t nrows = rows_to_deliver(in, id, t, ti);
	char (*names)[NAME_CAP], row[24];
	gw_buf rid = GW_BUF_INIT;

	if (nrows == 0)
		return;
	if (!(names = malloc(t->ncols * sizeof *names))) {
		gw_input_reject(in, id, t->line, "out of memory");
		return;
	}
	column_names(in, id, t, ti, names, t->ncols);
	for (size_t r = 0; r < nrows; r++) {
		fields fs = {0};
		if (cell_too_long(in, id, t, ti, r))
			continue;
		gw_buf_reset(&rid);
		gw_buf_printf(&rid, "%s#%zu.%zu", id, ti + 1, r + 1);
		gw_buf_putc(&rid, '\0');
		if (!gw_buf_ok(&rid)) {
			gw_input_reject(in, id, t->rows[r].line, "out of memory");
			break;
		}
		snprintf(row, sizeof row, "%zu", r + 1);
		for (size_t c = 0; c < t->ncols; c++)
			add(&fs, names[c], t->rows[r].cells[c]);
		add(&fs, "_type", "record");
		add(&fs, "_notice", id);
		add(&fs, "_notice_title", n->part[GW_NP_TITLE] ? n->part[GW_NP_TITLE] : none);
		add(&fs, "_number", n->part[GW_NP_NUMBER]);
		add(&fs, "_date", n->part[GW_NP_DATE]);
		/* indexed: searching the notice's number finds its rows, as it
		 * finds its attachments' (gw_attach.h) */
		add(&fs, "notice_number", n->part[GW_NP_NUMBER]);
		add(&fs, "_table", t->caption);
		add(&fs, "_row", row);
		deliver(in, (const char *)rid.p, &fs, id, 0);
	}
	gw_buf_free(&rid);
	free(names);
}

void gw_input_notice(gw_input *in, const char *id, const gw_notice *n)
{
	static const char *const names[GW_NP_COUNT] = GW_NOTICE_FIELD_NAMES;
	fields fs = {0};

	for (size_t i = 0; i < n->nnotes; i++)
		gw_input_warn(in, id, n->notes[i].line, "%s", n->notes[i].msg);
	for (int p = 0; p < GW_NP_COUNT; p++)
		add(&fs, names[p], n->part[p]);
	add(&fs, "_type", "notice");
	deliver(in, id, &fs, id, 0);
	for (size_t t = 0; t < n->ntables; t++)
		deliver_records(in, id, n, t);
	if (in->attach)
		gw_attach_note(in->attach, id, n);
}
