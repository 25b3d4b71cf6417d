//! `IAM095 github-oidc-broad-subject`: a role trusting GitHub Actions with a `sub` condition that
//! admits every repository, branch or environment.

use super::github_oidc_without_subject_condition::github_principal;
use super::GITHUB_HOST;
use crate::rules::conditions_on;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks the values of `token.actions.githubusercontent.com:sub` in trust policies for wildcards
    /// that open the role to more than one repository (`repo:octo-org/*`, `*`), or to every branch and
    /// environment of a repository (`repo:octo-org/octo-repo:*`) when no
    /// `token.actions.githubusercontent.com:ref` condition pins the branch.
    ///
    /// ## Why is this bad?
    /// Any workflow the pattern matches can assume the role, including one on a branch that anyone
    /// with write access (or a pull request) can push.
    ///
    /// ## Example
    /// ```json
    /// {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}}
    /// ```
    ///
    /// ## References
    /// - [Configuring a role for GitHub OIDC identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub)
    pub struct GithubOidcBroadSubject {
        code: "IAM095",
        name: "github-oidc-broad-subject",
        category: Security,
        severity: Warning,
        aa_checks: ["Specific github repo and branch recommended"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for GithubOidcBroadSubject {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if github_principal(ctx, stmt, &p.value).is_none() {
            return;
        }
        let has_ref = conditions_on(stmt, &format!("{GITHUB_HOST}:ref")).next().is_some();
        for c in conditions_on(stmt, &format!("{GITHUB_HOST}:sub")) {
            for v in &c.values {
                if let Some(why) = breadth(&v.value.as_text(), has_ref) {
                    let d = ctx
                        .diagnostic(v.span, format!("the subject `{}` {why}", v.value.as_text()))
                        .with_help(format!(
                            "name the repository and branch, or pin the branch with `{GITHUB_HOST}:ref`"
                        ));
                    ctx.report(d);
                }
            }
        }
    }
}

/// Why a subject pattern is too broad, given whether a `:ref` condition pins the branch.
fn breadth(value: &str, has_ref: bool) -> Option<&'static str> {
    let wild = value.find(['*', '?'])?;
    let repo_end = value
        .strip_prefix("repo:")
        .and_then(|rest| rest.find(':').map(|i| i + "repo:".len()));
    match repo_end {
        Some(end) if wild > end => (!has_ref).then_some("matches every branch and environment of the repository"),
        _ => Some("matches more than one repository"),
    }
}
