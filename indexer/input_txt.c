/* input_txt: the plain-text notice reader of gongwen-index. A .txt file is
 * one notice as exported from a web page or a word processor; gw_notice
 * finds its parts (title, number, addressees, body, issuer, date, ...) and
 * its tables, and notice_docs.c turns them into the notice and its records.
 * Text with no recognisable structure still gives title (its first
 * non-empty line) + body. */
#include "indexer.h"

#include <errno.h>
#include <string.h>

#include "gw_buf.h"
#include "gw_notice.h"

void gw_input_txt_mem(gw_input *in, const char *id, const char *text,
                      size_t len)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (gw_notice_parse_text(text, len, &n, &err)) {
		gw_input_reject(in, id, 0, "%s", err.msg);
		return;
	}
	if (!n.part[GW_NP_TITLE])
		gw_input_reject(in, id, 0, "empty document");
	else
		gw_input_notice(in, id, &n);
	gw_notice_free(&n);
}

void gw_input_txt(gw_input *in, const char *id, FILE *fp)
{
	gw_buf b = GW_BUF_INIT;
	size_t n;

	do {
		if (gw_buf_reserve(&b, 65536))
			break;
		n = fread(b.p + b.len, 1, b.cap - b.len, fp);
		b.len += n;
	} while (n > 0);
	in->nbytes += b.len;
	if (ferror(fp))
		gw_input_reject(in, id, 0, "read error: %s", strerror(errno));
	else if (!gw_buf_ok(&b))
		gw_input_reject(in, id, 0, "out of memory");
	else
		gw_input_txt_mem(in, id, b.len ? (const char *)b.p : "", b.len);
	gw_buf_free(&b);
}
