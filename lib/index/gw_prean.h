/* gw_prean: analysis of a batch's documents on several threads ahead of
 * the single writer (gw_index.c).
 *
 * The writer hands over a window of documents; each worker thread, with an
 * analyzer of its own, analyzes whole documents (every field: folded name,
 * tokens grouped by term, length, script counts); the writer then consumes the
 * results in document order, so the index is the same whatever the number
 * of threads. While it consumes one window, the pool analyzes the next. */
#ifndef GW_PREAN_H
#define GW_PREAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/gw_buf.h"
#include "base/gw_err.h"
#include "store/gw_record.h"
#include "text/gw_toklist.h"

/* One field of a document, analyzed. */
typedef struct gw_prefield {
	gw_buf fold;       /* folded field name */
	gw_toklist toks;   /* tokens grouped by term (empty for stored-only fields) */
	uint32_t flen;
	uint32_t fcjk;      /* its CJK characters (gw_toklist_cjk) */
	int indexed;       /* 0 for '_' fields */
	gw_buf z;          /* the text packed for storage, unless packed is GW_PACK_RAW */
	int packed;        /* GW_PACK_* (gw_record.h) */
} gw_prefield;

typedef struct gw_predoc {
	gw_prefield *f;
	size_t nf, cap;
	size_t trad, simp;
	int todo;          /* set by the writer: analyze this one */
	/* Set by the writer when it hands the document over, and used when it
	 * adds it (gw_index.c), so that each is looked up and hashed once. */
	uint64_t hash;     /* content hash of the document */
	uint32_t stored;   /* docid stored under its id, 0 if none */
	int unchanged;     /* stored with the same content: nothing to do */
	/* The stored version a changed document replaces: removing it takes
	 * its terms, so the pool analyzes its text too, off the writer.
	 * Set up by gw_predoc_set_old; has_old 0 when there is none. */
	int has_old;
	gw_buf old_val;    /* a copy of its stored record */
	gw_buf old_unz;    /* its packed fields, unpacked */
	gw_record *old;    /* parsed from old_val */
	gw_toklist *old_toks; /* per field of old (empty if stored only) */
	unsigned char *old_indexed;
	size_t old_cap;
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

/* A pool of nthreads - 1 analysis threads, each with its own analyzer,
 * kept for a whole commit (the writer thread is the last one: it helps in
 * gw_prean_wait). So the writer can consume one window while the pool
 * analyzes the next. */
typedef struct gw_prean gw_prean;
gw_rc gw_prean_new(gw_prean **out, int nthreads, gw_err *err);
void gw_prean_free(gw_prean *p); /* NULL does nothing; no job may be running */
/* Starts analyzing docs[i] for every i with docs[i].todo, from the fields
 * in[i][0..nf[i]), and returns at once. The arrays must stay until
 * gw_prean_wait returns; one job at a time. Errors are left in docs[i].rc
 * / docs[i].err. */
void gw_prean_start(gw_prean *p, gw_predoc *docs, const gw_prein *const *in, const size_t *nf, size_t n);
/* The dictionary the texts of the next jobs are packed with (NULL:
 * none); no job may be running. */
void gw_prean_set_zdict(gw_prean *p, const gw_zdict *dict);
/* Analyzes what is left of the job in the calling thread (with an, a
 * gw_analyzer *) and returns when all of it is done. */
void gw_prean_wait(gw_prean *p, void *an);
void gw_predoc_free(gw_predoc *d);
/* Gives d the stored record val[0..len) it replaces (copied; its texts
 * unpacked with u), with indexed[i] telling which of its fields are
 * indexed; the pool then
 * analyzes those too. -1 (and has_old 0) if it cannot be read or there is
 * no memory: the writer then analyzes it itself. */
int gw_predoc_set_old(gw_predoc *d, const void *val, size_t len, gw_unpacker *u,
                      int (*indexed)(void *ctx, unsigned fid), void *ctx);
/* Frees the token lists that grew past max_tokens (one huge document would
 * otherwise keep its slot's memory for the rest of the batch). */
void gw_predoc_trim(gw_predoc *d, size_t max_tokens);

#endif
