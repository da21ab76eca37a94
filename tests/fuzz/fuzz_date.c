/* fuzz_date: the date reader (lib/notice/gw_date.c) on any bytes. The
 * first byte picks the flags (GW_DATE_ROC or none), the rest is the text.
 * Checked: a date read is a real day; written back as 2020年3月25日 and as
 * 2020-03-25 it reads as the same day; a date found inside the text lies
 * within it, and the bytes found read, alone, as that same day. Seeds: the
 * forms of tests/test_date.c. */
#include "notice/gw_date.h"

static void same_day(const char *s, size_t n, int y, int m, int d)
{
	int y2, m2, d2;

	GW_FUZZ_CHECK(gw_date_parse(s, n, &y2, &m2, &d2) == 1);
	GW_FUZZ_CHECK(y2 == y && m2 == m && d2 == d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + (size ? 1 : 0);
	size_t n = size ? size - 1 : 0, from = 0, to = 0;
	unsigned flags = size && (data[0] & 1) ? GW_DATE_ROC : 0;
	char buf[64];
	int y, m, d, len;

	if (gw_date_parse_flags(s, n, flags, &y, &m, &d)) {
		GW_FUZZ_CHECK(gw_date_is_day(y, m, d));
		len = snprintf(buf, sizeof buf, "%d年%d月%d日", y, m, d);
		same_day(buf, (size_t)len, y, m, d);
		len = snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
		same_day(buf, (size_t)len, y, m, d);
	}
	if (gw_date_find(s, n, flags, &from, &to, &y, &m, &d)) {
		int y2, m2, d2;
		GW_FUZZ_CHECK(from < to && to <= n);
		GW_FUZZ_CHECK(gw_date_is_day(y, m, d));
		GW_FUZZ_CHECK(gw_date_parse_flags(s + from, to - from, flags, &y2, &m2, &d2) == 1);
		GW_FUZZ_CHECK(y2 == y && m2 == m && d2 == d);
	}
	return 0;
}
