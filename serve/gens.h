/* gens: the index the server answers from, followed across commits and
 * swaps (gens.c explains how). */
#ifndef GW_SERVE_GENS_H
#define GW_SERVE_GENS_H

#include "base/gw_err.h"
#include "index/gw_index.h"

/* Opens the index at path as the first generation. */
gw_rc gw_gens_open(const char *path, gw_err *err);
/* The index path given to gw_gens_open. */
const char *gw_gens_path(void);
/* Opens a new generation if another index was swapped in at the path:
 * 1 if it did, 0 if nothing changed, -1 if the new index cannot be opened
 * (err says why; the old one stays current). Called now and then. */
int gw_gens_check(gw_err *err);
/* Checks every page of the current generation's last commit once
 * (gw_search_trust), if not yet done; GW_ECORRUPT if damaged (its
 * searches stay guarded). Called now and then. */
gw_rc gw_gens_trust(gw_err *err);
/* gw_index_reader_check on the current generation. */
gw_rc gw_gens_reader_check(int *dead, gw_err *err);
/* The calling thread's view of the current generation, opened or moved on
 * first use; NULL (err set) if none can be made. Valid until the thread's
 * next call or its end. */
gw_index *gw_gens_view(gw_err *err);
/* Closes the calling thread's view and the current generation (after the
 * worker threads have ended). */
void gw_gens_close(void);

#endif
