/* gw_pdf_input: gongwen-index's reader of .pdf files (gw_pdf.h).
 *
 * Poppler is a large C++ library fed with whatever file the user has, and
 * a PDF can ask for unbounded work (forms drawing forms drawing forms) or
 * find a bug in it. Its text extraction takes no cancellation callback. So
 * PDFs are read in a worker process (fork, no exec), one per reading
 * thread, started at the first PDF: the parent hands it each file's
 * descriptor over a socket (SCM_RIGHTS); the worker opens the file, reads
 * its pages one at a time and sends each page's lines back as soon as it
 * has them; the parent waits at most GW_PDF_PAGE_SECONDS_MAX for each page
 * and GW_PDF_SECONDS_MAX for the file, and kills the worker past either.
 * The worker's memory is bounded (RLIMIT_DATA, GW_PDF_MEMORY_MAX more than
 * the indexer held when it started) and so is its CPU time for each file;
 * its stdin, stdout and stderr are /dev/null, so nothing Poppler or a
 * library under it prints reaches the terminal. Whatever happens to it,
 * the pages it sent are indexed, and the next file gets a fresh worker; a
 * worker also gives way to a fresh one after WORKER_FILES files. One
 * worker for many files rather than a process a file: a fresh process
 * faults in Poppler's working memory again for every file (830 page
 * faults a file, 5.5 ms of CPU on the 120 PDFs of tests/pdf_bench.sh).
 *
 * The stream of one file is a sequence of records, each a type byte, a
 * varint length and that many bytes:
 *   'N' varint: the document's pages (sent once it is open);
 *   'P' a page (gw_pdf_page_encode);
 *   'S' varint: why reading stopped early (STOP_*);
 *   'E' text: the file cannot be read (not a PDF, encrypted, damaged);
 *   'M' varint + text: how many messages Poppler sent, and the first;
 *   'Z' empty: the end of the file.
 * In this process (gw_input_pdf_mem, for the fuzzer and the tests) the same
 * pages go through the same encoding and decoding, so both give the same
 * text.
 *
 * The pages become one text (gw_pdf_layout) and the text one notice through
 * gw_notice_parse_text, the parser of .txt notices. */
#include "read/gw_pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/gw_limits.h"
#include "notice/gw_notice.h"
#include "text/gw_escape.h"

enum stop { STOP_NONE, STOP_PAGES, STOP_TEXT, STOP_TIME, STOP_MEMORY };

/* What reading a PDF gave. */
typedef struct result {
	gw_pdf_page *pages;
	size_t n, cap;
	size_t npages;        /* pages the document has */
	int opened;           /* the document was opened ('N' came) */
	int stop;             /* enum stop */
	char error[1500];     /* why the file cannot be read, "" if it can */
	unsigned nmsgs;       /* Poppler's messages */
	char first[1500];     /* the first of them */
	int ended;            /* the end came ('Z') */
	int died;             /* the child's signal, if it died before the end */
	int timeout;          /* killed: 1 a page took too long, 2 the file did */
	int broken;           /* the child's stream did not decode */
} result;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void result_free(result *res)
{
	for (size_t i = 0; i < res->n; i++)
		gw_pdf_page_free(&res->pages[i]);
	free(res->pages);
}

/* ---- records ---- */

/* Copies p[0..len) into out (cap bytes), escaped for a terminal: the
 * child's messages are already escaped, but the parent trusts no bytes
 * it reads from the pipe. */
static void copy_text(char *out, size_t cap, const unsigned char *p, size_t len)
{
	gw_buf b = GW_BUF_INIT;

	gw_escape(&b, (const char *)p, len, 120);
	if (gw_buf_ok(&b) && b.len < cap) {
		if (b.len)
			memcpy(out, b.p, b.len);
		out[b.len] = '\0';
	} else {
		snprintf(out, cap, "?");
	}
	gw_buf_free(&b);
}

/* Takes in one record; returns -1 if it does not decode (or memory ran
 * out), else 0. A page's record of a document never opened is broken. */
static int take_record(result *res, int type, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	uint64_t v;
	gw_err err;

	switch (type) {
	case 'N':
		if (gw_varint_get(&p, end, &v))
			return -1;
		res->npages = (size_t)v;
		res->opened = 1;
		return 0;
	case 'P':
		if (!res->opened || gw_array_grow((void **)&res->pages, &res->cap, res->n + 1, sizeof *res->pages, 8))
			return -1;
		memset(&res->pages[res->n], 0, sizeof *res->pages);
		gw_err_clear(&err);
		if (gw_pdf_page_decode(&res->pages[res->n], p, len, &err)) {
			gw_pdf_page_free(&res->pages[res->n]);
			return -1;
		}
		res->n++;
		return 0;
	case 'S':
		if (gw_varint_get(&p, end, &v) || v > STOP_MEMORY)
			return -1;
		res->stop = (int)v;
		return 0;
	case 'E':
		copy_text(res->error, sizeof res->error, p, len);
		return 0;
	case 'M':
		if (gw_varint_get(&p, end, &v))
			return -1;
		res->nmsgs = v > 0xFFFFFFF ? 0xFFFFFFF : (unsigned)v;
		copy_text(res->first, sizeof res->first, p, (size_t)(end - p));
		return 0;
	case 'Z':
		res->ended = 1;
		return 0;
	}
	return -1;
}

static void put_record(gw_buf *b, int type, const void *p, size_t len)
{
	gw_buf_putc(b, type);
	gw_buf_put_varint(b, len);
	gw_buf_append(b, p, len);
}

static void put_number(gw_buf *b, int type, uint64_t v, const char *text)
{
	gw_buf tmp = GW_BUF_INIT;

	gw_buf_put_varint(&tmp, v);
	if (text)
		gw_buf_puts(&tmp, text);
	put_record(b, type, tmp.p, tmp.len);
	gw_buf_free(&tmp);
}

/* Takes in the complete records at the start of b[0..*len) and moves what
 * is left (a record not yet whole) to the front. -1: a broken record. */
static int take_records(result *res, unsigned char *b, size_t *len)
{
	const unsigned char *p = b, *end = b + *len;

	while (p < end) {
		const unsigned char *q = p + 1;
		uint64_t n;
		if (gw_varint_get(&q, end, &n)) {
			if (end - p > 11)
				return -1;
			break;
		}
		if (n > (uint64_t)(end - q))
			break;
		if (take_record(res, *p, q, (size_t)n))
			return -1;
		p = q + n;
	}
	*len = (size_t)(end - p);
	memmove(b, p, *len);
	return 0;
}

/* ---- reading, in either process ---- */

/* Where the records go: the socket to the parent (fd >= 0), or straight
 * into res. */
typedef struct sink {
	int fd;
	result *res;
	gw_buf buf;
} sink;

/* Writes all of p[0..n) to fd; -1 if the other side is gone. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends what s->buf holds; -1 when the other side is gone or a record
 * does not decode. */
static int flush(sink *s)
{
	int rc = 0;

	if (!gw_buf_ok(&s->buf))
		rc = -1;
	else if (s->fd >= 0)
		rc = write_all(s->fd, s->buf.p, s->buf.len);
	else {
		size_t len = s->buf.len;
		rc = take_records(s->res, s->buf.p, &len) || len ? -1 : 0;
	}
	gw_buf_reset(&s->buf);
	return rc;
}

/* Reads the pages of the open pdf into s, within the limits. */
static void read_pages(gw_pdf *pdf, sink *s, double t0)
{
	gw_pdf_page page = GW_PDF_PAGE_INIT;
	gw_buf enc = GW_BUF_INIT;
	size_t total = 0, n = (size_t)gw_pdf_npages(pdf);
	int stop = STOP_NONE;
	gw_err err;

	for (size_t i = 0; i < n; i++) {
		if (i >= GW_PDF_PAGES_MAX || (i > 0 && now() - t0 > GW_PDF_SECONDS_MAX)) {
			stop = i >= GW_PDF_PAGES_MAX ? STOP_PAGES : STOP_TIME;
			break;
		}
		gw_err_clear(&err);
		gw_buf_reset(&enc);
		if (gw_pdf_read_page(pdf, (int)i, &page, &err) == GW_OK)
			gw_pdf_page_encode(&page, &enc);
		if (!gw_buf_ok(&enc) || err.rc) {
			stop = STOP_MEMORY;
			break;
		}
		if ((total += enc.len) > GW_PDF_TEXT_MAX) {
			stop = STOP_TEXT;
			break;
		}
		put_record(&s->buf, 'P', enc.p, enc.len);
		if (flush(s))
			break;
	}
	if (stop)
		put_number(&s->buf, 'S', (uint64_t)stop, NULL);
	gw_buf_free(&enc);
	gw_pdf_page_free(&page);
}

/* Opens the PDF (bytes, or fd when bytes is NULL) and sends all of it to
 * s: 'N', the pages, 'M' and 'Z', or 'E' and 'Z'. */
static void read_pdf(const char *bytes, size_t len, int fd, sink *s)
{
	gw_pdf *pdf = NULL;
	const char *first;
	unsigned nmsgs;
	gw_err err;
	double t0 = now();

	gw_err_clear(&err);
	if (gw_pdf_open(bytes, len, fd, &pdf, &err)) {
		put_record(&s->buf, 'E', err.msg, strlen(err.msg));
	} else {
		put_number(&s->buf, 'N', (uint64_t)gw_pdf_npages(pdf), NULL);
		if (flush(s) == 0)
			read_pages(pdf, s, t0);
		nmsgs = gw_pdf_messages(pdf, &first);
		put_number(&s->buf, 'M', nmsgs, first);
	}
	put_record(&s->buf, 'Z', NULL, 0);
	flush(s);
	gw_pdf_close(pdf);
}

/* ---- the worker ---- */

/* Files a worker reads before a fresh one takes over: whatever Poppler
 * keeps or leaks between documents stays bounded. */
#define WORKER_FILES 256

/* The reading process of this thread: its pid (0: none), the socket to
 * it, the files it has read. Process state has no better home: the
 * worker outlives a call and belongs to the thread that started it. */
static _Thread_local struct worker {
	pid_t pid;
	int sock;
	unsigned files;
} worker = {0, -1, 0};

/* RLIMIT_DATA: what the process holds now, plus GW_PDF_MEMORY_MAX. */
static void limit_memory(void)
{
	unsigned long size, resident, shared, text, lib, data;
	FILE *f = fopen("/proc/self/statm", "r");
	struct rlimit rl;
	int ok;

	if (!f)
		return;
	ok = fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &resident, &shared, &text, &lib, &data) == 6;
	fclose(f);
	if (ok) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)data * (rlim_t)sysconf(_SC_PAGESIZE) + GW_PDF_MEMORY_MAX;
		setrlimit(RLIMIT_DATA, &rl);
	}
}

/* RLIMIT_CPU: the CPU time used so far plus GW_PDF_SECONDS_MAX and a
 * margin, set before each file: the worker dies (SIGXCPU, then SIGKILL)
 * even if its parent stopped watching. */
static void limit_cpu(void)
{
	struct rusage ru;
	struct rlimit rl;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return;
	rl.rlim_cur = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + GW_PDF_SECONDS_MAX + 5;
	rl.rlim_max = rl.rlim_cur + 5;
	setrlimit(RLIMIT_CPU, &rl);
}

/* Receives the descriptor of the next file to read from sock; -1 at the
 * end (the parent closed its side, or is gone). */
static int receive_fd(int sock)
{
	char byte;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {&byte, 1};
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	memset(&m, 0, sizeof m);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof ctl.buf;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

/* Sends fd over sock; -1 if the worker is gone. */
static int send_fd(int sock, int fd)
{
	char byte = 'F';
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {&byte, 1};
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;

	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof ctl.buf;
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* The worker: reads each file it is sent, answers with its records, and
 * ends when the parent closes the socket. */
static _Noreturn void work(int sock)
{
	sink s = {sock, NULL, GW_BUF_INIT};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	/* The indexer's files (the index, its temporary runs) are not the
	 * worker's to keep open. */
	if (sock > 3)
		close_range(3, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	limit_memory();
	while ((fd = receive_fd(sock)) >= 0) {
		limit_cpu();
		read_pdf(NULL, 0, fd, &s);
		close(fd);
	}
	_exit(0);
}

/* Ends this thread's worker (killed if it still runs) and reaps it;
 * returns the signal that ended it, or 0. */
static int worker_stop(void)
{
	int status = 0;

	if (!worker.pid)
		return 0;
	close(worker.sock);
	kill(worker.pid, SIGKILL); /* idle or not, nothing of it is needed */
	while (waitpid(worker.pid, &status, 0) < 0 && errno == EINTR)
		;
	worker.pid = 0;
	worker.sock = -1;
	return WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL ? WTERMSIG(status) : 0;
}

/* Starts a worker for this thread; -1 with errno if it cannot. */
static int worker_start(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		work(sv[1]);
	}
	close(sv[1]);
	worker.pid = pid;
	worker.sock = sv[0];
	worker.files = 0;
	return 0;
}

void gw_input_pdf_end(void)
{
	worker_stop();
}

/* ---- the parent ---- */

/* The page time limit: GW_PDF_PAGE_SECONDS_MAX, or fewer seconds when the
 * environment says so (GONGWEN_PDF_PAGE_SECONDS, for the tests). */
static double page_seconds(void)
{
	const char *e = getenv("GONGWEN_PDF_PAGE_SECONDS");
	long v = e ? strtol(e, NULL, 10) : 0;

	return v > 0 && v < GW_PDF_PAGE_SECONDS_MAX ? (double)v : GW_PDF_PAGE_SECONDS_MAX;
}

/* Reads the worker's records for one file from sock until its end, a
 * broken record, the end of the stream or a time limit. */
static void receive(result *res, int sock)
{
	double page_s = page_seconds(), start = now(), last = start;
	unsigned char *b = malloc(1 << 16);
	size_t len = 0, cap = 1 << 16, pages = 0;
	int opened = 0;

	while (b && !res->ended) {
		double t = now(), dl = last + page_s;
		struct pollfd p = {sock, POLLIN, 0};
		ssize_t n;
		if (dl > start + GW_PDF_SECONDS_MAX + 2)
			dl = start + GW_PDF_SECONDS_MAX + 2;
		if (t >= dl) {
			res->timeout = dl < start + GW_PDF_SECONDS_MAX + 2 ? 1 : 2;
			break;
		}
		if (poll(&p, 1, (int)((dl - t) * 1000) + 1) <= 0)
			continue;
		if (len == cap) {
			unsigned char *nb = cap < (size_t)2 * GW_PDF_TEXT_MAX ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				res->broken = 1;
				break;
			}
			b = nb;
			cap *= 2;
		}
		if ((n = read(sock, b + len, cap - len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (take_records(res, b, &len)) {
			res->broken = 1;
			break;
		}
		if (res->n > pages || (res->opened && !opened)) {
			pages = res->n;
			opened = res->opened;
			last = now();
		}
	}
	if (!b)
		res->broken = 1;
	free(b);
}

/* Reads the PDF open on fd in this thread's worker into res; a worker
 * that does not finish the file cleanly is ended, and the next file
 * starts a fresh one. */
static void read_sandboxed(result *res, int fd)
{
	int sent = 0;

	if (worker.pid && worker.files >= WORKER_FILES)
		worker_stop();
	if (worker.pid)
		sent = send_fd(worker.sock, fd) == 0;
	if (!sent) { /* no worker yet, or it died between two files */
		worker_stop();
		if (worker_start() != 0 || send_fd(worker.sock, fd) != 0) {
			int e = errno;
			snprintf(res->error, sizeof res->error, "cannot start the PDF reader: %s", strerror(e));
			worker_stop();
			return;
		}
	}
	worker.files++;
	receive(res, worker.sock);
	if (!res->ended) {
		int sig = worker_stop();
		if (!res->timeout)
			res->died = sig;
	}
}

/* ---- the notice ---- */

/* Reports how reading ended when it ended early: a warning when pages
 * were read, else the file is rejected. Returns 1 if it was rejected. */
static int report_end(gw_input *in, const char *id, const result *res)
{
	char why[256];
	size_t at = res->n + 1;

	if (res->timeout == 1 && !res->opened)
		snprintf(why, sizeof why, "opening it took more than GW_PDF_PAGE_SECONDS_MAX (%.0f s)", page_seconds());
	else if (res->timeout == 1)
		snprintf(why, sizeof why, "page %zu took more than GW_PDF_PAGE_SECONDS_MAX (%.0f s)", at, page_seconds());
	else if (res->timeout == 2 || res->stop == STOP_TIME)
		snprintf(why, sizeof why, "reading took more than GW_PDF_SECONDS_MAX (%d s)", GW_PDF_SECONDS_MAX);
	else if (res->died)
		snprintf(why, sizeof why, "the PDF reader died on page %zu (%s)", at, strsignal(res->died));
	else if (res->broken || (!res->ended && !res->error[0]) || res->stop == STOP_MEMORY)
		snprintf(why, sizeof why, "the PDF reader failed on page %zu (out of memory?)", at);
	else if (res->stop == STOP_PAGES)
		snprintf(why, sizeof why, "%zu pages, more than GW_PDF_PAGES_MAX (%d)", res->npages, GW_PDF_PAGES_MAX);
	else if (res->stop == STOP_TEXT)
		snprintf(why, sizeof why, "more than GW_PDF_TEXT_MAX (%d) bytes of text", GW_PDF_TEXT_MAX);
	else
		return 0;
	if (!res->n) {
		gw_input_reject(in, id, 0, "%s, skipped", why);
		return 1;
	}
	if (res->npages > at)
		gw_input_warn(in, id, 0, "%s: pages %zu to %zu not read", why, at, res->npages);
	else
		gw_input_warn(in, id, 0, "%s: page %zu not read", why, at);
	return 0;
}

/* The pages' text through the notice parser, to the sink. */
static void deliver(gw_input *in, const char *id, const result *res)
{
	gw_buf text = GW_BUF_INIT;
	size_t ngood = 0, nbad = 0;
	gw_notice n;
	gw_err err;

	for (size_t i = 0; i < res->n; i++) {
		ngood += res->pages[i].ngood;
		nbad += res->pages[i].nbad;
	}
	gw_pdf_layout(res->pages, res->n, &text);
	gw_err_clear(&err);
	if (!gw_buf_ok(&text))
		gw_input_reject(in, id, 0, "out of memory");
	else if (!gw_pdf_usable((const char *)text.p, text.len, ngood, nbad))
		gw_input_reject(in, id, 0, "no text layer (scanned?), skipped");
	else if (gw_notice_parse_text(text.len ? (const char *)text.p : "", text.len, &n, &err))
		gw_input_reject(in, id, 0, "%s", err.msg);
	else {
		if (res->nmsgs)
			gw_input_warn(in, id, 0, "damaged PDF, read as far as Poppler could (%u problem%s, the first: %s)",
			              res->nmsgs, res->nmsgs == 1 ? "" : "s", res->first);
		if (!n.part[GW_NP_TITLE])
			gw_input_reject(in, id, 0, "empty document");
		else
			gw_input_notice(in, id, &n);
		gw_notice_free(&n);
	}
	gw_buf_free(&text);
}

static void finish(gw_input *in, const char *id, const result *res)
{
	if (res->error[0])
		gw_input_reject(in, id, 0, "%s, skipped", res->error);
	else if (!report_end(in, id, res))
		deliver(in, id, res);
}

void gw_input_pdf(gw_input *in, const char *id, FILE *fp)
{
	result res;
	struct stat st;

	memset(&res, 0, sizeof res);
	if (fstat(fileno(fp), &st) == 0)
		in->nbytes += (uint64_t)st.st_size;
	read_sandboxed(&res, fileno(fp));
	finish(in, id, &res);
	result_free(&res);
}

void gw_input_pdf_mem(gw_input *in, const char *id, const char *bytes, size_t len)
{
	result res;
	sink s;

	memset(&res, 0, sizeof res);
	s.fd = -1;
	s.res = &res;
	s.buf = (gw_buf)GW_BUF_INIT;
	in->nbytes += len;
	read_pdf(bytes, len, -1, &s);
	if (!res.ended)
		res.broken = 1;
	gw_buf_free(&s.buf);
	finish(in, id, &res);
	result_free(&res);
}
