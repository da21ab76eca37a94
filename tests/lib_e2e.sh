# lib_e2e: what the end-to-end scripts share (sourced, not run: the runner
# only runs tests/e2e_*.sh). The caller sets NAME and has cd'ed to the repo
# root. Provides $B, $IDX, $SRCH, a scratch directory $T removed on exit,
# and the check helpers: begin/end_check around each check, run/run_in to
# run a command, and check_* assertions that record failures in $why.
# A check that cannot run here (a tool or a permission missing) calls
# skip WHY, or is replaced by skip_check WHAT WHY: tests/run.sh counts
# "SKIP" lines, and a check that did not run must never print PASS.
B=${GW_BUILD:-build}
IDX=$B/gongwen-index
SRCH=$B/gongwen-search
# Every script needs both programs: without them, one FAIL line, exit 1.
if [ ! -x "$IDX" ] || [ ! -x "$SRCH" ]; then
	printf 'FAIL %s: binaries exist\n    expected: %s and %s (run make)\n' "$NAME" "$IDX" "$SRCH"
	exit 1
fi
# The environment must not pick indexes, map sizes, memory or colours for us.
unset GONGWEN_INDEX GONGWEN_MAPSIZE GONGWEN_BUDGET GONGWEN_WINDOW GONGWEN_CHECKPOINT NO_COLOR
PYTHONIOENCODING=utf-8
export PYTHONIOENCODING
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 2' HUP INT TERM

nfail=0
skipped=
why=
what=

# --- helpers ---------------------------------------------------------------

# begin WHAT: starts a check.
begin() {
	what=$1
	why=
	skipped=
}

# skip WHY: the check (or a part of it) cannot run here, because WHY:
# unless an assertion failed, it ends as SKIP, not PASS.
skip() {
	case "; $skipped; " in
	*"; $1; "*) ;;
	*) skipped=${skipped:+$skipped; }$1 ;;
	esac
}

# skip_check WHAT WHY: a check that cannot run here at all.
skip_check() {
	printf 'SKIP %s: %s: %s\n' "$NAME" "$1" "$2"
}

# have CMD: CMD is installed; if not, the check is skipped (so:
# "if have mdb_dump; then ... fi" inside a check).
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	skip "$1 is not installed"
	return 1
}

# end_check: prints PASS, SKIP (part of it could not run) or FAIL (with the
# failed assertions) for the check.
end_check() {
	if [ -z "$why" ] && [ -n "$skipped" ]; then
		printf 'SKIP %s: %s: %s\n' "$NAME" "$what" "$skipped"
	elif [ -z "$why" ]; then
		printf 'PASS %s: %s\n' "$NAME" "$what"
	else
		printf 'FAIL %s: %s\n%s' "$NAME" "$what" "$why"
		nfail=$((nfail + 1))
	fi
}

# run CMD...: runs CMD (stdin /dev/null); stdout in $T/out, stderr in $T/err,
# exit status in $rc.
run() {
	cmd=$*
	"$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}

# run_in FILE CMD...: the same with stdin read from FILE.
run_in() {
	_in=$1
	shift
	cmd="$* < $_in"
	"$@" <"$_in" >"$T/out" 2>"$T/err"
	rc=$?
}

# show FILE: the first lines of FILE, indented, for "got:".
show() {
	if [ -s "$1" ]; then
		head -n 6 "$1" | head -c 1200 | sed '1!s/^/          /'
	else
		printf '(nothing)'
	fi
}

# fails EXPECTED GOT: records a failed assertion about the last command.
fails() {
	why="$why    command: $cmd
    expected: $1
    got: $2
"
}

# check_exit N: the last command exited with status N.
check_exit() {
	[ "$rc" -eq "$1" ] ||
		fails "exit status $1" "exit status $rc; stderr: $(show "$T/err")"
}

# check_contains out|err STRING: stdout/stderr contains STRING.
check_contains() {
	grep -qF -e "$2" "$T/$1" ||
		fails "std$1 containing '$2'" "$(show "$T/$1")"
}

# check_not_contains out|err STRING
check_not_contains() {
	! grep -qF -e "$2" "$T/$1" ||
		fails "std$1 without '$2'" "$(show "$T/$1")"
}

# check_lines out|err N: stdout/stderr has exactly N lines.
check_lines() {
	_n=$(wc -l <"$T/$1")
	[ "$_n" -eq "$2" ] ||
		fails "exactly $2 line(s) on std$1" "$((_n + 0)) line(s): $(show "$T/$1")"
}

# check_py DESCRIPTION SCRIPT ARGS...: the python3 SCRIPT, run on $T/out
# (sys.argv[1]) and ARGS, exits 0; what it prints is the "got".
check_py() {
	_d=$1
	_s=$2
	shift 2
	python3 -c "$_s" "$T/out" "$@" >"$T/py" 2>&1 || fails "$_d" "$(show "$T/py")"
}

# check_true DESCRIPTION COMMAND...: COMMAND succeeds (a fact about files).
check_true() {
	_d=$1
	shift
	"$@" >/dev/null 2>&1 || fails "$_d" "not so ($*)"
}

# ids SEARCH-ARGS...: the ids of all hits of gongwen-search on $IX (the
# caller's index), one per line, in $T/ids.
ids() {
	run "$SRCH" -i "$IX" -n 1000 --json "$@"
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("type") in ("notice", "record"):
        print(o["id"])' "$T/out" >"$T/ids" 2>"$T/py"
}

# check_ids WANT...: $T/ids holds exactly these ids (in any order); none
# when no WANT is given.
check_ids() {
	if [ $# -eq 0 ]; then
		[ ! -s "$T/ids" ] || fails "no hit" "$(tr '\n' ' ' <"$T/ids")"
		return
	fi
	printf '%s\n' "$@" | sort >"$T/want"
	sort "$T/ids" >"$T/got"
	cmp -s "$T/want" "$T/got" || fails "ids: $*" "$(tr '\n' ' ' <"$T/got")"
}
