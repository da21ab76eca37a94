/* gw_post: posting lists in the index: chunks in post, small lists in
 * blocks in small (formats in gw_store.c, gw_postings.h, gw_tblock.h);
 * appends, removals, iterators, and walks over every list or term. */
#include <stdlib.h>
#include <string.h>

#include "base/gw_limits.h"
#include "text/gw_analyzer.h"
#include "store/gw_store_impl.h"

struct gw_pl {
	gw_pl_head h;      /* first: gw_pl_skip reads it (gw_store.h) */
	MDB_cursor *cur;   /* on post; NULL for a small list (its one chunk in h.r) */
	unsigned char small[GW_SMALL_BYTES]; /* a small list's chunk (gw_tblock_chunk) */
	unsigned char *key; /* term key prefix (owned) */
	size_t klen;
	int64_t df;        /* -1 until computed */
	gw_txn *t;
};

static gw_rc span_flush(gw_txn *t, gw_err *err);
static void span_free(small_span *s);

void gw_term_key_append(gw_buf *out, unsigned fid, int kind, const char *term, size_t len)
{
	gw_buf_putc(out, kind);
	gw_buf_append(out, term, len);
	gw_buf_putc(out, 0);
	gw_buf_putc(out, (int)fid);
}

void gw_term_key(gw_buf *out, unsigned fid, int kind, const char *term, size_t len)
{
	gw_buf_reset(out);
	gw_term_key_append(out, fid, kind, term, len);
}

/* Key of the chunk of tkey starting at docid. */
static void chunk_key(unsigned char *k, const void *tkey, size_t tklen, uint32_t docid)
{
	memcpy(k, tkey, tklen);
	gw_be32_put(k + tklen, docid);
}

static int is_chunk_of(const MDB_val *k, const void *tkey, size_t tklen)
{
	return k->mv_size == tklen + 4 && memcmp(k->mv_data, tkey, tklen) == 0;
}

/* Positions cur on the chunk of tkey holding docid, or the last chunk before
 * it. Returns 1 found, 0 none; *lrc gets an LMDB error (0 if none). */
static int seek_chunk(MDB_cursor *cur, const void *tkey, size_t tklen, uint32_t docid, MDB_val *k,
                      MDB_val *v, int *lrc)
{
	unsigned char kb[600];
	int rc;

	*lrc = 0;
	chunk_key(kb, tkey, tklen, docid);
	k->mv_size = tklen + 4;
	k->mv_data = kb;
	rc = gw_cursor_get(cur, k, v, MDB_SET_RANGE);
	if (rc == 0 && is_chunk_of(k, tkey, tklen) &&
	    gw_be32_get((unsigned char *)k->mv_data + tklen) == docid)
		return 1;
	if (rc && rc != MDB_NOTFOUND) {
		*lrc = rc;
		return 0;
	}
	rc = gw_cursor_get(cur, k, v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	if (rc) {
		*lrc = rc == MDB_NOTFOUND ? 0 : rc;
		return 0;
	}
	return is_chunk_of(k, tkey, tklen);
}

/* 1 if key k is above every key of dbi (so it can be appended, and, in
 * post, no chunk of its term exists). m holds the last key when first
 * needed, then raised by each append; deletes only lower the real last
 * key, so it stays an upper bound. */
static int above_max(gw_txn *t, MDB_dbi dbi, key_max *m, const unsigned char *k, size_t klen)
{
	if (!m->known) {
		MDB_cursor *cur;
		MDB_val lk, lv;
		m->len = sizeof m->k; /* unknown: above nothing */
		memset(m->k, 0xff, sizeof m->k);
		if (mdb_cursor_open(t->txn, dbi, &cur) == 0) {
			int rc = gw_cursor_get(cur, &lk, &lv, MDB_LAST);
			if (rc == MDB_NOTFOUND) {
				m->len = 0;
			} else if (rc == 0 && lk.mv_size <= sizeof m->k) {
				memcpy(m->k, lk.mv_data, lk.mv_size);
				m->len = lk.mv_size;
			}
			mdb_cursor_close(cur);
		}
		m->known = 1;
	}
	return gw_key_cmp(k, klen, m->k, m->len) > 0;
}

static int above_post_max(gw_txn *t, const unsigned char *k, size_t klen)
{
	return above_max(t, t->s->post, &t->post_max, k, klen);
}

/* Room for a value of size bytes at key kb (klen bytes) of dbi, into
 * *out, for the caller to fill (MDB_RESERVE: no copy). A key above every
 * key of dbi is appended (MDB_APPEND splits a full page at its end, so
 * pages filled in key order stay full) and raises m; any other goes where
 * it sorts. */
static gw_rc reserve_put(gw_txn *t, MDB_dbi dbi, key_max *m, const unsigned char *kb, size_t klen, size_t size,
                         void **out, gw_err *err)
{
	MDB_val key = {klen, (void *)kb}, val = {size, NULL};
	int rc = MDB_KEYEXIST;

	if (above_max(t, dbi, m, kb, klen) && (rc = mdb_put(t->txn, dbi, &key, &val, MDB_APPEND | MDB_RESERVE)) == 0) {
		memcpy(m->k, kb, klen);
		m->len = klen;
	}
	if (rc == MDB_KEYEXIST) /* not above the last key after all */
		rc = mdb_put(t->txn, dbi, &key, &val, MDB_RESERVE);
	if (rc)
		return gw_store_write_err(t->s, err, rc, "cannot write");
	t->written += klen + size;
	*out = val.mv_data;
	return GW_OK;
}

/* Room for the chunk value of size bytes at chunk key kb (reserve_put). */
static gw_rc reserve_chunk(gw_txn *t, const unsigned char *kb, size_t klen, size_t size, void **out,
                           gw_err *err)
{
	return reserve_put(t, t->s->post, &t->post_max, kb, klen, size, out, err);
}

/* Writes the chunk b finished, if any. */
static gw_rc put_chunk(gw_txn *t, const void *tkey, size_t tklen, gw_chunk_builder *b, gw_err *err)
{
	unsigned char kb[600];
	uint32_t first;
	void *at;

	if (!gw_chunk_builder_take(b, &first))
		return GW_OK;
	if (!gw_chunk_builder_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	chunk_key(kb, tkey, tklen, first);
	if (reserve_chunk(t, kb, tklen + 4, b->out.len, &at, err))
		return err->rc;
	memcpy(at, b->out.p, b->out.len);
	return GW_OK;
}

/* Feeds every entry of r to b, writing chunks as they fill. */
static gw_rc feed(gw_txn *t, const void *tkey, size_t tklen, gw_entry_reader *r, gw_chunk_builder *b,
                  gw_err *err)
{
	gw_entry e;
	int rc;

	while ((rc = gw_entry_next_fast(r, &e)) == 1)
		if (gw_chunk_builder_add(b, &e) && put_chunk(t, tkey, tklen, b, err))
			return err->rc;
	return rc < 0 ? gw_damaged(err, "post", tkey, tklen, "chunk entries past its end or out of order") : GW_OK;
}

/* A new term's list: its chunks are cut from it (gw_plist_cut) and written
 * straight into their reserved space, without a chunk builder or a copy
 * (the flush of every first build). */
static gw_rc put_new_list(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	unsigned char kb[600];
	gw_plist_cut c;
	uint32_t first;
	size_t size;
	void *at;
	int rc;

	gw_plist_cut_init(&c, l);
	while ((rc = gw_plist_cut_next(&c, &first, &size)) == 1) {
		chunk_key(kb, tkey, tklen, first);
		if (reserve_chunk(t, kb, tklen + 4, size, &at, err))
			return err->rc;
		gw_plist_cut_write(&c, at);
	}
	return rc < 0 ? gw_err_set(err, GW_EFORMAT, 0, "batch posting list out of order") : GW_OK;
}

/* The write txn's postings cursor (opened on first use). Merges and
 * removals go in key order, and LMDB looks for a key on a cursor's current
 * page before descending from the root. */
static gw_rc post_cursor(gw_txn *t, MDB_cursor **cur, gw_err *err)
{
	int rc;

	if (!t->post_cur && (rc = mdb_cursor_open(t->txn, t->s->post, &t->post_cur)))
		return gw_store_lmdb_err(err, rc, "cannot open cursor");
	*cur = t->post_cur;
	return GW_OK;
}

/* ---- Small posting lists (gw_tblock.h) ---- */

/* Finds term key k in the small database of a read: 1 (its chunk and
 * first docid in r), 0 absent; *lrc gets an LMDB error or -1 for a
 * damaged block (0 if none). */
static int small_lookup(gw_txn *t, const void *k, size_t klen, gw_tblock_reader *r, int *lrc)
{
	MDB_cursor *cur = t->small_rcur;
	MDB_val key = {klen, (void *)k}, val;
	int rc, found = 0;

	*lrc = 0;
	/* A query looks up many terms: a read txn keeps its cursor. */
	if (!cur && (rc = mdb_cursor_open(t->txn, t->s->small, &cur))) {
		*lrc = rc;
		return 0;
	}
	/* The block whose last key is the first at or above k. */
	rc = gw_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	if (t->write)
		mdb_cursor_close(cur);
	else
		t->small_rcur = cur;
	if (rc == 0) {
		found = gw_tblock_find(r, val.mv_data, val.mv_size, k, klen);
		if (found < 0)
			*lrc = -1, found = 0;
	} else if (rc != MDB_NOTFOUND) {
		*lrc = rc;
	}
	return found;
}

static const unsigned char *ent_key(const small_span *s, size_t i) { return s->keys.p + s->e[i].koff; }

static void span_reset(small_span *s)
{
	s->on = s->dirty = 0;
	s->n = 0;
	s->has_lo = s->has_hi = s->has_old = 0;
	gw_buf_reset(&s->keys);
	gw_buf_reset(&s->chunks);
	gw_buf_reset(&s->lo);
	gw_buf_reset(&s->hi);
	gw_buf_reset(&s->old);
}

static void span_free(small_span *s)
{
	free(s->e);
	gw_buf_free(&s->keys);
	gw_buf_free(&s->chunks);
	gw_buf_free(&s->lo);
	gw_buf_free(&s->hi);
	gw_buf_free(&s->old);
	memset(s, 0, sizeof *s);
}

static void set_key(gw_buf *b, int *has, const void *k, size_t len)
{
	gw_buf_reset(b);
	gw_buf_append(b, k, len);
	*has = 1;
}

/* Makes room for one more entry at index at (shifting those after it);
 * -1 out of memory. */
static int span_insert_at(small_span *s, size_t at)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		small_ent *e = realloc(s->e, cap * sizeof *e);
		if (!e)
			return -1;
		s->e = e;
		s->cap = cap;
	}
	memmove(s->e + at + 1, s->e + at, (s->n - at) * sizeof *s->e);
	s->n++;
	return 0;
}

/* Sets entry i to key k (if k) and the chunk; the bytes go at the end of
 * keys and chunks (span_drop_head reclaims what they replace). */
static void span_set(small_span *s, size_t i, const void *k, size_t klen, uint32_t first, const void *chunk,
                     size_t clen)
{
	if (k) {
		s->e[i].koff = s->keys.len;
		s->e[i].klen = klen;
		gw_buf_append(&s->keys, k, klen);
	}
	s->e[i].coff = s->chunks.len;
	s->e[i].clen = clen;
	s->e[i].first = first;
	gw_buf_append(&s->chunks, chunk, clen);
}

/* Appends every entry of a block read from the database. */
static gw_rc span_add_block(small_span *s, const MDB_val *k, const MDB_val *v, gw_err *err)
{
	gw_tblock_reader r;
	int rc;

	gw_tblock_open(&r, v->mv_data, v->mv_size);
	while ((rc = gw_tblock_next(&r)) == 1) {
		unsigned char chunk[GW_SMALL_BYTES];
		size_t clen = gw_tblock_chunk(&r, chunk);
		if (clen == 0) {
			rc = -1;
			break;
		}
		if (span_insert_at(s, s->n))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		span_set(s, s->n - 1, r.key, r.klen, r.first, chunk, clen);
	}
	if (rc < 0)
		return gw_damaged(err, "small", k->mv_data, k->mv_size, "block entry past its end or out of order");
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* Writes entries [from, to) of the span as one block, keyed by the last. */
static gw_rc put_block(gw_txn *t, size_t from, size_t to, gw_err *err)
{
	small_span *s = &t->span;
	gw_buf *b = &t->block;
	void *at;

	gw_buf_reset(b);
	for (size_t i = from; i < to; i++)
		if (gw_tblock_put(b, i > from ? ent_key(s, i - 1) : NULL, i > from ? s->e[i - 1].klen : 0, ent_key(s, i),
		                  s->e[i].klen, s->e[i].first, s->chunks.p + s->e[i].coff, s->e[i].clen))
			return gw_damaged(err, "small", ent_key(s, i), s->e[i].klen, "damaged small list");
	if (!gw_buf_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (reserve_put(t, t->s->small, &t->small_max, ent_key(s, to - 1), s->e[to - 1].klen, b->len, &at, err))
		return err->rc;
	memcpy(at, b->p, b->len);
	return GW_OK;
}

/* Deletes the block the span was read from (once, before the first write:
 * its key may be one the span writes again). */
static gw_rc span_drop_old(gw_txn *t, gw_err *err)
{
	small_span *s = &t->span;
	MDB_val k = {s->old.len, s->old.p};
	int rc;

	if (!s->has_old)
		return GW_OK;
	s->has_old = 0;
	if ((rc = mdb_del(t->txn, t->s->small, &k, NULL)) && rc != MDB_NOTFOUND)
		return gw_store_write_err(t->s, err, rc, "cannot delete postings");
	return GW_OK;
}

/* Writes the entries up to the last that ends a block; returns how many
 * in *done. */
static gw_rc span_put_blocks(gw_txn *t, size_t *done, gw_err *err)
{
	small_span *s = &t->span;
	size_t from = 0;

	for (size_t i = 0; i < s->n; i++)
		if (gw_tblock_ends(ent_key(s, i), s->e[i].klen)) {
			if (put_block(t, from, i + 1, err))
				return err->rc;
			from = i + 1;
		}
	*done = from;
	return GW_OK;
}

/* Drops entries [0, n), keeping the keys and chunks of the rest only. */
static gw_rc span_drop_head(small_span *s, size_t n, gw_err *err)
{
	gw_buf keys = GW_BUF_INIT, chunks = GW_BUF_INIT;

	memmove(s->e, s->e + n, (s->n - n) * sizeof *s->e);
	s->n -= n;
	for (size_t i = 0; i < s->n; i++) {
		gw_buf_append(&keys, s->keys.p + s->e[i].koff, s->e[i].klen);
		gw_buf_append(&chunks, s->chunks.p + s->e[i].coff, s->e[i].clen);
	}
	for (size_t i = 0, ko = 0, co = 0; i < s->n; i++) {
		s->e[i].koff = ko;
		s->e[i].coff = co;
		ko += s->e[i].klen;
		co += s->e[i].clen;
	}
	gw_buf_free(&s->keys);
	gw_buf_free(&s->chunks);
	s->keys = keys;
	s->chunks = chunks;
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* Writes the span back, split into blocks where gw_tblock_ends says, and
 * forgets it. Entries after the last block end make the database's last
 * block if the span reached the end; else the span's own last term (a
 * block end) went, and the next block joins them. */
static gw_rc span_flush(gw_txn *t, gw_err *err)
{
	small_span *s = &t->span;
	MDB_cursor *cur = NULL;
	size_t done;
	gw_rc rc = GW_OK;
	int lrc;

	if (!s->on)
		return GW_OK;
	if (!s->dirty) {
		span_reset(s);
		return GW_OK;
	}
	if (span_drop_old(t, err))
		return err->rc;
	for (;;) {
		if (span_put_blocks(t, &done, err) || span_drop_head(s, done, err)) {
			rc = err->rc;
			break;
		}
		if (s->n == 0)
			break;
		if (s->has_hi) {
			MDB_val k = {s->hi.len, s->hi.p}, v;
			if (!cur && (lrc = mdb_cursor_open(t->txn, t->s->small, &cur))) {
				rc = gw_store_lmdb_err(err, lrc, "cannot open cursor");
				break;
			}
			lrc = gw_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			if (lrc == 0) { /* the next block: it joins the tail */
				set_key(&s->hi, &s->has_hi, k.mv_data, k.mv_size);
				if (span_add_block(s, &k, &v, err)) {
					rc = err->rc;
					break;
				}
				if ((lrc = mdb_cursor_del(cur, 0))) {
					rc = gw_store_write_err(t->s, err, lrc, "cannot delete postings");
					break;
				}
				continue;
			}
			if (lrc != MDB_NOTFOUND) {
				rc = gw_store_lmdb_err(err, lrc, "cannot read postings");
				break;
			}
		}
		/* The database's last block. */
		rc = put_block(t, 0, s->n, err);
		break;
	}
	/* A write txn's cursor would otherwise stay until the txn ends, and
	 * LMDB adjusts every open cursor at each write. */
	if (cur)
		mdb_cursor_close(cur);
	if (rc == GW_OK)
		span_reset(s);
	return rc;
}

/* Reads into t->span the span that holds term key k, unless it has it
 * (writing back the one it had). */
static gw_rc span_load(gw_txn *t, const void *k, size_t klen, gw_err *err)
{
	small_span *s = &t->span;
	MDB_cursor *cur;
	MDB_val key = {klen, (void *)k}, val;
	int rc;

	if (s->on && (!s->has_lo || gw_key_cmp(k, klen, s->lo.p, s->lo.len) > 0) &&
	    (!s->has_hi || gw_key_cmp(k, klen, s->hi.p, s->hi.len) <= 0))
		return GW_OK;
	if (span_flush(t, err))
		return err->rc;
	s->on = 1;
	if ((rc = mdb_cursor_open(t->txn, t->s->small, &cur)))
		return gw_store_lmdb_err(err, rc, "cannot open cursor");
	rc = gw_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND) {
		/* Past the last block: k joins it, unless it ends a block. */
		rc = gw_cursor_get(cur, &key, &val, MDB_LAST);
		if (rc == 0 && gw_tblock_ends(key.mv_data, key.mv_size)) {
			set_key(&s->lo, &s->has_lo, key.mv_data, key.mv_size);
			mdb_cursor_close(cur);
			return GW_OK;
		}
	} else if (rc == 0) {
		set_key(&s->hi, &s->has_hi, key.mv_data, key.mv_size);
	}
	if (rc == 0) {
		set_key(&s->old, &s->has_old, key.mv_data, key.mv_size);
		if (span_add_block(s, &key, &val, err)) {
			mdb_cursor_close(cur);
			return err->rc;
		}
		rc = gw_cursor_get(cur, &key, &val, MDB_PREV);
		if (rc == 0)
			set_key(&s->lo, &s->has_lo, key.mv_data, key.mv_size);
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	if (!gw_buf_ok(&s->lo) || !gw_buf_ok(&s->hi) || !gw_buf_ok(&s->old))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return GW_OK;
}

/* The index of the first entry at or above k; *found if it is k. */
static size_t span_find(const small_span *s, const void *k, size_t klen, int *found)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (gw_key_cmp(ent_key(s, mid), s->e[mid].klen, k, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && gw_key_cmp(ent_key(s, lo), s->e[lo].klen, k, klen) == 0;
	return lo;
}

/* Term key k's small list, if it has one: 1 (*i its entry in t->span). */
static gw_rc small_get(gw_txn *t, const void *k, size_t klen, size_t *i, int *found, gw_err *err)
{
	if (span_load(t, k, klen, err))
		return err->rc;
	*i = span_find(&t->span, k, klen, found);
	return GW_OK;
}

/* Sets term key k's small list to the chunk (first docid first), at
 * entry i of t->span as small_get found it (found: k's own). When a
 * term is added after every other, what comes before it and ends a block
 * is written at once: a first build adds its terms in order, and the span
 * then holds one block at a time. */
static gw_rc span_store(gw_txn *t, size_t i, int found, const void *k, size_t klen, uint32_t first,
                        const void *chunk, size_t clen, gw_err *err)
{
	small_span *s = &t->span;
	size_t done;

	if (!found && span_insert_at(s, i))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	span_set(s, i, found ? NULL : k, klen, first, chunk, clen);
	if (!gw_buf_ok(&s->keys) || !gw_buf_ok(&s->chunks))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	s->dirty = 1;
	if (!found && i == s->n - 1 && i > 0 && gw_tblock_ends(ent_key(s, i - 1), s->e[i - 1].klen)) {
		if (span_drop_old(t, err) || span_put_blocks(t, &done, err))
			return err->rc;
		set_key(&s->lo, &s->has_lo, ent_key(s, done - 1), s->e[done - 1].klen);
		if (span_drop_head(s, done, err))
			return err->rc;
	}
	return GW_OK;
}

/* Removes entry i of the span. */
static void small_del(gw_txn *t, size_t i)
{
	small_span *s = &t->span;

	memmove(s->e + i, s->e + i + 1, (s->n - i - 1) * sizeof *s->e);
	s->n--;
	s->dirty = 1;
}

/* The chunk of l if it is one chunk of at most GW_SMALL_BYTES: its size
 * (written to out), else 0. */
static size_t small_chunk_of(const gw_plist *l, unsigned char out[GW_SMALL_BYTES], uint32_t *first)
{
	gw_plist_cut c;
	size_t size;

	if (l->ndocs == 0 || l->ndocs > GW_CHUNK_DOCS || l->len > 2 * GW_SMALL_BYTES)
		return 0;
	gw_plist_cut_init(&c, l);
	if (gw_plist_cut_next(&c, first, &size) != 1 || c.n != l->ndocs || size > GW_SMALL_BYTES)
		return 0;
	gw_plist_cut_write(&c, out);
	return size;
}

/* The list of a chunk (first docid first) as a gw_plist in out: the
 * same entries, the first delta from 0 instead of from first. */
static int plist_of_chunk(gw_buf *out, gw_plist *o, const void *chunk, size_t clen, uint32_t first)
{
	gw_entry_reader r;
	uint32_t last;

	if (gw_chunk_open(&r, chunk, clen, first, &last) || r.p == r.end || *r.p != 0 || r.left == 0)
		return -1;
	gw_buf_reset(out);
	gw_buf_put_varint(out, first);
	gw_buf_append(out, r.p + 1, (size_t)(r.end - r.p - 1));
	memset(o, 0, sizeof *o);
	o->ndocs = r.left;
	o->last_docid = last;
	return 0;
}

/* Appends l to a term without chunks in post: to its small list, which
 * moves to post once it no longer fits one small chunk, or as a new list. */
static gw_rc append_unbig(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	small_span *s = &t->span;
	unsigned char one[GW_SMALL_BYTES];
	uint32_t first;
	size_t i = 0, n;
	int found;
	gw_plist o;

	if (small_get(t, tkey, tklen, &i, &found, err))
		return err->rc;
	if (!found) {
		if ((n = small_chunk_of(l, one, &first)))
			return span_store(t, i, 0, tkey, tklen, first, one, n, err);
		return put_new_list(t, tkey, tklen, l, err);
	}
	if (plist_of_chunk(&t->joined, &o, s->chunks.p + s->e[i].coff, s->e[i].clen, s->e[i].first) ||
	    gw_plist_concat(&t->joined, &o, l))
		return gw_buf_ok(&t->joined) ? gw_damaged(err, "small", tkey, tklen, "damaged small list")
		                             : gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (!gw_buf_ok(&t->joined))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	o.p = t->joined.p;
	o.len = o.cap = t->joined.len;
	if ((n = small_chunk_of(&o, one, &first)))
		return span_store(t, i, 1, tkey, tklen, first, one, n, err);
	small_del(t, i);
	return put_new_list(t, tkey, tklen, &o, err);
}

gw_rc gw_post_append(gw_txn *t, const void *tkey, size_t tklen, const gw_plist *l, gw_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	unsigned char kb[600];
	int found, rc;

	if (tklen > GW_TBLOCK_KEY_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "term too long");
	gw_chunk_builder_reset(b);
	/* A term new to the index (every term of a first build) has no chunk
	 * to look for. */
	chunk_key(kb, tkey, tklen, 0);
	if (above_post_max(t, kb, tklen + 4))
		return append_unbig(t, tkey, tklen, l, err);
	if (post_cursor(t, &cur, err))
		return err->rc;
	found = seek_chunk(cur, tkey, tklen, UINT32_MAX, &k, &v, &rc);
	if (rc) {
		gw_store_lmdb_err(err, rc, "cannot read postings");
		goto done;
	}
	if (!found)
		return append_unbig(t, tkey, tklen, l, err);
	/* Refill the last chunk if it has room; its key stays the same. */
	if (gw_chunk_open(&r, v.mv_data, v.mv_size, gw_be32_get((unsigned char *)k.mv_data + tklen), NULL) == 0 &&
	    r.left > 0 && r.left < GW_CHUNK_DOCS && v.mv_size < GW_CHUNK_BYTES) {
		if (feed(t, tkey, tklen, &r, b, err))
			goto done;
	}
	gw_plist_reader(l, &r);
	if (feed(t, tkey, tklen, &r, b, err) == GW_OK)
		put_chunk(t, tkey, tklen, b, err);
done:
	return err ? err->rc : GW_OK;
}

/* Removes docids[0..n) from term key k's small list, if it has one. */
static gw_rc remove_small(gw_txn *t, const void *k, size_t klen, const uint32_t *docids, size_t n, gw_err *err)
{
	small_span *s = &t->span;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	gw_entry e;
	uint32_t first;
	size_t i = 0, at = 0;
	int found, rc;

	if (small_get(t, k, klen, &i, &found, err))
		return err->rc;
	if (!found)
		return GW_OK;
	/* The builder copies the entries it keeps: span_store may then move
	 * the span's chunks. */
	if (gw_chunk_open(&r, s->chunks.p + s->e[i].coff, s->e[i].clen, s->e[i].first, NULL))
		return gw_damaged(err, "small", k, klen, "damaged small list header");
	gw_chunk_builder_reset(b);
	while ((rc = gw_entry_next(&r, &e)) == 1) {
		while (at < n && docids[at] < e.docid)
			at++;
		if (at == n || docids[at] != e.docid)
			gw_chunk_builder_add(b, &e);
	}
	if (rc < 0)
		return gw_damaged(err, "small", k, klen, "small list entries past its end");
	if (!gw_chunk_builder_take(b, &first)) { /* nothing left */
		small_del(t, i);
		return GW_OK;
	}
	if (!gw_chunk_builder_ok(b))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return span_store(t, i, 1, k, klen, first, b->out.p, b->out.len, err);
}

gw_rc gw_post_remove_many(gw_txn *t, const void *tkey, size_t tklen, const uint32_t *docids, size_t n,
                          gw_err *err)
{
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	gw_chunk_builder *b = &t->cb;
	gw_entry_reader r;
	gw_entry e;
	uint32_t first, last;
	size_t i = 0, j, at;
	int found, rc;

	if (post_cursor(t, &cur, err))
		return err->rc;
	/* A term without chunks has a small list, or nothing. */
	found = seek_chunk(cur, tkey, tklen, UINT32_MAX, &k, &v, &rc);
	if (rc)
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	if (!found)
		return remove_small(t, tkey, tklen, docids, n, err);
	while (i < n) {
		found = seek_chunk(cur, tkey, tklen, docids[i], &k, &v, &rc);
		if (!found) {
			if (rc) {
				gw_store_lmdb_err(err, rc, "cannot read postings");
				break;
			}
			i++; /* before the term's first chunk: not in the list */
			continue;
		}
		first = gw_be32_get((unsigned char *)k.mv_data + tklen);
		if (gw_chunk_open(&r, v.mv_data, v.mv_size, first, &last) || last < docids[i]) {
			i++; /* between two chunks: not in the list */
			continue;
		}
		/* docids[i..j) fall in this chunk: rebuild it once without them.
		 * At most one chunk comes out, since it only shrinks. */
		for (j = i; j < n && docids[j] <= last; j++)
			;
		gw_chunk_builder_reset(b);
		at = i;
		while ((rc = gw_entry_next(&r, &e)) == 1) {
			while (at < j && docids[at] < e.docid)
				at++;
			if (at == j || docids[at] != e.docid)
				gw_chunk_builder_add(b, &e);
		}
		if (rc < 0) {
			gw_damaged(err, "post", k.mv_data, k.mv_size, "chunk entries past its end or out of order");
			break;
		}
		if ((rc = mdb_cursor_del(cur, 0))) {
			gw_store_write_err(t->s, err, rc, "cannot delete postings");
			break;
		}
		if (put_chunk(t, tkey, tklen, b, err))
			break;
		i = j;
	}
	return err ? err->rc : GW_OK;
}

/* Loads the chunk under the cursor; 1 ok, 0 not this term's, -1 damaged. */
static int pl_load(gw_pl *pl, MDB_val *k, MDB_val *v)
{
	if (!is_chunk_of(k, pl->key, pl->klen))
		return 0;
	if (gw_chunk_open(&pl->h.r, v->mv_data, v->mv_size, gw_be32_get((unsigned char *)k->mv_data + pl->klen),
	                  &pl->h.chunk_last))
		return -1;
	return 1;
}

/* Opens pl on term key k's small list, if it has one: 1, 0 none, -1
 * (err set) on error. */
static int pl_open_small(gw_pl *pl, gw_txn *t, const void *k, size_t klen, gw_err *err)
{
	gw_tblock_reader r;
	size_t clen;
	int lrc, found;

	/* A write txn's edits are in its span until written. */
	if (t->write && span_flush(t, err))
		return -1;
	found = small_lookup(t, k, klen, &r, &lrc);
	if (lrc)
		return lrc < 0 ? (gw_damaged(err, "small", k, klen, "block entry past its end or out of order"), -1)
		               : (gw_store_lmdb_err(err, lrc, "cannot read postings"), -1);
	if (!found)
		return 0;
	clen = gw_tblock_chunk(&r, pl->small);
	if (clen == 0 || gw_chunk_open(&pl->h.r, pl->small, clen, r.first, &pl->h.chunk_last)) {
		gw_damaged(err, "small", k, klen, "damaged small list");
		return -1;
	}
	pl->df = pl->h.r.left;
	return 1;
}

gw_rc gw_pl_open(gw_txn *t, const void *tkey, size_t tklen, gw_pl **out, gw_err *err)
{
	gw_pl *pl;
	MDB_val k, v;
	unsigned char kb[600];
	int rc;

	*out = NULL;
	if (tklen > GW_TBLOCK_KEY_MAX)
		return GW_OK;
	pl = calloc(1, sizeof *pl);
	if (!pl || !(pl->key = malloc(tklen))) {
		free(pl);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	memcpy(pl->key, tkey, tklen);
	pl->klen = tklen;
	pl->df = -1;
	pl->t = t;
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &pl->cur))) {
		gw_pl_close(pl);
		return gw_store_lmdb_err(err, rc, "cannot open cursor");
	}
	chunk_key(kb, tkey, tklen, 0);
	k.mv_size = tklen + 4;
	k.mv_data = kb;
	rc = gw_cursor_get(pl->cur, &k, &v, MDB_SET_RANGE);
	if (rc && rc != MDB_NOTFOUND) {
		gw_pl_close(pl);
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	}
	if ((rc = rc ? 0 : pl_load(pl, &k, &v)) < 0) {
		gw_damaged(err, "post", k.mv_data, k.mv_size, "chunk header of %zu bytes damaged", v.mv_size);
		gw_pl_close(pl);
		return err ? err->rc : GW_ECORRUPT;
	}
	if (rc == 0) { /* no chunk: a small list, or no list */
		mdb_cursor_close(pl->cur);
		pl->cur = NULL;
		if ((rc = pl_open_small(pl, t, tkey, tklen, err)) != 1) {
			gw_pl_close(pl);
			return rc < 0 ? err->rc : GW_OK;
		}
	}
	*out = pl;
	return GW_OK;
}

void gw_pl_close(gw_pl *pl)
{
	if (!pl)
		return;
	if (pl->cur)
		mdb_cursor_close(pl->cur);
	free(pl->key);
	free(pl);
}

/* Records damage met reading pl (its txn's sticky damage); returns -1. */
static int pl_damaged(gw_pl *pl)
{
	gw_damaged(&pl->t->damage, pl->cur ? "post" : "small", pl->key, pl->klen,
	           "chunk entries past its end or out of order");
	return -1;
}

gw_rc gw_txn_damage(const gw_txn *t, gw_err *err)
{
	if (t->damage.rc == GW_OK)
		return GW_OK;
	return gw_err_set(err, t->damage.rc, 0, "%s", t->damage.msg);
}

int gw_pl_next(gw_pl *pl)
{
	MDB_val k, v;
	int rc;

	while (!pl->h.eof) {
		rc = gw_entry_next_fast(&pl->h.r, &pl->h.e);
		pl->h.on = rc == 1;
		if (rc != 0)
			return rc < 0 ? pl_damaged(pl) : rc;
		if (!pl->cur || gw_cursor_get(pl->cur, &k, &v, MDB_NEXT) != 0 || (rc = pl_load(pl, &k, &v)) == 0) {
			pl->h.eof = 1;
			break;
		}
		if (rc < 0)
			return pl_damaged(pl);
	}
	pl->h.on = 0;
	return 0;
}

int gw_pl_skip_to(gw_pl *pl, uint32_t target)
{
	MDB_val k, v;
	int rc;

	if (pl->h.eof)
		return 0;
	if (pl->h.on && pl->h.e.docid >= target)
		return 1;
	/* Skip whole chunks by their header's last docid: the next chunk or
	 * two by stepping, a farther one by a seek, since a chunk's key holds
	 * its first docid (the B-tree is the skip list). Stepping through a
	 * long list chunk by chunk made a phrase's rarer element pay for every
	 * chunk of the commoner ones. */
	for (int steps = 0; pl->h.chunk_last < target; steps++) {
		int found, lrc = 0;
		if (!pl->cur) { /* a small list: one chunk */
			pl->h.eof = 1;
			pl->h.on = 0;
			return 0;
		}
		if (steps < 2) {
			found = gw_cursor_get(pl->cur, &k, &v, MDB_NEXT) == 0;
		} else {
			/* The chunk starting at target, or the last one before it
			 * (at least the current one); then at most one more step. */
			found = seek_chunk(pl->cur, pl->key, pl->klen, target, &k, &v, &lrc);
			steps = 0;
		}
		if (lrc)
			return pl->h.on = 0, -1;
		if (!found || (rc = pl_load(pl, &k, &v)) == 0) {
			pl->h.eof = 1;
			pl->h.on = 0;
			return 0;
		}
		if (rc < 0)
			return pl_damaged(pl);
		pl->h.on = 0;
	}
	/* Within the chunk, without gw_pl_next's call per entry. */
	if ((rc = gw_entry_seek(&pl->h.r, target, &pl->h.e)) == 1)
		return pl->h.on = 1;
	if (rc < 0)
		return pl->h.on = 0, pl_damaged(pl);
	while ((rc = gw_pl_next(pl)) == 1)
		if (pl->h.e.docid >= target)
			return 1;
	return rc;
}


uint64_t gw_pl_df(gw_pl *pl)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[600];
	uint64_t n = 0;
	int rc;

	if (pl->df >= 0)
		return (uint64_t)pl->df;
	if (mdb_cursor_open(pl->t->txn, pl->t->s->post, &cur))
		return 0;
	chunk_key(kb, pl->key, pl->klen, 0);
	k.mv_size = pl->klen + 4;
	k.mv_data = kb;
	for (rc = gw_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && is_chunk_of(&k, pl->key, pl->klen);
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint32_t nd, last;
		if (gw_chunk_header(v.mv_data, v.mv_size, gw_be32_get((unsigned char *)k.mv_data + pl->klen),
		                    &nd, &last) == 0)
			n += nd;
	}
	mdb_cursor_close(cur);
	pl->df = (int64_t)n;
	return n;
}

/* Calls fn for every small list as post holds chunks: the term key with
 * the first docid, and the chunk. */
static gw_rc small_each(gw_txn *t, int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                        void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	gw_tblock_reader r;
	unsigned char key[GW_TBLOCK_KEY_MAX + 4], chunk[GW_SMALL_BYTES];
	int rc = mdb_cursor_open(t->txn, t->s->small, &cur), brc = 0, stop = 0, ends = 1;

	if (rc)
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	for (rc = gw_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !stop && brc >= 0;
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT)) {
		/* A block ends where gw_tblock_ends says and nowhere else; the
		 * last may end anywhere: a block before this one that did not
		 * end so is damaged. */
		if (!ends)
			brc = -1;
		ends = 0;
		gw_tblock_open(&r, v.mv_data, v.mv_size);
		while (brc >= 0 && !stop && !ends && (brc = gw_tblock_next(&r)) == 1) {
			size_t clen = gw_tblock_chunk(&r, chunk);
			if (clen == 0) {
				brc = -1;
				break;
			}
			chunk_key(key, r.key, r.klen, r.first);
			stop = fn(ctx, key, r.klen + 4, chunk, clen);
			ends = gw_tblock_ends(r.key, r.klen);
		}
		/* Its key is its last term's. */
		if (!stop && brc >= 0 &&
		    (r.p != r.end || r.klen != k.mv_size || memcmp(r.key, k.mv_data, r.klen) != 0))
			brc = -1;
	}
	if (brc < 0)
		gw_damaged(err, "small", k.mv_data, k.mv_size, "block entry past its end, out of order or misplaced");
	mdb_cursor_close(cur);
	if (brc < 0)
		return err ? err->rc : GW_ECORRUPT;
	return (rc && rc != MDB_NOTFOUND) ? gw_store_lmdb_err(err, rc, "cannot read postings") : GW_OK;
}

gw_rc gw_post_each(gw_txn *t,
                   int (*fn)(void *ctx, const void *key, size_t klen, const void *val, size_t vlen),
                   void *ctx, gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, stop = 0;

	if (t->write && span_flush(t, err))
		return err->rc;
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &cur)))
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	for (rc = gw_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = gw_cursor_get(cur, &k, &v, MDB_NEXT))
		if ((stop = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size)))
			break;
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	return stop ? GW_OK : small_each(t, fn, ctx, err);
}

/* The small term keys of field fid that start with p[0..plen), in key
 * order (gw_term_prefix_each merges them with post's). */
typedef struct small_prefix {
	MDB_cursor *cur;
	gw_tblock_reader r;
	const unsigned char *p;
	size_t plen;
	unsigned fid;
	int state;  /* 0: not positioned yet, 1: in a block, 2: done */
	int err;    /* an LMDB error, or -1 for a damaged block */
} small_prefix;

/* The next such key, in sp->r.key: 1, or 0 at the end (sp->err says if
 * an error ended it). */
static int small_prefix_next(small_prefix *sp)
{
	MDB_val k, v;
	int rc = 0;

	while (sp->state != 2) {
		if (sp->state == 1 && (rc = gw_tblock_next(&sp->r)) == 1) {
			const unsigned char *kp = sp->r.key;
			size_t kl = sp->r.klen;
			int c = memcmp(kp, sp->p, kl < sp->plen ? kl : sp->plen);
			if (c > 0) {
				sp->state = 2;
				break;
			}
			if (c < 0 || kl < sp->plen + 2)
				continue; /* before the prefix (or a shorter key that sorts before it) */
			if (kp[kl - 2] == 0 && kp[kl - 1] == sp->fid)
				return 1;
			continue;
		}
		if (sp->state == 1 && rc < 0) {
			sp->err = -1;
			sp->state = 2;
			break;
		}
		/* The next block: the first whose last key is at or above the
		 * prefix, then each after it. */
		if (sp->state == 0) {
			k.mv_size = sp->plen;
			k.mv_data = (void *)sp->p;
			rc = gw_cursor_get(sp->cur, &k, &v, MDB_SET_RANGE);
		} else {
			rc = gw_cursor_get(sp->cur, &k, &v, MDB_NEXT);
		}
		if (rc) {
			sp->err = rc == MDB_NOTFOUND ? 0 : rc;
			sp->state = 2;
			break;
		}
		gw_tblock_open(&sp->r, v.mv_data, v.mv_size);
		sp->state = 1;
	}
	return 0;
}

gw_rc gw_term_prefix_each(gw_txn *t, unsigned fid, int kind, const char *prefix, size_t len,
                          int (*fn)(void *ctx, const void *tkey, size_t tklen), void *ctx,
                          gw_err *err)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[520], seek[520], last[520];
	size_t lastlen = 0;
	int rc;

	small_prefix sp;
	int stop = 0, more;

	/* Terms are cut at GW_TERM_MAX bytes (gw_limits.h), queries' too, so
	 * only a caller that skipped the analyzer gets here with a longer one:
	 * refused rather than silently finding nothing. */
	if (len + 1 > 500)
		return gw_err_set(err, GW_EINVAL, 0, "prefix of %zu bytes is longer than any term (GW_TERM_MAX is %d)",
		                  len, GW_TERM_MAX);
	kb[0] = (unsigned char)kind;
	memcpy(kb + 1, prefix, len);
	if (t->write && span_flush(t, err))
		return err->rc;
	memset(&sp, 0, sizeof sp);
	sp.p = kb;
	sp.plen = len + 1;
	sp.fid = fid;
	if ((rc = mdb_cursor_open(t->txn, t->s->small, &sp.cur)))
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	if ((rc = mdb_cursor_open(t->txn, t->s->post, &cur))) {
		mdb_cursor_close(sp.cur);
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	}
	more = small_prefix_next(&sp);
	k.mv_size = len + 1;
	k.mv_data = kb;
	rc = gw_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0) {
		const unsigned char *kp = k.mv_data;
		size_t tklen = k.mv_size - 4; /* kind term NUL fid */
		if (k.mv_size < len + 7 || memcmp(kp, kb, len + 1) != 0)
			break;
		if (tklen > sizeof last || kp[tklen - 2] != 0) {
			rc = gw_cursor_get(cur, &k, &v, MDB_NEXT); /* not a term key */
			continue;
		}
		if (kp[tklen - 1] != fid) {
			/* Another field's chunks of this term (they sit together):
			 * seek to this field's, or past the term (its NUL made 1). */
			memcpy(seek, kp, tklen);
			if (kp[tklen - 1] < fid) {
				seek[tklen - 1] = (unsigned char)fid;
				memset(seek + tklen, 0, 4);
				k.mv_size = tklen + 4;
			} else {
				seek[tklen - 2] = 1;
				k.mv_size = tklen - 1;
			}
			k.mv_data = seek;
			rc = gw_cursor_get(cur, &k, &v, MDB_SET_RANGE);
			continue;
		}
		if (tklen != lastlen || memcmp(last, kp, tklen) != 0) { /* not another chunk of it */
			memcpy(last, kp, tklen);
			lastlen = tklen;
			/* The small terms before it first: the callers take the
			 * first GW_PREFIX_MAX in key order. */
			while (more && !stop && gw_key_cmp(sp.r.key, sp.r.klen, last, tklen) < 0) {
				stop = fn(ctx, sp.r.key, sp.r.klen);
				more = small_prefix_next(&sp);
			}
			if (stop || (stop = fn(ctx, last, tklen)))
				break;
		}
		rc = gw_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	while (more && !stop && (rc == 0 || rc == MDB_NOTFOUND)) {
		stop = fn(ctx, sp.r.key, sp.r.klen);
		more = small_prefix_next(&sp);
	}
	mdb_cursor_close(cur);
	mdb_cursor_close(sp.cur);
	if (rc && rc != MDB_NOTFOUND)
		return gw_store_lmdb_err(err, rc, "cannot read postings");
	if (sp.err)
		return sp.err < 0 ? gw_damaged(err, "small", NULL, 0, "block entry past its end or out of order")
		                  : gw_store_lmdb_err(err, sp.err, "cannot read postings");
	return GW_OK;
}

gw_rc gw_post_txn_flush(gw_txn *t, gw_err *err) { return span_flush(t, err); }

void gw_post_txn_free(gw_txn *t)
{
	if (t->small_rcur) /* a read txn's: closed by hand, even after the txn */
		mdb_cursor_close(t->small_rcur);
	gw_chunk_builder_free(&t->cb);
	span_free(&t->span);
	gw_buf_free(&t->block);
	gw_buf_free(&t->joined);
}
