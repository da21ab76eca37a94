/* gw_query: query text -> a tree of operators over parts, each part analyzed
 * by the document analyzer.
 *
 * Grammar (the README has the user's version):
 *   query  := or
 *   or     := and ("OR" and)*
 *   and    := unary (["AND"] unary)*          implicit AND between parts
 *   unary  := ("NOT" | "-") unary | near
 *   near   := atom ("NEAR" | "NEAR/n" atom)*   within n positions (default 10)
 *   atom   := "(" or ")" | field ":" atom | "\"phrase\"" | word | word"*"
 * OR, AND, NOT and NEAR are operators only in capitals. "(" is a group only
 * at the start of a word and ")" closes one only at the end of a word while
 * a group is open, so 国科发区(2020)73号 stays one word. A stray '"' quotes
 * the rest of the query; a stray ")" is punctuation. Errors (unbalanced
 * "(", an operator without operands, an empty field value, a query with no
 * part that is not negated) name the 1-based column in characters.
 * Limits (base/gw_limits.h): a query of more than GW_QUERY_BYTES_MAX bytes
 * or GW_QUERY_PARTS_MAX parts, or nested (groups, NOT/-, field:) more than
 * GW_QUERY_DEPTH_MAX levels deep, is refused with GW_EINVAL and a message
 * naming the limit; below them every part and operand is kept.
 *
 * A part (word or phrase) is analyzed like document text and matched as a
 * phrase: its elements at the same relative positions.
 *   - A run of two or more CJK characters is matched by all its bigrams
 *     (each bigram only exists where the two characters touch), so the run
 *     matches exactly as a substring; a lone CJK character by its unigram.
 *   - A Latin word outside quotes matches its Snowball stem (as a word or a
 *     stem: `files` finds file, files, filing); inside quotes only itself;
 *     `conf*` matches every word that starts with conf.
 *   - Digits and other words match themselves.
 * Punctuation inside a part takes no position, so 国科发区[2020]73号 and
 * "国科发区 2020 73号" are the same phrase.
 *
 * A part may be scoped to one field: `name:value`, `name:"a phrase"` or
 * `name:(a OR b)` (the colon ASCII or full width). The name is folded like
 * text, so 省份:江苏 finds 省份 = 江蘇 and 依托主体:... finds 依托主體; the
 * standard notice fields also answer to aliases (gw_field_lookup). A name
 * that is not a field of the index leaves the word as plain text (the colon
 * is then just punctuation: `Note: x` still works). */
#ifndef GW_QUERY_H
#define GW_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "text/gw_analyzer.h"
#include "base/gw_err.h"

/* A word and its stem; or a character and the bigrams it makes with its
 * neighbours in the phrase (gw_char_position_kept). */
#define GW_QALT_MAX 3

typedef struct gw_qterm {
	int kind;        /* GW_T_* */
	int prefix;      /* 1: every term that starts with these bytes */
	size_t off, len; /* term bytes in gw_query.terms */
	uint32_t back;   /* the term's position is this many before the
	                  * element's (1: a bigram that ends on its character) */
} gw_qterm;

/* One element of a phrase: any of its alternative terms at offset off. */
typedef struct gw_qelem {
	gw_qterm alt[GW_QALT_MAX];
	int nalt;
	uint32_t off;
} gw_qelem;

typedef struct gw_qpart {
	size_t first, n;   /* elements in gw_query.el */
	uint32_t span;     /* positions covered (last offset + 1) */
	int quoted;
	int negated;       /* under NOT: never scored or highlighted */
	int filter;        /* a filter (gw_search_opts.filter_from): must match
	                    * as any part, but is never scored or highlighted */
	unsigned fid;      /* 0: any field, else only this one */
	int has_word;      /* word: the ICU word equal to the whole part */
	gw_qterm word;
	size_t text_off, text_len; /* the part as typed, in the query text */
} gw_qpart;

enum { GW_QN_PART, GW_QN_AND, GW_QN_OR, GW_QN_NOT, GW_QN_NEAR };

/* An operator or a part. Children are nodes kids[first .. first + n). An
 * AND node's NOT children are exclusions. */
typedef struct gw_qnode {
	int kind;          /* GW_QN_* */
	size_t part;       /* GW_QN_PART: index in parts */
	size_t first, n;   /* children in gw_query.kids */
	uint32_t near;     /* GW_QN_NEAR: positions allowed between operands */
} gw_qnode;

typedef struct gw_query {
	gw_qnode *nodes;
	size_t nnodes;
	size_t *kids;
	size_t nkids;
	size_t root;
	int script;        /* GW_SCRIPT_* the query is written in */
	int anchors;       /* 1 if matching must record where parts occur (NEAR) */
	gw_qpart *parts;
	size_t nparts;
	gw_qelem *el;
	size_t nel;
	char *terms;       /* term bytes */
	size_t terms_len;
} gw_query;

struct gw_fieldtab;

/* Parses text; field names are looked up in ft (may be NULL: no fields).
 * *out owns the result (gw_query_free). GW_EINVAL with a message naming
 * the column (1-based, in characters) for an empty field value, or if no
 * part has anything to search for; with one naming the limit for a query
 * past GW_QUERY_BYTES_MAX, GW_QUERY_PARTS_MAX or GW_QUERY_DEPTH_MAX. */
gw_rc gw_query_parse(gw_analyzer *an, const struct gw_fieldtab *ft, const char *text, size_t len,
                     gw_query **out, gw_err *err);

/* The id of the field a user calls name (folded with an, then looked up,
 * then tried as an alias: title/标题, number/文号/发文字号, date/日期,
 * issuer/发文机关, addressees/主送/受文者, body/正文, attachments/附件,
 * kind/文种, subject/主旨, explanation/说明, actions/办法, basis/依据,
 * items/公告事项, signer/签发人, urgency/紧急程度/速别, secrecy/密级/密等,
 * copy/份号, cc/抄送/副本, printer/印发机关, printed/印发日期; Traditional
 * spellings fold to these); 0 if none. */
unsigned gw_field_lookup(gw_analyzer *an, const struct gw_fieldtab *ft, const char *name,
                         size_t len);
void gw_query_free(gw_query *q);
static inline const char *gw_qterm_str(const gw_query *q, const gw_qterm *t)
{
	return q->terms + t->off;
}

#endif
