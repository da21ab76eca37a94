#!/bin/sh
# e2e_office: the office formats end to end (tests/data/office/: .docx and
# .xlsx made by LibreOffice from the .fodt/.fods sources beside them,
# notice.ofd written by make-ofd.py as exporters write OFD): each format
# indexed and searchable; the same notice as .docx (or .ofd) and as .txt
# gives the same fields; merged cells restored in every row they cover;
# .xlsx ids, sheets and dates (1900 and 1904 systems); OFD text joined
# without stray spaces; and damaged or hostile files (a truncated zip, a
# zip bomb, missing parts, not a zip, a DTD) rejected with one message each
# while the rest of the batch is indexed.
set -u -f
NAME=e2e_office
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
O=tests/data/office

# fields ID: the stored fields of document ID as JSON, in $T/f-ID (the
# name with / and # made _), from --dump.
fields() {
	_f=$T/f-$(printf '%s' "$1" | tr '/#.' '___')
	"$IDX" -i "$IX" --dump "$1" 2>/dev/null | python3 -c 'import json,sys
f = {}
for l in sys.stdin:
    l = l.rstrip("\n")
    if l.startswith("field ") and "(stored only)" not in l:
        name = l.split(" ", 2)[1]
        f[name] = l.split("): ", 1)[1]
print(json.dumps(f, ensure_ascii=False))' >"$_f"
	echo "$_f"
}

IX=$T/ix
begin "every office file of tests/data/office is indexed: 2 .docx, 2 .xlsx, 1 .ofd and their .txt twins"
run "$IDX" -i "$IX" "$O"
check_exit 0
check_contains err "0 rejected"
check_not_contains err "warning"
end_check

begin "the same notice as .docx and as .txt gives the same fields (Simplified; 份号, 密级, 紧急程度 read from the page header part)"
a=$(fields "$O/notice-sc.docx")
b=$(fields "$O/notice-sc.txt")
run cat "$a"
check_py "same fields" 'import json,sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a == b, (a, b)
assert a["date"] == "2023-06-12" and a["issuer"] == "工业和信息化部", a
assert a["title"] == "工业和信息化部关于开展中小企业数字化转型试点城市遴选工作的通知", a
assert a["number"] == "工信部企〔2023〕88号", a
# the header block, read from the page header part
assert a["copy"] == "000123" and a["secrecy"] == "机密★1年" and a["urgency"] == "特急", a
assert "— 1 —" not in a["body"] and "—" not in a["body"].split("\\n")[-1], a["body"]' "$a" "$b"
end_check

begin "the same notice as .docx and as .txt gives the same fields (Traditional, 第 N 頁 footer dropped)"
a=$(fields "$O/notice-tc.docx")
b=$(fields "$O/notice-tc.txt")
run cat "$a"
check_py "same fields" 'import json,sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a == b, (a, b)
assert a["title"] == "灣區科技創新協作促進會關於公佈二〇二二年度青年科技獎獲獎名單的通告", a
assert a["number"] == "灣區科促通告第31號" and a["date"] == "2022-11-18", a
assert "頁" not in json.dumps(a, ensure_ascii=False), a' "$a" "$b"
end_check

begin "the same notice as .ofd and as .txt gives the same fields; the number is one piece"
a=$(fields "$O/notice.ofd")
b=$(fields "$O/notice-ofd.txt")
run cat "$a"
check_py "same fields" 'import json,sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a == b, (a, b)
assert a["number"] == "工信部装函〔2021〕218号", a
assert a["title"] == "工业和信息化部装备工业一司关于开展智能网联汽车道路测试管理规范实施情况评估的函", a
assert a["date"] == "2021-08-03", a
assert "Intelligent Connected Vehicle" in a["body"], a["body"]
assert "— 1 —" not in a["body"] and "批注" not in json.dumps(a, ensure_ascii=False), a' "$a" "$b"
end_check

begin "OFD: a search for the document number (typed whole or as its pieces) finds the .ofd"
ids --type notice '"工信部装函〔2021〕218号"'
check_ids "$O/notice.ofd" "$O/notice-ofd.txt"
ids --type notice 工信部装函2021
check_true "typed without brackets" grep -qx "$O/notice.ofd" "$T/ids"
ids 批注文字不应索引
check_true "the annotation is not read" test ! -s "$T/ids"
ids '"Intelligent Connected Vehicle"'
check_true "the Latin phrase across pieces" grep -qx "$O/notice.ofd" "$T/ids"
end_check

begin "OFD: the table drawn as boxes gives records (城市:长沙 is row 3)"
ids --type record 城市:长沙
check_ids "$O/notice.ofd#1.3" "$O/notice-ofd.txt#1.3"
end_check

begin "DOCX merged cells: w:vMerge restored in every row (省份:浙江 rows 3-5, 類別:一等獎 rows 1-2)"
ids --type record 省份:浙江
check_ids "$O/notice-sc.docx#1.3" "$O/notice-sc.docx#1.4" "$O/notice-sc.docx#1.5" \
	"$O/notice-sc.txt#1.3" "$O/notice-sc.txt#1.4" "$O/notice-sc.txt#1.5" \
	"$O/records.xlsx#名单#5" "$O/records-1904.xlsx#名单#5"
ids --type record 類別:一等獎
check_ids "$O/notice-tc.docx#1.1" "$O/notice-tc.docx#1.2" "$O/notice-tc.txt#1.1" "$O/notice-tc.txt#1.2"
end_check

begin "DOCX merged cells: w:gridSpan gives its text to both columns (row 5)"
run "$SRCH" -i "$IX" -n 5 --json --type record 城市:温州
check_py "row 5" 'import json,sys
o = [json.loads(l) for l in open(sys.argv[1])]
r = [x for x in o if x.get("id") == sys.argv[2]][0]
assert r["fields"]["城市"] == "温州（待定）" and r["fields"]["牵头单位"] == "温州（待定）", r
assert r["fields"]["省份"] == "浙江" and r["notice"] == sys.argv[3], r' "$O/notice-sc.docx#1.5" "$O/notice-sc.docx"
end_check

begin "XLSX: ids FILE#SHEET#ROW, the sheet as a field, dates as ISO (1900-03-01 is serial 61), booleans, merged cells"
run "$SRCH" -i "$IX" -n 50 --json --type record 'sheet:名单'
check_py "records" 'import json,sys
o = {x["id"]: x["fields"] for x in map(json.loads, open(sys.argv[1])) if x.get("type") == "record"}
f = sys.argv[2]
r3, r4, r5 = o[f + "#名单#3"], o[f + "#名单#4"], o[f + "#名单#5"]
assert r3["认定日期"] == "2023-03-15" and r3["是否重点"] == "TRUE" and r3["资金（万元）"] == "120.5", r3
assert r4["认定日期"] == "1900-03-01" and r4["省份"] == "江苏" and r4["是否重点"] == "FALSE", r4
assert r5["单位名称"] == r5["认定日期"] == "杭州数据要素联合体（筹）", r5
assert r3["sheet"] == "名单", r3
assert f + "#名单#2" not in o, "row 2 is the header"' "$O/records.xlsx"
ids --type record '機構:香港應用科技研究院'
check_ids "$O/records.xlsx#名單#2" "$O/records-1904.xlsx#名單#2"
end_check

begin "XLSX: the 1904 date system gives the same dates"
run "$SRCH" -i "$IX" -n 5 --json --type record '公佈日期:2022'
check_py "1904" 'import json,sys
o = {x["id"]: x["fields"] for x in map(json.loads, open(sys.argv[1])) if x.get("type") == "record"}
assert o[sys.argv[2] + "#名單#3"]["公佈日期"] == "2022-01-05", o
assert o[sys.argv[3] + "#名單#3"]["公佈日期"] == "2022-01-05", o' "$O/records-1904.xlsx" "$O/records.xlsx"
end_check

begin "XLSX: a sheet of more than 10 MB (libxml2's limit without XML_PARSE_HUGE) is read whole"
mkdir -p "$T/big"
python3 - "$T/big/big.xlsx" <<'PY'
import sys, zipfile
rows = "".join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>ZX-%06d</t></is></c><c r="B%d" t="inlineStr">'
               '<is><t>南京第%d号智能制造创新中心的一个很长的名称用来把工作表撑大</t></is></c></row>' % (r, r, r, r, r)
               for r in range(2, 60002))
sheet = ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>单位</t></is></c></row>' + rows + '</sheetData></worksheet>')
assert len(sheet.encode()) > 10 << 20
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Type="http://x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", sheet)
PY
run "$IDX" -q -i "$T/bigix" "$T/big"
check_exit 0
check_contains err "60000 added"
run "$SRCH" -i "$T/bigix" -n 1 --json ZX-060001
check_contains out "\"id\":\"$T/big/big.xlsx#S#60001\""
end_check

# --- damaged and hostile files ---------------------------------------------

H=$T/hostile
mkdir -p "$H"
cp "$O/notice-tc.docx" "$H/good.docx"
cp "$O/records.xlsx" "$H/good.xlsx"
cp "$O/notice.ofd" "$H/good.ofd"
head -c 3000 "$O/notice-sc.docx" >"$H/truncated.docx"
printf '关于不是压缩包的通知\n正文\n' >"$H/not-a-zip.docx"
python3 - "$H" <<'PY'
import sys, zipfile
h = sys.argv[1]
def z(name, files):
    with zipfile.ZipFile(h + "/" + name, "w", zipfile.ZIP_DEFLATED) as f:
        for k, v in files.items():
            f.writestr(k, v)
# a bomb: 40 MB of spaces in word/document.xml, about 40 kB compressed
body = b'<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>' + b" " * (40 << 20) + b"</w:t></w:r></w:p></w:body></w:document>"
z("bomb.docx", {"word/document.xml": body})
z("missing-part.docx", {"word/styles.xml": "<w:styles/>"})
z("missing-doc.ofd", {"OFD.xml": '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'})
laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><workbook><sheets><sheet name="&lol3;"/></sheets></workbook>'
z("laughs.xlsx", {"xl/workbook.xml": laughs})
PY
IX=$T/hix
begin "damaged and hostile files: one message each, the good files of the batch indexed"
run "$IDX" -i "$IX" "$H"
check_exit 1
check_contains err "$H/truncated.docx: not a readable ZIP archive (truncated or damaged?)"
check_contains err "$H/not-a-zip.docx: not a ZIP archive"
check_contains err "$H/bomb.docx: part 'word/document.xml' expands more than GW_ZIP_RATIO_MAX (200) times"
check_contains err "$H/missing-part.docx: not a Word document: no word/document.xml"
check_contains err "$H/missing-doc.ofd: no document part 'Doc_0/Document.xml'"
check_contains err "$H/laughs.xlsx: part 'xl/workbook.xml' declares a DTD: refused"
check_contains err "6 rejected"
_n=$(grep -c "^$H/" "$T/err")
[ "$_n" -eq 6 ] || fails "6 messages, one a file" "$_n: $(show "$T/err")"
ids 灣區科促通告第31號
check_true "the good .docx" grep -qx "$H/good.docx" "$T/ids"
ids 工信部装函〔2021〕218号
check_true "the good .ofd" grep -qx "$H/good.ofd" "$T/ids"
ids --type record 南京智能制造创新中心
check_true "the good .xlsx" grep -qx "$H/good.xlsx#名单#3" "$T/ids"
end_check

begin "a file named on the command line with an office extension that is not one: one line, exit 1"
run "$IDX" -i "$T/one" "$H/not-a-zip.docx"
check_exit 1
_n=$(grep -c "not-a-zip.docx" "$T/err")
[ "$_n" -eq 1 ] || fails "one line about the file" "$(show "$T/err")"
check_contains err "1 rejected"
end_check

exit $((nfail > 0))
