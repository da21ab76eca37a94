/* gw_limits: every limit on the size of what comes from outside (files,
 * documents, queries, the index on disk), in one place.
 *
 * Each limit is one #define with a comment saying what it bounds and what
 * happens past it; the README's "Limits" table lists the same names and
 * values, and tests/check_limits.sh fails when the two differ. Code never
 * indexes a fixed-size array by a count that input decides: it checks the
 * count against the limit here and refuses past it, with a message that
 * names the limit. Constants of the on-disk format (block sizes, chunk
 * sizes) are not limits: they live with their format. */
#ifndef GW_LIMITS_H
#define GW_LIMITS_H

/* Documents */

/* The longest document id, in bytes: a longer one is rejected. */
#define GW_ID_MAX 500
/* Fields a document may have, stored-only ones included: more is rejected. */
#define GW_MAX_FIELDS 255
/* Longest term in bytes; longer Latin words are cut at a code point
 * boundary (documents and queries alike, so they still match). */
#define GW_TERM_MAX 120
/* Longest field name, in bytes: a document with a longer one is rejected
 * (a table's column name is cut to it, at a character, with a warning). */
#define GW_FIELD_NAME_MAX 200
/* Longest field value, in bytes: a document with a longer one is rejected. */
#define GW_FIELD_MAX (8 << 20)
/* Bytes of all of a document's field values together: a larger document
 * is rejected. */
#define GW_DOC_MAX (16 << 20)

/* Input formats */

/* Largest file read whole (.txt, .html, .csv, .tsv): a larger one is
 * rejected unread. JSON Lines files and stdin are read a line at a time
 * and have no size limit. */
#define GW_FILE_MAX (64 << 20)
/* Longest line of JSON Lines, in bytes: a longer line is rejected (and
 * skipped without being held in memory); the lines after it are read. */
#define GW_LINE_MAX (16 << 20)
/* Deepest JSON nesting accepted; the top-level object counts as 1. */
#define GW_JSON_MAX_DEPTH 64
/* Longest table cell (a CSV/TSV cell, a cell of a notice's table), in
 * bytes: the row holding it is rejected. */
#define GW_CELL_MAX 65536
/* Columns of a table: a CSV/TSV file whose header has more is rejected, an
 * HTML table with more (spans expanded) is read as text with a warning, a
 * .txt notice's table with more gives no records (the notice is indexed).
 * Leaves room under GW_MAX_FIELDS for a record's link fields. */
#define GW_TABLE_COLS_MAX 200
/* Data rows of one table of a notice (.txt, .html): the rows past it give
 * no records, with one error. CSV/TSV files are bounded by GW_FILE_MAX. */
#define GW_TABLE_ROWS_MAX 100000
/* An HTML cell's colspan and rowspan are clamped to these, the HTML
 * standard's limits, with a warning. */
#define GW_HTML_MAX_COLSPAN 1000
#define GW_HTML_MAX_ROWSPAN 65534
/* Cells of an HTML table once its spans are expanded: a larger table is
 * read as text, with a warning. */
#define GW_HTML_MAX_CELLS 1000000
/* Elements nested deeper than this in an HTML page are read as plain
 * text (no tables, headings or skipped navigation below it), with a
 * warning; libxml2 builds the whole tree (its own limit, 256, is lifted). */
#define GW_HTML_MAX_DEPTH 512
/* Pages read from one PDF: the pages after it are not read, with a
 * warning. */
#define GW_PDF_PAGES_MAX 2000
/* Bytes of text (with its layout: about 25 bytes a line) read from one
 * PDF: the page that would pass it and the pages after it are not read,
 * with a warning. Keeps a PDF's body under GW_FIELD_MAX. */
#define GW_PDF_TEXT_MAX (4 << 20)
/* Seconds Poppler may take over one PDF: the pages after the one that
 * passes it are not read, with a warning (the pages read are indexed). */
#define GW_PDF_SECONDS_MAX 60
/* Seconds Poppler may take over one page (opening the file counts as a
 * page): the reading process is killed, and the pages read before are
 * indexed, with a warning; with none, the file is rejected. The
 * environment variable GONGWEN_PDF_PAGE_SECONDS=N lowers it (the tests). */
#define GW_PDF_PAGE_SECONDS_MAX 10
/* Bytes of memory Poppler may take for one PDF, on top of what the
 * indexer holds: past it the reading process dies, as above. */
#define GW_PDF_MEMORY_MAX (1 << 30)

/* ZIP archives (.docx, .xlsx, .ofd: lib/read/gw_zip.c), against zip
 * bombs. An archive of more entries is refused unread. */
#define GW_ZIP_ENTRIES_MAX 50000
/* Uncompressed bytes of one entry (a document.xml, a sheet, a page's
 * Content.xml): a larger entry is not read and its file is rejected. The
 * archive itself may be larger than GW_FILE_MAX: only its XML parts are
 * read. */
#define GW_ZIP_ENTRY_MAX (64 << 20)
/* Uncompressed bytes read from one archive, all entries together: past it
 * the file is rejected. */
#define GW_ZIP_TOTAL_MAX (256 << 20)
/* Uncompressed bytes per compressed byte of one entry, once the entry has
 * given 1 MB: an entry that expands more is a zip bomb, and its file is
 * rejected (deflate cannot do better than about 1032). */
#define GW_ZIP_RATIO_MAX 200
/* Elements nested deeper than this in an XML part of a .docx, .xlsx or
 * .ofd file: the file is rejected (libxml2's own limit is 256). */
#define GW_XML_DEPTH_MAX 128
/* Cells of one sheet of a .xlsx file filled from merged ranges (the value
 * of the range's first cell copied into the others): the ranges past it
 * are left as they are, with a warning. */
#define GW_XLSX_MERGED_MAX 1000000
/* Links to document files kept from one web page (gw_notice.links), to
 * tell its attachments (read/gw_attach.c): the links past it are not. */
#define GW_NOTICE_LINKS_MAX 1000

/* Queries */

/* Bytes of one query: a longer one is refused. With the two limits below
 * it bounds the time and memory one query may take. */
#define GW_QUERY_BYTES_MAX 65536
/* Parts (words and phrases, each copy counted) of one query: more are
 * refused. Every part is matched and scored, so this is the bound of the
 * per-part arrays of a search. */
#define GW_QUERY_PARTS_MAX 4096
/* Levels of nesting in one query: groups "(", NOT or "-" and field: each
 * open one; deeper is refused (the parser and the evaluator recurse once
 * a level). */
#define GW_QUERY_DEPTH_MAX 256

/* Terms a prefix (word*) expands to, at most, per field; the rest of the
 * terms with that prefix are not searched. */
#define GW_PREFIX_MAX 256
/* Anchors kept per match (for NEAR and proximity). */
#define GW_ANCHORS_MAX 256
/* Field weights a search may set (--weight). */
#define GW_MAX_WEIGHTS 32

#endif
