//! The FSx for Lustre cross-account estate (`policies/fsx-cross-account`) and its broken variants:
//! the verdict of each for the FSx service-linked role reading and writing an object of the bucket,
//! and the link (and statement) each names. No prover is needed: every verdict here follows from the
//! relaxed check, a concrete witness or a Deny that reads only fixed keys.
#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly")]

mod common;

use tenet_graph::access::{who_can, Analysis, Answer, LinkOutcome};

const SLR: &str = "arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123456789abcdef0";
const OBJECT: &str = "arn:aws:s3:::fsx-data-bucket/data/run-1.bin";
const KEY: &str = "arn:aws:kms:us-east-1:333333333333:key/a056d364-8a7e-4f3c-9d2b-1c5e0f7a9b21";

fn answer(variant: Option<&str>, action: &str) -> Answer {
    let loaded = common::fsx(variant);
    let a = Analysis::new(&loaded.estate);
    let r = who_can(&a, action, OBJECT, None, Some("AWSServiceRoleForFSx")).unwrap();
    assert_eq!(r.answers.len(), 1);
    r.answers.into_iter().next().unwrap()
}

/// The failing link's number (1-based), its reason and statements.
fn failing(a: &Answer) -> (usize, String, Vec<String>) {
    assert_eq!(a.verdict(), "denied", "{a:#?}");
    let (i, _, o) = a.failing().unwrap();
    match o {
        LinkOutcome::Denied { reason, statements, .. } => (i + 1, reason.clone(), statements.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_role_reads_and_writes_through_s3_with_witnesses() {
    for (action, kms) in [("s3:GetObject", "kms:Decrypt"), ("s3:PutObject", "kms:GenerateDataKey")] {
        let a = answer(None, action);
        assert_eq!(a.verdict(), "allowed", "{a:#?}");
        assert_eq!(a.links.len(), 2);
        let (kms_link, outcome) = &a.links[1];
        assert_eq!(kms_link.action, kms);
        assert_eq!(kms_link.resource, KEY);
        let LinkOutcome::Allowed {
            witness, statements, ..
        } = outcome
        else {
            panic!()
        };
        let ctx = |k: &str| witness.context.get(k).map(|v| v.as_slice().join(","));
        assert_eq!(ctx("kms:ViaService").as_deref(), Some("s3.us-east-1.amazonaws.com"));
        assert_eq!(ctx("kms:EncryptionContext:aws:s3:arn").as_deref(), Some(OBJECT));
        assert_eq!(ctx("kms:CallerAccount").as_deref(), Some("111111111111"));
        assert_eq!(witness.principal.as_str(), SLR);
        assert!(statements.iter().any(|s| s.contains("KMS grant")), "{statements:?}");
    }
}

#[test]
fn grant_revoked_fails_at_kms_for_want_of_an_identity_policy() {
    let (link, reason, statements) = failing(&answer(Some("grant-revoked"), "s3:GetObject"));
    assert_eq!(link, 2);
    assert_eq!(reason, "no identity-based policy allows the kms:Decrypt action");
    assert!(
        statements.iter().any(|s| s.contains("AllowFSxRoleThroughS3")),
        "{statements:?}"
    );
}

#[test]
fn wrong_region_is_denied_by_the_via_service_guard() {
    let (link, reason, statements) = failing(&answer(Some("wrong-region"), "s3:GetObject"));
    assert_eq!(link, 2);
    assert!(reason.starts_with("explicit deny in the key policy"), "{reason}");
    assert!(
        statements.iter().any(|s| s.contains("DenyFSxCryptoOutsideS3")),
        "{statements:?}"
    );
}

#[test]
fn bucket_policy_naming_account_root_needs_an_identity_policy_in_a() {
    let (link, reason, statements) = failing(&answer(Some("bucket-names-account-root"), "s3:GetObject"));
    assert_eq!(link, 1);
    assert_eq!(reason, "no identity-based policy allows the s3:GetObject action");
    assert!(statements.iter().any(|s| s.contains("`AccountA`")), "{statements:?}");
}

#[test]
fn key_policy_without_the_role_and_no_grant_is_a_key_policy_gap() {
    let (link, reason, _) = failing(&answer(Some("key-policy-without-role"), "s3:GetObject"));
    assert_eq!(link, 2);
    assert!(
        reason.starts_with("the key policy neither allows the kms:Decrypt action"),
        "{reason}"
    );
}

#[test]
fn a_grant_alone_carries_the_role_when_the_key_policy_does_not_name_it() {
    let a = answer(Some("key-policy-without-role-with-grant"), "s3:GetObject");
    assert_eq!(a.verdict(), "allowed");
    let LinkOutcome::Allowed { statements, .. } = &a.links[1].1 else {
        panic!()
    };
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert!(statements[0].starts_with("KMS grant"));
}

#[test]
fn encryption_context_of_another_bucket_is_denied_by_the_context_guard() {
    let (link, reason, statements) = failing(&answer(Some("other-bucket-context"), "s3:PutObject"));
    assert_eq!(link, 2);
    assert!(reason.contains("kms:GenerateDataKey"), "{reason}");
    assert!(
        statements.iter().any(|s| s.contains("DenyFSxCryptoOnOtherBuckets")),
        "{statements:?}"
    );
}

#[test]
fn nobody_outside_the_organization_can_decrypt() {
    let loaded = common::fsx(None);
    let a = Analysis::new(&loaded.estate);
    let r = who_can(&a, "kms:Decrypt", KEY, None, None).unwrap();
    for x in &r.answers {
        let outside = x.subject.label.contains("outside the estate") || x.subject.label == "anonymous";
        if outside {
            assert_eq!(x.verdict(), "denied", "{x:#?}");
        }
        // Nobody of the estate decrypts directly either: the FSx role's grant is pinned to S3 by the
        // key policy's guards, which the prover cannot weigh against a grant yet (unknown, not allowed).
        assert_ne!(x.verdict(), "allowed", "{x:#?}");
    }
    let slr = r.answers.iter().find(|x| x.subject.label == SLR).unwrap();
    let LinkOutcome::Unknown { reason } = &slr.links[0].1 else {
        panic!("{slr:#?}")
    };
    assert!(reason.contains("grant"), "{reason}");
}

/// The relaxed policies allow every request the real ones allow: what the "denied without
/// conditions" proofs rest on. Checked on every subject and link of the FSx estate and its
/// variants, under contexts that flip the conditions the policies read.
#[test]
fn relaxed_policies_allow_whatever_the_real_ones_allow() {
    use tenet_ast::eval::{evaluate, ContextValue, Request};
    use tenet_graph::access::plan;
    let contexts: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("aws:SecureTransport", "false")],
        vec![("aws:SecureTransport", "true"), ("aws:MultiFactorAuthPresent", "true")],
        vec![("kms:ViaService", "s3.us-west-2.amazonaws.com")],
        vec![("kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::fsx-scratch-bucket/x")],
        vec![
            ("aws:PrincipalOrgID", "o-a1b2c3d4e5"),
            ("aws:PrincipalIsAWSService", "true"),
        ],
    ];
    let variants = [
        None,
        Some("grant-revoked"),
        Some("wrong-region"),
        Some("bucket-names-account-root"),
        Some("key-policy-without-role"),
        Some("other-bucket-context"),
    ];
    let mut allowed = 0;
    for v in variants {
        let loaded = common::fsx(v);
        let a = Analysis::new(&loaded.estate);
        for (action, resource) in [
            ("s3:GetObject", OBJECT),
            ("s3:PutObject", OBJECT),
            ("kms:CreateGrant", KEY),
        ] {
            let links = plan(&loaded.estate, action, resource).unwrap();
            for subject in a.subjects(&links) {
                for link in &links {
                    let link = link.for_subject(&subject, &loaded.estate);
                    for extra in &contexts {
                        let mut r = Request {
                            principal: subject.principal.clone(),
                            action: link.action.clone(),
                            resource: link.resource.clone(),
                            resource_account: Some(link.resource_account.clone()),
                            context: Default::default(),
                        };
                        r.force_derived_keys();
                        for (k, vs) in link.given.iter() {
                            r.context.insert(k.clone(), ContextValue::Single(vs[0].clone()));
                        }
                        for (k, val) in extra {
                            r.context.insert(*k, ContextValue::Single((*val).to_owned()));
                        }
                        if evaluate(&r, &a.policy_set(&subject, &link, false))
                            .decision
                            .is_allowed()
                        {
                            allowed += 1;
                            let relaxed = evaluate(&r, &a.policy_set(&subject, &link, true));
                            assert!(relaxed.decision.is_allowed(), "{r:?}: {}", relaxed.reason);
                        }
                    }
                }
            }
        }
    }
    assert!(allowed > 20, "the check saw allowed requests: {allowed}");
}
