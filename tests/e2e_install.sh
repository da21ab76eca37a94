#!/bin/sh
# e2e_install: `make install` as a packager runs it, and the installed copy
# used as a program outside the tree would use it. Installs into a scratch
# DESTDIR with PREFIX=/usr, then: every file is there (man pages: those of
# man/); libgongwen.so exports the functions of gongwen.h and nothing else,
# under the soname of the API's major version; tests/test_api_example.c
# builds with nothing but `pkg-config --cflags --libs gongwen` (and, with
# --static, against libgongwen.a) and passes against an index made by the
# installed gongwen-index; the programs' --version agree with VERSION,
# gongwen.h, the format version and debian/changelog; the bash completions
# complete; the systemd units verify; `make uninstall` leaves only empty
# directories and keeps an environment file the administrator changed.
# Reuses the objects of build/ (make test has built them).
set -u
NAME=e2e_install
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh

if [ "$B" != build ]; then
	skip_check "make install" "it installs the build of build/, not $B (run make test)"
	exit 0
fi
# Not the jobserver of the make that runs the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL
ROOT=$T/root
USR=$ROOT/usr
LIBDIR=$USR/lib
VERSION=$(cat VERSION)
API_MAJOR=$(sed -n 's/^#define GONGWEN_API_MAJOR \([0-9]*\)$/\1/p' lib/gongwen.h)
API_MINOR=$(sed -n 's/^#define GONGWEN_API_MINOR \([0-9]*\)$/\1/p' lib/gongwen.h)
FORMAT=$(sed -n 's/^#define GW_FORMAT_VERSION \([0-9]*\)$/\1/p' lib/store/gw_store.h)
ANALYZER=$(sed -n 's/^#define GW_ANALYZER_VERSION \([0-9]*\)$/\1/p' lib/text/gw_analyzer.h)
PROGS="gongwen-index gongwen-search gongwen-serve"

begin "make install DESTDIR PREFIX=/usr installs every file"
run make -s install DESTDIR="$ROOT" PREFIX=/usr
check_exit 0
for f in bin/gongwen-index bin/gongwen-search bin/gongwen-serve include/gongwen.h \
	lib/libgongwen.so.$API_MAJOR.$API_MINOR lib/libgongwen.a lib/pkgconfig/gongwen.pc \
	share/bash-completion/completions/gongwen-index share/bash-completion/completions/gongwen-search \
	share/bash-completion/completions/gongwen-serve lib/systemd/system/gongwen-serve.service \
	lib/systemd/system/gongwen-index.service; do
	check_true "$USR/$f installed" test -f "$USR/$f"
done
check_true "libgongwen.so.$API_MAJOR -> libgongwen.so.$API_MAJOR.$API_MINOR" \
	test "$(readlink "$LIBDIR/libgongwen.so.$API_MAJOR")" = "libgongwen.so.$API_MAJOR.$API_MINOR"
check_true "libgongwen.so -> libgongwen.so.$API_MAJOR" \
	test "$(readlink "$LIBDIR/libgongwen.so")" = "libgongwen.so.$API_MAJOR"
check_true "/etc/default/gongwen installed, root's only" \
	test "$(stat -c %a "$ROOT/etc/default/gongwen" 2>/dev/null)" = 600
for m in man/*.[1-8]; do
	[ -f "$m" ] || continue
	check_true "$m installed" cmp -s "$m" "$USR/share/man/man${m##*.}/${m##*/}"
done
end_check
if [ -n "$why" ]; then
	exit 1
fi

begin "libgongwen.so exports exactly the functions of gongwen.h, soname libgongwen.so.$API_MAJOR"
nm -D --defined-only "$LIBDIR/libgongwen.so.$API_MAJOR.$API_MINOR" >"$T/nm" 2>&1
# Every defined symbol: a version node of the major version up to the
# minor (GONGWEN_1.0, GONGWEN_1.1, ...), or a gongwen_ function in one.
awk -v major="$API_MAJOR" -v minor="$API_MINOR" '
	$2 == "A" && $3 ~ ("^GONGWEN_" major "\\.[0-9]+$") { split($3, v, "."); if (v[2] + 0 <= minor + 0) next }
	$2 == "T" && $3 ~ ("^gongwen_[a-z_]+@@GONGWEN_" major "\\.[0-9]+$") { next }
	{ print }' "$T/nm" >"$T/extra"
[ ! -s "$T/extra" ] || fails "only gongwen_* functions and the nodes GONGWEN_$API_MAJOR.0 to .$API_MINOR" "$(show "$T/extra")"
awk '$2 == "T" { sub(/@@.*/, "", $3); print $3 }' "$T/nm" | sort >"$T/exported"
sed -n 's/.*[ *]\(gongwen_[a-z_]*\)(.*/\1/p' lib/gongwen.h | sort -u >"$T/declared"
cmp -s "$T/exported" "$T/declared" ||
	fails "the functions declared in gongwen.h" "$(diff "$T/declared" "$T/exported" | grep '^[<>]' | tr '\n' ' ')"
[ "$(wc -l <"$T/declared")" -ge 20 ] || fails "20 or more functions in gongwen.h" "$(wc -l <"$T/declared")"
readelf -d "$LIBDIR/libgongwen.so.$API_MAJOR.$API_MINOR" >"$T/dyn" 2>&1
grep -q "Library soname: \[libgongwen.so.$API_MAJOR\]" "$T/dyn" ||
	fails "soname libgongwen.so.$API_MAJOR" "$(grep SONAME "$T/dyn")"
end_check

# pc: the installed gongwen.pc, read under DESTDIR as a sysroot (so that
# its /usr paths mean $ROOT/usr, as they will once installed there).
pc() {
	PKG_CONFIG_PATH=$LIBDIR/pkgconfig PKG_CONFIG_LIBDIR=/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$ROOT pkg-config "$@"
}

begin "the API example builds with pkg-config --cflags --libs gongwen alone and passes"
if have pkg-config; then
	check_true "pkg-config --modversion gongwen is $VERSION" test "$(pc --modversion gongwen)" = "$VERSION"
	# -Itests: the example's test harness (tests/gw_test.h), not gongwen's;
	# _GNU_SOURCE for its mkdtemp. gongwen.h must not give a warning.
	CC_EX="cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -pedantic -Werror -Itests"
	run sh -c "$CC_EX tests/test_api_example.c -o '$T/example' $(pc --cflags --libs gongwen)"
	check_exit 0
	run sh -c "LD_LIBRARY_PATH='$LIBDIR' ldd '$T/example'"
	check_contains out "libgongwen.so.$API_MAJOR => $LIBDIR/libgongwen.so.$API_MAJOR"
	# The example indexes corpus/ with the installed gongwen-index.
	run env LD_LIBRARY_PATH="$LIBDIR" GW_BUILD="$USR/bin" "$T/example"
	check_exit 0
	check_contains out "PASS simplified_and_traditional_find_the_same"
	check_contains out "PASS snippet_ranges_lie_inside_the_snippet"
	check_not_contains out "SKIP"
fi
end_check

begin "with pkg-config --static the API example links libgongwen.a and passes"
if have pkg-config; then
	# -l:libgongwen.a takes the archive where -lgongwen would take the .so.
	libs=$(pc --static --libs gongwen | sed 's/-lgongwen\b/-l:libgongwen.a/')
	run sh -c "$CC_EX tests/test_api_example.c -o '$T/example-static' $(pc --cflags gongwen) $libs"
	check_exit 0
	run readelf -d "$T/example-static"
	check_not_contains out "libgongwen"
	run env GW_BUILD="$USR/bin" "$T/example-static"
	check_exit 0
	check_contains out "PASS stored_fields_are_readable"
	check_not_contains out "SKIP"
fi
end_check

begin "--version: the package, C API and index format versions, as VERSION, gongwen.h and the store say"
for p in $PROGS; do
	run "$USR/bin/$p" --version
	check_exit 0
	check_lines out 2
	check_contains out "$p $VERSION"
	check_contains out "C API $API_MAJOR.$API_MINOR (libgongwen.so.$API_MAJOR), index format $FORMAT, analyzer $ANALYZER"
done
check_true "debian/changelog is at version $VERSION" \
	test "$(sed -n '1s/^gongwen (\([^)]*\)).*/\1/p' debian/changelog)" = "$VERSION"
end_check

begin "the bash completions offer every option of --help, directories for -i, files for PATH"
if have bash; then
	mkdir -p "$T/cdir/sub-index"
	: >"$T/cdir/notice.txt"
	for p in $PROGS; do
		# complete WORDS...: COMPREPLY for the last word, one per line.
		cat >"$T/complete.sh" <<-'EOF'
		compopt() { :; }
		. "$1"; shift
		f=$(complete -p "$1" | sed 's/.*-F \([^ ]*\) .*/\1/')
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		"$f"
		printf '%s\n' "${COMPREPLY[@]}"
		EOF
		run bash "$T/complete.sh" "$USR/share/bash-completion/completions/$p" "$p" -
		check_exit 0
		"$USR/bin/$p" --help | grep -o -e '^  -[a-z]' -e '--[a-z0-9-]*' | sed 's/^ *//' | sort -u >"$T/want"
		sort -u "$T/out" | sed 's/=$//' >"$T/got"
		missing=$(comm -23 "$T/want" "$T/got" | tr '\n' ' ')
		[ -z "$missing" ] || fails "$p: every option of --help" "missing: $missing"
		run bash "$T/complete.sh" "$USR/share/bash-completion/completions/$p" "$p" --vers
		check_contains out "--version"
		run bash "$T/complete.sh" "$USR/share/bash-completion/completions/$p" "$p" -i "$T/cdir/s"
		check_contains out "$T/cdir/sub-index"
	done
	run bash "$T/complete.sh" "$USR/share/bash-completion/completions/gongwen-index" gongwen-index "$T/cdir/no"
	check_contains out "$T/cdir/notice.txt"
fi
end_check

begin "the systemd units verify"
if have systemd-analyze; then
	# The units name /usr/bin/gongwen-serve: verified inside the DESTDIR,
	# which has no sysinit.target to depend on (--recursive-errors=no)
	# and whose man pages the host's man cannot see (--man=no). A typo
	# in a key or a value is still an error.
	run systemd-analyze verify --man=no --recursive-errors=no --root="$ROOT" \
		/usr/lib/systemd/system/gongwen-serve.service \
		/usr/lib/systemd/system/gongwen-index.service
	check_exit 0
	check_not_contains err "gongwen"
fi
end_check

begin "make install keeps a changed environment file; make uninstall removes every file but it"
echo "GONGWEN_LISTEN=127.0.0.1:7701" >>"$ROOT/etc/default/gongwen"
run make -s install DESTDIR="$ROOT" PREFIX=/usr
check_exit 0
check_true "the changed environment file is still there" grep -q 7701 "$ROOT/etc/default/gongwen"
run make -s uninstall DESTDIR="$ROOT" PREFIX=/usr
check_exit 0
check_contains out "kept $ROOT/etc/default/gongwen"
rm -f "$ROOT/etc/default/gongwen"
find "$ROOT" ! -type d >"$T/left"
[ ! -s "$T/left" ] || fails "nothing but directories left" "$(show "$T/left")"
run make -s install DESTDIR="$ROOT" PREFIX=/usr
run make -s uninstall DESTDIR="$ROOT" PREFIX=/usr
check_exit 0
find "$ROOT" ! -type d >"$T/left"
[ ! -s "$T/left" ] || fails "an unchanged environment file removed too" "$(show "$T/left")"
end_check

[ "$nfail" -eq 0 ]
