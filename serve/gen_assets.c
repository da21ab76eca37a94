/* gen_assets: build-time generator of gongwen-serve's embedded page.
 *
 *   gen_assets OUTPUT.c FILE...
 *
 * Not part of the server: the Makefile runs it on the files of serve/page/
 * and compiles its output ($(B)/gen/serve_assets.c), which defines the
 * gw_serve_assets table of serve/assets.h. Each FILE becomes a byte array
 * with its URL path ("/" for index.html, else "/" and the file's name), its
 * Content-Type (from the extension; an unknown one is an error) and an ETag:
 * the quoted hex of a 64-bit FNV-1a of the bytes, so a changed file gets a
 * new tag.
 *
 * Bytes are written as numbers, not string literals: C11 compilers need only
 * accept 4095 characters in a literal (-pedantic warns beyond). The output
 * is written to OUTPUT.c.tmp and renamed, so a failed run leaves no half
 * file for make to trust. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest asset accepted: the page is a few tens of KB; anything near
 * this is a mistake (a stray build product in serve/page/). */
#define ASSET_MAX_BYTES (4u << 20)
/* Longest file name kept as a URL path. */
#define ASSET_NAME_MAX 64

struct asset_type {
	const char *ext;
	const char *type;
};

static const struct asset_type asset_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
};

static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* The Content-Type of file name NAME, or NULL for an unknown extension. */
static const char *type_of(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof asset_types / sizeof asset_types[0]; i++) {
		size_t e = strlen(asset_types[i].ext);
		if (n > e && strcmp(name + n - e, asset_types[i].ext) == 0)
			return asset_types[i].type;
	}
	return NULL;
}

/* The file name part of PATH, checked to be safe inside a C string literal
 * and a URL: letters, digits, '.', '-', '_'. NULL if it is not. */
static const char *name_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *c;

	if (*name == '\0' || *name == '.' || strlen(name) > ASSET_NAME_MAX)
		return NULL;
	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
			return NULL;
	return name;
}

/* Reads all of PATH into *data (malloc'ed, *len bytes). On failure prints
 * a message naming the file and returns -1. */
static int read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (!f) {
		fprintf(stderr, "gen_assets: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;
		if (n == cap) {
			unsigned char *nb;
			if (cap >= ASSET_MAX_BYTES) {
				fprintf(stderr, "gen_assets: '%s': larger than %u bytes\n", path,
				        ASSET_MAX_BYTES);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "gen_assets: '%s': out of memory\n", path);
				goto out;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "gen_assets: cannot read '%s': %s\n", path, strerror(errno));
		goto out;
	}
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* Writes asset number I (the file PATH) as a byte array; fills the table
 * row's URL path, type and etag. */
static int write_asset(FILE *out, int i, const char *path, char *url, const char **type,
                       char *etag)
{
	unsigned char *data;
	size_t len, k;
	const char *name = name_of(path);

	if (!name) {
		fprintf(stderr, "gen_assets: '%s': a file name of letters, digits, '.', '-' "
		                "and '_' expected\n", path);
		return -1;
	}
	*type = type_of(name);
	if (!*type) {
		fprintf(stderr, "gen_assets: '%s': unknown file type (expected .html, .css, "
		                ".js, .svg, .png or .ico)\n", path);
		return -1;
	}
	if (read_file(path, &data, &len) < 0)
		return -1;
	snprintf(url, ASSET_NAME_MAX + 2, "/%s", strcmp(name, "index.html") == 0 ? "" : name);
	snprintf(etag, 24, "\\\"%016" PRIx64 "\\\"", fnv1a64(data, len));
	/* One NUL more than the file: an empty file still makes a valid array. */
	fprintf(out, "\n/* %s, %zu bytes */\nstatic const unsigned char asset_%d[%zu] = {", name,
	        len, i, len + 1);
	for (k = 0; k < len; k++)
		fprintf(out, "%s%u,", k % 20 ? "" : "\n\t", data[k]);
	fprintf(out, "%s0\n};\n", len % 20 ? "" : "\n\t");
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	char tmp[4096];
	FILE *out;
	int i, n = argc - 2, rc = 1;
	char(*url)[ASSET_NAME_MAX + 2];
	char(*etag)[24];
	const char **type;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_assets OUTPUT.c FILE...\n");
		return 2;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]) >= (int)sizeof tmp) {
		fprintf(stderr, "gen_assets: '%s': path too long\n", argv[1]);
		return 2;
	}
	url = calloc((size_t)n, sizeof *url);
	etag = calloc((size_t)n, sizeof *etag);
	type = calloc((size_t)n, sizeof *type);
	out = fopen(tmp, "w");
	if (!url || !etag || !type || !out) {
		fprintf(stderr, "gen_assets: cannot write '%s': %s\n", tmp, strerror(errno));
		goto done;
	}
	fprintf(out, "/* Generated by serve/gen_assets.c from serve/page/: do not edit. */\n"
	             "#include \"assets.h\"\n");
	for (i = 0; i < n; i++) {
		int j;
		if (write_asset(out, i, argv[i + 2], url[i], &type[i], etag[i]) < 0)
			goto done;
		for (j = 0; j < i; j++)
			if (strcmp(url[j], url[i]) == 0) {
				fprintf(stderr, "gen_assets: '%s': a second file for path %s\n",
				        argv[i + 2], url[i]);
				goto done;
			}
	}
	fprintf(out, "\nconst gw_asset gw_serve_assets[] = {\n");
	for (i = 0; i < n; i++)
		fprintf(out, "\t{\"%s\", \"%s\", asset_%d, sizeof asset_%d - 1, \"%s\"},\n", url[i],
		        type[i], i, i, etag[i]);
	fprintf(out, "};\nconst size_t gw_serve_nassets = %d;\n", n);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "gen_assets: cannot write '%s': %s\n", tmp, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (out && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "gen_assets: cannot write '%s': %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (rc == 0 && rename(tmp, argv[1]) != 0) {
		fprintf(stderr, "gen_assets: cannot rename '%s' to '%s': %s\n", tmp, argv[1],
		        strerror(errno));
		rc = 1;
	}
	if (rc != 0 && out)
		remove(tmp);
	free(url);
	free(etag);
	free(type);
	return rc;
}
