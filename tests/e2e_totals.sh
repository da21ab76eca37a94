#!/bin/sh
# e2e_totals: a search that stops counting past --total N ranks exactly as
# one that counts every match. Indexes ../shared/corpus/zh-docs.jsonl.xz
# (9,930 documents) and runs the bench's 800 queries (known, mixed, latin)
# through tests/totals_cmp (the same hits, in the same order, scores equal
# to the last bit; totals exact, or N when they say "at least"), then
# checks what gongwen-search and its --json print of a bounded total.
# One line per check: "PASS e2e_totals: what" or "FAIL e2e_totals: what"
# with indented details. Exit status 0 if every check passed, 1 otherwise.
set -u -f
NAME=e2e_totals
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ZH=../shared/corpus/zh-docs.jsonl.xz
QS=../shared/bench/queries
CMP=$B/tests/totals_cmp

if [ ! -r "$ZH" ] || [ ! -r "$QS/known.tsv" ] || ! command -v xz >/dev/null 2>&1; then
	skip_check "bounded totals on zh-docs" "$ZH, $QS or xz absent"
	exit 0
fi
if [ ! -x "$CMP" ]; then
	printf 'FAIL %s: %s exists\n    expected: the helper (make %s)\n' "$NAME" "$CMP" "$CMP"
	exit 1
fi
xz -dc "$ZH" >"$T/zh.jsonl" && "$IDX" -q -i "$T/ix" "$T/zh.jsonl" 2>"$T/idx.err" ||
	{ printf 'FAIL %s: zh-docs indexes\n    got: %s\n' "$NAME" "$(head -3 "$T/idx.err")"; exit 1; }
rm -f "$T/zh.jsonl"
for s in known mixed latin; do tail -n +2 "$QS/$s.tsv" | cut -f3; done >"$T/q.txt"
IX=$T/ix

# cmp_check TOTAL_MAX LIMIT OFFSET: totals_cmp agrees on every query, and
# at least one total was a lower bound (so the check could fail).
cmp_check() {
	begin "--total $1, -n $2, --offset $3: the hits of all 800 bench queries as with --total exact"
	run_in "$T/q.txt" "$CMP" "$IX" "$1" "$2" "$3"
	check_exit 0
	check_contains out "queries 800 "
	check_contains out " mismatches 0"
	grep -q ' bounded [1-9]' "$T/out" || fails "some totals bounded" "$(show "$T/out")"
	[ "$rc" -eq 0 ] || fails "no mismatch" "$(show "$T/err")"
	end_check
}
cmp_check 1 10 0
cmp_check 100 100 0
cmp_check 50 20 30

begin "--total 5: the text output says 5+ and --json says total_relation gte"
run "$SRCH" -i "$IX" --total 5 -n 3 '使用 命令'
check_exit 0
check_contains out "3 of 5+ matching documents"
run "$SRCH" -i "$IX" --total=5 -n 3 --json --no-snippet '使用 命令'
check_py "summary total 5, total_relation gte" '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
assert s["type"] == "summary" and s["total"] == 5 and s["total_relation"] == "gte", s'
end_check

begin "--total exact and the default count every match: total_relation eq, the same total as --count"
run "$SRCH" -i "$IX" --count '使用 命令'
n=$(cat "$T/out")
run "$SRCH" -i "$IX" --total exact -n 3 --json --no-snippet '使用 命令'
check_py "total $n, eq" '
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
assert s["total"] == int(sys.argv[2]) and s["total_relation"] == "eq", s' "$n"
run "$SRCH" -i "$IX" -n 3 '使用 命令'
check_contains out "3 of $n matching documents"
[ "$n" -gt 5 ] 2>/dev/null || fails "more than 5 matches" "$n"
end_check

begin "--count and --batch --count stay exact whatever --total says"
run "$SRCH" -i "$IX" --total 5 --count '使用 命令'
check_exit 0
[ "$(cat "$T/out")" = "$n" ] || fails "$n" "$(show "$T/out")"
printf '使用 命令\n' >"$T/one"
run_in "$T/one" "$SRCH" -i "$IX" --total 5 --batch --count
[ "$(cat "$T/out")" = "$n" ] || fails "$n" "$(show "$T/out")"
run_in "$T/one" "$SRCH" -i "$IX" --total 5 --batch --json
check_py "batch --json (10 hits): at least 10, gte" '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert o["total"] == 10 and o["total_relation"] == "gte" and len(o["hits"]) == 10, o'
end_check

begin "--total 0 and --total x are refused with exit 2"
run "$SRCH" -i "$IX" --total 0 '使用'
check_exit 2
check_contains err "bad --total"
run "$SRCH" -i "$IX" --total x '使用'
check_exit 2
end_check

[ "$nfail" -eq 0 ]
