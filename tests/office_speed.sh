#!/bin/sh
# office_speed: indexing speed of each office format (the README's
# "Formats" numbers). For each of .docx, .xlsx and .ofd it makes a folder of
# N copies (default 200) of a fixture of tests/data/office/, each copy with
# small variations (the document number, a name, a cell changed to carry
# the copy's number, so no two copies index alike), then indexes the folder
# into a fresh index three times with /usr/bin/time -v and prints the
# median wall time, MB/s (of the files' bytes) and files/s (pages/s for
# .ofd, two pages a file). Not a test: run it by hand after make.
#   sh tests/office_speed.sh [N]
set -eu
cd "$(dirname "$0")/.."
N=${1:-200}
B=${GW_BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$T" "$N" <<'PY'
import os, sys, zipfile
out, n = sys.argv[1], int(sys.argv[2])
src = {
    "docx": ("tests/data/office/notice-sc.docx", "word/document.xml",
             [("88号", "{i}号"), ("苏州", "苏州{i}"), ("宁波", "宁波{i}")]),
    "xlsx": ("tests/data/office/records.xlsx", "xl/sharedStrings.xml",
             [("ZX-001", "ZX-{i}"), ("南京智能制造创新中心", "南京智能制造创新中心{i}")]),
    "ofd": ("tests/data/office/notice.ofd", "Doc_0/Pages/P&1 first/Content.xml",
            [(">218<", ">{i}<"), ("王强", "王强{i}")]),
}
for ext, (path, part, subs) in src.items():
    os.makedirs(os.path.join(out, ext))
    with zipfile.ZipFile(path) as z:
        entries = [(zi, z.read(zi.filename)) for zi in z.infolist()]
    for i in range(1, n + 1):
        with zipfile.ZipFile(os.path.join(out, ext, "f%04d.%s" % (i, ext)), "w", zipfile.ZIP_DEFLATED) as w:
            for zi, data in entries:
                if zi.filename == part:
                    s = data.decode("utf-8")
                    for a, b in subs:
                        s = s.replace(a, b.format(i=i))
                    data = s.encode("utf-8")
                w.writestr(zi.filename, data, zipfile.ZIP_DEFLATED)
PY
for ext in docx xlsx ofd; do
	bytes=$(du -cb "$T/$ext"/* | tail -n 1 | cut -f 1)
	for k in 1 2 3; do
		rm -rf "$T/ix"
		/usr/bin/time -v "$B/gongwen-index" -q -i "$T/ix" "$T/$ext" 2>"$T/time" >/dev/null
		grep 'Elapsed (wall clock)' "$T/time" | sed 's/.*: //' >>"$T/$ext.times"
		grep 'Maximum resident' "$T/time" | sed 's/.*: //' >>"$T/$ext.rss"
	done
	python3 - "$ext" "$N" "$bytes" "$T/$ext.times" "$T/$ext.rss" <<'PY'
import sys
ext, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def secs(t):
    p = [float(x) for x in t.split(":")]
    return sum(v * 60 ** (len(p) - 1 - k) for k, v in enumerate(p))
ts = sorted(secs(l.strip()) for l in open(sys.argv[4]))
rss = sorted(int(l) for l in open(sys.argv[5]))
m = ts[1]
pages = 2 * n if ext == "ofd" else n
unit = "pages" if ext == "ofd" else "files"
print("%-5s %d files, %.2f MB: median %.2f s (runs %s), %.1f MB/s, %.0f %s/s, max RSS %d MB"
      % (ext, n, size / 1e6, m, " ".join("%.2f" % t for t in ts), size / 1e6 / m, pages / m, unit, rss[1] // 1024))
PY
done
