#!/usr/bin/env bash
# The whole test suite: installs what tenet links, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
export INSTA_UPDATE=no
cargo test --workspace --all-targets --quiet
