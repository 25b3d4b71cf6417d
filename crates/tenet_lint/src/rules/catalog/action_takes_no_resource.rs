//! `IAM213 action-takes-no-resource`: an action without resource types in a statement whose
//! `Resource` lists only specific ARNs.

use super::has_wildcard;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::catalog;

declare_rule! {
    /// ## What it does
    /// Checks for a named action that the Service Authorization Reference lists without resource
    /// types (`iam:ListRoles`, `sqs:ListQueues`, `organizations:CreateAccount`) in a statement whose
    /// `Resource` holds only specific ARNs. An ARN whose resource part is only `*`
    /// (`arn:aws:s3:::*`) is left alone, as AWS's own examples use it. An `info` finding: a few
    /// services authorize such actions against ARNs the reference does not list (AWS's guides grant
    /// `iam:ListUsers` on a user path and `s3:PutStorageLensConfiguration` on a dashboard ARN).
    ///
    /// ## Why is this bad?
    /// Such an action is authorized against `"Resource": "*"` only: a statement that names ARNs
    /// neither grants nor denies it, and the caller gets an `AccessDenied` the policy seems to rule
    /// out (or a `Deny` stops nothing).
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "arn:aws:iam::111122223333:role/app"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "arn:aws:iam::111122223333:role/app"},
    ///  {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    pub struct ActionTakesNoResource {
        code: "IAM213",
        name: "action-takes-no-resource",
        category: Suspicious,
        severity: Info,
        aa_checks: [],
        parliament: ["RESOURCE_MISMATCH"],
        fixable: false,
    }
}

/// Whether an item of `Resource` may stand for `*`: `*` itself, a variable, or an ARN whose resource
/// part is only wildcards.
fn may_be_star(item: &str) -> bool {
    if !item.starts_with("arn:") || item.contains("${") {
        return true;
    }
    item.splitn(6, ':')
        .nth(5)
        .is_none_or(|resource| resource.chars().all(|c| c == '*'))
}

impl Rule for ActionTakesNoResource {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let (Some(actions), Some(resources)) = (&stmt.value.action, &stmt.value.resource) else {
            return;
        };
        if actions.value.negated.value || resources.value.negated.value {
            return;
        }
        let items = &resources.value.items;
        if items.is_empty() || items.iter().any(|r| may_be_star(&r.value)) {
            return;
        }
        for item in actions.value.items.iter().filter(|a| !has_wildcard(&a.value)) {
            let Some((_, action)) = catalog().action(&item.value) else {
                continue;
            };
            if !action.resources.is_empty() {
                continue;
            }
            let d = ctx
                .diagnostic(
                    item.span,
                    format!(
                        "`{}` takes no resource: only `\"Resource\": \"*\"` matches it",
                        item.value
                    ),
                )
                .with_label(resources.span, "only specific ARNs here")
                .with_help("move the action to a statement with `\"Resource\": \"*\"`");
            ctx.report(d);
        }
    }
}
