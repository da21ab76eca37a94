#!/bin/sh
# e2e_strait: notices of both sides of the strait, Hong Kong and Macau end
# to end (tests/data/*.txt): --after finds the Taiwan notice dated
# 中華民國109年12月21日, the sections and header parts are fields a query
# names in English or Chinese, either script (主旨: 說明: 辦法: 速別: 抄送:
# 签发人:), --facet kind counts 文种 with both scripts together, kind: works
# as a filter, and the PRC 印发 date is not the notice's date.
set -u -f
NAME=e2e_strait
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

D=tests/data
TW=$D/tw-han-109.txt
TWG=$D/tw-gonggao-112.txt
PRC=$D/prc-header-2020.txt
MO=$D/mo-despacho-2023.txt
HK=$D/hk-gazette-2023.txt
IX=$T/ix
begin "the five notices index, with the seed notice beside them"
run "$IDX" -i "$IX" "$D"/tw-han-109.txt "$D"/tw-gonggao-112.txt "$D"/prc-header-2020.txt \
	"$D"/mo-despacho-2023.txt "$D"/hk-gazette-2023.txt corpus/notice-2020-73.txt
check_exit 0
check_contains err "gongwen-index: 29 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected"
end_check

begin "--after 2020-12-01 --type notice finds the Taiwan 函 dated 中華民國109年12月21日, not the March 2020 ones"
ids --type notice --after 2020-12-01 --before 2020-12-31 公司
check_exit 0
check_ids "$TW"
ids --type notice --after 2020-12-01 通知 OR 公告 OR 函 OR 批示
check_ids "$TW" "$TWG" "$MO" "$HK"
end_check

begin "the Taiwan 函's fields: title is its 主旨, number, date, issuer, signer, kind"
run "$SRCH" -i "$IX" -n 1 --json 'number:經商字第10902034560號'
check_exit 0
check_py "fields" 'import json,sys
o = json.loads(open(sys.argv[1]).readline())
f = o["fields"]
assert o["id"] == "tests/data/tw-han-109.txt", o["id"]
assert o["title"].startswith("檢送修正「公司登記資本額查核辦法」"), o["title"]
assert f["date"] == "2020-12-21", f.get("date")
assert f["issuer"] == "經濟部" and f["signer"] == "部長 王美花" and f["kind"] == "函", f
assert f["urgency"] == "普通件", f.get("urgency")
assert "依據公司法" in f["explanation"] and "依據公司法" not in f.get("body", ""), f'
end_check

begin "主旨: 說明: 辦法: find the sections, typed in Traditional, Simplified or English"
for q in '主旨:資本額' '主旨:资本额' 'subject:资本额' '說明:公司法' '说明:公司法' 'explanation:公司法' \
	'辦法:函復' '办法:函复' 'actions:函復'; do
	ids "$q"
	check_ids "$TW"
done
ids '主旨:公司法'
check_ids
ids '依據:行政程序法'
check_ids "$TWG"
ids '公告事項:承辦單位'
check_ids "$TWG"
end_check

begin "the PRC header and 版记 parts are fields: 签发人 密级 紧急程度 份号 抄送 印发"
ids '签发人:张三'
check_ids "$PRC"
ids '簽發人:張三'
check_ids "$PRC"
ids 'secrecy:机密'
check_ids "$PRC"
ids '紧急程度:特急'
check_ids "$PRC"
ids 'copy:000123'
check_ids "$PRC"
ids '抄送:最高人民检察院'
check_ids "$PRC"
ids '副本:會計師公會'
check_ids "$TW"
run "$SRCH" -i "$IX" -n 1 --json '印发机关:秘书局'
check_py "printer and printed" 'import json,sys
f = json.loads(open(sys.argv[1]).readline())["fields"]
assert f["printer"] == "国务院办公厅秘书局" and f["printed"] == "2020-03-25", f
assert f["date"] == "2020-03-20", f["date"]'
end_check

begin "the 印发 date is not the notice's date: 2020-03-25 finds the seed notice, not the PRC one printed then"
ids --type notice --after 2020-03-21 --before 2020-03-31 通知
check_ids corpus/notice-2020-73.txt
ids --type notice --after 2020-03-20 --before 2020-03-20 通知
check_ids "$PRC"
end_check

begin "--facet kind counts the kinds (通知 of both scripts together), kind: filters"
run "$SRCH" -i "$IX" -n 0 --json --type notice --facet kind 的 OR 公司 OR 批示 OR 公告
check_py "facet line" 'import json,sys
c = None
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") == "facet":
        c = o["counts"]
assert c is not None, "no facet line"
assert c == {"公告": 2, "通知": 2, "函": 1, "批示": 1}, c'
ids kind:批示
check_ids "$MO"
ids 文种:公告
check_ids "$TWG" "$HK"
ids '文種:通知'
check_ids "$PRC" corpus/notice-2020-73.txt
end_check

begin "Macau and Hong Kong numbers and dates"
ids 'number:"第12/2023號"'
check_ids "$MO"
ids --after 2023-01-10 --before 2023-01-10 批示
check_ids "$MO"
ids 'number:1234'
check_ids "$HK"
end_check

begin "make run's corpus holds a Taiwan and a PRC-header notice, found by their fields"
IX=$T/corpus
run "$IDX" -q -i "$IX" corpus/
check_exit 0
ids 主旨:資本額
check_ids corpus/notice-tw-han-109.txt
ids 签发人:张三
check_ids corpus/notice-prc-header-2020.txt
end_check

[ "$nfail" -eq 0 ]
