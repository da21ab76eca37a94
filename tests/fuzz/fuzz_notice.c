/* fuzz_notice: the plain-text notice parser (gw_notice_parse_text,
 * lib/notice) with its table repair, on any bytes: the parts, tables and
 * notes it finds are walked and checked (gw_fuzz_notice.h) and delivered as
 * documents, as gongwen-index does with a .txt notice. Seeds: the notices
 * of corpus/ and the texts of tests/test_notice.c. */
#include "gw_fuzz_notice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	/* The parser fails only when out of memory. */
	GW_FUZZ_CHECK(gw_notice_parse_text((const char *)data, size, &n, &err) == GW_OK);
	gw_fuzz_check_notice(&n, gw_utf8_valid((const char *)data, size));
	gw_notice_free(&n);
	return 0;
}
