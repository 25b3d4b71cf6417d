#!/usr/bin/env bash
# The estate benchmark: time and memory to import an estate, build its graph and answer `who-can`
# for N = 10, 100, 1000 generated accounts (M roles each, default 5).
#
#   scripts/bench_estate.sh [M]
#
# Part 1 runs in one process (crates/tenet_graph/examples/estate_bench.rs): reading the files,
# importing (parsing every policy), building the petgraph, and who-can without the prover.
# Part 2 times the whole `tenet who-can` binary (reading, import, who-can with the prover where
# conditions decide, output) and `tenet graph`, with GNU time's peak resident memory.
# Part 3 times `tenet prove` of a `.tenet` file over the generated estate (`estate "."`): a `never`
# (no PutObject from outside the organization) and an `only` (reads only over TLS) on account 0's
# bucket, with every policy of the estate that takes part.
set -euo pipefail
cd "$(dirname "$0")/.."
M="${1:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet -p tenet_graph --example estate_bench
cargo build --release --quiet
BENCH="$CARGO_TARGET_DIR/release/examples/estate_bench"
TENET="$CARGO_TARGET_DIR/release/tenet"
OBJECT="arn:aws:s3:::data-100000000000/shared/report.csv"
echo "== in process (no prover) =="
"$BENCH" "$M" 10 100 1000
echo
echo "== whole process: tenet who-can (with the prover) and tenet graph --format json =="
printf "%8s %10s %12s %10s %12s  %s\n" accounts who_can_s who_can_MiB graph_s graph_MiB who-can-summary
for N in 10 100 1000; do
  DIR="$(mktemp -d)"
  "$BENCH" write "$DIR" "$N" "$M"
  measure() { # "seconds MiB" of a command (GNU time), its output discarded
    /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.1f\n", $1, $2/1024}'
  }
  read -r WS WM < <(measure "$TENET" who-can "$DIR" --action s3:GetObject --resource "$OBJECT")
  SUMMARY=$("$TENET" who-can "$DIR" --action s3:GetObject --resource "$OBJECT" | tail -1 || true)
  read -r GS GM < <(measure "$TENET" graph "$DIR" --format json)
  printf "%8s %10s %12s %10s %12s  %s\n" "$N" "$WS" "$WM" "$GS" "$GM" "$SUMMARY"
  rm -rf "$DIR"
done
echo
echo "== whole process: tenet prove over the estate (a never and an only on one bucket) =="
printf "%8s %10s %10s %12s  %s\n" accounts prove_s cpu_s prove_MiB verdicts
for N in 10 100 1000; do
  DIR="$(mktemp -d)"
  "$BENCH" write "$DIR" "$N" "$M"
  cat > "$DIR/bench.tenet" <<'TENET'
estate "."
property no-outside-put:
  never allow s3:PutObject on "arn:aws:s3:::data-100000000000/*" for principal outside organization
property reads-only-over-tls:
  only allow s3:GetObject on "arn:aws:s3:::data-100000000000/*" when aws:SecureTransport = "true"
TENET
  read -r PS PC PM < <(/usr/bin/time -f "%e %U %S %M" "$TENET" prove --timeout 60000 --allow-outside "$DIR/bench.tenet" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.2f %.1f\n", $1, $2 + $3, $4/1024}')
  VERDICTS=$("$TENET" prove --timeout 60000 --allow-outside "$DIR/bench.tenet" | tail -1 || true)
  printf "%8s %10s %10s %12s  %s\n" "$N" "$PS" "$PC" "$PM" "$VERDICTS"
  rm -rf "$DIR"
done
