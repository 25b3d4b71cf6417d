//! `IAM098 mismatched-action-for-principal`: `sts:AssumeRoleWithSAML` for an OIDC provider, and the
//! like.

use super::{provider, Provider};
use crate::rules::{actions, is_allow, wildcard_match};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{PolicyKind, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that trust policy statements pair principals with the action they use to assume the
    /// role: SAML providers with `sts:AssumeRoleWithSAML`, OIDC providers with
    /// `sts:AssumeRoleWithWebIdentity`, and neither of those for AWS accounts or services. Only
    /// actions written without wildcards are checked.
    ///
    /// ## Why is this bad?
    /// A mismatched pair never applies: the role cannot be assumed the way the policy intends. IAM
    /// rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}, "Action": "sts:AssumeRoleWithWebIdentity"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}, "Action": "sts:AssumeRoleWithSAML"}
    /// ```
    ///
    /// ## References
    /// - [AssumeRoleWithSAML](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html)
    /// - [AssumeRoleWithWebIdentity](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html)
    pub struct MismatchedActionForPrincipal {
        code: "IAM098",
        name: "mismatched-action-for-principal",
        category: Correctness,
        severity: Error,
        aa_checks: ["Mismatched action for principal"],
        parliament: [],
        fixable: false,
    }
}

const SAML: &str = "sts:AssumeRoleWithSAML";
const WEB: &str = "sts:AssumeRoleWithWebIdentity";
const ASSUME: &str = "sts:AssumeRole";

/// The federation actions that do not fit a principal of this kind.
fn wrong_actions(ty: PrincipalType, value: &str) -> &'static [&'static str] {
    match (ty, provider(value)) {
        (PrincipalType::Federated, Some(Provider::Saml)) => &[WEB, ASSUME],
        (PrincipalType::Federated, Some(Provider::Oidc(_))) => &[SAML, ASSUME],
        (PrincipalType::Federated, None) => &[],
        _ => &[SAML, WEB],
    }
}

impl Rule for MismatchedActionForPrincipal {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust || !is_allow(stmt) || p.value.is_any() {
            return;
        }
        let entries: Vec<_> = p.value.entries().collect();
        for action in actions(stmt).iter().filter(|a| !has_wildcard(&a.value)) {
            let mismatched: Vec<&str> = entries
                .iter()
                .filter(|(ty, v)| {
                    wrong_actions(*ty, &v.value)
                        .iter()
                        .any(|w| wildcard_match(w, &action.value, true))
                })
                .map(|(_, v)| v.value.as_str())
                .collect();
            // Several principal types in one statement may each need a different action; only a
            // statement where no principal fits the action is an error.
            if mismatched.len() < entries.len() || mismatched.is_empty() {
                continue;
            }
            let help = "use `sts:AssumeRoleWithSAML` for SAML providers, `sts:AssumeRoleWithWebIdentity` for OIDC providers, `sts:AssumeRole` otherwise";
            let message = format!("`{}` cannot be used by `{}`", action.value, mismatched.join("`, `"));
            ctx.report_with_help(action.span, message, help);
        }
    }
}
