#!/bin/bash
# bench_pg: the gongwen extension on the shared corpus, beside gongwen-search
# and pg_trgm on the same table (make bench-pg; about 3 minutes).
#
#   1. A throwaway cluster (pg/tests/cluster.sh). The corpus (JSON Lines,
#      9,930 documents) is loaded by gongwen_parse into docs(id, title, body).
#   2. gongwen: parts(id, tsv), the title and the body's pieces
#      (gongwen_chunks: 2,000 characters, 64 overlapping) as tsvectors, and a
#      GIN index. pg_trgm: docs.ftext (title and body folded by
#      gongwen_fold) and docs.rtext (as written), each with a GIN
#      gin_trgm_ops index. Build times: each statement as psql runs it.
#   3. gongwen-index builds its own index of the same file.
#   4. eval.py of ../shared/bench runs known.tsv, latin.tsv and mixed.tsv
#      through gongwen-search --batch and through pg/bench/pg_search (one
#      query a round trip over the unix socket; times as the client sees
#      them) in modes gongwen, trgm and trgm-raw.
#   5. Every known-item query in both scripts (query_hans, query_hant) runs
#      through gongwen-search and the extension with 1,000 hits: their
#      document sets must be the same (count of queries that differ).
#   6. Two clusters: the parts split by hash of id across a second cluster,
#      reached through postgres_fdw as partitions of one table; the
#      known-item queries must give the same documents as on one cluster
#      (and as gongwen-search).
# Output: markdown tables on stdout; logs in $OUT (default /tmp/gongwen-bench-pg).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$top/../shared}
BENCH=$SHARED/bench
OUT=${OUT:-/tmp/gongwen-bench-pg}
: "${GW_BUILD:=$top/build}"
case $GW_BUILD in /*) ;; *) GW_BUILD=$top/$GW_BUILD ;; esac
. "$top/pg/tests/cluster.sh"

T0=$(date +%s)
step() { echo "[$(($(date +%s) - T0))s] $*" >&2; }
rm -rf "$OUT"
mkdir -p "$OUT"

step "cluster, extension, corpus"
cluster_setup
cluster_start main
cluster_psql main -c "ALTER SYSTEM SET maintenance_work_mem = '256MB'" -c "ALTER SYSTEM SET jit = off" \
	-c "ALTER SYSTEM SET shared_buffers = '256MB'" >/dev/null
as_user "$GW_PG_BIN/pg_ctl" -D "$GW_PG_TMP/main" -w restart -l "$GW_PG_TMP/main.log" \
	-o "-k $GW_PG_TMP -c listen_addresses= -p $(cluster_port main) -c fsync=off" >/dev/null
xz -dc "$SHARED/corpus/zh-docs.jsonl.xz" >"$GW_PG_TMP/corpus.jsonl"
chmod 644 "$GW_PG_TMP/corpus.jsonl"
cc -std=gnu11 -O2 -Wall -Wextra -I"$($PG_CONFIG --includedir)" "$top/pg/bench/pg_search.c" \
	-o "$OUT/pg_search" -lpq
export PGHOST=$GW_PG_TMP PGPORT=$(cluster_port main) PGUSER=$GW_PG_USER PGDATABASE=postgres

# timed NAME SQL: runs SQL, appends "NAME seconds" to $OUT/times.
timed() {
	local t0 t1
	t0=$(date +%s.%N)
	cluster_psql main -c "$2" >>"$OUT/psql.log"
	t1=$(date +%s.%N)
	echo "$1 $(echo "$t1 - $t0" | bc)" >>"$OUT/times"
}
cluster_psql main -c "CREATE EXTENSION gongwen" -c "CREATE EXTENSION pg_trgm" >/dev/null
timed load "CREATE TABLE docs AS SELECT id, title, body FROM gongwen_parse(pg_read_binary_file('$GW_PG_TMP/corpus.jsonl'), 'jsonl', 'zh-docs.jsonl')"

step "gongwen: tsvectors and the GIN index"
timed gongwen_tsv "CREATE TABLE parts AS SELECT id, to_tsvector('gongwen', piece) AS tsv FROM (
	SELECT id, title AS piece FROM docs WHERE title IS NOT NULL
	UNION ALL SELECT d.id, c.piece FROM docs d, gongwen_chunks(d.body, 2000, 64) c) s"
timed gongwen_gin "CREATE INDEX parts_tsv ON parts USING gin (tsv)"

step "pg_trgm: folded and raw text, GIN trigram indexes"
timed trgm_text "ALTER TABLE docs ADD COLUMN ftext text, ADD COLUMN rtext text;
	UPDATE docs SET rtext = concat_ws(E'\n', title, body), ftext = gongwen_fold(concat_ws(E'\n', title, body))"
timed trgm_gin "CREATE INDEX docs_ftext ON docs USING gin (ftext gin_trgm_ops)"
timed trgm_raw_gin "CREATE INDEX docs_rtext ON docs USING gin (rtext gin_trgm_ops)"
cluster_psql main -c "VACUUM ANALYZE docs" -c "VACUUM ANALYZE parts" >/dev/null
cluster_psql main -At -F ' ' -c "SELECT 'parts_rows', count(*) FROM parts" \
	-c "SELECT 'gongwen_mb', round((pg_table_size('parts') + pg_indexes_size('parts')) / 1e6, 1)" \
	-c "SELECT 'gongwen_gin_mb', round(pg_relation_size('parts_tsv') / 1e6, 1)" \
	-c "SELECT 'trgm_gin_mb', round(pg_relation_size('docs_ftext') / 1e6, 1)" \
	-c "SELECT 'trgm_raw_gin_mb', round(pg_relation_size('docs_rtext') / 1e6, 1)" >>"$OUT/times"

step "gongwen-index"
t0=$(date +%s.%N)
"$GW_BUILD/gongwen-index" -q -i "$OUT/zh" "$GW_PG_TMP/corpus.jsonl" >"$OUT/gongwen-index.log" 2>&1
t1=$(date +%s.%N)
echo "gongwen_index $(echo "$t1 - $t0" | bc)" >>"$OUT/times"
echo "gongwen_index_mb $(du -sb "$OUT/zh" | awk '{printf "%.1f", $1 / 1e6}')" >>"$OUT/times"

step "eval.py: gongwen-search, pg gongwen, pg trgm, pg trgm-raw"
for qs in known latin mixed; do
	python3 "$BENCH/eval.py" "$BENCH/queries/$qs.tsv" --name gongwen-search \
		--cmd "$GW_BUILD/gongwen-search -i $OUT/zh --batch -n {k} --timings \"\$BENCH_LAT_FILE\"" \
		>"$OUT/eval-gongwen-search-$qs.txt"
	for m in gongwen trgm trgm-raw; do
		python3 "$BENCH/eval.py" "$BENCH/queries/$qs.tsv" --name "pg-$m" \
			--cmd "$OUT/pg_search $m {k}" >"$OUT/eval-pg-$m-$qs.txt"
	done
done

step "the same documents for every known-item query, both scripts"
python3 - "$BENCH/queries/known.tsv" "$OUT" <<'PY'
import csv, sys
qs, out = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(qs, encoding="utf-8"), delimiter="\t"))
with open(out + "/known-both.txt", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(r["query_hans"] + "\n" + r["query_hant"] + "\n")
PY
"$GW_BUILD/gongwen-search" -i "$OUT/zh" --batch -n 1000 <"$OUT/known-both.txt" >"$OUT/sets-gongwen-search.txt"
"$OUT/pg_search" gongwen 1000 <"$OUT/known-both.txt" >"$OUT/sets-pg-gongwen.txt"

step "two clusters: parts split by hash of id, one half through postgres_fdw"
cluster_start second
# postgres_fdw reads through a cursor, which the remote plans for its first
# tenth of rows (cursor_tuple_fraction 0.1): a sequential scan that
# rechecks every tsvector (14 ms a query here) instead of the GIN index
# (0.5 ms). The remote database plans for all rows instead.
cluster_psql second -c "CREATE EXTENSION gongwen" \
	-c "ALTER DATABASE postgres SET cursor_tuple_fraction = 1.0" >/dev/null
cluster_psql main -c "CREATE EXTENSION postgres_fdw" \
	-c "CREATE SERVER second FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$GW_PG_TMP', port '$(cluster_port second)', dbname 'postgres', extensions 'gongwen')" \
	-c "CREATE USER MAPPING FOR CURRENT_USER SERVER second OPTIONS (user '$GW_PG_USER')" >/dev/null
cluster_psql second -c "CREATE TABLE parts_1 (id text, tsv tsvector)" >/dev/null
cluster_psql main -c "CREATE TABLE split (id text, tsv tsvector) PARTITION BY HASH (id)" \
	-c "CREATE TABLE parts_0 PARTITION OF split FOR VALUES WITH (MODULUS 2, REMAINDER 0)" \
	-c "CREATE FOREIGN TABLE parts_1 PARTITION OF split FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER second" >/dev/null
timed split_load "INSERT INTO split SELECT id, tsv FROM parts"
cluster_psql main -c "CREATE INDEX ON parts_0 USING gin (tsv)" -c "ANALYZE parts_0" >/dev/null
cluster_psql second -c "CREATE INDEX ON parts_1 USING gin (tsv)" -c "ANALYZE parts_1" >/dev/null
cluster_psql main -At -F ' ' -c "SELECT 'split_local', count(*) FROM parts_0" >>"$OUT/times"
cluster_psql second -At -F ' ' -c "SELECT 'split_remote', count(*) FROM parts_1" >>"$OUT/times"
cluster_psql main -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT DISTINCT id FROM split WHERE tsv @@ websearch_to_tsquery('gongwen', '名输入')" >"$OUT/split-explain.txt"
PGTABLE=split "$OUT/pg_search" gongwen 1000 <"$OUT/known-both.txt" >"$OUT/sets-pg-split.txt" 2>"$OUT/split.err" ||
	{ cat "$OUT/split.err" >&2; exit 2; }
python3 "$BENCH/eval.py" "$BENCH/queries/known.tsv" --name pg-split \
	--cmd "PGTABLE=split $OUT/pg_search gongwen {k}" >"$OUT/eval-pg-split-known.txt"

step "report"
python3 "$top/pg/tests/bench_report.py" "$OUT"
