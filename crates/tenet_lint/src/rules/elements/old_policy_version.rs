//! `IAM011 old-policy-version`: `"Version": "2008-10-17"`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::Version;

declare_rule! {
    /// ## What it does
    /// Checks for the policy language version `2008-10-17`.
    ///
    /// ## Why is this bad?
    /// Under `2008-10-17` policy variables such as `${aws:username}` are literal text and newer
    /// features of the language are unavailable, so a statement that looks scoped to the caller
    /// matches nothing, or the wrong thing. `2012-10-17` is the current version.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2008-10-17", "Statement": []}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": []}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
    pub struct OldPolicyVersion {
        code: "IAM011",
        name: "old-policy-version",
        category: Suspicious,
        severity: Warning,
        aa_checks: [],
        parliament: ["OLD_VERSION"],
        fixable: false,
    }
}

impl Rule for OldPolicyVersion {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        let Some(version) = &ctx.policy().version else {
            return;
        };
        if version.value != Version::V2008_10_17 {
            return;
        }
        let span = version.span;
        let d = ctx
            .diagnostic(span, "the policy uses the old language version `2008-10-17`")
            .with_help("use `\"Version\": \"2012-10-17\"`: policy variables are literal text under `2008-10-17`");
        ctx.report(d);
    }
}
