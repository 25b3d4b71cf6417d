#!/usr/bin/env bash
# The whole test suite: installs what tenet links, runs every test of the workspace, then the
# end-to-end suites that drive the built binary with real outside tools.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
export INSTA_UPDATE=no
cargo test --workspace --all-targets --quiet
# Hostile inputs (huge lines, values, patterns, 100k files, link loops) under ulimit and timeout.
bash scripts/hostile.sh
# The pre-commit hooks, with the real pre-commit tool, on a scratch repository.
bash scripts/precommit_test.sh
# The language server, driven by a real LSP client (pytest-lsp).
bash scripts/lsp_e2e.sh
# tenet's evaluator against @cloud-copilot/iam-simulate on 10,000 generated scenarios.
bash scripts/conformance.sh
