/* gw_input: the plumbing every reader of gongwen-index shares: where documents
 * go, where problems are reported, the counts of both, and what counts as
 * white space (see gw_input.h). Keeping it in one place is what makes "each
 * error is reported once and counted once" hold for every input format. */
#include "read/gw_input.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unicode/ucnv.h>

#include "base/gw_limits.h"
#include "read/gw_attach.h"
#include "read/gw_charset.h"
#include "text/gw_utf8.h"

#define IDEOGRAPHIC_SPACE "\xE3\x80\x80" /* U+3000 */

void gw_input_init(gw_input *in, gw_doc_sink sink, void *sink_ctx,
                   gw_report_fn report, void *report_ctx)
{
	in->sink = sink;
	in->sink_ctx = sink_ctx;
	in->report = report;
	in->report_ctx = report_ctx;
	in->ndocs = 0;
	in->nrejected = 0;
	in->nbytes = 0;
	in->id_column = NULL;
	in->attach = NULL;
}

void gw_input_reject(gw_input *in, const char *file, long line,
                     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	in->nrejected++;
	if (in->report)
		in->report(in->report_ctx, file, line, msg);
}

void gw_input_warn(gw_input *in, const char *file, long line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n = snprintf(msg, sizeof msg, "warning: ");

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	if (in->report)
		in->report(in->report_ctx, file, line, msg);
}

/* Rejects a file of more than GW_FILE_MAX bytes before reading it, when
 * fstat can tell (a regular file); returns -1 then. */
static int too_large(gw_input *in, const char *name, FILE *fp)
{
	struct stat st;

	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= GW_FILE_MAX)
		return 0;
	gw_input_reject(in, name, 0, "file of %lld bytes, more than GW_FILE_MAX (%d), not read",
	                (long long)st.st_size, GW_FILE_MAX);
	return -1;
}

int gw_input_slurp(gw_input *in, const char *name, FILE *fp, gw_buf *b)
{
	size_t n;

	if (too_large(in, name, fp))
		return -1;
	do {
		if (gw_buf_reserve(b, 65536))
			break;
		n = fread(b->p + b->len, 1, b->cap - b->len, fp);
		b->len += n;
	} while (n > 0 && b->len <= GW_FILE_MAX);
	in->nbytes += b->len;
	if (ferror(fp))
		gw_input_reject(in, name, 0, "read error: %s", strerror(errno));
	else if (!gw_buf_ok(b))
		gw_input_reject(in, name, 0, "out of memory");
	else if (b->len > GW_FILE_MAX) /* it grew while we read it, or a pipe */
		gw_input_reject(in, name, 0, "file of more than GW_FILE_MAX (%d) bytes, not read",
		                GW_FILE_MAX);
	else
		return 0;
	return -1;
}

/* Whether p[0..n) decoded as GB18030 (GBK's superset) is text: at most one
 * character in twenty undecodable or a control character. */
static int gb18030_text(const char *p, size_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv = ucnv_open("GB18030", &st);
	const char *src = p;
	size_t total = 0, bad = 0;

	if (U_FAILURE(st))
		return 0;
	while (src < p + n && U_SUCCESS(st)) {
		UChar32 c = ucnv_getNextUChar(cv, &src, p + n, &st);
		if (U_FAILURE(st))
			break;
		total++;
		bad += c == 0xFFFD || c == 0x1A || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		                                    c != '\f' && c != '\v');
	}
	ucnv_close(cv);
	/* An error (a character cut by the end of the block) ends the count. */
	return total > 0 && bad * 20 <= total;
}

int gw_input_binary(const char *p, size_t len)
{
	size_t n = len < GW_SNIFF_LEN ? len : GW_SNIFF_LEN, i = 0, total = 0, bad = 0;

	if (memchr(p, 0, n))
		return 1;
	while (i < n) {
		int32_t c = gw_utf8_next(p, n, &i);
		if (c < 0 && i == n && n < len)
			break; /* a character cut by the end of the block */
		total++;
		bad += c < 0 || c == 0xFFFD || c == 0x7F ||
		       (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
		        c != 0x1B);
	}
	/* Mostly not UTF-8 text: binary, unless it is GBK text. */
	return bad * 4 > total && !gb18030_text(p, n);
}

int gw_input_skip_binary(gw_input *in, const char *name, const char *p, size_t len)
{
	if (!gw_input_binary(p, len))
		return 0;
	gw_input_reject(in, name, 0, "binary file, skipped");
	return 1;
}

const char *gw_input_text(gw_input *in, const char *name, const char *p, size_t *len, gw_buf *conv)
{
	size_t bad;
	const char *cs = gw_charset_utf8(p, *len, conv, &bad);

	if (cs) {
		if (bad)
			gw_input_warn(in, name, 0, "read as %s, not UTF-8; %zu character%s without a mapping replaced with U+FFFD",
			              cs, bad, bad == 1 ? "" : "s");
		else
			gw_input_warn(in, name, 0, "read as %s, not UTF-8", cs);
		p = (const char *)conv->p;
		*len = conv->len;
		if (!p)
			p = "";
	}
	return gw_input_skip_binary(in, name, p, *len) ? NULL : p;
}

/* doc with its notice's link fields (gw_attach.h) if it comes from an
 * attachment and has none yet (a row of a notice's own table has them),
 * in fs[]; else doc itself. */
static const gw_doc *with_notice(const gw_input *in, const gw_doc *doc, const char *file, gw_doc *out,
                                 gw_field **fs)
{
	const gw_attach_link *l = in->attach ? gw_attach_find(in->attach, file) : NULL;
	const char *vals[5];
	static const char *const names[5] = {"_notice", "_notice_title", "_number", "_date", "notice_number"};
	size_t n = doc->nfields;

	*fs = NULL;
	if (!l)
		return doc;
	for (size_t i = 0; i < doc->nfields; i++)
		if (doc->fields[i].name_len == 7 && memcmp(doc->fields[i].name, "_notice", 7) == 0)
			return doc;
	vals[0] = l->id, vals[1] = l->title, vals[2] = l->number, vals[3] = l->date, vals[4] = l->number;
	if (!(*fs = malloc((doc->nfields + 5) * sizeof **fs)))
		return doc;
	memcpy(*fs, doc->fields, doc->nfields * sizeof **fs);
	for (size_t i = 0; i < 5; i++)
		if (vals[i]) {
			gw_field f = {names[i], strlen(names[i]), vals[i], strlen(vals[i])};
			(*fs)[n++] = f;
		}
	*out = *doc;
	out->fields = *fs;
	out->nfields = n;
	return out;
}

void gw_input_deliver(gw_input *in, const gw_doc *doc, const char *file,
                      long line)
{
	gw_err err;
	gw_rc rc;
	gw_doc linked;
	gw_field *fs;

	gw_err_clear(&err);
	doc = with_notice(in, doc, file, &linked, &fs);
	rc = in->sink(in->sink_ctx, doc, file, line, &err);
	free(fs);
	if (rc == GW_OK) {
		in->ndocs++;
		return;
	}
	gw_input_reject(in, file, line, "%s", err.msg[0] ? err.msg : gw_rc_name(rc));
}

static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* Bytes of white space (ASCII or U+3000) that start at p, 0 if none. */
static size_t space_after(const char *p, const char *end)
{
	if (p < end && is_ascii_space(*p))
		return 1;
	if (end - p >= 3 && memcmp(p, IDEOGRAPHIC_SPACE, 3) == 0)
		return 3;
	return 0;
}

/* Bytes of white space (ASCII or U+3000) that end at p, 0 if none. */
static size_t space_before(const char *start, const char *p)
{
	if (p > start && is_ascii_space(p[-1]))
		return 1;
	if (p - start >= 3 && memcmp(p - 3, IDEOGRAPHIC_SPACE, 3) == 0)
		return 3;
	return 0;
}

void gw_input_trim(const char **b, const char **e)
{
	size_t n;

	while ((n = space_after(*b, *e)) > 0)
		*b += n;
	while ((n = space_before(*b, *e)) > 0)
		*e -= n;
}

/* Whether the n bytes at s end with the UTF-8 string tail. */
static int ends_with(const char *s, size_t n, const char *tail)
{
	size_t k = strlen(tail);

	return n >= k && memcmp(s + n - k, tail, k) == 0;
}

char *gw_input_caption_above(const char *s, size_t end)
{
	static const char *const ends[] = {"。", "；", "！", "：", ":", ";", NULL};
	size_t start;

	for (start = end; start > 0 && s[start - 1] != '\n'; start--)
		;
	if (end - start > GW_CAPTION_MAX)
		start = end;
	for (size_t i = 0; ends[i]; i++)
		if (ends_with(s + start, end - start, ends[i]))
			start = end;
	return strndup(s + start, end - start);
}
