#!/bin/sh
# run.sh: the test runner of `make test` and `make check`.
#
#   sh tests/run.sh [PROGRAM...]
#
# Runs every PROGRAM given (the Makefile passes the test programs it builds:
# $(B)/tests/test_*, and whatever else is in its TEST_PROGS) and every
# tests/check_*.sh and tests/e2e_*.sh, each as a process of its own, and
# counts the lines they print that start with "PASS name", "FAIL name" or
# "SKIP name: why". A check that cannot run here says SKIP and why, never
# PASS. Besides the lines a test prints, these count as one failure each:
# a test that exits non-zero without a FAIL line of its own (a crash, a
# sanitizer report), one that reports nothing at all, and one that runs
# out of time (it is killed, with everything it started).
#
# As each test finishes: one line, "ok" or "not ok", its seconds, its name
# and counts. Then the output of every test, in the order above whatever
# order they finished in (each is also in $GW_BUILD/test-logs/NNN.log),
# and last the line CI parses:
#   N passed, N failed, N skipped
# The exit status is 0 only if nothing failed and something passed.
#
# Environment (the Makefile sets these from make's own options):
#   JOBS=N        tests run at a time (make -jN test, or make test JOBS=N)
#   GW_QUICK=1    tests tagged slow are not run but reported as SKIP
#                 (make check)
#   GW_TIMEOUT=S  the time limit of a test without its own, in seconds:
#                 300 (make test TIMEOUT=S)
#   GW_BUILD=DIR  the build directory: build, or build-san for make SAN=1
#
# Tags: a line containing "gw-test: TAG..." within the first 20 lines of a
# script, or of a program's source (tests/x.c for $GW_BUILD/tests/x):
#   slow          not run by make check. Tests over about 15 s are slow:
#                 e2e_crash.sh only. Seconds measured on the 2 shared
#                 cores, quiet / loaded (load 5-7, make -j2) / SAN loaded:
#                   e2e_crash.sh    14-27 / 17-24 / 59   (slow)
#                   e2e_index.sh     6-11 /  9-10 / 27
#                   e2e_readers.sh      - /   5   / 18
#                   e2e_reindex.sh    1-4 /  4-6  /  9
#                   e2e_disk.sh       1-3 /  2-3  / 12
#                 the rest under 4 s, most under 1 s.
#   timeout=S     the test's own time limit, in seconds
#
# Tests run at the same time, so none may use a fixed path or port: scratch
# space comes from mktemp -d (tests/lib_e2e.sh's $T) or mkdtemp
# (tests/gw_test.h's gw_t_scratch_make).
set -u
: "${GW_BUILD:=build}"
: "${JOBS:=1}"
: "${GW_QUICK:=0}"
: "${GW_TIMEOUT:=300}"
LOGS=$GW_BUILD/test-logs
export GW_BUILD GW_QUICK GW_TIMEOUT LOGS

# tags_of TEST: the words after "gw-test:" in TEST's header, if any.
tags_of() {
	case $1 in
	*.sh) _src=$1 ;;
	*) _src=${1#"$GW_BUILD"/}.c ;;
	esac
	[ -f "$_src" ] || return 0
	head -n 20 "$_src" | sed -n 's/.*gw-test:\([^*]*\).*/\1/p' | head -n 1
}

# count WORD FILE: the lines of FILE that start with WORD and a space.
count() {
	grep -c "^$1 " "$2"
}

# one NNN TEST: runs TEST, its output and any failure of its own in
# $LOGS/NNN.log, and prints its line of progress.
one() {
	_n=$1
	_t=$2
	_log=$LOGS/$_n.log
	_name=${_t#"$GW_BUILD"/}
	_tags=" $(tags_of "$_t") "
	_limit=$GW_TIMEOUT
	for _w in $_tags; do
		case $_w in timeout=*) _limit=${_w#timeout=} ;; esac
	done
	_t0=$(date +%s%N)
	_rc=0
	case "$GW_QUICK$_tags" in
	1*" slow "*)
		printf 'SKIP %s: tagged slow, not run by make check (make test runs it)\n' "$_name" >"$_log"
		;;
	*)
		case $_t in
		*.sh) set -- sh "$_t" ;;
		*) set -- "$_t" ;;
		esac
		# timeout runs the test in a process group of its own and kills
		# all of it; an interrupted runner passes the signal on.
		timeout -k 10 "$_limit" "$@" </dev/null >"$_log" 2>&1 &
		_pid=$!
		trap 'kill -TERM $_pid 2>/dev/null; wait $_pid; exit 130' HUP INT TERM
		wait $_pid 2>/dev/null
		_rc=$?
		trap - HUP INT TERM
		;;
	esac
	_t1=$(date +%s%N)
	_secs=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	if [ "$_rc" -eq 124 ] ||
	   { [ "$_rc" -eq 137 ] && awk -v s="$_secs" -v l="$_limit" 'BEGIN { exit !(s >= l) }'; }; then
		printf 'FAIL %s: timed out after %s s (its limit: GW_TIMEOUT, or timeout=S on its gw-test: line)\n' \
			"$_name" "$_limit" >>"$_log"
	elif [ "$_rc" -ne 0 ] && [ "$(count FAIL "$_log")" -eq 0 ]; then
		printf 'FAIL %s: exit status %d, no test reported failing\n' "$_name" "$_rc" >>"$_log"
	elif ! grep -q -e '^PASS ' -e '^FAIL ' -e '^SKIP ' "$_log"; then
		printf 'FAIL %s: exit status %d but no PASS, FAIL or SKIP line\n' "$_name" "$_rc" >>"$_log"
	fi
	_p=$(count PASS "$_log")
	_f=$(count FAIL "$_log")
	_s=$(count SKIP "$_log")
	_ok=ok
	[ "$_f" -eq 0 ] || _ok="not ok"
	printf '%-6s %6s s  %s: %d passed, %d failed, %d skipped\n' "$_ok" "$_secs" "$_name" "$_p" "$_f" "$_s"
}

if [ "${1:-}" = --one ]; then
	one "$2" "$3"
	exit 0
fi

mkdir -p "$LOGS" || exit 2
rm -f "$LOGS"/*.log "$LOGS"/list "$LOGS"/order
i=0
for t in "$@" tests/check_*.sh tests/e2e_*.sh; do
	[ -e "$t" ] || continue
	i=$((i + 1))
	printf '%03d %s\n' "$i" "$t" >>"$LOGS/list"
done
if [ "$i" -eq 0 ]; then
	echo "no tests found"
	echo
	echo "0 passed, 0 failed, 0 skipped"
	exit 1
fi
# The slow ones start first, so that with JOBS > 1 they do not run alone
# at the end.
while read -r n t; do
	case " $(tags_of "$t") " in *" slow "*) echo "$n $t" ;; esac
done <"$LOGS/list" >"$LOGS/order"
while read -r n t; do
	case " $(tags_of "$t") " in *" slow "*) ;; *) echo "$n $t" ;; esac
done <"$LOGS/list" >>"$LOGS/order"

echo "running $i tests, $JOBS at a time$([ "$GW_QUICK" = 1 ] && echo ', slow ones skipped')"
t0=$(date +%s)
xargs -n 2 -P "$JOBS" sh "$0" --one <"$LOGS/order"
t1=$(date +%s)

while read -r n t; do
	cat "$LOGS/$n.log"
done <"$LOGS/list" >"$LOGS/all"
echo
cat "$LOGS/all"
pass=$(count PASS "$LOGS/all")
fail=$(count FAIL "$LOGS/all")
skip=$(count SKIP "$LOGS/all")
if [ "$fail" -gt 0 ]; then
	echo
	echo "failed (outputs in $LOGS/):"
	grep '^FAIL ' "$LOGS/all" | sed 's/^/  /'
fi
echo
echo "$i tests in $((t1 - t0)) s, $JOBS at a time"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
