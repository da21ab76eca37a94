#!/usr/bin/env python3
"""Writes the PDFs of tests/data/pdf that an office suite cannot make:

  garbage.pdf  a text layer of private-use characters (a font whose ToUnicode
               map sends every byte to U+E000 + byte), as PDFs made with
               symbol or subset fonts without a Unicode map have
  latin.pdf    a small page of Latin text in Helvetica (a small fuzz seed)
  slow.pdf     page 1 text, page 2 a form drawing a form ... six levels deep,
               30 times each (30^6 drawing operations: minutes of work), the
               way a hostile PDF asks a reader for unbounded work

Run by make.sh; needs only Python 3. With --pages N FILE it writes a PDF of
N pages of one line each to FILE (tests/e2e_pdf.sh, for GW_PDF_PAGES_MAX).
"""
import sys


def pdf(objects):
    """The bytes of a PDF whose objects 1..n are the given byte strings."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_page(lines, x=72, y=760, size=12):
    ops = [b"BT /F1 %d Tf %d TL %d %d Td" % (size, size + 6, x, y)]
    for ln in lines:
        ops.append(b"(%s) Tj T*" % ln.encode("latin-1"))
    ops.append(b"ET")
    return b"\n".join(ops)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def latin():
    lines = ["Notice on the opening of public data, No. 7 of 2021",
             "All departments shall publish their open data catalogues",
             "before the end of June, and update them every quarter."]
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                HELVETICA,
                stream(text_page(lines))])


def garbage():
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CMapName /Garbage def 1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"1 beginbfrange <20> <7E> <E020> endbfrange\nendcmap\n"
            b"CMapName currentdict /CMap defineresource pop end end")
    lines = ["qwertyuiop asdfghjkl zxcvbnm"] * 20
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                stream(text_page(lines)),
                stream(cmap)])


def slow(depth=6, fanout=30):
    # Objects: 1 catalog, 2 pages, 3 page 1, 4 font, 5 page 1 content,
    # 6 page 2, 7 page 2 content, 8.. the forms X0 .. X(depth-1).
    first = 8
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            HELVETICA,
            stream(text_page(["The first page of a document whose second page never ends.",
                              "This page is read and indexed; the second one is not."])),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /X0 %d 0 R >> >> /Contents 7 0 R >>" % first,
            stream(b"/X0 Do")]
    for k in range(depth):
        if k + 1 < depth:
            body = b" ".join([b"/X%d Do" % (k + 1)] * fanout)
            res = b"/Resources << /XObject << /X%d %d 0 R >> >> " % (k + 1, first + k + 1)
        else:
            body = b" ".join([b"0 0 m 1 1 l S"] * fanout)
            res = b""
        objs.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + res))
    return pdf(objs)


def many(pages):
    """A PDF of the given number of pages, each with a line of Latin text
    (tests/e2e_pdf.sh makes one past GW_PDF_PAGES_MAX)."""
    first = 4
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % (first + 2 * k) for k in range(pages)), pages),
            HELVETICA]
    for k in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (first + 2 * k + 1))
        # Mid-page: at the top, the same line on every page would be a running header.
        objs.append(stream(text_page(["Page %d of a long report on open data" % (k + 1)], y=420)))
    return pdf(objs)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--pages":
        with open(sys.argv[3], "wb") as f:
            f.write(many(int(sys.argv[2])))
        sys.exit(0)
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for name, data in (("garbage.pdf", garbage()), ("latin.pdf", latin()), ("slow.pdf", slow())):
        with open("%s/%s" % (out, name), "wb") as f:
            f.write(data)
