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
echo "== tenet who-can policies/fsx-cross-account (the FSx role reading an SSE-KMS object across accounts)"
./target/release/tenet who-can policies/fsx-cross-account \
  --action s3:GetObject --resource arn:aws:s3:::fsx-data-bucket/data/run-1.bin
whocan=$?
echo "lint exit $lint, prove exit $prove, who-can exit $whocan"
# The example estate holds deliberately broken policies (to show findings and counterexamples), so
# the expected exits are 1; anything else (2: tool error, 3: unknown verdicts) is a failure. who-can
# answers 0, or 3 when some class of principal is unknown (listed with its reason).
[ "$lint" -le 1 ] && [ "$prove" -le 1 ] && { [ "$whocan" -eq 0 ] || [ "$whocan" -eq 3 ]; }
