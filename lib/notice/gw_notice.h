/* gw_notice: the structure of an official notice (公文) and the records in
 * its tables, as parsed from plain text (gw_notice_parse_text, gw_notice.c);
 * the readers of other formats (lib/read: gw_html.c) fill the same structure.
 *
 * A notice has named parts (title, number, addressees, body, closing,
 * attachments, issuer, date, disclosure, and trailing material that is not
 * part of the notice; the 文种, Taiwan's sections, the header block and
 * 版记 of either side) and zero or more tables. Dates: gw_date.h. A table has a header row that
 * names its columns and data rows; each data row becomes a record. Every
 * string is a copy owned by the gw_notice (UTF-8, NUL-terminated).
 *
 * Problems that do not stop parsing (a ragged row repaired or dropped, a
 * merged cell restored) are collected as notes with the 1-based source
 * line, so the indexer can report "file:line: ...". */
#ifndef GW_NOTICE_H
#define GW_NOTICE_H

#include <stddef.h>

#include "base/gw_err.h"

/* The standard parts, in document order. Their field names (what the index
 * stores them under) are GW_NOTICE_FIELD_NAMES, in the same order. */
typedef enum {
	GW_NP_TITLE,       /* "title": may wrap over two lines, joined */
	GW_NP_NUMBER,      /* "number": 國科發區〔2020〕73號, 工信部科〔2021〕15号, 第12号 */
	GW_NP_ADDRESSEES,  /* "addressees": the line ending in ： or : after the number */
	GW_NP_BODY,        /* "body": the main text */
	GW_NP_CLOSING,     /* "closing": 特此通知。 特此公告。 etc. */
	GW_NP_ATTACHMENTS, /* "attachments": the 附件：... list (all its lines) */
	GW_NP_ISSUER,      /* "issuer": the signing organisation, letter spacing removed (科 技 部 -> 科技部) */
	GW_NP_DATE,        /* "date": ISO 8601, 2020-03-25 (from 2020年3月25日, 2020-3-25, 2020.03.25, 2020/3/25, 二〇二〇年三月二十五日) */
	GW_NP_DISCLOSURE,  /* "disclosure": (此件主動公開) and the like, without the brackets */
	GW_NP_APPENDIX,    /* "appendix": text of the attachment pages that is not a table (e.g. 附件 + its heading) */
	GW_NP_TRAILING,    /* "related": material after the notice that is not part of it (e.g. news snippets) */
	/* Added after the first eleven, so that their numbers stay. */
	GW_NP_KIND,        /* "kind": 文种 as written, from the title's ending or a Taiwan 經濟部 函 line: 通知 通知 函 書函 令 批示 ... */
	GW_NP_SUBJECT,     /* "subject": the 主旨 section (Taiwan), or 開會事由 */
	GW_NP_EXPLANATION, /* "explanation": the 說明 section */
	GW_NP_ACTIONS,     /* "actions": the 辦法 section */
	GW_NP_BASIS,       /* "basis": the 依據 section */
	GW_NP_ITEMS,       /* "items": the 公告事項 section */
	GW_NP_SIGNER,      /* "signer": 签发人：张三, or a signature line 部長 王美花 (title, space, name) */
	GW_NP_URGENCY,     /* "urgency": 特急 加急 (紧急程度), 速別 最速件 */
	GW_NP_SECRECY,     /* "secrecy": 机密★5年 秘密 (密级), 密等 */
	GW_NP_COPY,        /* "copy": 份号, the copy number at the top (000123) */
	GW_NP_CC,          /* "cc": 抄送 (版记), 副本 */
	GW_NP_PRINTER,     /* "printer": the 印发机关 of the 版记 (国务院办公厅秘书局) */
	GW_NP_PRINTED,     /* "printed": the 印发日期 of the 版记, ISO 8601 (not the notice's date) */
	GW_NP_COUNT
} gw_notice_part;

#define GW_NOTICE_FIELD_NAMES                                                                   \
	{"title",   "number",      "addressees", "body",    "closing",  "attachments",         \
	 "issuer",  "date",        "disclosure", "appendix", "related", "kind",                \
	 "subject", "explanation", "actions",    "basis",   "items",    "signer",              \
	 "urgency", "secrecy",     "copy",       "cc",      "printer",  "printed"}

typedef struct gw_table_row {
	char **cells;      /* ncols cells (after repair), "" for empty */
	long line;         /* 1-based source line of the row (HTML: 0) */
	int repaired;      /* 1 if merged cells were restored from the row above */
} gw_table_row;

typedef struct gw_table {
	char *caption;     /* the heading just above the table, or "" (e.g. 第三批國家專業化眾創空間示範名單) */
	char **header;     /* ncols column names, trimmed; an empty name becomes "column N" */
	size_t ncols;
	gw_table_row *rows;
	size_t nrows;
	long line;         /* 1-based source line of the header */
} gw_table;

typedef struct gw_notice_note {
	long line;         /* 1-based source line (0 if unknown) */
	char *msg;         /* e.g. "table row 2: 3 cells for 4 columns; restored 省份 from the row above" */
} gw_notice_note;

typedef struct gw_notice {
	char *part[GW_NP_COUNT]; /* NULL when absent */
	gw_table *tables;
	size_t ntables;
	gw_notice_note *notes;
	size_t nnotes;
	/* The files the notice links to (HTML: the href of each link to a
	 * document file, as written, at most GW_NOTICE_LINKS_MAX): its
	 * attachments, for read/gw_attach.c. */
	char **links;
	size_t nlinks;
} gw_notice;

/* Parses a plain-text notice (UTF-8; a leading BOM and CRLF are fine).
 * Never fails on content: text with no recognisable structure gives title
 * (first non-empty line) + body (the rest). Table rows are lines with cells
 * separated by '|' (leading/trailing '|' optional) or by tabs; the first
 * such line of a block is the header. *out must be freed with
 * gw_notice_free. Errors: GW_ENOMEM only. */
gw_rc gw_notice_parse_text(const char *text, size_t len, gw_notice *out, gw_err *err);

/* Frees every string and array in n (n itself is not freed) and zeroes it;
 * absent parts and NULL members are fine; n may be NULL. */
void gw_notice_free(gw_notice *n);

#endif
