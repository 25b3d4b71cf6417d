//! Evaluator tests: principals.

use super::*;

#[test]
fn parse_principals() {
    let p = RequestPrincipal::parse(SESSION);
    assert!(matches!(
        p,
        Ok(RequestPrincipal::Aws { kind: AwsPrincipalKind::AssumedRole { ref role_name, .. }, ref account, .. })
            if role_name == "App" && account == "111111111111"
    ));
    assert!(matches!(
        RequestPrincipal::parse("anonymous"),
        Ok(RequestPrincipal::Anonymous)
    ));
    assert!(matches!(
        RequestPrincipal::parse("lambda.amazonaws.com"),
        Ok(RequestPrincipal::Service(_))
    ));
    assert!(matches!(
        RequestPrincipal::parse("111111111111"),
        Ok(RequestPrincipal::Aws {
            kind: AwsPrincipalKind::Root,
            ..
        })
    ));
    assert!(matches!(
        RequestPrincipal::parse("arn:aws:iam::111111111111:role/a/b/Name"),
        Ok(RequestPrincipal::Aws { kind: AwsPrincipalKind::Role { ref name }, .. }) if name == "Name"
    ));
    assert!(matches!(
        RequestPrincipal::parse("cognito-identity.amazonaws.com"),
        Ok(RequestPrincipal::Federated(_))
    ));
    assert!(RequestPrincipal::parse("arn:aws:sts::111111111111:assumed-role/NoSession").is_err());
    assert!(RequestPrincipal::parse("nonsense").is_err());
}

#[test]
fn service_linked_role_detection() {
    let slr = "arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-1";
    assert!(req(slr, "s3:GetObject", BUCKET_OBJ).principal.is_service_linked_role());
    let session = "arn:aws:sts::111111111111:assumed-role/AWSServiceRoleForFSxS3Access_fs-1/x";
    assert!(req(session, "s3:GetObject", BUCKET_OBJ)
        .principal
        .is_service_linked_role());
    assert!(!get_obj(SESSION).principal.is_service_linked_role());
}

#[test]
fn principal_star_matches_anonymous_and_services() {
    let p = policy(vec![allow().principal_star().action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj("anonymous"), &ps), Decision::Allowed);
    assert_eq!(decision(&get_obj("cloudtrail.amazonaws.com"), &ps), Decision::Allowed);
    assert_eq!(decision(&get_obj(ALICE), &ps), Decision::Allowed);
}

#[test]
fn aws_star_is_principal_star() {
    let p = policy(vec![allow().aws("*").action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj("anonymous"), &ps), Decision::Allowed);
}

#[test]
fn anonymous_not_matched_by_account() {
    let p = policy(vec![allow().aws("111111111111").action("s3:GetObject").resource("*")]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj("anonymous"), &ps), Decision::ImplicitlyDenied);
}

#[test]
fn role_arn_matches_its_sessions() {
    let p = policy(vec![allow()
        .aws("arn:aws:iam::111111111111:role/team/App")
        .action("s3:*")
        .resource("*")]);
    let s = &p.statements[0].value;
    assert!(statement_applies(s, &p, &get_obj(SESSION)));
    assert!(!statement_applies(
        s,
        &p,
        &get_obj("arn:aws:sts::111111111111:assumed-role/Other/s1")
    ));
    assert!(!statement_applies(
        s,
        &p,
        &get_obj("arn:aws:sts::999999999999:assumed-role/App/s1")
    ));
}

#[test]
fn service_and_federated_principals() {
    let p = policy(vec![
        allow()
            .service("lambda.amazonaws.com")
            .action("s3:GetObject")
            .resource("*"),
        allow()
            .federated("cognito-identity.amazonaws.com")
            .action("s3:PutObject")
            .resource("*"),
    ]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj("lambda.amazonaws.com"), &ps), Decision::Allowed);
    assert_eq!(decision(&get_obj("sns.amazonaws.com"), &ps), Decision::ImplicitlyDenied);
    let put = req("cognito-identity.amazonaws.com", "s3:PutObject", BUCKET_OBJ);
    assert_eq!(decision(&put, &ps), Decision::Allowed);
}

#[test]
fn service_principal_needs_resource_policy() {
    let id = s3_read();
    let ps = PolicySet {
        identity: vec![&id],
        ..PolicySet::default()
    };
    let e = evaluate(&get_obj("lambda.amazonaws.com"), &ps);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert_eq!(e.gap, Some(Gap::Resource));
}

#[test]
fn not_principal_deny_spares_listed_user_with_account() {
    let p = policy(vec![
        allow().principal_star().action("s3:*").resource("*"),
        deny()
            .not_aws(ALICE)
            .not_aws("arn:aws:iam::111111111111:root")
            .action("s3:*")
            .resource("*"),
    ]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &ps), Decision::Allowed);
    assert_eq!(
        decision(&get_obj("arn:aws:iam::111111111111:user/bob"), &ps),
        Decision::ExplicitlyDenied
    );
    assert_eq!(decision(&get_obj("anonymous"), &ps), Decision::ExplicitlyDenied);
}

#[test]
fn not_principal_without_account_denies_the_user_too() {
    let p = policy(vec![
        allow().principal_star().action("s3:*").resource("*"),
        deny().not_aws(ALICE).action("s3:*").resource("*"),
    ]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(ALICE), &ps), Decision::ExplicitlyDenied);
}

#[test]
fn not_principal_role_and_account_spare_sessions() {
    let p = policy(vec![
        allow().principal_star().action("s3:*").resource("*"),
        deny()
            .not_aws(ROLE)
            .not_aws("111111111111")
            .action("s3:*")
            .resource("*"),
    ]);
    let ps = PolicySet {
        resource: Some(&p),
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::Allowed);
}

#[test]
fn not_principal_deny_always_applies_with_boundary() {
    let p = policy(vec![
        allow().principal_star().action("s3:*").resource("*"),
        deny()
            .not_aws(ROLE)
            .not_aws("111111111111")
            .action("s3:*")
            .resource("*"),
    ]);
    let boundary = policy(vec![allow().action("*").resource("*")]);
    let ps = PolicySet {
        resource: Some(&p),
        boundaries: vec![&boundary],
        ..PolicySet::default()
    };
    assert_eq!(decision(&get_obj(SESSION), &ps), Decision::ExplicitlyDenied);
}
