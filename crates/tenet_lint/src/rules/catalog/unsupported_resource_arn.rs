//! `IAM211 unsupported-resource-arn`: a resource ARN that no action of the statement acts on.

use super::resolved_actions;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks each ARN in `Resource` against the resource types of the statement's actions (wildcard
    /// patterns expanded through the catalog): an ARN that no action's resource type can match is
    /// flagged (`s3:GetObject` on a bucket ARN, `kms:Decrypt` on an S3 object). `*`, `NotAction`,
    /// `NotResource`, statements with an action the catalog does not know, and ARNs whose service is
    /// a wildcard or a variable are not judged.
    ///
    /// ## Why is this bad?
    /// The statement grants (or denies) nothing on that ARN: usually the author meant another form of
    /// the ARN (`bucket/*` for objects) or another action.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}
    /// ```
    ///
    /// ## References
    /// - [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    pub struct UnsupportedResourceArn {
        code: "IAM211",
        name: "unsupported-resource-arn",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Unsupported resource ARN in policy"],
        parliament: ["RESOURCE_MISMATCH"],
        fixable: false,
    }
}

/// Whether the ARN's service field is literal (no wildcard, no variable), so types can be judged.
fn judgeable(arn: &str) -> bool {
    let mut fields = arn.splitn(4, ':');
    let (Some("arn"), Some(_), Some(service)) = (fields.next(), fields.next(), fields.next()) else {
        return false;
    };
    !service.is_empty() && !service.contains(['*', '?', '$'])
}

impl Rule for UnsupportedResourceArn {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(resources) = stmt.value.resource.as_ref().filter(|r| !r.value.negated.value) else {
            return;
        };
        let Some(actions) = resolved_actions(&stmt.value) else {
            return;
        };
        if actions.is_empty() {
            return;
        }
        for item in &resources.value.items {
            if item.value == "*" || !judgeable(&item.value) {
                continue;
            }
            let matched = actions.iter().any(|(service, action)| {
                action.resources.iter().any(|r| {
                    service
                        .resource_type(r.resource_type)
                        .is_none_or(|rt| rt.matches_arn(&item.value))
                })
            });
            if matched {
                continue;
            }
            let what = match actions.as_slice() {
                [(s, a)] => format!("`{}:{}`", s.prefix, a.name),
                _ => "any action of the statement".to_owned(),
            };
            let d = ctx
                .diagnostic(item.span, format!("`{}` is not a resource of {what}", item.value))
                .with_help("check the ARN's form against the action's resource types (objects are `bucket/*`)");
            ctx.report(d);
        }
    }
}
