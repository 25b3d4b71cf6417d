#!/usr/bin/env bash
# End-to-end test of `tenet lsp` with a real LSP client: pytest-lsp (PyPI, on pygls) starts the built
# `tenet lsp`, opens policies with known faults and checks diagnostics (range, code, clearing),
# hover, completion, quick fixes and proofs on save (tests/lsp_e2e/).
#
# Installs pytest-lsp into a cached venv (TENET_LSP_VENV, default target/lsp-e2e-venv) and builds
# the debug binary when needed. Exit: 0 passed, 1 a test failed, 2 set-up failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet --manifest-path "$root/Cargo.toml" --bin tenet \
  || { echo "lsp_e2e: cargo build failed" >&2; exit 2; }
bin="$target/debug/tenet"
[ -x "$bin" ] || { echo "lsp_e2e: no $bin after cargo build" >&2; exit 2; }

venv="${TENET_LSP_VENV:-$root/target/lsp-e2e-venv}"
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import pytest_lsp' 2>/dev/null; then
  python3 -m venv "$venv" || { echo "lsp_e2e: cannot create a venv" >&2; exit 2; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pytest-lsp==1.0.1' \
    || { echo "lsp_e2e: pip install pytest-lsp failed" >&2; exit 2; }
fi

cd "$root/tests/lsp_e2e"
set +e
TENET_BIN="$bin" "$venv/bin/pytest" -q -p no:cacheprovider -o asyncio_mode=auto -o asyncio_default_fixture_loop_scope=function test_tenet_lsp.py
status=$?
set -e
[ "$status" -eq 0 ] || exit 1
