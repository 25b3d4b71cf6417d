//! `IAM002 duplicate-sid`: two statements of an identity-side policy share a `Sid` (and the
//! reporting that `IAM003` shares).

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::PolicyKind;

declare_rule! {
    /// ## What it does
    /// Checks that no two statements of an IAM policy (identity, trust, SCP or RCP) share a `Sid`.
    ///
    /// ## Why is this bad?
    /// IAM requires `Sid` values to be unique within a policy and rejects the policy otherwise.
    ///
    /// ## Example
    /// ```json
    /// [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    ///  {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]
    /// ```
    ///
    /// ## Use instead
    /// Give every statement its own `Sid` (`ReadObjects`, `ListBuckets`), or none.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    pub struct DuplicateSid {
        code: "IAM002",
        name: "duplicate-sid",
        category: Correctness,
        severity: Error,
        aa_checks: ["Unique Sids required"],
        parliament: ["DUPLICATE_SID"],
        fixable: false,
    }
}

pub(super) fn requires_unique(kind: PolicyKind) -> bool {
    !matches!(kind, PolicyKind::Resource | PolicyKind::Key | PolicyKind::VpcEndpoint)
}

/// Reports every `Sid` equal to an earlier one, with a label on the first.
pub(super) fn report_duplicates(ctx: &mut LintContext<'_>) {
    let statements = ctx.statements();
    // The first statement of each Sid, so that a policy of many statements costs one pass.
    let mut firsts = std::collections::HashMap::new();
    for stmt in statements {
        let Some(sid) = stmt.sid.as_ref().filter(|s| !s.value.is_empty()) else {
            continue;
        };
        let first = *firsts.entry(sid.value.as_str()).or_insert(sid);
        if !std::ptr::eq(first, sid) {
            let d = ctx
                .diagnostic(
                    sid.span,
                    format!("the `Sid` `{}` is used by an earlier statement", sid.value),
                )
                .with_label(first.span, "first used here")
                .with_help("give each statement a distinct `Sid`");
            ctx.report(d);
        }
    }
}

impl Rule for DuplicateSid {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if requires_unique(ctx.kind()) {
            report_duplicates(ctx);
        }
    }
}
