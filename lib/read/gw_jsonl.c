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

#include "base/gw_limits.h"
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

/* The line being gathered from the chunks read: its bytes, or only its
 * length once it is longer than GW_LINE_MAX (it is then rejected whole,
 * and never held in memory). */
typedef struct line_acc {
	gw_buf b;
	size_t len;
	long lineno;
} line_acc;

/* The line is complete: read it, or reject it as too long. */
static void end_line(jsonl *r, line_acc *l)
{
	l->lineno++;
	if (l->len > GW_LINE_MAX)
		gw_input_reject(r->in, r->name, l->lineno, "line of %zu bytes, more than GW_LINE_MAX (%d)",
		                l->len, GW_LINE_MAX);
	else if (!gw_buf_ok(&l->b))
		gw_input_reject(r->in, r->name, l->lineno, "out of memory");
	else
		read_line(r, l->lineno, l->len ? (const char *)l->b.p : "", l->len);
	if (l->b.cap > (1 << 20))
		gw_buf_free(&l->b); /* a long line's buffer is not kept for the rest */
	gw_buf_reset(&l->b);
	l->len = 0;
}

/* Adds p[0..n) (no newline in it) to the line. */
static void add_bytes(line_acc *l, const char *p, size_t n)
{
	l->len += n;
	if (l->len <= GW_LINE_MAX)
		gw_buf_append(&l->b, p, n);
	else
		gw_buf_free(&l->b);
}

/* Splits a chunk into lines. */
static void add_chunk(jsonl *r, line_acc *l, const char *p, size_t n)
{
	const char *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		add_bytes(l, p, (size_t)(nl - p + 1));
		end_line(r, l);
		p = nl + 1;
	}
	add_bytes(l, p, (size_t)(end - p));
}

void gw_input_jsonl(gw_input *in, const char *name, FILE *fp)
{
	enum { CHUNK = 65536 };
	jsonl r = {in, name, {0}, NULL, 0};
	line_acc l = {GW_BUF_INIT, 0, 0};
	char *chunk = malloc(CHUNK);
	size_t n;
	int first = 1;

	if (!chunk) {
		gw_input_reject(in, name, 0, "out of memory");
		return;
	}
	gw_json_obj_init(&r.obj);
	while ((n = fread(chunk, 1, CHUNK, fp)) > 0) {
		in->nbytes += n;
		if (first && gw_input_skip_binary(in, name, chunk, n))
			goto out;
		first = 0;
		add_chunk(&r, &l, chunk, n);
	}
	if (l.len)
		end_line(&r, &l);
	if (ferror(fp))
		gw_input_reject(in, name, l.lineno + 1, "read error: %s", strerror(errno));
out:
	gw_buf_free(&l.b);
	free(chunk);
	free(r.fields);
	gw_json_obj_free(&r.obj);
}
