#!/bin/sh
# Runs every test program given as an argument and every tests/e2e_*.sh, and
# counts their "PASS name" / "FAIL name" lines. A program that exits non-zero
# without reporting a FAIL of its own (a crash, a sanitizer report) counts as
# one failure. The last line of output is "N passed, N failed"; the exit
# status is 0 only if nothing failed and at least one test ran.
set -u
: "${GW_BUILD:=build}"
export GW_BUILD
out=$(mktemp)
one=$(mktemp)
trap 'rm -f "$out" "$one"' EXIT
for t in "$@" tests/check_*.sh tests/e2e_*.sh; do
	[ -e "$t" ] || continue
	case "$t" in
	*.sh) sh "$t" >"$one" 2>&1 ;;
	*) "$t" >"$one" 2>&1 ;;
	esac
	rc=$?
	cat "$one" >>"$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$one"; then
		echo "FAIL $t (exit status $rc, no test reported failing)" >>"$out"
	fi
done
cat "$out"
pass=$(grep -c '^PASS ' "$out")
fail=$(grep -c '^FAIL ' "$out")
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
