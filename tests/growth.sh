#!/bin/sh
# growth: how build time, query time and memory grow with the corpus.
# Makes corpora 4x and 16x the size of ../shared/corpus/zh-docs.jsonl.xz
# from the real one (new documents made of shuffled real paragraphs, with
# new ids; not copies), builds each with gongwen-index, runs known.tsv and
# mixed.tsv (two words) through eval.py for the in-process p50 and p99
# (one pass each, so the first touches of the index count), and prints a markdown
# table. The 1x builds (of the real documents, and of new ones alone) are
# timed three times, their medians used; 4x and 16x once.
# Last, tests/totals_cmp on the 16x index: the hits of a search that stops
# counting past --total are those of one that counts everything.
# Not part of `make test` (it takes a few minutes): run `sh tests/growth.sh`.
set -eu
cd "$(dirname "$0")/.."
B=${GW_BUILD:-build}
W=${WORK:-/tmp/gongwen-growth}
# The query sets (known.tsv, mixed.tsv): the bench's, or another folder
# made by ../shared/bench/peers/make_queries.py CORPUS OUTDIR SEED; with
# QUERIES2 set to another such folder, its two-word queries get columns of
# their own (a set nothing was tuned on, measured in the same run).
Q=${QUERIES:-../shared/bench/queries}
Q2=${QUERIES2:-}
mkdir -p "$W"
xz -dc ../shared/corpus/zh-docs.jsonl.xz >"$W/x1.jsonl"
for f in 4 16; do
	python3 - "$W/x1.jsonl" "$f" >"$W/x$f.jsonl" <<'PY'
import json, random, sys
src, factor = sys.argv[1], int(sys.argv[2])
docs = [json.loads(l) for l in open(src, encoding="utf-8")]
paras = [p for d in docs for p in d["body"].split("\n") if p.strip()]
rng = random.Random(7)
out = sys.stdout
for d in docs:                       # the real documents first
    out.write(json.dumps(d, ensure_ascii=False) + "\n")
for k in range(1, factor):           # then new ones: same sizes, shuffled paragraphs
    for i, d in enumerate(docs):
        n = max(1, d["body"].count("\n") + 1)
        body = "\n".join(rng.choice(paras) for _ in range(n))
        title = rng.choice(docs)["title"]
        out.write(json.dumps({"id": "g%d-%d" % (k, i), "title": title, "body": body,
                              "source": d.get("source", ""), "script": d.get("script", "")},
                             ensure_ascii=False) + "\n")
PY
done
# Peak resident memory splits into the process' own (RssAnon: batch
# window, postings, LMDB's dirty pages) and pages of the index file mapped
# while reading it (RssFile: page cache, which the kernel can take back);
# /usr/bin/time's peak RSS counts both. Sampled from /proc every 0.1 s.
peak_mem() { # PID -> "anon_MB file_MB" peaks
	a=0 f=0
	while kill -0 "$1" 2>/dev/null; do
		set -- "$1" $(awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} END {print a, f}' "/proc/$1/status" 2>/dev/null)
		[ "${2:-0}" -gt "$a" ] && a=$2
		[ "${3:-0}" -gt "$f" ] && f=$3
		set -- "$1"
		sleep 0.1
	done
	echo "$((a / 1024)) $((f / 1024))"
}
echo "| corpus | MB | documents | build s | vs 1x | peak RSS MB | of which anon / file MB | index MB | known p50 ms | vs 1x | known p99 ms | vs 1x | two-word p50 ms | vs 1x | two-word p99 ms | vs 1x |${Q2:+ set 2 two-word p50 ms | vs 1x | set 2 p99 ms | vs 1x |}"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|${Q2:+---|---|---|---|}"
# median3 FILE...: the median of the first numbers of three files.
median3() { cat "$@" | awk '{print $1}' | sort -n | sed -n 2p; }
for f in 1 4 16; do
	rm -rf "$W/ix$f"
	/usr/bin/time -f "%e %M" -o "$W/time$f" "$B/gongwen-index" -q -i "$W/ix$f" "$W/x$f.jsonl" 2>"$W/log$f" &
	tpid=$!
	sleep 0.05
	mem=$(peak_mem "$(pgrep -P "$tpid" | head -1)")
	wait "$tpid"
	# 1x is the yardstick of every ratio, and this machine's times move
	# by 10-20% from run to run: its build time is the median of three.
	if [ "$f" = 1 ]; then
		for k in 2 3; do
			rm -rf "$W/ix1b"
			/usr/bin/time -f "%e" -o "$W/time1.$k" "$B/gongwen-index" -q -i "$W/ix1b" "$W/x1.jsonl" 2>/dev/null
		done
		rm -rf "$W/ix1b"
		read -r _ kb1 <"$W/time1"
		echo "$(median3 "$W/time1" "$W/time1.2" "$W/time1.3") $kb1" >"$W/time1.m"
		mv "$W/time1.m" "$W/time1"
	fi
	# The "all" row: ... qps p50_ms p99_ms (columns 11 and 12). Known
	# items, then the bench's two-word queries (mixed.tsv).
	lat() { # SET-FOLDER known|mixed
		python3 ../shared/bench/eval.py "$1/$2.tsv" --name g --forms orig \
			--cmd "$B/gongwen-search -i $W/ix$f --batch -n {k} --timings \"\$BENCH_LAT_FILE\"" 2>/dev/null |
			awk -F'\t' '$1 == "orig" && $2 == "all" {print $11, $12}'
	}
	lat=$(lat "$Q" known)
	p50=${lat% *}
	p99=${lat#* }
	lat=$(lat "$Q" mixed)
	m50=${lat% *}
	m99=${lat#* }
	set2=
	if [ -n "$Q2" ]; then
		lat=$(lat "$Q2" mixed)
		[ "$f" = 1 ] && { r1=${lat% *}; t1=${lat#* }; }
		set2=" ${lat% *} | $(python3 -c "print('%.2fx' % (${lat% *} / $r1))") | ${lat#* } | $(python3 -c "print('%.2fx' % (${lat#* } / $t1))") |"
	fi
	mb=$(du -m "$W/x$f.jsonl" | cut -f1)
	ix=$(du -m "$W/ix$f/data.mdb" | cut -f1)
	n=$(wc -l <"$W/x$f.jsonl")
	read -r secs kb <"$W/time$f"
	[ "$f" = 1 ] && { s1=$secs; p1=$p50; q1=$p99; n1=$m50; o1=$m99; }
	echo "| ${f}x | $mb | $n | $secs | $(python3 -c "print('%.1fx' % ($secs / $s1))") | $((kb / 1024)) | ${mem% *} / ${mem#* } | $ix | $p50 | $(python3 -c "print('%.2fx' % ($p50 / $p1))") | $p99 | $(python3 -c "print('%.2fx' % ($p99 / $q1))") | $m50 | $(python3 -c "print('%.2fx' % ($m50 / $n1))") | $m99 | $(python3 -c "print('%.2fx' % ($m99 / $o1))") |$set2"
done
# The new documents cost more per MB than the real ones (each mixes
# paragraphs of unrelated documents, so it has more distinct terms). A
# corpus of the 1x real documents and 15x new ones built at the cost per
# MB of each kind would take t1 + 15 * tg, tg the time of 1x of new
# documents alone (the second 9,930 lines of x4): the build's growth
# against that line separates the engine's from the generator's.
sed -n "$(($(wc -l <"$W/x1.jsonl") + 1)),$(($(wc -l <"$W/x1.jsonl") * 2))p" "$W/x4.jsonl" >"$W/g1.jsonl"
for k in 1 2 3; do
	rm -rf "$W/ixg"
	/usr/bin/time -f "%e" -o "$W/timeg.$k" "$B/gongwen-index" -q -i "$W/ixg" "$W/g1.jsonl" 2>/dev/null
done
tg=$(median3 "$W/timeg.1" "$W/timeg.2" "$W/timeg.3")
python3 -c "
t1, tg, t16 = $s1, $tg, $secs
lin = t1 + 15 * tg
print()
print('1x of new documents alone: %.2f s (%.2fx the real 1x); linear for 16x: %.2f s (%.1fx);'
      ' the 16x build took %.2fx that' % (tg, tg / t1, lin, lin / t1, t16 / lin))"
# Top-k past --total is exact at 16x too: the bench's 800 queries, and the
# second set's if given, counting every match and stopping at 10,000 or at
# once (tests/totals_cmp, made here if it is not up to date: one built
# before a change of the index format refuses the index).
if make -s "$B/tests/totals_cmp" >/dev/null 2>&1 && [ -x "$B/tests/totals_cmp" ]; then
	echo
	for s in "$Q" ${Q2:+"$Q2"}; do
		for t in known latin mixed; do tail -n +2 "$s/$t.tsv" | cut -f3; done >"$W/q800"
		for tm in 1 10000; do
			for n in 10 100; do
				echo "16x, $(basename "$s"), --total $tm -n $n: $("$B/tests/totals_cmp" "$W/ix16" "$tm" "$n" <"$W/q800")"
			done
		done
	done
fi
