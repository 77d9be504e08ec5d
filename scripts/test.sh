#!/usr/bin/env bash
# The whole test suite (what CI runs):
#   1. installs missing dependencies (scripts/install-deps.sh);
#   2. builds the runtime with ASan+UBSan (build-asan/) and runs its tests
#      and examples there (labels runtime, example);
#   3. the same with ThreadSanitizer (build-tsan/);
#   4. builds everything (build/) and runs every test not labelled `slow`.
# Extra arguments go to the last ctest, e.g. `scripts/test.sh -L corpus`.
# HEDDLE_WERROR=ON makes warnings errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"
werror="${HEDDLE_WERROR:-OFF}"

echo "== runtime under AddressSanitizer + UndefinedBehaviorSanitizer =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEDDLE_WERROR="$werror" \
  -DHEDDLE_ASAN=ON -DHEDDLE_UBSAN=ON -DHEDDLE_BUILD_ANALYZER=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE slow -L 'runtime|example'

echo "== runtime under ThreadSanitizer =="
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEDDLE_WERROR="$werror" \
  -DHEDDLE_TSAN=ON -DHEDDLE_BUILD_ANALYZER=OFF >/dev/null
cmake --build build-tsan -j "$jobs"
ctest --test-dir build-tsan --output-on-failure -j "$jobs" -LE slow -L 'runtime|example'

echo "== everything =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEDDLE_WERROR="$werror" >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" -LE slow "$@"
