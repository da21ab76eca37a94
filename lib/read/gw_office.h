/* gw_office: the readers of office files (.docx gw_docx.c, .xlsx
 * gw_xlsx.c, .ofd gw_ofd.c), ZIP archives of XML parts (gw_zip.h,
 * gw_xml.h), and what they share: tables built from a grid of cells and
 * the notice assembled from text lines and those tables.
 *
 * A .docx or .ofd file is one notice: its text, one paragraph a line, goes
 * through gw_notice_parse_text like a .txt file's (so the same notice
 * gives the same title, number and date in every format), and its tables,
 * built from the file's own structure rather than guessed from text, are
 * added as a .html page's are. A .xlsx file is records, one a row, as a
 * .csv file's are. The gw_input_* readers that hand them to the index are
 * in gw_input.h. The PDF reader (gw_pdf.h) uses gw_office_cjk and
 * gw_office_page_number too. */
#ifndef GW_OFFICE_H
#define GW_OFFICE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "notice/gw_notice.h"
#include "read/gw_zip.h"

struct gw_input;

/* gw_docx.c: the notice of a .docx archive: the main document part (found
 * through _rels/.rels, else word/document.xml), its headers and footers
 * for the header block (page numbers dropped). Errors: GW_EINVAL with a
 * message (no document part, a part refused by gw_zip or gw_xml),
 * GW_ENOMEM. */
gw_rc gw_notice_parse_docx(gw_zip *z, gw_notice *out, gw_err *err);
/* The notice of one document.xml part, p[0..n), alone (for fuzzing). */
gw_rc gw_notice_parse_docx_xml(const char *p, size_t n, gw_notice *out, gw_err *err);

/* gw_ofd.c: the notice of an .ofd archive (GB/T 33190-2016): OFD.xml ->
 * DocBody/DocRoot -> Document.xml -> each Page's Content.xml and its
 * templates; the text objects of each page joined into lines in reading
 * order. Errors as gw_notice_parse_docx. */
gw_rc gw_notice_parse_ofd(gw_zip *z, gw_notice *out, gw_err *err);
/* The notice of one page's Content.xml, p[0..n), alone (for fuzzing). */
gw_rc gw_notice_parse_ofd_page(const char *p, size_t n, gw_notice *out, gw_err *err);

/* gw_xlsx.c: the records of a workbook given as its parts (for fuzzing):
 * one sheet, its shared strings and styles (each may be NULL). */
void gw_input_xlsx_parts(struct gw_input *in, const char *name, const char *sheet,
                         size_t sheet_len, const char *shared, size_t shared_len,
                         const char *styles, size_t styles_len);

/* ---- shared by the readers (gw_office.c) ---------------------------------- */

/* Opens the archive of the file fp (not closed) for the reader of `what`
 * ("a Word document"): counts the file's bytes as read; on failure
 * rejects name with one message ("name: not a ZIP archive ...") and
 * returns NULL. */
gw_zip *gw_office_open(struct gw_input *in, const char *name, FILE *fp);
/* The reader of gongwen-index for a ZIP format that holds one notice
 * (.docx, .ofd): the archive (fp, or p[0..n)) read by parse, then the
 * notice to gw_input_notice under id; what cannot be read is rejected as
 * "id: msg", an archive without text as "id: empty document". */
typedef gw_rc (*gw_office_parse_fn)(gw_zip *z, gw_notice *out, gw_err *err);
void gw_office_input(struct gw_input *in, const char *id, FILE *fp, gw_office_parse_fn parse);
void gw_office_input_mem(struct gw_input *in, const char *id, const char *p, size_t n, gw_office_parse_fn parse);

/* The relationships of a part (OPC: the .rels part beside it; the
 * package's own for part ""): Id, the last component of the Type URI
 * ("officeDocument", "header", "worksheet"), and the Target resolved to a
 * part name. External targets are left out. */
typedef struct gw_orel {
	const char *id, *type, *target;
} gw_orel;

typedef struct gw_orels {
	gw_orel *r;
	size_t n, cap;
	gw_buf strs; /* the strings, NUL-terminated */
} gw_orels;

/* Reads the relationships of part into out (reset first); a missing .rels
 * part gives none. Errors: a damaged .rels part, GW_ENOMEM. */
gw_rc gw_office_rels(gw_zip *z, const char *part, gw_orels *out, gw_err *err);
/* The target of the first relationship of type type, or NULL. */
const char *gw_orels_target(const gw_orels *r, const char *type);
void gw_orels_free(gw_orels *r);

/* Whether cp is written without spaces around it in Chinese text: Han,
 * CJK punctuation, kana, Hangul, full-width forms. */
int gw_office_cjk(uint32_t cp);

/* Appends s[0..n) to b; a space goes between them when b is not empty,
 * does not end in white space and neither the last character of b nor
 * the first of s is CJK. */
void gw_office_join(gw_buf *b, const char *s, size_t n);

/* Whether the line s[0..n) is a page number and nothing else: digits (a
 * run of at most 4 not starting with 0, so a 份号 such as 000123 stays),
 * dashes, 第 页 頁 共, "/", "Page", "of", or only the dashes left by a
 * dropped PAGE field. */
int gw_office_page_number(const char *s, size_t n);

/* A table as read: rows of cells (owned strings, NULL for empty), merged
 * cells already expanded by the reader. */
typedef struct gw_orow {
	char **cells;
	size_t n, cap;
} gw_orow;

typedef struct gw_ogrid {
	gw_orow *rows;
	size_t nrows, cap;
	size_t ncols; /* the widest row */
} gw_ogrid;

/* Adds an empty row; returns 0, or -1 when out of memory. */
int gw_ogrid_add_row(gw_ogrid *g);
/* Sets cell (r, c) to a copy of s[0..n) trimmed; returns 0, or -1. */
int gw_ogrid_set(gw_ogrid *g, size_t r, size_t c, const char *s, size_t n);
/* Cell (r, c), "" when empty. */
const char *gw_ogrid_get(const gw_ogrid *g, size_t r, size_t c);
void gw_ogrid_free(gw_ogrid *g);

/* Whether g holds data: two columns or more, a header and a row of data
 * after it, no cell of more than 1000 bytes (text laid out in a table), at
 * most GW_TABLE_COLS_MAX columns. */
int gw_ogrid_is_data(const gw_ogrid *g);

/* Appends g to n->tables: a first row that is one cell across the table
 * is its caption (else caption_above, the line above it, may be ""),
 * the next row is the header (an empty name "column N"), the others are
 * rows (empty ones dropped). Returns 0, or -1 when out of memory. */
int gw_ogrid_to_table(const gw_ogrid *g, const char *caption_above, gw_notice *n);

/* Appends the rows of g to out as lines, cells joined with gw_office_join. */
void gw_ogrid_text(const gw_ogrid *g, gw_buf *out);

/* The last line of the text t, if it can be the caption of a table after
 * it (short, not ending in 。 or ：), else "" (malloc'd; NULL if out of
 * memory). */
char *gw_office_line_above(const gw_buf *t);

/* The notice of the text t (lines) and the tables of tabs (moved into out,
 * tabs left empty): gw_notice_parse_text, then the tables. Errors:
 * GW_EINVAL "no text" when t and tabs are both empty, GW_ENOMEM. */
gw_rc gw_office_notice(const gw_buf *t, gw_notice *tabs, gw_notice *out, gw_err *err);

#endif
