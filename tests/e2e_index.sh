#!/bin/sh
# e2e_index: end-to-end tests of gongwen-index. Runs the real binaries of
# $GW_BUILD (default build) on the real corpus files and on small inputs
# written here, and checks exit statuses, stderr messages and what a search
# finds afterwards. One line per check: "PASS e2e_index: what" or
# "FAIL e2e_index: what" followed by indented details (command, expected,
# got). Exit status 0 if every check passed, 1 otherwise.
set -u -f
NAME=e2e_index
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ZH=../shared/corpus/zh-docs.jsonl.xz


# finds INDEX QUERY ID: searching QUERY in INDEX exits 0 and lists ID.
finds() {
	run "$SRCH" -i "$1" -n 1000 --json -- "$2"
	check_exit 0
	check_contains out "\"id\":\"$3\""
}

# finds_nothing INDEX QUERY: searching QUERY in INDEX exits 1, prints no
# hit and no message.
finds_nothing() {
	run "$SRCH" -i "$1" --json -- "$2"
	check_exit 1
	check_not_contains out '"id":'
	check_lines err 0
}

# fingerprint INDEX FILE: the --json answers to a fixed set of queries.
QUERIES='眾創空間 众创空间 專業化眾創空間 螢幕 萤 江苏 国科发区[2020]73号 files file api 2022 通知 的'
fingerprint() {
	for q in $QUERIES; do
		printf '== %s\n' "$q"
		"$SRCH" -i "$1" -n 1000 --json -- "$q" >"$2.one" 2>&1
		_st=$?
		sed 's/,"time_ms":[0-9.]*}$/}/' "$2.one"
		printf 'exit %s\n' "$_st"
	done >"$2"
}

# ids_unique FILE: no "id" occurs twice in the --json lines of FILE.
ids_unique() {
	python3 -c '
import json, sys
ids = [o["id"] for o in map(json.loads, open(sys.argv[1], encoding="utf-8")) if "id" in o]
dup = sorted({i for i in ids if ids.count(i) > 1})
if dup:
    print("duplicate ids:", dup)
    sys.exit(1)
' "$1"
}

# total: M of the "N of M matching documents" line of $T/out.
total() {
	sed -n 's/^[0-9]* of \([0-9]*\) matching documents*$/\1/p' "$T/out" | tail -n 1
}

# --- a fresh index of corpus/ --------------------------------------------------

# corpus/ holds notices (.txt, .html) whose tables give records, and
# records (.jsonl, .csv): at least one document per file. The count comes
# from the summary; the re-index below must replace exactly that many.
nfiles=$(find corpus -name '.*' -prune -o -type f \( -name '*.txt' -o -name '*.html' -o -name '*.jsonl' -o -name '*.csv' \) -print | wc -l)

begin "index corpus/ into a fresh index: exit 0, 'N added, 0 replaced, 0 rejected' with N >= $nfiles, only warnings besides"
run "$IDX" -i "$T/c" corpus/
check_exit 0
check_contains err " added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
NDOCS=$(sed -n 's/^gongwen-index: \([0-9]*\) added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in .*/\1/p' "$T/err")
if [ -z "$NDOCS" ] || [ "$NDOCS" -lt "$nfiles" ]; then
	fails "a summary with at least $nfiles added" "'$NDOCS'"
	NDOCS=0
fi
_other=$(grep -v -e '^gongwen-index: ' -e ': warning: ' "$T/err" | wc -l)
[ "$_other" -eq 0 ] || fails "only the summary and warnings on stderr" "$(show "$T/err")"
check_true "$T/c/data.mdb exists" test -f "$T/c/data.mdb"
end_check

fingerprint "$T/c" "$T/fp.fresh"
run "$SRCH" -i "$T/c" 眾創空間
total1=$(total)

begin "fresh index: 眾創空間 has a total count and --json lists no id twice"
run "$SRCH" -i "$T/c" -n 1000 --json 眾創空間
check_exit 0
cp "$T/out" "$T/json1"
check_true "no id twice in the --json output" ids_unique "$T/json1"
if [ -z "$total1" ] || [ "$total1" -eq 0 ]; then
	fails "a line 'N of M matching documents' with M > 0" "M='$total1'"
fi
end_check

# --- indexing the same corpus again ----------------------------------------------

begin "index corpus/ again: exit 0, '0 added, 0 replaced, $NDOCS unchanged' (unchanged documents are skipped)"
run "$IDX" -i "$T/c" corpus/
check_exit 0
check_contains err "gongwen-index: 0 added, 0 replaced, $NDOCS unchanged, 0 deleted, 0 rejected in "
end_check

begin "after re-indexing, 眾創空間 finds each notice once and the same total"
run "$SRCH" -i "$T/c" 眾創空間
check_exit 0
total2=$(total)
[ "$total2" = "$total1" ] ||
	fails "total 'of $total1 matching documents' as after the first build" "of $total2"
run "$SRCH" -i "$T/c" -n 1000 --json 眾創空間
check_exit 0
check_true "no id twice in the --json output" ids_unique "$T/out"
_n=$(grep -c '"id":' "$T/out")
[ "$_n" -eq "${total1:-0}" ] || fails "$total1 --json lines" "$((_n + 0))"
end_check

begin "after re-indexing, no query lists an id twice"
for q in $QUERIES; do
	run "$SRCH" -i "$T/c" -n 1000 --json -- "$q"
	ids_unique "$T/out" >"$T/dup" 2>&1 || fails "no id twice" "$(show "$T/dup")"
done
end_check

begin "after re-indexing, every query gives the same --json as the fresh index"
fingerprint "$T/c" "$T/fp.again"
cmd="gongwen-search -n 1000 --json Q for Q in $QUERIES"
cmp -s "$T/fp.fresh" "$T/fp.again" ||
	fails "the same output as after the first build" \
		"$(diff "$T/fp.fresh" "$T/fp.again" | head -c 1500 | sed '1!s/^/          /')"
end_check

# --- a malformed JSON line in the middle --------------------------------------

cat >"$T/bad.jsonl" <<'EOF'
{"id":"bad-1","title":"第一條","body":"前一行的好文件鸚鵡螺"}
{"id":"bad-2","title":"第二條","body":"缺了右括號"
{"id":"bad-3","title":"第三條","body":"後一行的好文件珊瑚礁"}
EOF
begin "malformed .jsonl line: exit 1, 'FILE:2:' on stderr, lines 1 and 3 indexed"
run "$IDX" -i "$T/bad" "$T/bad.jsonl"
check_exit 1
check_contains err "$T/bad.jsonl:2: "
check_not_contains err "$T/bad.jsonl:1:"
check_not_contains err "$T/bad.jsonl:3:"
check_contains err "gongwen-index: 2 added, 0 replaced, 0 unchanged, 0 deleted, 1 rejected in "
finds "$T/bad" 鸚鵡螺 bad-1
finds "$T/bad" 珊瑚礁 bad-3
finds_nothing "$T/bad" 缺了右括號
end_check

# --- invalid UTF-8 in a body ----------------------------------------------------

# Title line "標題\n"; in the body, 前面的文字 is 15 bytes, then 0xFF 0xFE.
printf '標題\n前面的文字\377\376後面的文字甲殼蟲\n' >"$T/utf8.txt"
begin "invalid UTF-8 in a body: warning naming byte 15, exit 0, indexed"
run "$IDX" -i "$T/u" "$T/utf8.txt"
check_exit 0
check_contains err "warning"
check_contains err "invalid UTF-8"
check_contains err "byte 15"
check_contains err "gongwen-index: 1 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
finds "$T/u" 甲殼蟲 "$T/utf8.txt"
finds "$T/u" 后面的文字 "$T/utf8.txt"
end_check

# --- JSON Lines on stdin ----------------------------------------------------------

printf '%s\n' '{"id":"stdin-1","title":"標準輸入","body":"從標準輸入讀到的文件蜂鳥"}' \
	'{"id":"stdin-2","title":"标准输入","body":"第二个文件蝴蝶"}' >"$T/in.jsonl"
begin "'-' reads JSON Lines from stdin"
run_in "$T/in.jsonl" "$IDX" -i "$T/s" -
check_exit 0
check_contains err "gongwen-index: 2 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
finds "$T/s" 蜂鳥 stdin-1
finds "$T/s" 蝴蝶 stdin-2
end_check

printf '%s\n' '{"id":"stdin-3","body":"好的"}' '{"id":' >"$T/in-bad.jsonl"
begin "'-' with a malformed line: exit 1, '<stdin>:2:' on stderr"
run_in "$T/in-bad.jsonl" "$IDX" -i "$T/s" -
check_exit 1
check_contains err "<stdin>:2: "
end_check

# --- an index that cannot be created ------------------------------------------------

begin "impossible index path /proc/gongwen-x: exit 2, one line on stderr"
run "$IDX" -i /proc/gongwen-x corpus/
check_exit 2
check_lines err 1
check_contains err "/proc/gongwen-x"
end_check

: >"$T/regular"
begin "index path under a regular file: exit 2, one line on stderr"
run "$IDX" -i "$T/regular/idx" corpus/
check_exit 2
check_lines err 1
check_contains err "$T/regular/idx"
end_check

# --- an unsupported extension given explicitly -------------------------------------

printf '# 說明\n不要索引這個文件\n' >"$T/notes.md"
printf '%s\n' '{"id":"ok-1","body":"和它一起給出的文件孔雀"}' >"$T/ok.jsonl"
begin "unsupported extension named explicitly: reported, exit 1, others indexed"
run "$IDX" -i "$T/ext" "$T/notes.md" "$T/ok.jsonl"
check_exit 1
check_contains err "$T/notes.md"
check_contains err "unsupported"
check_contains err "gongwen-index: 1 added, 0 replaced, 0 unchanged, 0 deleted, 1 rejected in "
finds "$T/ext" 孔雀 ok-1
finds_nothing "$T/ext" 不要索引
end_check

# --- replacing a document by id ------------------------------------------------------

printf '%s\n' '{"id":"X","title":"舊版","body":"舊的內容甲乙丙"}' >"$T/x1.jsonl"
printf '%s\n' '{"id":"X","title":"新版","body":"新的內容丁戊己"}' >"$T/x2.jsonl"
begin "a document with the same id replaces the old one"
run "$IDX" -i "$T/x" "$T/x1.jsonl"
check_exit 0
run "$IDX" -i "$T/x" "$T/x2.jsonl"
check_exit 0
check_contains err "gongwen-index: 0 added, 1 replaced, 0 unchanged, 0 deleted, 0 rejected in "
finds_nothing "$T/x" 甲乙丙
finds_nothing "$T/x" 舊版
finds "$T/x" 丁戊己 X
run "$SRCH" -i "$T/x" 內容
check_exit 0
check_contains out "1 of 1 matching document"
end_check

# --- a 1 MiB initial map that must grow --------------------------------------------

begin "GONGWEN_MAPSIZE=1048576: corpus/ indexes with exit 0, same results"
run env GONGWEN_MAPSIZE=1048576 "$IDX" -i "$T/m" corpus/
check_exit 0
check_contains err "gongwen-index: $NDOCS added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
fingerprint "$T/m" "$T/fp.map"
cmd="gongwen-search -n 1000 --json Q for Q in $QUERIES"
cmp -s "$T/fp.fresh" "$T/fp.map" ||
	fails "the same output as a normal build" \
		"$(diff "$T/fp.fresh" "$T/fp.map" | head -c 1500 | sed '1!s/^/          /')"
end_check

if [ -r "$ZH" ] && command -v xz >/dev/null 2>&1; then
	begin "GONGWEN_MAPSIZE=1048576: zh-docs.jsonl (9930 documents) indexes with exit 0"
	if xz -dc "$ZH" >"$T/zh.jsonl"; then
		run env GONGWEN_MAPSIZE=1048576 "$IDX" -i "$T/zh" "$T/zh.jsonl"
		check_exit 0
		check_contains err "gongwen-index: 9930 added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
		_size=$(wc -c 2>/dev/null <"$T/zh/data.mdb" || echo 0)
		[ $((_size + 0)) -gt 1048576 ] ||
			fails "data.mdb larger than the 1 MiB initial map" "$((_size + 0)) bytes"
		finds "$T/zh" 伺服器效能測試工具 man/zh_TW/ab.1
		finds "$T/zh" 伺服器效能测试工具 man/zh_TW/ab.1
	else
		cmd="xz -dc $ZH"
		fails "decompressed" "xz failed"
	fi
	rm -f "$T/zh.jsonl"
	rm -rf "$T/zh"
	end_check
else
	printf 'SKIP %s: zh-docs.jsonl with GONGWEN_MAPSIZE=1048576 (%s or xz absent)\n' \
		"$NAME" "$ZH"
fi

# --- GONGWEN_INDEX -----------------------------------------------------------------

mkdir -p "$T/home" "$T/xdg"
begin "GONGWEN_INDEX is the index of both programs when -i is absent"
run env HOME="$T/home" XDG_DATA_HOME="$T/xdg" GONGWEN_INDEX="$T/g" "$IDX" corpus/
check_exit 0
check_contains err "gongwen-index: $NDOCS added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in "
check_true "$T/g/data.mdb exists" test -f "$T/g/data.mdb"
check_true "nothing written under \$XDG_DATA_HOME" test ! -e "$T/xdg/gongwen"
check_true "nothing written under \$HOME" test ! -e "$T/home/.local"
run env HOME="$T/home" XDG_DATA_HOME="$T/xdg" GONGWEN_INDEX="$T/g" "$SRCH" --json 螢幕
check_exit 0
check_contains out '"id":"rec-2021-001"'
run env HOME="$T/home" XDG_DATA_HOME="$T/xdg" GONGWEN_INDEX="$T/nowhere" "$SRCH" 螢幕
check_exit 2
check_contains err "$T/nowhere"
end_check

# --- progress on a terminal only ------------------------------------------------

begin "a progress line on a terminal, none when stderr is not one or with -q; the summary always"
python3 -c 'import sys
for i in range(3000):
    print("{\"id\": \"p%d\", \"title\": \"t\", \"body\": \"%s\"}" % (i, "进度测试文本 " * 40))' >"$T/p.jsonl"
run "$IDX" -i "$T/p1" "$T/p.jsonl"
check_not_contains err "indexing:"
if have script; then
	script -qc "$IDX -i $T/p2 $T/p.jsonl" /dev/null >"$T/tty.out" 2>&1 </dev/null
	grep -q "indexing: .* of 3000 documents" "$T/tty.out" ||
		fails "a progress line under a pseudo-terminal" "$(show "$T/tty.out")"
	grep -q "gongwen-index: 3000 added" "$T/tty.out" || fails "the summary after it" "$(show "$T/tty.out")"
	script -qc "$IDX -q -i $T/p3 $T/p.jsonl" /dev/null >"$T/tty.q" 2>&1 </dev/null
	! grep -q "indexing:" "$T/tty.q" || fails "no progress with -q" "$(show "$T/tty.q")"
	grep -q "gongwen-index: 3000 added" "$T/tty.q" || fails "the summary even with -q" "$(show "$T/tty.q")"
fi
end_check

[ "$nfail" -eq 0 ]
