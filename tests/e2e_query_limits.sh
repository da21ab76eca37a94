#!/bin/sh
# e2e_query_limits: gongwen-search on queries of many parts, long phrases
# and deep nesting (issue 15): answered as their small equivalents up to
# the limits of lib/base/gw_limits.h, refused past them (exit 2, one line
# on stderr naming the limit), never a signal; --batch writes the refused
# query's error and goes on. Indexes corpus/ and a generated document that
# holds 1,000 distinct words. One line per check: "PASS e2e_query_limits:
# what" or "FAIL e2e_query_limits: what" and details. Exit status 0 if
# every check passed, 1 otherwise.
set -u -f
NAME=e2e_query_limits
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

# rep WORD N SEP: WORD N times, separated by SEP.
rep() {
	python3 -c 'import sys; print(sys.argv[3].join([sys.argv[1]] * int(sys.argv[2])))' "$1" "$2" "$3"
}

# nest N WORD: WORD inside N pairs of parentheses.
nest() {
	python3 -c 'import sys; n = int(sys.argv[1]); print("(" * n + sys.argv[2] + ")" * n)' "$1" "$2"
}

# ids IX QUERY: the sorted ids of every hit, one a line, into $T/ids (the
# exit status in $rc).
ids() {
	printf '%s\n' "$2" >"$T/q1"
	run_in "$T/q1" "$SRCH" -i "$1" -n 100000 --batch
	tr '\t' '\n' <"$T/out" | sed '/^$/d' | sort >"$T/ids"
}

# check_signal: the last command was not killed by a signal.
check_signal() {
	[ "$rc" -lt 128 ] || fails "no signal" "exit status $rc"
}

# check_refused LIMIT: exit 2, nothing on stdout, one stderr line naming LIMIT.
check_refused() {
	check_signal
	check_exit 2
	check_lines out 0
	check_lines err 1
	check_contains err "($1)"
	check_contains err "gongwen-search: query "
}

# --- the indexes ------------------------------------------------------------

IX=$T/index
GEN=$T/gen
python3 - "$T/gen.jsonl" <<'PY'
import json, sys
def lat(i):
    return "zq" + chr(97 + i // 676 % 26) + chr(97 + i // 26 % 26) + chr(97 + i % 26)
def han(i):
    return chr(0x5000 + 2 * i) + chr(0x5001 + 2 * i)
docs = [
    {"id": "all", "title": "all the words", "body": "，".join(lat(i) + " " + han(i) for i in range(1000))},
    {"id": "run", "title": "one long run", "body": "".join(chr(0x4E00 + i) for i in range(300))},
    {"id": "long", "title": "a long word", "body": "p" * 600},
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(sys.argv[1] + ".lat", "w") as f:
    f.write("\n".join(lat(i) for i in range(1000)) + "\n")
with open(sys.argv[1] + ".han", "w", encoding="utf-8") as f:
    f.write("\n".join(han(i) for i in range(1000)) + "\n")
PY
begin "index corpus/ and a document of 1,000 distinct words"
run "$IDX" -q -i "$IX" corpus/
check_exit 0
run "$IDX" -q -i "$GEN" "$T/gen.jsonl"
check_exit 0
end_check
if [ -n "$why" ]; then
	exit 1
fi

# --- as many parts as wanted ------------------------------------------------

ids "$IX" 科技
cp "$T/ids" "$T/ids_kj"
begin "科技 alone finds several documents (the reference)"
check_exit 0
[ "$(wc -l <"$T/ids_kj")" -ge 2 ] || fails "2 ids or more" "$(show "$T/ids_kj")"
end_check

for n in 65 70 200 1000; do
	begin "科技 typed $n times: exit 0, the ids of 科技 alone"
	ids "$IX" "$(rep 科技 $n ' ')"
	check_signal
	check_exit 0
	cmp -s "$T/ids" "$T/ids_kj" || fails "the ids of 科技: $(show "$T/ids_kj")" "$(show "$T/ids")"
	end_check
done

for n in 10 40 1000; do
	begin "$n distinct words the document all holds (Latin, Han, both): all"
	for f in lat han; do
		ids "$GEN" "$(head -n $n "$T/gen.jsonl.$f" | tr '\n' ' ')"
		check_signal
		check_exit 0
		[ "$(cat "$T/ids")" = all ] || fails "all" "$(show "$T/ids")"
	done
	ids "$GEN" "$(paste -d ' ' "$T/gen.jsonl.lat" "$T/gen.jsonl.han" | head -n $((n / 2)) | tr '\n' ' ')"
	check_exit 0
	[ "$(cat "$T/ids")" = all ] || fails "all" "$(show "$T/ids")"
	end_check
done

# --- long phrases -----------------------------------------------------------

begin "a 70-character Han phrase: found; its last four characters changed: no hit"
run "$SRCH" -i "$GEN" --count "$(python3 -c 'print("".join(chr(0x4E00 + i) for i in range(70)))')"
check_exit 0
check_contains out 1
run "$SRCH" -i "$GEN" --count "$(python3 -c 'print("".join(chr(0x4E00 + i) for i in range(66)) + "一二三四")')"
check_signal
check_exit 1
check_contains out 0
run "$SRCH" -i "$GEN" --count "$(python3 -c 'print("".join(chr(0x4E00 + i) for i in list(range(66)) + [250, 251, 252, 253]))')"
check_exit 1
end_check

# --- nesting ----------------------------------------------------------------

begin "科技 in 100 nested groups: the ids of 科技 alone"
ids "$IX" "$(nest 100 科技)"
check_signal
check_exit 0
cmp -s "$T/ids" "$T/ids_kj" || fails "the ids of 科技: $(show "$T/ids_kj")" "$(show "$T/ids")"
end_check

begin "2,000 nested groups: refused, exit 2, naming GW_QUERY_DEPTH_MAX"
run "$SRCH" -i "$IX" "$(nest 2000 科技)"
check_refused GW_QUERY_DEPTH_MAX
check_contains err "the limit is 256 (GW_QUERY_DEPTH_MAX)"
end_check

# --- past the limits ----------------------------------------------------------

begin "5,000 parts: refused, exit 2, naming GW_QUERY_PARTS_MAX"
run "$SRCH" -i "$IX" "$(rep 科技 5000 ' ')"
check_refused GW_QUERY_PARTS_MAX
check_contains err "gongwen-search: query has 5000 parts; the limit is 4096 (GW_QUERY_PARTS_MAX)"
end_check

begin "4,096 parts (the limit): answered"
ids "$IX" "$(rep 科技 4096 ' ')"
check_exit 0
cmp -s "$T/ids" "$T/ids_kj" || fails "the ids of 科技: $(show "$T/ids_kj")" "$(show "$T/ids")"
end_check

begin "70,000 bytes: refused, exit 2, naming GW_QUERY_BYTES_MAX"
run "$SRCH" -i "$IX" "$(rep a 70000 '')"
check_refused GW_QUERY_BYTES_MAX
check_contains err "query has 70000 bytes; the limit is 65536 (GW_QUERY_BYTES_MAX)"
end_check

begin "--count and --json refuse the same way"
run "$SRCH" -i "$IX" --count "$(rep 科技 5000 ' ')"
check_refused GW_QUERY_PARTS_MAX
run "$SRCH" -i "$IX" --json "$(nest 2000 科技)"
check_refused GW_QUERY_DEPTH_MAX
end_check

# --- --batch goes on ----------------------------------------------------------

{
	echo 科技
	rep 科技 5000 ' '
	nest 2000 科技
	rep a 70000 ''
	echo 众创空间
} >"$T/batch"

begin "--batch: refused queries get an empty line and a message, the batch goes on"
run_in "$T/batch" "$SRCH" -i "$IX" --batch
check_signal
check_exit 0
check_lines out 5
check_lines err 3
check_contains err "gongwen-search: <stdin>:2: query has 5000 parts; the limit is 4096 (GW_QUERY_PARTS_MAX)"
check_contains err "gongwen-search: <stdin>:3: query nests more than 256 levels"
check_contains err "gongwen-search: <stdin>:4: query has 70000 bytes; the limit is 65536 (GW_QUERY_BYTES_MAX)"
[ -n "$(sed -n 1p "$T/out")" ] || fails "line 1 with ids" "(empty)"
[ -z "$(sed -n 2,4p "$T/out" | tr -d '\n')" ] || fails "lines 2 to 4 empty" "$(show "$T/out")"
[ -n "$(sed -n 5p "$T/out")" ] || fails "line 5 (众创空间) with ids" "(empty)"
end_check

begin "--batch --json: the error object names the limit, the next query is answered"
run_in "$T/batch" "$SRCH" -i "$IX" --batch --json -n 2
check_exit 0
check_lines out 5
check_py "5 JSON objects: hits, 3 errors naming their limits, hits" '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(lines) == 5, len(lines)
assert lines[0]["total"] > 0 and lines[0]["hits"], lines[0]
for o, lim in zip(lines[1:4], ["GW_QUERY_PARTS_MAX", "GW_QUERY_DEPTH_MAX", "GW_QUERY_BYTES_MAX"]):
    assert o["v"] == 1 and lim in o["error"] and "hits" not in o, str(o)[:300]
assert lines[4]["query"] == "众创空间" and lines[4]["hits"], lines[4]
'
end_check

begin "--batch --count: an empty line for each refused query"
run_in "$T/batch" "$SRCH" -i "$IX" --batch --count
check_exit 0
check_lines out 5
[ -z "$(sed -n 2,4p "$T/out" | tr -d '\n')" ] || fails "lines 2 to 4 empty" "$(show "$T/out")"
[ "$(sed -n 1p "$T/out")" = "$(wc -l <"$T/ids_kj" | tr -d ' ')" ] ||
	fails "line 1: the number of ids of 科技" "$(sed -n 1p "$T/out")"
end_check

# --- long prefixes --------------------------------------------------------------

begin "word* of 500, 501 and 1,000 bytes: finds the 600-byte word (terms are cut at GW_TERM_MAX)"
for n in 499 500 501 1000; do
	ids "$GEN" "$(rep p $n '')*"
	check_exit 0
	[ "$(cat "$T/ids")" = long ] || fails "long ($n bytes)" "$(show "$T/ids")"
done
end_check

# --- messages ----------------------------------------------------------------

# What a message quotes (an index path, an option, a query) may hold control
# characters: they reach the terminal as \xNN, never raw (an ESC would move
# the cursor or clear the screen).
begin "messages quoting a path, an option or a query: control characters escaped"
esc=$(printf '\033[2J')
run "$SRCH" -i "$T/no${esc}dir" 科技
check_exit 2
check_contains err 'no\x1b[2Jdir'
run "$SRCH" -i "$IX" "--bogus${esc}"
check_exit 2
check_contains err '--bogus\x1b[2J'
run "$IDX" -i "$T/no${esc}dir" --check
check_exit 2
check_contains err 'no\x1b[2Jdir'
printf '(%s\n' "$esc" >"$T/batch_esc"
run_in "$T/batch_esc" "$SRCH" -i "$IX" --batch
check_exit 1
LC_ALL=C grep -q "$(printf '\033')" "$T/err" && fails "no ESC byte on stderr" "$(show "$T/err")"
check_contains err '<stdin>:1:'
end_check

[ "$nfail" -eq 0 ]
