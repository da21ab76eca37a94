/* test_json: gw_json against tables of JSON text -> expected members or
 * exact error message (with its byte offset), the string writer against
 * exact output, write-then-parse round trips, and a fixed-seed garbage
 * loop that must never crash and always give GW_OK or a GW_EINVAL message.
 * Inputs are copied into buffers of exactly their size, so ASan catches
 * any read past the end (the parser must not rely on a NUL). */
#include <stdint.h>
#include <stdlib.h>

#include "read/gw_json.h"
#include "gw_test.h"
#include "text/gw_utf8.h"

#define GUO "\xE5\x9C\x8B"     /* 國 U+570B */
#define JI "\xF0\xA0\xAE\xB7"  /* 𠮷 U+20BB7 */
#define FFFD GW_UTF8_REPLACEMENT
#define S(lit) lit, sizeof lit - 1

static char *exact_copy(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	if (p && n)
		memcpy(p, s, n);
	return p;
}

static gw_rc parse_exact(gw_json_obj *obj, const char *s, size_t n, gw_err *err)
{
	char *in = exact_copy(s, n);
	gw_rc rc;

	gw_err_clear(err);
	rc = gw_json_parse_object(obj, in, n, err);
	free(in); /* the members must not point into the input */
	return rc;
}

/* Appends bytes with those below 0x20 and the backslash as \xNN. */
static void dump_bytes(gw_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == '\\')
			gw_buf_printf(b, "\\x%02X", c);
		else
			gw_buf_putc(b, c);
	}
}

/* The members as "T:key=val, ..." with T one of s n b z a o; NUL-terminated
 * in b. */
static const char *dump(gw_buf *b, const gw_json_obj *obj)
{
	static const char types[] = "?snbzao";
	size_t i;

	gw_buf_reset(b);
	for (i = 0; i < obj->n; i++) {
		const gw_json_member *m = &obj->m[i];
		gw_buf_printf(b, "%s%c:", i ? ", " : "", types[m->type]);
		dump_bytes(b, m->key, m->key_len);
		gw_buf_putc(b, '=');
		dump_bytes(b, m->val, m->val_len);
	}
	gw_buf_putc(b, '\0');
	return (const char *)b->p;
}

static void test_parse_ok_table(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} t[] = {
		{S("{}"), ""},
		{S(" \t{ } \r"), ""},
		{S("\r\n{}\r\n"), ""},
		{S("{\"a\":\"b\"}\r"), "s:a=b"},
		{S("{\"\":\"\"}"), "s:="},
		{S("{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}"), "s:e=\"\\x5C/\\x08\\x0C\\x0A\\x0D\\x09"},
		{S("{\"u\":\"\\u570b\\u00E9\\u0041\"}"), "s:u=" GUO "\xC3\xA9" "A"},
		{S("{\"k\\u00e9y\\n\":1}"), "n:k\xC3\xA9y\\x0A=1"},
		/* surrogate pairs, either case; lone halves become U+FFFD */
		{S("{\"p\":\"\\ud842\\udfb7\"}"), "s:p=" JI},
		{S("{\"p\":\"\\uD842\\uDFB7!\"}"), "s:p=" JI "!"},
		{S("{\"p\":\"\\ud842x\"}"), "s:p=" FFFD "x"},
		{S("{\"p\":\"\\ud842\"}"), "s:p=" FFFD},
		{S("{\"p\":\"\\udfb7\\ud842\"}"), "s:p=" FFFD FFFD},
		{S("{\"p\":\"\\ud842\\ud842\\udfb7\"}"), "s:p=" FFFD JI},
		{S("{\"p\":\"\\ud842\\n\"}"), "s:p=" FFFD "\\x0A"},
		{S("{\"p\":\"\\ud842\\u0041\"}"), "s:p=" FFFD "A"},
		{S("{\"z\":\"a\\u0000b\"}"), "s:z=a\\x00b"},
		/* raw bytes pass through, even invalid UTF-8; DEL is allowed raw */
		{S("{\"r\":\"\xFF\xED\xA0\x80\x7F" GUO "\"}"), "s:r=\xFF\xED\xA0\x80\x7F" GUO},
		{S("{\"\xE7\x9C\x81\xE4\xBB\xBD\":\"\xE6\xB1\x9F\xE8\x8B\x8F\"}"),
		 "s:\xE7\x9C\x81\xE4\xBB\xBD=\xE6\xB1\x9F\xE8\x8B\x8F"},
		{S("{\"n\":0,\"m\":-0,\"i\":12,\"f\":-1.5e3,\"g\":1E+2,\"h\":2.0e-10}"),
		 "n:n=0, n:m=-0, n:i=12, n:f=-1.5e3, n:g=1E+2, n:h=2.0e-10"},
		{S("{\"t\":true,\"f\":false,\"z\":null}"), "b:t=true, b:f=false, z:z=null"},
		{S("{\"a\":[1, \"x\", {\"b\":[]}], \"o\": {\"k\" : \"v\\\"}\"}}"),
		 "a:a=[1, \"x\", {\"b\":[]}], o:o={\"k\" : \"v\\x5C\"}\"}"},
		{S("{\"a\":[],\"o\":{}}"), "a:a=[], o:o={}"},
		{S("{\"a\":[-0.5e-7,true,null,\"\\u0041\",[[]]]}"),
		 "a:a=[-0.5e-7,true,null,\"\\x5Cu0041\",[[]]]"},
		{S("{\"a\":1,\"a\":2}"), "n:a=1, n:a=2"},
		{S("{\n\"a\" :\t1 ,\r\n\"b\" : [ 1 , 2 ] \n}"), "n:a=1, a:b=[ 1 , 2 ]"},
	};
	gw_json_obj obj;
	gw_buf b = GW_BUF_INIT;
	gw_err err;
	size_t k;

	gw_json_obj_init(&obj);
	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		gw_rc rc = parse_exact(&obj, t[k].in, t[k].n, &err);
		CHECK(rc == GW_OK);
		if (rc != GW_OK)
			fprintf(stderr, "  case %zu: %s\n", k, err.msg);
		CHECK_STR(dump(&b, &obj), t[k].want);
	}
	gw_json_obj_free(&obj);
	gw_buf_free(&b);
}

static void test_parse_error_table(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} t[] = {
		{S(""), "invalid JSON: expected an object at byte 0"},
		{S("  \r\n"), "invalid JSON: expected an object at byte 4"},
		{S("[]"), "invalid JSON: expected an object at byte 0"},
		{S("  x"), "invalid JSON: expected an object at byte 2"},
		{S("\xEF\xBB\xBF{}"), "invalid JSON: expected an object at byte 0"},
		{S("{"), "invalid JSON: expected a string key or '}' at byte 1"},
		{S("{a:1}"), "invalid JSON: expected a string key or '}' at byte 1"},
		{S("{\"a\""), "invalid JSON: expected ':' at byte 4"},
		{S("{\"a\" 1}"), "invalid JSON: expected ':' at byte 5"},
		{S("{\"a\":"), "invalid JSON: expected a value at byte 5"},
		{S("{\"a\":}"), "invalid JSON: expected a value at byte 5"},
		{S("{\"a\":1"), "invalid JSON: expected ',' or '}' at byte 6"},
		{S("{\"a\":1 \"b\":2}"), "invalid JSON: expected ',' or '}' at byte 7"},
		{S("{\"a\":1,}"), "invalid JSON: expected a string key at byte 7"},
		{S("{\"a\":1,,}"), "invalid JSON: expected a string key at byte 7"},
		{S("{\"a\":1}x"), "invalid JSON: trailing characters after the object at byte 7"},
		{S("{\"a\":1} {}"), "invalid JSON: trailing characters after the object at byte 8"},
		{S("{}\0"), "invalid JSON: trailing characters after the object at byte 2"},
		{S("{\"ab"), "invalid JSON: unterminated string starting at byte 1"},
		{S("{\"a\":\"b"), "invalid JSON: unterminated string starting at byte 5"},
		{S("{\"a\":\"x\\"), "invalid JSON: unterminated string starting at byte 5"},
		{S("{\"a\":\"x\\u12"), "invalid JSON: unterminated string starting at byte 5"},
		{S("{\"a\":\"x\\q\"}"), "invalid JSON: bad escape '\\q' at byte 7"},
		{S("{\"a\":\"x\\U0041\"}"), "invalid JSON: bad escape '\\U' at byte 7"},
		{S("{\"a\":\"x\\\x01\"}"), "invalid JSON: bad escape at byte 7"},
		{S("{\"a\":\"x\\\xE5\x9C\x8B\"}"), "invalid JSON: bad escape at byte 7"},
		{S("{\"a\":\"x\\u12g4\"}"), "invalid JSON: bad \\u escape at byte 7"},
		{S("{\"a\":\"x\\u12\"}"), "invalid JSON: bad \\u escape at byte 7"},
		{S("{\"a\":\"\\ud842\\uZZZZ\"}"), "invalid JSON: bad \\u escape at byte 12"},
		{S("{\"a\":\"x\ty\"}"), "invalid JSON: control character in string at byte 7"},
		{S("{\"a\nb\":1}"), "invalid JSON: control character in string at byte 3"},
		{S("{\"a\":\"\0\"}"), "invalid JSON: control character in string at byte 6"},
		{S("{\"a\":[1,2}"), "invalid JSON: expected ',' or ']' at byte 9"},
		{S("{\"a\":[,]}"), "invalid JSON: expected a value at byte 6"},
		{S("{\"a\":[1,]}"), "invalid JSON: expected a value at byte 8"},
		{S("{\"a\":{\"b\" 1}}"), "invalid JSON: expected ':' at byte 10"},
		{S("{\"a\":{\"b\":1,}}"), "invalid JSON: expected a string key at byte 12"},
		{S("{\"a\":{1:2}}"), "invalid JSON: expected a string key or '}' at byte 6"},
		{S("{\"a\":{\"b\":1]}"), "invalid JSON: expected ',' or '}' at byte 11"},
		{S("{\"a\":[\"x\\q\"]}"), "invalid JSON: bad escape '\\q' at byte 8"},
		{S("{\"a\":-}"), "invalid JSON: expected a digit at byte 6"},
		{S("{\"a\":-x}"), "invalid JSON: expected a digit at byte 6"},
		{S("{\"a\":1.}"), "invalid JSON: expected a digit at byte 7"},
		{S("{\"a\":1.e5}"), "invalid JSON: expected a digit at byte 7"},
		{S("{\"a\":1e}"), "invalid JSON: expected a digit at byte 7"},
		{S("{\"a\":1e+}"), "invalid JSON: expected a digit at byte 8"},
		{S("{\"a\":01}"), "invalid JSON: expected ',' or '}' at byte 6"},
		{S("{\"a\":+1}"), "invalid JSON: expected a value at byte 5"},
		{S("{\"a\":.5}"), "invalid JSON: expected a value at byte 5"},
		{S("{\"a\":tru}"), "invalid JSON: expected 'true' at byte 5"},
		{S("{\"a\":fals"), "invalid JSON: expected 'false' at byte 5"},
		{S("{\"a\":nul"), "invalid JSON: expected 'null' at byte 5"},
		{S("{\"a\":True}"), "invalid JSON: expected a value at byte 5"},
		{S("{\"a\":truex}"), "invalid JSON: expected ',' or '}' at byte 9"},
		{S("{\"a\":'x'}"), "invalid JSON: expected a value at byte 5"},
	};
	gw_json_obj obj;
	gw_err err;
	size_t k;

	gw_json_obj_init(&obj);
	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		gw_rc rc = parse_exact(&obj, t[k].in, t[k].n, &err);
		CHECK(rc == GW_EINVAL);
		CHECK(obj.n == 0);
		CHECK_STR(err.msg, t[k].want);
	}
	gw_json_obj_free(&obj);
}

/* '{"a":' then `open` brackets, then as many closing ones and '}'. */
static char *nested(size_t open, size_t *n)
{
	char *s = malloc(5 + 2 * open + 1);
	size_t i, k = 0;

	memcpy(s, "{\"a\":", 5);
	k = 5;
	for (i = 0; i < open; i++)
		s[k++] = '[';
	for (i = 0; i < open; i++)
		s[k++] = ']';
	s[k++] = '}';
	*n = k;
	return s;
}

static void test_depth_limit(void)
{
	gw_json_obj obj;
	gw_err err;
	size_t n;
	char *s;

	gw_json_obj_init(&obj);
	/* the top-level object is level 1, so 63 arrays reach the limit */
	s = nested(GW_JSON_MAX_DEPTH - 1, &n);
	CHECK(parse_exact(&obj, s, n, &err) == GW_OK);
	CHECK(obj.n == 1 && obj.m[0].type == GW_JSON_ARRAY && obj.m[0].val_len == 126);
	free(s);
	s = nested(GW_JSON_MAX_DEPTH, &n);
	CHECK(parse_exact(&obj, s, n, &err) == GW_EINVAL);
	CHECK_STR(err.msg, "invalid JSON: nesting deeper than 64 levels (GW_JSON_MAX_DEPTH) at byte 68");
	free(s);
	s = nested(100000, &n);
	CHECK(parse_exact(&obj, s, n, &err) == GW_EINVAL);
	CHECK_STR(err.msg, "invalid JSON: nesting deeper than 64 levels (GW_JSON_MAX_DEPTH) at byte 68");
	free(s);
	gw_json_obj_free(&obj);
}

static void test_deep_objects(void)
{
	gw_json_obj obj;
	gw_buf b = GW_BUF_INIT;
	gw_err err;
	int i;

	gw_json_obj_init(&obj);
	gw_buf_putc(&b, '{');
	for (i = 1; i < GW_JSON_MAX_DEPTH; i++)
		gw_buf_puts(&b, "\"k\":{");
	for (i = 0; i < GW_JSON_MAX_DEPTH; i++)
		gw_buf_putc(&b, '}');
	CHECK(parse_exact(&obj, (const char *)b.p, b.len, &err) == GW_OK);
	CHECK(obj.n == 1 && obj.m[0].type == GW_JSON_OBJECT);
	b.len -= GW_JSON_MAX_DEPTH; /* one level more */
	gw_buf_puts(&b, "\"k\":{");
	for (i = 0; i <= GW_JSON_MAX_DEPTH; i++)
		gw_buf_putc(&b, '}');
	CHECK(parse_exact(&obj, (const char *)b.p, b.len, &err) == GW_EINVAL);
	CHECK_STR(err.msg, "invalid JSON: nesting deeper than 64 levels (GW_JSON_MAX_DEPTH) at byte 320");
	gw_json_obj_free(&obj);
	gw_buf_free(&b);
}

/* Lengths, not NULs, delimit values; a NUL follows each for convenience. */
static void test_nul_and_lengths(void)
{
	gw_json_obj obj;
	gw_err err;

	gw_json_obj_init(&obj);
	CHECK(parse_exact(&obj, S("{\"z\\u0000\":\"a\\u0000b\",\"n\":-2}"), &err) == GW_OK);
	CHECK(obj.n == 2);
	CHECK(obj.m[0].key_len == 2 && memcmp(obj.m[0].key, "z\0", 3) == 0);
	CHECK(obj.m[0].val_len == 3 && memcmp(obj.m[0].val, "a\0b\0", 4) == 0);
	CHECK(obj.m[0].type == GW_JSON_STRING);
	CHECK(obj.m[1].key_len == 1 && strcmp(obj.m[1].key, "n") == 0);
	CHECK(obj.m[1].val_len == 2 && strcmp(obj.m[1].val, "-2") == 0);
	CHECK(obj.m[1].type == GW_JSON_NUMBER);
	gw_json_obj_free(&obj);
	gw_json_obj_free(NULL);
}

/* One obj parses many lines: n is reset, failures leave n == 0, and a
 * large line after small ones (storage growth) is right. */
static void test_reuse(void)
{
	gw_json_obj obj;
	gw_buf big = GW_BUF_INIT, d = GW_BUF_INIT;
	gw_err err;
	int i;

	gw_json_obj_init(&obj);
	CHECK(parse_exact(&obj, S("{\"a\":1,\"b\":2,\"c\":3}"), &err) == GW_OK);
	CHECK(obj.n == 3);
	CHECK(parse_exact(&obj, S("{\"x\":\"y\"}"), &err) == GW_OK);
	CHECK_STR(dump(&d, &obj), "s:x=y");
	CHECK(parse_exact(&obj, S("{\"x\":}"), &err) == GW_EINVAL);
	CHECK(obj.n == 0);
	gw_buf_putc(&big, '{');
	for (i = 0; i < 1000; i++)
		gw_buf_printf(&big, "%s\"k%d\":\"%s\\u570b%d\"", i ? "," : "", i, JI, i);
	gw_buf_putc(&big, '}');
	CHECK(parse_exact(&obj, (const char *)big.p, big.len, &err) == GW_OK);
	CHECK(obj.n == 1000);
	CHECK(obj.n == 1000 && strcmp(obj.m[999].key, "k999") == 0);
	CHECK(obj.n == 1000 && strcmp(obj.m[999].val, JI GUO "999") == 0);
	CHECK(obj.n == 1000 && strcmp(obj.m[0].val, JI GUO "0") == 0);
	CHECK(parse_exact(&obj, S("{}"), &err) == GW_OK);
	CHECK(obj.n == 0);
	gw_json_obj_free(&obj);
	gw_buf_free(&big);
	gw_buf_free(&d);
}

/* Strings are scanned 8 bytes at a time: a quote, an escape or a control
 * character at any offset from the string's start (and the end of the
 * input anywhere) must stop the scan exactly there. */
static void test_string_scan_offsets(void)
{
	gw_json_obj obj;
	gw_buf in = GW_BUF_INIT, want = GW_BUF_INIT;
	gw_err err;
	int bad = 0;

	gw_json_obj_init(&obj);
	for (int k = 0; k < 20; k++) {
		for (int what = 0; what < 4; what++) {
			/* k bytes of text (ASCII and 國), then: an escape, a quote
			 * inside (escaped), a tab (an error), or the end. */
			gw_buf_reset(&in);
			gw_buf_reset(&want);
			gw_buf_puts(&in, "{\"k\":\"");
			for (int i = 0; i < k; i++) {
				const char *piece = i % 5 == 4 ? GUO : "a";
				gw_buf_puts(&in, piece);
				gw_buf_puts(&want, piece);
			}
			if (what == 0) {
				gw_buf_puts(&in, "\\n-");
				gw_buf_puts(&want, "\n-");
			} else if (what == 1) {
				gw_buf_puts(&in, "\\\"x");
				gw_buf_puts(&want, "\"x");
			} else if (what == 2) {
				gw_buf_puts(&in, "\tx");
			}
			if (what != 3)
				gw_buf_puts(&in, "\"}");
			gw_buf_putc(&want, 0);
			if (what == 2)
				bad += parse_exact(&obj, (const char *)in.p, in.len, &err) != GW_EINVAL ||
				       !strstr(err.msg, "control character");
			else if (what == 3)
				bad += parse_exact(&obj, (const char *)in.p, in.len, &err) != GW_EINVAL ||
				       !strstr(err.msg, "unterminated string");
			else
				bad += parse_exact(&obj, (const char *)in.p, in.len, &err) != GW_OK || obj.n != 1 ||
				       strcmp(obj.m[0].val, (const char *)want.p) != 0;
		}
	}
	CHECK(bad == 0);
	gw_json_obj_free(&obj);
	gw_buf_free(&in);
	gw_buf_free(&want);
}

/* err may be NULL; an error already in err wins (house rule). */
static void test_err_handling(void)
{
	gw_json_obj obj;
	gw_err err;

	gw_json_obj_init(&obj);
	CHECK(gw_json_parse_object(&obj, "{", 1, NULL) == GW_EINVAL);
	CHECK(gw_json_parse_object(&obj, NULL, 0, NULL) == GW_EINVAL);
	gw_err_clear(&err);
	gw_err_set(&err, GW_EIO, 5, "cannot read 'x.jsonl'");
	CHECK(gw_json_parse_object(&obj, "{", 1, &err) == GW_EIO);
	CHECK_STR(err.msg, "cannot read 'x.jsonl'");
	gw_json_obj_free(&obj);
}

static void test_put_string_table(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} t[] = {
		{S(""), "\"\""},
		{S("plain"), "\"plain\""},
		{S("a\"b\\c/d"), "\"a\\\"b\\\\c/d\""},
		{S("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\""},
		{S("\x01\x1F\0\x7F"), "\"\\u0001\\u001f\\u0000\x7F\""},
		{S(GUO JI "\xC3\xA9"), "\"" GUO JI "\xC3\xA9\""},
		{S("a\xE2\x80\xA8" "b\xE2\x80\xA9"), "\"a\\u2028b\\u2029\""},
		{S("\xFF"), "\"\\ufffd\""},
		{S("\xE5\x9C"), "\"\\ufffd\""},
		{S("x\xE5\x9C" "y"), "\"x\\ufffdy\""},
		{S("\xC0\x80"), "\"\\ufffd\\ufffd\""},
		{S("\xED\xA0\x80"), "\"\\ufffd\\ufffd\\ufffd\""},
		{S("\xF4\x90\x80\x80" GUO), "\"\\ufffd\\ufffd\\ufffd\\ufffd" GUO "\""},
	};
	gw_buf b = GW_BUF_INIT;
	size_t k;

	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		char *in = exact_copy(t[k].in, t[k].n);
		gw_buf_reset(&b);
		gw_json_put_string(&b, in, t[k].n);
		CHECK(gw_utf8_valid((const char *)b.p, b.len));
		gw_buf_putc(&b, '\0');
		CHECK_STR((const char *)b.p, t[k].want);
		free(in);
	}
	gw_buf_reset(&b);
	gw_json_put_string(&b, NULL, 0);
	CHECK(b.len == 2 && memcmp(b.p, "\"\"", 2) == 0);
	gw_buf_free(&b);
}

/* Writes {"k":<x>} and parses it back: the value is x sanitized. Returns 1
 * if so. */
static int round_trip(gw_json_obj *obj, const char *x, size_t n)
{
	gw_buf json = GW_BUF_INIT, want = GW_BUF_INIT;
	gw_err err;
	int ok;

	gw_buf_puts(&json, "{\"k\":");
	gw_json_put_string(&json, x, n);
	gw_buf_putc(&json, '}');
	gw_utf8_sanitize(&want, x, n, NULL);
	ok = gw_utf8_valid((const char *)json.p, json.len) &&
	     parse_exact(obj, (const char *)json.p, json.len, &err) == GW_OK && obj->n == 1 &&
	     obj->m[0].type == GW_JSON_STRING && obj->m[0].val_len == want.len &&
	     (want.len == 0 || memcmp(obj->m[0].val, want.p, want.len) == 0);
	gw_buf_free(&json);
	gw_buf_free(&want);
	return ok;
}

static void test_round_trip(void)
{
	static const struct {
		const char *s;
		size_t n;
	} t[] = {
		{S("")},
		{S("\"\\/\"")},
		{S("\0\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F")},
		{S("\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F")},
		{S("\xE2\x80\xA8\xE2\x80\xA9")},
		{S("\xE5\x85\xB3\xE4\xBA\x8E" GUO JI "\xEF\xBF\xBD")},
		{S("\\u0041 is not an escape here")},
		{S("bad \xFF tail \xE5\x9C")},
		{S("\xC0\x80\xED\xA0\x80\xF4\x90\x80\x80\xF5\x80")},
		{S("\xF0\xA0\xAE" "\xE5\x9C" GUO)},
	};
	gw_json_obj obj;
	size_t k;

	gw_json_obj_init(&obj);
	for (k = 0; k < sizeof t / sizeof t[0]; k++) {
		int ok = round_trip(&obj, t[k].s, t[k].n);
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  case %zu\n", k);
	}
	gw_json_obj_free(&obj);
}

/* Fixed-seed garbage. */

static uint32_t lcg(uint64_t *st)
{
	*st = *st * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (uint32_t)(*st >> 33);
}

static const char *const seeds[] = {
	"{\"id\":\"js-2023-001\",\"title\":\"\xE5\x85\xB3\xE4\xBA\x8E\xE5\x8D\xB0\xE5\x8F\x91\","
	"\"date\":\"2023-01-05\",\"tags\":[\"a\",\"b\"],\"meta\":{\"n\":1.5e2,\"ok\":true,"
	"\"x\":null},\"body\":\"\\u7b2c\\n\\\"q\\\"\\ud842\\udfb7\"}\r",
	"{\"a\":[1,-2.5E-3,[{}],{\"b\":[false,\"\\/\"]}],\"c\":\"\\u0000\"}",
	"{}",
	" { \"k\" : \"v\" , \"n\" : 0 } ",
};

static char random_byte(uint64_t *st)
{
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefEtrulsn -.+\t\r\n\xE5\x9C\x8B\xFF";

	if (lcg(st) % 4 == 0)
		return (char)(lcg(st) & 0xFF);
	return alphabet[lcg(st) % (sizeof alphabet - 1)];
}

/* Mutates s[0..*n) (room for cap bytes) in place: 1..4 random edits. */
static void mutate(uint64_t *st, char *s, size_t *n, size_t cap)
{
	int edits = 1 + (int)(lcg(st) % 4);
	size_t at;

	while (edits-- > 0) {
		at = *n ? lcg(st) % *n : 0;
		switch (lcg(st) % 4) {
		case 0:
			if (*n)
				s[at] = random_byte(st);
			break;
		case 1:
			if (*n) {
				memmove(s + at, s + at + 1, *n - at - 1);
				(*n)--;
			}
			break;
		case 2:
			if (*n < cap) {
				memmove(s + at + 1, s + at, *n - at);
				s[at] = random_byte(st);
				(*n)++;
			}
			break;
		default:
			*n = at;
		}
	}
}

/* Appends a random valid JSON value, nested at most depth more levels. */
static void random_value(uint64_t *st, gw_buf *b, int depth)
{
	static const char *const atoms[] = {"0", "-1.5e-3", "12E+2", "true", "false", "null"};
	char raw[8];
	size_t i, n = lcg(st) % 4;
	int kind = depth > 0 ? (int)(lcg(st) % 4) : (int)(lcg(st) % 2);

	if (kind == 0) {
		for (i = 0; i < n; i++)
			raw[i] = random_byte(st);
		gw_json_put_string(b, raw, n);
	} else if (kind == 1) {
		gw_buf_puts(b, atoms[lcg(st) % (sizeof atoms / sizeof atoms[0])]);
	} else {
		gw_buf_putc(b, kind == 2 ? '[' : '{');
		for (i = 0; i < n; i++) {
			gw_buf_puts(b, i ? " , " : " ");
			if (kind == 3)
				gw_buf_printf(b, "\"k%zu\" : ", i);
			random_value(st, b, depth - 1);
		}
		gw_buf_puts(b, kind == 2 ? "]" : " }");
	}
}

/* A random valid object line of at most cap bytes; returns its length. */
static size_t random_object(uint64_t *st, char *s, size_t cap)
{
	gw_buf b = GW_BUF_INIT;
	size_t i, n = lcg(st) % 6;

	gw_buf_putc(&b, '{');
	for (i = 0; i < n; i++) {
		gw_buf_printf(&b, "%s\"m%zu\":", i ? "," : "", i);
		random_value(st, &b, 4);
	}
	gw_buf_puts(&b, "}\r");
	n = b.len <= cap ? b.len : 2;
	memcpy(s, b.len <= cap ? (const char *)b.p : "{}", n);
	gw_buf_free(&b);
	return n;
}

/* Fills s with a random input: bytes, JSON-ish bytes, a mutated seed, a
 * valid object (*valid set) or a mutated valid object. Returns its length. */
static size_t garbage(uint64_t *st, char *s, size_t cap, int *valid)
{
	size_t n, i, kind = lcg(st) % 5;

	*valid = 0;
	if (kind == 0) {
		n = lcg(st) % 48;
		for (i = 0; i < n; i++)
			s[i] = (char)(lcg(st) & 0xFF);
	} else if (kind == 1) {
		n = 1 + lcg(st) % 64;
		s[0] = '{';
		for (i = 1; i < n; i++)
			s[i] = random_byte(st);
	} else if (kind == 2) {
		const char *seed = seeds[lcg(st) % (sizeof seeds / sizeof seeds[0])];
		n = strlen(seed);
		memcpy(s, seed, n);
		mutate(st, s, &n, cap);
	} else {
		n = random_object(st, s, cap);
		*valid = kind == 3;
		if (kind == 4)
			mutate(st, s, &n, cap);
	}
	return n;
}

/* The offset a message names must lie within the input. */
static int message_ok(const gw_err *err, size_t n)
{
	const char *at = strstr(err->msg, " at byte ");

	return strncmp(err->msg, "invalid JSON: ", 14) == 0 && at &&
	       strtoul(at + 9, NULL, 10) <= n;
}

/* Nested values handed back raw must parse again on their own. */
static int raw_values_ok(const gw_json_obj *obj)
{
	gw_json_obj again;
	gw_buf b = GW_BUF_INIT;
	gw_err err;
	size_t i;
	int ok = 1;

	gw_json_obj_init(&again);
	for (i = 0; i < obj->n && ok; i++) {
		if (obj->m[i].type != GW_JSON_ARRAY && obj->m[i].type != GW_JSON_OBJECT)
			continue;
		gw_buf_reset(&b);
		gw_buf_puts(&b, "{\"v\":");
		gw_buf_append(&b, obj->m[i].val, obj->m[i].val_len);
		gw_buf_putc(&b, '}');
		ok = parse_exact(&again, (const char *)b.p, b.len, &err) == GW_OK;
	}
	gw_json_obj_free(&again);
	gw_buf_free(&b);
	return ok;
}

static void test_garbage(void)
{
	uint64_t st = 20240601;
	gw_json_obj obj;
	gw_err err;
	char s[4096];
	size_t n, nok = 0, nerr = 0, bad = 0, trips = 0;
	int iter, valid;
	gw_rc rc;

	gw_json_obj_init(&obj);
	for (iter = 0; iter < 20000; iter++) {
		n = garbage(&st, s, sizeof s, &valid);
		rc = parse_exact(&obj, s, n, &err);
		if (valid && rc != GW_OK)
			bad++;
		else if (rc == GW_OK && raw_values_ok(&obj))
			nok++;
		else if (rc == GW_EINVAL && message_ok(&err, n))
			nerr++;
		else
			bad++;
		/* and the writer: any bytes come back sanitized */
		if (iter % 4 == 0 && !round_trip(&obj, s, n))
			trips++;
	}
	CHECK(bad == 0);
	CHECK(trips == 0);
	CHECK(nok > 3000 && nerr > 10000); /* both paths were exercised */
	printf("  garbage: %zu parsed, %zu rejected\n", nok, nerr);
	gw_json_obj_free(&obj);
}

int main(void)
{
	RUN(test_parse_ok_table);
	RUN(test_parse_error_table);
	RUN(test_depth_limit);
	RUN(test_deep_objects);
	RUN(test_nul_and_lengths);
	RUN(test_reuse);
	RUN(test_string_scan_offsets);
	RUN(test_err_handling);
	RUN(test_put_string_table);
	RUN(test_round_trip);
	RUN(test_garbage);
	return TEST_EXIT();
}
