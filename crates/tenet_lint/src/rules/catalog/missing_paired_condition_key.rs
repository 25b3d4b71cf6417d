//! `IAM210 missing-paired-condition-key`: a condition key that is only safe with a related key.

use crate::rules::conditions_on;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};

/// `(key, the keys it must be paired with, why)`.
const PAIRS: &[(&str, &[&str], &str)] = &[(
    "aws:VpcSourceIp",
    &["aws:SourceVpc", "aws:SourceVpcArn"],
    "private IP ranges repeat across VPCs: the same address can come from any VPC",
)];

declare_rule! {
    /// ## What it does
    /// Checks for condition keys that Access Analyzer wants paired with a related key in the same
    /// condition block: `aws:VpcSourceIp` without `aws:SourceVpc` (or `aws:SourceVpcArn`).
    ///
    /// ## Why is this bad?
    /// A private address is only meaningful inside one VPC: `10.0.0.0/16` matches requests from
    /// every VPC that uses that range, in any account.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}, "StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}
    /// ```
    ///
    /// ## References
    /// - [aws:VpcSourceIp](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip)
    pub struct MissingPairedConditionKey {
        code: "IAM210",
        name: "missing-paired-condition-key",
        category: Security,
        severity: Warning,
        aa_checks: ["Missing paired condition keys"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for MissingPairedConditionKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, c: &Condition) {
        let Some((key, partners, why)) = PAIRS.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(&c.key.value)) else {
            return;
        };
        let Some(partner) = partners.first() else {
            return;
        };
        if partners.iter().any(|p| conditions_on(&stmt.value, p).next().is_some()) {
            return;
        }
        let d = ctx
            .diagnostic(c.key.span, format!("`{key}` is used without `{partner}`"))
            .with_help(format!("add a `{partner}` condition to the same block: {why}"));
        ctx.report(d);
    }
}
