//! End-to-end tests of exact positions: 1-based lines and columns in Unicode scalar values and byte
//! offsets, also inside embedded and URL-encoded policies and across CRLF line endings.
//!
//! Every command runs with the repository root as its working directory, so the `file` of a
//! diagnostic is the fixture's path relative to the root; the helpers are in `tests/common/`.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly"
)]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

mod common;

use common::*;

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
