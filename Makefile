# gongwen: one non-recursive Makefile.
#
#   make            build build/gongwen-index, build/gongwen-search, build/libgongwen.a
#   make test       build and run every test; last line "N passed, N failed, N skipped"
#   make check      the same but for the tests tagged slow (gw-test: slow), which
#                   it reports as skipped: make -j2 check took 15-23 s where
#                   make -j2 test took 26-38 s (quiet - loaded machine)
#   make -j2 test   (or make test JOBS=2) runs two tests at a time; TIMEOUT=S sets
#                   the default time limit of a test (300 s); see tests/run.sh
#   make SAN=1 test the same under AddressSanitizer + UBSan (in build-san/)
#   make run        index corpus/ into build/index and run two example searches
#   make deps       install missing Debian packages (as root) or print the apt-get line
#   make bench-serve  gongwen-serve under wrk beside gongwen-search --batch (tests/bench_serve.sh)
#   make pg-ext     the PostgreSQL extension pg/gongwen.so (PGXS; pg/README.md)
#   make bench-pg   the extension beside gongwen-search and pg_trgm on the shared
#                   corpus, and over two clusters (pg/tests/bench_pg.sh; ~5 min)
#   make fuzz       build the libFuzzer harnesses tests/fuzz/fuzz_*.c with clang (in
#                   build-fuzz/) and run each for FUZZ_S seconds (default 60)
#   make install    install the programs, libgongwen (.so and .a), gongwen.h,
#                   gongwen.pc, man pages, bash completions and the systemd
#                   units under PREFIX (/usr/local), into DESTDIR; make uninstall
#   make deb        build the Debian packages (debian/) into build-deb/
MAKEFLAGS += --no-print-directory
.SUFFIXES:
# Keep intermediate objects (tests/*.o): no "rm" after the test summary line.
.SECONDARY:

CC ?= cc
ifeq ($(origin CC),default)
CC = cc
endif

ifeq ($(SAN),1)
B := build-san
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else
B := build
OPT := -O2 -g
endif

# Debian packages the build needs; `make deps` installs the missing ones.
DEB_PKGS := gcc make pkg-config libicu-dev liblmdb-dev libstemmer-dev libxml2-dev libzip-dev libzstd-dev lmdb-utils \
            libpoppler-glib-dev libmicrohttpd-dev libopencc-dev curl

# Recursively expanded on purpose: evaluated when a recipe runs, i.e. after
# `deps` has installed pkg-config and the -dev packages.
PKG_CFLAGS = $(shell pkg-config --cflags icu-uc icu-i18n lmdb libxml-2.0 libzip libzstd poppler-glib 2>/dev/null)
SERVE_LIBS = $(shell pkg-config --libs libmicrohttpd 2>/dev/null) -lpthread
PKG_LIBS = $(shell pkg-config --libs icu-uc icu-i18n lmdb libxml-2.0 libzip libzstd poppler-glib 2>/dev/null) -lstemmer -lm

WARN := -std=c11 -pedantic -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla
CPPFLAGS := -D_GNU_SOURCE -Ilib -I$(B)/gen
CFLAGS_ALL = $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) $(LIB_CFLAGS) -MMD -MP $(CFLAGS)
LDFLAGS_ALL = $(OPT) $(LDFLAGS)

LIB_SRC := $(wildcard lib/*/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/gw_t2s_table.o $(B)/gen/gw_fold_table.o
IDX_SRC := $(wildcard indexer/*.c)
IDX_OBJ := $(IDX_SRC:%.c=$(B)/%.o)
SRCH_SRC := $(wildcard search/*.c)
SRCH_OBJ := $(SRCH_SRC:%.c=$(B)/%.o)
SERVE_SRC := $(wildcard serve/*.c)
SERVE_OBJ := $(filter-out %/gen_assets.o,$(SERVE_SRC:%.c=$(B)/%.o)) $(B)/gen/serve_assets.o
# The request handler without the HTTP library: what the fuzz harness drives.
SERVE_CORE_OBJ := $(B)/serve/handler.o $(B)/serve/params.o $(B)/gen/serve_assets.o
# Program code other than main() is linked into tests too.
PROG_LIB_OBJ := $(filter-out %/main.o,$(IDX_OBJ) $(SRCH_OBJ))
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(B)/tests/%)

LIBGW := $(B)/libgongwen.a
INDEXER := $(B)/gongwen-index
SEARCHER := $(B)/gongwen-search
SERVER := $(B)/gongwen-serve

.PHONY: all deps test-deps test check run serve clean
all: $(INDEXER) $(SEARCHER) $(SERVER) $(LIBGW)

# $(call install-missing,PACKAGES): installs the Debian packages of the
# list that are missing (as root), or prints the apt-get line and fails.
install-missing = missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null || exit 2; \
	  else \
	    echo "missing Debian packages; install them with:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 2; \
	  fi; \
	fi

deps:
	@$(call install-missing,$(DEB_PKGS))

$(B)/.deps-ok: | deps
	@mkdir -p $(B) && touch $@

# The Traditional->Simplified table is generated from ICU's data and
# OpenCC's at build time (only the generator links OpenCC), compiled with
# the UTF-8 code of lib/ from its sources, as gen_fold below.
OPENCC_FLAGS = $(shell pkg-config --cflags --libs opencc 2>/dev/null)
GEN_T2S_SRC := lib/text/gw_utf8.c lib/base/gw_buf.c
$(B)/gen_t2s: lib/text/gen/gen_t2s.c $(GEN_T2S_SRC) | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 $(CPPFLAGS) $(PKG_CFLAGS) $< $(GEN_T2S_SRC) -o $@ $(PKG_LIBS) $(OPENCC_FLAGS)

$(B)/gen/gw_t2s_table.c: $(B)/gen_t2s
	@mkdir -p $(dir $@)
	$(B)/gen_t2s > $@.tmp && mv $@.tmp $@

$(B)/gen/gw_t2s_table.o: $(B)/gen/gw_t2s_table.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The table of the code points the fold changes (gw_foldmap.h), made by the
# fold itself: gen_fold is compiled with the sources of the fold, plainly
# (not with the objects of build-san/ or build-fuzz/, which would need their
# sanitizers at link and at run time).
GEN_FOLD_SRC := lib/text/gw_norm.c lib/text/gw_utf8.c lib/base/gw_err.c lib/base/gw_buf.c \
                $(B)/gen/gw_t2s_table.c
$(B)/gen_fold: lib/text/gen/gen_fold.c $(GEN_FOLD_SRC) | $(B)/.deps-ok
	$(CC) $(WARN) -O2 $(CPPFLAGS) $(PKG_CFLAGS) $< $(GEN_FOLD_SRC) -o $@ $(PKG_LIBS)

$(B)/gen/gw_fold_table.c: $(B)/gen_fold
	@mkdir -p $(dir $@)
	$(B)/gen_fold > $@.tmp && mv $@.tmp $@

$(B)/gen/gw_fold_table.o: $(B)/gen/gw_fold_table.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# --- gongwen-serve's page, embedded in the binary ---------------------------
# gen_assets turns the page's files (serve/page/) into C byte arrays, each
# with its URL path, Content-Type and ETag (the table of serve/assets.h), so
# the server reads no files at run time. The table is regenerated when a file
# of the page changes; $(SERVE_ASSETS_OBJ) is linked into gongwen-serve.
SERVE_PAGE := $(sort $(wildcard serve/page/*.html serve/page/*.css serve/page/*.js))
SERVE_ASSETS_OBJ := $(B)/gen/serve_assets.o

$(B)/gen_assets: serve/gen_assets.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -D_GNU_SOURCE $< -o $@

$(B)/gen/serve_assets.c: $(B)/gen_assets $(SERVE_PAGE)
	@mkdir -p $(dir $@)
	$(B)/gen_assets $@ $(SERVE_PAGE)

$(B)/gen/serve_assets.o: $(B)/gen/serve_assets.c serve/assets.h
	$(CC) $(CFLAGS_ALL) -Iserve -c $< -o $@

# Debian packages the tests (not the build) need; `make test` and `make
# check` install the missing ones as root (CI); elsewhere test-deps says
# how, and the tests that need them report SKIP (FAIL when $$CI is set).
# chromium, chromium-driver: tests/e2e_browser.sh drives the page;
# slowhttptest, wrk, python3, curl: tests/e2e_serve_load.sh, make bench-serve.
TEST_DEB_PKGS := chromium chromium-driver slowhttptest wrk python3 curl

test-deps:
	@($(call install-missing,$(TEST_DEB_PKGS))) || \
	  echo "(without them the tests that need them report SKIP)"
# --- end of gongwen-serve's page ---------------------------------------------

# --- manual pages (man/*.[1-8], mdoc) -----------------------------------------
# tests/check_man.sh lints every page with `mandoc -Tlint -Wwarning` (groff's
# `-mdoc -ww -z` where mandoc is missing; SKIP without either), and
# tests/check_options.sh holds the programs' pages to their option tables.
# `make test` installs the linters with the browser's packages (test-deps).
TEST_DEB_PKGS += mandoc groff-base
# --- end of manual pages -------------------------------------------------------

$(B)/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBGW): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(INDEXER): $(IDX_OBJ) $(LIBGW)
	$(CC) $(LDFLAGS_ALL) $^ -o $@ $(PKG_LIBS)

# gongwen-search links ICU, LMDB, libstemmer, libzstd and the C++ runtime ICU
# needs statically: it is often started for one query, and loading and
# relocating the shared ICU libraries was most of that (gongwen-search --help
# alone took about as long as quest answering a query); binding ICU's
# references to a shared libstdc++ then still took 2.5 ms against 1.8 ms a
# query (hyperfine, 100 runs). libstdc++.a comes with libstdc++-12-dev, as
# the libstdc++.so a dynamic link needs. Not the indexer: libxml2 brings the
# shared ICU along.
SRCH_LIBS = -Wl,-Bstatic -licui18n -licuuc -licudata -llmdb -lstemmer -lzstd -lstdc++ -Wl,-Bdynamic \
            -lm -lpthread -ldl

$(SEARCHER): $(SRCH_OBJ) $(LIBGW)
	$(CC) $(LDFLAGS_ALL) $^ -o $@ $(SRCH_LIBS)

# gongwen-serve: libmicrohttpd for HTTP (README "gongwen-serve" says why).
$(SERVER): $(SERVE_OBJ) $(LIBGW)
	$(CC) $(LDFLAGS_ALL) $^ -o $@ $(PKG_LIBS) $(SERVE_LIBS)

# --- versions and the shared library (issue 18) ------------------------------
# One home each: the package version is the file VERSION (the programs'
# --version, gongwen.pc, debian/changelog must agree: tests/e2e_install.sh);
# the C API's version is GONGWEN_API_MAJOR/MINOR in lib/gongwen.h, and the
# soname follows its major: libgongwen.so.1. README "Versions" says what
# each may change.
GW_VERSION := $(shell cat VERSION)
GW_VERSION_DEF = -DGW_PACKAGE_VERSION='"$(GW_VERSION)"'
API_MAJOR := $(shell sed -n 's/^\#define GONGWEN_API_MAJOR \([0-9]*\)$$/\1/p' lib/gongwen.h)
API_MINOR := $(shell sed -n 's/^\#define GONGWEN_API_MINOR \([0-9]*\)$$/\1/p' lib/gongwen.h)
SONAME := libgongwen.so.$(API_MAJOR)
LIBSO := $(B)/$(SONAME).$(API_MINOR)

$(B)/lib/out/gw_version.o: VERSION
$(B)/lib/out/gw_version.o: CPPFLAGS += $(GW_VERSION_DEF)

# The library's objects are position-independent, for libgongwen.so, and
# the programs link the same objects (libgongwen.a): one compilation. Every
# symbol is hidden but the gongwen_* of gongwen.h (lib/api/gw_api.c), so
# that calls inside the library are direct, as in the programs' PIE code:
# gongwen-search answered no slower (README "Versions" has the figures).
$(LIB_OBJ): LIB_CFLAGS := -fPIC -fvisibility=hidden
# The objects of a build tree from before this were not PIC: removed once,
# when the stamp is missing (as a rule's prerequisite the stamp would not
# do: .SECONDARY lets make skip a missing one).
ifeq ($(wildcard $(B)/.lib-pic),)
$(shell rm -f $(LIB_OBJ) $(LIBGW) $(LIBSO) $(INDEXER) $(SEARCHER) $(SERVER); mkdir -p $(B) && touch $(B)/.lib-pic)
endif

# The shared library exports what lib/api/libgongwen.map names, under its
# version node; -z defs: every symbol it needs comes from a library it names.
$(LIBSO): $(LIB_OBJ) lib/api/libgongwen.map
	$(CC) $(LDFLAGS_ALL) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/api/libgongwen.map \
	    -Wl,-z,defs $(LIB_OBJ) -o $@ $(PKG_LIBS)
	ln -sf $(notdir $@) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libgongwen.so

# Bash completions, written from each program's --help at build time
# (dist/gen_completion.sh), so that they offer exactly its options.
COMPLETIONS := $(B)/completions/gongwen-index $(B)/completions/gongwen-search $(B)/completions/gongwen-serve
$(B)/completions/%: $(B)/% dist/gen_completion.sh
	@mkdir -p $(dir $@)
	$< --help | sh dist/gen_completion.sh $* > $@.tmp && mv $@.tmp $@

# Not under SAN=1: a sanitized shared library would need the sanitizers'
# runtime in every program that loads it.
ifneq ($(SAN),1)
all: $(LIBSO) $(COMPLETIONS)
endif
# --- end of versions and the shared library ------------------------------------

$(B)/tests/%: $(B)/tests/%.o $(PROG_LIB_OBJ) $(LIBGW)
	$(CC) $(LDFLAGS_ALL) $^ -o $@ $(PKG_LIBS)

# e2e_disk.sh's LD_PRELOAD shim that fails writes as a full disk or a
# quota does. Never sanitized: it is loaded into the sanitized programs.
FAIL_WRITES := $(B)/tests/fail_writes.so
$(FAIL_WRITES): tests/fail_writes.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -D_GNU_SOURCE -fPIC -shared $< -o $@ -ldl

# The fuzz harnesses (tests/fuzz/fuzz_NAME.c), each linked with the replay
# driver tests/fuzz/replay.c: `make test` replays every seed and regression
# input (tests/fuzz/seeds/NAME/, tests/fuzz/regress/NAME/) through them with
# $(CC), so a crash once found stays fixed without clang. gw_fuzz.h goes
# ahead of every harness: the prototypes -Wmissing-prototypes wants.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(B)/tests/fuzz/fuzz_%)
FUZZ_INC := -Itests/fuzz -include tests/fuzz/gw_fuzz.h

# Static pattern rules: a plain replay_%.o would also match the .d files
# that make tries to remake (replay_csv.d.o) and build junk from them.
FUZZ_REPLAY_OBJ := $(FUZZ_NAMES:%=$(B)/tests/fuzz/replay_%.o)

$(FUZZ_REPLAY:%=%.o): $(B)/tests/fuzz/fuzz_%.o: tests/fuzz/fuzz_%.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(FUZZ_INC) -c $< -o $@

$(FUZZ_REPLAY_OBJ): $(B)/tests/fuzz/replay_%.o: tests/fuzz/replay.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(FUZZ_INC) '-DGW_FUZZ_NAME="$*"' -c $< -o $@

$(FUZZ_REPLAY): $(B)/tests/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_%.o $(LIBGW)
	$(CC) $(LDFLAGS_ALL) $(filter %.o,$^) $(filter %.a,$^) -o $@ $(PKG_LIBS)
# fuzz_serve drives gongwen-serve's handler, which is program code, and
# decodes as libmicrohttpd does.
$(B)/tests/fuzz/fuzz_serve: $(SERVE_CORE_OBJ)
$(B)/tests/fuzz/fuzz_serve: PKG_LIBS += $(SERVE_LIBS)

# The programs tests/run.sh runs besides the scripts it finds itself
# (tests/check_*.sh, tests/e2e_*.sh): append to TEST_PROGS; what the tests
# need built but are not tests (helpers, shims) goes in TEST_DEPS.
TEST_PROGS := $(TEST_BIN) $(FUZZ_REPLAY)
TEST_DEPS := $(FAIL_WRITES) $(B)/tests/totals_cmp pg-ext

# Tests at a time: JOBS=N, else make's -jN (bare -j: one a core), else 1.
# Recursively expanded: MAKEFLAGS shows -jN only while recipes run.
TEST_JOBS = $(or $(JOBS),$(if $(filter -j,$(MAKEFLAGS)),$(shell nproc)),$(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
RUN_TESTS = GW_BUILD=$(B) JOBS=$(TEST_JOBS) GW_TIMEOUT=$(or $(TIMEOUT),300) sh tests/run.sh $(TEST_PROGS)

test: deps test-deps all $(TEST_PROGS) $(TEST_DEPS)
	@$(RUN_TESTS)

check: deps test-deps all $(TEST_PROGS) $(TEST_DEPS)
	@GW_QUICK=1 $(RUN_TESTS)

RUN_INDEX := $(B)/index
RUN_PORT ?= 7700
run: deps all
	@rm -rf $(RUN_INDEX)
	$(INDEXER) -i $(RUN_INDEX) corpus/
	@echo
	@echo '$$ gongwen-search -i $(RUN_INDEX) 專業化眾創空間    # typed in Traditional'
	@$(SEARCHER) -i $(RUN_INDEX) -n 5 專業化眾創空間
	@echo
	@echo '$$ gongwen-search -i $(RUN_INDEX) 众创空间 江苏    # typed in Simplified'
	@$(SEARCHER) -i $(RUN_INDEX) -n 5 众创空间 江苏
	@echo
	@echo '$$ gongwen-serve -i $(RUN_INDEX) --listen 127.0.0.1:$(RUN_PORT) &    # make serve keeps it running'
	@echo '$$ curl -s "http://127.0.0.1:$(RUN_PORT)/search?q=眾創空間&limit=1&fields=title"'
	@$(SERVER) -i $(RUN_INDEX) --listen 127.0.0.1:$(RUN_PORT) --access-log /dev/null & pid=$$!; \
	 for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf -o /dev/null http://127.0.0.1:$(RUN_PORT)/health && break; sleep 0.2; done; \
	 curl -s 'http://127.0.0.1:$(RUN_PORT)/search?q=%E7%9C%BE%E5%89%B5%E7%A9%BA%E9%96%93&limit=1&fields=title'; st=$$?; \
	 echo; kill $$pid; wait $$pid; exit $$st

# The search page and the API on http://127.0.0.1:$(RUN_PORT)/ (Ctrl-C stops it).
serve: deps all
	@[ -d $(RUN_INDEX) ] || $(INDEXER) -q -i $(RUN_INDEX) corpus/
	$(SERVER) -i $(RUN_INDEX) --listen 127.0.0.1:$(RUN_PORT)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# `make fuzz`: every harness tests/fuzz/fuzz_NAME.c built with clang's
# libFuzzer, ASan and UBSan against a clang build of the lib objects in
# build-fuzz/, then run for FUZZ_S seconds each by tests/fuzz/fuzz.sh, which
# prints executions, coverage and crashes per harness and fails on a crash.
# Seeds and regression inputs are read from tests/fuzz/; what the fuzzer
# adds goes to build-fuzz/corpus/NAME/, crash inputs to
# build-fuzz/crashes/NAME/. Per harness, tests/fuzz/fuzz_NAME.options may
# hold more libFuzzer flags (-max_len=...) and tests/fuzz/fuzz_NAME.dict a
# dictionary. FUZZ_NICE=nice leaves the CPU to others.
.PHONY: fuzz fuzz-deps
FUZZ_DEB_PKGS := clang libclang-rt-14-dev
FUZZ_CC ?= clang
FUZZ_S ?= 60
FUZZ_NICE ?=
FZ := build-fuzz
FZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# -Werror stays with the gcc build: a warning only clang gives must not stop fuzzing.
FZ_CFLAGS = $(filter-out -Werror,$(WARN)) -O1 -g -fno-omit-frame-pointer $(FZ_SAN) \
            -D_GNU_SOURCE -Ilib $(PKG_CFLAGS) -MMD -MP
FZ_LIB_OBJ := $(LIB_SRC:%.c=$(FZ)/%.o) $(FZ)/gen/gw_t2s_table.o $(FZ)/gen/gw_fold_table.o
FZ_LIBGW := $(FZ)/libgongwen.a
FUZZ_BIN := $(FUZZ_NAMES:%=$(FZ)/fuzz_%)

fuzz-deps:
	@$(call install-missing,$(DEB_PKGS) $(FUZZ_DEB_PKGS))

$(FZ)/.deps-ok: | fuzz-deps
	@mkdir -p $(FZ) && touch $@

$(FZ)/gen_t2s: lib/text/gen/gen_t2s.c $(GEN_T2S_SRC) | $(FZ)/.deps-ok
	$(FUZZ_CC) $(WARN) -O2 -D_GNU_SOURCE -Ilib $(PKG_CFLAGS) $< $(GEN_T2S_SRC) -o $@ $(PKG_LIBS) $(OPENCC_FLAGS)

$(FZ)/gen/gw_t2s_table.c: $(FZ)/gen_t2s
	@mkdir -p $(dir $@)
	$(FZ)/gen_t2s > $@.tmp && mv $@.tmp $@

$(FZ)/gen/gw_t2s_table.o: $(FZ)/gen/gw_t2s_table.c
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ)/gen/gw_fold_table.o: $(B)/gen/gw_fold_table.c | $(FZ)/.deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# The --version text names the package version (file VERSION).
$(FZ)/lib/out/gw_version.o: VERSION
$(FZ)/lib/out/gw_version.o: FZ_CFLAGS += $(GW_VERSION_DEF)

$(FZ)/lib/%.o: lib/%.c | $(FZ)/.deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ_LIBGW): $(FZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BIN): $(FZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FZ_LIBGW) | $(FZ)/.deps-ok
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_INC) $< $(filter %.o,$^) $(FZ_LIBGW) -o $@ $(PKG_LIBS)

# fuzz_serve: gongwen-serve's handler (program code), built for fuzzing.
$(FZ)/serve/%.o: serve/%.c | $(FZ)/.deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FZ)/gen/serve_assets.o: $(B)/gen/serve_assets.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -Iserve -fsanitize=fuzzer-no-link -c $< -o $@
$(FZ)/fuzz_serve: $(FZ)/serve/handler.o $(FZ)/serve/params.o $(FZ)/gen/serve_assets.o
$(FZ)/fuzz_serve: PKG_LIBS += $(SERVE_LIBS)

fuzz: $(FUZZ_BIN)
	@FUZZ_S=$(FUZZ_S) FUZZ_DIR=$(FZ) FUZZ_NICE='$(FUZZ_NICE)' sh tests/fuzz/fuzz.sh $(FUZZ_BIN)

-include $(shell find $(FZ) -name '*.d' 2>/dev/null)

# --- the PostgreSQL extension (pg/) ------------------------------------------
# pg/ is built with PGXS (pg/Makefile) against Debian's PostgreSQL 15 and
# links $(LIBGW). tests/e2e_pg.sh runs its regression tests on a throwaway
# cluster; `make bench-pg` measures it on the shared corpus
# (pg/tests/bench_pg.sh). Its token layout (pg/gw_pg_layout.c) is plain C
# with a fuzz harness of its own, linked with the layout's object.
PG_DEB_PKGS := postgresql-15 postgresql-server-dev-15 postgresql-contrib libpq-dev bc
TEST_DEB_PKGS += $(PG_DEB_PKGS)
.PHONY: pg-ext bench-pg
# Not in a sanitizer build: the server would need the sanitizers' runtime.
pg-ext: $(LIBGW)
	@if [ "$(SAN)" != 1 ] && command -v pg_config >/dev/null 2>&1 && \
	    [ -d "$$(pg_config --includedir-server)" ]; then \
	  $(MAKE) -s -C pg GW_BUILD=$(CURDIR)/$(B); fi
bench-pg: all pg-ext
	@GW_BUILD=$(CURDIR)/$(B) bash pg/tests/bench_pg.sh
$(B)/pg/gw_pg_layout.o: pg/gw_pg_layout.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ipg -c $< -o $@
$(B)/tests/fuzz/fuzz_pg_layout.o: FUZZ_INC += -Ipg
$(B)/tests/fuzz/fuzz_pg_layout: $(B)/pg/gw_pg_layout.o
$(FZ)/pg/gw_pg_layout.o: pg/gw_pg_layout.c | $(FZ)/.deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FZ)/fuzz_pg_layout: FUZZ_INC += -Ipg
$(FZ)/fuzz_pg_layout: $(FZ)/pg/gw_pg_layout.o
# PGXS builds in pg/ itself.
.PHONY: clean-pg
clean: clean-pg
clean-pg:
	rm -f pg/*.o pg/*.so pg/*.bc
# --- end of the PostgreSQL extension -----------------------------------------

# `make bench`: gongwen beside the peer engines of ../shared/bench in one run,
# printed as one markdown table (tests/bench.sh; under 10 minutes).
.PHONY: bench
bench: all
	@GW_BUILD=$(B) bash tests/bench.sh

# `make bench-serve`: gongwen-serve under wrk on loopback, beside the same
# queries through gongwen-search --batch (tests/bench_serve.sh; about 4
# minutes). THREADS="1 2 4" compares the server's --threads.
.PHONY: bench-serve
bench-serve: test-deps all
	@GW_BUILD=$(B) bash tests/bench_serve.sh
# --- make install, make uninstall, make deb (issue 18) -------------------------
# GNU conventions: PREFIX (default /usr/local) and the directories below
# can be set on the command line, DESTDIR stages the whole tree elsewhere
# (a package build, tests/e2e_install.sh). Installed: the three programs;
# libgongwen.so.1 (with its links) and libgongwen.a; gongwen.h; gongwen.pc;
# the man pages of man/ (whatever sections are there); a bash completion
# per program; gongwen-serve.service and gongwen-index.service with their
# environment file (default/gongwen, only if there is none yet: it is the
# administrator's). gongwen.pc and the units get their paths at install.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MAN_PAGES = $(wildcard man/*.[1-8])
PROGRAMS := gongwen-index gongwen-search gongwen-serve
UNITS := gongwen-serve.service gongwen-index.service
INSTALL ?= install
# Fills in the @NAME@ of dist/*.in.
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
            -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
            -e 's|@VERSION@|$(GW_VERSION)|g'

.PHONY: install uninstall deb clean-deb
install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 755 $(PROGRAMS:%=$(B)/%) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 $(LIBSO) $(LIBGW) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIBSO)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libgongwen.so
	$(INSTALL) -m 644 lib/gongwen.h $(DESTDIR)$(INCLUDEDIR)/
	$(SUBST) dist/gongwen.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/gongwen.pc
	$(INSTALL) -m 644 $(COMPLETIONS) $(DESTDIR)$(BASHCOMPDIR)/
	for u in $(UNITS); do $(SUBST) dist/$$u.in > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; done
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/gongwen ] || \
	    $(INSTALL) -m 600 dist/gongwen.default $(DESTDIR)$(SYSCONFDIR)/default/gongwen
	for m in $(MAN_PAGES); do \
	    s=$${m##*.}; $(INSTALL) -d $(DESTDIR)$(MANDIR)/man$$s && \
	    $(INSTALL) -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done

# Removes what install put there, directories aside; the environment file
# only if it is still the one installed (else it says so and keeps it).
uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(PROGRAMS:%=$(DESTDIR)$(BASHCOMPDIR)/%)
	rm -f $(DESTDIR)$(LIBDIR)/$(notdir $(LIBSO)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libgongwen.so $(DESTDIR)$(LIBDIR)/libgongwen.a \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/gongwen.pc $(DESTDIR)$(INCLUDEDIR)/gongwen.h
	rm -f $(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%)
	for m in $(MAN_PAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	@f=$(DESTDIR)$(SYSCONFDIR)/default/gongwen; \
	if cmp -s dist/gongwen.default $$f; then rm -f $$f; \
	elif [ -e $$f ]; then echo "kept $$f: it was changed"; fi

# `make deb`: the Debian packages gongwen, libgongwen1 and libgongwen-dev
# (debian/), built in build-deb/ (debian/rules), then checked by lintian.
# dpkg-buildpackage writes them next to the source tree; they are moved to
# build-deb/ so that .. stays as it was.
DEB_BUILD_PKGS := dpkg-dev debhelper fakeroot lintian
DEB_ARCH = $(shell dpkg --print-architecture)
DEB_OUT = gongwen_$(GW_VERSION)_$(DEB_ARCH).deb gongwen-dbgsym_$(GW_VERSION)_$(DEB_ARCH).deb \
          libgongwen1_$(GW_VERSION)_$(DEB_ARCH).deb libgongwen1-dbgsym_$(GW_VERSION)_$(DEB_ARCH).deb \
          libgongwen-dev_$(GW_VERSION)_$(DEB_ARCH).deb \
          gongwen_$(GW_VERSION)_$(DEB_ARCH).buildinfo gongwen_$(GW_VERSION)_$(DEB_ARCH).changes
deb:
	@$(call install-missing,$(DEB_PKGS) $(DEB_BUILD_PKGS))
	dpkg-buildpackage -us -uc -b
	@mkdir -p build-deb/out
	@for f in $(DEB_OUT); do [ ! -e ../$$f ] || mv ../$$f build-deb/out/; done
	@ls build-deb/out
	lintian --fail-on error build-deb/out/gongwen_$(GW_VERSION)_$(DEB_ARCH).changes

# What a package build leaves in debian/ (debian/rules clean removes it too).
clean-deb:
	rm -rf build-deb debian/.debhelper debian/tmp debian/gongwen debian/libgongwen1 \
	    debian/libgongwen-dev debian/files debian/*.substvars debian/*.debhelper \
	    debian/*.debhelper.log debian/debhelper-build-stamp
clean: clean-deb
# --- end of make install, make uninstall, make deb ------------------------------
