//! `IAM029 multivalued-key-without-qualifier`: a multivalued key tested without a set operator.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, OperatorFamily, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for a condition on a key the service catalog documents as multivalued (`aws:TagKeys`,
    /// `aws:CalledVia`, `aws:PrincipalOrgPaths`, any `ArrayOf…` key) written without `ForAnyValue:`
    /// or `ForAllValues:`. `Null`, which tests presence, needs no qualifier. Unknown keys are not
    /// flagged.
    ///
    /// ## Why is this bad?
    /// A request can carry several values of such a key; IAM requires a set operator to say whether
    /// one value or every value must match. Without it the intent is ambiguous; IAM Access Analyzer
    /// reports it as an error. IAM itself accepts such policies (three AWS managed policies test
    /// `events:detail-type` this way), so tenet warns.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:TagKeys": ["team", "env"]}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}
    /// ```
    ///
    /// ## References
    /// - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    pub struct MultivaluedKeyWithoutQualifier {
        code: "IAM029",
        name: "multivalued-key-without-qualifier",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Missing qualifier"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for MultivaluedKeyWithoutQualifier {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = c.parsed else {
            return;
        };
        if op.qualifier.is_some() || op.operator.family() == OperatorFamily::Null {
            return;
        }
        let Some(key) = tenet_catalog::catalog().condition_key(&c.key.value) else {
            return;
        };
        if !key.multivalued {
            return;
        }
        let d = ctx
            .diagnostic(
                c.operator.span,
                format!("the multivalued key `{}` is tested without a set operator", c.key.value),
            )
            .with_label(c.key.span, "a request may carry several values of this key")
            .with_help(format!(
                "write `ForAnyValue:{op}` (some value matches) or `ForAllValues:{op}` (every value matches)"
            ));
        ctx.report(d);
    }
}
