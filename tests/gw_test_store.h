/* gw_test_store: a fresh store for the tests of the tables under the
 * index (lens, norms). */
#ifndef GW_TEST_STORE_H
#define GW_TEST_STORE_H

#include "store/gw_store.h"
#include "gw_test.h"

/* A new store in the scratch directory (gw_t_scratch_make first; a fresh
 * subdirectory each call) with the fields names[0..] (NULL-ended)
 * interned as fids 1, 2, ..., and a write txn begun in *t. */
static inline gw_store *gw_t_fresh_store(const char *const *names, gw_txn **t, gw_fieldtab *ft)
{
	static int n;
	char path[300];
	gw_store *s = NULL;
	unsigned fid;
	gw_err err;

	gw_err_clear(&err);
	snprintf(path, sizeof path, "%s/s%d", gw_t_scratch(), n++);
	CHECK(gw_store_open(&s, path, GW_OPEN_CREATE, &err) == GW_OK);
	CHECK(s && gw_store_begin(s, 1, t, &err) == GW_OK);
	memset(ft, 0, sizeof *ft);
	for (unsigned i = 0; names[i]; i++)
		CHECK(gw_field_intern(*t, ft, names[i], strlen(names[i]), names[i], strlen(names[i]), &fid, &err) ==
		              GW_OK &&
		      fid == i + 1);
	return s;
}

#endif
