/* gw_api: the public C API (gongwen.h), a thin layer over gw_index,
 * gw_search and gw_snippet. It adds only what a caller outside the library
 * needs: opaque handles, an error message kept on the index handle, and a
 * cache of the last hit's stored record so that reading several fields of
 * one hit parses it once.
 *
 * The library is compiled with -fvisibility=hidden: the functions declared
 * in gongwen.h, and only they, are exported from libgongwen.so (the
 * pragma gives them default visibility; lib/api/libgongwen.map names them
 * and their version node). */
#pragma GCC visibility push(default)
#include "gongwen.h"
#pragma GCC visibility pop

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/gw_index.h"
#include "search/gw_search.h"
#include "search/gw_snippet.h"

_Static_assert(GONGWEN_EFULL == (int)GW_EFULL && GONGWEN_EINVAL == (int)GW_EINVAL &&
                   GONGWEN_ECORRUPT == (int)GW_ECORRUPT,
               "gongwen.h return codes must be the gw_rc numbers");
_Static_assert((int)GONGWEN_TYPE_NOTICE == (int)GW_TYPE_NOTICE &&
                   (int)GONGWEN_TYPE_RECORD == (int)GW_TYPE_RECORD,
               "gongwen.h types must be the GW_TYPE_* numbers");

#define SNIPPET_CHARS 90

struct gongwen {
	gw_index *ix; /* NULL in a handle that only holds gongwen_open's error */
	gw_err err;
	size_t total_max; /* gongwen_set_total_max (0: the default) */
};

struct gongwen_results {
	gongwen *db;
	gw_results *r;
	size_t cur;    /* the hit whose record is in rec; SIZE_MAX: none */
	gw_record rec;
};

struct gongwen_snippet {
	gw_snippet sn;
	char *field;   /* owned copy: the snippet outlives the results */
};

int gongwen_version(void) { return GONGWEN_API_VERSION; }

int gongwen_open(const char *path, gongwen **out)
{
	gongwen *db = calloc(1, sizeof *db);

	*out = db;
	if (!db)
		return GONGWEN_ENOMEM;
	gw_err_clear(&db->err);
	if (!path)
		return gw_err_set(&db->err, GW_EINVAL, 0, "no index path given");
	return gw_index_open(&db->ix, path, GW_OPEN_READ, &db->err);
}

void gongwen_close(gongwen *db)
{
	if (!db)
		return;
	gw_index_close(db->ix);
	free(db);
}

int gongwen_reader_check(gongwen *db, int *dead)
{
	if (dead)
		*dead = 0;
	gw_err_clear(&db->err);
	if (!db->ix)
		return gw_err_set(&db->err, GW_EINVAL, 0, "the index is not open");
	return gw_index_reader_check(db->ix, dead, &db->err);
}

const char *gongwen_errmsg(const gongwen *db) { return db ? db->err.msg : "out of memory"; }

const char *gongwen_strerror(int rc) { return gw_rc_name((gw_rc)rc); }

void gongwen_options_init(gongwen_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->limit = 10;
}

/* Translates the public options; GW_EINVAL for values out of their range. */
static gw_rc search_opts(const gongwen_options *in, gw_search_opts *so, gw_err *err)
{
	gongwen_options defaults;

	if (!in) {
		gongwen_options_init(&defaults);
		in = &defaults;
	}
	memset(so, 0, sizeof *so);
	so->offset = in->offset;
	so->limit = in->limit;
	so->type = in->type;
	so->after = in->after;
	so->before = in->before;
	if (in->type < GONGWEN_TYPE_ANY || in->type > GONGWEN_TYPE_RECORD)
		return gw_err_set(err, GW_EINVAL, 0, "bad document type %d", in->type);
	if (in->after && !gw_date_valid(in->after))
		return gw_err_set(err, GW_EINVAL, 0, "bad date '%s' (YYYY-MM-DD, YYYY-MM or YYYY)", in->after);
	if (in->before && !gw_date_valid(in->before))
		return gw_err_set(err, GW_EINVAL, 0, "bad date '%s' (YYYY-MM-DD, YYYY-MM or YYYY)", in->before);
	return GW_OK;
}

int gongwen_search(gongwen *db, const char *query, const gongwen_options *opts,
                   gongwen_results **out)
{
	gw_search_opts so;
	gongwen_results *res;

	*out = NULL;
	gw_err_clear(&db->err);
	if (!db->ix)
		return gw_err_set(&db->err, GW_EINVAL, 0, "the index is not open");
	if (!query)
		return gw_err_set(&db->err, GW_EINVAL, 0, "no query given");
	if (search_opts(opts, &so, &db->err))
		return db->err.rc;
	so.total_max = db->total_max;
	if (!(res = calloc(1, sizeof *res)))
		return gw_err_set(&db->err, GW_ENOMEM, 0, "out of memory");
	if (gw_search(db->ix, query, strlen(query), &so, &res->r, &db->err)) {
		free(res);
		return db->err.rc;
	}
	res->db = db;
	res->cur = SIZE_MAX;
	*out = res;
	return GONGWEN_OK;
}

void gongwen_results_free(gongwen_results *res)
{
	if (!res)
		return;
	gw_results_free(res->r);
	free(res);
}

size_t gongwen_results_count(const gongwen_results *res) { return gw_results_count(res->r); }

size_t gongwen_results_total(const gongwen_results *res) { return gw_results_total(res->r); }

int gongwen_results_total_exact(const gongwen_results *res) { return gw_results_total_exact(res->r); }

int gongwen_set_total_max(gongwen *db, size_t n)
{
	gw_err_clear(&db->err);
	if (!db->ix)
		return gw_err_set(&db->err, GW_EINVAL, 0, "the index is not open");
	if (n == 0)
		return gw_err_set(&db->err, GW_EINVAL, 0, "a count limit of 0");
	db->total_max = n;
	return GONGWEN_OK;
}

/* The stored record of hit i, parsed once per hit; NULL on error (in the
 * db's message). Clears the message first: every caller is an API entry. */
static const gw_record *record(gongwen_results *res, size_t i)
{
	gw_err *err = &res->db->err;

	gw_err_clear(err);
	if (i >= gw_results_count(res->r)) {
		gw_err_set(err, GW_EINVAL, 0, "hit %zu out of range (%zu hits)", i, gw_results_count(res->r));
		return NULL;
	}
	if (res->cur != i) {
		res->cur = SIZE_MAX;
		if (gw_results_record(res->r, i, &res->rec, err))
			return NULL;
		res->cur = i;
	}
	return &res->rec;
}

const char *gongwen_hit_id(gongwen_results *res, size_t i, size_t *len)
{
	const gw_record *rec = record(res, i);

	*len = rec ? rec->id_len : 0;
	return rec ? rec->id : NULL;
}

double gongwen_hit_score(const gongwen_results *res, size_t i)
{
	return i < gw_results_count(res->r) ? gw_results_hit(res->r, i)->score : 0;
}

int gongwen_hit_type(gongwen_results *res, size_t i)
{
	const gw_record *rec = record(res, i);

	if (!rec)
		return 0;
	return gw_results_is_record(res->r, rec) ? GONGWEN_TYPE_RECORD : GONGWEN_TYPE_NOTICE;
}

const char *gongwen_hit_field(gongwen_results *res, size_t i, const char *name, size_t *len)
{
	const gw_record *rec = record(res, i);
	const char *v = rec && name ? gw_results_field(res->r, rec, name, len) : NULL;

	if (!v)
		*len = 0;
	return v;
}

size_t gongwen_hit_nfields(gongwen_results *res, size_t i)
{
	const gw_record *rec = record(res, i);

	return rec ? rec->nf : 0;
}

const char *gongwen_hit_field_name(gongwen_results *res, size_t i, size_t k)
{
	const gw_record *rec = record(res, i);

	if (rec && k >= rec->nf) {
		gw_err_set(&res->db->err, GW_EINVAL, 0, "field %zu out of range (%u fields)", k, rec->nf);
		return NULL;
	}
	return rec ? gw_results_field_name(res->r, rec->fid[k]) : NULL;
}

/* The field id of "title" (0 if the index has none): the title is the
 * snippet's last resort, as in gongwen-search. */
static unsigned title_fid(const gw_results *r)
{
	for (unsigned f = 1; *gw_results_field_name(r, f); f++)
		if (strcmp(gw_results_field_name(r, f), "title") == 0)
			return f;
	return 0;
}

int gongwen_hit_snippet(gongwen_results *res, size_t i, size_t max_chars, gongwen_snippet **out)
{
	const gw_record *rec = record(res, i);
	gw_err *err = &res->db->err;
	gongwen_snippet *s;

	*out = NULL;
	if (!rec)
		return err->rc;
	if (!(s = calloc(1, sizeof *s)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (gw_snippet_make(res->db->ix, gw_results_query(res->r), rec, title_fid(res->r),
	                    max_chars ? max_chars : SNIPPET_CHARS, &s->sn, err) == GW_OK) {
		gw_buf_putc(&s->sn.text, 0); /* NUL-terminated for C callers; not in the length */
		s->sn.text.len--;
		s->field = strdup(gw_results_field_name(res->r, s->sn.fid));
		if (!s->field || !gw_buf_ok(&s->sn.text))
			gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	if (err->rc) {
		gongwen_snippet_free(s);
		return err->rc;
	}
	*out = s;
	return GONGWEN_OK;
}

const char *gongwen_snippet_text(const gongwen_snippet *sn, size_t *len)
{
	*len = sn->sn.text.len;
	return (const char *)sn->sn.text.p;
}

const char *gongwen_snippet_field(const gongwen_snippet *sn) { return sn->field; }

size_t gongwen_snippet_nranges(const gongwen_snippet *sn) { return sn->sn.matches.n; }

int gongwen_snippet_range(const gongwen_snippet *sn, size_t k, size_t *start, size_t *end)
{
	if (k >= sn->sn.matches.n)
		return GONGWEN_EINVAL;
	*start = sn->sn.matches.r[k].start;
	*end = sn->sn.matches.r[k].end;
	return GONGWEN_OK;
}

void gongwen_snippet_free(gongwen_snippet *sn)
{
	if (!sn)
		return;
	gw_snippet_free(&sn->sn);
	free(sn->field);
	free(sn);
}
