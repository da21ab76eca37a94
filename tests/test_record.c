/* Tests of gw_record: the stored record, with long texts packed (zstd, with
 * or without a dictionary). */
#include <string.h>

#include "store/gw_record.h"
#include "gw_test.h"

static gw_packer *zc; /* the tests' compressor */

/* A record with a short plain field and a long one packed (with dict if
 * not NULL). */
static void build_with(gw_buf *out, gw_buf *z, char *long_text, size_t n, const gw_zdict *dict)
{
	gw_record r;

	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < n; i++)
		long_text[i] = "众创空间建设通知"[i % 24];
	r.id = "doc-1";
	r.id_len = 5;
	r.hash = 0x0123456789abcdefull;
	r.script = 2;
	r.nf = 2;
	r.fid[0] = 1;
	r.flen[0] = 2;
	r.text[0] = "_x";
	r.text_len[0] = 2;
	r.fid[1] = 2;
	r.flen[1] = 100;
	r.packed[1] = (unsigned char)gw_record_pack(z, zc, dict, long_text, n);
	CHECK(r.packed[1] == (dict ? GW_PACK_ZSTD_DICT : GW_PACK_ZSTD) && z->len < n / 4);
	r.raw_len[1] = n;
	r.text[1] = (const char *)z->p;
	r.text_len[1] = z->len;
	gw_record_build(out, &r);
}

static void build(gw_buf *out, gw_buf *z, char *long_text, size_t n) { build_with(out, z, long_text, n, NULL); }

static void test_round_trip(void)
{
	gw_buf out = GW_BUF_INIT, z = GW_BUF_INIT, unz = GW_BUF_INIT;
	gw_unpacker u = GW_UNPACKER_INIT;
	char text[2400];
	gw_record r;
	const char *first;

	build(&out, &z, text, sizeof text);
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, &u) == 0);
	CHECK(r.id_len == 5 && memcmp(r.id, "doc-1", 5) == 0 && r.hash == 0x0123456789abcdefull);
	CHECK(r.script == 2 && r.nf == 2 && r.flen[1] == 100);
	CHECK(r.text_len[0] == 2 && memcmp(r.text[0], "_x", 2) == 0 && !r.packed[0]);
	CHECK(r.packed[1] && r.text_len[1] == sizeof text && memcmp(r.text[1], text, sizeof text) == 0);
	/* Parsed again into the same buffer: the pointers stay valid. */
	first = r.text[1];
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, &u) == 0 && r.text[1] == first);
	/* Without a buffer the packed field is left out, the rest is read. */
	CHECK(gw_record_parse(out.p, out.len, &r, 1, NULL, NULL) == 0);
	CHECK(r.text[1] == NULL && r.packed[1] && r.text_len[0] == 2);
	/* Unpacking needs an unpacker. */
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, NULL) == -1);
	gw_buf_free(&out);
	gw_buf_free(&z);
	gw_buf_free(&unz);
	gw_unpacker_free(&u);
}

/* Texts that share their vocabulary: notices of the same kind. */
static size_t notice(char *out, size_t cap, unsigned i)
{
	static const char *const parts[] = {"关于公布第二批专业化众创空间名单的通知", "各省、自治区、直辖市科技厅（委、局）",
	                                    "国科发区〔2020〕73号", "依托主体：", "为深入实施创新驱动发展战略",
	                                    "江苏省", "浙江省", "有限公司", "科技部", "特此通知。"};
	size_t n = 0;

	for (unsigned k = 0; n + 64 < cap && k < 40; k++)
		n += (size_t)snprintf(out + n, cap - n, "%s%u", parts[(i * 7 + k * 3) % 10], (i + k) % 97);
	return n;
}

/* A dictionary trained on texts like the one packed: the record says so,
 * the text comes back with the dictionary and not without it, and it packs
 * smaller than without one. Too little text trains none. */
static void test_dictionary(void)
{
	static char texts[400][2048];
	const char *tp[400];
	size_t lens[400];
	gw_buf dict = GW_BUF_INIT, out = GW_BUF_INIT, z = GW_BUF_INIT, z0 = GW_BUF_INIT, unz = GW_BUF_INIT;
	gw_unpacker u = GW_UNPACKER_INIT;
	gw_zdict *zd;
	char text[2400];
	gw_record r;

	for (unsigned i = 0; i < 400; i++) {
		lens[i] = notice(texts[i], sizeof texts[i], i);
		tp[i] = texts[i];
	}
	CHECK(gw_zdict_train(&dict, tp, lens, 3) == -1);
	CHECK(gw_zdict_train(&dict, tp, lens, 400) == 0 && dict.len >= 1024);
	zd = gw_zdict_new(dict.p, dict.len);
	CHECK(zd != NULL);
	if (!zd)
		return;
	/* Not made ready for packing (as a search's): packs without it. */
	CHECK(gw_record_pack(&z, zc, zd, texts[0], lens[0]) == GW_PACK_ZSTD);
	CHECK(gw_zdict_for_packing(zd) == 0);
	build_with(&out, &z, text, sizeof text, zd);
	u.dict = zd;
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, &u) == 0);
	CHECK(r.packed[1] == GW_PACK_ZSTD_DICT && r.text_len[1] == sizeof text &&
	      memcmp(r.text[1], text, sizeof text) == 0);
	u.dict = NULL; /* an index without its dictionary: damaged */
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, &u) == -1);
	{
		char one[2048];
		size_t n = notice(one, sizeof one, 1000);
		CHECK(gw_record_pack(&z, zc, zd, one, n) == GW_PACK_ZSTD_DICT);
		CHECK(gw_record_pack(&z0, zc, NULL, one, n) == GW_PACK_ZSTD);
		CHECK(z.len < z0.len);
	}
	gw_zdict_free(zd);
	gw_unpacker_free(&u);
	gw_buf_free(&dict);
	gw_buf_free(&out);
	gw_buf_free(&z);
	gw_buf_free(&z0);
	gw_buf_free(&unz);
}

/* Short or incompressible texts stay as they are. */
static void test_not_worth_it(void)
{
	gw_buf z = GW_BUF_INIT;
	char noise[600];
	unsigned x = 12345;

	CHECK(gw_record_pack(&z, zc, NULL, "短文本", 9) == GW_PACK_RAW);
	for (size_t i = 0; i < sizeof noise; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (char)(x >> 24);
	}
	CHECK(gw_record_pack(&z, zc, NULL, noise, sizeof noise) == GW_PACK_RAW);
	gw_buf_free(&z);
}

/* Damaged packed bytes make the record damaged, not a wrong text. */
static void test_damaged(void)
{
	gw_buf out = GW_BUF_INIT, z = GW_BUF_INIT, unz = GW_BUF_INIT;
	gw_unpacker u = GW_UNPACKER_INIT;
	char text[2400];
	gw_record r;

	build(&out, &z, text, sizeof text);
	out.p[out.len - 5] ^= 0x55;
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz, &u) == -1);
	CHECK(gw_record_parse(out.p, out.len - 1, &r, 1, &unz, &u) == -1);
	gw_buf_free(&out);
	gw_buf_free(&z);
	gw_buf_free(&unz);
	gw_unpacker_free(&u);
}

/* Without a compressor, texts are stored as they are. */
static void test_no_packer(void)
{
	static char text[4096];
	gw_buf z = GW_BUF_INIT;

	memset(text, 'a', sizeof text);
	CHECK(gw_record_pack(&z, zc, NULL, text, sizeof text) == GW_PACK_ZSTD);
	CHECK(gw_record_pack(&z, NULL, NULL, text, sizeof text) == GW_PACK_RAW && z.len == 0);
	gw_buf_free(&z);
}

int main(void)
{
	zc = gw_packer_new();
	if (!zc)
		return 1;
	RUN(test_round_trip);
	RUN(test_not_worth_it);
	RUN(test_damaged);
	RUN(test_no_packer);
	RUN(test_dictionary);
	gw_packer_free(zc);
	return TEST_EXIT();
}
