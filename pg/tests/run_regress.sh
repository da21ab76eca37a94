#!/bin/sh
# Runs the extension's regression tests (pg/test/sql, expected output in
# pg/test/expected) on a throwaway PostgreSQL cluster:
#   - a private copy of the server's directories in a temporary folder, with
#     the extension installed into it (make install DESTDIR=...), so nothing
#     is installed into the system;
#   - initdb and the server run as an unprivileged user (nobody when run as
#     root: initdb refuses root), listening on a unix socket in the folder
#     only (no TCP port);
#   - stopped and removed on exit, whatever happens.
# Usage: sh pg/tests/run_regress.sh [test ...]   (default: every test)
# Environment: GW_BUILD (default build), PG_CONFIG (default pg_config),
# GW_PG_ACCEPT=1 (see below).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/pg/tests/cluster.sh"

cluster_setup
cluster_start main
# Tests: sql/NAME.sql (a test finds pg/test's path with
# \getenv abs_srcdir PG_ABS_SRCDIR).
tests=${*:-$(cd "$top/pg/test/sql" && ls *.sql | sed 's/\.sql$//')}
out=$GW_PG_TMP/regress
mkdir -p "$out"
chown "$GW_PG_USER" "$out" 2>/dev/null || true
rc=0
"$GW_PG_REGRESS" --bindir="$GW_PG_BIN" \
	--host="$GW_PG_TMP" --port="$(cluster_port main)" --user="$GW_PG_USER" \
	--inputdir="$top/pg/test" --outputdir="$out" --dbname=gongwen_regress $tests || rc=$?
# GW_PG_ACCEPT=1 takes the output as the new expected output (review the
# diff with git before committing it).
if [ "${GW_PG_ACCEPT:-0}" = 1 ]; then
	cp "$out"/results/*.out "$top/pg/test/expected/"
	exit 0
fi
if [ "$rc" -ne 0 ] && [ -f "$out/regression.diffs" ]; then
	cat "$out/regression.diffs"
fi
exit "$rc"
