#!/bin/sh
# e2e_attach: attachments belong to their notice (lib/read/gw_attach.h).
# A folder holds the seed notice (its 附件 line names 第三批國家專業化眾創
# 空間示范名單, in Traditional), a sheet made by LibreOffice saved under
# that name in Simplified, a web page that links to 附件2.csv through a
# %XX-encoded href, that CSV, an unrelated sheet, and a subfolder with a
# copy of the attachment. The attachments' records carry their notice's
# link fields and are found by its number; the unrelated sheet and the
# copy in the subfolder are not linked.
set -u -f
NAME=e2e_attach
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

if ! command -v python3 >/dev/null 2>&1; then
	printf 'SKIP %s: attachments (python3 absent)\n' "$NAME"
	exit 0
fi

A=$T/folder
mkdir -p "$A/sub"
cp corpus/notice-2020-73.txt "$A/"
XLSX=$A/附件：第三批国家专业化众创空间示范名单.xlsx
cp tests/data/office/records.xlsx "$XLSX"
cp tests/data/office/records.xlsx "$A/unrelated.xlsx"
cp tests/data/office/records.xlsx "$A/sub/附件：第三批国家专业化众创空间示范名单.xlsx"
cp corpus/records-2023.csv "$A/附件2.csv"
cat >"$A/page.html" <<'HTML'
<html><head><meta charset="utf-8"><title>关于公布2023年度孵化器名单的通知</title></head><body>
<h1>关于公布2023年度孵化器名单的通知</h1><p>苏科高〔2023〕9号</p><p>各设区市科技局：</p>
<p>现将名单公布如下。</p>
<p>附件：<a href="/files/%E9%99%84%E4%BB%B62.csv?v=1">孵化器名单</a></p>
<p>江苏省科学技术厅</p><p>2023年5月8日</p></body></html>
HTML

# links SEARCH-ARGS...: "id<TAB>notice<TAB>notice_number" of every record hit, in $T/links.
links() {
	run "$SRCH" -i "$T/idx" -n 1000 --json "$@"
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "record":
        print("%s\t%s\t%s" % (o["id"], o.get("notice", ""), o.get("fields", {}).get("notice_number", "")))' \
		"$T/out" >"$T/links" 2>"$T/py"
}

begin "a folder with notices and their attachments is indexed"
run "$IDX" -q -i "$T/idx" "$A"
check_exit 0
end_check

begin "the sheet named as the notice's 附件 (other script): its records carry the notice, found by its number"
links '國科發區〔2020〕73號'
n=$(grep -c "^$XLSX#" "$T/links")
[ "$n" -ge 3 ] || fails "3 or more records of the sheet" "$(show "$T/links")"
grep "^$XLSX#" "$T/links" | grep -qv "	$A/notice-2020-73.txt	國科發區〔2020〕73號\$" &&
	fails "each linked to notice-2020-73.txt with its number" "$(show "$T/links")"
# the notice's own table rows too
grep -q "^$A/notice-2020-73.txt#" "$T/links" || fails "the notice's own rows found by its number" "$(show "$T/links")"
end_check

begin "the CSV the page links to (%XX-encoded href): linked to the page"
links '苏科高〔2023〕9号'
grep -q "^$A/附件2.csv#1	$A/page.html	苏科高〔2023〕9号\$" "$T/links" ||
	fails "附件2.csv#1 linked to page.html" "$(show "$T/links")"
end_check

begin "an unrelated sheet and the copy in a subfolder are not linked"
links 南京
grep -q "^$A/unrelated.xlsx#" "$T/links" || fails "unrelated.xlsx records found" "$(show "$T/links")"
grep "^$A/unrelated.xlsx#\|^$A/sub/" "$T/links" | grep -q "	.*	.\|	$A/" &&
	fails "no notice on unrelated.xlsx or sub/" "$(show "$T/links")"
grep -q "^$A/sub/" "$T/links" || fails "sub/ records found" "$(show "$T/links")"
end_check

[ "$nfail" -eq 0 ]
