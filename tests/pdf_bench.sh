#!/bin/sh
# pdf_bench: how fast gongwen-index reads PDFs, against pdftotext (Xapian
# omindex's way) on the same files. Not part of `make test` (it needs
# LibreOffice and takes a few minutes).
#
#   sh tests/pdf_bench.sh [N]     (N documents, default 120)
#
# 1. N long documents of ../shared/corpus/zh-docs.jsonl.xz (LibreOffice help,
#    man pages, the Debian reference, fortunes; Simplified and Traditional)
#    are written as .fodt files, one paragraph a line, with a running header
#    and page numbers as in tests/data/pdf, and LibreOffice converts them to
#    PDF (once: kept in $WORK/pdfs);
# 2. gongwen-index indexes the folder into a fresh index, three times under
#    /usr/bin/time -v; pdftotext (-q, to /dev/null) reads every file, one
#    process a file as omindex runs it, three times;
# 3. one line each: the median wall time, pages/s, MB/s (of PDF files),
#    CPU time (user + system, children included), peak RSS.
set -eu
cd "$(dirname "$0")/.."
N=${1:-120}
B=${GW_BUILD:-build}
WORK=${WORK:-/tmp/gongwen-pdfbench}
ZH=../shared/corpus/zh-docs.jsonl.xz
[ -r "$ZH" ] || ZH=/work/shared/corpus/zh-docs.jsonl.xz
mkdir -p "$WORK/fodt" "$WORK/pdfs"

if [ "$(find "$WORK/pdfs" -name '*.pdf' | wc -l)" -lt "$N" ]; then
	cat >"$WORK/gen.py" <<'PY'
import json, sys
from xml.sax.saxutils import escape
out, n = sys.argv[1], int(sys.argv[2])
want = {"libreoffice-help": n * 5 // 12, "manpages-zh": n // 3, "debian-reference": n // 6}
want["fortunes-zh"] = n - sum(want.values())
got = dict.fromkeys(want, 0)
k = 0
for line in sys.stdin:
    d = json.loads(line)
    src = d.get("source", "")
    body = d.get("body", "")
    if src not in want or got[src] >= want[src] or len(body) < 1500:
        continue
    got[src] += 1
    k += 1
    font = "Noto Serif CJK " + ("TC" if d.get("script") == "traditional" else "SC")
    paras = "\n".join('<text:p text:style-name="Body">%s</text:p>' % escape(p.strip())
                      for p in body.split("\n") if p.strip())
    open("%s/doc-%03d.fodt" % (out, k), "w").write('''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls><style:font-face style:name="F" svg:font-family="'%(font)s'"/></office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:line-height="24pt"/>
   <style:text-properties style:font-name="F" fo:font-size="14pt" style:font-name-asian="F" style:font-size-asian="14pt"/>
  </style:default-style>
  <style:style style:name="Title" style:family="paragraph">
   <style:paragraph-properties fo:text-align="center" fo:margin-bottom="12pt"/>
   <style:text-properties fo:font-size="20pt" style:font-size-asian="20pt"/>
  </style:style>
  <style:style style:name="Body" style:family="paragraph">
   <style:paragraph-properties fo:text-align="justify" fo:text-indent="28pt"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2.5cm"
     fo:margin-bottom="2.5cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm"/>
   <style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.6cm"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:footer><text:p>- <text:page-number text:select-page="current">1</text:page-number> -</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text>
<text:p text:style-name="Title">%(title)s</text:p>
%(paras)s
 </office:text></office:body>
</office:document>
''' % {"font": font, "title": escape(d.get("title", "")), "paras": paras})
    if k >= n:
        break
print("wrote %d documents: %s" % (k, got), file=sys.stderr)
PY
	xz -dc "$ZH" | python3 "$WORK/gen.py" "$WORK/fodt" "$N"
	(cd "$WORK/fodt" && HOME="$WORK/home" soffice --headless --convert-to pdf --outdir "$WORK/pdfs" ./*.fodt >/dev/null 2>&1)
fi

files=$(find "$WORK/pdfs" -name '*.pdf' | wc -l)
pages=0
for f in "$WORK"/pdfs/*.pdf; do
	pages=$((pages + $(pdfinfo "$f" | sed -n 's/^Pages: *//p')))
done
bytes=$(cat "$WORK"/pdfs/*.pdf | wc -c)
echo "$files PDF files, $pages pages, $bytes bytes"

# median FILE...: the middle of three numbers, one a file.
median() {
	cat "$@" | sort -n | sed -n 2p
}

# wall FILE: the wall-clock seconds in /usr/bin/time -v's output.
wall() {
	sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}

rss() {
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"
}

# cpu FILE: user + system seconds (the process and the children it waited for).
cpu() {
	awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s }' "$1"
}

for i in 1 2 3; do
	rm -rf "$WORK/ix"
	/usr/bin/time -v "$B/gongwen-index" -q -i "$WORK/ix" "$WORK/pdfs" 2>"$WORK/gw.$i" >/dev/null || true
	wall "$WORK/gw.$i" >"$WORK/gw.wall.$i"
	rss "$WORK/gw.$i" >"$WORK/gw.rss.$i"
	cpu "$WORK/gw.$i" >"$WORK/gw.cpu.$i"
	/usr/bin/time -v sh -c 'for f in "$1"/*.pdf; do pdftotext -q "$f" /dev/null; done' sh "$WORK/pdfs" \
		2>"$WORK/pt.$i" >/dev/null
	wall "$WORK/pt.$i" >"$WORK/pt.wall.$i"
	rss "$WORK/pt.$i" >"$WORK/pt.rss.$i"
	cpu "$WORK/pt.$i" >"$WORK/pt.cpu.$i"
done
grep -h "gongwen-index: " "$WORK/gw.1" | head -n 1
for t in gw pt; do
	w=$(median "$WORK/$t.wall.1" "$WORK/$t.wall.2" "$WORK/$t.wall.3")
	r=$(median "$WORK/$t.rss.1" "$WORK/$t.rss.2" "$WORK/$t.rss.3")
	c=$(median "$WORK/$t.cpu.1" "$WORK/$t.cpu.2" "$WORK/$t.cpu.3")
	name=gongwen-index
	[ $t = pt ] && name="pdftotext, a process a file"
	awk -v n="$name" -v w="$w" -v c="$c" -v p="$pages" -v b="$bytes" -v r="$r" \
		-v a="$(cat "$WORK/$t.wall.1" "$WORK/$t.wall.2" "$WORK/$t.wall.3" | tr '\n' ' ')" \
		'BEGIN { printf "%s: %.2f s (median of %s), %.0f pages/s, %.1f MB/s; CPU %.2f s; peak RSS %.0f MB\n", n, w, a, p / w, b / 1e6 / w, c, r / 1024 }'
done
