//! Tests of the evaluator, written with a tiny statement builder instead of JSON.

use super::*;
use crate::operator::{ConditionOperator, QualifiedOperator, SetQualifier};
use crate::policy::{
    ConditionValue, ElementList, PrincipalEntry, PrincipalType, PrincipalValue, Principals, Statement, Version,
};
use crate::{Span, Spanned};

// ---------------------------------------------------------------------------------------------
// Builders.

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

struct S(Statement);

fn allow() -> S {
    S(Statement {
        effect: Some(sp(Effect::Allow)),
        ..Statement::default()
    })
}

fn deny() -> S {
    S(Statement {
        effect: Some(sp(Effect::Deny)),
        ..Statement::default()
    })
}

fn push_list(slot: &mut Option<Spanned<ElementList>>, value: &str, negated: bool) {
    let list = slot.get_or_insert_with(|| {
        sp(ElementList {
            negated: sp(negated),
            items: Vec::new(),
            is_array: true,
        })
    });
    list.value.items.push(sp(value.to_owned()));
}

fn parse_op(name: &str) -> Option<QualifiedOperator> {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    Some(QualifiedOperator {
        qualifier,
        operator: ConditionOperator::from_name(base)?,
        if_exists,
    })
}

impl S {
    fn sid(mut self, sid: &str) -> Self {
        self.0.sid = Some(sp(sid.to_owned()));
        self
    }
    fn action(mut self, a: &str) -> Self {
        push_list(&mut self.0.action, a, false);
        self
    }
    fn not_action(mut self, a: &str) -> Self {
        push_list(&mut self.0.action, a, true);
        self
    }
    fn resource(mut self, r: &str) -> Self {
        push_list(&mut self.0.resource, r, false);
        self
    }
    fn not_resource(mut self, r: &str) -> Self {
        push_list(&mut self.0.resource, r, true);
        self
    }
    fn principal_star(mut self) -> Self {
        self.0.principal = Some(sp(Principals {
            negated: sp(false),
            value: PrincipalValue::Any,
        }));
        self
    }
    fn principal_entry(mut self, ty: PrincipalType, value: &str, negated: bool) -> Self {
        let p = self.0.principal.get_or_insert_with(|| {
            sp(Principals {
                negated: sp(negated),
                value: PrincipalValue::Map(Vec::new()),
            })
        });
        if let PrincipalValue::Map(entries) = &mut p.value.value {
            entries.push(PrincipalEntry {
                ty: sp(ty),
                values: vec![sp(value.to_owned())],
                is_array: false,
            });
        }
        self
    }
    fn aws(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Aws, p, false)
    }
    fn not_aws(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Aws, p, true)
    }
    fn service(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Service, p, false)
    }
    fn federated(self, p: &str) -> Self {
        self.principal_entry(PrincipalType::Federated, p, false)
    }
    fn cond(mut self, op: &str, key: &str, values: &[&str]) -> Self {
        let cond = Condition {
            operator: sp(op.to_owned()),
            parsed: parse_op(op),
            key: sp(key.to_owned()),
            values: values
                .iter()
                .map(|v| sp(ConditionValue::String((*v).to_owned())))
                .collect(),
            is_array: values.len() != 1,
        };
        self.0.condition.get_or_insert_with(|| sp(Vec::new())).value.push(cond);
        self
    }
}

fn policy(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(sp(Version::V2012_10_17)),
        id: None,
        statements: statements.into_iter().map(|s| sp(s.0)).collect(),
        unresolved: Vec::new(),
    }
}

fn policy_2008(statements: Vec<S>) -> Policy {
    Policy {
        version: Some(sp(Version::V2008_10_17)),
        ..policy(statements)
    }
}

fn req(principal: &str, action: &str, resource: &str) -> Request {
    match Request::new(principal, action, resource) {
        Ok(r) => r,
        Err(e) => panic!("bad test request: {e}"),
    }
}

fn with(mut r: Request, key: &str, value: &str) -> Request {
    r.context.insert(key, ContextValue::Single(value.to_owned()));
    r
}

fn with_multi(mut r: Request, key: &str, values: &[&str]) -> Request {
    r.context.insert(
        key,
        ContextValue::Multi(values.iter().map(|s| (*s).to_owned()).collect()),
    );
    r
}

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const ROLE: &str = "arn:aws:iam::111111111111:role/App";
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/App/s1";
const OTHER_SESSION: &str = "arn:aws:sts::222222222222:assumed-role/Ext/s1";
const BUCKET_OBJ: &str = "arn:aws:s3:::bucket/key.txt";
const KEY: &str = "arn:aws:kms:us-east-1:333333333333:key/k-1";
const LOCAL_KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/k-1";

/// Evaluates a condition in a one-statement policy.
fn holds(s: S, r: &Request) -> bool {
    let p = policy(vec![s.action("*").resource("*")]);
    statement_applies(&p.statements[0].value, &p, r)
}

fn get_obj(principal: &str) -> Request {
    req(principal, "s3:GetObject", BUCKET_OBJ)
}

fn decision(r: &Request, ps: &PolicySet) -> Decision {
    evaluate(r, ps).decision
}

fn s3_read() -> Policy {
    policy(vec![allow()
        .sid("Read")
        .action("s3:GetObject")
        .resource("arn:aws:s3:::bucket/*")])
}

// ---------------------------------------------------------------------------------------------
// Wildcards.

#[test]
fn wildcard_basics() {
    assert!(wildcard_match("s3:Get*", "s3:GetObject", false));
    assert!(wildcard_match("s3:Get?bject", "s3:GetObject", false));
    assert!(!wildcard_match("s3:Get?", "s3:GetObject", false));
    assert!(wildcard_match("*", "", false));
    assert!(wildcard_match("", "", false));
    assert!(!wildcard_match("", "a", false));
    assert!(wildcard_match("a*b*c", "aXXbYYc", false));
    assert!(!wildcard_match("a*b*c", "aXXbYY", false));
    assert!(wildcard_match("*.txt", "a.b.txt", false));
}

#[test]
fn wildcard_case_rules() {
    assert!(wildcard_match("S3:getobject", "s3:GetObject", true));
    assert!(!wildcard_match("S3:getobject", "s3:GetObject", false));
    assert!(wildcard_match("ÄB*", "äbc", true));
    assert!(wildcard_match("é?", "éà", false));
}

#[test]
fn wildcard_pathological_patterns_terminate_correctly() {
    let text = "a".repeat(20_000);
    assert!(!wildcard_match("*a*a*a*a*a*a*a*a*b", &text, false));
    assert!(wildcard_match("*a*a*a*a*a*a*a*a*a", &text, false));
    let pattern = "*a".repeat(200) + "b";
    assert!(!wildcard_match(&pattern, &text, false));
    let pattern = "?".repeat(19_999) + "*";
    assert!(wildcard_match(&pattern, &text, false));
    assert!(!wildcard_match(&"?".repeat(20_001), &text, false));
}

/// The IAM User Guide's examples ("IAM JSON policy elements: Resource", "Using wildcards in resource
/// ARNs") and the segment rule: a `*` stays within its segment unless it is the segment's last
/// character.
#[test]
fn arn_wildcards_in_resource_follow_the_user_guide() {
    // "all IAM users whose path is /accounting"
    let users = "arn:aws:iam::123456789012:user/accounting/*";
    assert!(arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/accounting/bob"
    ));
    assert!(arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/accounting/eu/bob"
    ));
    assert!(!arn_pattern_match(
        users,
        "arn:aws:iam::123456789012:user/marketing/bob"
    ));
    // "all items within a specific Amazon S3 bucket"
    assert!(arn_pattern_match(
        "arn:aws:s3:::amzn-s3-demo-bucket/*",
        "arn:aws:s3:::amzn-s3-demo-bucket/a/b.jpg"
    ));
    // `*` expands across `/`, which is not a delimiter: the guide's `bucket/*/test/*` list.
    let test = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*";
    for object in [
        "1/test/object.jpg",
        "1/2/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1/2/3/test/4/object.jpg",
        "1///test///object.jpg",
        "1/test/.jpg",
        "/test/object.jpg",
        "1/test/",
    ] {
        assert!(
            arn_pattern_match(test, &format!("arn:aws:s3:::amzn-s3-demo-bucket/{object}")),
            "{object}"
        );
    }
    for object in ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"] {
        assert!(
            !arn_pattern_match(test, &format!("arn:aws:s3:::amzn-s3-demo-bucket/{object}")),
            "{object}"
        );
    }
    // A `*` that is the last character of a segment expands beyond the colon boundaries.
    assert!(arn_pattern_match("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c"));
    assert!(arn_pattern_match(
        "arn:aws:logs:*:*:log-group:*",
        "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
    ));
    assert!(arn_pattern_match(
        "arn:aws:sqs:*:123456789012:q",
        "arn:aws:sqs:us-east-1:x:123456789012:q"
    ));
    assert!(arn_pattern_match("*", "arn:aws:s3:::a:b"));
    assert!(arn_pattern_match("arn:aws:s3:::b/**", "arn:aws:s3:::b/x:y"));
    // Any other `*` stays within its segment.
    let stack = "arn:aws:cloudformation:*:*:stack/*/x";
    assert!(arn_pattern_match(
        stack,
        "arn:aws:cloudformation:us-east-1:1:stack/a/b/x"
    ));
    assert!(!arn_pattern_match(
        stack,
        "arn:aws:cloudformation:us-east-1:1:stack/a:b/x"
    ));
    assert!(!arn_pattern_match(
        "arn:aws:ec2:us-*-1:*:vpc/*",
        "arn:aws:ec2:us-a:b-1:1:vpc/v"
    ));
    assert!(arn_pattern_match(
        "arn:aws:ec2:us-*-1:*:vpc/*",
        "arn:aws:ec2:us-east-1:1:vpc/v"
    ));
    assert!(!arn_pattern_match("arn:aws:s3:::b/*x", "arn:aws:s3:::b/a:x"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/**x", "arn:aws:s3:::b/a:x"));
    // `?` is one character; it never matches `:` here, and a match that depends on it is ambiguous.
    assert!(arn_pattern_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/x"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/?", "arn:aws:s3:::b/xy"));
    assert!(!arn_pattern_match("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/a:b"));
    assert!(arn_pattern_ambiguous("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/a:b"));
    assert!(!arn_pattern_ambiguous("arn:aws:s3:::b/a?b", "arn:aws:s3:::b/axb"));
    assert!(!arn_pattern_ambiguous("arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b"));
    // Whether a `*` ending one of the first five components expands across colons is open too.
    let deny = "arn:aws:cloudformation:*:*:stack/MySensitiveStack/*";
    let odd = "arn:aws:cloudformation:r:a:stack/NotMySensitiveStack/x:y:stack/MySensitiveStack/z";
    assert!(arn_pattern_match(deny, odd));
    assert!(!arn_pattern_match_in(deny, odd, ArnReading::STRICT));
    assert!(arn_pattern_ambiguous(deny, odd));
    assert!(!arn_pattern_ambiguous(
        deny,
        "arn:aws:cloudformation:r:a:stack/MySensitiveStack/z:w"
    ));
    assert!(arn_pattern_match_in("*", "a:b", ArnReading::STRICT));
    assert!(arn_pattern_match_in("arn:aws:*", "arn:aws:s3:::b", ArnReading::STRICT));
    // Case-sensitive, and quadratic at worst.
    assert!(!arn_pattern_match("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x"));
    let text = format!("arn:aws:s3:::b/{}", "a".repeat(20_000));
    assert!(!arn_pattern_match(
        &format!("arn:aws:s3:::b/{}b", "*a".repeat(100)),
        &text
    ));
}

#[test]
fn resource_element_stars_stay_in_their_segment() {
    let p = policy(vec![allow()
        .action("cloudformation:*")
        .resource("arn:aws:cloudformation:*:*:stack/*/x")]);
    let ok = req(
        ALICE,
        "cloudformation:DeleteStack",
        "arn:aws:cloudformation:us-east-1:1:stack/a/x",
    );
    assert!(statement_applies(&p.statements[0].value, &p, &ok));
    let colon = req(
        ALICE,
        "cloudformation:DeleteStack",
        "arn:aws:cloudformation:us-east-1:1:stack/a:b/x",
    );
    assert!(!statement_applies(&p.statements[0].value, &p, &colon));
}

// ---------------------------------------------------------------------------------------------
// Principals.

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

// ---------------------------------------------------------------------------------------------
// Actions and resources.

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

// ---------------------------------------------------------------------------------------------
// Evaluation logic.

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

// ---------------------------------------------------------------------------------------------
// KMS.

fn key_policy_root(account: &str) -> Policy {
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

// ---------------------------------------------------------------------------------------------
// Conditions.

#[test]
fn string_equals_is_case_sensitive_and_ored() {
    let s = || allow().cond("StringEquals", "aws:PrincipalTag/team", &["red", "blue"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:PrincipalTag/team", "blue")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:PrincipalTag/team", "Blue")));
    let ic = allow().cond("StringEqualsIgnoreCase", "aws:PrincipalTag/team", &["BLUE"]);
    assert!(holds(ic, &with(get_obj(ALICE), "aws:PrincipalTag/team", "blue")));
}

#[test]
fn condition_keys_are_case_insensitive() {
    let s = allow().cond("StringEquals", "AWS:SOURCEVPC", &["vpc-1"]);
    assert!(holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-1")));
}

#[test]
fn multiple_keys_and_operators_are_anded() {
    let s = || {
        allow()
            .cond("StringEquals", "aws:SourceVpc", &["vpc-1"])
            .cond("StringEquals", "aws:SourceVpce", &["vpce-1"])
    };
    let r = with(get_obj(ALICE), "aws:SourceVpc", "vpc-1");
    assert!(!holds(s(), &r));
    assert!(holds(s(), &with(r, "aws:SourceVpce", "vpce-1")));
}

#[test]
fn string_not_equals_matches_none_and_missing() {
    let s = || allow().cond("StringNotEquals", "aws:PrincipalOrgID", &["o-1", "o-2"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:PrincipalOrgID", "o-3")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:PrincipalOrgID", "o-2")));
    assert!(holds(s(), &get_obj(ALICE)));
}

#[test]
fn positive_operator_with_missing_key_is_false() {
    assert!(!holds(allow().cond("StringLike", "s3:prefix", &["*"]), &get_obj(ALICE)));
}

#[test]
fn string_like_wildcards() {
    let s = || allow().cond("StringLike", "s3:prefix", &["home/*/docs", "tmp?"]);
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "home/alice/docs")));
    assert!(holds(s(), &with(get_obj(ALICE), "s3:prefix", "tmp1")));
    assert!(!holds(s(), &with(get_obj(ALICE), "s3:prefix", "tmp12")));
    let not_like = allow().cond("StringNotLike", "s3:prefix", &["home/*"]);
    assert!(!holds(not_like, &with(get_obj(ALICE), "s3:prefix", "home/x")));
}

#[test]
fn if_exists_with_missing_and_present_key() {
    let s = || allow().cond("StringEqualsIfExists", "ec2:InstanceType", &["t3.micro"]);
    assert!(holds(s(), &get_obj(ALICE)));
    assert!(holds(s(), &with(get_obj(ALICE), "ec2:InstanceType", "t3.micro")));
    assert!(!holds(s(), &with(get_obj(ALICE), "ec2:InstanceType", "m5.large")));
}

#[test]
fn null_operator() {
    let absent = || allow().cond("Null", "aws:TokenIssueTime", &["true"]);
    let present = || allow().cond("Null", "aws:TokenIssueTime", &["false"]);
    let r = with(get_obj(ALICE), "aws:TokenIssueTime", "2024-01-01T00:00:00Z");
    assert!(holds(absent(), &get_obj(ALICE)));
    assert!(!holds(absent(), &r));
    assert!(holds(present(), &r));
    assert!(!holds(present(), &get_obj(ALICE)));
    assert!(holds(absent(), &with_multi(get_obj(ALICE), "aws:TokenIssueTime", &[])));
}

#[test]
fn for_all_values_missing_and_empty_are_true() {
    let s = || allow().cond("ForAllValues:StringEquals", "aws:TagKeys", &["env", "team"]);
    assert!(holds(s(), &get_obj(ALICE)));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["env"])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["env", "team"])));
    assert!(!holds(
        s(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["env", "cost"])
    ));
}

#[test]
fn for_any_value_missing_and_empty_are_false() {
    let s = || allow().cond("ForAnyValue:StringEquals", "aws:TagKeys", &["env"]);
    assert!(!holds(s(), &get_obj(ALICE)));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["cost", "env"])));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["cost"])));
}

#[test]
fn for_any_value_if_exists_with_missing_key() {
    let s = allow().cond("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", &["env"]);
    assert!(holds(s, &get_obj(ALICE)));
}

#[test]
fn negated_set_operators() {
    let all = || allow().cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]);
    assert!(holds(all(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "b"])));
    assert!(!holds(
        all(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "secret"])
    ));
    let any = || allow().cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["secret"]);
    assert!(holds(
        any(),
        &with_multi(get_obj(ALICE), "aws:TagKeys", &["a", "secret"])
    ));
    assert!(!holds(any(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["secret"])));
    assert!(!holds(any(), &get_obj(ALICE)));
}

#[test]
fn multi_valued_key_without_qualifier() {
    let s = || allow().cond("StringEquals", "aws:TagKeys", &["env"]);
    assert!(holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x", "env"])));
    assert!(!holds(s(), &with_multi(get_obj(ALICE), "aws:TagKeys", &[])));
    let n = || allow().cond("StringNotEquals", "aws:TagKeys", &["env"]);
    assert!(!holds(n(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x", "env"])));
    assert!(holds(n(), &with_multi(get_obj(ALICE), "aws:TagKeys", &["x"])));
}

#[test]
fn single_valued_key_with_qualifier_is_a_singleton() {
    let s = allow().cond("ForAllValues:StringLike", "aws:SourceVpc", &["vpc-*"]);
    assert!(holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-9")));
}

#[test]
fn numeric_operators() {
    let r = with(get_obj(ALICE), "aws:MultiFactorAuthAge", "3600");
    assert!(holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["7200"]),
        &r
    ));
    assert!(!holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", &["3600"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericGreaterThan", "aws:MultiFactorAuthAge", &["10.5"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericEquals", "aws:MultiFactorAuthAge", &["3600.0"]),
        &r
    ));
    assert!(holds(
        allow().cond("NumericNotEquals", "aws:MultiFactorAuthAge", &["1"]),
        &r
    ));
    assert!(!holds(
        allow().cond("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", &["x"]),
        &r
    ));
    let bad = with(get_obj(ALICE), "aws:MultiFactorAuthAge", "soon");
    assert!(!holds(
        allow().cond("NumericLessThan", "aws:MultiFactorAuthAge", &["7200"]),
        &bad
    ));
}

#[test]
fn dates_in_iso_and_epoch_forms() {
    let r = with(get_obj(ALICE), "aws:CurrentTime", "2024-03-01T12:00:00Z");
    let before = |v: &str| allow().cond("DateLessThan", "aws:CurrentTime", &[v]);
    assert!(holds(before("2024-03-02"), &r));
    assert!(!holds(before("2024-03-01T12:00:00Z"), &r));
    assert!(holds(before("2024-03-01T12:00:00.001Z"), &r));
    // 2024-03-01T12:00:00Z is 1709294400 seconds after the epoch.
    assert!(holds(
        allow().cond("DateEquals", "aws:CurrentTime", &["1709294400"]),
        &r
    ));
    assert!(holds(
        allow().cond("DateEquals", "aws:CurrentTime", &["2024-03-01T14:00:00+02:00"]),
        &r
    ));
    assert!(holds(
        allow().cond("DateGreaterThanEquals", "aws:CurrentTime", &["2024-03-01T11:59:59Z"]),
        &r
    ));
    let epoch_req = with(get_obj(ALICE), "aws:EpochTime", "1709294400");
    assert!(holds(
        allow().cond("DateGreaterThan", "aws:EpochTime", &["2024-03-01T11:00:00Z"]),
        &epoch_req
    ));
    assert!(holds(
        allow().cond("DateNotEquals", "aws:CurrentTime", &["2000-01-01"]),
        &r
    ));
}

#[test]
fn date_parser_edge_cases() {
    use super::condition::parse_date;
    assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_date("1970-01-02"), Some(86_400 * 1_000_000_000));
    assert_eq!(parse_date("2000-02-29T00:00:00Z"), parse_date("951782400"));
    assert_eq!(parse_date("1969-12-31T23:59:59Z"), Some(-1_000_000_000));
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("2024-13-01"), None);
    assert_eq!(parse_date("not a date"), None);
    assert_eq!(
        parse_date("2024-01-01T00:00:00+0100"),
        parse_date("2023-12-31T23:00:00Z")
    );
}

#[test]
fn bool_operator() {
    let s = || allow().cond("Bool", "aws:SecureTransport", &["true"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "true")));
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "TRUE")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SecureTransport", "false")));
    assert!(!holds(s(), &get_obj(ALICE)));
    assert!(holds(
        allow().cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"]),
        &get_obj(ALICE)
    ));
}

#[test]
fn binary_equals_compares_decoded_base64() {
    let s = || allow().cond("BinaryEquals", "custom:blob", &["aGVsbG8="]);
    assert!(holds(s(), &with(get_obj(ALICE), "custom:blob", "aGVsbG8=")));
    assert!(holds(s(), &with(get_obj(ALICE), "custom:blob", "aGVsbG8")));
    assert!(!holds(s(), &with(get_obj(ALICE), "custom:blob", "d29ybGQ=")));
    assert!(!holds(s(), &with(get_obj(ALICE), "custom:blob", "!!")));
}

#[test]
fn ip_address_v4() {
    let s = || allow().cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24", "198.51.100.7"]);
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "203.0.113.5")));
    assert!(holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "198.51.100.7")));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "198.51.100.8")));
    assert!(holds(
        allow().cond("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]),
        &with(get_obj(ALICE), "aws:SourceIp", "8.8.8.8")
    ));
    let not = allow().cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]);
    assert!(holds(not, &with(get_obj(ALICE), "aws:SourceIp", "192.0.2.1")));
}

#[test]
fn ip_address_v6_cidr() {
    let s = || allow().cond("IpAddress", "aws:SourceIp", &["2001:DB8:1234:5678::/64"]);
    assert!(holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5678::1")
    ));
    assert!(holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5678:ffff:ffff:ffff:ffff")
    ));
    assert!(!holds(
        s(),
        &with(get_obj(ALICE), "aws:SourceIp", "2001:db8:1234:5679::1")
    ));
    assert!(!holds(s(), &with(get_obj(ALICE), "aws:SourceIp", "203.0.113.5")));
}

#[test]
fn arn_operators_match_by_component() {
    let like = || allow().cond("ArnLike", "aws:SourceArn", &["arn:aws:s3:::bucket-*"]);
    assert!(holds(
        like(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:s3:::bucket-1")
    ));
    assert!(!holds(
        like(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:s3:::other")
    ));
    // A `*` in the region component does not span colons.
    let region = || allow().cond("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:111111111111:topic"]);
    assert!(holds(
        region(),
        &with(
            get_obj(ALICE),
            "aws:SourceArn",
            "arn:aws:sns:us-east-1:111111111111:topic"
        )
    ));
    assert!(!holds(
        region(),
        &with(get_obj(ALICE), "aws:SourceArn", "arn:aws:sns:a:b:111111111111:topic")
    ));
    let not = allow().cond("ArnNotEquals", "aws:PrincipalArn", &[ROLE]);
    assert!(holds(not, &with(get_obj(ALICE), "aws:PrincipalArn", ALICE)));
    assert!(!holds(like(), &with(get_obj(ALICE), "aws:SourceArn", "not-an-arn")));
}

#[test]
fn unknown_operator_never_holds() {
    let mut s = allow().cond("StringEquals", "aws:SourceVpc", &["vpc-1"]);
    if let Some(c) = s.0.condition.as_mut() {
        c.value[0].parsed = None;
    }
    assert!(!holds(s, &with(get_obj(ALICE), "aws:SourceVpc", "vpc-1")));
}

// ---------------------------------------------------------------------------------------------
// Policy variables.

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

// ---------------------------------------------------------------------------------------------
// Context, derived keys and scenarios.

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

mod soundness;
