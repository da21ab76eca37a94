/* fuzz_postings: the posting chunk codec (gw_postings.h) on arbitrary
 * bytes, as a damaged index would hand it a chunk value.
 *
 * Input: first_docid:be32 (a chunk's first docid is in its key), then the
 * chunk value. Reads the header, every entry with both decoders (the
 * inline gw_entry_next_fast and gw_entry_next, which must agree), each
 * entry's positions into a buffer sized as readers size it
 * (gw_entry_npos_max), and seeks to a target taken from the input. A
 * decoder that reads or writes past its bounds is what the sanitizers
 * catch; a disagreement between the two decoders aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/gw_postings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const unsigned char *v, size_t len, uint32_t first)
{
	gw_entry_reader a, b;
	gw_entry ea, eb;
	uint32_t last, ndocs;
	int ra, rb;

	gw_chunk_header(v, len, first, &ndocs, &last);
	if (gw_chunk_open(&a, v, len, first, &last) || gw_chunk_open(&b, v, len, first, NULL))
		return;
	for (;;) {
		ra = gw_entry_next_fast(&a, &ea);
		rb = gw_entry_next(&b, &eb);
		/* The inline form reads only entries the other would: they
		 * agree on every entry until one of them stops. */
		if (ra == 1 && rb == 1 && (ea.docid != eb.docid || ea.tf != eb.tf || ea.plen != eb.plen))
			abort();
		if (ra != 1 || rb != 1)
			break;
		uint32_t n = gw_entry_npos_max(&ea);
		uint32_t *pos = malloc(((size_t)n + 1) * sizeof *pos);
		if (!pos)
			return;
		if (gw_entry_positions(&ea, pos) > n)
			abort();
		free(pos);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_entry_reader r;
	gw_entry e;
	uint32_t first, target;
	size_t len;
	unsigned char *v;

	if (size < 4)
		return 0;
	first = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	/* A copy of exactly the value's bytes: a read past them is caught. */
	len = size - 4;
	v = malloc(len ? len : 1);
	if (!v)
		return 0;
	memcpy(v, data + 4, len);
	read_all(v, len, first);
	/* Seek to a docid made of the first bytes of the value. */
	target = first + (len ? v[len - 1] * 3u : 0);
	if (gw_chunk_open(&r, v, len, first, NULL) == 0)
		while (gw_entry_seek(&r, target, &e) == 1)
			target = e.docid + 1 + (e.plen & 7);
	free(v);
	return 0;
}
