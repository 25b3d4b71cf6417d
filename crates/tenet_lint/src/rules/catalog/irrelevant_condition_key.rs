//! `IAM209 irrelevant-condition-key`: a key that cannot tell requests apart in this kind of policy.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, PolicyKind, Spanned, Statement};

/// Keys about the resource's owner, which a resource or key policy already fixes.
const RESOURCE_OWNER_KEYS: &[&str] = &["aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths"];

declare_rule! {
    /// ## What it does
    /// Checks resource-based and key policies for condition keys that describe the resource's owner
    /// (`aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`). The policy is attached
    /// to one resource, so these keys have the same value in every request it sees.
    ///
    /// ## Why is this bad?
    /// The condition is either always true or always false for the resource; it suggests a guard
    /// that does not exist. These keys belong in identity policies, SCPs and VPC endpoint policies.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject",
    ///  "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:ResourceAccount": "111122223333"}}}
    /// ```
    ///
    /// ## Use instead
    /// Remove the condition, or move it to the identity policy that should be limited.
    ///
    /// ## References
    /// - [aws:ResourceAccount](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount)
    pub struct IrrelevantConditionKey {
        code: "IAM209",
        name: "irrelevant-condition-key",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Irrelevant condition key in policy"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for IrrelevantConditionKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        if !matches!(ctx.kind(), PolicyKind::Resource | PolicyKind::Key) {
            return;
        }
        if !RESOURCE_OWNER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value)) {
            return;
        }
        let d = ctx
            .diagnostic(
                c.key.span,
                format!(
                    "the condition key `{}` is not relevant in a {} policy",
                    c.key.value,
                    ctx.kind().as_str()
                ),
            )
            .with_help(
                "the policy is attached to one resource, whose owner never changes; use the key in identity policies",
            );
        ctx.report(d);
    }
}
