/* fuzz_charset: the charset reader (gw_charset_utf8, lib/read) and the
 * text reader built on it (gw_input_txt_mem, as gongwen-index reads a .txt
 * file), on any bytes. A conversion must give valid UTF-8, at most 3 bytes
 * of it per input byte (a GB18030 or Big5 character of 1 to 4 bytes, or a
 * UTF-16 unit of 2, gives at most 4 bytes of UTF-8, U+FFFD 3), and a name
 * of the four it promises; input that is valid UTF-8 without a BOM is
 * never converted. Seeds: notices of corpus/ in GBK, Big5 and UTF-16
 * (made with iconv). */
#include "gw_fuzz_input.h"
#include "read/gw_charset.h"
#include "text/gw_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *cs;
	gw_buf out = GW_BUF_INIT;
	size_t bad = 0;
	int bom = size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF));

	cs = gw_charset_utf8(p, size, &out, &bad);
	if (cs) {
		GW_FUZZ_CHECK(strcmp(cs, "GB18030") == 0 || strcmp(cs, "Big5") == 0 || strcmp(cs, "UTF-16LE") == 0 ||
		              strcmp(cs, "UTF-16BE") == 0);
		GW_FUZZ_CHECK(bom || !gw_utf8_valid(p, size));
		GW_FUZZ_CHECK(gw_utf8_valid(out.len ? (const char *)out.p : "", out.len));
		GW_FUZZ_CHECK(out.len <= 3 * size);
		GW_FUZZ_CHECK(bad <= size);
	} else {
		GW_FUZZ_CHECK(out.len == 0);
	}
	gw_buf_free(&out);
	/* The .txt reader converts or replaces what is not UTF-8: its
	 * documents are always valid UTF-8. */
	{
		gw_input in;
		gw_fuzz_rec rec;
		gw_fuzz_input_init(&in, &rec, 1);
		gw_input_txt_mem(&in, "fuzz.txt", p, size);
	}
	return 0;
}
