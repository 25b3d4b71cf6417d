//! `IAM024 invalid-condition-key-format`: a condition key that is not `prefix:name`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that every condition key has the form `prefix:name`: a non-empty service prefix (or
    /// identity provider, such as `token.actions.githubusercontent.com`), a colon and a non-empty
    /// name, with no whitespace.
    ///
    /// ## Why is this bad?
    /// A key without a prefix is never in the request context: the condition never matches (or, for
    /// negated operators, always matches). IAM rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"StringEquals": {"SourceAccount": "111122223333"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    /// ```
    ///
    /// ## References
    /// - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    pub struct InvalidConditionKeyFormat {
        code: "IAM024",
        name: "invalid-condition-key-format",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid condition key format"],
        parliament: [],
        fixable: false,
    }
}

/// Why the key is malformed, if it is.
fn problem(key: &str) -> Option<&'static str> {
    if key.chars().any(char::is_whitespace) {
        return Some("contains whitespace");
    }
    match key.split_once(':') {
        None => Some("has no `prefix:`"),
        Some(("", _)) => Some("has an empty prefix"),
        Some((_, "")) => Some("has an empty name"),
        Some(_) => None,
    }
}

impl Rule for InvalidConditionKeyFormat {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        if let Some(why) = problem(&c.key.value) {
            let message = format!("the condition key `{}` {why}", c.key.value);
            ctx.report_with_help(
                c.key.span,
                message,
                "write keys as `service:name`, e.g. `aws:SourceAccount`",
            );
        }
    }
}
