/* gw_txt: the plain-text notice reader of gongwen-index. A .txt file is
 * one notice as exported from a web page or a word processor; gw_notice
 * finds its parts (title, number, addressees, body, issuer, date, ...) and
 * its tables, and gw_notice_docs.c turns them into the notice and its records.
 * Text with no recognisable structure still gives title (its first
 * non-empty line) + body. */
#include "read/gw_input.h"

#include <errno.h>
#include <string.h>

#include "base/gw_buf.h"
#include "notice/gw_notice.h"
#include "text/gw_utf8.h"

/* Invalid UTF-8 is replaced by U+FFFD before parsing; the warning names the
 * line and the byte within it of the first bad sequence. */
static void warn_bad_utf8(gw_input *in, const char *id, const char *text, size_t bad, size_t count)
{
	long line = 1;
	size_t start = 0;

	for (size_t i = 0; i < bad; i++)
		if (text[i] == '\n') {
			line++;
			start = i + 1;
		}
	gw_input_warn(in, id, line, "invalid UTF-8 at byte %zu of the line replaced with U+FFFD (%zu sequence%s in the file)",
	              bad - start, count, count == 1 ? "" : "s");
}

void gw_input_txt_mem(gw_input *in, const char *id, const char *text,
                      size_t len)
{
	gw_notice n;
	gw_err err;
	gw_buf conv = GW_BUF_INIT, clean = GW_BUF_INIT;

	if (!(text = gw_input_text(in, id, text, &len, &conv)))
		goto out;
	if (!gw_utf8_valid(text, len)) {
		size_t bad = 0, count = gw_utf8_sanitize(&clean, text, len, &bad);
		warn_bad_utf8(in, id, text, bad, count);
		if (gw_buf_ok(&clean)) {
			text = (const char *)clean.p;
			len = clean.len;
		}
	}
	gw_err_clear(&err);
	if (gw_notice_parse_text(text, len, &n, &err)) {
		gw_input_reject(in, id, 0, "%s", err.msg);
		goto out;
	}
	if (!n.part[GW_NP_TITLE])
		gw_input_reject(in, id, 0, "empty document");
	else
		gw_input_notice(in, id, &n);
	gw_notice_free(&n);
out:
	gw_buf_free(&clean);
	gw_buf_free(&conv);
}

void gw_input_txt(gw_input *in, const char *id, FILE *fp)
{
	gw_buf b = GW_BUF_INIT;

	if (gw_input_slurp(in, id, fp, &b) == 0)
		gw_input_txt_mem(in, id, b.len ? (const char *)b.p : "", b.len);
	gw_buf_free(&b);
}
