/* fuzz_tblock: the decoder of blocks of small posting lists (gw_tblock.h)
 * on arbitrary bytes, as a damaged "small" value would be.
 *
 * Input: klen:u8, then klen bytes of a term key to look for, then the
 * block. Reads every entry (gw_tblock_next) and rebuilds its chunk
 * (gw_tblock_chunk), whose entries are then read too; looks the key up
 * (gw_tblock_find), and each key the block lists, which must be found
 * where reading found it (a disagreement aborts). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/gw_postings.h"
#include "store/gw_tblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The entries of a rebuilt chunk, read to the end. */
static void read_chunk(const unsigned char *c, size_t len, uint32_t first)
{
	gw_entry_reader r;
	gw_entry e;

	if (gw_chunk_open(&r, c, len, first, NULL))
		return;
	while (gw_entry_next_fast(&r, &e) == 1)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_tblock_reader r, f;
	unsigned char chunk[GW_SMALL_BYTES], *block;
	size_t klen, blen;
	int rc;

	if (size < 1 || (klen = data[0]) > size - 1)
		return 0;
	blen = size - 1 - klen;
	block = malloc(blen ? blen : 1);
	if (!block)
		return 0;
	memcpy(block, data + 1 + klen, blen);
	gw_tblock_find(&f, block, blen, data + 1, klen);
	gw_tblock_open(&r, block, blen);
	while ((rc = gw_tblock_next(&r)) == 1) {
		size_t clen = gw_tblock_chunk(&r, chunk);
		if (clen > GW_SMALL_BYTES)
			abort();
		read_chunk(chunk, clen, r.first);
		/* A key read in order is found, with the same entry: keys
		 * ascend (gw_tblock_next checks it), so find stops there. */
		if (gw_tblock_find(&f, block, blen, r.key, r.klen) != 1 || f.body != r.body || f.first != r.first)
			abort();
	}
	free(block);
	return 0;
}
