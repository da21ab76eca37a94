/* test_pdf: the PDF reader's layout (lib/read/gw_pdf_page.c and
 * gw_pdf_layout.c) on pages whose characters are placed by hand, as Poppler
 * would give them: each case is the lines of its pages, where they stand,
 * and the text that must come out. Without Poppler; tests/e2e_pdf.sh reads
 * real PDFs. */
#include "gw_test.h"

#include "read/gw_pdf.h"
#include "text/gw_utf8.h"

#define EM 16.0f  /* a body character */
#define LEFT 80.0f
#define COLS 27   /* characters a full line holds: the right edge is LEFT + 27 em */

typedef struct pages {
	gw_pdf_char c[4][2048];
	size_t n[4];
	int np;
} pages;

/* Places text on page p starting at x, baseline box y..y+1.3em: a Han or
 * full-width character is em wide, others em / 2; a ' ' is not a
 * character but a gap of `gap` before the next, which Poppler marks. */
static void put(pages *t, int p, const char *text, float x, float y, float em, float gap)
{
	size_t i = 0, len = strlen(text);
	unsigned brk = GW_PDF_LINE_START;

	if (p + 1 > t->np)
		t->np = p + 1;
	while (i < len) {
		int32_t cp = gw_utf8_next(text, len, &i);
		gw_pdf_char *c;
		float w;
		if (cp == ' ') {
			brk |= GW_PDF_SPACE_BEFORE;
			x += gap;
			continue;
		}
		w = cp < 0x2000 ? em / 2 : em;
		c = &t->c[p][t->n[p]++];
		c->cp = (uint32_t)cp;
		c->x1 = x;
		c->x2 = x + w;
		c->y1 = y;
		c->y2 = y + 1.3f * em;
		c->brk = brk;
		brk = 0;
		x += w;
	}
}

/* The text the pages give, in out (cap bytes). */
static const char *layout(pages *t, char *out, size_t cap)
{
	gw_pdf_page pg[4] = {GW_PDF_PAGE_INIT, GW_PDF_PAGE_INIT, GW_PDF_PAGE_INIT, GW_PDF_PAGE_INIT};
	gw_buf b = GW_BUF_INIT;
	gw_err err;

	for (int p = 0; p < t->np; p++) {
		gw_err_clear(&err);
		CHECK(gw_pdf_page_build(&pg[p], 595, 842, t->c[p], t->n[p], &err) == GW_OK);
	}
	gw_pdf_layout(pg, (size_t)t->np, &b);
	snprintf(out, cap, "%.*s", (int)b.len, b.len ? (const char *)b.p : "");
	gw_buf_free(&b);
	for (int p = 0; p < t->np; p++)
		gw_pdf_page_free(&pg[p]);
	memset(t, 0, sizeof *t);
	return out;
}

static pages t;
static char out[8192];

/* Line k of a page of body text, 28 pt apart from y = 100. */
static float row(int k) { return 100 + 28 * (float)k; }

static void test_wrapped_han_run_joined(void)
{
	/* 27 characters: the line is full; the next starts at the margin. */
	put(&t, 0, "国务院办公厅关于进一步加强政府网站建设管理工作的意见和其他", LEFT, row(0), EM, 4);
	put(&t, 0, "有关事项的通知。", LEFT, row(1), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "国务院办公厅关于进一步加强政府网站建设管理工作的意见和其他有关事项的通知。");
}

static void test_paragraph_ends_keep_their_break(void)
{
	/* Full, but ends a sentence. */
	put(&t, 0, "政府网站是政府履行职责的重要平台各地区各部门积极推进建设。", LEFT, row(0), EM, 4);
	put(&t, 0, "也要看到一些网站内容更新不及时。", LEFT, row(1), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "政府网站是政府履行职责的重要平台各地区各部门积极推进建设。\n也要看到一些网站内容更新不及时。");
	/* Full, but the next line is indented: a new paragraph. */
	put(&t, 0, "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和", LEFT, row(0), EM, 4);
	put(&t, 0, "一、总体要求", LEFT + 2 * EM, row(1), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和\n一、总体要求");
	/* Shorter than the column. */
	put(&t, 0, "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和", LEFT, row(0), EM, 4);
	put(&t, 0, "附件：政府网站建设管理规范要点", LEFT, row(1), EM, 4);
	put(&t, 0, "特此通知", LEFT, row(2), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out),
	          "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和附件：政府网站建设管理规范要点\n特此通知");
	/* A larger size (a title above the body) is not the same paragraph. */
	put(&t, 0, "国务院办公厅关于政府网站", LEFT, row(0), 36, 4);
	put(&t, 0, "政府网站是政府履行职责的重要平台", LEFT, row(2), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "国务院办公厅关于政府网站\n政府网站是政府履行职责的重要平台");
}

static void test_wrapped_title_centred(void)
{
	/* A 22 pt title of 20 characters a line, the second line centred. */
	float em = 22, left = LEFT, right = LEFT + 20 * em, w2 = 6 * em;

	put(&t, 0, "国务院办公厅关于进一步加强政府网站建设管", left, 100, em, 4);
	put(&t, 0, "理工作的意见", left + (right - left - w2) / 2, 136, em, 4);
	put(&t, 0, "国办发〔2017〕47 号", 200, 180, EM, 3);
	CHECK_STR(layout(&t, out, sizeof out), "国务院办公厅关于进一步加强政府网站建设管理工作的意见\n国办发〔2017〕47号");
}

static void test_letter_spacing_and_gaps(void)
{
	/* Every Han character a space apart: the words they are. */
	put(&t, 0, "本 院 業 經 函 請 該 部 研 議 見 復 。", LEFT + 2 * EM, row(0), EM, 8);
	/* A word processor's gap between Han and digits goes; a real one stays. */
	put(&t, 0, "2017 年 5 月 15 日", LEFT, row(2), EM, 3);
	put(&t, 0, "联系人：张明 电话：010-68200000", LEFT, row(4), EM, 3 * EM);
	put(&t, 0, "中华人民共和国 国务院 令", LEFT, row(6), EM, 8);
	CHECK_STR(layout(&t, out, sizeof out),
	          "本院業經函請該部研議見復。\n2017年5月15日\n联系人：张明 电话：010-68200000\n中华人民共和国 国务院 令");
}

static void test_page_numbers_and_headers(void)
{
	static const char *const foot[] = {"— 1 —", "一 2 一", "第 3 页 共 4 页", "4/4"};

	for (int p = 0; p < 4; p++) {
		put(&t, p, "政府网站建设管理专栏", 240, 60, 10.5f, 3);
		put(&t, p, p % 2 ? "正文第二页的内容。" : "正文的内容。", LEFT, row(1), EM, 4);
		put(&t, p, foot[p], 270, 790, 14, 3);
	}
	CHECK_STR(layout(&t, out, sizeof out), "正文的内容。\n正文第二页的内容。\n正文的内容。\n正文第二页的内容。");
	/* One page: nothing repeats, so a header stays; a page number goes. */
	put(&t, 0, "政府网站建设管理专栏", 240, 60, 10.5f, 3);
	put(&t, 0, "正文的内容。", LEFT, row(1), EM, 4);
	put(&t, 0, "- 1 -", 270, 790, 14, 3);
	CHECK_STR(layout(&t, out, sizeof out), "政府网站建设管理专栏\n正文的内容。");
	/* A number alone in the middle of a page is text. */
	put(&t, 0, "正文的内容。", LEFT, row(1), EM, 4);
	put(&t, 0, "2", LEFT, row(8), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "正文的内容。\n2");
}

static void test_paragraph_across_pages(void)
{
	put(&t, 0, "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和", LEFT, row(0), EM, 4);
	put(&t, 0, "- 1 -", 270, 790, 14, 3);
	put(&t, 1, "管理工作。", LEFT, row(0), EM, 4);
	put(&t, 1, "- 2 -", 270, 790, 14, 3);
	CHECK_STR(layout(&t, out, sizeof out), "政府网站是政府履行职责的重要平台各地区各部门积极推进建设和管理工作。");
}

static void test_two_columns(void)
{
	/* Two columns of 13 characters, 1.5 em apart: Poppler gives each
	 * baseline across both. */
	float right = LEFT + 14.5f * EM;

	put(&t, 0, "左栏第一段为进一步激发中小", LEFT, row(0), EM, 4);
	put(&t, 0, "右栏第一段各区科技主管部门", right, row(0), EM, 4);
	put(&t, 0, "企业创新活力降低企业研发成", LEFT, row(1), EM, 4);
	put(&t, 0, "负责对本辖区企业提交的兑付", right, row(1), EM, 4);
	put(&t, 0, "本现将有关事项通知如下服务", LEFT, row(2), EM, 4);
	put(&t, 0, "申请进行初审。", right, row(2), EM, 4);
	put(&t, 0, "机构应当具备相应能力。", LEFT, row(3), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out),
	          "左栏第一段为进一步激发中小企业创新活力降低企业研发成本现将有关事项通知如下服务机构应当具备相应能力。\n"
	          "右栏第一段各区科技主管部门负责对本辖区企业提交的兑付申请进行初审。");
}

static void test_table_is_not_columns(void)
{
	/* Short cells centred in their columns: rows, a line each. */
	put(&t, 0, "序号", LEFT + 10, row(0), 12, 4);
	put(&t, 0, "企业名称", 200, row(0), 12, 4);
	put(&t, 0, "车间名称", 380, row(0), 12, 4);
	put(&t, 0, "1", LEFT + 18, row(1), 12, 4);
	put(&t, 0, "南京精工机械有限公司", 164, row(1), 12, 4);
	put(&t, 0, "精密齿轮加工车间", 368, row(1), 12, 4);
	put(&t, 0, "2", LEFT + 18, row(2), 12, 4);
	put(&t, 0, "无锡智造电子有限公司", 164, row(2), 12, 4);
	put(&t, 0, "表面贴装车间", 380, row(2), 12, 4);
	put(&t, 0, "3", LEFT + 18, row(3), 12, 4);
	put(&t, 0, "苏州新材料科技有限公司", 158, row(3), 12, 4);
	put(&t, 0, "薄膜涂布车间", 380, row(3), 12, 4);
	CHECK_STR(layout(&t, out, sizeof out), "序号 企业名称 车间名称\n1 南京精工机械有限公司 精密齿轮加工车间\n"
	                                       "2 无锡智造电子有限公司 表面贴装车间\n3 苏州新材料科技有限公司 薄膜涂布车间");
}

static void test_latin_and_digit_wraps(void)
{
	/* Latin words wrap at a space: joined with one. 54 half-width
	 * characters fill the 27 em line. */
	put(&t, 0, "All departments shall publish their open data catalo", LEFT, row(0), EM, EM / 2);
	put(&t, 0, "and update them.", LEFT, row(1), EM, EM / 2);
	put(&t, 0, "Short line", LEFT, row(2), EM, EM / 2);
	CHECK_STR(layout(&t, out, sizeof out),
	          "All departments shall publish their open data catalo and update them.\nShort line");
	/* A number a Chinese line wraps inside: no space. */
	put(&t, 0, "请于六月三十日前报送科技司联系人张明电话：025-8", LEFT, row(0), EM, 4);
	put(&t, 0, "3630000。", LEFT, row(1), EM, 4);
	CHECK_STR(layout(&t, out, sizeof out), "请于六月三十日前报送科技司联系人张明电话：025-83630000。");
}

static void test_not_text(void)
{
	gw_pdf_page pg = GW_PDF_PAGE_INIT;
	gw_err err;

	/* Private-use glyphs are left out and counted. */
	put(&t, 0, "\xee\x80\xa0\xee\x80\xa1\xee\x80\xa2 abc", LEFT, row(0), EM, 4);
	gw_err_clear(&err);
	CHECK(gw_pdf_page_build(&pg, 595, 842, t.c[0], t.n[0], &err) == GW_OK);
	CHECK(pg.nbad == 3 && pg.ngood == 3 && pg.n == 1);
	CHECK(pg.n == 1 && pg.lines[0].len == 3 && memcmp(pg.text.p, "abc", 3) == 0);
	gw_pdf_page_free(&pg);
	memset(&t, 0, sizeof t);
#define USABLE(s, good, bad) gw_pdf_usable(s, strlen(s), good, bad)
	CHECK(!USABLE("1234567", 7, 0));
	CHECK(USABLE("12345678", 8, 0));
	CHECK(USABLE("政府网站建设管理", 8, 0));
	CHECK(!USABLE("政府网站建设管理", 8, 9));
	CHECK(!USABLE("— 1 — ，。、；", 8, 0));
}

static void test_encoding_round_trip(void)
{
	gw_pdf_page pg = GW_PDF_PAGE_INIT, back = GW_PDF_PAGE_INIT;
	gw_buf a = GW_BUF_INIT, b = GW_BUF_INIT;
	gw_err err;

	put(&t, 0, "左栏第一段为进一步激发中小", LEFT, row(0), EM, 4);
	put(&t, 0, "本 院 業 經", LEFT, row(1), EM, 8);
	gw_err_clear(&err);
	CHECK(gw_pdf_page_build(&pg, 595, 842, t.c[0], t.n[0], &err) == GW_OK);
	gw_pdf_page_encode(&pg, &a);
	CHECK(gw_pdf_page_decode(&back, a.p, a.len, &err) == GW_OK);
	gw_pdf_page_encode(&back, &b);
	CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
	CHECK(back.n == 2 && back.lines[1].column == 0 && back.w == 595);
	/* Cut short or with bytes after it, it is refused. */
	CHECK(gw_pdf_page_decode(&back, a.p, a.len - 1, &err) == GW_EINVAL);
	gw_buf_putc(&a, 0);
	gw_err_clear(&err);
	CHECK(gw_pdf_page_decode(&back, a.p, a.len, &err) == GW_EINVAL);
	gw_buf_free(&a);
	gw_buf_free(&b);
	gw_pdf_page_free(&pg);
	gw_pdf_page_free(&back);
	memset(&t, 0, sizeof t);
}

int main(void)
{
	RUN(test_wrapped_han_run_joined);
	RUN(test_paragraph_ends_keep_their_break);
	RUN(test_wrapped_title_centred);
	RUN(test_letter_spacing_and_gaps);
	RUN(test_page_numbers_and_headers);
	RUN(test_paragraph_across_pages);
	RUN(test_two_columns);
	RUN(test_table_is_not_columns);
	RUN(test_latin_and_digit_wraps);
	RUN(test_not_text);
	RUN(test_encoding_round_trip);
	return TEST_EXIT();
}
