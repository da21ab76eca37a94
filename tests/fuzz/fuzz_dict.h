/* fuzz_dict: the zstd dictionary fuzz_record unpacks with and
 * gen_seeds packs its seed records with: trained (gw_zdict_train) on
 * texts made here from a fixed word list by a fixed generator, so the same
 * on every run and machine. Header-only: each program includes it once. */
#ifndef FUZZ_DICT_H
#define FUZZ_DICT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/gw_buf.h"
#include "store/gw_record.h"

static const char *const fuzz_words[] = {
    "关于", "印发", "通知", "各省", "自治区", "直辖市", "科技厅", "財政廳", "專業化", "眾創空間",
    "众创空间", "江苏省", "管理办法", "年度", "绩效评价", "结果", "予以", "通报", "表扬", "项目",
    "承担单位", "经费", "安排", "伺服器", "效能", "測試", "工具", "apache", "server", "the",
    "request", "file", "国科发区", "〔2020〕", "73号", "，", "。", "、", "《", "》"};

/* Text number i: some 1500 bytes of words. */
static void fuzz_text(gw_buf *out, unsigned i)
{
	uint32_t x = 2463534242u ^ (i * 2654435761u);

	gw_buf_reset(out);
	while (out->len < 1500) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		const char *w = fuzz_words[x % (sizeof fuzz_words / sizeof *fuzz_words)];
		gw_buf_append(out, w, strlen(w));
	}
}

/* The dictionary (NULL if zstd could not make one); the caller frees it. */
static gw_zdict *fuzz_dict(void)
{
	enum { N = 400 };
	gw_buf texts[N], d = GW_BUF_INIT;
	const char *t[N];
	size_t l[N];
	gw_zdict *z = NULL;

	for (unsigned i = 0; i < N; i++) {
		texts[i] = (gw_buf)GW_BUF_INIT;
		fuzz_text(&texts[i], i);
		t[i] = (const char *)texts[i].p;
		l[i] = texts[i].len;
	}
	if (gw_zdict_train(&d, t, l, N) == 0)
		z = gw_zdict_new(d.p, d.len);
	for (unsigned i = 0; i < N; i++)
		gw_buf_free(&texts[i]);
	gw_buf_free(&d);
	return z;
}

#endif
