/* fuzz_zip: the ZIP layer (lib/read/gw_zip.c, on libzip) and the three
 * office readers on any bytes as a whole file: the input is opened as a
 * .docx, an .xlsx and an .ofd archive in turn (gw_input_docx_mem,
 * gw_input_xlsx_mem, gw_input_ofd_mem), into the checking sink of
 * gw_fuzz_input.h. Damaged archives, lying sizes, entries that expand past
 * the GW_ZIP_* limits, names with '\', "..", %XX and bytes that are not
 * UTF-8 must give a message, never a crash; every name the archive lists
 * must be found again by gw_zip_find. Seeds: the fixtures of
 * tests/data/office/. */
#include "gw_fuzz_input.h"
#include "base/gw_limits.h"
#include "read/gw_zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_input in;
	gw_fuzz_rec rec;
	gw_zip *z;
	gw_err err;

	gw_err_clear(&err);
	if (gw_zip_open_mem(data, size, &z, &err) == GW_OK) {
		gw_buf b = GW_BUF_INIT;
		for (size_t i = 0; i < gw_zip_count(z); i++) {
			const char *name = gw_zip_name(z, i);
			size_t n = gw_fuzz_touch_str(name);
			if (n && name[n - 1] != '/')
				GW_FUZZ_CHECK(gw_zip_find(z, name) >= 0);
			gw_err_clear(&err);
			if (gw_zip_read(z, (long)i, &b, &err) == GW_OK)
				gw_fuzz_touch(b.p, b.len);
			else
				GW_FUZZ_CHECK(gw_fuzz_touch_str(err.msg) > 0);
		}
		GW_FUZZ_CHECK(gw_zip_total(z) <= (size_t)GW_ZIP_TOTAL_MAX + GW_ZIP_ENTRY_MAX);
		gw_buf_free(&b);
		gw_zip_close(z);
	} else {
		GW_FUZZ_CHECK(gw_fuzz_touch_str(err.msg) > 0);
	}
	gw_fuzz_input_init(&in, &rec, 1);
	gw_input_docx_mem(&in, "fuzz.docx", (const char *)data, size);
	gw_fuzz_input_init(&in, &rec, 1);
	gw_input_xlsx_mem(&in, "fuzz.xlsx", (const char *)data, size, NULL);
	gw_fuzz_input_init(&in, &rec, 1);
	gw_input_ofd_mem(&in, "fuzz.ofd", (const char *)data, size);
	return 0;
}
