#!/usr/bin/env bash
# tenet's main job on the example estate: lint every policy and prove every property in policies/.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 2
cargo build --release --quiet -p tenet || exit 2
echo "== tenet lint policies/"
./target/release/tenet lint policies/
lint=$?
echo "== tenet prove policies/"
./target/release/tenet prove policies/
prove=$?
echo "lint exit $lint, prove exit $prove"
# The example estate holds deliberately broken policies (to show findings and counterexamples), so
# the expected exits are 1; anything else (2: tool error, 3: unknown verdicts) is a failure.
[ "$lint" -le 1 ] && [ "$prove" -le 1 ]
