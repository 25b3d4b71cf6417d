//! `IAM114 redundant-principal-in-trust-policy`: an assumed-role session beside its role.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks role trust policies for an assumed-role session principal
    /// (`arn:aws:sts::111122223333:assumed-role/name/session`) named beside its role
    /// (`arn:aws:iam::111122223333:role/name`).
    ///
    /// ## Why is this bad?
    /// Naming the role already covers its sessions; the session entry adds nothing and suggests a
    /// narrower grant than the policy makes.
    ///
    /// ## Example
    /// ```json
    /// {"Principal": {"AWS": ["arn:aws:iam::111122223333:role/ci", "arn:aws:sts::111122223333:assumed-role/ci/build"]}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}}
    /// ```
    ///
    /// ## References
    /// - [Role session principals](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session)
    pub struct RedundantPrincipalInTrustPolicy {
        code: "IAM114",
        name: "redundant-principal-in-trust-policy",
        category: Style,
        severity: Info,
        aa_checks: ["Redundant principal in role trust policy"],
        parliament: [],
        fixable: false,
    }
}

/// `(partition, account, role name)` of an assumed-role session ARN.
fn session_role(value: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let ["arn", partition, "sts", "", account, resource] = parts[..] else {
        return None;
    };
    let (name, _session) = resource.strip_prefix("assumed-role/")?.split_once('/')?;
    Some((partition, account, name))
}

/// Whether `value` is the ARN of that role; a role's path is not part of its sessions' ARNs, so
/// `role/path/name` matches the session of `name`.
fn is_role(value: &str, (partition, account, name): (&str, &str, &str)) -> bool {
    let Some(path) = value.strip_prefix(&format!("arn:{partition}:iam::{account}:role/")) else {
        return false;
    };
    path.rsplit('/').next() == Some(name)
}

impl Rule for RedundantPrincipalInTrustPolicy {
    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust {
            return;
        }
        let aws: Vec<&Spanned<String>> = p
            .value
            .entries()
            .filter(|(t, _)| *t == PrincipalType::Aws)
            .map(|(_, v)| v)
            .collect();
        for session in &aws {
            let Some(role) = session_role(&session.value) else {
                continue;
            };
            let Some(parent) = aws.iter().find(|v| is_role(&v.value, role)) else {
                continue;
            };
            let d = ctx
                .diagnostic(
                    session.span,
                    format!("the session `{}` is covered by its role", session.value),
                )
                .with_label(parent.span, "the role")
                .with_help("remove the assumed-role principal");
            ctx.report(d);
        }
    }
}
