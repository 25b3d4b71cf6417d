//! `IAM086 service-principal-without-source-condition`, `IAM087 service-principal-weak-condition` and
//! `IAM088 unsupported-condition-key-for-service-principal`: conditions on grants to AWS services
//! (the confused deputy problem).

use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, OperatorFamily, PolicyKind, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that a resource or key policy statement that allows an AWS service principal limits the
    /// source with `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`.
    ///
    /// ## Why is this bad?
    /// A service acts for every customer. Without a source condition, any account can make the service
    /// use your resource on its behalf: the confused deputy problem.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/*",
    ///  "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
    /// ```
    ///
    /// ## References
    /// - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    pub struct ServicePrincipalWithoutSourceCondition {
        code: "IAM086",
        name: "service-principal-without-source-condition",
        category: Security,
        severity: Warning,
        aa_checks: ["Restrict access to service principal"],
        parliament: [],
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for grants to AWS service principals that are limited only by keys that do not identify
    /// the source, such as `aws:Referer`, `aws:SourceIp` or `aws:UserAgent`.
    ///
    /// ## Why is this bad?
    /// Those keys do not say on whose behalf the service acts; `aws:SourceArn`, `aws:SourceAccount`,
    /// `aws:SourceOrgID` and `aws:SourceOrgPaths` do, and prevent the confused deputy problem.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringLike": {"aws:Referer": "https://example.com/*"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}
    /// ```
    ///
    /// ## References
    /// - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    pub struct ServicePrincipalWeakCondition {
        code: "IAM087",
        name: "service-principal-weak-condition",
        category: Security,
        severity: Info,
        aa_checks: ["Recommended condition key for service principal"],
        parliament: [],
        fixable: false,
    }
}

declare_rule! {
    /// ## What it does
    /// Checks for conditions on principal properties that AWS service principals do not have
    /// (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalTag/…`, `aws:username`,
    /// `aws:userid`) in statements whose only principals are service principals.
    ///
    /// ## Why is this bad?
    /// The key is absent from the service's requests: the condition never matches (or, negated,
    /// always matches), so the statement does not do what it says.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"Service": "cloudfront.amazonaws.com"}, "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - [Properties of the principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties)
    pub struct UnsupportedConditionKeyForServicePrincipal {
        code: "IAM088",
        name: "unsupported-condition-key-for-service-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Unsupported condition key for service principal"],
        parliament: [],
        fixable: false,
    }
}

const SOURCE_KEYS: [&str; 5] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
];
const WEAK_KEYS: [&str; 5] = [
    "aws:Referer",
    "aws:SourceIp",
    "aws:UserAgent",
    "aws:SourceVpc",
    "aws:SourceVpce",
];

fn key_in(c: &Condition, keys: &[&str]) -> bool {
    keys.iter().any(|k| c.key.value.eq_ignore_ascii_case(k))
}

/// The first `Service` principal of an `Allow` in a resource or key policy.
fn allowed_service<'a>(ctx: &LintContext<'_>, stmt: &Statement, p: &'a Principals) -> Option<&'a Spanned<String>> {
    let kind_ok = matches!(ctx.kind(), PolicyKind::Resource | PolicyKind::Key);
    if !kind_ok || !is_allow(stmt) || p.negated.value {
        return None;
    }
    p.entries().find(|(t, _)| *t == PrincipalType::Service).map(|(_, v)| v)
}

impl Rule for ServicePrincipalWithoutSourceCondition {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let Some(service) = allowed_service(ctx, stmt, &p.value) else {
            return;
        };
        let conditions = stmt.conditions();
        if conditions
            .iter()
            .any(|c| key_in(c, &SOURCE_KEYS) || key_in(c, &WEAK_KEYS))
        {
            return;
        }
        let d = ctx
            .diagnostic(
                service.span,
                format!(
                    "the service principal `{}` is allowed without a source condition",
                    service.value
                ),
            )
            .with_help("limit it with `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`");
        ctx.report(d);
    }
}

impl Rule for ServicePrincipalWeakCondition {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let Some(service) = allowed_service(ctx, stmt, &p.value) else {
            return;
        };
        let conditions = stmt.conditions();
        if conditions.iter().any(|c| key_in(c, &SOURCE_KEYS)) {
            return;
        }
        for c in conditions.iter().filter(|c| key_in(c, &WEAK_KEYS)) {
            let d = ctx
                .diagnostic(
                    c.key.span,
                    format!(
                        "`{}` does not say on whose behalf `{}` acts",
                        c.key.value, service.value
                    ),
                )
                .with_help(
                    "use `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths` instead",
                );
            ctx.report(d);
        }
    }
}

fn is_principal_property(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    [
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:username",
        "aws:userid",
    ]
    .contains(&lower.as_str())
        || lower.starts_with("aws:principaltag/")
}

impl Rule for UnsupportedConditionKeyForServicePrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let mut entries = p.value.entries().peekable();
        let only_services = entries.peek().is_some() && entries.all(|(t, _)| t == PrincipalType::Service);
        if !only_services || p.value.negated.value {
            return;
        }
        for c in stmt.conditions().iter().filter(|c| is_principal_property(&c.key.value)) {
            // `Null` and `...IfExists` test presence on purpose.
            let tests_presence = c
                .parsed
                .is_some_and(|op| op.if_exists || op.operator.family() == OperatorFamily::Null);
            if tests_presence {
                continue;
            }
            let d = ctx
                .diagnostic(c.key.span, format!("service principals have no `{}`", c.key.value))
                .with_help(
                    "for services use `aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceAccount` or `aws:SourceArn`",
                );
            ctx.report(d);
        }
    }
}
