/* gw_jsonl: the JSON Lines reader of gongwen-index (files and stdin).
 * Each line is one object: its "id" member names the document and its
 * string members are the fields (title, body, or any record column such as
 * "省份"). A bad line is reported with its line number and skipped; the
 * lines after it are read as usual, so one typo does not lose a batch. */
#include "read/gw_input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "read/gw_json.h"

/* One reader's state; obj and fields are reused from line to line. */
typedef struct jsonl {
	gw_input *in;
	const char *name;
	gw_json_obj obj;
	gw_field *fields;
	size_t cap;
} jsonl;

static const gw_json_member *find_id(const gw_json_obj *obj)
{
	size_t i;

	for (i = 0; i < obj->n; i++)
		if (obj->m[i].key_len == 2 && memcmp(obj->m[i].key, "id", 2) == 0)
			return &obj->m[i];
	return NULL;
}

/* Points r->fields at the string members other than "id"; returns their
 * number, or (size_t)-1 when out of memory. */
static size_t collect_fields(jsonl *r, const gw_json_obj *obj,
                             const gw_json_member *id)
{
	size_t i, n = 0;

	if (obj->n > r->cap) {
		gw_field *f = realloc(r->fields, obj->n * sizeof *f);
		if (!f)
			return (size_t)-1;
		r->fields = f;
		r->cap = obj->n;
	}
	for (i = 0; i < obj->n; i++) {
		const gw_json_member *m = &obj->m[i];
		if (m == id || m->type != GW_JSON_STRING)
			continue;
		r->fields[n++] = (gw_field){m->key, m->key_len, m->val, m->val_len};
	}
	return n;
}

static void deliver_object(jsonl *r, const gw_json_obj *obj, long lineno)
{
	const gw_json_member *id = find_id(obj);
	gw_doc doc;
	size_t n;

	if (!id) {
		gw_input_reject(r->in, r->name, lineno, "missing \"id\"");
		return;
	}
	if (id->type != GW_JSON_STRING && id->type != GW_JSON_NUMBER) {
		gw_input_reject(r->in, r->name, lineno,
		                "\"id\" is not a string or a number");
		return;
	}
	if (id->val_len == 0) {
		gw_input_reject(r->in, r->name, lineno, "empty \"id\"");
		return;
	}
	if ((n = collect_fields(r, obj, id)) == (size_t)-1) {
		gw_input_reject(r->in, r->name, lineno, "out of memory");
		return;
	}
	doc = (gw_doc){id->val, id->val_len, r->fields, n};
	gw_input_deliver(r->in, &doc, r->name, lineno);
}

static void read_line(jsonl *r, long lineno, const char *line, size_t len)
{
	const char *b, *e;
	gw_err err;

	if (lineno == 1 && len >= 3 && memcmp(line, GW_UTF8_BOM, 3) == 0)
		line += 3, len -= 3;
	b = line;
	e = line + len;
	gw_input_trim(&b, &e);
	if (b == e)
		return;
	gw_err_clear(&err);
	if (gw_json_parse_object(&r->obj, line, len, &err) == GW_OK)
		deliver_object(r, &r->obj, lineno);
	else
		gw_input_reject(r->in, r->name, lineno, "%s", err.msg);
}

void gw_input_jsonl(gw_input *in, const char *name, FILE *fp)
{
	jsonl r = {in, name, {0}, NULL, 0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	gw_json_obj_init(&r.obj);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		in->nbytes += (uint64_t)n;
		read_line(&r, ++lineno, line, (size_t)n);
	}
	if (ferror(fp))
		gw_input_reject(in, name, lineno + 1, "read error: %s",
		                strerror(errno));
	free(line);
	free(r.fields);
	gw_json_obj_free(&r.obj);
}
