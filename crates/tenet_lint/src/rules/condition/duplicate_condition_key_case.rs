//! `IAM022 duplicate-condition-key-case`: one operator block names a key twice in different case.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for an operator block that names the same condition key twice with different
    /// capitalization, e.g. `aws:SourceIp` and `aws:sourceip` under one `IpAddress`.
    ///
    /// ## Why is this bad?
    /// Condition key names are case-insensitive, so both entries test the same key, and which one
    /// takes effect is up to the JSON reader. IAM rejects the policy. (Exact duplicates are the
    /// parser's `SYN004 duplicate-key`.)
    ///
    /// ## Example
    /// ```json
    /// {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:principaltag/team": "b"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)
    pub struct DuplicateConditionKeyCase {
        code: "IAM022",
        name: "duplicate-condition-key-case",
        category: Correctness,
        severity: Error,
        aa_checks: ["Duplicate keys with different case"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for DuplicateConditionKeyCase {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let conditions = stmt.conditions();
        for (i, c) in conditions.iter().enumerate() {
            let earlier = conditions.iter().take(i).find(|e| {
                e.operator.value == c.operator.value
                    && e.key.value != c.key.value
                    && e.key.value.eq_ignore_ascii_case(&c.key.value)
            });
            if let Some(first) = earlier {
                let d = ctx
                    .diagnostic(
                        c.key.span,
                        format!(
                            "the key `{}` repeats `{}` in another case",
                            c.key.value, first.key.value
                        ),
                    )
                    .with_label(first.key.span, "the same key, as first written")
                    .with_help("condition keys are case-insensitive: merge the values under one key");
                ctx.report(d);
            }
        }
    }
}
