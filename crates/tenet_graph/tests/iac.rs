//! An estate from infrastructure as code, at the level of `tenet_graph`: a template handed over as
//! text becomes an open-world account whose principals, buckets and keys the template defines, and
//! what the template leaves unresolved makes the verdicts that stand on it `unknown`.

use tenet_graph::access::{who_can, Analysis};
use tenet_graph::{load_iac, Encryption, PrincipalKind, Sources};
use tenet_iac::Options;

const TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
      "BucketName": "reports",
      "BucketEncryption": {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}}]}}},
    "Reader": {"Type": "AWS::IAM::Role", "Properties": {
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
    "ReaderPolicy": {"Type": "AWS::IAM::Policy", "Properties": {
      "PolicyName": "read", "Roles": [{"Ref": "Reader"}],
      "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": {"Fn::GetAtt": ["Bucket", "Arn"]}},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "arn:aws:s3:::${Other}/*"}}]}}},
    "Writer": {"Type": "AWS::IAM::User", "Properties": {"UserName": "writer", "Policies": [
      {"PolicyName": "write", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::reports/*"}]}}]}}
  }
}"#;

fn options(account: Option<&str>) -> Options {
    let mut o = Options::default();
    if let Some(a) = account {
        o.parameters.insert("AWS::AccountId".into(), a.into());
    }
    o.parameters.insert("AWS::Region".into(), "us-east-1".into());
    o
}

fn sources() -> Sources {
    let mut s = Sources::new();
    s.insert("stack.template.json", TEMPLATE);
    s
}

#[test]
fn a_template_is_an_open_world_account_with_its_own_principals() {
    let loaded = load_iac(&sources(), &options(Some("111122223333")));
    assert!(!loaded.has_errors(), "{:?}", loaded.reports);
    let e = &loaded.estate;
    assert!(!e.accounts["111122223333"].closed_world);
    // AWS names the role: the logical id stands for it, and `Ref Reader` resolves to the same.
    let reader = e.principal("arn:aws:iam::111122223333:role/Reader").unwrap();
    assert_eq!(reader.kind, PrincipalKind::Role);
    assert_eq!(reader.policies.len(), 1);
    assert!(reader.trust.is_some());
    let writer = e.principal("arn:aws:iam::111122223333:user/writer").unwrap();
    assert_eq!(writer.policies.len(), 1);
    let key = &e.keys[0];
    assert_eq!(key.arn, "arn:aws:kms:us-east-1:111122223333:key/Key");
    // No key policy written: the default key policy, which delegates to the account.
    assert!(e.policies[key.policy.unwrap()].origin.contains("default key policy"));
    assert_eq!(
        e.bucket("reports").unwrap().encryption,
        Encryption::SseKms {
            key: key.arn.clone(),
            bucket_key: false
        }
    );
}

#[test]
fn an_unresolved_value_makes_the_verdict_unknown_never_denied() {
    let loaded = load_iac(&sources(), &options(Some("111122223333")));
    let analysis = Analysis::new(&loaded.estate);
    let mut result = who_can(
        &analysis,
        "s3:ListBucket",
        "arn:aws:s3:::reports",
        None,
        Some("role/Reader"),
    )
    .unwrap();
    // The `${Other}` statement is text the evaluator cannot match: without settling, the ListBucket
    // statement alone decides. Settled, the answer must not stand on the placeholder.
    let before = result
        .answers
        .iter()
        .find(|a| a.subject.label.ends_with("role/Reader"))
        .unwrap();
    assert_eq!(before.verdict(), "allowed");
    tenet_graph::unresolved::settle(&analysis, &mut result);
    let answer = result
        .answers
        .iter()
        .find(|a| a.subject.label.ends_with("role/Reader"))
        .unwrap();
    assert_eq!(answer.verdict(), "unknown");
    let mut writer = who_can(
        &analysis,
        "s3:PutObject",
        "arn:aws:s3:::reports/x",
        None,
        Some("user/writer"),
    )
    .unwrap();
    tenet_graph::unresolved::settle(&analysis, &mut writer);
    // The writer's policies are fully written: its verdict is not made unknown.
    assert_ne!(writer.answers[0].verdict(), "unknown");
}

#[test]
fn without_an_account_it_is_a_located_error() {
    let loaded = load_iac(&sources(), &options(None));
    assert!(loaded.has_errors());
    let codes: Vec<&str> = loaded
        .reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    assert!(codes.contains(&"EST008"), "{codes:?}");
}

#[test]
fn nothing_recognised_is_not_an_estate() {
    let mut s = Sources::new();
    s.insert("notes.json", r#"{"hello": "world"}"#);
    let loaded = load_iac(&s, &options(Some("111122223333")));
    assert!(loaded.has_errors());
}

#[test]
fn a_pattern_that_may_tell_a_generated_name_apart_makes_the_verdict_unknown() {
    // AWS generates the key's id; a policy allowing only `key/mrk-*` (Multi-Region keys) may or may
    // not match it, whatever the stand-in `Key` matches.
    let template = r#"{"Resources": {
      "Key": {"Type": "AWS::KMS::Key", "Properties": {"MultiRegion": true, "KeyPolicy": {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}}},
      "User": {"Type": "AWS::IAM::User", "Properties": {"UserName": "u", "Policies": [{"PolicyName": "p",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
          "Resource": "arn:aws:kms:us-east-1:111122223333:key/mrk-*"}]}}]}}}}"#;
    let mut s = Sources::new();
    s.insert("t.json", template);
    let loaded = load_iac(&s, &options(Some("111122223333")));
    assert!(!loaded.has_errors(), "{:?}", loaded.reports);
    let analysis = Analysis::new(&loaded.estate);
    let key = "arn:aws:kms:us-east-1:111122223333:key/Key";
    let mut result = who_can(&analysis, "kms:Decrypt", key, None, Some("user/u")).unwrap();
    assert_eq!(result.answers[0].verdict(), "denied");
    tenet_graph::unresolved::settle(&analysis, &mut result);
    assert_eq!(result.answers[0].verdict(), "unknown");
}
