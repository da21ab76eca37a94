/* test_csv: the CSV/TSV record reader (lib/read/gw_csv.c) and the indexer's CSV
 * reader on top of it (lib/read/gw_csv_records.c).
 *
 * Reader cases are a table of input -> every record the reader gives, as
 * one string "LINE:field|field;..." with broken records as
 * "E LINE:COLUMN msg", so quoting, BOM, CRLF, line numbers after embedded
 * line breaks and resynchronisation after an error are checked exactly.
 * The indexer cases record every document as "id{name=value}..." and
 * every report as "file:line: msg", as test_input.c does, and read the
 * bundled corpus/records-2023.csv (tests run from the repository root). */
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "read/gw_csv.h"
#include "gw_test.h"
#include "../indexer/indexer.h"

#define BOM "\xEF\xBB\xBF"

/* ---- the reader ----------------------------------------------------------- */

/* Appends f to b with line breaks shown as \n and \r. */
static void put_field(gw_buf *b, const gw_csv_field *f)
{
	for (size_t i = 0; i < f->len; i++) {
		if (f->val[i] == '\n')
			gw_buf_puts(b, "\\n");
		else if (f->val[i] == '\r')
			gw_buf_puts(b, "\\r");
		else
			gw_buf_putc(b, f->val[i]);
	}
}

/* Reads all of s and returns what the reader gave (static storage). */
static const char *read_all(const char *s, int delim)
{
	static char out[2048];
	gw_buf b = GW_BUF_INIT;
	gw_csv r;
	gw_err err;
	int got;

	gw_csv_init(&r, s, strlen(s), delim);
	for (int guard = 0; guard < 100; guard++) {
		gw_err_clear(&err);
		if (gw_csv_next(&r, &got, &err) != GW_OK) {
			gw_buf_printf(&b, "%sE %ld:%zu %s", b.len ? ";" : "", r.err_line, r.err_col,
			              err.msg);
			continue;
		}
		if (!got)
			break;
		gw_buf_printf(&b, "%s%ld:", b.len ? ";" : "", r.line);
		for (size_t i = 0; i < r.nfields; i++) {
			if (i)
				gw_buf_putc(&b, '|');
			put_field(&b, &r.fields[i]);
		}
	}
	gw_buf_putc(&b, '\0');
	snprintf(out, sizeof out, "%s", gw_buf_ok(&b) ? (char *)b.p : "(oom)");
	gw_buf_free(&b);
	gw_csv_free(&r);
	return out;
}

static const struct {
	const char *in;
	int delim;
	const char *want;
} reader_cases[] = {
    {"a,b,c\n1,2,3\n", ',', "1:a|b|c;2:1|2|3"},
    {"", ',', ""},
    {BOM, ',', ""},
    {"\n\n", ',', ""},
    /* a BOM, CRLF, no line break at the end */
    {BOM "名称,城市\r\n甲,南京\r\n乙,苏州", ',', "1:名称|城市;2:甲|南京;3:乙|苏州"},
    /* quotes: the delimiter, "" for a quote, an empty quoted field */
    {"x,\"a,b\",\"say \"\"hi\"\"\",\"\"\n", ',', "1:x|a,b|say \"hi\"|"},
    /* an embedded line break: the next record starts two lines on */
    {"id,note\n1,\"line one\nline two\"\n2,after\n", ',', "1:id|note;2:1|line one\\nline two;4:2|after"},
    {"id,note\r\n1,\"a\r\nb\r\nc\"\r\n2,d\r\n", ',', "1:id|note;2:1|a\\r\\nb\\r\\nc;5:2|d"},
    /* empty fields and empty lines */
    {"a,,\n,b,\n", ',', "1:a||;2:|b|"},
    {"a\n\n\nb\n", ',', "1:a;4:b"},
    {"a,b\rc,d\r", ',', "1:a|b;2:c|d"},
    /* spaces around quotes are forgiven; elsewhere they are data */
    {"a, \"b\" , c \n", ',', "1:a|b| c "},
    /* TSV: commas are data, tabs in quotes too */
    {"名称\t城市\n\"甲\t乙\"\t上海,浦东\n", '\t', "1:名称|城市;2:甲\t乙|上海,浦东"},
    /* broken records: reported with line and byte column, then the next
     * line is read as usual */
    {"a,b\n1,x\"y,2\n3,4\n", ',',
     "1:a|b;E 2:4 quote inside an unquoted field at column 4;3:3|4"},
    {"a,b\n1,\"open\n2,x\n3,y\n", ',',
     "1:a|b;E 2:3 unterminated quoted field starting at column 3;3:2|x;4:3|y"},
    {"\"a\"b,c\n1,2\n", ',',
     "E 1:4 unexpected character after a closing quote at column 4;2:1|2"},
    {"\"a\nb\"x,1\n2,3\n", ',',
     "E 2:3 unexpected character after a closing quote at column 3;3:2|3"},
    {BOM "a\"b\nc\n", ',', "E 1:2 quote inside an unquoted field at column 2;2:c"},
    {"a,b\n1,\"never closed", ',',
     "1:a|b;E 2:3 unterminated quoted field starting at column 3"},
    {"\xE5\x90\x8D,\xE5\x90\x8D\"\n", ',',
     "E 1:8 quote inside an unquoted field at column 8"},
};

static void test_reader_table(void)
{
	for (size_t i = 0; i < sizeof reader_cases / sizeof reader_cases[0]; i++) {
		const char *got = read_all(reader_cases[i].in, reader_cases[i].delim);
		if (strcmp(got, reader_cases[i].want) != 0)
			fprintf(stderr, "  case %zu:\n", i);
		CHECK_STR(got, reader_cases[i].want);
	}
}

/* Fields hold NULs and lengths count them; values are NUL-terminated. */
static void test_reader_fields(void)
{
	static const char in[] = "a\0b,\"c\"\"\"\n";
	gw_csv r;
	gw_err err;
	int got = 0;

	gw_err_clear(&err);
	gw_csv_init(&r, in, sizeof in - 1, ',');
	CHECK(gw_csv_next(&r, &got, &err) == GW_OK && got == 1);
	CHECK(r.nfields == 2);
	if (r.nfields == 2) {
		CHECK(r.fields[0].len == 3 && memcmp(r.fields[0].val, "a\0b", 3) == 0);
		CHECK(r.fields[1].len == 2 && strcmp(r.fields[1].val, "c\"") == 0);
	}
	CHECK(gw_csv_next(&r, &got, &err) == GW_OK && got == 0);
	CHECK(gw_csv_next(&r, &got, &err) == GW_OK && got == 0);
	gw_csv_free(&r);
	gw_csv_free(&r);
}

/* ---- the indexer's reader ------------------------------------------------- */

#define MAXREC 32

typedef struct rec {
	char *docs[MAXREC]; /* "id{name=val}..." */
	long lines[MAXREC];
	size_t ndocs;
	char *msgs[MAXREC]; /* "file:line: msg" */
	size_t nmsgs;
} rec;

static char *buf_str(gw_buf *b)
{
	char *s;

	gw_buf_putc(b, '\0');
	s = strdup(gw_buf_ok(b) ? (char *)b->p : "(oom)");
	gw_buf_free(b);
	return s;
}

static gw_rc record_doc(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	rec *r = ctx;
	gw_buf b = GW_BUF_INIT;

	(void)file;
	if (r->ndocs == MAXREC)
		return gw_err_set(err, GW_ENOMEM, 0, "test recorder full");
	gw_buf_append(&b, doc->id, doc->id_len);
	for (size_t i = 0; i < doc->nfields; i++) {
		gw_buf_putc(&b, '{');
		gw_buf_append(&b, doc->fields[i].name, doc->fields[i].name_len);
		gw_buf_putc(&b, '=');
		gw_buf_append(&b, doc->fields[i].val, doc->fields[i].val_len);
		gw_buf_putc(&b, '}');
	}
	r->lines[r->ndocs] = line;
	r->docs[r->ndocs++] = buf_str(&b);
	return GW_OK;
}

static void record_msg(void *ctx, const char *file, long line, const char *msg)
{
	rec *r = ctx;
	gw_buf b = GW_BUF_INIT;

	if (r->nmsgs == MAXREC)
		return;
	if (line > 0)
		gw_buf_printf(&b, "%s:%ld: %s", file, line, msg);
	else
		gw_buf_printf(&b, "%s: %s", file, msg);
	r->msgs[r->nmsgs++] = buf_str(&b);
}

static void rec_free(rec *r)
{
	for (size_t i = 0; i < r->ndocs; i++)
		free(r->docs[i]);
	for (size_t i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	memset(r, 0, sizeof *r);
}

/* Runs the CSV reader on text; fills r and returns the rejections. */
static size_t run_csv(rec *r, const char *text, int delim, const char *id_column)
{
	gw_input in;

	memset(r, 0, sizeof *r);
	gw_input_init(&in, record_doc, r, record_msg, r);
	in.id_column = id_column;
	gw_input_csv_mem(&in, "r.csv", text, strlen(text), delim, id_column);
	return in.nrejected;
}

static void test_input_rows(void)
{
	rec r;

	CHECK(run_csv(&r, BOM "序号,名称,城市\r\n1,甲,南京\r\n2,,苏州\r\n,,\r\n3, 丙 ,\r\n", ',', NULL) == 0);
	CHECK(r.ndocs == 3 && r.nmsgs == 0);
	CHECK_STR(r.docs[0], "r.csv#1{序号=1}{名称=甲}{城市=南京}{_type=record}{_row=1}");
	CHECK_STR(r.docs[1], "r.csv#2{序号=2}{城市=苏州}{_type=record}{_row=2}");
	/* the row of empty cells is row 3, skipped; cells are trimmed */
	CHECK_STR(r.docs[2], "r.csv#4{序号=3}{名称=丙}{_type=record}{_row=4}");
	CHECK(r.lines[0] == 2 && r.lines[1] == 3 && r.lines[2] == 5);
	rec_free(&r);
}

static void test_input_id_column(void)
{
	rec r;

	CHECK(run_csv(&r, "code,name\nA1,甲\n,乙\nA3,丙\n", ',', "code") == 1);
	CHECK(r.ndocs == 2 && r.nmsgs == 1);
	CHECK_STR(r.docs[0], "A1{code=A1}{name=甲}{_type=record}{_row=1}");
	CHECK_STR(r.docs[1], "A3{code=A3}{name=丙}{_type=record}{_row=3}");
	CHECK_STR(r.msgs[0], "r.csv:3: row 2: empty id in column 'code'");
	rec_free(&r);

	CHECK(run_csv(&r, "code,name\nA1,甲\n", ',', "编号") == 1);
	CHECK(r.ndocs == 0 && r.nmsgs == 1);
	CHECK_STR(r.msgs[0], "r.csv:1: no column '编号' for --id-column in the header");
	rec_free(&r);
}

static void test_input_ragged(void)
{
	rec r;

	CHECK(run_csv(&r, "a,b\n1,2,3\n4\n5,6,,\n", ',', NULL) == 0);
	CHECK(r.ndocs == 3 && r.nmsgs == 1);
	CHECK_STR(r.docs[0], "r.csv#1{a=1}{b=2}{_type=record}{_row=1}");
	CHECK_STR(r.docs[1], "r.csv#2{a=4}{_type=record}{_row=2}");
	/* extra cells that are empty are dropped without a word */
	CHECK_STR(r.docs[2], "r.csv#3{a=5}{b=6}{_type=record}{_row=3}");
	CHECK_STR(r.msgs[0], "r.csv:2: warning: row 1: 3 cells for 2 columns; extra cells dropped");
	rec_free(&r);
}

static void test_input_broken(void)
{
	rec r;

	CHECK(run_csv(&r, "a,b\n1,x\"y\n2,\"ok\nstill\"\n3,\"open\n4,z\n", ',', NULL) == 2);
	CHECK(r.ndocs == 2 && r.nmsgs == 2);
	CHECK_STR(r.msgs[0], "r.csv:2: row 1: invalid CSV: quote inside an unquoted field at column 4");
	CHECK_STR(r.docs[0], "r.csv#2{a=2}{b=ok\nstill}{_type=record}{_row=2}");
	CHECK(r.lines[0] == 3);
	CHECK_STR(r.msgs[1],
	          "r.csv:5: row 3: invalid CSV: unterminated quoted field starting at column 3");
	CHECK_STR(r.docs[1], "r.csv#4{a=4}{b=z}{_type=record}{_row=4}");
	CHECK(r.lines[1] == 6);
	rec_free(&r);

	CHECK(run_csv(&r, "a,\"b\nc\n", ',', NULL) == 1);
	CHECK(r.ndocs == 0 && r.nmsgs == 1);
	CHECK_STR(r.msgs[0],
	          "r.csv:1: invalid CSV in the header row: unterminated quoted field starting at "
	          "column 3");
	rec_free(&r);

	CHECK(run_csv(&r, BOM "\r\n", ',', NULL) == 1);
	CHECK(r.nmsgs == 1);
	CHECK_STR(r.msgs[0], "r.csv: empty file: no header row");
	rec_free(&r);
}

static void test_input_header_names(void)
{
	rec r;

	CHECK(run_csv(&r, "名称\t名称\t\t名称 2\n甲\t乙\t丙\t丁\n", '\t', NULL) == 0);
	CHECK(r.ndocs == 1);
	CHECK_STR(r.docs[0],
	          "r.csv#1{名称=甲}{名称 2=乙}{column 3=丙}{名称 2 2=丁}{_type=record}{_row=1}");
	rec_free(&r);
}

/* The bundled file, through the walk's dispatch by extension. */
static void test_corpus_file(void)
{
	rec r;
	gw_input in;

	memset(&r, 0, sizeof r);
	gw_input_init(&in, record_doc, &r, record_msg, &r);
	in.id_column = NULL;
	gw_input_path(&in, "corpus/records-2023.csv");
	CHECK(in.nrejected == 0 && r.nmsgs == 0);
	CHECK(r.ndocs == 8);
	if (r.ndocs == 8) {
		CHECK_STR(r.docs[0], "corpus/records-2023.csv#1{序号=1}{单位名称=南京江北新区生物医药孵化器}"
		                     "{所在城市=南京}{类别=综合孵化器}{运营主体=南京江北新区科技投资集团有限公司}"
		                     "{_type=record}{_row=1}");
		CHECK(strstr(r.docs[2], "{运营主体=常州石墨烯产业园管理有限公司,常州市武进区科技局}"));
		CHECK(strstr(r.docs[3], "{备注=2023年新增孵化面积1.2万平方米\n在孵企业56家}"));
		CHECK(strstr(r.docs[6], "{备注=原名\"徐州矿山装备孵化基地\"}"));
		CHECK(r.lines[0] == 2 && r.lines[3] == 5 && r.lines[4] == 7 && r.lines[7] == 10);
	}
	rec_free(&r);

	memset(&r, 0, sizeof r);
	gw_input_init(&in, record_doc, &r, record_msg, &r);
	in.id_column = "序号";
	gw_input_path(&in, "corpus/records-2023.csv");
	CHECK(r.ndocs == 8 && in.nrejected == 0);
	CHECK(r.ndocs == 8 && strncmp(r.docs[7], "8{序号=8}", strlen("8{序号=8}")) == 0);
	rec_free(&r);
}

int main(void)
{
	RUN(test_reader_table);
	RUN(test_reader_fields);
	RUN(test_input_rows);
	RUN(test_input_id_column);
	RUN(test_input_ragged);
	RUN(test_input_broken);
	RUN(test_input_header_names);
	RUN(test_corpus_file);
	return TEST_EXIT();
}
