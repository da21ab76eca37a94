#!/bin/sh
# e2e_html: web pages as people save them, through gongwen-index and
# gongwen-search: pages modelled on www.gov.cn (a 国务院公报 resolution, a
# 政策 page with its metadata table), a provincial 通知公告 page in GBK and a
# Taiwan ministry's news page (tests/data/html/). The article is indexed,
# not the site around it: its title, not 首页; the navigation bar, the
# breadcrumb and the footer are not found; the date comes from 成文日期,
# 发布日期 or 發布日期, so --after and --before find the pages.
set -u -f
NAME=e2e_html
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

D=tests/data/html
IX=$T/ix
PAGES="$D/gov-gongbao.html $D/gov-zhengce.html $D/province-gbk.html $D/taiwan-news.html"

# ids SEARCH-ARGS...: the ids of all hits, sorted, one per line, in $T/ids.
ids() {
	run "$SRCH" -i "$IX" -n 100 --format tsv "$@"
	grep -v '^#' "$T/out" | cut -f2 | sort >"$T/ids"
}

# row ID WANT: the fields (after rank, id and score) of ID's line in the
# last --format tsv output are WANT (tab-separated).
row() {
	_got=$(grep -v '^#' "$T/out" | awk -F '\t' -v id="$1" '$2 == id' | cut -f4-)
	[ "$_got" = "$2" ] || fails "$1: $2" "${_got:-(no line)}"
}

# check_ids WANT...: $T/ids holds exactly these ids.
check_ids() {
	: >"$T/want"
	[ $# -eq 0 ] || printf '%s\n' "$@" | sort >"$T/want"
	cmp -s "$T/want" "$T/ids" || fails "ids: $*" "$(tr '\n' ' ' <"$T/ids")"
}

begin "four saved pages index as four notices, no records (the 政策 metadata table is fields)"
# shellcheck disable=SC2086
run "$IDX" -i "$IX" $PAGES
check_exit 0
check_contains err "gongwen-index: 4 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected"
end_check

begin "the titles are the articles', not 首页 or the site's name"
ids 'title:首页'
check_ids
run "$SRCH" -i "$IX" -n 10 --format tsv --fields title 内涝治理
row "$D/gov-zhengce.html" "国务院办公厅关于加强城市内涝治理的实施意见的通知"
run "$SRCH" -i "$IX" -n 10 --format tsv --fields title 孵化器
row "$D/province-gbk.html" "关于开展2021年度省级科技企业孵化器绩效评价工作的通知"
run "$SRCH" -i "$IX" -n 10 --format tsv --fields title 行政许可
row "$D/gov-gongbao.html" "国务院关于取消和下放一批行政许可事项的决定"
end_check

begin "navigation, breadcrumbs, page tools and footers are not indexed"
for w in '"简 繁"' 登录 '"首页 政务公开"' 政务服务 浏览次数 版权所有 ICP备 网站标识码 打印本页 关闭窗口 分享到 相关链接 回首頁 現在位置 索引号; do
	run "$SRCH" -i "$IX" -n 10 "$w"
	[ "$rc" -eq 1 ] || fails "no hit for $w (exit 1)" "exit $rc: $(show "$T/out")"
done
end_check

begin "the articles are: each page found by words of its text"
ids 排水防涝
check_ids "$D/gov-zhengce.html"
ids 数位转型
check_ids "$D/taiwan-news.html"
ids 初审意见
check_ids "$D/province-gbk.html"
end_check

begin "dates: 成文日期 before 发布日期, the text's own, 发布日期, 發布日期"
run "$SRCH" -i "$IX" -n 10 --format tsv --fields date,number,issuer 通知 OR 决定 OR 补助
row "$D/gov-zhengce.html" "2020-12-18	国办发〔2020〕51号	国务院办公厅"
row "$D/gov-gongbao.html" "2020-09-13	国发〔2020〕13号	国务院"
row "$D/province-gbk.html" "2021-03-05		"
row "$D/taiwan-news.html" "2021-03-05		"
end_check

begin "--after finds the provincial notice by its 发布日期, --before leaves it out"
ids --after 2021-03-01 孵化器
check_ids "$D/province-gbk.html"
ids --after 2021-03-06 孵化器
check_ids
ids --before 2021-03-04 孵化器
check_ids
ids --after 2020-12-01 --before 2020-12-31 --type notice 国务院
check_ids "$D/gov-zhengce.html"
end_check

[ "$nfail" -eq 0 ]
