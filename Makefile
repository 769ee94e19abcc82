# fukyu - build, test, install.
#
#   make            build build/fukyu and build/fukyu-feedsim
#   make deps       install the Debian packages the project needs (as root)
#   make test       build and run every cmocka test
#   make test-asan  the same suite under AddressSanitizer + UBSan
#   make check      style and static analysis: clang-format 14 against
#                   .clang-format over every tracked .c/.h (no changes
#                   allowed), then gcc -fanalyzer over all production code
#   make bench      benchmarks that print figures (issue 13; under 10 minutes)
#   make soak       the daemon through 50 pull-and-render cycles; checks
#                   that memory, descriptors and /healthz stay flat
#   make demo       the main job on the bundled default (see README)
#   make install    PREFIX=/usr/local DESTDIR=
#   make test-valgrind  a part of the suite with fukyu under valgrind
#   make fuzz       each libFuzzer harness for FUZZ_SECONDS (clang, own BUILD)
#   make fuzz-smoke the same for 20 s each (what CI runs)

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

PKGS    := libcurl libcjson sqlite3 cairo pangocairo libpng libmicrohttpd xlsxwriter libsystemd zlib nettle libzip expat
# Messages are cut to their buffers on purpose, hence no format-truncation.
WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-truncation -Wvla -Wundef -Wcast-align
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null)),)
WARN    += -Wno-unknown-warning-option
endif
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -DFK_VERSION='"$(VERSION)"' $(WARN) $(CFLAGS) \
           -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

# Modules, in the order data flows.  Every .c in these folders goes into
# libfukyu.a; cli/ holds the entry point, sim/ the bundled feed simulator.
MODULES := core data collector forecast charts reports http daemon
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
# The municipality table is generated from the shipped CSV (awk), so the
# two cannot disagree and a malformed row stops the build.
MUNI_SRC := $(BUILD)/gen/munis.c
LIB_OBJ += $(BUILD)/obj/gen/munis.o
CLI_SRC := $(wildcard cli/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SIM_SRC := $(wildcard sim/*.c)
SIM_OBJ := $(SIM_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/obj/%.o)

# make check: the analyzer runs with the build's own flags; each file
# leaves a stamp (and its header dependencies) in $(BUILD)/analyze, so only
# what changed is analysed again.
ANALYZE_SRC := $(LIB_SRC) $(CLI_SRC) $(SIM_SRC)
ANALYZE_OK := $(ANALYZE_SRC:%.c=$(BUILD)/analyze/%.ok)
CLANG_FORMAT ?= $(shell command -v clang-format-14 2>/dev/null || echo clang-format)

.PHONY: all deps test test-asan bench soak demo install clean check check-format analyze
all: $(BUILD)/fukyu $(BUILD)/fukyu-feedsim

deps:
	sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(MUNI_SRC): data/municipalities.csv scripts/gen-munis.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@sh scripts/gen-munis.sh data/municipalities.csv $@

$(BUILD)/obj/gen/munis.o: $(MUNI_SRC)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/analyze/%.ok: %.c
	@mkdir -p $(dir $@)
	@echo "  ANALYZE $<"
	@gcc $(ALL_CFLAGS) -fanalyzer -MMD -MP -MT $@ -MF $(@:.ok=.d) -c $< -o /dev/null
	@touch $@

$(BUILD)/libfukyu.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/fukyu: $(CLI_OBJ) $(BUILD)/libfukyu.a
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libfukyu.a $(LIBS)

$(BUILD)/fukyu-feedsim: $(SIM_OBJ) $(BUILD)/libfukyu.a
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(SIM_OBJ) $(BUILD)/libfukyu.a $(LIBS)

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(BUILD)/libfukyu.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -MMD -MP -o $@ $< $(TEST_SUPPORT_OBJ) $(BUILD)/libfukyu.a $(LIBS) $(TEST_LIBS)

# The tests find the binaries, the shared reference data and a scratch
# directory through the environment, so the same suite runs in any build dir.
test: $(BUILD)/fukyu $(BUILD)/fukyu-feedsim $(TEST_BIN)
	@FK_BUILD=$(BUILD) sh tests/run.sh $(TEST_BIN)

test-asan:
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan CC=$(CC) \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  test

check: check-format analyze

check-format:
	@echo "  FORMAT  $(CLANG_FORMAT) --dry-run -Werror"
	@git ls-files '*.c' '*.h' | xargs $(CLANG_FORMAT) --dry-run -Werror

analyze: $(ANALYZE_OK)

bench: all
	@sh bench/run.sh $(BUILD)

soak: all
	@sh bench/soak.sh $(BUILD)

demo: all
	@sh scripts/demo.sh $(BUILD)

# A part of the suite under valgrind, on the normal build (tests/valgrind.sh).
VG_TESTS := $(BUILD)/tests/test_core $(BUILD)/tests/test_store \
            $(BUILD)/tests/test_cli $(BUILD)/tests/test_faults
.PHONY: test-valgrind
test-valgrind: $(BUILD)/fukyu $(BUILD)/fukyu-feedsim $(VG_TESTS)
	@sh tests/valgrind.sh $(BUILD)

# Fuzzing: the library with coverage and sanitizers, one binary per
# tests/fuzz/fuzz_*.c, in its own build directory (see tests/fuzz/run.sh).
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
           -fno-omit-frame-pointer -fno-sanitize-recover=all
.PHONY: fuzz fuzz-smoke fuzz-bin

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libfukyu.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(BUILD)/libfukyu.a $(LIBS)

fuzz-bin: $(FUZZ_BIN)

fuzz:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_CFLAGS)" fuzz-bin
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# The unit names /usr/local/bin/fukyu; it is rewritten for another PREFIX.
# The config holds no secrets (the feed token lives in token_file), so it
# is world-readable for the service's own user.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fukyu \
	  $(DESTDIR)/etc/fukyu $(DESTDIR)$(PREFIX)/lib/systemd/system \
	  $(DESTDIR)$(PREFIX)/lib/sysusers.d \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BUILD)/fukyu $(BUILD)/fukyu-feedsim $(DESTDIR)$(PREFIX)/bin/
	install -m 644 etc/fukyu.conf.example data/*.csv $(DESTDIR)$(PREFIX)/share/fukyu/
	[ -e $(DESTDIR)/etc/fukyu/fukyu.conf ] || install -m 644 etc/fukyu.conf.example $(DESTDIR)/etc/fukyu/fukyu.conf
	sed 's|/usr/local/bin/fukyu|$(PREFIX)/bin/fukyu|g' systemd/fukyu.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/fukyu.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/fukyu.service
	install -m 644 systemd/fukyu.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/fukyu.conf
	install -m 644 man/fukyu.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/fukyu.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	rm -rf build build-asan build-clang build-fuzz build-valgrind

-include $(ANALYZE_OK:.ok=.d)
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(TEST_SUPPORT_OBJ:.o=.d) $(TEST_BIN:=.d)
.SECONDARY: $(TEST_SUPPORT_OBJ)
-include $(FUZZ_BIN:=.d)
