//! End-to-end tests of `tenet who-can` and `tenet graph` on estates: the FSx case and a variant,
//! questions only the prover can decide (a witness it finds, a denial it proves), drawing, an
//! imported authorization-details folder, and a broken manifest (exit 2 with a located diagnostic).

#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");
const SLR: &str = "arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123456789abcdef0";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn tenet(args: &[&str]) -> Output {
    Command::new(TENET).args(args).current_dir(root()).output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn principal<'a>(v: &'a Value, arn: &str) -> &'a Value {
    v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == arn)
        .unwrap()
}

/// A scratch estate directory with these files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tenet-estate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (p, t) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    dir
}

#[test]
fn fsx_role_reads_through_s3_and_kms() {
    let out = tenet(&[
        "who-can",
        "policies/fsx-cross-account",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-data-bucket/data/run-1.bin",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let slr = principal(&v, SLR);
    assert_eq!(slr["verdict"], "allowed");
    assert_eq!(slr["links"][1]["action"], "kms:Decrypt");
    assert_eq!(
        slr["links"][1]["witness"]["context"]["kms:ViaService"],
        "s3.us-east-1.amazonaws.com"
    );
    assert_eq!(principal(&v, "anonymous")["verdict"], "denied");
    assert_eq!(v["summary"]["allowed"], 1);
}

#[test]
fn fsx_variant_names_the_failing_link() {
    let out = tenet(&[
        "who-can",
        "policies/fsx-cross-account/variants/grant-revoked.toml",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::fsx-data-bucket/data/run-1.bin",
        "--principal",
        "AWSServiceRoleForFSx",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("denied   arn:aws:iam::111111111111:role/aws-service-role/"),
        "{text}"
    );
    assert!(
        text.contains("2. kms:Decrypt on")
            && text.contains("fails: no identity-based policy allows the kms:Decrypt action"),
        "{text}"
    );
}

const MANIFEST: &str = r#"
[[account]]
id = "111111111111"
closed-world = true

[[account.role]]
name = "office"
policies = ["office.json"]

[[account.role]]
name = "never"
policies = ["never.json"]

[[account.bucket]]
name = "reports"
"#;

const OFFICE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::reports/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}"#;

const NEVER: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}},
  {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}]}"#;

#[test]
fn the_prover_finds_witnesses_and_proves_denials_that_conditions_decide() {
    let dir = scratch(
        "prover",
        &[
            ("estate.toml", MANIFEST),
            ("office.json", OFFICE),
            ("never.json", NEVER),
        ],
    );
    let d = dir.to_string_lossy().into_owned();
    let out = tenet(&[
        "who-can",
        &d,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::reports/q3.pdf",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    let office = principal(&v, "arn:aws:iam::111111111111:role/office");
    assert_eq!(office["verdict"], "allowed", "{office:#}");
    let ip = office["links"][0]["witness"]["context"]["aws:SourceIp"]
        .as_str()
        .unwrap();
    assert!(ip.starts_with("203.0.113."), "{ip}");
    let never = principal(&v, "arn:aws:iam::111111111111:role/never");
    assert_eq!(never["verdict"], "denied", "{never:#}");
    assert_eq!(never["links"][0]["proof"], "for every context");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn graph_draws_the_fsx_estate_and_focuses() {
    let out = tenet(&["graph", "policies/fsx-cross-account", "--format", "mermaid"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("flowchart LR"));
    assert!(text.contains("account security (333333333333)"), "{text}");
    assert!(text.contains("KMS grant: Decrypt"), "{text}");
    let out = tenet(&[
        "graph",
        "policies/fsx-cross-account",
        "--format",
        "json",
        "--focus",
        "arn:aws:s3:::fsx-data-bucket",
    ]);
    let v = json(&out);
    let labels: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.iter().any(|l| l.starts_with("key ")),
        "the bucket's key is in its neighbourhood: {labels:?}"
    );
    assert!(
        labels.contains(&"user alice"),
        "alice reaches the key through StorageAdmin: {labels:?}"
    );
    assert!(
        !labels.contains(&"root 222222222222"),
        "nothing reaches the bucket through B's root: {labels:?}"
    );
    let out = tenet(&["graph", "policies/fsx-cross-account", "--focus", "arn:aws:s3:::nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn authorization_details_folder_is_an_estate() {
    let out = tenet(&["graph", "crates/tenet_graph/tests/fixtures/authz", "--format", "dot"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("digraph estate {"));
    assert!(text.contains("role deploy") && text.contains("can assume"), "{text}");
    // The missing AWS managed policy is a warning on stderr, not a failure.
    assert!(String::from_utf8_lossy(&out.stderr).contains("EST005"));
}

#[test]
fn broken_manifest_is_a_located_error_and_exit_2() {
    let dir = scratch(
        "broken",
        &[("estate.toml", "[[account]]\nid = \"111111111111\"\nrole = 3\n")],
    );
    let d = dir.to_string_lossy().into_owned();
    let out = tenet(&[
        "who-can",
        &d,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("EST002") && err.contains("estate.toml"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_grant_path_is_decided_by_the_prover_and_pinned_by_the_key_policy_guards() {
    // The FSx role may call kms:Decrypt directly only as the key policy's Deny guards allow: through
    // S3 in us-east-1, on an object of the bucket, whatever the grant (which has no constraints).
    let out = tenet(&[
        "who-can",
        "policies/fsx-cross-account",
        "--action",
        "kms:Decrypt",
        "--resource",
        "arn:aws:kms:us-east-1:333333333333:key/a056d364-8a7e-4f3c-9d2b-1c5e0f7a9b21",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json(&out);
    let slr = principal(&v, SLR);
    assert_eq!(slr["verdict"], "allowed", "{slr:#}");
    let ctx = &slr["links"][0]["witness"]["context"];
    assert_eq!(ctx["kms:ViaService"], "s3.us-east-1.amazonaws.com");
    assert!(ctx["kms:EncryptionContext:aws:s3:arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:s3:::fsx-data-bucket/"));
    assert_eq!(v["summary"]["allowed"], 1, "nobody else decrypts: {v:#}");
    assert_eq!(
        principal(&v, "any principal of an account outside the estate")["verdict"],
        "denied"
    );
}

#[test]
fn an_unlisted_principal_is_not_denied_on_a_name_it_need_not_have() {
    let manifest = "[[account]]\nid = \"111111111111\"\n\n[[account]]\nid = \"222222222222\"\n\n[[account.bucket]]\nname = \"shared\"\npolicy = \"bucket.json\"\n";
    let bucket = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*",
      "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-*"}}}]}"#;
    let dir = scratch("unlisted", &[("estate.toml", manifest), ("bucket.json", bucket)]);
    let d = dir.to_string_lossy().into_owned();
    let out = tenet(&[
        "who-can",
        &d,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::shared/x",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(3), "some answer is unknown");
    let v = json(&out);
    let any = principal(&v, "any unlisted principal of account 111111111111 (open world)");
    assert_eq!(any["verdict"], "unknown", "{any:#}");
    assert!(any["links"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("ARN, name or tags"));
    let _ = std::fs::remove_dir_all(dir);
}
