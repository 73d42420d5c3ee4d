# caseload — build, set-up, run, test, bench.
#
#   make            build ./caseload
#   make run        install what is missing, build, run the baseline scenario
#   make test       install what is missing, build, run every test
#   make golden     rewrite tests/golden/ (the outputs test_golden checks byte for
#                   byte) after a change of results that is meant; see docs/testing.md
#   make mutants    plant each mutant of tests/mutants/ in a scratch copy, run the
#                   tests, report killed / survived and the score (MUTANTS=a subset)
#   make bench      benchmarks (figures go in docs/performance.md)
#   make mpi        build ./caseload-mpi, the same commands over MPI ranks
#                   (Open MPI; docs/cluster.md)
#   make check-asan every test again under AddressSanitizer and UBSan (build-asan/)
#   make fuzz       fuzz the scenario loader and the readers and writers of charts,
#                   FUZZ_SECONDS each (docs/robustness.md)
#   make install    copy the program to $(PREFIX)/bin
#   make clean

# ---- settings -------------------------------------------------------------
CC       ?= cc
PREFIX   ?= /usr/local
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion \
            -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla
CPPFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -I.
BUILD    ?= build
SCENARIO ?= scenarios/baseline.cfg
RUN_ARGS ?= --force --plot

# Debian packages the build, tests and charts need, and how to find them.
DEB_PACKAGES := pkg-config libgsl-dev libconfig-dev nettle-dev libcmocka-dev gnuplot-nox
PKGS         := gsl libconfig nettle
# and those only the tests need (make test installs them; make and make run
# do not): libxml2 reads the report back (tests/test_report.c), zlib
# decodes the browser's screenshot, chromium opens the report and prints
# it to PDF, poppler-utils counts its pages (tests/test_browser.c),
# libxml2-utils checks pages by hand (xmllint --noout).
TEST_DEB_PACKAGES := libxml2-dev libxml2-utils zlib1g-dev chromium poppler-utils
TEST_DEB_PACKAGES += openmpi-bin libopenmpi-dev   # make mpi, tests/mpi.sh (docs/cluster.md)
XML_CFLAGS  = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS    = $(shell pkg-config --libs libxml-2.0 2>/dev/null)

PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)
LDLIBS       = $(PKG_LIBS) -lm -pthread

# ---- sources --------------------------------------------------------------
LIB_SRC   := $(wildcard sim/*.c) $(wildcard models/*.c) $(wildcard output/*.c) $(wildcard fit/*.c)
CLI_SRC   := $(wildcard cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_LIB  := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
BENCH_SRC := $(wildcard bench/*.c)

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ  := $(TEST_LIB:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB       := $(BUILD)/libcaseload.a

.PHONY: all deps test-deps run test golden mutants bench install clean check-asan fuzz mpi

all: caseload

# ---- set-up: install what is missing --------------------------------------
# A stamp records that the packages were found, so later builds skip the check.
deps: $(BUILD)/.deps
test-deps: $(BUILD)/.test-deps
# $(call install_missing,PACKAGES): install those not installed (as root),
# else say how and fail.
define install_missing
	@missing=""; \
	for p in $(1); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "caseload: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	      >/dev/null || exit 1; \
	  else \
	    echo "caseload: missing packages:$$missing"; \
	    echo "caseload: install them with: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi
endef
$(BUILD)/.deps: Makefile
	$(call install_missing,$(DEB_PACKAGES))
	@mkdir -p $(BUILD) && touch $@
$(BUILD)/.test-deps: Makefile | $(BUILD)/.deps
	$(call install_missing,$(TEST_DEB_PACKAGES))
	@mkdir -p $(BUILD) && touch $@

# ---- build ----------------------------------------------------------------
$(BUILD)/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

caseload: $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# The tests that need the test packages: libxml2 (the report read back),
# zlib (the browser's screenshot decoded).
$(BUILD)/tests/test_report.o $(BUILD)/tests/test_browser.o: | $(BUILD)/.test-deps
$(BUILD)/tests/test_report.o: CPPFLAGS += $(XML_CFLAGS)
$(BUILD)/tests/test_report: LDLIBS += $(XML_LIBS)
$(BUILD)/tests/test_browser: LDLIBS += -lz

# The invariant walker (models/invariants.h) runs after every event where the
# replication loop is compiled with CHECK_DEFS: in tests/test_invariants.c
# (this second build of replication.c, linked before the library so that it
# stands in for the library's own), also in the sanitizer build; never in
# ./caseload. The sanitizer build compiles everything else with
# SPARSE_CHECK_DEFS: walks at a bounded cost per event, for the whole suite.
CHECK_DEFS        := -DCASELOAD_CHECK_INVARIANTS
SPARSE_CHECK_DEFS := -DCASELOAD_CHECK_INVARIANTS -DCASELOAD_CHECK_SPARSE
$(BUILD)/check/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(CHECK_DEFS) -UCASELOAD_CHECK_SPARSE \
	  -MMD -MP -c $< -o $@

$(BUILD)/tests/test_invariants: $(BUILD)/tests/test_invariants.o $(BUILD)/check/models/replication.o \
                                $(TEST_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# caseload-mpi: the front end again, compiled by Open MPI's mpicc with
# CASELOAD_MPI (cli/batch.c hands replications to cli/mpi/cluster.c), on
# the same library.
MPICC   ?= mpicc
MPI_SRC := $(CLI_SRC) $(wildcard cli/mpi/*.c)
MPI_OBJ := $(MPI_SRC:%.c=$(BUILD)/mpi/%.o)
mpi: caseload-mpi
$(BUILD)/mpi/%.o: %.c | $(BUILD)/.test-deps
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) -DCASELOAD_MPI $(PKG_CFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

caseload-mpi: $(MPI_OBJ) $(LIB)
	$(MPICC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(MPI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TEST_BIN:=.d) $(BENCH_BIN:=.d) \
         $(BUILD)/check/models/replication.d

# ---- run, test, bench -----------------------------------------------------
# The run's folder: results/NAME for scenarios/NAME.cfg; its report, the
# page for a committee, is RUN_DIR/report.html.
RUN_DIR ?= results/$(basename $(notdir $(SCENARIO)))
run: caseload
	./caseload run $(SCENARIO) -o $(RUN_DIR) $(RUN_ARGS)
	./caseload report $(RUN_DIR)

# Each test program is a cmocka group; they run from the repository root so
# they can find ./caseload and scenarios/ (and tests/test_layers.sh, a
# script, checks the layers: models/README.md, docs/model.md). tests/run.sh
# runs them TEST_JOBS at a time, each one's output printed whole when it
# ends: the longest first (TEST_FIRST, by processor time measured in
# docs/testing.md, mostly under check-asan, whose time is the longer), so
# the short ones fill in at the end. Those that mostly
# wait (TEST_ALONGSIDE: tests/mpi.sh on mpirun, which runs caseload-mpi on
# 1, 2 and 3 ranks against caseload, docs/cluster.md; test_browser on
# Chromium) run beside that pool from the start.
TEST_JOBS      ?= 2
TEST_FIRST     := test_security test_scenarios test_golden test_invariants test_queueing test_robustness \
                  test_plot test_feedback test_conservation test_roundtrip test_compare test_determinism \
                  test_report test_writers
TEST_ALONGSIDE := tests/mpi.sh $(BUILD)/tests/test_browser
# The test programs of folder $(1) among $(2), the longest first.
test_order = $(foreach t,$(TEST_FIRST),$(filter $(1)/tests/$(t),$(2))) \
             $(filter-out $(TEST_FIRST:%=$(1)/tests/%),$(2))
# `make test` builds TEST_JOBS files at a time unless given its own -j.
test: $(BUILD)/.deps $(BUILD)/.test-deps
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(TEST_JOBS)) caseload caseload-mpi $(TEST_BIN)
	@if CASELOAD=./caseload CASELOAD_MPI=./caseload-mpi tests/run.sh -j $(TEST_JOBS) \
	    $(TEST_ALONGSIDE:%=-a %) $(BUILD)/tests/logs \
	    $(call test_order,$(BUILD),$(filter-out $(TEST_ALONGSIDE),$(TEST_BIN))) tests/test_layers.sh; \
	then echo "make test: all tests passed"; else echo "make test: FAILED"; exit 1; fi

# Golden outputs: kpis.csv of every scenario and fixture (and the small
# fixtures' summary.csv) from a small fixed run, made afresh; stale ones go.
golden: caseload $(BUILD)/tests/test_golden
	rm -rf tests/golden
	CASELOAD=./caseload $(BUILD)/tests/test_golden --regenerate

# Mutation testing (docs/testing.md): slow, run by hand and before a release.
MUTANTS ?= tests/mutants/*.mut
mutants:
	tests/mutants.sh $(MUTANTS)

bench: caseload $(BENCH_BIN)
	@./bench/run.sh $(BUILD)/bench

install: caseload
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 caseload $(DESTDIR)$(PREFIX)/bin/caseload

# ---- robustness: sanitizers and fuzzing (docs/robustness.md) ---------------
# check-asan: every source and test rebuilt with AddressSanitizer and
# UndefinedBehaviorSanitizer in their own folder, with the sparse invariant
# walker (SPARSE_CHECK_DEFS), then the whole test suite.
# It is built with clang when installed (else $(CC)), and UBSan also checks
# conversions of floating-point numbers to integers that overflow
# (float-cast-overflow, which -fsanitize=undefined leaves out). A change of
# compiler or flags rebuilds the folder from scratch.
ASAN_BUILD  ?= build-asan
ASAN_CC     ?= $(if $(shell command -v clang 2>/dev/null),clang,$(CC))
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined,float-cast-overflow \
               -fno-sanitize-recover=undefined,float-cast-overflow -fno-omit-frame-pointer $(SPARSE_CHECK_DEFS) \
               $(if $(filter clang%,$(notdir $(ASAN_CC))),-Wno-string-conversion)
# (clang's -Wconversion also flags CHECK(!"why"), an idiom used on purpose.)
ASAN_ENV    := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
               LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp

# Every test again under the sanitizers, but the browser test: it checks what
# Chromium draws of a report, whose writing test_report already runs here.
ASAN_TESTS = $(filter-out $(ASAN_BUILD)/tests/test_browser,$(TEST_SRC:tests/%.c=$(ASAN_BUILD)/tests/%))

check-asan: $(BUILD)/.test-deps
	@stamp='$(ASAN_CC) $(ASAN_CFLAGS)'; \
	if [ "$$(cat $(ASAN_BUILD)/.flags 2>/dev/null)" != "$$stamp" ]; then \
	  rm -rf $(ASAN_BUILD) && mkdir -p $(ASAN_BUILD) && printf '%s\n' "$$stamp" > $(ASAN_BUILD)/.flags; \
	fi
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) CC=$(ASAN_CC) CFLAGS="$(ASAN_CFLAGS)" \
	  $(ASAN_BUILD)/caseload $(ASAN_TESTS)
	@if $(ASAN_ENV) CASELOAD=$(ASAN_BUILD)/caseload tests/run.sh -j $(TEST_JOBS) $(ASAN_BUILD)/tests/logs \
	    $(call test_order,$(ASAN_BUILD),$(ASAN_TESTS)); \
	then echo "make check-asan: all tests passed under the sanitizers"; else echo "make check-asan: FAILED"; exit 1; fi

$(BUILD)/caseload: $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# fuzz: libFuzzer harnesses (tests/fuzz/), each run for FUZZ_SECONDS in turn
# (FUZZ_ONLY names a subset; FUZZ_ARGS passes more libFuzzer flags, e.g.
# -fork=2 -ignore_crashes=1):
#   fuzz_scenario     the scenario loader, seeded with every shipped scenario
#   fuzz_csv_in       the CSV reader of result files
#   fuzz_json_in      the JSON reader of manifests
#   fuzz_plot_data    a result folder read by `caseload plot` and its script
#   fuzz_plot_script  the script writers, fed any strings: every script must
#                     pass gp_script_inert (no line that could run a command)
#   fuzz_records      the records readers and the fit (caseload fit): a
#                     records folder's six files, split at form feeds
# New inputs are kept in $(FUZZ_BUILD)/corpus-HARNESS; a crash stops the run
# and is written to $(FUZZ_BUILD)/crash-*: keep it under tests/fuzz/ (a .cfg
# is replayed by tests/test_robustness.c, tests/fuzz/HARNESS/* by
# tests/test_security.c, tests/fuzz/fuzz_records/* by tests/test_fit.c) and
# fix it.
FUZZ_BUILD     ?= build-fuzz
FUZZ_SECONDS   ?= 300
FUZZ_CC        ?= clang
FUZZ_ARGS      ?=
FUZZ_HARNESSES := fuzz_scenario fuzz_csv_in fuzz_json_in fuzz_plot_data fuzz_plot_script fuzz_records
FUZZ_ONLY      ?= $(FUZZ_HARNESSES)
FUZZ_CFLAGS    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                  -fno-omit-frame-pointer -fsanitize=fuzzer-no-link
FUZZ_SEEDS     := $(wildcard scenarios/*.cfg scenarios/*/*.cfg tests/scenarios/*.cfg tests/fuzz/*.cfg)

fuzz: $(BUILD)/.deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS)" \
	  $(FUZZ_ONLY:%=$(FUZZ_BUILD)/%)
	@rm -rf $(FUZZ_BUILD)/include && mkdir -p $(FUZZ_BUILD)/include/scenarios
	@cp scenarios/*.cfg $(FUZZ_BUILD)/include/ && cp scenarios/*.cfg $(FUZZ_BUILD)/include/scenarios/
	@for h in $(FUZZ_ONLY); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$h; \
	  if [ $$h = fuzz_scenario ]; then \
	    cp $(FUZZ_SEEDS) $(FUZZ_BUILD)/corpus-$$h/ 2>/dev/null; dict=tests/fuzz/scenario.dict; \
	  else \
	    cp tests/fuzz/$$h/* $(FUZZ_BUILD)/corpus-$$h/ 2>/dev/null; dict=tests/fuzz/plot.dict; \
	  fi; \
	  echo "== $$h ($(FUZZ_SECONDS) s)"; \
	  $(ASAN_ENV) FUZZ_INCLUDE_DIR=$(FUZZ_BUILD)/include/scenarios $(FUZZ_BUILD)/$$h \
	    -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) \
	    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -dict=$$dict -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus-$$h || exit 1; \
	done

$(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(LIB)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(FUZZ_HARNESSES:%=$(BUILD)/tests/fuzz/%.d)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) caseload caseload-mpi
