/* gw_check: verifies that an index agrees with itself.
 *
 * Every stored document is analyzed again and its postings must be exactly
 * those in the index (same terms, docids, frequencies and positions: compared
 * as an order-independent checksum and count); every posting must belong to
 * a live document; chunks must be well formed (ascending docids, header
 * counts and last docid right); ids must map both ways; each document's lens
 * entry must repeat its record's script and field lengths, and no entry may
 * outlive its document; the counters in meta (ndocs, field lengths) must add
 * up. */
#ifndef GW_CHECK_H
#define GW_CHECK_H

#include <stdint.h>

#include "index/gw_index.h"

typedef struct gw_check_report {
	uint64_t docs;      /* stored documents */
	uint64_t postings;  /* (term, document) entries */
	uint64_t chunks;
	uint64_t problems;
	char first[400];    /* the first problem found, "" if none */
} gw_check_report;

/* Checks the last committed state. Returns GW_OK when the index is sound,
 * GW_EFORMAT (message: the first problem) when it is not, or another error
 * if it could not be read. rep may be NULL. */
gw_rc gw_index_check(gw_index *ix, gw_check_report *rep, gw_err *err);

#endif
