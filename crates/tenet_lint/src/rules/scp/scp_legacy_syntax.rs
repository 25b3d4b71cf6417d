//! `IAM100 scp-legacy-syntax`: SCP elements that AWS Organizations accepted only after it adopted the
//! full IAM policy language (September 2025).

use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks SCPs for what the original SCP language rejected: a wildcard anywhere but at the end of
    /// an action (`iam:*Role`), `Condition`, `NotAction` or a `Resource` other than `*` in an `Allow`,
    /// and `NotResource`.
    ///
    /// Off by default (category `pedantic`): since September 2025 SCPs support the full IAM policy
    /// language in the commercial and GovCloud partitions. Enable it for organizations where that is
    /// not yet the case, or to keep SCPs portable.
    ///
    /// ## Why is this bad?
    /// Where the legacy SCP language applies, AWS Organizations rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// Allow with `Action` and `"Resource": "*"`, and express exceptions as `Deny` statements.
    ///
    /// ## References
    /// - [SCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html)
    pub struct ScpLegacySyntax {
        code: "IAM100",
        name: "scp-legacy-syntax",
        category: Pedantic,
        severity: Error,
        aa_checks: [
            "SCP syntax error action wildcard",
            "SCP syntax error allow condition",
            "SCP syntax error allow NotAction",
            "SCP syntax error allow resource",
            "SCP syntax error NotResource",
        ],
        parliament: [],
        fixable: false,
    }
}

/// Whether `*` appears anywhere but as the last character.
fn inner_wildcard(action: &str) -> bool {
    action.trim_end_matches('*').contains('*')
}

fn check_actions(ctx: &mut LintContext<'_>, stmt: &Statement) {
    let Some(list) = &stmt.action else { return };
    if list.negated.value && is_allow(stmt) {
        let help = "list the allowed actions in `Action` instead";
        ctx.report_with_help(
            list.negated.span,
            "legacy SCPs do not allow `NotAction` in an `Allow`",
            help,
        );
    }
    for a in list.items.iter().filter(|a| inner_wildcard(&a.value)) {
        let message = format!(
            "legacy SCPs accept `*` only at the end of an action, not in `{}`",
            a.value
        );
        ctx.report_with_help(a.span, message, "list the matching actions individually");
    }
}

fn check_resources(ctx: &mut LintContext<'_>, stmt: &Statement) {
    let Some(list) = &stmt.resource else { return };
    if list.negated.value {
        ctx.report_with_help(
            list.negated.span,
            "legacy SCPs do not support `NotResource`",
            "use `Resource`",
        );
    } else if is_allow(stmt) {
        for r in list.items.iter().filter(|r| r.value != "*") {
            let message = format!("legacy SCPs allow only `\"Resource\": \"*\"`, not `{}`", r.value);
            ctx.report_with_help(r.span, message, "allow on `*` and deny the resources to exclude");
        }
    }
}

impl Rule for ScpLegacySyntax {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if ctx.kind() != PolicyKind::Scp {
            return;
        }
        check_actions(ctx, stmt);
        check_resources(ctx, stmt);
        if let Some(cond) = stmt.condition.as_ref().filter(|_| is_allow(stmt)) {
            let help = "move the condition to a `Deny` statement with the negated operator";
            ctx.report_with_help(cond.span, "legacy SCPs do not allow `Condition` in an `Allow`", help);
        }
    }
}
