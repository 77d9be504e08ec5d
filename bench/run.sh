#!/usr/bin/env bash
# Builds the benchmarks in Release (build-bench/) and prints every figure.
# usage: bench/run.sh [runtime|shadow|analyzer]...   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DHEDDLE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
areas=("$@")
[ ${#areas[@]} -gt 0 ] || areas=(runtime shadow analyzer)
for area in "${areas[@]}"; do
  case "$area" in
    runtime)
      echo "== runtime (libheddle) =="
      "$build/bench/bench_spawn"
      "$build/bench/bench_channel"
      "$build/bench/bench_tcp_echo"
      ;;
    shadow)
      echo "== shadow runtime (executions/s, executions to exhaust) =="
      "$build/bench/bench_shadow"
      "$build/bench/bench_shadow_models"
      ;;
    analyzer)
      echo "== analyzer (heddle check vs clang-19 -fsyntax-only) =="
      bench/analyzer.sh "$build"
      ;;
    *) echo "bench/run.sh: unknown area '$area' (runtime, shadow, analyzer)" >&2; exit 2 ;;
  esac
done
