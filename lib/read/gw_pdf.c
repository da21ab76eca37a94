/* gw_pdf: Poppler, through poppler-glib, opens a PDF and gives each page's
 * text with the box of every character (gw_pdf.h).
 *
 * poppler_page_get_text gives a page's text in Poppler's order, one of its
 * lines a line, and poppler_page_get_text_layout one box per character of
 * that text (spaces and line ends included); the two walk together into
 * gw_pdf_char, and gw_pdf_page_build does the rest. When the counts differ
 * (Poppler builds them on two paths), each of Poppler's lines gets boxes of
 * its own, side by side, so that the text is still read, as lines.
 *
 * Poppler reports problems of the file (a broken cross-reference table,
 * an unknown font) through GLib's log, domain "Poppler", where GLib would
 * print them on stderr when G_MESSAGES_DEBUG is set: a handler installed
 * once for that domain counts them and keeps the first, escaped, per
 * thread, and prints nothing. That handler is process-wide state, the only
 * kind GLib offers; what it writes is thread-local. */
#include "read/gw_pdf.h"

#include <errno.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/gw_escape.h"
#include "text/gw_utf8.h"

struct gw_pdf {
	PopplerDocument *doc;
	GBytes *bytes;
	void *map; /* the file, mapped, when opened from a descriptor */
	size_t map_len;
	int npages;
};

/* Characters of Poppler's first message kept. */
#define MSG_CHARS 80

/* Poppler's messages of damage on this thread since the last gw_pdf_open. */
static _Thread_local struct {
	unsigned n;
	char first[MSG_CHARS * 12 + 4];
} msgs;

/* Copies s escaped for a terminal (gw_escape) and cut after MSG_CHARS
 * characters into out, of MSG_CHARS * 12 + 4 bytes. */
static void keep(char *out, const char *s)
{
	gw_buf b = GW_BUF_INIT;

	gw_escape(&b, s, s ? strlen(s) : 0, MSG_CHARS);
	if (gw_buf_ok(&b) && b.len < MSG_CHARS * 12 + 4) {
		if (b.len)
			memcpy(out, b.p, b.len);
		out[b.len] = '\0';
	} else {
		out[0] = '\0';
	}
	gw_buf_free(&b);
}

/* Counts the messages that say the file is damaged (poppler-glib writes
 * "Syntax error at position 126: ...", "I/O error ...", "Internal error
 * ..."; warnings, unimplemented features and permission notes are not
 * counted) and keeps the first without that prefix. */
static void on_message(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	const char *at = msg ? strstr(msg, " at position ") : NULL, *colon = at ? strstr(at, ": ") : NULL;

	(void)domain;
	(void)level;
	(void)data;
	if (!msg || (strncmp(msg, "Syntax error", 12) != 0 && strncmp(msg, "I/O error", 9) != 0 &&
	             strncmp(msg, "Internal error", 14) != 0))
		return;
	if (msgs.n++ == 0)
		keep(msgs.first, colon ? colon + 2 : msg);
}

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet(void)
{
	g_log_set_handler("Poppler", (GLogLevelFlags)(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION),
	                  on_message, NULL);
}

/* Whether the first KB of the file holds "%PDF-", as every PDF reader
 * requires (Poppler would try to rebuild any file at all). */
static int has_header(const char *p, size_t len)
{
	return memmem(p, len < 1024 ? len : 1024, "%PDF-", 5) != NULL;
}

static int fd_has_header(int fd)
{
	char head[1024];
	ssize_t n;

	do
		n = pread(fd, head, sizeof head, 0);
	while (n < 0 && errno == EINTR);
	return n > 0 && has_header(head, (size_t)n);
}

static gw_rc open_error(GError *e, gw_err *err)
{
	gw_rc rc;

	if (e && e->domain == POPPLER_ERROR && e->code == POPPLER_ERROR_ENCRYPTED)
		rc = gw_err_set(err, GW_EINVAL, 0, "encrypted");
	else if (msgs.n)
		rc = gw_err_set(err, GW_EINVAL, 0, "damaged PDF (%s)", msgs.first);
	else {
		char q[sizeof msgs.first];
		keep(q, e ? e->message : "unknown error");
		rc = gw_err_set(err, GW_EINVAL, 0, "damaged PDF (%s)", q);
	}
	if (e)
		g_error_free(e);
	return rc;
}

/* Maps the regular file open on fd, read only: Poppler reads a file
 * descriptor in small pieces, a system call each (its FileStream; on the
 * 120 PDFs of tests/pdf_bench.sh 12% of the reading went to the kernel),
 * a mapping as memory. -1 if it cannot (then Poppler reads the
 * descriptor). A file cut short under the mapping kills the worker
 * (SIGBUS), which is reported as the file's end. */
static int map_file(gw_pdf *pdf, int fd)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX / 2)
		return -1;
	if ((p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		return -1;
	pdf->map = p;
	pdf->map_len = (size_t)st.st_size;
	return 0;
}

gw_rc gw_pdf_open(const char *bytes, size_t len, int fd, gw_pdf **out, gw_err *err)
{
	gw_pdf *pdf;
	GError *e = NULL;
	int dfd;

	*out = NULL;
	pthread_once(&quiet_once, quiet);
	msgs.n = 0;
	msgs.first[0] = '\0';
	if (bytes ? !has_header(bytes, len) : !fd_has_header(fd))
		return gw_err_set(err, GW_EINVAL, 0, "not a PDF file (no %%PDF- header)");
	if (!(pdf = calloc(1, sizeof *pdf)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	if (!bytes && map_file(pdf, fd) == 0) {
		bytes = pdf->map;
		len = pdf->map_len;
	}
	if (bytes) {
		pdf->bytes = g_bytes_new_static(bytes, len);
		pdf->doc = poppler_document_new_from_bytes(pdf->bytes, NULL, &e);
	} else if ((dfd = dup(fd)) < 0) {
		free(pdf);
		return gw_err_set(err, GW_EIO, errno, "cannot read: %s", strerror(errno));
	} else {
		pdf->doc = poppler_document_new_from_fd(dfd, NULL, &e);
	}
	if (!pdf->doc) {
		gw_pdf_close(pdf);
		return open_error(e, err);
	}
	pdf->npages = poppler_document_get_n_pages(pdf->doc);
	*out = pdf;
	return GW_OK;
}

int gw_pdf_npages(const gw_pdf *pdf)
{
	return pdf->npages > 0 ? pdf->npages : 0;
}

unsigned gw_pdf_messages(const gw_pdf *pdf, const char **first)
{
	(void)pdf;
	if (first)
		*first = msgs.first;
	return msgs.n;
}

void gw_pdf_close(gw_pdf *pdf)
{
	if (!pdf)
		return;
	if (pdf->doc)
		g_object_unref(pdf->doc);
	if (pdf->bytes)
		g_bytes_unref(pdf->bytes);
	if (pdf->map)
		munmap(pdf->map, pdf->map_len);
	free(pdf);
}

/* A coordinate as a float that sorts: NaN and the infinities become 0. */
static float coord(double v)
{
	return isfinite(v) && fabs(v) < 1e7 ? (float)v : 0.0f;
}

/* The characters of text (Poppler's, n code points) with the boxes r
 * (nr of them; made up when nr != n); *nc of them. */
static gw_pdf_char *walk_text(const char *text, size_t tlen, size_t n, const PopplerRectangle *r,
                              size_t nr, size_t *nc)
{
	gw_pdf_char *c = malloc((n ? n : 1) * sizeof *c);
	size_t i = 0, k = 0, m = 0, line = 0, col = 0;
	unsigned brk = GW_PDF_LINE_START;

	if (!c)
		return NULL;
	for (; i < tlen; k++) {
		int32_t cp = gw_utf8_next(text, tlen, &i);
		if (cp == '\n') {
			brk = GW_PDF_LINE_START;
			line++;
			col = 0;
			continue;
		}
		if (cp >= 0 && gw_pdf_is_space((uint32_t)cp)) {
			brk |= GW_PDF_SPACE_BEFORE;
			col++;
			continue;
		}
		c[m].cp = cp < 0 ? 0xFFFD : (uint32_t)cp;
		c[m].brk = brk;
		if (nr == n && k < nr) {
			c[m].x1 = coord(fmin(r[k].x1, r[k].x2));
			c[m].x2 = coord(fmax(r[k].x1, r[k].x2));
			c[m].y1 = coord(fmin(r[k].y1, r[k].y2));
			c[m].y2 = coord(fmax(r[k].y1, r[k].y2));
		} else {
			c[m].x1 = (float)col * 10;
			c[m].x2 = c[m].x1 + 10;
			c[m].y1 = (float)line * 14;
			c[m].y2 = c[m].y1 + 13;
		}
		brk = 0;
		col++;
		m++;
	}
	*nc = m;
	return c;
}

gw_rc gw_pdf_read_page(gw_pdf *pdf, int i, gw_pdf_page *page, gw_err *err)
{
	PopplerPage *pg = poppler_document_get_page(pdf->doc, i);
	PopplerRectangle *r = NULL;
	guint nr = 0;
	double w = 0, h = 0;
	char *text;
	gw_pdf_char *c = NULL;
	size_t nc = 0;
	gw_rc rc;

	if (!pg)
		return gw_pdf_page_build(page, 0, 0, NULL, 0, err);
	poppler_page_get_size(pg, &w, &h);
	text = poppler_page_get_text(pg);
	if (text && *text && !poppler_page_get_text_layout(pg, &r, &nr))
		nr = 0;
	if (text && *text) {
		size_t tlen = strlen(text);
		glong n = g_utf8_validate(text, (gssize)tlen, NULL) ? g_utf8_strlen(text, (gssize)tlen) : -1;
		c = walk_text(text, tlen, n >= 0 ? (size_t)n : tlen, r, n >= 0 ? nr : 0, &nc);
		if (!c) {
			rc = gw_err_set(err, GW_ENOMEM, 0, "out of memory reading a PDF page");
			goto out;
		}
	}
	rc = gw_pdf_page_build(page, coord(w), coord(h), c, nc, err);
out:
	free(c);
	g_free(r);
	g_free(text);
	g_object_unref(pg);
	return rc;
}
