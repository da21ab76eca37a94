/* test_analyzer: exact token lists from the analyzer, for Simplified,
 * Traditional, width and bracket variants, Latin stems and bad bytes. */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "text/gw_analyzer.h"
#include "gw_test.h"

static gw_analyzer *an;

typedef struct render {
	gw_buf out;
	int offsets; /* also print [start,end) */
	int kinds;   /* 0: all kinds, else only tokens of this kind */
} render;

static int on_tok(void *ctx, const gw_token *t)
{
	render *r = ctx;

	if (r->kinds && t->kind != r->kinds)
		return 0;
	if (r->out.len)
		gw_buf_putc(&r->out, ' ');
	gw_buf_printf(&r->out, "%c:%.*s@%u", t->kind, (int)t->len, t->term, t->pos);
	if (r->offsets)
		gw_buf_printf(&r->out, "[%zu,%zu]", t->start_off, t->end_off);
	return 0;
}

/* Tokens of text as "kind:term@pos ..." (caller frees). */
static char *tokens(const char *text, int flags, int offsets, int kind)
{
	render r = {GW_BUF_INIT, offsets, kind};
	gw_err err;

	gw_err_clear(&err);
	if (gw_analyze(an, text, strlen(text), 0, flags, on_tok, &r, NULL, &err))
		gw_buf_printf(&r.out, "ERROR %s", err.msg);
	gw_buf_putc(&r.out, 0);
	return (char *)r.out.p;
}

static void check_tokens(const char *text, int flags, const char *want)
{
	char *got = tokens(text, flags, 0, 0);

	CHECK_STR(got, want);
	free(got);
}

static void check_same_terms(const char *a, const char *b)
{
	char *ta = tokens(a, GW_AN_ALL, 0, 0), *tb = tokens(b, GW_AN_ALL, 0, 0);

	CHECK_STR(ta, tb);
	CHECK(strlen(ta) > 0);
	free(ta);
	free(tb);
}

/* GW_AN_NO_OFFSETS: the same tokens (kind, term, position, inner), only
 * their offsets and folded flag left 0; on text that takes every path of
 * the analyzer: both scripts and their folds, compatibility ideographs,
 * fullwidth forms, combining marks after Han and kana, Hangul, Latin
 * stems, digits, a character outside the BMP, invalid UTF-8. */
static int on_tok_all(void *ctx, const gw_token *t)
{
	gw_buf *b = ctx;

	gw_buf_printf(b, "%c:%.*s@%u/%d ", t->kind, (int)t->len, t->term, t->pos, t->inner);
	return 0;
}

static int on_tok_offsets_zero(void *ctx, const gw_token *t)
{
	gw_buf *b = ctx;

	if (t->start_off || t->end_off || t->folded)
		gw_buf_printf(b, "(offsets set) ");
	return on_tok_all(ctx, t);
}

static void test_no_offsets(void)
{
	static const char *const texts[] = {
	    "國科發區〔2020〕73號 关于发布《国家高新区绿色发展专项行动实施方案》的通知",
	    "院臺綜字第1100088223號：行政院函 files filing Ｆｕｌｌｗｉｄｔｈ ＡＢＣ１２３，（括號）",
	    "\xEF\xA4\x80\xE8\xB1\x88 \xE4\xB8\xAD\xCC\x81\xE6\x96\x87 \xE3\x81\x8B\xE3\x82\x99 한국어 \xF0\xA0\x80\x80字",
	    "bad \xE4\xB8 utf8 \xFF\xFE 中文 e\xCC\x81te\xCC\x81 ⼀⼆ 〇々",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		gw_buf a = GW_BUF_INIT, b = GW_BUF_INIT;
		gw_err err;
		gw_err_clear(&err);
		CHECK(gw_analyze(an, texts[i], strlen(texts[i]), 0, GW_AN_ALL, on_tok_all, &a, NULL, &err) == GW_OK);
		CHECK(gw_analyze(an, texts[i], strlen(texts[i]), 0, GW_AN_ALL | GW_AN_NO_OFFSETS, on_tok_offsets_zero, &b,
		                 NULL, &err) == GW_OK);
		gw_buf_putc(&a, 0);
		gw_buf_putc(&b, 0);
		CHECK(a.len > 20);
		CHECK_STR((char *)b.p, (char *)a.p);
		gw_buf_free(&a);
		gw_buf_free(&b);
	}
}

static int on_char_inner(void *ctx, const gw_token *t)
{
	if (t->kind == GW_T_CHAR)
		gw_buf_printf(ctx, "%.*s%s", (int)t->len, t->term, t->inner ? "+" : "");
	return 0;
}

/* A character is inner when Han characters touch it on both sides: its
 * position is then left out of the postings (gw_char_position_kept). */
static void test_inner_characters(void)
{
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_analyze(an, "江苏省科技厅，73号 一 中国", strlen("江苏省科技厅，73号 一 中国"), 0, GW_AN_ALL,
	                 on_char_inner, &out, NULL, &err) == GW_OK);
	gw_buf_putc(&out, 0);
	CHECK_STR((const char *)out.p, "江苏+省+科+技+厅号一中国");
	gw_buf_free(&out);
}

static void test_title_both_scripts(void)
{
	const char *trad = "科技部關于第三批國家專業化眾創空間備案示范的通知";
	const char *simp = "科技部关于第三批国家专业化众创空间备案示范的通知";

	check_same_terms(trad, simp);
	/* Unigrams and bigrams at every position, exactly. */
	check_tokens(simp, GW_AN_BIGRAMS,
	             "c:科@0 b:科技@0 c:技@1 b:技部@1 c:部@2 b:部关@2 c:关@3 b:关于@3 c:于@4 b:于第@4 "
	             "c:第@5 b:第三@5 c:三@6 b:三批@6 c:批@7 b:批国@7 c:国@8 b:国家@8 c:家@9 b:家专@9 "
	             "c:专@10 b:专业@10 c:业@11 b:业化@11 c:化@12 b:化众@12 c:众@13 b:众创@13 c:创@14 "
	             "b:创空@14 c:空@15 b:空间@15 c:间@16 b:间备@16 c:备@17 b:备案@17 c:案@18 b:案示@18 "
	             "c:示@19 b:示范@19 c:范@20 b:范的@20 c:的@21 b:的通@21 c:通@22 b:通知@22 c:知@23");
}

static void test_icu_words_after_folding(void)
{
	/* Folding comes before word breaking, so both scripts give the same
	 * words (農業 is seen as 农业), and 农业 is a word of its own. */
	char *a = tokens("中國農業發展銀行", GW_AN_ALL, 0, GW_T_WORD),
	     *b = tokens("中国农业发展银行", GW_AN_ALL, 0, GW_T_WORD);

	CHECK_STR(a, "w:中国@0 w:农业@2 w:发展@4 w:银行@6");
	CHECK_STR(b, "w:中国@0 w:农业@2 w:发展@4 w:银行@6");
	free(a);
	free(b);
	a = tokens("科技部關于第三批國家專業化眾創空間", GW_AN_ALL, 0, GW_T_WORD);
	CHECK(strstr(a, "w:科技@0") != NULL);
	CHECK(strstr(a, "w:国家@8") != NULL);
	CHECK(strstr(a, "w:空间@15") != NULL);
	free(a);
}

static void test_document_numbers(void)
{
	const char *want = "c:国@0 b:国科@0 c:科@1 b:科发@1 c:发@2 b:发区@2 c:区@3 t:2020@4 t:73@5 c:号@6";

	check_tokens("國科發區〔2020〕73號", GW_AN_BIGRAMS, want);
	check_tokens("国科发区[2020]73号", GW_AN_BIGRAMS, want);
	check_tokens("国科发区（2020）73号", GW_AN_BIGRAMS, want);
	check_tokens("国科发区【2020】73号", GW_AN_BIGRAMS, want);
	check_same_terms("國科發區〔2020〕73號", "国科发区[2020]73号");
	check_same_terms("國科發區〔2020〕73號", "国科发区（2020）73号");
}

static void test_width_and_case(void)
{
	check_tokens("ＡＢＣ１２３", GW_AN_ALL, "t:abc123@0");
	check_tokens("abc123", GW_AN_ALL, "t:abc123@0");
	check_same_terms("ＡＢＣ１２３", "abc123");
	check_same_terms("２０２０年", "2020年");
	check_tokens("ÉCOLE Straße", GW_AN_ALL, "t:école@0 t:strasse@1 s:strass@1");
}

static void test_fold_per_code_point(void)
{
	/* The table is per code point: 螢 folds to 萤 also inside 螢幕, so a
	 * query for 萤 finds it (ICU's context rules would give 荧幕). */
	check_tokens("螢幕", GW_AN_BIGRAMS, "c:萤@0 b:萤幕@0 c:幕@1");
	check_tokens("萤", GW_AN_BIGRAMS, "c:萤@0");
	check_tokens("眾創空間", GW_AN_BIGRAMS, "c:众@0 b:众创@0 c:创@1 b:创空@1 c:空@2 b:空间@2 c:间@3");
}

static void test_stems(void)
{
	check_tokens("files file", GW_AN_ALL, "t:files@0 s:file@0 t:file@1");
	check_tokens("Running servers", GW_AN_ALL, "t:running@0 s:run@0 t:servers@1 s:server@1");
	/* Without GW_AN_STEMS only the words. */
	check_tokens("files", GW_AN_BIGRAMS, "t:files@0");
	/* Digits and mixed words are not stemmed. */
	check_tokens("mp3s 12306", GW_AN_ALL, "t:mp3s@0 t:12306@1");
}

/* The analyzer remembers recent stems: the stems of thousands of words, in
 * two rounds (the second mostly from memory, some evicted by words with the
 * same hash), and of words too long to remember, are Snowball's own. */
static void test_stems_remembered(void)
{
	static const char *root[] = {"connect", "nation", "file", "run", "happy", "generous", "argu",
	                             "relate", "cycl", "organ", "internationaliz", "counterrevolution"};
	static const char *suffix[] = {"", "s", "ing", "ed", "ation", "ational", "izations", "fulness",
	                               "ies", "ly", "er", "ement", "ization", "iveness", "arianisms"};
	struct sb_stemmer *ref = sb_stemmer_new("english", "UTF_8");
	unsigned bad = 0, checked = 0;

	CHECK(ref != NULL);
	for (int round = 0; ref && round < 2; round++) {
		for (unsigned r = 0; r < sizeof root / sizeof *root; r++)
			for (unsigned x = 0; x < sizeof suffix / sizeof *suffix; x++)
				for (unsigned v = 0; v < 20; v++) {
					char word[64], want[160];
					const sb_symbol *st;
					int n, sn;
					char *got;
					/* v > 0: a made-up variant, to fill the memory. */
					n = snprintf(word, sizeof word, "%s%s%.*s", root[r], suffix[x], (int)(v % 4),
					             "zqxj" + v / 5 % 2);
					if (v && v % 4 == 0)
						n = snprintf(word, sizeof word, "%s%c%s", root[r], 'a' + v, suffix[x]);
					st = sb_stemmer_stem(ref, (const sb_symbol *)word, n);
					sn = sb_stemmer_length(ref);
					if (sn == n && memcmp(st, word, (size_t)n) == 0)
						snprintf(want, sizeof want, "t:%s@0", word);
					else
						snprintf(want, sizeof want, "t:%s@0 s:%.*s@0", word, sn, (const char *)st);
					got = tokens(word, GW_AN_ALL, 0, 0);
					if (strcmp(got, want) != 0 && bad++ < 3)
						fprintf(stderr, "  got '%s' want '%s'\n", got, want);
					checked++;
					free(got);
				}
	}
	CHECK(bad == 0);
	CHECK(checked == 2 * 12 * 15 * 20);
	sb_stemmer_delete(ref);
}

/* The analyzer remembers the word breaks of recent short runs: runs
 * analyzed again (from memory), runs that push each other out of it, and
 * runs too long to remember give the words a fresh analyzer gives. */
static void test_words_remembered(void)
{
	static const char *han[] = {"中", "华", "人", "民", "共", "和", "国", "科", "技", "部", "关", "于",
	                            "第", "三", "批", "家", "专", "业", "化", "众", "创", "空", "间", "备"};
	enum { NRUNS = 1500 };
	char **runs = calloc(NRUNS, sizeof *runs), **want = calloc(NRUNS, sizeof *want);
	unsigned seed = 7, bad = 0;
	gw_err err;

	gw_err_clear(&err);
	CHECK(runs && want);
	for (int i = 0; runs && want && i < NRUNS; i++) {
		gw_buf b = GW_BUF_INIT;
		gw_analyzer *fresh = NULL;
		int len = 2 + (int)(seed % 40); /* past BREAK_RUN (24) too */
		for (int k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			gw_buf_puts(&b, han[(seed >> 16) % 24]);
		}
		seed = seed * 1103515245u + 12345u;
		gw_buf_putc(&b, 0);
		runs[i] = (char *)b.p;
		/* The reference: an analyzer that has seen nothing else. */
		if (gw_analyzer_new(&fresh, &err) == GW_OK) {
			gw_analyzer *keep = an;
			an = fresh;
			want[i] = tokens(runs[i], GW_AN_ALL, 0, GW_T_WORD);
			an = keep;
			gw_analyzer_free(fresh);
		}
	}
	for (int round = 0; round < 2 && runs && want; round++)
		for (int i = 0; i < NRUNS; i++) {
			char *got = tokens(runs[i], GW_AN_ALL, 0, GW_T_WORD);
			if (!want[i] || strcmp(got, want[i]) != 0) {
				if (bad++ < 3)
					fprintf(stderr, "  %s: got '%s' want '%s'\n", runs[i], got, want[i] ? want[i] : "?");
			}
			free(got);
		}
	CHECK(bad == 0);
	for (int i = 0; runs && want && i < NRUNS; i++) {
		free(runs[i]);
		free(want[i]);
	}
	free(runs);
	free(want);
}

static void test_mixed_scripts(void)
{
	check_tokens("重跑gen-itgc后", GW_AN_BIGRAMS, "c:重@0 b:重跑@0 c:跑@1 t:gen@2 t:itgc@3 c:后@4");
	check_tokens("铁路12306", GW_AN_BIGRAMS, "c:铁@0 b:铁路@0 c:路@1 t:12306@2");
	check_tokens("CONFIG_FILTER", GW_AN_BIGRAMS, "t:config_filter@0");
}

static void test_punctuation_separates(void)
{
	/* No bigram across punctuation or space; positions stay consecutive. */
	check_tokens("名，输 入", GW_AN_BIGRAMS, "c:名@0 c:输@1 c:入@2");
	check_tokens("。，、；：？！…—·《》「」", GW_AN_ALL, "");
	check_tokens("", GW_AN_ALL, "");
}

static void test_offsets(void)
{
	char *got = tokens("螢幕 ＡＢ x", GW_AN_BIGRAMS, 1, 0);

	/* Offsets point into the original (Traditional, full-width) bytes. */
	CHECK_STR(got, "c:萤@0[0,3] b:萤幕@0[0,6] c:幕@1[3,6] t:ab@2[7,13] t:x@3[14,15]");
	free(got);
}

static void test_invalid_utf8(void)
{
	/* A bad byte reads as U+FFFD, a separator; the rest is analyzed. */
	check_tokens("ab\xff" "cd", GW_AN_ALL, "t:ab@0 t:cd@1");
	check_tokens("\xe4\xb8" "中文", GW_AN_BIGRAMS, "c:中@0 b:中文@0 c:文@1");
}

static void test_positions_continue(void)
{
	render r = {GW_BUF_INIT, 0, 0};
	gw_err err;
	uint32_t next = 0;

	gw_err_clear(&err);
	CHECK(gw_analyze(an, "a 中文", 8, 100, GW_AN_BIGRAMS, on_tok, &r, &next, &err) == GW_OK);
	CHECK(next == 103);
	gw_buf_putc(&r.out, 0);
	CHECK_STR((char *)r.out.p, "t:a@100 c:中@101 b:中文@101 c:文@102");
	gw_buf_free(&r.out);
}

static void test_fold_function(void)
{
	gw_buf out = GW_BUF_INIT;
	gw_err err;

	gw_err_clear(&err);
	CHECK(gw_analyzer_fold(an, "依托主體 ＡＢ", strlen("依托主體 ＡＢ"), &out, &err) == GW_OK);
	gw_buf_putc(&out, 0);
	CHECK_STR((char *)out.p, "依托主体 ab");
	gw_buf_free(&out);
}

static void test_long_word_cut(void)
{
	char word[400], want[200];

	memset(word, 'x', 300);
	word[300] = 0;
	memset(want, 'x', GW_TERM_MAX);
	want[GW_TERM_MAX] = 0;
	{
		char *got = tokens(word, GW_AN_BIGRAMS, 0, 0);
		CHECK(strncmp(got, "t:", 2) == 0 && strncmp(got + 2, want, GW_TERM_MAX) == 0 &&
		      strcmp(got + 2 + GW_TERM_MAX, "@0") == 0);
		free(got);
	}
}

int main(void)
{
	gw_err err;

	gw_err_clear(&err);
	if (gw_analyzer_new(&an, &err)) {
		printf("FAIL analyzer_new: %s\n", err.msg);
		return 1;
	}
	RUN(test_title_both_scripts);
	RUN(test_inner_characters);
	RUN(test_icu_words_after_folding);
	RUN(test_document_numbers);
	RUN(test_width_and_case);
	RUN(test_fold_per_code_point);
	RUN(test_stems);
	RUN(test_stems_remembered);
	RUN(test_words_remembered);
	RUN(test_mixed_scripts);
	RUN(test_punctuation_separates);
	RUN(test_offsets);
	RUN(test_invalid_utf8);
	RUN(test_positions_continue);
	RUN(test_fold_function);
	RUN(test_long_word_cut);
	RUN(test_no_offsets);
	gw_analyzer_free(an);
	return TEST_EXIT();
}
