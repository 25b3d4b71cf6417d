#!/usr/bin/env bash
# Rebuilds the lint-precision corpus outside the repository, lints it and scores it.
#
# Usage: scripts/lint_corpus/run.sh MIRRORS_DIR CORPUS_DIR [--parliament]
#   MIRRORS_DIR  bare clones named owner+name/repo; missing ones are cloned from GitHub (network)
#   CORPUS_DIR   where the policies are written (outside the repository: the licences are their authors')
# Writes CORPUS_DIR/../tenet-lint.json and prints score.py's report; with --parliament, also runs
# Parliament 1.6.4 (in a venv under CORPUS_DIR/../parliament-venv) and writes side-by-side.json.
# The judged figures are in docs/lint-precision.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mirrors="$1"; corpus="$2"; shift 2
here="$root/scripts/lint_corpus"
grep -v '^#' "$here/repos.tsv" | while IFS=$'\t' read -r repo commit _; do
  dest="$mirrors/${repo/\//+}/repo"
  if [ ! -d "$dest" ]; then
    git clone --quiet --bare "https://github.com/$repo" "$dest"
  fi
  git -C "$dest" cat-file -e "$commit^{commit}"
done
rm -rf "$corpus"
python3 "$here/extract.py" "$mirrors" "$corpus" --manifest "$corpus.sources.tsv"
if ! diff -q <(cut -f1-5 "$here/sources.tsv") <(cut -f1-5 "$corpus.sources.tsv") >/dev/null; then
  echo "note: the extracted corpus differs from scripts/lint_corpus/sources.tsv" >&2
fi
(cd "$root" && cargo build --quiet -p tenet)
tenet="${CARGO_TARGET_DIR:-$root/target}/debug/tenet"
out="$(dirname "$corpus")/tenet-lint.json"
(cd "$corpus" && "$tenet" lint --format json . > "$out") || [ $? -eq 1 ]
python3 "$here/score.py" "$out"
if [ "${1:-}" = "--parliament" ]; then
  venv="$(dirname "$corpus")/parliament-venv"
  [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'parliament==1.6.4' 'setuptools<81'; }
  (cd "$corpus" && TENET="$tenet" "$venv/bin/python" "$here/side_by_side.py" . "$out") > "$(dirname "$corpus")/side-by-side.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("parliament crashes:", len(d["crashes"])); [print(" ", k, v) for k, v in sorted(d["by_issue"].items())]' "$(dirname "$corpus")/side-by-side.json"
fi
