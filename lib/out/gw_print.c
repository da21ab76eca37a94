/* gw_print: the programs' --help and --version output (gw_print.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/gw_buf.h"
#include "out/gw_print.h"
#include "out/gw_version.h"
#include "text/gw_escape.h"

int gw_print_stdout(const char *s, size_t n)
{
	errno = 0;
	if (n)
		fwrite(s, 1, n, stdout);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	return errno == EPIPE ? 0 : 2;
}

int gw_print_help(const char *head, const gw_opt *tab, size_t n, int col, const char *tail)
{
	gw_buf text = GW_BUF_INIT;
	int status = 2;

	gw_buf_puts(&text, head);
	gw_opts_help(tab, n, col, &text);
	gw_buf_puts(&text, tail);
	if (gw_buf_ok(&text))
		status = gw_print_stdout((const char *)text.p, text.len);
	gw_buf_free(&text);
	return status;
}

int gw_print_version(const char *prog)
{
	char text[256];
	int n = gw_version_text(text, sizeof text, prog);

	if (n < 0 || (size_t)n >= sizeof text)
		return 2;
	return gw_print_stdout(text, (size_t)n);
}

int gw_print_usage_error(const char *prog, const char *msg, const char *arg)
{
	gw_escape_line(stderr, "%s: %s%s%s (see --help)", prog, msg, arg ? " " : "", arg ? arg : "");
	return 2;
}
