/* gw_xlsx: an Excel workbook (.xlsx, SpreadsheetML) becomes records, one
 * per row of every sheet, as a .csv file does (gw_csv_records.c): see
 * gw_input_xlsx in gw_input.h.
 *
 * The package: _rels/.rels names the workbook (xl/workbook.xml), whose
 * <sheet>s, in order, name their parts through the workbook's
 * relationships, with the shared strings (sharedStrings.xml) and the
 * styles (styles.xml). Each sheet is read in one SAX pass (gw_xml.h) into
 * its cells, kept as text:
 *   - shared strings (t="s") and inline strings (t="inlineStr"), rich
 *     text runs joined, phonetic runs (<rPh>) left out;
 *   - formula results as stored (t="str", numbers), booleans TRUE/FALSE,
 *     errors as their code (#N/A), ISO dates (t="d") as they are;
 *   - numbers as written, but for those whose cell format is a date or a
 *     time (built-in formats 14-22, 27-36, 45-47, 50-58, or a format code
 *     with y, m, d, h or s outside quotes and brackets): the serial becomes
 *     ISO 8601, 2020-03-25 (or 2020-03-25T14:30:00, or 14:30:00), in the
 *     1900 date system (serial 1 = 1900-01-01; 60 = 1900-02-29, the day
 *     Lotus 1-2-3 invented and Excel keeps; 61 = 1900-03-01) or, when the
 *     workbook says date1904, the 1904 system (0 = 1904-01-01).
 * Then the merged ranges (<mergeCell ref="A2:A4">, which come after the
 * cells) give the value of their first cell to every other cell they
 * cover, in the rows the sheet has, up to GW_XLSX_MERGED_MAX cells a
 * sheet. The first row with a non-empty cell is the header; every later
 * non-empty row a record. */
#include "read/gw_office.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/gw_limits.h"
#include "read/gw_input.h"
#include "read/gw_xml.h"
#include "text/gw_escape.h"

#define WIDE (GW_TABLE_COLS_MAX + 1) /* columns kept: one more says "too wide" */
#define MAX_COL 16384                /* XFD, the last column of a sheet */
#define MAX_ROW 1048576

/* ---- shared strings ------------------------------------------------------- */

typedef struct strtab {
	gw_buf text;  /* the strings, one after the other */
	size_t *off;  /* n + 1 offsets */
	size_t n, cap;
	int in_si, in_t, in_rph;
} strtab;

static void sst_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	strtab *s = ctx;

	(void)attrs, (void)depth;
	if (strcmp(name, "si") == 0) {
		s->in_si = 1;
		if (gw_array_grow((void **)&s->off, &s->cap, s->n + 2, sizeof *s->off, 64))
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
		else
			s->off[s->n] = s->text.len;
	} else if (strcmp(name, "t") == 0) {
		s->in_t = 1;
	} else if (strcmp(name, "rPh") == 0) {
		s->in_rph++;
	}
}

static void sst_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	strtab *s = ctx;

	(void)depth;
	if (strcmp(name, "si") == 0 && s->in_si) {
		s->in_si = 0;
		s->off[++s->n] = s->text.len;
	} else if (strcmp(name, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(name, "rPh") == 0 && s->in_rph > 0) {
		s->in_rph--;
	}
	if (!gw_buf_ok(&s->text))
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
}

static void sst_text(gw_xml *x, void *ctx, const char *p, size_t n)
{
	strtab *s = ctx;

	(void)x;
	if (s->in_si && s->in_t && !s->in_rph)
		gw_buf_append(&s->text, p, n);
}

static const gw_xml_handler sst_handler = {sst_start, sst_end, sst_text};

static void strtab_free(strtab *s)
{
	gw_buf_free(&s->text);
	free(s->off);
	memset(s, 0, sizeof *s);
}

/* ---- styles: which cell formats are dates --------------------------------- */

typedef enum { FMT_NUMBER, FMT_DATE, FMT_DATETIME, FMT_TIME } fmt_kind;

typedef struct numfmt {
	unsigned id;
	fmt_kind kind;
} numfmt;

typedef struct styles {
	numfmt *fmts;       /* custom formats */
	size_t nfmts, fcap;
	unsigned *xf;       /* numFmtId of each cell format (cellXfs) */
	size_t nxf, xcap;
	int in_xfs;
} styles;

/* What a format code shows: a date, a time, both, or a number. Quoted
 * text, backslash escapes and [brackets] (colours, locales, elapsed [h])
 * do not count. */
static fmt_kind code_kind(const char *code)
{
	int date = 0, time = 0;

	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			if ((p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 's') && p[2])
				time = 1; /* [h]:mm elapsed time */
			while (p[1] && p[1] != ']')
				p++;
		} else if (*p == ';') {
			break; /* the first section decides */
		} else if (strchr("yYdDmM", *p)) {
			date = 1; /* m after h is minutes: sorted out below */
		} else if (strchr("hHsS", *p)) {
			time = 1;
		}
	}
	/* "m" alone after h is minutes: a code with h and m but no y or d */
	if (time && date) {
		int ymd = 0;
		for (const char *p = code; *p; p++)
			ymd |= strchr("yYdD", *p) != NULL;
		if (!ymd)
			date = 0;
	}
	return date && time ? FMT_DATETIME : date ? FMT_DATE : time ? FMT_TIME : FMT_NUMBER;
}

/* The built-in formats that are dates or times. */
static fmt_kind builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || id == 27 || id == 28 || id == 29 || id == 30 || id == 31 ||
	    id == 34 || id == 35 || id == 36 || (id >= 50 && id <= 54) || id == 57 || id == 58)
		return FMT_DATE;
	if (id == 22)
		return FMT_DATETIME;
	if ((id >= 18 && id <= 21) || id == 32 || id == 33 || (id >= 45 && id <= 47) || id == 55 ||
	    id == 56)
		return FMT_TIME;
	return FMT_NUMBER;
}

static unsigned uattr(const char *const *attrs, const char *name, unsigned def)
{
	const char *v = gw_xml_attr(attrs, name);
	char *end;
	unsigned long n;

	if (!v || *v < '0' || *v > '9')
		return def;
	n = strtoul(v, &end, 10);
	return n > 0xFFFFFFu ? def : (unsigned)n;
}

static void sty_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	styles *s = ctx;

	(void)depth;
	if (strcmp(name, "numFmt") == 0) {
		const char *code = gw_xml_attr(attrs, "formatCode");
		if (gw_array_grow((void **)&s->fmts, &s->fcap, s->nfmts + 1, sizeof *s->fmts, 16)) {
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
			return;
		}
		s->fmts[s->nfmts++] = (numfmt){uattr(attrs, "numFmtId", 0),
		                               code ? code_kind(code) : FMT_NUMBER};
	} else if (strcmp(name, "cellXfs") == 0) {
		s->in_xfs = 1;
	} else if (strcmp(name, "xf") == 0 && s->in_xfs) {
		if (gw_array_grow((void **)&s->xf, &s->xcap, s->nxf + 1, sizeof *s->xf, 16)) {
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
			return;
		}
		s->xf[s->nxf++] = uattr(attrs, "numFmtId", 0);
	}
}

static void sty_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	styles *s = ctx;

	(void)x, (void)depth;
	if (strcmp(name, "cellXfs") == 0)
		s->in_xfs = 0;
}

static const gw_xml_handler sty_handler = {sty_start, sty_end, NULL};

/* What the cell format of index xf shows. */
static fmt_kind xf_kind(const styles *s, unsigned xf)
{
	unsigned id;

	if (xf >= s->nxf)
		return FMT_NUMBER;
	id = s->xf[xf];
	for (size_t i = 0; i < s->nfmts; i++)
		if (s->fmts[i].id == id)
			return s->fmts[i].kind;
	return builtin_kind(id);
}

static void styles_free(styles *s)
{
	free(s->fmts);
	free(s->xf);
	memset(s, 0, sizeof *s);
}

/* ---- dates ---------------------------------------------------------------- */

/* The civil date of day z after 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

/* Writes the serial v as ISO 8601 of kind k to out; returns 0, or -1 when
 * v is no date (out of 0..9999-12-31, not a number). */
static int serial_iso(const char *v, fmt_kind k, int d1904, char *out, size_t cap)
{
	char *end;
	double x = strtod(v, &end);
	long long days, secs, y;
	unsigned m, d;

	if (end == v || *end || !isfinite(x) || x < 0 || x >= 2958466)
		return -1;
	days = (long long)floor(x);
	secs = llround((x - (double)days) * 86400.0);
	if (secs >= 86400)
		days++, secs -= 86400;
	if (k == FMT_TIME || (days == 0 && !d1904 && k == FMT_DATETIME)) {
		snprintf(out, cap, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
		return 0;
	}
	if (!d1904 && days == 0)
		return -1; /* "1900-01-00" is no date */
	if (!d1904 && days == 60) {
		y = 1900, m = 2, d = 29;
	} else {
		/* days from 1970-01-01: 1900 system 25569 = 1970-01-01 past the
		 * fictitious day, 1904 system 24107 */
		long long z = d1904 ? days - 24107 : days < 60 ? days - 25568 : days - 25569;
		civil(z, &y, &m, &d);
	}
	if (k == FMT_DATETIME)
		snprintf(out, cap, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, secs / 3600,
		         secs / 60 % 60, secs % 60);
	else
		snprintf(out, cap, "%04lld-%02u-%02u", y, m, d);
	return 0;
}

/* ---- a sheet -------------------------------------------------------------- */

typedef struct xcell {
	unsigned col; /* 1-based */
	size_t off, len;
} xcell;

typedef struct xrow {
	unsigned num; /* 1-based */
	size_t first, n; /* cells[first .. first + n) */
} xrow;

typedef struct merge {
	unsigned r1, c1, r2, c2;
} merge;

typedef struct sheet {
	const strtab *sst;
	const styles *sty;
	int d1904;
	gw_buf text;            /* cell values */
	xcell *cells;
	size_t ncells, ccap;
	xrow *rows;
	size_t nrows, rcap;
	merge *merges;
	size_t nmerges, mcap;
	/* the cell being read */
	unsigned row_num, next_col;
	int in_row, in_c, in_v, in_is_t, in_rph;
	unsigned col;
	char type[16];
	unsigned xf;
	gw_buf v;
} sheet;

/* "AB12" -> column 28, row 12; missing parts 0. */
static void parse_ref(const char *s, unsigned *col, unsigned *row)
{
	unsigned long c = 0, r = 0;

	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
		c = c * 26 + (unsigned long)((*s | 0x20) - 'a' + 1);
		if (c > MAX_COL)
			c = MAX_COL + 1;
		s++;
	}
	while (*s == '$')
		s++;
	while (*s >= '0' && *s <= '9') {
		r = r * 10 + (unsigned long)(*s - '0');
		if (r > MAX_ROW)
			r = MAX_ROW + 1;
		s++;
	}
	*col = (unsigned)c;
	*row = (unsigned)r;
}

static void sh_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	sheet *s = ctx;

	(void)depth;
	if (strcmp(name, "row") == 0) {
		unsigned r = uattr(attrs, "r", 0);
		s->row_num = r ? r : s->row_num + 1;
		s->next_col = 1;
		s->in_row = 1;
		if (gw_array_grow((void **)&s->rows, &s->rcap, s->nrows + 1, sizeof *s->rows, 64)) {
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
			return;
		}
		s->rows[s->nrows++] = (xrow){s->row_num, s->ncells, 0};
	} else if (strcmp(name, "c") == 0 && s->in_row) {
		const char *ref = gw_xml_attr(attrs, "r"), *t = gw_xml_attr(attrs, "t");
		unsigned col = 0, row = 0;
		if (ref)
			parse_ref(ref, &col, &row);
		s->col = col ? col : s->next_col;
		s->next_col = s->col + 1;
		snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
		s->xf = uattr(attrs, "s", 0);
		s->in_c = 1;
		gw_buf_reset(&s->v);
	} else if (s->in_c && strcmp(name, "v") == 0) {
		s->in_v = 1;
	} else if (s->in_c && strcmp(name, "t") == 0) {
		s->in_is_t = 1;
	} else if (s->in_c && strcmp(name, "rPh") == 0) {
		s->in_rph++;
	} else if (strcmp(name, "mergeCell") == 0) {
		const char *ref = gw_xml_attr(attrs, "ref"), *colon = ref ? strchr(ref, ':') : NULL;
		merge m;
		if (!colon)
			return;
		parse_ref(ref, &m.c1, &m.r1);
		parse_ref(colon + 1, &m.c2, &m.r2);
		if (!m.c1 || !m.r1 || m.c2 < m.c1 || m.r2 < m.r1)
			return;
		if (gw_array_grow((void **)&s->merges, &s->mcap, s->nmerges + 1, sizeof *s->merges, 16)) {
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
			return;
		}
		s->merges[s->nmerges++] = m;
	}
}

/* The text of the cell just read, into s->text. */
static void end_cell(sheet *s)
{
	const char *v = s->v.len ? (const char *)s->v.p : "";
	char iso[128];
	size_t off = s->text.len;

	gw_buf_putc(&s->v, '\0');
	if (!gw_buf_ok(&s->v))
		return;
	v = (const char *)s->v.p;
	if (strcmp(s->type, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (end != v && i < s->sst->n && s->sst->off[i + 1] > s->sst->off[i])
			gw_buf_append(&s->text, s->sst->text.p + s->sst->off[i],
			              s->sst->off[i + 1] - s->sst->off[i]);
	} else if (strcmp(s->type, "b") == 0) {
		gw_buf_puts(&s->text, strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ? "TRUE"
		                                                                          : "FALSE");
	} else if (strcmp(s->type, "n") == 0 && s->sty && xf_kind(s->sty, s->xf) != FMT_NUMBER &&
	           serial_iso(v, xf_kind(s->sty, s->xf), s->d1904, iso, sizeof iso) == 0) {
		gw_buf_puts(&s->text, iso);
	} else {
		gw_buf_puts(&s->text, v); /* str, inlineStr, e, d, numbers */
	}
	if (s->text.len == off || s->col == 0 || s->col > MAX_COL)
		return;
	if (gw_array_grow((void **)&s->cells, &s->ccap, s->ncells + 1, sizeof *s->cells, 256)) {
		s->text.oom = 1;
		return;
	}
	s->cells[s->ncells++] = (xcell){s->col, off, s->text.len - off};
	s->rows[s->nrows - 1].n++;
}

static void sh_end(gw_xml *x, void *ctx, const char *name, int depth)
{
	sheet *s = ctx;

	(void)depth;
	if (strcmp(name, "row") == 0) {
		s->in_row = 0;
	} else if (strcmp(name, "c") == 0 && s->in_c) {
		s->in_c = 0;
		end_cell(s);
	} else if (strcmp(name, "v") == 0) {
		s->in_v = 0;
	} else if (strcmp(name, "t") == 0) {
		s->in_is_t = 0;
	} else if (strcmp(name, "rPh") == 0 && s->in_rph) {
		s->in_rph--;
	}
	if (!gw_buf_ok(&s->text) || !gw_buf_ok(&s->v))
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
}

static void sh_text(gw_xml *x, void *ctx, const char *p, size_t n)
{
	sheet *s = ctx;

	(void)x;
	if (s->in_c && (s->in_v || (s->in_is_t && !s->in_rph)))
		gw_buf_append(&s->v, p, n);
}

static const gw_xml_handler sheet_handler = {sh_start, sh_end, sh_text};

static void sheet_free(sheet *s)
{
	gw_buf_free(&s->text);
	gw_buf_free(&s->v);
	free(s->cells);
	free(s->rows);
	free(s->merges);
}

/* ---- records -------------------------------------------------------------- */

typedef struct val {
	const char *p;
	size_t n;
} val;

typedef struct deliv {
	gw_input *in;
	const char *file, *sheet_name, *id_column;
	char qname[GW_EXCERPT_SIZE]; /* the sheet's name for messages, escaped */
	sheet *s;
	val *vals;        /* WIDE values of the current row */
	char **cols;      /* names of the header's columns */
	size_t ncols, id_col;
	size_t merged;    /* cells filled from merged ranges */
	size_t *active;   /* the merged ranges over the current row */
	size_t nactive, next_merge;
	int merged_warned, extra_warned, header;
	gw_buf id;
	gw_field *fields;
} deliv;

static int cmp_row(const void *a, const void *b)
{
	const xrow *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num ? 1 : x->first < y->first ? -1 : 1;
}

static int cmp_cell(const void *a, const void *b)
{
	const xcell *x = a, *y = b;

	return x->col < y->col ? -1 : x->col > y->col ? 1 : x->off < y->off ? -1 : 1;
}

static int cmp_merge(const void *a, const void *b)
{
	const merge *x = a, *y = b;

	return x->r1 < y->r1 ? -1 : x->r1 > y->r1 ? 1 : x->c1 < y->c1 ? -1 : x->c1 > y->c1;
}

/* The value of cell (row, col) as the sheet has it, or NULL. */
static const xcell *find_cell(const sheet *s, unsigned row, unsigned col)
{
	size_t lo = 0, hi = s->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->rows[mid].num < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= s->nrows || s->rows[lo].num != row)
		return NULL;
	for (size_t i = 0; i < s->rows[lo].n; i++) {
		const xcell *c = &s->cells[s->rows[lo].first + i];
		if (c->col == col)
			return c;
		if (c->col > col)
			break;
	}
	return NULL;
}

/* Fills d->vals with row r: its cells, then the merged ranges over it.
 * Rows come in order; d->active keeps the ranges that reach the row. */
static void row_values(deliv *d, size_t r)
{
	const sheet *s = d->s;
	const xrow *row = &s->rows[r];

	memset(d->vals, 0, WIDE * sizeof *d->vals);
	for (size_t i = 0; i < row->n; i++) {
		const xcell *c = &s->cells[row->first + i];
		if (c->col <= WIDE)
			d->vals[c->col - 1] = (val){(const char *)s->text.p + c->off, c->len};
	}
	for (; d->next_merge < s->nmerges && s->merges[d->next_merge].r1 <= row->num;
	     d->next_merge++)
		if (s->merges[d->next_merge].c1 <= WIDE && s->merges[d->next_merge].r2 >= row->num)
			d->active[d->nactive++] = d->next_merge;
	for (size_t k = 0; k < d->nactive;) /* drop the ranges that ended above */
		if (s->merges[d->active[k]].r2 < row->num)
			d->active[k] = d->active[--d->nactive];
		else
			k++;
	for (size_t k = 0; k < d->nactive; k++) {
		const merge *m = &s->merges[d->active[k]];
		const xcell *src;
		if (d->merged >= GW_XLSX_MERGED_MAX) {
			if (!d->merged_warned++)
				gw_input_warn(d->in, d->file, 0, "sheet '%s': more than GW_XLSX_MERGED_MAX "
				              "(%d) cells filled from merged ranges; the others are left "
				              "empty", d->qname, GW_XLSX_MERGED_MAX);
			return;
		}
		if (!(src = find_cell(s, m->r1, m->c1)))
			continue;
		for (unsigned c = m->c1; c <= m->c2 && c <= WIDE; c++) {
			d->merged++;
			if (!d->vals[c - 1].n)
				d->vals[c - 1] = (val){(const char *)s->text.p + src->off, src->len};
		}
	}
}

static int row_empty(const deliv *d)
{
	for (size_t c = 0; c < WIDE; c++)
		if (d->vals[c].n)
			return 0;
	return 1;
}

/* Trims the value v (ASCII white space and U+3000). */
static val vtrim(val v)
{
	const char *b = v.p, *e;

	if (!v.n)
		return (val){"", 0};
	e = v.p + v.n;
	gw_input_trim(&b, &e);
	return (val){b, (size_t)(e - b)};
}

/* The header: column names from d->vals. Returns 0, -1 when the sheet is
 * rejected (reported), -2 when out of memory. */
static int take_header(deliv *d, unsigned rownum)
{
	char q[GW_EXCERPT_SIZE];
	size_t n = 0;

	for (size_t c = 0; c < WIDE; c++)
		if (vtrim(d->vals[c]).n)
			n = c + 1;
	if (n > GW_TABLE_COLS_MAX) {
		gw_input_reject(d->in, d->file, 0, "sheet '%s': header of more than GW_TABLE_COLS_MAX "
		                "(%d) columns (row %u); sheet not read", d->qname,
		                GW_TABLE_COLS_MAX, rownum);
		return -1;
	}
	if (!(d->cols = calloc(n + 1, sizeof *d->cols)) ||
	    !(d->fields = calloc(n + 8, sizeof *d->fields)))
		return -2;
	for (d->ncols = 0; d->ncols < n; d->ncols++) {
		val v = vtrim(d->vals[d->ncols]);
		size_t len = v.n > GW_FIELD_NAME_MAX - 8 ? GW_FIELD_NAME_MAX - 8 : v.n;
		gw_buf b = GW_BUF_INIT;
		int dup = 1;
		while (len < v.n && len > 0 && ((unsigned char)v.p[len] & 0xC0) == 0x80)
			len--;
		if (len)
			gw_buf_append(&b, v.p, len);
		else
			gw_buf_printf(&b, "column %zu", d->ncols + 1);
		gw_buf_putc(&b, '\0');
		for (size_t k = 0; k <= d->ncols && gw_buf_ok(&b); k++) {
			/* "sheet" is taken by the sheet's name */
			const char *other = k < d->ncols ? d->cols[k] : "sheet";
			if (strcmp((const char *)b.p, other) == 0) {
				gw_buf_reset(&b);
				if (len)
					gw_buf_append(&b, v.p, len);
				else
					gw_buf_printf(&b, "column %zu", d->ncols + 1);
				gw_buf_printf(&b, " %d", ++dup);
				gw_buf_putc(&b, '\0');
				k = (size_t)-1;
			}
		}
		if (!gw_buf_ok(&b))
			return -2;
		d->cols[d->ncols] = (char *)b.p;
	}
	d->id_col = (size_t)-1;
	if (d->id_column) {
		for (size_t c = 0; c < d->ncols; c++)
			if (strcmp(d->cols[c], d->id_column) == 0)
				d->id_col = c;
		if (d->id_col == (size_t)-1) {
			gw_input_reject(d->in, d->file, 0, "sheet '%s': no column '%s' for --id-column in "
			                "the header", d->qname, gw_excerpt_str(q, d->id_column));
			return -1;
		}
	}
	return 0;
}

/* Delivers the row numbered rownum (d->vals) as a record. */
static void deliver_row(deliv *d, unsigned rownum)
{
	char rowbuf[24], q[GW_EXCERPT_SIZE];
	size_t n = 0;
	gw_doc doc;

	for (size_t c = 0; c < d->ncols; c++) {
		val v = vtrim(d->vals[c]);
		if (v.n > GW_CELL_MAX) {
			gw_input_reject(d->in, d->file, 0, "sheet '%s' row %u: cell of column '%s' is %zu "
			                "bytes, more than GW_CELL_MAX (%d)", d->qname, rownum,
			                gw_excerpt_str(q, d->cols[c]), v.n, GW_CELL_MAX);
			return;
		}
		if (v.n)
			d->fields[n++] = (gw_field){d->cols[c], strlen(d->cols[c]), v.p, v.n};
	}
	for (size_t c = d->ncols; c < WIDE && !d->extra_warned; c++)
		if (vtrim(d->vals[c]).n) {
			d->extra_warned = 1;
			gw_input_warn(d->in, d->file, 0, "sheet '%s' row %u: cells beyond the header's %zu "
			              "columns dropped", d->qname, rownum, d->ncols);
		}
	if (n == 0)
		return;
	gw_buf_reset(&d->id);
	if (d->id_col != (size_t)-1) {
		val v = vtrim(d->vals[d->id_col]);
		if (!v.n) {
			gw_input_reject(d->in, d->file, 0, "sheet '%s' row %u: empty id in column '%s'",
			                d->qname, rownum, gw_excerpt_str(q, d->cols[d->id_col]));
			return;
		}
		gw_buf_append(&d->id, v.p, v.n);
	} else {
		gw_buf_printf(&d->id, "%s#%s#%u", d->file, d->sheet_name, rownum);
	}
	if (!gw_buf_ok(&d->id)) {
		gw_input_reject(d->in, d->file, 0, "out of memory");
		return;
	}
	snprintf(rowbuf, sizeof rowbuf, "%u", rownum);
	d->fields[n++] = (gw_field){"sheet", 5, d->sheet_name, strlen(d->sheet_name)};
	d->fields[n++] = (gw_field){"_type", 5, "record", 6};
	d->fields[n++] = (gw_field){"_row", 4, rowbuf, strlen(rowbuf)};
	doc = (gw_doc){(const char *)d->id.p, d->id.len, d->fields, n};
	gw_input_deliver(d->in, &doc, d->file, 0);
}

/* Delivers the records of the sheet s read; returns the number of rows
 * that gave one (or tried), -1 when out of memory. */
static long deliver_sheet(gw_input *in, const char *file, const char *name, sheet *s,
                          const char *id_column)
{
	deliv d;
	long rows = 0;
	int rc = 0;

	memset(&d, 0, sizeof d);
	d.in = in;
	d.file = file;
	d.sheet_name = name;
	gw_excerpt_str(d.qname, name);
	d.id_column = id_column;
	d.s = s;
	if (!(d.vals = malloc(WIDE * sizeof *d.vals)) ||
	    !(d.active = malloc((s->nmerges + 1) * sizeof *d.active))) {
		free(d.vals);
		return -1;
	}
	if (s->nrows)
		qsort(s->rows, s->nrows, sizeof *s->rows, cmp_row);
	for (size_t r = 0; r < s->nrows; r++)
		if (s->rows[r].n)
			qsort(s->cells + s->rows[r].first, s->rows[r].n, sizeof *s->cells, cmp_cell);
	if (s->nmerges)
		qsort(s->merges, s->nmerges, sizeof *s->merges, cmp_merge);
	for (size_t r = 0; r < s->nrows && rc == 0; r++) {
		row_values(&d, r);
		if (row_empty(&d))
			continue;
		if (!d.header) {
			d.header = 1;
			rc = take_header(&d, s->rows[r].num);
			rows++;
			continue;
		}
		deliver_row(&d, s->rows[r].num);
		rows++;
	}
	for (size_t c = 0; d.cols && c < d.ncols; c++)
		free(d.cols[c]);
	free(d.cols);
	free(d.fields);
	free(d.vals);
	free(d.active);
	gw_buf_free(&d.id);
	return rc == -2 ? -1 : rows;
}

/* ---- the workbook --------------------------------------------------------- */

typedef struct wsheet {
	size_t name, rid; /* offsets into the workbook's strings */
} wsheet;

typedef struct workbook {
	gw_buf strs;
	wsheet *sheets;
	size_t n, cap;
	int d1904;
} workbook;

static void wb_start(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth)
{
	workbook *w = ctx;

	(void)depth;
	if (strcmp(name, "workbookPr") == 0) {
		const char *v = gw_xml_attr(attrs, "date1904");
		w->d1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(name, "sheet") == 0) {
		const char *nm = gw_xml_attr(attrs, "name"), *id = gw_xml_attr(attrs, "id");
		if (gw_array_grow((void **)&w->sheets, &w->cap, w->n + 1, sizeof *w->sheets, 8)) {
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
			return;
		}
		w->sheets[w->n].name = w->strs.len;
		gw_buf_puts(&w->strs, nm && nm[0] ? nm : "Sheet");
		gw_buf_putc(&w->strs, '\0');
		w->sheets[w->n].rid = w->strs.len;
		gw_buf_puts(&w->strs, id ? id : "");
		gw_buf_putc(&w->strs, '\0');
		w->n++;
		if (!gw_buf_ok(&w->strs))
			gw_xml_fail(x, GW_ENOMEM, "out of memory");
	}
}

static const gw_xml_handler wb_handler = {wb_start, NULL, NULL};

/* Reads the optional part named by the relationship of type type into
 * parsed by h into ctx; a missing part is fine. */
static gw_rc read_optional(gw_zip *z, const gw_orels *rels, const char *type,
                           const gw_xml_handler *h, void *ctx, gw_err *err)
{
	const char *t = gw_orels_target(rels, type);
	gw_buf xml = GW_BUF_INIT;
	gw_rc rc = GW_OK;

	if (t && gw_zip_find(z, t) >= 0 && (rc = gw_zip_read_name(z, t, &xml, err)) == GW_OK)
		rc = gw_xml_parse(t, (const char *)xml.p, xml.len, h, ctx, err);
	gw_buf_free(&xml);
	return rc;
}

/* Reads sheet part target and delivers its records. Returns the rows
 * read (see deliver_sheet), or -1 with err set. */
static long read_sheet(gw_input *in, const char *file, gw_zip *z, const char *target,
                       const char *name, const strtab *sst, const styles *sty, int d1904,
                       gw_err *err)
{
	gw_buf xml = GW_BUF_INIT;
	sheet s;
	long rows = -1;

	memset(&s, 0, sizeof s);
	s.sst = sst;
	s.sty = sty;
	s.d1904 = d1904;
	if (gw_zip_read_name(z, target, &xml, err) == GW_OK &&
	    gw_xml_parse(target, (const char *)xml.p, xml.len, &sheet_handler, &s, err) == GW_OK &&
	    (rows = deliver_sheet(in, file, name, &s, in->id_column)) < 0)
		gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	gw_buf_free(&xml);
	sheet_free(&s);
	return rows;
}

static void read_workbook(gw_input *in, const char *file, gw_zip *z)
{
	gw_orels pkg = {0}, rels = {0};
	gw_buf xml = GW_BUF_INIT;
	workbook w;
	strtab sst;
	styles sty;
	gw_err err;
	const char *wbpart;
	long rows = 0;

	memset(&w, 0, sizeof w);
	memset(&sst, 0, sizeof sst);
	memset(&sty, 0, sizeof sty);
	gw_err_clear(&err);
	if (gw_office_rels(z, "", &pkg, &err) != GW_OK)
		goto fail;
	wbpart = gw_orels_target(&pkg, "officeDocument");
	if (!wbpart || gw_zip_find(z, wbpart) < 0)
		wbpart = "xl/workbook.xml";
	if (gw_zip_find(z, wbpart) < 0) {
		gw_err_set(&err, GW_EINVAL, 0, "not an Excel workbook: no xl/workbook.xml (and no "
		           "officeDocument relationship) in the archive");
		goto fail;
	}
	if (gw_zip_read_name(z, wbpart, &xml, &err) != GW_OK ||
	    gw_xml_parse(wbpart, (const char *)xml.p, xml.len, &wb_handler, &w, &err) != GW_OK ||
	    gw_office_rels(z, wbpart, &rels, &err) != GW_OK ||
	    read_optional(z, &rels, "sharedStrings", &sst_handler, &sst, &err) != GW_OK ||
	    read_optional(z, &rels, "styles", &sty_handler, &sty, &err) != GW_OK)
		goto fail;
	for (size_t i = 0; i < w.n; i++) {
		const char *name = (const char *)w.strs.p + w.sheets[i].name;
		const char *rid = (const char *)w.strs.p + w.sheets[i].rid, *target = NULL;
		long got;
		for (size_t k = 0; k < rels.n && !target; k++)
			if (strcmp(rels.r[k].id, rid) == 0 && strcmp(rels.r[k].type, "worksheet") == 0)
				target = rels.r[k].target;
		if (!target)
			continue; /* a chart sheet, a dialog sheet, or a broken link */
		if (gw_zip_find(z, target) < 0) {
			char q[GW_EXCERPT_SIZE];
			gw_input_reject(in, file, 0, "sheet '%s': its part is missing from the archive",
			                gw_excerpt_str(q, name));
			continue;
		}
		if ((got = read_sheet(in, file, z, target, name, &sst, &sty, w.d1904, &err)) < 0) {
			gw_input_reject(in, file, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
			gw_err_clear(&err);
			continue;
		}
		rows += got;
	}
	if (rows == 0)
		gw_input_reject(in, file, 0, "empty workbook: no sheet has a row");
	goto out;
fail:
	gw_input_reject(in, file, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
out:
	gw_orels_free(&pkg);
	gw_orels_free(&rels);
	gw_buf_free(&xml);
	gw_buf_free(&w.strs);
	free(w.sheets);
	strtab_free(&sst);
	styles_free(&sty);
}

void gw_input_xlsx(gw_input *in, const char *name, FILE *fp, const char *id_column)
{
	gw_zip *z = gw_office_open(in, name, fp);
	const char *saved = in->id_column;

	if (!z)
		return;
	in->id_column = id_column;
	read_workbook(in, name, z);
	in->id_column = saved;
	gw_zip_close(z);
}

void gw_input_xlsx_mem(gw_input *in, const char *name, const char *p, size_t n,
                       const char *id_column)
{
	const char *saved = in->id_column;
	gw_zip *z;
	gw_err err;

	gw_err_clear(&err);
	in->nbytes += n;
	if (gw_zip_open_mem(p, n, &z, &err) != GW_OK) {
		gw_input_reject(in, name, 0, "%s", err.msg[0] ? err.msg : gw_rc_name(err.rc));
		return;
	}
	in->id_column = id_column;
	read_workbook(in, name, z);
	in->id_column = saved;
	gw_zip_close(z);
}

void gw_input_xlsx_parts(gw_input *in, const char *name, const char *sheet_xml,
                         size_t sheet_len, const char *shared, size_t shared_len,
                         const char *styles_xml, size_t styles_len)
{
	gw_buf none = GW_BUF_INIT;
	strtab sst;
	styles sty;
	sheet s;
	gw_err err;

	memset(&sst, 0, sizeof sst);
	memset(&sty, 0, sizeof sty);
	memset(&s, 0, sizeof s);
	gw_err_clear(&err);
	if ((shared && gw_xml_parse("xl/sharedStrings.xml", shared, shared_len, &sst_handler, &sst,
	                            &err) != GW_OK) ||
	    (styles_xml && gw_xml_parse("xl/styles.xml", styles_xml, styles_len, &sty_handler, &sty,
	                                &err) != GW_OK)) {
		gw_input_reject(in, name, 0, "%s", err.msg);
		goto out;
	}
	s.sst = &sst;
	s.sty = &sty;
	if (gw_xml_parse("xl/worksheets/sheet1.xml", sheet_xml, sheet_len, &sheet_handler, &s,
	                 &err) != GW_OK)
		gw_input_reject(in, name, 0, "%s", err.msg);
	else if (deliver_sheet(in, name, "Sheet1", &s, in->id_column) < 0)
		gw_input_reject(in, name, 0, "out of memory");
out:
	sheet_free(&s);
	strtab_free(&sst);
	styles_free(&sty);
	gw_buf_free(&none);
}
