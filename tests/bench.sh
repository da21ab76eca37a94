#!/usr/bin/env bash
# bench: gongwen beside the peer engines of ../shared/bench, in one run on
# one machine, as ONE markdown table (`make bench`; under 10 minutes on the
# 2-core machine). Steps:
#   1. decompress ../shared/corpus/zh-docs.jsonl.xz;
#   2. build the gongwen index 3 times under /usr/bin/time -v (median);
#   3. run ../shared/bench/run_peers.sh (with --install as root), which
#      rebuilds and evaluates every peer variant into $WORK;
#   4. run eval.py for gongwen on known.tsv, latin.tsv and mixed.tsv;
#   5. time one query in a process of its own (start, open, search, print),
#      for gongwen-search and for Xapian's quest on the peer's index, with
#      hyperfine (installed as root when missing), else 50 runs timed with
#      date +%s%N; the median is reported;
#   6. print the table (also written to $OUT/bench.md).
# Environment: WORK (the peers' scratch directory, default /tmp/peers),
#   OUT (gongwen's, default /tmp/gongwen-bench), GW_BUILD (default build),
#   SHARED (default ../shared), QUERIES (the query sets, default
#   $SHARED/bench/queries: another folder made by
#   peers/make_queries.py CORPUS OUTDIR SEED runs every engine on its sets),
#   BENCH_QUERY (the one-process query, default 名输入), PEERS=0 (reuse the peers' results already in $WORK instead of
#   running run_peers.sh: quicker, but then not one run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
BENCH=$SHARED/bench
CORPUS_XZ=$SHARED/corpus/zh-docs.jsonl.xz
export WORK=${WORK:-/tmp/peers}
OUT=${OUT:-/tmp/gongwen-bench}
B=${GW_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
QUERY=${BENCH_QUERY:-名输入}
# run_peers.sh reads the same variable.
export QUERIES=${QUERIES:-$BENCH/queries}
REPS=3
RUNS=50

T0=$(date +%s)
step() { echo "[$(($(date +%s) - T0))s] $*" >&2; }

for f in "$B/gongwen-index" "$B/gongwen-search" "$BENCH/run_peers.sh" "$BENCH/eval.py" "$CORPUS_XZ"; do
	[ -e "$f" ] || { echo "bench: missing $f" >&2; exit 2; }
done
ROOTUSER=0
[ "$(id -u)" = 0 ] && ROOTUSER=1
rm -rf "$OUT"
mkdir -p "$OUT/time" "$OUT/logs"

step "corpus -> $OUT/corpus.jsonl"
xz -dc "$CORPUS_XZ" >"$OUT/corpus.jsonl"

step "build the gongwen index ($REPS times)"
for r in $(seq "$REPS"); do
	rm -rf "$OUT/zh"
	/usr/bin/time -v -o "$OUT/time/gongwen.$r.txt" \
		"$B/gongwen-index" -q -i "$OUT/zh" "$OUT/corpus.jsonl" >"$OUT/logs/build.log" 2>&1 ||
		{ echo "bench: gongwen-index failed, see $OUT/logs/build.log" >&2; exit 2; }
done
du -sb "$OUT/zh" | cut -f1 >"$OUT/size"

if [ "${PEERS:-1}" != 0 ]; then
	step "peers: run_peers.sh (4-6 minutes; log in $OUT/logs/peers.log)"
	peer_args=()
	[ $ROOTUSER = 1 ] && peer_args+=(--install)
	bash "$BENCH/run_peers.sh" "${peer_args[@]}" >"$OUT/logs/peers.log" 2>&1 ||
		{ echo "bench: run_peers.sh failed, see $OUT/logs/peers.log" >&2; tail -n 5 "$OUT/logs/peers.log" >&2; exit 2; }
else
	step "peers: reusing the results in $WORK (PEERS=0)"
fi

step "evaluate gongwen"
for qs in known latin mixed; do
	python3 "$BENCH/eval.py" "$QUERIES/$qs.tsv" --name gongwen \
		--cmd "$B/gongwen-search -i $OUT/zh --batch -n {k} --timings \"\$BENCH_LAT_FILE\"" \
		>"$OUT/logs/eval-gongwen-$qs.txt" ||
		{ echo "bench: eval.py failed for gongwen on $qs.tsv" >&2; exit 2; }
done

if ! command -v hyperfine >/dev/null 2>&1 && [ $ROOTUSER = 1 ]; then
	step "install hyperfine"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null 2>&1 || true
fi

# one_query NAME CMD...: the median wall time in ms of CMD (stdout
# discarded), into $OUT/proc-NAME.
one_query() {
	local name=$1 t0 t1
	shift
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$OUT/hf-$name.json" "$*" >/dev/null 2>&1
		python3 -c 'import json, sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1e3))' \
			"$OUT/hf-$name.json" >"$OUT/proc-$name"
	else
		for _ in $(seq "$RUNS"); do
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1 || true
			t1=$(date +%s%N)
			echo $(((t1 - t0) / 1000))
		done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2000 }' \
			>"$OUT/proc-$name"
	fi
}

step "one query, one process ($(command -v hyperfine >/dev/null 2>&1 && echo hyperfine || echo "date loop"), $RUNS runs): $QUERY"
one_query gongwen "$B/gongwen-search" -i "$OUT/zh" -n 10 "$QUERY"
one_query quest quest -d "$WORK/xapian" -p :S -p :XB -f default,cjk_ngram -o and -m 10 "$QUERY"

step "report"
python3 - "$OUT" "$WORK" "$RUNS" >"$OUT/bench.md" <<'EOF'
import os, re, statistics, sys

out, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])


def eval_all(path):
    """{form: {column: value}} of the 'all' rows of an eval.py text report."""
    rows, head = {}, None
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "form":
            head = f
        elif head and len(f) == len(head) and f[1] == "all":
            rows[f[0]] = dict(zip(head, f))
    return rows


def secs(s):
    v = 0.0
    for p in s.split(":"):
        v = v * 60 + float(p)
    return v


def num(v, spec):
    try:
        return format(float(v), spec)
    except (TypeError, ValueError):
        return "–"


# gongwen's build: median of the /usr/bin/time -v runs
walls = []
for fn in os.listdir(os.path.join(out, "time")):
    m = re.search(r"Elapsed \(wall clock\) time.*?: (\S+)", open(os.path.join(out, "time", fn)).read())
    if m:
        walls.append(secs(m.group(1)))
builds = {"gongwen": (statistics.median(walls), int(open(os.path.join(out, "size")).read()) / 2**20)}
# the peers' builds: the first table of results.md (index, "s (min–max)", MB)
for line in open(os.path.join(work, "results.md"), encoding="utf-8"):
    if line.startswith("### ") and builds.keys() - {"gongwen"}:
        break
    c = [x.strip() for x in line.strip().strip("|").split("|")]
    if len(c) >= 3 and re.match(r"^[0-9.]+ \(", c[1]):
        builds[c[0]] = (float(c[1].split()[0]), float(c[2]))
index_of = {"gongwen": "gongwen"}
for line in open(os.path.join(work, "variants.tsv"), encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    index_of[f[0]] = f[1]
proc = {"gongwen": "proc-gongwen", "xapian-ngram": "proc-quest"}

print("| engine | build s | index MB | known R@10 | MRR | fullR | exact | other-script R@10 "
      "| latin fullR | mixed R@10 | known p50 ms | p99 ms | mixed p50 ms | p99 ms | known q/s "
      "| one query, own process ms |")
print("|" + "---|" * 16)
for name in index_of:
    logs = {qs: os.path.join(out if name == "gongwen" else work, "logs", "eval-%s-%s.txt" % (name, qs))
            for qs in ("known", "latin", "mixed")}
    if not os.path.exists(logs["known"]):
        continue
    k, l, x = (eval_all(logs[q]) if os.path.exists(logs[q]) else {} for q in ("known", "latin", "mixed"))
    ko, kx, lo, xo = k.get("orig", {}), k.get("other", {}), l.get("orig", {}), x.get("orig", {})
    b = builds.get(index_of[name])
    p = os.path.join(out, proc[name]) if name in proc else None
    cells = [name, num(b and b[0], ".2f"), num(b and b[1], ".1f"),
             num(ko.get("R@10"), ".3f"), num(ko.get("MRR"), ".3f"), num(ko.get("fullR"), ".3f"),
             num(ko.get("exact"), ".3f"), num(kx.get("R@10"), ".3f"), num(lo.get("fullR"), ".3f"),
             num(xo.get("R@10"), ".3f"), num(ko.get("p50_ms"), ".3f"), num(ko.get("p99_ms"), ".3f"),
             num(xo.get("p50_ms"), ".3f"), num(xo.get("p99_ms"), ".3f"), num(ko.get("qps"), ".0f"),
             (open(p).read().strip() + (" (quest)" if name != "gongwen" else "")) if p and os.path.exists(p) else "–"]
    print("| " + " | ".join(cells) + " |")
print()
print("known = known.tsv (600 Han strings, the script they were found in; other-script = typed in the "
      "other script), latin = latin.tsv, mixed = mixed.tsv; times measured inside each searcher, "
      "q/s = queries / summed per-query time; the last column is one search in a process of its own "
      "(start, open the index, search, print the top 10), median of %d runs. One run on one machine: "
      "compare within a table." % runs)
EOF
cat "$OUT/bench.md"
step "done; details in $OUT/logs and $WORK/logs"
