//! Federated-user sessions (`GetFederationToken`) and the open points of `open_points`:
//! `NotPrincipal` with `Deny` naming a principal but not its account, and a `*` inside an S3 key
//! against `:`. Each test cites the sentence of the AWS guides it checks.

use super::*;
use crate::eval::{
    arn_pattern_ambiguous, arn_pattern_match, arn_pattern_match_in, open_point, open_point_in, ArnReading, OpenPoint,
    Owned, World,
};

const APP_USER: &str = "arn:aws:iam::111111111111:user/app";
const APP_SESSION: &str = "arn:aws:sts::111111111111:federated-user/app";
const OTHER_SESSION: &str = "arn:aws:sts::111111111111:federated-user/someone";
const FOREIGN_OBJ: &str = "arn:aws:s3:::foreign-bucket/x";

/// A bucket of account 222222222222 granting the IAM user `app` of 111111111111.
fn bucket_grants_user() -> Policy {
    policy(vec![allow()
        .aws(APP_USER)
        .action("s3:GetObject")
        .resource("arn:aws:s3:::foreign-bucket/*")])
}

fn foreign_read(principal: &str) -> Request {
    let mut r = req(principal, "s3:GetObject", FOREIGN_OBJ);
    r.resource_account = Some("222222222222".to_owned());
    r
}

fn app_world<'a>(identity: &'a Policy, session: Option<&'a Policy>, bucket: &'a Policy) -> World<'a> {
    World {
        owned: vec![Owned {
            owner: RequestPrincipal::parse(APP_USER).unwrap_or(RequestPrincipal::Anonymous),
            identity: vec![identity],
            boundaries: Vec::new(),
            session,
        }],
        resource: Some(bucket),
        ..World::default()
    }
}

#[test]
fn a_federated_session_has_its_users_permissions_capped_by_the_session_policy() {
    // IAM User Guide, "Permissions for GetFederationToken": the session's permissions are the
    // intersection of the user's identity-based policy and the session policies.
    let identity = policy(vec![allow().action("s3:*").resource("*")]);
    let session = policy(vec![allow().action("s3:GetObject").resource("*")]);
    let bucket = bucket_grants_user();
    let world = app_world(&identity, Some(&session), &bucket);
    let who = RequestPrincipal::parse(APP_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    let ps = world.policy_set_for(&who, Some("222222222222"));
    assert_eq!(ps.federated_by.as_ref().map(|u| u.as_str()), Some(APP_USER));
    // Cross-account: the identity side (user policies capped by the session policy) and the grant
    // to the user, which reaches the session, both allow.
    assert_eq!(decision(&foreign_read(APP_SESSION), &ps), Decision::Allowed);
    // The session policy caps the user's s3:* (same account, identity side only).
    let put = req(APP_SESSION, "s3:PutObject", BUCKET_OBJ);
    let own = world.policy_set_for(&who, None);
    assert_eq!(evaluate(&put, &own).gap, Some(Gap::Session));
    assert_eq!(
        decision(&req(APP_SESSION, "s3:GetObject", BUCKET_OBJ), &own),
        Decision::Allowed
    );
    // The user's own session policy does not cap the user itself.
    let user = RequestPrincipal::parse(APP_USER).unwrap_or(RequestPrincipal::Anonymous);
    assert_eq!(
        decision(
            &req(APP_USER, "s3:PutObject", BUCKET_OBJ),
            &world.policy_set_for(&user, None)
        ),
        Decision::Allowed
    );
}

#[test]
fn without_a_session_policy_a_federated_session_has_no_permission_of_its_own() {
    // STS API Reference, GetFederationToken: "if you do not pass any session policies, then the
    // resulting federated user session has no permissions"; a resource-based policy that names the
    // session itself still grants.
    let identity = policy(vec![allow().action("s3:*").resource("*")]);
    let bucket = bucket_grants_user();
    let world = app_world(&identity, None, &bucket);
    let who = RequestPrincipal::parse(APP_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    let own = world.policy_set_for(&who, None);
    assert_eq!(
        evaluate(&req(APP_SESSION, "s3:GetObject", BUCKET_OBJ), &own).gap,
        Some(Gap::Session)
    );
    let foreign = world.policy_set_for(&who, Some("222222222222"));
    assert_eq!(
        decision(&foreign_read(APP_SESSION), &foreign),
        Decision::ImplicitlyDenied
    );
    let names_session = policy(vec![allow().aws(APP_SESSION).action("s3:GetObject").resource("*")]);
    let direct = PolicySet {
        resource: Some(&names_session),
        ..own.clone()
    };
    assert_eq!(
        decision(&req(APP_SESSION, "s3:GetObject", BUCKET_OBJ), &direct),
        Decision::Allowed
    );
}

#[test]
fn a_session_whose_user_is_not_named_is_an_open_point() {
    // The world names a session after its user; `federated-user/someone` has none, so whether the
    // grant to `user/app` reaches it depends on who created it.
    let identity = policy(vec![allow().action("s3:*").resource("*")]);
    let bucket = bucket_grants_user();
    let world = app_world(&identity, None, &bucket);
    let who = RequestPrincipal::parse(OTHER_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    assert!(world.federating_user(&who).is_none());
    let ps = world.policy_set_for(&who, Some("222222222222"));
    assert!(ps.identity_open);
    // The evaluator's reading: the grant to another user does not name the session.
    assert_eq!(decision(&foreign_read(OTHER_SESSION), &ps), Decision::ImplicitlyDenied);
    assert_eq!(
        open_point_in(&foreign_read(OTHER_SESSION), &ps),
        Some(OpenPoint::UnknownFederator)
    );
    assert!(open_point(&world, &foreign_read(OTHER_SESSION)).is_some());
    // The named session is determined.
    assert!(open_point(&world, &foreign_read(APP_SESSION)).is_none());
    // In a closed account whose users' policies are given, an allow of an unnamed session is open.
    let mut closed = app_world(&identity, None, &bucket);
    closed.closed_accounts.insert("111111111111".to_owned());
    closed.resource = None;
    let local = req(OTHER_SESSION, "s3:GetObject", BUCKET_OBJ);
    assert!(closed.federation_identity_open(&who));
    assert_eq!(decision(&local, &closed.policy_set_for(&who, None)), Decision::Allowed);
    assert!(open_point(&closed, &local).is_some());
}

#[test]
fn not_principal_with_deny_naming_a_session_but_not_its_account_is_an_open_point() {
    // IAM User Guide, "NotPrincipal": the element must list the account as well as the principal
    // for the exemption to work; what AWS does when only the principal is listed it does not say.
    let res = policy(vec![
        allow().principal_star().action("s3:GetObject").resource("*"),
        deny().not_aws(SESSION).action("s3:GetObject").resource("*"),
    ]);
    let ps = PolicySet {
        resource: Some(&res),
        identity_open: true,
        ..PolicySet::default()
    };
    let listed = get_obj(SESSION);
    assert_eq!(decision(&listed, &ps), Decision::ExplicitlyDenied);
    assert_eq!(open_point_in(&listed, &ps), Some(OpenPoint::NotPrincipalDeny));
    assert!(open_point_in(&get_obj(OTHER_SESSION), &ps).is_none());
    // Listing the account too spares the session: nothing is open.
    let both = policy(vec![deny()
        .not_aws(SESSION)
        .not_aws("arn:aws:iam::111111111111:root")
        .action("s3:GetObject")
        .resource("*")]);
    let ps = PolicySet {
        resource: Some(&both),
        ..PolicySet::default()
    };
    assert!(open_point_in(&listed, &ps).is_none());
}

#[test]
fn a_star_inside_an_s3_key_against_a_colon_is_an_open_reading() {
    // IAM User Guide, "Resource": wildcards stay within a segment unless they end it; an S3 key is
    // one name in which `:` is an ordinary character, and the guide does not say which rule wins.
    let pattern = "arn:aws:s3:::b/*/public";
    let key = "arn:aws:s3:::b/a:c/public";
    assert!(!arn_pattern_match(pattern, key));
    assert!(arn_pattern_match_in(pattern, key, ArnReading::LENIENT));
    assert!(arn_pattern_ambiguous(pattern, key));
    assert!(arn_pattern_match(pattern, "arn:aws:s3:::b/a/c/public"));
    assert!(!arn_pattern_ambiguous(pattern, "arn:aws:s3:::b/a/c/public"));
    // Only S3 keys: another service's segments are split at `:` in every reading.
    let logs = "arn:aws:logs:r:1:log-group:*/x";
    assert!(!arn_pattern_match_in(
        logs,
        "arn:aws:logs:r:1:log-group:a:b/x",
        ArnReading::LENIENT
    ));
    // A `*` ending the key matches `:` in every reading.
    assert!(!arn_pattern_ambiguous("arn:aws:s3:::b/*", key));
}

/// A KMS grant of `Decrypt` to `grantee`.
fn decrypt_grant(grantee: &str) -> crate::eval::KmsGrant {
    crate::eval::KmsGrant {
        grant_id: Some("g-fed".to_owned()),
        grantee_principal: grantee.to_owned(),
        operations: vec!["Decrypt".to_owned()],
        ..crate::eval::KmsGrant::default()
    }
}

#[test]
fn a_grant_to_the_user_who_federated_a_session_is_an_open_point() {
    // KMS API Reference, CreateGrant: a grantee may be an IAM user or a federated user; the KMS
    // Developer Guide ("Grants in AWS KMS") says what the grant gives its grantee, and nothing of a
    // user's grant reaching the sessions it federates. The evaluator does not extend it.
    let identity = policy(vec![allow().action("kms:*").resource("*")]);
    let session = policy(vec![allow().action("kms:Decrypt").resource("*")]);
    let key = policy(vec![allow()
        .aws("arn:aws:iam::111111111111:role/admin")
        .action("kms:*")
        .resource("*")]);
    let mut world = app_world(&identity, Some(&session), &key);
    world.resource_is_key_policy = true;
    world.grants = vec![decrypt_grant(APP_USER)];
    let decrypt = |who: &str| req(who, "kms:Decrypt", LOCAL_KEY);
    let session_who = RequestPrincipal::parse(APP_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    let ps = world.policy_set_for(&session_who, None);
    assert_eq!(decision(&decrypt(APP_SESSION), &ps), Decision::ImplicitlyDenied);
    assert_eq!(
        open_point_in(&decrypt(APP_SESSION), &ps),
        Some(OpenPoint::FederatorGrant)
    );
    let why = open_point(&world, &decrypt(APP_SESSION)).unwrap_or_default();
    assert!(why.contains("KMS grant"), "{why}");
    // The user itself is granted: nothing open.
    let user = RequestPrincipal::parse(APP_USER).unwrap_or(RequestPrincipal::Anonymous);
    assert_eq!(
        decision(&decrypt(APP_USER), &world.policy_set_for(&user, None)),
        Decision::Allowed
    );
    assert!(open_point(&world, &decrypt(APP_USER)).is_none());
    // An operation the grant does not give: the reading changes nothing.
    let encrypt = req(APP_SESSION, "kms:Encrypt", LOCAL_KEY);
    assert!(open_point_in(&encrypt, &ps).is_none());
    // A session whose user the world does not name: a grant to a user of its account may be its.
    let other = RequestPrincipal::parse(OTHER_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    let other_ps = PolicySet {
        identity_open: false,
        ..world.policy_set_for(&other, None)
    };
    assert_eq!(
        open_point_in(&decrypt(OTHER_SESSION), &other_ps),
        Some(OpenPoint::FederatorGrant)
    );
    // A grant to the session itself stands alone: determined.
    world.grants = vec![decrypt_grant(APP_SESSION)];
    let ps = world.policy_set_for(&session_who, None);
    assert_eq!(decision(&decrypt(APP_SESSION), &ps), Decision::Allowed);
    assert!(open_point(&world, &decrypt(APP_SESSION)).is_none());
}

#[test]
fn not_principal_listing_only_the_federating_user_is_an_open_point() {
    // IAM User Guide, "NotPrincipal": AWS may check the account, then the user; for an assumed-role
    // user the account, the role, then the session. Federated-user sessions are not described: the
    // evaluator does not spare a session whose user (and account) are listed.
    let identity = policy(vec![allow().action("s3:*").resource("*")]);
    let session = policy(vec![allow().action("s3:GetObject").resource("*")]);
    let bucket = policy(vec![
        allow().principal_star().action("s3:GetObject").resource("*"),
        deny()
            .not_aws(APP_USER)
            .not_aws("arn:aws:iam::111111111111:root")
            .action("s3:GetObject")
            .resource("*"),
    ]);
    let world = app_world(&identity, Some(&session), &bucket);
    let who = RequestPrincipal::parse(APP_SESSION).unwrap_or(RequestPrincipal::Anonymous);
    let read = req(APP_SESSION, "s3:GetObject", BUCKET_OBJ);
    let ps = world.policy_set_for(&who, None);
    assert_eq!(decision(&read, &ps), Decision::ExplicitlyDenied);
    assert_eq!(open_point_in(&read, &ps), Some(OpenPoint::NotPrincipalFederator));
    let why = open_point(&world, &read).unwrap_or_default();
    assert!(why.contains("NotPrincipal"), "{why}");
    // The user itself is spared (account and user listed): nothing open.
    let user_read = req(APP_USER, "s3:GetObject", BUCKET_OBJ);
    assert!(open_point(&world, &user_read).is_none());
    // Listing the session itself (and its account) spares it: determined.
    let spared = policy(vec![
        allow().principal_star().action("s3:GetObject").resource("*"),
        deny()
            .not_aws(APP_SESSION)
            .not_aws("arn:aws:iam::111111111111:root")
            .action("s3:GetObject")
            .resource("*"),
    ]);
    let world = app_world(&identity, Some(&session), &spared);
    assert_eq!(decision(&read, &world.policy_set_for(&who, None)), Decision::Allowed);
    assert!(open_point(&world, &read).is_none());
}
