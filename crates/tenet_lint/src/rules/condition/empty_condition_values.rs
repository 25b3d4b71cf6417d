//! `IAM020 empty-condition-values`: a condition key with `[]` as its values.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, SetQualifier, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for condition keys whose value is an empty array, with or without `ForAllValues:`,
    /// `ForAnyValue:` or `...IfExists`.
    ///
    /// ## Why is this bad?
    /// An empty list says something other than it seems: a plain operator with no value never
    /// matches; `ForAnyValue:` with no value never matches; `ForAllValues:` and `...IfExists` with no
    /// value match only when the key is absent from the request, which `Null` says plainly.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": []}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"Null": {"aws:TagKeys": "true"}}}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
    pub struct EmptyConditionValues {
        code: "IAM020",
        name: "empty-condition-values",
        category: Suspicious,
        severity: Info,
        aa_checks: [
            "Empty array condition",
            "Empty array condition ForAllValues",
            "Empty array condition ForAnyValue",
            "Empty array condition IfExists",
        ],
        parliament: [],
        fixable: false,
    }
}

impl Rule for EmptyConditionValues {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        // Only an empty array: a value of the wrong type also lowers to no values, and the
        // reader already reported it (`SYN006`): one fault, one finding.
        if !c.values.is_empty() || !c.is_array {
            return;
        }
        let key = &c.key.value;
        let (what, help) = match c.parsed {
            Some(op) if op.qualifier == Some(SetQualifier::ForAnyValue) => (
                "never matches",
                "list the values, or remove the condition and the statement it disables".to_owned(),
            ),
            Some(op) if op.qualifier == Some(SetQualifier::ForAllValues) || op.if_exists => (
                "matches only when the key is absent",
                format!("to test that the key is absent, write `\"Null\": {{\"{key}\": \"true\"}}`"),
            ),
            _ => ("never matches", "list the values the key must have".to_owned()),
        };
        let d = ctx
            .diagnostic(
                c.key.span,
                format!("the condition on `{key}` has no values, so it {what}"),
            )
            .with_label(c.operator.span, "under this operator")
            .with_help(help);
        ctx.report(d);
    }
}
