#!/bin/sh
# e2e_browser: gongwen-serve's search page in a real browser (headless
# Chromium, driven through chromedriver by tests/browser_page.py, which says
# what is checked). This script builds an index of corpus/ and one document
# full of markup, starts build/gongwen-serve and chromedriver on free
# loopback ports, runs the checks, and stops everything it started, on
# failure too: the server by its pid, chromedriver with the Chromium it
# started as one process group (setsid).
#
# Needs chromium, chromium-driver (the Makefile's TEST_DEB_PKGS, which
# `make test` installs as root) and python3. Without them: SKIP, as the
# other e2e tests do for missing tools; but FAIL when $CI is set, so that a
# CI machine that lost them cannot pass without running the browser.
#
# The results page is photographed (1200x900) into $B/serve-page.png; the
# README's picture is refreshed with
#   GW_SCREENSHOT=docs/serve-page.png sh tests/e2e_browser.sh
# gw-test: timeout=180
NAME=e2e_browser
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
SERVE=$B/gongwen-serve
SHOT=${GW_SCREENSHOT:-$B/serve-page.png}

# missing WHAT: the test cannot run here.
missing() {
	if [ -n "${CI:-}" ]; then
		printf 'FAIL %s: the browser test runs\n    expected: %s (CI is set)\n' "$NAME" "$1"
		exit 1
	fi
	printf 'SKIP %s: the browser test: %s (sudo apt-get install chromium chromium-driver)\n' \
		"$NAME" "$1"
	exit 0
}

if [ ! -x "$SERVE" ]; then
	printf 'FAIL %s: binaries exist\n    expected: %s (run make)\n' "$NAME" "$SERVE"
	exit 1
fi
command -v python3 >/dev/null 2>&1 || missing "python3 is not installed"
command -v chromedriver >/dev/null 2>&1 || missing "chromedriver is not installed"
# Debian's /usr/bin/chromium is a wrapper script; the binary is started
# directly, so no /etc/chromium.d setting changes the test.
CHROMIUM=
for c in /usr/lib/chromium/chromium "$(command -v chromium 2>/dev/null)"; do
	if [ -n "$c" ] && [ -x "$c" ]; then
		CHROMIUM=$c
		break
	fi
done
[ -n "$CHROMIUM" ] || missing "chromium is not installed"
command -v setsid >/dev/null 2>&1 || missing "setsid is not installed"

serve_pid=
key_pid=
driver_pid=
started_pid=
# stop_all: ends the server and chromedriver with its Chromium; run on
# exit, whatever the exit.
stop_all() {
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
	[ -n "$key_pid" ] && kill "$key_pid" 2>/dev/null
	[ -n "$started_pid" ] && kill "$started_pid" 2>/dev/null # serve_on's, if interrupted
	if [ -n "$driver_pid" ]; then
		# No "--" before the group: dash's kill takes it for a pid.
		kill -TERM "-$driver_pid" 2>/dev/null
		_i=0
		while kill -0 "-$driver_pid" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -KILL "-$driver_pid" 2>/dev/null
	fi
	[ -n "$serve_pid" ] && wait "$serve_pid" 2>/dev/null
	[ -n "$key_pid" ] && wait "$key_pid" 2>/dev/null
	serve_pid=
	key_pid=
	driver_pid=
}
trap 'stop_all; rm -rf "$T"' EXIT

# free_port: a loopback port nobody listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: waits (at most 20 s) until URL answers 200.
wait_http() {
	python3 - "$1" <<'EOF'
import sys, time, urllib.request
end = time.monotonic() + 20
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > end:
        sys.exit(1)
    time.sleep(0.05)
EOF
}

# The corpus and a document whose text is markup: the page must show it
# as text (browser_page.py searches it for 粗体).
cat >"$T/hostile.jsonl" <<'EOF'
{"id": "hostile-1", "title": "<img src=x onerror=alert(2)> 标记测试", "body": "<script>alert(3)</script> 试验田里的 <b>粗体</b> 文字", "source": "e2e_browser"}
EOF
if ! "$IDX" -i "$T/idx" corpus/ "$T/hostile.jsonl" >"$T/index.log" 2>&1; then
	printf 'FAIL %s: the index of corpus/\n    got: %s\n' "$NAME" "$(show "$T/index.log")"
	exit 1
fi

# serve_on LOG PATH ARGS...: gongwen-serve on the index with ARGS, on a
# free loopback port, until PATH answers 200; sets started_port and
# started_pid (empty if it never did). The port is free when asked and
# taken a moment later: a server that cannot listen is retried on another.
serve_on() {
	_log=$1
	_path=$2
	shift 2
	for _try in 1 2 3; do
		started_port=$(free_port)
		"$SERVE" -i "$T/idx" --listen "127.0.0.1:$started_port" "$@" >"$_log" 2>&1 &
		started_pid=$!
		wait_http "http://127.0.0.1:$started_port$_path" && return 0
		kill "$started_pid" 2>/dev/null
		wait "$started_pid" 2>/dev/null
		started_pid=
	done
	return 1
}

serve_on "$T/serve.log" /health --threads 2 --access-log "$T/access.log"
serve_pid=$started_pid
port=$started_port
if [ -z "$serve_pid" ]; then
	printf 'FAIL %s: gongwen-serve starts\n    got: %s\n' "$NAME" "$(show "$T/serve.log")"
	exit 1
fi

# A second server that wants an API key (the page asks for it).
serve_on "$T/serve-key.log" / --threads 1 --api-key e2e-key
key_pid=$started_pid
kport=$started_port
if [ -z "$key_pid" ]; then
	printf 'FAIL %s: gongwen-serve --api-key starts\n    got: %s\n' "$NAME" "$(show "$T/serve-key.log")"
	exit 1
fi

for try in 1 2 3; do
	dport=$(free_port)
	setsid chromedriver --port="$dport" --log-path="$T/chromedriver.log" \
		>"$T/chromedriver.out" 2>&1 &
	driver_pid=$!
	wait_http "http://127.0.0.1:$dport/status" && break
	kill -KILL "-$driver_pid" 2>/dev/null
	driver_pid=
done
if [ -z "$driver_pid" ]; then
	printf 'FAIL %s: chromedriver starts\n    got: %s\n' "$NAME" "$(show "$T/chromedriver.out")"
	exit 1
fi

mkdir -p "$(dirname "$SHOT")"
GW_CHROMIUM=$CHROMIUM python3 tests/browser_page.py "http://127.0.0.1:$port" \
	"http://127.0.0.1:$dport" "$T/profile" "$SHOT" "http://127.0.0.1:$kport"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "    (server log: $(show "$T/serve.log"))"
	echo "    (chromedriver: $(tail -n 5 "$T/chromedriver.log" 2>/dev/null | head -c 800))"
fi
stop_all
# Nothing started here may outlive the test: a process whose command line
# names the scratch directory (chromedriver, Chromium, the server) is
# reported and killed. The pattern goes to grep on stdin, so that grep's
# own command line does not match.
left=$(printf '%s\n' "$T/" | grep -l -s -F -f - /proc/[0-9]*/cmdline 2>/dev/null |
	sed 's|^/proc/\([0-9]*\)/cmdline$|\1|')
if [ -n "$left" ]; then
	printf 'FAIL %s: everything started is stopped\n    got: still running: %s\n' "$NAME" \
		"$(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline" | head -c 100; echo; done)"
	kill -KILL $left 2>/dev/null
	exit 1
fi
exit $rc
