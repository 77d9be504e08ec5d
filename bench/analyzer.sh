#!/usr/bin/env bash
# Prints heddle check's wall time as a ratio to clang-19 -fsyntax-only on the
# corpus and on the heddle tree (bench/analyzer_bench.py says how).
# usage: bench/analyzer.sh BUILD_DIR   (a configured and built heddle build)
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
src="$(cd "$(dirname "$0")/.." && pwd)"
exec python3 "$src/bench/analyzer_bench.py" --heddle "$build/bin/heddle" --build "$build" --source "$src"
