/* fuzz_xlsx: the SpreadsheetML reader (gw_input_xlsx_parts,
 * lib/read/gw_xlsx.c) on any bytes as three parts separated by NUL bytes:
 * a worksheet, its shared strings and its styles (a missing part is
 * absent). Cells of every type, shared-string indexes out of range, any
 * row and column references, date formats and serials, merged ranges of
 * any extent (bounded by GW_XLSX_MERGED_MAX): the records go to the
 * checking sink of gw_fuzz_input.h (valid UTF-8 always: libxml2 hands out
 * UTF-8 only), once with ids FILE#SHEET#ROW and once with --id-column set
 * to the first column's name. Seeds: the parts of the .xlsx fixtures. */
#include "gw_fuzz_input.h"
#include "read/gw_office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *part[3] = {NULL, NULL, NULL};
	size_t len[3] = {0, 0, 0};
	gw_input in;
	gw_fuzz_rec rec;

	for (int k = 0; k < 3 && p <= end; k++) {
		const char *z = memchr(p, 0, (size_t)(end - p));
		part[k] = p;
		len[k] = z ? (size_t)(z - p) : (size_t)(end - p);
		p += len[k] + 1;
	}
	gw_fuzz_input_init(&in, &rec, 1);
	gw_input_xlsx_parts(&in, "fuzz.xlsx", part[0], len[0], part[1], len[1], part[2], len[2]);
	gw_fuzz_input_init(&in, &rec, 1);
	in.id_column = "编号";
	gw_input_xlsx_parts(&in, "fuzz.xlsx", part[0], len[0], part[1], len[1], part[2], len[2]);
	return 0;
}
