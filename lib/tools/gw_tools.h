/* gw_tools: looking at an index as a whole, for gongwen-index's --stats,
 * --compact and --dump (the fourth tool, --check, is gw_check). Read only;
 * like the rest of lib/ they never print: results come back as structs or
 * text in a buffer for the caller to show. */
#ifndef GW_TOOLS_H
#define GW_TOOLS_H

#include <stdint.h>

#include "base/gw_buf.h"
#include "index/gw_index.h"
#include "store/gw_store.h"

typedef struct gw_index_stats {
	uint64_t format, analyzer;  /* versions stamped in meta */
	uint64_t docs;              /* stored documents */
	uint64_t notices, records, other; /* by the stored field "_type" */
	uint64_t with_source;       /* documents that have a "_source" */
	uint64_t fields;            /* field names known */
	uint64_t texts[3];          /* stored field texts by packing (GW_PACK_*) */
	uint64_t text_bytes;        /* their length unpacked */
	size_t zdict_bytes;         /* the texts' dictionary, 0 if none */
	uint64_t terms;             /* distinct (field, kind, term) keys */
	uint64_t postings;          /* (term, document) entries */
	uint64_t chunks;            /* postings chunks */
	uint64_t file_bytes;        /* size of data.mdb */
	uint64_t map_bytes, used_bytes;
	uint64_t free_bytes;        /* of used_bytes, free pages (reused by later writes) */
	gw_db_stat db[GW_STORE_NDBS];
} gw_index_stats;

/* Counts everything in st as of the last commit (reads every record and
 * every chunk header: proportional to the index size). */
gw_rc gw_index_stats_get(gw_index *ix, const char *path, gw_index_stats *st, gw_err *err);

/* Bytes of data.mdb in use and, of those, on LMDB's free list: what a
 * compacted copy would drop. Quick (reads the free list only). */
gw_rc gw_index_space(gw_index *ix, uint64_t *used_bytes, uint64_t *free_bytes, gw_err *err);

/* Writes a compacted copy of the index to the directory dest, which must
 * not exist or be empty (created if absent). GW_EINVAL if it is not empty. */
gw_rc gw_index_compact(gw_index *ix, const char *dest, gw_err *err);

/* Replaces the index at target, open for writing as ix, by a packed copy
 * of itself, built in the directory tmp (beside target, so that it can be
 * renamed into its place; removed on failure) and swapped in as
 * gw_index_swap_in does. A write txn holds the writer lock from the copy
 * to the swap, and marks the old index retired (gw_txn_retire): a
 * process that has it open and waits to write gets an error instead of
 * writing into the deleted file. Readers that have the old index open
 * keep reading it until they close it. On error the index is as it was.
 * ix then reads the old, deleted index: close it. */
gw_rc gw_index_compact_live(gw_index *ix, const char *target, const char *tmp, gw_err *err);

/* Appends to out a text description of the document with this id: its
 * stored fields ("field NAME (stored only|N tokens): TEXT", one a line,
 * TEXT with newlines shown as \n), then for every indexed field its terms,
 * one a line: "  KIND TERM @POS,POS,..." (KIND one of char, bigram, word,
 * term, stem), got by analyzing the stored text again as gw_check does.
 * GW_ENOTFOUND (message naming the id) if there is no such document. */
gw_rc gw_index_dump(gw_index *ix, const char *id, size_t id_len, gw_buf *out, gw_err *err);

/* Puts the index directory built (complete, closed by this process) in the
 * place of target in one atomic step (renameat2 RENAME_EXCHANGE when target
 * exists, rename otherwise), then deletes the old index, now at built. A
 * reader that has the old index open keeps reading it: its files stay
 * until it closes them. Errors: GW_EIO naming the path. */
gw_rc gw_index_swap_in(const char *built, const char *target, gw_err *err);
/* Deletes an index directory (its data.mdb and lock.mdb, then the
 * directory); a missing directory is fine. */
gw_rc gw_index_remove(const char *path, gw_err *err);

#endif
