/* gw_record: encode/decode the docs-database value (layout in gw_store.c). */
#include "gw_record.h"

static int get_len(const unsigned char **p, const unsigned char *end, size_t *out)
{
	uint64_t v;

	if (gw_varint_get(p, end, &v) || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int gw_record_parse(const void *val, size_t len, gw_record *r, int texts)
{
	const unsigned char *p = val, *end = p + len;
	size_t n, v;

	if (get_len(&p, end, &n) || n > (size_t)(end - p))
		return -1;
	r->id = (const char *)p;
	r->id_len = n;
	p += n;
	if (p >= end)
		return -1;
	r->script = *p++;
	if (get_len(&p, end, &n) || n > GW_MAX_FIELDS)
		return -1;
	r->nf = (unsigned)n;
	for (unsigned i = 0; i < r->nf; i++) {
		if (get_len(&p, end, &v) || v == 0 || v > GW_MAX_FIELDS)
			return -1;
		r->fid[i] = (unsigned)v;
		if (get_len(&p, end, &v) || v > UINT32_MAX)
			return -1;
		r->flen[i] = (uint32_t)v;
	}
	if (!texts)
		return 0;
	for (unsigned i = 0; i < r->nf; i++) {
		if (get_len(&p, end, &n) || n > (size_t)(end - p))
			return -1;
		r->text[i] = (const char *)p;
		r->text_len[i] = n;
		p += n;
	}
	return p == end ? 0 : -1;
}

void gw_record_build(gw_buf *out, const gw_record *r)
{
	gw_buf_reset(out);
	gw_buf_put_varint(out, r->id_len);
	gw_buf_append(out, r->id, r->id_len);
	gw_buf_putc(out, r->script);
	gw_buf_put_varint(out, r->nf);
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, r->fid[i]);
		gw_buf_put_varint(out, r->flen[i]);
	}
	for (unsigned i = 0; i < r->nf; i++) {
		gw_buf_put_varint(out, r->text_len[i]);
		gw_buf_append(out, r->text[i], r->text_len[i]);
	}
}

int gw_record_field(const gw_record *r, unsigned fid)
{
	for (unsigned i = 0; i < r->nf; i++)
		if (r->fid[i] == fid)
			return (int)i;
	return -1;
}
