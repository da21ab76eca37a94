/* gw_version: what a program's --version prints, one text for
 * gongwen-index, gongwen-search and gongwen-serve: the package version
 * (the file VERSION, which the Makefile passes in as GW_PACKAGE_VERSION),
 * the C API version (gongwen.h) and the versions of the index on disk
 * (the format, GW_FORMAT_VERSION, and the analyzer, GW_ANALYZER_VERSION).
 * README "Versions" says what each may change. */
#ifndef GW_VERSION_H
#define GW_VERSION_H

#include <stddef.h>

/* Writes the text for the program called prog into buf (at most size
 * bytes, NUL-terminated, ending in a newline):
 *
 *   gongwen-index 0.11.0
 *   C API 1.1 (libgongwen.so.1), index format 10, analyzer 2
 *
 * Returns the length the whole text needs, as snprintf does. */
int gw_version_text(char *buf, size_t size, const char *prog);

#endif
