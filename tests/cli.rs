//! End-to-end tests of the `tenet` binary: the contracts of DESIGN.md that users and scripts rely on
//! (exit codes, the JSON schema, exact 1-based line/column positions in Unicode scalar values, byte
//! offsets, directory walking, deterministic output), run against the built executable.
//!
//! Fixtures live in `tests/fixtures/cli/`; trees that need a `.gitignore` are built in unique temporary
//! directories. Every command runs with the repository root as its working directory, so the `file` of
//! a diagnostic is the fixture's path relative to the root.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly"
)]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap()
}

/// A fixture path relative to the repository root (the working directory of every command).
fn fixture(name: &str) -> String {
    format!("tests/fixtures/cli/{name}")
}

fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(repo_root().join(fixture(name))).unwrap()
}

/// Runs `tenet` with `args` in `dir`, with a fixed terminal width and no colour.
fn tenet_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the tenet binary runs")
}

fn tenet(args: &[&str]) -> Output {
    tenet_in(&repo_root(), args)
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("tenet exited normally, not by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `tenet lint --format json ARGS...` and returns the exit code and the parsed, schema-checked report.
fn lint_json_in(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = tenet_in(dir, &all);
    let text = stdout(&out);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}):\n{text}\nstderr:\n{}", stderr(&out)));
    check_schema(&report);
    (code(&out), report)
}

fn lint_json(args: &[&str]) -> (i32, Value) {
    lint_json_in(&repo_root(), args)
}

fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().unwrap()
}

/// Checks the JSON report against the contract, field by field.
fn check_schema(report: &Value) {
    let top = report.as_object().expect("the report is an object");
    let keys: BTreeSet<&str> = top.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["version", "diagnostics", "summary"]),
        "top-level keys"
    );
    assert_eq!(report["version"], 1);
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for d in diagnostics(report) {
        let obj = d.as_object().expect("a diagnostic is an object");
        for key in ["file", "code", "rule", "severity", "message"] {
            let s = obj.get(key).and_then(Value::as_str);
            assert!(s.is_some_and(|s| !s.is_empty()), "`{key}` is a non-empty string in {d}");
        }
        if let Some(help) = obj.get("help") {
            assert!(
                help.as_str().is_some_and(|h| !h.is_empty()),
                "`help` is a non-empty string: {d}"
            );
        }
        for key in obj.keys() {
            assert!(
                ["file", "code", "rule", "severity", "message", "help", "start", "end", "fix", "labels"]
                    .contains(&key.as_str()),
                "unexpected key `{key}` in {d}"
            );
        }
        let code = d["code"].as_str().unwrap();
        assert!(
            code.len() >= 4
                && code[..3].chars().all(|c| c.is_ascii_uppercase())
                && code[3..].chars().all(|c| c.is_ascii_digit()),
            "code `{code}` looks like `SYN001`/`IAM012`"
        );
        let rule = d["rule"].as_str().unwrap();
        assert!(
            rule.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "rule `{rule}` is kebab-case"
        );
        let message = d["message"].as_str().unwrap();
        assert!(
            !message.contains('\n') && !message.ends_with('.'),
            "message style: {message:?}"
        );
        match d["severity"].as_str().unwrap() {
            "error" => errors += 1,
            "warning" => warnings += 1,
            "info" => infos += 1,
            other => panic!("unknown severity `{other}`"),
        }
        let (start, end) = (position(&d["start"]), position(&d["end"]));
        assert!(start.2 <= end.2, "start offset <= end offset in {d}");
        assert!(
            (start.0, start.1) <= (end.0, end.1),
            "start line/column <= end line/column in {d}"
        );
    }
    let summary = report["summary"].as_object().expect("summary is an object");
    for key in ["files", "errors", "warnings", "infos"] {
        assert!(summary.get(key).is_some_and(Value::is_u64), "summary.{key} is a count");
    }
    assert_eq!(report["summary"]["errors"], errors);
    assert_eq!(report["summary"]["warnings"], warnings);
    assert_eq!(report["summary"]["infos"], infos);
}

/// `(line, column, offset)` of a position object, checking its shape: exactly three integers, 1-based.
fn position(p: &Value) -> (u64, u64, u64) {
    let obj = p.as_object().unwrap_or_else(|| panic!("position is an object: {p}"));
    let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["line", "column", "offset"]), "position keys");
    let (line, column, offset) = (
        p["line"].as_u64().unwrap(),
        p["column"].as_u64().unwrap(),
        p["offset"].as_u64().unwrap(),
    );
    assert!(line >= 1 && column >= 1, "lines and columns are 1-based: {p}");
    (line, column, offset)
}

/// The line and column (in Unicode scalar values) of byte `offset` in `text`, computed independently
/// of tenet.
fn expected_line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u64, column as u64)
}

/// Asserts that every position of every diagnostic agrees with the file's text: offsets lie in the file,
/// on character boundaries, and line/column are what the offset says.
fn check_positions_against_files(dir: &Path, report: &Value) {
    for d in diagnostics(report) {
        let file = dir.join(d["file"].as_str().unwrap());
        let bytes = std::fs::read(&file).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for which in ["start", "end"] {
            let (line, column, offset) = position(&d[which]);
            let offset = usize::try_from(offset).unwrap();
            assert!(offset <= text.len(), "{which} offset within {}: {d}", file.display());
            assert!(text.is_char_boundary(offset), "{which} offset on a char boundary: {d}");
            assert_eq!(
                (line, column),
                expected_line_col(text, offset),
                "{which} line/column agree with the offset: {d}"
            );
        }
    }
}

/// A unique, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tenet-cli-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn files_reported(report: &Value) -> BTreeSet<String> {
    diagnostics(report)
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_owned())
        .collect()
}

fn codes_reported(report: &Value) -> Vec<String> {
    diagnostics(report)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

const VALID: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReports",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::example-reports/*"
    }
  ]
}
"#;

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

// ---------------------------------------------------------------------------------------------------
// Exact positions.

#[test]
fn trailing_comma_is_located_exactly() {
    let (status, report) = lint_json(&[&fixture("trailing-comma.json")]);
    assert_eq!(status, 1);
    let d = &diagnostics(&report)[0];
    assert_eq!(diagnostics(&report).len(), 1, "{report:#}");
    assert_eq!(d["file"], fixture("trailing-comma.json"));
    assert_eq!(d["code"], "SYN001");
    assert_eq!(d["rule"], "json-syntax-error");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["help"], "remove the trailing comma");
    assert_eq!(position(&d["start"]), (8, 51, 187));
    assert_eq!(position(&d["end"]), (8, 52, 188));
    let text = read_fixture("trailing-comma.json");
    assert_eq!(&text[187..188], ",");
    check_positions_against_files(&repo_root(), &report);
}

#[test]
fn crlf_line_endings_do_not_shift_columns() {
    let dir = TempDir::new("crlf");
    dir.write("crlf.json", read_fixture("trailing-comma.json").replace('\n', "\r\n"));
    let (status, report) = lint_json_in(dir.path(), &["crlf.json"]);
    assert_eq!(status, 1);
    let (line, column, offset) = position(&diagnostics(&report)[0]["start"]);
    assert_eq!((line, column), (8, 51), "{report:#}");
    assert_eq!(offset, 187 + 7, "one more byte per earlier line");
}

#[test]
fn embedded_policy_string_points_into_the_outer_file() {
    let (status, report) = lint_json(&[&fixture("embedded-policy-string.json")]);
    assert_eq!(status, 1);
    let text = read_fixture("embedded-policy-string.json");
    let unknown: Vec<&Value> = diagnostics(&report).iter().filter(|d| d["code"] == "SYN005").collect();
    assert_eq!(unknown.len(), 1, "{report:#}");
    let d = unknown[0];
    assert!(d["message"].as_str().unwrap().contains("`Resorce`"), "{d}");
    // The key as written in the outer file, escaped quotes included.
    let key = r#"\"Resorce\""#;
    let at = text.find(key).unwrap();
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    assert_eq!(position(&d["start"]), (2, (at - line_start + 1) as u64, at as u64));
    assert_eq!(position(&d["start"]), (2, 193, 194), "hard-coded for this fixture");
    let end = position(&d["end"]);
    assert_eq!(&text[at..end.2 as usize], key, "the span covers exactly the key");
    check_positions_against_files(&repo_root(), &report);
}

#[test]
fn url_encoded_policy_version_points_into_the_outer_file() {
    let dir = TempDir::new("urlencoded");
    // `aws iam get-policy-version` output, with a misspelt `Efect` inside the URL-encoded document.
    let inner = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Efect%22%3A%22Allow%22%2C\
                 %22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let text =
        format!("{{\n  \"PolicyVersion\": {{\n    \"VersionId\": \"v1\",\n    \"Document\": \"{inner}\"\n  }}\n}}\n");
    dir.write("version.json", &text);
    let (status, report) = lint_json_in(dir.path(), &["version.json"]);
    assert_eq!(status, 1, "{report:#}");
    let unknown = diagnostics(&report)
        .iter()
        .find(|d| d["code"] == "SYN005")
        .unwrap_or_else(|| panic!("an unknown-element diagnostic: {report:#}"));
    let key = "%22Efect%22";
    let at = text.find(key).unwrap();
    let (line, column, offset) = position(&unknown["start"]);
    assert_eq!((line, offset), (4, at as u64), "{unknown}");
    assert_eq!(column, expected_line_col(&text, at).1);
    assert_eq!(&text[at..position(&unknown["end"]).2 as usize], key);
    check_positions_against_files(dir.path(), &report);
}

#[test]
fn non_ascii_sid_shifts_columns_by_chars_not_bytes() {
    let (_, non_ascii) = lint_json(&[&fixture("non-ascii-sid.json")]);
    let (_, ascii) = lint_json(&[&fixture("ascii-sid.json")]);
    let unknown = |r: &Value| -> Value {
        let found = diagnostics(r).iter().find(|d| d["code"] == "SYN005");
        found
            .cloned()
            .unwrap_or_else(|| panic!("an unknown-element diagnostic: {r:#}"))
    };
    let (a, b) = (unknown(&non_ascii), unknown(&ascii));
    let (pa, pb) = (position(&a["start"]), position(&b["start"]));
    // Both Sids are 24 characters; `É`, `é` and `日本語` take 8 bytes more than their ASCII twins.
    assert_eq!(pa.0, 4);
    assert_eq!(pa.1, pb.1, "same column: columns count characters");
    assert_eq!(pa.2, pb.2 + 8, "offsets count bytes");
    assert_eq!(pa, (4, 103, 156), "hard-coded for this fixture");
    let text = read_fixture("non-ascii-sid.json");
    assert_eq!(&text[156..166], "\"Condtion\"");
    assert_eq!(position(&a["end"]), (4, 113, 166));
    check_positions_against_files(&repo_root(), &non_ascii);
}

// ---------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------
// Directory walking.

const BROKEN: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [}";

#[test]
fn directory_walk_respects_gitignore_and_hidden_entries() {
    let dir = TempDir::new("walk");
    dir.write(".gitignore", "ignored.json\nbuild/\n");
    dir.write("ignored.json", BROKEN);
    dir.write("build/out.json", BROKEN);
    dir.write("nested/.gitignore", "local-*.json\n");
    dir.write("nested/local-draft.json", BROKEN);
    dir.write(".hidden/bad.json", BROKEN);
    dir.write("notes.txt", BROKEN);
    dir.write("good.json", VALID);
    dir.write("nested/deeper/good.json", VALID);
    let (status, report) = lint_json_in(dir.path(), &["."]);
    assert_eq!(status, 0, "nothing but ignored files is broken: {report:#}");
    assert!(diagnostics(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["files"], 2, "only the two good files are checked");

    dir.write("nested/deeper/bad.json", BROKEN);
    let (status, report) = lint_json_in(dir.path(), &["."]);
    assert_eq!(status, 1);
    assert_eq!(
        files_reported(&report),
        BTreeSet::from(["nested/deeper/bad.json".to_owned()])
    );
    check_positions_against_files(dir.path(), &report);

    // Naming the directory (not `.`) reports paths under it.
    let (_, report) = lint_json_in(dir.path(), &["nested"]);
    assert_eq!(
        files_reported(&report),
        BTreeSet::from(["nested/deeper/bad.json".to_owned()])
    );
}

#[test]
fn gitignore_is_respected_outside_a_git_repository_when_walking_an_absolute_path() {
    let dir = TempDir::new("walk-abs");
    dir.write(".gitignore", "*.broken.json\n");
    dir.write("a.broken.json", BROKEN);
    dir.write("a.json", VALID);
    let abs = dir.path().to_str().unwrap().to_owned();
    let (status, report) = lint_json(&[&abs]);
    assert_eq!(status, 0, "{report:#}");
}

#[test]
fn non_policy_json_is_skipped_silently_and_mentioned_with_verbose() {
    let dir = TempDir::new("skip");
    dir.write("package.json", read_fixture("not-a-policy.json"));
    dir.write("array.json", "[1, 2, 3]");
    dir.write("grants.json", "{\"Grants\": []}");
    dir.write("good.json", VALID);
    let (status, report) = lint_json_in(dir.path(), &["."]);
    assert_eq!(status, 0, "{report:#}");
    assert!(diagnostics(&report).is_empty(), "{report:#}");

    let quiet = tenet_in(dir.path(), &["lint", "."]);
    assert_eq!(code(&quiet), 0);
    let text = stdout(&quiet);
    assert!(
        text.contains("; 3 files skipped (`-v` says which and why)"),
        "only counted without -v: {text}"
    );
    assert!(!text.contains("package.json"), "{text}");
    assert!(
        text.contains("1 file checked"),
        "skipped files are not counted as checked: {text}"
    );
    assert!(stderr(&quiet).is_empty(), "nothing on stderr: {}", stderr(&quiet));

    for flag in ["-v", "--verbose"] {
        let verbose = tenet_in(dir.path(), &["lint", flag, "."]);
        assert_eq!(code(&verbose), 0);
        let all = format!("{}{}", stdout(&verbose), stderr(&verbose));
        for name in ["package.json", "array.json", "grants.json"] {
            assert!(
                all.lines().any(|l| l.contains("skipped") && l.contains(name)),
                "{flag} says {name} was skipped:\n{all}"
            );
        }
        assert!(
            !all.lines().any(|l| l.contains("skipped") && l.contains("good.json")),
            "{all}"
        );
    }
}

#[test]
fn output_is_deterministic_and_sorted() {
    let dir = TempDir::new("determinism");
    for i in 0..24 {
        // Names chosen so creation order, sort order and directory order differ.
        let name = format!("d{}/p{:02}.json", i % 3, (i * 7) % 24);
        let broken = VALID.replace("\"Allow\"", "\"Alow\"").replace("Action", "Actoin");
        dir.write(&name, if i % 4 == 0 { VALID.to_owned() } else { broken });
    }
    let runs: Vec<(Vec<u8>, Vec<u8>)> = (0..2)
        .map(|_| {
            let json = tenet_in(dir.path(), &["lint", "--format", "json", "."]);
            let human = tenet_in(dir.path(), &["lint", "."]);
            (json.stdout, human.stdout)
        })
        .collect();
    assert_eq!(runs[0], runs[1], "two runs print the same bytes");
    let report: Value = serde_json::from_slice(&runs[0].0).unwrap();
    check_schema(&report);
    let order: Vec<(String, u64)> = diagnostics(&report)
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_owned(), position(&d["start"]).2))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "diagnostics are ordered by file, then position");
    assert_eq!(files_reported(&report).len(), 18);
}

#[test]
fn paths_given_twice_are_reported_once() {
    let bad = fixture("trailing-comma.json");
    let (_, once) = lint_json(&[&bad]);
    // The same file named twice, and again through its directory.
    let (status, twice) = lint_json(&[&bad, &bad, "tests/fixtures/cli"]);
    assert_eq!(status, 1);
    let count = |r: &Value| diagnostics(r).iter().filter(|d| d["file"] == bad.as_str()).count();
    assert_eq!(count(&twice), count(&once), "{twice:#}");
    assert_eq!(count(&once), diagnostics(&once).len());
}

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
