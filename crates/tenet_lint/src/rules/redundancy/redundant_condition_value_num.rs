//! `IAM112 redundant-condition-value-num`: several bounds for one numeric comparison.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, ConditionOperator, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `NumericLessThan(Equals)` and `NumericGreaterThan(Equals)` conditions with several
    /// values (without a set qualifier), where only the loosest bound matters.
    ///
    /// ## Why is this bad?
    /// Values are ORed: `NumericLessThan [2700, 3600]` means "less than 3600". The smaller value
    /// suggests a tighter limit than the policy enforces.
    ///
    /// ## Example
    /// ```json
    /// {"NumericLessThan": {"aws:MultiFactorAuthAge": ["2700", "3600"]}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
    /// ```
    ///
    /// ## References
    /// - [Numeric condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric)
    pub struct RedundantConditionValueNum {
        code: "IAM112",
        name: "redundant-condition-value-num",
        category: Style,
        severity: Info,
        aa_checks: ["Redundant condition value num"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for RedundantConditionValueNum {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        use ConditionOperator::*;
        let Some(op) = c.parsed.filter(|op| op.qualifier.is_none()) else {
            return;
        };
        let upper = match op.operator {
            NumericLessThan | NumericLessThanEquals => true,
            NumericGreaterThan | NumericGreaterThanEquals => false,
            _ => return,
        };
        let numbers: Option<Vec<f64>> = c.values.iter().map(|v| v.value.as_text().trim().parse().ok()).collect();
        let Some(numbers) = numbers.filter(|n| n.len() > 1) else {
            return;
        };
        let best = c
            .values
            .iter()
            .zip(numbers)
            .reduce(|a, b| if (b.1 > a.1) == upper && b.1 != a.1 { b } else { a });
        let (Some((keep, _)), [first, .., last]) = (best, c.values.as_slice()) else {
            return;
        };
        let span = first.span.cover(last.span);
        let kept = keep.value.as_text();
        let bound = if upper { "greatest" } else { "least" };
        let d = ctx
            .diagnostic(
                span,
                format!(
                    "only the {bound} of the values of `{}` matters for `{}`",
                    op.operator, c.key.value
                ),
            )
            .with_label(keep.span, "this bound decides")
            .with_help(format!("keep the single value `{kept}`"));
        ctx.report(d);
    }
}
