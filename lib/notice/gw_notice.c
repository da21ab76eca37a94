/* gw_notice: parses a plain-text notice into its parts and tables (the
 * structure is described in gw_notice.h; tables in gw_table.c).
 *
 * The parser works on lines, in passes, each a conservative heuristic:
 *  1. table blocks: runs of '|' or tab separated lines (gw_table.h);
 *  1a. labelled lines (發文日期：, 抄送：, 签发人：, both scripts, spaced
 *     out), signature lines (部長　王美花), the 版记's 印发 line; in a
 *     notice with a 主旨： line, Taiwan's sections, each to the next label;
 *  1b. the block above the title: 份号, 密级/紧急程度, 国务院办公厅文件, the
 *     number with 签发人 beside it, Taiwan's 經濟部　函 line;
 *  2. the head, past those: title (joined with the next line when the
 *     title wraps; a Taiwan notice is titled by its 主旨), document number
 *     (above or below the title), addressees;
 *  3. the signing date: the first line after the head that is only a date
 *     (before any 附件 page). It ends the notice proper;
 *  4. above the date, from the bottom up: the issuer (short organisation
 *     names), the attachments list (附件：...), the closing (特此通知。);
 *     what is left between the head and these is the body;
 *  5. below the date: the disclosure line, then the attachment pages
 *     (附件 headings, captions, tables: the appendix), then material that is
 *     not part of the notice (lines cut off with "......", or prose after
 *     the last table or right after the signing block): "related".
 * Text that matches none of them stays in the body (before the date) or in
 * the appendix (after it). Nothing here can fail except allocation. */
#include "notice/gw_notice.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "notice/gw_date.h"
#include "notice/gw_table.h"
#include "text/gw_utf8.h"

#define NONE    ((size_t)-1)
#define CPV_MAX 64

enum role {
	R_NONE,
	R_TITLE,
	R_NUMBER,
	R_ADDR,
	R_BODY,
	R_CLOSING,
	R_ATTACH,
	R_ISSUER,
	R_DATE,
	R_DISCLOSURE,
	R_APPENDIX,
	R_TABLE,
	R_TRAILING,
	R_FIELD,   /* a labelled header line (發文日期：..., 抄送：...): part, off */
	R_SECTION, /* a line of a Taiwan section (主旨 說明 辦法 依據 公告事項): part, off */
	R_SIGNER,  /* a signature line: 部長 王美花 */
	R_TOP,     /* the block above the title: 份号, 密级/紧急程度, 国务院办公厅文件, 經濟部 函 */
	R_PRINTED  /* the 版记's 国务院办公厅秘书局 2020年3月25日印发 */
};

typedef struct line {
	const char *s; /* trimmed text, inside parser.text */
	size_t len;
	size_t ncp; /* code points */
	long no;    /* 1-based source line */
	int role;
	size_t block; /* table block id, 0 if not a table line */
	gw_table_info ti;
	int part;     /* R_FIELD, R_SECTION, R_TOP: the part the line gives (-1: R_TOP tokens) */
	size_t off;   /* R_FIELD, R_SECTION, R_TOP: where its value starts */
} line;

typedef struct parser {
	gw_buf text; /* sanitized copy of the input */
	line *ln;
	size_t n;
	size_t body;        /* first line after the head */
	size_t main_end;    /* the signing date line, or where the notice proper ends */
	size_t post;        /* first line after the signing block */
	size_t trail;       /* first trailing line, n if none */
	size_t date;        /* the signing date line, NONE if none */
	size_t date_end;    /* its last line (a date may break after 年 or 月) */
	size_t closing;     /* the closing line, NONE if none */
	size_t table_title; /* a first line that is a table header, NONE if not */
	size_t closing_off, number_off;
	size_t nblocks;
	int y, m, d;
	int taiwan;          /* a 主旨： line: the sections are read */
	size_t top_org;      /* the R_TOP line naming the issuer (…文件, 經濟部 函), NONE if none */
	size_t top_org_len;  /* the issuer's bytes in it */
	size_t top_kind;     /* the R_TOP line with the kind (經濟部 函), NONE if none */
	size_t title_number; /* a title line that is also the number (第 12/2023 號行政長官批示) */
	const char *sign_s;  /* 签发人 on the number's line: its value */
	size_t sign_len;
} parser;

/* ---- code points ---- */

/* The first CPV_MAX code points of a line and their byte offsets. */
typedef struct cpv {
	int32_t cp[CPV_MAX];
	size_t off[CPV_MAX + 1];
	size_t n;
	int full; /* the whole line fitted */
} cpv;

static void cpv_load(cpv *v, const char *s, size_t len)
{
	size_t i = 0;

	v->n = 0;
	while (i < len && v->n < CPV_MAX) {
		v->off[v->n] = i;
		v->cp[v->n++] = gw_utf8_next(s, len, &i);
	}
	v->off[v->n] = i;
	v->full = i >= len;
}

static int is_han(int32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F) || cp == 0x3007;
}

static int is_space(int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0 || cp == 0xFEFF;
}

/* 〇 零 ○ → 0, 一 … 九 → 1 … 9, else -1. */
static int cn_digit(int32_t cp)
{
	static const int32_t d[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
	                            0x516D, 0x4E03, 0x516B, 0x4E5D};

	if (cp == 0x3007 || cp == 0x96F6 || cp == 0x25CB || cp == 0xFF2F)
		return 0;
	for (int k = 0; k < 9; k++)
		if (cp == d[k])
			return k + 1;
	return -1;
}

/* 1 if cp is one of the characters of the UTF-8 string set. */
static int cp_in(int32_t cp, const char *set)
{
	char enc[5];

	if (cp <= 0)
		return 0;
	enc[gw_utf8_put(enc, (uint32_t)cp)] = '\0';
	return strstr(set, enc) != NULL;
}

static int starts_with(const line *l, const char *lit)
{
	size_t k = strlen(lit);

	return l->len >= k && memcmp(l->s, lit, k) == 0;
}

static int ends_with_n(const char *s, size_t len, const char *lit)
{
	size_t k = strlen(lit);

	return len >= k && memcmp(s + len - k, lit, k) == 0;
}

static int ends_with(const line *l, const char *lit)
{
	return ends_with_n(l->s, l->len, lit);
}

static int contains(const line *l, const char *lit)
{
	size_t k = strlen(lit);

	for (size_t i = 0; i + k <= l->len; i++)
		if (memcmp(l->s + i, lit, k) == 0)
			return 1;
	return 0;
}

/* Index of the first of the NULL-terminated list that s starts with, or -1. */
static int starts_with_any(const line *l, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (starts_with(l, list[k]))
			return k;
	return -1;
}

static line sub(const char *s, size_t len)
{
	line l = {0};
	size_t i = 0;

	gw_table_trim(&s, &len);
	l.s = s;
	l.len = len;
	while (i < len) {
		gw_utf8_next(s, len, &i);
		l.ncp++;
	}
	return l;
}

/* ---- loading ---- */

static int load(parser *p, const char *text, size_t len)
{
	char *s;
	size_t n, i, start, cap = 1;

	gw_utf8_sanitize(&p->text, text, len, NULL);
	gw_buf_putc(&p->text, '\0');
	if (!gw_buf_ok(&p->text))
		return -1;
	s = (char *)p->text.p;
	n = p->text.len - 1;
	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			s[i] = ' '; /* a NUL would cut every copied string short */
		cap += s[i] == '\n' || s[i] == '\r';
	}
	if (!(p->ln = calloc(cap, sizeof *p->ln)))
		return -1;
	/* a BOM needs no special case: U+FEFF is white space to gw_table_trim */
	for (i = start = 0; i <= n; i++) {
		line *l;
		if (i < n && s[i] != '\n' && s[i] != '\r')
			continue;
		l = &p->ln[p->n];
		*l = sub(s + start, i - start);
		l->no = (long)++p->n;
		gw_table_line_info(l->s, l->len, &l->ti);
		if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	return 0;
}

static size_t next_text(const parser *p, size_t i)
{
	while (i < p->n && !p->ln[i].len)
		i++;
	return i;
}

/* The last line before i, at or after lo, that holds text (disclosure and
 * signature lines are passed over); NONE if there is none. */
static size_t prev_text(const parser *p, size_t i, size_t lo)
{
	while (i > lo) {
		const line *l = &p->ln[--i];
		if (l->len && l->role != R_DISCLOSURE && l->role != R_SIGNER)
			return i;
	}
	return NONE;
}

/* ---- table blocks ---- */

static int same_text(const line *a, const line *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* After blank lines (a page break in the export), the table goes on with a
 * repeat of its header, or with a numbered row after a numbered row. */
static int continues(const parser *p, size_t h, size_t row, size_t j)
{
	const line *l = &p->ln[j];

	if (l->ti.sep != p->ln[h].ti.sep)
		return 0;
	return same_text(l, &p->ln[h]) || (row > h && l->ti.first_int && p->ln[row].ti.first_int);
}

/* One past the last line of the block whose header is line h. */
static size_t block_end(const parser *p, size_t h)
{
	size_t last = h, row = h, i = h + 1, j;

	while (i < p->n) {
		if (p->ln[i].ti.sep == p->ln[h].ti.sep) {
			if (!same_text(&p->ln[i], &p->ln[h]) && !p->ln[i].ti.rule)
				row = i;
			last = i++;
			continue;
		}
		if (p->ln[i].len)
			break;
		j = next_text(p, i);
		if (j >= p->n || !continues(p, h, row, j))
			break;
		i = j;
	}
	return last + 1;
}

/* A block starts at a line with two filled cells (the header). A header
 * alone is a table only if its cells are short, like column names. */
static void find_blocks(parser *p)
{
	size_t i = 0, end;

	while (i < p->n) {
		const gw_table_info *h = &p->ln[i].ti;
		if (!h->sep || h->nfilled < 2 || h->rule) {
			i++;
			continue;
		}
		end = block_end(p, i);
		if (end == i + 1 && h->max_cp > 32) {
			i++;
			continue;
		}
		p->nblocks++;
		for (; i < end; i++)
			if (p->ln[i].ti.sep)
				p->ln[i].block = p->nblocks;
	}
}

/* ---- titles, document numbers, addressees ---- */

static const char *const title_words[] = {
    "通知", "通告", "公告", "意见", "意見", "办法", "辦法", "决定", "決定", "批复", "批覆", "函",
    "报告", "報告", "规定", "規定", "通报", "通報", "请示", "請示", "细则", "細則", "条例", "條例",
    "纪要", "紀要", "决议", "決議", "公报", "公報", "命令", "议案", "議案", NULL};

/* The length of s without a trailing parenthesis such as （试行） and
 * closing quotes, which may follow the kind of document. */
static size_t title_core(const char *s, size_t len)
{
	static const char *const quotes[] = {"》", "」", "』", "”", "\"", NULL};
	int more = 1;

	if (ends_with_n(s, len, "）") || ends_with_n(s, len, ")")) {
		for (size_t i = len; i-- > 0 && len - i <= 40;)
			if (s[i] == '(' || (i + 3 <= len && memcmp(s + i, "（", 3) == 0)) {
				len = i;
				break;
			}
	}
	while (more) {
		more = 0;
		for (int k = 0; quotes[k]; k++)
			if (ends_with_n(s, len, quotes[k])) {
				len -= strlen(quotes[k]);
				more = 1;
			}
	}
	return len;
}

static int ends_title(const line *l)
{
	size_t len = title_core(l->s, l->len);

	for (int k = 0; title_words[k]; k++)
		if (ends_with_n(l->s, len, title_words[k]))
			return 1;
	return 0;
}

static int begins_title(const line *l)
{
	line rest = *l;

	if (starts_with(&rest, "的")) {
		rest.s += 3;
		rest.len -= 3;
	}
	return starts_with_any(&rest, title_words) >= 0;
}

static int number_form1(const cpv *v, size_t i)
{
	size_t h = 0, d = 0;

	while (i < v->n && is_han(v->cp[i])) {
		i++;
		h++;
	}
	if (!h || i >= v->n || !cp_in(v->cp[i++], "〔[（(【［〖"))
		return 0;
	while (i < v->n && gw_digit_value(v->cp[i]) >= 0) {
		i++;
		d++;
	}
	if (d != 4 || i >= v->n || !cp_in(v->cp[i++], "〕]）)】］〗"))
		return 0;
	if (i < v->n && v->cp[i] == 0x7B2C) /* 第 */
		i++;
	for (d = 0; i < v->n && gw_digit_value(v->cp[i]) >= 0; i++)
		d++;
	return d && i + 1 == v->n && cp_in(v->cp[i], "号號");
}

/* [prefix]第N号, the prefix without sentence punctuation. */
static int number_form2(const cpv *v, size_t i)
{
	size_t j, d = 0;

	if (!v->full || v->n < i + 3 || !cp_in(v->cp[v->n - 1], "号號"))
		return 0;
	j = v->n - 1;
	while (j > i && gw_digit_value(v->cp[j - 1]) >= 0) {
		j--;
		d++;
	}
	if (!d || j == i || v->cp[j - 1] != 0x7B2C)
		return 0;
	for (size_t k = i; k + 1 < j; k++)
		if (cp_in(v->cp[k], "，。；：:,;！？!?、") || is_space(v->cp[k]))
			return 0;
	return 1;
}

/* Macau and Hong Kong: 第 12/2023 號行政長官批示, 第12/2023號行政法規,
 * 第 1234 號公告: 第, a number (and /year), 號, a kind of act. */
static int number_form3(const cpv *v, size_t i)
{
	static const char *const acts[] = {"批示", "命令", "法規", "法规", "法律", "公告", "通告",
	                                   "規章", "规章", "通知", NULL};
	size_t d = 0, h = 0, e;
	char end[9];

	if (!v->full || i >= v->n || v->cp[i++] != 0x7B2C) /* 第 */
		return 0;
	while (i < v->n && is_space(v->cp[i]))
		i++;
	for (; i < v->n && gw_digit_value(v->cp[i]) >= 0; i++)
		d++;
	while (i < v->n && is_space(v->cp[i]))
		i++;
	if (d && i < v->n && cp_in(v->cp[i], "/／")) {
		for (i++; i < v->n && is_space(v->cp[i]);)
			i++;
		for (d = 0; i < v->n && gw_digit_value(v->cp[i]) >= 0; i++)
			d++;
		if (d != 4)
			return 0;
		while (i < v->n && is_space(v->cp[i]))
			i++;
	}
	if (!d || i >= v->n || !cp_in(v->cp[i++], "号號"))
		return 0;
	for (; i < v->n; i++, h++)
		if (!is_han(v->cp[i]))
			return 0;
	if (h < 2 || h > 12)
		return 0;
	e = gw_utf8_put(end, (uint32_t)v->cp[v->n - 2]);
	e += gw_utf8_put(end + e, (uint32_t)v->cp[v->n - 1]);
	for (int k = 0; acts[k]; k++)
		if (strlen(acts[k]) == e && memcmp(acts[k], end, e) == 0)
			return 1;
	return 0;
}

/* A document number, possibly after a label such as 发文字号：; *from is
 * where the number starts. */
static int number_line(const line *l, size_t *from)
{
	size_t i = 0, k;
	cpv v;

	if (l->ncp > 48 || l->ti.sep)
		return 0;
	cpv_load(&v, l->s, l->len);
	for (k = 1; k < v.n && k <= 6; k++)
		if (cp_in(v.cp[k], "：:") && cp_in(v.cp[k - 1], "号號")) {
			for (i = k + 1; i < v.n && is_space(v.cp[i]);)
				i++;
			break;
		}
	*from = v.off[i];
	return number_form1(&v, i) || number_form2(&v, i) || number_form3(&v, i);
}

/* The code point that ends s[0..end), or -1 if end is 0. */
static int32_t cp_before(const char *s, size_t end)
{
	size_t i = end;

	if (!end)
		return -1;
	while (--i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		;
	return gw_utf8_next(s, end, &i);
}

/* 各…： or a list of organisations ending in ： (not 如下： nor a sentence). */
static int addressee_line(const line *l)
{
	if (!l->len || l->ti.sep || l->ncp > 150 || !(ends_with(l, "：") || ends_with(l, ":")))
		return 0;
	if (contains(l, "。") || contains(l, "如下") || starts_with(l, "附件"))
		return 0;
	if (starts_with(l, "各"))
		return 1;
	return cp_in(cp_before(l->s, l->len - (ends_with(l, ":") ? 1 : 3)),
	             "厅廳局委部办辦院会會府位门門司校所处處室队隊业業们們心市县縣区區省站社馆館"
	             "团團行组組军軍关關构構)）");
}

/* ---- dates ---- */

/* A line that is only a date (any form of gw_date.h). */
static int date_line(const line *l, int *y, int *m, int *d)
{
	if (!l->len || l->ncp > 40 || l->ti.sep)
		return 0;
	return gw_date_parse(l->s, l->len, y, m, d);
}

/* A date broken over two lines after its 年 or 月 (二〇二三年 / 一月一日):
 * 1 if lines a and b, read as one, are a date. */
static int split_date(const line *a, const line *b, int *y, int *m, int *d)
{
	gw_buf j = GW_BUF_INIT;
	int ok;

	if (!a->len || !b->len || a->ncp + b->ncp > 40 || a->ti.sep || b->ti.sep ||
	    !(ends_with(a, "年") || ends_with(a, "月")))
		return 0;
	gw_buf_append(&j, a->s, a->len);
	gw_buf_append(&j, b->s, b->len);
	ok = gw_buf_ok(&j) && gw_date_parse((const char *)j.p, j.len, y, m, d);
	gw_buf_free(&j);
	return ok;
}

/* ---- the signing block ---- */

/* (此件主动公开), （此件公开发布）: sets [*from, *to) to the words inside. */
static int disclosure_line(const line *l, size_t *from, size_t *to)
{
	size_t b = 0, e;
	cpv v;

	if (!l->len || l->ncp > 24 || l->ti.sep)
		return 0;
	cpv_load(&v, l->s, l->len);
	e = v.n;
	if (cp_in(v.cp[0], "(（")) {
		if (!cp_in(v.cp[e - 1], ")）"))
			return 0;
		b = 1;
		e--;
	} else if (!contains(l, "公开") && !contains(l, "公開") && !contains(l, "发布") &&
	           !contains(l, "發布") && !contains(l, "發佈")) {
		return 0;
	}
	if (e < b + 3 || v.cp[b] != 0x6B64 || v.cp[b + 1] != 0x4EF6) /* 此件 */
		return 0;
	*from = v.off[b];
	*to = v.off[e];
	return 1;
}

static const char *const closings[] = {
    "特此通知", "特此公告", "特此通告", "特此通报", "特此通報", "特此函告", "特此函复", "特此函覆",
    "特此复函", "特此覆函", "特此批复", "特此批覆", "特此报告", "特此報告", "特此函达", "特此函達",
    "特此说明", "特此說明", "特此证明", "特此證明", "此复",     "此覆",     NULL};

static const char *const closing_lines[] = {"以上通知", "以上意见", "以上意見",
                                            "以上请示", "以上請示", "以上报告",
                                            "以上報告", "妥否",     NULL};

/* A closing formula: the whole line (*off = 0), or a 特此… formula that
 * ends the line's last sentence (*off = where it starts). */
static int closing_at(const line *l, size_t *off)
{
	size_t len = l->len;
	static const char *const stops[] = {"。", "！", "!", ".", NULL};

	for (int k = 0; stops[k]; k++)
		if (ends_with(l, stops[k])) {
			len -= strlen(stops[k]);
			break;
		}
	*off = 0;
	for (int k = 0; closings[k]; k++) {
		size_t f = strlen(closings[k]), at;
		if (len < f || memcmp(l->s + len - f, closings[k], f) != 0)
			continue;
		at = len - f;
		if (at == 0)
			return 1;
		if (strncmp(closings[k], "特此", 6) == 0 &&
		    (ends_with_n(l->s, at, "。") || ends_with_n(l->s, at, "！") ||
		     ends_with_n(l->s, at, "；") || ends_with_n(l->s, at, " "))) {
			*off = at;
			return 1;
		}
	}
	return starts_with_any(l, closing_lines) >= 0 && l->ncp <= 30 && ends_with(l, "。");
}

/* 附件：..., 附件1：..., 附件 2: ...: *name is where the first name starts. */
static int attach_start(const line *l, size_t *name)
{
	size_t i = 2;
	cpv v;

	if (!starts_with(l, "附件") || l->ti.sep)
		return 0;
	cpv_load(&v, l->s, l->len);
	while (i < v.n && (is_space(v.cp[i]) || gw_digit_value(v.cp[i]) >= 0 || cn_digit(v.cp[i]) > 0))
		i++;
	if (i >= v.n || !cp_in(v.cp[i], "：:"))
		return 0;
	*name = v.off[i + 1];
	return 1;
}

/* The heading of an attachment page: 1 for "附件" or "附件2" alone, 2 for
 * "附件2：" with nothing after it, 3 for "附件2：名称" or "附件2 名称" with
 * a short name (*text is where it starts); 0 if l is no such heading. */
static int appendix_heading(const line *l, size_t *text)
{
	size_t i = 2, j;
	int colon = 0;
	cpv v;

	if (!starts_with(l, "附件") || l->ti.sep || l->ncp > 48)
		return 0;
	cpv_load(&v, l->s, l->len);
	while (i < v.n && (gw_digit_value(v.cp[i]) >= 0 || cn_digit(v.cp[i]) > 0))
		i++;
	for (j = i; j < v.n && (is_space(v.cp[j]) || cp_in(v.cp[j], "：:")); j++)
		colon |= !is_space(v.cp[j]);
	if (text)
		*text = v.off[j];
	if (j == v.n)
		return colon ? 2 : 1;
	return j > i && !cp_in(v.cp[v.n - 1], "。；;，,") ? 3 : 0;
}

/* "1." "2、" "（3）" "4)" then a name that is not a sentence: *name is
 * where the name starts. */
static int enumerated(const line *l, size_t *name)
{
	size_t i = 0, d = 0;
	cpv v;

	if (!l->len || l->ncp > 80 || ends_with(l, "。") || l->ti.sep)
		return 0;
	cpv_load(&v, l->s, l->len);
	if (cp_in(v.cp[0], "(（"))
		i++;
	while (i < v.n && gw_digit_value(v.cp[i]) >= 0) {
		i++;
		d++;
	}
	if (!d || i >= v.n || !cp_in(v.cp[i], ".．、)）"))
		return 0;
	for (i++; i < v.n && is_space(v.cp[i]);)
		i++;
	*name = v.off[i];
	return i < v.n;
}

/* An organisation name as signed under a notice: short, mostly Han, no
 * sentence punctuation, not a numbered item (一、 （一） 1.). */
static int org_like(const line *l)
{
	size_t i = 0, han = 0, all = 0, k;
	int32_t c[2] = {-1, -1};
	int y, m, d;

	if (!l->len || l->ncp > 40 || l->ti.sep || l->role || l->block)
		return 0;
	while (i < l->len) {
		int32_t cp = gw_utf8_next(l->s, l->len, &i);
		if (is_space(cp))
			continue;
		if (cp_in(cp, "，。；：:,;！？!?“”\"…"))
			return 0;
		if (all < 2)
			c[all] = cp;
		all++;
		han += is_han(cp);
	}
	if (han < 2 || all > 30 || han * 10 < all * 6 || gw_digit_value(c[0]) >= 0)
		return 0;
	if ((cn_digit(c[0]) > 0 || c[0] == 0x5341) && c[1] == 0x3001) /* 一、 */
		return 0;
	if (cp_in(c[0], "(（") && (cn_digit(c[1]) > 0 || c[1] == 0x5341))
		return 0;
	return !attach_start(l, &k) && !appendix_heading(l, &k) && !closing_at(l, &k) &&
	       !date_line(l, &y, &m, &d) && !disclosure_line(l, &k, &k);
}

/* Finds the signing date and the disclosure line; sets main_end and post. */
static void find_signing(parser *p)
{
	size_t i, j, cut = p->n, from, to;
	int seen = 0;

	for (i = p->body; i < p->n && cut == p->n; i++)
		if (!p->ln[i].block && appendix_heading(&p->ln[i], &from) == 1)
			cut = i;
	for (i = p->body; i < cut && p->date == NONE; i++) {
		line *l = &p->ln[i];
		if (!l->len || l->block || l->role)
			continue;
		j = next_text(p, i + 1);
		if (seen && date_line(l, &p->y, &p->m, &p->d)) {
			p->date = p->date_end = i;
		} else if (seen && j < cut && !p->ln[j].role &&
		           split_date(l, &p->ln[j], &p->y, &p->m, &p->d)) {
			p->date = i;
			p->date_end = j;
			p->ln[j].role = R_DATE;
		}
		seen = 1;
	}
	p->main_end = p->post = cut;
	if (p->date != NONE) {
		p->ln[p->date].role = R_DATE;
		p->main_end = p->date;
		p->post = p->date_end + 1;
		j = next_text(p, p->date_end + 1);
		if (j < p->n && disclosure_line(&p->ln[j], &from, &to)) {
			p->ln[j].role = R_DISCLOSURE;
			p->post = j + 1;
			return;
		}
	}
	for (i = p->body; i < p->main_end; i++)
		if (!p->ln[i].block && disclosure_line(&p->ln[i], &from, &to)) {
			p->ln[i].role = R_DISCLOSURE;
			break;
		}
}

/* Above line end: the attachments list and the closing. Marks them when
 * mark is set; returns 1 if either was found. */
static int tail_lists(parser *p, size_t end, int mark)
{
	size_t lo = p->body, a = NONE, k = prev_text(p, end, lo), j, off, top = end;
	int cnt = 0;

	for (j = k; j != NONE && !p->ln[j].block; j = prev_text(p, j, lo)) {
		if (attach_start(&p->ln[j], &off))
			a = j;
		else if (a != NONE || !enumerated(&p->ln[j], &off))
			break;
	}
	if (a != NONE) {
		top = a;
		for (j = a; mark && j <= k; j++)
			if (p->ln[j].len && !p->ln[j].role)
				p->ln[j].role = R_ATTACH;
	}
	for (j = prev_text(p, top, lo); j != NONE && cnt < 3; j = prev_text(p, j, lo), cnt++) {
		if (p->ln[j].block)
			break;
		if (closing_at(&p->ln[j], &off) && (off == 0 || cnt == 0)) {
			if (mark) {
				p->ln[j].role = R_CLOSING;
				p->closing = j;
				p->closing_off = off;
			}
			return 1;
		}
	}
	return a != NONE;
}

/* The issuer lines right above the date (up to three), then the lists
 * above them. Without a date, organisation names at the end count as the
 * issuer only when an attachments list or a closing stands above them. */
static void find_main_tail(parser *p)
{
	size_t end = p->main_end, iss = end, k = prev_text(p, end, p->body);

	for (int cnt = 0; k != NONE && cnt < 3 && org_like(&p->ln[k]); cnt++) {
		iss = k;
		k = prev_text(p, k, p->body);
	}
	if (iss < end && p->date == NONE && !tail_lists(p, iss, 0))
		iss = end;
	for (k = iss; k < end; k++)
		if (p->ln[k].len && !p->ln[k].role)
			p->ln[k].role = R_ISSUER;
	tail_lists(p, iss, 1);
}

/* ---- after the notice proper ---- */

static int ellipsis_line(const line *l)
{
	return l->ncp >= 10 && (ends_with(l, "...") || ends_with(l, "…") || ends_with(l, "。。。"));
}

static int related_heading(const line *l)
{
	static const char *const w[] = {"相关新闻", "相關新聞", "相关阅读", "相關閱讀", "相关文章",
	                                "相關文章", "推荐阅读", "推薦閱讀", "延伸阅读", "延伸閱讀",
	                                "相关链接", "相關鏈接", "相關連結", NULL};

	return l->ncp <= 12 && starts_with_any(l, w) >= 0;
}

/* A long paragraph that is not a note, copy list or contact line. */
static int prose(const line *l)
{
	static const char *const notes[] = {"注：", "注:",  "注1",  "抄送", "抄报", "抄報",
	                                    "联系", "聯繫", "聯系", "备注", "備註", "说明",
	                                    "說明", "(",    "（",   NULL};

	return l->ncp >= 50 && !l->block && starts_with_any(l, notes) < 0;
}

/* Where the related material starts: the first line cut off with "......"
 * (or a 相关新闻 heading), or before it, the first long paragraph after
 * the last table; right after the signing block if there are no attachment
 * pages. A paragraph after an attachment heading is attachment text. */
static void find_trailing(parser *p)
{
	size_t e = p->n, last = NONE, i;
	int after_table = 1;

	p->trail = p->n;
	for (i = p->post; i < p->n && e == p->n; i++)
		if (p->ln[i].len && !p->ln[i].block &&
		    (ellipsis_line(&p->ln[i]) || related_heading(&p->ln[i])))
			e = i;
	for (i = p->post; i < e; i++) {
		size_t off;
		if (p->ln[i].block || (p->ln[i].len && appendix_heading(&p->ln[i], &off))) {
			last = i;
			after_table = p->ln[i].block != 0;
		}
	}
	for (i = last == NONE ? p->post : last + 1; after_table && i < e; i++)
		if (p->ln[i].len && prose(&p->ln[i]))
			e = i;
	p->trail = e;
}

static void assign_roles(parser *p)
{
	for (size_t i = 0; i < p->n; i++) {
		line *l = &p->ln[i];
		if (!l->len || l->role)
			continue;
		if (i >= p->trail)
			l->role = R_TRAILING;
		else if (l->block)
			l->role = R_TABLE;
		else if (i >= p->post)
			l->role = R_APPENDIX;
		else
			l->role = R_BODY;
	}
}

/* ---- labels, signatures, the block above the title ---- */

enum { L_HEAD = 1, L_SECTION, L_NUMBER, L_DATE, L_ATTACH };

/* Labels of a line "label：value", both scripts; a label that begins
 * another comes after it. */
static const struct {
	const char *name;
	int part, kind;
} labels[] = {
    {"发文日期", GW_NP_DATE, L_DATE},
    {"發文日期", GW_NP_DATE, L_DATE},
    {"发文字号", GW_NP_NUMBER, L_NUMBER},
    {"發文字號", GW_NP_NUMBER, L_NUMBER},
    {"速别", GW_NP_URGENCY, L_HEAD},
    {"速別", GW_NP_URGENCY, L_HEAD},
    {"紧急程度", GW_NP_URGENCY, L_HEAD},
    {"緊急程度", GW_NP_URGENCY, L_HEAD},
    {"密等及解密条件或保密期限", GW_NP_SECRECY, L_HEAD},
    {"密等及解密條件或保密期限", GW_NP_SECRECY, L_HEAD},
    {"密等及解密条件", GW_NP_SECRECY, L_HEAD},
    {"密等及解密條件", GW_NP_SECRECY, L_HEAD},
    {"密等", GW_NP_SECRECY, L_HEAD},
    {"密级", GW_NP_SECRECY, L_HEAD},
    {"密級", GW_NP_SECRECY, L_HEAD},
    {"受文者", GW_NP_ADDRESSEES, L_HEAD},
    {"正本", GW_NP_ADDRESSEES, L_HEAD},
    {"副本", GW_NP_CC, L_HEAD},
    {"抄送", GW_NP_CC, L_HEAD},
    {"签发人", GW_NP_SIGNER, L_HEAD},
    {"簽發人", GW_NP_SIGNER, L_HEAD},
    {"份号", GW_NP_COPY, L_HEAD},
    {"份號", GW_NP_COPY, L_HEAD},
    {"开会事由", GW_NP_SUBJECT, L_HEAD},
    {"開會事由", GW_NP_SUBJECT, L_HEAD},
    {"附件", GW_NP_ATTACHMENTS, L_ATTACH},
    {"主旨", GW_NP_SUBJECT, L_SECTION},
    {"说明", GW_NP_EXPLANATION, L_SECTION},
    {"說明", GW_NP_EXPLANATION, L_SECTION},
    {"办法", GW_NP_ACTIONS, L_SECTION},
    {"辦法", GW_NP_ACTIONS, L_SECTION},
    {"依据", GW_NP_BASIS, L_SECTION},
    {"依據", GW_NP_BASIS, L_SECTION},
    {"公告事项", GW_NP_ITEMS, L_SECTION},
    {"公告事項", GW_NP_ITEMS, L_SECTION},
};

#define NLABELS (sizeof labels / sizeof labels[0])

/* Matches the characters of lit at s[*i..n), with white space allowed
 * before each (主　　旨, 部 長); *i moves past them on a match. */
static int spaced_lit(const char *s, size_t n, size_t *i, const char *lit)
{
	size_t k = 0, j = *i, kn = strlen(lit);

	while (k < kn) {
		int32_t want = gw_utf8_next(lit, kn, &k), cp;
		size_t at;
		do {
			if (j >= n)
				return 0;
			at = j;
			cp = gw_utf8_next(s, n, &j);
		} while (is_space(cp) && at < n);
		if (cp != want)
			return 0;
	}
	*i = j;
	return 1;
}

/* Skips white space at s[*i]. */
static void skip_space(const char *s, size_t n, size_t *i)
{
	while (*i < n) {
		size_t j = *i;
		if (!is_space(gw_utf8_next(s, n, &j)))
			break;
		*i = j;
	}
}

/* The label l starts with ("主　　旨：" → its index), followed by ： or :;
 * *off is where the value starts. -1 if none. */
static int label_of(const line *l, size_t *off)
{
	if (!l->len || l->ti.sep || l->ncp > 300)
		return -1;
	for (size_t k = 0; k < NLABELS; k++) {
		size_t i = 0;
		/* a trimmed line starts with the label's first character (3 bytes) */
		if (l->len < 3 || memcmp(l->s, labels[k].name, 3) != 0 ||
		    !spaced_lit(l->s, l->len, &i, labels[k].name))
			continue;
		skip_space(l->s, l->len, &i);
		if (spaced_lit(l->s, l->len, &i, "：") || spaced_lit(l->s, l->len, &i, ":")) {
			skip_space(l->s, l->len, &i);
			*off = i;
			return (int)k;
		}
	}
	return -1;
}

static const char *const sign_titles[] = {
    "行政长官", "行政長官", "主任委员", "主任委員", "秘书长", "秘書長", "理事长", "理事長",
    "董事长",   "董事長",   "副总统",   "副總統",   "总统",   "總統",   "总理",   "總理",
    "部长",     "部長",     "院长",     "院長",     "署长",   "署長",   "局长",   "局長",
    "市长",     "市長",     "县长",     "縣長",     "处长",   "處長",   "校长",   "校長",
    "司长",     "司長",     "厅长",     "廳長",     "省长",   "省長",   "主任",   "主席",
    "会长",     "會長",     "所长",     "所長",     "社长",   "社長",   "主任委員", NULL};

/* A signature: a title (部長, 院 長, 代理部長), white space, a name of 2-4
 * characters (王美花, ○○○, 蘇 貞 昌); *name is where the name starts. */
static int signer_line(const line *l, size_t *name)
{
	size_t i = 0, j, cnt = 0;

	if (!l->len || l->ncp > 24 || l->ti.sep || l->block)
		return 0;
	if (l->len < 3 || memcmp(l->s, "代", 3) != 0 || !spaced_lit(l->s, l->len, &i, "代理"))
		i = 0;
	for (int k = 0; sign_titles[k]; k++) {
		j = i;
		if ((i == 0 && (l->len < 3 || memcmp(l->s, sign_titles[k], 3) != 0)) ||
		    !spaced_lit(l->s, l->len, &j, sign_titles[k]))
			continue;
		*name = j;
		if (j >= l->len || !is_space(gw_utf8_next(l->s, l->len, &(size_t){j})))
			return 0;
		skip_space(l->s, l->len, name);
		for (j = *name; j < l->len;) {
			int32_t cp = gw_utf8_next(l->s, l->len, &j);
			if (is_space(cp))
				continue;
			if (!is_han(cp) && !cp_in(cp, "○〇Ｏ×ＸX＊*"))
				return 0;
			cnt++;
		}
		return cnt >= 2 && cnt <= 4;
	}
	return 0;
}

/* 国务院办公厅秘书局　2020年3月25日印发: *date_off is where the date starts. */
static int printed_line(const line *l, int *y, int *m, int *d, size_t *date_off)
{
	size_t from, to;

	if (!l->len || l->ncp > 60 || l->ti.sep || !(ends_with(l, "印发") || ends_with(l, "印發")))
		return 0;
	if (!gw_date_find(l->s, l->len, 0, &from, &to, y, m, d))
		return 0;
	*date_off = from;
	if (from > 0 && !is_space(cp_before(l->s, from)))
		return 0; /* 于2020年3月25日印发: prose, not the 版记 */
	return to + 6 == l->len || (to < l->len && (sub(l->s + to, l->len - to).len == 6));
}

/* Marks the labelled lines, the signatures and the 印发 line; sets taiwan
 * when a 主旨： line is there (then the sections are read). */
static void find_labels(parser *p)
{
	size_t off;
	int y, m, d, k;

	for (size_t i = 0; i < p->n; i++) {
		line *l = &p->ln[i];
		if (!l->len || l->block)
			continue;
		if ((k = label_of(l, &off)) >= 0) {
			if (labels[k].kind == L_SECTION && labels[k].part == GW_NP_SUBJECT)
				p->taiwan = 1;
			if (labels[k].kind != L_SECTION && labels[k].kind != L_ATTACH) {
				l->role = R_FIELD;
				l->part = labels[k].part;
				l->off = off;
			}
		} else if (i > 0 && signer_line(l, &off)) {
			l->role = R_SIGNER;
		} else if (printed_line(l, &y, &m, &d, &off)) {
			l->role = R_PRINTED;
		}
	}
}

/* Taiwan: each section (主旨 說明 辦法 依據 公告事項) runs from its label
 * to the next label, a signature, an attachment page or a date; 附件：
 * above the first section is the header's attachments line. */
static void find_sections(parser *p)
{
	int cur = -1, seen = 0, y, m, d;
	size_t off;

	if (!p->taiwan)
		return;
	for (size_t i = 0; i < p->n; i++) {
		line *l = &p->ln[i];
		int k;
		if (!l->len || l->block)
			continue;
		if (l->role) {
			cur = -1;
			continue;
		}
		if ((k = label_of(l, &off)) >= 0 &&
		    (labels[k].kind == L_SECTION || (labels[k].kind == L_ATTACH && !seen))) {
			l->role = labels[k].kind == L_SECTION ? R_SECTION : R_FIELD;
			l->part = labels[k].part;
			l->off = off;
			cur = labels[k].kind == L_SECTION ? labels[k].part : -1;
			seen |= cur >= 0;
			continue;
		}
		if (cur < 0)
			continue;
		if (appendix_heading(l, &off) == 1 || date_line(l, &y, &m, &d)) {
			cur = -1;
			continue;
		}
		l->role = R_SECTION;
		l->part = cur;
		l->off = 0;
	}
}

/* 機密★5年, 秘密, 绝密★长期: the secrecy mark of the header. */
static int secrecy_word(const char *s, size_t len)
{
	static const char *const w[] = {"绝密", "絕密", "机密", "機密", "秘密", NULL};
	line l = sub(s, len);

	for (int k = 0; w[k]; k++)
		if (starts_with(&l, w[k]))
			return l.len == 6 || (l.ncp <= 8 && cp_in(gw_utf8_next(l.s, l.len, &(size_t){6}),
			                                        "★☆*＊"));
	return 0;
}

static int urgency_word(const char *s, size_t len)
{
	static const char *const w[] = {"特急", "加急", "特提", "平急", "急件",
	                                "最速件", "速件", "普通件", NULL};
	line l = sub(s, len);

	for (int k = 0; w[k]; k++)
		if (l.len == strlen(w[k]) && memcmp(l.s, w[k], l.len) == 0)
			return 1;
	return 0;
}

/* Calls fn on each white-space separated word of l; 1 if fn said yes to
 * every one (and there was one). */
static int every_word(const line *l, int (*fn)(const char *, size_t))
{
	size_t i = 0, start, n = 0;

	while (i < l->len) {
		skip_space(l->s, l->len, &i);
		start = i;
		while (i < l->len) {
			size_t j = i;
			if (is_space(gw_utf8_next(l->s, l->len, &j)))
				break;
			i = j;
		}
		if (i > start) {
			if (!fn(l->s + start, i - start))
				return 0;
			n++;
		}
	}
	return n > 0;
}

static int mark_word(const char *s, size_t len)
{
	return secrecy_word(s, len) || urgency_word(s, len);
}

/* 000123: six digits alone, the 份号. */
static int copy_line(const line *l)
{
	size_t i = 0, k = 0;

	while (i < l->len)
		if (gw_digit_value(gw_utf8_next(l->s, l->len, &i)) < 0 || ++k > 6)
			return 0;
	return k == 6;
}

static const char *const top_kinds[] = {"開會通知單", "开会通知单", "書函", "书函", "公告",
                                        "函",         "令",         NULL};

/* 經濟部　函, 行政院 公告, 臺北市政府書函 (in a Taiwan notice): the
 * organisation is s[0..*org_len), the kind starts at *kind_off. */
static int org_kind_line(const parser *p, const line *l, size_t *org_len, size_t *kind_off)
{
	size_t i = 0, han = 0, e;

	if (!l->len || l->ncp > 30 || l->ti.sep)
		return 0;
	for (int k = 0; top_kinds[k]; k++) {
		if (!ends_with(l, top_kinds[k]))
			continue;
		*kind_off = l->len - strlen(top_kinds[k]);
		e = sub(l->s, *kind_off).len;
		if (e == *kind_off && !p->taiwan && k > 1)
			return 0; /* no space before the kind: a title, unless Taiwan */
		*org_len = e;
		while (i < e) {
			int32_t cp = gw_utf8_next(l->s, e, &i);
			if (!is_han(cp) && !is_space(cp))
				return 0;
			han += is_han(cp);
		}
		return han >= 2;
	}
	return 0;
}

/* Where lit first occurs in l, or NULL. */
static const char *find_lit(const line *l, const char *lit)
{
	size_t k = strlen(lit);

	for (size_t i = 0; i + k <= l->len; i++)
		if (memcmp(l->s + i, lit, k) == 0)
			return l->s + i;
	return NULL;
}

/* 檔號：, 保存年限： (Taiwan's filing lines above the 經濟部 函 line; they
 * stay in the body). */
static int filing_line(const line *l)
{
	static const char *const w[] = {"档号", "檔號", "保存年限", NULL};
	size_t i = 0;

	for (int k = 0; w[k]; k++, i = 0)
		if (spaced_lit(l->s, l->len, &i, w[k]) &&
		    (spaced_lit(l->s, l->len, &i, "：") || spaced_lit(l->s, l->len, &i, ":")))
			return 1;
	return 0;
}

/* The block above the title (GB/T 9704 版头; Taiwan's 經濟部 函 line):
 * 份号, 密级 and 紧急程度, the 发文机关标志 (国务院办公厅文件), the number
 * with 签发人 beside it, among the labelled lines. */
static void find_top(parser *p)
{
	size_t i = next_text(p, 0), org, kind, cnt = 0;

	for (; i < p->n && cnt < 10; i = next_text(p, i + 1), cnt++) {
		line *l = &p->ln[i];
		const char *sg;
		if (l->block)
			break;
		if (l->role == R_FIELD || filing_line(l))
			continue;
		if (l->role)
			break;
		l->part = -1;
		if (copy_line(l)) {
			l->role = R_TOP;
			l->part = GW_NP_COPY;
		} else if (every_word(l, mark_word)) {
			l->role = R_TOP;
		} else if (l->ncp <= 30 && ends_with(l, "文件") && org_like(l)) {
			l->role = R_TOP;
			p->top_org = i;
			p->top_org_len = l->len - 6;
		} else if (org_kind_line(p, l, &org, &kind)) {
			l->role = R_TOP;
			p->top_org = p->top_kind = i;
			p->top_org_len = org;
			l->off = kind;
		} else if (((sg = find_lit(l, "签发人")) || (sg = find_lit(l, "簽發人"))) && sg > l->s) {
			line num = sub(l->s, (size_t)(sg - l->s)), lab = sub(sg, l->len - (size_t)(sg - l->s));
			size_t from, voff;
			if (p->sign_s || !number_line(&num, &from) || label_of(&lab, &voff) < 0)
				break;
			l->role = R_NUMBER;
			p->number_off = from;
			p->sign_s = lab.s + voff;
			p->sign_len = lab.len - voff;
			l->len = num.len;
		} else {
			break;
		}
	}
}

/* ---- the head ---- */

static int join_title(const line *t, const line *l)
{
	size_t k;
	int y, m, d;

	if (l->ti.sep || l->ncp > 40 || t->ncp > 60 || ends_with(t, "。"))
		return 0;
	if (ends_with(l, "。") || ends_with(l, "；") || ends_with(l, "！") || ends_with(l, "？"))
		return 0;
	if (number_line(l, &k) || addressee_line(l) || date_line(l, &y, &m, &d) ||
	    attach_start(l, &k) || disclosure_line(l, &k, &k) || closing_at(l, &k))
		return 0;
	if (ends_title(t) && !begins_title(l))
		return 0;
	return ends_title(l);
}

/* The next line at or after i that holds text and has no role yet. */
static size_t next_free(const parser *p, size_t i)
{
	while (i < p->n && (!p->ln[i].len || p->ln[i].role))
		i++;
	return i;
}

static int has_role(const parser *p, int role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ln[i].role == role)
			return 1;
	return 0;
}

/* Title, number, addressees, past the lines already given a role (the
 * block above the title, labelled lines). The number may stand above the
 * title (GB/T 9704's 上行文). A Taiwan notice is titled by its 主旨. */
static void find_head(parser *p)
{
	size_t i = next_free(p, 0), j, off;
	int number = has_role(p, R_NUMBER);

	p->body = i;
	if (p->taiwan)
		return;
	if (i < p->n && !p->ln[i].block && !number && number_line(&p->ln[i], &p->number_off) &&
	    (j = next_free(p, i + 1)) < p->n && !p->ln[j].block && ends_title(&p->ln[j])) {
		p->ln[i].role = R_NUMBER;
		number = 1;
		i = j;
	}
	p->body = i;
	if (i < p->n && p->ln[i].block)
		p->table_title = i; /* the title, and still the table's header */
	if (i >= p->n || p->ln[i].block)
		return;
	p->ln[i].role = R_TITLE;
	if (!number && number_line(&p->ln[i], &off) && off == 0)
		p->title_number = i;
	j = next_free(p, i + 1);
	if (j < p->n && !p->ln[j].block && join_title(&p->ln[i], &p->ln[j])) {
		p->ln[j].role = R_TITLE;
		j = next_free(p, j + 1);
	}
	if (j < p->n && !p->ln[j].block && !number && number_line(&p->ln[j], &p->number_off)) {
		p->ln[j].role = R_NUMBER;
		p->title_number = NONE;
		j = next_free(p, j + 1);
	}
	if (j < p->n && !p->ln[j].block && addressee_line(&p->ln[j])) {
		p->ln[j].role = R_ADDR;
		j = next_free(p, j + 1);
	}
	p->body = j;
}

/* ---- building the parts ---- */

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Hands the buffer's text to the part (which stays NULL if it is empty,
 * and keeps its text if it has one already);
 * the buffer starts again empty. An allocation failure stays in b. */
static void take(gw_buf *b, char **part)
{
	if (!b->len || !gw_buf_ok(b) || *part) { /* a part is taken once: the first wins */
		gw_buf_reset(b);
		return;
	}
	gw_buf_putc(b, '\0');
	if (!gw_buf_ok(b))
		return;
	*part = (char *)b->p;
	b->p = NULL;
	b->len = b->cap = 0;
}

static void add_line(gw_buf *b, const char *s, size_t len)
{
	line l = sub(s, len);

	if (!l.len)
		return;
	if (b->len)
		gw_buf_putc(b, '\n');
	gw_buf_append(b, l.s, l.len);
}

/* 科 技 部 → 科技部: a space between two single Han characters goes. */
static void unspace(gw_buf *b, const char *s, size_t len)
{
	size_t i = 0, at, tok = 0, ncp = 0;
	int prev_single = 0, first = 1;
	int32_t cp = 0, last = 0;

	while (i <= len) {
		at = i;
		if (i < len)
			cp = gw_utf8_next(s, len, &i);
		if (at < len && !is_space(cp)) {
			if (!ncp++)
				tok = at;
			last = cp;
			continue;
		}
		if (ncp) {
			int single = ncp == 1 && is_han(last);
			if (!first && !(single && prev_single))
				gw_buf_putc(b, ' ');
			gw_buf_append(b, s + tok, at - tok);
			prev_single = single;
			first = 0;
			ncp = 0;
		}
		if (at >= len)
			break;
	}
}

static void attach_name(gw_buf *b, const line *l)
{
	size_t off = 0;
	line rest;

	if (attach_start(l, &off) || appendix_heading(l, &off) == 3)
		rest = sub(l->s + off, l->len - off);
	else
		rest = *l;
	if (enumerated(&rest, &off))
		rest = sub(rest.s + off, rest.len - off);
	while (rest.len && (ends_with(&rest, "；") || ends_with(&rest, ";")))
		rest.len -= ends_with(&rest, ";") ? 1 : 3;
	add_line(b, rest.s, rest.len);
}

static void build_text_parts(parser *p, gw_notice *out, gw_buf *b)
{
	static const int simple[] = {R_ADDR, R_BODY, R_APPENDIX, R_TRAILING};
	static const int part[] = {GW_NP_ADDRESSEES, GW_NP_BODY, GW_NP_APPENDIX, GW_NP_TRAILING};

	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < p->n; i++) {
			const line *l = &p->ln[i];
			if (l->role == simple[k])
				add_line(b, l->s, l->len);
			else if (simple[k] == R_BODY && i == p->closing && p->closing_off)
				add_line(b, l->s, p->closing_off);
		}
		take(b, &out->part[part[k]]);
	}
}

/* The title lines, joined: a wrapped Latin title keeps a space. A text that
 * starts with a table row is titled by that row, so every text that is not
 * blank has a title. */
static void build_title(const parser *p, gw_notice *out, gw_buf *b)
{
	const line *prev = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const line *l = &p->ln[i];
		if (l->role != R_TITLE)
			continue;
		if (prev && is_alnum((unsigned char)prev->s[prev->len - 1]) &&
		    is_alnum((unsigned char)l->s[0]))
			gw_buf_putc(b, ' ');
		gw_buf_append(b, l->s, l->len);
		prev = l;
	}
	if (!prev && p->table_title != NONE)
		gw_buf_append(b, p->ln[p->table_title].s, p->ln[p->table_title].len);
	take(b, &out->part[GW_NP_TITLE]);
}

/* Appends l's text from off, trimmed, as a line of b, its white space
 * between two Han characters removed when squeeze is set. */
static void add_value(gw_buf *b, const line *l, size_t off, int squeeze)
{
	line v = sub(l->s + off, l->len - off);

	if (!v.len)
		return;
	if (b->len)
		gw_buf_putc(b, '\n');
	if (squeeze)
		unspace(b, v.s, v.len);
	else
		gw_buf_append(b, v.s, v.len);
}

/* The values of the lines of role r giving part k. */
static void add_part_lines(const parser *p, gw_buf *b, int r, int k)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ln[i].role == r && p->ln[i].part == k)
			add_value(b, &p->ln[i], p->ln[i].off, 0);
}

/* 部 長　王美花 → 部長 王美花: the title and the name, each without
 * spaces, one space between. */
static void add_signature(gw_buf *b, const line *l)
{
	size_t name = 0, i = 0;

	signer_line(l, &name);
	if (b->len)
		gw_buf_putc(b, '\n');
	while (i < l->len) {
		size_t at = i;
		int32_t cp = gw_utf8_next(l->s, l->len, &i);
		if (at == name)
			gw_buf_putc(b, ' ');
		if (!is_space(cp))
			gw_buf_append(b, l->s + at, i - at);
	}
}

/* The words of the R_TOP lines that are secrecy (want 1) or urgency (2). */
static void add_marks(const parser *p, gw_buf *b, int want)
{
	for (size_t i = 0; i < p->n; i++) {
		const line *l = &p->ln[i];
		size_t j = 0, start;
		if (l->role != R_TOP || l->part != -1)
			continue;
		while (j < l->len) {
			skip_space(l->s, l->len, &j);
			start = j;
			while (j < l->len) {
				size_t k = j;
				if (is_space(gw_utf8_next(l->s, l->len, &k)))
					break;
				j = k;
			}
			if (j > start && (want == 1 ? secrecy_word(l->s + start, j - start)
			                            : urgency_word(l->s + start, j - start))) {
				if (b->len)
					gw_buf_putc(b, '\n');
				gw_buf_append(b, l->s + start, j - start);
			}
		}
	}
}

static const char *const kinds[] = {
    "開會通知單", "开会通知单", "書函", "书函", "决议", "決議", "决定", "決定", "命令", "公报",
    "公報",       "公告",       "通告", "意见", "意見", "通知", "通报", "通報", "报告", "報告",
    "请示",       "請示",       "批复", "批覆", "议案", "議案", "纪要", "紀要", "批示", "令",
    "函",         NULL};

/* 文种: the kind on a Taiwan 經濟部 函 line, else the word the title ends
 * with (before a （试行） or closing quotes). */
static void build_kind(const parser *p, gw_notice *out, gw_buf *b)
{
	const char *t = out->part[GW_NP_TITLE];
	size_t len;

	if (p->top_kind != NONE) {
		const line *l = &p->ln[p->top_kind];
		gw_buf_append(b, l->s + l->off, l->len - l->off);
	} else if (t && !p->taiwan) {
		len = title_core(t, strlen(t));
		for (int k = 0; kinds[k]; k++)
			if (ends_with_n(t, len, kinds[k])) {
				gw_buf_append(b, kinds[k], strlen(kinds[k]));
				break;
			}
	}
	take(b, &out->part[GW_NP_KIND]);
}

/* The date of a 發文日期 line (in a Taiwan notice 93.7.7 is an ROC date);
 * 1 if there is one. */
static int label_date(const parser *p, int *y, int *m, int *d)
{
	for (size_t i = 0; i < p->n; i++) {
		const line *l = &p->ln[i];
		if (l->role == R_FIELD && l->part == GW_NP_DATE &&
		    gw_date_find(l->s + l->off, l->len - l->off, GW_DATE_ROC, NULL, NULL, y, m, d))
			return 1;
	}
	return 0;
}

static void build_header_parts(parser *p, gw_notice *out, gw_buf *b)
{
	static const int simple[] = {GW_NP_SUBJECT, GW_NP_EXPLANATION, GW_NP_ACTIONS, GW_NP_BASIS,
	                             GW_NP_ITEMS,   GW_NP_CC};
	int y, m, d;
	size_t off;

	for (size_t k = 0; k < sizeof simple / sizeof *simple; k++) {
		add_part_lines(p, b, R_SECTION, simple[k]);
		add_part_lines(p, b, R_FIELD, simple[k]);
		take(b, &out->part[simple[k]]);
	}
	add_part_lines(p, b, R_TOP, GW_NP_COPY);
	add_part_lines(p, b, R_FIELD, GW_NP_COPY);
	take(b, &out->part[GW_NP_COPY]);
	add_marks(p, b, 1);
	add_part_lines(p, b, R_FIELD, GW_NP_SECRECY);
	take(b, &out->part[GW_NP_SECRECY]);
	add_marks(p, b, 2);
	add_part_lines(p, b, R_FIELD, GW_NP_URGENCY);
	take(b, &out->part[GW_NP_URGENCY]);
	if (p->sign_s)
		gw_buf_append(b, p->sign_s, p->sign_len);
	add_part_lines(p, b, R_FIELD, GW_NP_SIGNER);
	for (size_t i = 0; i < p->n; i++)
		if (p->ln[i].role == R_SIGNER)
			add_signature(b, &p->ln[i]);
	take(b, &out->part[GW_NP_SIGNER]);
	for (size_t i = 0; i < p->n; i++) {
		const line *l = &p->ln[i];
		if (l->role != R_PRINTED || out->part[GW_NP_PRINTED] ||
		    !printed_line(l, &y, &m, &d, &off))
			continue;
		gw_buf_append(b, l->s, sub(l->s, off).len);
		take(b, &out->part[GW_NP_PRINTER]);
		gw_buf_printf(b, "%04d-%02d-%02d", y, m, d);
		take(b, &out->part[GW_NP_PRINTED]);
	}
}

static void build_parts(parser *p, gw_notice *out, gw_buf *b)
{
	size_t from, to;
	int y = p->y, m = p->m, d = p->d;

	build_title(p, out, b);
	for (size_t i = 0; i < p->n; i++) {
		const line *l = &p->ln[i];
		switch (l->role) {
		case R_NUMBER:
			gw_buf_append(b, l->s + p->number_off, l->len - p->number_off);
			take(b, &out->part[GW_NP_NUMBER]);
			break;
		case R_DISCLOSURE:
			if (!out->part[GW_NP_DISCLOSURE] && disclosure_line(l, &from, &to)) {
				gw_buf_append(b, l->s + from, to - from);
				take(b, &out->part[GW_NP_DISCLOSURE]);
			}
			break;
		case R_CLOSING:
			add_line(b, l->s + p->closing_off, l->len - p->closing_off);
			take(b, &out->part[GW_NP_CLOSING]);
			break;
		}
	}
	if (!out->part[GW_NP_NUMBER] && p->title_number != NONE)
		add_value(b, &p->ln[p->title_number], 0, 0);
	if (!out->part[GW_NP_NUMBER])
		add_part_lines(p, b, R_FIELD, GW_NP_NUMBER);
	take(b, &out->part[GW_NP_NUMBER]);
	for (size_t i = 0; i < p->n; i++)
		if (p->ln[i].role == R_ATTACH)
			attach_name(b, &p->ln[i]);
	add_part_lines(p, b, R_FIELD, GW_NP_ATTACHMENTS);
	take(b, &out->part[GW_NP_ATTACHMENTS]);
	for (size_t i = 0; i < p->n; i++)
		if (p->ln[i].role == R_ISSUER) {
			if (b->len)
				gw_buf_putc(b, '\n');
			unspace(b, p->ln[i].s, p->ln[i].len);
		}
	if (!b->len && p->top_org != NONE)
		unspace(b, p->ln[p->top_org].s, p->top_org_len);
	take(b, &out->part[GW_NP_ISSUER]);
	if (label_date(p, &y, &m, &d) || p->date != NONE) {
		gw_buf_printf(b, "%04d-%02d-%02d", y, m, d);
		take(b, &out->part[GW_NP_DATE]);
	}
	build_text_parts(p, out, b);
	add_part_lines(p, b, R_FIELD, GW_NP_ADDRESSEES);
	if (b->len && out->part[GW_NP_ADDRESSEES]) {
		gw_buf pre = GW_BUF_INIT;
		gw_buf_append(&pre, out->part[GW_NP_ADDRESSEES], strlen(out->part[GW_NP_ADDRESSEES]));
		gw_buf_putc(&pre, '\n');
		gw_buf_append(&pre, b->p, b->len);
		gw_buf_free(b);
		*b = pre;
		free(out->part[GW_NP_ADDRESSEES]);
		out->part[GW_NP_ADDRESSEES] = NULL;
	}
	take(b, &out->part[GW_NP_ADDRESSEES]);
	build_header_parts(p, out, b);
	if (!out->part[GW_NP_TITLE] && out->part[GW_NP_SUBJECT]) {
		for (const char *c = out->part[GW_NP_SUBJECT]; *c; c++)
			if (*c != '\n')
				gw_buf_putc(b, *c);
		take(b, &out->part[GW_NP_TITLE]);
	}
	build_kind(p, out, b);
}

/* The caption of the table whose header is line h: the short line right
 * above it (the name after an 附件2： heading), or "". */
static line caption_of(const parser *p, size_t h)
{
	line none = {0};
	size_t j = prev_text(p, h, 0), off;
	const line *l;
	int kind;

	none.s = "";
	if (j == NONE || p->ln[j].block)
		return none;
	l = &p->ln[j];
	if (l->role != R_APPENDIX && l->role != R_BODY)
		return none;
	kind = appendix_heading(l, &off);
	if (kind == 3)
		return sub(l->s + off, l->len - off);
	if (kind || l->ncp > 60 || ends_with(l, "。") || ends_with(l, "：") || ends_with(l, ":") ||
	    ends_with(l, "；") || ends_with(l, "，"))
		return none;
	return *l;
}

static int build_tables(const parser *p, gw_notice *out)
{
	gw_table_src *src = malloc((p->n ? p->n : 1) * sizeof *src);
	size_t i = 0, ns;
	int rc = 0;

	if (!src)
		return -1;
	while (i < p->n && rc == 0) {
		size_t id = p->ln[i].block, h = i;
		line cap;
		if (!id || p->ln[i].role != R_TABLE) {
			i++;
			continue;
		}
		for (ns = 0; i < p->n && (p->ln[i].block == id || !p->ln[i].len); i++)
			if (p->ln[i].block == id)
				src[ns++] = (gw_table_src){p->ln[i].s, p->ln[i].len, p->ln[i].no};
		cap = caption_of(p, h);
		rc = gw_table_add(out, src, ns, cap.s, cap.len);
	}
	free(src);
	return rc;
}

gw_rc gw_notice_parse_text(const char *text, size_t len, gw_notice *out, gw_err *err)
{
	parser p;
	gw_buf b = GW_BUF_INIT;
	int rc;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	p.date = p.closing = p.table_title = NONE;
	p.top_org = p.top_kind = p.title_number = NONE;
	rc = load(&p, text ? text : "", text ? len : 0);
	if (rc == 0) {
		find_blocks(&p);
		find_labels(&p);
		find_sections(&p);
		find_top(&p);
		find_head(&p);
		find_signing(&p);
		find_main_tail(&p);
		find_trailing(&p);
		assign_roles(&p);
		rc = build_tables(&p, out);
	}
	if (rc == 0) {
		build_parts(&p, out, &b);
		rc = gw_buf_ok(&b) ? 0 : -1;
	}
	gw_buf_free(&b);
	gw_buf_free(&p.text);
	free(p.ln);
	if (rc) {
		gw_notice_free(out);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory parsing a notice");
	}
	return GW_OK;
}

void gw_notice_free(gw_notice *n)
{
	if (!n)
		return;
	for (int k = 0; k < GW_NP_COUNT; k++)
		free(n->part[k]);
	for (size_t t = 0; n->tables && t < n->ntables; t++)
		gw_table_free(&n->tables[t]);
	free(n->tables);
	for (size_t k = 0; n->notes && k < n->nnotes; k++)
		free(n->notes[k].msg);
	free(n->notes);
	for (size_t k = 0; n->links && k < n->nlinks; k++)
		free(n->links[k]);
	free(n->links);
	memset(n, 0, sizeof *n);
}
