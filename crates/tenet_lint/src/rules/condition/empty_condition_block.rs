//! `IAM021 empty-condition-block`: `"Condition": {}`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for a `Condition` element that is an empty object.
    ///
    /// ## Why is this bad?
    /// An empty condition block constrains nothing. It usually marks a condition lost in an edit or
    /// a template that rendered nothing, and readers take it for a guard that is not there.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {}}
    /// ```
    ///
    /// ## Use instead
    /// Write the intended condition, or remove the element.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
    pub struct EmptyConditionBlock {
        code: "IAM021",
        name: "empty-condition-block",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Empty object condition"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for EmptyConditionBlock {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if let Some(block) = stmt.condition.as_ref().filter(|c| c.value.is_empty()) {
            ctx.report_with_help(
                block.span,
                "the `Condition` block is empty",
                "write the intended condition, or remove `Condition`",
            );
        }
    }
}
