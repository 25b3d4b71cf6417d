//! End-to-end tests of `tenet lint` on inputs that hold several policies or sit in directories that
//! hint at their kind: every finding of an account's authorization details names its policy, AWS
//! managed policies are reported apart (info, flagged, not failing the run), and kind hints come
//! from the project's own directory names whatever directory tenet runs from.
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .output()
        .expect("the tenet binary runs")
}

fn lint_json(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    let text = String::from_utf8(out.stdout).unwrap();
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON ({e}): {text}"));
    let diagnostics = report["diagnostics"].as_array().unwrap().clone();
    (out.status.code().unwrap(), diagnostics)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tenet-lint-authz-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const AUTHZ: &str = "tests/fixtures/authz/authorization-details.json";

#[test]
fn every_finding_of_authorization_details_names_its_policy() {
    let (code, diagnostics) = lint_json(&repo_root(), &[AUTHZ]);
    assert_eq!(code, 1, "alice's unknown action is an error: {diagnostics:?}");
    assert!(!diagnostics.is_empty());
    for d in &diagnostics {
        let name = d["policy"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("no policy named: {d}"));
        assert!(!name.is_empty(), "{d}");
    }
    let in_policy = |needle: &str| -> Vec<&Value> {
        diagnostics
            .iter()
            .filter(|d| d["policy"]["name"].as_str().is_some_and(|n| n.contains(needle)))
            .collect()
    };
    let alice = in_policy("(alice) / UserPolicyList[0] (read-reports)");
    assert!(
        alice.iter().any(|d| d["code"] == "IAM201" && d["severity"] == "error"),
        "{alice:?}"
    );
    let deploy = in_policy("Policies[0] (Deploy) / PolicyVersionList[0] (v2, default)");
    assert!(deploy.iter().any(|d| d["code"] == "IAM001"), "{deploy:?}");
    assert!(deploy.iter().all(|d| d["policy"]["aws_managed"] == false));
}

#[test]
fn aws_managed_policies_are_reported_apart_and_do_not_fail_the_run() {
    let (_, diagnostics) = lint_json(&repo_root(), &[AUTHZ]);
    let managed: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["policy"]["aws_managed"] == true)
        .collect();
    assert!(
        managed.iter().any(|d| d["code"] == "IAM201"),
        "the AWS managed policy's unknown action is reported: {diagnostics:?}"
    );
    assert!(managed.iter().all(|d| d["severity"] == "info"), "{managed:?}");
    assert!(managed.iter().all(|d| d["policy"]["name"]
        .as_str()
        .unwrap()
        .contains("(AmazonExampleServicePolicy)")));

    // A file with only the AWS managed policy: reported, yet the run passes unless `--fail-on info`.
    let dir = temp_dir("managed");
    let text = std::fs::read_to_string(repo_root().join(AUTHZ)).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let only = serde_json::json!({"Policies": [json["Policies"][1].clone()]});
    std::fs::write(dir.join("details.json"), only.to_string()).unwrap();
    let (code, diagnostics) = lint_json(&dir, &["details.json"]);
    assert_eq!(code, 0, "{diagnostics:?}");
    assert!(codes(&diagnostics).contains(&"IAM201"), "{diagnostics:?}");
    let (code, _) = lint_json(&dir, &["--fail-on", "info", "details.json"]);
    assert_eq!(code, 1);
    let human = String::from_utf8(run(&dir, &["lint", "details.json"]).stdout).unwrap();
    assert!(human.contains("an AWS managed policy, which AWS maintains"), "{human}");
    let sarif = String::from_utf8(run(&dir, &["lint", "--format", "sarif", "details.json"]).stdout).unwrap();
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["awsManaged"], true, "{result}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An identity-shaped policy that allows `iam:PassRole` on every role: `IAM220` as an identity
/// policy, nothing as an SCP (which grants nothing by itself).
const PASS_ROLE: &str =
    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#;

#[test]
fn kind_hints_do_not_depend_on_the_working_directory() {
    let dir = temp_dir("hints");
    let project = dir.join("project");
    std::fs::create_dir_all(project.join("scp")).unwrap();
    std::fs::write(project.join("tenet.toml"), "").unwrap();
    std::fs::write(project.join("scp/allow.json"), PASS_ROLE).unwrap();
    let (_, from_root) = lint_json(&project, &["scp/allow.json"]);
    let (_, from_inside) = lint_json(&project.join("scp"), &["."]);
    assert!(!codes(&from_root).contains(&"IAM220"), "an SCP: {from_root:?}");
    assert!(
        !codes(&from_inside).contains(&"IAM220"),
        "still an SCP from inside `scp/`: {from_inside:?}"
    );

    // A project that happens to live under a directory named `scp` gets no hint from it.
    let outer = dir.join("scp/project");
    std::fs::create_dir_all(&outer).unwrap();
    std::fs::write(outer.join("tenet.toml"), "").unwrap();
    std::fs::write(outer.join("allow.json"), PASS_ROLE).unwrap();
    let (_, identity) = lint_json(&outer, &["allow.json"]);
    assert!(codes(&identity).contains(&"IAM220"), "an identity policy: {identity:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
