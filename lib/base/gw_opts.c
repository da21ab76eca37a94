/* gw_opts: command-line options from one table (see gw_opts.h). */
#include "base/gw_opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HELP_WIDTH 79 /* columns of a help line, as the programs wrote them */
#define SPACE " \t\n\r\v\f" /* what separates words of help text */

void gw_opts_init(gw_opts *it, const gw_opt *tab, size_t n, int argc, char **argv, int interleave)
{
	memset(it, 0, sizeof *it);
	it->tab = tab;
	it->n = n;
	it->argc = argc;
	it->argv = argv;
	it->interleave = interleave;
	it->i = 1;
}

/* The next spelling of a names list ("-q, --quiet") at *p: its start and
 * length; advances *p past it. 0 at the end. */
static int next_name(const char **p, const char **name, size_t *len)
{
	const char *s = *p, *comma;

	if (!s || !*s)
		return 0;
	comma = strstr(s, ", ");
	*name = s;
	*len = comma ? (size_t)(comma - s) : strlen(s);
	*p = comma ? comma + 2 : s + *len;
	return 1;
}

/* How word matches the spelling name[0..len): 0 not at all, 1 exactly,
 * 2 with a value after "=" (long) or attached (short, attach set). *value
 * gets the value of a match of kind 2. */
static int match(const char *word, const char *name, size_t len, int attach, const char **value)
{
	if (strncmp(word, name, len) != 0)
		return 0;
	if (word[len] == '\0')
		return 1;
	if (len > 2 && name[1] == '-' && word[len] == '=') {
		*value = word + len + 1;
		return 2;
	}
	if (len == 2 && name[1] != '-' && attach) {
		*value = word + len;
		return 2;
	}
	return 0;
}

/* The table row word names, or NULL; *value gets an inline value (or
 * NULL). Exact spellings win over a short option with its value attached,
 * so that "-h" is never "-" with a value. */
static const gw_opt *find(const gw_opts *it, const char *word, const char **value)
{
	for (int attach = 0; attach < 2; attach++)
		for (size_t k = 0; k < it->n; k++) {
			const gw_opt *o = &it->tab[k];
			const char *p = o->names, *name;
			size_t len;
			if (o->id <= 0)
				continue;
			while (next_name(&p, &name, &len)) {
				int m;
				*value = NULL;
				m = match(word, name, len, attach && o->arg, value);
				if (m == 1 && !attach)
					return o;
				if (m == 2 && (attach || len > 2))
					return o;
			}
		}
	*value = NULL;
	return NULL;
}

int gw_opts_next(gw_opts *it)
{
	while (it->i < it->argc) {
		const char *a = it->argv[it->i];
		const char *inline_value;
		const gw_opt *o;

		it->word = a;
		it->value = NULL;
		if (it->only_operands || a[0] != '-' || a[1] == '\0') {
			if (!it->interleave)
				return GW_OPTS_END;
			it->value = a;
			it->i++;
			return GW_OPTS_OPERAND;
		}
		it->i++;
		if (strcmp(a, "--") == 0) {
			it->only_operands = 1;
			if (!it->interleave)
				return GW_OPTS_END;
			continue;
		}
		if (!(o = find(it, a, &inline_value)))
			return GW_OPTS_UNKNOWN;
		if (!o->arg && inline_value)
			return GW_OPTS_FLAGVALUE;
		if (o->arg && !inline_value) {
			if (it->i >= it->argc)
				return GW_OPTS_NOVALUE;
			inline_value = it->argv[it->i++];
		}
		it->value = inline_value;
		return o->id;
	}
	return GW_OPTS_END;
}

const char *gw_opts_problem(int rc)
{
	switch (rc) {
	case GW_OPTS_UNKNOWN: return "unknown option";
	case GW_OPTS_NOVALUE: return "option needs a value:";
	case GW_OPTS_FLAGVALUE: return "option takes no value:";
	default: return "bad arguments";
	}
}

/* Columns the UTF-8 character at p (left bytes before the end) takes on
 * a terminal (East Asian wide ones two), and its length in *n. Help text
 * is the program's own, so a malformed sequence is only counted as one
 * column a byte. */
static int char_width(const unsigned char *p, size_t left, size_t *n)
{
	unsigned c;

	if (p[0] < 0xe0 || (p[0] & 0xf0) == 0xf0 || left < 3 || (p[1] & 0xc0) != 0x80 ||
	    (p[2] & 0xc0) != 0x80) {
		*n = p[0] >= 0xc0 && p[0] < 0xe0 && left >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 1;
		return 1;
	}
	*n = 3;
	c = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	return (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
	               (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60)
	           ? 2
	           : 1;
}

/* Columns of s[0..len). */
static int width_of(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	int w = 0;

	while (p < end) {
		size_t n;
		w += char_width(p, (size_t)(end - p), &n);
		p += n;
	}
	return w;
}

static void pad(gw_buf *out, int n)
{
	while (n-- > 0)
		gw_buf_putc(out, ' ');
}

/* Appends text wrapped at white space into lines that start at column col
 * (the first one is there already, at column at) and end by HELP_WIDTH.
 * A word longer than a line has one to itself. */
static void wrap(gw_buf *out, const char *text, int col, int at)
{
	const char *p = text + strspn(text, SPACE);
	int first = 1;

	while (*p) {
		size_t len = strcspn(p, SPACE);
		int w = width_of(p, len);
		if (!first && at + 1 + w > HELP_WIDTH) {
			gw_buf_putc(out, '\n');
			pad(out, col);
			at = col;
		} else if (!first) {
			gw_buf_putc(out, ' ');
			at++;
		}
		gw_buf_append(out, p, len);
		at += w;
		first = 0;
		p += len;
		p += strspn(p, SPACE);
	}
	gw_buf_putc(out, '\n');
}

void gw_opts_help(const gw_opt *tab, size_t n, int col, gw_buf *out)
{
	for (size_t k = 0; k < n; k++) {
		const gw_opt *o = &tab[k];
		size_t start = out->len;
		int at;

		if (!o->names) {
			gw_buf_printf(out, "\n%s\n", o->help);
			continue;
		}
		gw_buf_printf(out, "  %s", o->names);
		if (o->arg)
			gw_buf_printf(out, "%s%s", o->arg[0] == '=' ? "" : " ", o->arg);
		at = gw_buf_ok(out) ? width_of((const char *)out->p + start, out->len - start) : 0;
		if (at >= col) {
			gw_buf_putc(out, '\n');
			at = 0;
		}
		pad(out, col - at);
		wrap(out, o->help, col, col);
	}
}

int gw_opts_number(const char *v, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	/* strtoull takes "-5" for a huge number: a sign is refused first. */
	if (errno || end == v || *end || v[0] == '-' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}
