//! Evaluator tests: actions and resources.

use super::*;

#[test]
fn actions_are_case_insensitive() {
    let p = policy(vec![allow().action("S3:getobject").resource("*")]);
    assert!(statement_applies(&p.statements[0].value, &p, &get_obj(ALICE)));
}

#[test]
fn resources_are_case_sensitive() {
    let p = policy(vec![allow().action("s3:GetObject").resource("arn:aws:s3:::Bucket/*")]);
    assert!(!statement_applies(&p.statements[0].value, &p, &get_obj(ALICE)));
}

#[test]
fn not_action_and_not_resource() {
    let p = policy(vec![allow().not_action("iam:*").not_resource("arn:aws:s3:::secret/*")]);
    let s = &p.statements[0].value;
    assert!(statement_applies(s, &p, &get_obj(ALICE)));
    assert!(!statement_applies(s, &p, &req(ALICE, "IAM:CreateUser", "*")));
    assert!(!statement_applies(
        s,
        &p,
        &req(ALICE, "s3:GetObject", "arn:aws:s3:::secret/x")
    ));
}

#[test]
fn missing_action_never_applies() {
    let mut s = allow().resource("*");
    s.0.action = None;
    let p = policy(vec![s]);
    assert!(!statement_applies(&p.statements[0].value, &p, &get_obj(ALICE)));
}

#[test]
fn question_mark_in_resource() {
    let p = policy(vec![allow().action("*").resource("arn:aws:s3:::bucket/key.tx?")]);
    assert!(statement_applies(&p.statements[0].value, &p, &get_obj(ALICE)));
}
