//! `IAM094 github-oidc-without-subject-condition`: a role trusting GitHub Actions' OIDC provider
//! without a `sub` condition (and the principal lookup that `IAM095` shares).

use super::{federated, provider, Provider, GITHUB_HOST};
use crate::rules::{conditions_on, is_allow};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that a trust policy statement allowing the GitHub Actions OIDC provider
    /// (`token.actions.githubusercontent.com`) has a condition on
    /// `token.actions.githubusercontent.com:sub`.
    ///
    /// ## Why is this bad?
    /// Without it, a workflow in any repository on GitHub, yours or anyone's, can assume the role.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///  "Action": "sts:AssumeRoleWithWebIdentity",
    ///  "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}
    /// ```
    ///
    /// ## Use instead
    /// Add `"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}`.
    ///
    /// ## References
    /// - [Configuring a role for GitHub OIDC identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub)
    pub struct GithubOidcWithoutSubjectCondition {
        code: "IAM094",
        name: "github-oidc-without-subject-condition",
        category: Security,
        severity: Warning,
        aa_checks: ["Missing github repo condition key"],
        parliament: [],
        fixable: false,
    }
}

/// The GitHub provider value of an allowed trust statement, if any.
pub(super) fn github_principal<'a>(
    ctx: &LintContext<'_>,
    stmt: &Statement,
    p: &'a Principals,
) -> Option<&'a Spanned<String>> {
    if ctx.kind() != PolicyKind::Trust || !is_allow(stmt) {
        return None;
    }
    federated(p).find(|v| matches!(provider(&v.value), Some(Provider::Oidc(h)) if h.eq_ignore_ascii_case(GITHUB_HOST)))
}

impl Rule for GithubOidcWithoutSubjectCondition {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        let Some(github) = github_principal(ctx, stmt, &p.value) else {
            return;
        };
        let sub = format!("{GITHUB_HOST}:sub");
        if conditions_on(stmt, &sub).next().is_none() {
            let d = ctx
                .diagnostic(github.span, "any GitHub repository's workflows can assume this role")
                .with_help(format!("add a condition on `{sub}` naming the repository and branch, e.g. `repo:org/repo:ref:refs/heads/main`"));
            ctx.report(d);
        }
    }
}
