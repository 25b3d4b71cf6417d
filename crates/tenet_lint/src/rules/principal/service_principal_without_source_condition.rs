//! `IAM086 service-principal-without-source-condition`: a grant to an AWS service with no condition
//! on the source of the request (the confused deputy problem), and the lookups that `IAM087` and
//! `IAM088` share.

use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, PolicyKind, PrincipalType, Principals, Spanned, Statement};

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

pub(super) const SOURCE_KEYS: [&str; 5] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
];
pub(super) const WEAK_KEYS: [&str; 5] = [
    "aws:Referer",
    "aws:SourceIp",
    "aws:UserAgent",
    "aws:SourceVpc",
    "aws:SourceVpce",
];

pub(super) fn key_in(c: &Condition, keys: &[&str]) -> bool {
    keys.iter().any(|k| c.key.value.eq_ignore_ascii_case(k))
}

/// The first `Service` principal of an `Allow` in a resource or key policy.
pub(super) fn allowed_service<'a>(
    ctx: &LintContext<'_>,
    stmt: &Statement,
    p: &'a Principals,
) -> Option<&'a Spanned<String>> {
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
