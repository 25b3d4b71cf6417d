//! Evaluator tests: KMS key policies and grants.

use super::*;

pub(super) fn key_policy_root(account: &str) -> Policy {
    policy(vec![allow()
        .sid("EnableIAM")
        .aws(&format!("arn:aws:iam::{account}:root"))
        .action("kms:*")
        .resource("*")])
}

fn decrypt_identity() -> Policy {
    policy(vec![allow().action("kms:Decrypt").resource("*")])
}

#[test]
fn kms_identity_alone_is_not_enough() {
    let id = decrypt_identity();
    let empty = policy(vec![]);
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&empty),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let e = evaluate(&req(SESSION, "kms:Decrypt", LOCAL_KEY), &ps);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::KeyPolicy));
}

#[test]
fn kms_root_delegates_to_identity_policies() {
    let id = decrypt_identity();
    let key = key_policy_root("111111111111");
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let r = req(SESSION, "kms:Decrypt", LOCAL_KEY);
    assert_eq!(decision(&r, &ps), Decision::Allowed);
    let no_identity = PolicySet {
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let e = evaluate(&r, &no_identity);
    assert_eq!(e.gap, Some(Gap::Identity));
    assert_eq!(e.reason, "no identity-based policy allows the kms:Decrypt action");
}

#[test]
fn kms_account_id_form_delegates_too() {
    let id = decrypt_identity();
    let key = policy(vec![allow().aws("111111111111").action("kms:*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", LOCAL_KEY), &ps),
        Decision::Allowed
    );
}

#[test]
fn kms_key_policy_naming_role_allows_without_identity() {
    let key = policy(vec![allow().aws(ROLE).action("kms:Decrypt").resource("*")]);
    let ps = PolicySet {
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", LOCAL_KEY), &ps),
        Decision::Allowed
    );
}

#[test]
fn kms_cross_account_needs_key_policy_and_identity() {
    let id = decrypt_identity();
    let key = key_policy_root("111111111111");
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    // The key lives in 333333333333; its policy delegates to 111111111111.
    assert_eq!(decision(&req(SESSION, "kms:Decrypt", KEY), &ps), Decision::Allowed);
    let own_root_only = key_policy_root("333333333333");
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&own_root_only),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(SESSION, "kms:Decrypt", KEY), &ps).gap,
        Some(Gap::KeyPolicy)
    );
    let direct = policy(vec![allow().aws(ROLE).action("kms:Decrypt").resource("*")]);
    let no_identity = PolicySet {
        resource: Some(&direct),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(SESSION, "kms:Decrypt", KEY), &no_identity).gap,
        Some(Gap::Identity)
    );
}

#[test]
fn kms_fsx_key_policy_conditions() {
    let slr_role = "arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-1";
    let key = policy(vec![allow()
        .aws(slr_role)
        .action("kms:Encrypt")
        .action("kms:Decrypt")
        .action("kms:ReEncrypt*")
        .action("kms:GenerateDataKey*")
        .action("kms:DescribeKey")
        .resource("*")
        .cond("StringEquals", "kms:ViaService", &["s3.us-east-1.amazonaws.com"])
        .cond("StringEquals", "kms:CallerAccount", &["111111111111"])
        .cond(
            "StringLike",
            "kms:EncryptionContext:aws:s3:arn",
            &["arn:aws:s3:::bucket/*"],
        )]);
    let id = policy(vec![allow().action("kms:Decrypt").resource(KEY)]);
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let session = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForFSxS3Access_fs-1/fsx";
    let r = req(session, "kms:Decrypt", KEY);
    let r = with(r, "kms:ViaService", "s3.us-east-1.amazonaws.com");
    let r = with(r, "kms:CallerAccount", "111111111111");
    let good = with(r.clone(), "kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::bucket/obj");
    assert_eq!(decision(&good, &ps), Decision::Allowed);
    let bad = with(r, "kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::other/obj");
    assert_eq!(decision(&bad, &ps), Decision::ImplicitlyDenied);
}

fn grant(grantee: &str, ops: &[&str]) -> KmsGrant {
    KmsGrant {
        grant_id: Some("g-1".to_owned()),
        grantee_principal: grantee.to_owned(),
        operations: ops.iter().map(|s| (*s).to_owned()).collect(),
        ..KmsGrant::default()
    }
}

#[test]
fn kms_grant_allows_grantee() {
    let key = key_policy_root("333333333333");
    let ps = PolicySet {
        resource: Some(&key),
        resource_is_key_policy: true,
        grants: vec![grant(ROLE, &["Decrypt", "GenerateDataKey"])],
        ..PolicySet::default()
    };
    let e = evaluate(&req(SESSION, "kms:Decrypt", KEY), &ps);
    assert_eq!(e.decision, Decision::Allowed);
    assert!(e.deciding.iter().any(|r| r.source == PolicySource::Grant(0)));
    assert_eq!(
        decision(&req(SESSION, "kms:Encrypt", KEY), &ps),
        Decision::ImplicitlyDenied
    );
    assert_eq!(
        decision(
            &req("arn:aws:sts::111111111111:assumed-role/Other/s", "kms:Decrypt", KEY),
            &ps
        ),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn kms_grant_does_not_beat_deny() {
    let key = policy(vec![deny().principal_star().action("kms:Decrypt").resource("*")]);
    let ps = PolicySet {
        resource: Some(&key),
        resource_is_key_policy: true,
        grants: vec![grant(ROLE, &["Decrypt"])],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", KEY), &ps),
        Decision::ExplicitlyDenied
    );
}

#[test]
fn kms_grant_constraints() {
    let mut subset = grant(ROLE, &["Decrypt"]);
    subset.constraints = Some(GrantConstraints {
        encryption_context_subset: Some([("aws:s3:arn".to_owned(), "arn:aws:s3:::b/o".to_owned())].into()),
        ..GrantConstraints::default()
    });
    let mut equals = subset.clone();
    equals.constraints = Some(GrantConstraints {
        encryption_context_equals: Some([("aws:s3:arn".to_owned(), "arn:aws:s3:::b/o".to_owned())].into()),
        ..GrantConstraints::default()
    });
    let base = with(
        req(SESSION, "kms:Decrypt", KEY),
        "kms:EncryptionContext:aws:s3:arn",
        "arn:aws:s3:::b/o",
    );
    let extra = with(base.clone(), "kms:EncryptionContext:dept", "x");
    let wrong_case = with(
        req(SESSION, "kms:Decrypt", KEY),
        "kms:EncryptionContext:aws:s3:arn",
        "arn:aws:s3:::B/o",
    );
    let none = req(SESSION, "kms:Decrypt", KEY);
    let run = |g: &KmsGrant, r: &Request| {
        decision(
            r,
            &PolicySet {
                grants: vec![g.clone()],
                ..PolicySet::default()
            },
        )
    };
    assert_eq!(run(&subset, &base), Decision::Allowed);
    assert_eq!(run(&subset, &extra), Decision::Allowed);
    assert_eq!(run(&subset, &wrong_case), Decision::ImplicitlyDenied);
    assert_eq!(run(&subset, &none), Decision::ImplicitlyDenied);
    assert_eq!(run(&equals, &base), Decision::Allowed);
    assert_eq!(run(&equals, &extra), Decision::ImplicitlyDenied);
}

#[test]
fn kms_grant_key_id_must_match() {
    let mut g = grant(ROLE, &["Decrypt"]);
    g.key_arn = Some("arn:aws:kms:us-east-1:333333333333:key/other".to_owned());
    let ps = PolicySet {
        grants: vec![g.clone()],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", KEY), &ps),
        Decision::ImplicitlyDenied
    );
    g.key_arn = Some("k-1".to_owned());
    let ps = PolicySet {
        grants: vec![g],
        ..PolicySet::default()
    };
    assert_eq!(decision(&req(SESSION, "kms:Decrypt", KEY), &ps), Decision::Allowed);
}

#[test]
fn kms_grant_to_account_root_delegates() {
    let id = decrypt_identity();
    let g = grant("arn:aws:iam::111111111111:root", &["Decrypt"]);
    let without = PolicySet {
        grants: vec![g.clone()],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", KEY), &without),
        Decision::ImplicitlyDenied
    );
    let with_identity = PolicySet {
        identity: vec![&id],
        grants: vec![g],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(SESSION, "kms:Decrypt", KEY), &with_identity),
        Decision::Allowed
    );
}
