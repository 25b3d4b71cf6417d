//! End-to-end tests of the commands beyond plain linting: SARIF output, `rules`, `explain`, `--diff`,
//! `--fix`, `simulate` and `prove`.
//!
//! Every command runs with the repository root as its working directory, so the `file` of a
//! diagnostic is the fixture's path relative to the root; the helpers are in `tests/common/`.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly"
)]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

mod common;

use common::*;

// ---------------------------------------------------------------------------------------------------
// `tenet simulate`.

const SCENARIO: &str = "policies/simulate/fsx-decrypt.json";

#[test]
fn simulate_fsx_decrypt_is_allowed() {
    let out = tenet(&["simulate", SCENARIO]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("decision: allowed"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("FsxDecryptViaS3"),
        "the deciding statement is named"
    );

    let out = tenet(&["simulate", "--format", "json", SCENARIO]);
    assert_eq!(code(&out), 0);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"], "allowed");
    assert_eq!(v["request"]["action"], "kms:Decrypt");
    assert!(v["deciding"]
        .as_array()
        .is_some_and(|d| d.iter().any(|s| s["sid"] == "FsxDecryptViaS3")));
}

#[test]
fn simulate_expect_sets_the_exit_code() {
    for (expect, status) in [
        ("allowed", 0),
        ("denied", 1),
        ("explicitly-denied", 1),
        ("implicitly-denied", 1),
    ] {
        let out = tenet(&["simulate", "--expect", expect, SCENARIO]);
        assert_eq!(code(&out), status, "--expect {expect}: {}", stderr(&out));
        if status == 1 {
            assert!(stderr(&out).contains("allowed"), "stderr says what the decision was");
        }
    }
}

#[test]
fn simulate_missing_or_broken_scenario_exits_2() {
    let out = tenet(&["simulate", "policies/simulate/no-such-scenario.json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-scenario.json"), "{}", stderr(&out));

    let dir = TempDir::new("scenario");
    dir.write("broken.json", "{\"request\": ");
    let out = tenet_in(dir.path(), &["simulate", "broken.json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(!stderr(&out).is_empty());
}

// ---------------------------------------------------------------------------------------------------
// SARIF, `rules`, `explain`, `--diff`, `--fix` and `prove`.

#[test]
fn sarif_format() {
    let out = tenet(&["lint", "--format", "sarif", &fixture("trailing-comma.json")]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tenet");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "SYN001");
    assert_eq!(r["level"], "error");
    let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[index]["id"], "SYN001", "ruleIndex points at the rule");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tests/fixtures/cli/trailing-comma.json");
    let region = &loc["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(8), Some(51))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(8), Some(52))
    );
    assert_eq!(
        (region["byteOffset"].as_u64(), region["byteLength"].as_u64()),
        (Some(187), Some(1))
    );

    // Columns in code points, as in the JSON output.
    let out = tenet(&["lint", "--format", "sarif", &fixture("non-ascii-sid.json")]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let unknown = results.iter().find(|r| r["ruleId"] == "SYN005").unwrap();
    let region = &unknown["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(103))
    );
    assert_eq!(region["byteOffset"].as_u64(), Some(156));

    // A clean file gives a valid log with no results.
    let out = tenet(&["lint", "--format", "sarif", &fixture("valid.json")]);
    assert_eq!(code(&out), 0);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn rules_lists_every_code_once() {
    let out = tenet(&["rules"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let codes: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
    for expected in ["SYN001", "SYN005", "IAM001", "IAM202"] {
        assert!(codes.contains(&expected), "`tenet rules` lists {expected}:\n{text}");
    }
    let unique: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "no code listed twice");
    let out = tenet(&["rules", "--format", "json"]);
    assert_eq!(code(&out), 0);
    serde_json::from_str::<Value>(&stdout(&out)).expect("`tenet rules --format json` prints JSON");
}

#[test]
fn explain_prints_a_rule_and_rejects_unknown_codes() {
    let out = tenet(&["explain", "IAM202"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("action-case"), "{text}");
    assert!(text.contains("## What it does"), "the rule's documentation: {text}");
    let out = tenet(&["explain", "SYN001"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("json-syntax-error"));
    let out = tenet(&["explain", "NOPE999"]);
    assert_eq!(code(&out), 2, "an unknown code is a usage error");
    assert!(stderr(&out).contains("NOPE999"), "{}", stderr(&out));
}

/// A policy whose only findings have certain fixes (action names in the wrong case).
const MISCASED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:getobject", "S3:ListBucket"], "Resource": "*"}
  ]
}
"#;

#[test]
fn diff_prints_fixes_without_changing_the_file() {
    let dir = TempDir::new("diff");
    // `action-case` is pedantic: selected here, as a project that wants canonical spelling would.
    dir.write("tenet.toml", "select = [\"ALL\"]\n");
    let path = dir.write("miscased.json", MISCASED);
    let out = tenet_in(dir.path(), &["lint", "--diff", "miscased.json"]);
    assert_eq!(code(&out), 1, "exit 1 when there is a fix: {}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("--- a/miscased.json") && diff.contains("+++ b/miscased.json"),
        "{diff}"
    );
    assert!(
        diff.lines()
            .any(|l| l.starts_with('-') && l.contains("\"s3:getobject\"")),
        "{diff}"
    );
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && l.contains("\"s3:GetObject\", \"s3:ListBucket\"")),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        MISCASED,
        "--diff changes nothing"
    );
    dir.write("valid.json", VALID);
    let out = tenet_in(dir.path(), &["lint", "--diff", "valid.json"]);
    assert_eq!(code(&out), 0, "nothing to fix: {}", stdout(&out));
    assert!(!stdout(&out).contains("+++"), "{}", stdout(&out));
}

#[test]
fn fix_rewrites_in_place_and_is_idempotent() {
    let dir = TempDir::new("fix");
    dir.write("tenet.toml", "select = [\"ALL\"]\n");
    let path = dir.write("miscased.json", MISCASED);
    dir.write("broken.json", BROKEN);
    let (_, before) = lint_json_in(dir.path(), &["--fail-on", "info", "miscased.json"]);
    assert!(codes_reported(&before).iter().any(|c| c == "IAM202"), "{before:#}");
    let out = tenet_in(
        dir.path(),
        &["lint", "--fix", "--fail-on", "info", "miscased.json", "broken.json"],
    );
    assert_eq!(code(&out), 1, "the unfixable file still fails: {}", stderr(&out));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        MISCASED
            .replace("s3:getobject", "s3:GetObject")
            .replace("S3:ListBucket", "s3:ListBucket")
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.json")).unwrap(),
        BROKEN,
        "a broken file is untouched"
    );
    let (status, after) = lint_json_in(dir.path(), &["--fail-on", "info", "miscased.json"]);
    assert_eq!(status, 0, "nothing left: {after:#}");
    let out = tenet_in(dir.path(), &["lint", "--fix", "miscased.json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        fixed,
        "a second --fix changes nothing"
    );
}

#[test]
fn prove_reports_verdicts_counterexamples_and_exit_codes() {
    let out = tenet(&["prove", "--format", "json", "policies/prove"]);
    assert_eq!(code(&out), 1, "the examples hold a violated property: {}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["summary"]["violated"], 2, "{v:#}");
    assert_eq!(v["summary"]["unknown"], 0, "{v:#}");
    let properties: Vec<&Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["properties"].as_array().unwrap())
        .collect();
    for p in &properties {
        assert!(p["elapsed_ms"].is_u64(), "{p}");
        if p["verdict"] == "violated" {
            let c = &p["counterexample"];
            for key in ["principal", "action", "resource", "context"] {
                assert!(c.get(key).is_some(), "counterexample lacks `{key}`: {p}");
            }
        }
    }
    let holding = properties.iter().find(|p| p["name"] == "only-over-tls").unwrap();
    assert_eq!(holding["verdict"], "holds");

    let one = tenet(&["prove", "policies/prove/key.tenet"]);
    assert_eq!(code(&one), 0, "every property of key.tenet holds: {}", stdout(&one));

    let sarif = tenet(&["prove", "--format", "sarif", "policies/prove"]);
    let log: Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "one SARIF result per violated property");
    assert!(results.iter().all(|r| r["ruleId"] == "PRV001"));

    let out = tenet(&["prove", "no-such-file.tenet"]);
    assert_eq!(
        code(&out),
        2,
        "a missing property file is a tool error: {}",
        stdout(&out)
    );
}
