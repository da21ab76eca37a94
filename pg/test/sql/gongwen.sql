-- The gongwen text search configuration: tokens, positions, exactness,
-- headlines, a GIN index.
CREATE EXTENSION gongwen;
SET client_min_messages = warning;

-- The tokens of a document number and a Latin word: original text (word,
-- blank) and lexeme tokens (han: character and bigram; latin: word|stem).
SELECT alias, token, lexemes FROM ts_debug('gongwen', '國科發區〔2020〕73號 Files');

-- Folded, one position a character; both scripts give the same vector.
SELECT to_tsvector('gongwen', '專業化眾創空間');
SELECT to_tsvector('gongwen', '专业化众创空间') = to_tsvector('gongwen', '專業化眾創空間') AS same;
SELECT to_tsvector('gongwen', 'ＡＢＣ１２３ filing');

-- Queries become phrases of bigrams.
SELECT phraseto_tsquery('gongwen', '眾創空間');
SELECT websearch_to_tsquery('gongwen', '众创空间 江苏 -上海');
SELECT to_tsquery('gongwen', '江');
SELECT phraseto_tsquery('gongwen', '江 苏');
SELECT phraseto_tsquery('gongwen', 'files');

CREATE TABLE notices (id int PRIMARY KEY, body text, tsv tsvector
	GENERATED ALWAYS AS (to_tsvector('gongwen', body)) STORED);
INSERT INTO notices (id, body) VALUES
	(1, '關於公布第二批專業化眾創空間名單的通知'),
	(2, '江苏省专业化众创空间，依托主体：海康威视'),
	(3, '众，创，空，间：每个字都在，但不相连；众创 创空 空间'),
	(4, '国科发区〔2020〕73号 印发'),
	(5, '名，输入法；江 苏；English files and filing'),
	(6, '中国农业发展银行 上海分行'),
	(7, 'ＡＢＣ１２３ 全角');

-- Each query with the notices it matches (in either script).
SELECT q, array(SELECT id FROM notices WHERE tsv @@ websearch_to_tsquery('gongwen', q) ORDER BY id) AS ids
FROM unnest(ARRAY[
	'眾創空間', '众创空间', '创空', '創空', '众创空间 江苏', '众创空间 -江苏', '众创空间 江苏 -上海',
	'名输', '名 输', '江苏', '"江 苏"', '农业', '國科發區[2020]73號', '国科发区 2020 73号',
	'files', 'file', 'abc123', 'ＡＢＣ１２３', 'ＡＢＣ', '每', '上海分', '海分行上'
]) AS q;

-- Exactness, checked against the folded text: for every substring of one
-- to four characters of every notice, phrase search finds exactly the
-- notices whose folded text contains it (substrings of Han characters
-- only; the folded text has the same characters at the same places).
WITH subs AS (
	SELECT DISTINCT substr(gongwen_fold(body), s, l) AS q
	FROM notices, generate_series(1, 40) s, generate_series(1, 4) l
	WHERE s + l - 1 <= length(gongwen_fold(body))
), han AS (
	SELECT q FROM subs WHERE q ~ '^[\u3400-\u9fff]+$'
)
SELECT count(*) AS queries,
	count(*) FILTER (WHERE found <> truth) AS wrong
FROM (
	SELECT q,
		array(SELECT id FROM notices WHERE tsv @@ phraseto_tsquery('gongwen', q) ORDER BY id) AS found,
		array(SELECT id FROM notices WHERE strpos(gongwen_fold(body), q) > 0 ORDER BY id) AS truth
	FROM han
) t;

-- Headlines in the document's own script, one highlight a match; what
-- matches only a piece of a query's phrase (the last 空間, 眾創 of 上海眾創) is not
-- highlighted, nor is an excluded word.
SELECT ts_headline('gongwen', body, phraseto_tsquery('gongwen', '众创空间'))
FROM notices WHERE id = 1;
SELECT ts_headline('gongwen', '眾創空間：每個眾創空間都有空間', phraseto_tsquery('gongwen', '众创空间'), 'HighlightAll=true');
SELECT ts_headline('gongwen', '江苏省 江 苏', to_tsquery('gongwen', '江'), 'HighlightAll=true');
SELECT ts_headline('gongwen', body, websearch_to_tsquery('gongwen', 'files'), 'HighlightAll=true')
FROM notices WHERE id = 5;
SELECT ts_headline('gongwen', '江苏省專業化眾創空間，江蘇；上海眾創', websearch_to_tsquery('gongwen', '众创空间 江苏 -上海'), 'HighlightAll=true');
SELECT ts_headline('gongwen', '國科發區〔2020〕73號：关于国科发区的通知', websearch_to_tsquery('gongwen', '国科发区[2020]73号'), 'HighlightAll=true');

-- A GIN index serves the queries.
CREATE INDEX notices_tsv ON notices USING gin (tsv);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM notices WHERE tsv @@ websearch_to_tsquery('gongwen', '众创空间');
SELECT id FROM notices WHERE tsv @@ websearch_to_tsquery('gongwen', '众创空间') ORDER BY id;
RESET enable_seqscan;

-- The database must be UTF-8; empty and punctuation-only texts give
-- empty vectors.
SELECT to_tsvector('gongwen', ''), to_tsvector('gongwen', '，。！ '), phraseto_tsquery('gongwen', '！');

-- Long texts as overlapping pieces: every substring of up to overlap + 1
-- characters lies whole in one piece.
SELECT n, piece FROM gongwen_chunks('一二三四五六七八九十', 4, 2);
SELECT n, piece FROM gongwen_chunks('一二三', 4, 2);
SELECT count(*) FROM gongwen_chunks('', 4, 2);
SELECT bool_and(EXISTS (SELECT 1 FROM gongwen_chunks(t, 7, 2) c WHERE strpos(c.piece, substr(t, s, 3)) > 0)) AS every_trigram_in_a_piece
FROM (SELECT repeat('國科發區〔2020〕73號', 5) AS t) x, generate_series(1, 60) s;
SELECT * FROM gongwen_chunks('x', 2, 2);
