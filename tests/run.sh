#!/bin/sh
# Runs every test program given as an argument and every tests/e2e_*.sh, and
# counts their "PASS name" / "FAIL name" lines. The last line of output is
# "N passed, N failed"; the exit status is 0 only if nothing failed and at
# least one test ran.
set -u
: "${GW_BUILD:=build}"
export GW_BUILD
out=$(mktemp)
trap 'rm -f "$out"' EXIT
crashed=0
for t in "$@" tests/e2e_*.sh; do
	[ -e "$t" ] || continue
	case "$t" in
	*.sh) sh "$t" >>"$out" 2>&1 ;;
	*) "$t" >>"$out" 2>&1 ;;
	esac
	rc=$?
	if [ $rc -gt 1 ]; then
		echo "FAIL $t (exit status $rc)" >>"$out"
		crashed=$((crashed + 1))
	fi
done
cat "$out"
pass=$(grep -c '^PASS ' "$out")
fail=$(grep -c '^FAIL ' "$out")
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
