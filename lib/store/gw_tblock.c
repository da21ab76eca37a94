/* gw_tblock: blocks of small posting lists (format in gw_tblock.h). */
#include "store/gw_tblock.h"

#include <string.h>

#include "store/gw_postings.h"
#include "store/gw_store.h"

int gw_tblock_ends(const void *k, size_t len)
{
	uint64_t h = gw_hash(GW_HASH_INIT, k, len);

	return ((h ^ h >> 32) & (GW_TBLOCK_SPAN - 1)) == 0;
}

int gw_tblock_put(gw_buf *out, const void *prev, size_t prevlen, const void *k, size_t klen, uint32_t first,
                  const void *chunk, size_t clen)
{
	const unsigned char *a = prev, *b = k, *body = chunk, *end = body + clen;
	uint64_t ndocs, span;
	size_t shared = 0;

	/* The body: past the header and the first entry's docid delta. */
	if (clen > GW_SMALL_BYTES || gw_varint_get(&body, end, &ndocs) || gw_varint_get(&body, end, &span) ||
	    body == end || *body != 0)
		return -1;
	body++;
	while (prev && shared < prevlen && shared < klen && a[shared] == b[shared])
		shared++;
	gw_buf_put_varint(out, shared);
	gw_buf_put_varint(out, klen - shared);
	gw_buf_append(out, b + shared, klen - shared);
	gw_buf_put_varint(out, first);
	gw_buf_put_varint(out, (uint64_t)(end - body));
	gw_buf_append(out, body, (size_t)(end - body));
	return 0;
}

size_t gw_tblock_chunk(const gw_tblock_reader *r, unsigned char out[GW_SMALL_BYTES])
{
	unsigned char one[GW_SMALL_BYTES];
	gw_entry_reader er;
	gw_entry e;
	uint32_t n = 0, last = r->first;
	size_t len;
	int rc;

	/* Count the entries (and find the last docid) with the delta put
	 * back in front, then write the header before them. */
	if (r->blen + 1 > sizeof one)
		return 0;
	one[0] = 0;
	memcpy(one + 1, r->body, r->blen);
	er.p = one;
	er.end = one + 1 + r->blen;
	er.docid = r->first;
	er.left = GW_CHUNK_DOCS;
	while ((rc = gw_entry_next(&er, &e)) == 1) {
		n++;
		last = e.docid;
		if (er.p == er.end)
			break;
	}
	if (rc != 1 || er.p != er.end)
		return 0;
	len = gw_varint_put(out, n);
	len += gw_varint_put(out + len, last - r->first);
	if (len + 1 + r->blen > GW_SMALL_BYTES)
		return 0;
	memcpy(out + len, one, 1 + r->blen);
	return len + 1 + r->blen;
}

void gw_tblock_open(gw_tblock_reader *r, const void *block, size_t len)
{
	r->p = block;
	r->end = r->p + len;
	r->klen = 0;
	r->first = 0;
	r->body = NULL;
	r->blen = 0;
}

int gw_tblock_next(gw_tblock_reader *r)
{
	uint64_t shared, slen, first, clen;
	unsigned char prev_last;
	size_t prevlen = r->klen;

	if (r->p == r->end)
		return 0;
	if (gw_varint_get(&r->p, r->end, &shared) || gw_varint_get(&r->p, r->end, &slen) || shared > r->klen ||
	    slen == 0 || slen > GW_TBLOCK_KEY_MAX - shared || slen > (size_t)(r->end - r->p))
		return -1;
	/* Above the key before: the first differing byte is larger (no key
	 * is a prefix of the next but by being shorter, which suffix bytes
	 * past a shared prefix of the whole key make). */
	prev_last = shared < prevlen ? r->key[shared] : 0;
	memcpy(r->key + shared, r->p, slen);
	if (prevlen && shared < prevlen && r->key[shared] <= prev_last)
		return -1;
	r->klen = shared + slen;
	r->p += slen;
	if (gw_varint_get(&r->p, r->end, &first) || first > UINT32_MAX || gw_varint_get(&r->p, r->end, &clen) ||
	    clen > (size_t)(r->end - r->p))
		return -1;
	r->first = (uint32_t)first;
	r->body = r->p;
	r->blen = (size_t)clen;
	r->p += clen;
	return 1;
}

int gw_tblock_find(gw_tblock_reader *r, const void *block, size_t len, const void *k, size_t klen)
{
	const unsigned char *want = k;
	size_t m = 0; /* bytes the entry before matches of k (it sorts below k) */
	uint64_t shared, slen, first, clen;

	/* Without building each key: an entry sharing more than m bytes with
	 * the one before sorts below k too; sharing fewer, it sorts above (its
	 * byte at `shared` is above the one before's, which was k's). Only
	 * an entry sharing exactly m bytes has its suffix compared. */
	gw_tblock_open(r, block, len);
	while (r->p < r->end) {
		const unsigned char *s;
		int cmp = -1;
		if (gw_varint_get(&r->p, r->end, &shared) || gw_varint_get(&r->p, r->end, &slen) ||
		    slen > (size_t)(r->end - r->p) || shared + slen > GW_TBLOCK_KEY_MAX)
			return -1;
		s = r->p;
		r->p += slen;
		if (shared < m)
			return 0;
		if (shared == m) {
			size_t i = 0;
			while (i < slen && m + i < klen && s[i] == want[m + i])
				i++;
			m += i;
			if (i < slen && m < klen)
				cmp = s[i] < want[m] ? -1 : 1;
			else
				cmp = i < slen ? 1 : shared + slen < klen ? -1 : 0;
		}
		if (gw_varint_get(&r->p, r->end, &first) || first > UINT32_MAX ||
		    gw_varint_get(&r->p, r->end, &clen) || clen > (size_t)(r->end - r->p))
			return -1;
		if (cmp > 0)
			return 0;
		if (cmp == 0) {
			r->first = (uint32_t)first;
			r->body = r->p;
			r->blen = (size_t)clen;
			return 1;
		}
		r->p += clen;
	}
	return 0;
}
