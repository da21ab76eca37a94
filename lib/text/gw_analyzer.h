/* gw_analyzer: the one token pipeline for documents and queries.
 *
 * Text is folded first, before any segmentation (DESIGN-BRIEF.md):
 *   1. NFKC with case folding (ICU unorm2 "nfkc_cf"),
 *   2. Traditional -> Simplified one code point at a time (a table generated
 *      from ICU's data at build time, see lib/gen/gen_t2s.c),
 * keeping for every folded code point the byte range of the original text it
 * came from, so that tokens carry offsets into the caller's text.
 *
 * Then tokens, each with a position:
 *   - every CJK code point (Han, kana, hangul, bopomofo) is one position and
 *     gives a GW_T_CHAR term; two CJK code points directly next to each other
 *     give a GW_T_BIGRAM at the first one's position;
 *   - a run of other letters, digits, '_' and marks is one position and gives
 *     a GW_T_TERM (lower case) and, for [a-z]+ words whose Snowball English
 *     stem differs, a GW_T_STEM at the same position;
 *   - ICU word-break words of two or more CJK code points over the folded text
 *     give GW_T_WORD terms (ranking only) at their first code point's position;
 *   - everything else (punctuation, spaces, symbols) separates tokens and
 *     takes no position.
 * Invalid UTF-8 is read as U+FFFD (a separator). */
#ifndef GW_ANALYZER_H
#define GW_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_limits.h"
#include "base/gw_buf.h"
#include "base/gw_err.h"

/* Term kinds; the byte values are part of the index format (gw_store.c). */
enum {
	GW_T_CHAR = 'c',
	GW_T_BIGRAM = 'b',
	GW_T_WORD = 'w',
	GW_T_TERM = 't',
	GW_T_STEM = 's'
};

/* Whether the postings of a kind keep positions. A word's do not: it
 * only ever counts where a query's CJK run is one word (the word bonus),
 * and each of its occurrences is an occurrence of that run, so its
 * frequency is the count wanted. (1.9 MB of zh-docs' postings.) */
static inline int gw_kind_positions(int kind) { return kind != GW_T_WORD; }
/* A kind's bit in a set of kinds (gw_toklist.kinds, gw_fieldtab.kinds). */
static inline uint64_t gw_kind_bit(int kind) { return (uint64_t)1 << (kind & 63); }

/* Which optional tokens to produce. Position tokens (CHAR, TERM) always are. */
enum {
	GW_AN_BIGRAMS = 1,
	GW_AN_WORDS = 2,
	GW_AN_STEMS = 4,
	GW_AN_ALL = 7,
	/* Leave the tokens' start_off, end_off and folded 0: for a sink that
	 * does not read them (gw_toklist), which saves reading three arrays
	 * per token. */
	GW_AN_NO_OFFSETS = 8
};


typedef struct gw_token {
	int kind;           /* GW_T_* */
	const char *term;   /* folded UTF-8, not NUL-terminated; valid during the callback */
	size_t len;
	uint32_t pos;       /* token position */
	size_t start_off;   /* byte range in the analyzed text */
	size_t end_off;
	int folded;         /* 1 if T->S folding changed a code point of the token */
	int inner;          /* GW_T_CHAR: Han characters touch it on both sides (see
	                     * gw_char_position_kept) */
} gw_token;

/* Receives tokens in text order (a position's CHAR/TERM first). A non-zero
 * return stops the analysis; gw_analyze then returns GW_OK. */
typedef int (*gw_token_fn)(void *ctx, const gw_token *tok);

/* Of a character's positions, the postings keep those at either end of its
 * run of touching Han characters only (a third of them on zh-docs): inside
 * a run, the bigrams on both sides place it. A phrase needs a character's
 * own position only next to what is not a Han character touching it (a
 * Latin word, a digit run, punctuation), and there the character ends its
 * run; next to another character it matches through their bigram as well
 * (gw_query.c). Its term frequency still counts every occurrence. */
static inline int gw_char_position_kept(const gw_token *t) { return t->kind != GW_T_CHAR || !t->inner; }

typedef struct gw_analyzer gw_analyzer;

/* Creates an analyzer (ICU normalizer, word breaker, stemmer). Not thread
 * safe: use one per thread. Errors: GW_EICU, GW_ENOMEM. */
gw_rc gw_analyzer_new(gw_analyzer **out, gw_err *err);
void gw_analyzer_free(gw_analyzer *a);

/* Analyzes text[0..len) and calls fn for each token. Positions start at
 * first_pos; *next_pos (may be NULL) receives the position after the last
 * one used, so (next - first) is the field length. */
gw_rc gw_analyze(gw_analyzer *a, const char *text, size_t len, uint32_t first_pos, int flags,
                 gw_token_fn fn, void *ctx, uint32_t *next_pos, gw_err *err);

/* Which script the text last analyzed or folded was written in, from its
 * code points: GW_SCRIPT_HANT if more were Traditional-only (changed by the
 * fold) than Simplified-only, GW_SCRIPT_HANS for the reverse, else
 * GW_SCRIPT_NONE. The counts are added to *trad and *simp (may be NULL). */
enum { GW_SCRIPT_NONE = 0, GW_SCRIPT_HANS, GW_SCRIPT_HANT };
int gw_analyzer_script(const gw_analyzer *a, size_t *trad, size_t *simp);
static inline int gw_script_of(size_t trad, size_t simp)
{
	return trad > simp ? GW_SCRIPT_HANT : simp > trad ? GW_SCRIPT_HANS : GW_SCRIPT_NONE;
}

/* Appends the folded form of text (steps 1 and 2 above) to out, as UTF-8. */
gw_rc gw_analyzer_fold(gw_analyzer *a, const char *text, size_t len, gw_buf *out, gw_err *err);

/* What the fold (steps 1 and 2 above) makes of the code point c on its
 * own: the one code point it becomes, GW_FOLD_NONE if it vanishes (a soft
 * hyphen), GW_FOLD_MANY if it becomes several (㍿ -> 株式会社) or cannot
 * be folded. In text, NFKC may also compose c with the marks after it;
 * what it composes is never ASCII or a Han character, so for those the
 * answer holds in any context. Remembered per analyzer, one 1 kB page of
 * 256 code points at a time. */
#define GW_FOLD_NONE 0xFFFFFFFFu
#define GW_FOLD_MANY 0xFFFFFFFEu
uint32_t gw_analyzer_fold_cp(gw_analyzer *a, uint32_t c);

/* Version of the analysis; stored in the index, which refuses another.
 * 2: the fold also maps what OpenCC's t2s maps (variants such as 峯). */
#define GW_ANALYZER_VERSION 2

#endif
