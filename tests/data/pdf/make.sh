#!/bin/sh
# Rebuilds the PDFs of tests/data/pdf from their sources. The PDFs are
# committed, so that `make test` needs neither LibreOffice nor this script;
# run it after changing a source. Needs LibreOffice (soffice; Debian's
# libreoffice-writer-nogui), pdftoppm (poppler-utils), python3 and
# fonts-noto-cjk (so that the Chinese text is embedded).
#
#   notice-sc.pdf       notice-sc.fodt: a Simplified notice of three pages, its
#                       title wrapping inside a word, a 发文字号, a letter-spaced
#                       line, a running header, page numbers "— 2 —"
#   notice-tc.pdf       notice-tc.fodt: the same for Traditional (Taiwan):
#                       header "行政院公報 第026卷 第240期", footer "第 2 頁 共 3 頁"
#   notice-columns.pdf  notice-columns.fodt: a body set in two columns
#   notice-table.pdf    notice-table.fodt: a notice with a table
#   encrypted.pdf       notice-table.fodt with a password to open it
#   restricted.pdf      notice-table.fodt with an owner password only (no
#                       copying allowed; opens without a password)
#   scanned.pdf         notice-table.pdf rasterised (pdftoppm) and put back
#                       into a PDF by LibreOffice as an image: no text
#   truncated.pdf       the first half of notice-sc.pdf
#   repaired.pdf        notice-table.pdf with a wrong startxref: Poppler
#                       rebuilds the cross-reference table
#   garbage.pdf, latin.pdf, slow.pdf   written by make_pdf.py (see there)
#
# notice-sc.txt and notice-tc.txt are the same notices as text: the tests
# check that both give the same fields.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME" "$tmp/enc" "$tmp/res"

soffice --headless --convert-to pdf notice-sc.fodt notice-tc.fodt notice-columns.fodt notice-table.fodt

soffice --headless --convert-to \
	'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}' \
	--outdir "$tmp/enc" notice-table.fodt
mv "$tmp/enc/notice-table.pdf" encrypted.pdf
soffice --headless --convert-to \
	'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},"PermissionPassword":{"type":"string","value":"owner"},"EnableCopyingOfContent":{"type":"boolean","value":"false"}}' \
	--outdir "$tmp/res" notice-table.fodt
mv "$tmp/res/notice-table.pdf" restricted.pdf

pdftoppm -r 50 -gray -png -singlefile notice-table.pdf "$tmp/scan"
python3 - "$tmp/scan.png" "$tmp/scanned.fodt" <<'PY'
import base64, sys
png = base64.encodebytes(open(sys.argv[1], "rb").read()).decode()
open(sys.argv[2], "w").write('''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="0cm"
     fo:margin-bottom="0cm" fo:margin-left="0cm" fo:margin-right="0cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
 <office:body><office:text>
  <text:p><draw:frame draw:name="scan" text:anchor-type="as-char" svg:width="20.9cm" svg:height="29.6cm">
   <draw:image><office:binary-data>%s</office:binary-data></draw:image></draw:frame></text:p>
 </office:text></office:body>
</office:document>
''' % png)
PY
soffice --headless --convert-to pdf --outdir . "$tmp/scanned.fodt"

size=$(wc -c <notice-sc.pdf)
head -c $((size / 2)) notice-sc.pdf >truncated.pdf
# repaired.pdf: notice-table.pdf whose startxref points at the wrong place;
# Poppler rebuilds the cross-reference table and reads it.
python3 - <<'PY'
d = open("notice-table.pdf", "rb").read()
i = d.rindex(b"startxref")
j = d.index(b"\n", i + 10)
open("repaired.pdf", "wb").write(d[:i] + b"startxref\n123\n" + d[j + 1:])
PY

python3 make_pdf.py .
ls -l ./*.pdf
