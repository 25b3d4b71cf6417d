//! `IAM097 audience-claim-with-qualifier`: `ForAnyValue:`/`ForAllValues:` on an OIDC `aud` claim.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, PolicyKind, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for set qualifiers (`ForAnyValue:`, `ForAllValues:`) on an identity provider's audience
    /// claim (`<provider>:aud`) in trust policies.
    ///
    /// ## Why is this bad?
    /// Most providers issue a single-valued `aud`. `ForAllValues:` is true when the claim is absent
    /// and `ForAnyValue:` tests it as a set: confirm the claim's type, and drop the qualifier for a
    /// single value. (Amazon Cognito's `amr` is multivalued; `aud` is not.)
    ///
    /// ## Example
    /// ```json
    /// {"ForAllValues:StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
    /// ```
    ///
    /// ## References
    /// - [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
    pub struct AudienceClaimWithQualifier {
        code: "IAM097",
        name: "audience-claim-with-qualifier",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Confirm audience claim type"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for AudienceClaimWithQualifier {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        if ctx.kind() != PolicyKind::Trust {
            return;
        }
        let Some(op) = c.parsed.filter(|op| op.qualifier.is_some()) else {
            return;
        };
        let is_aud = c
            .key
            .value
            .rsplit_once(':')
            .is_some_and(|(_, claim)| claim.eq_ignore_ascii_case("aud"));
        if !is_aud {
            return;
        }
        let d = ctx
            .diagnostic(
                c.operator.span,
                format!("the audience claim `{}` is tested with a set qualifier", c.key.value),
            )
            .with_help(format!(
                "`aud` is usually single-valued: write `{}{}` without the qualifier",
                op.operator,
                if op.if_exists { "IfExists" } else { "" }
            ));
        ctx.report(d);
    }
}
