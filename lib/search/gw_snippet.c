/* gw_snippet: highlights and snippet windows (see gw_snippet.h). */
#include "search/gw_snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "index/gw_index_impl.h"

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
#define CONTEXT_BEFORE 24       /* code points shown before the first match */

/* What one position of the text holds. */
typedef struct hpos {
	int kind;                 /* GW_T_CHAR / GW_T_TERM, 0 if none */
	const char *tok, *bi, *st; /* terms (in terms buffer, NUL-terminated) */
	size_t tok_len, bi_len, st_len;
	size_t start, end;
} hpos;

typedef struct hl {
	hpos *p;
	size_t n, cap;
	gw_buf terms;
	int oom;
} hl;

void gw_ranges_free(gw_ranges *rs)
{
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

static int ranges_add(gw_ranges *rs, size_t s, size_t e)
{
	if (gw_array_grow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r, 16))
		return -1;
	rs->r[rs->n].start = s;
	rs->r[rs->n].end = e;
	rs->n++;
	return 0;
}

/* Term offsets are stored in the pointer slots as integers until the terms
 * buffer stops moving; fix_terms turns them into pointers. */
static int on_token(void *ctx, const gw_token *t)
{
	hl *h = ctx;
	hpos *p;
	size_t off;

	if (t->pos >= h->cap) {
		size_t cap = (t->pos + 1) * 2;
		hpos *np = realloc(h->p, cap * sizeof *np);
		if (!np) {
			h->oom = 1;
			return 1;
		}
		memset(np + h->cap, 0, (cap - h->cap) * sizeof *np);
		h->p = np;
		h->cap = cap;
	}
	if (t->pos + 1 > h->n)
		h->n = t->pos + 1;
	p = &h->p[t->pos];
	off = h->terms.len;
	gw_buf_append(&h->terms, t->term, t->len);
	gw_buf_putc(&h->terms, 0);
	if (t->kind == GW_T_BIGRAM) {
		p->bi = (const char *)(uintptr_t)(off + 1);
		p->bi_len = t->len;
	} else if (t->kind == GW_T_STEM) {
		p->st = (const char *)(uintptr_t)(off + 1);
		p->st_len = t->len;
	} else {
		p->kind = t->kind;
		p->tok = (const char *)(uintptr_t)(off + 1);
		p->tok_len = t->len;
		p->start = t->start_off;
		p->end = t->end_off;
	}
	return 0;
}

static const char *fix(const hl *h, const char *slot)
{
	return slot ? (const char *)h->terms.p + ((uintptr_t)slot - 1) : NULL;
}

static void fix_terms(hl *h)
{
	for (size_t i = 0; i < h->n; i++) {
		h->p[i].tok = fix(h, h->p[i].tok);
		h->p[i].bi = fix(h, h->p[i].bi);
		h->p[i].st = fix(h, h->p[i].st);
	}
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
	return a && an == bn && memcmp(a, b, an) == 0;
}

static int alt_at(const hl *h, const gw_query *q, const gw_qterm *t, size_t pos)
{
	const hpos *p;
	const char *s = gw_qterm_str(q, t);

	if (pos >= h->n)
		return 0;
	p = &h->p[pos];
	if (t->prefix)
		return p->kind == t->kind && p->tok && p->tok_len >= t->len && memcmp(p->tok, s, t->len) == 0;
	switch (t->kind) {
	case GW_T_BIGRAM: return same(p->bi, p->bi_len, s, t->len);
	case GW_T_STEM: return same(p->st, p->st_len, s, t->len);
	default: return p->kind == t->kind && same(p->tok, p->tok_len, s, t->len);
	}
}

static int part_at(const hl *h, const gw_query *q, const gw_qpart *part, size_t a)
{
	for (size_t i = 0; i < part->n; i++) {
		const gw_qelem *e = &q->el[part->first + i];
		int ok = 0;
		for (int k = 0; k < e->nalt && !ok; k++)
			ok = a + e->off >= e->alt[k].back && alt_at(h, q, &e->alt[k], a + e->off - e->alt[k].back);
		if (!ok)
			return 0;
	}
	return 1;
}

static int by_start(const void *a, const void *b)
{
	const gw_range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static void merge(gw_ranges *rs, size_t from)
{
	size_t out = from;

	if (rs->n - from < 2)
		return;
	qsort(rs->r + from, rs->n - from, sizeof *rs->r, by_start);
	for (size_t i = from; i < rs->n; i++) {
		if (out > from && rs->r[i].start <= rs->r[out - 1].end) {
			if (rs->r[i].end > rs->r[out - 1].end)
				rs->r[out - 1].end = rs->r[i].end;
		} else {
			rs->r[out++] = rs->r[i];
		}
	}
	rs->n = out;
}

gw_rc gw_highlight(gw_index *ix, const gw_query *q, const char *text, size_t len, gw_ranges *out,
                   gw_err *err)
{
	hl h;
	size_t from = out->n;
	gw_rc rc = GW_OK;

	memset(&h, 0, sizeof h);
	if (gw_analyze(ix->an, text, len, 0, GW_AN_BIGRAMS | GW_AN_STEMS, on_token, &h, NULL, err)) {
		rc = err->rc;
		goto done;
	}
	if (h.oom || !gw_buf_ok(&h.terms)) {
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		goto done;
	}
	fix_terms(&h);
	for (size_t pi = 0; pi < q->nparts && rc == GW_OK; pi++) {
		const gw_qpart *part = &q->parts[pi];
		if (part->negated || part->filter)
			continue;
		for (size_t a = 0; a + part->span <= h.n; a++) {
			size_t last = a + part->span - 1;
			if (!h.p[a].kind || !h.p[last].kind || !part_at(&h, q, part, a))
				continue;
			if (ranges_add(out, h.p[a].start, h.p[last].end)) {
				rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
				break;
			}
		}
	}
	if (rc == GW_OK)
		merge(out, from);
done:
	free(h.p);
	gw_buf_free(&h.terms);
	return rc;
}

void gw_snippet_free(gw_snippet *s)
{
	gw_buf_free(&s->text);
	gw_ranges_free(&s->matches);
	s->fid = 0;
}

/* 1 if the code point ending just before off ends a sentence or line. */
static int ends_sentence(const char *t, size_t off)
{
	static const char *const stops[] = {"\n", "\xE3\x80\x82" /* 。 */, "\xEF\xBC\x81" /* ！ */,
	                                    "\xEF\xBC\x9F" /* ？ */, "\xEF\xBC\x9B" /* ； */};

	for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
		size_t n = strlen(stops[i]);
		if (off >= n && memcmp(t + off - n, stops[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Byte offset of the code point n code points before off, or of the start
 * of its sentence or line, whichever is nearer. */
static size_t back_chars(const char *t, size_t off, size_t n)
{
	while (off > 0 && n > 0 && !ends_sentence(t, off)) {
		size_t p = off - 1;
		while (p > 0 && ((unsigned char)t[p] & 0xC0) == 0x80)
			p--;
		off = p;
		n--;
	}
	return off;
}

static size_t fwd_chars(const char *t, size_t len, size_t off, size_t n)
{
	while (off < len && n > 0) {
		off++;
		while (off < len && ((unsigned char)t[off] & 0xC0) == 0x80)
			off++;
		n--;
	}
	return off;
}

/* Where the window around the first of rs (or the start) begins and ends. */
static void window_span(const char *t, size_t len, const gw_ranges *rs, size_t max_chars, size_t *ws,
                        size_t *we)
{
	*ws = back_chars(t, rs->n ? rs->r[0].start : 0, CONTEXT_BEFORE);
	*we = fwd_chars(t, len, *ws, max_chars);
}

static gw_rc window(gw_snippet *s, const char *t, size_t len, const gw_ranges *rs, size_t max_chars,
                    gw_err *err)
{
	size_t first = rs->n ? rs->r[0].start : 0, ws, we, shift;

	window_span(t, len, rs, max_chars, &ws, &we);

	/* Skip leading white space of the window. */
	while (ws < first && (t[ws] == ' ' || t[ws] == '\n' || t[ws] == '\r' || t[ws] == '\t'))
		ws++;
	gw_buf_reset(&s->text);
	if (ws > 0)
		gw_buf_puts(&s->text, ELLIPSIS);
	shift = s->text.len;
	for (size_t i = ws; i < we; i++)
		gw_buf_putc(&s->text, (t[i] == '\n' || t[i] == '\r' || t[i] == '\t') ? ' ' : t[i]);
	if (we < len)
		gw_buf_puts(&s->text, ELLIPSIS);
	for (size_t i = 0; i < rs->n; i++) {
		size_t a = rs->r[i].start, b = rs->r[i].end;
		if (b <= ws || a >= we)
			continue;
		if (ranges_add(&s->matches, (a < ws ? ws : a) - ws + shift, (b > we ? we : b) - ws + shift))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	return gw_buf_ok(&s->text) ? GW_OK : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
}

#define PREFIX_BYTES 8192

/* Highlights field text t, but first only its start: a long document (a
 * man page of 100 kB) need not be analyzed whole when the snippet window
 * lies in its first lines. The cut is at a line break, which no token
 * crosses, so the ranges found before it are the same. */
static gw_rc highlight_field(gw_index *ix, const gw_query *q, const char *t, size_t len, size_t max_chars,
                             gw_ranges *rs, gw_err *err)
{
	size_t cut = len;
	const char *nl;

	if (len > 2 * PREFIX_BYTES && (nl = memchr(t + PREFIX_BYTES, '\n', len - PREFIX_BYTES)))
		cut = (size_t)(nl - t);
	rs->n = 0;
	if (gw_highlight(ix, q, t, cut, rs, err))
		return err->rc;
	/* Enough if the window, and a match that could start inside it,
	 * end well before the cut. */
	if (cut == len)
		return GW_OK;
	if (rs->n) {
		size_t ws, we;
		window_span(t, len, rs, max_chars, &ws, &we);
		if (we + 256 < cut)
			return GW_OK;
	}
	rs->n = 0;
	return gw_highlight(ix, q, t, len, rs, err);
}

gw_rc gw_snippet_make(gw_index *ix, const gw_query *q, const gw_record *rec, unsigned title_fid,
                      size_t max_chars, gw_snippet *out, gw_err *err)
{
	gw_ranges rs = {0};
	int pick = -1;
	gw_rc rc = GW_OK;

	gw_snippet_free(out);
	/* Fields other than the title first, the title last. */
	for (int pass = 0; pass < 2 && pick < 0 && rc == GW_OK; pass++)
		for (unsigned i = 0; i < rec->nf && pick < 0 && rc == GW_OK; i++) {
			if ((rec->fid[i] == title_fid) != (pass == 1))
				continue;
			rc = highlight_field(ix, q, rec->text[i], rec->text_len[i], max_chars, &rs, err);
			if (rc == GW_OK && rs.n)
				pick = (int)i;
		}
	if (rc == GW_OK && pick < 0) {
		/* No visible match (e.g. only the title matched and it is shown
		 * apart): show the start of the first non-title field. */
		rs.n = 0;
		for (unsigned i = 0; i < rec->nf && pick < 0; i++)
			if (rec->fid[i] != title_fid)
				pick = (int)i;
	}
	if (rc == GW_OK && pick >= 0) {
		out->fid = rec->fid[pick];
		rc = window(out, rec->text[pick], rec->text_len[pick], &rs, max_chars, err);
	}
	gw_ranges_free(&rs);
	return rc;
}
