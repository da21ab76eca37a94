/* gw_runs: sorted runs of posting lists on a temporary file (see gw_runs.h). */
#include "index/gw_runs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/gw_store.h"

/* Bytes buffered for writing. */
enum { WBUF = 1 << 20 };

typedef struct run_reader {
	uint64_t at, end;   /* file offset of the next byte to read; the run's end */
	unsigned char *buf; /* gw_runs.rbuf bytes */
	size_t pos, len;    /* unread bytes: buf[pos..len) */
	gw_buf key;         /* the current record's key */
	gw_plist list;      /* its list: bytes in buf, or p NULL and at list_at */
	uint64_t list_at;
	int has;            /* 1 while there is a current record */
} run_reader;

struct gw_runs {
	char *dir;
	int fd;             /* -1 until the first record */
	uint64_t size;      /* bytes written to the file */
	uint64_t *starts;   /* run i is starts[i]..starts[i + 1]; starts[nruns]: the end */
	size_t nruns, starts_cap;
	int writing;        /* a run is begun and not ended */
	gw_buf w;           /* bytes not written yet */
	/* Merging: a reader per run, and a heap of their indexes ordered by
	 * (key, run), so equal keys come out in run order. */
	run_reader *rd;
	size_t *heap, nheap;
	size_t rbuf;        /* each reader's buffer */
	size_t pending;     /* the reader the last take took from, SIZE_MAX if none */
};

gw_runs *gw_runs_new(const char *dir)
{
	gw_runs *r = calloc(1, sizeof *r);

	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return NULL;
	}
	r->fd = -1;
	return r;
}

static void free_readers(gw_runs *r)
{
	for (size_t i = 0; r->rd && i < r->nruns; i++) {
		free(r->rd[i].buf);
		gw_buf_free(&r->rd[i].key);
	}
	free(r->rd);
	free(r->heap);
	r->rd = NULL;
	r->heap = NULL;
	r->nheap = 0;
}

void gw_runs_free(gw_runs *r)
{
	if (!r)
		return;
	free_readers(r);
	if (r->fd >= 0)
		close(r->fd);
	free(r->starts);
	gw_buf_free(&r->w);
	free(r->dir);
	free(r);
}

void gw_runs_reset(gw_runs *r)
{
	free_readers(r);
	r->nruns = 0;
	r->writing = 0;
	r->size = 0;
	gw_buf_reset(&r->w);
	if (r->fd >= 0 && ftruncate(r->fd, 0) != 0) { /* keep it from growing: a new file */
		close(r->fd);
		r->fd = -1;
	}
}

size_t gw_runs_count(const gw_runs *r) { return r->nruns; }

static gw_rc io_err(const gw_runs *r, gw_err *err, int sys, const char *what)
{
	return gw_err_set(err, GW_EIO, sys, "cannot %s temporary postings in '%s': %s%s", what, r->dir,
	                  strerror(sys), sys == ENOSPC ? " (disk full?)" : "");
}

/* An unnamed file in dir: nothing is left behind if the process dies. Where
 * the filesystem has no O_TMPFILE, a named one, unlinked at once. */
static gw_rc open_file(gw_runs *r, gw_err *err)
{
	char path[4096];

	r->fd = open(r->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (r->fd >= 0)
		return GW_OK;
	if (snprintf(path, sizeof path, "%s/.gongwen-runs-XXXXXX", r->dir) >= (int)sizeof path)
		return gw_err_set(err, GW_EINVAL, 0, "index path too long");
	r->fd = mkstemp(path);
	if (r->fd < 0)
		return io_err(r, err, errno, "create");
	unlink(path);
	return GW_OK;
}

static gw_rc write_all(gw_runs *r, const unsigned char *p, size_t n, gw_err *err)
{
	while (n) {
		ssize_t k = write(r->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return io_err(r, err, k < 0 ? errno : ENOSPC, "write");
		p += k;
		n -= (size_t)k;
		r->size += (uint64_t)k;
	}
	return GW_OK;
}

static gw_rc write_buffered(gw_runs *r, gw_err *err)
{
	gw_rc rc = write_all(r, r->w.p, r->w.len, err);

	gw_buf_reset(&r->w);
	return rc;
}

gw_rc gw_runs_add(gw_runs *r, const void *key, size_t klen, const gw_plist *l, gw_err *err)
{
	if (r->fd < 0 && open_file(r, err))
		return err->rc;
	if (!r->writing) {
		if (r->nruns + 2 > r->starts_cap) {
			size_t cap = r->starts_cap ? 2 * r->starts_cap : 16;
			uint64_t *s = realloc(r->starts, cap * sizeof *s);
			if (!s)
				return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
			r->starts = s;
			r->starts_cap = cap;
		}
		r->starts[r->nruns] = r->size + r->w.len;
		r->writing = 1;
	}
	gw_buf_put_varint(&r->w, klen);
	gw_buf_append(&r->w, key, klen);
	gw_buf_put_varint(&r->w, l->ndocs);
	gw_buf_put_varint(&r->w, l->last_docid);
	gw_buf_put_varint(&r->w, l->len);
	/* A long list goes from where it is, not through the buffer. */
	if (l->len >= WBUF / 2) {
		if (!gw_buf_ok(&r->w))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		if (write_buffered(r, err) || write_all(r, l->p, l->len, err))
			return err->rc;
		return GW_OK;
	}
	gw_buf_append(&r->w, l->p, l->len);
	if (!gw_buf_ok(&r->w))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	return r->w.len >= WBUF ? write_buffered(r, err) : GW_OK;
}

gw_rc gw_runs_end(gw_runs *r, gw_err *err)
{
	if (!r->writing)
		return GW_OK;
	if (write_buffered(r, err))
		return err->rc;
	r->writing = 0;
	r->starts[++r->nruns] = r->size;
	return GW_OK;
}

/* ---- merging ----
 * Memory stays bounded however many runs there are and however long a
 * term's list is: each reader's buffer shrinks as runs multiply (their
 * sum is the memory gw_runs_merge_begin is given), a list is read only
 * when it is taken, one run's at a time, and a list that did not fit in
 * its reader's buffer is read into the caller's buffer. */

enum { RBUF_MIN = 16 << 10, RBUF_MAX = 1 << 18 };

/* Reads more of rd's run into its buffer, keeping the unread bytes.
 * -1 on a read error (errno set). */
static int refill(const gw_runs *r, run_reader *rd)
{
	memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
	rd->len -= rd->pos;
	rd->pos = 0;
	while (rd->len < r->rbuf && rd->at < rd->end) {
		size_t want = r->rbuf - rd->len;
		ssize_t k;
		if (want > rd->end - rd->at)
			want = (size_t)(rd->end - rd->at);
		k = pread(r->fd, rd->buf + rd->len, want, (off_t)rd->at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO; /* the file is shorter than what was written */
			return -1;
		}
		rd->len += (size_t)k;
		rd->at += (uint64_t)k;
	}
	return 0;
}

/* A varint from rd's buffer, refilled first if fewer than 10 bytes are
 * left. 0, or -1 (errno set; EIO for a damaged record). */
static int read_varint(const gw_runs *r, run_reader *rd, uint64_t *v)
{
	const unsigned char *p;

	if (rd->len - rd->pos < 10 && refill(r, rd))
		return -1;
	p = rd->buf + rd->pos;
	if (gw_varint_get(&p, rd->buf + rd->len, v)) {
		errno = EIO;
		return -1;
	}
	rd->pos = (size_t)(p - rd->buf);
	return 0;
}

/* Reads rd's next record header, and notes where its list is: in the
 * buffer (list.p set) or in the file (list.p NULL, at list_at), passed
 * over either way. rd->has 0 at the end of its run. */
static gw_rc next_record(const gw_runs *r, run_reader *rd, gw_err *err)
{
	uint64_t klen, ndocs, last, len;
	size_t avail;

	rd->has = 0;
	if (rd->pos == rd->len && rd->at == rd->end)
		return GW_OK;
	errno = 0;
	if (read_varint(r, rd, &klen) || klen > 4096 || (rd->len - rd->pos < klen && refill(r, rd)) ||
	    rd->len - rd->pos < klen)
		goto fail;
	gw_buf_reset(&rd->key);
	gw_buf_append(&rd->key, rd->buf + rd->pos, (size_t)klen);
	if (!gw_buf_ok(&rd->key))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	rd->pos += (size_t)klen;
	if (read_varint(r, rd, &ndocs) || read_varint(r, rd, &last) || read_varint(r, rd, &len) ||
	    ndocs > UINT32_MAX || last > UINT32_MAX || len > rd->end)
		goto fail;
	rd->list.ndocs = (uint32_t)ndocs;
	rd->list.last_docid = (uint32_t)last;
	rd->list.len = (size_t)len;
	avail = rd->len - rd->pos;
	if (len > avail && len <= r->rbuf / 2) {
		if (refill(r, rd))
			goto fail;
		avail = rd->len - rd->pos;
	}
	if (len <= avail) {
		rd->list.p = rd->buf + rd->pos;
		rd->pos += (size_t)len;
	} else { /* longer than the buffer: read when taken */
		rd->list.p = NULL;
		rd->list_at = rd->at - avail;
		if (rd->list_at + len > rd->end)
			goto fail;
		rd->at = rd->list_at + len;
		rd->pos = rd->len;
	}
	rd->has = 1;
	return GW_OK;
fail:
	return io_err(r, err, errno ? errno : EIO, "read");
}

/* LMDB's key order; equal keys by run. */
static int before(const gw_runs *r, size_t a, size_t b)
{
	const gw_buf *x = &r->rd[a].key, *y = &r->rd[b].key;
	int c = gw_key_cmp(x->p, x->len, y->p, y->len);

	return c ? c < 0 : a < b;
}

static void heap_push(gw_runs *r, size_t run)
{
	size_t i = r->nheap++;

	while (i > 0 && before(r, run, r->heap[(i - 1) / 2])) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = run;
}

static void heap_pop(gw_runs *r)
{
	size_t last = r->heap[--r->nheap], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= r->nheap)
			break;
		if (c + 1 < r->nheap && before(r, r->heap[c + 1], r->heap[c]))
			c++;
		if (!before(r, r->heap[c], last))
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (r->nheap)
		r->heap[i] = last;
}

gw_rc gw_runs_merge_begin(gw_runs *r, size_t memory, gw_err *err)
{
	if (gw_runs_end(r, err))
		return err->rc;
	free_readers(r);
	r->rbuf = r->nruns ? memory / r->nruns : RBUF_MAX;
	r->rbuf = r->rbuf < RBUF_MIN ? RBUF_MIN : r->rbuf > RBUF_MAX ? RBUF_MAX : r->rbuf;
	r->pending = SIZE_MAX;
	r->rd = calloc(r->nruns ? r->nruns : 1, sizeof *r->rd);
	r->heap = malloc((r->nruns ? r->nruns : 1) * sizeof *r->heap);
	if (!r->rd || !r->heap)
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < r->nruns; i++) {
		run_reader *rd = &r->rd[i];
		rd->at = r->starts[i];
		rd->end = r->starts[i + 1];
		if (!(rd->buf = malloc(r->rbuf)))
			return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
		if (next_record(r, rd, err))
			return err->rc;
		if (rd->has)
			heap_push(r, i);
	}
	return GW_OK;
}

/* Moves on the reader whose list the last take gave (its buffer held it). */
static gw_rc advance_pending(gw_runs *r, gw_err *err)
{
	size_t run = r->pending;

	if (run == SIZE_MAX)
		return GW_OK;
	r->pending = SIZE_MAX;
	if (next_record(r, &r->rd[run], err))
		return err->rc;
	if (r->rd[run].has)
		heap_push(r, run);
	return GW_OK;
}

int gw_runs_peek(gw_runs *r, const unsigned char **key, size_t *klen, gw_err *err)
{
	if (advance_pending(r, err))
		return -1;
	if (!r->nheap)
		return 0;
	*key = r->rd[r->heap[0]].key.p;
	*klen = r->rd[r->heap[0]].key.len;
	return 1;
}

gw_rc gw_runs_take(gw_runs *r, gw_plist *l, gw_buf *scratch, gw_err *err)
{
	run_reader *rd;
	size_t run;

	if (advance_pending(r, err))
		return err->rc;
	if (!r->nheap)
		return gw_err_set(err, GW_EINVAL, 0, "no run left to take from");
	run = r->heap[0];
	rd = &r->rd[run];
	heap_pop(r);
	r->pending = run;
	*l = rd->list;
	if (l->p)
		return GW_OK;
	gw_buf_reset(scratch);
	if (gw_buf_reserve(scratch, l->len ? l->len : 1))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	for (size_t got = 0; got < l->len;) {
		ssize_t k = pread(r->fd, scratch->p + got, l->len - got, (off_t)(rd->list_at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return io_err(r, err, k < 0 ? errno : EIO, "read");
		got += (size_t)k;
	}
	scratch->len = l->len;
	l->p = scratch->p;
	return GW_OK;
}
