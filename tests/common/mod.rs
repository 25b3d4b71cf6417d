//! What the end-to-end tests of the `tenet` binary share (`tests/cli*.rs`): running the built
//! executable from the repository root, reading its JSON report, checking the report's schema and
//! positions against the files, and unique temporary directories.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![allow(dead_code, reason = "each test file uses a part of these helpers")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

pub use std::collections::BTreeSet;
pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use serde_json::Value;

pub const TENET: &str = env!("CARGO_BIN_EXE_tenet");

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap()
}

/// A fixture path relative to the repository root (the working directory of every command).
pub fn fixture(name: &str) -> String {
    format!("tests/fixtures/cli/{name}")
}

pub fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(repo_root().join(fixture(name))).unwrap()
}

/// Runs `tenet` with `args` in `dir`, with a fixed terminal width and no colour.
pub fn tenet_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the tenet binary runs")
}

pub fn tenet(args: &[&str]) -> Output {
    tenet_in(&repo_root(), args)
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("tenet exited normally, not by a signal")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `tenet lint --format json ARGS...` and returns the exit code and the parsed, schema-checked report.
pub fn lint_json_in(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = tenet_in(dir, &all);
    let text = stdout(&out);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}):\n{text}\nstderr:\n{}", stderr(&out)));
    check_schema(&report);
    (code(&out), report)
}

pub fn lint_json(args: &[&str]) -> (i32, Value) {
    lint_json_in(&repo_root(), args)
}

pub fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().unwrap()
}

/// Checks the JSON report against the contract, field by field.
pub fn check_schema(report: &Value) {
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
                ["file", "code", "rule", "severity", "message", "help", "start", "end", "fix", "labels", "policy"]
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
pub fn position(p: &Value) -> (u64, u64, u64) {
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
pub fn expected_line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u64, column as u64)
}

/// Asserts that every position of every diagnostic agrees with the file's text: offsets lie in the file,
/// on character boundaries, and line/column are what the offset says.
pub fn check_positions_against_files(dir: &Path, report: &Value) {
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
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tenet-cli-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn files_reported(report: &Value) -> BTreeSet<String> {
    diagnostics(report)
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_owned())
        .collect()
}

pub fn codes_reported(report: &Value) -> Vec<String> {
    diagnostics(report)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

pub const VALID: &str = r#"{
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

/// A policy that is not JSON.
pub const BROKEN: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [}";
