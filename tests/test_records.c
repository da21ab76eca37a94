/* test_records: notices and records through the search API: field-scoped
 * parts (folded names, aliases), --type, date filters, date order, facets. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_test_index.h"

static gw_index *ix;

static void record(const char *id, const char *prov, const char *name, const char *host, const char *date)
{
	gw_t_kv f[] = {{"省份", prov},     {"名稱", name},         {"依托主體", host}, {"_type", "record"},
	               {"_notice", "n1"}, {"_notice_title", "通知"}, {"_date", date},   {NULL, NULL}};

	gw_t_put_kv(ix, id, f);
}

static gw_search_opts opts(void)
{
	gw_search_opts o;

	memset(&o, 0, sizeof o);
	o.limit = 100;
	return o;
}

/* Hit ids of q under o, space-separated, in result order. */
static const char *ids(const char *q, const gw_search_opts *o)
{
	return gw_t_hits(ix, q, o);
}

/* Indexes three notices and seven records in ix; 0 on error. */
static int setup(void)
{
	gw_t_kv n1[] = {{"title", "科技部关于众创空间备案的通知"}, {"number", "国科发区〔2020〕73号"},
	                {"body", "江苏 浙江 众创空间"},             {"date", "2020-03-25"},
	                {"issuer", "科技部"},                      {"_type", "notice"},
	                {NULL, NULL}};
	gw_t_kv n2[] = {{"title", "江苏省众创空间年度评价"}, {"body", "评价结果"}, {"date", "2021-06-01"}, {NULL, NULL}};
	gw_t_kv n3[] = {{"title", "没有日期的众创空间说明"}, {"body", "说明"}, {NULL, NULL}};

	if (!(ix = gw_t_setup_begin()))
		return 0;
	gw_t_put_kv(ix, "n1", n1);
	gw_t_put_kv(ix, "n2", n2);
	gw_t_put_kv(ix, "n3", n3);
	record("n1#1.1", "天津", "獸用生物制品眾創空間", "天津瑞普生物技術股份有限公司", "2020-03-25");
	record("n1#1.5", "江蘇", "集成電路眾創空間", "中國電子科技集團公司", "2020-03-25");
	record("n1#1.6", "江蘇", "膜材料眾創空間", "南京膜材料產業技術研究院", "2020-03-25");
	record("n1#1.7", "江蘇", "生物醫藥眾創空間", "蘇州藥物創新研究院", "2020-03-25");
	record("n1#1.8", "浙江", "圖像識別眾創空間", "杭州海康威視數字技術股份有限公司", "2020-03-25");
	record("n1#1.9", "廣東", "生物醫學眾創空間", "中國科學院深圳先進技術研究院", "2020-03-25");
	record("n2#1.1", "广东", "智能制造众创空间", "广东工业大学", "2021-06-01");
	return gw_t_setup_commit(ix);
}

static void test_field_scope(void)
{
	gw_search_opts o = opts();

	/* Field names fold like text: 省份 is the same in both scripts, 依托主体
	 * finds 依托主體; values fold too. */
	CHECK_STR(ids("省份:江苏", &o), "n1#1.5 n1#1.6 n1#1.7");
	CHECK_STR(ids("省份：江蘇", &o), "n1#1.5 n1#1.6 n1#1.7");
	CHECK_STR(ids("依托主体:海康威视", &o), "n1#1.8");
	CHECK_STR(ids("依托主體:\"海康威視數字\"", &o), "n1#1.8");
	/* Aliases of the standard fields. */
	CHECK_STR(ids("标题:众创空间 number:国科发区", &o), "n1");
	CHECK_STR(ids("文号:73号", &o), "n1");
	CHECK_STR(ids("发文机关:科技部", &o), "n1");
	/* Scoped parts AND with plain ones. */
	CHECK_STR(ids("省份:江苏 膜材料", &o), "n1#1.6");
	/* A name that is no field leaves the colon as punctuation. */
	CHECK_STR(ids("众创空间:说明", &o), "n3");
}

static void test_field_errors(void)
{
	gw_search_opts o = opts();
	const char *got = ids("众创 省份:", &o);

	CHECK(strstr(got, "empty value for field '省份' at column 4") != NULL);
	got = ids("title:  x", &o);
	CHECK(strstr(got, "empty value for field 'title' at column 1") != NULL);
}

static void test_type_filter(void)
{
	gw_search_opts o = opts();
	char all[2048];

	snprintf(all, sizeof all, "%s", ids("众创空间", &o));
	CHECK(strstr(all, "n1#1.5") && strstr(all, "n2") && strstr(all, "n3"));
	o.type = GW_TYPE_RECORD;
	CHECK_STR(ids("江苏", &o), "n1#1.5 n1#1.6 n1#1.7");
	o.type = GW_TYPE_NOTICE;
	CHECK(strstr(ids("江苏", &o), "n1#") == NULL);
	CHECK(strstr(ids("江苏", &o), "n2") != NULL);
}

static void test_dates(void)
{
	gw_search_opts o = opts();

	o.type = GW_TYPE_NOTICE;
	o.after = "2021-01-01";
	CHECK_STR(ids("众创空间", &o), "n2");
	o.after = NULL;
	o.before = "2020-03-25"; /* inclusive */
	CHECK_STR(ids("众创空间", &o), "n1");
	o.before = "2020";       /* a year bound covers the whole year */
	CHECK_STR(ids("众创空间", &o), "n1");
	o.after = "2020-03";
	o.before = "2021";
	o.type = GW_TYPE_ANY;
	/* Records inherit their notice's date; undated n3 is out. */
	CHECK(strstr(ids("众创空间", &o), "n3") == NULL);
	CHECK(strstr(ids("众创空间", &o), "n1#1.8") != NULL);
	o = opts();
	o.type = GW_TYPE_NOTICE;
	o.sort_date = 1;
	CHECK_STR(ids("众创空间", &o), "n2 n1 n3");
}

static void test_facets(void)
{
	gw_search_opts o = opts();
	gw_results *r;
	gw_err err;
	size_t n = 0;
	const gw_facet *f;

	o.facet = "省份";
	o.limit = 1;
	gw_err_clear(&err);
	CHECK(gw_search(ix, "眾創空間", strlen("眾創空間"), &o, &r, &err) == GW_OK);
	f = gw_results_facets(r, &n);
	CHECK_STR(gw_results_facet_field(r), "省份");
	/* 廣東 and 广东 fold to one value. */
	CHECK(n == 4);
	if (n == 4) {
		CHECK(f[0].count == 3 && f[0].len == 6 && memcmp(f[0].value, "江蘇", 6) == 0);
		CHECK(f[1].count == 2 && (memcmp(f[1].value, "廣東", 6) == 0 || memcmp(f[1].value, "广东", 6) == 0));
		CHECK(f[2].count == 1 && memcmp(f[2].value, "天津", 6) == 0);
		CHECK(f[3].count == 1 && memcmp(f[3].value, "浙江", 6) == 0);
	}
	CHECK(gw_results_count(r) == 1 && gw_results_total(r) == 10);
	gw_results_free(r);
	/* An unknown facet field: no counts, no error. */
	o.facet = "nosuch";
	CHECK(gw_search(ix, "眾創空間", strlen("眾創空間"), &o, &r, &err) == GW_OK);
	CHECK(gw_results_facet_field(r) == NULL);
	gw_results_facets(r, &n);
	CHECK(n == 0);
	gw_results_free(r);
}

int main(void)
{
	if (!gw_t_scratch_make("records") || !setup())
		return 1;
	RUN(test_field_scope);
	RUN(test_field_errors);
	RUN(test_type_filter);
	RUN(test_dates);
	RUN(test_facets);
	gw_index_close(ix);
	gw_t_rmtree(gw_t_scratch());
	return TEST_EXIT();
}
