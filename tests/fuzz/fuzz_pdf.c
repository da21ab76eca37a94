/* fuzz_pdf: the PDF reader (lib/read/gw_pdf*.c) on any bytes, three ways.
 *
 *  1. As gongwen-index reads a .pdf, but in this process
 *     (gw_input_pdf_mem): Poppler opens the bytes, each page's characters
 *     become lines (gw_pdf_page_build), each page goes through the
 *     encoding the child process sends and the parent's decoding, the
 *     layout makes one text and the notice parser one notice, into the
 *     checking sink of gw_fuzz_input.h: every document valid UTF-8 and
 *     every message printable, whatever the bytes. The reader must come
 *     back with a document or one rejection.
 *  2. The bytes as characters with boxes (11 bytes each: a code point,
 *     four coordinates, a flag; a zero code point ends a page), so that
 *     the page builder and the layout see any geometry without Poppler:
 *     the text must be valid UTF-8, every line inside the page's text, and
 *     a page must come back from its encoding the same.
 *  3. The bytes as the parent's decoder reads the pipe (gw_pdf_page_decode):
 *     a page it accepts goes through the layout.
 *
 * Poppler itself is not instrumented (it is the system's library): the
 * fuzzer's coverage is gongwen's code, and a memory error inside Poppler
 * shows only if it crashes. Seeds: the small PDFs of tests/data/pdf. */
#include "gw_fuzz_input.h"
#include "read/gw_pdf.h"

#define MAX_CHARS 4096
#define MAX_PAGES 8

/* Checks a built page: lines inside its text, the text valid UTF-8. */
static void check_page(const gw_pdf_page *pg)
{
	gw_fuzz_text((const char *)pg->text.p, pg->text.len, 1);
	for (size_t i = 0; i < pg->n; i++) {
		GW_FUZZ_CHECK(pg->lines[i].off + pg->lines[i].len <= pg->text.len);
		GW_FUZZ_CHECK(pg->lines[i].len > 0 && pg->lines[i].column <= 2);
		GW_FUZZ_CHECK(gw_utf8_valid((const char *)pg->text.p + pg->lines[i].off, pg->lines[i].len));
	}
}

/* Encodes pg, decodes it and encodes it again: the same bytes. */
static void check_round_trip(const gw_pdf_page *pg)
{
	gw_buf a = GW_BUF_INIT, b = GW_BUF_INIT;
	gw_pdf_page back = GW_PDF_PAGE_INIT;
	gw_err err;

	gw_pdf_page_encode(pg, &a);
	GW_FUZZ_CHECK(gw_buf_ok(&a));
	gw_err_clear(&err);
	GW_FUZZ_CHECK(gw_pdf_page_decode(&back, a.p, a.len, &err) == GW_OK);
	gw_pdf_page_encode(&back, &b);
	GW_FUZZ_CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
	gw_buf_free(&a);
	gw_buf_free(&b);
	gw_pdf_page_free(&back);
}

/* A coordinate: a little-endian int16 in quarter points. */
static float coord(const uint8_t *p)
{
	int v = p[0] | p[1] << 8;

	return (float)(v >= 32768 ? v - 65536 : v) / 4.0f;
}

/* 2: pages of characters read from the bytes. */
static void geometry(const uint8_t *data, size_t size)
{
	gw_pdf_char *c = malloc(MAX_CHARS * sizeof *c);
	gw_pdf_page pages[MAX_PAGES];
	size_t np = 0, n = 0;
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	GW_FUZZ_CHECK(c != NULL);
	for (size_t i = 0; i + 11 <= size && np < MAX_PAGES; i += 11) {
		const uint8_t *p = data + i;
		uint32_t cp = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)(p[2] & 0x1F) << 16;
		int last = i + 22 > size;
		if (cp && n < MAX_CHARS) {
			c[n].cp = cp;
			c[n].x1 = coord(p + 3);
			c[n].y1 = coord(p + 5);
			c[n].x2 = c[n].x1 + coord(p + 7);
			c[n].y2 = c[n].y1 + (float)(p[9] & 0x7F) / 2.0f;
			c[n].brk = p[10] & 3;
			n++;
		}
		if (!cp || last) {
			pages[np] = (gw_pdf_page)GW_PDF_PAGE_INIT;
			gw_err_clear(&err);
			GW_FUZZ_CHECK(gw_pdf_page_build(&pages[np], 595, 842, c, n, &err) == GW_OK);
			check_page(&pages[np]);
			check_round_trip(&pages[np]);
			np++;
			n = 0;
		}
	}
	gw_pdf_layout(pages, np, &out);
	GW_FUZZ_CHECK(gw_buf_ok(&out));
	gw_fuzz_text((const char *)out.p, out.len, 1);
	(void)gw_pdf_usable((const char *)out.p, out.len, 1, 0);
	for (size_t i = 0; i < np; i++)
		gw_pdf_page_free(&pages[i]);
	gw_buf_free(&out);
	free(c);
}

/* 3: the bytes as a page record. */
static void record(const uint8_t *data, size_t size)
{
	gw_pdf_page pg = GW_PDF_PAGE_INIT;
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	gw_err_clear(&err);
	if (gw_pdf_page_decode(&pg, data, size, &err) == GW_OK) {
		for (size_t i = 0; i < pg.n; i++)
			GW_FUZZ_CHECK(pg.lines[i].off + pg.lines[i].len <= pg.text.len);
		gw_pdf_layout(&pg, 1, &out);
		gw_fuzz_touch(out.p, out.len);
	} else {
		GW_FUZZ_CHECK(gw_fuzz_touch_str(err.msg) > 0);
	}
	gw_buf_free(&out);
	gw_pdf_page_free(&pg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_input in;
	gw_fuzz_rec r;

	gw_fuzz_input_init(&in, &r, 1);
	gw_input_pdf_mem(&in, "fuzz.pdf", (const char *)data, size);
	GW_FUZZ_CHECK(r.ndocs >= 1 || in.nrejected >= 1);
	geometry(data, size);
	record(data, size);
	return 0;
}
