# Throwaway PostgreSQL clusters for the extension's tests and benchmarks
# (sourced by run_regress.sh, bench_pg.sh). See run_regress.sh for the
# design. Functions:
#   cluster_setup           the private server tree with gongwen installed
#   cluster_start NAME      initdb + start a cluster (port: a number per name)
#   cluster_port NAME       its port (the socket is $GW_PG_TMP/.s.PGSQL.<port>)
#   cluster_psql NAME ...   psql on it, as the test user, database postgres
# Every cluster started is stopped, and the folder removed, on exit.

: "${PG_CONFIG:=pg_config}"
: "${GW_BUILD:=$top/build}"
GW_PG_SYS_BIN=$($PG_CONFIG --bindir)
GW_PG_REGRESS=$(dirname "$($PG_CONFIG --pgxs)")/../test/regress/pg_regress
GW_PG_CLUSTERS=
GW_PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gongwen-pg.XXXXXX")

if [ "$(id -u)" = 0 ]; then
	GW_PG_USER=nobody
	as_user() { runuser -u "$GW_PG_USER" -- "$@"; }
else
	GW_PG_USER=$(id -un)
	as_user() { "$@"; }
fi

cluster_cleanup() {
	for c in $GW_PG_CLUSTERS; do
		as_user "$GW_PG_BIN/pg_ctl" -D "$GW_PG_TMP/$c" -m immediate -w stop >/dev/null 2>&1 || true
	done
	rm -rf "$GW_PG_TMP"
}
trap cluster_cleanup EXIT
trap 'exit 130' INT TERM HUP

# The server finds its share and lib directories relative to its own
# binary, so a copy of the binaries next to a share tree of links plus the
# extension's files runs the extension without installing it.
cluster_setup() {
	inst=$GW_PG_TMP/inst
	make -s -C "$top/pg" install DESTDIR="$inst" GW_BUILD="$GW_BUILD" >/dev/null
	bindir=$inst$GW_PG_SYS_BIN
	mkdir -p "$bindir"
	for b in postgres initdb pg_ctl psql; do
		cp "$GW_PG_SYS_BIN/$b" "$bindir/"
	done
	for d in "$($PG_CONFIG --sharedir)" "$($PG_CONFIG --pkglibdir)" "$($PG_CONFIG --sharedir)/extension"; do
		mkdir -p "$inst$d"
		for f in "$d"/*; do
			[ -e "$inst$f" ] || ln -s "$f" "$inst$f"
		done
	done
	GW_PG_BIN=$bindir
	chmod 755 "$GW_PG_TMP"
	chown -R "$GW_PG_USER" "$GW_PG_TMP" 2>/dev/null || true
}

cluster_port() {
	case $1 in
	main) echo 5432 ;;
	second) echo 5433 ;;
	*) echo 5440 ;;
	esac
}

cluster_start() {
	as_user "$GW_PG_BIN/initdb" -D "$GW_PG_TMP/$1" -A trust -E UTF8 --locale=C.UTF-8 -N \
		-U "$GW_PG_USER" >"$GW_PG_TMP/$1.initdb.log" 2>&1 ||
		{ cat "$GW_PG_TMP/$1.initdb.log"; return 1; }
	GW_PG_CLUSTERS="$GW_PG_CLUSTERS $1"
	as_user "$GW_PG_BIN/pg_ctl" -D "$GW_PG_TMP/$1" -l "$GW_PG_TMP/$1.log" -w \
		-o "-k $GW_PG_TMP -c listen_addresses= -p $(cluster_port "$1") -c fsync=off" start >/dev/null ||
		{ cat "$GW_PG_TMP/$1.log"; return 1; }
}

cluster_psql() {
	name=$1
	shift
	"$GW_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$GW_PG_TMP" -p "$(cluster_port "$name")" \
		-U "$GW_PG_USER" -d postgres "$@"
}
