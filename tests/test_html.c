/* test_html: notices as web pages (lib/read/gw_html.c, gw_notice_parse_html),
 * and the indexer's .html reader on top of it (lib/read/gw_html.c).
 *
 * The bundled page corpus/notice-html-2022.html and the pages in
 * tests/data/html are checked part by part and cell by cell: merged cells
 * expanded, entities decoded, navigation and scripts gone, and the GBK and
 * Big5 copies of a page giving exactly what its UTF-8 copy gives. Small
 * pages written inline are tables of input -> expected table, title or
 * error. Tests run from the repository root. */
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "read/gw_html.h"
#include "gw_test.h"
#include "../indexer/indexer.h"

static const char *const part_names[GW_NP_COUNT] = GW_NOTICE_FIELD_NAMES;

/* Reads a whole file into *len bytes (malloc'd), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	gw_buf b = GW_BUF_INIT;
	size_t n;

	*len = 0;
	if (!fp)
		return NULL;
	do {
		if (gw_buf_reserve(&b, 65536))
			break;
		n = fread(b.p + b.len, 1, b.cap - b.len, fp);
		b.len += n;
	} while (n > 0);
	fclose(fp);
	*len = b.len;
	return (char *)b.p;
}

/* Parses the page in file path into n; returns the rc. */
static gw_rc parse_file(const char *path, gw_notice *n, gw_err *err)
{
	size_t len;
	char *bytes = slurp(path, &len);
	gw_rc rc;

	gw_err_clear(err);
	if (!bytes) {
		memset(n, 0, sizeof *n);
		fprintf(stderr, "  cannot read %s\n", path);
		return GW_EIO;
	}
	rc = gw_notice_parse_html(bytes, len, n, err);
	free(bytes);
	return rc;
}

static gw_rc parse_str(const char *html, gw_notice *n, gw_err *err)
{
	gw_err_clear(err);
	return gw_notice_parse_html(html, strlen(html), n, err);
}

/* Table t as "cap=C H=[a|b] R=[1|2] R=[3|4]" (static storage). */
static const char *table_str(const gw_table *t)
{
	static char out[4096];
	gw_buf b = GW_BUF_INIT;

	gw_buf_printf(&b, "cap=%s H=[", t->caption);
	for (size_t c = 0; c < t->ncols; c++)
		gw_buf_printf(&b, "%s%s", c ? "|" : "", t->header[c]);
	gw_buf_putc(&b, ']');
	for (size_t r = 0; r < t->nrows; r++) {
		gw_buf_puts(&b, " R=[");
		for (size_t c = 0; c < t->ncols; c++)
			gw_buf_printf(&b, "%s%s", c ? "|" : "", t->rows[r].cells[c]);
		gw_buf_putc(&b, ']');
	}
	gw_buf_putc(&b, '\0');
	snprintf(out, sizeof out, "%s", gw_buf_ok(&b) ? (char *)b.p : "(oom)");
	gw_buf_free(&b);
	return out;
}

/* Whether s occurs in any part, caption, header or cell of n. */
static int notice_has(const gw_notice *n, const char *s)
{
	for (int k = 0; k < GW_NP_COUNT; k++)
		if (n->part[k] && strstr(n->part[k], s))
			return 1;
	for (size_t i = 0; i < n->ntables; i++) {
		const gw_table *t = &n->tables[i];
		if (strstr(t->caption, s))
			return 1;
		for (size_t c = 0; c < t->ncols; c++) {
			if (strstr(t->header[c], s))
				return 1;
			for (size_t r = 0; r < t->nrows; r++)
				if (strstr(t->rows[r].cells[c], s))
					return 1;
		}
	}
	return 0;
}

/* Whether a and b hold the same parts, tables and notes. */
static int same_notice(const gw_notice *a, const gw_notice *b)
{
	int same = a->ntables == b->ntables && a->nnotes == b->nnotes;

	for (int k = 0; k < GW_NP_COUNT; k++) {
		int eq = (!a->part[k] && !b->part[k]) ||
		         (a->part[k] && b->part[k] && strcmp(a->part[k], b->part[k]) == 0);
		if (!eq)
			fprintf(stderr, "  part %s differs: '%s' vs '%s'\n", part_names[k],
			        a->part[k] ? a->part[k] : "(null)", b->part[k] ? b->part[k] : "(null)");
		same &= eq;
	}
	for (size_t i = 0; same && i < a->ntables; i++) {
		char ta[4096];
		snprintf(ta, sizeof ta, "%s", table_str(&a->tables[i]));
		same &= strcmp(ta, table_str(&b->tables[i])) == 0;
	}
	for (size_t i = 0; same && i < a->nnotes; i++)
		same &= a->notes[i].line == b->notes[i].line &&
		        strcmp(a->notes[i].msg, b->notes[i].msg) == 0;
	return same;
}

/* ---- the bundled page ----------------------------------------------------- */

static void test_corpus_page(void)
{
	gw_notice n;
	gw_err err;

	CHECK(parse_file("corpus/notice-html-2022.html", &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE],
	          "科技部办公厅关于公布2022年度农业科技园区创新服务平台名单的通知");
	CHECK_STR(n.part[GW_NP_ADDRESSEES],
	          "各省、自治区、直辖市及新疆生产建设兵团科技厅（委、局），有关单位：");
	CHECK_STR(n.part[GW_NP_CLOSING], "特此通知。");
	CHECK_STR(n.part[GW_NP_DATE], "2022-09-16");
	CHECK_STR(n.part[GW_NP_DISCLOSURE], "此件主动公开");
	CHECK(n.part[GW_NP_NUMBER] && strstr(n.part[GW_NP_NUMBER], "国科办农〔2022〕58号"));
	/* entities: &ldquo; &rdquo; &#x4E2D; &amp; decoded, &nbsp; gone */
	CHECK(n.part[GW_NP_BODY] && strstr(n.part[GW_NP_BODY], "贯彻落实“十四五”国家科技创新规划"));
	CHECK(n.part[GW_NP_BODY] && strstr(n.part[GW_NP_BODY], "农业科技中长期发展规划"));
	CHECK(!notice_has(&n, "\xC2\xA0") && !notice_has(&n, "&nbsp") && !notice_has(&n, "&#x") &&
	      !notice_has(&n, "&ldquo") && !notice_has(&n, "&amp"));
	/* the site around the notice is not part of it */
	static const char *const absent[] = {
	    "科学技术部门户网站", "请输入关键词", "机构设置", "互动交流", "当前位置", "热点专题",
	    "科技特派员", "阅读次数", "分享到",  "微博",       "主办单位", "网站标识码",
	    "siteName",        "_hmt",       "text-indent", NULL};
	for (size_t i = 0; absent[i]; i++)
		if (notice_has(&n, absent[i])) {
			fprintf(stderr, "  '%s' should not be in the notice\n", absent[i]);
			CHECK(!"site text in the notice");
		}
	CHECK(n.ntables == 1);
	if (n.ntables == 1) {
		const gw_table *t = &n.tables[0];
		CHECK_STR(table_str(t),
		          "cap=2022年度农业科技园区创新服务平台名单 H=[序号|省份|依托园区|平台名称|服务领域]"
		          " R=[1|江苏|南京白马国家农业科技园区|白马园区种业创新服务平台|种业]"
		          " R=[2|江苏|常熟国家农业科技园区|常熟园区智慧农机服务平台|农机装备]"
		          " R=[3|陕西|杨凌农业高新技术产业示范区旱区农业综合服务平台"
		          "|杨凌农业高新技术产业示范区旱区农业综合服务平台|旱作农业]"
		          " R=[4|四川|成都国家农业科技园区|成都园区都市农业服务平台|都市农业]"
		          " R=[5|四川|雅安国家农业科技园区|雅安园区茶产业服务平台|茶叶&特色经济作物]"
		          " R=[6|黑龙江|佳木斯国家农业科技园区|寒地水稻科技服务平台|粮食作物]");
		CHECK(t->nrows == 6 && t->ncols == 5);
		/* rows that got a cell from a rowspan above say so */
		CHECK(t->nrows == 6 && !t->rows[0].repaired && t->rows[1].repaired &&
		      !t->rows[2].repaired && t->rows[4].repaired);
		CHECK(t->line == 62 && t->rows[0].line == 0);
	}
	CHECK(n.nnotes == 0);
	gw_notice_free(&n);
}

/* ---- the pages in tests/data/html ----------------------------------------- */

static const char *const nav_text[] = {"欢迎您 首页", "首页",     "政务公开", "办事服务",
                                       "栏目导航",    "政策法规", "您现在的位置", "版权所有",
                                       "ICP",         "脚本",     "counterText", NULL};

static void test_table_layout_page(void)
{
	gw_notice n;
	gw_err err;

	CHECK(parse_file("tests/data/html/notice-utf8.html", &n, &err) == GW_OK);
	/* the title is a <div class="title"> with a <br>, the same as the
	 * <meta name="ArticleTitle">; the <title> has the site's name */
	CHECK_STR(n.part[GW_NP_TITLE],
	          "江苏省科学技术厅关于公布2022年第一批省级众创空间备案名单的通知");
	CHECK_STR(n.part[GW_NP_DATE], "2022-05-06");
	CHECK(n.part[GW_NP_BODY] && strstr(n.part[GW_NP_BODY], "的“指导、服务、评估”，推动"));
	/* a sentence wrapped in the source is one line again */
	CHECK(n.part[GW_NP_BODY] && strstr(n.part[GW_NP_BODY], "实地核查，同意紫金山"));
	CHECK(n.part[GW_NP_BODY] && strstr(n.part[GW_NP_BODY], "科技型中小企业"));
	for (size_t i = 0; nav_text[i]; i++)
		if (notice_has(&n, nav_text[i])) {
			fprintf(stderr, "  '%s' should not be in the notice\n", nav_text[i]);
			CHECK(!"site text in the notice");
		}
	CHECK(n.ntables == 1);
	if (n.ntables == 1)
		CHECK_STR(table_str(&n.tables[0]),
		          "cap=2022年第一批省级众创空间备案名单 H=[序号|地区|名称|运营单位]"
		          " R=[1|南京市|紫金山创客空间|南京紫金创业服务有限公司]"
		          " R=[2|南京市|鼓楼青年众创空间|鼓楼区科技创业中心]"
		          " R=[3|南京市|江宁智能制造众创空间|江宁智能制造众创空间]"
		          " R=[4|苏州市|独墅湖生物医药众创空间|苏州独墅湖创新服务中心]");
	gw_notice_free(&n);
}

/* A page and its copy in another charset give the same notice. */
static void check_twins(const char *utf8, const char *other, const char *title)
{
	gw_notice a, b;
	gw_err err;

	CHECK(parse_file(utf8, &a, &err) == GW_OK);
	CHECK(parse_file(other, &b, &err) == GW_OK);
	CHECK_STR(b.part[GW_NP_TITLE], title);
	CHECK(b.ntables == 1);
	CHECK(same_notice(&a, &b));
	gw_notice_free(&a);
	gw_notice_free(&b);
}

static void test_gbk_and_big5(void)
{
	check_twins("tests/data/html/notice-utf8.html", "tests/data/html/notice-gbk.html",
	            "江苏省科学技术厅关于公布2022年第一批省级众创空间备案名单的通知");
	check_twins("tests/data/html/notice-trad-utf8.html", "tests/data/html/notice-big5.html",
	            "江蘇省科學技術廳關於公佈2022年第一批省級眾創空間備案名單的通知");
}

/* ---- pages that cannot be used -------------------------------------------- */

static const struct {
	const char *html;
	const char *msg; /* the start of the message */
} bad_pages[] = {
    {"", "empty page"},
    {"\xEF\xBB\xBF", "empty page"},
    {"plain text, no markup at all", "not an HTML document: no tags"},
    {"<html><head><meta charset=\"x-klingon\"></head><body>qapla'</body></html>",
     "unsupported charset 'x-klingon'"},
    {"<html><head><title></title><script>var x = 1;</script></head><body> &nbsp; "
     "<nav>首页</nav></body></html>",
     "no text in the page"},
    {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
     "\x5c\x72\xa8\x66\x00\x00\x00\x01sRGB\x00\xae\xce\x1c\xe9",
     "not an HTML document"},
};

static void test_unusable(void)
{
	gw_notice n;
	gw_err err;

	for (size_t i = 0; i < sizeof bad_pages / sizeof bad_pages[0]; i++) {
		gw_rc rc = parse_str(bad_pages[i].html, &n, &err);
		CHECK(rc == GW_EINVAL);
		if (strncmp(err.msg, bad_pages[i].msg, strlen(bad_pages[i].msg)) != 0) {
			fprintf(stderr, "  case %zu: message '%s'\n", i, err.msg);
			CHECK(!"wrong message");
		}
		CHECK(n.part[GW_NP_TITLE] == NULL && n.ntables == 0 && n.tables == NULL);
		gw_notice_free(&n);
	}
	CHECK(parse_file("tests/data/html/garbage.html", &n, &err) == GW_EINVAL);
	CHECK(strncmp(err.msg, "not an HTML document: ", 22) == 0);
	gw_notice_free(&n);
}

/* ---- tables ----------------------------------------------------------------- */

static const struct {
	const char *body; /* inside <body> */
	const char *want; /* table_str of the first table, or "" for none */
} table_cases[] = {
    /* a 2x2 block, then a cell under it */
    {"<table><tr><th>a</th><th>b</th><th>c</th></tr>"
     "<tr><td rowspan=2 colspan=2>X</td><td>1</td></tr><tr><td>2</td></tr>"
     "<tr><td>p</td><td>q</td><td>r</td></tr></table>",
     "cap= H=[a|b|c] R=[X|X|1] R=[X|X|2] R=[p|q|r]"},
    /* rowspan="0" runs to the end; a rowspan past the end is cut */
    {"<table><tr><td>k</td><td>v</td></tr><tr><td rowspan=0>all</td><td>1</td></tr>"
     "<tr><td>2</td></tr><tr><td>3</td></tr></table>",
     "cap= H=[k|v] R=[all|1] R=[all|2] R=[all|3]"},
    {"<table><tr><td>k</td><td>v</td></tr><tr><td rowspan=9>z</td><td>1</td></tr></table>",
     "cap= H=[k|v] R=[z|1]"},
    /* a rowspan in the header row; a colspan of a whole data row */
    {"<table><tr><th rowspan=2>省份</th><th>名称</th></tr><tr><td>甲</td></tr>"
     "<tr><td colspan=2>合计</td></tr></table>",
     "cap= H=[省份|名称] R=[省份|甲] R=[合计|合计]"},
    /* a nested table is text of its cell */
    {"<table><tr><td>单位</td><td>成员</td></tr><tr><td>甲</td><td><table><tr><td>张三</td>"
     "<td>李四</td></tr><tr><td>王五</td></tr></table></td></tr></table>",
     "cap= H=[单位|成员] R=[甲|张三 李四 王五]"},
    /* thead/tbody, a <caption>, and a title row before the <th> row */
    {"<table><caption>名单 </caption><thead><tr><td colspan=2>第一批</td></tr>"
     "<tr><th>序号</th><th>名称</th></tr></thead><tbody><tr><td>1</td><td>甲</td></tr>"
     "</tbody></table>",
     "cap=名单 H=[序号|名称] R=[1|甲]"},
    /* the line of text above the table is its caption; empty rows skipped */
    {"<p>附件</p><p>2023年名单</p><table><tr><td>序号</td><td></td></tr>"
     "<tr><td></td><td> </td></tr><tr><td>1</td><td>甲</td></tr></table>",
     "cap=2023年名单 H=[序号|column 2] R=[1|甲]"},
    /* cell text: <br> and wrapped Chinese joined, other line breaks a
     * space, &nbsp; and entities */
    {"<table><tr><td>a</td><td>b</td><td>c</td><td>d</td></tr>"
     "<tr><td>北京市<br>海淀区</td><td>Big\n  Data</td><td><a>甲</a>\n<a>乙</a></td>"
     "<td>&nbsp;R&amp;D&nbsp;&#20013;</td></tr></table>",
     "cap= H=[a|b|c|d] R=[北京市海淀区|Big Data|甲 乙|R&D 中]"},
    /* layout tables are text: one row, one column, a heading in a cell */
    {"<table><tr><td>甲</td><td>乙</td></tr></table>", ""},
    {"<table><tr><td>甲</td></tr><tr><td>乙</td></tr></table>", ""},
    {"<table><tr><td><h1>标题</h1></td><td>x</td></tr><tr><td>1</td><td>2</td></tr></table>",
     ""},
    /* navigation inside a table is skipped, as anywhere */
    {"<table><tr><td>k</td><td class=\"menu\">菜单</td><td>v</td></tr>"
     "<tr><td>1</td><td style=\"display: none\">隐藏</td><td>2</td></tr></table>",
     "cap= H=[k|v] R=[1|2]"},
};

static void test_tables(void)
{
	for (size_t i = 0; i < sizeof table_cases / sizeof table_cases[0]; i++) {
		gw_buf page = GW_BUF_INIT;
		gw_notice n;
		gw_err err;

		gw_buf_printf(&page, "<html><body><p>正文。</p>%s</body></html>", table_cases[i].body);
		gw_buf_putc(&page, '\0');
		CHECK(parse_str((const char *)page.p, &n, &err) == GW_OK);
		if (table_cases[i].want[0] == '\0') {
			CHECK(n.ntables == 0);
		} else if (n.ntables != 1) {
			fprintf(stderr, "  case %zu: %zu tables\n", i, n.ntables);
			CHECK(n.ntables == 1);
		} else {
			if (strcmp(table_str(&n.tables[0]), table_cases[i].want) != 0)
				fprintf(stderr, "  case %zu:\n", i);
			CHECK_STR(table_str(&n.tables[0]), table_cases[i].want);
		}
		gw_notice_free(&n);
		gw_buf_free(&page);
	}
}

/* A layout table's text stays in the notice; a short row is noted. */
static void test_layout_text_and_notes(void)
{
	gw_notice n;
	gw_err err;

	CHECK(parse_str("<html><body><table><tr><td>关于开展检查的通知</td></tr>"
	                "<tr><td>各单位：</td></tr></table>"
	                "<table><tr><th>a</th><th>b</th><th>c</th></tr>\n"
	                "<tr><td>1</td><td>2</td><td>3</td></tr>\n"
	                "<tr><td>4</td><td>5</td></tr></table></body></html>",
	                &n, &err) == GW_OK);
	CHECK(notice_has(&n, "关于开展检查的通知") && notice_has(&n, "各单位："));
	CHECK(n.ntables == 1 && n.nnotes == 1);
	if (n.ntables == 1)
		CHECK_STR(table_str(&n.tables[0]), "cap= H=[a|b|c] R=[1|2|3] R=[4|5|]");
	if (n.nnotes == 1) {
		CHECK_STR(n.notes[0].msg, "table 1 row 2: 2 cells for 3 columns; the rest left empty");
		CHECK(n.notes[0].line == 3);
	}
	gw_notice_free(&n);
}

/* ---- titles, charsets, what is skipped -------------------------------------- */

static const struct {
	const char *html;
	const char *title;
} title_cases[] = {
    /* a banner <h1> loses to the <h2> that matches the <title> */
    {"<html><head><title>关于做好2023年防汛工作的通知_通知公告_某市人民政府</title></head><body>"
     "<h1>某市人民政府</h1><h2>关于做好2023年防汛工作的通知</h2><p>各区：</p><p>正文。</p>"
     "</body></html>",
     "关于做好2023年防汛工作的通知"},
    /* an <h1> with a <br> is one title */
    {"<html><head><title>网站 - 首页</title></head><body><h1>关于印发<br/>管理办法的通知</h1>"
     "<p>正文。</p></body></html>",
     "关于印发管理办法的通知"},
    /* no heading: the <title> without the site, when the text's first
     * line is a sentence */
    {"<html><head><title>某某局 | 关于调整办公时间的公告</title></head><body>"
     "<p>自即日起，本局办公时间调整为上午九时至下午五时。</p></body></html>",
     "关于调整办公时间的公告"},
    /* an <article>'s <header> is part of it, the page's is not */
    {"<html><body><header><h1>某省人民政府门户网站</h1></header><article><header>"
     "<h1>关于开展安全生产大检查的通知</h1></header><p>各市：</p></article></body></html>",
     "关于开展安全生产大检查的通知"},
};

static void test_titles(void)
{
	for (size_t i = 0; i < sizeof title_cases / sizeof title_cases[0]; i++) {
		gw_notice n;
		gw_err err;

		CHECK(parse_str(title_cases[i].html, &n, &err) == GW_OK);
		if (!n.part[GW_NP_TITLE] || strcmp(n.part[GW_NP_TITLE], title_cases[i].title) != 0)
			fprintf(stderr, "  case %zu:\n", i);
		CHECK_STR(n.part[GW_NP_TITLE], title_cases[i].title);
		gw_notice_free(&n);
	}
}

/* Charsets from a BOM, an http-equiv <meta> in upper case, an XML
 * declaration; 中文 in each. */
static const struct {
	const char *bytes;
	size_t len;
} charset_cases[] = {
#define C(s) {s, sizeof s - 1}
    C("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\">"
      "</head><body><table><tr><td>k</td><td>v</td></tr><tr><td>x</td><td>\xD6\xD0\xCE\xC4"
      "</td></tr></table></body></html>"),
    C("<?xml version=\"1.0\" encoding=\"gbk\"?><html><body><table><tr><td>k</td><td>v</td></tr>"
      "<tr><td>x</td><td>\xD6\xD0\xCE\xC4</td></tr></table></body></html>"),
    C("<html><head><meta charset='big5'></head><body><table><tr><td>k</td><td>v</td></tr>"
      "<tr><td>x</td><td>\xA4\xA4\xA4\xE5</td></tr></table></body></html>"),
    /* a BOM wins over what the <meta> says */
    C("\xEF\xBB\xBF<html><head><meta charset=\"gbk\"></head><body><table><tr><td>k</td>"
      "<td>v</td></tr><tr><td>x</td><td>\xE4\xB8\xAD\xE6\x96\x87</td></tr></table></body></html>"),
    C("\xFF\xFE<\0t\0a\0b\0l\0e\0>\0<\0t\0r\0>\0<\0t\0d\0>\0k\0<\0t\0d\0>\0v\0<\0t\0r\0>\0"
      "<\0t\0d\0>\0x\0<\0t\0d\0>\0\x2D\x4E\x87\x65<\0/\0t\0a\0b\0l\0e\0>\0"),
    /* pages that lie: GBK saying nothing, GBK saying UTF-8, UTF-8 saying
     * GBK (enough Chinese to be sure) */
    C("<html><body><table><tr><td>k</td><td>v</td></tr><tr><td>x</td><td>\xD6\xD0\xCE\xC4"
      "</td></tr></table></body></html>"),
    C("<html><head><meta charset=\"utf-8\"></head><body><table><tr><td>k</td><td>v</td></tr>"
      "<tr><td>x</td><td>\xD6\xD0\xCE\xC4</td></tr></table></body></html>"),
    C("<html><head><meta charset=\"gb2312\"></head><body><p>这是一段用万国码写成的正文。</p>"
      "<table><tr><td>k</td><td>v</td></tr><tr><td>x</td><td>中文</td></tr></table></body></html>"),
#undef C
};

static void test_charsets(void)
{
	for (size_t i = 0; i < sizeof charset_cases / sizeof charset_cases[0]; i++) {
		gw_notice n;
		gw_err err;

		gw_err_clear(&err);
		CHECK(gw_notice_parse_html(charset_cases[i].bytes, charset_cases[i].len, &n, &err) ==
		      GW_OK);
		if (n.ntables != 1 || strcmp(table_str(&n.tables[0]), "cap= H=[k|v] R=[x|中文]") != 0)
			fprintf(stderr, "  case %zu: %s\n", i, err.msg);
		CHECK(n.ntables == 1);
		if (n.ntables == 1)
			CHECK_STR(table_str(&n.tables[0]), "cap= H=[k|v] R=[x|中文]");
		gw_notice_free(&n);
	}
}

static void test_skipped(void)
{
	gw_notice n;
	gw_err err;

	CHECK(parse_str("<html><body><div id=\"breadcrumb\">位置一</div><ul class=\"sub-nav\"><li>位置二"
	                "</li></ul><div class=\"left_menu\">位置三</div><aside class=\"sidebar\">位置四"
	                "</aside><div hidden>位置五</div><noscript>位置六</noscript><style>p{}</style>"
	                "<p>关于开展检查的通知</p><p>正文<span style=\"DISPLAY:NONE\">位置七</span>。</p>"
	                "<div class=\"page-footer\">位置八</div><footer>位置九</footer>"
	                "<article><p>第二段</p><footer>发布日期：2023年1月5日</footer></article>"
	                "</body></html>",
	                &n, &err) == GW_OK);
	CHECK(notice_has(&n, "关于开展检查的通知") && notice_has(&n, "正文。"));
	CHECK(notice_has(&n, "第二段") && notice_has(&n, "发布日期"));
	CHECK(!notice_has(&n, "位置") && !notice_has(&n, "p{}"));
	gw_notice_free(&n);
}

/* ---- pages as saved from government sites ---------------------------------- */

/* Page furniture that must not reach any part of a saved page. */
static const char *const furniture_words[] = {
    "简 | 繁", "登录", "首页", "首頁", "当前位置", "現在位置", "版权所有", "版權所有", "ICP备",
    "网站标识码", "打印", "列印", "关闭窗口", "分享到", "相关链接", "浏览次数", "索引号",
    "字体", "责任编辑", "回上頁", ":::", NULL};

static void check_clean(const char *path, const gw_notice *n)
{
	for (size_t i = 0; furniture_words[i]; i++)
		if (notice_has(n, furniture_words[i])) {
			fprintf(stderr, "  %s: '%s' in the notice\n", path, furniture_words[i]);
			gw_t_failed++;
		}
}

static void test_saved_pages(void)
{
	gw_notice n;
	gw_err err;

	/* 国务院公报: the article in #UCAP-CONTENT, its title in div.pages-title,
	 * the <title> only the site's name; the text's own date */
	CHECK(parse_file("tests/data/html/gov-gongbao.html", &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE], "国务院关于取消和下放一批行政许可事项的决定");
	CHECK_STR(n.part[GW_NP_NUMBER], "国发〔2020〕13号");
	CHECK_STR(n.part[GW_NP_ISSUER], "国务院");
	CHECK_STR(n.part[GW_NP_DATE], "2020-09-13");
	CHECK_STR(n.part[GW_NP_DISCLOSURE], "此件公开发布");
	CHECK(n.part[GW_NP_BODY] && strncmp(n.part[GW_NP_BODY], "经研究论证", 15) == 0);
	CHECK(n.ntables == 0 && !n.part[GW_NP_TRAILING] && !n.part[GW_NP_APPENDIX]);
	check_clean("gov-gongbao.html", &n);
	gw_notice_free(&n);

	/* 政策: the metadata table gives title, number, issuer and the date
	 * (成文日期, not 发布日期 or <meta firstpublishedtime>), and is no
	 * table of records */
	CHECK(parse_file("tests/data/html/gov-zhengce.html", &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE], "国务院办公厅关于加强城市内涝治理的实施意见的通知");
	CHECK_STR(n.part[GW_NP_NUMBER], "国办发〔2020〕51号");
	CHECK_STR(n.part[GW_NP_ISSUER], "国务院办公厅");
	CHECK_STR(n.part[GW_NP_DATE], "2020-12-18");
	CHECK_STR(n.part[GW_NP_ADDRESSEES], "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：");
	CHECK_STR(n.part[GW_NP_CLOSING], "特此通知。");
	CHECK(n.ntables == 0 && !notice_has(&n, "000014349"));
	check_clean("gov-zhengce.html", &n);
	gw_notice_free(&n);

	/* a provincial 通知公告 in GBK: the breadcrumb (a div saying nothing
	 * in its class) and the footer lines dropped, the date from 发布日期 */
	CHECK(parse_file("tests/data/html/province-gbk.html", &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE], "关于开展2021年度省级科技企业孵化器绩效评价工作的通知");
	CHECK_STR(n.part[GW_NP_ADDRESSEES], "各设区市科技局，各有关孵化器：");
	CHECK_STR(n.part[GW_NP_DATE], "2021-03-05");
	CHECK(notice_has(&n, "联系人：王五"));
	check_clean("province-gbk.html", &n);
	gw_notice_free(&n);

	/* a Taiwan ministry's news: div.cp, 發布日期 before <meta DC.Date> */
	CHECK(parse_file("tests/data/html/taiwan-news.html", &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE], "經濟部推動中小企業數位轉型 補助計畫即日起受理申請");
	CHECK_STR(n.part[GW_NP_DATE], "2021-03-05");
	CHECK(n.part[GW_NP_BODY] && strncmp(n.part[GW_NP_BODY], "為協助中小企業", 21) == 0);
	check_clean("taiwan-news.html", &n);
	gw_notice_free(&n);
}

/* Where the date comes from: a table of page -> date (NULL: none). */
static void test_dates(void)
{
	static const struct {
		const char *head, *body, *date;
	} cases[] = {
	    {"<meta name=\"PubDate\" content=\"2022-06-01 10:00\">", "<p>正文。</p>", "2022-06-01"},
	    {"<meta property=\"article:published_time\" content=\"2022-06-02T08:00:00+08:00\">",
	     "<p>正文。</p>", "2022-06-02"},
	    {"<meta name=\"dc.date\" content=\"2022/6/3\">", "<p>正文。</p>", "2022-06-03"},
	    {"<meta name=\"firstpublishedtime\" content=\"2022-06-09-17:30:05\">", "<p>正文。</p>",
	     "2022-06-09"},
	    /* the text's own date beats <meta> and 发布日期 */
	    {"<meta name=\"PubDate\" content=\"2022-06-01\">",
	     "<p>关于开展检查的通知</p><p>各单位：</p><p>正文。</p><p>某某局</p><p>2022年5月1日</p>",
	     "2022-05-01"},
	    {"", "<p>发布日期：2022-06-05</p><p>关于开展检查的通知</p><p>各单位：</p><p>正文。</p>"
	         "<p>某某局</p><p>2022年5月1日</p>",
	     "2022-05-01"},
	    /* 成文日期 beats the text's */
	    {"", "<p>成文日期：2022年4月30日</p><p>关于开展检查的通知</p><p>各单位：</p><p>正文。</p>"
	         "<p>某某局</p><p>2022年5月1日</p>",
	     "2022-04-30"},
	    /* 发布时间 with a time, beating <meta> */
	    {"<meta name=\"PubDate\" content=\"2022-06-01\">",
	     "<div>来源：某某局　发布时间：2022-06-04 10:30　浏览次数：3</div><p>正文。</p>",
	     "2022-06-04"},
	    /* the value in the next cell, the label spaced out */
	    {"", "<table><tr><td>发布&nbsp;日期：</td><td> 2022-06-06 </td></tr></table><p>正文。</p>",
	     "2022-06-06"},
	    /* a column named 发布日期 is no label: no date, and a table of records */
	    {"", "<table><tr><td>标题</td><td>发布日期</td></tr><tr><td>甲</td><td>2022-06-07</td>"
	         "</tr></table>",
	     NULL},
	    /* no date that is one */
	    {"<meta name=\"PubDate\" content=\"yesterday\">", "<p>发布日期：2022-13-45</p><p>正文。</p>",
	     NULL},
	    {"", "<p>发布日期：</p>", NULL},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_buf page = GW_BUF_INIT;
		gw_notice n;
		gw_err err;

		gw_buf_printf(&page, "<html><head>%s</head><body>%s</body></html>", cases[i].head,
		              cases[i].body);
		gw_buf_putc(&page, '\0');
		CHECK(parse_str((const char *)page.p, &n, &err) == GW_OK);
		if (cases[i].date)
			CHECK_STR(n.part[GW_NP_DATE], cases[i].date);
		else if (n.part[GW_NP_DATE]) {
			fprintf(stderr, "  case %zu: date %s, want none\n", i, n.part[GW_NP_DATE]);
			gw_t_failed++;
		}
		if (i == 9)
			CHECK(n.ntables == 1);
		gw_notice_free(&n);
		gw_buf_free(&page);
	}
}

/* Without a known container: the block of densest text is the article;
 * blocks of links go, those of attachments stay. */
static void test_dense_block(void)
{
	gw_notice n;
	gw_err err;

	CHECK(parse_str("<html><head><title>首页</title></head><body>"
	                "<div class=\"tb\"><a href=\"/\">简</a> | <a href=\"/b\">繁</a> | "
	                "<a href=\"/e\">EN</a> | <a href=\"/l\">登录</a></div>"
	                "<div class=\"lm\"><a href=\"/1\">机构</a><a href=\"/2\">政策</a>"
	                "<a href=\"/3\">服务</a><a href=\"/4\">互动</a><a href=\"/5\">数据</a></div>"
	                "<div class=\"wz\">您现在的位置：<a href=\"/\">首页</a> &gt; 通知</div>"
	                "<div class=\"nr\"><div class=\"bt\"><h3>关于调整办公时间的公告</h3></div>"
	                "<p>自即日起，本局办公时间调整为上午九时至下午五时。</p>"
	                "<p>节假日另行通知，请相互转告。</p>"
	                "<p>附件：<a href=\"/f/1.docx\">1.作息时间表</a> <a href=\"/f/2.pdf\">2.值班表</a></p>"
	                "</div><div class=\"db\"><a href=\"/a\">关于我们</a> | <a href=\"/c\">联系我们</a>"
	                "<p>主办单位：某某局</p></div></body></html>",
	                &n, &err) == GW_OK);
	CHECK_STR(n.part[GW_NP_TITLE], "关于调整办公时间的公告");
	CHECK(notice_has(&n, "本局办公时间调整为上午九时至下午五时"));
	CHECK(notice_has(&n, "作息时间表") && notice_has(&n, "值班表"));
	check_clean("dense block", &n);
	CHECK(!notice_has(&n, "机构") && !notice_has(&n, "关于我们") && !notice_has(&n, "主办单位"));
	gw_notice_free(&n);

	/* a page of nothing but links is still read (whole) */
	CHECK(parse_str("<html><body><div><a href=\"/1\">甲</a> <a href=\"/2\">乙</a> "
	                "<a href=\"/3\">丙</a></div></body></html>",
	                &n, &err) == GW_OK);
	CHECK(notice_has(&n, "甲") && notice_has(&n, "丙"));
	gw_notice_free(&n);
}

/* ---- through the indexer ------------------------------------------------------ */

typedef struct rec {
	size_t ndocs, nrecords;
	char first_id[256], last_id[256];
	char msg[512];
	size_t nmsgs;
} rec;

static gw_rc record_doc(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	rec *r = ctx;

	(void)file;
	(void)line;
	(void)err;
	if (r->ndocs++ == 0)
		snprintf(r->first_id, sizeof r->first_id, "%.*s", (int)doc->id_len, doc->id);
	snprintf(r->last_id, sizeof r->last_id, "%.*s", (int)doc->id_len, doc->id);
	for (size_t i = 0; i < doc->nfields; i++)
		if (doc->fields[i].name_len == 5 && memcmp(doc->fields[i].name, "_type", 5) == 0 &&
		    doc->fields[i].val_len == 6 && memcmp(doc->fields[i].val, "record", 6) == 0)
			r->nrecords++;
	return GW_OK;
}

static void record_msg(void *ctx, const char *file, long line, const char *msg)
{
	rec *r = ctx;

	r->nmsgs++;
	if (line > 0)
		snprintf(r->msg, sizeof r->msg, "%s:%ld: %s", file, line, msg);
	else
		snprintf(r->msg, sizeof r->msg, "%s: %s", file, msg);
}

static void test_indexer(void)
{
	rec r;
	gw_input in;

	memset(&r, 0, sizeof r);
	gw_input_init(&in, record_doc, &r, record_msg, &r);
	in.id_column = NULL;
	gw_input_path(&in, "./corpus//notice-html-2022.html");
	CHECK(in.nrejected == 0 && r.nmsgs == 0);
	CHECK(r.ndocs == 7 && r.nrecords == 6);
	CHECK_STR(r.first_id, "corpus/notice-html-2022.html");
	CHECK_STR(r.last_id, "corpus/notice-html-2022.html#1.6");

	memset(&r, 0, sizeof r);
	gw_input_init(&in, record_doc, &r, record_msg, &r);
	in.id_column = NULL;
	gw_input_path(&in, "tests/data/html/garbage.html");
	gw_input_path(&in, "tests/data/html/notice-big5.html");
	CHECK(in.nrejected == 1 && r.nmsgs == 1);
	CHECK_STR(r.msg, "tests/data/html/garbage.html: binary file, skipped");
	CHECK(r.ndocs == 5 && r.nrecords == 4);
	CHECK_STR(r.first_id, "tests/data/html/notice-big5.html");
}

int main(void)
{
	RUN(test_corpus_page);
	RUN(test_table_layout_page);
	RUN(test_gbk_and_big5);
	RUN(test_unusable);
	RUN(test_tables);
	RUN(test_layout_text_and_notes);
	RUN(test_titles);
	RUN(test_charsets);
	RUN(test_skipped);
	RUN(test_saved_pages);
	RUN(test_dates);
	RUN(test_dense_block);
	RUN(test_indexer);
	return TEST_EXIT();
}
