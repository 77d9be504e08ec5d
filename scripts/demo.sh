#!/usr/bin/env bash
# The main job on the bundled example, the telemetry relay
# (examples/hazards/): installs dependencies, builds, then
#   1. heddle check: the relay's hazards as clang-style text, and as SARIF
#      (build/demo/relay.sarif, validated against the SARIF 2.1.0 schema);
#   2. heddle explore: the relay's lock-across-await under the shadow
#      runtime, confirmed with replayable schedules, then the fix, clean;
#      the relay program itself, unchanged, under the shadow runtime: its
#      lost header bytes (cancel-data-loss) and its hd_rc touched from
#      another worker (non-send-access); the fixed relay, clean;
#   3. the programs themselves: relay.c loses frames (its cancel-unsafe
#      select drops half-read headers), relay_fixed.c acknowledges them all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)"
heddle=build/bin/heddle
relay=(examples/hazards/relay.c examples/hazards/relay_fixed.c)

step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

step "heddle check -p build ${relay[*]}"
status=0
"$heddle" check -p build "${relay[@]}" || status=$?
echo "(exit status $status: 1 = findings)"
[ "$status" -eq 1 ] || { echo "demo: expected findings (exit 1)" >&2; exit 1; }

step "heddle check --format sarif -o build/demo/relay.sarif"
mkdir -p build/demo
"$heddle" check -p build --format sarif -o build/demo/relay.sarif --quiet "${relay[@]}" || [ $? -eq 1 ]
python3 tests/analyzer/sarif_validate.py --schema tests/analyzer/sarif-schema-2.1.0.json --dir build/demo
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; print(sys.argv[1] + ":", len(r["results"]), "results,", len(r["tool"]["driver"]["rules"]), "rules")' build/demo/relay.sarif

step "heddle explore -- build/examples/relay_explore   (lock held across an await, two sessions)"
status=0
"$heddle" explore --preemptions 2 -- build/examples/relay_explore || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected reports from the explorer (exit 1)" >&2; exit 1; }
step "heddle explore -- build/examples/relay_explore_fixed   (the fix)"
"$heddle" explore --preemptions 2 -- build/examples/relay_explore_fixed

step "heddle explore -- the relay itself, unchanged, on the shadow runtime (random walk, 2 workers)"
# The program's own output (one line per execution) goes to /dev/null;
# reports are on stderr.
status=0
"$heddle" explore --strategy random --seed 7 --iterations 2000 -- build/tests/shadow/shadow_example_relay >/dev/null || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected cancel-data-loss in the relay (exit 1)" >&2; exit 1; }
"$heddle" explore --strategy random --seed 7 --iterations 2000 -- build/tests/shadow/shadow_example_relay_fixed >/dev/null

step "run: build/examples/relay (the buggy relay loses frames), then relay_fixed"
build/examples/relay 5 || true
build/examples/relay_fixed 5
build/examples/relay_fixed --multi 5
