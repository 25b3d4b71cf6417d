#!/usr/bin/env bash
# Differential conformance of tenet's evaluator against the npm package @cloud-copilot/iam-simulate.
#
#   scripts/conformance.sh [--seed N] [--count N] [--threshold F]
#
# 1. installs @cloud-copilot/iam-simulate at the version pinned in scripts/conformance/package.json
#    (with its lockfile) into a cache ($TENET_CONFORMANCE_CACHE, default ~/.cache/tenet-conformance);
# 2. generates the scenarios (`tenet_conformance generate`, deterministic for a seed);
# 3. runs iam-simulate on all of them in one node process (scripts/conformance/run.mjs);
# 4. evaluates them with tenet's evaluator and compares (`tenet_conformance compare`): prints the
#    agreement figures and the disagreement classes documented in docs/semantics.md, and exits 1
#    when the agreement outside those classes is under the threshold.
#
# The threshold is what holds today minus a small margin (docs/semantics.md says which figure it
# was set from); raise it as tenet's fixes land.
set -euo pipefail
cd "$(dirname "$0")/.."

seed=1
count=10000
threshold=0.995
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        --count) count="$2"; shift 2 ;;
        --threshold) threshold="$2"; shift 2 ;;
        *) echo "conformance.sh: unknown argument \`$1\`" >&2; exit 2 ;;
    esac
done

if ! { command -v node >/dev/null && command -v npm >/dev/null; }; then
    echo "conformance.sh: installing Debian's nodejs and npm" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

cache="${TENET_CONFORMANCE_CACHE:-${HOME:-/tmp}/.cache/tenet-conformance}"
mkdir -p "$cache"
if ! cmp -s scripts/conformance/package-lock.json "$cache/package-lock.json" \
    || [ ! -d "$cache/node_modules/@cloud-copilot/iam-simulate" ]; then
    cp scripts/conformance/package.json scripts/conformance/package-lock.json "$cache/"
    (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

target="${CARGO_TARGET_DIR:-target}"
cargo build --quiet -p tenet_conformance
bin="$target/debug/tenet_conformance"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
"$bin" generate --seed "$seed" --count "$count" --out "$work/scenarios.jsonl"
NODE_PATH="$cache/node_modules" node scripts/conformance/run.mjs "$work/scenarios.jsonl" "$work/peer.jsonl"
status=0
"$bin" compare --scenarios "$work/scenarios.jsonl" --peer "$work/peer.jsonl" \
    --threshold "$threshold" --disagreements "$work/disagreements.jsonl" || status=$?
# The documented minimal repros: each one that still disagrees must land in the class it is named
# after (docs/semantics.md); one that now agrees is fine (tenet was fixed).
echo
echo "documented repros (crates/tenet_conformance/repros):"
"$bin" wrap --out "$work/repros.jsonl" crates/tenet_conformance/repros/*.json
NODE_PATH="$cache/node_modules" node scripts/conformance/run.mjs "$work/repros.jsonl" "$work/repros-peer.jsonl" 2>/dev/null
"$bin" compare --scenarios "$work/repros.jsonl" --peer "$work/repros-peer.jsonl" --threshold 1 \
    | grep -E '^[a-z0-9-]+: tenet|^  +[0-9]+  tenet|FAIL' || true
"$bin" compare --scenarios "$work/repros.jsonl" --peer "$work/repros-peer.jsonl" --threshold 1 >/dev/null || status=1
if [ -n "${TENET_CONFORMANCE_KEEP:-}" ]; then
    mkdir -p "$TENET_CONFORMANCE_KEEP"
    cp "$work"/*.jsonl "$TENET_CONFORMANCE_KEEP/"
fi
echo "conformance: seed $seed, $count scenarios, $(( $(date +%s) - start )) s after the build"
exit "$status"
