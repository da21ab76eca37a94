/* gw_postings: chunk and entry codec (format in gw_postings.h). */
#include "store/gw_postings.h"

#include <string.h>

/* Reads a chunk header: ndocs, span; p moves past it. */
static int read_header(const unsigned char **p, const unsigned char *end, uint32_t first,
                       uint32_t *ndocs, uint32_t *last)
{
	uint64_t n, span;

	if (gw_varint_get(p, end, &n) || n > UINT32_MAX || gw_varint_get(p, end, &span) ||
	    span > UINT32_MAX - first)
		return -1;
	*ndocs = (uint32_t)n;
	*last = first + (uint32_t)span;
	return 0;
}

int gw_chunk_header(const void *val, size_t len, uint32_t first_docid, uint32_t *ndocs,
                    uint32_t *last_docid)
{
	const unsigned char *p = val;

	if (read_header(&p, p + len, first_docid, ndocs, last_docid) || *ndocs == 0)
		return -1;
	return 0;
}

int gw_chunk_open(gw_entry_reader *r, const void *val, size_t len, uint32_t first_docid,
                  uint32_t *last_docid)
{
	const unsigned char *p = val, *end = p + len;
	uint32_t n, last;

	if (read_header(&p, end, first_docid, &n, &last))
		return -1;
	if (last_docid)
		*last_docid = last;
	r->p = p;
	r->end = end;
	r->docid = first_docid;
	r->left = n;
	return 0;
}

int gw_entry_next(gw_entry_reader *r, gw_entry *e)
{
	uint64_t dd, x, tf = 1, plen;

	if (r->left == 0)
		return 0;
	if (gw_varint_get(&r->p, r->end, &dd) || gw_varint_get(&r->p, r->end, &x))
		return -1;
	if (!(x & 1) && (gw_varint_get(&r->p, r->end, &tf) || tf < 2))
		return -1;
	plen = x >> 1;
	if (plen > (size_t)(r->end - r->p) || dd > UINT32_MAX - r->docid || tf > UINT32_MAX)
		return -1;
	r->docid += (uint32_t)dd;
	e->docid = r->docid;
	e->tf = (uint32_t)tf;
	e->pos = r->p;
	e->plen = (size_t)plen;
	r->p += plen;
	r->left--;
	return 1;
}

uint32_t gw_entry_positions(const gw_entry *e, uint32_t *out)
{
	const unsigned char *p = e->pos, *end = e->pos + e->plen;
	uint32_t n = 0, pos = 0;
	uint64_t d;

	while (n < e->tf && p < end && gw_varint_get(&p, end, &d) == 0) {
		pos += (uint32_t)d;
		out[n++] = pos;
	}
	return n;
}

/* Appends an entry whose docid delta is dd: one reservation, then the
 * varints written in place. */
static void put_entry(gw_buf *b, uint32_t dd, uint32_t tf, const unsigned char *pos, size_t plen)
{
	unsigned char *p;

	if (gw_buf_reserve(b, 20 + plen))
		return;
	p = b->p + b->len;
	p += gw_varint_put(p, dd);
	p += gw_varint_put(p, (uint64_t)plen << 1 | (tf == 1));
	if (tf != 1)
		p += gw_varint_put(p, tf);
	memcpy(p, pos, plen);
	b->len = (size_t)(p + plen - b->p);
}

/* Bytes of the varint of v. */
static inline size_t u32_len(uint32_t v)
{
	return v < (1u << 7) ? 1 : v < (1u << 14) ? 2 : v < (1u << 21) ? 3 : v < (1u << 28) ? 4 : 5;
}

/* Writes a chunk header (gw_postings.h: ndocs, span) at out, which has
 * room for 10 bytes; returns its length, u32_len(n) + u32_len(last - first). */
static size_t put_chunk_header(unsigned char *out, uint32_t first, uint32_t last, uint32_t n)
{
	size_t len = gw_varint_put(out, n);
	return len + gw_varint_put(out + len, last - first);
}

void gw_plist_add(gw_plist *l, uint32_t docid, const uint32_t *pos, uint32_t npos, uint32_t tf)
{
	size_t plen = 0;
	uint32_t prev = 0;
	unsigned char *p;

	/* The caller made room for the whole entry (every list gets an entry
	 * per document: the hot path of indexing). plen precedes the
	 * positions it measures: it comes from the deltas' sizes first. */
	for (uint32_t i = 0; pos && i < npos; i++) {
		plen += u32_len(pos[i] - prev);
		prev = pos[i];
	}
	p = l->p + l->len;
	p += gw_varint_put(p, docid - l->last_docid);
	p += gw_varint_put(p, (uint64_t)plen << 1 | (tf == 1));
	if (tf != 1)
		p += gw_varint_put(p, tf);
	prev = 0;
	for (uint32_t i = 0; pos && i < npos; i++) {
		p += gw_varint_put(p, pos[i] - prev);
		prev = pos[i];
	}
	l->len = (size_t)(p - l->p);
	l->last_docid = docid;
	l->ndocs++;
}

int gw_plist_concat(gw_buf *out, gw_plist *o, const gw_plist *b)
{
	const unsigned char *p = b->p, *end = b->p + b->len;
	uint64_t first;

	if (b->ndocs == 0)
		return 0;
	if (gw_varint_get(&p, end, &first) || (o->ndocs && first <= o->last_docid) || first > b->last_docid)
		return -1;
	gw_buf_put_varint(out, first - o->last_docid);
	gw_buf_append(out, p, (size_t)(end - p));
	o->ndocs += b->ndocs;
	o->last_docid = b->last_docid;
	return 0;
}

void gw_plist_cut_init(gw_plist_cut *c, const gw_plist *l)
{
	memset(c, 0, sizeof *c);
	gw_plist_reader(l, &c->r);
}

int gw_plist_cut_next(gw_plist_cut *c, uint32_t *first, size_t *size)
{
	const unsigned char *p = c->r.p;
	gw_entry e;
	size_t body;
	int rc;

	/* The inline decoder (most entries are of its form): cutting walks
	 * every entry of every list a build writes. */
	if ((rc = gw_entry_next_fast(&c->r, &e)) != 1)
		return rc;
	while (p < c->r.end && (*p & 0x80)) /* past the first docid delta */
		p++;
	c->from = p + 1;
	c->first = c->last = e.docid;
	c->n = 1;
	body = 1 + (size_t)(c->r.p - c->from);
	/* The builder's rule: a chunk ends after the entry that brings it to
	 * GW_CHUNK_DOCS entries or GW_CHUNK_BYTES bytes. */
	while (c->n < GW_CHUNK_DOCS && body < GW_CHUNK_BYTES) {
		const unsigned char *at = c->r.p;
		if ((rc = gw_entry_next_fast(&c->r, &e)) != 1) {
			if (rc < 0)
				return -1;
			break;
		}
		body += (size_t)(c->r.p - at);
		c->last = e.docid;
		c->n++;
	}
	c->to = c->r.p;
	*first = c->first;
	*size = u32_len(c->n) + u32_len(c->last - c->first) + body;
	return 1;
}

void gw_plist_cut_write(const gw_plist_cut *c, unsigned char *out)
{
	out += put_chunk_header(out, c->first, c->last, c->n);
	*out++ = 0;
	memcpy(out, c->from, (size_t)(c->to - c->from));
}

void gw_plist_reader(const gw_plist *l, gw_entry_reader *r)
{
	r->p = l->p;
	r->end = l->p + l->len;
	r->docid = 0;
	r->left = l->ndocs;
}

void gw_chunk_builder_init(gw_chunk_builder *b) { memset(b, 0, sizeof *b); }

void gw_chunk_builder_free(gw_chunk_builder *b)
{
	gw_buf_free(&b->body);
	gw_buf_free(&b->out);
}

void gw_chunk_builder_reset(gw_chunk_builder *b)
{
	gw_buf_reset(&b->body);
	gw_buf_reset(&b->out);
	b->n = 0;
}

int gw_chunk_builder_add(gw_chunk_builder *b, const gw_entry *e)
{
	if (b->n == 0)
		b->first = e->docid;
	put_entry(&b->body, e->docid - (b->n ? b->last : b->first), e->tf, e->pos, e->plen);
	b->last = e->docid;
	b->n++;
	return b->n >= GW_CHUNK_DOCS || b->body.len >= GW_CHUNK_BYTES;
}

int gw_chunk_builder_take(gw_chunk_builder *b, uint32_t *first)
{
	if (b->n == 0)
		return 0;
	gw_buf_reset(&b->out);
	if (gw_buf_reserve(&b->out, 10) == 0) /* else out of memory: gw_chunk_builder_ok says */
		b->out.len = put_chunk_header(b->out.p, b->first, b->last, b->n);
	gw_buf_append(&b->out, b->body.p, b->body.len);
	*first = b->first;
	gw_buf_reset(&b->body);
	b->n = 0;
	return 1;
}
