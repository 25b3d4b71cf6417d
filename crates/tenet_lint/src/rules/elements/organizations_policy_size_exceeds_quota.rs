//! `IAM009 organizations-policy-size-exceeds-quota`: an SCP or RCP longer than AWS Organizations' quota.

use super::policy_size_exceeds_quota::{document_text, estimated_len, minified_len, quota};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Checks the size of SCPs and RCPs against the AWS Organizations quota of 5,120 characters.
    /// Organizations counts every character, whitespace included.
    ///
    /// ## Why is this bad?
    /// AWS Organizations rejects the policy.
    ///
    /// ## Example
    /// A pretty-printed SCP of 5,500 characters.
    ///
    /// ## Use instead
    /// Remove whitespace outside strings (the help says whether that is enough), or split the policy.
    ///
    /// ## References
    /// - [Quotas for AWS Organizations](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html)
    pub struct OrganizationsPolicySizeExceedsQuota {
        code: "IAM009",
        name: "organizations-policy-size-exceeds-quota",
        category: Correctness,
        severity: Error,
        aa_checks: ["Policy size exceeds SCP quota"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for OrganizationsPolicySizeExceedsQuota {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        let kind = ctx.kind();
        if !matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) {
            return;
        }
        let (size, minified) = match document_text(ctx) {
            Some(text) => (text.chars().count(), minified_len(text)),
            None => (estimated_len(ctx.policy()), estimated_len(ctx.policy())),
        };
        if size <= quota(kind) {
            return;
        }
        let span = ctx.doc().span;
        let help = if minified <= quota(kind) {
            format!("remove whitespace outside strings: minified, the policy has {minified} characters")
        } else {
            "split the policy into several policies attached to the same target".to_owned()
        };
        let name = if kind == PolicyKind::Scp { "SCP" } else { "RCP" };
        let message = format!("the {name} has {size} characters, over the quota of {}", quota(kind));
        ctx.report_with_help(
            tenet_diagnostics::Span::new(span.start as usize, span.start as usize + 1),
            message,
            help,
        );
    }
}
