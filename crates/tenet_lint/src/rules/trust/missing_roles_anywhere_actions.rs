//! `IAM093 missing-roles-anywhere-actions`: trusting IAM Roles Anywhere without all three actions it
//! needs.

use crate::rules::{is_allow, statement_allows_action};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalType, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that a trust policy that allows `rolesanywhere.amazonaws.com` allows it
    /// `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`, in one statement or spread
    /// over several.
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

fn is_roles_anywhere(ty: PrincipalType, value: &str) -> bool {
    ty == PrincipalType::Service && value.eq_ignore_ascii_case("rolesanywhere.amazonaws.com")
}

fn trusts_roles_anywhere(p: &Principals) -> bool {
    !p.negated.value && p.entries().any(|(t, v)| is_roles_anywhere(t, &v.value))
}

impl Rule for MissingRolesAnywhereActions {
    fn check_principal(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Trust || !is_allow(stmt) {
            return;
        }
        let Some((_, service)) = p.value.entries().find(|(t, v)| is_roles_anywhere(*t, &v.value)) else {
            return;
        };
        // The actions may be split over several statements that trust Roles Anywhere (EKS hybrid
        // nodes' documented trust policy does so): look at the whole policy.
        let trusting: Vec<&Statement> = ctx
            .statements()
            .iter()
            .map(|s| &s.value)
            .filter(|s| is_allow(s) && s.principal.as_ref().is_some_and(|p| trusts_roles_anywhere(&p.value)))
            .collect();
        let missing: Vec<&str> = NEEDED
            .into_iter()
            .filter(|a| !trusting.iter().any(|s| statement_allows_action(s, a)))
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
