//! `IAM061 invalid-variable-for-operator`: `${...}` in a numeric, date, Boolean, binary, IP or Null
//! condition.

use crate::rules::has_variable;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, OperatorFamily, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for policy variables in the values of operators other than the String and ARN ones.
    ///
    /// ## Why is this bad?
    /// IAM substitutes variables only for string and ARN comparisons; `NumericLessThan` with
    /// `${aws:MultiFactorAuthAge}` compares with text that is not a number. IAM rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"DateGreaterThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}}
    /// ```
    ///
    /// ## Use instead
    /// Compare with a literal value, e.g. `"2026-01-01T00:00:00Z"`.
    ///
    /// ## References
    /// - [Using policy variables in the Condition element](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement)
    pub struct InvalidVariableForOperator {
        code: "IAM061",
        name: "invalid-variable-for-operator",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid variable for operator"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for InvalidVariableForOperator {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = c.parsed else { return };
        if matches!(op.operator.family(), OperatorFamily::String | OperatorFamily::Arn) {
            return;
        }
        for v in c.values.iter().filter(|v| has_variable(&v.value.as_text())) {
            let d = ctx
                .diagnostic(
                    v.span,
                    format!(
                        "`{}` cannot use the policy variable in `{}`",
                        op.operator,
                        v.value.as_text()
                    ),
                )
                .with_label(c.operator.span, "variables work only with String and ARN operators")
                .with_help("compare with a literal value");
            ctx.report(d);
        }
    }
}
