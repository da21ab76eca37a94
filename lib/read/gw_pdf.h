/* gw_pdf: PDF files with a text layer, read as notices.
 *
 * The road of a PDF, one file a step:
 *   gw_pdf.c        Poppler (poppler-glib) opens the file and gives, page by
 *                   page, every character with its box; Poppler's own
 *                   messages are caught, never printed;
 *   gw_pdf_page.c   the characters of one page become lines in reading
 *                   order: runs split at wide gaps, grouped by baseline, two
 *                   columns found and read one after the other, letter
 *                   spacing (本 院 業 經) and the spaces Poppler sees between
 *                   Han characters and digits (47 号) taken out;
 *   gw_pdf_layout.c the pages become one text: running headers, footers and
 *                   page numbers dropped, a line wrapped inside a paragraph
 *                   joined to the next one (without a gap inside a Han run),
 *                   a paragraph's last line keeping its break;
 *   gw_pdf_input.c  gongwen-index's reader: runs the first two steps in a
 *                   worker process with time limits, so that a hostile page
 *                   can neither hang nor crash the batch, then hands the text
 *                   to the same notice parser as a .txt file
 *                   (gw_notice_parse_text).
 *
 * Coordinates are PDF points with y growing downwards from the page's top,
 * as poppler-glib gives them. */
#ifndef GW_PDF_H
#define GW_PDF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "read/gw_input.h"

/* A Han character (the CJK Unified Ideographs, their extensions and the
 * compatibility ideographs, 〇 too). */
static inline int gw_pdf_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) || cp == 0x3007;
}

/* White space in a PDF's text: a space, a tab, the no-break and the
 * ideographic space and their kin. */
static inline int gw_pdf_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0 || cp == 0x3000 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0xFEFF;
}

/* ---- gw_pdf_page.c: one page's characters -> lines ---- */

/* One character as Poppler placed it. Spaces and line ends are not
 * characters here but flags of the character after them. */
typedef struct gw_pdf_char {
	uint32_t cp;          /* Unicode code point */
	float x1, y1, x2, y2; /* its box */
	unsigned brk;         /* GW_PDF_SPACE_BEFORE | GW_PDF_LINE_START */
} gw_pdf_char;

#define GW_PDF_SPACE_BEFORE 1u /* Poppler saw a space before it */
#define GW_PDF_LINE_START   2u /* it starts one of Poppler's lines */

/* Flags of a line. */
#define GW_PDF_COLUMN_START 1u /* first line of a page's second column */

/* One line of a page: its text (UTF-8, no line end) is
 * page->text.p[off .. off + len). */
typedef struct gw_pdf_line {
	float x1, y1, x2, y2; /* the box of its characters */
	float em;             /* the size of one character (a Han character's width) */
	unsigned flags;       /* GW_PDF_COLUMN_START */
	unsigned column;      /* 0 whole width, 1 left column, 2 right column */
	size_t off, len;
} gw_pdf_line;

typedef struct gw_pdf_page {
	float w, h;            /* the page's size */
	gw_pdf_line *lines;    /* in reading order */
	size_t n, cap;
	gw_buf text;           /* the lines' text, one after the other */
	size_t ngood, nbad;    /* characters that are text / that are not
	                        * (private use, U+FFFD, controls) */
} gw_pdf_page;

#define GW_PDF_PAGE_INIT {0, 0, NULL, 0, 0, GW_BUF_INIT, 0, 0}

/* Builds page (emptied first) from the n characters c of a page of size
 * w x h, in Poppler's order. Never fails on content; GW_ENOMEM only. */
gw_rc gw_pdf_page_build(gw_pdf_page *page, float w, float h, const gw_pdf_char *c, size_t n,
                        gw_err *err);
/* Frees what page holds; it is empty and usable again afterwards. */
void gw_pdf_page_free(gw_pdf_page *page);

/* Appends page to out in a compact form (what the child process of
 * gw_pdf_input.c sends its parent). Allocation failure is sticky in out. */
void gw_pdf_page_encode(const gw_pdf_page *page, gw_buf *out);
/* Reads a page encoded by gw_pdf_page_encode from p[0..len) into page
 * (emptied first): every length and count is checked against the bytes
 * there are. Returns GW_OK, GW_EINVAL (with err) for bytes that are not
 * such a page, or GW_ENOMEM. */
gw_rc gw_pdf_page_decode(gw_pdf_page *page, const unsigned char *p, size_t len, gw_err *err);

/* ---- gw_pdf_layout.c: pages -> one text ---- */

/* Appends to out the text of the n pages, as described at the top. Lines
 * are separated by '\n'. Allocation failure is sticky in out. */
void gw_pdf_layout(const gw_pdf_page *pages, size_t n, gw_buf *out);

/* Whether text[0..len) (the layout's output) holds enough characters that
 * are letters, digits or Han characters to be a text layer, given the
 * pages' counts of good and bad characters: not if fewer than 8 such
 * characters are left, or if more than half of the characters of the
 * pages were not text (private-use glyphs of a font with no Unicode map,
 * U+FFFD, controls). */
int gw_pdf_usable(const char *text, size_t len, size_t ngood, size_t nbad);

/* ---- gw_pdf.c: Poppler ---- */

typedef struct gw_pdf gw_pdf;

/* Opens a PDF from memory (bytes must stay alive and unchanged until
 * gw_pdf_close) or, when bytes is NULL, from the file open on fd (which is
 * duplicated, not taken). Poppler's messages are counted, never printed
 * (gw_pdf_messages). Errors, with err->msg: GW_EINVAL "not a PDF file (no
 * %PDF- header)", "encrypted", "damaged PDF (...)"; GW_ENOMEM. *out is NULL
 * on error. */
gw_rc gw_pdf_open(const char *bytes, size_t len, int fd, gw_pdf **out, gw_err *err);
/* The number of pages. */
int gw_pdf_npages(const gw_pdf *pdf);
/* Reads page i (0-based) into page (emptied first) through
 * gw_pdf_page_build. A page Poppler cannot read gives no lines. */
gw_rc gw_pdf_read_page(gw_pdf *pdf, int i, gw_pdf_page *page, gw_err *err);
/* How many messages of damage (syntax, I/O and internal errors; not
 * warnings) Poppler has sent since the document was opened, and the first
 * of them (escaped for a terminal, cut short; "" if none). */
unsigned gw_pdf_messages(const gw_pdf *pdf, const char **first);
/* Closes pdf; NULL is fine. */
void gw_pdf_close(gw_pdf *pdf);

/* ---- gw_pdf_input.c: the reader of gongwen-index ---- */

/* Reads the PDF open as fp (not closed; a regular file) as one notice with
 * id `id`, as gw_input_txt_mem reads a text: Poppler runs in a worker
 * process (one per thread, started at the first PDF, ended when the
 * process ends) bounded by GW_PDF_SECONDS_MAX and GW_PDF_PAGE_SECONDS_MAX (a page
 * that takes longer ends the reading: the pages before it are indexed, with
 * a warning) and GW_PDF_MEMORY_MAX; the pages read are at most
 * GW_PDF_PAGES_MAX and their text at most GW_PDF_TEXT_MAX bytes (a
 * warning says where reading stopped). Rejected, one message each: a file
 * that is not a PDF, an encrypted one ("encrypted, skipped"), a damaged one
 * Poppler cannot open, one with no usable text ("no text layer (scanned?),
 * skipped"). */
void gw_input_pdf(gw_input *in, const char *id, FILE *fp);

/* Ends this thread's worker process, if there is one, and waits for it
 * (the next PDF starts a new one). Call once the reading is done:
 * gongwen-index does before it commits, so that the worker's memory is
 * given back and its time counted as the indexer's. */
void gw_input_pdf_end(void);

/* The same for a PDF in memory, read in this process (no time limit): for
 * the fuzz harness and the tests. */
void gw_input_pdf_mem(gw_input *in, const char *id, const char *bytes, size_t len);

#endif
