//! `IAM004 unsupported-sid`: a `Sid` with characters IAM does not accept.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that the `Sid` of statements in IAM policies (identity, trust, SCP, RCP) uses only ASCII
    /// letters and digits.
    ///
    /// ## Why is this bad?
    /// IAM accepts only `[A-Za-z0-9]` in `Sid` and rejects the policy otherwise. Resource policies of
    /// other services (S3, KMS, SQS) and VPC endpoint policies accept more characters, so they are
    /// not checked.
    ///
    /// ## Example
    /// ```json
    /// {"Sid": "allow-read s3", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Sid": "AllowReadS3", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
    pub struct UnsupportedSid {
        code: "IAM004",
        name: "unsupported-sid",
        category: Correctness,
        severity: Error,
        aa_checks: ["Unsupported Sid"],
        parliament: ["INVALID_SID"],
        fixable: false,
    }
}

impl Rule for UnsupportedSid {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if matches!(
            ctx.kind(),
            PolicyKind::Resource | PolicyKind::Key | PolicyKind::VpcEndpoint
        ) {
            return;
        }
        let Some(sid) = &stmt.sid else { return };
        let Some(bad) = sid.value.chars().find(|c| !c.is_ascii_alphanumeric()) else {
            return;
        };
        let suggestion: String = sid.value.chars().filter(char::is_ascii_alphanumeric).collect();
        let d = ctx
            .diagnostic(sid.span, format!("the `Sid` `{}` contains `{bad}`", sid.value))
            .with_help(format!(
                "IAM accepts only ASCII letters and digits in `Sid`, e.g. `{suggestion}`"
            ));
        ctx.report(d);
    }
}
