/* input_txt: the plain-text notice reader of gongwen-index. A .txt file is
 * one notice as exported from a web page or a word processor: its first
 * non-empty line is the title, the rest is the body. Exports come with a
 * BOM, CRLF line ends, blank lines before the title and a title indented
 * with ideographic spaces (U+3000), so all of that is trimmed from the title;
 * the body is kept verbatim, so its byte offsets are the file's own. */
#include "indexer.h"

#include <errno.h>
#include <string.h>

#include "gw_buf.h"

/* Finds the title line at or after p: sets [*tb, *te) to the trimmed title
 * and returns where the body starts, or NULL if every line is blank. */
static const char *find_title(const char *p, const char *end, const char **tb,
                              const char **te)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		*tb = p;
		*te = eol;
		gw_input_trim(tb, te);
		if (*tb < *te)
			return nl ? nl + 1 : end;
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

void gw_input_txt_mem(gw_input *in, const char *id, const char *text,
                      size_t len)
{
	const char *end = text + len, *tb = NULL, *te = NULL, *body;
	gw_field f[2];
	gw_doc doc;

	if (len >= 3 && memcmp(text, GW_UTF8_BOM, 3) == 0)
		text += 3;
	body = find_title(text, end, &tb, &te);
	if (!body) {
		gw_input_reject(in, id, 0, "empty document");
		return;
	}
	f[0] = (gw_field){"title", 5, tb, (size_t)(te - tb)};
	f[1] = (gw_field){"body", 4, body, (size_t)(end - body)};
	doc = (gw_doc){id, strlen(id), f, 2};
	gw_input_deliver(in, &doc, id, 0);
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
