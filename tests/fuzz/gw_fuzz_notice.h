/* gw_fuzz_notice: checks a parsed gw_notice (notice/gw_notice.h) the way a
 * reader of it would walk it, for the harnesses of the plain-text and HTML
 * parsers: every part, caption, header name, cell and note is a
 * NUL-terminated string that can be read to its end, every row has ncols
 * cells, lines are not negative, and all of it is valid UTF-8 when the
 * input was (utf8: a part cut in the middle of a character). Then hands the notice to gw_input_notice
 * (read/gw_notice_docs.c) as the indexer does, with the checking sink. */
#ifndef GW_FUZZ_NOTICE_H
#define GW_FUZZ_NOTICE_H

#include "gw_fuzz_input.h"
#include "notice/gw_notice.h"

/* Touches the string s; checks it is valid UTF-8 if utf8; its length. */
static inline size_t gw_fuzz_str(const char *s, int utf8)
{
	size_t n = gw_fuzz_touch_str(s);

	GW_FUZZ_CHECK(!utf8 || gw_utf8_valid(s, n));
	return n;
}

static inline void gw_fuzz_check_table(const gw_table *t, int utf8)
{
	gw_fuzz_str(t->caption, utf8);
	GW_FUZZ_CHECK(t->ncols > 0 && t->header != NULL && t->line >= 0);
	for (size_t c = 0; c < t->ncols; c++)
		GW_FUZZ_CHECK(gw_fuzz_str(t->header[c], utf8) > 0);
	GW_FUZZ_CHECK(t->nrows == 0 || t->rows != NULL);
	for (size_t r = 0; r < t->nrows; r++) {
		GW_FUZZ_CHECK(t->rows[r].cells != NULL && t->rows[r].line >= 0);
		for (size_t c = 0; c < t->ncols; c++)
			gw_fuzz_str(t->rows[r].cells[c], utf8);
	}
}

static inline void gw_fuzz_check_notice(const gw_notice *n, int utf8)
{
	gw_input in;
	gw_fuzz_rec rec;

	for (int p = 0; p < GW_NP_COUNT; p++)
		if (n->part[p])
			gw_fuzz_str(n->part[p], utf8);
	GW_FUZZ_CHECK(n->ntables == 0 || n->tables != NULL);
	for (size_t t = 0; t < n->ntables; t++)
		gw_fuzz_check_table(&n->tables[t], utf8);
	GW_FUZZ_CHECK(n->nnotes == 0 || n->notes != NULL);
	for (size_t i = 0; i < n->nnotes; i++) {
		gw_fuzz_str(n->notes[i].msg, utf8);
		GW_FUZZ_CHECK(n->notes[i].line >= 0);
	}
	gw_fuzz_input_init(&in, &rec, utf8);
	gw_input_notice(&in, "fuzz.txt", n);
}

#endif
