/* gen_seeds: writes the seed inputs of fuzz_postings, fuzz_tblock and
 * fuzz_record (tests/fuzz/seeds/{postings,tblock,record}/) with the
 * encoders the index uses: chunks of a few shapes (one entry, tf 1 and
 * more, positions, wide docid gaps, a full chunk), blocks of small lists
 * under real term keys, records with raw, packed and dictionary-packed
 * fields (the dictionary of fuzz_dict.h). Deterministic; run from the
 * repository root after building:
 *   cc -D_GNU_SOURCE -Ilib tests/fuzz/gen_seeds.c build/libgongwen.a \
 *      $(pkg-config --libs ...) -o /tmp/gen_seeds && /tmp/gen_seeds */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/gw_postings.h"
#include "store/gw_record.h"
#include "store/gw_tblock.h"
#include "fuzz_dict.h"

static void put_file(const char *dir, int n, const void *a, size_t alen, const void *b, size_t blen)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "tests/fuzz/seeds/%s/%s-%02d", dir, dir, n);
	if (!(f = fopen(path, "wb")) || fwrite(a, 1, alen, f) != alen || fwrite(b, 1, blen, f) != blen ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Chunk number shape: entries at docids first + k * gap, tf and positions
 * as the shape says. */
static size_t make_chunk(gw_chunk_builder *cb, int shape, uint32_t *first)
{
	uint32_t pos[8] = {0};
	gw_plist l = {0};
	gw_entry_reader r;
	gw_entry e;
	int n = shape == 0 ? 1 : shape == 4 ? GW_CHUNK_DOCS : 3 + shape * 5;
	uint32_t gap = shape == 3 ? 100000 : 1 + (uint32_t)shape;

	l.cap = (size_t)n * GW_PLIST_ENTRY_MAX(8);
	l.p = malloc(l.cap);
	for (int k = 0; k < n; k++) {
		uint32_t tf = shape == 1 ? 1 : 1 + (uint32_t)(k % 4);
		for (uint32_t j = 0; j < tf; j++)
			pos[j] = (uint32_t)k + j * 7 + (shape == 2 ? 300 : 0);
		gw_plist_add(&l, 5 + (uint32_t)k * gap, shape == 5 ? NULL : pos, shape == 5 ? 0 : tf, tf);
	}
	gw_chunk_builder_reset(cb);
	gw_plist_reader(&l, &r);
	while (gw_entry_next(&r, &e) == 1)
		gw_chunk_builder_add(cb, &e);
	gw_chunk_builder_take(cb, first);
	free(l.p);
	return cb->out.len;
}

static void postings_and_blocks(void)
{
	gw_chunk_builder cb;
	gw_buf block = GW_BUF_INIT;
	unsigned char be[4], key[64], prev[64];
	size_t klen, plen = 0;
	uint32_t first;
	int nb = 0;

	gw_chunk_builder_init(&cb);
	for (int shape = 0; shape < 6; shape++) {
		make_chunk(&cb, shape, &first);
		be[0] = (unsigned char)(first >> 24), be[1] = (unsigned char)(first >> 16);
		be[2] = (unsigned char)(first >> 8), be[3] = (unsigned char)first;
		put_file("postings", shape, be, 4, cb.out.p, cb.out.len);
	}
	/* Blocks: terms "b" + a word + NUL + fid, small chunks of shapes 0
	 * and 1 (one to three documents), the key of the third entry to find. */
	for (int b = 0; b < 4; b++) {
		unsigned char find[64];
		size_t flen = 0;
		gw_buf_reset(&block);
		plen = 0;
		for (int i = 0; i < 3 + b * 3; i++) {
			const char *w = fuzz_words[(size_t)(b * 7 + i) % (sizeof fuzz_words / sizeof *fuzz_words)];
			klen = (size_t)snprintf((char *)key, sizeof key, "%c%s-%02d", "bcwt"[b], w, i);
			key[klen++] = 0;
			key[klen++] = (unsigned char)(1 + i % 3);
			make_chunk(&cb, i % 2, &first);
			if (cb.out.len > GW_SMALL_BYTES ||
			    gw_tblock_put(&block, plen ? prev : NULL, plen, key, klen, first + (uint32_t)b * 1000, cb.out.p,
			                  cb.out.len))
				continue;
			memcpy(prev, key, klen);
			plen = klen;
			if (i == 2) {
				memcpy(find + 1, key, klen);
				flen = klen;
			}
		}
		find[0] = (unsigned char)flen;
		put_file("tblock", nb++, find, flen + 1, block.p, block.len);
	}
	gw_buf_free(&block);
	gw_chunk_builder_free(&cb);
}

static void records(void)
{
	gw_zdict *dict = fuzz_dict();
	gw_packer *pk = gw_packer_new();
	gw_buf text[3] = {GW_BUF_INIT, GW_BUF_INIT, GW_BUF_INIT}, packed[3] = {GW_BUF_INIT, GW_BUF_INIT, GW_BUF_INIT};
	gw_buf out = GW_BUF_INIT;
	gw_record r;
	int n = 0;

	if (!dict || gw_zdict_for_packing(dict) || !pk) {
		fprintf(stderr, "gen_seeds: no dictionary\n");
		exit(1);
	}
	/* how: 0 raw fields, 1 packed without the dictionary, 2 with it. */
	for (int how = 0; how < 3; how++) {
		memset(&r, 0, sizeof r);
		r.id = how ? "man/zh_TW/ab.1" : "rec-2021-005";
		r.id_len = strlen(r.id);
		r.hash = 0x0123456789abcdefULL * (uint64_t)(how + 1);
		r.script = how;
		r.nf = 3;
		for (unsigned f = 0; f < r.nf; f++) {
			fuzz_text(&text[f], (unsigned)how * 10 + f);
			if (f == 0)
				text[f].len = 40; /* a title: short, raw */
			r.fid[f] = f + 1;
			r.flen[f] = (uint32_t)text[f].len / 3;
			r.text[f] = (const char *)text[f].p;
			r.text_len[f] = text[f].len;
			r.raw_len[f] = text[f].len;
			r.packed[f] = GW_PACK_RAW;
			if (how && f) {
				int p = gw_record_pack(&packed[f], pk, how == 2 ? dict : NULL, r.text[f], r.text_len[f]);
				if (p != GW_PACK_RAW) {
					r.packed[f] = (unsigned char)p;
					r.text[f] = (const char *)packed[f].p;
					r.text_len[f] = packed[f].len;
				}
			}
		}
		gw_record_build(&out, &r);
		for (unsigned char mode = 0; mode < 4; mode++) {
			if (how == 2 && !(mode & 1))
				continue;
			put_file("record", n++, &mode, 1, out.p, out.len);
		}
	}
	for (int i = 0; i < 3; i++) {
		gw_buf_free(&text[i]);
		gw_buf_free(&packed[i]);
	}
	gw_buf_free(&out);
	gw_packer_free(pk);
	gw_zdict_free(dict);
}

int main(void)
{
	postings_and_blocks();
	records();
	return 0;
}
