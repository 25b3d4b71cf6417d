//! `IAM087 service-principal-weak-condition`: a grant to an AWS service guarded only by a weak
//! condition on the source of the request.

use super::service_principal_without_source_condition::{allowed_service, key_in, SOURCE_KEYS, WEAK_KEYS};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Principals, Spanned, Statement};

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
