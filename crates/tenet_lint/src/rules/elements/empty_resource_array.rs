//! `IAM007 empty-resource-array`: a `Resource` or `NotResource` that is an empty array.

use super::empty_action_array::report_empty;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for `Resource` or `NotResource` written as an empty array.
    ///
    /// ## Why is this bad?
    /// A statement with no resource matches no request: it grants or denies nothing. An empty
    /// `NotResource` excludes nothing, so the statement matches every resource.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Deny", "Action": "s3:*", "Resource": []}
    /// ```
    ///
    /// ## Use instead
    /// List the resource ARNs, or remove the statement.
    ///
    /// ## References
    /// - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    pub struct EmptyResourceArray {
        code: "IAM007",
        name: "empty-resource-array",
        category: Suspicious,
        severity: Info,
        aa_checks: ["Empty array resource"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for EmptyResourceArray {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        report_empty(ctx, stmt.resource.as_ref(), ["Resource", "NotResource", "resource"]);
    }
}
