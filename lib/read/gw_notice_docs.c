/* gw_notice_docs: a parsed notice (gw_notice.h) becomes documents: the notice,
 * and one record per table row (see gw_input_notice in gw_input.h). Shared by
 * the .txt and .html readers.
 *
 * Field names that start with '_' are stored but not indexed (gw_index.h):
 * the links from a record to its notice would otherwise make every record
 * match the words of its notice's title. */
#include <stdio.h>
#include <string.h>

#include "base/gw_buf.h"
#include "notice/gw_notice.h"
#include "read/gw_input.h"

#define MAX_FIELDS 64

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

static void deliver(gw_input *in, const char *id, const fields *fs, const char *file)
{
	gw_doc d = {id, strlen(id), fs->f, fs->n};

	gw_input_deliver(in, &d, file, 0);
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

/* Column names for the fields of a record: the header, with a repeated name
 * made unique ("名称 2") since a document cannot have a field twice. A long
 * name is cut at a character boundary (snprintf cut one in two, and the
 * index got invalid UTF-8 as a field name), leaving room for the " N",
 * which snprintf used to cut off too, leaving the name repeated. */
static void column_names(const gw_table *t, char names[][128], size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		int dup = 1, len = (int)cut_len(t->header[c], 128 - 16);
		snprintf(names[c], 128, "%.*s", len, t->header[c]);
		for (size_t k = 0; k < c; k++)
			if (strcmp(names[k], names[c]) == 0) {
				snprintf(names[c], 128, "%.*s %d", len, t->header[c], ++dup);
				k = (size_t)-1; /* check the new name against all again */
			}
	}
}

static void deliver_records(gw_input *in, const char *id, const gw_notice *n, size_t ti)
{
	static const char *const none = "";
	const gw_table *t = &n->tables[ti];
	size_t ncols = t->ncols < MAX_FIELDS - 8 ? t->ncols : MAX_FIELDS - 8;
	char names[MAX_FIELDS][128], rid[600], row[24];

	column_names(t, names, ncols);
	for (size_t r = 0; r < t->nrows; r++) {
		fields fs = {0};
		snprintf(rid, sizeof rid, "%s#%zu.%zu", id, ti + 1, r + 1);
		snprintf(row, sizeof row, "%zu", r + 1);
		for (size_t c = 0; c < ncols; c++)
			add(&fs, names[c], t->rows[r].cells[c]);
		add(&fs, "_type", "record");
		add(&fs, "_notice", id);
		add(&fs, "_notice_title", n->part[GW_NP_TITLE] ? n->part[GW_NP_TITLE] : none);
		add(&fs, "_number", n->part[GW_NP_NUMBER]);
		add(&fs, "_date", n->part[GW_NP_DATE]);
		add(&fs, "_table", t->caption);
		add(&fs, "_row", row);
		deliver(in, rid, &fs, id);
	}
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
	deliver(in, id, &fs, id);
	for (size_t t = 0; t < n->ntables; t++)
		deliver_records(in, id, n, t);
}
