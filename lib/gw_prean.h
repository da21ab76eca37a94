/* gw_prean: analysis of a batch's documents on several threads ahead of
 * the single writer (gw_index.c).
 *
 * The writer hands over a window of documents; each worker thread, with an
 * analyzer of its own, analyzes whole documents (every field: folded name,
 * sorted tokens, length, script counts); the writer then consumes the
 * results in document order, so the index is the same whatever the number
 * of threads. */
#ifndef GW_PREAN_H
#define GW_PREAN_H

#include <stddef.h>
#include <stdint.h>

#include "gw_accum.h"
#include "gw_buf.h"
#include "gw_err.h"

/* One field of a document, analyzed. */
typedef struct gw_prefield {
	gw_buf fold;       /* folded field name */
	gw_toklist toks;   /* sorted tokens (empty for stored-only fields) */
	uint32_t flen;
	int indexed;       /* 0 for '_' fields */
} gw_prefield;

typedef struct gw_predoc {
	gw_prefield *f;
	size_t nf, cap;
	size_t trad, simp;
	int todo;          /* set by the writer: analyze this one */
	gw_rc rc;
	gw_err err;
} gw_predoc;

/* A field to analyze: name and text (borrowed). */
typedef struct gw_prein {
	const char *name;
	size_t name_len;
	const char *text;
	size_t text_len;
} gw_prein;

/* Fills docs[i] for every i with docs[i].todo, from the fields in[i][0..nf[i]),
 * on up to nthreads threads (1: in the calling thread with an). Errors are
 * left in docs[i].rc / docs[i].err. Returns GW_ENOMEM or GW_EICU if the
 * workers could not be set up. */
gw_rc gw_prean_run(gw_predoc *docs, const gw_prein *const *in, const size_t *nf, size_t n,
                   int nthreads, void *an, gw_err *err);
void gw_predoc_free(gw_predoc *d);

#endif
