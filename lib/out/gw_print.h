/* gw_print: how the programs write a text they have made to stdout, and
 * the exit status that follows: their --help and --version. */
#ifndef GW_PRINT_H
#define GW_PRINT_H

#include <stddef.h>

#include "base/gw_opts.h"

/* Writes s[0..n) to stdout and flushes it: 0, or 2 if it could not be
 * written. A closed pipe (| head) is no error. */
int gw_print_stdout(const char *s, size_t n);

/* A program's --help: head, the options of tab (their help from column
 * col), tail; the exit status of gw_print_stdout (2 without memory). */
int gw_print_help(const char *head, const gw_opt *tab, size_t n, int col, const char *tail);

/* A usage error on stderr, "PROG: MSG ARG (see --help)" (arg may be NULL;
 * control characters escaped); returns 2, the exit status. */
int gw_print_usage_error(const char *prog, const char *msg, const char *arg);

/* A program's --version (gw_version.h); the exit status. */
int gw_print_version(const char *prog);

#endif
