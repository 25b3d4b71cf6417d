//! End-to-end tests of `tenet prove`'s everyday options (issue 13): `--property` selects, JSON lines
//! stream one object per property, and the time limits (per property and for the whole run) give
//! `unknown` with the reason and exit 3. Limits of zero make the cut-offs deterministic.
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn tenet(args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn property_selects_by_name_and_an_unknown_name_is_an_error() {
    let out = tenet(&[
        "prove",
        "--format",
        "json",
        "--property",
        "only-over-tls",
        "policies/prove",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["properties"].as_array().unwrap())
        .map(|p| &p["name"])
        .collect();
    assert_eq!(names, ["only-over-tls"], "{v:#}");
    assert_eq!(v["summary"]["holds"], 1);

    let out = tenet(&["prove", "--property", "no-such-property", "policies/prove"]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("no property named `no-such-property`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_lines_give_one_object_per_property_then_the_summary() {
    let out = tenet(&["prove", "--format", "jsonl", "policies/prove/key.tenet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (summary, properties) = lines.split_last().unwrap();
    assert_eq!(properties.len(), 2, "{lines:?}");
    for p in properties {
        assert_eq!(p["file"], "policies/prove/key.tenet");
        assert_eq!(p["verdict"], "holds", "{p}");
        assert!(p["elapsed_ms"].is_u64());
    }
    assert_eq!(summary["summary"]["holds"], 2, "{summary}");
}

#[test]
fn time_limits_give_unknown_with_the_reason() {
    let out = tenet(&[
        "prove",
        "--format",
        "json",
        "--timeout",
        "0",
        "policies/prove/bucket.tenet",
    ]);
    assert_eq!(code(&out), 3, "unknown, nothing violated: {}", stdout(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let properties = v["files"][0]["properties"].as_array().unwrap();
    assert_eq!(properties.len(), 5);
    for p in properties {
        assert_eq!(p["verdict"], "unknown", "{p}");
        assert!(
            p["reason"]
                .as_str()
                .unwrap()
                .starts_with("the time limit of 0 ms was reached"),
            "{p}"
        );
    }

    let out = tenet(&["prove", "--total-timeout", "0", "policies/prove/key.tenet"]);
    assert_eq!(code(&out), 3, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("the run's time limit of 0 ms was reached"), "{text}");
    assert!(text.contains("0 hold, 0 violated, 2 unknown"), "{text}");
    // Not a terminal: no progress line.
    assert_eq!(stderr(&out), "");
}
