//! `IAM051 private-ip-address-subset`: an `aws:SourceIp` condition naming some private address space.

use super::private_ip_address::classify;
use super::source_ip_operator;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `IpAddress` or `NotIpAddress` conditions on `aws:SourceIp` that mix private
    /// ranges with public ones, and flags the private values.
    ///
    /// ## Why is this bad?
    /// The private values never match `aws:SourceIp`: they are dead weight that suggests access from
    /// the corporate network works when it does not (it needs `aws:VpcSourceIp`).
    ///
    /// ## Example
    /// ```json
    /// {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "192.168.0.0/16"]}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    /// ```
    ///
    /// ## References
    /// - [aws:VpcSourceIp](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip)
    pub struct PrivateIpAddressSubset {
        code: "IAM051",
        name: "private-ip-address-subset",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Private IP address subset", "Private NotIpAddress subset"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for PrivateIpAddressSubset {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        if source_ip_operator(c).is_none() {
            return;
        }
        let kinds = classify(c);
        if !kinds.contains(&Some(false)) {
            return;
        }
        for (v, _) in c.values.iter().zip(&kinds).filter(|(_, k)| **k == Some(true)) {
            let d = ctx
                .diagnostic(
                    v.span,
                    format!("the private range `{}` never matches `aws:SourceIp`", v.value.as_text()),
                )
                .with_help("remove it, or test it against `aws:VpcSourceIp` in a separate condition");
            ctx.report(d);
        }
    }
}
