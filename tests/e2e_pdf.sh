#!/bin/sh
# e2e_pdf: PDF files end to end (lib/read/gw_pdf*.c), on the fixtures of
# tests/data/pdf (made by LibreOffice from the .fodt sources there; see
# make.sh): a batch of good, scanned, encrypted, damaged and slow PDFs gives
# one message for each bad one (and a warning for one Poppler repairs)
# and indexes the rest; a title wrapped inside
# a word is found whole, and so is a phrase wrapped inside a paragraph;
# letter-spaced words read as words; headers, footers and page numbers are
# not in the text; a PDF gives the same fields as the same notice as .txt,
# in Simplified and Traditional; two columns are read in column order; a
# page that takes too long ends the reading, the pages before it indexed;
# Poppler never writes to the terminal.
set -u -f
NAME=e2e_pdf
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

D=tests/data/pdf
IX=$T/ix

# fields ID QUERY...: the stored fields of document ID, as JSON, in
# $T/fields (empty if no hit of QUERY is ID).
fields() {
	_id=$1
	shift
	run "$SRCH" -i "$IX" -n 100 --json "$@"
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("id") == sys.argv[2]:
        print(json.dumps(o["fields"], ensure_ascii=False, sort_keys=True))
        break' "$T/out" "$_id" >"$T/fields" 2>"$T/py"
}

# hits QUERY...: the ids of all hits of QUERY, one a line, in $T/ids.
hits() {
	run "$SRCH" -i "$IX" -n 100 --json "$@"
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "id" in o:
        print(o["id"])' "$T/out" >"$T/ids" 2>"$T/py"
}

# check_hit ID: ID is among $T/ids.
check_hit() {
	grep -qxF -e "$1" "$T/ids" || fails "a hit $1" "$(tr '\n' ' ' <"$T/ids")"
}

begin "a batch of tests/data/pdf: good PDFs indexed, one message for each bad one"
run env GONGWEN_PDF_PAGE_SECONDS=1 "$IDX" -i "$IX" "$D"
check_exit 1
check_contains err "$D/encrypted.pdf: encrypted, skipped"
check_contains err "$D/scanned.pdf: no text layer (scanned?), skipped"
check_contains err "$D/garbage.pdf: no text layer (scanned?), skipped"
check_contains err "$D/truncated.pdf: damaged PDF ("
check_contains err "$D/slow.pdf: warning: page 2 took more than GW_PDF_PAGE_SECONDS_MAX (1 s): page 2 not read"
check_contains err "$D/repaired.pdf: warning: damaged PDF, read as far as Poppler could ("
# notice-sc, notice-tc, notice-columns, notice-table, restricted, repaired,
# latin, slow (its first page) and the two .txt notices.
check_contains err "gongwen-index: 10 added, 0 replaced, 0 unchanged, 0 deleted, 4 rejected in "
for f in encrypted scanned garbage truncated slow repaired; do
	_n=$(grep -c "^$D/$f.pdf: " "$T/err")
	[ "$_n" -eq 1 ] || fails "one line about $f.pdf" "$_n: $(show "$T/err")"
done
_other=$(grep -v -e '^gongwen-index: ' "$T/err" | wc -l)
[ "$_other" -eq 6 ] || fails "six lines besides the summary" "$(show "$T/err")"
end_check

begin "nothing from Poppler reaches stderr, even with G_MESSAGES_DEBUG=all"
run env G_MESSAGES_DEBUG=all "$IDX" -i "$T/quiet" "$D/truncated.pdf" "$D/notice-table.pdf"
check_exit 1
_other=$(grep -v -e '^gongwen-index: ' "$T/err" | wc -l)
[ "$_other" -eq 1 ] || fails "one line besides the summary" "$(show "$T/err")"
check_contains err "$D/truncated.pdf: damaged PDF (Couldn't find trailer dictionary), skipped"
check_not_contains err "Poppler"
end_check

begin "the wrapped title is the whole title, and found whole as a phrase (Simplified)"
fields "$D/notice-sc.pdf" '"国务院办公厅关于进一步加强政府网站建设管理工作的意见"'
check_exit 0
check_py "title, number, date" 'import json,sys
f = json.loads(open(sys.argv[2]).read())
assert f["title"] == "国务院办公厅关于进一步加强政府网站建设管理工作的意见", f.get("title")
assert f["number"] == "国办发〔2017〕47号", f.get("number")
assert f["date"] == "2017-05-15", f.get("date")' "$T/fields"
end_check

begin "the wrapped title is the whole title, and found whole in the other script (Traditional)"
fields "$D/notice-tc.pdf" '"行政院关于推动公共工程全生命周期资讯整合与数位转型计画之函"'
check_exit 0
check_py "title, number, date" 'import json,sys
f = json.loads(open(sys.argv[2]).read())
assert f["title"] == "行政院關於推動公共工程全生命週期資訊整合與數位轉型計畫之函", f.get("title")
assert f["number"] == "院臺經字第1090041234號", f.get("number")
assert f["date"] == "2020-12-21", f.get("date")' "$T/fields"
end_check

begin "phrases across a line wrapped inside a paragraph are found"
for qf in 群众的重要桥梁:sc 加强政府网站建设管理工作:sc 並定期檢討執行成效:tc 規劃設計階段起:tc 真实性负责:columns; do
	hits "\"${qf%:*}\""
	check_hit "$D/notice-${qf#*:}.pdf"
done
end_check

begin "letter-spaced lines read as words: 本 办 法 自 印 发, 本 院 業 經 函 請 該 部"
hits '"本办法自印发之日起施行"'
check_hit "$D/notice-sc.pdf"
hits '"本院业经函请该部研议见复"'
check_hit "$D/notice-tc.pdf"
end_check

begin "running headers, footers and page numbers are not in the text"
fields "$D/notice-sc.pdf" 国务院办公厅
check_py "no header, no page number" 'import json,sys
f = json.loads(open(sys.argv[2]).read())
text = "\n".join(f.values())
for bad in ("政府网站建设管理专栏", "—1—", "— 1 —", "—2—", "—3—"):
    assert bad not in text, bad
assert not any(l.strip("—- 0123456789") == "" for l in f["body"].split("\n")), "a line of only a page number"' "$T/fields"
fields "$D/notice-tc.pdf" 行政院
check_py "no header, no page number" 'import json,sys
f = json.loads(open(sys.argv[2]).read())
text = "\n".join(f.values())
for bad in ("行政院公報", "第026卷", "第240期", "頁共", "第1頁", "第 1 頁"):
    assert bad not in text, bad' "$T/fields"
hits 行政院公报
[ -s "$T/ids" ] && fails "no hit for the running header 行政院公報" "$(tr '\n' ' ' <"$T/ids")"
end_check

begin "a PDF gives the fields of the same notice as .txt (Simplified and Traditional)"
for n in sc tc; do
	case $n in
	sc) q=国办发 ;;
	*) q=院臺經字 ;;
	esac
	fields "$D/notice-$n.pdf" "$q"
	cp "$T/fields" "$T/pdf.json"
	fields "$D/notice-$n.txt" "$q"
	check_py "notice-$n: the same fields" 'import json,sys
p = json.loads(open(sys.argv[2]).read())
t = json.loads(open(sys.argv[3]).read())
for k in ("title", "number", "date", "addressees", "issuer", "attachments"):
    assert p.get(k) == t.get(k), (k, p.get(k), t.get(k))
assert p == t, [k for k in set(p) | set(t) if p.get(k) != t.get(k)]' "$T/pdf.json" "$T/fields"
done
end_check

begin "two columns are read in column order"
fields "$D/notice-columns.pdf" 创新券
check_py "left column, then right column" 'import json,sys
b = json.loads(open(sys.argv[2]).read())["body"]
order = [b.find(s) for s in ("左栏第一段", "左栏第二段", "右栏第一段", "右栏第二段")]
assert -1 not in order and order == sorted(order), order
assert "025-83630000" in b, b[-60:]' "$T/fields"
end_check

begin "a table is read a row a line, cells apart"
fields "$D/notice-table.pdf" 数字化车间
check_py "rows" 'import json,sys
b = json.loads(open(sys.argv[2]).read())["body"]
assert "\n1 南京精工机械有限公司 精密齿轮加工车间" in b, b' "$T/fields"
end_check

begin "an owner-password PDF (no copying) and a repaired one are read; the slow PDF's first page is indexed"
hits 数字化车间
check_hit "$D/restricted.pdf"
check_hit "$D/repaired.pdf"
hits '"never ends"'
check_hit "$D/slow.pdf"
end_check

begin "a file named .pdf that is not a PDF, an empty one: one message each"
printf 'just text\n' >"$T/text.pdf"
: >"$T/empty.pdf"
run "$IDX" -i "$T/not" "$T/text.pdf" "$T/empty.pdf" /bin/ls "$D/latin.pdf"
check_exit 1
check_contains err "$T/text.pdf: not a PDF file (no %PDF- header), skipped"
check_contains err "$T/empty.pdf: not a PDF file (no %PDF- header), skipped"
check_contains err "gongwen-index: 1 added, 0 replaced, 0 unchanged, 0 deleted, 3 rejected in "
end_check

begin "a PDF of more than GW_PDF_PAGES_MAX pages: the first 2000 read, a warning"
python3 "$D/make_pdf.py" --pages 2003 "$T/long.pdf"
run "$IDX" -i "$T/long" "$T/long.pdf"
check_exit 0
check_contains err "$T/long.pdf: warning: 2003 pages, more than GW_PDF_PAGES_MAX (2000): pages 2001 to 2003 not read"
run "$SRCH" -i "$T/long" --json -n 1 '"page 2000 of"'
check_exit 0
run "$SRCH" -i "$T/long" --count '"page 2001 of"'
check_exit 1
end_check

begin "the index of the batch is sound (--check)"
run "$IDX" -i "$IX" --check
check_exit 0
end_check

[ "$nfail" -eq 0 ]
