/* gw_xml: the XML parts of .docx, .xlsx and .ofd files, read with
 * libxml2's SAX2 parser: one pass, no tree, so a 64 MB sheet costs its
 * cells and not ten times its size in nodes.
 *
 * Safe on hostile parts: no network (nothing is ever loaded), no DTD (a
 * part that declares one is refused at its <!DOCTYPE, before any entity of
 * it is parsed: OOXML and OFD parts never have one), so no entity but the
 * five predefined ones and character references, and elements no deeper
 * than GW_XML_DEPTH_MAX. libxml2's own size limits are lifted
 * (XML_PARSE_HUGE: without it, libxml2 2.9 refuses any part of more than
 * 10 MB, a common size for a sheet): a part is at most GW_ZIP_ENTRY_MAX
 * bytes, and what libxml2's limits guard against (entity amplification,
 * deep nesting) is refused above. A part that is not well-formed is
 * refused with libxml2's message and line.
 *
 * Elements are reported by their local name (the namespace prefix
 * dropped: producers bind w:, ofd: and the default namespace as they
 * please), attributes by local name too, values decoded and
 * NUL-terminated. */
#ifndef GW_XML_H
#define GW_XML_H

#include <stddef.h>

#include "base/gw_err.h"

typedef struct gw_xml gw_xml;

typedef struct gw_xml_handler {
	/* An element starts; attrs holds name, value pairs and a NULL;
	 * depth is 1 for the root. */
	void (*start)(gw_xml *x, void *ctx, const char *name, const char *const *attrs, int depth);
	/* It ends (depth as at its start). */
	void (*end)(gw_xml *x, void *ctx, const char *name, int depth);
	/* Character data (entities decoded, CDATA included), in pieces. */
	void (*text)(gw_xml *x, void *ctx, const char *s, size_t n);
} gw_xml_handler;

/* Parses the part named part (for messages) p[0..n) with h; ctx is handed
 * to h. Errors: GW_EINVAL "part 'x': not well-formed XML (line N: msg)",
 * "part 'x' declares a DTD: refused", "part 'x': elements nested deeper
 * than GW_XML_DEPTH_MAX (128)", or what a callback set with gw_xml_fail;
 * GW_ENOMEM. */
gw_rc gw_xml_parse(const char *part, const char *p, size_t n, const gw_xml_handler *h,
                   void *ctx, gw_err *err);

/* From a callback: stops the parse; gw_xml_parse returns rc with msg. */
void gw_xml_fail(gw_xml *x, gw_rc rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The value of the attribute of local name name in attrs, or NULL. */
const char *gw_xml_attr(const char *const *attrs, const char *name);

#endif
