#!/bin/sh
# e2e_disk: a full disk or an unwritable index directory gives a clear
# error (exit 2, one line naming the index) and leaves the index as it was.
#   1. Full disk, simulated with a file size limit (ulimit -f, SIGXFSZ
#      ignored: writes past it fail as on a full disk). Works anywhere.
#   2. A real full disk: a small tmpfs, mounted in a mount namespace of our
#      own (unshare); skipped, with a PASS that says so, where that is not
#      allowed.
#   3. An index made read-only (chmod), and new indexes in directories that
#      do not exist or are not writable. Root ignores permissions, so as
#      root the indexer runs as nobody (setpriv) for these.
# "As it was": --check passes, and --stats' documents line and the results
# of a few searches are byte for byte what they were before.
set -u -f
NAME=e2e_disk
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

# gen N TAG: JSON Lines of N documents tagged TAG, about 1 KB each: enough
# to grow the index by megabytes.
gen() {
	python3 -c 'import sys
n, tag = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    body = "第%d号文件 %s 众创空间建设 江苏 浙江 " % (i, tag) * 15
    print("{\"id\": \"%s%05d\", \"title\": \"通知 %s %d\", \"body\": \"%s\"}" % (tag, i, tag, i, body))' "$@"
}

# state INDEX FILE: what a user sees of INDEX, to compare before and after:
# the documents line of --stats, counts and the ranked hits of some queries.
state() {
	{
		"$IDX" -i "$1" --stats | grep '^documents'
		for q in 通知 众创空间 江苏 科技部 zzgrow; do
			printf '%s %s\n' "$q" "$("$SRCH" -i "$1" --count "$q")"
		done
		"$SRCH" -i "$1" -n 100 --format tsv 通知
	} >"$2" 2>&1
}

# check_unchanged INDEX: INDEX passes --check and shows what $T/before holds.
check_unchanged() {
	"$IDX" -i "$1" --check >"$T/check" 2>&1 ||
		fails "--check passes on '$1'" "$(show "$T/check")"
	state "$1" "$T/after"
	cmp -s "$T/before" "$T/after" ||
		fails "the same documents and search results as before" \
		      "$(diff "$T/before" "$T/after" | head -n 6)"
}

# limited BYTES CMD...: runs CMD with files limited to BYTES (RLIMIT_FSIZE;
# sh's ulimit -f counts 512-byte blocks) and SIGXFSZ ignored, so that a
# write past the limit fails (EFBIG, or a short write) instead of killing.
limited() {
	_b=$1
	shift
	(trap '' XFSZ && ulimit -f $((_b / 512)) && exec "$@")
}

# The commands that permissions must stop run as $as_user: nothing, or
# nobody when we are root; "none" if root cannot become nobody.
as_user=
if [ "$(id -u)" = 0 ]; then
	as_user=none
	if command -v setpriv >/dev/null 2>&1 &&
	   setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
		chmod 755 "$T" # nobody must reach the indexes in it
	fi
fi

# A small index of corpus/ and the bigger batch that will not fit.
BASE=$T/base
"$IDX" -q -i "$BASE" corpus/ 2>/dev/null
gen 2000 zzgrow >"$T/big.jsonl"
state "$BASE" "$T/before"

begin "full disk (file size limit), batch applied at once or in windows: exit 2, one line naming the index, the index unchanged"
IX=$T/ix1
cp -R "$BASE" "$IX"
# Room for 64 KB more than the index has: far less than the batch needs.
lim=$(($(wc -c <"$IX/data.mdb") + 65536))
run limited "$lim" "$IDX" -q -i "$IX" corpus/ "$T/big.jsonl"
check_exit 2
check_lines err 1
check_contains err "gongwen-index: cannot commit to index '$IX': write failed: "
check_contains err "File too large (file size limit?); the index is unchanged"
check_unchanged "$IX"
# The same when the batch is applied in windows as it is read.
run limited "$lim" env GONGWEN_WINDOW=65536 "$IDX" -q -i "$IX" corpus/ "$T/big.jsonl"
check_exit 2
check_lines err 1
check_contains err "gongwen-index: cannot commit to index '$IX': "
check_contains err "File too large (file size limit?); the index is unchanged"
check_unchanged "$IX"
end_check

begin "full disk (file size limit) with --rebuild: exit 2, no rebuild directory left, the index unchanged"
run limited "$lim" "$IDX" -q -i "$IX" --rebuild corpus/ "$T/big.jsonl"
check_exit 2
check_lines err 1
check_contains err "write failed: File too large"
check_true "no leftover rebuild directory" sh -c "! ls -d '$IX'.rebuild-* 2>/dev/null"
check_unchanged "$IX"
end_check

begin "the same batch without the limit completes"
run "$IDX" -q -i "$IX" corpus/ "$T/big.jsonl"
check_exit 0
run "$IDX" -i "$IX" --check
check_exit 0
check_true "all 2000 new documents found" test "$("$SRCH" -i "$IX" --count zzgrow)" = 2000
end_check

# A disk quota (EDQUOT), and a disk that fills up mid-commit: this kernel
# supports quotas on no filesystem, so tests/fail_writes.c, preloaded, fails
# the writes to data.mdb, after GW_FAIL_AFTER bytes have gone through.
SHIM=$B/tests/fail_writes.so
# A sanitized build wants its runtime first in the list of libraries.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
begin "disk quota exceeded, from the first write or mid-commit: exit 2, one line with the cause, the index unchanged"
IX=$T/quota
cp -R "$BASE" "$IX"
for after in 0 1000000; do
	run env LD_PRELOAD="$SHIM" GW_FAIL_AFTER=$after "$IDX" -q -i "$IX" corpus/ "$T/big.jsonl"
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot commit to index '$IX': write failed: Disk quota exceeded; the index is unchanged"
	check_unchanged "$IX"
done
run env LD_PRELOAD="$SHIM" GW_FAIL_ERRNO=ENOSPC GW_FAIL_AFTER=8192 "$IDX" -q -i "$IX" --delete rec-2021-002
check_exit 2
check_lines err 1
check_contains err "gongwen-index: cannot commit to index '$IX': write failed: No space left on device (disk full?); the index is unchanged"
check_unchanged "$IX"
end_check

# A real full disk: a 16 MB tmpfs (the batch needs about 6), filled up but
# for 256 KB. The mount lives only as long as its mount namespace, so all
# that needs it runs in $T/full.sh, which leaves in $T the results of its
# commands (full1..3) and a copy of the index after the failed batch.
mkdir "$T/mnt"
ns=
if ! command -v unshare >/dev/null 2>&1; then
	:
elif unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1"' sh "$T/mnt" 2>/dev/null; then
	ns="unshare -rm" # in a user namespace of our own: needs no privilege
elif [ "$(id -u)" = 0 ] && unshare -m sh -c 'mount -t tmpfs -o size=64k tmpfs "$1"' sh "$T/mnt" 2>/dev/null; then
	ns="unshare -m"
fi

# result N: the result of command N of full.sh as run's ($T/err, $rc).
result() {
	cp "$T/full$1.err" "$T/err" 2>/dev/null || : >"$T/err"
	rc=$(cat "$T/full$1.rc" 2>/dev/null)
	rc=${rc:--1}
}

if [ -z "$ns" ]; then
	printf 'PASS %s: real full disk (tmpfs): skipped, cannot mount a tmpfs here\n' "$NAME"
else
	cat >"$T/full.sh" <<'EOF'
set -u
[ -n "$T" ] && [ -d "$T/mnt" ] || exit 76
M=$T/mnt
mount -t tmpfs -o size=16m tmpfs "$M" || exit 77
cp -R "$T/base" "$M/ix"
cat /dev/zero >"$M/fill" 2>/dev/null
truncate -s -256K "$M/fill" || exit 78
"$IDX" -q -i "$M/ix" corpus/ "$T/big.jsonl" >/dev/null 2>"$T/full1.err"
echo $? >"$T/full1.rc"
cp -R "$M/ix" "$T/full_ix"
# Full to the last byte: a new index.
cat /dev/zero >>"$M/fill" 2>/dev/null
"$IDX" -q -i "$M/new" corpus/ >/dev/null 2>"$T/full2.err"
echo $? >"$T/full2.rc"
# Room again: the batch once more.
rm -f "$M/fill"
"$IDX" -q -i "$M/ix" corpus/ "$T/big.jsonl" >/dev/null 2>"$T/full3.err"
echo $? >"$T/full3.rc"
EOF
	T=$T IDX=$IDX $ns sh "$T/full.sh" >"$T/full.out" 2>&1
	frc=$?

	begin "real full disk (tmpfs): exit 2, 'No space left on device', the index unchanged"
	cmd="$ns sh full.sh"
	[ "$frc" -eq 0 ] || fails "the tmpfs script runs (exit 0)" "exit $frc: $(show "$T/full.out")"
	result 1
	cmd="$IDX -q -i $T/mnt/ix corpus/ $T/big.jsonl   # on the full tmpfs"
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot commit to index '$T/mnt/ix': write failed: No space left on device (disk full?); the index is unchanged"
	check_unchanged "$T/full_ix"
	end_check

	begin "real full disk (tmpfs): creating a new index fails cleanly (exit 2, no crash)"
	result 2
	cmd="$IDX -q -i $T/mnt/new corpus/   # on the full tmpfs"
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot open index '$T/mnt/new': No space left on device (disk full?)"
	end_check

	begin "real full disk (tmpfs): once there is room, the same batch completes"
	result 3
	cmd="$IDX -q -i $T/mnt/ix corpus/ $T/big.jsonl   # after making room"
	check_exit 0
	end_check
fi

if [ "$as_user" = none ]; then
	printf 'PASS %s: read-only index: skipped, running as root without setpriv\n' "$NAME"
	printf 'PASS %s: new index in an unwritable directory: skipped, running as root without setpriv\n' "$NAME"
else
	begin "read-only index (directory and files): exit 2, one line naming the index, the index unchanged${as_user:+ (as nobody)}"
	IX=$T/ro
	cp -R "$BASE" "$IX"
	chmod -R a-w "$IX"
	run $as_user "$IDX" -q -i "$IX" corpus/ "$T/big.jsonl"
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot open index '$IX': Permission denied"
	run $as_user "$IDX" -q -i "$IX" --delete rec-2021-002
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot open index '$IX': Permission denied"
	# LMDB's readers need lock.mdb writable too: give it back to search.
	chmod -R u+w "$IX"
	check_unchanged "$IX"
	end_check

	begin "new index in an unwritable directory: exit 2, one line naming the path, nothing created${as_user:+ (as nobody)}"
	mkdir "$T/rodir"
	chmod a-w "$T/rodir"
	run $as_user "$IDX" -q -i "$T/rodir/ix" corpus/
	check_exit 2
	check_lines err 1
	check_contains err "gongwen-index: cannot create '$T/rodir/ix': Permission denied"
	check_true "nothing created" test ! -e "$T/rodir/ix"
	chmod u+w "$T/rodir"
	end_check

	begin "first build into an empty index whose parent is not writable: built in place${as_user:+ (as nobody)}"
	# A first build goes beside the index; where it cannot, into it.
	mkdir -p "$T/roparent/ix"
	chown 65534:65534 "$T/roparent/ix"
	chmod a-w "$T/roparent"
	run $as_user "$IDX" -q -i "$T/roparent/ix" corpus/
	check_exit 0
	check_true "the documents are found" test "$("$SRCH" -i "$T/roparent/ix" --count 众创空间)" -gt 0
	run "$IDX" -i "$T/roparent/ix" --check
	check_exit 0
	chmod u+w "$T/roparent"
	end_check
fi

begin "new index whose parent does not exist or is a file: exit 2, one line naming the path"
run "$IDX" -q -i "$T/no/such/ix" corpus/
check_exit 2
check_lines err 1
check_contains err "gongwen-index: cannot create '$T/no/such/ix': No such file or directory"
check_true "nothing created" test ! -e "$T/no"
run "$IDX" -q -i "$T/big.jsonl/ix" corpus/
check_exit 2
check_lines err 1
check_contains err "gongwen-index: cannot create '$T/big.jsonl/ix': Not a directory"
end_check

[ "$nfail" -eq 0 ]
