//! Reading a resource ARN's Region, account and resource fields against the ARN formats of its
//! service's resource types in the catalog: the verdict behind `arn-field-mismatch` (IAM214), which
//! `unsupported-resource-arn` (IAM211) also asks so that one fault gives one finding.

use super::has_wildcard;
use super::unsupported_resource_arn::is_multi_region_access_point;
use crate::rules::condition::REGIONS;
use tenet_catalog::catalog;

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
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let mut parts = r.split('-');
    let first_ok = parts.next().is_some_and(|p| p.len() == 2 && letters(p));
    let rest: Vec<&str> = parts.collect();
    let Some((number, middle)) = rest.split_last() else {
        return false;
    };
    first_ok
        && !middle.is_empty()
        && middle.iter().all(|p| letters(p))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
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
    let literal = |f: &str| !has_wildcard(f) && !f.contains('$');
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
        let missing = if region.is_empty() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_have_a_two_letter_area_words_and_a_number() {
        for r in ["us-east-1", "us-gov-west-1", "ap-southeast-12"] {
            assert!(region_shaped(r), "{r}");
        }
        for r in [
            "",
            "us",
            "us-1",
            "use-east-1",
            "us-east-",
            "us--1",
            "us-East-1",
            "us-east-1a",
            "eu-west-é",
        ] {
            assert!(!region_shaped(r), "{r}");
        }
    }

    #[test]
    fn a_missing_region_is_told_from_a_missing_account() {
        let (problem, range) = arn_fields("arn:aws:sqs::111122223333:queue").unwrap();
        assert_eq!(problem, ArnFieldProblem::MissingRegion("sqs"));
        assert_eq!(range, None);
        let arn = "arn:aws:s3:us-east-1::bucket";
        let (problem, range) = arn_fields(arn).unwrap();
        assert_eq!(problem, ArnFieldProblem::RegionNotAllowed("s3"));
        assert_eq!(range.and_then(|r| arn.get(r)), Some("us-east-1"));
        assert_eq!(arn_fields("arn:aws:s3:::bucket/*"), None);
        assert_eq!(arn_fields("arn:aws:s3"), None);
    }
}
