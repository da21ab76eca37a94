/* gw_doc: a document as handed to the index: an external id and named
 * string fields. Everything is borrowed: the index copies what it keeps. */
#ifndef GW_DOC_H
#define GW_DOC_H

#include <stddef.h>

typedef struct gw_field {
	const char *name; /* UTF-8 field name, e.g. "title", "body", "省份" */
	size_t name_len;
	const char *val;  /* UTF-8 text; invalid sequences become U+FFFD */
	size_t val_len;
} gw_field;

typedef struct gw_doc {
	const char *id;   /* external id, unique in the index, non-empty */
	size_t id_len;
	const gw_field *fields;
	size_t nfields;
} gw_doc;

#endif
