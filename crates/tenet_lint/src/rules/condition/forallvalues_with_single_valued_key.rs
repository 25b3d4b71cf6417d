//! `IAM027 forallvalues-with-single-valued-key`: `ForAllValues:` on a key that has one value.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Effect, SetQualifier, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `ForAllValues:` used with a condition key the service catalog documents as
    /// single-valued (e.g. `aws:SourceIp`, `aws:PrincipalOrgID`). Unknown keys are not flagged.
    ///
    /// ## Why is this bad?
    /// `ForAllValues:` is also true when the key is missing from the request: on an `Allow` the
    /// condition admits every request that lacks the key, which is rarely the guard intended.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    pub struct ForAllValuesWithSingleValuedKey {
        code: "IAM027",
        name: "forallvalues-with-single-valued-key",
        category: Security,
        severity: Warning,
        aa_checks: ["ForAllValues with single valued key"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for ForAllValuesWithSingleValuedKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = c.parsed.filter(|op| op.qualifier == Some(SetQualifier::ForAllValues)) else {
            return;
        };
        let Some(key) = tenet_catalog::catalog().condition_key(&c.key.value) else {
            return;
        };
        if key.multivalued {
            return;
        }
        let consequence = if stmt.effect() == Some(Effect::Allow) {
            "it also matches requests without the key"
        } else {
            "it tests a single value as a set"
        };
        let d = ctx
            .diagnostic(
                c.operator.span,
                format!("`ForAllValues:` is used with the single-valued key `{}`", c.key.value),
            )
            .with_label(c.key.span, format!("single-valued: {consequence}"))
            .with_help(format!(
                "remove the qualifier: `{}{}`",
                op.operator,
                if op.if_exists { "IfExists" } else { "" }
            ));
        ctx.report(d);
    }
}
