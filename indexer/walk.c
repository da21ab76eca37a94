/* walk: turns the paths on gongwen-index's command line into calls of the
 * readers: "-" is JSON Lines on stdin, a directory is walked, a file goes to
 * the reader of its extension. The walk is deterministic (names in strcmp
 * order) and stays inside the tree it was given (hidden names and links to
 * directories are left alone), so the same tree always gives the same ids
 * in the same order. */
#include "indexer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/gw_path.h"
#include "read/gw_attach.h"
#include "read/gw_pdf.h"

enum kind { KIND_OTHER, KIND_TXT, KIND_JSONL, KIND_HTML, KIND_CSV, KIND_TSV, KIND_DOCX, KIND_XLSX,
            KIND_OFD, KIND_PDF };

/* The input format of path, from the extension of its last component. */
static enum kind kind_of(const char *path)
{
	static const struct {
		const char *ext;
		enum kind k;
	} exts[] = {{".txt", KIND_TXT},   {".jsonl", KIND_JSONL}, {".html", KIND_HTML},
	            {".htm", KIND_HTML},  {".csv", KIND_CSV},     {".tsv", KIND_TSV},
	            {".docx", KIND_DOCX}, {".xlsx", KIND_XLSX},   {".ofd", KIND_OFD},
	            {".pdf", KIND_PDF}};
	const char *base = strrchr(path, '/');
	const char *dot = strrchr(base ? base + 1 : path, '.');

	for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
		if (strcasecmp(dot, exts[i].ext) == 0)
			return exts[i].k;
	return KIND_OTHER;
}

/* Whether path is the owner file Word or Excel leaves beside a document
 * it has open ("~$notice.docx": a few bytes naming the user, not a
 * document); a walk passes it by. */
static int owner_file(const char *path, enum kind k)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return (k == KIND_DOCX || k == KIND_XLSX) && base[0] == '~' && base[1] == '$';
}

/* Reports that path cannot be opened, for the reason in errno. */
static void cannot_open(gw_input *in, const char *path)
{
	gw_input_reject(in, path, 0, "cannot open: %s", strerror(errno));
}

/* What a file that is not a regular one is, for messages. */
static const char *file_type(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	       S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : "not a file";
}

/* Opens path for reading if it is a regular file; else reports why not and
 * returns NULL. The open does not block (a FIFO with no writer would hang
 * the batch) and the type is checked on what was opened, so a file
 * replaced between the walk's lstat and the open is judged as it is now. */
static FILE *open_regular(gw_input *in, const char *path)
{
	struct stat st;
	FILE *fp;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		cannot_open(in, path);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		cannot_open(in, path);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		gw_input_reject(in, path, 0, "not a regular file (%s), skipped", file_type(st.st_mode));
		close(fd);
		return NULL;
	}
	if (fcntl(fd, F_SETFL, 0) != 0 || !(fp = fdopen(fd, "rb"))) {
		cannot_open(in, path);
		close(fd);
		return NULL;
	}
	return fp;
}

static void read_file(gw_input *in, const char *path, enum kind k)
{
	FILE *fp = open_regular(in, path);

	if (!fp)
		return;
	if (k == KIND_TXT)
		gw_input_txt(in, path, fp);
	else if (k == KIND_HTML)
		gw_input_html(in, path, fp);
	else if (k == KIND_DOCX)
		gw_input_docx(in, path, fp);
	else if (k == KIND_XLSX)
		gw_input_xlsx(in, path, fp, in->id_column);
	else if (k == KIND_OFD)
		gw_input_ofd(in, path, fp);
	else if (k == KIND_PDF)
		gw_input_pdf(in, path, fp);
	else if (k == KIND_CSV || k == KIND_TSV)
		gw_input_csv(in, path, fp, k == KIND_CSV ? ',' : '\t', in->id_column);
	else
		gw_input_jsonl(in, path, fp);
	fclose(fp);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* Appends a copy of name to *names; returns 0, or -1 when out of memory. */
static int add_name(char ***names, size_t *n, size_t *cap, const char *name)
{
	char *copy;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		char **p = realloc(*names, c * sizeof *p);
		if (!p)
			return -1;
		*names = p;
		*cap = c;
	}
	if (!(copy = strdup(name)))
		return -1;
	(*names)[(*n)++] = copy;
	return 0;
}

/* Lists the names in d that do not start with '.', sorted. Returns 0, or
 * an errno value (then *names is freed and NULL). */
static int list_dir(DIR *d, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	int rc = 0;

	*names = NULL;
	*n = 0;
	for (errno = 0; (e = readdir(d)) != NULL; errno = 0)
		if (e->d_name[0] != '.' && add_name(names, n, &cap, e->d_name)) {
			errno = ENOMEM;
			break;
		}
	if ((rc = errno) != 0) {
		free_names(*names, *n);
		*names = NULL;
		*n = 0;
		return rc;
	}
	qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

static void walk_dir(gw_input *in, const char *dir);

/* One name found in a directory: descend into real directories, read
 * regular files (or links to them) that have a known extension. */
static void walk_entry(gw_input *in, const char *path)
{
	enum kind k = kind_of(path);
	struct stat st;

	if (lstat(path, &st) != 0) {
		cannot_open(in, path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_dir(in, path);
		return;
	}
	if (k == KIND_OTHER || owner_file(path, k))
		return;
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) {
		cannot_open(in, path);
		return;
	}
	if (S_ISDIR(st.st_mode)) /* a link to a directory: not followed */
		return;
	/* A FIFO, socket or device with a known extension is reported (and
	 * not opened) by read_file. */
	read_file(in, path, k);
}

/* Reads dir + "/" + names[i] for every name, in order, in two passes:
 * first the files that may be notices listing attachments, then the rest
 * (tables, files named 附件..., folders), so that an attachment's
 * documents carry its notice's link fields (read/gw_attach.h). The
 * attachments noted are the folder's own: a subfolder has its own. */
static void walk_names(gw_input *in, const char *dir, char **names, size_t n)
{
	size_t dlen = strlen(dir);
	struct gw_attach *outer = in->attach;
	gw_attach here = {0};
	char **paths = calloc(n ? n : 1, sizeof *paths);
	unsigned char *first = calloc(n ? n : 1, 1);

	if (!paths || !first) {
		gw_input_reject(in, dir, 0, "out of memory");
		goto out;
	}
	/* Which pass reads each name, decided once (a file may vanish). */
	for (size_t i = 0; i < n; i++) {
		size_t len = dlen + 1 + strlen(names[i]) + 1;
		struct stat st;
		if (!(paths[i] = malloc(len))) {
			gw_input_reject(in, dir, 0, "out of memory");
			goto out;
		}
		snprintf(paths[i], len, "%s/%s", dir, names[i]);
		gw_path_normalize(paths[i]);
		first[i] = gw_attach_first(paths[i]) && kind_of(paths[i]) != KIND_OTHER &&
		           lstat(paths[i], &st) == 0 && !S_ISDIR(st.st_mode);
	}
	in->attach = &here;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (first[i] == (pass == 0))
				walk_entry(in, paths[i]);
out:
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	free(first);
	gw_attach_free(&here);
	in->attach = outer;
}

static void walk_dir(gw_input *in, const char *dir)
{
	DIR *d = opendir(dir);
	char **names;
	size_t n;
	int rc;

	if (!d) {
		cannot_open(in, dir);
		return;
	}
	rc = list_dir(d, &names, &n);
	closedir(d);
	if (rc != 0) {
		gw_input_reject(in, dir, 0, "cannot read directory: %s",
		                strerror(rc));
		return;
	}
	walk_names(in, dir, names, n);
	free_names(names, n);
}

/* A path named on the command line: unlike in a walk, links are followed
 * and an unknown extension is an error, since the user asked for it. */
static void read_arg(gw_input *in, const char *path)
{
	struct stat st;
	enum kind k;

	if (stat(path, &st) != 0) {
		cannot_open(in, path);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_dir(in, path);
		return;
	}
	if ((k = kind_of(path)) == KIND_OTHER) {
		gw_input_reject(in, path, 0,
		                "unsupported file type (expected .txt, .html, .csv, .tsv, .jsonl, .docx, .xlsx or .ofd)");
		return;
	}
	read_file(in, path, k);
}

void gw_input_path(gw_input *in, const char *path)
{
	char *norm;

	if (strcmp(path, "-") == 0) {
		gw_input_jsonl(in, "<stdin>", stdin);
		return;
	}
	if (!(norm = strdup(path))) {
		gw_input_reject(in, path, 0, "out of memory");
		return;
	}
	gw_path_normalize(norm);
	read_arg(in, norm);
	free(norm);
}
