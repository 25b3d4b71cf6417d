#!/usr/bin/env bash
# A fuzzing campaign with cargo-fuzz (libFuzzer, nightly): runs every target of fuzz/ for MINUTES
# minutes each (default 2), seeded from the repository's fixtures, and reports executions and crashes.
#
# Usage: scripts/fuzz.sh [MINUTES] [TARGET...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); libz3-dev as for tenet.
# Crashing inputs land in fuzz/artifacts/<target>/; turn each into a regression test (and add it to
# CRASHES in tests/fuzz_replay.rs, which CI runs: the same target bodies, fuzz/targets.rs, on the
# same seeds plus deterministic mutations, on stable Rust).
# Exit: 0 no crash, 1 some target crashed, 2 set-up failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-2}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(policy_file grammars property scenario)

command -v cargo-fuzz >/dev/null || { echo "fuzz: cargo-fuzz is missing: cargo install cargo-fuzz" >&2; exit 2; }
rustup run nightly rustc --version >/dev/null 2>&1 || { echo "fuzz: the nightly toolchain is missing" >&2; exit 2; }
bash "$root/scripts/ensure-deps.sh"

cd "$root/fuzz"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/fuzz/target}"
cargo +nightly fuzz build -O

# Seeds: the fixtures and example policies for the JSON targets, the property files for the
# property language, a few values of every mini-grammar for the grammars.
seed() {
  local target="$1" dir="corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    policy_file) find "$root/tests/fixtures" "$root/policies" -name '*.json' -size -64k -exec cp --backup=numbered -t "$dir" {} + ;;
    scenario) find "$root/policies" -path '*simulate*' -name '*.json' -exec cp --backup=numbered -t "$dir" {} + ;;
    property) find "$root/policies" "$root/tests/fixtures" -name '*.tenet' -exec cp --backup=numbered -t "$dir" {} + ;;
    grammars)
      local i=0
      for v in 'arn:aws:s3:::bucket/*' 'arn:aws:iam::123456789012:role/${aws:username}' 's3:Get*' \
               'StringEqualsIgnoreCaseIfExists' 'ForAllValues:StringLike' '10.0.0.0/8' '2001:db8::/32' \
               '2026-01-01T00:00:00Z' 'vpc-0abc1234' 'vpce-1a2b3c4d' '${aws:PrincipalTag/team}' '*?*?*?*'; do
        printf '%s' "$v" > "$dir/seed$i"; i=$((i + 1))
      done ;;
  esac
}

status=0
printf '%-12s %14s %8s %s\n' target executions crashes artifacts
for t in "${targets[@]}"; do
  seed "$t"
  log="$(mktemp)"
  set +e
  cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time=$((minutes * 60)) -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  crashes="$(find "artifacts/$t" -type f 2>/dev/null | wc -l)"
  printf '%-12s %14s %8s %s\n' "$t" "${execs:-?}" "$crashes" "fuzz/artifacts/$t"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    grep -m1 -A3 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | sed 's/^/    /' || true
  fi
  rm -f "$log"
done
exit "$status"
