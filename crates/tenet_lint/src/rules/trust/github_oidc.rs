//! `IAM094 github-oidc-without-subject-condition` and `IAM095 github-oidc-broad-subject`: roles that
//! GitHub Actions workflows can assume.

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

/// The GitHub provider value of an allowed trust statement, if any.
fn github_principal<'a>(ctx: &LintContext<'_>, stmt: &Statement, p: &'a Principals) -> Option<&'a Spanned<String>> {
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
