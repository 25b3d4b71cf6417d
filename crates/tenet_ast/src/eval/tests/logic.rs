//! Evaluator tests: evaluation logic.

use super::*;

#[test]
fn default_deny() {
    let e = evaluate(&get_obj(ALICE), &PolicySet::default());
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Identity));
    assert_eq!(e.reason, "no identity-based policy allows the s3:GetObject action");
}

#[test]
fn identity_allow() {
    let id = s3_read();
    let e = evaluate(
        &get_obj(ALICE),
        &PolicySet {
            identity: vec![&id],
            ..PolicySet::default()
        },
    );
    assert_eq!(e.decision, Decision::Allowed);
    assert_eq!(e.deciding.len(), 1);
    assert_eq!(e.deciding[0].sid.as_deref(), Some("Read"));
    assert_eq!(e.deciding[0].source, PolicySource::Identity(0));
}

#[test]
fn explicit_deny_wins() {
    let id = s3_read();
    let d = policy(vec![deny().sid("No").action("s3:*").resource("*")]);
    let e = evaluate(
        &get_obj(ALICE),
        &PolicySet {
            identity: vec![&id, &d],
            ..PolicySet::default()
        },
    );
    assert_eq!(e.decision, Decision::ExplicitlyDenied);
    assert_eq!(e.deciding[0].source, PolicySource::Identity(1));
    assert_eq!(e.deciding[0].effect, Effect::Deny);
}

#[test]
fn deny_in_resource_policy_wins_over_identity_allow() {
    let id = s3_read();
    let res = policy(vec![deny().principal_star().action("s3:*").resource("*").cond(
        "Bool",
        "aws:SecureTransport",
        &["false"],
    )]);
    let ps = PolicySet {
        identity: vec![&id],
        resource: Some(&res),
        ..PolicySet::default()
    };
    let r = with(get_obj(ALICE), "aws:SecureTransport", "false");
    assert_eq!(decision(&r, &ps), Decision::ExplicitlyDenied);
    let r = with(get_obj(ALICE), "aws:SecureTransport", "true");
    assert_eq!(decision(&r, &ps), Decision::Allowed);
}

#[test]
fn same_account_resource_policy_alone_allows_user() {
    let res = policy(vec![allow().aws(ALICE).action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    let r = with(get_obj(ALICE), "aws:ResourceAccount", "111111111111");
    assert_eq!(decision(&r, &ps), Decision::Allowed);
}

#[test]
fn same_account_root_in_resource_policy_delegates() {
    let res = policy(vec![allow()
        .aws("arn:aws:iam::111111111111:root")
        .action("s3:GetObject")
        .resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(ALICE), &ps);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Identity));
}

#[test]
fn cross_account_needs_both_sides() {
    let id = s3_read();
    let res = policy(vec![allow().aws("222222222222").action("s3:GetObject").resource("*")]);
    let mut r = get_obj(OTHER_SESSION);
    r.resource_account = Some("111111111111".to_owned());
    let both = PolicySet {
        identity: vec![&id],
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&r, &both), Decision::Allowed);
    let only_identity = PolicySet {
        identity: vec![&id],
        ..PolicySet::default()
    };
    let e = evaluate(&r, &only_identity);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Resource));
    assert_eq!(e.reason, "no resource-based policy allows the s3:GetObject action");
    let only_resource = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&r, &only_resource).gap, Some(Gap::Identity));
}

#[test]
fn cross_account_direct_session_grant_still_needs_identity() {
    let res = policy(vec![allow().aws(OTHER_SESSION).action("s3:GetObject").resource("*")]);
    let mut r = get_obj(OTHER_SESSION);
    r.resource_account = Some("111111111111".to_owned());
    let ps = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&r, &ps), Decision::ImplicitlyDenied);
}

#[test]
fn resource_account_from_arn() {
    let r = req(ALICE, "kms:Decrypt", KEY);
    assert_eq!(r.resource_account(), Some("333333333333"));
    assert!(r.is_cross_account());
    assert!(!get_obj(ALICE).is_cross_account());
}

#[test]
fn boundary_caps_identity() {
    let id = policy(vec![allow().action("s3:*").resource("*")]);
    let boundary = policy(vec![allow().action("ec2:*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&id],
        boundaries: vec![&boundary],
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(SESSION), &ps);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Boundary));
    let b2 = policy(vec![allow().action("s3:Get*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&id],
        boundaries: vec![&b2],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::Allowed);
}

#[test]
fn boundary_alone_grants_nothing() {
    let boundary = policy(vec![allow().action("*").resource("*")]);
    let ps = PolicySet {
        boundaries: vec![&boundary],
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&get_obj(SESSION), &ps).gap, Some(Gap::Identity));
}

#[test]
fn session_policy_caps_identity() {
    let id = policy(vec![allow().action("s3:*").resource("*")]);
    let session = policy(vec![allow().action("s3:PutObject").resource("*")]);
    let ps = PolicySet {
        identity: vec![&id],
        session: Some(&session),
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(SESSION), &ps);
    assert_eq!(e.gap, Some(Gap::Session));
    assert_eq!(e.reason, "no session policy allows the s3:GetObject action");
}

#[test]
fn resource_grant_to_user_not_capped_by_boundary() {
    let res = policy(vec![allow().aws(ALICE).action("s3:GetObject").resource("*")]);
    let boundary = policy(vec![allow().action("ec2:*").resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        boundaries: vec![&boundary],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &ps), Decision::Allowed);
}

#[test]
fn resource_grant_to_role_arn_capped_by_boundary() {
    let res = policy(vec![allow().aws(ROLE).action("s3:GetObject").resource("*")]);
    let boundary = policy(vec![allow().action("ec2:*").resource("*")]);
    let no_boundary = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &no_boundary), Decision::Allowed);
    let ps = PolicySet {
        resource: Some(&res),
        boundaries: vec![&boundary],
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(SESSION), &ps);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Boundary));
}

#[test]
fn resource_grant_to_session_arn_not_capped_by_session_policy() {
    let res = policy(vec![allow().aws(SESSION).action("s3:GetObject").resource("*")]);
    let session = policy(vec![allow().action("ec2:*").resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        session: Some(&session),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::Allowed);
    let by_role = policy(vec![allow().aws(ROLE).action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&by_role),
        session: Some(&session),
        ..PolicySet::default()
    };
    assert_eq!(evaluate(&get_obj(SESSION), &ps).gap, Some(Gap::Session));
}

#[test]
fn scp_every_level_must_allow() {
    let id = policy(vec![allow().action("*").resource("*")]);
    let full = policy(vec![allow().action("*").resource("*")]);
    let s3_only = policy(vec![allow().action("s3:*").resource("*")]);
    let ec2_only = policy(vec![allow().action("ec2:*").resource("*")]);
    let ok = PolicySet {
        identity: vec![&id],
        scps: vec![vec![&full], vec![&ec2_only, &s3_only]],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &ok), Decision::Allowed);
    let blocked = PolicySet {
        identity: vec![&id],
        scps: vec![vec![&full], vec![&ec2_only]],
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj(ALICE), &blocked);
    assert_eq!(e.gap, Some(Gap::Scp { level: 1 }));
    assert_eq!(e.reason, "no service control policy allows the s3:GetObject action");
    let empty_level = PolicySet {
        identity: vec![&id],
        scps: vec![vec![]],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &empty_level), Decision::ImplicitlyDenied);
}

#[test]
fn scp_deny_wins_and_does_not_grant() {
    let full = policy(vec![allow().action("*").resource("*")]);
    let no_delete = policy(vec![deny().action("s3:DeleteObject").resource("*")]);
    let ps = PolicySet {
        scps: vec![vec![&full, &no_delete]],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &ps), Decision::ImplicitlyDenied);
    let id = policy(vec![allow().action("*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&id],
        scps: vec![vec![&full, &no_delete]],
        ..PolicySet::default()
    };
    let r = req(ALICE, "s3:DeleteObject", BUCKET_OBJ);
    assert_eq!(decision(&r, &ps), Decision::ExplicitlyDenied);
}

#[test]
fn scps_skip_service_linked_roles_and_services() {
    let deny_all = policy(vec![deny().action("*").resource("*")]);
    let res = policy(vec![allow().principal_star().action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        scps: vec![vec![&deny_all]],
        ..PolicySet::default()
    };
    let slr = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForFSxS3Access_fs-1/x";
    assert_eq!(decision(&get_obj(slr), &ps), Decision::Allowed);
    assert_eq!(decision(&get_obj("s3.amazonaws.com"), &ps), Decision::Allowed);
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::ExplicitlyDenied);
}

#[test]
fn rcp_caps_resource_access() {
    let res = policy(vec![allow().principal_star().action("s3:GetObject").resource("*")]);
    let rcp_full = policy(vec![allow().principal_star().action("*").resource("*")]);
    let rcp_perimeter = policy(vec![deny()
        .principal_star()
        .action("s3:*")
        .resource("*")
        .cond("StringNotEqualsIfExists", "aws:PrincipalOrgID", &["o-123"])
        .cond("BoolIfExists", "aws:PrincipalIsAWSService", &["false"])]);
    let ps = PolicySet {
        resource: Some(&res),
        rcps: vec![vec![&rcp_full, &rcp_perimeter]],
        ..PolicySet::default()
    };
    let inside = with(get_obj(SESSION), "aws:PrincipalOrgID", "o-123");
    assert_eq!(decision(&inside, &ps), Decision::Allowed);
    let outside = with(get_obj(OTHER_SESSION), "aws:PrincipalOrgID", "o-999");
    assert_eq!(decision(&outside, &ps), Decision::ExplicitlyDenied);
    let no_allow = PolicySet {
        resource: Some(&res),
        rcps: vec![vec![&rcp_perimeter]],
        ..PolicySet::default()
    };
    // RCPFullAWSAccess is attached at every level and cannot be detached: a level of Deny-only
    // RCPs caps nothing (AWS Organizations User Guide, "Resource control policies").
    assert_eq!(decision(&inside, &no_allow), Decision::Allowed);
    assert_eq!(decision(&outside, &no_allow), Decision::ExplicitlyDenied);
}
