/* test_index: the index through its API: add, replace and delete by id,
 * batches, map growth, version checks, bad input, and search results. Every
 * change is followed by gw_index_check (the index must agree with itself). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/gw_store.h"
#include "gw_test_index.h"

static void test_add_and_search(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;
	uint64_t n = 0;
	gw_err err;

	gw_t_begin(ix);
	CHECK(gw_t_put(ix, "a", "科技部關于眾創空間的通知", "各省科技廳：請做好眾創空間備案。") == GW_OK);
	CHECK(gw_t_put(ix, "b", "关于集成电路的通知", "江苏省集成电路产业发展。") == GW_OK);
	CHECK(gw_t_put(ix, "c", "Notice", "indexing files on servers") == GW_OK);
	st = gw_t_commit(ix);
	CHECK(st.added == 3 && st.replaced == 0);
	gw_err_clear(&err);
	CHECK(gw_index_count(ix, &n, &err) == GW_OK && n == 3);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "众创空间", NULL), "a");
	CHECK_STR(gw_t_hits(ix, "眾創空間", NULL), "a");
	CHECK_STR(gw_t_hits(ix, "集成電路", NULL), "b");
	CHECK_STR(gw_t_hit_set(ix, "通知", NULL), "a b");
	CHECK_STR(gw_t_hits(ix, "file", NULL), "c");
	CHECK_STR(gw_t_hits(ix, "\"server\"", NULL), "");
	CHECK_STR(gw_t_hits(ix, "\"servers\"", NULL), "c");
	CHECK_STR(gw_t_hits(ix, "江苏 通知", NULL), "b");
	CHECK_STR(gw_t_hits(ix, "江苏 众创", NULL), "");
	gw_index_close(ix);
}

static void test_exact_substring(void)
{
	gw_index *ix = gw_t_open_new();

	gw_t_begin(ix);
	gw_t_put(ix, "punct", "t", "姓名，输入框");
	gw_t_put(ix, "adj", "t", "请在名输入框中");
	gw_t_put(ix, "line", "t", "姓名\n输入");
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	/* A bigram exists only where the two characters touch. */
	CHECK_STR(gw_t_hits(ix, "名输", NULL), "adj");
	CHECK_STR(gw_t_hits(ix, "名输入", NULL), "adj");
	CHECK_STR(gw_t_hit_set(ix, "输入框", NULL), "adj punct");
	CHECK_STR(gw_t_hit_set(ix, "名", NULL), "adj line punct");
	gw_index_close(ix);
}

/* A character's postings keep its positions at the ends of its runs only
 * (gw_char_position_kept); phrases and NEAR find it inside runs too. */
static void test_char_positions_in_runs(void)
{
	gw_index *ix = gw_t_open_new();

	gw_t_begin(ix);
	gw_t_put(ix, "run", "t", "江苏省科技厅");
	gw_t_put(ix, "apart", "t", "江 苏 省");
	gw_t_put(ix, "digit", "t", "第73号文件");
	gw_t_put(ix, "near", "t", "浙江省人民政府 abc");
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	/* Single characters a position apart: touching inside a run (through
	 * their bigram), or apart (their own positions, at the runs' ends). */
	CHECK_STR(gw_t_hit_set(ix, "\"江 苏\"", NULL), "apart run");
	CHECK_STR(gw_t_hit_set(ix, "\"苏 省\"", NULL), "apart run");
	CHECK_STR(gw_t_hit_set(ix, "\"科 技\"", NULL), "run");
	CHECK_STR(gw_t_hit_set(ix, "\"省 科\"", NULL), "run");
	CHECK_STR(gw_t_hit_set(ix, "\"苏 科\"", NULL), "");
	/* Next to a number the character ends its run. */
	CHECK_STR(gw_t_hit_set(ix, "73号", NULL), "digit");
	CHECK_STR(gw_t_hit_set(ix, "\"第 73\"", NULL), "digit");
	/* 省 is inside 浙江省人民政府, five positions before abc. */
	CHECK_STR(gw_t_hit_set(ix, "省 NEAR/5 abc", NULL), "near");
	CHECK_STR(gw_t_hit_set(ix, "省 NEAR/2 abc", NULL), "");
	CHECK_STR(gw_t_hit_set(ix, "省", NULL), "apart near run");
	gw_index_close(ix);
}

static void test_replace_by_id(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;

	gw_t_begin(ix);
	gw_t_put(ix, "x", "甲乙丙", "甲乙丙丁");
	gw_t_put(ix, "y", "其他", "甲乙");
	gw_t_commit(ix);
	gw_t_begin(ix);
	gw_t_put(ix, "x", "丁戊己", "庚辛");
	st = gw_t_commit(ix);
	CHECK(st.added == 0 && st.replaced == 1);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "甲乙丙", NULL), "");
	CHECK_STR(gw_t_hits(ix, "甲乙", NULL), "y");
	CHECK_STR(gw_t_hits(ix, "丁戊己", NULL), "x");
	gw_index_close(ix);
}

static void test_same_id_twice_in_a_batch(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;

	gw_t_begin(ix);
	gw_t_put(ix, "x", "第一版", "内容一");
	gw_t_put(ix, "x", "第二版", "内容二");
	st = gw_t_commit(ix);
	CHECK(st.added == 1 && st.replaced == 0);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "第一版", NULL), "");
	CHECK_STR(gw_t_hits(ix, "第二版", NULL), "x");
	gw_index_close(ix);
}

static void test_delete_by_id(void)
{
	gw_index *ix = gw_t_open_new();
	gw_batch_stats st;
	gw_err err;
	uint64_t n = 9;

	gw_t_begin(ix);
	gw_t_put(ix, "x", "删除测试", "内容");
	gw_t_put(ix, "y", "保留", "内容");
	gw_t_commit(ix);
	gw_t_begin(ix);
	gw_err_clear(&err);
	CHECK(gw_index_delete(ix, "x", 1, &err) == GW_OK);
	CHECK(gw_index_delete(ix, "nope", 4, &err) == GW_OK);
	st = gw_t_commit(ix);
	CHECK(st.deleted == 1 && st.missing == 1);
	CHECK(gw_t_check_ok(ix));
	CHECK(gw_index_count(ix, &n, &err) == GW_OK && n == 1);
	CHECK_STR(gw_t_hits(ix, "内容", NULL), "y");
	CHECK_STR(gw_t_hits(ix, "删除", NULL), "");
	/* put then delete in one batch: gone; delete then put: present. */
	gw_t_begin(ix);
	gw_t_put(ix, "z", "新", "内容");
	gw_index_delete(ix, "z", 1, &err);
	gw_index_delete(ix, "y", 1, &err);
	gw_t_put(ix, "y", "再来", "内容");
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "内容", NULL), "y");
	CHECK_STR(gw_t_hits(ix, "再来", NULL), "y");
	gw_index_close(ix);
}

/* Many documents share terms, so lists span several chunks; deleting the
 * first document of a chunk and others must keep every list consistent. */
static void test_chunks_and_deletes(void)
{
	gw_index *ix = gw_t_open_new();
	gw_err err;
	char id[16], body[64];

	gw_t_begin(ix);
	for (int i = 0; i < 700; i++) {
		snprintf(id, sizeof id, "d%03d", i);
		snprintf(body, sizeof body, "公共内容 %s %s", i % 2 ? "单数" : "双数", i % 7 ? "" : "七的倍数");
		gw_t_put(ix, id, "标题", body);
	}
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	gw_t_begin(ix);
	for (int i = 0; i < 700; i += 3) {
		snprintf(id, sizeof id, "d%03d", i);
		gw_err_clear(&err);
		gw_index_delete(ix, id, strlen(id), &err);
	}
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	{
		gw_search_opts o = {.limit = 1000};
		gw_results *r;
		gw_err_clear(&err);
		CHECK(gw_search(ix, "公共内容", strlen("公共内容"), &o, &r, &err) == GW_OK);
		CHECK(gw_results_total(r) == 700 - 234);
		gw_results_free(r);
		CHECK(gw_search(ix, "七的倍数", strlen("七的倍数"), &o, &r, &err) == GW_OK);
		/* multiples of 7 below 700: 100; of 21: 34 deleted */
		CHECK(gw_results_total(r) == 100 - 34);
		gw_results_free(r);
	}
	/* Replace every remaining document: old postings all go. */
	gw_t_begin(ix);
	for (int i = 0; i < 700; i++) {
		if (i % 3 == 0)
			continue;
		snprintf(id, sizeof id, "d%03d", i);
		gw_t_put(ix, id, "标题", "全新内容");
	}
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "单数", NULL), "");
	gw_index_close(ix);
}

/* gw_batch_stats.flushes: the postings of a batch within the budget are
 * written once; past it, more than once (each later one merging into
 * terms already written: gongwen-index then packs a staged build); a
 * batch of deletes only writes no postings. */
static void test_flushes_counted(void)
{
	size_t flushes[2];
	gw_err err;
	char id[16], body[64];

	for (int small = 0; small < 2; small++) {
		gw_index *ix = gw_t_open_new();
		gw_batch_stats st;
		if (!ix)
			return;
		if (small)
			gw_index_set_budget(ix, 300000);
		gw_t_begin(ix);
		for (int i = 0; i < 700; i++) {
			snprintf(id, sizeof id, "d%03d", i);
			snprintf(body, sizeof body, "公共内容 第%d号 %s", i, i % 2 ? "单数" : "双数");
			gw_t_put(ix, id, "标题", body);
		}
		st = gw_t_commit(ix);
		flushes[small] = st.flushes;
		gw_t_begin(ix);
		gw_err_clear(&err);
		gw_index_delete(ix, "d001", 4, &err);
		st = gw_t_commit(ix);
		CHECK(st.deleted == 1 && st.flushes == 0);
		CHECK(gw_t_check_ok(ix));
		gw_index_close(ix);
	}
	CHECK(flushes[0] == 1);
	CHECK(flushes[1] > 1);
}

static void test_map_grows(void)
{
	gw_index *ix;
	char id[16];
	static char body[4096];
	gw_batch_stats st;

	/* A 1 MiB map cannot hold this batch: the commit must grow it. */
	setenv("GONGWEN_MAPSIZE", "1048576", 1);
	ix = gw_t_open_new();
	unsetenv("GONGWEN_MAPSIZE");
	gw_t_begin(ix);
	for (int i = 0; i < 1500; i++) {
		size_t n = 0;
		snprintf(id, sizeof id, "m%d", i);
		while (n + 40 < sizeof body)
			n += (size_t)snprintf(body + n, sizeof body - n, "文档%d号第%d段，", i, (int)n);
		gw_t_put(ix, id, "增长", body);
	}
	st = gw_t_commit(ix);
	CHECK(st.added == 1500);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "文档1499号第0段", NULL), "m1499");
	gw_index_close(ix);
}

static void test_version_mismatch(void)
{
	const char *path = gw_t_fresh_path();
	gw_index *ix = NULL;
	gw_store *s;
	gw_txn *t;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_index_open(&ix, path, GW_OPEN_CREATE, &err) == GW_OK);
	gw_index_close(ix);
	CHECK(gw_store_open(&s, path, GW_OPEN_WRITE, &err) == GW_OK);
	CHECK(gw_store_begin(s, 1, &t, &err) == GW_OK);
	CHECK(gw_meta_put(t, "format", 99, &err) == GW_OK);
	CHECK(gw_txn_commit(t, &err) == GW_OK);
	gw_store_close(s);
	ix = NULL;
	CHECK(gw_index_open(&ix, path, GW_OPEN_READ, &err) == GW_EVERSION);
	CHECK(ix == NULL);
	CHECK(strstr(err.msg, "format 99") != NULL);
	CHECK(strstr(err.msg, "rebuild") != NULL);
}

static void test_missing_index(void)
{
	gw_index *ix = NULL;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_index_open(&ix, gw_t_fresh_path(), GW_OPEN_READ, &err) == GW_ENOTFOUND);
	CHECK(ix == NULL && strstr(err.msg, "no index at") != NULL);
}

typedef struct warnings {
	char msg[4][600];
	int n;
} warnings;

static void on_warn(void *ctx, const char *msg)
{
	warnings *w = ctx;

	if (w->n < 4)
		snprintf(w->msg[w->n++], sizeof w->msg[0], "%s", msg);
}

static void test_invalid_utf8(void)
{
	gw_index *ix = gw_t_open_new();
	warnings w = {0};

	gw_index_set_warn(ix, on_warn, &w);
	gw_t_begin(ix);
	CHECK(gw_t_put(ix, "bad", "标题", "前面\xff\xfe后面的文字") == GW_OK);
	gw_t_commit(ix);
	CHECK(w.n == 1);
	CHECK(strstr(w.msg[0], "document 'bad' field 'body': invalid UTF-8 at byte 6") != NULL);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "后面的文字", NULL), "bad");
	CHECK_STR(gw_t_hits(ix, "前面", NULL), "bad");
	gw_index_close(ix);
}

static void test_bad_documents(void)
{
	gw_index *ix = gw_t_open_new();
	gw_field dup[2] = {{"title", 5, "a", 1}, {"title", 5, "b", 1}};
	gw_field noname[1] = {{"", 0, "a", 1}};
	gw_doc d1 = {"x", 1, dup, 2}, d2 = {"", 0, dup, 1}, d3 = {"y", 1, noname, 1};
	gw_err err;

	gw_t_begin(ix);
	gw_err_clear(&err);
	CHECK(gw_index_put(ix, &d1, &err) == GW_EINVAL && strstr(err.msg, "given twice"));
	gw_err_clear(&err);
	CHECK(gw_index_put(ix, &d2, &err) == GW_EINVAL && strstr(err.msg, "empty id"));
	gw_err_clear(&err);
	CHECK(gw_index_put(ix, &d3, &err) == GW_EINVAL && strstr(err.msg, "empty field name"));
	/* The rest of the batch is unaffected. */
	CHECK(gw_t_put(ix, "ok", "好", "内容") == GW_OK);
	CHECK(gw_t_commit(ix).added == 1);
	CHECK(gw_t_check_ok(ix));
	gw_index_close(ix);
}

static void test_other_fields_and_title_weight(void)
{
	gw_index *ix = gw_t_open_new();
	gw_t_kv f[] = {{"title", "普通标题"}, {"body", "正文提到其他"}, {"依托主體", "海康威视"}, {NULL, NULL}};

	gw_t_begin(ix);
	CHECK(gw_t_put_kv(ix, "rec", f) == GW_OK);
	/* Same lengths; the match in the title must rank above the one in the body. */
	gw_t_put(ix, "in-title", "备案通知", "其他内容四字");
	gw_t_put(ix, "in-body", "其他通知", "备案内容四字");
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "海康威視", NULL), "rec");
	CHECK_STR(gw_t_hits(ix, "备案", NULL), "in-title in-body");
	gw_index_close(ix);
}

/* Each field records the kinds of term it has had, and keeps them across
 * batches: a query skips a field only while no document has put a term
 * of a kind the query needs there (a Han term in a field of Latin codes). */
static void test_field_kinds(void)
{
	gw_index *ix = gw_t_open_new();
	gw_t_kv a[] = {{"title", "普通标题"}, {"code", "abc-123 XYZ"}, {NULL, NULL}};
	gw_t_kv b[] = {{"title", "other"}, {"code", "编码规则 v2"}, {NULL, NULL}};

	gw_t_begin(ix);
	CHECK(gw_t_put_kv(ix, "latin-code", a) == GW_OK);
	gw_t_commit(ix);
	CHECK_STR(gw_t_hits(ix, "编码", NULL), "");
	CHECK_STR(gw_t_hits(ix, "xyz", NULL), "latin-code");
	gw_t_begin(ix);
	CHECK(gw_t_put_kv(ix, "han-code", b) == GW_OK);
	gw_t_commit(ix);
	CHECK(gw_t_check_ok(ix));
	CHECK_STR(gw_t_hits(ix, "编码", NULL), "han-code");
	CHECK_STR(gw_t_hits(ix, "編碼規則", NULL), "han-code");
	CHECK_STR(gw_t_hits(ix, "规", NULL), "han-code");
	CHECK_STR(gw_t_hits(ix, "标题", NULL), "latin-code");
	CHECK_STR(gw_t_hits(ix, "xyz", NULL), "latin-code");
	gw_index_close(ix);
}

int main(void)
{
	if (!gw_t_scratch_make("index"))
		return 1;
	RUN(test_add_and_search);
	RUN(test_exact_substring);
	RUN(test_char_positions_in_runs);
	RUN(test_replace_by_id);
	RUN(test_same_id_twice_in_a_batch);
	RUN(test_delete_by_id);
	RUN(test_chunks_and_deletes);
	RUN(test_flushes_counted);
	RUN(test_map_grows);
	RUN(test_version_mismatch);
	RUN(test_missing_index);
	RUN(test_invalid_utf8);
	RUN(test_bad_documents);
	RUN(test_other_fields_and_title_weight);
	RUN(test_field_kinds);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
