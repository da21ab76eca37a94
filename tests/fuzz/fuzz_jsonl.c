/* fuzz_jsonl: the JSON object parser (gw_json_parse_object,
 * lib/read/gw_json.h), its writer gw_json_put_string and the JSON Lines
 * reader (gw_input_jsonl) on any bytes.
 *
 * The whole input is parsed as one object: every key and value must be
 * readable to its length, and a well-formed value's raw text (nested
 * arrays and objects) must parse again when wrapped in an object. The
 * input is also written as a JSON string: that must be valid UTF-8 and
 * parse back to the input when the input is valid UTF-8. Then the reader
 * reads it as a file of lines into the checking sink of gw_fuzz_input.h.
 * Seeds: the JSON Lines of corpus/ and the lines of tests/test_json.c and
 * tests/test_input.c. */
#include "gw_fuzz_input.h"
#include "read/gw_json.h"
#include "text/gw_utf8.h"

/* Parses "{"k": raw}" (raw: a nested array or object that was accepted). */
static void reparse(const char *raw, size_t n)
{
	gw_json_obj o;
	gw_buf b = GW_BUF_INIT;

	gw_json_obj_init(&o);
	gw_buf_puts(&b, "{\"k\":");
	gw_buf_append(&b, raw, n);
	gw_buf_putc(&b, '}');
	/* Nested one level deeper now: the depth limit may refuse it. */
	if (gw_buf_ok(&b) && gw_json_parse_object(&o, (const char *)b.p, b.len, NULL) == GW_OK)
		GW_FUZZ_CHECK(o.n == 1 && o.m[0].val_len == n && memcmp(o.m[0].val, raw, n) == 0);
	gw_json_obj_free(&o);
	gw_buf_free(&b);
}

static void parse_whole(const char *p, size_t n)
{
	gw_json_obj o;
	gw_err err;

	gw_err_clear(&err);
	gw_json_obj_init(&o);
	if (gw_json_parse_object(&o, p, n, &err) == GW_OK) {
		for (size_t i = 0; i < o.n; i++) {
			const gw_json_member *m = &o.m[i];
			GW_FUZZ_CHECK(m->type >= GW_JSON_STRING && m->type <= GW_JSON_OBJECT);
			gw_fuzz_touch(m->key, m->key_len + 1);
			gw_fuzz_touch(m->val, m->val_len + 1);
			if (m->type == GW_JSON_ARRAY || m->type == GW_JSON_OBJECT)
				reparse(m->val, m->val_len);
		}
	} else {
		GW_FUZZ_CHECK(o.n == 0 && err.rc != GW_OK && gw_fuzz_touch_str(err.msg) > 0);
	}
	gw_json_obj_free(&o);
}

/* Writes p as a JSON string and reads it back. */
static void round_trip(const char *p, size_t n)
{
	gw_buf b = GW_BUF_INIT;
	gw_json_obj o;

	gw_json_obj_init(&o);
	gw_buf_puts(&b, "{\"k\":");
	gw_json_put_string(&b, p, n);
	gw_buf_putc(&b, '}');
	if (gw_buf_ok(&b)) {
		GW_FUZZ_CHECK(gw_utf8_valid((const char *)b.p, b.len));
		GW_FUZZ_CHECK(gw_json_parse_object(&o, (const char *)b.p, b.len, NULL) == GW_OK);
		GW_FUZZ_CHECK(o.n == 1 && o.m[0].type == GW_JSON_STRING);
		if (gw_utf8_valid(p, n))
			GW_FUZZ_CHECK(o.m[0].val_len == n && memcmp(o.m[0].val, p, n) == 0);
	}
	gw_json_obj_free(&o);
	gw_buf_free(&b);
}

static void read_lines(const char *p, size_t n)
{
	gw_input in;
	gw_fuzz_rec rec;
	FILE *fp;

	/* fmemopen takes a buffer it may write to (glibc opens 0 bytes). */
	char *copy = malloc(n + 1);
	if (!copy)
		return;
	memcpy(copy, p, n);
	fp = fmemopen(copy, n, "r");
	if (fp) {
		gw_fuzz_input_init(&in, &rec, gw_utf8_valid(p, n));
		gw_input_jsonl(&in, "fuzz.jsonl", fp);
		GW_FUZZ_CHECK(in.ndocs == rec.ndocs && in.nrejected <= rec.nmsgs);
		fclose(fp);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	parse_whole(p, size);
	round_trip(p, size);
	read_lines(p, size);
	return 0;
}
