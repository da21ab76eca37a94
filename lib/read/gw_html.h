/* gw_html: web pages as notices. A page saved from a government site is
 * turned into a gw_notice (notice/gw_notice.h): its text, parts and tables.
 * The reader that hands the result to the index is gw_input_html
 * (gw_input.h). */
#ifndef GW_HTML_H
#define GW_HTML_H

#include <stddef.h>

#include "base/gw_err.h"
#include "notice/gw_notice.h"

/* Parses an HTML page (bytes as read from the file). The charset comes from
 * a BOM, <meta charset> or <meta http-equiv="Content-Type">, else UTF-8;
 * GB2312, GBK, GB18030 and Big5 are converted with ICU. Only the article is
 * read when the page has one (a content container such as #UCAP-CONTENT,
 * else the block of densest text); its title is the article's heading,
 * never 首页 or the site's name; scripts, styles and navigation (<nav>,
 * <header>, <footer>, elements whose class or id says nav/menu/breadcrumb,
 * blocks of links, breadcrumb/footer/tool lines) are skipped; the date is
 * 成文日期, else the text's, else 发布日期 or a <meta> date; gov.cn's
 * metadata table gives title, number and issuer; <table>s become gw_tables (rowspan and
 * colspan expanded: a spanned cell's text is repeated in every cell it
 * covers), and the remaining text is parsed for the standard parts as
 * gw_notice_parse_text does. Errors: GW_EINVAL (with a message naming the
 * problem, e.g. "unsupported charset 'x'" or "not an HTML document") when
 * the page cannot be used, GW_ENOMEM. */
gw_rc gw_notice_parse_html(const char *bytes, size_t len, gw_notice *out, gw_err *err);

#endif
