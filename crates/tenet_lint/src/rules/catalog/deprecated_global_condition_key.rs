//! `IAM204 deprecated-global-condition-key`: a global condition key AWS no longer documents.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};
use tenet_catalog::catalog;

/// Replacements for deprecated keys, when AWS names one.
const REPLACEMENTS: &[(&str, &str)] = &[("aws:SourceOwner", "`aws:SourceAccount` or `aws:SourceArn`")];

declare_rule! {
    /// ## What it does
    /// Checks for global condition keys that the catalog marks as deprecated (e.g. `aws:SourceOwner`).
    ///
    /// ## Why is this bad?
    /// Services stop populating deprecated keys: a condition on one may stop matching, and a guard
    /// that relies on it (a confused-deputy check) may silently stop protecting.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:SourceOwner": "111122223333"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
    /// ```
    ///
    /// ## References
    /// - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    pub struct DeprecatedGlobalConditionKey {
        code: "IAM204",
        name: "deprecated-global-condition-key",
        category: Suspicious,
        severity: Warning,
        aa_checks: ["Deprecated global condition key"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for DeprecatedGlobalConditionKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(key) = catalog().global_condition_key(&c.key.value) else {
            return;
        };
        if !key.deprecated {
            return;
        }
        let help = match REPLACEMENTS.iter().find(|(k, _)| k.eq_ignore_ascii_case(key.name)) {
            Some((_, r)) => format!("use {r} instead"),
            None => "use a current global condition key".to_owned(),
        };
        let d = ctx
            .diagnostic(
                c.key.span,
                format!("the global condition key `{}` is deprecated", c.key.value),
            )
            .with_help(help);
        ctx.report(d);
    }
}
