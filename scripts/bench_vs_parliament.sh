#!/usr/bin/env bash
# Benchmark: tenet vs Parliament 1.6.4 on the AWS managed policies corpus, whole process, one run each.
#
# Usage: scripts/bench_vs_parliament.sh [CORPUS_DIR]
#   CORPUS_DIR defaults to $TENET_CORPORA/aws-managed-policies, then ../shared/corpora/aws-managed-policies
#   and /work/shared/corpora/aws-managed-policies; the benchmark is skipped (exit 0) when none exists.
# Parliament runs in ONE Python process looping over the files (start-up included, crashes counted);
# tenet runs as `target/release/tenet lint --format json DIR` (built if missing). Wall clock for both.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${1:-}"
if [ -z "$corpus" ]; then
  for c in "${TENET_CORPORA:+$TENET_CORPORA/aws-managed-policies}" "$root/../shared/corpora/aws-managed-policies" \
           /work/shared/corpora/aws-managed-policies; do
    if [ -n "$c" ] && [ -d "$c" ]; then corpus="$c"; break; fi
  done
fi
if [ -z "$corpus" ] || [ ! -d "$corpus" ]; then
  echo "bench_vs_parliament: corpus aws-managed-policies not found (set TENET_CORPORA); skipped"
  exit 0
fi

tenet="$root/target/release/tenet"
if [ ! -x "$tenet" ]; then
  echo "building target/release/tenet ..." >&2
  (cd "$root" && cargo build --release -p tenet >&2)
fi

venv="$root/target/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import parliament' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'parliament==1.6.4' 'setuptools<81'
fi

exec "$venv/bin/python" - "$corpus" "$tenet" "$root/scripts/bench_parliament.py" "$venv/bin/python" <<'PY'
import json
import subprocess
import sys
import time

corpus, tenet, helper, python = sys.argv[1:5]
UNKNOWN_ACTION_CODES = {"IAM201"}  # unknown-action

# Parliament: one process over the whole directory (start-up and import included).
t0 = time.perf_counter()
p = subprocess.run([python, helper, corpus], capture_output=True, text=True, check=True)
parl_wall = time.perf_counter() - t0
parl = json.loads(p.stdout)

# tenet: one process over the directory.
t0 = time.perf_counter()
t = subprocess.run([tenet, "lint", "--format", "json", corpus], capture_output=True, text=True)
tenet_wall = time.perf_counter() - t0
if t.returncode not in (0, 1):
    sys.exit(f"tenet failed (exit {t.returncode}): {t.stderr[:2000]}")
report = json.loads(t.stdout)
diags = report.get("diagnostics", [])
unknown = [d for d in diags if d.get("code") in UNKNOWN_ACTION_CODES]
unknown_files = sorted({d["file"] for d in unknown})
by_code = {}
for d in diags:
    by_code[d["code"]] = by_code.get(d["code"], 0) + 1

files = parl["files"]
print(f"corpus: {corpus} ({files} files)")
print(f"{'tool':<12}{'seconds':>10}{'files/s':>12}")
print(f"{'parliament':<12}{parl_wall:>10.3f}{files / parl_wall:>12.0f}   "
      f"(crashed on {parl['crashes']} files; loop alone {parl['loop_seconds']:.3f} s)")
print(f"{'tenet':<12}{tenet_wall:>10.3f}{files / tenet_wall:>12.0f}")
print(f"speed-up: tenet is {parl_wall / tenet_wall:.1f}x faster than Parliament (target: >= 50x)")
print(f"unknown actions: tenet {len(unknown)} findings in {len(unknown_files)} files; "
      f"Parliament UNKNOWN_ACTION {parl['unknown_action']} in {parl['unknown_action_files']} files "
      f"(UNKNOWN_PREFIX {parl['unknown_prefix']})")
for c in parl["crashed_files"]:
    print(f"  parliament crash: {c}")
for d in unknown:
    print(f"  tenet {d['code']} {d['file']}:{d['start']['line']}: {d['message']}")
print("tenet findings by code: " + ", ".join(f"{k} {v}" for k, v in sorted(by_code.items())))
PY
