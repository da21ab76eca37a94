#!/usr/bin/env bash
# bench_serve: what HTTP costs (`make bench-serve`; about 4 minutes on the
# 2-core machine). Steps:
#   1. decompress ../shared/corpus/zh-docs.jsonl.xz and index it;
#   2. start build/gongwen-serve on a free loopback port (no access log:
#      --access-log /dev/null);
#   3. for each query set (known.tsv: known items; mixed.tsv: two words)
#      and each request shape (the default, limit=10 with every field and
#      a snippet, what a user of the API gets; fields=title, the list a
#      page shows; and lean, fields=title&snippet=false, ids, scores and
#      titles for a script, what gongwen-search --batch gives), run wrk -t2 -c64 (a 2 s warm-up, then RUNS runs of
#      DUR seconds) with tests/bench_serve.lua, which cycles through the
#      set's queries, URL-encoded, and counts every answer that is not 2xx;
#   4. run the same queries through gongwen-search --batch --json (the
#      same hits, fields and snippets, without HTTP) RUNS times: p50 and
#      p99 of the per-query times it measures itself (--timings), and
#      queries/s of the one process (wall clock, start to end);
#   5. print one markdown table, medians of the runs (also in $OUT/bench-serve.md),
#      and every run's figures in $OUT/runs.txt.
# wrk and the server share the machine's cores: the figures are those of
# both together, not of the server alone.
# Environment: OUT (scratch, default /tmp/gongwen-bench-serve), GW_BUILD
#   (default build), SHARED (default ../shared), QUERIES (the folder of
#   known.tsv and mixed.tsv, default $SHARED/bench/queries), THREADS (the
#   server's --threads, default: its own default, the number of CPUs; a
#   list such as "1 2 4" runs everything for each), RUNS (3), DUR (10 s),
#   CONNS (64), PACE_MS (2.8: the wait of each connection before each request in
#   the paced runs, about 20,000 requests/s offered with 64 connections).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
QUERIES=${QUERIES:-$SHARED/bench/queries}
CORPUS_XZ=$SHARED/corpus/zh-docs.jsonl.xz
OUT=${OUT:-/tmp/gongwen-bench-serve}
B=${GW_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
DUR=${DUR:-10}
CONNS=${CONNS:-64}
PACE_MS=${PACE_MS:-2.8}
THREADS=${THREADS:-$(nproc)}

T0=$(date +%s)
step() { echo "[$(($(date +%s) - T0))s] $*" >&2; }

for f in "$B/gongwen-index" "$B/gongwen-search" "$B/gongwen-serve" "$CORPUS_XZ" \
	"$QUERIES/known.tsv" "$QUERIES/mixed.tsv"; do
	[ -e "$f" ] || { echo "bench-serve: missing $f" >&2; exit 2; }
done
for c in wrk python3 curl; do
	command -v $c >/dev/null || { echo "bench-serve: $c is not installed (make test-deps)" >&2; exit 2; }
done
rm -rf "$OUT"
mkdir -p "$OUT"
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null' EXIT

step "corpus -> $OUT/corpus.jsonl, index $OUT/idx"
xz -dc "$CORPUS_XZ" >"$OUT/corpus.jsonl"
"$B/gongwen-index" -q -i "$OUT/idx" "$OUT/corpus.jsonl"

# The queries (column "query") of each set: as lines for gongwen-search,
# and as URL-encoded request targets, one file per request shape.
SHAPES="default fields=title lean"
for set in known mixed; do
	python3 - "$QUERIES/$set.tsv" "$OUT/$set" <<'EOF'
import csv, sys, urllib.parse
csv.field_size_limit(1 << 24)
src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8", newline="") as f:
    qs = [r["query"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
with open(out + ".q", "w", encoding="utf-8") as f:
    f.writelines(q + "\n" for q in qs)
for shape, extra in (("default", ""), ("fields=title", "&fields=title"),
                     ("lean", "&fields=title&snippet=false")):
    with open(out + "." + shape + ".paths", "w", encoding="ascii") as f:
        f.writelines("/search?q=" + urllib.parse.quote(q, safe="") + extra + "\n" for q in qs)
EOF
done

# median N...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A free port: the kernel's choice for a socket bound to port 0.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
	PORT=$(free_port)
	"$B/gongwen-serve" -i "$OUT/idx" --listen "127.0.0.1:$PORT" --threads "$1" \
		--access-log /dev/null 2>"$OUT/serve.err" &
	SERVER=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "bench-serve: the server did not start: $(cat "$OUT/serve.err")" >&2
	exit 2
}

stop_server() {
	kill "$SERVER"
	wait "$SERVER" 2>/dev/null || true
	SERVER=
}

# wrk_run PATHS SECONDS: one wrk run; prints "rps p50_us p99_us non2xx errors".
wrk_run() {
	PATHS=$1 wrk -t2 -c"$CONNS" -d"$2"s --latency -s "$ROOT/tests/bench_serve.lua" \
		"http://127.0.0.1:$PORT" >"$OUT/wrk.last" 2>&1 ||
		{ echo "bench-serve: wrk failed:" >&2; cat "$OUT/wrk.last" >&2; exit 2; }
	awk '/^GW non2xx/ { bad = $3; err = $5 } /^GW rps/ { rps = $3; p50 = $5; p99 = $7 }
	     END { print rps, p50, p99, bad, err }' "$OUT/wrk.last"
}

# batch_run SET SHAPE: gongwen-search over the set's queries, RUNS times;
# prints the medians "qps p50_us p99_us".
batch_run() {
	local extra=() qps=() p50=() p99=() t0 t1
	[ "$2" = fields=title ] && extra=(--fields title)
	[ "$2" = lean ] && extra=(--fields title --no-snippet)
	for r in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$B/gongwen-search" -i "$OUT/idx" --batch --json "${extra[@]}" \
			--timings "$OUT/timings" <"$OUT/$1.q" >/dev/null || [ $? -eq 1 ]
		t1=$(date +%s%N)
		n=$(wc -l <"$OUT/$1.q")
		qps+=("$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / ((b - a) / 1e9) }')")
		read -r a b < <(sort -g "$OUT/timings" |
			awk '{ v[NR] = $1 } END { printf "%.0f %.0f\n", v[int(NR * 0.5 + 0.5)], v[int(NR * 0.99 + 0.5)] }')
		p50+=("$a")
		p99+=("$b")
		echo "batch $1 $2 run $r: ${qps[-1]} q/s, p50 $a us, p99 $b us" >>"$OUT/runs.txt"
	done
	echo "$(median "${qps[@]}") $(median "${p50[@]}") $(median "${p99[@]}")"
}

{
	echo "| queries | request | --threads | req/s | p50 ms | p99 ms | non-2xx | batch q/s | batch p50 ms | batch p99 ms |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT/bench-serve.md"
for th in $THREADS; do
	step "gongwen-serve --threads $th"
	start_server "$th"
	for set in known mixed; do
		for shape in $SHAPES; do
			paths=$OUT/$set.$shape.paths
			step "  $set, $shape: warm-up, then $RUNS x ${DUR}s of wrk -t2 -c$CONNS"
			wrk_run "$paths" 2 >/dev/null
			rps=() p50=() p99=()
			bad=0
			for r in $(seq "$RUNS"); do
				read -r a b c d e < <(wrk_run "$paths" "$DUR")
				echo "wrk $set $shape threads $th run $r: $a req/s, p50 $b us, p99 $c us, non-2xx $d, socket errors $e" >>"$OUT/runs.txt"
				rps+=("$a") p50+=("$b") p99+=("$c")
				bad=$((bad + d + e))
			done
			read -r bq bp50 bp99 < <(batch_run "$set" "$shape")
			awk -v set="$set" -v shape="$shape" -v th="$th" -v rps="$(median "${rps[@]}")" \
				-v p50="$(median "${p50[@]}")" -v p99="$(median "${p99[@]}")" -v bad="$bad" \
				-v bq="$bq" -v bp50="$bp50" -v bp99="$bp99" 'BEGIN {
				printf "| %s | %s | %s | %.0f | %.2f | %.2f | %d | %.0f | %.3f | %.3f |\n",
					set, shape, th, rps, p50 / 1000, p99 / 1000, bad, bq, bp50 / 1000, bp99 / 1000 }' \
				>>"$OUT/bench-serve.md"
		done
		# Latency at a given load rather than at the most the server
		# takes: each connection waits PACE_MS before each request
		# (bench_serve.lua), the lean shape.
		paths=$OUT/$set.lean.paths
		step "  $set, lean, paced at ${PACE_MS} ms a connection: $RUNS x ${DUR}s"
		rps=() p50=() p99=()
		bad=0
		for r in $(seq "$RUNS"); do
			read -r a b c d e < <(PACE_MS=$PACE_MS wrk_run "$paths" "$DUR")
			echo "wrk $set lean paced $PACE_MS threads $th run $r: $a req/s, p50 $b us, p99 $c us, non-2xx $d, socket errors $e" >>"$OUT/runs.txt"
			rps+=("$a") p50+=("$b") p99+=("$c")
			bad=$((bad + d + e))
		done
		awk -v set="$set" -v th="$th" -v pace="$PACE_MS" -v rps="$(median "${rps[@]}")" \
			-v p50="$(median "${p50[@]}")" -v p99="$(median "${p99[@]}")" -v bad="$bad" 'BEGIN {
			printf "| %s | lean, paced %s ms | %s | %.0f | %.2f | %.2f | %d | | | |\n",
				set, pace, th, rps, p50 / 1000, p99 / 1000, bad }' >>"$OUT/bench-serve.md"
	done
	stop_server
done
step "done ($OUT/bench-serve.md; every run in $OUT/runs.txt)"
echo
echo "wrk -t2 -c$CONNS -d${DUR}s on loopback, median of $RUNS runs; batch: gongwen-search --batch --json"
echo "over the same queries in one process (same hits, fields and snippets), median of $RUNS runs."
echo "limit=10 (the default) in every request; \"default\" = every field and a snippet per hit."
cat "$OUT/bench-serve.md"
