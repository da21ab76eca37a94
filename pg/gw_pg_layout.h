/* gw_pg_layout: gongwen's analysis as the token stream of a PostgreSQL
 * text search parser. No PostgreSQL header here: the layout is plain C, so
 * the fuzz harness (tests/fuzz/fuzz_pg_layout.c) drives it without a server.
 *
 * PostgreSQL gives a lexeme the position of the parser token it came from,
 * one position per token that a dictionary recognises; tokens of a type no
 * dictionary is mapped to take none. Its phrase operator `a <-> b` wants b
 * at position(a) + 1, and phraseto_tsquery (also to_tsquery and
 * websearch_to_tsquery within one word) runs this same parser over the
 * query and joins the lexemes of one token with & (one split variant) or |
 * (several), and consecutive tokens with <->. So the layout is:
 *
 *   one lexeme token per gongwen position (a CJK character, or a run of
 *   letters and digits), in order, carrying every term gongwen puts at that
 *   position:
 *     - a CJK character: the folded character and, if the next character
 *       touches it, their folded bigram, separated by ' ' (one variant: the
 *       query ANDs them): 众创空间 -> "众 众创" "创 创空" "空 空间" "间";
 *     - a Latin word or digit run: the folded word and, if its Snowball stem
 *       differs, the stem, separated by '|' (two variants: the query ORs
 *       them, so `files` finds file, files and filing, as gongwen does
 *       outside quotes).
 *
 * A query's run of n >= 2 characters then becomes
 *   (众 & 众创) <-> (创 & 创空) <-> (空 & 空间) <-> 间
 * which PostgreSQL matches only where all its bigrams sit at consecutive
 * positions (& inside a phrase needs both at the same position): exactly
 * where the run occurs, as gongwen matches it. A lone character is its
 * unigram. Characters parted by punctuation (名，输) touch in no bigram, so
 * 名输 does not match them, while the query 名 输 (two words of one phrase)
 * matches both, as gongwen's "名 输" does. Punctuation and spaces take no
 * position, so 国科发区[2020]73号 and 國科發區〔2020〕73號 are one phrase.
 *
 * Around the lexeme tokens, the original text goes out in tokens of types
 * no dictionary is mapped to (no position, no lexeme): GW_PGT_WORD, the
 * original bytes of the position's character or word, just before its
 * lexeme token, and GW_PGT_BLANK, the bytes between positions. Their
 * concatenation is the input, byte for byte, which is what ts_headline
 * prints: highlights stay in the document's own script.
 *
 * The type numbers are those the default parser gives the same roles
 * (blank 12; hyphenated word types 15 and 16, which ts_headline skips and
 * does not count as words), so the headline code of the default parser
 * lays out fragments over this stream (gongwen_headline in gongwen.c). */
#ifndef GW_PG_LAYOUT_H
#define GW_PG_LAYOUT_H

#include <stddef.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "text/gw_analyzer.h"

enum {
	GW_PGT_WORD = 1,    /* original text of one position */
	GW_PGT_BLANK = 12,  /* original text between positions */
	GW_PGT_HAN = 15,    /* lexemes of a CJK position: "c" or "c cd" */
	GW_PGT_LATIN = 16   /* lexemes of a word position: "w" or "w|stem" */
};

/* Separators inside a lexeme token's text: the same split variant, and the
 * next variant. Neither occurs in a folded term. */
#define GW_PG_SEP_AND ' '
#define GW_PG_SEP_OR '|'

/* The longest piece of original text one token carries: longer text goes
 * out in several tokens, cut between UTF-8 characters. PostgreSQL skips a
 * token of 2047 bytes or more (MAXSTRLEN) with a notice, and a headline
 * word keeps its length in 16 bits. */
#define GW_PG_PIECE_MAX 1024

typedef struct gw_pgtok {
	int type;           /* GW_PGT_* */
	int from_lex;       /* 1: off/len are in gw_pglayout.lex, else in the text */
	size_t off, len;
} gw_pgtok;

typedef struct gw_pglayout {
	gw_pgtok *tok;
	size_t n, cap;
	gw_buf lex;         /* the lexeme tokens' texts */
	size_t npos;        /* lexeme tokens (positions) */
	/* Work space of gw_pg_layout, kept between calls. */
	struct gw_pgpos *pos;
	size_t pos_cap;
} gw_pglayout;

/* Lays out text[0..len) (UTF-8; invalid bytes are separators, as in the
 * analyzer) into l, replacing what it held. Errors: those of gw_analyze,
 * GW_ENOMEM. l may be reused for the next text; gw_pg_layout_free frees
 * it. */
gw_rc gw_pg_layout(gw_analyzer *an, const char *text, size_t len, gw_pglayout *l, gw_err *err);
void gw_pg_layout_free(gw_pglayout *l);

static inline const char *gw_pgtok_text(const gw_pglayout *l, const gw_pgtok *t, const char *text)
{
	return t->from_lex ? (const char *)l->lex.p + t->off : text + t->off;
}

#endif
