#!/usr/bin/env bash
# Validates SARIF logs against the official SARIF 2.1.0 JSON schema, offline except for package
# registries: the schema comes from the npm package @microsoft/jest-sarif (which ships
# `sarif-2.1.0-rtm.5.json`, the final 2.1.0 schema), the validator is PyPI's `jsonschema`.
# Both are cached under target/sarif-validate (override with TENET_SARIF_CACHE).
#
# Usage: scripts/validate_sarif.sh LOG.sarif [LOG.sarif ...]
# Exit: 0 all valid, 1 some log invalid, 2 set-up failed (no python3/npm, registry unreachable).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 LOG.sarif..." >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${TENET_SARIF_CACHE:-$root/target/sarif-validate}"
schema="$cache/sarif-schema-2.1.0.json"
venv="$cache/venv"
mkdir -p "$cache"

command -v python3 >/dev/null || { echo "validate_sarif: python3 not found" >&2; exit 2; }

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jsonschema' 2>/dev/null; then
  python3 -m venv "$venv" >&2 || { echo "validate_sarif: cannot create a venv" >&2; exit 2; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'jsonschema>=4,<5' >&2 \
    || { echo "validate_sarif: pip install jsonschema failed" >&2; exit 2; }
fi

if [ ! -s "$schema" ]; then
  command -v npm >/dev/null || { echo "validate_sarif: npm not found (needed to fetch the schema package)" >&2; exit 2; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent '@microsoft/jest-sarif@1.0.0-beta.0' >/dev/null) \
    || { echo "validate_sarif: npm pack @microsoft/jest-sarif failed" >&2; exit 2; }
  tar -xzf "$tmp"/microsoft-jest-sarif-*.tgz -C "$tmp"
  cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
fi

exec "$venv/bin/python" - "$schema" "$@" <<'PY'
import json
import sys

import jsonschema

schema_path, logs = sys.argv[1], sys.argv[2:]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
validator_cls = jsonschema.validators.validator_for(schema)
validator_cls.check_schema(schema)
validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
bad = 0
for path in logs:
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    if errors:
        bad += 1
        for e in errors[:20]:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: /{where}: {e.message}", file=sys.stderr)
    else:
        results = sum(len(run.get("results", [])) for run in log.get("runs", []))
        rules = sum(len(run["tool"]["driver"].get("rules", [])) for run in log.get("runs", []))
        print(f"{path}: valid SARIF 2.1.0 ({rules} rules, {results} results)")
sys.exit(1 if bad else 0)
PY
