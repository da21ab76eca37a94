#!/bin/sh
# e2e_readers: a reader killed inside a read transaction does not make every
# later batch grow data.mdb (issue 15, 4b a). The killed reader's slot in
# lock.mdb keeps its snapshot's pages from reuse until it is cleared; LMDB
# clears the table when a process opens an index nobody has open, so the
# case is a reader killed beside a live one (a server, here a
# gongwen-search --batch waiting on a FIFO). The killed reader is mdb_dump,
# blocked inside its transaction writing into a FIFO nobody reads.
# gongwen-index clears dead readers' slots (mdb_reader_check) whenever it
# opens the index for writing: the slot is gone after the next batch, and
# batches that rewrite the same documents stop growing the file.
set -u -f
NAME=e2e_readers
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

for c in mdb_dump mdb_stat mkfifo python3; do
	if ! command -v "$c" >/dev/null 2>&1; then
		printf 'SKIP %s: a killed reader (%s absent)\n' "$NAME" "$c"
		exit 0
	fi
done

# docs ROUND: 300 documents whose text changes with ROUND.
docs() {
	python3 -c '
import json, sys
r = int(sys.argv[1])
words = ["众创空间", "江苏省", "管理办法", "年度评价", "科技成果", "转化", "专项资金", "通知"]
for i in range(300):
    body = "".join(words[(i * 7 + k * 3 + r) % len(words)] + str((i + k + r) % 97) for k in range(120))
    print(json.dumps({"id": "doc-%d" % i, "title": "第%d号 %d" % (i, r), "body": body}, ensure_ascii=False))
' "$1" >"$T/docs.jsonl"
}

size() { wc -c <"$T/i/data.mdb" | tr -d ' '; }

begin "a batch after a reader was killed in its transaction clears its slot and reuses the file's space"
docs 0
run "$IDX" -q -i "$T/i" "$T/docs.jsonl"
check_exit 0
# The live reader: the index open, no transaction between queries.
mkfifo "$T/q" "$T/dump"
"$SRCH" -i "$T/i" --batch <"$T/q" >/dev/null 2>&1 &
live=$!
exec 3>"$T/q"
# seen PID: waits (5 s at most) until PID has a slot in the reader table.
seen() {
	_n=0
	until mdb_stat -r "$T/i" 2>/dev/null | grep -q "^ *$1 "; do
		_n=$((_n + 1))
		[ "$_n" -lt 50 ] || break
		sleep 0.1
	done
}
seen "$live"
# The reader to kill: blocked in its transaction once the FIFO is full.
mdb_dump -a "$T/i" >"$T/dump" 2>/dev/null &
dump=$!
exec 4<"$T/dump"
seen "$dump"
kill -9 "$dump" 2>/dev/null
wait "$dump" 2>/dev/null
exec 4<&-
run mdb_stat -r "$T/i"
check_contains out " $dump "
sizes=
for r in 1 2 3 4 5 6; do
	docs "$r"
	run "$IDX" -q -i "$T/i" "$T/docs.jsonl"
	check_exit 0
	sizes="$sizes $(size)"
done
run mdb_stat -r "$T/i"
check_not_contains out " $dump "
# Rounds 1 to 3 grow the file (pages freed by a batch are reused by the
# one after next); from then on the space is reused but for LMDB's
# fragmentation. With the slot kept, each round adds what it rewrote
# (rounds 3 to 6: 3.5 MB more, against 0.1 MB).
set -- $sizes
[ $(($6 - $3)) -lt $((($2 - $1) / 2)) ] ||
	fails "rounds 3 to 6 growing data.mdb by less than half of what round 2 did" "sizes by round:$sizes"
run "$IDX" -i "$T/i" --check
check_exit 0
exec 3>&-
wait "$live" 2>/dev/null
end_check

[ "$nfail" -eq 0 ]
