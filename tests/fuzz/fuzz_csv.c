/* fuzz_csv: the CSV/TSV tokenizer (gw_csv_next, lib/read/gw_csv.h) and the
 * records reader built on it (gw_input_csv_mem), on any bytes.
 *
 * The tokenizer runs with both delimiters; every record's fields must be
 * readable to their length and NUL-terminated there, lines must not go
 * back, and the reader must come to the end: each call either gives a
 * record, an error or the end, so there are at most size + 1 calls before
 * the end. The records reader runs as gongwen-index runs it: CSV and TSV
 * with "<file>#<row>" ids, and CSV with --id-column set to the first
 * header cell, into the checking sink of gw_fuzz_input.h. Seeds: the CSV
 * files of corpus/ and the tables of tests/test_csv.c. */
#include "gw_fuzz_input.h"
#include "read/gw_csv.h"

/* Whether s[0..n) could be typed as --id-column: no control bytes. */
static int printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return n > 0;
}

/* Tokenizes p[0..n) with delim; copies the first field of the first
 * record (NUL-terminated, at most cap - 1 bytes) to first when it is not
 * NULL. */
static void tokenize(const char *p, size_t n, int delim, char *first, size_t cap)
{
	gw_csv r;
	gw_err err;
	size_t calls = 0;
	long line = 0;
	int got;

	memset(&r, 0, sizeof r);
	gw_csv_init(&r, p, n, delim);
	for (;;) {
		gw_rc rc;

		gw_err_clear(&err);
		rc = gw_csv_next(&r, &got, &err);
		GW_FUZZ_CHECK(++calls <= n + 1);
		GW_FUZZ_CHECK(rc == GW_OK || rc == GW_EINVAL);
		if (rc == GW_EINVAL) {
			GW_FUZZ_CHECK(!got && gw_fuzz_touch_str(err.msg) > 0);
			GW_FUZZ_CHECK(r.err_line >= r.line && r.line >= line);
			line = r.line;
			continue;
		}
		if (!got)
			break;
		GW_FUZZ_CHECK(r.nfields >= 1 && r.line >= line && r.line >= 1);
		line = r.line;
		for (size_t i = 0; i < r.nfields; i++) {
			gw_fuzz_touch(r.fields[i].val, r.fields[i].len + 1);
			GW_FUZZ_CHECK(r.fields[i].val[r.fields[i].len] == '\0');
		}
		if (first && printable(r.fields[0].val, r.fields[0].len) && r.fields[0].len < cap)
			memcpy(first, r.fields[0].val, r.fields[0].len + 1);
		first = NULL;
	}
	gw_csv_free(&r);
}

static void read_records(const char *p, size_t n, int delim, const char *id_column)
{
	gw_input in;
	gw_fuzz_rec rec;

	gw_fuzz_input_init(&in, &rec, gw_utf8_valid(p, n));
	gw_input_csv_mem(&in, "fuzz.csv", p, n, delim, id_column);
	GW_FUZZ_CHECK(in.ndocs == rec.ndocs && in.nrejected <= rec.nmsgs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char first[64] = "";

	tokenize(p, size, ',', first, sizeof first);
	tokenize(p, size, '\t', NULL, 0);
	read_records(p, size, ',', NULL);
	read_records(p, size, '\t', NULL);
	if (first[0])
		read_records(p, size, ',', first);
	return 0;
}
