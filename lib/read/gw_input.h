/* gw_input: the readers of input files, one per format (gw_txt.c,
 * gw_html.c, gw_csv_records.c, gw_jsonl.c, and the office formats
 * gw_docx.c, gw_xlsx.c, gw_ofd.c of gw_office.h), and what they share.
 *
 * The readers know nothing of the index. Each document they produce goes
 * to a sink callback; each problem with the input (a file that cannot be
 * opened, a malformed JSON line, a document the sink refused) goes to a
 * report callback as one message with its file and line, and counts as one
 * rejection. Nothing stops the batch: after an error, reading goes on with
 * the next line or file. gongwen-index plugs the index in as the sink; the tests
 * plug in a recorder. */
#ifndef GW_INPUT_H
#define GW_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/gw_buf.h"
#include "base/gw_doc.h"
#include "base/gw_err.h"

/* The UTF-8 byte order mark that Windows editors put before text. */
#define GW_UTF8_BOM "\xEF\xBB\xBF"

/* Takes one document. file names the input it came from (the document id
 * for .txt notices, the file name or "<stdin>" for JSON Lines) and line is
 * its 1-based line number, or 0 when the format has no lines. The doc and
 * everything it points to are borrowed until the sink returns. Returns
 * GW_OK, or an error with err set: the document is then reported as
 * "file:line: err->msg" and rejected. */
typedef gw_rc (*gw_doc_sink)(void *ctx, const gw_doc *doc, const char *file,
                             long line, gw_err *err);

/* Hears of one rejected input: msg is git style (lower case, no final
 * period); line is 0 when the problem concerns the file as a whole. */
typedef void (*gw_report_fn)(void *ctx, const char *file, long line,
                             const char *msg);

/* The state of one run of the readers; set up with gw_input_init. The
 * counters are for the caller to read. */
typedef struct gw_input {
	gw_doc_sink sink;
	void *sink_ctx;
	gw_report_fn report;
	void *report_ctx;
	size_t ndocs;     /* documents the sink accepted */
	size_t nrejected; /* documents and files rejected (each reported) */
	uint64_t nbytes;  /* bytes of input read */
	/* The CSV/TSV column that holds the record ids (--id-column), or
	 * NULL for "<file>#<row>"; set by the caller after gw_input_init.
	 * Borrowed for the run. */
	const char *id_column;
	/* The attachments noted in the folder being read (read/gw_attach.h),
	 * or NULL: then documents go to the sink as they are. Borrowed. */
	struct gw_attach *attach;
} gw_input;

/* gw_input.c: the shared plumbing. */
void gw_input_init(gw_input *in, gw_doc_sink sink, void *sink_ctx,
                   gw_report_fn report, void *report_ctx);
/* Reports "file[:line]: <fmt...>" and counts one rejection. */
void gw_input_reject(gw_input *in, const char *file, long line,
                     const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Hands doc to the sink; counts it as accepted or reports the sink's error
 * and counts it as rejected. */
void gw_input_deliver(gw_input *in, const gw_doc *doc, const char *file,
                      long line);

/* Reads all of fp (not closed) into b, counting the bytes read; on a read
 * error, out of memory or a file of more than GW_FILE_MAX bytes
 * (gw_limits.h; a regular file that large is not read at all) reports it
 * as a rejection of name and returns -1. */
int gw_input_slurp(gw_input *in, const char *name, FILE *fp, gw_buf *b);

/* Bytes at the start of an input that decide whether it is text. */
#define GW_SNIFF_LEN 8192

/* Whether the input that starts with p[0..len) is not text, judged on its
 * first GW_SNIFF_LEN bytes as grep and ripgrep do: a NUL byte, or more
 * than a quarter of its characters invalid UTF-8, U+FFFD or control
 * characters other than white space and ESC, unless it reads as GBK
 * (GB18030) text. The HTML reader asks after decoding the page from its
 * charset, so GBK and Big5 pages are text. */
int gw_input_binary(const char *p, size_t len);

/* If gw_input_binary(p, len), rejects name as "binary file, skipped" (one
 * message, one rejection: the file is not read further) and returns 1;
 * else returns 0. */
int gw_input_skip_binary(gw_input *in, const char *name, const char *p, size_t len);

/* The text of a file read whole, for the readers of text formats (.txt,
 * .csv): p itself if it is UTF-8; converted into conv (gw_charset.h) if it
 * is GBK/GB18030, Big5 or UTF-16 with a BOM, with one warning naming the
 * charset, *len updated; NULL if it is binary (rejected as by
 * gw_input_skip_binary). */
const char *gw_input_text(gw_input *in, const char *name, const char *p, size_t *len, gw_buf *conv);

/* Bytes of a line above a table that can be its caption: a longer one is not. */
#define GW_CAPTION_MAX 200
/* The line of s that ends at s[end] (end after its newline, if any, is
 * the caller's to drop), if it can be the caption of the table after it:
 * at most GW_CAPTION_MAX bytes, not a sentence or a lead-in (ending in
 * 。 ； ！ ： : ;); else "". malloc'd; NULL if out of memory. Shared by the
 * HTML and office readers. */
char *gw_input_caption_above(const char *s, size_t end);

/* Narrows [*b, *e) to the text between its leading and trailing white
 * space: ASCII white space and U+3000 IDEOGRAPHIC SPACE. */
void gw_input_trim(const char **b, const char **e);

/* gw_txt.c: one notice per .txt file. The first line that is not empty
 * once trimmed of whitespace (ASCII, U+3000 and a leading UTF-8 BOM) is the
 * field "title", trimmed; everything after that line, verbatim, is the field
 * "body" (possibly empty). id is the document id and also names the file in
 * messages. A text with no such line is rejected as "empty document". */
void gw_input_txt_mem(gw_input *in, const char *id, const char *text,
                      size_t len);
/* Reads all of fp (not closed) and passes it to gw_input_txt_mem. */
void gw_input_txt(gw_input *in, const char *id, FILE *fp);

/* gw_jsonl.c: one document per line of fp (not closed), each a JSON
 * object. Member "id" (a string, or a number whose text is used) is the id;
 * every other member with a string value becomes a field of that name;
 * members of other types are ignored. Lines that are empty or white space
 * are skipped; a line longer than GW_LINE_MAX is rejected without being
 * held in memory; an input whose first block is binary (gw_input_binary)
 * is rejected as a whole. name names the input in messages, e.g.
 * "data.jsonl:17: missing \"id\"". */
void gw_input_jsonl(gw_input *in, const char *name, FILE *fp);

/* gw_notice_docs.c: delivers a parsed notice (gw_notice.h) as documents:
 * the notice itself, id `id`, its standard parts as fields (title, number,
 * addressees, body, ...) plus "_type" = "notice"; and one record per table
 * row, id "<id>#<table>.<row>" (1-based), its cells as fields named by the
 * header, plus the stored-only link fields "_type" = "record", "_notice"
 * (the notice id), "_notice_title", "_number", "_date", "_row". The
 * notice's notes are reported with gw_input_warn as "file:line: msg". */
struct gw_notice;
void gw_input_notice(gw_input *in, const char *id, const struct gw_notice *n);

/* gw_html.c: one notice per .html/.htm file: the page's bytes go
 * through gw_notice_parse_html (any charset it knows) and the notice to
 * gw_input_notice under id, which also names the file in messages. A page
 * that cannot be used is rejected as "id: msg" (e.g. "not an HTML
 * document: ..."). */
void gw_input_html_mem(gw_input *in, const char *id, const char *bytes, size_t len);
/* Reads all of fp (not closed) and passes it to gw_input_html_mem. */
void gw_input_html(gw_input *in, const char *id, FILE *fp);

/* gw_csv_records.c: records from a CSV (delim ',') or TSV (delim '\t') file,
 * RFC 4180 quoting (gw_csv.h), a UTF-8 BOM and CRLF allowed. The first
 * row is the header: its trimmed cells name the fields (an empty one
 * "column N", a repeated one "名称 2"). Every later row is one document:
 * its non-empty cells (trimmed) as fields named by the header, plus the
 * stored-only "_type" = "record" and "_row" = the 1-based data row; a row
 * of empty cells is skipped. The id is the cell of column id_column when
 * it is not NULL (the header must have it: else the file is rejected; a
 * row with an empty id is rejected), else "<name>#<row>". A row with more
 * cells than the header loses the extra ones (a warning if they are not
 * empty); a row with fewer has the missing ones empty. A broken row is
 * rejected as "name:line: row N: invalid CSV: ..." and still counts as a
 * row; reading goes on at the next line. Documents are delivered with the
 * line their row starts on. */
void gw_input_csv_mem(gw_input *in, const char *name, const char *text, size_t len,
                      int delim, const char *id_column);
/* Reads all of fp (not closed) and passes it to gw_input_csv_mem. */
void gw_input_csv(gw_input *in, const char *name, FILE *fp, int delim,
                  const char *id_column);

/* gw_docx.c, gw_xlsx.c, gw_ofd.c: the office formats, ZIP archives of
 * XML (read/gw_office.h). A .docx or .ofd file is one notice, delivered
 * as gw_input_notice does (its tables' rows are its records); a .xlsx file
 * is records, one per row of every sheet: the sheet's first non-empty row
 * is its header, each later row a record whose fields are named by it,
 * plus "sheet" (the sheet's name) and the stored-only "_type" = "record",
 * "_sheet" and "_row" (the row's number in the sheet, as the spreadsheet
 * shows it); ids "<name>#<sheet>#<row>", or the cell of column id_column
 * when it is set (a sheet without that column is rejected). A file that
 * cannot be used (not a ZIP archive, a part missing, damaged or past a
 * limit of gw_limits.h) is rejected with one message naming the cause.
 * The FILE * variants read the archive through the file's descriptor (not
 * closed), so a file larger than GW_FILE_MAX is fine: only its XML parts
 * are read, within the GW_ZIP_* limits. */
void gw_input_docx(gw_input *in, const char *id, FILE *fp);
void gw_input_docx_mem(gw_input *in, const char *id, const char *p, size_t n);
void gw_input_ofd(gw_input *in, const char *id, FILE *fp);
void gw_input_ofd_mem(gw_input *in, const char *id, const char *p, size_t n);
void gw_input_xlsx(gw_input *in, const char *name, FILE *fp, const char *id_column);
void gw_input_xlsx_mem(gw_input *in, const char *name, const char *p, size_t n,
                       const char *id_column);

/* Reports a warning about the input ("file[:line]: warning: msg"); unlike
 * gw_input_reject it does not count as a rejection. */
void gw_input_warn(gw_input *in, const char *file, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
