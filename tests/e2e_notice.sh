#!/bin/sh
# e2e_notice: notices and records end to end: the seed notice alone (its
# 23 records, 省份:江苏, the document number, --facet 省份), then the other
# notices of corpus/ (merged cells in the third column, an HTML table with
# rowspan, a CSV), field queries, --type, dates and the --json record shape.
set -u -f
NAME=e2e_notice
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

IX=$T/seed
begin "the seed notice alone: 1 notice + 23 records, 7 repaired rows reported with their lines"
run "$IDX" -i "$IX" corpus/notice-2020-73.txt
check_exit 0
check_contains err "gongwen-index: 24 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected"
check_contains err "corpus/notice-2020-73.txt:15: warning: table row 2: 3 of 4 cells; restored 省份 from the row above"
check_contains err "corpus/notice-2020-73.txt:30: warning: table row 17:"
_n=$(grep -c 'warning: table row' "$T/err")
[ "$_n" -eq 7 ] || fails "7 repaired rows" "$_n"
end_check

begin "省份:江苏 returns exactly the three 江蘇 records (rows 5, 6, 7)"
ids 省份:江苏
check_exit 0
check_ids "corpus/notice-2020-73.txt#1.5" "corpus/notice-2020-73.txt#1.6" "corpus/notice-2020-73.txt#1.7"
end_check

begin "省份:河南 returns rows 14 and 15 (15 restored from the row above)"
ids 省份:河南
check_ids "corpus/notice-2020-73.txt#1.14" "corpus/notice-2020-73.txt#1.15"
end_check

begin "依托主体:海康威视 finds row 8 (依托主體 = 杭州海康威視數字技術股份有限公司)"
ids 依托主体:海康威视
check_ids "corpus/notice-2020-73.txt#1.8"
end_check

begin "国科发区〔2020〕73号 returns the notice first"
run "$SRCH" -i "$IX" -n 1 --json 国科发区〔2020〕73号
check_exit 0
check_py "first hit is the notice" 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
assert o["id"] == "corpus/notice-2020-73.txt" and o["type"] == "notice", o["id"]'
end_check

begin "the notice's parts: number, date 2020-03-25, issuer 科技部, disclosure"
run "$SRCH" -i "$IX" -n 1 --json 'number:"國科發區 2020 73號"'
check_py "fields" 'import json,sys
f = json.loads(open(sys.argv[1]).readline())["fields"]
assert f["number"] == "國科發區〔2020〕73號", f.get("number")
assert f["date"] == "2020-03-25", f.get("date")
assert f["issuer"] == "科技部", f.get("issuer")
assert f["disclosure"] == "此件主動公開", f.get("disclosure")
assert "西藏" not in f["body"] and "西藏" in f["related"]'
end_check

begin "--facet 省份 --type record counts 23 records, 江蘇 3"
run "$SRCH" -i "$IX" -n 0 --json --type record --facet 省份 眾創空間
check_py "facet line" 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "facet":
        c = o["counts"]
        assert o["field"] == "省份", o
        assert sum(c.values()) == 23, c
        assert c["江蘇"] == 3 and c["河南"] == 2 and c["天津"] == 2, c
        break
else:
    raise SystemExit("no facet line")'
end_check

begin "a record hit in --json: type record, its notice, row and columns"
run "$SRCH" -i "$IX" -n 1 --json 依托主体:海康威视
check_py "record shape" 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
assert o["type"] == "record" and o["notice"] == "corpus/notice-2020-73.txt", o
assert o["row"] == "8" and o["fields"]["省份"] == "浙江", o
assert not any(k.startswith("_") for k in o["fields"]), o["fields"]'
end_check

begin "text output shows a record as its row and its notice"
run "$SRCH" -i "$IX" -n 1 依托主体:海康威视
check_contains out "省份: 浙江 | 專業化眾創空間名稱: 圖像識別國家專業化眾創空間"
check_contains out "科技部關于第三批國家專業化眾創空間備案示范的通知"
end_check

IX=$T/all
run "$IDX" -i "$IX" corpus/

begin "merged cells in the third column: 承担单位 restored (notice-sc-2023-08, row 2)"
ids --type record 承担单位:南京智造精工
check_ids "corpus/notice-sc-2023-08.txt#1.1" "corpus/notice-sc-2023-08.txt#1.2"
end_check

begin "HTML table with rowspan: both rows under the spanned 省份 are found"
ids --type record 省份:江苏 平台
check_true "HTML records found" grep -q 'notice-html-2022.html#1.1' "$T/ids"
check_true "the rowspan row too" grep -q 'notice-html-2022.html#1.2' "$T/ids"
end_check

begin "CSV records: a quoted cell with a comma is one field"
ids 运营主体:常州石墨烯产业园管理有限公司
check_true "the CSV row" grep -q 'records-2023.csv#3' "$T/ids"
end_check

begin "--type notice excludes records; --after/--before filter by date"
ids --type notice 众创空间
check_true "no record ids" sh -c "! grep -q '#' '$T/ids'"
ids --after 2021-01-01 --before 2021-12-31 --type notice 众创空间
check_ids "corpus/notice-sc-2021-15.txt"
end_check

begin "--sort date lists the newest notice first"
run "$SRCH" -i "$IX" -n 50 --json --sort date --type notice 通知
check_py "dates descending" 'import json,sys
d = [json.loads(l)["fields"].get("date") for l in open(sys.argv[1]) if json.loads(l).get("type") == "notice"]
dated = [x for x in d if x]
assert dated == sorted(dated, reverse=True) and len(dated) >= 3, d'
end_check

begin "--weight: record cells weigh less than notice text, and --weight 省份=9 puts the records first"
run "$SRCH" -i "$IX" -n 1 --json 江苏
check_py "by default a notice is first" 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
assert o["type"] == "notice", o'
run "$SRCH" -i "$IX" -n 3 --json --weight 省份=9 江苏
check_py "with the cell weighted up, records are first" 'import json,sys
hits = [json.loads(l) for l in open(sys.argv[1]) if "id" in json.loads(l)]
assert len(hits) == 3 and all(h["type"] == "record" for h in hits), hits'
run "$SRCH" -i "$IX" --weight 省份 江苏
check_exit 2
check_contains err "bad --weight"
run "$SRCH" -i "$IX" --b 1.5 江苏
check_exit 2
end_check

begin "--focus: a query of two parts is weighed by document length, --focus 0 turns it off"
run "$SRCH" -i "$IX" -n 1 --explain 众创空间 江苏
check_contains out "focus (2 x "
run "$SRCH" -i "$IX" -n 1 --explain 众创空间
check_not_contains out "focus"
run "$SRCH" -i "$IX" -n 1 --explain --focus 0 众创空间 江苏
check_not_contains out "focus"
run "$SRCH" -i "$IX" --focus 11 江苏
check_exit 2
check_contains err "bad --focus"
end_check

[ "$nfail" -eq 0 ]
