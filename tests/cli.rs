//! End-to-end tests of the `tenet` binary, exit codes and output formats: the contracts of DESIGN.md
//! that users and scripts rely on (exit 0/1/2, `--fail-on`, the JSON schema, GitHub and human
//! formats, `--kind`), run against the built executable. Positions, directory walking, `simulate`
//! and `prove`, and SARIF, `rules`, `explain`, `--diff` and `--fix` have files of their own
//! (`tests/cli_*.rs`).
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
// Exit codes.

#[test]
fn valid_policy_exits_0_in_every_format() {
    let (status, report) = lint_json(&[&fixture("valid.json")]);
    assert_eq!(status, 0, "{report:#}");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["files"], 1);
    for format in ["human", "github"] {
        let out = tenet(&["lint", "--format", format, &fixture("valid.json")]);
        assert_eq!(code(&out), 0, "{format}: {}", stdout(&out));
        assert!(!stdout(&out).contains("::error"), "{format}");
    }
}

#[test]
fn malformed_policies_exit_1_with_a_located_diagnostic() {
    let dir = TempDir::new("malformed");
    let v = |from: &str, to: &str| VALID.replace(from, to).into_bytes();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.json", VALID.as_bytes()[..VALID.len() / 2].to_vec(), "SYN001"),
        ("empty.json", b"".to_vec(), "SYN002"),
        ("whitespace.json", b"  \n\t\n".to_vec(), "SYN002"),
        (
            "invalid-utf8.json",
            b"{\"Version\": \"2012-10-17\", \"Sid\": \"caf\xe9\"}".to_vec(),
            "SYN003",
        ),
        (
            "comment.json",
            b"{\n  // a comment\n  \"Version\": \"2012-10-17\"\n}".to_vec(),
            "SYN001",
        ),
        ("single-quotes.json", b"{'Version': '2012-10-17'}".to_vec(), "SYN001"),
        ("bad-effect.json", v("\"Allow\"", "\"Alow\""), "SYN008"),
        ("bad-version.json", v("2012-10-17", "2012-10-18"), "SYN007"),
        ("no-action.json", v("\"Action\"", "\"Actoin\""), "SYN010"),
        (
            "duplicate-key.json",
            v("\"Effect\": \"Allow\",", "\"Effect\": \"Allow\", \"Effect\": \"Deny\","),
            "SYN004",
        ),
        (
            "statement-number.json",
            b"{\"Version\": \"2012-10-17\", \"Statement\": 42}".to_vec(),
            "SYN006",
        ),
        (
            "control-char.json",
            b"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"a\tb\"}]}".to_vec(),
            "SYN001",
        ),
    ];
    for (name, contents, expected) in &cases {
        dir.write(name, contents);
        let (status, report) = lint_json_in(dir.path(), &[name]);
        assert_eq!(status, 1, "{name}: {report:#}");
        let codes = codes_reported(&report);
        assert!(
            codes.iter().any(|c| c == expected),
            "{name}: expected {expected}, got {codes:?}"
        );
        check_positions_against_files(dir.path(), &report);
        // The human rendering of the same file must not crash either.
        let out = tenet_in(dir.path(), &["lint", name]);
        assert_eq!(code(&out), 1, "{name} (human): {}", stderr(&out));
        assert!(
            stdout(&out).contains(expected),
            "{name} (human) names the code:\n{}",
            stdout(&out)
        );
    }
}

#[test]
fn missing_path_exits_2_with_a_message_on_stderr() {
    let out = tenet(&["lint", "tests/fixtures/cli/does-not-exist.json"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("does-not-exist.json"), "stderr names the path: {err}");
    // A missing path among good ones is still a tool failure, and in JSON mode stdout is not a report.
    let out = tenet(&["lint", "--format", "json", &fixture("valid.json"), "nope/"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["lint", "--format", "yaml", "x.json"][..],
        &["lint", "--fail-on", "fatal", "x.json"],
        &["lint", "--kind", "bogus", "x.json"],
        &["lint", "--no-such-flag"],
        &["no-such-command"],
        &[],
        &["simulate"],
        &["simulate", "--expect", "maybe", "policies/simulate/fsx-decrypt.json"],
    ] {
        let out = tenet(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).trim().is_empty(), "{args:?} explains itself on stderr");
    }
    let err = stderr(&tenet(&["lint", "--kind", "bogus", "x.json"]));
    assert!(err.contains("bogus"), "{err}");
}

#[test]
fn fail_on_sets_the_lowest_failing_severity() {
    // An error fails at every level.
    for level in ["error", "warning", "info"] {
        let (status, _) = lint_json(&["--fail-on", level, &fixture("trailing-comma.json")]);
        assert_eq!(status, 1, "--fail-on {level} with an error");
    }
    // Nothing reported: exit 0 at every level.
    for level in ["error", "warning", "info"] {
        let (status, report) = lint_json(&["--fail-on", level, &fixture("valid.json")]);
        assert_eq!(status, 0, "--fail-on {level} on a clean policy: {report:#}");
        assert!(diagnostics(&report).is_empty(), "valid.json is clean: {report:#}");
    }
    // A file whose worst finding is a warning (IAM001, no `Version`) or an info (IAM005, an empty `Sid`).
    for (name, code, worst, at_warning) in [
        ("missing-version.json", "IAM001", "warning", 1),
        ("empty-sid.json", "IAM005", "info", 0),
    ] {
        let (default, report) = lint_json(&[&fixture(name)]);
        let found: Vec<(&str, &str)> = diagnostics(&report)
            .iter()
            .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
            .collect();
        assert_eq!(found, [(code, worst)], "{name}: {report:#}");
        assert_eq!(default, 0, "{name}: findings below error do not fail by default");
        let (status, _) = lint_json(&["--fail-on", "error", &fixture(name)]);
        assert_eq!(status, 0, "{name} --fail-on error");
        let (status, _) = lint_json(&["--fail-on", "warning", &fixture(name)]);
        assert_eq!(status, at_warning, "{name} --fail-on warning");
        let (status, _) = lint_json(&["--fail-on", "info", &fixture(name)]);
        assert_eq!(status, 1, "{name} --fail-on info");
    }
}

// Formats and flags.

#[test]
fn github_format_emits_workflow_commands() {
    let out = tenet(&["lint", "--format", "github", &fixture("trailing-comma.json")]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        stdout(&out),
        "::error file=tests/fixtures/cli/trailing-comma.json,line=8,col=51,endLine=8,endColumn=52,\
         title=SYN001 json-syntax-error::trailing commas are not allowed%0Aremove the trailing comma\n"
    );
}

#[test]
fn human_format_shows_location_snippet_and_summary() {
    let out = tenet(&["lint", &fixture("trailing-comma.json"), &fixture("valid.json")]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("tests/fixtures/cli/trailing-comma.json:8:51"), "{text}");
    assert!(text.contains("SYN001"), "{text}");
    assert!(text.contains("trailing commas are not allowed"), "{text}");
    assert!(text.contains("help: remove the trailing comma"), "{text}");
    assert!(
        text.contains("\"Resource\": \"arn:aws:s3:::example-reports/*\","),
        "the snippet: {text}"
    );
    assert!(text.contains("2 files checked: 1 error"), "{text}");
    assert!(!text.contains("\u{1b}["), "no colour when stdout is not a terminal");
}

#[test]
fn kind_flag_overrides_detection() {
    // Without principals the file is read as an identity policy: valid.
    let (status, report) = lint_json(&[&fixture("bucket-no-principal.json")]);
    assert_eq!(status, 0, "{report:#}");
    let (status, report) = lint_json(&["--kind", "identity", &fixture("bucket-no-principal.json")]);
    assert_eq!(status, 0, "{report:#}");
    // As a resource policy every statement needs a principal.
    let (status, report) = lint_json(&["--kind", "resource", &fixture("bucket-no-principal.json")]);
    assert_eq!(status, 1);
    let d = diagnostics(&report).iter().find(|d| d["code"] == "SYN012").unwrap();
    assert_eq!(d["rule"], "missing-principal");
    assert_eq!(position(&d["start"]), (4, 5, 50), "the statement's opening brace");
    let (status, _) = lint_json(&["--kind", "key", &fixture("bucket-no-principal.json")]);
    assert_eq!(status, 1, "a key policy needs principals too");
}

#[test]
fn explicitly_named_files_are_read_whatever_their_extension() {
    let dir = TempDir::new("ext");
    dir.write("policy.txt", "{\"Version\": \"2012-10-17\",}");
    let (status, report) = lint_json_in(dir.path(), &["policy.txt"]);
    assert_eq!(status, 1);
    assert_eq!(files_reported(&report), BTreeSet::from(["policy.txt".to_owned()]));
}
