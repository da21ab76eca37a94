#!/bin/sh
# e2e_crash: the index survives the indexer being killed, and readers run
# while batches commit.
#   1. Batches that replace all 3,000 documents of an index (tagged xxx,
#      then yyy, ...) are killed with SIGKILL at random moments, KILLS times
#      (default 8; GW_CRASH_KILLS=50 for the long run). After each kill the
#      index must pass --check and hold exactly one committed state (all
#      xxx or all yyy, never a mix); running the batch again completes it.
#   2. Searchers loop while batches commit: no search may fail (exit 2),
#      and every count they see is one of the committed states.
# About 27 s (tests/run.sh): not in make check.
# gw-test: slow
set -u -f
NAME=e2e_crash
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
KILLS=${GW_CRASH_KILLS:-8}

# gen N FIRST TAG: JSON Lines of N documents, ids FIRST.., text tagged TAG.
gen() {
	python3 -c 'import sys
n, first, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(first, first + n):
    body = "第%d号文件 %s 众创空间建设 江苏 浙江 " % (i, tag) * 20
    print("{\"id\": \"d%06d\", \"title\": \"通知 %s %d\", \"body\": \"%s\"}" % (i, tag, i, body))' "$@"
}

docs() {
	"$IDX" -i "$1" --stats 2>/dev/null | sed -n 's/^documents *\([0-9]*\).*/\1/p'
}

# secs CMD...: runs CMD (output discarded), prints how long it took.
secs() {
	_t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo "$_t0 $(date +%s%N)" | awk '{printf "%.3f\n", ($2 - $1) / 1e9}'
}

# kill_delay SECS: a random moment within a run that takes SECS (measured
# beforehand on the same machine, so kills keep landing inside runs however
# fast they get), with some past its end.
kill_delay() {
	python3 -c 'import random, sys; print("%.3f" % random.uniform(0.01, max(0.05, 1.3 * float(sys.argv[1]))))' "$1"
}

IX=$T/ix
gen 3000 0 xxx >"$T/x.jsonl"
gen 3000 0 yyy >"$T/y.jsonl"
gen 2000 0 old >"$T/a.jsonl"
gen 3000 0 new >"$T/b.jsonl"
run "$IDX" -q -i "$IX" "$T/x.jsonl"

# Each batch replaces all 3000 documents (x <-> y), so a committed state is
# all x or all y, and a kill that lands mid-batch must leave one of them.
begin "SIGKILL during a batch, $KILLS times (half of them applied in windows): the index is always sound and holds a committed state"
k=0
hits=0
want=yyy
cp -R "$IX" "$T/cal"
dur=$(secs "$IDX" -q -i "$T/cal" "$T/y.jsonl")
rm -rf "$T/cal"
while [ "$k" -lt "$KILLS" ]; do
	delay=$(kill_delay "$dur")
	# Every other batch is applied in 200 kB windows as it is read.
	window=0
	[ $((k % 2)) = 1 ] && window=200000
	GONGWEN_WINDOW=$window "$IDX" -q -i "$IX" "$T/$(echo $want | cut -c1).jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null && hits=$((hits + 1))
	wait "$pid" 2>/dev/null
	if ! "$IDX" -i "$IX" --check >"$T/check" 2>&1; then
		fails "--check passes after kill $k (after ${delay}s)" "$(show "$T/check")"
		break
	fi
	nx=$("$SRCH" -i "$IX" --count xxx)
	ny=$("$SRCH" -i "$IX" --count yyy)
	if ! { [ "$nx" = 3000 ] && [ "$ny" = 0 ]; } && ! { [ "$nx" = 0 ] && [ "$ny" = 3000 ]; }; then
		fails "all 3000 documents from one batch after kill $k" "xxx $nx, yyy $ny"
		break
	fi
	# The next batch goes the other way from whatever state was committed.
	[ "$nx" = 3000 ] && want=yyy || want=xxx
	k=$((k + 1))
done
[ "$hits" -gt 0 ] || fails "at least one kill during a batch" "$hits of $KILLS"
end_check

begin "running a killed batch again completes it"
run "$IDX" -i "$IX" "$T/$(echo $want | cut -c1).jsonl"
check_exit 0
run "$IDX" -i "$IX" --check
check_exit 0
check_true "all 3000 documents now $want" test "$("$SRCH" -i "$IX" --count "$want")" = 3000
end_check

begin "a first build killed at random moments: no index or an empty one, never part of one; a new run completes it"
# A first build goes to IX.rebuild-PID, committing as it goes (here every
# 100 kB: about a hundred times in the second or so this build takes), and
# is swapped in at the end; the index itself is made empty first. A 1 MB
# postings budget makes it spill runs to a temporary file and merge them at
# the end (lib/index/gw_runs.c), so kills land in those too.
IX4=$T/ix4
gen 12000 0 zzz >"$T/z.jsonl"
GONGWEN_BUDGET=1000000
export GONGWEN_BUDGET
dur=$(secs env GONGWEN_CHECKPOINT=100000 "$IDX" -q -i "$IX4" "$T/z.jsonl")
k=0
hits=0
while [ "$k" -lt "$KILLS" ]; do
	rm -rf "$IX4"
	delay=$(kill_delay "$dur")
	GONGWEN_CHECKPOINT=100000 "$IDX" -q -i "$IX4" "$T/z.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null && hits=$((hits + 1))
	wait "$pid" 2>/dev/null
	if [ -e "$IX4/data.mdb" ]; then
		if ! "$IDX" -i "$IX4" --check >"$T/check" 2>&1; then
			fails "--check passes after kill $k (after ${delay}s)" "$(show "$T/check")"
			break
		fi
		n=$("$SRCH" -i "$IX4" --count zzz)
		if [ "$n" != 0 ] && [ "$n" != 12000 ]; then
			fails "0 or 12000 documents after kill $k" "$n"
			break
		fi
	fi
	k=$((k + 1))
done
[ "$hits" -gt 0 ] || fails "at least one kill during a build" "$hits of $KILLS"
run "$IDX" -i "$IX4" "$T/z.jsonl"
check_exit 0
unset GONGWEN_BUDGET
check_true "all 12000 documents after a full run" test "$("$SRCH" -i "$IX4" --count zzz)" = 12000
check_true "the killed runs' build directories are removed" sh -c "! ls -d '$IX4'.rebuild-* 2>/dev/null"
check_true "no temporary postings left anywhere" sh -c "! ls -a '$T' '$IX4' | grep -q gongwen-runs"
end_check

begin "a new index is created whole: a killed creation's leftovers are removed, never read as an index"
# What a creation killed between LMDB's meta pages and the version stamp
# leaves: an unfinished data.mdb under INDEX/.new-PID (PID not running).
# The index itself has no data.mdb until it is whole: a search says there
# is none, the next run removes the leftovers and creates it.
IX5=$T/ix5
mkdir -p "$IX5/.new-999999"
printf 'not yet an index' >"$IX5/.new-999999/data.mdb"
run "$SRCH" -i "$IX5" zzz
check_exit 2
check_contains err "no index at"
run "$IDX" -q -i "$IX5" "$T/z.jsonl"
check_exit 0
check_true "the leftovers are removed" test ! -e "$IX5/.new-999999"
run "$IDX" -i "$IX5" --check
check_exit 0
end_check

begin "searchers running while batches commit: no errors, only committed states"
IX2=$T/ix2
"$IDX" -q -i "$IX2" "$T/a.jsonl"
i=0
while [ "$i" -lt 3 ]; do
	(
		j=0
		while [ "$j" -lt 40 ]; do
			"$SRCH" -i "$IX2" --count 众创空间 >>"$T/seen.$i" 2>>"$T/serr.$i"
			[ $? -le 1 ] || echo "exit $?" >>"$T/serr.$i"
			j=$((j + 1))
		done
	) &
	i=$((i + 1))
done
# Commits meanwhile: grow to 3000, then back to 2000 (--prune drops the rest).
"$IDX" -q -i "$IX2" "$T/b.jsonl"
"$IDX" -q -i "$IX2" --prune "$T/a.jsonl" >/dev/null 2>&1
"$IDX" -q -i "$IX2" "$T/b.jsonl"
wait
cat "$T/seen.0" "$T/seen.1" "$T/seen.2" >"$T/seen"
bad=$(grep -v -x -e 2000 -e 3000 "$T/seen" | head -3)
[ -z "$bad" ] || fails "every count 2000 or 3000" "$bad"
[ ! -s "$T/serr.0" ] && [ ! -s "$T/serr.1" ] && [ ! -s "$T/serr.2" ] ||
	fails "no errors from the searchers" "$(cat "$T/serr.0" "$T/serr.1" "$T/serr.2" | head -3)"
check_true "searches ran (120 counts)" test "$(wc -l <"$T/seen")" -eq 120
end_check

begin "--rebuild swaps in a fresh index; a search process that has the old one open keeps using it"
IX3=$T/ix3
"$IDX" -q -i "$IX3" "$T/x.jsonl"
mkfifo "$T/fifo"
# A batch searcher opens the index, answers one query, then waits for more.
"$SRCH" -i "$IX3" --batch --count <"$T/fifo" >"$T/old.out" 2>"$T/old.err" &
spid=$!
exec 9>"$T/fifo"
echo xxx >&9
sleep 1
run "$IDX" -q -i "$IX3" --rebuild "$T/a.jsonl"
check_exit 0
check_true "no leftover rebuild directory" sh -c "! ls -d '$IX3'.rebuild-* 2>/dev/null"
echo xxx >&9
exec 9>&-
wait "$spid"
check_true "the old process answered both queries from the old index (3000, 3000)" \
	test "$(tr '\n' ' ' <"$T/old.out")" = "3000 3000 "
check_true "the old process reported no error" test ! -s "$T/old.err"
check_true "a new search sees the rebuilt index (2000 old, 0 xxx)" \
	test "$("$SRCH" -i "$IX3" --count old)/$("$SRCH" -i "$IX3" --count xxx)" = "2000/0"
run "$IDX" -i "$IX3" --check
check_exit 0
end_check

[ "$nfail" -eq 0 ]
