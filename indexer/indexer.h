/* indexer: what the parts of gongwen-index share beyond the readers of
 * lib/read: the walk (walk.c) that turns command-line paths into calls of
 * the readers. */
#ifndef GW_INDEXER_H
#define GW_INDEXER_H

#include "read/gw_input.h"

/* Command-line paths. path is "-" (JSON Lines on stdin), a
 * directory (walked recursively in strcmp order of names; names starting
 * with '.' skipped, symbolic links to directories not followed, files other
 * than .txt, .html/.htm, .csv, .tsv, .jsonl and .pdf skipped silently), or such
 * a file (the extension in any case). Anything else, a path that cannot
 * be opened, or one with a known extension that is not a regular file (a
 * FIFO: never opened, so never waited on) is reported and rejected. File names are normalized with
 * gw_path_normalize before they are used as ids or in messages. */
void gw_input_path(gw_input *in, const char *path);

#endif
