#!/bin/sh
# two_clusters: the extension split over two throwaway clusters. The
# notices of corpus/ (every .txt, .docx, .ofd, .html, with their records)
# are loaded by gongwen_parse into a table on the first cluster; the same
# rows go into a table partitioned by hash of id, one partition local, one
# a postgres_fdw foreign table on the second cluster. For every query, both
# scripts, the documents found through the partitions must be those found
# in the one table, and the second cluster must have answered some.
# Prints the clusters' folder ("clusters in DIR"), then "same N M remote R"
# (N queries, M documents found in all, R of them rows of the second
# cluster) or "differ: " and the queries that differ.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/pg/tests/cluster.sh"

echo "clusters in $GW_PG_TMP"
cluster_setup
cluster_start main
cluster_start second
mkdir -p "$GW_PG_TMP/corpus"
cp "$top"/corpus/*.txt "$top"/corpus/*.docx "$top"/corpus/*.ofd "$top"/corpus/*.html "$GW_PG_TMP/corpus/"
chmod -R a+rX "$GW_PG_TMP/corpus"
# The remote plans postgres_fdw's cursors for all their rows (see the
# README's Scaling out).
cluster_psql second -c "CREATE EXTENSION gongwen" -c "CREATE TABLE parts_1 (id text, tsv tsvector)" \
	-c "CREATE INDEX ON parts_1 USING gin (tsv)" \
	-c "ALTER DATABASE postgres SET cursor_tuple_fraction = 1.0" >/dev/null
cluster_psql main -c "SET client_min_messages = error" -c "CREATE EXTENSION gongwen" -c "CREATE EXTENSION postgres_fdw" \
	-c "CREATE SERVER second FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$GW_PG_TMP', port '$(cluster_port second)', dbname 'postgres', extensions 'gongwen')" \
	-c "CREATE USER MAPPING FOR CURRENT_USER SERVER second OPTIONS (user '$GW_PG_USER')" \
	-c "CREATE TABLE one AS SELECT p.id, to_tsvector('gongwen', concat_ws(' ', p.title, p.number, p.body, p.fields::text)) AS tsv
	    FROM pg_ls_dir('$GW_PG_TMP/corpus') f, gongwen_parse(pg_read_binary_file('$GW_PG_TMP/corpus/' || f),
	         regexp_replace(f, '.*\\.', ''), f) p" \
	-c "CREATE TABLE split (id text, tsv tsvector) PARTITION BY HASH (id)" \
	-c "CREATE TABLE parts_0 PARTITION OF split FOR VALUES WITH (MODULUS 2, REMAINDER 0)" \
	-c "CREATE INDEX ON parts_0 USING gin (tsv)" \
	-c "CREATE FOREIGN TABLE parts_1 PARTITION OF split FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER second" \
	-c "INSERT INTO split SELECT * FROM one" >/dev/null
cluster_psql main -At -F ' ' <<'SQL'
CREATE TEMP TABLE q (q text);
INSERT INTO q VALUES ('众创空间'), ('眾創空間'), ('专业化众创空间 江苏'), ('國家專業化眾創空間 -天津'),
	('孵化器'), ('海康威视'), ('国科发区〔2020〕73号'), ('國科發區[2020]73號'), ('科技'), ('通知'),
	('灣區科技創新獎'), ('湾区科技创新奖'), ('名单'), ('公告'), ('省份'), ('江苏'), ('工信部'), ('〔2021〕');
WITH r AS (
	SELECT q.q,
		array(SELECT DISTINCT id FROM one WHERE tsv @@ websearch_to_tsquery('gongwen', q.q) ORDER BY 1) AS local,
		array(SELECT DISTINCT id FROM split WHERE tsv @@ websearch_to_tsquery('gongwen', q.q) ORDER BY 1) AS split,
		(SELECT count(*) FROM parts_1 WHERE tsv @@ websearch_to_tsquery('gongwen', q.q)) AS remote
	FROM q)
SELECT CASE WHEN bool_and(local = split) AND sum(remote) > 0 AND sum(cardinality(local)) > 0
	THEN 'same ' || count(*) || ' ' || sum(cardinality(local)) || ' remote ' || sum(remote)
	ELSE 'differ: ' || coalesce(string_agg(q || ' local ' || local::text || ' split ' || split::text, '; ')
		FILTER (WHERE local <> split), 'no query found anything on the second cluster') END
FROM r;
SQL
