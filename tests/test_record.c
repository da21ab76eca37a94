/* Tests of gw_record: the stored record, with long texts deflated. */
#include <string.h>

#include "gw_record.h"
#include "gw_test.h"

static gw_deflater *zc; /* the tests' compressor */

/* A record with a short plain field and a long one deflated. */
static void build(gw_buf *out, gw_buf *z, char *long_text, size_t n)
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
	CHECK(gw_record_deflate(z, zc, long_text, n) == 1 && z->len < n / 4);
	r.zipped[1] = 1;
	r.raw_len[1] = n;
	r.text[1] = (const char *)z->p;
	r.text_len[1] = z->len;
	gw_record_build(out, &r);
}

static void test_round_trip(void)
{
	gw_buf out = GW_BUF_INIT, z = GW_BUF_INIT, unz = GW_BUF_INIT;
	char text[2400];
	gw_record r;
	const char *first;

	build(&out, &z, text, sizeof text);
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz) == 0);
	CHECK(r.id_len == 5 && memcmp(r.id, "doc-1", 5) == 0 && r.hash == 0x0123456789abcdefull);
	CHECK(r.script == 2 && r.nf == 2 && r.flen[1] == 100);
	CHECK(r.text_len[0] == 2 && memcmp(r.text[0], "_x", 2) == 0 && !r.zipped[0]);
	CHECK(r.zipped[1] && r.text_len[1] == sizeof text && memcmp(r.text[1], text, sizeof text) == 0);
	/* Parsed again into the same buffer: the pointers stay valid. */
	first = r.text[1];
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz) == 0 && r.text[1] == first);
	/* Without a buffer the deflated field is left out, the rest is read. */
	CHECK(gw_record_parse(out.p, out.len, &r, 1, NULL) == 0);
	CHECK(r.text[1] == NULL && r.zipped[1] && r.text_len[0] == 2);
	gw_buf_free(&out);
	gw_buf_free(&z);
	gw_buf_free(&unz);
}

/* Short or incompressible texts stay as they are. */
static void test_not_worth_it(void)
{
	gw_buf z = GW_BUF_INIT;
	char noise[600];
	unsigned x = 12345;

	CHECK(gw_record_deflate(&z, zc, "短文本", 9) == 0);
	for (size_t i = 0; i < sizeof noise; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (char)(x >> 24);
	}
	CHECK(gw_record_deflate(&z, zc, noise, sizeof noise) == 0);
	gw_buf_free(&z);
}

/* Damaged deflated bytes make the record damaged, not a wrong text. */
static void test_damaged(void)
{
	gw_buf out = GW_BUF_INIT, z = GW_BUF_INIT, unz = GW_BUF_INIT;
	char text[2400];
	gw_record r;

	build(&out, &z, text, sizeof text);
	out.p[out.len - 5] ^= 0x55;
	CHECK(gw_record_parse(out.p, out.len, &r, 1, &unz) == -1);
	CHECK(gw_record_parse(out.p, out.len - 1, &r, 1, &unz) == -1);
	gw_buf_free(&out);
	gw_buf_free(&z);
	gw_buf_free(&unz);
}

/* Without a compressor, texts are stored as they are. */
static void test_no_deflater(void)
{
	static char text[4096];
	gw_buf z = GW_BUF_INIT;

	memset(text, 'a', sizeof text);
	CHECK(gw_record_deflate(&z, zc, text, sizeof text) == 1);
	CHECK(gw_record_deflate(&z, NULL, text, sizeof text) == 0 && z.len == 0);
	gw_buf_free(&z);
}

int main(void)
{
	zc = gw_deflater_new();
	if (!zc)
		return 1;
	RUN(test_round_trip);
	RUN(test_not_worth_it);
	RUN(test_damaged);
	RUN(test_no_deflater);
	gw_deflater_free(zc);
	return TEST_EXIT();
}
