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

#[test]
fn what_aws_stores_is_simulated_with_a_warning() {
    // A malformed `aws:SourceVpce` value, an unknown action and an impossible date: IAM stores all
    // three (Access Analyzer calls them errors), so the request is evaluated.
    let (code, out) = simulate(
        "stored",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111",
             "context": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "*",
              "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d", "vpce-bad"]}}},
              {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
               "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2024-02-30T00:00:00Z"}}}]}]}"#,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: allowed"), "{out}");
    for code in ["SYN161", "IAM201", "SYN150"] {
        assert!(out.contains(code), "{code}: {out}");
    }
    assert!(out.contains("AWS stores such a policy"), "{out}");
}

#[test]
fn what_aws_rejects_is_refused_with_the_rule() {
    // An identity policy with `Principal`: IAM answers "Has prohibited field Principal".
    let (code, out) = simulate(
        "principal",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}]}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("SYN015") && out.contains("nothing was simulated: AWS does not store"),
        "{out}"
    );
    // A bucket policy statement without a principal.
    let (code, out) = simulate(
        "no-principal",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
            "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("SYN012") && out.contains("nothing was simulated: AWS does not store"),
        "{out}"
    );
    // A session policy for the root user, which is no session.
    let (code, out) = simulate(
        "root-session",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:root", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
            "sessionPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": "*", "Resource": "*"}]}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM004") && out.contains("session policy"), "{out}");
}

#[test]
fn the_owner_of_an_s3_resource_is_given_or_said() {
    let scenario = |context: &str, account: &str| {
        format!(
            r#"{{"request": {{"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
                 "resource": "arn:aws:s3:::b/k"{account}, "context": {{{context}}}}},
                "identityPolicies": [{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                  "Action": "s3:GetObject", "Resource": "*"}}]}}]}}"#
        )
    };
    // Nothing says who owns the bucket: the principal's account, said in the answer.
    let (code, out) = simulate("assumed", &scenario("", ""));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("assumed:") && out.contains("`111111111111`"), "{out}");
    // `aws:ResourceAccount` names another owner: cross-account, and the bucket policy is missing.
    let (code, out) = simulate(
        "context-owner",
        &scenario(r#""aws:ResourceAccount": "222222222222""#, ""),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("implicitly-denied") && !out.contains("assumed:"), "{out}");
    // Given twice, differently: refused at the key.
    let (code, out) = simulate(
        "contradiction",
        &scenario(
            r#""aws:ResourceAccount": "222222222222""#,
            r#", "resourceAccount": "111111111111""#,
        ),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM005") && out.contains("scenario.json:2:97"), "{out}");
    // An anonymous caller has no account to assume.
    let (code, out) = simulate(
        "anonymous",
        r#"{"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM005") && out.contains("resourceAccount"), "{out}");
}

#[test]
fn given_keys_that_contradict_the_principal_are_refused() {
    let (code, out) = simulate(
        "principal-account",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111",
             "context": {"aws:PrincipalAccount": "999999999999"}}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM005") && out.contains("aws:PrincipalAccount"), "{out}");
    // The same key, consistent, is honoured.
    let (code, out) = simulate(
        "principal-account-ok",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111",
             "context": {"aws:PrincipalAccount": "111111111111"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
              "Action": "s3:GetObject", "Resource": "*",
              "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}]}]}"#,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: allowed"), "{out}");
    // A key given twice under one spelling: a JSON reader would keep one silently.
    let (code, out) = simulate(
        "twice",
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111",
             "context": {"aws:SourceIp": "192.0.2.1", "aws:SourceIp": "192.0.2.2"}}}"#,
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM005") && out.contains("given twice"), "{out}");
}

#[test]
fn expect_gives_exit_one_on_another_decision() {
    let dir = std::env::temp_dir().join(format!("tenet-sim-input-{}-expect", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join("scenario.json"),
        r#"{"request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
             "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"}}"#,
    );
    let out = Command::new(TENET)
        .args(["simulate", "scenario.json", "--expect", "allowed"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| unreachable!("cannot run tenet: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
}

/// A bucket of account 222222222222 that grants the IAM user `app` of 111111111111.
const FEDERATED_SCENARIO: &str = r#"{"request": {"principal": "arn:aws:sts::111111111111:federated-user/app",
     "action": "s3:GetObject", "resource": "arn:aws:s3:::data-bucket/x", "resourceAccount": "222222222222"},
    FEDERATED_BY
    "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}],
    "sessionPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
    "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111111111111:user/app"}, "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::data-bucket/*"}]}}"#;

fn federated(name: &str, federated_by: &str) -> (i32, String) {
    simulate(name, &FEDERATED_SCENARIO.replace("FEDERATED_BY", federated_by))
}

#[test]
fn federated_by_lets_a_grant_to_the_user_reach_its_session() {
    // IAM User Guide, "Session policies": a resource-based policy naming the IAM user adds its
    // permissions before the federated-user session is created; the session policy caps the total.
    let (code, out) = federated("fed-by", r#""federatedBy": "arn:aws:iam::111111111111:user/app","#);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: allowed"), "{out}");
    // Without it the session is a principal of its own, which the bucket does not name.
    let (code, out) = federated("fed-none", "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: implicitly-denied"), "{out}");
    // The session policy caps what the grant to the user gives the session.
    let put = FEDERATED_SCENARIO
        .replace(
            "FEDERATED_BY",
            r#""federatedBy": "arn:aws:iam::111111111111:user/app","#,
        )
        .replace(r#""action": "s3:GetObject""#, r#""action": "s3:PutObject""#)
        .replace(
            r#""Action": "s3:GetObject", "Resource": "arn"#,
            r#""Action": "s3:*", "Resource": "arn"#,
        );
    let (code, out) = simulate("fed-put", &put);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: implicitly-denied"), "{out}");
}

#[test]
fn federated_by_must_be_the_sessions_user() {
    for (name, value, said) in [
        (
            "fed-acct",
            r#""arn:aws:iam::333333333333:user/app""#,
            "in account 333333333333",
        ),
        (
            "fed-name",
            r#""arn:aws:iam::111111111111:user/other""#,
            "is not named `app`",
        ),
        (
            "fed-role",
            r#""arn:aws:iam::111111111111:role/app""#,
            "is not an IAM user ARN",
        ),
        ("fed-type", "42", "must be a string"),
    ] {
        let (code, out) = federated(name, &format!(r#""federatedBy": {value},"#));
        assert_eq!(code, 2, "{name}: {out}");
        assert!(out.contains("SIM005") && out.contains(said), "{name}: {out}");
        // Located at the value given.
        assert!(out.contains(value), "{name}: {out}");
    }
    // Only a federated-user session has a federating user.
    let scenario = FEDERATED_SCENARIO
        .replace(
            "FEDERATED_BY",
            r#""federatedBy": "arn:aws:iam::111111111111:user/app","#,
        )
        .replace(
            "arn:aws:sts::111111111111:federated-user/app",
            "arn:aws:iam::111111111111:user/app",
        );
    let (code, out) = simulate("fed-not-session", &scenario);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SIM005") && out.contains("remove `federatedBy`"), "{out}");
}
