/* wordbreak_bench: single-thread throughput of gongwen's analyzer beside
 * ICU's word breaker on the same text (the issue asks for >= 85% of it).
 *
 * usage: wordbreak_bench [-p PASSES] [-m KEY,...] [-t] FILE.jsonl
 *
 * The texts are what gongwen-index analyzes for a JSON Lines file: every
 * string member except "id" and names starting with '_', parsed with
 * gw_json and repaired with gw_utf8_sanitize like gw_index_put() does. All
 * of them are loaded first, so no I/O is timed; each method then runs PASSES
 * times over all texts (CLOCK_MONOTONIC) and the best pass counts. MB/s is
 * 10^6 bytes of UTF-8 field text per second, by the wall clock and by the
 * thread's CPU time (which a busy neighbour on a shared machine disturbs
 * less). -t prints "key<TAB>MB/s<TAB>cpu MB/s<TAB>count" lines for scripts
 * (tests/wordbreak_bench.sh) instead of a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "text/gw_analyzer.h"
#include "read/gw_json.h"
#include "text/gw_toklist.h"
#include "text/gw_utf8.h"

typedef struct text {
	size_t off, len;
} text;

typedef struct corpus {
	gw_buf bytes;    /* every text, back to back */
	text *t;
	size_t n, cap;
	size_t ndocs;
	size_t maxlen;
} corpus;

/* Reusable state of the methods; allocated outside the timed loops. */
typedef struct bench {
	const corpus *c;
	UChar *u16, *nf;  /* UTF-16 of one text; its NFKC_Casefold */
	int32_t u16_cap, nf_cap;
	UBreakIterator *brk;
	const UNormalizer2 *nfkc_cf;
	gw_analyzer *an;
	gw_toklist toks;
	gw_buf fold;
} bench;

typedef size_t (*method_fn)(bench *b, const char *s, size_t len);

typedef struct method {
	const char *key;
	const char *what;
	method_fn fn;
	double wall, cpu; /* best pass, seconds */
	size_t count;     /* boundaries or tokens of one pass, so no work is elided */
	int on;
} method;

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "wordbreak_bench: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static int add_text(corpus *c, const char *s, size_t len)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4096;
		text *t = realloc(c->t, cap * sizeof *t);
		if (!t)
			return -1;
		c->t = t;
		c->cap = cap;
	}
	c->t[c->n].off = c->bytes.len;
	gw_utf8_sanitize(&c->bytes, s, len, NULL);
	c->t[c->n].len = c->bytes.len - c->t[c->n].off;
	if (c->t[c->n].len > c->maxlen)
		c->maxlen = c->t[c->n].len;
	c->n++;
	return gw_buf_ok(&c->bytes) ? 0 : -1;
}

/* The indexed fields of each line, as gw_jsonl.c + gw_prean.c pick them. */
static void load(corpus *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	gw_json_obj obj;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	if (!fp)
		die("cannot open", path);
	gw_json_obj_init(&obj);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		const char *p = line;
		size_t len = (size_t)n;
		int has_id = 0;

		if (++lineno == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3, len -= 3;
		if (gw_json_parse_object(&obj, p, len, NULL) != GW_OK)
			continue; /* blank or bad lines: the indexer skips them too */
		for (size_t i = 0; i < obj.n; i++)
			if (obj.m[i].key_len == 2 && memcmp(obj.m[i].key, "id", 2) == 0)
				has_id = 1;
		if (!has_id)
			continue;
		c->ndocs++;
		for (size_t i = 0; i < obj.n; i++) {
			const gw_json_member *m = &obj.m[i];
			if (m->type != GW_JSON_STRING || (m->key_len == 2 && memcmp(m->key, "id", 2) == 0) ||
			    (m->key_len && m->key[0] == '_'))
				continue;
			if (add_text(c, m->val, m->val_len))
				die("out of memory", NULL);
		}
	}
	free(line);
	gw_json_obj_free(&obj);
	fclose(fp);
}

/* UTF-8 -> b->u16; returns its length in UTF-16 units. */
static int32_t to_u16(bench *b, const char *s, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0;

	u_strFromUTF8(b->u16, b->u16_cap, &n, s, (int32_t)len, &st);
	if (U_FAILURE(st))
		die("u_strFromUTF8 failed", u_errorName(st));
	return n;
}

static size_t iterate(bench *b, const UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	size_t k = 0;

	ubrk_setText(b->brk, u, n, &st);
	if (U_FAILURE(st))
		die("ubrk_setText failed", u_errorName(st));
	while (ubrk_next(b->brk) != UBRK_DONE)
		k++;
	return k;
}

/* NFKC_Casefold of u16 into b->nf, grown on overflow (rare: only some
 * compatibility characters expand). */
static int32_t normalize(bench *b, int32_t n)
{
	for (;;) {
		UErrorCode st = U_ZERO_ERROR;
		int32_t m = unorm2_normalize(b->nfkc_cf, b->u16, n, b->nf, b->nf_cap, &st);
		if (st == U_BUFFER_OVERFLOW_ERROR) {
			free(b->nf);
			b->nf_cap = m + 64;
			if (!(b->nf = malloc((size_t)b->nf_cap * sizeof *b->nf)))
				die("out of memory", NULL);
			continue;
		}
		if (U_FAILURE(st))
			die("unorm2_normalize failed", u_errorName(st));
		return m;
	}
}

static size_t m_icu_wb(bench *b, const char *s, size_t len)
{
	return iterate(b, b->u16, to_u16(b, s, len));
}

static size_t m_icu_nfkc(bench *b, const char *s, size_t len)
{
	return (size_t)normalize(b, to_u16(b, s, len));
}

static size_t m_icu_nfkc_wb(bench *b, const char *s, size_t len)
{
	int32_t n = normalize(b, to_u16(b, s, len));

	return iterate(b, b->nf, n);
}

static int count_tok(void *ctx, const gw_token *t)
{
	(void)t;
	++*(size_t *)ctx;
	return 0;
}

static size_t analyze(bench *b, const char *s, size_t len, int flags)
{
	size_t k = 0;
	gw_err err;

	gw_err_clear(&err);
	if (gw_analyze(b->an, s, len, 0, flags, count_tok, &k, NULL, &err))
		die("gw_analyze failed", err.msg);
	return k;
}

static size_t m_gw_an_null(bench *b, const char *s, size_t len)
{
	return analyze(b, s, len, GW_AN_ALL);
}

static size_t m_gw_an_nowords(bench *b, const char *s, size_t len)
{
	return analyze(b, s, len, GW_AN_BIGRAMS | GW_AN_STEMS);
}

static size_t m_gw_an_min(bench *b, const char *s, size_t len)
{
	return analyze(b, s, len, 0);
}

static size_t m_gw_fold(bench *b, const char *s, size_t len)
{
	gw_err err;

	gw_err_clear(&err);
	gw_buf_reset(&b->fold);
	if (gw_analyzer_fold(b->an, s, len, &b->fold, &err))
		die("gw_analyzer_fold failed", err.msg);
	return b->fold.len;
}

/* The indexer's call (gw_index.c, gw_prean.c): analysis into a list of
 * tokens grouped by term. */
static size_t m_gw_an(bench *b, const char *s, size_t len)
{
	gw_err err;

	gw_err_clear(&err);
	if (gw_toklist_analyze(&b->toks, b->an, s, len, NULL, &err))
		die("gw_toklist_analyze failed", err.msg);
	return b->toks.n;
}

static double now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One pass of m over every text; keeps m's best wall and CPU times. A
 * gongwen method gets a fresh analyzer, as a build does: what its memos
 * learnt in an earlier pass (or method) would flatter it. */
static void pass(bench *b, method *m)
{
	const corpus *c = b->c;
	size_t count = 0;
	double t0, c0, dt, dc;
	gw_err err;

	if (strncmp(m->key, "gw-", 3) == 0) {
		gw_analyzer_free(b->an);
		gw_err_clear(&err);
		if (gw_analyzer_new(&b->an, &err))
			die("gw_analyzer_new failed", err.msg);
	}
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_THREAD_CPUTIME_ID);

	for (size_t i = 0; i < c->n; i++)
		count += m->fn(b, (const char *)c->bytes.p + c->t[i].off, c->t[i].len);
	dt = now(CLOCK_MONOTONIC) - t0;
	dc = now(CLOCK_THREAD_CPUTIME_ID) - c0;
	if (!m->wall || dt < m->wall)
		m->wall = dt;
	if (!m->cpu || dc < m->cpu)
		m->cpu = dc;
	m->count = count;
}

static method methods[] = {
	{.key = "icu-wb", .what = "ICU word break: u_strFromUTF8 + UBRK_WORD \"zh\"", .fn = m_icu_wb},
	{.key = "icu-nfkc", .what = "ICU u_strFromUTF8 + NFKC_Casefold only", .fn = m_icu_nfkc},
	{.key = "icu-nfkc-wb", .what = "ICU NFKC_Casefold + word break", .fn = m_icu_nfkc_wb},
	{.key = "gw-an", .what = "gw_toklist_analyze (indexer's call)", .fn = m_gw_an},
	{.key = "gw-an-null", .what = "gw_analyze(ALL), counting sink", .fn = m_gw_an_null},
	{.key = "gw-an-nowords", .what = "gw_analyze(BIGRAMS|STEMS), no ICU words", .fn = m_gw_an_nowords},
	{.key = "gw-an-min", .what = "gw_analyze(0): fold + CHAR/TERM only", .fn = m_gw_an_min},
	{.key = "gw-fold", .what = "gw_analyzer_fold: NFKC_CF + T2S + UTF-8", .fn = m_gw_fold},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

static void select_methods(const char *list)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		die("out of memory", NULL);
	for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < NMETHODS && strcmp(methods[i].key, k) != 0; i++)
			;
		if (i == NMETHODS)
			die("unknown method", k);
		methods[i].on = 1;
	}
	free(copy);
}

static void setup(bench *b, const corpus *c)
{
	UErrorCode st = U_ZERO_ERROR;
	gw_err err;

	memset(b, 0, sizeof *b);
	b->c = c;
	/* UTF-16 never needs more units than UTF-8 has bytes. */
	b->u16_cap = (int32_t)c->maxlen + 1;
	b->nf_cap = 2 * b->u16_cap;
	b->u16 = malloc((size_t)b->u16_cap * sizeof *b->u16);
	b->nf = malloc((size_t)b->nf_cap * sizeof *b->nf);
	if (!b->u16 || !b->nf)
		die("out of memory", NULL);
	/* "zh" as the analyzer opens it (lib/text/gw_analyzer.c run_words). */
	b->brk = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
	if (U_FAILURE(st))
		die("ubrk_open failed", u_errorName(st));
	b->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	if (U_FAILURE(st))
		die("unorm2_getNFKCCasefoldInstance failed", u_errorName(st));
	gw_err_clear(&err);
	if (gw_analyzer_new(&b->an, &err))
		die("gw_analyzer_new failed", err.msg);
}

int main(int argc, char **argv)
{
	corpus c = {GW_BUF_INIT, NULL, 0, 0, 0, 0};
	bench b;
	int passes = 3, tsv = 0, any = 0, i;
	double base = 0, cbase = 0, mb;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			passes = atoi(argv[++i]);
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			select_methods(argv[++i]);
		else if (strcmp(argv[i], "-t") == 0)
			tsv = 1;
		else
			break;
	}
	if (i + 1 != argc || passes < 1)
		die("usage: wordbreak_bench [-p PASSES] [-m KEY,...] [-t] FILE.jsonl", NULL);
	load(&c, argv[i]);
	if (c.n == 0)
		die("no field text in", argv[i]);
	setup(&b, &c);
	for (int k = 0; k < NMETHODS; k++)
		any |= methods[k].on;
	/* Warm up: the CJK dictionary and the analyzer's class pages load
	 * on first use; that is start-up, not throughput. */
	m_icu_wb(&b, (const char *)c.bytes.p + c.t[0].off, c.t[0].len);
	m_gw_an(&b, "中文字符 text", strlen("中文字符 text"));
	/* Passes interleave the methods, so that a neighbour's load on a
	 * shared machine hits them alike and their ratios stay fair. */
	for (int p = 0; p < passes; p++)
		for (int k = 0; k < NMETHODS; k++)
			if (!any || methods[k].on)
				pass(&b, &methods[k]);
	for (int k = 0; k < NMETHODS; k++)
		if (!strcmp(methods[k].key, "icu-wb") && (!any || methods[k].on))
			base = methods[k].wall, cbase = methods[k].cpu;
	mb = (double)c.bytes.len / 1e6;
	if (!tsv) {
		printf("%s: %zu docs, %zu field texts, %.2f MB of field text; best of %d passes, 1 thread\n",
		       argv[i], c.ndocs, c.n, mb, passes);
		printf("%-14s %-52s %8s %6s %8s %6s %10s\n", "key", "method", "MB/s", "ratio", "cpu MB/s",
		       "ratio", "count");
	} else {
		printf("bytes\t%zu\t%zu\n", c.bytes.len, c.n);
	}
	for (int k = 0; k < NMETHODS; k++) {
		const method *m = &methods[k];
		if (any && !m->on)
			continue;
		if (tsv)
			printf("%s\t%.3f\t%.3f\t%zu\n", m->key, mb / m->wall, mb / m->cpu, m->count);
		else
			/* Ratio of throughputs = inverse ratio of times; 0 without icu-wb. */
			printf("%-14s %-52s %8.2f %6.3f %8.2f %6.3f %10zu\n", m->key, m->what, mb / m->wall,
			       base / m->wall, mb / m->cpu, cbase / m->cpu, m->count);
	}
	gw_analyzer_free(b.an);
	gw_toklist_free(&b.toks);
	gw_buf_free(&b.fold);
	ubrk_close(b.brk);
	free(b.u16);
	free(b.nf);
	free(c.t);
	gw_buf_free(&c.bytes);
	return 0;
}
