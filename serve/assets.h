/* assets.h: the files of gongwen-serve's page (serve/page/), embedded in the
 * binary so that the server reads no files at run time.
 *
 * The table is generated at build time by serve/gen_assets.c into
 * $(B)/gen/serve_assets.c; it lives as long as the program. */
#ifndef GW_SERVE_ASSETS_H
#define GW_SERVE_ASSETS_H

#include <stddef.h>

typedef struct gw_asset {
	const char *path;          /* the URL path: "/" for index.html, "/app.js", ... */
	const char *type;          /* the full Content-Type, with charset for text */
	const unsigned char *data; /* the file's bytes (followed by one NUL, not counted) */
	size_t len;                /* bytes in data */
	const char *etag;          /* a quoted hash of the bytes, for ETag / If-None-Match */
} gw_asset;

extern const gw_asset gw_serve_assets[];
extern const size_t gw_serve_nassets;

#endif
