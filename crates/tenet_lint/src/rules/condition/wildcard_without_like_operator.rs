//! `IAM026 wildcard-without-like-operator`: `StringEquals` with a `*` or `?` in a value.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Condition, ConditionOperator, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `*` or `?` in the values of `StringEquals`, `StringNotEquals` and their
    /// `IgnoreCase` forms.
    ///
    /// ## Why is this bad?
    /// These operators compare literally: `admin-*` matches only the text `admin-*`. The author
    /// almost always meant a pattern, which only `StringLike`/`StringNotLike` match.
    ///
    /// ## Example
    /// ```json
    /// {"StringEquals": {"aws:PrincipalTag/job-category": "admin-*"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringLike": {"aws:PrincipalTag/job-category": "admin-*"}}
    /// ```
    ///
    /// ## References
    /// - [String condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String)
    pub struct WildcardWithoutLikeOperator {
        code: "IAM026",
        name: "wildcard-without-like-operator",
        category: Suspicious,
        severity: Warning,
        aa_checks: ["Wildcard without like operator"],
        parliament: [],
        fixable: false,
    }
}

/// Whether the text has `*` or `?` outside the escapes `${*}` and `${?}`.
fn has_bare_wildcard(text: &str) -> bool {
    has_wildcard(&text.replace("${*}", "").replace("${?}", ""))
}

impl Rule for WildcardWithoutLikeOperator {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        use ConditionOperator::*;
        let Some(op) = c.parsed else { return };
        let like = match op.operator {
            StringEquals | StringEqualsIgnoreCase => "StringLike",
            StringNotEquals | StringNotEqualsIgnoreCase => "StringNotLike",
            _ => return,
        };
        for v in c.values.iter().filter(|v| has_bare_wildcard(&v.value.as_text())) {
            let d = ctx
                .diagnostic(
                    v.span,
                    format!(
                        "`{}` compares `{}` literally, wildcards included",
                        op.operator,
                        v.value.as_text()
                    ),
                )
                .with_label(c.operator.span, "this operator does not match patterns")
                .with_help(format!(
                    "to match a pattern use `{like}`; to match a literal `*` write `${{*}}`"
                ));
            ctx.report(d);
        }
    }
}
