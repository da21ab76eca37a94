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
