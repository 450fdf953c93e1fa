# alertd: one non-recursive Makefile.
#
#   make            build build/alertd and build/alertctl
#   make run        install missing packages, start alertd on 127.0.0.1:9093
#   make test       install missing packages, run every test
#   make unit       Check unit tests only;  make asan: the same under ASan+UBSan
#   make integration  pytest suite against the real binaries
#   make compat     Alertmanager's own acceptance suite against build/alertd
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each (clang)
#   make bench      side-by-side benchmark against Alertmanager
#   make install    PREFIX=/usr/local DESTDIR=
#
# BUILD=dir puts every object and binary under dir (default build/), so
# several trees can build side by side.  SANITIZE=address,undefined adds
# sanitizers.  Warnings are errors everywhere: a warning is a bug here.

BUILD		?= build
PREFIX		?= /usr/local
DESTDIR		?=
FUZZ_SECONDS	?= 30
CC		?= cc
PYTHON		?= /usr/bin/python3

PKGS		:= libmicrohttpd libcurl jansson yaml-0.1 libpcre2-8 libpcre2-32 gnutls
WARN		:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wold-style-definition -Wvla \
		   -Wwrite-strings -Wpointer-arith -Wformat=2 -Wundef \
		   -Wno-format-nonliteral -Wno-format-truncation -fno-common
OPT		?= -O2 -g
CPPFLAGS	+= -D_GNU_SOURCE -I.
CFLAGS		+= -std=c11 $(OPT) $(WARN) -pthread \
		   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS		+= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrypt -lm -pthread
ifneq ($(SANITIZE),)
CFLAGS		+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS		+= -fsanitize=$(SANITIZE)
endif

LIB_DIRS	:= alertd routing silences notifiers templates config
LIB_SRCS	:= $(filter-out alertd/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/ui_assets.o
ALERTD_OBJS	:= $(BUILD)/obj/alertd/main.o
CTL_SRCS	:= $(wildcard alertd/cli/*.c)
CTL_OBJS	:= $(CTL_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
UNIT_OBJS	:= $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o)
UI_FILES	:= $(sort $(wildcard alertd/ui/*.html alertd/ui/*.js alertd/ui/*.css))
HDRS		:= $(foreach d,$(LIB_DIRS) alertd/cli,$(wildcard $(d)/*.h))

.PHONY: all run test unit asan integration compat fuzz bench install clean \
	deps deps-test hdr-check format-check

all: $(BUILD)/alertd $(BUILD)/alertctl

# V=1 shows the full commands.
ifeq ($(V),1)
Q	:=
else
Q	:= @
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Static UI assets are compiled in: one table of {path, type, bytes}.
$(BUILD)/ui_assets.c: $(UI_FILES) contrib/embed-ui.sh
	@mkdir -p $(dir $@)
	sh contrib/embed-ui.sh $(UI_FILES) >$@.tmp && mv $@.tmp $@

$(BUILD)/obj/ui_assets.o: $(BUILD)/ui_assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The default templates are embedded with .incbin (templates/embed.c).
$(BUILD)/obj/templates/embed.o: templates/default.tmpl templates/email.tmpl

$(BUILD)/libalertd.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/alertd: $(ALERTD_OBJS) $(BUILD)/libalertd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/alertctl: $(CTL_OBJS) $(BUILD)/libalertd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The unit runner finds every "Suite *x_suite(void)" in tests/unit/.
$(BUILD)/suites.h: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	sh tests/unit/gen-suites.sh $(UNIT_SRCS) >$@.tmp && mv $@.tmp $@

# Suites are found by name, not declared in a header.
$(UNIT_OBJS): CFLAGS += -Wno-missing-prototypes
$(BUILD)/obj/tests/unit/runner.o: $(BUILD)/suites.h
$(BUILD)/obj/tests/unit/runner.o: CPPFLAGS += -I$(BUILD)

$(BUILD)/unit_tests: $(UNIT_OBJS) $(BUILD)/libalertd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check)

# ---------------------------------------------------------------- tests ---

deps:
	@sh contrib/deps.sh run

deps-test:
	@sh contrib/deps.sh test

unit: $(BUILD)/unit_tests
	cd $(CURDIR) && $(BUILD)/unit_tests

asan:
	$(MAKE) BUILD=build/asan SANITIZE=address,undefined OPT="-O1 -g" unit

integration: all
	ALERTD_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

test: deps-test
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) asan
	$(MAKE) integration

compat: all
	sh tests/compat/acceptance.sh $(BUILD)/alertd

run: deps
	$(MAKE) all
	mkdir -p data
	exec $(BUILD)/alertd --config.file=contrib/alertmanager.yml \
		--storage.path=data --web.listen-address=127.0.0.1:9093 \
		--cluster.listen-address=

FUZZ_TARGETS	:= $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang OPT="-O1 -g" \
		SANITIZE=fuzzer-no-link,address,undefined \
		WARN="$(WARN) -Wno-unknown-warning-option" $(BUILD)/fuzz/libalertd.a
	@set -e; for t in $(FUZZ_TARGETS); do \
		clang -fsanitize=fuzzer,address,undefined $(CPPFLAGS) -std=c11 -g \
			$$(pkg-config --cflags $(PKGS)) -o build/fuzz/$$t \
			tests/fuzz/$$t.c build/fuzz/libalertd.a $(LDLIBS); \
		mkdir -p build/fuzz/corpus-$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-timeout=10 -rss_limit_mb=2048 build/fuzz/corpus-$$t \
			$$( [ -d tests/fuzz/seeds/$$t ] && echo tests/fuzz/seeds/$$t ); \
	done

$(BUILD)/loadgen: contrib/bench/loadgen.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 -O2 -g $(WARN) -o $@ $<

bench: all $(BUILD)/loadgen
	@sh contrib/deps.sh bench
	sh contrib/bench/run.sh $(BUILD)

hdr-check:
	@set -e; for h in $(HDRS); do \
		echo "#include \"$$h\"" | $(CC) $(CPPFLAGS) $(CFLAGS) -x c -fsyntax-only - ; \
	done; echo "hdr-check: $(words $(HDRS)) headers self-contained"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/alertd $(BUILD)/alertctl $(DESTDIR)$(PREFIX)/bin/
	@for m in contrib/man/*.1; do [ -f "$$m" ] && \
		install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/ || true; done

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
