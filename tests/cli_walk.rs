//! End-to-end tests of directory walking: `.gitignore` and hidden entries, JSON files that are not
//! policies, deterministic sorted output and paths given twice.
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
// Directory walking.

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
