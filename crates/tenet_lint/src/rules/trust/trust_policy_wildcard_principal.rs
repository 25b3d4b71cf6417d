//! `IAM091 trust-policy-wildcard-principal`: a wildcard principal in a role trust policy.

use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Principals, Spanned, Statement};

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
