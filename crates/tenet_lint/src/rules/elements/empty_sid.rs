//! `IAM005 empty-sid`: `"Sid": ""`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks for statements whose `Sid` is the empty string.
    ///
    /// ## Why is this bad?
    /// An empty `Sid` names nothing: it does not help reviews or findings, and some tools treat it as
    /// missing. Either name the statement or drop the element.
    ///
    /// ## Example
    /// ```json
    /// {"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    pub struct EmptySid {
        code: "IAM005",
        name: "empty-sid",
        category: Style,
        severity: Info,
        aa_checks: ["Empty Sid value"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for EmptySid {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if let Some(sid) = stmt.sid.as_ref().filter(|s| s.value.is_empty()) {
            ctx.report_with_help(sid.span, "the `Sid` is empty", "name the statement or remove `Sid`");
        }
    }
}
