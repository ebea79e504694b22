#!/usr/bin/env bash
# `make test`: build, run every test, check the systemd units.
#
# The whole output of `swift test` goes to .build/test.log as well as to the screen.
# CI shows only the end of a run, and a crash ends it with a backtrace's register dump
# and image list, so when the run fails its end repeats what went wrong: the failed
# tests, a crash's message and crashed thread, and the tests running at that moment
# (scripts/test-digest.py).
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

# One test at a time (SWIFT_TEST_FLAGS overrides it). Many tests start a daemon and wait
# for it synchronously; run side by side on a 2-core machine they hold both threads of
# Swift's cooperative pool, and the async tests beside them stall — seen: a PostgreSQL
# push answered 503 after 15 s of "the database did not answer". Side by side, a test's
# mistake with a descriptor also reaches another test (the last CI crash). 150 s instead
# of 85 s for the Swift Testing part.
SWIFT_TEST_FLAGS=${SWIFT_TEST_FLAGS---no-parallel}

$SWIFT build --build-tests || exit $?
mkdir -p .build
# shellcheck disable=SC2086 # flags, split on purpose
$SWIFT test $SWIFT_TEST_FLAGS 2>&1 | tee .build/test.log
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  python3 scripts/test-digest.py .build/test.log
  exit "$rc"
fi
systemd/check.sh
