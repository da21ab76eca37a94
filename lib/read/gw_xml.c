/* gw_xml: SAX2 parsing of the XML parts of office files (see gw_xml.h). */
#include "read/gw_xml.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "base/gw_buf.h"
#include "base/gw_limits.h"
#include "text/gw_escape.h"

struct gw_xml {
	xmlParserCtxtPtr ctxt;
	const gw_xml_handler *h;
	void *ctx;
	int depth;
	int failed;       /* stopped by us: err holds why */
	gw_err err;
	char first[256];  /* libxml2's first error message */
	int first_line;
	gw_buf attrs;     /* the current element's attributes, copied */
	const char **av;  /* pointers into attrs, pairs and a NULL */
	size_t av_cap;
};

void gw_xml_fail(gw_xml *x, gw_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (!x->failed) {
		x->failed = 1;
		x->err.rc = rc;
		va_start(ap, fmt);
		vsnprintf(x->err.msg, sizeof x->err.msg, fmt, ap);
		va_end(ap);
	}
	xmlStopParser(x->ctxt);
}

const char *gw_xml_attr(const char *const *attrs, const char *name)
{
	for (size_t i = 0; attrs && attrs[i]; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

/* Appends the attribute value v[0..n) to b. Without entity substitution
 * (which stays off: no DTD, no entities), libxml2 hands an attribute's
 * &amp; over as "&#38;" for the tree builder to decode: decode it. */
static void put_value(gw_buf *b, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '&' && n - i >= 5 && memcmp(v + i, "&#38;", 5) == 0) {
			gw_buf_putc(b, '&');
			i += 4;
		} else {
			gw_buf_putc(b, v[i]);
		}
	}
}

/* SAX2: attributes come as (localname, prefix, URI, value, end) tuples,
 * values not terminated; copies them into NUL-terminated pairs. */
static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	gw_xml *x = ud;
	size_t need = 2 * (size_t)nattr + 1, off;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)ndef;
	if (x->failed)
		return;
	if (++x->depth > GW_XML_DEPTH_MAX) {
		gw_xml_fail(x, GW_EINVAL, "elements nested deeper than GW_XML_DEPTH_MAX (%d)",
		            GW_XML_DEPTH_MAX);
		return;
	}
	if (gw_array_grow((void **)&x->av, &x->av_cap, need, sizeof *x->av, 16)) {
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
		return;
	}
	gw_buf_reset(&x->attrs);
	for (int i = 0; i < nattr; i++) {
		const xmlChar *const *a = attrs + 5 * i;
		gw_buf_puts(&x->attrs, (const char *)a[0]);
		gw_buf_putc(&x->attrs, '\0');
		put_value(&x->attrs, (const char *)a[3], (size_t)(a[4] - a[3]));
		gw_buf_putc(&x->attrs, '\0');
	}
	if (!gw_buf_ok(&x->attrs)) {
		gw_xml_fail(x, GW_ENOMEM, "out of memory");
		return;
	}
	off = 0;
	for (int i = 0; i < nattr; i++) {
		x->av[2 * i] = (const char *)x->attrs.p + off;
		off += strlen(x->av[2 * i]) + 1;
		x->av[2 * i + 1] = (const char *)x->attrs.p + off;
		off += strlen(x->av[2 * i + 1]) + 1;
	}
	x->av[2 * nattr] = NULL;
	if (x->h->start)
		x->h->start(x, x->ctx, (const char *)local, x->av, x->depth);
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	gw_xml *x = ud;

	(void)prefix, (void)uri;
	if (x->failed)
		return;
	if (x->h->end)
		x->h->end(x, x->ctx, (const char *)local, x->depth);
	x->depth--;
}

static void on_text(void *ud, const xmlChar *s, int n)
{
	gw_xml *x = ud;

	if (!x->failed && x->h->text && n > 0)
		x->h->text(x, x->ctx, (const char *)s, (size_t)n);
}

/* <!DOCTYPE: refused before its internal subset is parsed. */
static void on_doctype(void *ud, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	gw_xml_fail(ud, GW_EINVAL, "declares a DTD: refused (no entities are expanded)");
}

/* Keeps libxml2's first error (it would print to stderr otherwise). */
static void on_error(void *ud, xmlErrorPtr e)
{
	gw_xml *x = ud;
	size_t n;

	if (!e || x->first[0] || e->level < XML_ERR_ERROR)
		return;
	snprintf(x->first, sizeof x->first, "%s", e->message ? e->message : "error");
	n = strlen(x->first);
	while (n > 0 && (x->first[n - 1] == '\n' || x->first[n - 1] == ' '))
		x->first[--n] = '\0';
	x->first_line = e->line;
}

gw_rc gw_xml_parse(const char *part, const char *p, size_t n, const gw_xml_handler *h,
                   void *ctx, gw_err *err)
{
	char q[GW_EXCERPT_SIZE], m[GW_EXCERPT_SIZE];
	xmlSAXHandler *sax;
	gw_xml x;
	int ok;

	gw_excerpt_str(q, part);
	if (n > INT_MAX)
		return gw_err_set(err, GW_EINVAL, 0, "part '%s' is too large to parse", q);
	memset(&x, 0, sizeof x);
	x.h = h;
	x.ctx = ctx;
	if (!(x.ctxt = xmlCreateMemoryParserCtxt(n ? p : " ", n ? (int)n : 1)))
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	/* XML_PARSE_HUGE: without it libxml2 2.9 stops at 10 MB of input in
	 * memory ("Huge input lookup"), and a sheet is often larger. What its
	 * limits guard against is bounded here instead: no DTD, so no entity
	 * expansion; GW_XML_DEPTH_MAX; the part's size (GW_ZIP_ENTRY_MAX). */
	xmlCtxtUseOptions(x.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                              XML_PARSE_HUGE);
	if (!(sax = xmlMalloc(sizeof *sax))) {
		xmlFreeParserCtxt(x.ctxt);
		return gw_err_set(err, GW_ENOMEM, 0, "out of memory");
	}
	memset(sax, 0, sizeof *sax);
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
	sax->internalSubset = on_doctype;
	sax->serror = on_error;
	xmlFree(x.ctxt->sax);
	x.ctxt->sax = sax;
	x.ctxt->userData = &x;
	xmlParseDocument(x.ctxt);
	ok = x.ctxt->wellFormed;
	xmlFreeParserCtxt(x.ctxt);
	gw_buf_free(&x.attrs);
	free(x.av);
	if (x.failed)
		return x.err.rc == GW_ENOMEM ? gw_err_set(err, GW_ENOMEM, 0, "out of memory")
		                             : gw_err_set(err, x.err.rc, 0, "part '%s'%s%s", q,
		                                          strncmp(x.err.msg, "declares", 8) ? ": " : " ",
		                                          x.err.msg);
	if (!ok || n == 0)
		return gw_err_set(err, GW_EINVAL, 0, "part '%s': not well-formed XML (line %d: %s)", q,
		                  x.first_line, x.first[0] ? gw_excerpt_str(m, x.first) : "empty");
	return GW_OK;
}
