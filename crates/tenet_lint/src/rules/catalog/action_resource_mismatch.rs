//! `IAM212 action-resource-mismatch`: an action of a statement that acts on none of the statement's
//! resources, while other actions of the statement do (`s3:GetObject` and `s3:ListBucket` both on
//! `arn:aws:s3:::bucket`).

use super::has_wildcard;
use super::unsupported_resource_arn::is_multi_region_access_point;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::{catalog, Action, Service};

declare_rule! {
    /// ## What it does
    /// Judges each action of a statement against the catalog's resource types for it: an action
    /// none of whose resource types matches any ARN in `Resource` is flagged, when some other action
    /// of the statement does match (when none does, `unsupported-resource-arn` reports the ARNs).
    /// Only named actions (no wildcards) and ARNs of the action's own service are judged; a statement
    /// with `*`, `NotResource` or policy variables in `Resource` is left alone.
    ///
    /// ## Why is this bad?
    /// The most common S3 mistake: `s3:ListBucket` acts on buckets (`arn:aws:s3:::bucket`) and
    /// `s3:GetObject` on objects (`arn:aws:s3:::bucket/*`). With only one of the two ARNs, one of
    /// the actions is granted (or denied) on nothing, and requests fail (or pass) in ways that are
    /// hard to trace.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::b"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
    ///  "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}
    /// ```
    ///
    /// ## References
    /// - [Actions, resources, and condition keys for Amazon S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)
    /// - [Policy resources for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html#security_iam_service-with-iam-id-based-policies-resources)
    pub struct ActionResourceMismatch {
        code: "IAM212",
        name: "action-resource-mismatch",
        category: Correctness,
        severity: Warning,
        aa_checks: [],
        parliament: ["RESOURCE_MISMATCH"],
        fixable: false,
    }
}

/// The service field of a resource ARN, when the ARN has all six fields and a literal service.
fn arn_service(arn: &str) -> Option<&str> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields[..] {
        ["arn", _, service, _, _, _]
            if !service.is_empty() && !has_wildcard(service) && !is_multi_region_access_point(arn) =>
        {
            Some(service)
        }
        _ => None,
    }
}

/// Whether some ARN may denote a resource of one of the action's types.
fn acts_on_any(service: &Service, action: &Action, arns: &[&str]) -> bool {
    action.resources.iter().any(|r| {
        service
            .resource_type(r.resource_type)
            .is_none_or(|rt| arns.iter().any(|arn| rt.matches_arn(arn)))
    })
}

impl Rule for ActionResourceMismatch {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let (Some(actions), Some(resources)) = (&stmt.value.action, &stmt.value.resource) else {
            return;
        };
        if actions.value.negated.value || resources.value.negated.value {
            return;
        }
        let arns: Vec<&str> = resources.value.items.iter().map(|r| r.value.as_str()).collect();
        if arns.is_empty() || arns.iter().any(|a| a.contains("${") || arn_service(a).is_none()) {
            return;
        }
        let mut judged = Vec::new();
        for item in actions.value.items.iter().filter(|a| !has_wildcard(&a.value)) {
            let Some((service, action)) = catalog().action(&item.value) else {
                continue;
            };
            let own_arn = arns
                .iter()
                .any(|a| arn_service(a).is_some_and(|s| s.eq_ignore_ascii_case(service.prefix)));
            if action.resources.is_empty() || !own_arn {
                continue;
            }
            judged.push((item, service, action, acts_on_any(service, action, &arns)));
        }
        if !judged.iter().any(|(.., ok)| *ok) {
            return;
        }
        for (item, service, action, _) in judged.into_iter().filter(|(.., ok)| !ok) {
            let types: Vec<String> = action
                .resources
                .iter()
                .filter_map(|r| service.resource_type(r.resource_type))
                .map(|rt| format!("`{}`", rt.arn_patterns.first().copied().unwrap_or(rt.name)))
                .collect();
            let d = ctx
                .diagnostic(
                    item.span,
                    format!("`{}` acts on none of the statement's resources", item.value),
                )
                .with_label(resources.span, "no ARN here is a resource of this action")
                .with_help(format!(
                    "it acts on {}: add such an ARN, or move the action to a statement that has one",
                    types.join(", ")
                ));
            ctx.report(d);
        }
    }
}
