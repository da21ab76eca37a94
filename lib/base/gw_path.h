/* gw_path: file system paths both programs agree on: where the index lives
 * when no -i is given, and the one spelling of a path that becomes a
 * document id, so `corpus/`, `./corpus//` and `corpus/x.txt` name the same
 * notice the same way. */
#ifndef GW_PATH_H
#define GW_PATH_H

#include <stddef.h>

#include "base/gw_buf.h"

/* The default index directory, the first of:
 *   1. $GONGWEN_INDEX, if set and non-empty;
 *   2. $XDG_DATA_HOME/gongwen/index, if XDG_DATA_HOME is set to an absolute
 *      path (the XDG Base Directory spec says to ignore relative ones);
 *   3. $HOME/.local/share/gongwen/index, if HOME is set and non-empty.
 * The string is built in scratch (which is reset first) and NUL-terminated;
 * it lives until scratch is next changed or freed. Returns NULL when none of
 * the variables applies or scratch ran out of memory (scratch->oom says
 * which). Reads the environment; does not touch the file system. */
const char *gw_default_index_path(gw_buf *scratch);

/* Rewrites the NUL-terminated path in place: runs of '/' become one, then
 * leading "./" are removed ("././a//b" -> "a/b"). A path that would become
 * empty ("./") becomes ".". Other components (".." or "/./" in the middle)
 * are left alone: this is spelling, not resolution. Returns the new length. */
size_t gw_path_normalize(char *path);

#endif
