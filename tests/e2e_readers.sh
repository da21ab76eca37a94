#!/bin/sh
# e2e_readers: a searcher killed while it reads does not make the index
# grow batch after batch.
# A read transaction takes a slot in lock.mdb naming the snapshot it reads;
# LMDB reuses no page freed after that snapshot while the slot is taken. A
# searcher killed (SIGKILL) mid-search leaves its slot behind, and as long
# as some other process keeps the index open (a searcher, a server), LMDB
# does not clear the table: every later batch then takes new pages, and
# the file grows by about a batch's worth each time. Opening the index for
# writing clears such slots (gw_store_reader_check).
# Here a searcher blocks mid-output, holding its read transaction, writing
# hits to a pipe nobody reads (gongwen-search holds a search's transaction
# until its hits are printed); another, in --batch mode, keeps the index
# open throughout (--batch takes a transaction per query, so killed while
# it waits for one it leaves a slot that claims no snapshot: harmless). The same 4 batches, each replacing all 3000 documents,
# run three times: with no such reader, with it killed, and with it alive.
set -u -f
NAME=e2e_readers
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
NB=4

gen() {
	python3 -c 'import sys
n, tag = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    body = "第%d号文件 %s 众创空间建设 江苏 浙江 " % (i, tag) * 20
    print("{\"id\": \"d%06d\", \"title\": \"通知 %s %d\", \"body\": \"%s\"}" % (i, tag, i, body))' "$@"
}
gen 3000 xxx >"$T/x.jsonl"
gen 3000 yyy >"$T/y.jsonl"

size() {
	wc -c <"$1/data.mdb"
}

# readers IX: the reader table of IX (pid, thread, txnid; txnid "-" for a
# slot with no transaction).
readers() {
	mdb_stat -r "$1" 2>/dev/null | awk '$1 ~ /^[0-9]+$/'
}

# scenario MODE: builds $T/MODE with the x documents, starts the --batch
# searcher and, but for MODE none, the searcher held mid-output (killed
# at once for MODE dead), then runs the NB batches (y, x, y, ...). Leaves
# data.mdb's size before and after in $T/MODE.sizes, the reader table
# before the batches and after the first in $T/MODE.readers0 and .readers1,
# and the held searcher's pid in $T/MODE.pid.
scenario() {
	_m=$1
	_ix=$T/$_m
	: >"$T/$_m.err"
	"$IDX" -q -i "$_ix" "$T/x.jsonl" 2>"$T/last.err" || cat "$T/last.err" >>"$T/$_m.err"
	_s0=$(size "$_ix")
	mkfifo "$T/$_m.q" "$T/$_m.hits"
	"$SRCH" -i "$_ix" --batch --count <"$T/$_m.q" >"$T/$_m.bout" 2>>"$T/$_m.err" &
	_bpid=$!
	exec 8>"$T/$_m.q"
	echo 通知 >&8
	_hpid=
	if [ "$_m" != none ]; then
		# 3000 hits with snippets: far more than a pipe holds, so the
		# searcher blocks writing them with its transaction open.
		"$SRCH" -i "$_ix" -n 3000 通知 >"$T/$_m.hits" 2>/dev/null 8>&- &
		_hpid=$!
		exec 9<"$T/$_m.hits"
		_i=0
		while [ "$_i" -lt 50 ] && ! readers "$_ix" | awk -v p="$_hpid" '$1 == p && $3 != "-" { f = 1 } END { exit !f }'; do
			sleep 0.2
			_i=$((_i + 1))
		done
	fi
	echo "$_hpid" >"$T/$_m.pid"
	readers "$_ix" >"$T/$_m.readers0"
	if [ "$_m" = dead ]; then
		kill -9 "$_hpid"
		wait "$_hpid" 2>/dev/null
		exec 9<&-
	fi
	_f=y
	_b=0
	while [ "$_b" -lt "$NB" ]; do
		# Not compacted after the batch (that would hide the free pages
		# a reader holds): the file's growth is what is measured.
		GONGWEN_NO_COMPACT=1 "$IDX" -q -i "$_ix" "$T/$_f.jsonl" 2>"$T/last.err" || cat "$T/last.err" >>"$T/$_m.err"
		[ "$_b" -eq 0 ] && readers "$_ix" >"$T/$_m.readers1"
		[ "$_f" = y ] && _f=x || _f=y
		_b=$((_b + 1))
	done
	echo 通知 >&8
	exec 8>&-
	wait "$_bpid"
	if [ "$_m" = live ]; then
		kill -9 "$_hpid"
		wait "$_hpid" 2>/dev/null
		exec 9<&-
	fi
	echo "$_s0 $(size "$_ix")" >"$T/$_m.sizes"
}

if ! command -v mdb_stat >/dev/null 2>&1; then
	skip_check "a killed searcher's reader slot is cleared; batches after it do not grow the index" \
		"mdb_stat (lmdb-utils) is not installed"
	exit 0
fi
for m in none dead live; do
	scenario $m
done
read -r none0 none1 <"$T/none.sizes"
read -r dead0 dead1 <"$T/dead.sizes"
read -r live0 live1 <"$T/live.sizes"

begin "a searcher killed (SIGKILL) holding a read transaction leaves its reader slot; the next batch clears it"
cmd="kill -9 SEARCHER; gongwen-index -i IX y.jsonl; mdb_stat -r IX"
pid=$(cat "$T/dead.pid")
awk -v p="$pid" '$1 == p && $3 != "-" { f = 1 } END { exit !f }' "$T/dead.readers0" ||
	fails "searcher $pid holding a transaction in the reader table before the kill" "$(show "$T/dead.readers0")"
! awk -v p="$pid" '$1 == p { f = 1 } END { exit !f }' "$T/dead.readers1" ||
	fails "no slot of the killed searcher $pid after the first batch" "$(show "$T/dead.readers1")"
end_check

begin "$NB batches after the kill grow data.mdb as with no such reader"
cmd="$NB batches replacing 3000 documents"
[ "$dead1" -le $((none1 + 65536)) ] ||
	fails "at most $none1 bytes (+64 KB), as with no reader" "$dead1 bytes"
# The control: a reader that stays alive must hold the pages (else this
# test shows nothing): the file grows by a batch's worth each time.
[ "$live1" -gt $((none1 + 2000000)) ] ||
	fails "a live reader holding the first snapshot makes it grow by over 2 MB more ($none1 bytes without)" "$live1 bytes"
end_check
printf '    data.mdb before -> after %d batches, bytes: no reader %s -> %s; killed reader %s -> %s; live reader %s -> %s\n' \
	"$NB" "$none0" "$none1" "$dead0" "$dead1" "$live0" "$live1"

begin "the searcher that kept the index open answered before and after; every batch completed; --check passes"
for m in none dead live; do
	cmd="scenario $m"
	[ ! -s "$T/$m.err" ] || fails "no errors ($m)" "$(show "$T/$m.err")"
	[ "$(tr '\n' ' ' <"$T/$m.bout")" = "3000 3000 " ] ||
		fails "the --batch searcher counted 3000 twice ($m)" "$(show "$T/$m.bout")"
	run "$IDX" -i "$T/$m" --check
	check_exit 0
	check_true "the last batch's documents found ($m)" test "$("$SRCH" -i "$T/$m" --count xxx)" = 3000
done
end_check

[ "$nfail" -eq 0 ]
