/* gw_analyzer: folded text -> positioned tokens (see gw_analyzer.h).
 *
 * The folding is gw_norm's; this file classifies the folded code points,
 * assigns positions, builds the terms and runs ICU's word breaker over each
 * run of CJK text (never across punctuation, so a word never spans it). */
#include "text/gw_analyzer.h"

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#include "base/gw_buf.h"
#include "text/gw_norm.h"
#include "text/gw_utf8.h"

enum { C_SEP = 1, C_CJK = 2, C_WORD = 3 };

struct gw_analyzer {
	gw_norm *norm;
	gw_folded f;
	UBreakIterator *brk;
	struct sb_stemmer *stem;
	uint8_t *cls_page[0x1100]; /* lazily filled class of each code point */
	uint32_t *fold_page[0x1100]; /* lazily filled gw_analyzer_fold_cp */
	UChar *u16;                /* a CJK run in UTF-16, for the word breaker */
	uint32_t *u16_idx;         /* u16 unit -> index in f */
	size_t u16_cap;
	char term[GW_TERM_MAX + 8];
	char *run8;                /* a CJK run in UTF-8, for its terms (cjk_run) */
	uint32_t *run8_off;        /* code point k of the run starts at run8[run8_off[k]] */
	size_t run8_cap;           /* code points */
	struct stem_memo *memo;    /* recent stems (lazily allocated) */
	struct break_memo *breaks; /* recent word breaks (lazily allocated) */
};

/* Snowball's stemmer costs about 6% of indexing, and Latin text repeats a
 * few hundred words over and over, so each analyzer remembers the stems of
 * recent words in a direct-mapped table (a word of up to MEMO_WORD bytes,
 * replaced by the next word with the same hash). */
enum { MEMO_WORD = 22, MEMO_SLOTS = 4096 };

/* ICU's dictionary word break is three quarters of the analyzer's time,
 * and a third of the Han text of the corpus sits in runs that occur more
 * than once (boilerplate lines, common phrases). A run's words depend on
 * the run alone, so each analyzer remembers the word boundaries of recent
 * short runs (up to BREAK_RUN code points, all in the BMP) in a
 * direct-mapped table: bit k of cut set = a boundary before code point k.
 * 65,536 slots (4 MB an analyzer, allocated at its first word break) find
 * 34% of zh-docs' Han characters in a remembered run, against 26% with
 * 8,192: analysis 5% faster (tests/wordbreak_bench.sh). */
enum { BREAK_RUN = 24, BREAK_SLOTS = 65536 };

struct break_memo {
	uint64_t h;
	uint32_t cut;
	uint8_t len;               /* 0: empty */
	uint16_t cp[BREAK_RUN];
};

struct stem_memo {
	unsigned char wlen, slen;  /* wlen 0: empty; slen 0: the stem is the word */
	char word[MEMO_WORD];
	char stem[MEMO_WORD];
};

static uint8_t classify(uint32_t c)
{
	UErrorCode st = U_ZERO_ERROR;
	int8_t t;

	if (c < 0x80)
		return ((c | 32) - 'a' < 26 || c - '0' < 10 || c == '_') ? C_WORD : C_SEP;
	if (c >= 0x2E80 && u_isalnum((UChar32)c)) {
		switch (uscript_getScript((UChar32)c, &st)) {
		case USCRIPT_HAN:
		case USCRIPT_HIRAGANA:
		case USCRIPT_KATAKANA:
		case USCRIPT_HANGUL:
		case USCRIPT_BOPOMOFO:
			return C_CJK;
		default:
			break;
		}
	}
	if (u_isalnum((UChar32)c))
		return C_WORD;
	t = u_charType((UChar32)c);
	return (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK) ? C_WORD : C_SEP;
}

/* Class of c from a per-page cache filled on first use (0 = out of memory,
 * treated as a separator by callers comparing against C_CJK/C_WORD). */
static inline uint8_t cls(gw_analyzer *a, uint32_t c)
{
	uint8_t *pg;

	if (c >= 0x110000)
		return C_SEP;
	pg = a->cls_page[c >> 8];
	if (!pg) {
		uint32_t base = c & ~0xffu;
		pg = malloc(256);
		if (!pg)
			return C_SEP;
		for (uint32_t i = 0; i < 256; i++)
			pg[i] = classify(base + i);
		a->cls_page[c >> 8] = pg;
	}
	return pg[c & 255];
}

gw_rc gw_analyzer_new(gw_analyzer **out, gw_err *err)
{
	gw_analyzer *a;

	*out = NULL;
	a = calloc(1, sizeof *a);
	if (!a)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_norm_new(&a->norm, err))
		goto fail;
	a->stem = sb_stemmer_new("english", "UTF_8");
	if (!a->stem) {
		gw_err_set(err, GW_ENOMEM, 0, "cannot create the Snowball english stemmer");
		goto fail;
	}
	*out = a;
	return GW_OK;
fail:
	gw_analyzer_free(a);
	return err ? err->rc : GW_EICU;
}

void gw_analyzer_free(gw_analyzer *a)
{
	if (!a)
		return;
	gw_norm_free(a->norm);
	gw_folded_free(&a->f);
	if (a->brk)
		ubrk_close(a->brk);
	if (a->stem)
		sb_stemmer_delete(a->stem);
	for (size_t i = 0; i < sizeof a->cls_page / sizeof a->cls_page[0]; i++) {
		free(a->cls_page[i]);
		free(a->fold_page[i]);
	}
	free(a->u16);
	free(a->u16_idx);
	free(a->run8);
	free(a->run8_off);
	free(a->memo);
	free(a->breaks);
	free(a);
}

/* Writes cp[i..j) as UTF-8 into a->term, cut at GW_TERM_MAX bytes. */
static size_t make_term(gw_analyzer *a, size_t i, size_t j)
{
	size_t n = 0;

	/* a->term has room for the 4 bytes of a code point past the cut. */
	for (; i < j; i++) {
		size_t k = gw_utf8_put(a->term + n, a->f.cp[i]);
		if (n + k > GW_TERM_MAX)
			break;
		n += k;
	}
	return n;
}

static int any_changed(const gw_analyzer *a, size_t i, size_t j)
{
	for (; i < j; i++)
		if (a->f.changed[i])
			return 1;
	return 0;
}

typedef struct emit {
	gw_token_fn fn;
	void *ctx;
	int stop;
	int offsets; /* fill start_off, end_off and folded (not GW_AN_NO_OFFSETS) */
} emit;

/* The token term[0..len) of f[i..j) to the sink; inner: see gw_token. */
static void send_tok(gw_analyzer *a, emit *e, int kind, const char *term, size_t len, uint32_t pos, size_t i,
                     size_t j, int inner)
{
	gw_token t;

	if (e->stop)
		return;
	t.kind = kind;
	t.term = term;
	t.len = len;
	t.pos = pos;
	if (e->offsets) {
		t.start_off = a->f.start[i];
		t.end_off = a->f.end[j - 1];
		t.folded = any_changed(a, i, j);
	} else {
		t.start_off = t.end_off = 0;
		t.folded = 0;
	}
	t.inner = inner;
	e->stop = e->fn(e->ctx, &t);
}

/* A token whose term make_term wrote into a->term. */
static void send(gw_analyzer *a, emit *e, int kind, size_t len, uint32_t pos, size_t i, size_t j)
{
	send_tok(a, e, kind, a->term, len, pos, i, j, 0);
}

/* Writes the CJK run f[i..j) as UTF-8 into a->run8, so that its
 * characters, bigrams and words are each a slice of it instead of being
 * encoded again token by token. -1 if out of memory. */
static int run8_make(gw_analyzer *a, size_t i, size_t j)
{
	size_t n = j - i, at = 0;

	if (a->run8_cap < n) {
		size_t cap = n + 64;
		char *u = realloc(a->run8, 4 * cap);
		uint32_t *o = u ? realloc(a->run8_off, (cap + 1) * sizeof *o) : NULL;
		if (u)
			a->run8 = u;
		if (!o)
			return -1;
		a->run8_off = o;
		a->run8_cap = cap;
	}
	for (size_t k = 0; k < n; k++) {
		a->run8_off[k] = (uint32_t)at;
		at += gw_utf8_put(a->run8 + at, a->f.cp[i + k]);
	}
	a->run8_off[n] = (uint32_t)at;
	return 0;
}

/* The token of code points [s, t) of the run starting at f[i], from
 * a->run8, cut at GW_TERM_MAX bytes as make_term cuts. */
static void send_run(gw_analyzer *a, emit *e, int kind, size_t i, size_t s, size_t t, uint32_t pos, int inner)
{
	const uint32_t *o = a->run8_off + (s - i);
	size_t m = t - s;

	while (o[m] - o[0] > GW_TERM_MAX)
		m--;
	send_tok(a, e, kind, a->run8 + o[0], o[m] - o[0], pos, s, t, inner);
}

/* The words of the run f[i..j) from its boundaries (bit k of cut: one
 * before code point i + k; bit 0 and the run's end are boundaries). */
static void send_words(gw_analyzer *a, emit *e, size_t i, size_t j, uint32_t pos, uint32_t cut)
{
	size_t s = i;

	for (size_t k = i + 1; k <= j && !e->stop; k++) {
		if (k < j && !(cut >> (k - i) & 1))
			continue;
		if (k - s >= 2)
			send_run(a, e, GW_T_WORD, i, s, k, pos + (uint32_t)(s - i), 0);
		s = k;
	}
}

/* The remembered slot for the run f[i..j), or NULL if it is not one to
 * remember (too long, or a code point beyond the BMP); *h gets the run's
 * hash. Does not read the slot, so that cjk_run can ask for it before
 * sending the run's characters and bigrams, while the 4 MB table's line
 * comes in from memory (waiting for it was 3% of the analysis). */
static struct break_memo *break_slot(gw_analyzer *a, size_t i, size_t j, uint64_t *hp)
{
	uint64_t h = GW_HASH_INIT;

	if (j - i > BREAK_RUN || (!a->breaks && !(a->breaks = calloc(BREAK_SLOTS, sizeof *a->breaks))))
		return NULL;
	for (size_t k = i; k < j; k++) {
		if (a->f.cp[k] > 0xFFFF)
			return NULL;
		h = (h ^ a->f.cp[k]) * 1099511628211ull;
	}
	*hp = h;
	return &a->breaks[(h ^ h >> 29) & (BREAK_SLOTS - 1)];
}

/* Whether the slot m of break_slot holds the run f[i..j) of hash h
 * already; if not, empties it for the run. */
static int break_hit(gw_analyzer *a, struct break_memo *m, uint64_t h, size_t i, size_t j)
{
	size_t n = j - i;

	if (m->len == n && m->h == h) {
		size_t k = 0;
		while (k < n && m->cp[k] == a->f.cp[i + k])
			k++;
		if (k == n)
			return 1;
	}
	m->h = h;
	m->len = 0; /* filled once ICU has answered */
	return 0;
}

/* The words of the CJK run f[i..j) at position pos; m is its break_slot
 * (may be NULL), h its hash. */
static gw_rc run_words(gw_analyzer *a, emit *e, size_t i, size_t j, uint32_t pos, struct break_memo *m,
                       uint64_t h, gw_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, prev, next;
	uint32_t cut = 0;

	if (m && break_hit(a, m, h, i, j)) {
		send_words(a, e, i, j, pos, m->cut);
		return GW_OK;
	}

	if (a->u16_cap < 2 * (j - i)) {
		size_t cap = 2 * (j - i) + 64;
		UChar *u = realloc(a->u16, cap * sizeof *u);
		uint32_t *x = u ? realloc(a->u16_idx, cap * sizeof *x) : NULL;
		if (u)
			a->u16 = u;
		if (!x)
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		a->u16_idx = x;
		a->u16_cap = cap;
	}
	for (size_t k = i; k < j; k++) {
		a->u16_idx[n] = (uint32_t)k;
		if (a->f.cp[k] > 0xFFFF) {
			a->u16[n++] = U16_LEAD(a->f.cp[k]);
			a->u16_idx[n] = (uint32_t)k;
			a->u16[n++] = U16_TRAIL(a->f.cp[k]);
		} else {
			a->u16[n++] = (UChar)a->f.cp[k];
		}
	}
	/* Opened on first use: loading the CJK dictionary costs milliseconds,
	 * which a search process (it never asks for words) should not pay. */
	if (!a->brk) {
		a->brk = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
		if (U_FAILURE(st)) {
			a->brk = NULL;
			return gw_err_set(err, GW_EICU, st, "cannot open ICU word breaker: %s", u_errorName(st));
		}
	}
	ubrk_setText(a->brk, a->u16, n, &st);
	if (U_FAILURE(st))
		return gw_err_set(err, GW_EICU, st, "word break failed: %s", u_errorName(st));
	prev = ubrk_first(a->brk);
	while ((next = ubrk_next(a->brk)) != UBRK_DONE && !e->stop) {
		size_t s = a->u16_idx[prev], t = next < n ? a->u16_idx[next] : j;
		if (t - s >= 2)
			send_run(a, e, GW_T_WORD, i, s, t, pos + (uint32_t)(s - i), 0);
		if (m && t < j)
			cut |= (uint32_t)1 << (t - i);
		prev = next;
	}
	if (m && !e->stop) {
		m->cut = cut;
		for (size_t k = i; k < j; k++)
			m->cp[k - i] = (uint16_t)a->f.cp[k];
		m->len = (uint8_t)(j - i);
	}
	return GW_OK;
}

/* Tokens of the CJK run f[i..j) starting at position pos. */
static gw_rc cjk_run(gw_analyzer *a, emit *e, size_t i, size_t j, uint32_t pos, int flags, gw_err *err)
{
	int words = (flags & GW_AN_WORDS) && j - i >= 2;
	uint64_t h = 0;
	struct break_memo *m = words ? break_slot(a, i, j, &h) : NULL;

	if (m)
		GW_PREFETCH(m);
	if (run8_make(a, i, j))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t k = i; k < j; k++) {
		uint32_t p = pos + (uint32_t)(k - i);
		send_run(a, e, GW_T_CHAR, i, k, k + 1, p, k > i && k + 1 < j);
		if ((flags & GW_AN_BIGRAMS) && k + 1 < j)
			send_run(a, e, GW_T_BIGRAM, i, k, k + 2, p, 0);
	}
	if (words)
		return run_words(a, e, i, j, pos, m, h, err);
	return GW_OK;
}

static int is_az(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return n > 0;
}

/* The stem of the n-byte word a->term: its length in *sn, NULL if it is the
 * word itself (or the stemmer failed). Goes through the memo. */
static const char *stem_of(gw_analyzer *a, size_t n, int *sn)
{
	struct stem_memo *m = NULL;
	const sb_symbol *st;

	if (n <= MEMO_WORD && (a->memo || (a->memo = calloc(MEMO_SLOTS, sizeof *a->memo)))) {
		m = &a->memo[gw_hash(GW_HASH_INIT, a->term, n) & (MEMO_SLOTS - 1)];
		if (m->wlen == n && memcmp(m->word, a->term, n) == 0) {
			*sn = m->slen;
			return m->slen ? m->stem : NULL;
		}
	}
	st = sb_stemmer_stem(a->stem, (const sb_symbol *)a->term, (int)n);
	*sn = sb_stemmer_length(a->stem);
	if (!st || *sn <= 0 || ((size_t)*sn == n && memcmp(st, a->term, n) == 0))
		st = NULL;
	if (m && (!st || *sn <= MEMO_WORD)) {
		m->wlen = (unsigned char)n;
		memcpy(m->word, a->term, n);
		m->slen = st ? (unsigned char)*sn : 0;
		if (st)
			memcpy(m->stem, st, (size_t)*sn);
	}
	return (const char *)st;
}

/* The word f[i..j) at position pos: its term, and its stem if different. */
static void word_run(gw_analyzer *a, emit *e, size_t i, size_t j, uint32_t pos, int flags)
{
	size_t n = make_term(a, i, j);
	const char *st;
	int sn;

	send(a, e, GW_T_TERM, n, pos, i, j);
	if (!(flags & GW_AN_STEMS) || !is_az(a->term, n) || !(st = stem_of(a, n, &sn)))
		return;
	memmove(a->term, st, (size_t)sn);
	send(a, e, GW_T_STEM, (size_t)sn, pos, i, j);
}

gw_rc gw_analyze(gw_analyzer *a, const char *text, size_t len, uint32_t first_pos, int flags,
                 gw_token_fn fn, void *ctx, uint32_t *next_pos, gw_err *err)
{
	emit e = {fn, ctx, 0, !(flags & GW_AN_NO_OFFSETS)};
	uint32_t pos = first_pos;
	size_t i = 0, n;

	if (gw_norm_fold(a->norm, text, len, &a->f, err))
		return err->rc;
	n = a->f.n;
	while (i < n && !e.stop) {
		uint8_t c = cls(a, a->f.cp[i]);
		size_t j = i + 1;
		if (c == C_SEP) {
			i++;
			continue;
		}
		while (j < n && cls(a, a->f.cp[j]) == c)
			j++;
		if (c == C_CJK) {
			if (cjk_run(a, &e, i, j, pos, flags, err))
				return err->rc;
			pos += (uint32_t)(j - i);
		} else {
			word_run(a, &e, i, j, pos, flags);
			pos++;
		}
		i = j;
	}
	if (next_pos)
		*next_pos = pos;
	return GW_OK;
}

uint32_t gw_analyzer_fold_cp(gw_analyzer *a, uint32_t c)
{
	uint32_t *pg;

	if (c >= 0x110000)
		return GW_FOLD_MANY;
	pg = a->fold_page[c >> 8];
	if (!pg) {
		uint32_t base = c & ~0xffu;
		pg = malloc(256 * sizeof *pg);
		if (!pg)
			return GW_FOLD_MANY; /* the answer that is never wrong */
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t out[8];
			int n = gw_norm_fold_cp(a->norm, base + i, out);
			pg[i] = n == 0 ? GW_FOLD_NONE : n == 1 ? out[0] : GW_FOLD_MANY;
		}
		a->fold_page[c >> 8] = pg;
	}
	return pg[c & 255];
}

int gw_analyzer_script(const gw_analyzer *a, size_t *trad, size_t *simp)
{
	if (trad)
		*trad += a->f.trad;
	if (simp)
		*simp += a->f.simp;
	return gw_script_of(a->f.trad, a->f.simp);
}

gw_rc gw_analyzer_fold(gw_analyzer *a, const char *text, size_t len, gw_buf *out, gw_err *err)
{
	if (gw_norm_fold(a->norm, text, len, &a->f, err))
		return err->rc;
	for (size_t i = 0; i < a->f.n; i++) {
		char tmp[4];
		gw_buf_append(out, tmp, gw_utf8_put(tmp, a->f.cp[i]));
	}
	return gw_buf_ok(out) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}
