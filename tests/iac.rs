//! End-to-end tests of `tenet lint` on infrastructure as code (`tests/fixtures/iac/`): a
//! CloudFormation YAML template, a CDK `*.template.json`, a Terraform directory and a Terraform
//! plan. The findings must be the ones linting the same policies written out by hand
//! (`tests/fixtures/iac/extracted/`) gives, at the template's own lines; the rendered diagnostics
//! are snapshotted in `snapshots/iac/`.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap()
}

fn tenet(args: &[&str]) -> Output {
    Command::new(TENET)
        .args(args)
        .current_dir(repo_root())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the tenet binary runs")
}

fn lint_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = tenet(&all);
    let report = serde_json::from_slice(&out.stdout).expect("JSON output");
    (out.status.code().expect("exit code"), report)
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/iac/{name}")
}

/// `(code, line)` of every diagnostic, in output order.
fn found(report: &Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The sorted codes of the policy findings (the readers' own `IAC` codes left out).
fn policy_codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = found(report)
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| !c.starts_with("IAC"))
        .collect();
    codes.sort();
    codes
}

/// The sorted codes of linting each hand-written policy of `extracted/<dir>` (a file named
/// `*trust*` as a trust policy, as the template says it is).
fn extracted_codes(dir: &str) -> Vec<String> {
    let mut codes = Vec::new();
    let path = repo_root().join(fixture(&format!("extracted/{dir}")));
    for entry in std::fs::read_dir(path).unwrap() {
        let file = entry.unwrap().path();
        let name = file.to_string_lossy().into_owned();
        let mut args = vec![name.as_str()];
        if name.contains("trust") {
            args.extend(["--kind", "trust"]);
        }
        codes.extend(policy_codes(&lint_json(&args).1));
    }
    codes.sort();
    codes
}

fn snapshot(name: &str, args: &[&str]) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    let out = tenet(&all);
    let rendered = String::from_utf8(out.stdout).unwrap();
    insta::with_settings!({
        snapshot_path => repo_root().join("snapshots/iac"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, rendered);
    });
}

#[test]
fn cloudformation_yaml_reports_what_the_extracted_policies_report_at_template_lines() {
    let (code, report) = lint_json(&[&fixture("template.yaml")]);
    assert_eq!(code, 1);
    // Line 42: the bucket policy's public read (`Principal: "*"`); line 65: PassRole's
    // `Resource: "*"`; line 68: `Action: s3:GetObjekt`.
    assert_eq!(
        found(&report),
        [
            ("IAM305".to_owned(), 42),
            ("IAM220".to_owned(), 65),
            ("IAM201".to_owned(), 68)
        ]
    );
    assert_eq!(policy_codes(&report), extracted_codes("template"));
    snapshot("template_yaml", &[&fixture("template.yaml")]);
}

#[test]
fn intrinsics_never_cause_findings() {
    // Every `!Sub`, `!GetAtt`, `!Join` and `!Ref` of the template is left out of the findings: the
    // ARNs and principals they build are not malformed, only unknown.
    let (_, report) = lint_json(&[&fixture("template.yaml")]);
    for d in report["diagnostics"].as_array().unwrap() {
        let message = d["message"].as_str().unwrap();
        assert!(!message.contains("${"), "a finding on a placeholder: {message}");
        assert!(!d["code"].as_str().unwrap().starts_with("SYN"), "{d}");
    }
}

#[test]
fn parameters_resolve_pseudo_parameters() {
    // Given as a parameter, the account id is checked like any written value.
    let (_, report) = lint_json(&["--parameter", "AWS::AccountId=12345", &fixture("template.yaml")]);
    assert!(found(&report).contains(&("SYN107".to_owned(), 80)), "{report}");
    let out = tenet(&["lint", "--parameter", "no-equals-sign", &fixture("template.yaml")]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cdk_template_json_is_read_as_cloudformation() {
    let (code, report) = lint_json(&[&fixture("cdk.out")]);
    assert_eq!(code, 1);
    assert_eq!(found(&report), [("SYN008".to_owned(), 42), ("SYN162".to_owned(), 135)]);
    snapshot("cdk_template_json", &[&fixture("cdk.out")]);
}

#[test]
fn terraform_directory_reports_what_the_extracted_policies_report_at_tf_lines() {
    let (code, report) = lint_json(&[&fixture("terraform")]);
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            ("IAM201".to_owned(), 41),
            ("IAM220".to_owned(), 69),
            ("IAM094".to_owned(), 84),
            ("SYN150".to_owned(), 109),
        ]
    );
    assert_eq!(policy_codes(&report), extracted_codes("terraform"));
    // `outputs.tf` holds no policy: skipped quietly.
    assert_eq!(report["summary"]["skipped"], 1, "{report}");
    snapshot("terraform_main_tf", &[&fixture("terraform/main.tf")]);
}

#[test]
fn plan_reports_unknown_policies_and_names_resource_addresses() {
    let (code, report) = lint_json(&[&fixture("plan.json")]);
    assert_eq!(code, 1);
    let codes: Vec<String> = found(&report).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["IAC002", "IAM201", "IAM220", "IAC002", "SYN015"]);
    let unknown: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "IAC002")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        unknown,
        [
            "the policy of `aws_s3_bucket_policy.logs / policy` is known only after apply: not checked",
            "the policy of `module.app.aws_iam_role.runner / inline_policy[0]` is known only after apply: not checked",
        ]
    );
    assert_eq!(policy_codes(&report), extracted_codes("plan"));
    snapshot("plan_json", &[&fixture("plan.json")]);
}

#[test]
fn yaml_that_is_not_a_template_is_skipped_and_a_broken_template_is_located() {
    let dir = std::env::temp_dir().join(format!("tenet-iac-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("compose.yml"), "services:\n  web:\n    image: nginx\n").unwrap();
    std::fs::write(dir.join("notes.tf"), "locals {\n  a = 1\n}\n").unwrap();
    let (code, report) = lint_json(&[dir.to_str().unwrap()]);
    assert_eq!((code, report["summary"]["skipped"].as_u64()), (0, Some(2)), "{report}");
    std::fs::write(
        dir.join("broken.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: [unclosed\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = \n",
    )
    .unwrap();
    let (code, report) = lint_json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let codes: Vec<String> = found(&report).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["IAC001", "IAC001"], "{report}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// An estate from infrastructure as code: `tenet who-can` and `tenet graph` on what a template, a
// Terraform module or a plan is about to deploy (`tests/fixtures/iac/estate/`).

fn who_can_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["who-can", "--format", "json"];
    all.extend_from_slice(args);
    let out = tenet(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().expect("exit code"), v, stderr)
}

fn verdict<'a>(v: &'a Value, who: &str) -> &'a Value {
    let p = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == who);
    &p.expect("the principal is listed")["verdict"]
}

#[test]
fn template_estate_reads_through_s3_and_the_templates_key() {
    let (code, v, stderr) = who_can_json(&[
        "tests/fixtures/iac/estate/fsx-template.yaml",
        "--account",
        "111122223333",
        "--region",
        "eu-west-1",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-data-example/run-1/part-0.bin",
    ]);
    // The reader's policy is partly `!ImportValue`: unknown, so the exit code says so.
    assert_eq!(code, 3, "{stderr}");
    let role = "arn:aws:iam::111122223333:role/fsx-data-repository";
    assert_eq!(verdict(&v, role), "allowed");
    let links = &v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == role)
        .unwrap()["links"];
    assert_eq!(links[1]["action"], "kms:Decrypt");
    assert_eq!(links[1]["resource"], "arn:aws:kms:eu-west-1:111122223333:key/DataKey");
    assert_eq!(verdict(&v, "arn:aws:iam::111122223333:role/reports-reader"), "unknown");
    assert_eq!(verdict(&v, "anonymous"), "denied");
    assert_eq!(
        verdict(&v, "any unlisted principal of account 111122223333 (open world)"),
        "denied"
    );
    // What was assumed is said.
    assert!(
        stderr.contains("open world") && stderr.contains("`DataKey` stands for it"),
        "{stderr}"
    );
}

#[test]
fn template_estate_needs_an_account() {
    let out = tenet(&[
        "who-can",
        "tests/fixtures/iac/estate/fsx-template.yaml",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-data-example/a",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("EST008") && stderr.contains("--account"), "{stderr}");
    let bad = tenet(&[
        "graph",
        "tests/fixtures/iac/estate/fsx-template.yaml",
        "--account",
        "1234",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn plan_estate_reads_the_account_and_the_grant() {
    let (code, v, stderr) = who_can_json(&[
        "tests/fixtures/iac/estate/fsx-plan.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-plan-data/run-1/part-0.bin",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let role = "arn:aws:iam::111122223333:role/fsx-data-repository";
    assert_eq!(verdict(&v, role), "allowed");
    let links = &v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == role)
        .unwrap()["links"];
    let statements = links[1]["statements"].to_string();
    assert!(statements.contains("KMS grant `fsx-data-repository`"), "{statements}");
    assert_eq!(verdict(&v, "arn:aws:iam::111122223333:role/platform-admin"), "denied");
    assert!(stderr.contains("read from the plan"), "{stderr}");
}

#[test]
fn terraform_module_estate_with_a_managed_policy_from_elsewhere_is_unknown() {
    let (code, v, stderr) = who_can_json(&[
        "tests/fixtures/iac/estate/terraform",
        "--account",
        "111122223333",
        "--region",
        "eu-west-1",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-tf-data/run-1/part-0.bin",
    ]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(
        verdict(&v, "arn:aws:iam::111122223333:role/fsx-data-repository"),
        "allowed"
    );
    // `AmazonS3ReadOnlyAccess` is not in the module: not "denied", not "allowed".
    assert_eq!(verdict(&v, "arn:aws:iam::111122223333:role/batch-reader"), "unknown");
}

#[test]
fn graph_draws_a_plan() {
    let out = tenet(&["graph", "tests/fixtures/iac/estate/fsx-plan.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fsx-data-repository") && text.contains("\"key-grant\""),
        "{text}"
    );
}

#[test]
fn a_cdk_out_directory_is_an_estate() {
    let dir = std::env::temp_dir().join(format!("tenet-iac-cdk-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // CDK writes its own manifest beside the templates: it is not a template and is passed over.
    std::fs::write(dir.join("manifest.json"), r#"{"version": "36.0.0", "artifacts": {}}"#).unwrap();
    std::fs::write(
        dir.join("App.template.json"),
        r#"{"Resources": {
  "Bucket83908E77": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "app-uploads"}},
  "BucketPolicyE9A3008A": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket83908E77"},
    "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/uploader"},
      "Action": "s3:PutObject", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket83908E77", "Arn"]}, "/*"]]}}]}}}}}"#,
    )
    .unwrap();
    let d = dir.to_string_lossy().into_owned();
    let (code, v, stderr) = who_can_json(&[
        &d,
        "--account",
        "111122223333",
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::app-uploads/file",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // The role the bucket policy names is outside the estate: it may exist, with any policy.
    assert_eq!(verdict(&v, "arn:aws:iam::444455556666:role/uploader"), "allowed");
    assert_eq!(verdict(&v, "any principal of an account outside the estate"), "denied");
    assert_eq!(verdict(&v, "anonymous"), "denied");
    let _ = std::fs::remove_dir_all(&dir);
}
