//! `IAM023 bool-with-multiple-values`: `Bool` with several values.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, ConditionOperator, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for the `Bool` operator given more than one value.
    ///
    /// ## Why is this bad?
    /// Boolean keys carry one value; listing several (`["true", "false"]`) matches anything that has
    /// the key and says nothing, or says something unintended. IAM rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"Bool": {"aws:SecureTransport": ["true", "false"]}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Bool": {"aws:SecureTransport": "true"}}
    /// ```
    ///
    /// ## References
    /// - [Boolean condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean)
    pub struct BoolWithMultipleValues {
        code: "IAM023",
        name: "bool-with-multiple-values",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid condition multiple Boolean"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for BoolWithMultipleValues {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let is_bool = c.parsed.is_some_and(|op| op.operator == ConditionOperator::Bool);
        let [first, .., last] = c.values.as_slice() else {
            return;
        };
        if !is_bool {
            return;
        }
        let span = first.span.cover(last.span);
        let message = format!("`Bool` gives `{}` {} values", c.key.value, c.values.len());
        ctx.report_with_help(span, message, "a Boolean key has one value: keep `true` or `false`");
    }
}
