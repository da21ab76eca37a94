#!/bin/sh
# e2e_search: end-to-end tests of gongwen-search. Indexes corpus/ with the
# real gongwen-index of $GW_BUILD (default build), then runs the real
# gongwen-search and checks exit statuses, stderr, which documents are
# found, the --json shape and offsets, highlighting, -n and --batch. One
# line per check: "PASS e2e_search: what" or "FAIL e2e_search: what"
# followed by indented details (command, expected, got). Exit status 0 if
# every check passed, 1 otherwise.
set -u -f
NAME=e2e_search
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ESC=$(printf '\033')
TAB=$(printf '\t')

# search_json QUERY: --json search of the corpus index, all hits.
search_json() {
	run "$SRCH" -i "$IX" -n 1000 --json -- "$@"
}

# check_id ID: the --json output in $T/out lists ID.
check_id() {
	check_contains out "\"id\":\"$1\""
}

# check_first_id ID: the first --json line in $T/out is the hit ID.
check_first_id() {
	_first=$(head -n 1 "$T/out")
	case $_first in
	"{\"v\":1,\"id\":\"$1\","*) ;;
	*) fails "first hit $1" "$(show "$T/out")" ;;
	esac
}

# Python: validates --json lines (sys.argv[1]); argv[2:] are the spellings
# a highlighted range may have (the query in Simplified and Traditional).
JSON_CHECK='
import json, os, sys
spell = {os.fsencode(a).decode("utf-8") for a in sys.argv[2:]}
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
if not lines:
    sys.exit("no output")
prev = None
seen = set()
for n, line in enumerate(lines, 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit("line %d: not JSON (%s): %s" % (n, e, line[:200]))
    if not isinstance(o, dict):
        sys.exit("line %d: not an object" % n)
    if o.get("v") != 1:
        sys.exit("line %d: no \"v\":1" % n)
    if o.get("type") in ("summary", "facet"):
        continue
    for k in ("id", "score", "title", "fields", "snippet", "matches"):
        if k not in o:
            sys.exit("line %d: no key %r" % (n, k))
    if not isinstance(o["id"], str) or not o["id"]:
        sys.exit("line %d: bad id %r" % (n, o["id"]))
    if o["id"] in seen:
        sys.exit("line %d: id %r listed twice" % (n, o["id"]))
    seen.add(o["id"])
    if not isinstance(o["score"], (int, float)) or isinstance(o["score"], bool):
        sys.exit("line %d: bad score %r" % (n, o["score"]))
    f = o["fields"]
    if o.get("type") not in ("notice", "record"):
        sys.exit("line %d: bad type %r" % (n, o.get("type")))
    if o["type"] == "record":
        # A record: a table row; its fields are the columns, and it names its notice.
        if not isinstance(f, dict) or not f or not isinstance(o.get("notice"), str):
            sys.exit("line %d: record without columns or notice: %r" % (n, o))
    elif not isinstance(f, dict) or not all(isinstance(f.get(k), str) for k in ("title", "body")):
        sys.exit("line %d: fields lacks string title and body: %r" % (n, sorted(f) if isinstance(f, dict) else f))
    elif o["title"] != f["title"]:
        sys.exit("line %d: title %r is not fields.title" % (n, o["title"]))
    sn = o["snippet"]
    if not isinstance(sn, str):
        sys.exit("line %d: snippet not a string" % n)
    b = sn.encode("utf-8")
    m = o["matches"]
    if not isinstance(m, list) or not m:
        sys.exit("line %d: matches not a non-empty list: %r" % (n, m))
    last = 0
    for p in m:
        if (not isinstance(p, list) or len(p) != 2 or
                not all(isinstance(x, int) and not isinstance(x, bool) for x in p)):
            sys.exit("line %d: match %r is not a [start,end] pair" % (n, p))
        s, e = p
        if not last <= s < e <= len(b):
            sys.exit("line %d: match %r out of order or outside the snippet (%d bytes)" % (n, p, len(b)))
        last = e
        try:
            t = b[s:e].decode("utf-8")
        except UnicodeDecodeError:
            sys.exit("line %d: match %r cuts a UTF-8 character: %r" % (n, p, b[s:e]))
        if t not in spell:
            sys.exit("line %d: snippet bytes %r are %r, not one of %s" % (n, p, t, sorted(spell)))
    if prev is not None and o["score"] > prev:
        sys.exit("line %d: score %r above the previous %r" % (n, o["score"], prev))
    prev = o["score"]
'

# --- the index -------------------------------------------------------------------

IX=$T/index
begin "index corpus/ for the search tests"
run "$IDX" -q -i "$IX" corpus/
check_exit 0
end_check
if [ -n "$why" ]; then
	exit 1
fi

# --- exit statuses ------------------------------------------------------------------

begin "exit 0 with hits, nothing on stderr"
run "$SRCH" -i "$IX" 眾創空間
check_exit 0
check_lines err 0
end_check

begin "exit 1 with no hits (不存在的詞語組合), nothing on stderr"
run "$SRCH" -i "$IX" 不存在的詞語組合
check_exit 1
check_lines err 0
check_contains out "0 of 0 matching documents"
run "$SRCH" -i "$IX" --json 不存在的詞語組合
check_exit 1
check_lines out 1
check_contains out '"type":"summary"'
check_lines err 0
end_check

begin "exit 2 and one line on stderr for a missing index directory"
run "$SRCH" -i "$T/no-such-index" 眾創空間
check_exit 2
check_lines err 1
check_contains err "$T/no-such-index"
[ ! -e "$T/no-such-index" ] || fails "the index directory not created" "it exists"
end_check

begin "exit 2 and one line on stderr for a query with nothing to search for (，。)"
run "$SRCH" -i "$IX" ，。
check_exit 2
check_lines err 1
check_lines out 0
end_check

begin "exit 2 and one line on stderr for an unknown option"
run "$SRCH" -i "$IX" --no-such-option 眾創空間
check_exit 2
check_lines err 1
check_contains err "--no-such-option"
check_lines out 0
end_check

# --- Simplified and Traditional ----------------------------------------------------

begin "众创空间 (Simplified) finds the Traditional notice"
search_json 众创空间
check_exit 0
check_id corpus/notice-2020-73.txt
end_check

begin "專業化眾創空間 (Traditional) finds the Simplified notice"
search_json 專業化眾創空間
check_exit 0
check_id corpus/notice-sc-2021-15.txt
end_check

begin "螢幕 finds the record with 螢幕 only"
search_json 螢幕
check_exit 0
check_id rec-2021-001
check_not_contains out '"id":"rec-2021-002"'
end_check

begin "萤 finds both the record with 螢幕 and the one with 萤火虫"
search_json 萤
check_exit 0
check_id rec-2021-001
check_id rec-2021-002
end_check

# --- document numbers ---------------------------------------------------------------

for q in '国科发区[2020]73号' '国科发区（2020）73号' '國科發區〔2020〕73號'; do
	begin "document number $q finds corpus/notice-2020-73.txt first"
	search_json "$q"
	check_exit 0
	check_first_id corpus/notice-2020-73.txt
	end_check
done

# --- exactness -----------------------------------------------------------------------

# 革推 spans the comma of "深化供給側結構性改革,推動科技型創新創業": each
# character occurs, the pair never does (革推 is the same in both scripts).
begin "革推, which occurs only across a comma, matches nothing"
cmd="grep -r 革推 corpus/"
if grep -rq 革推 corpus/; then
	fails "革推 nowhere adjacent in corpus/ (the premise of this check)" "found"
fi
cmd="grep -r 革,推 corpus/"
grep -rq '革,推' corpus/ || fails "革,推 in corpus/ (the premise of this check)" "absent"
search_json 革
check_exit 0
search_json 推
check_exit 0
search_json 革推
check_exit 1
check_not_contains out '"id":'
check_lines err 0
search_json '"革推"'
check_exit 1
check_lines err 0
end_check

# --- --json ---------------------------------------------------------------------------

for q in 众创空间:眾創空間 萤:螢 螢幕:萤幕 專業化眾創空間:专业化众创空间; do
	q1=${q%%:*}
	q2=${q#*:}
	begin "--json $q1: valid lines, keys, fields, matches on the query, scores non-increasing"
	search_json "$q1"
	check_exit 0
	check_py "every line valid as described" "$JSON_CHECK" "$q1" "$q2"
	end_check
done

# --- text output and colour ---------------------------------------------------------

begin "text output off a terminal: « » highlights, no ANSI escape"
run "$SRCH" -i "$IX" 众创空间
check_exit 0
check_contains out "«眾創空間»"
check_contains out "«众创空间»"
check_not_contains out "$ESC"
TOTAL=$("$SRCH" -i "$IX" --count 众创空间)
check_contains out "of $TOTAL matching documents"
end_check

begin "--color=always emits ESC[ sequences"
run "$SRCH" -i "$IX" --color=always 众创空间
check_exit 0
check_contains out "${ESC}["
check_not_contains out "«"
end_check

begin "--color=never emits no escape"
run "$SRCH" -i "$IX" --color=never 众创空间
check_exit 0
check_not_contains out "$ESC"
end_check

# --- -n ---------------------------------------------------------------------------------

begin "-n 1 prints exactly one hit"
run "$SRCH" -i "$IX" -n 1 众创空间
check_exit 0
_hits=$(grep -c '^[0-9][0-9]*\. ' "$T/out")
[ "$_hits" -eq 1 ] || fails "1 hit line" "$_hits: $(show "$T/out")"
check_contains out "1 of $TOTAL matching documents"
run "$SRCH" -i "$IX" -n 1 --json 众创空间
check_exit 0
check_lines out 2
end_check

# --- --batch ------------------------------------------------------------------------------

printf '%s\n' 众创空间 不存在的詞語組合 專業化眾創空間 >"$T/queries"
search_json 众创空间
python3 -c '
import json, sys
print("\t".join([o["id"] for o in map(json.loads, open(sys.argv[1], encoding="utf-8")) if "id" in o][:10]))
' "$T/out" >"$T/ids1"
begin "--batch: 3 queries, 3 lines, the second empty, ids tab-separated"
run_in "$T/queries" "$SRCH" -i "$IX" --batch --timings "$T/timings"
check_exit 0
check_lines out 3
_l1=$(sed -n 1p "$T/out")
_l2=$(sed -n 2p "$T/out")
_l3=$(sed -n 3p "$T/out")
[ "$_l1" = "$(cat "$T/ids1")" ] ||
	fails "line 1: the first 10 ids of --json 众创空间, tab-separated: $(cat "$T/ids1")" "$_l1"
case $_l1 in
*"$TAB"*) ;;
*) fails "line 1 with several tab-separated ids" "$_l1" ;;
esac
[ -z "$_l2" ] || fails "line 2 empty" "$_l2"
case "$TAB$_l3$TAB" in
*"${TAB}corpus/notice-sc-2021-15.txt$TAB"*) ;;
*) fails "line 3 listing corpus/notice-sc-2021-15.txt" "$_l3" ;;
esac
end_check

begin "--batch --timings FILE: 3 lines of numbers"
if [ -f "$T/timings" ]; then
	_n=$(wc -l <"$T/timings")
	[ "$_n" -eq 3 ] || fails "3 lines in $T/timings" "$((_n + 0)): $(show "$T/timings")"
	_bad=$(grep -Evc '^[0-9]+(\.[0-9]+)?$' "$T/timings")
	[ "$_bad" -eq 0 ] || fails "only numbers in $T/timings" "$(show "$T/timings")"
else
	fails "$T/timings written" "no file"
fi
end_check

# --- Latin ------------------------------------------------------------------------------

begin "files finds the record containing \"files\""
search_json files
check_exit 0
check_id rec-2022-004
end_check

begin "file finds it too (stemming)"
search_json file
check_exit 0
check_id rec-2022-004
end_check

begin "\"files\" in quotes finds it"
search_json '"files"'
check_exit 0
check_id rec-2022-004
end_check

[ "$nfail" -eq 0 ]
