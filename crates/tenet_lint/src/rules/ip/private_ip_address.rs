//! `IAM050 private-ip-address`: an `aws:SourceIp` condition naming only private address space (and
//! the classification that `IAM051` shares).

use super::{is_private_cidr, source_ip_operator};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, ConditionOperator, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `IpAddress` or `NotIpAddress` conditions on `aws:SourceIp` whose values are all
    /// private ranges (RFC 1918, IPv6 unique local).
    ///
    /// ## Why is this bad?
    /// `aws:SourceIp` is the public address AWS sees; requests through a VPC endpoint carry no
    /// `aws:SourceIp` at all. With only private ranges, `IpAddress` never matches and `NotIpAddress`
    /// always does, so the condition does nothing it seems to.
    ///
    /// ## Example
    /// ```json
    /// {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}
    /// ```
    ///
    /// ## References
    /// - [aws:SourceIp](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip)
    pub struct PrivateIpAddress {
        code: "IAM050",
        name: "private-ip-address",
        category: Correctness,
        severity: Error,
        aa_checks: ["Private IP address", "Private NotIpAddress"],
        parliament: [],
        fixable: false,
    }
}

/// For each value: `Some(true)` private, `Some(false)` public, `None` unreadable.
pub(super) fn classify(c: &Condition) -> Vec<Option<bool>> {
    c.values.iter().map(|v| is_private_cidr(&v.value.as_text())).collect()
}

impl Rule for PrivateIpAddress {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let Some(op) = source_ip_operator(c) else { return };
        let kinds = classify(c);
        if kinds.is_empty() || !kinds.iter().all(|k| *k == Some(true)) {
            return;
        }
        let effect = if op == ConditionOperator::NotIpAddress {
            "so `NotIpAddress` always matches"
        } else {
            "so `IpAddress` never matches"
        };
        let d = ctx
            .diagnostic(
                c.key.span,
                format!("`aws:SourceIp` is compared only with private ranges, {effect}"),
            )
            .with_help("`aws:SourceIp` holds public addresses only: use `aws:VpcSourceIp` for addresses inside a VPC");
        ctx.report(d);
    }
}
