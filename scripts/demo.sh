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
#   3. heddle confirm: heddle check's SARIF on relay_explore.c joined with
#      heddle explore's JSON: the lock-across-await is confirmed with a
#      replayable schedule (build/demo/confirmed.sarif, validated);
#   4. the programs themselves: relay.c loses frames (its cancel-unsafe
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

step "heddle confirm   (check's SARIF + explore's JSON -> build/demo/confirmed.sarif)"
"$heddle" check -p build --format sarif -o build/demo/relay_explore.sarif --quiet \
  examples/hazards/relay_explore.c || [ $? -eq 1 ]
"$heddle" explore --preemptions 2 --json build/demo/relay_explore.json \
  -- build/examples/relay_explore 2>/dev/null || [ $? -eq 1 ]
status=0
"$heddle" confirm build/demo/relay_explore.sarif build/demo/relay_explore.json || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected confirmed findings (exit 1)" >&2; exit 1; }
"$heddle" confirm --format sarif -o build/demo/confirmed.sarif --quiet \
  build/demo/relay_explore.sarif build/demo/relay_explore.json || [ $? -eq 1 ]
python3 tests/analyzer/sarif_validate.py --schema tests/analyzer/sarif-schema-2.1.0.json --dir build/demo
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; p=[x.get("properties", {}) for x in r]; print(sys.argv[1] + ":", sum(1 for x in p if x.get("heddle.confirmed")), "confirmed,", sum(1 for x in r if x["ruleId"].startswith("dynamic/")), "dynamic only, of", len(r), "results")' build/demo/confirmed.sarif
[ "$(python3 -c 'import json,sys; print(any(x.get("properties", {}).get("heddle.confirmed") and x["ruleId"] == "lock-across-await" for x in json.load(open(sys.argv[1]))["runs"][0]["results"]))' build/demo/confirmed.sarif)" = True ] \
  || { echo "demo: the lock-across-await finding is not confirmed" >&2; exit 1; }

step "run: build/examples/relay (the buggy relay loses frames), then relay_fixed"
build/examples/relay 5 || true
build/examples/relay_fixed 5
build/examples/relay_fixed --multi 5
