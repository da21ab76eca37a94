/* gw_fuzz_input: a gw_input (read/gw_input.h) for the harnesses of the
 * readers. Its sink reads every byte of every document it is handed (so a
 * field that points outside its buffer shows under AddressSanitizer) and
 * checks what the readers promise: a non-empty id, fields with their bytes,
 * all of it valid UTF-8 when the input was (utf8 set: a reader that cuts a
 * character in two while trimming or splitting gives itself away);
 * its report callback reads every message and checks that it does not
 * carry raw control bytes from the input to a terminal (STYLE.md:
 * "messages quote input escaped"; text/gw_escape.h). Nothing is kept, so
 * there is nothing to free. */
#ifndef GW_FUZZ_INPUT_H
#define GW_FUZZ_INPUT_H

#include "read/gw_input.h"
#include "text/gw_utf8.h"

#ifndef GW_FUZZ_CHECK_MESSAGES
#define GW_FUZZ_CHECK_MESSAGES 1
#endif

typedef struct gw_fuzz_rec {
	size_t ndocs, nmsgs;
	int utf8; /* the input is valid UTF-8: so must the documents be */
} gw_fuzz_rec;

/* Touches s[0..n) and, if utf8, checks that it is valid UTF-8. */
static inline void gw_fuzz_text(const char *s, size_t n, int utf8)
{
	gw_fuzz_touch(s, n);
	GW_FUZZ_CHECK(!utf8 || gw_utf8_valid(s, n));
}

static inline gw_rc gw_fuzz_sink(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	gw_fuzz_rec *r = ctx;

	(void)err;
	GW_FUZZ_CHECK(doc != NULL && doc->id_len > 0);
	gw_fuzz_text(doc->id, doc->id_len, r->utf8);
	GW_FUZZ_CHECK(doc->nfields == 0 || doc->fields != NULL);
	for (size_t i = 0; i < doc->nfields; i++) {
		gw_fuzz_text(doc->fields[i].name, doc->fields[i].name_len, r->utf8);
		gw_fuzz_text(doc->fields[i].val, doc->fields[i].val_len, r->utf8);
	}
	gw_fuzz_touch_str(file);
	GW_FUZZ_CHECK(line >= 0);
	r->ndocs++;
	return GW_OK;
}

static inline void gw_fuzz_report(void *ctx, const char *file, long line, const char *msg)
{
	gw_fuzz_rec *r = ctx;
	size_t n = gw_fuzz_touch_str(msg);

	gw_fuzz_touch_str(file);
	GW_FUZZ_CHECK(line >= 0);
	for (size_t i = 0; i < n && GW_FUZZ_CHECK_MESSAGES; i++)
		GW_FUZZ_CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f);
	r->nmsgs++;
}

/* utf8: whether the input read is valid UTF-8 (see gw_fuzz_rec). */
static inline void gw_fuzz_input_init(gw_input *in, gw_fuzz_rec *r, int utf8)
{
	memset(r, 0, sizeof *r);
	r->utf8 = utf8;
	gw_input_init(in, gw_fuzz_sink, r, gw_fuzz_report, r);
}

#endif
