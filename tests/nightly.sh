#!/bin/sh
# nightly: how the index file grows under nightly re-indexing.
# Builds the corpus of ../shared/corpus/zh-docs.jsonl.xz, then runs BATCHES
# (10) batches that each index the whole corpus again with CHANGE (500)
# documents edited (a seeded, deterministic edit of their body: a
# paragraph moved to the end and a sentence added, so the postings of
# those documents change as a day's corrections would), and prints after
# each: data.mdb's size, the bytes in use and free (--stats), the batch's
# time and peak resident memory. Then a fresh build of the last batch's
# content, for comparison.
# Not part of `make test` (about a minute): run `sh tests/nightly.sh`.
set -eu
cd "$(dirname "$0")/.."
B=${GW_BUILD:-build}
W=${WORK:-/tmp/gongwen-nightly}
BATCHES=${BATCHES:-10}
CHANGE=${CHANGE:-500}
mkdir -p "$W"
xz -dc ../shared/corpus/zh-docs.jsonl.xz >"$W/day0.jsonl"
# day N: day N-1 with CHANGE documents edited (seed N).
for n in $(seq 1 "$BATCHES"); do
	python3 - "$W/day$((n - 1)).jsonl" "$n" "$CHANGE" >"$W/day$n.jsonl" <<'PY'
import json, random, sys
src, seed, change = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
rng = random.Random(seed)
for i in rng.sample(range(len(docs)), change):
    d = docs[i]
    paras = d["body"].split("\n")
    if len(paras) > 1:
        paras.append(paras.pop(rng.randrange(len(paras))))
    paras.append("第%d次修订：%s" % (seed, rng.choice(docs)["title"]))
    d["body"] = "\n".join(paras)
for d in docs:
    sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
done
size() { stat -c %s "$1/data.mdb"; }
# used and free bytes from --stats, in MB
space() {
	"$B/gongwen-index" -i "$1" --stats | awk '
		/^used bytes/ {u = $3} /^free bytes/ {f = $3}
		END {printf "%.1f %.1f", u / 1e6, f / 1e6}'
}
# Every day's file is indexed as corpus.jsonl: a document's "_source" is
# part of its content, so the unchanged ones stay unchanged.
rm -rf "$W/ix"
cp "$W/day0.jsonl" "$W/corpus.jsonl"
"$B/gongwen-index" -q -i "$W/ix" "$W/corpus.jsonl" 2>/dev/null
echo "| batch | data.mdb MB | used MB | free MB | s | peak RSS MB | summary |"
echo "|---|---|---|---|---|---|---|"
set -- $(space "$W/ix")
echo "| build | $(awk "BEGIN {printf \"%.1f\", $(size "$W/ix") / 1e6}") | $1 | $2 | | | |"
for n in $(seq 1 "$BATCHES"); do
	cp "$W/day$n.jsonl" "$W/corpus.jsonl"
	/usr/bin/time -f "%e %M" -o "$W/time" "$B/gongwen-index" -q -i "$W/ix" "$W/corpus.jsonl" 2>"$W/log" || {
		cat "$W/log"
		exit 1
	}
	set -- $(space "$W/ix") $(cat "$W/time")
	echo "| $n | $(awk "BEGIN {printf \"%.1f\", $(size "$W/ix") / 1e6}") | $1 | $2 | $3 | $(($4 / 1024)) | $(sed 's/^gongwen-index: //; s/ in .*//' "$W/log" | tail -1) |"
done
rm -rf "$W/fresh"
"$B/gongwen-index" -q -i "$W/fresh" "$W/corpus.jsonl" 2>/dev/null
set -- $(space "$W/fresh")
fresh=$(size "$W/fresh")
echo "| fresh build of batch $BATCHES | $(awk "BEGIN {printf \"%.1f\", $fresh / 1e6}") | $1 | $2 | | | |"
echo "after $BATCHES batches: $(awk "BEGIN {printf \"%.2f\", $(size "$W/ix") / $fresh}")x the fresh build's data.mdb"
