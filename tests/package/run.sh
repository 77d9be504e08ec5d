#!/usr/bin/env bash
# Installs the build into a temporary prefix, then configures, builds and
# tests tests/package/consumer against it with find_package(heddle).
# usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
src="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/tests/package/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/app"
ctest --test-dir "$work/consumer" --output-on-failure
