//! The evaluation rules that proofs stand on (issue "proofs you can trust"): the root user, the open
//! world, RCPs, `sts:GetCallerIdentity`, trust policies and AWS-owned ARNs. Each test cites the
//! sentence of the AWS guides it checks.

use super::kms::key_policy_root;
use super::*;

const ROOT: &str = "arn:aws:iam::111111111111:root";
const OTHER_ROOT: &str = "arn:aws:iam::222222222222:root";

#[test]
fn root_user_has_full_access_in_its_account() {
    // IAM User Guide, "AWS account root user": the root user has complete access to all AWS
    // services and resources in the account; no identity policy is needed (or can be attached).
    let none = PolicySet::default();
    let own = req(ROOT, "s3:DeleteBucket", "arn:aws:s3:::bucket");
    assert_eq!(decision(&own, &none), Decision::Allowed);
    assert_eq!(
        decision(&req(ROOT, "iam:CreateUser", "arn:aws:iam::111111111111:user/x"), &none),
        Decision::Allowed
    );
}

#[test]
fn root_user_is_still_denied_by_explicit_denies_and_scps() {
    let res = policy(vec![deny().principal_star().action("s3:*").resource("*")]);
    let ps = PolicySet {
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ROOT), &ps), Decision::ExplicitlyDenied);
    let scp_allow_ec2 = policy(vec![allow().action("ec2:*").resource("*")]);
    let ps = PolicySet {
        scps: vec![vec![&scp_allow_ec2]],
        ..PolicySet::default()
    };
    let ev = evaluate(&get_obj(ROOT), &ps);
    assert_eq!(ev.decision, Decision::ImplicitlyDenied);
    assert_eq!(ev.gap, Some(Gap::Scp { level: 0 }));
}

#[test]
fn root_user_meets_the_key_policy_gate_and_cross_account_rules() {
    // KMS Developer Guide, "Key policies": no principal, not even the root user, may use a key unless
    // the key policy allows it (directly or by delegating to the account).
    let unrelated = policy(vec![allow().aws(ALICE).action("kms:*").resource("*")]);
    let gated = PolicySet {
        resource: Some(&unrelated),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let decrypt = req(ROOT, "kms:Decrypt", LOCAL_KEY);
    assert_eq!(evaluate(&decrypt, &gated).gap, Some(Gap::KeyPolicy));
    let delegating = key_policy_root("111111111111");
    let ps = PolicySet {
        resource: Some(&delegating),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&decrypt, &ps), Decision::Allowed);
    // Another account's root: its identity side is full, so a bucket policy naming that account
    // is enough across accounts.
    let bucket = policy(vec![allow()
        .aws("222222222222")
        .action("s3:GetObject")
        .resource("arn:aws:s3:::bucket/*")]);
    let mut other = get_obj(OTHER_ROOT);
    other.resource_account = Some("111111111111".into());
    let ps = PolicySet {
        resource: Some(&bucket),
        ..PolicySet::default()
    };
    assert_eq!(decision(&other, &ps), Decision::Allowed);
    assert_eq!(decision(&other, &PolicySet::default()), Decision::ImplicitlyDenied);
}

#[test]
fn root_user_cannot_assume_roles() {
    let trust = policy(vec![allow().aws(ROOT).action("sts:AssumeRole")]);
    let ps = PolicySet {
        resource: Some(&trust),
        resource_is_trust_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(ROOT, "sts:AssumeRole", "arn:aws:iam::111111111111:role/R"), &ps),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn open_world_identity_side_allows() {
    // A principal whose identity policies were not given: its administrators may attach any policy.
    let ps = PolicySet {
        identity_open: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::Allowed);
    // Across accounts the resource side must still allow.
    let mut cross = get_obj(OTHER_SESSION);
    cross.resource_account = Some("111111111111".into());
    assert_eq!(evaluate(&cross, &ps).gap, Some(Gap::Resource));
    // Explicit denies of the resource policy still win.
    let res = policy(vec![deny().principal_star().action("s3:*").resource("*")]);
    let ps = PolicySet {
        identity_open: true,
        resource: Some(&res),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::ExplicitlyDenied);
}

#[test]
fn rcps_only_deny() {
    let deny_put = policy(vec![deny().principal_star().action("s3:PutObject").resource("*")]);
    let ps = PolicySet {
        identity: vec![],
        identity_open: true,
        rcps: vec![vec![&deny_put], vec![&deny_put]],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::Allowed);
    let put = req(SESSION, "s3:PutObject", BUCKET_OBJ);
    assert_eq!(decision(&put, &ps), Decision::ExplicitlyDenied);
}

#[test]
fn get_caller_identity_needs_no_permission_and_ignores_denies() {
    // STS API reference, GetCallerIdentity: "No permissions are required to perform this operation.
    // If an administrator attaches a policy to your identity that explicitly denies access to the
    // sts:GetCallerIdentity action, you can still perform this operation."
    let deny_all = policy(vec![deny().action("*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&deny_all],
        ..PolicySet::default()
    };
    let r = req(ALICE, "sts:GetCallerIdentity", "*");
    assert_eq!(decision(&r, &ps), Decision::Allowed);
    assert_eq!(
        decision(&req("anonymous", "sts:GetCallerIdentity", "*"), &ps),
        Decision::ImplicitlyDenied
    );
}

#[test]
fn trust_policy_must_allow_even_in_the_same_account() {
    // IAM User Guide, "Cross-account policy evaluation logic" / "How IAM roles differ": a role
    // trust policy must allow sts:AssumeRole even for a principal of the role's own account.
    let identity = policy(vec![allow().action("sts:AssumeRole").resource("*")]);
    let trust_other = policy(vec![allow()
        .aws("arn:aws:iam::111111111111:user/bob")
        .action("sts:AssumeRole")]);
    let role = "arn:aws:iam::111111111111:role/Target";
    let ps = PolicySet {
        identity: vec![&identity],
        resource: Some(&trust_other),
        resource_is_trust_policy: true,
        ..PolicySet::default()
    };
    let ev = evaluate(&req(ALICE, "sts:AssumeRole", role), &ps);
    assert_eq!(ev.decision, Decision::ImplicitlyDenied);
    assert_eq!(ev.gap, Some(Gap::KeyPolicy));
    assert!(ev.reason.contains("trust policy"), "{}", ev.reason);
    // Naming the account delegates to the identity side.
    let trust_account = policy(vec![allow().aws("111111111111").action("sts:AssumeRole")]);
    let ps = PolicySet {
        identity: vec![&identity],
        resource: Some(&trust_account),
        resource_is_trust_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(decision(&req(ALICE, "sts:AssumeRole", role), &ps), Decision::Allowed);
    let ps_no_identity = PolicySet {
        resource: Some(&trust_account),
        resource_is_trust_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(&req(ALICE, "sts:AssumeRole", role), &ps_no_identity).gap,
        Some(Gap::Identity)
    );
}

#[test]
fn aws_owned_arns_are_in_no_customer_account() {
    let r = req(ALICE, "iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert_eq!(r.resource_account(), None);
    assert!(!r.is_cross_account());
    let identity = policy(vec![allow().action("iam:GetPolicy").resource("*")]);
    let ps = PolicySet {
        identity: vec![&identity],
        ..PolicySet::default()
    };
    assert_eq!(decision(&r, &ps), Decision::Allowed);
}

#[test]
fn multibyte_actions_do_not_panic() {
    let mut r = req(ALICE, "kmsé:Decrypt", KEY);
    r.populate_derived_keys();
    assert!(r.context.get("kms:CallerAccount").is_none());
    let grants = PolicySet {
        grants: vec![KmsGrant {
            grantee_principal: ALICE.into(),
            operations: vec!["Decrypt".into()],
            ..KmsGrant::default()
        }],
        ..PolicySet::default()
    };
    assert_eq!(decision(&req(ALICE, "é", KEY), &grants), Decision::ImplicitlyDenied);
    assert!(is_kms_action("KMS:Decrypt") && !is_kms_action("kmsé:x") && !is_kms_action("é"));
}

#[test]
fn decimals_compare_exactly() {
    let d = |s: &str| parse_decimal(s).unwrap_or_else(|| unreachable!("{s} should parse"));
    assert_eq!(d("1.50"), d("1.5"));
    assert_eq!(d("15e-1"), d("1.5"));
    assert_eq!(d("1e3"), d("1000"));
    assert_eq!(d("-0.25").mantissa, -25);
    assert!(d("1.2").cmp_exact(&d("1.3")).is_lt());
    // f64 cannot tell these apart; IAM's operators must.
    assert!(d("1.00000000000000000001").cmp_exact(&d("1")).is_gt());
    for bad in ["", "-", "1.2.3", "abc", "1e", "0x10", "1,5"] {
        assert!(parse_decimal(bad).is_none(), "{bad}");
    }
    let tls = policy(vec![allow().action("s3:GetObject").resource("*").cond(
        "NumericLessThan",
        "s3:TlsVersion",
        &["1.3"],
    )]);
    let ps = PolicySet {
        identity: vec![&tls],
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&with(get_obj(ALICE), "s3:TlsVersion", "1.2"), &ps),
        Decision::Allowed
    );
    assert_eq!(
        decision(&with(get_obj(ALICE), "s3:TlsVersion", "1.3"), &ps),
        Decision::ImplicitlyDenied
    );
    assert_eq!(
        decision(&with(get_obj(ALICE), "s3:TlsVersion", "1.29999999999999999999"), &ps),
        Decision::Allowed
    );
}

#[test]
fn aws_managed_key_aliases_are_reserved() {
    let admin = policy(vec![allow().action("kms:*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&admin],
        ..PolicySet::default()
    };
    let reserved = "arn:aws:kms:us-east-1:111111111111:alias/aws/s3";
    let ev = evaluate(&req(ALICE, "kms:DeleteAlias", reserved), &ps);
    assert_eq!((ev.decision, ev.gap), (Decision::ImplicitlyDenied, Some(Gap::Service)));
    assert_eq!(
        decision(&req(ROOT, "kms:CreateAlias", reserved), &ps),
        Decision::ImplicitlyDenied
    );
    let own = "arn:aws:kms:us-east-1:111111111111:alias/app";
    assert_eq!(decision(&req(ALICE, "kms:DeleteAlias", own), &ps), Decision::Allowed);
    assert_eq!(
        decision(&req(ALICE, "kms:ListAliases", reserved), &ps),
        Decision::Allowed
    );
}

/// `docs/semantics.md` is generated from the table of rules: it must say what the code does.
#[test]
fn semantics_doc_is_generated_from_the_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/semantics.md");
    let expected = crate::eval::semantics::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let _ = std::fs::write(&path, &expected);
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/semantics.md is stale: run `UPDATE_DOCS=1 cargo test -p tenet_ast semantics_doc`"
    );
}

#[test]
fn kms_refuses_anonymous_callers() {
    let open_key = policy(vec![allow().principal_star().action("kms:*").resource("*")]);
    let ps = PolicySet {
        resource: Some(&open_key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    let ev = evaluate(&req("anonymous", "kms:Decrypt", KEY), &ps);
    assert_eq!((ev.decision, ev.gap), (Decision::ImplicitlyDenied, Some(Gap::Service)));
    // An authenticated principal of another account is still let in by such a key policy and its
    // own identity side.
    let any = policy(vec![allow().action("kms:*").resource("*")]);
    let ps = PolicySet {
        identity: vec![&any],
        resource: Some(&open_key),
        resource_is_key_policy: true,
        ..PolicySet::default()
    };
    assert_eq!(
        decision(&req(OTHER_SESSION, "kms:Decrypt", KEY), &ps),
        Decision::Allowed
    );
}
