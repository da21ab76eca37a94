/* gw_json: the JSON object parser and string writer (see gw_json.h).
 *
 * A recursive-descent parser, one function per rule of RFC 8259's grammar.
 * While the top-level object is parsed, each key and value is appended to
 * obj->store_ followed by a NUL, and only its length goes into obj->m; the
 * pointers are filled in at the end, once the storage can no longer move.
 * Nested arrays and objects are parsed with output off (p->out == NULL),
 * which validates them, and are then copied raw. Recursion is bounded by
 * GW_JSON_MAX_DEPTH, so garbage input cannot exhaust the stack. */
#include "read/gw_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/gw_utf8.h"

typedef struct parser {
	const char *s;
	size_t len;
	size_t pos;  /* next byte to look at; never beyond len */
	gw_buf *out; /* where unescaped text goes; NULL to only validate */
	gw_err *err;
	int depth;   /* arrays and objects open around pos */
} parser;

static gw_rc parse_value(parser *p, int *type);

/* The byte at pos, or -1 at the end of the input. */
static int peek(const parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static void skip_ws(parser *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
}

/* Records "invalid JSON: <what> at byte <off>" (unless err holds an error). */
static gw_rc fail(parser *p, size_t off, const char *what)
{
	return gw_err_set(p->err, GW_EINVAL, 0, "invalid JSON: %s at byte %zu", what, off);
}

static gw_rc fail_oom(parser *p)
{
	return gw_err_set(p->err, GW_ENOMEM, 0, "out of memory");
}

static void emit(parser *p, const char *s, size_t n)
{
	if (p->out)
		gw_buf_append(p->out, s, n);
}

static void emit_cp(parser *p, uint32_t cp)
{
	char u[4];

	emit(p, u, gw_utf8_put(u, cp)); /* a lone surrogate comes out as U+FFFD */
}

/* Reads 4 hex digits at s[off..]: returns 0 and sets *v, 1 if the input
 * ends first, 2 if a byte that is not a hex digit is in the way. */
static int hex4(const parser *p, size_t off, uint32_t *v)
{
	size_t k;
	int c;

	*v = 0;
	for (k = 0; k < 4; k++) {
		if (off + k >= p->len)
			return 1;
		c = (unsigned char)p->s[off + k];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return 2;
		*v = *v << 4 | (uint32_t)c;
	}
	return 0;
}

/* If a \uDC00..\uDFFF escape starts at pos, stores it in *lo: returns 1. */
static int low_surrogate_at(const parser *p, uint32_t *lo)
{
	if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
		return 0;
	return hex4(p, p->pos + 2, lo) == 0 && *lo >= 0xDC00 && *lo <= 0xDFFF;
}

/* \uXXXX at pos, possibly the first half of a surrogate pair. A half that
 * is not part of a pair becomes U+FFFD; what follows it is parsed anew. */
static gw_rc parse_u_escape(parser *p, size_t str_start)
{
	uint32_t cp, lo;
	int r = hex4(p, p->pos + 2, &cp);

	if (r == 1)
		return fail(p, str_start, "unterminated string starting");
	if (r == 2)
		return fail(p, p->pos, "bad \\u escape");
	p->pos += 6;
	if (cp >= 0xD800 && cp <= 0xDBFF && low_surrogate_at(p, &lo)) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p->pos += 6;
	}
	emit_cp(p, cp);
	return GW_OK;
}

/* A backslash escape at pos, inside the string that starts at str_start. */
static gw_rc parse_escape(parser *p, size_t str_start)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	char what[32];
	int c;

	if (p->len - p->pos < 2)
		return fail(p, str_start, "unterminated string starting");
	c = (unsigned char)p->s[p->pos + 1];
	if (c == 'u')
		return parse_u_escape(p, str_start);
	hit = c ? strchr(from, c) : NULL;
	if (hit) {
		emit(p, &to[hit - from], 1);
		p->pos += 2;
		return GW_OK;
	}
	if (c > ' ' && c < 0x7F)
		snprintf(what, sizeof what, "bad escape '\\%c'", c);
	else
		snprintf(what, sizeof what, "bad escape"); /* unprintable: no quoting */
	return fail(p, p->pos, what);
}

/* A string at pos (which holds '"'). Raw bytes, valid UTF-8 or not, are
 * copied in runs; only escapes are decoded. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Non-zero if a byte of w is below n (n <= 0x80), or, past such a byte,
 * maybe another one (the borrow): callers then go on byte by byte. */
static uint64_t byte_below(uint64_t w, unsigned n) { return (w - ONES * n) & ~w & HIGHS; }

/* The end of the run of plain string bytes (not '"', '\\' or a control
 * character) at s[i..n): 8 bytes at a time, then byte by byte. JSON Lines
 * input is almost all such runs. */
static size_t plain_run(const unsigned char *s, size_t i, size_t n)
{
	uint64_t w;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if (byte_below(w ^ (ONES * '"'), 1) | byte_below(w ^ (ONES * '\\'), 1) | byte_below(w, 0x20))
			break;
		i += 8;
	}
	while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20)
		i++;
	return i;
}

static gw_rc parse_string(parser *p)
{
	const unsigned char *s = (const unsigned char *)p->s;
	size_t start = p->pos++, run = p->pos, i = p->pos, n = p->len;
	gw_rc rc;

	for (;;) {
		/* The scan runs on locals: through p, every byte read could
		 * alias p->pos, which the loop would then reload and store. */
		i = plain_run(s, i, n);
		p->pos = i;
		if (i >= n)
			return fail(p, start, "unterminated string starting");
		emit(p, p->s + run, i - run);
		if (s[i] == '"') {
			p->pos = i + 1;
			return GW_OK;
		}
		if (s[i] < 0x20)
			return fail(p, i, "control character in string");
		if ((rc = parse_escape(p, start)) != GW_OK)
			return rc;
		run = i = p->pos;
	}
}

/* Skips [0-9]*; returns 1 if there was at least one digit. */
static int digits(parser *p)
{
	size_t start = p->pos;
	int c;

	while ((c = peek(p)) >= '0' && c <= '9')
		p->pos++;
	return p->pos > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at pos. */
static gw_rc parse_number(parser *p)
{
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0')
		p->pos++;
	else if (!digits(p))
		return fail(p, p->pos, "expected a digit");
	if (peek(p) == '.') {
		p->pos++;
		if (!digits(p))
			return fail(p, p->pos, "expected a digit");
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!digits(p))
			return fail(p, p->pos, "expected a digit");
	}
	return GW_OK;
}

/* true, false or null at pos (which holds 't', 'f' or 'n'). */
static gw_rc parse_literal(parser *p, int *type)
{
	int c = peek(p);
	const char *w = c == 't' ? "true" : c == 'f' ? "false" : "null";
	size_t n = strlen(w);
	char what[32];

	if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0) {
		snprintf(what, sizeof what, "expected '%s'", w);
		return fail(p, p->pos, what);
	}
	*type = c == 'n' ? GW_JSON_NULL : GW_JSON_BOOL;
	p->pos += n;
	return GW_OK;
}

/* Steps into the array or object at pos. */
static gw_rc enter(parser *p)
{
	if (p->depth >= GW_JSON_MAX_DEPTH)
		return gw_err_set(p->err, GW_EINVAL, 0,
		                  "invalid JSON: nesting deeper than %d levels (GW_JSON_MAX_DEPTH) at byte %zu",
		                  GW_JSON_MAX_DEPTH, p->pos);
	p->depth++;
	p->pos++;
	skip_ws(p);
	return GW_OK;
}

/* Steps out of the array or object whose closing bracket is at pos. */
static gw_rc leave(parser *p)
{
	p->depth--;
	p->pos++;
	return GW_OK;
}

/* A key and its ':' at pos; on success pos is at the value. The key goes
 * to p->out with a NUL after it. */
static gw_rc parse_key(parser *p, const char *want_key)
{
	gw_rc rc;

	if (peek(p) != '"')
		return fail(p, p->pos, want_key);
	if ((rc = parse_string(p)) != GW_OK)
		return rc;
	emit(p, "", 1);
	skip_ws(p);
	if (peek(p) != ':')
		return fail(p, p->pos, "expected ':'");
	p->pos++;
	skip_ws(p);
	return GW_OK;
}

static gw_rc grow_members(parser *p, gw_json_obj *obj)
{
	gw_json_member *m;
	size_t cap;

	if (obj->n < obj->cap_)
		return GW_OK;
	cap = obj->cap_ ? obj->cap_ * 2 : 16;
	m = realloc(obj->m, cap * sizeof *m);
	if (!m)
		return fail_oom(p);
	obj->m = m;
	obj->cap_ = cap;
	return GW_OK;
}

/* A member of the top-level object: its key and value go to p->out, their
 * lengths and type to obj->m[obj->n]. */
static gw_rc parse_member(parser *p, gw_json_obj *obj, const char *want_key)
{
	size_t key_mark = p->out->len, val_mark;
	gw_rc rc;
	int type;

	if ((rc = grow_members(p, obj)) != GW_OK || (rc = parse_key(p, want_key)) != GW_OK)
		return rc;
	val_mark = p->out->len;
	if ((rc = parse_value(p, &type)) != GW_OK)
		return rc;
	emit(p, "", 1);
	if (!gw_buf_ok(p->out))
		return fail_oom(p); /* then the lengths below would be wrong */
	obj->m[obj->n].key_len = val_mark - key_mark - 1;
	obj->m[obj->n].val_len = p->out->len - val_mark - 1;
	obj->m[obj->n].type = type;
	obj->n++;
	return GW_OK;
}

/* A member of a nested object: validated only. */
static gw_rc parse_pair(parser *p, const char *want_key)
{
	int type;
	gw_rc rc = parse_key(p, want_key);

	return rc != GW_OK ? rc : parse_value(p, &type);
}

/* An object at pos (which holds '{'). obj is the top-level object's
 * member list, or NULL for a nested object. */
static gw_rc parse_object(parser *p, gw_json_obj *obj)
{
	const char *want_key = "expected a string key or '}'";
	gw_rc rc;
	int c;

	if ((rc = enter(p)) != GW_OK)
		return rc;
	if (peek(p) == '}')
		return leave(p);
	for (;;) {
		rc = obj ? parse_member(p, obj, want_key) : parse_pair(p, want_key);
		if (rc != GW_OK)
			return rc;
		skip_ws(p);
		if ((c = peek(p)) == '}')
			return leave(p);
		if (c != ',')
			return fail(p, p->pos, "expected ',' or '}'");
		p->pos++;
		skip_ws(p);
		want_key = "expected a string key"; /* no trailing comma */
	}
}

/* An array at pos (which holds '['). */
static gw_rc parse_array(parser *p)
{
	gw_rc rc;
	int c, type;

	if ((rc = enter(p)) != GW_OK)
		return rc;
	if (peek(p) == ']')
		return leave(p);
	for (;;) {
		if ((rc = parse_value(p, &type)) != GW_OK)
			return rc;
		skip_ws(p);
		if ((c = peek(p)) == ']')
			return leave(p);
		if (c != ',')
			return fail(p, p->pos, "expected ',' or ']'");
		p->pos++;
		skip_ws(p);
	}
}

/* Any value at pos. Strings go to p->out unescaped, everything else as
 * its text; nested arrays and objects are validated with output off. */
static gw_rc parse_value(parser *p, int *type)
{
	size_t start = p->pos;
	gw_buf *out = p->out;
	int c = peek(p);
	gw_rc rc;

	if (c == '"') {
		*type = GW_JSON_STRING;
		return parse_string(p);
	}
	if (c == '{' || c == '[') {
		*type = c == '{' ? GW_JSON_OBJECT : GW_JSON_ARRAY;
		p->out = NULL;
		rc = c == '{' ? parse_object(p, NULL) : parse_array(p);
		p->out = out;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		*type = GW_JSON_NUMBER;
		rc = parse_number(p);
	} else if (c == 't' || c == 'f' || c == 'n') {
		rc = parse_literal(p, type);
	} else {
		return fail(p, start, "expected a value");
	}
	if (rc == GW_OK)
		emit(p, p->s + start, p->pos - start);
	return rc;
}

/* The whole input: one object with optional whitespace around it. */
static gw_rc parse_text(parser *p, gw_json_obj *obj)
{
	gw_rc rc;

	skip_ws(p);
	if (peek(p) != '{')
		return fail(p, p->pos, "expected an object");
	if ((rc = parse_object(p, obj)) != GW_OK)
		return rc;
	skip_ws(p);
	if (p->pos < p->len)
		return fail(p, p->pos, "trailing characters after the object");
	return GW_OK;
}

/* An element of the top-level array, stored as a member with an empty
 * key (parse_member's layout). */
static gw_rc parse_element(parser *p, gw_json_obj *obj)
{
	size_t val_mark;
	gw_rc rc;
	int type;

	if ((rc = grow_members(p, obj)) != GW_OK)
		return rc;
	emit(p, "", 1);
	val_mark = p->out->len;
	if ((rc = parse_value(p, &type)) != GW_OK)
		return rc;
	emit(p, "", 1);
	if (!gw_buf_ok(p->out))
		return fail_oom(p);
	obj->m[obj->n].key_len = 0;
	obj->m[obj->n].val_len = p->out->len - val_mark - 1;
	obj->m[obj->n].type = type;
	obj->n++;
	return GW_OK;
}

/* The whole input as one array with optional whitespace around it. */
static gw_rc parse_array_text(parser *p, gw_json_obj *obj)
{
	gw_rc rc;
	int c;

	skip_ws(p);
	if (peek(p) != '[')
		return fail(p, p->pos, "expected an array");
	if ((rc = enter(p)) != GW_OK)
		return rc;
	if (peek(p) != ']') {
		for (;;) {
			if ((rc = parse_element(p, obj)) != GW_OK)
				return rc;
			skip_ws(p);
			if ((c = peek(p)) == ']')
				break;
			if (c != ',')
				return fail(p, p->pos, "expected ',' or ']'");
			p->pos++;
			skip_ws(p);
		}
	}
	if ((rc = leave(p)) != GW_OK)
		return rc;
	skip_ws(p);
	if (p->pos < p->len)
		return fail(p, p->pos, "trailing characters after the array");
	return GW_OK;
}

/* Points each member at its key and value, which lie in obj->store_ in
 * member order, each followed by a NUL. */
static void set_pointers(gw_json_obj *obj)
{
	const char *at = (const char *)obj->store_.p;
	size_t i;

	for (i = 0; i < obj->n; i++) {
		obj->m[i].key = at;
		at += obj->m[i].key_len + 1;
		obj->m[i].val = at;
		at += obj->m[i].val_len + 1;
	}
}

void gw_json_obj_init(gw_json_obj *obj)
{
	gw_buf empty = GW_BUF_INIT;

	obj->m = NULL;
	obj->n = 0;
	obj->cap_ = 0;
	obj->store_ = empty;
}

void gw_json_obj_free(gw_json_obj *obj)
{
	if (!obj)
		return;
	free(obj->m);
	gw_buf_free(&obj->store_);
	gw_json_obj_init(obj);
}

/* Parses text as one object (array 0) or one array (array 1). */
static gw_rc parse_top(gw_json_obj *obj, const char *text, size_t len, int array, gw_err *err)
{
	parser p = {text, len, 0, &obj->store_, err, 0};
	gw_rc rc;

	obj->n = 0;
	gw_buf_reset(&obj->store_);
	/* What is stored never outgrows the text (quotes, ':' and escapes are
	 * at least as long as the NULs and bytes they become), so this is
	 * usually the only allocation. */
	if (gw_buf_reserve(&obj->store_, len + 1) != 0)
		rc = fail_oom(&p);
	else
		rc = array ? parse_array_text(&p, obj) : parse_text(&p, obj);
	if (rc == GW_OK) {
		set_pointers(obj);
		return GW_OK;
	}
	obj->n = 0;
	if (!gw_buf_ok(&obj->store_))
		gw_buf_free(&obj->store_); /* clears the sticky oom for next time */
	return rc;
}

gw_rc gw_json_parse_object(gw_json_obj *obj, const char *text, size_t len, gw_err *err)
{
	return parse_top(obj, text, len, 0, err);
}

gw_rc gw_json_parse_array(gw_json_obj *obj, const char *text, size_t len, gw_err *err)
{
	return parse_top(obj, text, len, 1, err);
}

/* Appends the escape for cp: one of the ASCII characters JSON requires
 * escaped, U+2028/U+2029, or -1 for an invalid UTF-8 sequence. */
static void put_escape(gw_buf *b, int32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = {'\\', 'u', 0, 0, 0, 0};
	uint32_t v = cp < 0 ? 0xFFFD : (uint32_t)cp;

	switch (cp) {
	case '"': gw_buf_append(b, "\\\"", 2); return;
	case '\\': gw_buf_append(b, "\\\\", 2); return;
	case '\b': gw_buf_append(b, "\\b", 2); return;
	case '\f': gw_buf_append(b, "\\f", 2); return;
	case '\n': gw_buf_append(b, "\\n", 2); return;
	case '\r': gw_buf_append(b, "\\r", 2); return;
	case '\t': gw_buf_append(b, "\\t", 2); return;
	}
	u[2] = hex[v >> 12 & 15];
	u[3] = hex[v >> 8 & 15];
	u[4] = hex[v >> 4 & 15];
	u[5] = hex[v & 15];
	gw_buf_append(b, u, 6);
}

void gw_json_put_string(gw_buf *b, const char *s, size_t n)
{
	size_t i = 0, run = 0, at;
	int32_t cp;
	unsigned char c;

	gw_buf_putc(b, '"');
	while (i < n) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		at = i;
		cp = gw_utf8_next(s, n, &i);
		if (cp >= 0x80 && cp != 0x2028 && cp != 0x2029)
			continue;
		gw_buf_append(b, s + run, at - run);
		put_escape(b, cp);
		run = i;
	}
	if (n > run)
		gw_buf_append(b, s + run, n - run);
	gw_buf_putc(b, '"');
}
