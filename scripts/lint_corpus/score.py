"""Scores `tenet lint --format json` output of the lint-precision corpus.

Usage:
    python3 scripts/lint_corpus/score.py TENET_JSON [FAULTS_TSV]

Prints the findings by code and severity, and the recall on the small-fault set (faults.tsv): a
fault is caught when a diagnostic of one of its codes starts on its line. Misses are listed.
"""

import collections
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    faults_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "faults.tsv")
    diags = report["diagnostics"]
    by_code = collections.Counter((d["code"], d["rule"], d["severity"]) for d in diags)
    print("summary:", json.dumps(report["summary"]))
    for (code, rule, severity), n in sorted(by_code.items()):
        print(f"  {code} {rule} {severity}: {n}")
    at = collections.defaultdict(list)
    for d in diags:
        at[(os.path.normpath(d["file"]), d["start"]["line"])].append((d["code"], d["severity"]))
    with open(faults_path, encoding="utf-8") as f:
        rows = [r for r in csv.reader((l for l in f if not l.startswith("#")), delimiter="\t")][1:]
    caught, misses, severities = 0, [], collections.Counter()
    for file, line, codes, fault in rows:
        found = [(c, s) for c, s in at[(os.path.normpath(file), int(line))] if c in codes.split("|")]
        if found:
            caught += 1
            severities[found[0][1]] += 1
        else:
            misses.append(f"{file}:{line} {codes} ({fault})")
    print(f"recall: {caught} of {len(rows)} faults caught at their line; severities: {dict(severities)}")
    for m in misses:
        print("  missed:", m)


if __name__ == "__main__":
    main()
