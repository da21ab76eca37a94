/* gw_limits: every limit on the size of what comes from outside (files,
 * documents, queries, the index on disk), in one place.
 *
 * Each limit is one #define with a comment saying what it bounds and what
 * happens past it; the README's "Limits" table lists the same names and
 * values, and tests/check_limits.sh fails when the two differ. Code never
 * indexes a fixed-size array by a count that input decides: it checks the
 * count against the limit here and refuses past it, with a message that
 * names the limit. Constants of the on-disk format (block sizes, chunk
 * sizes) are not limits: they live with their format. */
#ifndef GW_LIMITS_H
#define GW_LIMITS_H

/* Documents */

/* The longest document id, in bytes: a longer one is rejected. */
#define GW_ID_MAX 500
/* Fields a document may have, stored-only ones included: more is rejected. */
#define GW_MAX_FIELDS 255
/* Longest term in bytes; longer Latin words are cut at a code point
 * boundary (documents and queries alike, so they still match). */
#define GW_TERM_MAX 120

/* Input formats */

/* Deepest JSON nesting accepted; the top-level object counts as 1. */
#define GW_JSON_MAX_DEPTH 64

/* Queries */

/* Bytes of one query: a longer one is refused. With the two limits below
 * it bounds the time and memory one query may take. */
#define GW_QUERY_BYTES_MAX 65536
/* Parts (words and phrases, each copy counted) of one query: more are
 * refused. Every part is matched and scored, so this is the bound of the
 * per-part arrays of a search. */
#define GW_QUERY_PARTS_MAX 4096
/* Levels of nesting in one query: groups "(", NOT or "-" and field: each
 * open one; deeper is refused (the parser and the evaluator recurse once
 * a level). */
#define GW_QUERY_DEPTH_MAX 256

/* Terms a prefix (word*) expands to, at most, per field; the rest of the
 * terms with that prefix are not searched. */
#define GW_PREFIX_MAX 256
/* Anchors kept per match (for NEAR and proximity). */
#define GW_ANCHORS_MAX 256
/* Field weights a search may set (--weight). */
#define GW_MAX_WEIGHTS 32

#endif
