# fieldsync — the two commands of README.md, the benchmarks and the installation.
#
#   make demo     run the daemon on the bundled Ningde demo, end to end
#   make test     run every test (what CI runs)
#   make bench    the ingest benchmark against sqlite3 .import
#   make fuzz     every parser under libFuzzer, FUZZ_SECONDS (600) each
#   make install  see systemd/README.md
#   make deb      fieldsync_VERSION_amd64.deb in .build/deb (scripts/deb.sh)
#   make deb-check  that package on a minimal Debian 12 without Swift (debootstrap; root)

SWIFT ?= swift

.PHONY: all setup build test demo check-units clean fuzz deb deb-check

FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=

all: build

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

test: setup
	@SWIFT='$(SWIFT)' scripts/test.sh

demo: setup
	@mkdir -p .build
	@echo "building fieldsync (swift build; compiler output in .build/demo-build.log) …"
	@$(SWIFT) build > .build/demo-build.log 2>&1 || { tail -n 40 .build/demo-build.log; exit 1; }
	@KEEP=$(KEEP) scripts/demo.sh "$$($(SWIFT) build --show-bin-path)"

# libFuzzer with coverage on every Swift module of the parsers (Fuzz/ is a package of
# its own, so the main build stays uninstrumented). Crashes go to Fuzz/crashes/.
fuzz: setup
	$(SWIFT) build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-units:
	systemd/check.sh

deb:
	scripts/deb.sh

deb-check:
	scripts/deb-check.sh

clean:
	rm -rf .build demo Fuzz/.build

include systemd/install.mk
-include bench/bench.mk
