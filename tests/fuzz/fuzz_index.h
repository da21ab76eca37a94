/* fuzz_index: the small fixed index the harnesses that search build once
 * (fuzz_query, fuzz_serve): in a directory of its own under $TMPDIR,
 * removed at exit, from a few documents of corpus/ in both scripts: two
 * .txt notices (Traditional, Simplified), the HTML notice (with its table,
 * which gives records) and the JSON Lines records; then reopened read
 * only, as the programs open it. Included by one harness each (statics). */
#ifndef GW_FUZZ_INDEX_H
#define GW_FUZZ_INDEX_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/gw_index.h"
#include "read/gw_input.h"

static gw_index *ix;
static char dir[256];  /* the scratch directory, removed at exit */
static char ix_path[300]; /* the index in it */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void cleanup(void)
{
	gw_index_close(ix);
	ix = NULL;
	if (dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static gw_rc put(void *ctx, const gw_doc *doc, const char *file, long line, gw_err *err)
{
	(void)file;
	(void)line;
	return gw_index_put(ctx, doc, err);
}

static void quiet(void *ctx, const char *file, long line, const char *msg)
{
	(void)ctx;
	(void)file;
	(void)line;
	(void)msg;
}

/* corpus/NAME: from the top of the tree (where make and the fuzz runs
 * start), else next to this file's tree; NULL if neither opens. */
static FILE *corpus_file(const char *name)
{
	char path[1024];
	const char *src = __FILE__, *cut = strstr(src, "tests/fuzz/");
	FILE *fp;

	snprintf(path, sizeof path, "corpus/%s", name);
	if ((fp = fopen(path, "rb")) || !cut)
		return fp;
	snprintf(path, sizeof path, "%.*scorpus/%s", (int)(cut - src), src, name);
	return fopen(path, "rb");
}

/* Builds the index into ix, in a directory named after tag: 1 on success. */
static int build(const char *tag)
{
	static const char *const files[] = {"notice-2020-73.txt", "notice-sc-2021-15.txt",
	                                    "notice-html-2022.html", "records-extra.jsonl"};
	const char *tmp = getenv("TMPDIR");
	gw_batch_stats st;
	gw_input in;
	gw_err err;
	int ok;

	snprintf(dir, sizeof dir, "%s/gw-fuzz-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (!mkdtemp(dir)) {
		dir[0] = 0;
		return 0;
	}
	atexit(cleanup);
	snprintf(ix_path, sizeof ix_path, "%s/ix", dir);
	gw_err_clear(&err);
	if (gw_index_open(&ix, ix_path, GW_OPEN_CREATE, &err) || gw_index_begin(ix, &err))
		return 0;
	gw_input_init(&in, put, ix, quiet, NULL);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		FILE *fp = corpus_file(files[i]);
		if (!fp)
			return 0;
		if (strstr(files[i], ".txt"))
			gw_input_txt(&in, files[i], fp);
		else if (strstr(files[i], ".html"))
			gw_input_html(&in, files[i], fp);
		else
			gw_input_jsonl(&in, files[i], fp);
		fclose(fp);
	}
	ok = in.nrejected == 0 && in.ndocs >= 4 && gw_index_commit(ix, &st, &err) == GW_OK;
	gw_index_close(ix);
	ix = NULL;
	return ok && gw_index_open(&ix, ix_path, GW_OPEN_READ, &err) == GW_OK;
}

#endif
