"""Runs Parliament over every `*.json` file of a directory in ONE Python process and times it.

Used by scripts/bench_vs_parliament.sh. Prints one JSON object on stdout:
{"files", "seconds" (whole process, including import and start-up), "loop_seconds", "crashes",
 "crashed_files", "findings", "unknown_action", "unknown_action_files", "unknown_prefix"}.
Parliament raises on some current policies (condition types it does not know); those are counted
as crashes and skipped, as a user looping over files would have to.
"""

import json
import os
import sys
import time

START = time.perf_counter()

from parliament import analyze_policy_string  # noqa: E402  (timed on purpose)


def main() -> None:
    directory = sys.argv[1]
    names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    loop_start = time.perf_counter()
    crashed, findings, unknown_action, unknown_action_files, unknown_prefix = [], 0, 0, 0, 0
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = f.read()
        try:
            policy = analyze_policy_string(text, filepath=name)
        except Exception as e:  # noqa: BLE001 (Parliament's own failure is what we count)
            crashed.append(f"{name}: {type(e).__name__}: {e}"[:200])
            continue
        issues = [finding.issue for finding in policy.findings]
        findings += len(issues)
        n = issues.count("UNKNOWN_ACTION")
        unknown_action += n
        unknown_action_files += 1 if n else 0
        unknown_prefix += issues.count("UNKNOWN_PREFIX")
    end = time.perf_counter()
    print(json.dumps({
        "files": len(names),
        "seconds": end - START,
        "loop_seconds": end - loop_start,
        "crashes": len(crashed),
        "crashed_files": crashed,
        "findings": findings,
        "unknown_action": unknown_action,
        "unknown_action_files": unknown_action_files,
        "unknown_prefix": unknown_prefix,
    }))


if __name__ == "__main__":
    main()
