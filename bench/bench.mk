# The ingest benchmark: fieldsync's full intake versus `sqlite3 .import` on the same
# CSV, at 50k / 200k / 400k records, with fieldsync's peak RSS; then, at 200k, new
# ids, new revisions and a corrected re-send into a filled store. Included from the
# top-level Makefile; `make bench`. Not a test: it prints figures, it fails only if
# an ingest fails or counts wrong.
#
#   make bench                                   # default sizes and repetitions
#   make bench BENCH_ARGS="--sizes 200000 --reps 3"
#   make bench BENCH_SCRATCH=.build-bench        # a separate build directory

SWIFT ?= swift
BENCH_ARGS ?=
BENCH_SCRATCH ?=
BENCH_BUILD_FLAGS = -c release $(if $(BENCH_SCRATCH),--scratch-path $(BENCH_SCRATCH))

.PHONY: bench
bench:
	$(SWIFT) build $(BENCH_BUILD_FLAGS) --product fieldsync-bench
	"$$($(SWIFT) build $(BENCH_BUILD_FLAGS) --show-bin-path)/fieldsync-bench" $(BENCH_ARGS)
