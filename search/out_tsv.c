/* out_tsv: --format tsv, for cut, awk and spreadsheets: a header line
 *   #rank<TAB>id<TAB>score<TAB>title
 * then one line per hit: its rank (counting --offset), id, score and the
 * values of the --fields fields (default: title), with tabs and line breaks
 * inside values turned into spaces; a field the document lacks is empty. */
#include <string.h>

#include "search.h"

static const char *const default_fields[] = {"title"};

/* The fields to print: --fields, else title. */
static const char *const *columns(const sopts *o, size_t *n)
{
	if (o->fields) {
		*n = o->nfields;
		return o->fields;
	}
	*n = 1;
	return default_fields;
}

static void put_header(FILE *out, const char *const *col, size_t ncol)
{
	fputs("#rank\tid\tscore", out);
	for (size_t k = 0; k < ncol; k++) {
		putc('\t', out);
		gw_out_flat(out, col[k], strlen(col[k]));
	}
	putc('\n', out);
}

gw_rc gw_out_tsv(FILE *out, gw_results *r, const sopts *o, gw_err *err)
{
	size_t ncol;
	const char *const *col = columns(o, &ncol);
	gw_rc rc;

	put_header(out, col, ncol);
	rc = gw_out_check(out, err);
	for (size_t i = 0; i < gw_results_count(r) && rc == GW_OK; i++) {
		gw_record rec;
		if ((rc = gw_results_record(r, i, &rec, err)))
			break;
		fprintf(out, "%zu\t", o->so.offset + i + 1);
		gw_out_flat(out, rec.id, rec.id_len);
		fprintf(out, "\t%.6f", gw_results_hit(r, i)->score);
		for (size_t k = 0; k < ncol; k++) {
			const char *shown, *v;
			size_t n = 0;
			putc('\t', out);
			if ((v = gw_out_field(r, &rec, col[k], &n, &shown)))
				gw_out_flat(out, v, n);
		}
		putc('\n', out);
		rc = gw_out_check(out, err);
	}
	return rc;
}
