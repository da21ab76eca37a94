/* gw_version: the --version text of the programs (gw_version.h). */
#include "out/gw_version.h"

#include <stdio.h>

#include "gongwen.h"
#include "store/gw_store.h"
#include "text/gw_analyzer.h"

/* One home for the package version: the file VERSION, read by the
 * Makefile. A build without it would print a made-up version. */
#ifndef GW_PACKAGE_VERSION
#error "GW_PACKAGE_VERSION is not defined: build with the Makefile (it reads the file VERSION)"
#endif

int gw_version_text(char *buf, size_t size, const char *prog)
{
	return snprintf(buf, size, "%s %s\nC API %d.%d (libgongwen.so.%d), index format %d, analyzer %d\n",
	                prog, GW_PACKAGE_VERSION, GONGWEN_API_MAJOR, GONGWEN_API_MINOR,
	                GONGWEN_API_MAJOR, GW_FORMAT_VERSION, GW_ANALYZER_VERSION);
}
