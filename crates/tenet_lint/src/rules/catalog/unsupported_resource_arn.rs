//! `IAM211 unsupported-resource-arn`: a resource ARN that no action of the statement acts on.

use super::arn_fields::{arn_fields, region_shaped};
use super::{has_wildcard, resolved_actions};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::semantics::is_account_id;
use tenet_ast::{Spanned, Statement};
use tenet_catalog::Service;

declare_rule! {
    /// ## What it does
    /// Checks each ARN in `Resource` against the resource types of the statement's actions (wildcard
    /// patterns expanded through the catalog): an ARN that no action's resource type can match is
    /// flagged (`s3:GetObject` on a bucket ARN, `iam:GetUser` on `role/*`). Only ARNs whose service
    /// is literal and whose resource part holds no policy variable, in statements whose actions are
    /// all of the ARN's service, are judged (wildcards are matched as patterns); actions without
    /// resource types (they take only `*`), `NotAction`, `NotResource`, actions the catalog does not
    /// know and mixed-service statements are left alone (when in doubt, no finding). An ARN of a
    /// service none of the statement's actions acts on (`sqs:SendMessage` on an SNS topic) is
    /// flagged too, judged by the services named in the resource types' ARN formats.
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

/// The ARN's service field when the service and resource parts are literal (no wildcard, no
/// variable), so types can be judged.
/// Wildcards in the region and account fields are fine; a wildcard or variable in the resource part
/// is not judged (the catalog's ARN patterns are not exact enough for `log-group:x:*` and the like).
/// An S3 Multi-Region Access Point ARN (`arn:aws:s3::111122223333:accesspoint/alias[/object/...]`):
/// the S3 guide grants object and bucket actions on it, though the catalog lists it for few actions.
pub(crate) fn is_multi_region_access_point(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(fields[..], ["arn", _, "s3", "", account, resource] if !account.is_empty() && resource.starts_with("accesspoint/"))
}

/// Whether some resource type of `service` has ARNs of the service prefix `arn_service` (S3 acts on
/// `s3-object-lambda` ARNs too).
fn acts_on_service(service: &Service, arn_service: &str) -> bool {
    service.resource_types().iter().any(|rt| {
        rt.arn_patterns
            .iter()
            .any(|p| p.split(':').nth(2).is_some_and(|s| s.eq_ignore_ascii_case(arn_service)))
    })
}

/// Whether the Region and account fields are empty, wildcards or well formed: the grammar reports
/// the others (`SYN106`, `SYN107`), one fault, one finding.
fn fields_well_formed(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", _, _, region, account, _] = fields[..] else {
        return false;
    };
    let free = |f: &str| f.is_empty() || has_wildcard(f) || f.contains('$');
    (free(region) || region_shaped(region)) && (free(account) || is_account_id(account) || account == "aws")
}

fn arn_service(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return None;
    };
    let literal = |s: &str| !s.is_empty() && !has_wildcard(s) && !s.contains('$');
    // An ARN with a misplaced Region or account is `arn-field-mismatch`'s finding.
    let judged = !is_multi_region_access_point(arn) && arn_fields(arn).is_none() && fields_well_formed(arn);
    // Wildcards in the resource part are fine: the catalog's test is whether the ARN pattern and
    // the resource type's format can denote a common resource. Variables are not judged.
    let resource_ok = !resource.is_empty() && !resource.contains('$');
    (literal(service) && resource_ok && judged).then_some(service)
}

impl Rule for UnsupportedResourceArn {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        let Some(resources) = stmt.value.resource.as_ref().filter(|r| !r.value.negated.value) else {
            return;
        };
        let items: Vec<_> = resources
            .value
            .items
            .iter()
            .filter_map(|i| arn_service(&i.value).map(|s| (i, s)))
            .collect();
        if items.is_empty() {
            return;
        }
        let Some(actions) = resolved_actions(&stmt.value) else {
            return;
        };
        let mut services: Vec<&Service> = actions.iter().map(|(s, _)| *s).collect();
        services.sort_by_key(|s| s.prefix);
        services.dedup_by_key(|s| s.prefix);
        for (item, arn_service) in items {
            if !services.is_empty() && !services.iter().any(|s| acts_on_service(s, arn_service)) {
                let names: Vec<String> = services.iter().take(3).map(|s| format!("`{}`", s.prefix)).collect();
                let d = ctx
                    .diagnostic(
                        item.span,
                        format!(
                            "`{}` is a resource of `{arn_service}`, but the statement's actions are of {}",
                            item.value,
                            names.join(", ")
                        ),
                    )
                    .with_help(
                        "use an ARN of the actions' service, or move the ARN to a statement with its service's actions",
                    );
                ctx.report(d);
                continue;
            }
            // Only actions of the ARN's own service are judged (services act on each other's
            // resources, and renamed services keep old ARNs); actions without resource types take
            // only `*` and are not judged either.
            if actions.iter().any(|(s, _)| !s.prefix.eq_ignore_ascii_case(arn_service)) {
                continue;
            }
            let judged: Vec<_> = actions.iter().filter(|(_, a)| !a.resources.is_empty()).collect();
            let matched = judged.iter().any(|(service, action)| {
                action.resources.iter().any(|r| {
                    service
                        .resource_type(r.resource_type)
                        .is_none_or(|rt| rt.matches_arn(&item.value))
                })
            });
            if judged.is_empty() || matched {
                continue;
            }
            let what = match judged.as_slice() {
                [(s, a)] => format!("`{}:{}`", s.prefix, a.name),
                _ => "any action of the statement".to_owned(),
            };
            let d = ctx
                .diagnostic(item.span, format!("`{}` is not a resource of {what}", item.value))
                .with_help(if arn_service.eq_ignore_ascii_case("s3") {
                    "check the ARN's form against the action's resource types (objects are `bucket/*`)"
                } else {
                    "check the ARN's form against the action's resource types"
                });
            ctx.report(d);
        }
    }
}
