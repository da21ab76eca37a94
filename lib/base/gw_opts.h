/* gw_opts: a program's command-line options as one table, from which both
 * the parser and the --help text are made, so that what a program accepts
 * and what its help says cannot drift apart (tests/check_options.sh then
 * holds the man pages and the README to the same table).
 *
 *   static const gw_opt options[] = {
 *       {OPT_INDEX, "-i", "INDEX", "the index directory"},
 *       {OPT_QUIET, "-q, --quiet", NULL, "no progress line"},
 *       {0, NULL, NULL, "Tools (instead of indexing):"},
 *       {OPT_CHECK, "--check", NULL, "verify the index"},
 *   };
 *
 * Spellings: a long option takes its value as "--name VALUE" or
 * "--name=VALUE", a short one as "-n VALUE" or "-nVALUE"; a flag takes
 * none. "--" ends the options. Short flags do not cluster (-qj is no
 * option). Nothing here prints: the caller words its messages. */
#ifndef GW_OPTS_H
#define GW_OPTS_H

#include <stddef.h>

#include "base/gw_buf.h"

/* One row of a program's table. */
typedef struct gw_opt {
	int id;            /* what gw_opts_next returns for it, > 0; 0 for a row
	                    * that is only help (a heading, an operand) */
	const char *names; /* "-q, --quiet": its spellings, ", " between them;
	                    * a name without '-' ("PATH") documents an operand;
	                    * NULL: help is a heading */
	const char *arg;   /* the value's name in help ("MB"), NULL for a flag;
	                    * "=WHEN" shows as --color=WHEN (both forms parse) */
	const char *help;  /* one paragraph, wrapped by gw_opts_help (any white
	                    * space between words is one space) */
} gw_opt;

/* What gw_opts_next returns besides an option's id. */
enum {
	GW_OPTS_END = 0,       /* no more options: it->i is the first operand */
	GW_OPTS_OPERAND = -1,  /* an operand, in it->value (with interleave) */
	GW_OPTS_UNKNOWN = -2,  /* it->word is no option of the table */
	GW_OPTS_NOVALUE = -3,  /* it->word needs a value and has none */
	GW_OPTS_FLAGVALUE = -4 /* it->word is a flag given "=VALUE" */
};

/* A walk over argv. Set tab, n, argc, argv and interleave (1: operands
 * may come between options, and are returned as GW_OPTS_OPERAND; 0:
 * the first operand ends the options, as a query does); zero the rest. */
typedef struct gw_opts {
	const gw_opt *tab;
	size_t n;
	int argc;
	char **argv;
	int interleave;
	int i;             /* the next argument (starts at 1) */
	int only_operands; /* "--" was seen */
	const char *word;  /* the argument last returned, as given */
	const char *value; /* its value (or the operand), NULL for a flag */
} gw_opts;

/* Starts a walk over argv[1..argc) with the options of tab[0..n). */
void gw_opts_init(gw_opts *it, const gw_opt *tab, size_t n, int argc, char **argv, int interleave);

/* The next option: its id (it->value its value, NULL for a flag), or a
 * GW_OPTS_* code. After GW_OPTS_UNKNOWN, NOVALUE or FLAGVALUE the caller
 * reports it->word and stops. */
int gw_opts_next(gw_opts *it);

/* An option's value that is a decimal number in [lo, hi] into *out: 0, or
 * -1 if v is not one (empty, a minus sign, text after the digits, past
 * the range or what an unsigned long long holds). One parser for every
 * program's numbers (-j, --memory, -n, --threads ...). */
int gw_opts_number(const char *v, unsigned long long lo, unsigned long long hi, unsigned long long *out);

/* A short English text for a GW_OPTS_* error code ("unknown option"). */
const char *gw_opts_problem(int rc);

/* Appends the help of tab[0..n) to out: one row per option, its names and
 * value from column 3, its help from column col, wrapped to fit 79
 * columns (a row whose names reach col puts its help on the next line);
 * a heading row as a blank line and the heading. */
void gw_opts_help(const gw_opt *tab, size_t n, int col, gw_buf *out);

#endif
