//! `IAM208 unsupported-tag-condition-key`: `aws:ResourceTag`, `aws:RequestTag` or `aws:TagKeys` with
//! actions of services that do not support them.

use super::{action_supports_key, has_wildcard};
use crate::{declare_rule, LintContext, Rule, Severity};
use tenet_ast::{Condition, Effect, Spanned, Statement};
use tenet_catalog::catalog;

declare_rule! {
    /// ## What it does
    /// Checks statements whose condition uses a tag key (`aws:ResourceTag/…`, `aws:RequestTag/…`,
    /// `aws:TagKeys`) for actions of services, or named actions, that do not support it, and
    /// `NotAction` statements with such a key. A `Deny` is a warning (the listed actions are not
    /// denied); an `Allow` is a suggestion (they are not allowed).
    ///
    /// ## Why is this bad?
    /// The key is absent from the requests of an action that does not support it: the `Deny`
    /// condition is false and the action is never denied, however the resource is tagged.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Action": ["ec2:TerminateInstances", "lambda:DeleteFunction"], "Resource": "*",
    ///  "Condition": {"StringEquals": {"aws:ResourceTag/status": "Confidential"}}}
    /// ```
    ///
    /// ## Use instead
    /// Deny `lambda:DeleteFunction` in a separate statement scoped by resource name.
    ///
    /// ## References
    /// - [Controlling access to AWS resources using tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html)
    pub struct UnsupportedTagConditionKey {
        code: "IAM208",
        name: "unsupported-tag-condition-key",
        category: Security,
        severity: Warning,
        aa_checks: [
            "Deny with unsupported tag condition key for service",
            "Deny NotAction with unsupported tag condition key for service",
            "Allow with unsupported tag condition key for service",
            "Allow NotAction with unsupported tag condition key for service",
        ],
        parliament: [],
        fixable: false,
    }
}

/// The catalog's name for a tag key, or `None` for other keys.
fn tag_key(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("aws:resourcetag/") {
        Some("aws:ResourceTag/${TagKey}")
    } else if lower.starts_with("aws:requesttag/") {
        Some("aws:RequestTag/${TagKey}")
    } else if lower == "aws:tagkeys" {
        Some("aws:TagKeys")
    } else {
        None
    }
}

/// The services (named actions: the actions) of the statement that do not support `key`.
fn unsupported(stmt: &Statement, key: &str, written: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in stmt.action.iter().flat_map(|l| l.value.items.iter()) {
        if has_wildcard(&item.value) {
            let Some((prefix, _)) = item.value.split_once(':') else {
                continue;
            };
            let Some(service) = catalog().service(prefix) else {
                continue;
            };
            let supports = service.condition_keys.iter().any(|k| k.name.eq_ignore_ascii_case(key));
            let name = format!("`{}`", service.prefix);
            if !supports && !out.contains(&name) {
                out.push(name);
            }
        } else if let Some((service, action)) = catalog().action(&item.value) {
            if !action_supports_key(service, action, written) {
                out.push(format!("`{}`", item.value));
            }
        }
    }
    out
}

impl Rule for UnsupportedTagConditionKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, c: &Condition) {
        let Some(key) = tag_key(&c.key.value) else {
            return;
        };
        let Some(effect) = stmt.value.effect() else {
            return;
        };
        let Some(list) = &stmt.value.action else {
            return;
        };
        let verb = if effect == Effect::Deny { "denied" } else { "allowed" };
        let mut d = if list.value.negated.value {
            ctx.diagnostic(
                c.key.span,
                format!(
                    "`NotAction` with the tag key `{}` covers actions that do not support it",
                    c.key.value
                ),
            )
            .with_label(
                list.value.negated.span,
                format!("actions of services without tag support are not {verb} by this statement"),
            )
            .with_help("list the actions in `Action` instead of `NotAction`")
        } else {
            let missing = unsupported(&stmt.value, key, &c.key.value);
            if missing.is_empty() {
                return;
            }
            ctx.diagnostic(
                c.key.span,
                format!(
                    "the tag key `{}` is not supported by {}",
                    c.key.value,
                    missing.join(", ")
                ),
            )
            .with_help(format!(
                "these are not {verb} by this statement; move them to a statement without the tag condition"
            ))
        };
        if effect == Effect::Allow {
            d.severity = d.severity.min(Severity::Info);
        }
        ctx.report(d);
    }
}
