/* gw_json: just enough JSON for JSON Lines input and --json output.
 *
 * The indexer reads one JSON object per line and wants its top-level
 * members as (key, value) pairs; nothing else needs a JSON tree. So the
 * parser returns a flat array of members: strings unescaped, numbers and
 * literals as their text, nested arrays and objects as their raw (but fully
 * validated) JSON text. The writer side is gw_json_put_string(), which
 * always produces valid JSON and valid UTF-8 whatever the input bytes. */
#ifndef GW_JSON_H
#define GW_JSON_H

#include <stddef.h>

#include "base/gw_limits.h"
#include "base/gw_buf.h"
#include "base/gw_err.h"


enum {
	GW_JSON_STRING = 1, /* val: the unescaped bytes */
	GW_JSON_NUMBER,     /* val: the literal text, e.g. "-1.5e3" */
	GW_JSON_BOOL,       /* val: "true" or "false" */
	GW_JSON_NULL,       /* val: "null" */
	GW_JSON_ARRAY,      /* val: the raw JSON text, e.g. "[1, \"a\"]" */
	GW_JSON_OBJECT      /* val: the raw JSON text, e.g. "{\"k\": 2}" */
};

/* One top-level member. Keys and string values are unescaped: \uXXXX
 * escapes (surrogate pairs included) become UTF-8, a lone surrogate
 * becomes U+FFFD, raw bytes are passed through unchanged even when they
 * are not valid UTF-8 (sanitize them with gw_utf8_sanitize()). \u0000 makes
 * a NUL byte, so use the lengths; a NUL is also stored after each key and
 * val, for convenience only. */
typedef struct gw_json_member {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
	int type; /* GW_JSON_* */
} gw_json_member;

/* A parsed object: members m[0..n) in input order; duplicate keys are kept
 * as separate members. The other fields are private. */
typedef struct gw_json_obj {
	gw_json_member *m;
	size_t n;
	size_t cap_;   /* private: room in m */
	gw_buf store_; /* private: the bytes of every key and val */
} gw_json_obj;

/* Prepares obj for gw_json_parse_object(); it owns nothing yet. */
void gw_json_obj_init(gw_json_obj *obj);
/* Releases obj's storage; obj is empty and initialised again afterwards.
 * NULL does nothing. */
void gw_json_obj_free(gw_json_obj *obj);

/* Parses text[0..len), which must hold exactly one JSON object, optionally
 * surrounded by JSON whitespace (space, tab, CR, LF, so a trailing '\r' from
 * CRLF line ends is fine). text need not be NUL-terminated and is not kept:
 * every key and val points into obj's own storage and stays valid until the
 * next gw_json_parse_object() on obj or gw_json_obj_free(obj). obj's storage
 * is reused across calls; obj->n is reset by each call (0 on error).
 * Errors: GW_EINVAL for anything that is not one well-formed JSON object,
 * with a message naming the 0-based byte offset in text, e.g.
 * "invalid JSON: expected ',' or '}' at byte 40",
 * "invalid JSON: unterminated string starting at byte 12"; nesting deeper
 * than GW_JSON_MAX_DEPTH is such an error too. GW_ENOMEM if memory runs out.
 * err may be NULL; as always, an error already in err is kept. */
gw_rc gw_json_parse_object(gw_json_obj *obj, const char *text, size_t len, gw_err *err);

/* The same for text holding exactly one JSON array (e.g. the raw val of
 * a GW_JSON_ARRAY member): its elements become obj's members, in order,
 * each with an empty key. */
gw_rc gw_json_parse_array(gw_json_obj *obj, const char *text, size_t len, gw_err *err);

/* Appends s[0..n) to b as a JSON string literal, quotes included. Escapes
 * '"', '\\', control characters (\b \f \n \r \t, others as \u00XX) and
 * U+2028/U+2029 (as \u2028/\u2029, which JavaScript cannot take raw); each
 * invalid UTF-8 sequence becomes \ufffd. Other characters, non-ASCII ones
 * included, are copied raw, so the output is valid JSON and valid UTF-8.
 * Allocation failure is sticky in b (check gw_buf_ok(b)). s may be NULL when
 * n is 0. */
void gw_json_put_string(gw_buf *b, const char *s, size_t n);

#endif
