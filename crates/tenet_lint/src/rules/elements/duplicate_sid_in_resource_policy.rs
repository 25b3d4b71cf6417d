//! `IAM003 duplicate-sid-in-resource-policy`: two statements of a resource or key policy share a `Sid`.

use super::duplicate_sid::{report_duplicates, requires_unique};
use crate::{declare_rule, LintContext, Rule};

declare_rule! {
    /// ## What it does
    /// Checks that no two statements of a resource or key policy share a `Sid`.
    ///
    /// ## Why is this bad?
    /// Some services accept duplicate `Sid`s in resource policies, but others (SQS, SNS) use them as
    /// sub-ids and require them unique; duplicates also make findings and reviews ambiguous.
    ///
    /// ## Example
    /// Two statements of a bucket policy both named `"Sid": "AllowRead"`.
    ///
    /// ## Use instead
    /// Give every statement its own `Sid`.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    pub struct DuplicateSidInResourcePolicy {
        code: "IAM003",
        name: "duplicate-sid-in-resource-policy",
        category: Suspicious,
        severity: Warning,
        aa_checks: ["Unique Sids recommended"],
        parliament: ["DUPLICATE_SID"],
        fixable: false,
    }
}

impl Rule for DuplicateSidInResourcePolicy {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if !requires_unique(ctx.kind()) {
            report_duplicates(ctx);
        }
    }
}
