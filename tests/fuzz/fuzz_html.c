/* fuzz_html: the HTML reader (gw_notice_parse_html, lib/read/gw_html.h):
 * charset detection and conversion, libxml2's parse, the skipping of
 * navigation, tables with rowspan/colspan, then the notice parts. A page
 * it accepts is walked and checked (gw_fuzz_notice.h) and delivered as
 * documents; a page it refuses must say why. Seeds: the HTML pages of corpus/ and
 * tests/data/html/. */
#include "gw_fuzz_notice.h"
#include "read/gw_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (gw_notice_parse_html((const char *)data, size, &n, &err) == GW_OK) {
		gw_fuzz_check_notice(&n, gw_utf8_valid((const char *)data, size));
	} else {
		GW_FUZZ_CHECK(err.rc != GW_OK && gw_fuzz_touch_str(err.msg) > 0);
		/* A refused page leaves nothing behind. */
		GW_FUZZ_CHECK(n.ntables == 0 && n.tables == NULL && n.part[GW_NP_TITLE] == NULL);
	}
	gw_notice_free(&n);
	return 0;
}
