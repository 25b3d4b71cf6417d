//! `IAM030 mfa-deny-misses-long-term-keys`: `Bool` `aws:MultiFactorAuthPresent` = `false`, which
//! requests signed with long-term access keys do not match (the key is absent).

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, ConditionOperator, Effect, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for a statement conditioned on `"Bool": {"aws:MultiFactorAuthPresent": "false"}`, most
    /// often a `Deny` meant to stop requests made without MFA.
    ///
    /// ## Why is this bad?
    /// AWS sets `aws:MultiFactorAuthPresent` only for temporary credentials. A request signed with a
    /// user's long-term access keys carries no such key, so `Bool` ... `false` does not match it and
    /// the `Deny` lets the request through: exactly the credentials the statement meant to stop. An
    /// `Allow` with the same condition likewise grants nothing to long-term keys.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Action": "*", "Resource": "*",
    ///  "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Action": "*", "Resource": "*",
    ///  "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Condition operators (`...IfExists`)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists)
    /// - [AWS global condition context keys: aws:MultiFactorAuthPresent](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent)
    pub struct MfaDenyMissesLongTermKeys {
        code: "IAM030",
        name: "mfa-deny-misses-long-term-keys",
        category: Suspicious,
        severity: Warning,
        aa_checks: [],
        parliament: ["BAD_PATTERN_FOR_MFA"],
        fixable: false,
    }
}

impl Rule for MfaDenyMissesLongTermKeys {
    fn check_condition(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, c: &Condition) {
        let Some(effect) = stmt.value.effect() else {
            return;
        };
        if !c.key.value.eq_ignore_ascii_case("aws:MultiFactorAuthPresent") {
            return;
        }
        let Some(op) = c.parsed else {
            return;
        };
        if op.operator != ConditionOperator::Bool || op.if_exists {
            return;
        }
        if !c.values.iter().any(|v| v.value.as_text().eq_ignore_ascii_case("false")) {
            return;
        }
        let (message, help) = match effect {
            Effect::Deny => (
                "this `Deny` does not apply to requests signed with long-term access keys",
                "use `BoolIfExists` so that the `Deny` also applies when the key is absent",
            ),
            Effect::Allow => (
                "this `Allow` does not apply to requests signed with long-term access keys",
                "to require MFA, allow with `\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}`; to deny without it, use a `Deny` with `BoolIfExists`",
            ),
        };
        let d = ctx
            .diagnostic(c.operator.span, message)
            .with_label(c.key.span, "absent from requests signed with long-term keys")
            .with_help(help);
        ctx.report(d);
    }
}
