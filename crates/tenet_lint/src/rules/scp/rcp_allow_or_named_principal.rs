//! `IAM101 rcp-allow-or-named-principal`: an RCP statement that allows, that names a principal
//! other than `"*"`, or that uses an element RCPs do not have (`NotPrincipal`, `NotAction`).

use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, PrincipalValue, Principals, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that every statement of a resource control policy (RCP) is a `Deny` with
    /// `"Principal": "*"`. The one `Allow` an RCP may hold is the shape of the AWS managed
    /// `RCPFullAWSAccess` (`Allow` of `"*"` on `"*"` to `"*"`, no condition), which AWS attaches at
    /// every level of the organization and which cannot be detached. Also checks for `NotAction`,
    /// which the RCP grammar does not have (its elements are `Version`, `Statement`, `Sid`,
    /// `Effect`, `Principal`, `Action`, `Resource`, `NotResource` and `Condition`).
    ///
    /// ## Why is this bad?
    /// RCPs only restrict: AWS Organizations rejects an RCP with any other `Allow`, and requires the
    /// `Principal` of each statement to be `"*"` (`NotPrincipal` is not supported), and the actions to
    /// be listed in `Action` (`NotAction` is not supported either). Exceptions for
    /// principals go in the `Condition` (`aws:PrincipalArn`, `aws:PrincipalOrgID`, ...).
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
    ///  "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}}
    /// ```
    ///
    /// ## References
    /// - [RCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
    pub struct RcpAllowOrNamedPrincipal {
        code: "IAM101",
        name: "rcp-allow-or-named-principal",
        category: Correctness,
        severity: Error,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

/// Whether a list element is exactly `"*"`.
fn is_star(list: Option<&Spanned<tenet_ast::ElementList>>) -> bool {
    list.is_some_and(|l| !l.value.negated.value && matches!(l.value.items.as_slice(), [only] if only.value == "*"))
}

/// The shape of `RCPFullAWSAccess`: allow everything to everyone, unconditionally.
fn is_full_access(stmt: &Statement) -> bool {
    let everyone = stmt
        .principal
        .as_ref()
        .is_some_and(|p| !p.value.negated.value && matches!(p.value.value, PrincipalValue::Any));
    everyone && is_star(stmt.action.as_ref()) && is_star(stmt.resource.as_ref()) && stmt.condition.is_none()
}

impl Rule for RcpAllowOrNamedPrincipal {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if ctx.kind() != PolicyKind::Rcp {
            return;
        }
        if let Some(list) = stmt.value.action.as_ref().filter(|l| l.value.negated.value) {
            ctx.report_with_help(
                list.value.negated.span,
                "a resource control policy cannot use `NotAction`",
                "list the actions to deny in `Action`; RCPs have `NotResource` but no `NotAction`",
            );
        }
        if !is_allow(stmt) || is_full_access(stmt) {
            return;
        }
        let Some(effect) = &stmt.value.effect else {
            return;
        };
        ctx.report_with_help(
            effect.span,
            "a resource control policy can only deny: this `Allow` is rejected",
            "write the restriction as a `Deny` with `\"Principal\": \"*\"`; full access comes from `RCPFullAWSAccess`",
        );
    }

    fn check_principal(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, p: &Spanned<Principals>) {
        if ctx.kind() != PolicyKind::Rcp || matches!(p.value.value, PrincipalValue::Any) && !p.value.negated.value {
            return;
        }
        let message = if p.value.negated.value {
            "a resource control policy cannot use `NotPrincipal`"
        } else {
            "the `Principal` of a resource control policy must be `\"*\"`"
        };
        ctx.report_with_help(
            p.span,
            message,
            "use `\"Principal\": \"*\"` and name exceptions in the `Condition` (`aws:PrincipalArn`, `aws:PrincipalAccount`)",
        );
    }
}
