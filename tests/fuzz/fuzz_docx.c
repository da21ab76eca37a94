/* fuzz_docx: the WordprocessingML reader (gw_notice_parse_docx_xml,
 * lib/read/gw_docx.c) on any bytes as the word/document.xml part: the SAX
 * parse with its DTD refusal and depth limit, paragraphs and runs, fields,
 * tables with w:gridSpan and w:vMerge (grids built from what the part
 * says, however wide or ragged), then the notice parts. A part it accepts
 * is walked and checked (gw_fuzz_notice.h: libxml2 hands out UTF-8 only,
 * so every string must be valid UTF-8) and delivered as documents; a part
 * it refuses must say why and leave nothing behind. Seeds: the
 * document.xml of the .docx fixtures (LibreOffice's) and small parts with
 * merged cells, fields and deleted text. */
#include "gw_fuzz_notice.h"
#include "read/gw_office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_notice n;
	gw_err err;

	gw_err_clear(&err);
	if (gw_notice_parse_docx_xml((const char *)data, size, &n, &err) == GW_OK) {
		gw_fuzz_check_notice(&n, 1);
	} else {
		GW_FUZZ_CHECK(err.rc != GW_OK && gw_fuzz_touch_str(err.msg) > 0);
		GW_FUZZ_CHECK(n.ntables == 0 && n.tables == NULL && n.part[GW_NP_TITLE] == NULL);
	}
	gw_notice_free(&n);
	return 0;
}
