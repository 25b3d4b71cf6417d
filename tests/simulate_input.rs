//! `tenet simulate` refuses what AWS itself refuses to store (SIM004), saying which rule, and
//! evaluates what AWS stores.

use std::process::Command;

const TENET: &str = env!("CARGO_BIN_EXE_tenet");

fn simulate(name: &str, scenario: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("tenet-sim-input-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("scenario.json");
    let _ = std::fs::write(&path, scenario);
    let out = Command::new(TENET)
        .arg("simulate")
        .arg("scenario.json")
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run tenet: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn identity_policies_of_the_root_user_are_refused() {
    let (code, out) = simulate(
        "root",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:root", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
            "identityPolicies": [{"Version": "2012-10-17",
              "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}]}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM004") && out.contains("root user"), "{out}");
    // Without them the root user reads its own bucket.
    let (code, out) = simulate(
        "root-ok",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:root", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"}}"#,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("allowed"), "{out}");
}

#[test]
fn not_principal_in_a_trust_policy_is_refused() {
    let (code, out) = simulate(
        "trust",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "sts:AssumeRole",
             "resource": "arn:aws:iam::111111111111:role/T"},
            "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:user/bob"}, "Action": "sts:AssumeRole"}]}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM004") && out.contains("NotPrincipal"), "{out}");
    // A trust policy naming the caller is read as the role's trust policy and allows.
    let (code, out) = simulate(
        "trust-ok",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "sts:AssumeRole",
             "resource": "arn:aws:iam::111111111111:role/T"},
            "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"}, "Action": "sts:AssumeRole"}]}}"#,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("allowed"), "{out}");
}
