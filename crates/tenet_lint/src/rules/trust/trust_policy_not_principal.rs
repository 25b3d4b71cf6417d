//! `IAM090 trust-policy-not-principal`: `NotPrincipal` in a role trust policy.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `NotPrincipal` in role trust policies.
    ///
    /// ## Why is this bad?
    /// Role trust policies do not support `NotPrincipal`; IAM rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// A `Principal` with a condition on `aws:PrincipalArn`:
    /// ```json
    /// {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
    ///  "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin"}}}
    /// ```
    ///
    /// ## References
    /// - [AWS JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
    pub struct TrustPolicyNotPrincipal {
        code: "IAM090",
        name: "trust-policy-not-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Role trust policy syntax error notprincipal"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for TrustPolicyNotPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() == PolicyKind::Trust && p.value.negated.value {
            ctx.report_with_help(
                p.value.negated.span,
                "role trust policies do not support `NotPrincipal`",
                "use `Principal` with a condition on `aws:PrincipalArn`",
            );
        }
    }
}
