"""Builds the lint-precision corpus: real policies written by others, kept OUTSIDE the repository.

Usage:
    python3 scripts/lint_corpus/extract.py MIRRORS_DIR OUT_DIR [--manifest scripts/lint_corpus/sources.tsv]

MIRRORS_DIR holds bare git snapshots named `owner+name/repo` (what a `git clone --bare` of each
repository in `repos.tsv` gives; any clone works). For each repository and commit of `repos.tsv` it
takes, from the commit's tree:
  * every `*.json` file whose content is a policy document (an object with `Statement`), and
  * every fenced code block of a Markdown file that parses as a policy document
    (AWS documentation repositories keep their examples in Markdown).
Each policy is written to OUT_DIR/<kind>/<owner+name>/<path with / as __>[.<block>].json and listed in the
manifest (repository, path, commit, block, kind, sha256 of the policy text). `kind` comes from where the
policy sits (a directory or page named for SCPs, RCPs, trust or bucket policies) or from the content
of the Markdown page around it; `auto` leaves it to tenet's detection.

The policy text is written exactly as found (documentation examples included, placeholders and all):
the corpus measures what tenet says about policies people copy.
"""

import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

SKIP_PATH = re.compile(
    r"(node_modules|package(-lock)?\.json|tsconfig|/\.vscode/|cdk\.json|\.schema\.json|"
    r"aws-service-definitions|/schemas?/|cloudformation|template)",
    re.I,
)
FENCE = re.compile(r"^(\s*)```[A-Za-z]*\s*$")


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def is_policy(value):
    return isinstance(value, dict) and "Statement" in value


def kind_from_path(path):
    p = path.lower().replace("-", "_")
    if re.search(r"(^|[/_])(scps?|service_control_polic)", p):
        return "scp"
    if re.search(r"(^|[/_])(rcps?|resource_control_polic)", p):
        return "rcp"
    if "trust" in p:
        return "trust"
    if "bucket_polic" in p or "/resource_polic" in p or "resource/" in p:
        return "resource"
    if "identity" in p or "iam_polic" in p:
        return "identity"
    return "auto"


def kind_from_page(page_name, context):
    """A documentation page's own words about the policies it shows."""
    ctx = context.lower()
    name = page_name.lower()
    if "orgs_manage_policies_scps" in name or "service control polic" in ctx[-400:]:
        return "scp"
    if "resource control polic" in ctx[-400:] or "_rcps" in name:
        return "rcp"
    if "trust polic" in ctx[-400:]:
        return "trust"
    if "vpc endpoint polic" in ctx[-400:] or "endpoint policy" in ctx[-400:]:
        return "vpce"
    if "permissions boundar" in ctx[-400:]:
        return "boundary"
    return "auto"


def markdown_blocks(text):
    """(index, preceding text, block text) of every fenced block."""
    lines = text.split("\n")
    out, i, n = [], 0, 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        start = i + 1
        j = start
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        body = "\n".join(l[indent:] if l[:indent].strip() == "" else l for l in lines[start:j])
        out.append((n, "\n".join(lines[max(0, i - 12):i]), body))
        n += 1
        i = j + 1
    return out


def main():
    mirrors, out_dir = sys.argv[1], sys.argv[2]
    manifest = os.path.join(HERE, "sources.tsv")
    if "--manifest" in sys.argv:
        manifest = sys.argv[sys.argv.index("--manifest") + 1]
    rows = []
    with open(os.path.join(HERE, "repos.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            repo, commit, include = line.rstrip("\n").split("\t")
            rows.append((repo, commit, re.compile(include)))
    seen = set()
    entries = []
    for repo, commit, include in rows:
        gitdir = os.path.join(mirrors, repo.replace("/", "+"), "repo")
        if not os.path.isdir(gitdir):
            print(f"missing mirror {gitdir}", file=sys.stderr)
            continue
        names = git(gitdir, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
        for path in names:
            if not include.search(path) or SKIP_PATH.search(path):
                continue
            if path.endswith(".json"):
                candidates = [(None, kind_from_path(path), None)]
            elif path.endswith(".md"):
                candidates = "md"
            else:
                continue
            raw = git(gitdir, "show", f"{commit}:{path}").decode("utf-8", "replace")
            if candidates == "md":
                found = []
                for n, context, body in markdown_blocks(raw):
                    try:
                        value = json.loads(body)
                    except ValueError:
                        continue
                    if is_policy(value):
                        kind = kind_from_page(path, context)
                        if kind == "auto":
                            kind = kind_from_path(path)
                        found.append((n, kind, body))
            else:
                try:
                    value = json.loads(raw)
                except ValueError:
                    continue
                if not is_policy(value):
                    continue
                found = [(None, candidates[0][1], raw)]
            for block, kind, body in found:
                digest = hashlib.sha256(body.strip().encode()).hexdigest()
                if digest in seen:
                    continue
                seen.add(digest)
                stem = path.replace("/", "__").rsplit(".", 1)[0]
                fname = f"{stem}.{block}.json" if block is not None else f"{stem}.json"
                dest = os.path.join(out_dir, kind, repo.replace("/", "+"), fname)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "w", encoding="utf-8") as out:
                    out.write(body.strip() + "\n")
                entries.append((repo, path, commit, "" if block is None else str(block), kind, digest[:16]))
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("repo\tpath\tcommit\tblock\tkind\tsha256_16\n")
        for e in entries:
            f.write("\t".join(e) + "\n")
    counts = {}
    for e in entries:
        counts[e[4]] = counts.get(e[4], 0) + 1
    print(json.dumps({"policies": len(entries), "by_kind": counts}))


if __name__ == "__main__":
    main()
