#!/usr/bin/env bash
# Builds tenet and its benchmark in release mode, then measures lint on the policy corpora.
# Usage: scripts/bench.sh [DIR]... [--iterations N] [--no-cli]
# Without directories: aws-managed-policies and aws-cli-policy-versions under $TENET_CORPORA,
# else ../shared/corpora relative to the repository root (absent ones are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p tenet -p tenet_bench
exec target/release/tenet_bench lint "$@"
