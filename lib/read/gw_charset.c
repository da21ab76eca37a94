#include "read/gw_charset.h"

#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include "text/gw_utf8.h"

/* Invalid UTF-8 sequences in the first GW_CHARSET_SNIFF bytes, and the
 * characters there. */
static void count_invalid(const char *p, size_t len, size_t *invalid, size_t *chars)
{
	size_t n = len < GW_CHARSET_SNIFF ? len : GW_CHARSET_SNIFF, i = 0;

	*invalid = *chars = 0;
	while (i < n) {
		int32_t c = gw_utf8_next(p, n, &i);
		if (c < 0 && i == n && n < len)
			break; /* a character cut by the end of the block */
		*invalid += c < 0;
		(*chars)++;
	}
}

/* The Chinese charset ICU's detector ranks first among its matches, or
 * NULL. Its confidence must be at least 10 (of 100): a lower one is a
 * guess from too little text. */
static const char *detect(const char *p, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	UCharsetDetector *d = ucsdet_open(&st);
	const UCharsetMatch **m;
	const char *found = NULL;
	int32_t n = 0;

	if (U_FAILURE(st))
		return NULL;
	ucsdet_setText(d, p, (int32_t)(len < GW_CHARSET_SNIFF ? len : GW_CHARSET_SNIFF), &st);
	m = ucsdet_detectAll(d, &n, &st);
	for (int32_t i = 0; U_SUCCESS(st) && i < n && !found; i++) {
		const char *name = ucsdet_getName(m[i], &st);
		if (U_FAILURE(st) || ucsdet_getConfidence(m[i], &st) < 10)
			break;
		if (strcmp(name, "GB18030") == 0)
			found = "GB18030";
		else if (strcmp(name, "Big5") == 0)
			found = "Big5";
	}
	ucsdet_close(d);
	return found;
}

/* Counts the characters a conversion could not map, then writes U+FFFD
 * for them as the default callback does. */
static void count_bad(const void *ctx, UConverterToUnicodeArgs *args, const char *units, int32_t n,
                      UConverterCallbackReason reason, UErrorCode *st)
{
	if (reason <= UCNV_ILLEGAL)
		(*(size_t *)ctx)++;
	UCNV_TO_U_CALLBACK_SUBSTITUTE(NULL, args, units, n, reason, st);
}

/* Converts p[0..len) from charset cs (an ICU name) to UTF-8 into out. */
static int convert(const char *cs, const char *p, size_t len, gw_buf *out, size_t *bad)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *from = ucnv_open(cs, &st), *to = NULL;
	char buf[16384];
	const char *src = p;
	UChar pivot[1024], *ps = pivot, *pt = pivot;
	int ok = 0;

	*bad = 0;
	if (U_SUCCESS(st))
		to = ucnv_open("UTF-8", &st);
	if (U_SUCCESS(st))
		ucnv_setToUCallBack(from, count_bad, bad, NULL, NULL, &st);
	while (U_SUCCESS(st)) {
		char *dst = buf;
		ucnv_convertEx(to, from, &dst, buf + sizeof buf, &src, p + len, pivot, &ps, &pt,
		               pivot + sizeof pivot / sizeof *pivot, src == p, 1, &st);
		gw_buf_append(out, buf, (size_t)(dst - buf));
		if (st == U_BUFFER_OVERFLOW_ERROR)
			st = U_ZERO_ERROR;
		else
			break;
	}
	ok = U_SUCCESS(st) && gw_buf_ok(out);
	ucnv_close(from);
	ucnv_close(to);
	return ok;
}

const char *gw_charset_utf8(const char *p, size_t len, gw_buf *out, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)p;
	const char *cs = NULL;
	size_t invalid, chars, at = out->len;

	*bad = 0;
	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		cs = "UTF-16LE";
	else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		cs = "UTF-16BE";
	if (!cs) {
		if (gw_utf8_valid(p, len))
			return NULL;
		/* UTF-8 with a stray byte here and there (a file cut and pasted
		 * together) stays UTF-8: one invalid sequence in a hundred
		 * characters or fewer. GBK Chinese is nearly all invalid. */
		count_invalid(p, len, &invalid, &chars);
		if (invalid * 100 <= chars || !(cs = detect(p, len)))
			return NULL;
	}
	/* The BOM is dropped: ICU's UTF-16LE/BE converters keep it as U+FEFF. */
	if (cs[0] == 'U') {
		p += 2;
		len -= 2;
	}
	if (!convert(strcmp(cs, "Big5") == 0 ? "Big5-HKSCS" : cs, p, len, out, bad)) {
		if (gw_buf_ok(out))
			out->len = at;
		return NULL;
	}
	return cs;
}
