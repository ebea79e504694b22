# fieldsync — the two commands of README.md, the benchmarks and the installation.
#
#   make demo     run the daemon on the bundled Ningde demo, end to end
#   make test     run every test (what CI runs)
#   make bench    the ingest benchmark against sqlite3 .import
#   make install  see systemd/README.md

SWIFT ?= swift

.PHONY: all setup build test demo check-units clean

all: build

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test
	systemd/check.sh

demo: setup
	$(SWIFT) build
	KEEP=$(KEEP) scripts/demo.sh "$$($(SWIFT) build --show-bin-path)"

check-units:
	systemd/check.sh

clean:
	rm -rf .build demo

include systemd/install.mk
-include bench/bench.mk
