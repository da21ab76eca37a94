/* gongwen_parse.c: gongwen_parse(data, format, name), the readers of
 * gongwen-index as a set-returning SQL function: a notice's fields and its
 * records (table rows), or the records of a CSV, TSV, XLSX or JSON Lines
 * file, one row each, so that one INSERT ... SELECT fills a table from
 * files (pg_read_binary_file) or from a column.
 *
 * The readers run first, into malloc'd memory of their own, with no
 * PostgreSQL call that could raise an error in between; only then are the
 * rows built. Problems with the input (a malformed JSON line, a damaged
 * archive) become WARNINGs naming the input and the line, as gongwen-index
 * reports them, and the rows that could be read are returned: one bad file
 * does not abort a statement over many. PDF is not read here: its reader
 * runs Poppler in a worker process, which a server backend should not fork. */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/tuplestore.h"

#include <stdio.h>

#include "base/gw_limits.h"
#include "read/gw_input.h"
#include "text/gw_utf8.h"

/* Warnings shown per call; the rest are counted. */
#define PARSE_WARNINGS_MAX 20

typedef struct collected {
	gw_buf docs;     /* each doc: its id, its field count, then name, value per field */
	size_t ndocs;
	gw_buf msgs;     /* "file[:line]: msg\0" each */
	size_t nmsgs;
	int oom;
} collected;

static void put_str(gw_buf *b, const char *s, size_t n)
{
	gw_buf_append(b, &n, sizeof n);
	gw_buf_append(b, s, n);
}

static gw_rc on_doc(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	collected *c = ctx;

	(void)file;
	(void)line;
	put_str(&c->docs, doc->id, doc->id_len);
	gw_buf_append(&c->docs, &doc->nfields, sizeof doc->nfields);
	for (size_t i = 0; i < doc->nfields; i++) {
		put_str(&c->docs, doc->fields[i].name, doc->fields[i].name_len);
		put_str(&c->docs, doc->fields[i].val, doc->fields[i].val_len);
	}
	if (!gw_buf_ok(&c->docs))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	c->ndocs++;
	return GW_OK;
}

static void on_report(void *ctx, const char *file, long line, const char *msg)
{
	collected *c = ctx;

	if (line > 0)
		gw_buf_printf(&c->msgs, "%s:%ld: %s", file, line, msg);
	else
		gw_buf_printf(&c->msgs, "%s: %s", file, msg);
	gw_buf_putc(&c->msgs, '\0');
	c->nmsgs++;
}

static const char *get_str(const char **p, size_t *n)
{
	const char *s;

	memcpy(n, *p, sizeof *n);
	s = *p + sizeof *n;
	*p = s + *n;
	return s;
}

/* Valid UTF-8 without NUL bytes (which text cannot hold), as a palloc'd
 * C string: invalid sequences and NULs become U+FFFD. */
static char *clean_text(const char *s, size_t n)
{
	gw_buf b = {0};
	StringInfoData out;

	gw_utf8_sanitize(&b, s, n, NULL);
	if (!gw_buf_ok(&b)) {
		gw_buf_free(&b);
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	initStringInfo(&out);
	for (size_t i = 0; i < b.len; i++) {
		if (b.p[i])
			appendStringInfoChar(&out, (char)b.p[i]);
		else
			appendStringInfoString(&out, "\xEF\xBF\xBD");
	}
	gw_buf_free(&b);
	return out.data;
}

static void read_input(gw_input *in, const char *format, const char *name, const char *p, size_t n)
{
	if (strcmp(format, "txt") == 0)
		gw_input_txt_mem(in, name, p, n);
	else if (strcmp(format, "html") == 0 || strcmp(format, "htm") == 0)
		gw_input_html_mem(in, name, p, n);
	else if (strcmp(format, "csv") == 0)
		gw_input_csv_mem(in, name, p, n, ',', NULL);
	else if (strcmp(format, "tsv") == 0)
		gw_input_csv_mem(in, name, p, n, '\t', NULL);
	else if (strcmp(format, "docx") == 0)
		gw_input_docx_mem(in, name, p, n);
	else if (strcmp(format, "ofd") == 0)
		gw_input_ofd_mem(in, name, p, n);
	else if (strcmp(format, "xlsx") == 0)
		gw_input_xlsx_mem(in, name, p, n, NULL);
	else if (strcmp(format, "jsonl") == 0) {
		FILE *fp = fmemopen((void *)(n ? p : ""), n ? n : 1, "r");
		if (!fp) {
			gw_input_reject(in, name, 0, "cannot read the input: out of memory");
			return;
		}
		if (n)
			gw_input_jsonl(in, name, fp);
		fclose(fp);
	}
}

static const char *const formats[] = {"txt", "html", "htm", "csv", "tsv", "docx", "ofd", "xlsx", "jsonl"};

/* The columns after id and type, from the fields of the same names. */
static const char *const columns[] = {"title", "number", "date", "kind", "body"};
#define NCOLUMNS 5

PG_FUNCTION_INFO_V1(gongwen_parse);
Datum gongwen_parse(PG_FUNCTION_ARGS)
{
	bytea *data = PG_GETARG_BYTEA_PP(0);
	char *format = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char *name = text_to_cstring(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	size_t n = VARSIZE_ANY_EXHDR(data);
	collected c = {{0}, 0, {0}, 0, 0};
	gw_input in;
	const char *p, *m;
	int known = 0;

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		known |= strcmp(format, formats[i]) == 0;
	if (!known)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("gongwen_parse: unknown format \"%s\"", format),
		                errhint("Formats: txt, html, csv, tsv, jsonl, docx, xlsx, ofd.")));
	if (n > GW_FILE_MAX && strcmp(format, "docx") && strcmp(format, "xlsx") && strcmp(format, "ofd"))
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
		                errmsg("gongwen_parse: %s: %zu bytes, more than GW_FILE_MAX (%d)",
		                       name, n, GW_FILE_MAX)));
	InitMaterializedSRF(fcinfo, 0);

	gw_input_init(&in, on_doc, &c, on_report, &c);
	read_input(&in, format, name, VARDATA_ANY(data), n);

	if (!gw_buf_ok(&c.docs) || !gw_buf_ok(&c.msgs)) {
		gw_buf_free(&c.docs);
		gw_buf_free(&c.msgs);
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
		                errmsg("gongwen_parse: %s: out of memory", name)));
	}
	m = (const char *)c.msgs.p;
	for (size_t i = 0; i < c.nmsgs; i++) {
		if (i < PARSE_WARNINGS_MAX)
			ereport(WARNING, (errmsg("gongwen_parse: %s", m)));
		m += strlen(m) + 1;
	}
	if (c.nmsgs > PARSE_WARNINGS_MAX)
		ereport(WARNING, (errmsg("gongwen_parse: %s: %zu more problems", name,
		                         c.nmsgs - PARSE_WARNINGS_MAX)));

	p = (const char *)c.docs.p;
	for (size_t d = 0; d < c.ndocs; d++) {
		Datum values[3 + NCOLUMNS];
		bool nulls[3 + NCOLUMNS + 1];
		StringInfoData json;
		size_t len, nfields;
		const char *s = get_str(&p, &len);

		memset(nulls, true, sizeof nulls);
		values[0] = CStringGetTextDatum(clean_text(s, len));
		nulls[0] = false;
		memcpy(&nfields, p, sizeof nfields);
		p += sizeof nfields;
		initStringInfo(&json);
		appendStringInfoChar(&json, '{');
		for (size_t f = 0; f < nfields; f++) {
			size_t nl, vl;
			const char *fname = get_str(&p, &nl);
			const char *val = get_str(&p, &vl);
			char *fn = clean_text(fname, nl), *v = clean_text(val, vl);

			if (strcmp(fn, "_type") == 0) {
				values[1] = CStringGetTextDatum(v);
				nulls[1] = false;
			}
			for (int k = 0; k < NCOLUMNS; k++)
				if (strcmp(fn, columns[k]) == 0) {
					values[2 + k] = CStringGetTextDatum(v);
					nulls[2 + k] = false;
				}
			if (f)
				appendStringInfoChar(&json, ',');
			escape_json(&json, fn);
			appendStringInfoChar(&json, ':');
			escape_json(&json, v);
		}
		appendStringInfoChar(&json, '}');
		values[2 + NCOLUMNS] = DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
		nulls[2 + NCOLUMNS] = false;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	gw_buf_free(&c.docs);
	gw_buf_free(&c.msgs);
	return (Datum)0;
}
