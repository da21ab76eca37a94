#!/bin/sh
# e2e_reindex: end-to-end tests of re-indexing with gongwen-index: unchanged
# documents skipped, --prune after edits to a copied corpus, --delete, and
# the tools --stats, --compact and --dump. One line per check: "PASS
# e2e_reindex: what" or "FAIL e2e_reindex: what" with details.
set -u -f
NAME=e2e_reindex
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

# finds INDEX QUERY ID / finds_not INDEX QUERY ID
finds() {
	run "$SRCH" -i "$1" -n 1000 --json -- "$2"
	check_contains out "\"id\":\"$3\""
}
finds_not() {
	run "$SRCH" -i "$1" -n 1000 --json -- "$2"
	check_not_contains out "\"id\":\"$3\""
}

begin "index corpus/, then again: '0 added, 0 replaced, N unchanged'"
run "$IDX" -i "$T/c" corpus/
check_exit 0
NDOCS=$(sed -n 's/^gongwen-index: \([0-9]*\) added, 0 replaced, 0 unchanged, 0 deleted, 0 rejected in .*/\1/p' "$T/err")
[ -n "$NDOCS" ] || fails "a first summary 'N added, 0 replaced, ...'" "$(show "$T/err")"
run "$IDX" -i "$T/c" corpus/
check_exit 0
check_contains err "gongwen-index: 0 added, 0 replaced, ${NDOCS:-?} unchanged, 0 deleted, 0 rejected in "
run "$IDX" -i "$T/c" --check
check_exit 0
end_check

# A copy of the corpus to edit: remove the last data row of the CSV, delete
# a notice file, change one line of the .jsonl and drop another.
cp -R corpus "$T/cp"
begin "copied corpus indexed; then edited and re-indexed with --prune: right counts"
run "$IDX" -q -i "$T/p" "$T/cp"
check_exit 0
rows=$(grep -c '^[0-9]' "$T/cp/records-2023.csv")
python3 - "$T/cp" <<'PY'
import sys
d = sys.argv[1]
p = d + "/records-2023.csv"
lines = open(p, encoding="utf-8-sig").read().split("\n")
# the last data row (the file may end with a newline)
while lines and not lines[-1].strip():
    lines.pop()
lines.pop()
open(p, "w", encoding="utf-8").write("\ufeff" + "\n".join(lines) + "\n")
p = d + "/records-extra.jsonl"
lines = [l for l in open(p, encoding="utf-8").read().split("\n") if l.strip()]
lines[0] = lines[0].replace('"title": "', '"title": "萤光棒测试 ', 1)
del lines[1]
open(p, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
rm "$T/cp/notice-mixed-2022.txt"
run "$IDX" -i "$T/p" --prune "$T/cp"
check_exit 0
# deleted: the mixed notice, the last CSV row, the dropped JSON line.
check_contains err " 0 added, 1 replaced, "
check_contains err " unchanged, 3 deleted, 0 rejected in "
run "$IDX" -i "$T/p" --check
check_exit 0
end_check

begin "after --prune: searches find the edited line, not the removed documents"
finds "$T/p" 萤光棒测试 rec-2021-001
finds_not "$T/p" 萤火虫 rec-2021-002
run "$SRCH" -i "$T/p" -n 1000 --json -- 通知
check_not_contains out "notice-mixed-2022.txt"
check_not_contains out "records-2023.csv#$rows\""
end_check

begin "--prune again: nothing left to do"
run "$IDX" -i "$T/p" --prune "$T/cp"
check_exit 0
check_contains err "gongwen-index: 0 added, 0 replaced, "
check_contains err " unchanged, 0 deleted, 0 rejected in "
end_check

begin "--prune of one file keeps the documents of other files"
printf '{"id":"solo-1","title":"独立文件甲"}\n{"id":"solo-2","title":"独立文件乙"}\n' >"$T/solo.jsonl"
run "$IDX" -q -i "$T/p" "$T/solo.jsonl"
printf '{"id":"solo-1","title":"独立文件甲"}\n' >"$T/solo.jsonl"
run "$IDX" -i "$T/p" --prune "$T/solo.jsonl"
check_exit 0
check_contains err "gongwen-index: 0 added, 0 replaced, 1 unchanged, 1 deleted, 0 rejected in "
finds "$T/p" 萤光棒测试 rec-2021-001
finds "$T/p" 独立文件甲 solo-1
finds_not "$T/p" 独立文件乙 solo-2
end_check

begin "--delete ID: deleted and not found are counted"
run "$IDX" -i "$T/p" --delete solo-1 no-such-id
check_exit 1
check_contains err "gongwen-index: 1 deleted, 1 not found in "
finds_not "$T/p" 独立文件甲 solo-1
end_check

begin "--delete - reads ids from stdin; an id given twice is deleted once, then not found"
printf 'rec-2021-001\r\n\nrec-2020-003\nrec-2021-001\n' >"$T/ids"
run_in "$T/ids" "$IDX" -i "$T/p" --delete -
check_exit 1
check_contains err "gongwen-index: 2 deleted, 1 not found in "
finds_not "$T/p" 萤光棒测试 rec-2021-001
run "$IDX" -i "$T/p" --check
check_exit 0
end_check

begin "--stats: document counts, terms, postings, databases"
run "$IDX" -i "$T/c" --stats
check_exit 0
check_contains out "documents          ${NDOCS:-?} ("
check_contains out " notices, "
check_contains out " records, "
check_contains out "distinct terms"
check_contains out "postings"
check_contains out "format             10"
check_contains out "post "
check_contains out "lens "
end_check

begin "--compact DEST: a copy that --check accepts and that searches the same"
run "$IDX" -i "$T/c" --compact "$T/cc"
check_exit 0
run "$IDX" -i "$T/cc" --check
check_exit 0
check_contains out "${NDOCS:-?} documents"
for q in 众创空间 江苏 files 通知; do
	"$SRCH" -i "$T/c" -n 1000 --json -- "$q" 2>&1 | sed 's/"time_ms":[0-9.]*//' >"$T/a"
	"$SRCH" -i "$T/cc" -n 1000 --json -- "$q" 2>&1 | sed 's/"time_ms":[0-9.]*//' >"$T/b"
	check_true "same results for $q" cmp -s "$T/a" "$T/b"
done
run "$IDX" -i "$T/c" --compact "$T/cc"
check_exit 2
check_contains err "not empty"
end_check

begin "--check finds a lens entry whose id is not its record's (ids print from lens, else from the record)"
if have mdb_load; then
	printf '{"id":"solo-1","title":"独立文件甲"}\n{"id":"solo-2","title":"独立文件乙"}\n' >"$T/lid.jsonl"
	run "$IDX" -q -i "$T/lid" "$T/lid.jsonl"
	run "$IDX" -i "$T/lid" --check
	check_exit 0
	mdb_dump -p -s lens "$T/lid" | sed 's/solo-2/solo-X/' >"$T/lens.txt"
	mdb_load -s lens -f "$T/lens.txt" "$T/lid" 2>/dev/null
	echo 独立文件乙 >"$T/q"
	run_in "$T/q" "$SRCH" -i "$T/lid" --batch -n 3
	check_contains out "solo-X"
	run "$IDX" -i "$T/lid" --check
	check_exit 1
	check_contains err "docid 2: lens id disagrees with the record's"
	# An entry without its id: the id comes from the record.
	mdb_dump -s lens "$T/lid" | sed 's/020b0101010505736f6c6f2d58/02050101010505/' >"$T/lens.hex"
	mdb_load -s lens -f "$T/lens.hex" "$T/lid" 2>/dev/null
	run_in "$T/q" "$SRCH" -i "$T/lid" --batch -n 3
	check_contains out "solo-2"
	check_not_contains out "solo-X"
fi
end_check

begin "an index of format 6 (no norms table) is refused with 'rebuild the index', and left as it was"
if have mdb_load; then
	# Format 6 had every table but norms: copy the others, with format 6.
	mkdir -p "$T/v6"
	for db in meta fields ids docs lens post; do
		mdb_dump -s $db "$T/c" >"$T/v6.$db" || fails "mdb_dump -s $db" ""
		[ $db = meta ] && sed -i '/^ 666f726d6174$/{n;s/^ [0-9a-f][0-9a-f]/ 06/}' "$T/v6.$db"
		mdb_load -s $db -f "$T/v6.$db" "$T/v6" 2>/dev/null || fails "mdb_load -s $db" ""
	done
	mdb_stat -a "$T/v6" | grep -c "^Status of" >"$T/v6.dbs"
	run "$SRCH" -i "$T/v6" 众创空间
	check_exit 2
	check_contains err "has format 6 / analyzer "
	check_contains err ", this gongwen reads format 10"
	check_contains err "rebuild the index"
	run "$IDX" -i "$T/v6" corpus/
	check_exit 2
	check_contains err "rebuild the index"
	mdb_stat -a "$T/v6" | grep -c "^Status of" >"$T/v6.dbs2"
	check_true "no table added to the refused index" cmp -s "$T/v6.dbs" "$T/v6.dbs2"
fi
end_check

begin "--dump ID: stored fields and terms with positions"
run "$IDX" -i "$T/c" --dump corpus/notice-sc-2021-15.txt
check_exit 0
check_contains out "id corpus/notice-sc-2021-15.txt"
check_contains out "field _source (stored only): corpus/notice-sc-2021-15.txt"
check_contains out "terms title:"
check_contains out "  bigram 众创 @"
run "$IDX" -i "$T/c" --dump no-such-id
check_exit 1
check_contains err "no document with id 'no-such-id'"
end_check

begin "usage: --prune needs PATHs, tools take none"
run "$IDX" -i "$T/c" --stats corpus/
check_exit 2
run "$IDX" -i "$T/c" --delete
check_exit 2
run "$IDX" -i "$T/c" --check --stats
check_exit 2
end_check

# --- -j: the same index for any number of threads -------------------------------

# same_as_j1 WHAT DIR: mdb_dump -a of DIR, its map size aside, is that of
# the -j 1 build ($T/j1m.dump, made by the first check below).
same_as_j1() {
	if have mdb_dump; then
		mdb_dump -a "$2" | grep -v '^mapsize=' >"$T/cmp.dump" 2>&1
		check_true "$1" cmp -s "$T/j1m.dump" "$T/cmp.dump"
	fi
}

begin "-j 1 and -j 2 build byte-identical index contents (mdb_dump -a), texts packed with a dictionary"
# 1.4 MB of texts: enough to train the index's text dictionary.
python3 -c 'import sys
for i in range(1500):
    print("{\"id\": \"j%d\", \"title\": \"標題 %d\", \"body\": \"%s\"}" % (i, i, "第%d段 众创空间 files 測試 " % i * 24))' >"$T/j.jsonl"
run "$IDX" -j 1 -i "$T/j1" corpus/ "$T/j.jsonl"
check_exit 0
run "$IDX" -i "$T/j1" --stats
check_true "a text dictionary was trained" awk '/^text dictionary/ {exit !($3 > 1000)}' "$T/out"
check_true "the 1500 bodies, at least, packed with it" awk '/^stored texts/ {
	n = $0; sub(/ zstd with the dictionary.*/, "", n); sub(/.* /, "", n); exit !(n >= 1500) }' "$T/out"
run "$IDX" -j 2 -i "$T/j2" corpus/ "$T/j.jsonl"
check_exit 0
if have mdb_dump; then
	mdb_dump -a "$T/j1" >"$T/j1.dump" 2>&1
	grep -v '^mapsize=' "$T/j1.dump" >"$T/j1m.dump"
	mdb_dump -a "$T/j2" >"$T/j2.dump" 2>&1
	check_true "the dumps are identical" cmp -s "$T/j1.dump" "$T/j2.dump"
	check_true "and not empty" test "$(wc -c <"$T/j1.dump")" -gt 100000
else
	fails "mdb_dump (Debian package lmdb-utils) installed" "not found"
fi
run "$IDX" -i "$T/j2" --check
check_exit 0
end_check

begin "the text dictionary: none for a small batch, trained by the first with 1 MB of texts, then kept; texts packed before and after it read back"
IX=$T/zd
run "$IDX" -q -i "$IX" corpus/
check_exit 0
run "$IDX" -i "$IX" --stats
check_contains out "text dictionary    0 bytes"
check_true "the long notice packed without one" awk '/^stored texts/ {exit !($0 ~ / [1-9][0-9]* zstd,/)}' "$T/out"
cp "$T/j.jsonl" "$T/zdj.jsonl"
run "$IDX" -q -i "$IX" "$T/zdj.jsonl"
check_exit 0
run "$IDX" -i "$IX" --stats
grep '^text dictionary' "$T/out" >"$T/zd.dict"
check_true "a dictionary now" awk '{exit !($3 > 1000)}' "$T/zd.dict"
# Texts of both kinds come back whole: in snippets, and when a document
# is replaced or deleted (its stored text is analyzed again for that).
run "$SRCH" -i "$IX" --json 专业化众创空间建设
check_contains out "专业化众创空间建设"
run "$SRCH" -i "$IX" --json 第7段
check_contains out "第7段 众创空间 files 測試"
sed -i 's/"id": "j7"/"id": "j7x"/; s/"id": "j8", "title": "標題 8"/"id": "j8", "title": "標題 8 改"/' "$T/zdj.jsonl"
run "$IDX" -q -i "$IX" --prune "$T/zdj.jsonl"
check_exit 0
check_contains err "1 added, 1 replaced, 1498 unchanged, 1 deleted"
run "$IDX" -q -i "$IX" corpus/ --prune
check_exit 0
run "$IDX" -i "$IX" --check
check_exit 0
run "$IDX" -i "$IX" --stats
check_true "the same dictionary as before" sh -c "grep '^text dictionary' '$T/out' | cmp -s - '$T/zd.dict'"
end_check

begin "a first build commits as it goes (here every 50 kB written); one transaction gives the same index"
GONGWEN_CHECKPOINT=50000 GONGWEN_BUDGET=300000 run "$IDX" -i "$T/j5" corpus/ "$T/j.jsonl"
check_exit 0
# Merges across commits free pages: past a tenth of the file, a compacted
# copy is swapped in instead.
check_contains err "gongwen-index: compacted the new index from "
check_true "no build directory left beside it" sh -c "! ls -d '$T/j5'.rebuild-* 2>/dev/null"
run "$IDX" -i "$T/j5" --stats
# The packed copy keeps only the few pages its own commits replaced, and
# its pages are as full as those of a build written in one flush (j1):
# merges split pages half full, which dropping free pages alone keeps.
check_true "under 5% of the swapped-in file is free" awk '
	/^file bytes/ {f = $3} /^free bytes/ {u = $3} END {exit !(f > 0 && u * 20 < f)}' "$T/out"
check_true "no bigger than the build in one flush, give or take 5%" \
	test "$(($(wc -c <"$T/j5/data.mdb") * 20))" -le "$(($(wc -c <"$T/j1/data.mdb") * 21))"
# An index that exists (empty) takes the batch in one transaction.
: >"$T/empty.jsonl"
run "$IDX" -i "$T/j6" "$T/empty.jsonl"
check_exit 0
run "$IDX" -i "$T/j6" corpus/ "$T/j.jsonl"
check_exit 0
same_as_j1 "the staged dump equals the default build's" "$T/j5"
same_as_j1 "the one-transaction dump equals it too" "$T/j6"
run "$IDX" -i "$T/j5" --check
check_exit 0
end_check

begin "an index reached through a symbolic link: a first build and --rebuild keep the link"
mkdir -p "$T/real/ix"
ln -s "$T/real/ix" "$T/link"
run "$IDX" -q -i "$T/link" corpus/
check_exit 0
check_true "still a link" test -L "$T/link"
check_true "the index is in the directory it names" test -e "$T/real/ix/data.mdb"
run "$IDX" -q -i "$T/link" --rebuild corpus/
check_exit 0
check_true "still a link after --rebuild" test -L "$T/link"
check_true "searches find the documents" test "$("$SRCH" -i "$T/link" --count 众创空间)" -gt 0
end_check

begin "a 100 kB memory budget (many merges and windows during the commit) builds the same index"
GONGWEN_BUDGET=100000
export GONGWEN_BUDGET
run "$IDX" -i "$T/j3" corpus/ "$T/j.jsonl"
unset GONGWEN_BUDGET
check_exit 0
if have mdb_dump; then
	mdb_dump -a "$T/j3" >"$T/j3.dump" 2>&1
	check_true "the dump equals the default build's" cmp -s "$T/j1.dump" "$T/j3.dump"
fi
end_check

begin "--memory 16 (1 MB windows, 6 MB of postings) builds the same index; a budget below 16 MB is refused"
run "$IDX" --memory 16 -i "$T/j7" corpus/ "$T/j.jsonl"
check_exit 0
same_as_j1 "the dump equals the default build's" "$T/j7"
run "$IDX" --memory 15 -i "$T/j8" corpus/
check_exit 2
check_contains err "--memory takes 16 to 1048576 (MB), not '15'"
check_true "nothing created" test ! -e "$T/j8"
end_check

begin "a batch applied in 100 kB windows as it is read builds the same index (map size aside)"
GONGWEN_WINDOW=100000
export GONGWEN_WINDOW
run "$IDX" -i "$T/j4" corpus/ "$T/j.jsonl"
unset GONGWEN_WINDOW
check_exit 0
same_as_j1 "the dump equals the default build's" "$T/j4"
run "$IDX" -i "$T/j4" --check
check_exit 0
end_check

begin "a batch that leaves a third of the file free is followed by a compacted copy; --stats tells used from free"
# day N: 800 documents, every one's text changed from the day before.
day() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < 800; i++)
		printf "{\"id\":\"n%d\",\"title\":\"第%d天 通知%d\",\"body\":\"关于第%d号文件的第%d次修订 江苏省%d 萤火虫%d\"}\n", i, n, i, i * 7 + n, n, i % 13 + n, i % 29 }' >"$T/nightly.jsonl"
}
day 1
run "$IDX" -q -i "$T/n" "$T/nightly.jsonl"
check_exit 0
day 2
GONGWEN_NO_COMPACT=1 run "$IDX" -i "$T/n" "$T/nightly.jsonl"
check_exit 0
run "$IDX" -i "$T/n" --stats
# The replaced documents' pages are free now, and --stats says so.
check_true "--stats: free bytes over a third of the used ones" awk '
	/^used bytes/ {u = $3} /^free bytes/ {f = $3} END {exit !(u > 0 && f * 3 > u)}' "$T/out"
size2=$(wc -c <"$T/n/data.mdb")
day 3
run "$IDX" -i "$T/n" "$T/nightly.jsonl"
check_exit 0
check_contains err "gongwen-index: 0 added, 800 replaced, 0 unchanged, 0 deleted, 0 rejected in "
check_contains err "gongwen-index: compacted the index from "
check_true "no compaction directory left beside it" sh -c "! ls -d '$T/n'.rebuild-* 2>/dev/null"
check_true "the compacted file is smaller than the one before" test "$(wc -c <"$T/n/data.mdb")" -lt "$size2"
run "$IDX" -i "$T/n" --stats
check_true "--stats: under 5% free after the compaction" awk '
	/^used bytes/ {u = $3} /^free bytes/ {f = $3} END {exit !(u > 0 && f * 20 < u)}' "$T/out"
run "$IDX" -i "$T/n" --check
check_exit 0
check_contains out "800 documents"
check_true "day 3's text found in every document" test "$("$SRCH" -i "$T/n" --count 第3天)" = 800
check_true "day 2's text in none" test "$("$SRCH" -i "$T/n" --count 第2天)" = 0
# --delete is a batch too.
awk 'BEGIN { for (i = 0; i < 600; i++) print "n" i }' >"$T/ids"
run_in "$T/ids" "$IDX" -i "$T/n" --delete -
check_exit 0
check_contains err "gongwen-index: 600 deleted, 0 not found in "
check_contains err "gongwen-index: compacted the index from "
run "$IDX" -i "$T/n" --check
check_exit 0
check_contains out "200 documents"
end_check

[ "$nfail" -eq 0 ]
