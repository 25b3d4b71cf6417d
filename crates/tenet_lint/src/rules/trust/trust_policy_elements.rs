//! `IAM090 trust-policy-not-principal` and `IAM091 trust-policy-wildcard-principal`.

use crate::rules::is_allow;
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

declare_rule! {
    /// ## What it does
    /// Checks for `"Principal": "*"` (or `{"AWS": "*"}`) in `Allow` statements of role trust policies.
    ///
    /// ## Why is this bad?
    /// It lets anyone, in any account, try to assume the role; Access Analyzer rejects it as a
    /// trust policy principal.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## References
    /// - [AWS JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
    pub struct TrustPolicyWildcardPrincipal {
        code: "IAM091",
        name: "trust-policy-wildcard-principal",
        category: Security,
        severity: Error,
        aa_checks: ["Role trust policy unsupported wildcard in principal"],
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

impl Rule for TrustPolicyWildcardPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() == PolicyKind::Trust && is_allow(stmt) && !p.value.negated.value && p.value.is_any() {
            ctx.report_with_help(
                p.span,
                "the role trusts every principal `*`",
                "name the accounts, roles, services or identity providers that may assume the role",
            );
        }
    }
}
