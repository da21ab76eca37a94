/* gw_html: a notice published as a web page becomes a gw_notice (see
 * gw_notice_parse_html in gw_html.h).
 *
 * Government sites serve notices as UTF-8, GBK/GB2312 or Big5 pages wrapped
 * in site navigation, scripts and footers, with the lists of units as HTML
 * tables whose merged cells (rowspan, colspan) hold one value for several
 * rows. The page goes through four steps:
 *
 *   1. charset: a BOM, else the first <meta> (or XML declaration) in the
 *      first 8 KB that names one, else UTF-8 (with two repairs for pages
 *      that lie, see decode_page); anything but UTF-8 is converted with
 *      ICU, so libxml2 only ever sees UTF-8 (it is told so, and told to
 *      ignore the <meta>); a page that is mostly undecodable or binary, or
 *      has no tag, is refused;
 *   2. libxml2's forgiving HTML parser builds the tree (entities decoded),
 *      however deep (XML_PARSE_HUGE: its own limit, 256, would drop the
 *      rest of the page);
 *   3. find_article measures the tree once: the element holding the
 *      article (a known content container of government sites, else the
 *      block of densest text, else the whole page), and the blocks that
 *      are mostly links (navigation), marked to be dropped;
 *   4. a walk of the article writes the visible text, one line per block,
 *      skipping scripts, styles and navigation, and turns each data table
 *      into a gw_table with its merged cells expanded into a full grid;
 *      below GW_HTML_MAX_DEPTH levels it reads plain text without
 *      recursion, with a warning; lines of breadcrumbs, footers and page
 *      tools are dropped, and the article's title put above its text;
 *   5. the text goes through gw_notice_parse_text for the standard parts,
 *      the tables are added, the title is fixed up from the headings of
 *      the page when the text alone did not find a good one, and labels
 *      found anywhere in the page (成文日期, 发布日期, <meta> dates, gov.cn's
 *      标题/发文字号/发文机关 table) fill the title, number, issuer, date.
 *
 * Tables used for page layout (one row or one column, a cell holding a
 * heading or a long stretch of text) are walked as text instead, so a
 * notice laid out in a table still gets its parts. */
#include "read/gw_html.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "notice/gw_date.h"
#include "read/gw_input.h"
#include "text/gw_escape.h"
#include "text/gw_utf8.h"

#define SNIFF_LEN 8192         /* bytes searched for a charset declaration */
#define LAYOUT_CELL_LEN 1000   /* bytes of text that make a cell "layout" */
#define MAX_TITLE_LEN 300      /* a longer heading is not a title */
#define IDEOGRAPHIC_SPACE "\xE3\x80\x80" /* U+3000 */

/* ---- charset ------------------------------------------------------------ */

/* WHATWG encoding labels for the charsets of Chinese pages, mapped to the
 * ICU converter that decodes them. GB2312 and GBK pages are decoded as
 * GB18030 (a superset: pages labelled GB2312 routinely use GBK characters),
 * Big5 as Big5-HKSCS, Latin-1 as windows-1252, as browsers do. A <meta>
 * that claims UTF-16 in an ASCII-compatible page means UTF-8. */
static const struct {
	const char *label, *icu;
} charsets[] = {
    {"utf-8", "UTF-8"},         {"utf8", "UTF-8"},           {"unicode-1-1-utf-8", "UTF-8"},
    {"utf-16", "UTF-8"},        {"utf-16le", "UTF-8"},       {"utf-16be", "UTF-8"},
    {"unicode", "UTF-8"},       {"gb2312", "GB18030"},       {"gbk", "GB18030"},
    {"x-gbk", "GB18030"},       {"gb_2312", "GB18030"},      {"gb_2312-80", "GB18030"},
    {"cp936", "GB18030"},       {"windows-936", "GB18030"},  {"chinese", "GB18030"},
    {"csgb2312", "GB18030"},    {"euc-cn", "GB18030"},       {"iso-ir-58", "GB18030"},
    {"gb18030", "GB18030"},     {"big5", "Big5-HKSCS"},      {"big5-hkscs", "Big5-HKSCS"},
    {"cn-big5", "Big5-HKSCS"},  {"csbig5", "Big5-HKSCS"},    {"x-x-big5", "Big5-HKSCS"},
    {"cp950", "Big5-HKSCS"},    {"windows-950", "Big5-HKSCS"}, {"iso-8859-1", "windows-1252"},
    {"latin1", "windows-1252"}, {"us-ascii", "windows-1252"}, {"ascii", "windows-1252"},
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* The first occurrence of needle (lower-case ASCII) in [p, end), ignoring
 * ASCII case, or NULL. */
static const char *find_ci(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p && (size_t)(end - p) >= n; p++) {
		size_t i = 0;
		while (i < n && lower((unsigned char)p[i]) == needle[i])
			i++;
		if (i == n)
			return p;
	}
	return NULL;
}

static int is_label_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

/* Reads `\s*=\s*["']?LABEL` at p (before end) into label (lower case);
 * returns 1 if there was a label. */
static int read_label(const char *p, const char *end, char *label, size_t cap)
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (p == end || *p++ != '=')
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '"' || *p == '\''))
		p++;
	while (p < end && is_label_char((unsigned char)*p) && n + 1 < cap)
		label[n++] = (char)lower((unsigned char)*p++);
	label[n] = '\0';
	return n > 0;
}

/* Finds `key = label` inside the first tag that starts with open (e.g.
 * "<meta") and has one, in [p, end). */
static int find_decl(const char *p, const char *end, const char *open, const char *key,
                     char *label, size_t cap)
{
	while ((p = find_ci(p, end, open)) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		const char *k = p;

		if (!gt)
			gt = end;
		while ((k = find_ci(k, gt, key)) != NULL) {
			k += strlen(key);
			if (read_label(k, gt, label, cap))
				return 1;
		}
		p = gt;
	}
	return 0;
}

/* Sets label to the charset the page declares and *skip to the length of
 * its BOM; label is "" when the page says nothing. */
static void sniff_charset(const char *p, size_t len, char *label, size_t cap, size_t *skip)
{
	const char *end = p + (len < SNIFF_LEN ? len : SNIFF_LEN);

	*skip = 0;
	label[0] = '\0';
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		snprintf(label, cap, "utf-8");
		*skip = 3;
	} else if (len >= 2 && memcmp(p, "\xFF\xFE", 2) == 0) {
		snprintf(label, cap, "utf-16le-bom");
	} else if (len >= 2 && memcmp(p, "\xFE\xFF", 2) == 0) {
		snprintf(label, cap, "utf-16be-bom");
	} else if (!find_decl(p, end, "<meta", "charset", label, cap) &&
	           (len < 5 || memcmp(p, "<?xml", 5) != 0 ||
	            !find_decl(p, end, "<?xml", "encoding", label, cap))) {
		label[0] = '\0';
	}
}

/* The ICU converter name for a charset label (lower case). */
static const char *icu_name(const char *label)
{
	if (strcmp(label, "utf-16le-bom") == 0)
		return "UTF-16LE";
	if (strcmp(label, "utf-16be-bom") == 0)
		return "UTF-16BE";
	for (size_t i = 0; i < sizeof charsets / sizeof charsets[0]; i++)
		if (strcmp(label, charsets[i].label) == 0)
			return charsets[i].icu;
	return label;
}

/* Appends the UTF-16 text u[0..n) to out as UTF-8 (lone surrogates become
 * U+FFFD). */
static gw_rc utf16_to_utf8(const UChar *u, int32_t n, gw_buf *out, gw_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t m = 0;

	u_strToUTF8WithSub(NULL, 0, &m, u, n, 0xFFFD, NULL, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return gw_err_set(err, GW_EINVAL, st, "cannot convert the page to UTF-8: %s",
		                  u_errorName(st));
	if (gw_buf_reserve(out, (size_t)m + 1))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub((char *)out->p + out->len, m + 1, NULL, u, n, 0xFFFD, NULL, &st);
	if (U_FAILURE(st))
		return gw_err_set(err, GW_EINVAL, st, "cannot convert the page to UTF-8: %s",
		                  u_errorName(st));
	out->len += (size_t)m;
	return GW_OK;
}

/* Decodes p[0..len) from the charset ICU calls name (label is what the
 * page said) and appends it to out as UTF-8. Bytes that are not valid in
 * the charset become ICU's substitute (U+FFFD or U+001A). */
static gw_rc convert(const char *name, const char *label, const char *p, size_t len,
                     gw_buf *out, gw_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv = ucnv_open(name, &st);
	UChar *u = NULL;
	char q[GW_EXCERPT_SIZE];
	int32_t n;
	gw_rc rc;

	if (U_FAILURE(st))
		return gw_err_set(err, GW_EINVAL, st, "unsupported charset '%s'", gw_excerpt_str(q, label));
	n = ucnv_toUChars(cv, NULL, 0, p, (int32_t)len, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(st)) {
		st = U_ZERO_ERROR;
		if (!(u = malloc(((size_t)n + 1) * sizeof *u))) {
			ucnv_close(cv);
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		}
		ucnv_toUChars(cv, u, n + 1, p, (int32_t)len, &st);
	}
	ucnv_close(cv);
	if (U_FAILURE(st))
		rc = gw_err_set(err, GW_EINVAL, st, "cannot decode the page as '%s': %s",
		                gw_excerpt_str(q, label), u_errorName(st));
	else
		rc = utf16_to_utf8(u, n, out, err);
	free(u);
	return rc;
}

/* Appends p[0..len) decoded from the charset ICU calls name (the page
 * said label) to out as valid UTF-8, without a BOM. */
static gw_rc decode_as(const char *name, const char *label, const char *p, size_t len,
                       gw_buf *out, gw_err *err)
{
	gw_rc rc = GW_OK;

	if (strcmp(name, "UTF-8") == 0)
		gw_utf8_sanitize(out, p, len, NULL);
	else
		rc = convert(name, label, p, len, out, err);
	if (rc == GW_OK && !gw_buf_ok(out))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (rc == GW_OK && out->len >= 3 && memcmp(out->p, "\xEF\xBB\xBF", 3) == 0) {
		memmove(out->p, out->p + 3, out->len - 3);
		out->len -= 3;
	}
	return rc;
}

/* Whether c, after a '<', starts a tag, an end tag, a comment or a
 * declaration. */
static int tag_start(int c)
{
	return (lower(c) >= 'a' && lower(c) <= 'z') || c == '!' || c == '/' || c == '?';
}

/* Counts the characters of the UTF-8 text s[0..n), those that are U+FFFD
 * or control characters (what undecodable or binary bytes become), and
 * the '<'s that start a tag. */
static void count_chars(const char *s, size_t n, size_t *total, size_t *bad, size_t *tags)
{
	size_t i = 0;

	*total = *bad = *tags = 0;
	while (i < n) {
		size_t at = i;
		int32_t c = gw_utf8_next(s, n, &i);

		++*total;
		if (c == 0xFFFD || c < 0 ||
		    (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f'))
			++*bad;
		else if (c == '<' && at + 1 < n)
			*tags += tag_start((unsigned char)s[at + 1]);
	}
}

/* The characters of the decoded page that are undecodable or binary;
 * sets *total to the number of all its characters. */
static size_t bad_chars(const gw_buf *b, size_t *total)
{
	size_t bad, tags;

	count_chars((const char *)b->p, b->len, total, &bad, &tags);
	return bad;
}

/* Whether p[0..len) is valid UTF-8 with enough 3- and 4-byte sequences
 * (Chinese characters) that it cannot be GBK or Big5 by chance. */
static int clearly_utf8(const char *p, size_t len)
{
	size_t wide = 0;

	for (size_t i = 0; i < len && wide < 8; i++)
		wide += (unsigned char)p[i] >= 0xE0;
	return wide >= 8 && gw_utf8_valid(p, len);
}

/* Replaces out by the page decoded as GB18030 when that has at least ten
 * times fewer undecodable characters than out, which has more than one in
 * two hundred (a GBK page read as UTF-8 or Big5 has one or two per
 * Chinese character; a UTF-8 page with a damaged byte, very few). */
static void try_gb18030(const char *p, size_t len, gw_buf *out)
{
	gw_buf alt = GW_BUF_INIT;
	size_t total, bad = bad_chars(out, &total), alt_total;

	if (bad * 200 <= total)
		return;
	if (decode_as("GB18030", "gb18030", p, len, &alt, NULL) == GW_OK &&
	    bad_chars(&alt, &alt_total) * 10 < bad) {
		gw_buf tmp = *out;
		*out = alt;
		alt = tmp;
	}
	gw_buf_free(&alt);
}

/* Appends the page, decoded, to out as valid UTF-8 (without a BOM). Pages
 * that lie about their charset are common, so unless it has a BOM: a page
 * that says GBK or Big5 but is clearly UTF-8 is read as UTF-8, and one
 * that does not decode in the charset it says (UTF-8 when it says none)
 * is read as GB18030 if that decodes it much better. */
static gw_rc decode_page(const char *p, size_t len, gw_buf *out, gw_err *err)
{
	char label[48];
	const char *name;
	size_t skip;
	gw_rc rc;

	sniff_charset(p, len, label, sizeof label, &skip);
	name = label[0] ? icu_name(label) : "UTF-8";
	if (!skip && strcmp(name, "UTF-8") != 0 && clearly_utf8(p, len))
		name = "UTF-8";
	rc = decode_as(name, label, p + skip, len - skip, out, err);
	if (rc == GW_OK && !skip && strcmp(name, "GB18030") != 0)
		try_gb18030(p, len, out);
	return rc;
}

/* Rejects text that is not a web page: mostly undecodable bytes or control
 * characters (a binary file, or a page in a charset other than the one it
 * declares), or no tag at all. */
static gw_rc check_page(const char *s, size_t n, gw_err *err)
{
	size_t total, bad, tags;

	count_chars(s, n, &total, &bad, &tags);
	if (total == 0)
		return gw_err_set(err, GW_EINVAL, 0, "empty page");
	if (bad * 20 > total)
		return gw_err_set(err, GW_EINVAL, 0,
		                  "not an HTML document: %zu of %zu characters are binary or "
		                  "undecodable",
		                  bad, total);
	if (tags == 0)
		return gw_err_set(err, GW_EINVAL, 0, "not an HTML document: no tags");
	return GW_OK;
}

/* ---- text --------------------------------------------------------------- */

/* Visible text as lines: runs of white space (ASCII, U+00A0) become one
 * space, none at the start or end of a line, and none where a run that
 * held a line break joins two non-ASCII characters (a Chinese sentence
 * wrapped in the source). */
typedef struct text {
	gw_buf b;
	int space;    /* a run of white space is pending */
	int space_nl; /* ... and it held a line break */
	int join;     /* ... and it is a <br> inside a heading */
} text;

#define TEXT_INIT {GW_BUF_INIT, 0, 0, 0}

static int line_empty(const text *t)
{
	return t->b.len == 0 || t->b.p[t->b.len - 1] == '\n';
}

/* Bytes of white space at p (0 if none); sets *nl for a line break. */
static size_t space_len(const unsigned char *p, int *nl)
{
	if (*p == '\n' || *p == '\r')
		*nl = 1;
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		return 1;
	return p[0] == 0xC2 && p[1] == 0xA0 ? 2 : 0;
}

/* Bytes of the character at p that is dropped (other controls, U+FEFF,
 * U+200B), 0 if it is kept. */
static size_t invisible_len(const unsigned char *p)
{
	if (*p < 0x20 || *p == 0x7F)
		return 1;
	if ((p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ||
	    (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8B))
		return 3;
	return 0;
}

/* Bytes of the UTF-8 character at p, stopping at a NUL. */
static size_t char_len(const unsigned char *p)
{
	size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4, i;

	for (i = 1; i < n && p[i]; i++)
		;
	return i;
}

static void text_put(text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	/* Only a line break inside one text node is a wrapped sentence; one
	 * between two elements (<a>..</a>\n<a>..</a>) separates them. */
	t->space_nl = t->join;
	while (*p) {
		if ((n = space_len(p, &t->space_nl)) > 0) {
			t->space = 1;
		} else if ((n = invisible_len(p)) == 0) {
			n = char_len(p);
			if (t->space && !line_empty(t) &&
			    !(t->space_nl && t->b.p[t->b.len - 1] >= 0x80 && *p >= 0x80))
				gw_buf_putc(&t->b, ' ');
			t->space = t->space_nl = t->join = 0;
			gw_buf_append(&t->b, p, n);
		}
		p += n;
	}
}

/* Ends the current line, if it has anything on it. */
static void text_break(text *t)
{
	if (!line_empty(t))
		gw_buf_putc(&t->b, '\n');
	t->space = t->space_nl = t->join = 0;
}

/* A <br> in a heading: the heading stays one line, the break becomes a
 * space, or nothing between two non-ASCII characters. */
static void text_join(text *t)
{
	t->space = t->join = 1;
}

/* Separates what comes next from what came before by a space. */
static void text_sep(text *t)
{
	t->space = 1;
}

/* Bytes of the space (ASCII or U+3000) that starts the n bytes at p. */
static size_t space_at(const unsigned char *p, size_t n)
{
	if (n >= 1 && p[0] == ' ')
		return 1;
	return n >= 3 && memcmp(p, IDEOGRAPHIC_SPACE, 3) == 0 ? 3 : 0;
}

/* Bytes of the space (ASCII or U+3000) that ends the n bytes at p. */
static size_t space_before(const unsigned char *p, size_t n)
{
	if (n >= 1 && p[n - 1] == ' ')
		return 1;
	return n >= 3 && memcmp(p + n - 3, IDEOGRAPHIC_SPACE, 3) == 0 ? 3 : 0;
}

/* The text as one line: each line break becomes a space, or nothing
 * between two non-ASCII characters; leading and trailing spaces (ASCII
 * and U+3000) trimmed. Returns a malloc'd string, or NULL (out of memory;
 * t->b is freed either way). */
static char *text_flatten(text *t)
{
	gw_buf *b = &t->b;
	size_t i, j = 0, start = 0, end, n;

	gw_buf_putc(b, '\0');
	if (!gw_buf_ok(b)) {
		gw_buf_free(b);
		return NULL;
	}
	for (i = 0; b->p[i]; i++) {
		if (b->p[i] != '\n')
			b->p[j++] = b->p[i];
		else if (!(j > 0 && b->p[j - 1] >= 0x80 && b->p[i + 1] >= 0x80) && b->p[i + 1])
			b->p[j++] = ' ';
	}
	end = j;
	while ((n = space_at(b->p + start, end - start)) > 0)
		start += n;
	while ((n = space_before(b->p + start, end - start)) > 0)
		end -= n;
	memmove(b->p, b->p + start, end - start);
	b->p[end - start] = '\0';
	return (char *)b->p; /* the buffer's storage becomes the string */
}

/* ---- the tree ----------------------------------------------------------- */

static int is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

static int is_any(const xmlNode *n, const char *const *names)
{
	for (; *names; names++)
		if (is(n, *names))
			return 1;
	return 0;
}

/* The value of attribute name, "" for an attribute without a value, or
 * NULL when el does not have it. Borrowed from the tree. */
static const char *attr(const xmlNode *el, const char *name)
{
	for (const xmlAttr *a = el->properties; a; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0) {
			const xmlNode *v = a->children;
			return v && v->type == XML_TEXT_NODE && v->content ? (const char *)v->content : "";
		}
	return NULL;
}

static int attr_has(const xmlNode *el, const char *name, const char *word)
{
	const char *v = attr(el, name);

	return v && find_ci(v, v + strlen(v), word) != NULL;
}

static const char *const skip_tags[] = {"head",   "script", "style",  "noscript", "template",
                                        "iframe", "select", "button", "textarea", "svg",
                                        "object", "nav",    NULL};
/* Words in a class or id that mark navigation and page furniture. */
static const char *const skip_words[] = {"nav",      "menu",     "breadcrumb", "crumb",
                                         "footer",   "sidebar",  "share",      "copyright",
                                         "location", "position", "related",    "xglj",
                                         NULL};
static const char *const block_tags[] = {
    "p",      "div",     "li",       "ul",      "ol",         "dl",     "dt",   "dd",
    "h1",     "h2",      "h3",       "h4",      "h5",         "h6",     "tr",   "table",
    "thead",  "tbody",   "tfoot",    "caption", "section",    "article", "main", "aside",
    "blockquote", "pre", "hr",       "address", "center",     "form",   "fieldset",
    "figure", "figcaption", "body",  "html",    NULL};
static const char *const table_parts[] = {"table", "caption", "thead", "tbody", "tfoot",
                                         "tr",    "td",      "th",    NULL};
static const char *const heading_tags[] = {"h1", "h2", "h3", NULL};
static const char *const all_headings[] = {"h1", "h2", "h3", "h4", "h5", "h6", NULL};

/* A <header> or <footer> of an <article> or <main> is part of the text
 * (it may hold the title or the date); the page's own are not. */
static int in_article(const xmlNode *n)
{
	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (is(n, "article") || is(n, "main"))
			return 1;
	return 0;
}

static int hidden(const xmlNode *el)
{
	const char *style = attr(el, "style");
	char squeezed[128];
	size_t n = 0;

	if (attr(el, "hidden"))
		return 1;
	for (; style && *style && n + 1 < sizeof squeezed; style++)
		if (*style != ' ')
			squeezed[n++] = (char)lower((unsigned char)*style);
	squeezed[n] = '\0';
	return strstr(squeezed, "display:none") != NULL;
}

/* Page furniture: scripts, styles, hidden elements, navigation, the page's
 * header and footer, breadcrumbs, share buttons, copyright blocks. */
static int furniture(const xmlNode *el)
{
	if (is_any(el, skip_tags) || hidden(el))
		return 1;
	if ((is(el, "header") || is(el, "footer")) && !in_article(el))
		return 1;
	for (size_t i = 0; skip_words[i]; i++)
		if (attr_has(el, "class", skip_words[i]) || attr_has(el, "id", skip_words[i]))
			return 1;
	return 0;
}

/* The mark (in xmlNode._private, which libxml2 leaves to applications) of
 * a block that find_article judged navigation: mostly links. */
static const char dropped_mark;

static int meta_table(const xmlNode *table);

/* Whether the walk leaves el out: furniture, a block of links, or a table
 * of the page's metadata (索引号, 发文机关, 成文日期 ...: read as fields). */
static int skipped(const xmlNode *el)
{
	return furniture(el) || el->_private == &dropped_mark || (is(el, "table") && meta_table(el));
}

/* ---- the walk ----------------------------------------------------------- */

enum { CAND_H1, CAND_CLASS, CAND_H2, NCAND };
enum { LABEL_TITLE, LABEL_NUMBER, LABEL_ISSUER, NLABEL };
enum { DATE_WRITTEN, DATE_PUBLISHED, DATE_META, NDATE };

typedef struct walker {
	text out;             /* the text outside data tables */
	gw_table *tables;     /* the data tables, in document order */
	size_t ntables, tcap;
	gw_notice_note *notes;
	size_t nnotes, ncap;
	char *cand[NCAND];    /* title candidates: first <h1>, *title*, <h2> */
	char *head_title;     /* <title>, site name stripped */
	char *meta_title;     /* <meta name="ArticleTitle"> */
	char *raw_title;      /* <title> as it is, site name and all */
	char *site;           /* <meta name="SiteName"> */
	const xmlNode *article; /* the element holding the article, NULL: the whole page */
	char *label[NLABEL];  /* values of 标题, 发文字号, 发文机关 in the page */
	int date[NDATE][3];   /* y, m, d of 成文日期, 发布日期, <meta> dates; y 0: none */
	int depth;
	int deep_noted;       /* the walk went past GW_HTML_MAX_DEPTH (noted once) */
	int heading;          /* inside an <h1>..<h6> or a *title* element */
	int cell_heading;     /* a heading was seen inside a table cell */
	int oom;
} walker;

static void walk(walker *w, const xmlNode *node, text *t, int in_cell);
static int data_table(walker *w, const xmlNode *table);
static int add_note(walker *w, long line, char *msg);
static char *str_printf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The visible text of el on one line (malloc'd; NULL if out of memory). */
static char *element_text(walker *w, const xmlNode *el)
{
	text t = TEXT_INIT;
	char *s;

	walk(w, el, &t, 1);
	if (!(s = text_flatten(&t)))
		w->oom = 1;
	return s;
}

/* Whether el's class or id says it holds a title (class="article-title"). */
static int titled(const xmlNode *el)
{
	return attr_has(el, "class", "title") || attr_has(el, "id", "title");
}

/* Whether the text under n is at most *left bytes long (uses up *left);
 * elements nested more than depth levels below n make it not short, so
 * that the recursion stays bounded. */
static int text_within(const xmlNode *n, size_t *left, int depth)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		size_t len = c->type == XML_TEXT_NODE && c->content ? strlen((const char *)c->content) : 0;
		if (len > *left)
			return 0;
		*left -= len;
		if (c->type == XML_ELEMENT_NODE && (depth == 0 || !text_within(c, left, depth - 1)))
			return 0;
	}
	return 1;
}

/* Whether el holds at most max bytes of text (white space included): a
 * *title* element that short is a heading, a longer one is a container. */
static int short_text(const xmlNode *el, size_t max)
{
	return text_within(el, &max, GW_HTML_MAX_DEPTH);
}

/* Whether the heading s names the site, not an article: 首页, the
 * <meta name="SiteName">, or a part of the <title> other than the one
 * that names the page (中国政府网 in "标题_国务院公报_中国政府网"). */
static int site_name(const walker *w, const char *s)
{
	if (strcmp(s, "首页") == 0 || strcmp(s, "首頁") == 0 || (w->site && strcmp(s, w->site) == 0))
		return 1;
	return w->raw_title && w->head_title && w->head_title[0] && strstr(w->raw_title, s) &&
	       !strstr(w->head_title, s) && !strstr(s, w->head_title);
}

/* Keeps the first <h1>, <h2> and element whose class or id says "title"
 * that has a short text, as candidates for the title. */
static void note_title(walker *w, const xmlNode *el)
{
	int k = is(el, "h1") ? CAND_H1 : is(el, "h2") ? CAND_H2 : -1;
	char *s;

	if (k < 0 && titled(el))
		k = CAND_CLASS;
	if (k < 0 || w->cand[k] || !(s = element_text(w, el)))
		return;
	if (s[0] && strlen(s) <= MAX_TITLE_LEN && !site_name(w, s))
		w->cand[k] = s;
	else
		free(s);
}

static int is_cell(const xmlNode *n)
{
	return is(n, "td") || is(n, "th");
}

/* Outside data tables, the parts of a (layout) table are blocks; inside a
 * cell, those of a nested table only separate words. */
static void walk_element(walker *w, const xmlNode *el, text *t, int in_cell)
{
	int part = is_any(el, table_parts);
	int block = in_cell ? is_any(el, block_tags) && !part : is_any(el, block_tags) || part;

	if (in_cell && is_any(el, heading_tags))
		w->cell_heading = 1;
	if (!in_cell)
		note_title(w, el);
	if (is(el, "br")) {
		if (w->heading)
			text_join(t);
		else
			text_break(t);
		return;
	}
	if (block)
		text_break(t);
	else if (part)
		text_sep(t);
	if (!(is(el, "table") && !in_cell && data_table(w, el))) {
		int h = is_any(el, all_headings) || (titled(el) && short_text(el, MAX_TITLE_LEN));
		w->depth++;
		w->heading += h;
		walk(w, el, t, in_cell);
		w->heading -= h;
		w->depth--;
	}
	if (block)
		text_break(t);
	else if (part)
		text_sep(t);
}

/* The next node after n in document order under top (n's children
 * first, unless down is 0), or NULL at the end of top's subtree; a block
 * element left on the way up breaks the line. */
static const xmlNode *next_flat(const xmlNode *top, const xmlNode *n, int down, text *t)
{
	if (down && n->children)
		return n->children;
	for (; n != top; n = n->parent) {
		if (n->type == XML_ELEMENT_NODE && is_any(n, block_tags))
			text_break(t);
		if (n->next)
			return n->next;
	}
	return NULL;
}

/* The text under top as plain text, without recursion: what the walk does
 * below GW_HTML_MAX_DEPTH, where a page nested that deep (100,000 <div>s,
 * say) would exhaust the stack. Skipped elements (scripts, navigation) are
 * still skipped and blocks still break lines, but tables are text and
 * headings are not title candidates. */
static void flat_text(const xmlNode *top, text *t)
{
	const xmlNode *n = top->children;

	while (n) {
		int down = 0;
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
			text_put(t, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE && is(n, "br"))
			text_break(t);
		else if (n->type == XML_ELEMENT_NODE && !skipped(n)) {
			if (is_any(n, block_tags))
				text_break(t);
			else if (is_any(n, table_parts))
				text_sep(t);
			down = 1;
		}
		n = next_flat(top, n, down, t);
	}
}

/* Past GW_HTML_MAX_DEPTH, the walk reads node's text flat, once noted. */
static void walk_deep(walker *w, const xmlNode *node, text *t)
{
	if (!w->deep_noted) {
		w->deep_noted = 1;
		if (add_note(w, xmlGetLineNo(node),
		             str_printf("elements nested deeper than %d levels (GW_HTML_MAX_DEPTH): "
		                        "read as plain text",
		                        GW_HTML_MAX_DEPTH)))
			w->oom = 1;
	}
	flat_text(node, t);
}

/* Writes the visible text under node to t. Outside table cells (in_cell
 * 0), data tables go to w->tables instead and headings are noted as title
 * candidates; inside a cell, everything is text, nested tables included. */
static void walk(walker *w, const xmlNode *node, text *t, int in_cell)
{
	if (w->depth >= GW_HTML_MAX_DEPTH) {
		walk_deep(w, node, t);
		return;
	}
	for (const xmlNode *c = node->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			text_put(t, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE && !skipped(c))
			walk_element(w, c, t, in_cell);
	}
}

/* ---- tables ------------------------------------------------------------- */

/* A table as a grid of borrowed cell texts, merged cells expanded. */
typedef struct grow {
	const char **cells; /* n slots; NULL: no cell covers the slot */
	size_t n, cap;
	long line;          /* source line of the <tr> */
	int all_th;         /* the row's own cells are all <th> (and it has some) */
	int from_above;     /* a rowspan from an earlier row covers a slot */
} grow;

typedef struct grid {
	grow *rows;
	size_t nrows, ncols, ncells;
	char **texts;       /* the cell texts the slots point to (owned) */
	size_t ntexts, xcap;
	int layout;         /* the table is for layout: read it as text */
	int too_big;        /* ... because it has more than GW_HTML_MAX_CELLS cells */
	int too_wide;       /* ... or more than GW_TABLE_COLS_MAX columns */
} grid;

static void grid_free(grid *g)
{
	for (size_t r = 0; r < g->nrows; r++)
		free(g->rows[r].cells);
	free(g->rows);
	for (size_t i = 0; i < g->ntexts; i++)
		free(g->texts[i]);
	free(g->texts);
}

/* Counts the <tr>s of table, its own (not those of nested tables), and
 * stores the first cap of them in trs (when not NULL), in order. */
static size_t collect_rows(const xmlNode *table, const xmlNode **trs, size_t cap)
{
	size_t n = 0;

	for (const xmlNode *c = table->children; c; c = c->next) {
		const xmlNode *r = c, *end = c->next;
		if (skipped(c))
			continue;
		if (is(c, "thead") || is(c, "tbody") || is(c, "tfoot"))
			r = c->children, end = NULL;
		for (; r != end; r = r->next)
			if (is(r, "tr") && !skipped(r)) {
				if (trs && n < cap)
					trs[n] = r;
				n++;
			}
	}
	return n;
}

/* The value of a rowspan or colspan attribute: def when absent or not a
 * number, else clamped to [lo, hi]. */
static size_t span(const xmlNode *cell, const char *name, size_t def, size_t lo, size_t hi)
{
	const char *v = attr(cell, name);
	char *end;
	long x;

	if (!v)
		return def;
	x = strtol(v, &end, 10);
	if (end == v || x < 0)
		return def;
	return (size_t)x < lo ? lo : (size_t)x > hi ? hi : (size_t)x;
}

/* Makes row r of g at least n slots wide; returns 0, or -1 (out of memory). */
static int grow_row(grow *row, size_t n)
{
	if (n > row->cap) {
		size_t c = row->cap ? row->cap : 8;
		const char **p;
		while (c < n)
			c *= 2;
		if (!(p = realloc(row->cells, c * sizeof *p)))
			return -1;
		row->cells = p;
		row->cap = c;
	}
	while (row->n < n)
		row->cells[row->n++] = NULL;
	return 0;
}

/* Puts s into the rs x cs block of slots at (r, c). */
static int place(grid *g, size_t r, size_t c, size_t rs, size_t cs, const char *s)
{
	if (g->ncells + rs * cs > GW_HTML_MAX_CELLS) {
		g->layout = g->too_big = 1;
		return 0;
	}
	g->ncells += rs * cs;
	for (size_t i = r; i < r + rs; i++) {
		if (grow_row(&g->rows[i], c + cs))
			return -1;
		for (size_t j = c; j < c + cs; j++)
			g->rows[i].cells[j] = s;
		if (i > r)
			g->rows[i].from_above = 1;
	}
	if (c + cs > g->ncols)
		g->ncols = c + cs;
	return 0;
}

/* Keeps the text s (malloc'd) of a cell; returns 0, or -1. */
static int keep_text(grid *g, char *s)
{
	if (g->ntexts == g->xcap) {
		size_t c = g->xcap ? g->xcap * 2 : 32;
		char **p = realloc(g->texts, c * sizeof *p);
		if (!p)
			return -1;
		g->texts = p;
		g->xcap = c;
	}
	g->texts[g->ntexts++] = s;
	return 0;
}

/* Notes a rowspan or colspan that span() clamped to the HTML standard's
 * limit, so that the cut is said. */
static int note_span(walker *w, const xmlNode *td, const char *name, size_t got, size_t max,
                     const char *limit)
{
	const char *v = attr(td, name);
	char q[GW_EXCERPT_SIZE];

	if (got < max || !v || strtol(v, NULL, 10) <= (long)max)
		return 0;
	return add_note(w, xmlGetLineNo(td),
	                str_printf("table %zu: %s=%s clamped to %zu (%s, the HTML standard's limit)",
	                           w->ntables + 1, name, gw_excerpt_str(q, v), max, limit));
}

/* Reads the cells of row r (the <tr> tr) into g. */
static int read_row(walker *w, grid *g, size_t r, const xmlNode *tr)
{
	size_t c = 0, nth = 0, ncells = 0;

	g->rows[r].line = xmlGetLineNo(tr);
	for (const xmlNode *td = tr->children; td && !g->layout; td = td->next) {
		size_t cs = span(td, "colspan", 1, 1, GW_HTML_MAX_COLSPAN);
		size_t rs = span(td, "rowspan", 1, 0, GW_HTML_MAX_ROWSPAN);
		char *s;

		if (!is_cell(td) || skipped(td))
			continue;
		if (note_span(w, td, "colspan", cs, GW_HTML_MAX_COLSPAN, "GW_HTML_MAX_COLSPAN") ||
		    note_span(w, td, "rowspan", rs, GW_HTML_MAX_ROWSPAN, "GW_HTML_MAX_ROWSPAN"))
			return -1;
		if (rs == 0 || rs > g->nrows - r) /* rowspan="0": to the end */
			rs = g->nrows - r;
		while (c < g->rows[r].n && g->rows[r].cells[c])
			c++;
		if (!(s = element_text(w, td)) || keep_text(g, s)) {
			free(s);
			return -1;
		}
		if (strlen(s) > LAYOUT_CELL_LEN)
			g->layout = 1;
		if (place(g, r, c, rs, cs, s))
			return -1;
		c += cs;
		ncells++;
		nth += is(td, "th");
	}
	g->rows[r].all_th = ncells > 0 && nth == ncells;
	return 0;
}

/* Builds the grid of table; returns 0, or -1 when out of memory. */
static int build_grid(walker *w, const xmlNode *table, grid *g)
{
	size_t n = collect_rows(table, NULL, SIZE_MAX);
	const xmlNode **trs;
	int rc = 0;

	memset(g, 0, sizeof *g);
	if (n < 2) {
		g->layout = 1;
		return 0;
	}
	if (!(trs = malloc(n * sizeof *trs)) || !(g->rows = calloc(n, sizeof *g->rows))) {
		free(trs);
		return -1;
	}
	collect_rows(table, trs, n);
	g->nrows = n;
	w->cell_heading = 0;
	for (size_t r = 0; r < n && !g->layout && rc == 0; r++)
		rc = read_row(w, g, r, trs[r]);
	if (w->cell_heading || g->ncols < 2)
		g->layout = 1;
	if (g->ncols > GW_TABLE_COLS_MAX)
		g->layout = g->too_wide = 1;
	free(trs);
	return rc;
}

static const char *slot(const grid *g, size_t r, size_t c)
{
	const grow *row = &g->rows[r];

	return c < row->n && row->cells[c] ? row->cells[c] : "";
}

/* A row that is one cell across the whole table: a title, not data. */
static int title_row(const grid *g, size_t r)
{
	const char *first = slot(g, r, 0);

	if (!first[0])
		return 0;
	for (size_t c = 1; c < g->ncols; c++)
		if (slot(g, r, c) != first)
			return 0;
	return 1;
}

static int empty_row(const grid *g, size_t r)
{
	for (size_t c = 0; c < g->ncols; c++)
		if (slot(g, r, c)[0])
			return 0;
	return 1;
}

/* The header row: the first row of <th>s, else the first row; a title
 * row (one cell across the table) before data is skipped, its text
 * becoming the caption if there is none. */
static size_t header_row(const grid *g, const char **title)
{
	size_t h = 0;

	*title = NULL;
	for (size_t r = 0; r < g->nrows; r++)
		if (g->rows[r].all_th) {
			h = r;
			break;
		}
	for (size_t r = 0; r < h; r++)
		if (!*title && title_row(g, r))
			*title = slot(g, r, 0);
	while (h + 1 < g->nrows && title_row(g, h)) {
		if (!*title)
			*title = slot(g, h, 0);
		h++;
	}
	return h;
}

/* ---- gw_table from a grid ----------------------------------------------- */

static void table_free(gw_table *t)
{
	free(t->caption);
	for (size_t c = 0; t->header && c < t->ncols; c++)
		free(t->header[c]);
	free(t->header);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; t->rows[r].cells && c < t->ncols; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	free(t->rows);
}

static int add_note(walker *w, long line, char *msg)
{
	if (!msg)
		return -1;
	if (w->nnotes == w->ncap) {
		size_t c = w->ncap ? w->ncap * 2 : 8;
		gw_notice_note *p = realloc(w->notes, c * sizeof *p);
		if (!p) {
			free(msg);
			return -1;
		}
		w->notes = p;
		w->ncap = c;
	}
	w->notes[w->nnotes++] = (gw_notice_note){line, msg};
	return 0;
}

/* A malloc'd message (cut at 511 bytes), or NULL. */
static char *str_printf(const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	return strdup(tmp);
}

/* Copies row r of g into a gw_table_row of ncols cells. */
static int copy_row(const grid *g, size_t r, gw_table_row *out)
{
	out->line = 0;
	out->repaired = g->rows[r].from_above;
	if (!(out->cells = calloc(g->ncols, sizeof *out->cells)))
		return -1;
	for (size_t c = 0; c < g->ncols; c++)
		if (!(out->cells[c] = strdup(slot(g, r, c))))
			return -1;
	return 0;
}

static int copy_header(const grid *g, size_t h, gw_table *t)
{
	char name[32];

	if (!(t->header = calloc(g->ncols, sizeof *t->header)))
		return -1;
	t->ncols = g->ncols;
	for (size_t c = 0; c < g->ncols; c++) {
		const char *s = slot(g, h, c);
		if (!s[0])
			snprintf(name, sizeof name, "column %zu", c + 1);
		if (!(t->header[c] = strdup(s[0] ? s : name)))
			return -1;
	}
	return 0;
}

/* Notes the rows of g (the n-th table) that had fewer cells than the
 * table has columns. */
static int note_ragged(walker *w, const grid *g, size_t n, size_t h)
{
	for (size_t r = h; r < g->nrows; r++) {
		size_t have = 0;
		for (size_t c = 0; c < g->ncols; c++)
			have += c < g->rows[r].n && g->rows[r].cells[c];
		char what[32];
		if (have == g->ncols || empty_row(g, r))
			continue;
		if (r == h)
			snprintf(what, sizeof what, "header");
		else
			snprintf(what, sizeof what, "row %zu", r - h);
		if (add_note(w, g->rows[r].line,
		             str_printf("table %zu %s: %zu cells for %zu columns; the rest left empty",
		                        n, what, have, g->ncols)))
			return -1;
	}
	return 0;
}

/* Fills t from g: header row h, then every non-empty row after it. */
static int fill_table(walker *w, const grid *g, size_t h, gw_table *t)
{
	t->line = g->rows[h].line;
	if (copy_header(g, h, t) || !(t->rows = calloc(g->nrows, sizeof *t->rows)))
		return -1;
	for (size_t r = h + 1; r < g->nrows; r++)
		if (!empty_row(g, r) && copy_row(g, r, &t->rows[t->nrows++]))
			return -1;
	return note_ragged(w, g, w->ntables + 1, h);
}

/* The last line of the text so far, if it can be the heading of what
 * follows (gw_input_caption_above); "" otherwise. */
static char *line_above(const text *t)
{
	const char *s = t->b.len ? (const char *)t->b.p : "";
	size_t end = t->b.len;

	if (end > 0 && s[end - 1] == '\n')
		end--;
	return gw_input_caption_above(s, end);
}

/* The caption of table: its <caption>, else a title row, else the line of
 * text just above it. */
static char *caption(walker *w, const xmlNode *table, const char *title)
{
	for (const xmlNode *c = table->children; c; c = c->next)
		if (is(c, "caption")) {
			char *s = element_text(w, c);
			if (!s || s[0])
				return s;
			free(s);
		}
	return title ? strdup(title) : line_above(&w->out);
}

static int push_table(walker *w, gw_table *t)
{
	if (gw_array_grow((void **)&w->tables, &w->tcap, w->ntables + 1, sizeof *w->tables, 4))
		return -1;
	w->tables[w->ntables++] = *t;
	return 0;
}

/* If table holds data, adds it to w->tables and returns 1; returns 0 for
 * a layout table, which the caller walks as text. */
static int data_table(walker *w, const xmlNode *table)
{
	gw_table t;
	const char *title;
	size_t h;
	grid g;
	int rc;

	if (build_grid(w, table, &g) || g.layout) {
		if (g.too_big &&
		    add_note(w, xmlGetLineNo(table),
		             str_printf("table of more than %d cells (rowspan and colspan expanded), "
		                        "GW_HTML_MAX_CELLS: read as text",
		                        GW_HTML_MAX_CELLS)))
			w->oom = 1;
		if (g.too_wide &&
		    add_note(w, xmlGetLineNo(table),
		             str_printf("table of %zu columns, more than GW_TABLE_COLS_MAX (%d): read "
		                        "as text",
		                        g.ncols, GW_TABLE_COLS_MAX)))
			w->oom = 1;
		w->oom |= !g.layout;
		grid_free(&g);
		return !g.layout;
	}
	memset(&t, 0, sizeof t);
	h = header_row(&g, &title);
	rc = !(t.caption = caption(w, table, title)) || fill_table(w, &g, h, &t) ||
	     push_table(w, &t);
	if (rc) {
		table_free(&t);
		w->oom = 1;
	}
	grid_free(&g);
	return 1;
}

/* ---- the title ---------------------------------------------------------- */

/* The part of a <title> that names the page, without the site: the longest
 * of the pieces between " - ", "_", " | " and the like. */
static char *strip_site(char *s)
{
	static const char *const seps[] = {" - ", " – ", " — ", " -- ", " | ", "｜", "_", NULL};
	char *best = s, *p = s;
	size_t best_len = 0;

	while (*p) {
		size_t len = strlen(p), sep = 0, cut = len;
		for (size_t i = 0; seps[i]; i++) {
			char *q = strstr(p, seps[i]);
			if (q && (size_t)(q - p) < cut)
				cut = (size_t)(q - p), sep = strlen(seps[i]);
		}
		if (cut > best_len)
			best = p, best_len = cut;
		p += cut + sep;
	}
	memmove(s, best, best_len);
	s[best_len] = '\0';
	return s;
}

/* The string s with its white space collapsed, on one line (malloc'd). */
static char *one_line(walker *w, const char *s)
{
	text t = TEXT_INIT;
	char *r;

	text_put(&t, s);
	if (!(r = text_flatten(&t)))
		w->oom = 1;
	return r;
}

static int date_prefix(const char *s, size_t n, int *ymd);

/* <meta> names (or properties) that give the date a page was published. */
static const char *const meta_dates[] = {"PubDate",       "firstpublishedtime",
                                         "publishdate",   "article:published_time",
                                         "dc.date",       "dcterms.date",
                                         "dc.date.issued", "dcterms.issued",
                                         NULL};

/* Reads one <meta> of the <head>: ArticleTitle, SiteName, a date. */
static void read_meta(walker *w, const xmlNode *m)
{
	const char *name = attr(m, "name"), *content = attr(m, "content");

	if (!name)
		name = attr(m, "property");
	if (!name || !content)
		return;
	if (strcasecmp(name, "ArticleTitle") == 0 && !w->meta_title)
		w->meta_title = one_line(w, content);
	else if (strcasecmp(name, "SiteName") == 0 && !w->site)
		w->site = one_line(w, content);
	for (size_t i = 0; meta_dates[i] && !w->date[DATE_META][0]; i++)
		if (strcasecmp(name, meta_dates[i]) == 0)
			date_prefix(content, strlen(content), w->date[DATE_META]);
}

/* Reads <title> and the <meta>s of the <head>. A <title> that is only a
 * site's name or 首页 names no article and is dropped. */
static void read_head(walker *w, const xmlNode *root)
{
	for (const xmlNode *h = root->children; h; h = h->next) {
		if (!is(h, "head"))
			continue;
		for (const xmlNode *c = h->children; c; c = c->next) {
			if (is(c, "title") && !w->head_title && (w->head_title = element_text(w, c))) {
				if (!(w->raw_title = strdup(w->head_title)))
					w->oom = 1;
				strip_site(w->head_title);
			} else if (is(c, "meta")) {
				read_meta(w, c);
			}
		}
	}
	if (w->head_title && (strcmp(w->head_title, "首页") == 0 ||
	                      strcmp(w->head_title, "首頁") == 0 ||
	                      (w->site && strcmp(w->head_title, w->site) == 0)))
		w->head_title[0] = '\0';
}

/* Whether heading a and the page title b name the same thing: equal, or
 * one holds the other and is at least half its length (a <title> cut
 * short, a heading with a prefix). */
static int same_title(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!la || !lb)
		return 0;
	if (la <= lb)
		return strstr(b, a) && 2 * la >= lb;
	return strstr(a, b) && 2 * lb >= la;
}

/* A title found in the text that is more likely a sentence than a title. */
static int poor_title(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n == 0 || n > MAX_TITLE_LEN ||
	       (n >= 3 && (strcmp(s + n - 3, "。") == 0 || strcmp(s + n - 3, "：") == 0)) ||
	       s[n - 1] == ':';
}

/* The title the page's markup gives, or NULL to keep the text's (cur):
 * a heading that matches <meta ArticleTitle> or <title>; else none if the
 * text's title is one of the headings; else the first <h1>, *title*, <h2>;
 * else <title> when the text's own is missing or poor. Borrowed from w. */
static const char *markup_title(const walker *w, const char *cur)
{
	const char *ref = w->meta_title && w->meta_title[0] ? w->meta_title : w->head_title;

	for (int k = 0; ref && k < NCAND; k++)
		if (w->cand[k] && same_title(w->cand[k], ref))
			return w->cand[k];
	for (int k = 0; cur && k < NCAND; k++)
		if (w->cand[k] && strcmp(w->cand[k], cur) == 0)
			return NULL;
	for (int k = 0; k < NCAND; k++)
		if (w->cand[k])
			return w->cand[k];
	return ref && ref[0] && poor_title(cur) ? ref : NULL;
}

/* ---- the article -------------------------------------------------------- */

/* What a subtree holds: bytes of visible text (white space not counted),
 * those inside links and those inside headings, the links; whether it has
 * a table or mentions an attachment (附件, or a link to a document file). */
typedef struct blockstat {
	size_t text, link, head, nlinks;
	int table, attach;
} blockstat;

/* The best article container seen so far by measure(). */
typedef struct finder {
	const xmlNode *known;  /* the best-ranked known content container */
	int known_rank;
	long known_score;
	blockstat known_stat;
	const xmlNode *dense;  /* the densest block of text (the fallback) */
	long dense_score;
} finder;

/* Ids and classes of the elements Chinese government sites (and content
 * systems: TRS, UCAP) put the article in, best first; then <article>,
 * <main>. The first five are specific enough to trust whenever they hold
 * text; the others must also hold a fair share of the page's. */
static const char *const containers[] = {
    "UCAP-CONTENT",    "pages_content",   "TRS_Editor", "zoom",         "xxgk_content",
    "article-content", "article_content", "artibody",   "main-content", "main_content",
    "content",         "article",         "cp",         NULL};
#define SPECIFIC_CONTAINERS 5
#define NCONTAINERS (sizeof containers / sizeof containers[0] - 1)

/* Blocks dropped as navigation when they are mostly links. */
static const char *const link_blocks[] = {"div", "ul", "ol", "p", "section", "aside", "dl",
                                          "center", "span", "form", NULL};
/* Blocks that can be the article in the text-density fallback. */
static const char *const dense_blocks[] = {"div", "section", "article", "main", "td", NULL};

/* Whether the class attribute v has the word name (ASCII case ignored),
 * or the id is name. */
static int has_class(const char *v, const char *id, const char *name)
{
	size_t n = strlen(name);

	if (id && strcasecmp(id, name) == 0)
		return 1;
	while (v && *v) {
		size_t k;
		while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
			v++;
		for (k = 0; v[k] && v[k] != ' ' && v[k] != '\t' && v[k] != '\n' && v[k] != '\r'; k++)
			;
		if (k == n && strncasecmp(v, name, n) == 0)
			return 1;
		v += k;
	}
	return 0;
}

/* The rank of el as a known container (0 best), or -1. */
static int container_rank(const xmlNode *el)
{
	const char *cls = attr(el, "class"), *id = attr(el, "id");

	for (size_t i = 0; (cls || id) && containers[i]; i++)
		if (has_class(cls, id, containers[i]))
			return (int)i;
	if (is(el, "article"))
		return (int)NCONTAINERS;
	if (is(el, "main"))
		return (int)NCONTAINERS + 1;
	return -1;
}

/* How much a block looks like the article: its text outside links and
 * headings (a title above the article's block does not make the page's
 * body the better block), less three times its link text (navigation,
 * lists of other pages). */
static long density(const blockstat *s)
{
	return (long)(s->text - s->link - s->head) - 3 * (long)s->link;
}

/* Visible bytes of the text s (ASCII white space not counted); sets
 * *attach when it mentions 附件. */
static size_t visible_len(const char *s, int *attach)
{
	size_t n = 0;

	if (strstr(s, "附件"))
		*attach = 1;
	for (; *s; s++)
		n += !(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r');
	return n;
}

/* Keeps in out->links the href of every link of the page to a document
 * file (document_link), in page order, at most GW_NOTICE_LINKS_MAX: the
 * notice's attachments, for read/gw_attach.c. The tree is walked without
 * recursion (a page may nest 100,000 deep). Returns -1 out of memory. */
static int document_link(const xmlNode *el);
static int keep_links(const xmlNode *root, gw_notice *out)
{
	const xmlNode *c = root;

	while (c && out->nlinks < GW_NOTICE_LINKS_MAX) {
		if (c->type == XML_ELEMENT_NODE && is(c, "a") && document_link(c)) {
			char **l = realloc(out->links, (out->nlinks + 1) * sizeof *l);
			if (!l)
				return -1;
			out->links = l;
			if (!(l[out->nlinks] = strdup(attr(c, "href"))))
				return -1;
			out->nlinks++;
		}
		if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (c && c != root && !c->next)
			c = c->parent;
		c = c && c != root ? c->next : NULL;
	}
	return 0;
}

/* Whether the link el points to a document file (an attachment). */
static int document_link(const xmlNode *el)
{
	static const char *const exts[] = {".doc", ".pdf", ".xls", ".wps", ".ofd", ".zip", ".rar",
	                                   ".et",  ".txt", ".csv", ".tsv", NULL};
	const char *href = attr(el, "href");
	const char *dot = href ? strrchr(href, '.') : NULL;

	for (size_t i = 0; dot && exts[i]; i++)
		if (strncasecmp(dot, exts[i], strlen(exts[i])) == 0)
			return 1;
	return 0;
}

static void stat_add(blockstat *to, const blockstat *s)
{
	to->text += s->text;
	to->link += s->link;
	to->head += s->head;
	to->nlinks += s->nlinks;
	to->table |= s->table;
	to->attach |= s->attach;
}

/* The text of el's subtree counted without recursion (past
 * GW_HTML_MAX_DEPTH); no container is looked for down there. */
static void measure_flat(const xmlNode *top, int in_link, int in_head, blockstat *s)
{
	const xmlNode *n = top->children;
	text none = TEXT_INIT;

	while (n) {
		int down = 0;
		if (n->type == XML_TEXT_NODE && n->content) {
			size_t len = visible_len((const char *)n->content, &s->attach);
			s->text += len;
			s->link += in_link ? len : 0;
			s->head += in_head && !in_link ? len : 0;
		} else if (n->type == XML_ELEMENT_NODE && !furniture(n)) {
			down = 1;
		}
		n = next_flat(top, n, down, &none);
	}
	gw_buf_free(&none.b);
}

static void measure(finder *f, const xmlNode *el, int depth, int in_link, int in_head,
                    blockstat *out);

/* Judges the element el, whose subtree holds s: a block of links is
 * marked dropped; a known container or a dense block may be the article. */
static void judge(finder *f, const xmlNode *el, const blockstat *s)
{
	int rank = container_rank(el);
	long score = density(s);

	if (s->nlinks >= 2 && s->link * 10 >= s->text * 7 && !s->table && !s->attach &&
	    is_any(el, link_blocks))
		((xmlNode *)el)->_private = (void *)&dropped_mark;
	/* children are judged before their parents: ">=" keeps the outer of
	 * two equal blocks (a wrapper adding nothing but the title) */
	if (rank >= 0 && s->text > s->link && s->link * 2 <= s->text &&
	    (!f->known || rank < f->known_rank || (rank == f->known_rank && score >= f->known_score))) {
		f->known = el;
		f->known_rank = rank;
		f->known_score = score;
		f->known_stat = *s;
	}
	if (is_any(el, dense_blocks) && (!f->dense || score >= f->dense_score)) {
		f->dense = el;
		f->dense_score = score;
	}
}

/* Adds the text under el to out, judging every block on the way. */
static void measure(finder *f, const xmlNode *el, int depth, int in_link, int in_head,
                    blockstat *out)
{
	for (const xmlNode *c = el->children; c; c = c->next) {
		blockstat s = {0, 0, 0, 0, 0, 0};
		int link = in_link || is(c, "a");
		if (c->type == XML_TEXT_NODE && c->content) {
			s.text = visible_len((const char *)c->content, &s.attach);
			s.link = in_link ? s.text : 0;
			s.head = in_head && !in_link ? s.text : 0;
		} else if (c->type == XML_ELEMENT_NODE && !furniture(c)) {
			int head = in_head || is_any(c, all_headings) ||
			           (titled(c) && short_text(c, MAX_TITLE_LEN));
			if (depth < GW_HTML_MAX_DEPTH)
				measure(f, c, depth + 1, link, head, &s);
			else
				measure_flat(c, link, head, &s);
			s.nlinks += is(c, "a") && attr(c, "href");
			s.attach |= is(c, "a") && document_link(c);
			s.table |= is(c, "table");
			if (depth < GW_HTML_MAX_DEPTH)
				judge(f, c, &s);
		}
		stat_add(out, &s);
	}
}

/* Clears the dropped mark of el and its ancestors: the article is never
 * inside a dropped block. */
static void keep_path(const xmlNode *el)
{
	for (; el && el->type == XML_ELEMENT_NODE; el = el->parent)
		if (el->_private == &dropped_mark)
			((xmlNode *)el)->_private = NULL;
}

/* Finds the element that holds the article (w->article; NULL for the whole
 * page) and marks the blocks of links to drop. A known container wins when
 * it holds text (a generic one, "content", only when it is as dense as the
 * whole page: the text outside it is headings or links); else the block
 * of densest text, when it beats the whole page. */
static void find_article(walker *w, const xmlNode *root)
{
	finder f;
	blockstat all = {0, 0, 0, 0, 0, 0};

	memset(&f, 0, sizeof f);
	measure(&f, root, 0, 0, 0, &all);
	if (f.known && (f.known_rank < SPECIFIC_CONTAINERS || f.known_score >= density(&all)))
		w->article = f.known;
	else if (f.dense && f.dense_score > density(&all))
		w->article = f.dense;
	if (w->article && (is(w->article, "body") || is(w->article, "html")))
		w->article = NULL;
	keep_path(w->article);
}

/* Notes the title candidates under el (headings, *title* elements), in
 * document order, until there is one of each kind. */
static void find_titles(walker *w, const xmlNode *el, int depth)
{
	for (const xmlNode *c = el->children; c && depth < GW_HTML_MAX_DEPTH; c = c->next) {
		if (w->cand[CAND_H1] && w->cand[CAND_CLASS] && w->cand[CAND_H2])
			return;
		if (c->type != XML_ELEMENT_NODE || skipped(c))
			continue;
		note_title(w, c);
		find_titles(w, c, depth + 1);
	}
}

/* ---- labels: 发布日期：2020-12-21, 发文字号 | 国发〔2020〕15号 -------------- */

/* A label and the field its value goes to; "start" labels count only at
 * the start of a text (a table cell, a line), the others anywhere. */
static const struct {
	const char *name;
	int label; /* LABEL_*, or -1 for a date */
	int date;  /* DATE_*, or -1 */
	int start;
} labels[] = {
    {"成文日期", -1, DATE_WRITTEN, 0},     {"发文日期", -1, DATE_WRITTEN, 0},
    {"發文日期", -1, DATE_WRITTEN, 0},     {"发布日期", -1, DATE_PUBLISHED, 0},
    {"發布日期", -1, DATE_PUBLISHED, 0},   {"发布时间", -1, DATE_PUBLISHED, 0},
    {"發布時間", -1, DATE_PUBLISHED, 0},   {"公布日期", -1, DATE_PUBLISHED, 0},
    {"公開日期", -1, DATE_PUBLISHED, 0},   {"标题", LABEL_TITLE, -1, 1},
    {"標題", LABEL_TITLE, -1, 1},          {"发文字号", LABEL_NUMBER, -1, 1},
    {"發文字號", LABEL_NUMBER, -1, 1},     {"文号", LABEL_NUMBER, -1, 1},
    {"發文機關", LABEL_ISSUER, -1, 1},     {"发文机关", LABEL_ISSUER, -1, 1},
    {"索引号", -1, -1, 1},                 {"主题分类", -1, -1, 1},
    {"主題分類", -1, -1, 1},               {"公文种类", -1, -1, 1},
};
#define NLABELS (sizeof labels / sizeof labels[0])
#define LABEL_VALUE_MAX 64 /* bytes of a value read as a date */

/* Bytes of white space (ASCII, U+00A0, U+3000) at s, 0 if none. Bytes
 * are compared one by one, so that none past a NUL (or past the end of a
 * valid UTF-8 character) is read. */
static size_t blank_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		return 1;
	if (p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	return p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
}

static const char *skip_blank(const char *s)
{
	size_t k;

	while ((k = blank_at(s)) > 0)
		s += k;
	return s;
}

/* The date at the start of s[0..n) (before white space): the longest
 * prefix gw_date_parse reads, so that 2020-12-21-17:00:00 and 2020年12月21日
 * 10:30 give their day. Sets ymd and returns 1, or returns 0. */
static int date_prefix(const char *s, size_t n, int *ymd)
{
	const char *p = skip_blank(s);
	size_t end = 0;

	n = strnlen(p, n - (size_t)(p - s));
	s = p;
	while (end < n && end < LABEL_VALUE_MAX && !blank_at(s + end))
		end++;
	for (; end >= 6; end--)
		if (gw_date_parse(s, end, &ymd[0], &ymd[1], &ymd[2]))
			return 1;
	return 0;
}

/* The end of the label name at s, whose characters may be spaced out
 * (标　　题, 索&nbsp;引&nbsp;号), or NULL when s does not start with it. */
static const char *label_at(const char *s, const char *name)
{
	while (*name) {
		size_t k = char_len((const unsigned char *)name);
		if (strncmp(s, name, k) != 0)
			return NULL;
		s += k, name += k;
		if (*name)
			s = skip_blank(s);
	}
	return s;
}

/* After a label: what follows its separator ：or : (and white space);
 * NULL without one (a column header 标题 is no label). */
static const char *after_label(const char *p)
{
	p = skip_blank(p);
	if (strncmp(p, "：", 3) == 0)
		return skip_blank(p + 3);
	if (*p == ':')
		return skip_blank(p + 1);
	return NULL;
}

/* The next text node after n under top that has something visible, within
 * a few nodes (the value cell after a label cell); NULL if none. */
static const xmlNode *next_value(const xmlNode *top, const xmlNode *n)
{
	text none = TEXT_INIT;
	int down = 0;

	for (int steps = 0; steps < 8 && (n = next_flat(top, n, down, &none)) != NULL; steps++) {
		if (n->type == XML_TEXT_NODE && n->content && *skip_blank((const char *)n->content))
			break;
		down = n->type == XML_ELEMENT_NODE && !furniture(n);
	}
	gw_buf_free(&none.b);
	return n && n->type == XML_TEXT_NODE ? n : NULL;
}

/* Reads the value v (the rest of a text node) of label i into w. */
static void take_label(walker *w, size_t i, const char *v)
{
	int k = labels[i].label, d = labels[i].date;

	if (d >= 0 && !w->date[d][0])
		date_prefix(v, strlen(v), w->date[d]);
	else if (k >= 0 && !w->label[k]) {
		char *s = one_line(w, v);
		if (s && s[0] && strlen(s) <= MAX_TITLE_LEN)
			w->label[k] = s;
		else
			free(s);
	}
}

/* Looks for labels in the text node n (under top). */
static void scan_text(walker *w, const xmlNode *top, const xmlNode *n)
{
	const char *s = (const char *)n->content, *start = skip_blank(s);
	int dates = strstr(s, "日期") || strstr(s, "时间") || strstr(s, "時間");

	for (size_t i = 0; i < NLABELS; i++) {
		/* at the start, spaced out or not; elsewhere, as written */
		const char *at = label_at(start, labels[i].name), *v;
		if (!at && !labels[i].start && dates && (at = strstr(s, labels[i].name)) != NULL)
			at += strlen(labels[i].name);
		if (!at || !(v = after_label(at)))
			continue;
		if (!*v) {
			const xmlNode *next = next_value(top, n);
			if (!next)
				continue;
			v = skip_blank((const char *)next->content);
		}
		take_label(w, i, v);
	}
}

/* Reads the labels in the text under top (without recursion). */
static void find_labels(walker *w, const xmlNode *top)
{
	const xmlNode *n = top->children;
	text none = TEXT_INIT;

	while (n) {
		int down = 0;
		if (n->type == XML_TEXT_NODE && n->content)
			scan_text(w, top, n);
		else if (n->type == XML_ELEMENT_NODE && !furniture(n))
			down = 1;
		n = next_flat(top, n, down, &none);
	}
	gw_buf_free(&none.b);
}

/* Whether table is the page's metadata (three labels or more in its
 * cells, as gov.cn's 索引号/主题分类/发文机关/成文日期 table): its values
 * become fields, the table is not a table of records. */
static int meta_table(const xmlNode *table)
{
	const xmlNode *n = table->children;
	text none = TEXT_INIT;
	int found = 0, cells = 0;

	while (n && found < 3 && cells < 64) {
		int down = 0;
		if (n->type == XML_TEXT_NODE && n->content) {
			const char *s = skip_blank((const char *)n->content);
			cells++;
			for (size_t i = 0; i < NLABELS; i++)
				if (label_at(s, labels[i].name) && after_label(label_at(s, labels[i].name))) {
					found++;
					break;
				}
		} else if (n->type == XML_ELEMENT_NODE && !furniture(n)) {
			down = 1;
		}
		n = next_flat(table, n, down, &none);
	}
	gw_buf_free(&none.b);
	return found >= 3;
}

/* ---- lines of page furniture -------------------------------------------- */

/* Starts of breadcrumb lines (您现在的位置：首页 > 通知公告). */
static const char *const crumb_starts[] = {
    "当前位置", "您现在的位置", "您的位置", "您所在的位置", "所在位置", "现在位置", "目前位置",
    "當前位置", "您現在的位置", "您所在位置", "現在位置",     NULL};
/* What follows 首页 in a breadcrumb. */
static const char *const crumb_arrows[] = {">", "»", "›", "＞", "→", "/", "》", NULL};
/* Lines holding these are a site's footer. */
static const char *const footer_marks[] = {"ICP备", "ICP證", "ICP证", "公网安备", "公網安備",
                                           "网站标识码", "網站標識碼", "网站识别码", NULL};
static const char *const footer_starts[] = {"版权所有", "版權所有", "Copyright", "©", NULL};
/* Words of a line of page tools (打印 关闭 分享到 字号 大 中 小), strong
 * ones first: a line of nothing else that has a strong one is dropped. */
static const char *const tool_words[] = {
    "打印本页", "打印本頁", "打印", "列印本頁", "友善列印", "列印", "关闭窗口", "關閉視窗",
    "关闭本页", "關閉本頁", "关闭", "關閉", "分享到", "分享至", "分享", "字号",
    "字號", "字体", "字體", "收藏本页", "返回顶部", "回到顶部", "回到頂部", "回頂端", "相关链接",
    "相關連結", "扫一扫", "掃一掃", NULL};
static const char *const tool_weak[] = {"大", "中", "小", "默认", "预设", "微信", "微博",
                                        "收藏", "返回", "上一篇", "下一篇", NULL};
static const char tool_punct[] = " \t|/:()[]";
static const char *const tool_punct_u[] = {"【", "】", "［", "］", "（", "）", "：", "｜", "丨",
                                           "·", "•", "　", "\xC2\xA0", NULL};

/* The length of the word of list at p, 0 if none starts there. */
static size_t word_at(const char *p, const char *end, const char *const *list)
{
	for (size_t i = 0; list[i]; i++) {
		size_t k = strlen(list[i]);
		if ((size_t)(end - p) >= k && memcmp(p, list[i], k) == 0)
			return k;
	}
	return 0;
}

/* Whether the line [p, end) is page tools and nothing else. */
static int tool_line(const char *p, const char *end)
{
	int strong = 0;
	size_t k;

	while (p < end) {
		if (*p && strchr(tool_punct, *p))
			k = 1;
		else if ((k = word_at(p, end, tool_words)) > 0)
			strong = 1;
		else if ((k = word_at(p, end, tool_punct_u)) == 0 && (k = word_at(p, end, tool_weak)) == 0)
			return 0;
		p += k;
	}
	return strong;
}

static int starts_with(const char *p, const char *end, const char *s)
{
	size_t k = strlen(s);

	return (size_t)(end - p) >= k && memcmp(p, s, k) == 0;
}

/* Whether the line [p, end) is a breadcrumb, a footer or page tools. */
static int furniture_line(const char *p, const char *end)
{
	while (p < end && blank_at(p))
		p += blank_at(p);
	if (word_at(p, end, crumb_starts) || word_at(p, end, footer_starts))
		return 1;
	if (starts_with(p, end, "首页") || starts_with(p, end, "首頁")) {
		const char *q = p + strlen("首页");
		while (q < end && blank_at(q))
			q += blank_at(q);
		if (word_at(q, end, crumb_arrows))
			return 1;
	}
	/* a footer's line is short: a line of the article is not searched */
	for (size_t i = 0; footer_marks[i] && end - p < GW_CAPTION_MAX; i++)
		if (memmem(p, (size_t)(end - p), footer_marks[i], strlen(footer_marks[i])))
			return 1;
	return tool_line(p, end);
}

/* Drops the lines of t that are page furniture. */
static void drop_furniture_lines(text *t)
{
	char *s = (char *)t->b.p;
	size_t n = t->b.len, j = 0;

	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : n;
		if (!furniture_line(s + i, s + (nl ? end - 1 : end))) {
			memmove(s + j, s + i, end - i);
			j += end - i;
		}
		i = end;
	}
	t->b.len = j;
}

/* ---- putting it together ------------------------------------------------ */

static void walker_free(walker *w)
{
	gw_buf_free(&w->out.b);
	for (size_t i = 0; i < w->ntables; i++)
		table_free(&w->tables[i]);
	free(w->tables);
	for (size_t i = 0; i < w->nnotes; i++)
		free(w->notes[i].msg);
	free(w->notes);
	for (int k = 0; k < NCAND; k++)
		free(w->cand[k]);
	free(w->head_title);
	free(w->meta_title);
	free(w->raw_title);
	free(w->site);
	for (int k = 0; k < NLABEL; k++)
		free(w->label[k]);
}

/* Moves the tables and notes of w to the end of out's. */
static int move_tables(walker *w, gw_notice *out)
{
	gw_table *t = realloc(out->tables, (out->ntables + w->ntables + 1) * sizeof *t);
	gw_notice_note *n;

	if (!t)
		return -1;
	out->tables = t;
	if (w->ntables)
		memcpy(t + out->ntables, w->tables, w->ntables * sizeof *t);
	out->ntables += w->ntables;
	w->ntables = 0;
	if (!(n = realloc(out->notes, (out->nnotes + w->nnotes + 1) * sizeof *n)))
		return -1;
	out->notes = n;
	if (w->nnotes)
		memcpy(n + out->nnotes, w->notes, w->nnotes * sizeof *n);
	out->nnotes += w->nnotes;
	w->nnotes = 0;
	return 0;
}

/* Sets part k of out to a copy of s (replacing what it had). */
static int set_part(gw_notice *out, int k, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -1;
	free(out->part[k]);
	out->part[k] = copy;
	return 0;
}

/* Fills out from the page's labels: 标题 is the title; 发文字号 and 发文机关
 * the number and issuer when the text has none; the date is 成文日期 (the
 * document's own), else the text's, else 发布日期, else a <meta>'s. */
static int apply_labels(const walker *w, gw_notice *out)
{
	char iso[16];
	const int *d = w->date[DATE_WRITTEN];

	if (w->label[LABEL_TITLE] && set_part(out, GW_NP_TITLE, w->label[LABEL_TITLE]))
		return -1;
	if (w->label[LABEL_NUMBER] && !out->part[GW_NP_NUMBER] &&
	    set_part(out, GW_NP_NUMBER, w->label[LABEL_NUMBER]))
		return -1;
	if (w->label[LABEL_ISSUER] && !out->part[GW_NP_ISSUER] &&
	    set_part(out, GW_NP_ISSUER, w->label[LABEL_ISSUER]))
		return -1;
	if (!d[0] && out->part[GW_NP_DATE])
		return 0;
	if (!d[0])
		d = w->date[DATE_PUBLISHED][0] ? w->date[DATE_PUBLISHED] : w->date[DATE_META];
	if (!d[0])
		return 0;
	snprintf(iso, sizeof iso, "%04d-%02d-%02d", d[0] % 10000, d[1] % 100, d[2] % 100);
	return set_part(out, GW_NP_DATE, iso);
}

/* Sets out's title from the markup when that is the better one. */
static int fix_title(const walker *w, gw_notice *out)
{
	const char *t = markup_title(w, out->part[GW_NP_TITLE]);
	char *copy;

	if (!t || (out->part[GW_NP_TITLE] && strcmp(t, out->part[GW_NP_TITLE]) == 0))
		return 0;
	if (!(copy = strdup(t)))
		return -1;
	free(out->part[GW_NP_TITLE]);
	out->part[GW_NP_TITLE] = copy;
	return 0;
}

/* Clears every dropped mark under top (without recursion). */
static void clear_marks(const xmlNode *top)
{
	text none = TEXT_INIT;

	for (const xmlNode *n = top; n; n = next_flat(top, n, 1, &none))
		if (n->type == XML_ELEMENT_NODE)
			((xmlNode *)n)->_private = NULL;
	gw_buf_free(&none.b);
}

/* Puts the article's title (the page's 标题 label, else its markup's) on
 * the first line of the text, unless the article's text already has it:
 * a container often starts below the heading. */
static void put_title(walker *w)
{
	const char *t = w->label[LABEL_TITLE] ? w->label[LABEL_TITLE] : markup_title(w, NULL);
	gw_buf b = GW_BUF_INIT;

	if (!t || !t[0] || (w->out.b.len && memmem(w->out.b.p, w->out.b.len, t, strlen(t))))
		return;
	gw_buf_puts(&b, t);
	gw_buf_putc(&b, '\n');
	if (w->out.b.len)
		gw_buf_append(&b, w->out.b.p, w->out.b.len);
	if (!gw_buf_ok(&b)) {
		w->oom = 1;
		gw_buf_free(&b);
		return;
	}
	gw_buf_free(&w->out.b);
	w->out.b = b;
}

/* Walks the parsed page into w: the article (or the whole page), the
 * title candidates and the labels around it. */
static gw_rc walk_page(walker *w, htmlDocPtr doc, gw_err *err)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *scope;

	if (!root)
		return gw_err_set(err, GW_EINVAL, 0, "not an HTML document: no elements");
	read_head(w, root);
	find_article(w, root);
	scope = w->article && w->article->parent ? w->article->parent : root;
	if (w->article) {
		/* the title is near the article: above it, in its parent */
		find_titles(w, scope, 0);
		if (!w->cand[CAND_H1] && !w->cand[CAND_CLASS] && !w->cand[CAND_H2])
			find_titles(w, root, 0);
		walk(w, w->article, &w->out, 0);
	} else if (!skipped(root)) {
		walk(w, root, &w->out, 0);
	}
	text_break(&w->out);
	if (w->out.b.len == 0 && w->ntables == 0 && !w->article && !skipped(root)) {
		/* the page is all links (a block of them held the text): read
		 * it whole */
		clear_marks(root);
		walk(w, root, &w->out, 0);
		text_break(&w->out);
	}
	find_labels(w, scope);
	if (scope != root)
		find_labels(w, root);
	drop_furniture_lines(&w->out);
	if (w->article)
		put_title(w);
	if (w->oom || !gw_buf_ok(&w->out.b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (w->out.b.len == 0 && w->ntables == 0)
		return gw_err_set(err, GW_EINVAL, 0, "no text in the page");
	return GW_OK;
}

/* Whether libxml2 stopped parsing at its nesting limit. */
static int libxml2_too_deep(htmlParserCtxtPtr ctxt)
{
	const xmlError *e = xmlCtxtGetLastError(ctxt);

	return e && e->message && strstr(e->message, "Excessive depth") != NULL;
}

/* Parses the UTF-8 page s[0..n) into out. */
static gw_rc parse_utf8(const char *s, size_t n, gw_notice *out, gw_err *err)
{
	/* XML_PARSE_HUGE lifts libxml2's depth limit (256), at which it
	 * stops parsing and drops the rest of the page; the walk bounds its
	 * own depth (GW_HTML_MAX_DEPTH). */
	const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                 HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	htmlDocPtr doc = ctxt ? htmlCtxtReadMemory(ctxt, s, (int)n, NULL, "UTF-8", opts) : NULL;
	int too_deep = ctxt && libxml2_too_deep(ctxt);
	walker w;
	gw_rc rc;

	if (ctxt)
		htmlFreeParserCtxt(ctxt);
	if (!doc)
		return gw_err_set(err, GW_EINVAL, 0, "not an HTML document");
	memset(&w, 0, sizeof w);
	/* A libxml2 that keeps a depth limit under XML_PARSE_HUGE (2.11 and
	 * later: 2048) stops there and drops the rest of the page: say so. */
	if (too_deep && add_note(&w, 0,
	                         str_printf("the page is nested deeper than libxml2 parses: "
	                                    "the text after that point is not indexed")))
		w.oom = 1;
	rc = walk_page(&w, doc, err);
	if (rc == GW_OK)
		rc = gw_notice_parse_text(w.out.b.len ? (const char *)w.out.b.p : "", w.out.b.len,
		                          out, err);
	if (rc == GW_OK && (move_tables(&w, out) || fix_title(&w, out) ||
	                    apply_labels(&w, out) || keep_links(xmlDocGetRootElement(doc), out)))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	xmlFreeDoc(doc);
	walker_free(&w);
	return rc;
}

/* Parses the page once decoded to UTF-8 (decode_page) into out. */
static gw_rc parse_decoded(const gw_buf *page, gw_notice *out, gw_err *err)
{
	gw_rc rc = check_page((const char *)page->p, page->len, err);

	if (rc == GW_OK)
		rc = parse_utf8((const char *)page->p, page->len, out, err);
	return rc;
}

gw_rc gw_notice_parse_html(const char *bytes, size_t len, gw_notice *out, gw_err *err)
{
	gw_buf page = GW_BUF_INIT;
	gw_rc rc;

	memset(out, 0, sizeof *out);
	if (len > INT_MAX / 4)
		return gw_err_set(err, GW_EINVAL, 0, "page too large (%zu bytes)", len);
	rc = decode_page(bytes, len, &page, err);
	if (rc == GW_OK)
		rc = parse_decoded(&page, out, err);
	gw_buf_free(&page);
	if (rc != GW_OK) {
		gw_notice_free(out);
		memset(out, 0, sizeof *out);
	}
	return rc;
}

/* The reader of gongwen-index (gw_input.h): one notice per .html/.htm file,
 * turned by gw_notice_docs.c into the notice document and one record per
 * table row. A page that cannot be used (an unknown charset, no text) is
 * reported as "file: message" and rejected; the batch goes on. A file that
 * is not text is "binary file, skipped", judged once the page is decoded
 * from its charset (a GBK or Big5 page is text): a NUL byte, or mostly
 * undecodable characters. */
void gw_input_html_mem(gw_input *in, const char *id, const char *bytes, size_t len)
{
	gw_buf page = GW_BUF_INIT;
	gw_notice n;
	gw_err err;
	gw_rc rc = GW_OK;

	gw_err_clear(&err);
	memset(&n, 0, sizeof n);
	if (len > INT_MAX / 4)
		rc = gw_err_set(&err, GW_EINVAL, 0, "page too large (%zu bytes)", len);
	else if (memchr(bytes, 0, len < GW_SNIFF_LEN ? len : GW_SNIFF_LEN) ||
	         ((rc = decode_page(bytes, len, &page, &err)) == GW_OK &&
	          gw_input_binary((const char *)page.p, page.len))) {
		gw_input_reject(in, id, 0, "binary file, skipped");
		gw_buf_free(&page);
		return;
	}
	if (rc == GW_OK)
		rc = parse_decoded(&page, &n, &err);
	gw_buf_free(&page);
	if (rc != GW_OK) {
		gw_input_reject(in, id, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
		gw_notice_free(&n);
		return;
	}
	gw_input_notice(in, id, &n);
	gw_notice_free(&n);
}

void gw_input_html(gw_input *in, const char *id, FILE *fp)
{
	gw_buf b = GW_BUF_INIT;

	if (gw_input_slurp(in, id, fp, &b) == 0)
		gw_input_html_mem(in, id, b.len ? (const char *)b.p : "", b.len);
	gw_buf_free(&b);
}
