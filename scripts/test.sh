#!/usr/bin/env bash
# The whole test suite: installs dependencies, configures, builds, runs every
# test except those labelled `slow`. Pass extra ctest arguments after it,
# e.g. `scripts/test.sh -L corpus`. HEDDLE_BUILD_DIR (default build) and
# HEDDLE_WERROR (default OFF) are honoured.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build="${HEDDLE_BUILD_DIR:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEDDLE_WERROR="${HEDDLE_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -LE slow "$@"
