-- gongwen_parse: the readers of gongwen-index as SQL, from a column and
-- from files; the rows fill a table that the gongwen configuration indexes.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS gongwen;
\getenv abs_srcdir PG_ABS_SRCDIR
\set corpus :abs_srcdir '/../../corpus/'
\set prc :corpus 'notice-prc-header-2020.txt'
\set docx :corpus 'notice-tc-2022-31.docx'
\set ofd :corpus 'notice-2021-218.ofd'

-- A notice (text): its standard parts and, for its table, one record a row.
SELECT id, type, title, number, date, kind, left(body, 20) AS body,
	fields->>'issuer' AS issuer, fields->>'省份' AS province
FROM gongwen_parse(E'国办发〔2020〕12号\n国务院办公厅关于做好科技成果转化工作的通知\n各省、自治区、直辖市人民政府：\n现就有关事项通知如下。\n序号|省份|名称\n1|江苏|南京孵化器\n2|浙江|杭州孵化器\n国务院办公厅\n2020年3月20日\n', 'txt', 'n1.txt');

-- CSV and JSON Lines records; a bad JSON line is a WARNING naming it.
SELECT id, type, fields->>'单位名称' AS name, fields->>'_row' AS row
FROM gongwen_parse(E'序号,单位名称\n1,南京孵化器\n2,"无锡孵化器,二期"\n', 'csv', 'r.csv');
SELECT id, type, title FROM gongwen_parse(E'{"id":"a","title":"眾創空間"}\n{"id":\n{"id":"b","title":"x"}\n', 'jsonl', 'r.jsonl');

-- Files, read by the server.
SELECT id, type, title, number, date, kind
FROM gongwen_parse(pg_read_binary_file(:'prc'), 'txt', 'notice-prc-header-2020.txt');
SELECT type, count(*), min(title) AS title
FROM gongwen_parse(pg_read_binary_file(:'docx'), 'docx', 'tc.docx')
GROUP BY type ORDER BY type;
SELECT type, count(*), min(number) AS number
FROM gongwen_parse(pg_read_binary_file(:'ofd'), 'ofd', 'n.ofd')
GROUP BY type ORDER BY type;

-- One statement fills a table, which the configuration indexes: a
-- Simplified query finds the Traditional notice (灣區科促通告第27號) and a
-- Traditional one the Simplified notices.
CREATE TABLE docs AS
SELECT p.*, to_tsvector('gongwen', concat_ws(' ', p.title, p.number, p.body, p.fields::text)) AS tsv
FROM (VALUES ('notice-tc-2019-27.txt'), ('notice-sc-2021-15.txt'), ('notice-2020-73.txt')) f(name),
	gongwen_parse(pg_read_binary_file(:'corpus' || f.name), 'txt', f.name) p;
SELECT type, count(*) FROM docs GROUP BY type ORDER BY type;
SELECT id FROM docs WHERE type = 'notice' AND tsv @@ websearch_to_tsquery('gongwen', '湾区科促通告第27号') ORDER BY id;
SELECT id FROM docs WHERE type = 'notice' AND tsv @@ websearch_to_tsquery('gongwen', '專業化眾創空間') ORDER BY id;
SELECT id, fields->>'依托主體' AS host, fields->>'省份' AS province FROM docs
WHERE type = 'record' AND tsv @@ websearch_to_tsquery('gongwen', '海康威視') ORDER BY id;

-- Errors: an unknown format; a damaged archive is a WARNING, no rows.
SELECT * FROM gongwen_parse('x', 'pdf');
SELECT count(*) FROM gongwen_parse('\x504b0304'::bytea, 'docx', 'broken.docx');
