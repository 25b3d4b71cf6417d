//! `IAM214 arn-field-mismatch`: a resource ARN whose Region or account field is there when the
//! service's resource types have none, missing when they need one, or names a Region that does not
//! exist; or whose resource part fits none of the service's ARN formats.

use super::arn_fields::{arn_fields, ArnFieldProblem};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};
use tenet_syntax::grammar::sub_span;

declare_rule! {
    /// ## What it does
    /// Checks each resource ARN against the ARN formats of its service's resource types: a Region in
    /// an ARN whose resource types have none (`arn:aws:s3:us-east-1::bucket`,
    /// `arn:aws:iam:us-east-1:111122223333:role/r`), an account where they have none
    /// (`arn:aws:s3::111122223333:bucket`), no Region or account where the types need one
    /// (`arn:aws:sqs::111122223333:queue`), a Region that does not exist (`us-east-7`), and a
    /// resource part that fits none of the service's ARN formats whatever the Region and account
    /// (`arn:aws:iam::111122223333:rol/admin`). Wildcards and policy variables in the Region and
    /// account fields, and variables in the resource part, are left alone.
    ///
    /// ## Why is this bad?
    /// No resource has such an ARN: the statement matches nothing for it. Access Analyzer reports
    /// these as errors.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:111122223333:bucket/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}
    /// ```
    ///
    /// ## References
    /// - [IAM identifiers: ARNs](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)
    /// - [Access Analyzer policy check reference](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html)
    pub struct ArnFieldMismatch {
        code: "IAM214",
        name: "arn-field-mismatch",
        category: Correctness,
        severity: Error,
        aa_checks: [
            "ARN Region not allowed",
            "ARN account not allowed",
            "Missing ARN Region",
            "Invalid ARN resource",
        ],
        parliament: [],
        fixable: false,
    }
}

impl Rule for ArnFieldMismatch {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(resources) = &stmt.value.resource else {
            return;
        };
        for item in &resources.value.items {
            let Some((problem, field)) = arn_fields(&item.value) else {
                continue;
            };
            let (message, help) = match problem {
                ArnFieldProblem::RegionNotAllowed(s) => (
                    format!("`{s}` resources have no Region: `{}` names one", item.value),
                    "leave the Region field empty".to_owned(),
                ),
                ArnFieldProblem::AccountNotAllowed(s) => (
                    format!("`{s}` resources have no account: `{}` names one", item.value),
                    "leave the account field empty".to_owned(),
                ),
                ArnFieldProblem::MissingRegion(s) => (
                    format!("`{s}` resources have a Region: `{}` has none", item.value),
                    "add the Region, or `*` for every Region".to_owned(),
                ),
                ArnFieldProblem::MissingAccount(s) => (
                    format!("`{s}` resources have an account: `{}` has none", item.value),
                    "add the account id, or `*` for every account".to_owned(),
                ),
                ArnFieldProblem::UnknownRegion(r) => (
                    format!("the Region `{r}` does not exist"),
                    "use a Region such as `us-east-1`, or `*`".to_owned(),
                ),
                ArnFieldProblem::InvalidResource(s, example) => (
                    format!(
                        "`{}` is no resource of `{s}`: its resource part fits none of the service's ARN formats",
                        item.value
                    ),
                    format!("write the resource part as the service documents it, e.g. `{example}`"),
                ),
            };
            let span = field.map_or(item.span, |range| sub_span(item.span, &item.value, range));
            ctx.report_with_help(span, message, help);
        }
    }
}
