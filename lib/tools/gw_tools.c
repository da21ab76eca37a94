/* gw_tools: index statistics, compacted copies and document dumps (see
 * gw_tools.h). */
#include "tools/gw_tools.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/gw_index_impl.h"
#include "store/gw_record.h"
#include "text/gw_toklist.h"

/* ---- --stats ---- */

typedef struct counter {
	gw_index_stats *st;
	unsigned type_fid, src_fid;
	unsigned char last[600]; /* term key of the previous chunk */
	size_t lastlen;
	int damaged;
} counter;

static int on_doc(void *ctx, uint32_t docid, const void *val, size_t len)
{
	counter *c = ctx;
	gw_record r;
	int k;

	(void)docid;
	c->st->docs++;
	if (gw_record_parse(val, len, &r, 1, NULL, NULL)) { /* _type is never packed */
		c->damaged = 1;
		return 1;
	}
	k = c->type_fid ? gw_record_field(&r, c->type_fid) : -1;
	if (k >= 0 && r.text_len[k] == 6 && memcmp(r.text[k], "notice", 6) == 0)
		c->st->notices++;
	else if (k >= 0 && r.text_len[k] == 6 && memcmp(r.text[k], "record", 6) == 0)
		c->st->records++;
	else
		c->st->other++;
	if (c->src_fid && gw_record_field(&r, c->src_fid) >= 0)
		c->st->with_source++;
	for (unsigned i = 0; i < r.nf; i++) {
		c->st->texts[r.packed[i]]++;
		c->st->text_bytes += r.raw_len[i];
	}
	return 0;
}

static int on_chunk(void *ctx, const void *key, size_t klen, const void *val, size_t vlen)
{
	counter *c = ctx;
	uint32_t ndocs, last;
	size_t tklen = klen >= 4 ? klen - 4 : 0;

	c->st->chunks++;
	if (klen >= 4 && gw_chunk_header(val, vlen, gw_be32_get((const unsigned char *)key + tklen), &ndocs,
	                                 &last) == 0)
		c->st->postings += ndocs;
	if (tklen > sizeof c->last || tklen != c->lastlen || memcmp(c->last, key, tklen) != 0) {
		c->st->terms++;
		c->lastlen = tklen <= sizeof c->last ? tklen : 0;
		memcpy(c->last, key, c->lastlen);
	}
	return 0;
}

gw_rc gw_index_stats_get(gw_index *ix, const char *path, gw_index_stats *st, gw_err *err)
{
	counter c;
	gw_fieldtab ft;
	gw_store_stat ss;
	gw_txn *t;
	const gw_zdict *z;
	struct stat fst;
	char file[4096];
	gw_rc rc;

	memset(st, 0, sizeof *st);
	memset(&c, 0, sizeof c);
	memset(&ft, 0, sizeof ft);
	c.st = st;
	if ((rc = gw_store_begin(ix->s, 0, &t, err)))
		return rc;
	if ((rc = gw_meta_get(t, "format", &st->format, err)) ||
	    (rc = gw_meta_get(t, "analyzer", &st->analyzer, err)) || (rc = gw_fields_load(t, &ft, err)) ||
	    (rc = gw_store_stat_get(t, &ss, err)) || (rc = gw_store_db_stats(t, st->db, err)))
		goto done;
	if ((rc = gw_txn_zdict(t, &z, err)))
		goto done;
	if (z)
		gw_zdict_bytes(z, &st->zdict_bytes);
	st->fields = ft.n;
	st->map_bytes = ss.map_size;
	st->used_bytes = ss.used_bytes;
	st->free_bytes = ss.free_bytes;
	c.type_fid = gw_field_find(&ft, "_type", 5);
	c.src_fid = gw_field_find(&ft, "_source", 7);
	if ((rc = gw_doc_each(t, on_doc, &c, err)) || (rc = gw_post_each(t, on_chunk, &c, err)))
		goto done;
	if (c.damaged)
		rc = gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs: damaged record (run --check)");
	snprintf(file, sizeof file, "%s/data.mdb", path);
	if (rc == GW_OK && stat(file, &fst) == 0)
		st->file_bytes = (uint64_t)fst.st_size;
done:
	gw_fieldtab_free(&ft);
	gw_txn_abort(t);
	return rc;
}

/* ---- --compact ---- */

/* 1 if dir holds anything but "." and "..". */
static int dir_has_entries(DIR *d)
{
	struct dirent *e;

	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			return 1;
	return 0;
}

gw_rc gw_index_space(gw_index *ix, uint64_t *used_bytes, uint64_t *free_bytes, gw_err *err)
{
	gw_store_stat ss;
	gw_txn *t;
	gw_rc rc;

	if ((rc = gw_store_begin(ix->s, 0, &t, err)))
		return rc;
	if ((rc = gw_store_stat_get(t, &ss, err)) == GW_OK) {
		*used_bytes = ss.used_bytes;
		*free_bytes = ss.free_bytes;
	}
	gw_txn_abort(t);
	return rc;
}

gw_rc gw_index_compact(gw_index *ix, const char *dest, gw_err *err)
{
	struct stat st;
	DIR *d;

	if (stat(dest, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return gw_err_set(err, GW_EINVAL, 0, "'%s' exists and is not a directory", dest);
		if (!(d = opendir(dest)))
			return gw_err_set(err, GW_EIO, errno, "cannot open '%s': %s", dest, strerror(errno));
		if (dir_has_entries(d)) {
			closedir(d);
			return gw_err_set(err, GW_EINVAL, 0, "'%s' is not empty", dest);
		}
		closedir(d);
	} else if (mkdir(dest, 0777) != 0) {
		return gw_err_set(err, GW_EIO, errno, "cannot create '%s': %s", dest, strerror(errno));
	}
	return gw_store_copy_packed(ix->s, dest, err);
}

gw_rc gw_index_compact_live(gw_index *ix, const char *target, const char *tmp, gw_err *err)
{
	gw_txn *t;
	gw_rc rc;

	if ((rc = gw_index_remove(tmp, err)))
		return rc;
	if (mkdir(tmp, 0777) != 0)
		return gw_err_set(err, GW_EIO, errno, "cannot create '%s': %s", tmp, strerror(errno));
	/* The writer lock from here to the swap: no batch commits into the
	 * index being copied; one that waits for the lock finds the old
	 * index retired once it gets it. */
	if ((rc = gw_store_begin(ix->s, 1, &t, err)) == GW_OK) {
		if ((rc = gw_txn_copy_packed(t, tmp, err)) == GW_OK && (rc = gw_txn_retire(t, err)) == GW_OK)
			rc = gw_index_swap_in(tmp, target, err);
		/* After the swap, the old index (deleted, still open here)
		 * records that it is retired; else nothing was changed. */
		if (rc == GW_OK)
			rc = gw_txn_commit(t, err);
		else
			gw_txn_abort(t);
	}
	if (rc != GW_OK) {
		gw_err e2;
		gw_err_clear(&e2);
		gw_index_remove(tmp, &e2);
	}
	return rc;
}

/* ---- --dump ---- */

static const char *kind_name(int kind)
{
	switch (kind) {
	case GW_T_CHAR: return "char";
	case GW_T_BIGRAM: return "bigram";
	case GW_T_WORD: return "word";
	case GW_T_TERM: return "term";
	case GW_T_STEM: return "stem";
	default: return "?";
	}
}

/* Appends text with newlines, tabs and CRs escaped. */
static void put_text(gw_buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			gw_buf_puts(out, "\\n");
		else if (p[i] == '\r')
			gw_buf_puts(out, "\\r");
		else if (p[i] == '\t')
			gw_buf_puts(out, "\\t");
		else
			gw_buf_putc(out, (unsigned char)p[i]);
	}
}

/* Groups of the list ctx by kind, then term bytes. */
static int group_cmp(const void *pa, const void *pb, void *ctx)
{
	const gw_toklist *dump_list = ctx;
	const gw_tgroup *a = &dump_list->g[*(const uint32_t *)pa], *b = &dump_list->g[*(const uint32_t *)pb];
	int c;

	if (a->kind != b->kind)
		return a->kind - b->kind;
	c = memcmp(dump_list->terms.p + a->off, dump_list->terms.p + b->off, a->len < b->len ? a->len : b->len);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The terms of one field, by kind and term, each with its positions. */
static gw_rc dump_terms(gw_index *ix, const char *text, size_t len, gw_toklist *toks, gw_buf *out,
                        gw_err *err)
{
	uint32_t *order;

	if (gw_toklist_analyze(toks, ix->an, text, len, NULL, err))
		return err->rc;
	if (!(order = malloc((toks->ng ? toks->ng : 1) * sizeof *order)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < toks->ng; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, toks->ng, sizeof *order, group_cmp, toks);
	for (size_t i = 0; i < toks->ng; i++) {
		const gw_tgroup *g = &toks->g[order[i]];
		gw_buf_printf(out, "  %s ", kind_name(g->kind));
		gw_buf_append(out, (const char *)toks->terms.p + g->off, g->len);
		for (uint32_t k = 0; k < g->npos; k++)
			gw_buf_printf(out, "%s%u", k ? "," : " @", toks->pos[g->first + k]);
		if (g->npos < g->tf) /* a character inside runs (gw_char_position_kept) */
			gw_buf_printf(out, " (%u in all)", g->tf);
		gw_buf_putc(out, '\n');
	}
	free(order);
	return GW_OK;
}

gw_rc gw_index_dump(gw_index *ix, const char *id, size_t id_len, gw_buf *out, gw_err *err)
{
	gw_fieldtab ft;
	gw_toklist toks;
	gw_record r;
	gw_txn *t;
	const void *val;
	size_t len;
	uint32_t docid;
	gw_buf unz = GW_BUF_INIT;
	gw_unpacker unpacker = GW_UNPACKER_INIT;
	gw_rc rc;

	memset(&ft, 0, sizeof ft);
	memset(&toks, 0, sizeof toks);
	if ((rc = gw_store_begin(ix->s, 0, &t, err)))
		return rc;
	if ((rc = gw_fields_load(t, &ft, err)) || (rc = gw_txn_zdict(t, &unpacker.dict, err)))
		goto done;
	rc = gw_id_get(t, id, id_len, &docid, err);
	if (rc == GW_ENOTFOUND) {
		rc = gw_err_set(err, GW_ENOTFOUND, 0, "no document with id '%.*s'", (int)id_len, id);
		goto done;
	}
	if (rc || (rc = gw_doc_get(t, docid, &val, &len, err)))
		goto done;
	if (gw_record_parse(val, len, &r, 1, &unz, &unpacker)) {
		rc = gw_err_set(err, GW_ECORRUPT, 0, "index damaged: table docs, key '%u': damaged record", docid);
		goto done;
	}
	gw_buf_puts(out, "id ");
	gw_buf_append(out, r.id, r.id_len);
	gw_buf_printf(out, "\ndocid %u\nhash %016llx\nscript %d\n", docid, (unsigned long long)r.hash,
	              r.script);
	for (unsigned i = 0; i < r.nf; i++) {
		const char *name = r.fid[i] <= ft.n ? ft.name[r.fid[i]] : "?";
		if (gw_field_indexed(&ft, r.fid[i]))
			gw_buf_printf(out, "field %s (%u tokens): ", name, r.flen[i]);
		else
			gw_buf_printf(out, "field %s (stored only): ", name);
		put_text(out, r.text[i], r.text_len[i]);
		gw_buf_putc(out, '\n');
	}
	for (unsigned i = 0; i < r.nf && rc == GW_OK; i++) {
		if (!gw_field_indexed(&ft, r.fid[i]))
			continue;
		gw_buf_printf(out, "terms %s:\n", ft.name[r.fid[i]]);
		rc = dump_terms(ix, r.text[i], r.text_len[i], &toks, out, err);
	}
	if (rc == GW_OK && !gw_buf_ok(out))
		rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory");
done:
	gw_buf_free(&unz);
	gw_unpacker_free(&unpacker);
	gw_toklist_free(&toks);
	gw_fieldtab_free(&ft);
	gw_txn_abort(t);
	return rc;
}

gw_rc gw_index_remove(const char *path, gw_err *err)
{
	static const char *const files[] = {"data.mdb", "lock.mdb"};
	char f[4096];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(f, sizeof f, "%s/%s", path, files[i]);
		if (unlink(f) != 0 && errno != ENOENT)
			return gw_err_set(err, GW_EIO, errno, "cannot remove '%s': %s", f, strerror(errno));
	}
	gw_store_remove_new(path);
	if (rmdir(path) != 0 && errno != ENOENT)
		return gw_err_set(err, GW_EIO, errno, "cannot remove '%s': %s", path, strerror(errno));
	return GW_OK;
}

gw_rc gw_index_swap_in(const char *built, const char *target, gw_err *err)
{
	struct stat st;

	if (stat(target, &st) != 0) {
		if (rename(built, target) != 0)
			return gw_err_set(err, GW_EIO, errno, "cannot rename '%s' to '%s': %s", built, target,
			                  strerror(errno));
		return GW_OK;
	}
	if (renameat2(AT_FDCWD, built, AT_FDCWD, target, RENAME_EXCHANGE) != 0)
		return gw_err_set(err, GW_EIO, errno, "cannot swap '%s' and '%s': %s", built, target,
		                  strerror(errno));
	return gw_index_remove(built, err);
}
