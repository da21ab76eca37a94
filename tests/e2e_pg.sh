#!/bin/sh
# e2e_pg: the PostgreSQL extension (pg/) on a real PostgreSQL 15. Runs its
# regression tests (pg/test/sql, expected output in pg/test/expected: the
# parser's tokens, exact substring matches in both scripts checked against
# the folded text, ts_headline, a GIN index in EXPLAIN) on a throwaway
# cluster that pg/tests/run_regress.sh starts as an unprivileged user and
# removes; then checks that nothing of it is left: no folder, no server.
# Then the same over two clusters (pg/tests/two_clusters.sh): a table split
# by hash of id, one half a postgres_fdw partition on the second cluster,
# must give the documents one table gives.
#
# Needs postgresql-15 and postgresql-server-dev-15 (the Makefile's
# PG_DEB_PKGS, which `make test` installs as root) and pg/gongwen.so (built
# by `make test` through pg-ext). Without them: SKIP, but FAIL when $CI is
# set. Not in a sanitizer build (SAN=1): the server would need the
# sanitizers' runtime to load the extension.
# gw-test: timeout=120
NAME=e2e_pg
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

missing() {
	if [ -n "${CI:-}" ]; then
		printf 'FAIL %s: the PostgreSQL extension is tested\n    expected: %s (CI is set)\n' "$NAME" "$1"
		exit 1
	fi
	printf 'SKIP %s: the PostgreSQL extension: %s\n' "$NAME" "$1"
	exit 0
}

case $B in
*san*) printf 'SKIP %s: the PostgreSQL extension: not in a sanitizer build\n' "$NAME"; exit 0 ;;
esac
command -v pg_config >/dev/null 2>&1 || missing "pg_config is not installed (apt-get install postgresql-server-dev-15)"
[ -x "$(pg_config --bindir)/initdb" ] || missing "the server is not installed (apt-get install postgresql-15)"
[ -f pg/gongwen.so ] || missing "pg/gongwen.so is not built (make pg-ext)"

begin "regression tests on a throwaway cluster (pg/test/expected/*.out)"
GW_BUILD=$B sh pg/tests/run_regress.sh >"$T/out" 2>&1
rc=$?
cmd="sh pg/tests/run_regress.sh"
check_exit 0
check_contains out "tests passed"
check_not_contains out "failed"
end_check

# nothing_left DIR LINE: the scratch folder DIR (read from the output's
# LINE) is gone and no process runs from it.
nothing_left() {
	if [ -z "$1" ]; then
		fails "a line '$2'" "$(show "$T/out")"
		return
	fi
	[ ! -e "$1" ] || fails "$1 removed" "it exists"
	if ps -eo args | grep -F -- "$1" | grep -v grep >"$T/left"; then
		fails "no process with $1 in its arguments" "$(show "$T/left")"
	fi
}

begin "nothing left: the cluster's folder is gone and no server runs from it"
nothing_left "$(sed -n 's/^(using postmaster on \([^,]*\), port .*/\1/p' "$T/out" | head -n 1)" \
	"(using postmaster on DIR, port N)"
end_check

begin "two clusters: the same documents through a postgres_fdw partition as in one table"
sh pg/tests/two_clusters.sh >"$T/out" 2>&1
rc=$?
cmd="sh pg/tests/two_clusters.sh"
check_exit 0
check_contains out "same 18 "
end_check

begin "two clusters: nothing left"
nothing_left "$(sed -n 's/^clusters in //p' "$T/out" | head -n 1)" "clusters in DIR"
end_check

[ "$nfail" -eq 0 ]
