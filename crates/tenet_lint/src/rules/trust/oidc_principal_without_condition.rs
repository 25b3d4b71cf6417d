//! `IAM096 oidc-principal-without-condition`: trusting an OIDC provider with no condition on its
//! claims.

use super::{federated, provider, Provider, GITHUB_HOST};
use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that a trust policy statement allowing an OIDC identity provider has a condition on
    /// one of that provider's claims (a key prefixed with the provider's host, such as
    /// `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub` or `accounts.google.com:aud`). GitHub Actions
    /// is covered by `github-oidc-without-subject-condition`.
    ///
    /// ## Why is this bad?
    /// Without a claim condition, every identity the provider issues tokens for (every user of the
    /// Google sign-in, every service account of the cluster) can assume the role.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
    ///  "Condition": {"StringEquals": {"accounts.google.com:aud": "66677788899.apps.googleusercontent.com"}}}
    /// ```
    ///
    /// ## References
    /// - [Creating a role for web identity or OpenID Connect Federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html)
    pub struct OidcPrincipalWithoutCondition {
        code: "IAM096",
        name: "oidc-principal-without-condition",
        category: Security,
        severity: Warning,
        aa_checks: ["Missing condition key for oidc principal"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for OidcPrincipalWithoutCondition {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust || !is_allow(stmt) {
            return;
        }
        for v in federated(&p.value) {
            let Some(Provider::Oidc(host)) = provider(&v.value) else {
                continue;
            };
            if host.eq_ignore_ascii_case(GITHUB_HOST) {
                continue;
            }
            let prefix = format!("{}:", host.to_ascii_lowercase());
            let constrained = stmt
                .conditions()
                .iter()
                .any(|c| c.key.value.to_ascii_lowercase().starts_with(&prefix));
            if !constrained {
                let d = ctx
                    .diagnostic(
                        v.span,
                        format!("every identity of the provider `{host}` can assume this role"),
                    )
                    .with_help(format!(
                        "add a condition on the provider's claims, e.g. `{host}:aud` or `{host}:sub`"
                    ));
                ctx.report(d);
            }
        }
    }
}
