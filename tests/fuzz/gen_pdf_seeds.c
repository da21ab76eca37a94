/* gen_pdf_seeds: writes the geometry and record seeds of fuzz_pdf
 * (tests/fuzz/seeds/pdf/geometry-*, record-*) from the PDFs of
 * tests/data/pdf: the characters Poppler gives for their first two pages,
 * in the harness's 11-byte form, and the first page as the child process
 * encodes it. Deterministic for the same PDFs; run from the repository
 * root after building:
 *   cc -D_GNU_SOURCE -Ilib $(pkg-config --cflags poppler-glib) tests/fuzz/gen_pdf_seeds.c \
 *      build/libgongwen.a $(pkg-config --libs poppler-glib icu-uc) -lm -o /tmp/gen_pdf_seeds && /tmp/gen_pdf_seeds */
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/gw_pdf.h"

static void put16(FILE *f, double v)
{
	int q = (int)(v * 4);

	if (q < -32768)
		q = -32768;
	if (q > 32767)
		q = 32767;
	fputc(q & 0xFF, f);
	fputc((q >> 8) & 0xFF, f);
}

/* One page of doc as 11-byte characters, then a zero code point. */
static void put_page(FILE *f, PopplerDocument *doc, int i)
{
	PopplerPage *pg = poppler_document_get_page(doc, i);
	char *text = poppler_page_get_text(pg), *s = text;
	PopplerRectangle *r = NULL;
	guint nr = 0, k = 0, brk = GW_PDF_LINE_START;

	poppler_page_get_text_layout(pg, &r, &nr);
	for (; *s && k < nr; s = g_utf8_next_char(s), k++) {
		gunichar c = g_utf8_get_char(s);
		if (c == '\n') {
			brk = GW_PDF_LINE_START;
			continue;
		}
		if (c == ' ') {
			brk |= GW_PDF_SPACE_BEFORE;
			continue;
		}
		fputc(c & 0xFF, f);
		fputc((c >> 8) & 0xFF, f);
		fputc((c >> 16) & 0x1F, f);
		put16(f, r[k].x1);
		put16(f, r[k].y1);
		put16(f, r[k].x2 - r[k].x1);
		fputc((int)((r[k].y2 - r[k].y1) * 2) & 0x7F, f);
		fputc((int)brk, f);
		brk = 0;
	}
	for (int z = 0; z < 11; z++)
		fputc(0, f);
	g_free(r);
	g_free(text);
	g_object_unref(pg);
}

int main(void)
{
	static const char *const names[] = {"notice-sc", "notice-columns", "notice-table", NULL};

	for (int n = 0; names[n]; n++) {
		char path[256], out[256];
		gchar *data;
		gsize len;
		GBytes *b;
		PopplerDocument *doc;
		gw_pdf *pdf;
		gw_pdf_page page = GW_PDF_PAGE_INIT;
		gw_buf enc = GW_BUF_INIT;
		gw_err err;
		FILE *f;

		snprintf(path, sizeof path, "tests/data/pdf/%s.pdf", names[n]);
		if (!g_file_get_contents(path, &data, &len, NULL))
			return 1;
		b = g_bytes_new_take(data, len);
		if (!(doc = poppler_document_new_from_bytes(b, NULL, NULL)))
			return 1;
		snprintf(out, sizeof out, "tests/fuzz/seeds/pdf/geometry-%s", names[n]);
		if (!(f = fopen(out, "wb")))
			return 1;
		for (int i = 0; i < 2 && i < poppler_document_get_n_pages(doc); i++)
			put_page(f, doc, i);
		fclose(f);
		gw_err_clear(&err);
		if (gw_pdf_open(g_bytes_get_data(b, NULL), len, -1, &pdf, &err) ||
		    gw_pdf_read_page(pdf, 0, &page, &err))
			return 1;
		gw_pdf_page_encode(&page, &enc);
		snprintf(out, sizeof out, "tests/fuzz/seeds/pdf/record-%s", names[n]);
		if (!(f = fopen(out, "wb")) || fwrite(enc.p, 1, enc.len, f) != enc.len || fclose(f))
			return 1;
		gw_buf_free(&enc);
		gw_pdf_page_free(&page);
		gw_pdf_close(pdf);
		g_object_unref(doc);
		g_bytes_unref(b);
	}
	return 0;
}
