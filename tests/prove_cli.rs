//! End-to-end tests of `tenet prove`'s everyday options (issue 13): `--property` selects, JSON lines
//! stream one object per property, and the time limits (per property and for the whole run) give
//! `unknown` with the reason and exit 3. Limits of zero make the cut-offs deterministic. Paths a
//! `.tenet` file names must stay inside the current directory unless `--allow-outside` is given.
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

fn tenet_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .output()
        .unwrap()
}

#[test]
fn policy_paths_outside_the_current_directory_are_refused_at_their_header_unless_allowed() {
    let outer = std::env::temp_dir().join(format!("tenet-prove-outside-{}", std::process::id()));
    let project = outer.join("project");
    let _ = std::fs::remove_dir_all(&outer);
    std::fs::create_dir_all(project.join("sub")).unwrap();
    let bucket =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/prove/bucket-public.json"))
            .unwrap();
    std::fs::write(outer.join("bucket.json"), &bucket).unwrap();
    std::fs::write(project.join("bucket.json"), &bucket).unwrap();
    std::os::unix::fs::symlink(outer.join("bucket.json"), project.join("link.json")).unwrap();
    let cases = [
        // (file, text, the path as written)
        ("up.tenet", "property p: not public \"../bucket.json\"\n", "../bucket.json"),
        (
            "header.tenet",
            "policy identity \"sub/../../etc/x.json\" of \"arn:aws:iam::111122223333:role/app\"\n\
             property p: never allow s3:GetObject on \"arn:aws:s3:::b/*\" for principal outside accounts [\"111122223333\"]\n",
            "sub/../../etc/x.json",
        ),
        ("estate.tenet", "estate \"../..\"\nproperty p: not public \"bucket.json\"\n", "../.."),
        ("link.tenet", "property p: not public \"link.json\"\n", "link.json"),
    ];
    for (file, text, written) in cases {
        std::fs::write(project.join(file), text).unwrap();
        let out = tenet_in(&project, &["prove", file]);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{file}: {err}");
        assert!(err.contains("tenet::prove::outside"), "{file}: {err}");
        assert!(
            err.contains(&format!("`{written}` is outside the project directory")),
            "{file}: {err}"
        );
        // Located at the path in the header: its line is shown and underlined.
        let line = text.lines().find(|l| l.contains(written)).unwrap();
        assert!(err.contains(line.trim_end()), "{file}: {err}");
        assert!(err.contains("pass `--allow-outside`"), "{file}: {err}");
        assert!(stdout(&out)
            .lines()
            .all(|l| !l.contains("violated") && !l.contains("holds")));
    }
    // `tenet compile` reads the same paths: refused the same way, read with the flag.
    let out = tenet_in(&project, &["compile", "up.tenet"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("tenet::prove::outside"), "{}", stderr(&out));
    let out = tenet_in(&project, &["compile", "--allow-outside", "up.tenet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("(check-sat)"), "{}", stdout(&out));
    // With the flag the file outside is read (the public bucket policy is violated).
    let out = tenet_in(&project, &["prove", "--allow-outside", "up.tenet"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = tenet_in(&project, &["prove", "--allow-outside", "link.tenet"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // A path that goes up and comes back inside is fine, and so is the same file run from above.
    std::fs::write(
        project.join("sub/in.tenet"),
        "property p: not public \"../bucket.json\"\n",
    )
    .unwrap();
    let out = tenet_in(&project, &["prove", "sub/in.tenet"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // The same `.tenet` file run from inside `sub/` names a file outside the current directory.
    let out = tenet_in(&project.join("sub"), &["prove", "in.tenet"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&outer);
}

#[test]
fn prove_shows_progress_on_a_terminal_only() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not available to make a terminal");
        return;
    }
    let on_tty = Command::new("script")
        .args(["-qec", &format!("{TENET} prove policies/prove/key.tenet"), "/dev/null"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&on_tty.stdout);
    assert!(
        shown.contains("tenet prove: ") && shown.contains("proving `policies/prove/key.tenet`"),
        "no progress on a terminal: {shown}"
    );
    let piped = tenet(&["prove", "policies/prove/key.tenet"]);
    assert!(
        !stderr(&piped).contains("tenet prove: "),
        "progress when not on a terminal"
    );
}
