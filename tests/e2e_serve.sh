#!/bin/sh
# e2e_serve: end-to-end tests of gongwen-serve's API over real HTTP
# (tests/serve_api.py says what is checked). One line per check.
cd "$(dirname "$0")/.." || exit 2
exec python3 tests/serve_api.py
