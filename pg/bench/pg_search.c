/* pg_search: the searcher side of the shared bench's protocol
 * (../shared/bench/README.md, "Evaluating an engine") over PostgreSQL:
 * one query a line on stdin, one line of tab-separated document ids on
 * stdout, each query's time in microseconds (sent to the last row read, as
 * a client sees it over the unix socket) a line in $BENCH_LAT_FILE.
 *
 *   pg_search MODE K        (connection from PGHOST, PGPORT, PGUSER, PGDATABASE)
 *
 * Modes, over the tables bench_pg.sh builds:
 *   gongwen   parts(id, tsv) (or the table named by $PGTABLE): the words of the query (split on white space)
 *             each a websearch_to_tsquery('gongwen', word); a document
 *             matches when every word matches one of its parts; ranked by
 *             the best ts_rank of its parts;
 *   trgm      docs(id, ftext): ftext (title and body folded by gongwen_fold)
 *             LIKE '%word%' for every word folded alike (pg_trgm's GIN
 *             index), unranked;
 *   trgm-raw  docs(id, rtext): the same on the text as written, the query
 *             as typed (no folding).
 * Words: at most 16 a query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#define WORDS_MAX 16

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void append(char **s, size_t *len, size_t *cap, const char *add)
{
	size_t n = strlen(add);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*s = realloc(*s, *cap);
		if (!*s) {
			fprintf(stderr, "pg_search: out of memory\n");
			exit(2);
		}
	}
	memcpy(*s + *len, add, n + 1);
	*len += n;
}

/* The SQL of a query of nw words ($1..$nw) for mode, limit $nw+1. */
static char *build_sql(const char *mode, const char *table, int nw)
{
	char *s = NULL, part[512];
	size_t len = 0, cap = 0;

	append(&s, &len, &cap, "");
	if (strcmp(mode, "gongwen") == 0) {
		append(&s, &len, &cap, "SELECT id FROM ");
		append(&s, &len, &cap, table);
		append(&s, &len, &cap, " WHERE tsv @@ (");
		for (int i = 1; i <= nw; i++) {
			snprintf(part, sizeof part, "%swebsearch_to_tsquery('gongwen', $%d)", i > 1 ? " || " : "", i);
			append(&s, &len, &cap, part);
		}
		append(&s, &len, &cap, ") GROUP BY id");
		for (int i = 1; i <= nw && nw > 1; i++) {
			snprintf(part, sizeof part, "%s bool_or(tsv @@ websearch_to_tsquery('gongwen', $%d))",
			         i > 1 ? " AND" : " HAVING", i);
			append(&s, &len, &cap, part);
		}
		append(&s, &len, &cap, " ORDER BY max(ts_rank(tsv, ");
		for (int i = 1; i <= nw; i++) {
			snprintf(part, sizeof part, "%swebsearch_to_tsquery('gongwen', $%d)", i > 1 ? " || " : "", i);
			append(&s, &len, &cap, part);
		}
		snprintf(part, sizeof part, ")) DESC, id LIMIT $%d", nw + 1);
		append(&s, &len, &cap, part);
	} else {
		int raw = strcmp(mode, "trgm-raw") == 0;
		append(&s, &len, &cap, "SELECT id FROM docs WHERE ");
		for (int i = 1; i <= nw; i++) {
			char word[64];
			/* The word, folded for trgm, with LIKE's wildcards escaped. */
			snprintf(word, sizeof word, raw ? "$%d" : "gongwen_fold($%d)", i);
			snprintf(part, sizeof part,
			         "%s%s LIKE '%%' || replace(replace(replace(%s, '\\', '\\\\'), '%%', '\\%%'), "
			         "'_', '\\_') || '%%'",
			         i > 1 ? " AND " : "", raw ? "rtext" : "ftext", word);
			append(&s, &len, &cap, part);
		}
		snprintf(part, sizeof part, " ORDER BY id LIMIT $%d", nw + 1);
		append(&s, &len, &cap, part);
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *mode, *lat_path = getenv("BENCH_LAT_FILE"), *table = getenv("PGTABLE");
	FILE *lat = NULL;
	PGconn *db;
	char line[8192], kbuf[32];
	int k;

	if (argc != 3 || (strcmp(argv[1], "gongwen") && strcmp(argv[1], "trgm") && strcmp(argv[1], "trgm-raw"))) {
		fprintf(stderr, "usage: pg_search gongwen|trgm|trgm-raw K\n");
		return 2;
	}
	mode = argv[1];
	if (!table || !*table)
		table = "parts";
	if (strspn(table, "abcdefghijklmnopqrstuvwxyz_0123456789") != strlen(table)) {
		fprintf(stderr, "pg_search: PGTABLE: a table name of [a-z_0-9], not '%s'\n", table);
		return 2;
	}
	k = atoi(argv[2]);
	snprintf(kbuf, sizeof kbuf, "%d", k > 0 ? k : 10);
	db = PQconnectdb("");
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "pg_search: %s", PQerrorMessage(db));
		return 2;
	}
	if (lat_path && *lat_path && !(lat = fopen(lat_path, "w"))) {
		perror(lat_path);
		return 2;
	}
	while (fgets(line, sizeof line, stdin)) {
		const char *words[WORDS_MAX + 1];
		int nw = 0;
		char *save = NULL, *sql;
		PGresult *res;
		double t0, t1;

		line[strcspn(line, "\r\n")] = 0;
		for (char *w = strtok_r(line, " \t", &save); w && nw < WORDS_MAX; w = strtok_r(NULL, " \t", &save))
			words[nw++] = w;
		if (nw == 0) {
			putchar('\n');
			if (lat)
				fprintf(lat, "0\n");
			continue;
		}
		words[nw] = kbuf;
		sql = build_sql(mode, table, nw);
		t0 = now_us();
		res = PQexecParams(db, sql, nw + 1, NULL, words, NULL, NULL, 0);
		t1 = now_us();
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "pg_search: %s: %s", line, PQresultErrorMessage(res));
			return 2;
		}
		for (int r = 0; r < PQntuples(res); r++)
			printf("%s%s", r ? "\t" : "", PQgetvalue(res, r, 0));
		putchar('\n');
		fflush(stdout);
		if (lat)
			fprintf(lat, "%.1f\n", t1 - t0);
		PQclear(res);
		free(sql);
	}
	if (lat)
		fclose(lat);
	PQfinish(db);
	return 0;
}
