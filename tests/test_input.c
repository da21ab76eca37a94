/* test_input: the readers of gongwen-index (indexer/walk.c, lib/read/gw_txt.c,
 * gw_jsonl.c) and lib/base/gw_path, without an index: a recording sink turns
 * every document into one line of text ("id{field=value}...") and every
 * report into "file:line: message", and the tests compare those with tables
 * of expected output. The directory walk runs on a tree made with mkdtemp
 * under /tmp and removed at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/gw_buf.h"
#include "base/gw_path.h"
#include "gw_test.h"
#include "base/gw_limits.h"
#include "notice/gw_notice.h"
#include "../indexer/indexer.h"

#define U3000 "\xE3\x80\x80" /* IDEOGRAPHIC SPACE */
#define BOM GW_UTF8_BOM
#define MAXREC 32

/* What the readers produced. */
typedef struct rec {
	char *docs[MAXREC];  /* "id{name=val}{name=val}" */
	char *where[MAXREC]; /* "file:line" handed to the sink */
	size_t ndocs;
	char *msgs[MAXREC];  /* "file:line: msg" or "file: msg" */
	size_t nmsgs;
	const char *refuse;  /* the sink refuses this id, if not NULL */
} rec;

static char *buf_str(gw_buf *b)
{
	char *s;

	gw_buf_putc(b, '\0');
	s = strdup(gw_buf_ok(b) ? (char *)b->p : "(oom)");
	gw_buf_free(b);
	return s;
}

static char *where_str(const char *file, long line)
{
	gw_buf b = GW_BUF_INIT;

	if (line > 0)
		gw_buf_printf(&b, "%s:%ld", file, line);
	else
		gw_buf_puts(&b, file);
	return buf_str(&b);
}

static gw_rc record_doc(void *ctx, const gw_doc *doc, const char *file,
                        long line, gw_err *err)
{
	rec *r = ctx;
	gw_buf b = GW_BUF_INIT;
	size_t i;

	if (r->refuse && strlen(r->refuse) == doc->id_len &&
	    memcmp(r->refuse, doc->id, doc->id_len) == 0)
		return gw_err_set(err, GW_EINVAL, 0, "refused by the test sink");
	if (r->ndocs == MAXREC)
		return gw_err_set(err, GW_ENOMEM, 0, "test recorder full");
	gw_buf_append(&b, doc->id, doc->id_len);
	for (i = 0; i < doc->nfields; i++) {
		const gw_field *f = &doc->fields[i];
		gw_buf_putc(&b, '{');
		gw_buf_append(&b, f->name, f->name_len);
		gw_buf_putc(&b, '=');
		gw_buf_append(&b, f->val, f->val_len);
		gw_buf_putc(&b, '}');
	}
	r->where[r->ndocs] = where_str(file, line);
	r->docs[r->ndocs++] = buf_str(&b);
	return GW_OK;
}

static void record_msg(void *ctx, const char *file, long line, const char *msg)
{
	rec *r = ctx;
	gw_buf b = GW_BUF_INIT;
	char *w = where_str(file, line);

	if (r->nmsgs == MAXREC)
		return;
	gw_buf_printf(&b, "%s: %s", w, msg);
	free(w);
	r->msgs[r->nmsgs++] = buf_str(&b);
}

static void rec_init(rec *r, gw_input *in)
{
	memset(r, 0, sizeof *r);
	gw_input_init(in, record_doc, r, record_msg, r);
}

static void rec_free(rec *r)
{
	size_t i;

	for (i = 0; i < r->ndocs; i++) {
		free(r->docs[i]);
		free(r->where[i]);
	}
	for (i = 0; i < r->nmsgs; i++)
		free(r->msgs[i]);
	memset(r, 0, sizeof *r);
}

static char tmp[64]; /* the temporary directory of the walk tests */

/* s with every '@' replaced by the temporary directory's name. */
static char *with_tmp(const char *s)
{
	gw_buf b = GW_BUF_INIT;

	for (; *s; s++)
		if (*s == '@')
			gw_buf_puts(&b, tmp);
		else
			gw_buf_putc(&b, *s);
	return buf_str(&b);
}

/* Checks the recorded strings got[0..n) against the NULL-terminated list
 * want, in which '@' stands for the temporary directory. */
static void check_list(char **got, size_t n, const char *const *want)
{
	size_t k;

	for (k = 0; want[k] && k < n; k++) {
		char *w = with_tmp(want[k]);
		CHECK_STR(got[k], w);
		free(w);
	}
	CHECK(k == n && want[k] == NULL);
}

/* ---- .txt notices ---- */

static const struct txt_case {
	const char *text, *want;
} txt_cases[] = {
	/* The notice parser keeps body lines trimmed, joined by '\n'; a
	 * notice is marked _type=notice (records come from its tables). */
	{"標題\n正文\n", "t.txt{title=標題}{body=正文}{_type=notice}"},
	{"\n\n \t\n標題\n正文", "t.txt{title=標題}{body=正文}{_type=notice}"},
	{BOM "標題\n正文", "t.txt{title=標題}{body=正文}{_type=notice}"},
	{"標題\r\n正文一\r\n正文二\r\n", "t.txt{title=標題}{body=正文一\n正文二}{_type=notice}"},
	{U3000 U3000 "關于眾創空間的通知" U3000 "\n" U3000 U3000 "正文",
	 "t.txt{title=關于眾創空間的通知}{body=正文}{kind=通知}{_type=notice}"},
	{BOM "\r\n" U3000 "\r\n  國科發區〔2020〕73號 \r\n\r\n正文\r\n",
	 "t.txt{title=國科發區〔2020〕73號}{number=國科發區〔2020〕73號}{body=正文}{_type=notice}"},
	{"only a title", "t.txt{title=only a title}{_type=notice}"},
	{"  A  B  \n", "t.txt{title=A  B}{_type=notice}"},
	{"T\n\n  indented body  \n", "t.txt{title=T}{body=indented body}{_type=notice}"},
};

static void test_txt_split(void)
{
	size_t i;

	for (i = 0; i < sizeof txt_cases / sizeof txt_cases[0]; i++) {
		gw_input in;
		rec r;

		rec_init(&r, &in);
		gw_input_txt_mem(&in, "t.txt", txt_cases[i].text,
		                 strlen(txt_cases[i].text));
		CHECK(r.ndocs == 1 && r.nmsgs == 0);
		if (r.ndocs == 1) {
			CHECK_STR(r.docs[0], txt_cases[i].want);
			CHECK_STR(r.where[0], "t.txt");
		}
		CHECK(in.ndocs == 1 && in.nrejected == 0);
		rec_free(&r);
	}
}

static void test_txt_empty(void)
{
	static const char *const empties[] = {
	    "", "\n\n", BOM, BOM " \r\n" U3000 "\t\n" U3000,
	};
	size_t i;

	for (i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		gw_input in;
		rec r;

		rec_init(&r, &in);
		gw_input_txt_mem(&in, "dir/e.txt", empties[i], strlen(empties[i]));
		CHECK(r.ndocs == 0 && r.nmsgs == 1);
		if (r.nmsgs == 1)
			CHECK_STR(r.msgs[0], "dir/e.txt: empty document");
		CHECK(in.ndocs == 0 && in.nrejected == 1);
		rec_free(&r);
	}
}

/* gw_input_txt reads the whole stream and counts its bytes. */
static void test_txt_stream(void)
{
	static char text[] = BOM "\n標題\n正文\n";
	FILE *fp = fmemopen(text, strlen(text), "r");
	gw_input in;
	rec r;

	CHECK(fp != NULL);
	if (!fp)
		return;
	rec_init(&r, &in);
	gw_input_txt(&in, "s.txt", fp);
	fclose(fp);
	CHECK(r.ndocs == 1 && r.nmsgs == 0);
	if (r.ndocs == 1)
		CHECK_STR(r.docs[0], "s.txt{title=標題}{body=正文}{_type=notice}");
	CHECK(in.nbytes == strlen(text));
	rec_free(&r);
}

/* ---- JSON Lines ---- */

/* Runs the JSON Lines reader on text as if it were the file name. */
static void read_jsonl(gw_input *in, const char *name, const char *text)
{
	char *copy = strdup(text);
	FILE *fp = copy ? fmemopen(copy, strlen(copy), "r") : NULL;

	CHECK(fp != NULL);
	if (fp) {
		gw_input_jsonl(in, name, fp);
		fclose(fp);
	}
	free(copy);
}

static void test_jsonl(void)
{
	static const char text[] =
	    "{\"id\":\"a\",\"title\":\"標題\",\"body\":\"正文\",\"source\":\"gov\"}\n"
	    "\n"
	    "   \t\r\n"
	    "{\"id\":42,\"title\":\"數字\",\"n\":7,\"tags\":[\"x\"],\"ok\":true,"
	    "\"nil\":null,\"obj\":{\"k\":\"v\"}}\n"
	    "{\"title\":\"no id\"}\n"
	    "{\"id\":\"b\", \"title\": \"broken\" \"body\": \"x\"}\n"
	    "{\"id\":\"c\",\"body\":\"after the bad line\"}\r\n"
	    "{\"id\":null,\"title\":\"null id\"}\n"
	    "{\"id\":\"\"}\n"
	    "{\"id\":\"d\",\"省份\":\"江蘇\",\"esc\":\"a\\\"b\\u4e2d\"}";
	static const char *const docs[] = {
	    "a{title=標題}{body=正文}{source=gov}", "42{title=數字}",
	    "c{body=after the bad line}", "d{省份=江蘇}{esc=a\"b中}", NULL};
	static const char *const where[] = {"data.jsonl:1", "data.jsonl:4",
	                                    "data.jsonl:7", "data.jsonl:10", NULL};
	static const char *const msgs[] = {
	    "data.jsonl:5: missing \"id\"",
	    "data.jsonl:6: invalid JSON: expected ',' or '}' at byte 29",
	    "data.jsonl:8: \"id\" is not a string or a number",
	    "data.jsonl:9: empty \"id\"", NULL};
	gw_input in;
	rec r;

	rec_init(&r, &in);
	read_jsonl(&in, "data.jsonl", text);
	check_list(r.docs, r.ndocs, docs);
	check_list(r.where, r.ndocs, where);
	check_list(r.msgs, r.nmsgs, msgs);
	CHECK(in.ndocs == 4 && in.nrejected == 4);
	CHECK(in.nbytes == strlen(text));
	rec_free(&r);
}

static void test_jsonl_bom_and_empty(void)
{
	static const char *const docs[] = {"x{title=t}", NULL};
	gw_input in;
	rec r;

	rec_init(&r, &in);
	read_jsonl(&in, "b.jsonl", BOM "{\"id\":\"x\",\"title\":\"t\"}\n\n");
	read_jsonl(&in, "empty.jsonl", "");
	read_jsonl(&in, "blank.jsonl", "\n \n\r\n");
	check_list(r.docs, r.ndocs, docs);
	CHECK(r.nmsgs == 0 && in.nrejected == 0);
	rec_free(&r);
}

/* A line far longer than any fixed buffer arrives whole. */
static void test_jsonl_long_line(void)
{
	size_t n = 300000, i;
	gw_buf b = GW_BUF_INIT;
	gw_input in;
	rec r;

	gw_buf_puts(&b, "{\"id\":\"long\",\"body\":\"");
	for (i = 0; i < n / 3; i++)
		gw_buf_puts(&b, "眾");
	gw_buf_puts(&b, "\"}\n");
	gw_buf_putc(&b, '\0');
	CHECK(gw_buf_ok(&b));
	rec_init(&r, &in);
	read_jsonl(&in, "long.jsonl", (const char *)b.p);
	CHECK(r.ndocs == 1 && r.nmsgs == 0);
	if (r.ndocs == 1)
		CHECK(strlen(r.docs[0]) == strlen("long{body=}") + n);
	rec_free(&r);
	gw_buf_free(&b);
}

/* An error from the sink (gw_index_put in the program) names file:line
 * and does not stop the lines after it. */
static void test_sink_error(void)
{
	static const char *const docs[] = {"1", "3", NULL};
	static const char *const msgs[] = {
	    "r.jsonl:2: refused by the test sink", NULL};
	gw_input in;
	rec r;

	rec_init(&r, &in);
	r.refuse = "2";
	read_jsonl(&in, "r.jsonl", "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
	check_list(r.docs, r.ndocs, docs);
	check_list(r.msgs, r.nmsgs, msgs);
	CHECK(in.ndocs == 2 && in.nrejected == 1);
	rec_free(&r);
}

/* ---- paths ---- */

static void test_path_normalize(void)
{
	static const char *const cases[][2] = {
	    {"a//b", "a/b"},
	    {"./a", "a"},
	    {"././a//b/", "a/b/"},
	    {".//a", "a"},
	    {"./", "."},
	    {".", "."},
	    {"/tmp//x", "/tmp/x"},
	    {"a/./b", "a/./b"},
	    {"../a", "../a"},
	    {"", ""},
	    {".hidden/x", ".hidden/x"},
	    {"corpus/", "corpus/"},
	    {"corpus//x.txt", "corpus/x.txt"},
	    {"///", "/"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64];
		size_t n;

		strcpy(buf, cases[i][0]);
		n = gw_path_normalize(buf);
		CHECK_STR(buf, cases[i][1]);
		CHECK(n == strlen(cases[i][1]));
	}
}

/* Sets (val != NULL) or unsets an environment variable. */
static void set_env(const char *name, const char *val)
{
	if (val)
		setenv(name, val, 1);
	else
		unsetenv(name);
}

static void test_default_index_path(void)
{
	static const struct {
		const char *gw, *xdg, *home, *want;
	} cases[] = {
	    {"/x/idx", "/data", "/home/u", "/x/idx"},
	    {"", "/data", "/home/u", "/data/gongwen/index"},
	    {NULL, "/data", NULL, "/data/gongwen/index"},
	    {NULL, "relative", "/home/u", "/home/u/.local/share/gongwen/index"},
	    {NULL, "", "/home/u", "/home/u/.local/share/gongwen/index"},
	    {NULL, NULL, "/home/u", "/home/u/.local/share/gongwen/index"},
	    {NULL, NULL, "", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	static const char *const names[] = {"GONGWEN_INDEX", "XDG_DATA_HOME", "HOME"};
	char *saved[3];
	gw_buf b = GW_BUF_INIT;
	size_t i;

	for (i = 0; i < 3; i++)
		saved[i] = getenv(names[i]) ? strdup(getenv(names[i])) : NULL;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got;

		set_env("GONGWEN_INDEX", cases[i].gw);
		set_env("XDG_DATA_HOME", cases[i].xdg);
		set_env("HOME", cases[i].home);
		got = gw_default_index_path(&b);
		if (cases[i].want)
			CHECK_STR(got, cases[i].want);
		else
			CHECK(got == NULL);
	}
	for (i = 0; i < 3; i++) {
		set_env(names[i], saved[i]);
		free(saved[i]);
	}
	gw_buf_free(&b);
}

/* ---- the walk, on a temporary tree ---- */

/* The tree, created in order and removed in reverse. A NULL text makes a
 * directory; a text starting with "->" makes a symbolic link to the rest. */
static const struct node {
	const char *path, *text;
} tree[] = {
	{"b.txt", "B title\nB body\n"},
	{"a.jsonl", "{\"id\":\"j1\",\"title\":\"x\"}\n{\"id\":\"j2\"}\n"},
	{"Z.txt", "capital Z\n"},
	{".hidden.txt", "hidden file\n"},
	{".git", NULL},
	{".git/x.txt", "hidden directory\n"},
	{"sub", NULL},
	{"sub/c.txt", "C\n"},
	{"sub/deeper", NULL},
	{"sub/deeper/d.TXT", "D\n"},
	{"sub/readme.md", "not indexed\n"},
	{"notes.md", "not indexed\n"},
	{"empty.txt", ""},
	{"link", "->sub"},
	{"linkfile.txt", "->b.txt"},
};
#define NTREE (sizeof tree / sizeof tree[0])

static int make_node(const struct node *n)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", tmp, n->path);
	if (!n->text)
		return mkdir(path, 0700);
	if (strncmp(n->text, "->", 2) == 0)
		return symlink(n->text + 2, path);
	if (!(fp = fopen(path, "w")))
		return -1;
	fputs(n->text, fp);
	return fclose(fp);
}

static int make_tree(void)
{
	size_t i;

	strcpy(tmp, "/tmp/gw_test_input.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	for (i = 0; i < NTREE; i++)
		if (make_node(&tree[i]) != 0)
			return -1;
	return 0;
}

static void remove_tree(void)
{
	size_t i = NTREE;
	char path[256];

	while (i-- > 0) {
		snprintf(path, sizeof path, "%s/%s", tmp, tree[i].path);
		if (tree[i].text)
			unlink(path);
		else
			rmdir(path);
	}
	rmdir(tmp);
}

static void test_walk(void)
{
	/* A folder's notices first, then its tables and its subfolders
	 * (so that attachments follow their notice: read/gw_attach.h). */
	static const char *const docs[] = {
	    "@/Z.txt{title=capital Z}{_type=notice}",
	    "@/b.txt{title=B title}{body=B body}{_type=notice}",
	    "@/linkfile.txt{title=B title}{body=B body}{_type=notice}", "j1{title=x}", "j2",
	    "@/sub/c.txt{title=C}{_type=notice}", "@/sub/deeper/d.TXT{title=D}{_type=notice}",
	    NULL};
	static const char *const where[] = {
	    "@/Z.txt",      "@/b.txt",      "@/linkfile.txt",
	    "@/a.jsonl:1",  "@/a.jsonl:2",  "@/sub/c.txt",
	    "@/sub/deeper/d.TXT", NULL};
	static const char *const msgs[] = {"@/empty.txt: empty document", NULL};
	char *arg = with_tmp("@//");
	gw_input in;
	rec r;

	rec_init(&r, &in);
	gw_input_path(&in, arg);
	check_list(r.docs, r.ndocs, docs);
	check_list(r.where, r.ndocs, where);
	check_list(r.msgs, r.nmsgs, msgs);
	CHECK(in.ndocs == 7 && in.nrejected == 1);
	rec_free(&r);
	free(arg);
}

/* A file named directly gets the id the walk would give it; "./" and
 * repeated slashes do not change an id. */
static void test_walk_same_ids(void)
{
	static const char *const docs[] = {
	    "sub/c.txt{title=C}{_type=notice}",        "sub/c.txt{title=C}{_type=notice}",
	    "sub/c.txt{title=C}{_type=notice}",        "sub/deeper/d.TXT{title=D}{_type=notice}",
	    "sub/c.txt{title=C}{_type=notice}",        "sub/deeper/d.TXT{title=D}{_type=notice}",
	    NULL};
	char cwd[4096];
	gw_input in;
	rec r;

	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	CHECK(chdir(tmp) == 0);
	rec_init(&r, &in);
	gw_input_path(&in, "sub/c.txt");
	gw_input_path(&in, "./sub//c.txt");
	gw_input_path(&in, "./sub/");
	gw_input_path(&in, "sub");
	CHECK(chdir(cwd) == 0);
	check_list(r.docs, r.ndocs, docs);
	CHECK(r.nmsgs == 0);
	rec_free(&r);
}

static void test_path_errors(void)
{
	static const char *const msgs[] = {
	    "@/notes.md: unsupported file type (expected .txt, .html, .csv, .tsv, .jsonl, .docx, .xlsx or .ofd)",
	    "@/missing.txt: cannot open: No such file or directory",
	    "@/missing-dir/: cannot open: No such file or directory", NULL};
	static const char *const args[] = {"@/notes.md", "@/missing.txt",
	                                   "@/missing-dir/", NULL};
	gw_input in;
	rec r;
	size_t i;

	rec_init(&r, &in);
	for (i = 0; args[i]; i++) {
		char *a = with_tmp(args[i]);
		gw_input_path(&in, a);
		free(a);
	}
	check_list(r.msgs, r.nmsgs, msgs);
	CHECK(r.ndocs == 0 && in.nrejected == 3);
	rec_free(&r);
}

/* ---- binary files ---- */

static void test_binary(void)
{
	static const struct {
		const char *s;
		size_t n;
		int binary;
	} cases[] = {
	    {"关于推进集成电路领域的通知\n正文。", 0, 0},
	    {"plain ASCII\r\nwith CRLF and \x1b[1mESC\x1b[0m\n", 0, 0},
	    {"text\0with a NUL", 16, 1},
	    {"\x7f\x45\x4c\x46\x02\x01\x01\x03\x3e\x01\x40\x10\x90\x80\xff\xfe", 16, 1},
	    {"a few \xff bad \xfe bytes in a long enough line of text", 0, 0},
	    /* 关于推进 in GBK: invalid UTF-8, but text */
	    {"\xb9\xd8\xd3\xda\xcd\xc6\xbd\xf8\xb9\xd8\xd3\xda\xcd\xc6\xbd\xf8\n", 0, 0},
	    {"", 0, 0},
	};
	char block[GW_SNIFF_LEN + 2];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].s);
		if (gw_input_binary(cases[i].s, n) != cases[i].binary) {
			fprintf(stderr, "  case %zu: expected %d\n", i, cases[i].binary);
			gw_t_failed++;
		}
	}
	/* A character cut by the end of the sniffed block is not held against
	 * the text; a NUL after the block is not seen. */
	memset(block, 'a', sizeof block);
	memcpy(block + GW_SNIFF_LEN - 1, "\xe4\xb8\x80", 3);
	CHECK(gw_input_binary(block, GW_SNIFF_LEN + 2) == 0);
	block[GW_SNIFF_LEN + 1] = 0;
	CHECK(gw_input_binary(block, GW_SNIFF_LEN + 2) == 0);
}

/* ---- the limits of a notice's tables ---- */

typedef struct counts {
	size_t docs, msgs;
	char first_msg[512];
} counts;

static gw_rc count_doc(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	(void)doc, (void)file, (void)line, (void)err;
	((counts *)ctx)->docs++;
	return GW_OK;
}

static void count_msg(void *ctx, const char *file, long line, const char *msg)
{
	counts *c = ctx;

	if (c->msgs++ == 0)
		snprintf(c->first_msg, sizeof c->first_msg, "%s:%ld: %s", file, line, msg);
}

/* A notice titled "t" with one table of ncols x nrows cells "v", the
 * header "c0".."cN"; rows start on line 10. */
static void make_notice(gw_notice *n, size_t ncols, size_t nrows)
{
	gw_table *t;

	memset(n, 0, sizeof *n);
	n->part[GW_NP_TITLE] = strdup("t");
	n->tables = t = calloc(1, sizeof *t);
	n->ntables = 1;
	t->caption = strdup("");
	t->header = calloc(ncols, sizeof *t->header);
	t->ncols = ncols;
	t->line = 9;
	for (size_t c = 0; c < ncols; c++) {
		char name[32];
		snprintf(name, sizeof name, "c%zu", c);
		t->header[c] = strdup(name);
	}
	t->rows = calloc(nrows, sizeof *t->rows);
	t->nrows = nrows;
	for (size_t r = 0; r < nrows; r++) {
		t->rows[r].line = 10 + (long)r;
		t->rows[r].cells = calloc(ncols, sizeof *t->rows[r].cells);
		for (size_t c = 0; c < ncols; c++)
			t->rows[r].cells[c] = strdup("v");
	}
}

static void test_notice_table_limits(void)
{
	gw_input in;
	gw_notice n;
	counts c;

	memset(&c, 0, sizeof c);
	gw_input_init(&in, count_doc, &c, count_msg, &c);
	make_notice(&n, GW_TABLE_COLS_MAX + 1, 3);
	gw_input_notice(&in, "n.txt", &n);
	CHECK(c.docs == 1 && c.msgs == 1 && in.nrejected == 1);
	CHECK_STR(c.first_msg, "n.txt:9: table 1: 201 columns, more than GW_TABLE_COLS_MAX (200); "
	                       "its 3 rows give no records");
	gw_notice_free(&n);

	memset(&c, 0, sizeof c);
	gw_input_init(&in, count_doc, &c, count_msg, &c);
	make_notice(&n, 2, GW_TABLE_ROWS_MAX + 2);
	gw_input_notice(&in, "n.txt", &n);
	CHECK(c.docs == 1 + GW_TABLE_ROWS_MAX && c.msgs == 1 && in.nrejected == 1);
	CHECK_STR(c.first_msg, "n.txt:9: table 1: 100002 rows, more than GW_TABLE_ROWS_MAX (100000); "
	                       "the rows after row 100000 give no records");
	gw_notice_free(&n);

	memset(&c, 0, sizeof c);
	gw_input_init(&in, count_doc, &c, count_msg, &c);
	make_notice(&n, 2, 3);
	free(n.tables[0].rows[1].cells[1]);
	n.tables[0].rows[1].cells[1] = calloc(GW_CELL_MAX + 2, 1);
	memset(n.tables[0].rows[1].cells[1], 'x', GW_CELL_MAX + 1);
	gw_input_notice(&in, "n.txt", &n);
	CHECK(c.docs == 3 && c.msgs == 1 && in.nrejected == 1);
	CHECK_STR(c.first_msg, "n.txt:11: table 1 row 2: cell of column 'c1' is 65537 bytes, more "
	                       "than GW_CELL_MAX (65536)");
	gw_notice_free(&n);
}

int main(void)
{
	RUN(test_txt_split);
	RUN(test_txt_empty);
	RUN(test_txt_stream);
	RUN(test_jsonl);
	RUN(test_jsonl_bom_and_empty);
	RUN(test_jsonl_long_line);
	RUN(test_binary);
	RUN(test_notice_table_limits);
	RUN(test_sink_error);
	RUN(test_path_normalize);
	RUN(test_default_index_path);
	if (make_tree() != 0) {
		printf("FAIL make_tree (%s: %s)\n", tmp, strerror(errno));
		remove_tree();
		return 1;
	}
	RUN(test_walk);
	RUN(test_walk_same_ids);
	RUN(test_path_errors);
	remove_tree();
	return TEST_EXIT();
}
