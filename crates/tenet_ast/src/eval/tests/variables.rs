//! Evaluator tests: policy variables.

use super::*;

#[test]
fn variable_in_resource() {
    let p = policy(vec![allow()
        .action("s3:*")
        .resource("arn:aws:s3:::bucket/home/${aws:username}/*")]);
    let s = &p.statements[0].value;
    let r = req(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/home/alice/a.txt");
    assert!(!statement_applies(s, &p, &r), "no aws:username in the context");
    let r = with(r, "aws:username", "alice");
    assert!(statement_applies(s, &p, &r));
    let r = with(r, "aws:username", "bob");
    assert!(!statement_applies(s, &p, &r));
}

#[test]
fn variable_value_is_literal_not_wildcard() {
    let p = policy(vec![allow()
        .action("s3:*")
        .resource("arn:aws:s3:::bucket/${aws:username}/x")]);
    let r = with(
        req(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/anything/x"),
        "aws:username",
        "*",
    );
    assert!(!statement_applies(&p.statements[0].value, &p, &r));
    let r = with(
        req(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/*/x"),
        "aws:username",
        "*",
    );
    assert!(statement_applies(&p.statements[0].value, &p, &r));
}

#[test]
fn variable_with_default() {
    let s = || allow().cond("StringEquals", "s3:prefix", &["${aws:PrincipalTag/team, 'shared'}/"]);
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "shared/")));
    let r = with(
        with(get_obj(ALICE), "s3:prefix", "red/"),
        "aws:PrincipalTag/team",
        "red",
    );
    assert!(holds(s(), &r));
    let quoted = allow().cond("StringEquals", "s3:prefix", &["${missing, 'it''s'}"]);
    assert!(holds(quoted, &with(get_obj(ALICE), "s3:prefix", "it's")));
}

#[test]
fn escaped_special_characters() {
    let s = || allow().cond("StringLike", "s3:prefix", &["a${*}b${?}c${$}*"]);
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "a*b?c$zzz")));
    assert!(!holds(s(), &with(get_obj(ALICE), "s3:prefix", "aXb?c$zzz")));
}

#[test]
fn missing_variable_matches_nothing_in_conditions() {
    let eq = allow().cond("StringEquals", "s3:prefix", &["${aws:username}"]);
    assert!(!holds(eq, &with(get_obj(ALICE), "s3:prefix", "")));
    let ne = allow().cond("StringNotEquals", "s3:prefix", &["${aws:username}"]);
    assert!(holds(ne, &with(get_obj(ALICE), "s3:prefix", "x")));
}

#[test]
fn multi_valued_variable_is_unresolved() {
    let s = allow().cond("StringEquals", "s3:prefix", &["${aws:TagKeys}"]);
    let r = with_multi(with(get_obj(ALICE), "s3:prefix", "a"), "aws:TagKeys", &["a"]);
    assert!(!holds(s, &r));
}

#[test]
fn variables_are_literal_under_2008() {
    let p = policy_2008(vec![allow()
        .action("s3:*")
        .resource("arn:aws:s3:::bucket/${aws:username}")]);
    let s = &p.statements[0].value;
    let r = with(
        req(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/alice"),
        "aws:username",
        "alice",
    );
    assert!(!statement_applies(s, &p, &r));
    let literal = req(ALICE, "s3:GetObject", "arn:aws:s3:::bucket/${aws:username}");
    assert!(statement_applies(s, &p, &literal));
}

#[test]
fn unclosed_variable_is_literal_text() {
    let s = allow().cond("StringEquals", "s3:prefix", &["${oops"]);
    assert!(holds(s, &with(get_obj(ALICE), "s3:prefix", "${oops")));
}

#[test]
fn variable_in_arn_condition() {
    let s = allow().cond(
        "ArnEquals",
        "aws:SourceArn",
        &["arn:aws:iam::111111111111:user/${aws:username}"],
    );
    let r = with(with(get_obj(ALICE), "aws:SourceArn", ALICE), "aws:username", "alice");
    assert!(holds(s, &r));
}
