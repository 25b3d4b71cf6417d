//! `IAM201 unknown-action`: an action (or pattern) that names no action of a known service.

use super::retired::{listed, RETIRED_ACTIONS};
use super::{closest, has_wildcard};
use crate::{declare_rule, LintContext, Rule, Severity};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::catalog;

declare_rule! {
    /// ## What it does
    /// Checks that every action of a known service exists (`s3:GetObjekt` does not), and that every
    /// wildcard pattern (`s3:Get*Foo`) matches at least one action. Suggests the closest action name.
    /// Actions that AWS itself still ships in managed policies after removing them are warnings.
    ///
    /// ## Why is this bad?
    /// IAM accepts unknown actions and ignores them: a typo in a `Deny` leaves the action allowed, a
    /// typo in an `Allow` breaks the workload only at run time.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Action": "s3:DeleteObjekt", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct UnknownAction {
        code: "IAM201",
        name: "unknown-action",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid action"],
        parliament: ["UNKNOWN_ACTION"],
        fixable: false,
    }
}

impl Rule for UnknownAction {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(list) = &stmt.action else {
            return;
        };
        for item in &list.value.items {
            let Some((prefix, name)) = item.value.split_once(':') else {
                continue;
            };
            // Whitespace is the grammar's finding (`SYN113`); one fault, one finding.
            if name.is_empty() || has_wildcard(prefix) || item.value.contains(char::is_whitespace) {
                continue;
            }
            let Some(service) = catalog().service(prefix) else {
                continue;
            };
            if has_wildcard(name) {
                if catalog().expand_action(&item.value).is_empty() {
                    let d = ctx
                        .diagnostic(
                            item.span,
                            format!("`{}` matches no action of `{}`", item.value, service.prefix),
                        )
                        .with_help(format!("check the pattern against the actions of {}", service.name));
                    ctx.report(d);
                }
                continue;
            }
            if service.action(name).is_some() {
                continue;
            }
            let removed = listed(RETIRED_ACTIONS, &item.value);
            let mut d = if removed {
                let mut d = ctx.diagnostic(
                    item.span,
                    format!("the action `{}` is not in AWS's service reference", item.value),
                );
                d.severity = d.severity.min(Severity::Warning);
                d.with_help(
                    "AWS managed policies still name it, but IAM knows no such action: it grants or denies nothing",
                )
            } else {
                ctx.diagnostic(item.span, format!("the action `{}` does not exist", item.value))
            };
            if !removed {
                d = match closest(name, service.actions().iter().map(|a| a.name)) {
                    Some(a) => d.with_help(format!("did you mean `{}:{a}`?", service.prefix)),
                    None => d.with_help(format!("use an action of {}", service.name)),
                };
            }
            ctx.report(d);
        }
    }
}
