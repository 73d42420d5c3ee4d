# caseload — build, set-up, run, test, bench.
#
#   make            build ./caseload
#   make run        install what is missing, build, run the baseline scenario
#   make test       install what is missing, build, run every test
#   make bench      benchmarks (figures go in docs/performance.md)
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
RUN_ARGS ?= --force

# Debian packages the build, tests and charts need, and how to find them.
DEB_PACKAGES := pkg-config libgsl-dev libconfig-dev libcmocka-dev gnuplot-nox
PKGS         := gsl libconfig

PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)
LDLIBS       = $(PKG_LIBS) -lm -pthread

# ---- sources --------------------------------------------------------------
LIB_SRC   := $(wildcard sim/*.c) $(wildcard models/*.c) $(wildcard output/*.c)
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

.PHONY: all deps run test unit-tests bench install clean check-asan fuzz

all: caseload

# ---- set-up: install what is missing --------------------------------------
# A stamp records that the packages were found, so later builds skip the check.
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
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

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TEST_BIN:=.d) $(BENCH_BIN:=.d)

# ---- run, test, bench -----------------------------------------------------
run: caseload
	./caseload run $(SCENARIO) $(RUN_ARGS)

# Each test program is a cmocka group; they run from the repository root so
# they can find ./caseload and scenarios/.
test: caseload $(TEST_BIN)
	@failed=0; for t in $(TEST_BIN); do \
	  printf '== %s\n' "$$t"; \
	  CASELOAD=./caseload $$t || failed=1; \
	done; \
	if [ $$failed -ne 0 ]; then echo "make test: FAILED"; exit 1; fi; \
	echo "make test: all tests passed"

bench: caseload $(BENCH_BIN)
	@./bench/run.sh $(BUILD)/bench

install: caseload
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 caseload $(DESTDIR)$(PREFIX)/bin/caseload

clean:
	rm -rf $(BUILD) caseload
