/* gw_path: the default index location and path normalization (see
 * gw_path.h). */
#include "base/gw_path.h"

#include <stdlib.h>
#include <string.h>

/* getenv() that treats an empty value as unset. */
static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *gw_default_index_path(gw_buf *scratch)
{
	const char *v;

	gw_buf_reset(scratch);
	if ((v = env_nonempty("GONGWEN_INDEX")))
		gw_buf_puts(scratch, v);
	else if ((v = env_nonempty("XDG_DATA_HOME")) && v[0] == '/')
		gw_buf_printf(scratch, "%s/gongwen/index", v);
	else if ((v = env_nonempty("HOME")))
		gw_buf_printf(scratch, "%s/.local/share/gongwen/index", v);
	else
		return NULL;
	gw_buf_putc(scratch, '\0');
	if (!gw_buf_ok(scratch))
		return NULL;
	scratch->len--; /* the NUL terminates the string but is not content */
	return (const char *)scratch->p;
}

size_t gw_path_normalize(char *path)
{
	size_t r, w = 0, start = 0;

	for (r = 0; path[r]; r++)
		if (path[r] != '/' || w == 0 || path[w - 1] != '/')
			path[w++] = path[r];
	path[w] = '\0';
	while (w - start >= 2 && path[start] == '.' && path[start + 1] == '/')
		start += 2;
	if (start > 0 && start == w) { /* "./" names the current directory */
		strcpy(path, ".");
		return 1;
	}
	memmove(path, path + start, w - start + 1);
	return w - start;
}
