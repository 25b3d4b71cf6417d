//! Evaluator tests: context, derived keys and scenarios.

use super::*;

#[test]
fn context_is_case_insensitive_and_keeps_original_key() {
    let mut c = Context::new();
    c.insert("aws:SourceIp", ContextValue::Single("1.2.3.4".to_owned()));
    assert!(c.get("AWS:SOURCEIP").is_some());
    assert_eq!(c.get_entry("aws:sourceip").map(|(k, _)| k), Some("aws:SourceIp"));
    c.insert("AWS:SourceIP", ContextValue::Single("5.6.7.8".to_owned()));
    assert_eq!(c.len(), 1);
    assert_eq!(
        c.remove("aws:sourceip"),
        Some(ContextValue::Single("5.6.7.8".to_owned()))
    );
    assert!(c.is_empty());
}

#[test]
fn derived_keys_are_filled_but_not_overridden() {
    let mut r = req(SESSION, "kms:Decrypt", KEY);
    r.context
        .insert("aws:PrincipalAccount", ContextValue::Single("given".to_owned()));
    r.populate_derived_keys();
    assert_eq!(
        r.context.get("aws:PrincipalArn"),
        Some(&ContextValue::Single(ROLE.to_owned()))
    );
    assert_eq!(
        r.context.get("aws:PrincipalAccount"),
        Some(&ContextValue::Single("given".to_owned()))
    );
    assert_eq!(
        r.context.get("kms:CallerAccount"),
        Some(&ContextValue::Single("111111111111".to_owned()))
    );
    assert_eq!(
        r.context.get("aws:ResourceAccount"),
        Some(&ContextValue::Single("333333333333".to_owned()))
    );
}

#[test]
fn scenario_reads_request_and_grants() {
    let text = r#"{
        "request": {
            "principal": "arn:aws:sts::111111111111:assumed-role/App/s1",
            "action": "kms:Decrypt",
            "resource": "arn:aws:kms:us-east-1:333333333333:key/k-1",
            "context": {"aws:SourceIp": "203.0.113.5", "aws:SecureTransport": true, "n": 42,
                        "aws:TagKeys": ["a", "b", 1]}
        },
        "identityPolicies": [{"Version": "2012-10-17", "Statement": []}],
        "kmsGrants": {"Grants": [{"GrantId": "g1", "GranteePrincipal": "arn:aws:iam::111111111111:role/App",
                                   "Operations": ["Decrypt"], "IssuingAccount": "x",
                                   "Constraints": {"EncryptionContextSubset": {"k": "v"}}}],
                      "Truncated": false}
    }"#;
    let scenario: scenario::Scenario = match serde_json::from_str(text) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(scenario.resource_is_key_policy());
    let grants = scenario.grants();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].operations, vec!["Decrypt".to_owned()]);
    assert!(grants[0]
        .constraints
        .as_ref()
        .is_some_and(|c| c.encryption_context_subset.is_some()));
    let r = match scenario.to_request() {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        r.context.get("aws:securetransport"),
        Some(&ContextValue::Single("true".to_owned()))
    );
    assert_eq!(r.context.get("n"), Some(&ContextValue::Single("42".to_owned())));
    assert_eq!(
        r.context.get("aws:TagKeys"),
        Some(&ContextValue::Multi(vec![
            "a".to_owned(),
            "b".to_owned(),
            "1".to_owned()
        ]))
    );
}

#[test]
fn scenario_accepts_bare_grant_list_and_explicit_key_flag() {
    let text = r#"{"request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
                   "resourceIsKeyPolicy": false,
                   "kmsGrants": [{"GranteePrincipal": "s3.amazonaws.com", "Operations": ["Encrypt"]}]}"#;
    let scenario: scenario::Scenario = match serde_json::from_str(text) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(!scenario.resource_is_key_policy());
    assert_eq!(scenario.grants().len(), 1);
    assert!(matches!(
        scenario.to_request().map(|r| r.principal),
        Ok(RequestPrincipal::Anonymous)
    ));
    assert!(scenario::is_kms_key_arn(KEY));
    assert!(!scenario::is_kms_key_arn("arn:aws:kms:us-east-1:1:alias/x"));
}

#[test]
fn arn_like_resource_component_may_hold_colons() {
    let s = || allow().cond("ArnLike", "aws:SourceArn", &["arn:aws:logs:*:111111111111:log-group:*"]);
    let r = with(
        get_obj(ALICE),
        "aws:SourceArn",
        "arn:aws:logs:us-east-1:111111111111:log-group:g:*",
    );
    assert!(holds(s(), &r));
    let wrong_account = with(get_obj(ALICE), "aws:SourceArn", "arn:aws:logs:us-east-1:2:log-group:g");
    assert!(!holds(s(), &wrong_account));
    let star = allow().cond("ArnLike", "aws:SourceArn", &["*"]);
    assert!(holds(star, &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:s3:::b")));
}

#[test]
fn identity_side_policies_ignored_for_services() {
    let d = policy(vec![deny().action("*").resource("*")]);
    let res = policy(vec![allow()
        .service("logs.amazonaws.com")
        .action("s3:GetObject")
        .resource("*")]);
    let ps = PolicySet {
        identity: vec![&d],
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj("logs.amazonaws.com"), &ps), Decision::Allowed);
}

#[test]
fn explicit_deny_reason_names_policy_type() {
    let d = policy(vec![deny().action("*").resource("*")]);
    let full = policy(vec![allow().action("*").resource("*")]);
    let ps = PolicySet {
        scps: vec![vec![&full, &d]],
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(ALICE), &ps);
    assert_eq!(
        e.reason,
        "explicit deny in a service control policy for the s3:GetObject action"
    );
    assert_eq!(e.deciding[0].source, PolicySource::Scp { level: 0, index: 1 });
}

#[test]
fn allowed_reason_names_statement() {
    let res = policy(vec![allow()
        .sid("Public")
        .principal_star()
        .action("s3:GetObject")
        .resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&get_obj("anonymous"), &ps).reason,
        "allowed by resource policy statement `Public`"
    );
}
