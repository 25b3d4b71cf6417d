//! The limits of a run bound all the work on a property, and a cut-off is `unknown` with its
//! reason, never `holds` (issue 13). The tests are not timed: they give limits that cannot be met
//! (zero time, one megabyte) or check that a hostile input ends with a sound verdict.
//!
//! One test function runs every case in turn: Z3's memory limit is global to the process, so the
//! cases must not run side by side.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::path::{Path, PathBuf};
use tenet_prove::budget::Limits;
use tenet_prove::run::{prove_file_streaming, RunOptions};
use tenet_prove::{PropertyResult, Verdict};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tenet-prove-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn prove(tenet: &Path, limits: Limits, only: &[&str]) -> Vec<PropertyResult> {
    let options = RunOptions {
        limits,
        only: only.iter().map(|s| s.to_string()).collect(),
        root: None,
    };
    let results = std::sync::Mutex::new(Vec::new());
    prove_file_streaming(tenet, &options, |r| results.lock().unwrap().push(r)).unwrap();
    results.into_inner().unwrap()
}

/// An identity policy with `n` actions in the shape of AWS's `ReadOnlyAccess`.
fn many_actions(n: usize) -> String {
    let actions: Vec<String> = (0..n)
        .map(|i| match i % 3 {
            0 => format!("\"svc{}:Get*\"", i / 3),
            1 => format!("\"svc{}:List{i}Things\"", i / 3),
            _ => format!("\"svc{}:Describe{i}\"", i / 3),
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    )
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn limits_bound_every_phase_and_cutoffs_are_unknown() {
    let dir = scratch();
    let examples = repo().join("policies/prove/bucket.tenet");

    // No time at all: every property is unknown, with the reason, before anything is loaded.
    let rs = prove(&examples, Limits::new(0, 2048, None), &[]);
    assert_eq!(rs.len(), 5);
    for r in &rs {
        assert_eq!(r.verdict, Verdict::Unknown, "{}", r.to_json());
        assert_eq!(
            r.reason.as_deref(),
            Some("the time limit of 0 ms was reached while loading the policies (raise it with `--timeout`)")
        );
    }

    // The run's limit wins over a generous property limit; `only` selects by name.
    let rs = prove(
        &examples,
        Limits::new(60_000, 2048, Some(0)),
        &["secure-bucket-not-public"],
    );
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].name, "secure-bucket-not-public");
    assert_eq!(rs[0].verdict, Verdict::Unknown);
    assert!(
        rs[0]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("the run's time limit of 0 ms"),
        "{}",
        rs[0].to_json()
    );

    // One megabyte cannot hold the action alphabet of thousands of actions: unknown, and why.
    std::fs::write(dir.join("many.json"), many_actions(1500)).unwrap();
    let same = dir.join("same.tenet");
    std::fs::write(&same, "property same: equivalent \"many.json\" and \"many.json\"\n").unwrap();
    let rs = prove(&same, Limits::new(60_000, 1, None), &[]);
    assert_eq!(rs[0].verdict, Verdict::Unknown, "{}", rs[0].to_json());
    assert_eq!(
        rs[0].reason.as_deref(),
        Some("the memory budget of 1 MB was exceeded while building the action alphabet (raise it with `--memory-mb`)")
    );

    // With room, the same comparison is proved (the sparse alphabet keeps it small).
    let rs = prove(&same, Limits::new(120_000, 2048, None), &[]);
    assert_eq!(rs[0].verdict, Verdict::Holds, "{}", rs[0].to_json());

    // 300-statement wildcard bucket policies end with a sound verdict, or unknown for a limit.
    for (name, policy) in tenet_prove::stress::wildcard_bucket_policies(300) {
        std::fs::write(dir.join(format!("{name}.json")), policy).unwrap();
        let tenet = dir.join(format!("{name}.tenet"));
        std::fs::write(&tenet, format!("property p: not public \"{name}.json\"\n")).unwrap();
        let rs = prove(&tenet, Limits::new(5000, 2048, None), &[]);
        let r = &rs[0];
        match r.verdict {
            Verdict::Holds => {}
            Verdict::Unknown => {
                let reason = r.reason.as_deref().unwrap();
                assert!(
                    reason.contains("limit") || reason.contains("budget"),
                    "{name}: {reason}"
                );
            }
            Verdict::Violated => panic!("{name}: no outsider is allowed: {}", r.to_json()),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
