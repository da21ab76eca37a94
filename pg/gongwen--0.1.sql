-- gongwen: the text search parser, dictionary and configuration.
\echo Use "CREATE EXTENSION gongwen" to load this file. \quit

CREATE FUNCTION gongwen_start(internal, int4) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION gongwen_gettoken(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION gongwen_end(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION gongwen_lextype(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION gongwen_headline(internal, internal, tsquery) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;
CREATE FUNCTION gongwen_lexize(internal, internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT;

CREATE TEXT SEARCH PARSER gongwen (
	START = gongwen_start,
	GETTOKEN = gongwen_gettoken,
	END = gongwen_end,
	LEXTYPES = gongwen_lextype,
	HEADLINE = gongwen_headline
);

CREATE TEXT SEARCH TEMPLATE gongwen (LEXIZE = gongwen_lexize);
CREATE TEXT SEARCH DICTIONARY gongwen (TEMPLATE = gongwen);
COMMENT ON TEXT SEARCH DICTIONARY gongwen IS 'the lexemes of a gongwen parser token, as the analyzer folded them';

-- Only the lexeme tokens are indexed; "word" and "blank" carry the
-- original text for ts_headline and take no position.
CREATE TEXT SEARCH CONFIGURATION gongwen (PARSER = gongwen);
ALTER TEXT SEARCH CONFIGURATION gongwen ADD MAPPING FOR han, latin WITH gongwen;
COMMENT ON TEXT SEARCH CONFIGURATION gongwen IS 'Chinese (Traditional and Simplified) and Latin text as gongwen analyzes it';

CREATE FUNCTION gongwen_fold(text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION gongwen_fold(text) IS 'the text folded as gongwen folds it: NFKC, case, Traditional to Simplified';

-- The readers of gongwen-index: a notice's fields and records, or the
-- records of a table file, one row each. fields holds every field (the
-- cells of a record, the link fields _notice, _row, ...). See
-- gongwen_parse.c; problems with the input are WARNINGs naming it.
CREATE FUNCTION gongwen_parse(data bytea, format text, name text DEFAULT 'input',
	OUT id text, OUT type text, OUT title text, OUT number text, OUT date text,
	OUT kind text, OUT body text, OUT fields jsonb)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT STABLE;
CREATE FUNCTION gongwen_parse(data text, format text, name text DEFAULT 'input',
	OUT id text, OUT type text, OUT title text, OUT number text, OUT date text,
	OUT kind text, OUT body text, OUT fields jsonb)
	RETURNS SETOF record
	AS $$ SELECT * FROM gongwen_parse(convert_to(data, 'UTF8'), format, name) $$
	LANGUAGE sql STRICT STABLE;

CREATE FUNCTION gongwen_chunks(body text, size int DEFAULT 2000, overlap int DEFAULT 64,
	OUT n int, OUT piece text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C STRICT IMMUTABLE;
COMMENT ON FUNCTION gongwen_chunks(text, int, int) IS 'the text in overlapping pieces, each short enough for a tsvector to keep every position';
