#!/bin/sh
# Runs each libFuzzer harness given (build-fuzz/fuzz_NAME) for FUZZ_S seconds
# and prints one line for it: seconds, executions, coverage ("cov:" edges,
# as libFuzzer counts them), corpus size and whether it crashed. The last
# line is "N harnesses ran, N crashed"; the exit status is 1 if one crashed
# (or timed out, or ran out of memory) and names the input that did it.
#
# Each harness starts from tests/fuzz/seeds/NAME/ and tests/fuzz/regress/NAME/
# (read only) and FUZZ_DIR/corpus/NAME/, where libFuzzer writes the inputs
# it adds (scratch, kept between runs, never in the tree); crash inputs go
# to FUZZ_DIR/crashes/NAME/, the whole output to FUZZ_DIR/logs/NAME.log.
# Options: tests/fuzz/fuzz_NAME.options, libFuzzer flags (# comments), e.g.
# -max_len=16384 (default 4096); tests/fuzz/fuzz_NAME.dict, a dictionary.
# FUZZ_NICE is put in front of each run (e.g. "nice -n 10").
set -u
: "${FUZZ_S:=60}" "${FUZZ_DIR:=build-fuzz}" "${FUZZ_NICE:=}"
ran=0
crashed=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	corpus=$FUZZ_DIR/corpus/$name
	crashes=$FUZZ_DIR/crashes/$name
	log=$FUZZ_DIR/logs/$name.log
	mkdir -p "$corpus" "$crashes" "$FUZZ_DIR/logs" || exit 2
	opts=
	if [ -f "tests/fuzz/fuzz_$name.options" ]; then
		opts=$(sed 's/#.*//' "tests/fuzz/fuzz_$name.options" | tr '\n' ' ')
	fi
	case " $opts" in
	*" -max_len="*) ;;
	*) opts="-max_len=4096 $opts" ;;
	esac
	if [ -f "tests/fuzz/fuzz_$name.dict" ]; then
		opts="$opts -dict=tests/fuzz/fuzz_$name.dict"
	fi
	dirs=$corpus
	for d in "tests/fuzz/seeds/$name" "tests/fuzz/regress/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	start=$(date +%s)
	# shellcheck disable=SC2086 # opts and dirs are lists of words
	$FUZZ_NICE "$bin" $opts -max_total_time="$FUZZ_S" -timeout=30 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" $dirs >"$log" 2>&1
	rc=$?
	# Wall-clock seconds: libFuzzer's "Done ... in N seconds" is missing after a crash.
	secs=$(($(date +%s) - start))
	ran=$((ran + 1))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
	line="fuzz_$name: $secs s, ${execs:-?} executions, cov: ${cov:-?} edges, corpus: ${corp:-?}"
	if [ $rc -eq 0 ]; then
		echo "$line, no crash"
	else
		crashed=$((crashed + 1))
		input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		what=$(grep -o -m 1 'ERROR: [A-Za-z]*: [a-zA-Z -]*\|fuzz check failed: .*' "$log" | head -n 1)
		echo "$line, CRASHED (exit status $rc${what:+: $what})"
		echo "  input: ${input:-none written}"
		echo "  log:   $log"
		echo "  replay: ${bin} ${input:-}"
	fi
done
echo "$ran harnesses ran, $crashed crashed"
[ "$crashed" -eq 0 ]
