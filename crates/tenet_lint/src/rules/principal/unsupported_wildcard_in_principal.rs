//! `IAM084 unsupported-wildcard-in-principal`: `*` or `?` inside a principal value.

use super::has_wildcard;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for wildcards inside principal values: `arn:aws:iam::111122223333:role/*`,
    /// `arn:aws:iam::*:root`, `*.amazonaws.com`. Only a lone `"*"` (everyone) is accepted, as
    /// `"Principal": "*"` or `{"AWS": "*"}`.
    ///
    /// ## Why is this bad?
    /// `Principal` does not match patterns: IAM rejects the policy, or (in some services) the value
    /// matches nothing. To match principals by pattern, use `"AWS": "*"` with an `ArnLike` condition on
    /// `aws:PrincipalArn`.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy-*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"AWS": "*"}, "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/deploy-*"}}}
    /// ```
    ///
    /// ## References
    /// - [AWS JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    pub struct UnsupportedWildcardInPrincipal {
        code: "IAM084",
        name: "unsupported-wildcard-in-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Unsupported wildcard in principal"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for UnsupportedWildcardInPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        for (ty, v) in p.value.entries() {
            let lone_star = v.value == "*" && ty == tenet_ast::PrincipalType::Aws;
            if lone_star || !has_wildcard(&v.value) {
                continue;
            }
            let d = ctx
                .diagnostic(v.span, format!("the `{}` principal `{}` contains a wildcard", ty.as_str(), v.value))
                .with_help("principals do not match patterns: use `\"AWS\": \"*\"` with an `ArnLike` condition on `aws:PrincipalArn`");
            ctx.report(d);
        }
    }
}
