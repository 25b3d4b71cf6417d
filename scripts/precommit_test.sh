#!/usr/bin/env bash
# End-to-end test of the pre-commit hooks in .pre-commit-hooks.yaml: installs `pre-commit` (PyPI) into
# a cached venv, makes a scratch git repository whose .pre-commit-config.yaml uses this checkout, and
# checks that committing a good policy passes and committing a bad one is refused.
#
# Usage: scripts/precommit_test.sh [--rust]
#   default  tests the `tenet-system` hook with the built target/{release,debug}/tenet on PATH
#            (run `cargo build` or `cargo build --release` first);
#   --rust   also tests the `tenet` hook (language: rust), which makes pre-commit `cargo install`
#            this repository (slow: a full release build).
# Exit: 0 all good, 1 a hook misbehaved, 2 set-up failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hooks=(tenet-system)
[ "${1:-}" = "--rust" ] && hooks+=(tenet)

bin=""
target="${CARGO_TARGET_DIR:-$root/target}"
for profile in release debug; do
  if [ -x "$target/$profile/tenet" ]; then bin="$target/$profile"; break; fi
done
[ -n "$bin" ] || { echo "precommit_test: no target/{release,debug}/tenet; run \`cargo build\` first" >&2; exit 2; }

venv="${TENET_PRECOMMIT_VENV:-$root/target/precommit-venv}"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv" || { echo "precommit_test: cannot create a venv" >&2; exit 2; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pre-commit>=3' \
    || { echo "precommit_test: pip install pre-commit failed" >&2; exit 2; }
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
export PATH="$bin:$venv/bin:$PATH"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

# pre-commit clones the hook repository at `rev`, so the hooks file must be committed. When this
# checkout's .pre-commit-hooks.yaml is committed and unchanged, use this checkout at HEAD; otherwise
# use a local clone with the working-tree hooks file committed on top.
hook_repo="$root"
if ! git -C "$root" cat-file -e HEAD:.pre-commit-hooks.yaml 2>/dev/null \
   || ! git -C "$root" diff --quiet HEAD -- .pre-commit-hooks.yaml; then
  hook_repo="$work/hook-repo"
  git clone --quiet --no-hardlinks "$root" "$hook_repo"
  cp "$root/.pre-commit-hooks.yaml" "$hook_repo/"
  git -C "$hook_repo" add .pre-commit-hooks.yaml
  git -C "$hook_repo" -c user.name=t -c user.email=t@example.com commit --quiet -m "hooks file from the working tree"
  echo "note: .pre-commit-hooks.yaml is not committed as is; testing a clone with it committed"
fi
rev="$(git -C "$hook_repo" rev-parse HEAD)"

good='{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}'
bad='{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Alow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}'

failures=0
for hook in "${hooks[@]}"; do
  repo="$work/scratch-$hook"
  git init --quiet "$repo"
  cd "$repo"
  git config user.name tenet-test
  git config user.email tenet-test@example.com
  cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: $hook
YAML
  git add .pre-commit-config.yaml
  git commit --quiet --no-verify -m "config"
  pre-commit install --install-hooks >/dev/null

  echo "== hook \`$hook\` (repo $hook_repo @ ${rev:0:12})"
  printf '%s\n' "$good" > good-policy.json
  # JSON with comments is not a policy: the hook must pass over it, not fail on it.
  printf '{"compilerOptions": {} // strict\n}\n' > tsconfig.json
  git add good-policy.json tsconfig.json
  if out="$(git commit -m "good policy" 2>&1)"; then
    echo "ok: a good policy commits (hook passed)"
  else
    echo "FAIL: the hook rejected a good policy:"; echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi

  printf '%s\n' "$bad" > bad-policy.json
  git add bad-policy.json
  set +e
  out="$(git commit -m "bad policy" 2>&1)"
  status=$?
  set -e
  if [ "$status" -ne 0 ] && git diff --cached --name-only | grep -q bad-policy.json; then
    echo "ok: a bad policy is refused (git commit exited $status); the hook said:"
    echo "$out" | sed 's/^/    /'
  else
    echo "FAIL: a bad policy was committed (git commit exited $status):"; echo "$out" | sed 's/^/    /'
    failures=$((failures + 1))
  fi
  cd "$root"
done

if [ "$failures" -eq 0 ]; then
  echo "precommit_test: ${#hooks[@]} passed, 0 failed"
else
  echo "precommit_test: $((${#hooks[@]} * 2 - failures)) checks passed, $failures failed"
  exit 1
fi
