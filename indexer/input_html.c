/* input_html: the web-page reader of gongwen-index. A .html or .htm file is
 * one notice as saved from a government site (UTF-8, GBK or Big5):
 * lib/gw_html.c finds its text, parts and tables, and notice_docs.c turns
 * the result into the notice document and one record per table row. A
 * page that cannot be used (binary data, an unknown charset, no text) is
 * reported as "file: message" and rejected; the batch goes on. */
#include "indexer.h"

#include <errno.h>
#include <string.h>

#include "gw_buf.h"
#include "gw_notice.h"

void gw_input_html_mem(gw_input *in, const char *id, const char *bytes, size_t len)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (gw_notice_parse_html(bytes, len, &n, &err) != GW_OK) {
		gw_input_reject(in, id, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
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
