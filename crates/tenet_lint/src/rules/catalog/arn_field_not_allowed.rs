//! `IAM214 arn-field-mismatch`: a resource ARN whose Region or account field is there when the
//! service's resource types have none, missing when they need one, or names a Region that does not
//! exist; or whose resource part fits none of the service's ARN formats.
#![allow(
    clippy::indexing_slicing,
    reason = "to be rewritten with get/iterators by lint, whose branch changes this file in the same session (issue 14)"
)]

use super::has_wildcard;
use super::unsupported_resource_arn::is_multi_region_access_point;
use crate::rules::condition::REGIONS;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Spanned, Statement};
use tenet_catalog::catalog;
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

/// What is wrong with a field of a resource ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArnFieldProblem {
    /// The service's matching resource types have no Region.
    RegionNotAllowed(&'static str),
    /// The service's matching resource types have no account.
    AccountNotAllowed(&'static str),
    /// The service's matching resource types all have a Region.
    MissingRegion(&'static str),
    /// The service's matching resource types all have an account.
    MissingAccount(&'static str),
    /// A Region-shaped name that is no AWS Region.
    UnknownRegion(String),
    /// The resource part fits no resource type of the service, whatever the Region and account.
    InvalidResource(&'static str, &'static str),
}

/// Whether `r` looks like a Region name (`us-east-1`, `us-gov-west-1`); other text is the grammar's
/// finding (`SYN106`).
pub(crate) fn region_shaped(r: &str) -> bool {
    let mut parts = r.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest: Vec<&str> = parts.collect();
    first_ok
        && rest.len() >= 2
        && rest
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && rest[..rest.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The problem of a resource ARN's Region or account field, with the field's byte range in the ARN
/// (`None` for a missing field), or the resource part's range when no Region and account make the
/// ARN fit. `None` when the ARN fits one of its service's resource types, or when a field holds a
/// wildcard or a variable.
pub(crate) fn arn_fields(arn: &str) -> Option<(ArnFieldProblem, Option<std::ops::Range<usize>>)> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, service, region, account, resource] = fields[..] else {
        return None;
    };
    if service.is_empty() || has_wildcard(service) || is_multi_region_access_point(arn) {
        return None;
    }
    let svc = catalog().service(service)?;
    let types = svc.resource_types();
    let fits = |a: &str| types.iter().any(|t| t.matches_arn(a));
    let literal = |f: &str| !f.contains(['*', '?', '$']);
    let region_at = 4 + partition.len() + 1 + service.len() + 1;
    let account_at = region_at + region.len() + 1;
    let with = |r: &str, a: &str| format!("arn:{partition}:{service}:{r}:{a}:{resource}");
    if types.is_empty() || !literal(region) || !literal(account) {
        return None;
    }
    if fits(arn) {
        let unknown = !region.is_empty() && region_shaped(region) && !REGIONS.contains(&region);
        return unknown.then(|| {
            (
                ArnFieldProblem::UnknownRegion(region.to_owned()),
                Some(region_at..region_at + region.len()),
            )
        });
    }
    // Try the ARN with one field changed to a concrete value (a `*` could span colons): empty for a
    // filled field where none belongs, a sample value for a missing one.
    if !region.is_empty() && fits(&with("", account)) {
        return Some((
            ArnFieldProblem::RegionNotAllowed(svc.prefix),
            Some(region_at..region_at + region.len()),
        ));
    }
    if !account.is_empty() && fits(&with(region, "")) {
        return Some((
            ArnFieldProblem::AccountNotAllowed(svc.prefix),
            Some(account_at..account_at + account.len()),
        ));
    }
    let filled_region = if region.is_empty() { "us-east-1" } else { region };
    let filled_account = if account.is_empty() { "111122223333" } else { account };
    if fits(&with(filled_region, filled_account)) {
        let missing = if fields[3].is_empty() {
            ArnFieldProblem::MissingRegion(svc.prefix)
        } else {
            ArnFieldProblem::MissingAccount(svc.prefix)
        };
        return Some((missing, None));
    }
    // No Region or account makes it fit: the resource part is wrong (a variable is not judged).
    let freed = [("", ""), ("", filled_account), (filled_region, "")];
    if resource.is_empty() || resource.contains('$') || freed.iter().any(|(r, a)| fits(&with(r, a))) {
        return None;
    }
    let example = types
        .iter()
        .flat_map(|t| t.arn_patterns.iter())
        .next()
        .copied()
        .unwrap_or_default();
    let resource_at = account_at + account.len() + 1;
    Some((
        ArnFieldProblem::InvalidResource(svc.prefix, example),
        Some(resource_at..resource_at + resource.len()),
    ))
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
