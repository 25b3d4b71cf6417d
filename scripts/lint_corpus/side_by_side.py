"""Parliament 1.6.4 and tenet side by side on the lint-precision corpus.

Usage (see docs/lint-precision.md for the whole procedure):
    python scripts/lint_corpus/side_by_side.py CORPUS_DIR TENET_JSON > side_by_side.json

CORPUS_DIR is what extract.py wrote; TENET_JSON is `tenet lint --format json CORPUS_DIR` run from
CORPUS_DIR (file names relative to it). Parliament runs in this one process over every file (its
crashes are caught and counted, as a user looping over files would have to). For every Parliament
finding the script says whether tenet reports, in the same file, a code that covers the same issue
(the `parliament` list of each rule, from `tenet rules --format json`); the ones it does not are the
list to judge by hand.
"""

import json
import os
import subprocess
import sys

from parliament import analyze_policy_string, config  # Parliament 1.6.4


def tenet_rules(tenet):
    out = subprocess.run([tenet, "rules", "--format", "json"], check=True, capture_output=True).stdout
    mapping = {}
    for rule in json.loads(out)["rules"]:
        for issue in rule.get("parliament", []) or []:
            mapping.setdefault(issue, set()).add(rule["code"])
    return mapping


def main():
    corpus, tenet_json = sys.argv[1], sys.argv[2]
    tenet = os.environ.get("TENET", "tenet")
    covered_by = tenet_rules(tenet)
    with open(tenet_json, encoding="utf-8") as f:
        report = json.load(f)
    tenet_codes = {}
    for d in report["diagnostics"]:
        name = os.path.normpath(d["file"])
        tenet_codes.setdefault(name, set()).add(d["code"])
    crashes, findings = [], []
    for root, _, files in os.walk(corpus):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            rel = os.path.normpath(os.path.relpath(path, corpus))
            with open(path, encoding="utf-8") as f:
                text = f.read()
            try:
                policy = analyze_policy_string(text, filepath=rel, include_community_auditors=False)
                found = list(policy.findings)
            except Exception as e:  # noqa: BLE001 (Parliament's own failure is what we count)
                crashes.append({"file": rel, "error": f"{type(e).__name__}: {e}"[:200]})
                continue
            for finding in found:
                issue = finding.issue
                severity = config.get(issue, {}).get("severity", "?")
                codes = covered_by.get(issue, set())
                matched = sorted(codes & tenet_codes.get(rel, set()))
                findings.append(
                    {
                        "file": rel,
                        "issue": issue,
                        "severity": severity,
                        "detail": str(finding.detail)[:300],
                        "tenet_codes_for_issue": sorted(codes),
                        "tenet_reports": matched,
                        "tenet_codes_in_file": sorted(tenet_codes.get(rel, set())),
                    }
                )
    by_issue = {}
    for f in findings:
        entry = by_issue.setdefault(f["issue"], {"total": 0, "tenet_same_code": 0})
        entry["total"] += 1
        entry["tenet_same_code"] += 1 if f["tenet_reports"] else 0
    print(json.dumps({"crashes": crashes, "by_issue": by_issue, "findings": findings}, indent=1))


if __name__ == "__main__":
    main()
