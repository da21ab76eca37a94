/* fuzz_ofd: the OFD page reader (gw_notice_parse_ofd_page,
 * lib/read/gw_ofd.c) on any bytes as a page's Content.xml: TextObjects and
 * TextCodes with any Boundary, CTM, X/Y and DeltaX/DeltaY ("g N d" with
 * any N), the glyphs sorted into lines, paragraphs and tables, then the
 * notice parts. Accepted pages are checked as fuzz_docx checks documents
 * (gw_fuzz_notice.h), refused ones must say why. Seeds: the pages of
 * tests/data/office/notice.ofd and small pages. */
#include "gw_fuzz_notice.h"
#include "read/gw_office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (gw_notice_parse_ofd_page((const char *)data, size, &n, &err) == GW_OK) {
		gw_fuzz_check_notice(&n, 1);
	} else {
		GW_FUZZ_CHECK(err.rc != GW_OK && gw_fuzz_touch_str(err.msg) > 0);
		GW_FUZZ_CHECK(n.ntables == 0 && n.tables == NULL && n.part[GW_NP_TITLE] == NULL);
	}
	gw_notice_free(&n);
	return 0;
}
