#!/bin/sh
# e2e_scripts: end-to-end tests of gongwen-search as used from scripts:
# the versioned --json shapes and the summary line, --batch --json, --count,
# --offset paging, --fields, --format tsv, and a closed stdout (| head -1)
# ending the output quietly. Indexes corpus/ (and a generated corpus of
# 3,000 notices, for output larger than a pipe holds) with the real
# binaries of $GW_BUILD (default build). One line per check: "PASS
# e2e_scripts: what" or "FAIL e2e_scripts: what" followed by indented
# details. Exit status 0 if every check passed, 1 otherwise.
set -u -f
NAME=e2e_scripts
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
TAB=$(printf '\t')

# check_py DESCRIPTION SCRIPT ARGS...: the python3 SCRIPT, run on $T/out
# (sys.argv[1]) and ARGS, exits 0; what it prints is the "got".
check_py() {
	_d=$1
	_s=$2
	shift 2
	python3 -c "$_s" "$T/out" "$@" >"$T/py" 2>&1 || fails "$_d" "$(show "$T/py")"
}

# check_out TEXT: stdout is exactly TEXT (one line).
check_out() {
	_got=$(cat "$T/out")
	[ "$_got" = "$1" ] || fails "stdout '$1'" "$(show "$T/out")"
}

IX=$T/index
begin "index corpus/ for the script tests"
run "$IDX" -q -i "$IX" corpus/
check_exit 0
end_check
if [ -n "$why" ]; then
	exit 1
fi

# --- --count -------------------------------------------------------------------

run "$SRCH" -i "$IX" --count 众创空间
COUNT=$(cat "$T/out")

begin "--count 众创空间: one number, exit 0, the same for 眾創空間"
case $COUNT in
'' | *[!0-9]*) fails "a number" "$(show "$T/out")" ;;
0) fails "a number above 0" "0" ;;
esac
check_exit 0
check_lines out 1
check_lines err 0
run "$SRCH" -i "$IX" --count 眾創空間
check_out "$COUNT"
end_check

begin "--count with no hit: 0, exit 1"
run "$SRCH" -i "$IX" --count 不存在的詞語組合
check_exit 1
check_out 0
check_lines err 0
end_check

begin "--count honours --type: notices + records = all"
run "$SRCH" -i "$IX" --count --type notice 众创空间
_notices=$(cat "$T/out")
run "$SRCH" -i "$IX" --count --type record 众创空间
_records=$(cat "$T/out")
[ "$((_notices + _records))" -eq "$COUNT" ] ||
	fails "$COUNT in all" "$_notices notices + $_records records"
end_check

begin "--count honours --after: a date after every notice gives 0, exit 1"
run "$SRCH" -i "$IX" --count --after 2100 众创空间
check_exit 1
check_out 0
end_check

begin "--count with --json is a usage error (exit 2, one line on stderr)"
run "$SRCH" -i "$IX" --count --json 众创空间
check_exit 2
check_lines err 1
check_lines out 0
end_check

# --- --json ---------------------------------------------------------------------

# Python: the --json output in argv[1] has hit lines starting with "v":1,
# then one summary line whose total is argv[2] and query argv[3].
JSON_SHAPE='
import json, os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
total, query = int(sys.argv[2]), os.fsencode(sys.argv[3]).decode("utf-8")
if not lines:
    sys.exit("no output")
objs = []
for n, line in enumerate(lines, 1):
    if not line.startswith("{\"v\":1,"):
        sys.exit("line %d does not start with {\"v\":1,: %s" % (n, line[:80]))
    objs.append(json.loads(line))
hits = [o for o in objs if o.get("type") not in ("summary", "facet")]
s = objs[-1]
if s.get("type") != "summary":
    sys.exit("last line is not the summary: %r" % s)
if [o for o in objs[:-1] if o.get("type") == "summary"]:
    sys.exit("more than one summary line")
want = {"v": 1, "type": "summary", "query": query, "total": total,
        "returned": len(hits), "offset": 0}
for k, v in want.items():
    if s.get(k) != v:
        sys.exit("summary %s is %r, not %r: %r" % (k, s.get(k), v, s))
if not isinstance(s.get("time_ms"), (int, float)) or s["time_ms"] < 0:
    sys.exit("summary time_ms is not a number >= 0: %r" % s)
for h in hits:
    if not h.get("id") or "fields" not in h or "matches" not in h:
        sys.exit("a hit without id, fields or matches: %r" % h)
'

begin "--json: every line starts with \"v\":1, the summary line is last, total = --count"
run "$SRCH" -i "$IX" -n 1000 --json 众创空间
check_exit 0
check_lines err 0
check_py "hit lines then one summary line as described" "$JSON_SHAPE" "$COUNT" 众创空间
end_check

begin "--json -n 1: one hit line and the summary (returned 1, total $COUNT)"
run "$SRCH" -i "$IX" -n 1 --json 眾創空間
check_exit 0
check_lines out 2
check_contains out "\"returned\":1,"
check_contains out "\"total\":$COUNT,"
end_check

begin "--json with no hit: only the summary line, total 0, exit 1"
run "$SRCH" -i "$IX" --json 不存在的詞語組合
check_exit 1
check_lines out 1
check_lines err 0
check_py "the summary line" "$JSON_SHAPE" 0 不存在的詞語組合
end_check

begin "--json --facet source: the facet line has \"v\":1 and comes before the summary"
run "$SRCH" -i "$IX" --json --facet source 众创空间
check_exit 0
check_py "facet line second to last" '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
f = json.loads(lines[-2])
if f.get("v") != 1 or f.get("type") != "facet" or not isinstance(f.get("counts"), dict):
    sys.exit("not a facet line: %r" % f)
'
end_check

# --- --format json / tsv / text -------------------------------------------------------

begin "--format json is --json (the same lines but the time)"
run "$SRCH" -i "$IX" -n 1000 --json 众创空间
sed 's/"time_ms":[0-9.]*/T/' "$T/out" >"$T/json1"
run "$SRCH" -i "$IX" -n 1000 --format json 众创空间
check_exit 0
sed 's/"time_ms":[0-9.]*/T/' "$T/out" >"$T/json2"
cmp -s "$T/json1" "$T/json2" || fails "the same output" "$(diff "$T/json1" "$T/json2" | head -n 4)"
end_check

# The ids of the unpaged list, in order (from --json).
"$SRCH" -i "$IX" -n 1000 --json 众创空间 >"$T/json1" 2>/dev/null
python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l)
    if "id" in o:
        print(o["id"])
' "$T/json1" >"$T/ids"
ID1=$(sed -n 1p "$T/ids")
ID2=$(sed -n 2p "$T/ids")

begin "--format tsv: '#rank<TAB>id<TAB>score<TAB>title' header, one line per hit"
run "$SRCH" -i "$IX" -n 1000 --format tsv 众创空间
check_exit 0
check_lines err 0
_head=$(sed -n 1p "$T/out")
[ "$_head" = "#rank${TAB}id${TAB}score${TAB}title" ] || fails "the header line" "$_head"
check_lines out $((COUNT + 1))
_bad=$(awk -F "$TAB" 'NR > 1 && (NF != 4 || $1 != NR - 1 || $3 !~ /^[0-9]+\.[0-9]+$/)' "$T/out")
[ -z "$_bad" ] || fails "4 columns: rank 1.., id, score, title" "$_bad"
_ids=$(awk -F "$TAB" 'NR > 1 { print $2 }' "$T/out")
[ "$_ids" = "$(cat "$T/ids")" ] || fails "the ids of --json, in order" "$_ids"
check_contains out "1${TAB}${ID1}${TAB}"
end_check

begin "--format tsv --fields title,body,source: 6 columns, line breaks in body flattened"
run "$SRCH" -i "$IX" -n 1000 --format tsv --fields title,body,source 众创空间
check_exit 0
_head=$(sed -n 1p "$T/out")
[ "$_head" = "#rank${TAB}id${TAB}score${TAB}title${TAB}body${TAB}source" ] || fails "the header line" "$_head"
check_lines out $((COUNT + 1))
_bad=$(awk -F "$TAB" 'NR > 1 && NF != 6' "$T/out")
[ -z "$_bad" ] || fails "6 columns on every line" "$_bad"
check_contains out "江苏省科学技术厅"
end_check

begin "--format xml is a usage error"
run "$SRCH" -i "$IX" --format xml 众创空间
check_exit 2
check_lines err 1
end_check

# --- --offset ----------------------------------------------------------------------

begin "--offset 1 -n 1 gives the second hit of the unpaged list ($ID2)"
run "$SRCH" -i "$IX" --offset 1 -n 1 --json 众创空间
check_exit 0
check_lines out 2
_first=$(head -n 1 "$T/out")
case $_first in
"{\"v\":1,\"id\":\"$ID2\","*) ;;
*) fails "first line the hit $ID2" "$(show "$T/out")" ;;
esac
check_contains out "\"offset\":1,"
run "$SRCH" -i "$IX" --offset 1 -n 1 --format tsv 众创空间
check_contains out "2${TAB}${ID2}${TAB}"
check_lines out 2
run "$SRCH" -i "$IX" --offset 1 -n 1 众创空间
check_contains out "2. $ID2  ("
end_check

begin "--offset past the end: no hit lines, exit 0 (documents match)"
run "$SRCH" -i "$IX" --offset 1000 --json 众创空间
check_exit 0
check_lines out 1
check_contains out "\"returned\":0,"
end_check

# --- --fields ----------------------------------------------------------------------

begin "--fields source: text output gets a 'source: ...' line"
run "$SRCH" -i "$IX" -n 1000 --fields source 众创空间 江苏
check_exit 0
check_contains out "   source: 江苏省科学技术厅"
end_check

begin "--fields title,source restricts \"fields\" in --json"
run "$SRCH" -i "$IX" -n 1000 --json --fields title,source 众创空间
check_exit 0
check_py "fields keys within title, source; both seen" '
import json, sys
seen = set()
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l)
    if "id" not in o:
        continue
    keys = set(o["fields"])
    if not keys <= {"title", "source"}:
        sys.exit("fields of %s: %r" % (o["id"], sorted(keys)))
    seen |= keys
if seen != {"title", "source"}:
    sys.exit("only these keys seen: %r" % sorted(seen))
'
end_check

begin "--fields with an empty name is a usage error"
run "$SRCH" -i "$IX" --fields title,,body 众创空间
check_exit 2
check_lines err 1
end_check

# --- --batch --json -----------------------------------------------------------------

printf '%s\n' 众创空间 ，。 不存在的詞語組合 >"$T/queries"
begin "--batch --json: one object per query; an error object for ，。"
run_in "$T/queries" "$SRCH" -i "$IX" -n 1000 --batch --json
check_exit 0
check_lines out 3
check_lines err 1
check_py "3 objects as described" '
import json, sys
total, ids = int(sys.argv[2]), open(sys.argv[3], encoding="utf-8").read().split()
o = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
q = ["众创空间", "，。", "不存在的詞語組合"]
for i in range(3):
    if o[i].get("v") != 1 or o[i].get("query") != q[i]:
        sys.exit("line %d: v or query wrong: %r" % (i + 1, o[i]))
a = o[0]
if a.get("total") != total or not isinstance(a.get("time_ms"), (int, float)):
    sys.exit("line 1: total %r (want %d) or time_ms %r" % (a.get("total"), total, a.get("time_ms")))
if [h["id"] for h in a["hits"]] != ids:
    sys.exit("line 1: ids %r, not those of --json %r" % ([h["id"] for h in a["hits"]], ids))
if any("v" in h or "snippet" not in h for h in a["hits"]):
    sys.exit("line 1: a hit with its own v or without a snippet")
if not isinstance(o[1].get("error"), str) or not o[1]["error"] or "hits" in o[1]:
    sys.exit("line 2: not an error object: %r" % o[1])
if o[2].get("total") != 0 or o[2].get("hits") != []:
    sys.exit("line 3: not empty: %r" % o[2])
' "$COUNT" "$T/ids"
end_check

begin "plain --batch keeps its protocol: tab-separated ids, an empty line for ，。"
run_in "$T/queries" "$SRCH" -i "$IX" -n 1000 --batch
check_exit 0
check_lines out 3
_l1=$(sed -n 1p "$T/out")
[ "$_l1" = "$(paste -s "$T/ids")" ] || fails "the ids of --json, tab-separated" "$_l1"
[ -z "$(sed -n 2p "$T/out")" ] || fails "line 2 empty" "$(sed -n 2p "$T/out")"
end_check

begin "--batch --count: one number per query"
run_in "$T/queries" "$SRCH" -i "$IX" --batch --count
check_exit 0
_got=$(paste -s -d , "$T/out")
[ "$_got" = "$COUNT,,0" ] || fails "$COUNT,,0" "$_got"
end_check

# --- a closed stdout -------------------------------------------------------------------

# 3,000 notices that all contain 众创空间: more output than a pipe holds.
python3 -c '
import json
for i in range(3000):
    print(json.dumps({"id": "big-%d" % i, "title": "关于众创空间的通知 %d" % i,
                      "body": "为推进众创空间建设，现将有关事项通知如下。" * 5}, ensure_ascii=False))
' >"$T/big.jsonl"
"$IDX" -q -i "$T/big" "$T/big.jsonl" >/dev/null 2>&1
for i in $(seq 3000); do echo 众创空间; done >"$T/many"

# head1 ARGS...: gongwen-search -i big ARGS (stdin $T/many) | head -1;
# stdout in $T/out, stderr in $T/err, the search's exit status in $rc.
head1() {
	cmd="gongwen-search $* | head -1"
	{
		"$SRCH" -i "$T/big" "$@" <"$T/many" 2>"$T/err"
		echo $? >"$T/rc"
	} | head -n 1 >"$T/out"
	rc=$(cat "$T/rc")
}

for args in "-n 3000" "-n 3000 --json" "-n 3000 --format tsv" "--batch" "--batch --json"; do
	begin "gongwen-search $args | head -1: one line, nothing on stderr, exit 0"
	# shellcheck disable=SC2086 # args are words
	set -- $args
	case $1 in --batch) ;; *) set -- "$@" 众创空间 ;; esac
	head1 "$@"
	check_exit 0
	check_lines out 1
	check_lines err 0
	end_check
done

[ "$nfail" -eq 0 ]
