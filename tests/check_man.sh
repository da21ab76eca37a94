#!/bin/sh
# check_man: the manual pages in man/ are clean mdoc and say what the code
# says.
#  1. every page lints clean: `mandoc -Tlint -Wwarning` prints nothing (or,
#     without mandoc, `groff -mdoc -ww -z`); SKIP if neither is installed;
#  2. every page a page refers to (.Xr gongwen...) exists in man/;
#  3. gongwen(3) names every function (.Fn) and return code (.Dv) that
#     lib/gongwen.h declares;
#  4. gongwen-query(7) names every field alias of lib/search/gw_query.c
#     (its aliases table) and the field it stands for;
#  5. gongwen-format(5) gives the format and analyzer versions of
#     lib/store/gw_store.h and lib/text/gw_analyzer.h and lists every
#     database of gw_store_impl.h;
#  6. the EXAMPLES program of gongwen(3) compiles against libgongwen.a and,
#     run on an index of corpus/, prints hits and "N of M".
# The options of the programs' pages are tests/check_options.sh's.
set -u
: "${GW_BUILD:=build}"
NAME=check_man
PAGES=$(ls man/*.[1-8] 2>/dev/null)

if [ -z "$PAGES" ]; then
	echo "FAIL $NAME: man/ has pages"
	exit 1
fi

# --- 1. lint -------------------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	for p in $PAGES; do
		out=$(mandoc -Tlint -Wwarning "$p" 2>&1)
		if [ -z "$out" ]; then
			echo "PASS $NAME: $p lints clean (mandoc -Tlint -Wwarning)"
		else
			printf 'FAIL %s: %s lints clean (mandoc -Tlint -Wwarning)\n%s\n' "$NAME" "$p" "$out"
		fi
	done
elif command -v groff >/dev/null 2>&1; then
	for p in $PAGES; do
		out=$(groff -Tutf8 -mdoc -ww -z -K utf8 "$p" 2>&1)
		if [ -z "$out" ]; then
			echo "PASS $NAME: $p lints clean (groff -Tutf8 -mdoc -ww -z)"
		else
			printf 'FAIL %s: %s lints clean (groff -Tutf8 -mdoc -ww -z)\n%s\n' "$NAME" "$p" "$out"
		fi
	done
else
	echo "SKIP $NAME: lint: neither mandoc nor groff is installed (make test-deps installs mandoc)"
fi

# --- 2-5. what the pages say ------------------------------------------------------
python3 - <<'EOF'
import glob, os, re

NAME = "check_man"


def report(ok, what, why=""):
    print(("PASS " if ok else "FAIL ") + NAME + ": " + what + ("" if ok else ": " + why))


def read(p):
    return open(p, encoding="utf-8").read()


pages = {os.path.basename(p): read(p) for p in sorted(glob.glob("man/*.[1-8]"))}

# 2. references between the pages
bad = []
for name, src in pages.items():
    for m in re.finditer(r"^\.Xr (gongwen[\w-]*) (\d)", src, re.M):
        if "%s.%s" % m.groups() not in pages:
            bad.append("%s refers to %s(%s)" % (name, m.group(1), m.group(2)))
report(not bad, "every gongwen page a page refers to exists", "; ".join(bad))

# 3. gongwen(3) and lib/gongwen.h
hdr = read("lib/gongwen.h")
api = read("man/gongwen.3") if "gongwen.3" in pages else ""
funcs = sorted(set(re.findall(r"^[a-z][^;(]*?\b(gongwen_\w+)\s*\(", hdr, re.M)))
codes = sorted(set(re.findall(r"\b(GONGWEN_E\w+|GONGWEN_OK|GONGWEN_TYPE_\w+)\b", hdr)))
named = set(re.findall(r"^\.(?:Fn|Nm) (gongwen_\w+)", api, re.M))
dvs = set(re.findall(r"\bDv (GONGWEN_\w+)", api))
report(len(funcs) >= 20, "lib/gongwen.h declares the API", "found %d functions" % len(funcs))
report(not set(funcs) - named, "gongwen(3) names every function of lib/gongwen.h",
       "missing: " + ", ".join(sorted(set(funcs) - named)))
report(not named - set(funcs), "gongwen(3) names no function lib/gongwen.h lacks",
       "not in gongwen.h: " + ", ".join(sorted(named - set(funcs))))
report(not set(codes) - dvs, "gongwen(3) names every code of lib/gongwen.h",
       "missing: " + ", ".join(sorted(set(codes) - dvs)))

# 4. gongwen-query(7) and the query parser's field aliases
q = read("lib/search/gw_query.c")
tab = re.search(r"aliases\[\]\[2\] = \{(.*?)\n\};", q, re.S)
aliases = re.findall(r'\{"([^"]+)", "([^"_][^"]*)"\}', tab.group(1)) if tab else []
query7 = pages.get("gongwen-query.7", "")
rows = {}
for m in re.finditer(r"^\.It (\w+) Ta ([^\n]*?) Ta ", query7, re.M):
    rows[m.group(1)] = m.group(2).split()
missing = ["%s (%s)" % (a, f) for a, f in aliases if a not in rows.get(f, [])]
report(len(aliases) >= 20, "gw_query.c has its aliases table", "found %d aliases" % len(aliases))
report(not missing, "gongwen-query(7) lists every field alias with its field", "missing: " + ", ".join(missing))

# 5. gongwen-format(5) and the store
fmt5 = pages.get("gongwen-format.5", "")
fv = re.search(r"#define GW_FORMAT_VERSION (\d+)", read("lib/store/gw_store.h"))
av = re.search(r"#define GW_ANALYZER_VERSION (\d+)", read("lib/text/gw_analyzer.h"))
said = re.search(r"format version \(now (\d+)\) and the analyzer version \(now (\d+)\)", " ".join(fmt5.split()))
report(bool(fv and av and said) and said.groups() == (fv.group(1), av.group(1)),
       "gongwen-format(5) gives the format and analyzer versions of the code",
       "code: format %s, analyzer %s; page: %s" % (fv and fv.group(1), av and av.group(1),
                                                    said.groups() if said else "no '(now N)'"))
dbs = re.search(r"gw_db_names\[GW_STORE_NDBS\] = \{([^}]*)\}", read("lib/store/gw_store_impl.h"))
dbs = re.findall(r'"(\w+)"', dbs.group(1)) if dbs else []
listed = re.findall(r"^\.It Cm (\w+)$", fmt5, re.M)
report(len(dbs) >= 8 and sorted(dbs) == sorted(listed), "gongwen-format(5) lists every database",
       "code: %s; page: %s" % (", ".join(dbs), ", ".join(listed)))
EOF

# --- 6. the example of gongwen(3) ------------------------------------------------
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' man/gongwen.3 | sed -n '/^\.Bd -literal/,/^\.Ed/p' |
	sed '1d;$d' | sed 's/\\e/\\/g' >"$T/example.c"
what="the EXAMPLES program of gongwen(3) compiles and finds hits in corpus/"
# A sanitizer build's library needs the sanitizers' runtimes at link (make SAN=1 test).
san=
if [ -f "$GW_BUILD/libgongwen.a" ] && nm "$GW_BUILD/libgongwen.a" 2>/dev/null | grep -q __asan_init; then
	san="-fsanitize=address,undefined"
fi
if ! command -v pkg-config >/dev/null 2>&1 || [ ! -f "$GW_BUILD/libgongwen.a" ] ||
   [ ! -x "$GW_BUILD/gongwen-index" ]; then
	echo "SKIP $NAME: $what: needs pkg-config, $GW_BUILD/libgongwen.a and $GW_BUILD/gongwen-index (run make)"
elif ! ${CC:-cc} -std=c11 -Wall -Wextra -Werror $san -Ilib "$T/example.c" "$GW_BUILD/libgongwen.a" \
	$(pkg-config --libs icu-uc icu-i18n lmdb libzstd) -lstemmer -lm -o "$T/example" >"$T/cc.log" 2>&1; then
	printf 'FAIL %s: %s\n    compile failed:\n%s\n' "$NAME" "$what" "$(sed 's/^/    /' "$T/cc.log" | head -20)"
else
	"$GW_BUILD/gongwen-index" -q -i "$T/ix" corpus/ >"$T/index.log" 2>&1
	"$T/example" "$T/ix" >"$T/out" 2>"$T/err"
	rc=$?
	last=$(tail -n 1 "$T/out")
	if [ $rc -eq 0 ] && grep -q '^corpus/notice-2020-73.txt  ' "$T/out" &&
	   expr "$last" : '[1-9][0-9]* of [1-9][0-9]*$' >/dev/null; then
		echo "PASS $NAME: $what ($last)"
	else
		printf 'FAIL %s: %s\n    exit %d, output:\n%s\n%s\n    gongwen-index said:\n%s\n' "$NAME" "$what" $rc \
			"$(head -5 "$T/out")" "$(cat "$T/err")" "$(tail -5 "$T/index.log")"
	fi
fi
