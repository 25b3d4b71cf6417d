//! `IAM093 missing-roles-anywhere-actions`: trusting IAM Roles Anywhere without all three actions it
//! needs.

use crate::rules::{is_allow, statement_allows_action};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that a trust policy statement allowing `rolesanywhere.amazonaws.com` allows
    /// `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`.
    ///
    /// ## Why is this bad?
    /// IAM Roles Anywhere needs all three to deliver credentials; without one, every session fails.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"}, "Action": "sts:AssumeRole"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
    ///  "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]}
    /// ```
    ///
    /// ## References
    /// - [Trust model in IAM Roles Anywhere](https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html)
    pub struct MissingRolesAnywhereActions {
        code: "IAM093",
        name: "missing-roles-anywhere-actions",
        category: Correctness,
        severity: Error,
        aa_checks: ["Missing action for roles anywhere trust policy"],
        parliament: [],
        fixable: false,
    }
}

const NEEDED: [&str; 3] = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"];

impl Rule for MissingRolesAnywhereActions {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust || !is_allow(stmt) {
            return;
        }
        let Some((_, service)) = p
            .value
            .entries()
            .find(|(t, v)| *t == PrincipalType::Service && v.value.eq_ignore_ascii_case("rolesanywhere.amazonaws.com"))
        else {
            return;
        };
        let missing: Vec<&str> = NEEDED
            .into_iter()
            .filter(|a| !statement_allows_action(stmt, a))
            .collect();
        if missing.is_empty() {
            return;
        }
        let list = missing.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
        let span = stmt.action.as_ref().map_or(service.span, |a| a.span);
        let d = ctx
            .diagnostic(span, format!("IAM Roles Anywhere also needs {list}"))
            .with_label(service.span, "trusted here")
            .with_help("allow `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`");
        ctx.report(d);
    }
}
