/* test_notice: gw_notice_parse_text on the bundled notices (every part,
 * every table cell, every repaired row and its note) and on tables of small
 * inputs: text without structure, BOM and CRLF, document numbers, dates in
 * each form, wrapped titles, letter-spaced issuers, ragged and header-only
 * tables, merged cells in any column, material after the notice. Run from
 * the repository root (the corpus files are read from corpus/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice/gw_notice.h"
#include "gw_test.h"

/* want NULL: the part must be absent. */
#define CHECK_PART(n, p, want)                                                                     \
	do {                                                                                       \
		const char *want_ = (want);                                                        \
		if (want_) {                                                                       \
			CHECK_STR((n)->part[p], want_);                                            \
		} else if ((n)->part[p] != NULL) {                                                 \
			CHECK((n)->part[p] == NULL);                                               \
			fprintf(stderr, "  got '%s'\n", (n)->part[p]);                             \
		}                                                                                  \
	} while (0)

#define NELEM(a) (sizeof(a) / sizeof(a)[0])

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Parses a corpus file into n; returns 0 on success. */
static int parse_file(const char *path, gw_notice *n)
{
	size_t len;
	char *text = read_file(path, &len);
	gw_err err;
	gw_rc rc;

	gw_err_clear(&err);
	memset(n, 0, sizeof *n);
	if (!text) {
		fprintf(stderr, "  cannot read '%s' (run from the repository root)\n", path);
		return -1;
	}
	rc = gw_notice_parse_text(text, len, n, &err);
	free(text);
	return rc == GW_OK ? 0 : -1;
}

static int parse(const char *text, gw_notice *n)
{
	gw_err err;

	gw_err_clear(&err);
	return gw_notice_parse_text(text, strlen(text), n, &err) == GW_OK ? 0 : -1;
}

static int has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

static size_t count_lines(const char *s)
{
	size_t n = 1;

	if (!s)
		return 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The note on a source line, or NULL. */
static const char *note_at(const gw_notice *n, long line)
{
	for (size_t i = 0; i < n->nnotes; i++)
		if (n->notes[i].line == line)
			return n->notes[i].msg;
	return NULL;
}

/* 1 if any table cell of n contains s. */
static int in_tables(const gw_notice *n, const char *s)
{
	for (size_t t = 0; t < n->ntables; t++)
		for (size_t r = 0; r < n->tables[t].nrows; r++)
			for (size_t c = 0; c < n->tables[t].ncols; c++)
				if (has(n->tables[t].rows[r].cells[c], s))
					return 1;
	return 0;
}

/* Checks table t of n against want (nrows x 4 cells, rows on consecutive
 * source lines after the header), and the repaired rows (1-based,
 * 0-terminated list): their flag, and the note on their source line that
 * names the row and the restored column. Exactly those rows have notes. */
static void check_table(const gw_notice *n, size_t t, const char *const header[4],
                        const char *const (*want)[4], size_t nrows, const int *repaired,
                        const char *restored)
{
	const gw_table *tb = &n->tables[t];
	size_t nrep = 0;

	CHECK(t < n->ntables);
	if (t >= n->ntables)
		return;
	CHECK(tb->ncols == 4);
	CHECK(tb->nrows == nrows);
	if (tb->ncols != 4 || tb->nrows != nrows)
		return;
	for (size_t c = 0; c < 4; c++)
		CHECK_STR(tb->header[c], header[c]);
	for (size_t r = 0; r < nrows; r++) {
		const char *msg = note_at(n, tb->line + (long)r + 1);
		char tag[64];
		int rep = 0;
		for (const int *k = repaired; *k; k++)
			rep |= (size_t)*k == r + 1;
		nrep += rep;
		for (size_t c = 0; c < 4; c++)
			CHECK_STR(tb->rows[r].cells[c], want[r][c]);
		CHECK(tb->rows[r].line == tb->line + (long)r + 1);
		CHECK(tb->rows[r].repaired == rep);
		snprintf(tag, sizeof tag, "table row %zu: 3 of 4 cells", r + 1);
		if (rep) {
			CHECK(has(msg, tag));
			CHECK(has(msg, restored));
			CHECK(has(msg, "from the row above"));
		} else {
			CHECK(msg == NULL);
		}
	}
	CHECK(n->nnotes == nrep);
}

/* ---- the bundled notices ---- */

static void test_seed_parts(void)
{
	gw_notice n;

	CHECK(parse_file("corpus/notice-2020-73.txt", &n) == 0);
	CHECK_PART(&n, GW_NP_TITLE, "科技部關于第三批國家專業化眾創空間備案示范的通知");
	CHECK_PART(&n, GW_NP_NUMBER, "國科發區〔2020〕73號");
	CHECK_PART(&n, GW_NP_ADDRESSEES,
	           "各省、自治區、直轄市及計劃單列市科技廳(委、局),新疆生產建設兵團科技局:");
	CHECK_PART(&n, GW_NP_CLOSING, "特此通知。");
	/* the file writes 示范 here, as in the title */
	CHECK_PART(&n, GW_NP_ATTACHMENTS, "第三批國家專業化眾創空間示范名單");
	CHECK_PART(&n, GW_NP_ISSUER, "科技部");
	CHECK_PART(&n, GW_NP_DATE, "2020-03-25");
	CHECK_PART(&n, GW_NP_DISCLOSURE, "此件主動公開");
	CHECK_PART(&n, GW_NP_APPENDIX, "附件\n第三批國家專業化眾創空間示范名單");
	CHECK(count_lines(n.part[GW_NP_BODY]) == 2);
	CHECK(n.part[GW_NP_BODY] && strncmp(n.part[GW_NP_BODY], "為進一步貫徹落實", 24) == 0);
	CHECK(
	    has(n.part[GW_NP_BODY],
	        "充分發揮示范引導作用。工作中取得的成績和經驗、問題和建議等情況請及時報科技部。"));
	CHECK(!has(n.part[GW_NP_BODY], "特此通知"));
	CHECK(!has(n.part[GW_NP_BODY], "科 技 部"));
	/* the news snippets after the table */
	CHECK(count_lines(n.part[GW_NP_TRAILING]) == 10);
	CHECK(n.part[GW_NP_TRAILING] &&
	      strncmp(n.part[GW_NP_TRAILING], "近期,南開大學西藏", 25) == 0);
	CHECK(has(n.part[GW_NP_TRAILING], "國科發火〔2020〕104號"));
	CHECK(has(n.part[GW_NP_TRAILING], "做好專業化眾創空間......"));
	for (int p = 0; p < GW_NP_TRAILING; p++) {
		CHECK(!has(n.part[p], "西藏"));
		CHECK(!has(n.part[p], "......"));
		CHECK(!has(n.part[p], "104號"));
	}
	CHECK(!in_tables(&n, "西藏"));
	CHECK(!in_tables(&n, "......"));
	CHECK(n.ntables == 1);
	if (n.ntables == 1) {
		CHECK_STR(n.tables[0].caption, "第三批國家專業化眾創空間示范名單");
		CHECK(n.tables[0].line == 13);
	}
	gw_notice_free(&n);
}

static void test_seed_table(void)
{
	static const char *const province[23] = {"天津", "天津", "遼寧", "上海", "江蘇", "江蘇",
	                                         "江蘇", "浙江", "浙江", "福建", "山東", "山東",
	                                         "山西", "河南", "河南", "湖北", "湖北", "湖南",
	                                         "廣東", "重慶", "寧夏", "甘肅", "云南"};
	static const char *const header[4] = {"序號", "省份", "專業化眾創空間名稱", "依托主體"};
	static const int repaired[] = {2, 6, 7, 9, 12, 15, 17, 0};
	gw_notice n;

	CHECK(parse_file("corpus/notice-2020-73.txt", &n) == 0);
	CHECK(n.ntables == 1);
	if (n.ntables != 1 || n.tables[0].nrows != 23 || n.tables[0].ncols != 4) {
		CHECK(n.ntables == 1 && n.tables[0].nrows == 23);
		gw_notice_free(&n);
		return;
	}
	/* Names and 依托主體 are checked in full for the repaired rows below;
	 * here every row's 序號 and 省份, and that no cell moved. */
	for (size_t r = 0; r < 23; r++) {
		const gw_table_row *row = &n.tables[0].rows[r];
		char num[24];
		snprintf(num, sizeof num, "%zu", r + 1);
		CHECK_STR(row->cells[0], num);
		CHECK_STR(row->cells[1], province[r]);
		CHECK(has(row->cells[2], "國家專業化眾創空間"));
		CHECK(row->cells[3][0] != '\0' && !has(row->cells[3], "空間"));
	}
	{
		static const char *const rows[][4] = {
		    {"2", "天津", "化工新材料國家專業化眾創空間", "天津渤海化工集團有限責任公司"},
		    {"6", "江蘇", "膜材料國家專業化眾創空間", "南京膜材料產業技術研究院"},
		    {"7", "江蘇", "生物醫藥國家專業化眾創空間",
		     "中科院上海藥物研究所蘇州藥物創新研究院"},
		    {"9", "浙江", "智能軌道交通國家專業化眾創空間", "浙江眾合科技股份有限公司"},
		    {"12", "山東", "醫學檢驗國家專業化眾創空間", "山東博科生物產業有限公司"},
		    {"15", "河南", "動力電池國家專業化眾創空間", "河南科隆集團有限公司"},
		    {"17", "湖北", "導航技術國家專業化眾創空間",
		     "武漢導航與位置服務工業技術研究院"},
		    {"1", "天津", "獸用生物制品國家專業化眾創空間", "天津瑞普生物技術股份有限公司"},
		    {"23", "云南", "觀賞園藝國家專業化眾創空間", "云南省農業科學院"},
		};
		for (size_t i = 0; i < NELEM(rows); i++) {
			const gw_table_row *row = &n.tables[0].rows[atoi(rows[i][0]) - 1];
			for (size_t c = 0; c < 4; c++)
				CHECK_STR(row->cells[c], rows[i][c]);
		}
	}
	for (size_t c = 0; c < 4; c++)
		CHECK_STR(n.tables[0].header[c], header[c]);
	for (size_t r = 0; r < 23; r++) {
		const gw_table_row *row = &n.tables[0].rows[r];
		const char *msg = note_at(&n, 14 + (long)r);
		char tag[64];
		int rep = 0;
		for (const int *k = repaired; *k; k++)
			rep |= (size_t)*k == r + 1;
		snprintf(tag, sizeof tag, "table row %zu: 3 of 4 cells", r + 1);
		CHECK(row->line == 14 + (long)r);
		CHECK(row->repaired == rep);
		CHECK(rep ? has(msg, tag) && has(msg, "restored 省份 from the row above")
		          : msg == NULL);
	}
	CHECK(n.nnotes == 7);
	gw_notice_free(&n);
}

static void test_sc_2023(void)
{
	static const char *const header[4] = {"序号", "项目名称", "承担单位", "所在地市"};
	static const char *const rows[12][4] = {
	    {"1", "高精度工业机器人减速器研发及产业化", "南京智造精工科技有限公司", "南京市"},
	    {"2", "协作机器人关节模组研发及产业化", "南京智造精工科技有限公司", "南京市"},
	    {"3", "高性能锂电池隔膜材料研发及产业化", "常州恒润新能源材料股份有限公司", "常州市"},
	    {"4", "固态电解质材料中试及产业化", "常州恒润新能源材料股份有限公司", "常州市"},
	    {"5", "钠离子电池正极材料研发及产业化", "常州恒润新能源材料股份有限公司", "常州市"},
	    {"6", "新型抗肿瘤靶向药物制剂产业化", "连云港康瑞医药研究院有限公司", "连云港市"},
	    {"7", "第三代半导体功率器件封装测试产业化", "无锡芯创微电子有限公司", "无锡市"},
	    {"8", "车规级MCU芯片研发及产业化", "无锡芯创微电子有限公司", "无锡市"},
	    {"9", "大型智能化矿山装备研发及产业化", "徐州重工机械集团有限公司", "徐州市"},
	    {"10", "智能高空作业平台研发及产业化", "徐州重工机械集团有限公司", "徐州市"},
	    {"11", "农作物病虫害智能监测系统产业化", "江苏农业智能装备研究院", "南京市"},
	    {"12", "高端功能性纺织新材料研发及产业化", "苏州纺科新材料有限公司", "苏州市"},
	};
	static const int repaired[] = {2, 4, 5, 8, 10, 0};
	gw_notice n;

	CHECK(parse_file("corpus/notice-sc-2023-08.txt", &n) == 0);
	CHECK_PART(&n, GW_NP_TITLE,
	           "江苏省科学技术厅 江苏省财政厅关于下达2023年度省科技成果转化专项资金"
	           "项目承担单位名单及经费安排的通知");
	CHECK_PART(&n, GW_NP_NUMBER, "苏科资〔2023〕8号");
	CHECK_PART(&n, GW_NP_ADDRESSEES, "各设区市科技局、财政局，各有关单位：");
	CHECK_PART(&n, GW_NP_CLOSING, "特此通知。");
	CHECK_PART(&n, GW_NP_ATTACHMENTS,
	           "2023年度省科技成果转化专项资金项目承担单位名单\n"
	           "2023年度省科技成果转化专项资金经费安排表");
	CHECK_PART(&n, GW_NP_ISSUER, "江苏省科学技术厅\n江苏省财政厅");
	CHECK_PART(&n, GW_NP_DATE, "2023-06-12");
	CHECK_PART(&n, GW_NP_DISCLOSURE, "此件公开发布");
	CHECK_PART(&n, GW_NP_APPENDIX,
	           "附件1\n2023年度省科技成果转化专项资金项目承担单位名单\n附件2\n"
	           "2023年度省科技成果转化专项资金经费安排表（另行印发）");
	CHECK_PART(&n, GW_NP_TRAILING, NULL);
	CHECK(count_lines(n.part[GW_NP_BODY]) == 5);
	CHECK(n.part[GW_NP_BODY] &&
	      strncmp(n.part[GW_NP_BODY], "为深入实施创新驱动发展战略", 39) == 0);
	CHECK(has(n.part[GW_NP_BODY], "联系电话：025-85480000。"));
	CHECK(!has(n.part[GW_NP_BODY], "特此通知"));
	CHECK(n.ntables == 1);
	if (n.ntables == 1)
		CHECK_STR(n.tables[0].caption, "2023年度省科技成果转化专项资金项目承担单位名单");
	check_table(&n, 0, header, rows, 12, repaired, "restored 承担单位");
	gw_notice_free(&n);
}

static void test_tc_2019(void)
{
	static const char *const header[4] = {"序號", "獲獎項目", "主要完成單位", "獎勵等級"};
	static const char *const rows[10][4] = {
	    {"1", "超高清顯示面板驅動晶片關鍵技術及產業化", "深圳晶顯微電子有限公司", "一等獎"},
	    {"2", "海上風電柔性直流輸電關鍵技術與應用", "南粵電網技術研究院", "一等獎"},
	    {"3", "城市內澇智能預警系統研發與應用", "香江城市水務研究中心", "二等獎"},
	    {"4", "中藥材質量快速檢測技術及裝備", "濠江中醫藥科技研究院", "二等獎"},
	    {"5", "新型生物降解包裝材料研製與產業化", "東莞綠源材料科技有限公司", "二等獎"},
	    {"6", "跨境數據安全流通平台關鍵技術", "橫琴數聯科技有限公司", "二等獎"},
	    {"7", "智能倉儲機器人調度系統研發與應用", "佛山智運物流科技有限公司", "三等獎"},
	    {"8", "老年慢病遠程監護系統研發與應用", "濠江慢病防治研究中心", "三等獎"},
	    {"9", "珠江口紅樹林生態修復技術研究", "珠江口海洋生態研究所", "三等獎"},
	    {"10", "嶺南傳統建築數字化保護關鍵技術", "嶺南建築遺產保護研究院", "三等獎"},
	};
	static const int repaired[] = {2, 4, 5, 6, 8, 9, 10, 0};
	gw_notice n;

	CHECK(parse_file("corpus/notice-tc-2019-27.txt", &n) == 0);
	CHECK_PART(&n, GW_NP_TITLE,
	           "灣區科技創新協作促進會關於公佈二〇一九年度灣區科技創新獎獲獎名單的通告");
	CHECK_PART(&n, GW_NP_NUMBER, "灣區科促通告第27號");
	CHECK_PART(&n, GW_NP_ADDRESSEES, "各會員單位、各有關機構：");
	CHECK_PART(&n, GW_NP_CLOSING, "特此通告。");
	CHECK_PART(&n, GW_NP_ATTACHMENTS, "二〇一九年度灣區科技創新獎獲獎名單");
	CHECK_PART(&n, GW_NP_ISSUER, "灣區科技創新協作促進會");
	CHECK_PART(&n, GW_NP_DATE, "2019-11-05");
	CHECK_PART(&n, GW_NP_DISCLOSURE, "此件公開發佈");
	CHECK_PART(&n, GW_NP_APPENDIX, "附件\n二〇一九年度灣區科技創新獎獲獎名單");
	CHECK_PART(&n, GW_NP_TRAILING, NULL);
	CHECK(count_lines(n.part[GW_NP_BODY]) == 2);
	CHECK(has(n.part[GW_NP_BODY], "其中一等獎二項、二等獎四項、三等獎四項。\n希望獲獎單位"));
	CHECK(n.ntables == 1);
	if (n.ntables == 1)
		CHECK_STR(n.tables[0].caption, "二〇一九年度灣區科技創新獎獲獎名單");
	check_table(&n, 0, header, rows, 10, repaired, "restored 獎勵等級");
	gw_notice_free(&n);
}

/* The other bundled notices: the parts that the indexer relies on. */
static void test_other_corpus(void)
{
	static const struct {
		const char *file;
		int part;
		const char *want;
	} t[] = {
	    {"corpus/notice-sc-2021-15.txt", GW_NP_TITLE,
	     "工业和信息化部关于推进集成电路领域专业化众创空间建设的通知"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_NUMBER, "工信部科〔2021〕15号"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_CLOSING, NULL},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_ATTACHMENTS,
	     "集成电路领域专业化众创空间首批建设单位名单"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_ISSUER, "工业和信息化部"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_DATE, "2021-04-08"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_DISCLOSURE, "此件公开发布"},
	    {"corpus/notice-sc-2021-15.txt", GW_NP_TRAILING, NULL},
	    {"corpus/notice-mixed-2022.txt", GW_NP_TITLE,
	     "廣東省科學技術廳關于做好２０２２年科技政务数据开放平台ＡＰＩ接入工作的通知"},
	    {"corpus/notice-mixed-2022.txt", GW_NP_NUMBER, "粵科函[2022]88號"},
	    {"corpus/notice-mixed-2022.txt", GW_NP_ADDRESSEES,
	     "各地級以上市科技局,省直有關單位,各有關高校、科研院所:"},
	    {"corpus/notice-mixed-2022.txt", GW_NP_ISSUER, "廣東省科學技術廳"},
	    {"corpus/notice-mixed-2022.txt", GW_NP_DATE, "2022-04-20"},
	    {"corpus/notice-mixed-2022.txt", GW_NP_ATTACHMENTS, NULL},
	    {"corpus/notice-mixed-2022.txt", GW_NP_APPENDIX, NULL},
	};
	gw_notice n;

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		CHECK(parse_file(t[i].file, &n) == 0);
		CHECK_PART(&n, t[i].part, t[i].want);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu (%s)\n", i, t[i].file);
		gw_notice_free(&n);
	}
	CHECK(parse_file("corpus/notice-sc-2021-15.txt", &n) == 0);
	CHECK(n.ntables == 1 && n.tables[0].nrows == 4 && n.nnotes == 0);
	CHECK(count_lines(n.part[GW_NP_BODY]) == 7);
	CHECK(has(n.part[GW_NP_BODY], "联系人:科技司 张明 电话:010-68200000"));
	gw_notice_free(&n);
	CHECK(parse_file("corpus/notice-mixed-2022.txt", &n) == 0);
	CHECK(n.ntables == 0 && count_lines(n.part[GW_NP_BODY]) == 6);
	gw_notice_free(&n);
}

/* ---- small inputs ---- */

static void test_no_structure(void)
{
	static const struct {
		const char *in, *title, *body;
	} t[] = {
	    {"", NULL, NULL},
	    {"\n\n   \n\t\n", NULL, NULL},
	    {"\r\n\xE3\x80\x80\r\n", NULL, NULL},
	    {"Hello world", "Hello world", NULL},
	    {"\n\n  一行文字  \n\n", "一行文字", NULL},
	    {"Hello world\nsecond line", "Hello world", "second line"},
	    {"今天天气很好\n我们去公园散步\n\n然后回家", "今天天气很好",
	     "我们去公园散步\n然后回家"},
	    {"工作简报\n第3期", "工作简报", "第3期"},
	    {"标题\n2020年3月25日", "标题", "2020年3月25日"},
	};
	gw_notice n;

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		CHECK(parse(t[i].in, &n) == 0);
		CHECK_PART(&n, GW_NP_TITLE, t[i].title);
		CHECK_PART(&n, GW_NP_BODY, t[i].body);
		for (int p = 0; p < GW_NP_COUNT; p++)
			if (p != GW_NP_TITLE && p != GW_NP_BODY)
				CHECK_PART(&n, p, NULL);
		CHECK(n.ntables == 0 && n.nnotes == 0);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu\n", i);
		gw_notice_free(&n);
	}
	/* NULL text of length 0 is the empty text */
	{
		gw_err err;
		gw_err_clear(&err);
		CHECK(gw_notice_parse_text(NULL, 0, &n, &err) == GW_OK);
		CHECK(n.part[GW_NP_TITLE] == NULL && n.ntables == 0);
		gw_notice_free(&n);
		gw_notice_free(&n); /* freeing twice is fine: free zeroes */
		gw_notice_free(NULL);
	}
}

static void test_bom_crlf(void)
{
	static const char text[] = "\xEF\xBB\xBF"
	                           "北京市科学技术委员会关于开展科技服务业调研的通知\r\n"
	                           "京科发〔2021〕5号\r\n"
	                           "各区科委，各有关单位：\r\n"
	                           "\r\n"
	                           "　　为摸清本市科技服务业发展情况，现开展专项调研。\r\n"
	                           "　　请于3月底前报送。\r\n"
	                           "特此通知。\r\n"
	                           "附件：调研表\r\n"
	                           "北京市科学技术委员会\r\n"
	                           "2021年1月5日\r\n"
	                           "附件\r\n"
	                           "序号|区|联系人\r\n"
	                           "1|东城区|王一\r\n"
	                           "2|李二\r\n";
	gw_notice n;

	CHECK(parse(text, &n) == 0);
	CHECK_PART(&n, GW_NP_TITLE, "北京市科学技术委员会关于开展科技服务业调研的通知");
	CHECK_PART(&n, GW_NP_NUMBER, "京科发〔2021〕5号");
	CHECK_PART(&n, GW_NP_ADDRESSEES, "各区科委，各有关单位：");
	CHECK_PART(&n, GW_NP_BODY,
	           "为摸清本市科技服务业发展情况，现开展专项调研。\n请于3月底前报送。");
	CHECK_PART(&n, GW_NP_CLOSING, "特此通知。");
	CHECK_PART(&n, GW_NP_ATTACHMENTS, "调研表");
	CHECK_PART(&n, GW_NP_ISSUER, "北京市科学技术委员会");
	CHECK_PART(&n, GW_NP_DATE, "2021-01-05");
	CHECK_PART(&n, GW_NP_APPENDIX, "附件");
	for (int p = 0; p < GW_NP_COUNT; p++)
		CHECK(!has(n.part[p], "\r") && !has(n.part[p], "\xEF\xBB\xBF"));
	CHECK(n.ntables == 1);
	if (n.ntables == 1 && n.tables[0].nrows == 2) {
		CHECK(n.tables[0].line == 12);
		CHECK_STR(n.tables[0].rows[1].cells[1], "东城区");
		CHECK_STR(n.tables[0].rows[1].cells[2], "李二");
		CHECK(n.tables[0].rows[1].line == 14);
		CHECK(has(note_at(&n, 14), "restored 区 from the row above"));
	} else {
		CHECK(n.ntables == 1 && n.tables[0].nrows == 2);
	}
	gw_notice_free(&n);
	/* old Mac line ends */
	CHECK(parse("标题\r第一段。\r第二段。", &n) == 0);
	CHECK_PART(&n, GW_NP_TITLE, "标题");
	CHECK_PART(&n, GW_NP_BODY, "第一段。\n第二段。");
	gw_notice_free(&n);
}

static void test_numbers(void)
{
	static const struct {
		const char *line, *want; /* want NULL: not a number (stays in the body) */
	} t[] = {
	    {"國科發區〔2020〕73號", "國科發區〔2020〕73號"},
	    {"粵科函[2022]88號", "粵科函[2022]88號"},
	    {"工信部科（2021）15号", "工信部科（2021）15号"},
	    {"国办发(2016)7号", "国办发(2016)7号"},
	    {"苏科资【2023】8号", "苏科资【2023】8号"},
	    {"国科发区〔２０２０〕７３号", "国科发区〔２０２０〕７３号"},
	    {"  京科发〔2021〕第5号　", "京科发〔2021〕第5号"},
	    {"第27號", "第27號"},
	    {"灣區科促通告第27號", "灣區科促通告第27號"},
	    {"国家市场监督管理总局公告2020年第12号", "国家市场监督管理总局公告2020年第12号"},
	    {"臺教高(二)字第1080123456號", "臺教高(二)字第1080123456號"},
	    {"发文字号：京科发〔2021〕5号", "京科发〔2021〕5号"},
	    {"根据国发〔2018〕32号文件精神，现通知如下。", NULL},
	    {"国科发区〔2020〕号", NULL},
	    {"国科发区〔20〕73号", NULL},
	    {"第一号", NULL},
	    {"请于第3号楼报到，谢谢第5号", NULL},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "某某关于某事的通知\n%s\n正文第一段。\n", t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_TITLE, "某某关于某事的通知");
		CHECK_PART(&n, GW_NP_NUMBER, t[i].want);
		CHECK(has(n.part[GW_NP_BODY], "正文第一段。"));
		if (!t[i].want)
			CHECK(n.part[GW_NP_BODY] && strncmp(n.part[GW_NP_BODY], t[i].line, 6) == 0);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
}

static void test_dates(void)
{
	static const struct {
		const char *line, *want; /* want NULL: not a signing date */
	} t[] = {
	    {"2020年3月25日", "2020-03-25"},
	    {"２０２０年３月２５日", "2020-03-25"},
	    {"二〇二〇年三月二十五日", "2020-03-25"},
	    {"二〇一九年十一月五日", "2019-11-05"},
	    {"二〇二〇年十二月三十一日", "2020-12-31"},
	    {"二○二一年十月十日", "2021-10-10"},
	    {"二零二二年一月廿六日", "2022-01-26"},
	    {"2020年三月二十五日", "2020-03-25"},
	    {"2020 年 3 月 25 日", "2020-03-25"},
	    {"2020-3-25", "2020-03-25"},
	    {"2020.03.25", "2020-03-25"},
	    {"2020/3/25", "2020-03-25"},
	    {"２０２０－０３－２５", "2020-03-25"},
	    {"2024-02-29", "2024-02-29"},
	    {"中華民國109年12月21日", "2020-12-21"},
	    {"民國 93 年 07 月 07 日", "2004-07-07"},
	    {"中華民國一百十二年十二月二十一日", "2023-12-21"},
	    {"二零二四年十月十七日", "2024-10-17"},
	    {"109.12.21", "2020-12-21"},
	    {"2023-02-29", NULL},
	    {"2020年2月30日", NULL},
	    {"2020年13月1日", NULL},
	    {"2020年3月32日", NULL},
	    {"2020年3月", NULL},
	    {"2020-3/25", NULL},
	    {"20200325", NULL},
	    {"二〇二〇年三月三十二日", NULL},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text,
		         "关于某事的通知\n正文。本通知自2019年1月1日起施行。\n科学技术部\n%s\n",
		         t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_DATE, t[i].want);
		CHECK_PART(&n, GW_NP_ISSUER, t[i].want ? "科学技术部" : NULL);
		CHECK(t[i].want ? !has(n.part[GW_NP_BODY], "科学技术部")
		                : has(n.part[GW_NP_BODY], "科学技术部"));
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
	/* the signing date is the one under the signature, not one in the body
	 * nor one in the attachment pages */
	CHECK(
	    parse(
	        "关于某事的通知\n正文。\n2019年5月1日\n科技部\n2020年3月25日\n附件\n2021年1月1日\n",
	        &n) == 0);
	CHECK_PART(&n, GW_NP_DATE, "2019-05-01");
	gw_notice_free(&n);
	/* a date broken after 年 or 月 over two lines */
	CHECK(parse("关于某事的通知\n正文。\n科学技术部\n二〇二三年\n一月一日\n（此件主动公开）\n", &n) == 0);
	CHECK_PART(&n, GW_NP_DATE, "2023-01-01");
	CHECK_PART(&n, GW_NP_ISSUER, "科学技术部");
	CHECK_PART(&n, GW_NP_BODY, "正文。");
	CHECK_PART(&n, GW_NP_DISCLOSURE, "此件主动公开");
	gw_notice_free(&n);
	CHECK(parse("关于某事的通知\n正文。\n科学技术部\n中華民國109年12月\n21日\n", &n) == 0);
	CHECK_PART(&n, GW_NP_DATE, "2020-12-21");
	gw_notice_free(&n);
	CHECK(parse("关于某事的通知\n正文。\n科学技术部\n2020年\n3月\n", &n) == 0);
	CHECK_PART(&n, GW_NP_DATE, NULL);
	gw_notice_free(&n);
	CHECK(parse("关于某事的通知\n正文。\n附件\n2021年1月1日\n", &n) == 0);
	CHECK_PART(&n, GW_NP_DATE, NULL);
	CHECK_PART(&n, GW_NP_APPENDIX, "附件\n2021年1月1日");
	gw_notice_free(&n);
}

static void test_titles(void)
{
	static const struct {
		const char *in, *title;
	} t[] = {
	    {"关于开展2023年度科技计划\n项目申报工作的通知\n正文。",
	     "关于开展2023年度科技计划项目申报工作的通知"},
	    {"关于印发《科技服务业管理办法》\n的通知\n正文。",
	     "关于印发《科技服务业管理办法》的通知"},
	    {"关于印发科技服务业管理办法\n的通知\n正文。", "关于印发科技服务业管理办法的通知"},
	    {"关于进一步做好\n科技成果登记工作的意见（试行）\n正文。",
	     "关于进一步做好科技成果登记工作的意见（试行）"},
	    {"Notice on the\nInterim Measures 通知\n正文。", "Notice on the Interim Measures 通知"},
	    {"关于某事的通知\n关于另一事的通知\n正文。", "关于某事的通知"},
	    {"关于某事的\n各有关单位：\n正文。", "关于某事的"},
	    {"关于某事的\n国科发〔2020〕1号\n正文。", "关于某事的"},
	    {"关于某事的\n现将有关事项说明如下，请遵照执行并及时报告。\n正文。", "关于某事的"},
	    {"科技部办公厅\n关于某事的\n正文。", "科技部办公厅"},
	};
	gw_notice n;

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		CHECK(parse(t[i].in, &n) == 0);
		CHECK_PART(&n, GW_NP_TITLE, t[i].title);
		CHECK(has(n.part[GW_NP_BODY], "正文。"));
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].in);
		gw_notice_free(&n);
	}
}

static void test_issuers(void)
{
	static const struct {
		const char *line, *want;
	} t[] = {
	    {"科 技 部", "科技部"},
	    {"国 务 院 办 公 厅", "国务院办公厅"},
	    {"科　技　部", "科技部"},
	    {"国 务 院 办公厅", "国务院 办公厅"},
	    {"江苏省科学技术厅  江苏省财政厅", "江苏省科学技术厅 江苏省财政厅"},
	    {"中共北京市委组织部", "中共北京市委组织部"},
	    {"科技部（印）", "科技部（印）"},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text,
		         "关于某事的通知\n正文。\n特此通知。\n%s\n2020年3月25日\n", t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_ISSUER, t[i].want);
		CHECK_PART(&n, GW_NP_BODY, "正文。");
		CHECK_PART(&n, GW_NP_CLOSING, "特此通知。");
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
	/* not organisation names: the last body line stays in the body */
	CHECK(parse("关于某事的通知\n正文。\n一、总体要求\n2020年3月25日\n", &n) == 0);
	CHECK_PART(&n, GW_NP_ISSUER, NULL);
	CHECK_PART(&n, GW_NP_BODY, "正文。\n一、总体要求");
	gw_notice_free(&n);
	/* without a date, names count only under a closing or attachments */
	CHECK(parse("关于某事的通知\n正文。\n特此通知。\n科 技 部\n", &n) == 0);
	CHECK_PART(&n, GW_NP_ISSUER, "科技部");
	gw_notice_free(&n);
	CHECK(parse("关于某事的通知\n正文。\n科 技 部\n", &n) == 0);
	CHECK_PART(&n, GW_NP_ISSUER, NULL);
	CHECK_PART(&n, GW_NP_BODY, "正文。\n科 技 部");
	gw_notice_free(&n);
}

static void test_addressees(void)
{
	static const struct {
		const char *line;
		int is;
	} t[] = {
	    {"各省、自治区、直辖市科技厅（委、局）：", 1}, {"国务院各部委、各直属机构：", 1},
	    {"省科技厅、省财政厅，有关高校:", 1},          {"市教育局（体育局）：", 1},
	    {"根据工作安排，决定开展以下工作：", 0},       {"现将有关事项通知如下：", 0},
	    {"各单位要做好以下工作。具体要求：", 0},       {"附件：名单", 0},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "关于某事的通知\n%s\n正文。\n", t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_ADDRESSEES, t[i].is ? t[i].line : NULL);
		CHECK(t[i].is ? !has(n.part[GW_NP_BODY], t[i].line)
		              : has(n.part[GW_NP_BODY], t[i].line));
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
}

static void test_closings(void)
{
	static const struct {
		const char *line, *closing, *body;
	} t[] = {
	    {"特此通知。", "特此通知。", "正文。"},
	    {"特此公告", "特此公告", "正文。"},
	    {"此复。", "此复。", "正文。"},
	    {"请遵照执行。特此通知。", "特此通知。", "正文。\n请遵照执行。"},
	    {"以上意见，请结合实际认真贯彻执行。", "以上意见，请结合实际认真贯彻执行。", "正文。"},
	    {"各单位要高度重视特此通知。", NULL, "正文。\n各单位要高度重视特此通知。"},
	    {"以上工作请于年底前完成。", NULL, "正文。\n以上工作请于年底前完成。"},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(
		    text, sizeof text,
		    "关于某事的通知\n正文。\n%s\n附件：1.名单\n2.统计表\n科技部\n2020年3月25日\n",
		    t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_CLOSING, t[i].closing);
		CHECK_PART(&n, GW_NP_BODY, t[i].body);
		CHECK_PART(&n, GW_NP_ATTACHMENTS, "名单\n统计表");
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
	/* a closing followed by a contact line; attachments as 附件1/附件2 */
	CHECK(parse("关于某事的通知\n正文。\n特此通知。\n（联系人：张三，电话：010-"
	            "1234）\n附件1：名单\n附件2：统计表\n"
	            "科技部\n2020年3月25日\n",
	            &n) == 0);
	CHECK_PART(&n, GW_NP_CLOSING, "特此通知。");
	CHECK_PART(&n, GW_NP_ATTACHMENTS, "名单\n统计表");
	CHECK_PART(&n, GW_NP_BODY, "正文。\n（联系人：张三，电话：010-1234）");
	gw_notice_free(&n);
}

static void test_disclosure(void)
{
	static const struct {
		const char *line, *want;
	} t[] = {
	    {"(此件主動公開)", "此件主動公開"}, {"（此件公开发布）", "此件公开发布"},
	    {"(此件不予公开)", "此件不予公开"}, {"此件主动公开", "此件主动公开"},
	    {"（此页无正文）", NULL},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "关于某事的通知\n正文。\n科技部\n2020年3月25日\n%s\n",
		         t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_DISCLOSURE, t[i].want);
		CHECK_PART(&n, GW_NP_APPENDIX, t[i].want ? NULL : t[i].line);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
}

static void test_ragged_row(void)
{
	gw_notice n;

	CHECK(parse("标题\n正文。\n序号|名称|地区\n1|甲公司|北京\n2|乙公司|上海|多余|更多\n3|"
	            "丙公司|天津\n",
	            &n) == 0);
	CHECK(n.ntables == 1);
	if (n.ntables == 1 && n.tables[0].nrows == 3 && n.tables[0].ncols == 3) {
		const gw_table *t = &n.tables[0];
		CHECK_STR(t->rows[1].cells[0], "2");
		CHECK_STR(t->rows[1].cells[1], "乙公司");
		CHECK_STR(t->rows[1].cells[2], "上海 多余 更多");
		CHECK(!t->rows[1].repaired);
		CHECK_STR(t->rows[2].cells[2], "天津");
		CHECK(n.nnotes == 1);
		CHECK(has(note_at(&n, 5),
		          "table row 2: 5 cells for 3 columns; extra cells joined into 地区"));
	} else {
		CHECK(n.ntables == 1 && n.tables[0].nrows == 3 && n.tables[0].ncols == 3);
	}
	CHECK_PART(&n, GW_NP_BODY, "正文。");
	gw_notice_free(&n);
}

static void test_header_only(void)
{
	static const struct {
		const char *in;
		size_t ntables;
	} t[] = {
	    {"标题\n正文。\n序号 | 名称 | 地区 |\n", 1},
	    {"标题\n正文。\n| 序号 | 名称 | 地区 |\n|---|:---:|---|\n", 1},
	    {"标题\n正文。\n序号\t名称\t地区\n", 1},
	    /* a lone line with long cells is text, not a table */
	    {"标题\n正文。\n这是一句很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长的"
	     "话|另一句\n",
	     0},
	    {"标题\n正文。\n只有一格|\n", 0},
	};
	gw_notice n;

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		CHECK(parse(t[i].in, &n) == 0);
		CHECK(n.ntables == t[i].ntables);
		if (n.ntables == 1) {
			CHECK(n.tables[0].ncols == 3 && n.tables[0].nrows == 0);
			if (n.tables[0].ncols == 3) {
				CHECK_STR(n.tables[0].header[0], "序号");
				CHECK_STR(n.tables[0].header[2], "地区");
			}
			CHECK_PART(&n, GW_NP_BODY, "正文。");
		} else {
			CHECK(count_lines(n.part[GW_NP_BODY]) == 2);
		}
		CHECK(n.nnotes == 0);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu\n", i);
		gw_notice_free(&n);
	}
}

/* Merged cells in each column, '|' or tab, shifted left or left in place. */
static void test_merged_any_column(void)
{
	static const struct {
		const char *in;
		const char *row3[4]; /* the third data row after repair */
		const char *restored;
	} t[] = {
	    /* second column, shifted */
	    {"序号|省份|名称|单位\n1|江苏|甲众创空间|甲科技有限公司\n2|浙江|乙众创空间|"
	     "乙科技有限公司\n"
	     "3|丙众创空间|丙科技有限公司|\n",
	     {"3", "浙江", "丙众创空间", "丙科技有限公司"},
	     "省份"},
	    /* second column, left in place */
	    {"序号|省份|名称|单位\n1|江苏|甲众创空间|甲科技有限公司\n2|浙江|乙众创空间|"
	     "乙科技有限公司\n"
	     "3||丙众创空间|丙科技有限公司\n",
	     {"3", "浙江", "丙众创空间", "丙科技有限公司"},
	     "省份"},
	    /* third column, tabs */
	    {"序号\t项目名称\t承担单位\t地市\n1\t甲项目研发及产业化\t甲科技有限公司\t南京市\n"
	     "2\t乙项目研发及产业化\t乙科技有限公司\t苏州市\n3\t丙项目研发及产业化\t苏州市\n",
	     {"3", "丙项目研发及产业化", "乙科技有限公司", "苏州市"},
	     "承担单位"},
	    /* last column */
	    {"序号|项目|单位|等级\n1|甲项目关键技术研究|甲科技有限公司|一等奖\n2|"
	     "乙项目关键技术研究|乙研究院|二等奖\n"
	     "3|丙项目关键技术研究|丙科技有限公司|\n",
	     {"3", "丙项目关键技术研究", "丙科技有限公司", "二等奖"},
	     "等级"},
	    /* two columns at once */
	    {"序号|省份|城市|单位\n1|江苏|南京|甲科技有限公司\n2|浙江|杭州|乙科技有限公司\n3|"
	     "丙科技有限公司||\n",
	     {"3", "浙江", "杭州", "丙科技有限公司"},
	     "省份, 城市"},
	    /* a row-number column keeps its cell even where a number would fit
	     * another column better */
	    {"序号|数量|名称\n1|3|甲名称\n2|3|乙名称\n3|丙名称\n",
	     {"3", "3", "丙名称", NULL},
	     "数量"},
	    /* a tie between columns: the cell stays where it stood */
	    {"序号|出发|到达\n1|北京|上海\n2|天津|重庆\n3||广州\n",
	     {"3", "天津", "广州", NULL},
	     "出发"},
	    /* no row-number column: the first column can be the merged one */
	    {"省份|名称|单位\n江苏|甲众创空间|甲科技有限公司\n浙江|乙众创空间|乙科技有限公司\n"
	     "丙众创空间|丙科技有限公司\n",
	     {"浙江", "丙众创空间", "丙科技有限公司", NULL},
	     "省份"},
	};
	gw_notice n;

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		size_t ncols = t[i].row3[3] ? 4 : 3;
		CHECK(parse(t[i].in, &n) == 0);
		CHECK(n.ntables == 1);
		if (n.ntables == 1 && n.tables[0].nrows == 3 && n.tables[0].ncols == ncols) {
			for (size_t c = 0; c < ncols; c++)
				CHECK_STR(n.tables[0].rows[2].cells[c], t[i].row3[c]);
			CHECK(n.tables[0].rows[2].repaired && !n.tables[0].rows[1].repaired);
			/* no title: the header is line 1, the third row line 4 */
			CHECK(n.nnotes == 1 && has(note_at(&n, 4), t[i].restored));
			CHECK(has(note_at(&n, 4), "table row 3: "));
		} else {
			CHECK(n.ntables == 1 && n.tables[0].nrows == 3 &&
			      n.tables[0].ncols == ncols);
		}
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu\n", i);
		gw_notice_free(&n);
	}
}

static void test_table_edges(void)
{
	gw_notice n;

	/* a short first row has no row above: noted, left empty, not repaired */
	CHECK(parse("序号|省份|名称|单位\n1|甲众创空间|甲科技有限公司|\n2|浙江|乙众创空间|"
	            "乙科技有限公司\n",
	            &n) == 0);
	/* the first line is the title, and still the table's header */
	CHECK_PART(&n, GW_NP_TITLE, "序号|省份|名称|单位");
	CHECK(n.ntables == 1 && n.tables[0].line == 1);
	if (n.ntables == 1 && n.tables[0].nrows == 2) {
		const gw_table_row *r = &n.tables[0].rows[0];
		CHECK_STR(r->cells[1], "");
		CHECK_STR(r->cells[2], "甲众创空间");
		CHECK_STR(r->cells[3], "甲科技有限公司");
		CHECK(!r->repaired);
		CHECK(has(note_at(&n, 2),
		          "table row 1: 3 of 4 cells; 省份 left empty (no row above)"));
	} else {
		CHECK(n.ntables == 1 && n.tables[0].nrows == 2);
	}
	gw_notice_free(&n);
	/* a repeated header is dropped; a rule is skipped; blank lines between
	 * numbered rows do not end the table; empty header names are named */
	CHECK(parse("标题\n正文。\n| 序号 | 名称 | |\n|---|---|---|\n| 1 | 甲 | 北京 |\n\n| 序号 | "
	            "名称 | |\n\n"
	            "| 2 | 乙 | 上海 |\n",
	            &n) == 0);
	CHECK(n.ntables == 1);
	if (n.ntables == 1 && n.tables[0].nrows == 2 && n.tables[0].ncols == 3) {
		CHECK_STR(n.tables[0].header[2], "column 3");
		CHECK_STR(n.tables[0].rows[1].cells[2], "上海");
		CHECK(n.tables[0].rows[1].line == 9);
		CHECK(n.nnotes == 1 && has(note_at(&n, 7), "repeats the header, dropped"));
	} else {
		CHECK(n.ntables == 1 && n.tables[0].nrows == 2 && n.tables[0].ncols == 3);
	}
	CHECK_PART(&n, GW_NP_BODY, "正文。");
	gw_notice_free(&n);
	/* two tables under their own captions, full-width bars */
	CHECK(parse("标题\n正文。\n科技部\n2020年3月25日\n附件1\n甲名单\n序号｜名称\n1｜甲\n附件2："
	            "乙名单\n序号｜名称｜备注\n1｜乙｜无\n",
	            &n) == 0);
	CHECK(n.ntables == 2);
	if (n.ntables == 2) {
		CHECK_STR(n.tables[0].caption, "甲名单");
		CHECK_STR(n.tables[1].caption, "乙名单");
		CHECK(n.tables[0].nrows == 1 && n.tables[1].nrows == 1 && n.tables[1].ncols == 3);
	}
	CHECK_PART(&n, GW_NP_APPENDIX, "附件1\n甲名单\n附件2：乙名单");
	gw_notice_free(&n);
}

static void test_trailing(void)
{
	static const char prose[] =
	    "据报道，某市近日召开科技创新大会，总结过去一年科技工作成效，部署下一阶段重点任务，"
	    "会议强调要坚持创新驱动发展战略不动摇。";
	static const struct {
		const char *tail, *appendix, *related;
	} t[] = {
	    /* prose right after the signing block */
	    {"%s\n", NULL, prose},
	    /* a cut-off snippet, even after a heading */
	    {"附件\n名单\n某市科技局发布通知......\n另一条\n", "附件\n名单",
	     "某市科技局发布通知......\n另一条"},
	    /* a paragraph after an attachment heading is attachment text */
	    {"附件\n实施细则\n%s\n", NULL, NULL},
	    /* prose after the last table */
	    {"附件\n序号|名称\n1|甲\n%s\n", "附件", prose},
	    /* short notes after the table belong to the attachment page */
	    {"附件\n序号|名称\n1|甲\n注：排名不分先后。\n", "附件\n注：排名不分先后。", NULL},
	    /* a 相关新闻 heading starts the related material */
	    {"相关新闻\n短讯一\n序号|名称\n1|甲\n", NULL, "相关新闻\n短讯一\n序号|名称\n1|甲"},
	};
	gw_notice n;
	char text[1024], tail[512], appendix[512];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(tail, sizeof tail, t[i].tail, prose);
		snprintf(text, sizeof text, "关于某事的通知\n正文。\n科技部\n2020年3月25日\n%s",
		         tail);
		CHECK(parse(text, &n) == 0);
		if (i == 2) { /* the whole attachment page */
			snprintf(appendix, sizeof appendix, "附件\n实施细则\n%s", prose);
			CHECK_PART(&n, GW_NP_APPENDIX, appendix);
		} else {
			CHECK_PART(&n, GW_NP_APPENDIX, t[i].appendix);
		}
		CHECK_PART(&n, GW_NP_TRAILING, t[i].related);
		CHECK_PART(&n, GW_NP_BODY, "正文。");
		CHECK_PART(&n, GW_NP_DATE, "2020-03-25");
		CHECK(n.ntables == (i == 3 || i == 4));
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu\n", i);
		gw_notice_free(&n);
	}
}

static void test_invalid_utf8(void)
{
	static const char text[] = "标题\xFF\xE5\x9C\n正文\x00第二段。\n";
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_notice_parse_text(text, sizeof text - 1, &n, &err) == GW_OK);
	CHECK_PART(&n, GW_NP_TITLE, "标题\xEF\xBF\xBD\xEF\xBF\xBD");
	CHECK_PART(&n, GW_NP_BODY, "正文 第二段。");
	gw_notice_free(&n);
}


/* The fixtures of tests/data/: every new part of each. want[k] NULL: part
 * k must be absent. */
static void check_fixture(const char *path, const char *const want[GW_NP_COUNT])
{
	static const char *const names[GW_NP_COUNT] = GW_NOTICE_FIELD_NAMES;
	gw_notice n;

	CHECK(parse_file(path, &n) == 0);
	for (int k = 0; k < GW_NP_COUNT; k++) {
		int before = gw_t_failed;
		if (k == GW_NP_BODY && want[k] && want[k][0] == '~') {
			CHECK(has(n.part[k], want[k] + 1));
		} else {
			CHECK_PART(&n, k, want[k]);
		}
		if (gw_t_failed > before)
			fprintf(stderr, "  part %s of %s\n", names[k], path);
	}
	gw_notice_free(&n);
}

static void test_taiwan_han(void)
{
	const char *want[GW_NP_COUNT] = {0};

	want[GW_NP_TITLE] = "檢送修正「公司登記資本額查核辦法」第二條、第三條條文一份，自即日生效，請查照並轉知所屬。";
	want[GW_NP_SUBJECT] = want[GW_NP_TITLE];
	want[GW_NP_NUMBER] = "經商字第10902034560號";
	want[GW_NP_DATE] = "2020-12-21";
	want[GW_NP_ADDRESSEES] = "如正副本行文單位\n各直轄市政府、各縣市政府";
	want[GW_NP_BODY] = "檔　　號：\n保存年限：\n地址：10015臺北市中正區福州街15號\n聯絡人：王小明\n"
	                   "聯絡電話：(02)2321-2200#8123\n電子信箱：xmwang@moea.gov.tw";
	want[GW_NP_ATTACHMENTS] = "如說明三";
	want[GW_NP_ISSUER] = "經濟部";
	want[GW_NP_KIND] = "函";
	want[GW_NP_EXPLANATION] = "一、依據公司法第七條第三項規定辦理。\n"
	                          "二、本次修正重點為簡化資本額查核簽證程序，並明定電子化申請之適用範圍。\n"
	                          "三、檢附修正條文對照表一份，請至本部商業發展署網站下載。";
	want[GW_NP_ACTIONS] = "一、請各直轄市政府自中華民國110年1月1日起依修正後規定受理公司登記申請。\n"
	                      "二、辦理情形請於110年3月31日前函復本部。";
	want[GW_NP_SIGNER] = "部長 王美花";
	want[GW_NP_URGENCY] = "普通件";
	want[GW_NP_CC] = "本部商業發展署、中華民國會計師公會全國聯合會";
	check_fixture("tests/data/tw-han-109.txt", want);
}

static void test_taiwan_gonggao(void)
{
	const char *want[GW_NP_COUNT] = {0};

	want[GW_NP_TITLE] = "預告訂定「數位發展部組織法施行細則」草案。";
	want[GW_NP_SUBJECT] = want[GW_NP_TITLE];
	want[GW_NP_NUMBER] = "院臺綜字第1120088223號";
	want[GW_NP_DATE] = "2023-12-21";
	want[GW_NP_ATTACHMENTS] = "數位發展部組織法施行細則草案總說明及條文對照表";
	want[GW_NP_ISSUER] = "行政院";
	want[GW_NP_KIND] = "公告";
	want[GW_NP_BASIS] = "行政程序法第一百五十四條第一項。";
	want[GW_NP_ITEMS] =
	    "一、訂定機關：行政院。\n二、訂定依據：數位發展部組織法第十條。\n"
	    "三、訂定「數位發展部組織法施行細則」草案如附件。本案另載於本院全球資訊網站「公告」網頁。\n"
	    "四、對於本公告內容有任何意見或修正建議者，請於本公告刊登公報之次日起六十日內陳述意見或洽詢：\n"
	    "（一）承辦單位：行政院綜合業務處\n（二）地址：臺北市中正區忠孝東路一段一號";
	want[GW_NP_SIGNER] = "院長 陳建仁";
	check_fixture("tests/data/tw-gonggao-112.txt", want);
}

static void test_prc_header(void)
{
	const char *want[GW_NP_COUNT] = {0};

	want[GW_NP_TITLE] = "国务院办公厅关于进一步做好科技成果转化项目管理工作的通知";
	want[GW_NP_NUMBER] = "国办发〔2020〕12号";
	want[GW_NP_ADDRESSEES] = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：";
	want[GW_NP_BODY] = "~三、强化绩效评价结果运用。绩效评价结果作为以后年度项目安排和资金分配的重要依据。";
	want[GW_NP_CLOSING] = "特此通知。";
	want[GW_NP_ISSUER] = "国务院办公厅";
	want[GW_NP_DATE] = "2020-03-20"; /* the signing date, not the 印发 date */
	want[GW_NP_DISCLOSURE] = "此件公开发布";
	want[GW_NP_KIND] = "通知";
	want[GW_NP_SIGNER] = "张三";
	want[GW_NP_URGENCY] = "特急";
	want[GW_NP_SECRECY] = "机密★5年";
	want[GW_NP_COPY] = "000123";
	want[GW_NP_CC] = "党中央各部门，全国人大常委会办公厅，全国政协办公厅，最高人民法院，最高人民检察院。";
	want[GW_NP_PRINTER] = "国务院办公厅秘书局";
	want[GW_NP_PRINTED] = "2020-03-25";
	check_fixture("tests/data/prc-header-2020.txt", want);
}

static void test_macau_hk(void)
{
	const char *want[GW_NP_COUNT] = {0};

	want[GW_NP_TITLE] = "第 12/2023 號行政長官批示";
	want[GW_NP_NUMBER] = want[GW_NP_TITLE];
	want[GW_NP_BODY] = "~二、本批示自公佈翌日起生效。";
	want[GW_NP_DATE] = "2023-01-10";
	want[GW_NP_KIND] = "批示";
	want[GW_NP_SIGNER] = "行政長官 賀一誠";
	check_fixture("tests/data/mo-despacho-2023.txt", want);
	memset(want, 0, sizeof want);
	want[GW_NP_TITLE] = "香港特別行政區政府公告";
	want[GW_NP_NUMBER] = "第 1234 號公告";
	want[GW_NP_BODY] = "~由2023年4月1日起至2023年6月30日止。";
	want[GW_NP_DATE] = "2023-03-15";
	want[GW_NP_KIND] = "公告";
	want[GW_NP_SIGNER] = "署長 潘婷婷";
	check_fixture("tests/data/hk-gazette-2023.txt", want);
}

/* Labels spaced out or not, in either script, with either colon. */
static void test_labels(void)
{
	static const struct {
		const char *line;
		int part;
		const char *want;
	} t[] = {
	    {"主　　旨：請查照。", GW_NP_SUBJECT, "請查照。"},
	    {"主 旨: 請查照。", GW_NP_SUBJECT, "請查照。"},
	    {"主旨：请查照。", GW_NP_SUBJECT, "请查照。"},
	    {"說　明：說明一", GW_NP_EXPLANATION, "說明一"},
	    {"说明：说明一", GW_NP_EXPLANATION, "说明一"},
	    {"辦　　法：辦法一", GW_NP_ACTIONS, "辦法一"},
	    {"依據：法律", GW_NP_BASIS, "法律"},
	    {"公告事項：事項一", GW_NP_ITEMS, "事項一"},
	    {"公告事项：事项一", GW_NP_ITEMS, "事项一"},
	    {"發文日期：109.12.21", GW_NP_DATE, "2020-12-21"},
	    {"發文日期：民國93年7月7日", GW_NP_DATE, "2004-07-07"},
	    {"發文日期：93/07/07", GW_NP_DATE, "2004-07-07"},
	    {"發文字號：華總一義字第10900012345號", GW_NP_NUMBER, "華總一義字第10900012345號"},
	    {"发文字号：京科发〔2021〕5号", GW_NP_NUMBER, "京科发〔2021〕5号"},
	    {"速　　別：最速件", GW_NP_URGENCY, "最速件"},
	    {"密等及解密條件或保密期限：密", GW_NP_SECRECY, "密"},
	    {"密等：普通", GW_NP_SECRECY, "普通"},
	    {"副本：本部會計處", GW_NP_CC, "本部會計處"},
	    {"簽發人：李四", GW_NP_SIGNER, "李四"},
	    {"開會事由：研商修正草案", GW_NP_SUBJECT, "研商修正草案"},
	};
	gw_notice n;
	char text[512];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "經濟部　函\n%s\n主旨：某事，請查照。\n說明：說明。\n",
		         t[i].line);
		CHECK(parse(text, &n) == 0);
		if (t[i].part == GW_NP_SUBJECT && strncmp(t[i].line, "開會", 6) != 0) {
			CHECK(has(n.part[GW_NP_SUBJECT], t[i].want));
		} else if (t[i].part == GW_NP_EXPLANATION) {
			CHECK(has(n.part[GW_NP_EXPLANATION], t[i].want));
		} else {
			CHECK(has(n.part[t[i].part], t[i].want));
		}
		CHECK(!has(n.part[GW_NP_BODY], t[i].want));
		CHECK_PART(&n, GW_NP_KIND, "函");
		CHECK_PART(&n, GW_NP_ISSUER, "經濟部");
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
	/* without a 主旨 line, 說明： is body text (a PRC notice's note) */
	CHECK(parse("关于某事的通知\n说明：本表由各单位填报。\n正文。\n", &n) == 0);
	CHECK_PART(&n, GW_NP_EXPLANATION, NULL);
	CHECK(has(n.part[GW_NP_BODY], "说明：本表由各单位填报。"));
	gw_notice_free(&n);
	/* a section runs over its lines to the next label */
	CHECK(parse("行政院 公告\n主旨：甲。\n乙。\n依據：丙。\n公告事項：\n一、丁。\n二、戊。\n院長 陳建仁\n",
	            &n) == 0);
	CHECK_PART(&n, GW_NP_SUBJECT, "甲。\n乙。");
	CHECK_PART(&n, GW_NP_TITLE, "甲。乙。");
	CHECK_PART(&n, GW_NP_BASIS, "丙。");
	CHECK_PART(&n, GW_NP_ITEMS, "一、丁。\n二、戊。");
	CHECK_PART(&n, GW_NP_SIGNER, "院長 陳建仁");
	CHECK_PART(&n, GW_NP_BODY, NULL);
	gw_notice_free(&n);
}

static void test_signers(void)
{
	static const struct {
		const char *line, *want; /* want NULL: not a signature */
	} t[] = {
	    {"部長 ○○○", "部長 ○○○"},
	    {"部 長 ○○○", "部長 ○○○"},
	    {"院長　蘇貞昌", "院長 蘇貞昌"},
	    {"院　長　蘇　貞　昌", "院長 蘇貞昌"},
	    {"代理部長 王美花", "代理部長 王美花"},
	    {"主任委員　李四", "主任委員 李四"},
	    {"总理　李强", "总理 李强"},
	    {"局长办公会", NULL},
	    {"部長王美花", NULL},
	    {"部長 王美花女士出席會議並致詞", NULL},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "关于某事的通知\n正文。\n%s\n2020年3月25日\n", t[i].line);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_SIGNER, t[i].want);
		if (t[i].want)
			CHECK(!has(n.part[GW_NP_BODY], t[i].line) && !has(n.part[GW_NP_ISSUER], t[i].line));
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].line);
		gw_notice_free(&n);
	}
	/* the issuer above a signature is still the issuer */
	CHECK(parse("中华人民共和国国务院令\n第732号\n条例已经通过，现予公布。\n国务院\n总理　李强\n2023年1月1日\n",
	            &n) == 0);
	CHECK_PART(&n, GW_NP_NUMBER, "第732号");
	CHECK_PART(&n, GW_NP_KIND, "令");
	CHECK_PART(&n, GW_NP_SIGNER, "总理 李强");
	CHECK_PART(&n, GW_NP_ISSUER, "国务院");
	CHECK_PART(&n, GW_NP_BODY, "条例已经通过，现予公布。");
	gw_notice_free(&n);
}

static void test_kinds(void)
{
	static const struct {
		const char *title, *want;
	} t[] = {
	    {"国务院关于某事的决定", "决定"},   {"國務院關於某事的決定", "決定"},
	    {"关于某事的通知", "通知"},         {"關於某事的通知（試行）", "通知"},
	    {"关于印发《某办法》的通知》", "通知"}, {"某某部公告", "公告"},
	    {"关于某事的通告", "通告"},         {"关于某事的意見", "意見"},
	    {"关于某事的通报", "通报"},         {"关于某事的报告", "报告"},
	    {"关于某事的请示", "请示"},         {"关于某事的批复", "批复"},
	    {"关于某事的议案", "议案"},         {"关于某事的复函", "函"},
	    {"某会议纪要", "纪要"},             {"某某决议", "决议"},
	    {"中华人民共和国主席令", "令"},     {"某某命令", "命令"},
	    {"统计公报", "公报"},               {"臺北市政府書函", "書函"},
	    {"經濟部開會通知單", "開會通知單"}, {"某某管理办法", NULL},
	    {"一段没有文种的标题", NULL},
	};
	gw_notice n;
	char text[256];

	for (size_t i = 0; i < NELEM(t); i++) {
		int before = gw_t_failed;
		snprintf(text, sizeof text, "%s\n正文。\n", t[i].title);
		CHECK(parse(text, &n) == 0);
		CHECK_PART(&n, GW_NP_KIND, t[i].want);
		if (gw_t_failed > before)
			fprintf(stderr, "  in case %zu: %s\n", i, t[i].title);
		gw_notice_free(&n);
	}
}

/* GB/T 9704: a 版头 with marks on one line, the number above the title */
static void test_prc_top(void)
{
	gw_notice n;

	CHECK(parse("秘密★1年　加急\n科学技术部文件\n国科发区〔2020〕73号\n关于某事的请示\n国务院：\n正文。\n",
	            &n) == 0);
	CHECK_PART(&n, GW_NP_SECRECY, "秘密★1年");
	CHECK_PART(&n, GW_NP_URGENCY, "加急");
	CHECK_PART(&n, GW_NP_NUMBER, "国科发区〔2020〕73号");
	CHECK_PART(&n, GW_NP_TITLE, "关于某事的请示");
	CHECK_PART(&n, GW_NP_KIND, "请示");
	CHECK_PART(&n, GW_NP_ADDRESSEES, "国务院：");
	CHECK_PART(&n, GW_NP_ISSUER, "科学技术部");
	CHECK_PART(&n, GW_NP_BODY, "正文。");
	CHECK_PART(&n, GW_NP_COPY, NULL);
	gw_notice_free(&n);
	/* a first line of six digits alone is a copy number only above a title */
	CHECK(parse("123456\n关于某事的通知\n正文。\n", &n) == 0);
	CHECK_PART(&n, GW_NP_COPY, "123456");
	CHECK_PART(&n, GW_NP_TITLE, "关于某事的通知");
	gw_notice_free(&n);
	/* 印发 in the body's prose is no 版记 */
	CHECK(parse("关于某事的通知\n本办法由省政府办公厅于2020年3月25日印发\n", &n) == 0);
	CHECK_PART(&n, GW_NP_PRINTED, NULL);
	gw_notice_free(&n);
}

int main(void)
{
	RUN(test_seed_parts);
	RUN(test_seed_table);
	RUN(test_sc_2023);
	RUN(test_tc_2019);
	RUN(test_other_corpus);
	RUN(test_no_structure);
	RUN(test_bom_crlf);
	RUN(test_numbers);
	RUN(test_dates);
	RUN(test_titles);
	RUN(test_issuers);
	RUN(test_addressees);
	RUN(test_closings);
	RUN(test_disclosure);
	RUN(test_ragged_row);
	RUN(test_header_only);
	RUN(test_merged_any_column);
	RUN(test_table_edges);
	RUN(test_trailing);
	RUN(test_invalid_utf8);
	RUN(test_taiwan_han);
	RUN(test_taiwan_gonggao);
	RUN(test_prc_header);
	RUN(test_macau_hk);
	RUN(test_labels);
	RUN(test_signers);
	RUN(test_kinds);
	RUN(test_prc_top);
	return TEST_EXIT();
}
