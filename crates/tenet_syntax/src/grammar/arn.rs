//! ARNs: `arn:partition:service:region:account:resource`, with `*` and `?` wildcards anywhere.
//!
//! The parser splits the six fields (the resource may contain `:` and `/`) and checks each one the
//! way IAM Access Analyzer does. The lowering calls [`parse_resource`] on `Resource` values and
//! [`parse_arn`] on ARN-valued condition values and principals.

use nom::bytes::complete::{tag, take_while, take_while1, take_while_m_n};
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, rest};
use nom::multi::many1;
use nom::sequence::preceded;
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Edit, Span};

use super::codes::{
    INVALID_ARN_ACCOUNT, INVALID_ARN_PARTITION, INVALID_ARN_PREFIX, INVALID_ARN_REGION, INVALID_ARN_SERVICE,
    INVALID_ARN_SERVICE_CASE, MISSING_ARN_FIELD,
};
use super::{has_wildcard, ids, maps_exactly, range_in, sub_span};

/// A parsed ARN. Every field may contain `*` and `?` wildcards; region and account may be empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
    /// The service prefix, such as `s3` or `iam`.
    pub service: String,
    /// The region, such as `us-east-1`; empty for global resources.
    pub region: String,
    /// The 12-digit account id; empty for S3 buckets, `aws` for AWS managed policies.
    pub account: String,
    /// Everything after the fifth colon, such as `role/admin` or `bucket/key:with:colons`.
    pub resource: String,
}

/// A `Resource` value: either `*` or an ARN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// The string `*`: every resource.
    Any,
    /// An ARN, possibly with wildcards.
    Arn(Arn),
}

/// The partitions AWS has.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Services whose ARNs always name an account.
const ACCOUNT_REQUIRED: &[&str] = &["iam", "sts"];

const ARN_FORM: &str = "an ARN has the form `arn:partition:service:region:account:resource`";
const FIELD_NAMES: [&str; 6] = ["prefix", "partition", "service", "region", "account", "resource"];

/// The six fields of an ARN as slices of the input.
struct RawArn<'a> {
    partition: &'a str,
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

/// Parses a `Resource` value: `*` is [`Resource::Any`], anything else must be an ARN.
pub fn parse_resource(s: &str, span: Span) -> (Option<Resource>, Vec<Diagnostic>) {
    if s == "*" {
        return (Some(Resource::Any), Vec::new());
    }
    let (arn, diagnostics) = parse_arn(s, span);
    (arn.map(Resource::Arn), diagnostics)
}

/// Parses an ARN. Returns `None` only when the prefix or a field separator is missing; an ARN with
/// invalid fields is returned together with their diagnostics.
pub fn parse_arn(s: &str, span: Span) -> (Option<Arn>, Vec<Diagnostic>) {
    if arn_prefix(s).is_err() {
        return (None, vec![prefix_diagnostic(s, span)]);
    }
    let Ok((_, raw)) = arn(s) else {
        if let Some(arn) = spanning_wildcard(s) {
            return (Some(arn), Vec::new());
        }
        return (None, vec![missing_field_diagnostic(s, span)]);
    };
    let mut diagnostics = Vec::new();
    check_partition(s, span, raw.partition, &mut diagnostics);
    check_service(s, span, raw.service, &mut diagnostics);
    check_region(s, span, raw.region, &mut diagnostics);
    check_account(s, span, &raw, &mut diagnostics);
    // NOTE: AWS ships managed policies with an empty resource after a wildcard account
    // (`arn:aws:organizations::*:`), which IAM accepts; only a fully concrete ARN is flagged.
    if raw.resource.is_empty() && !has_wildcard(s) {
        diagnostics.push(
            MISSING_ARN_FIELD
                .at(span, format!("arn `{s}` has an empty resource"))
                .with_help(format!("{ARN_FORM}; name the resource, or end it with `*`")),
        );
    }
    let arn = Arn {
        partition: raw.partition.to_owned(),
        service: raw.service.to_owned(),
        region: raw.region.to_owned(),
        account: raw.account.to_owned(),
        resource: raw.resource.to_owned(),
    };
    (Some(arn), diagnostics)
}

/// `arn_prefix = "arn:" ;`
fn arn_prefix(i: &str) -> IResult<&str, &str> {
    tag("arn:").parse(i)
}

/// `arn = arn_prefix partition ":" service ":" region ":" account ":" resource ;`
fn arn(i: &str) -> IResult<&str, RawArn<'_>> {
    let (i, _) = arn_prefix(i)?;
    let (i, (partition, _, service, _, region, _, account, _, resource)) = (
        field,
        char(':'),
        field,
        char(':'),
        field,
        char(':'),
        field,
        char(':'),
        rest,
    )
        .parse(i)?;
    let raw = RawArn {
        partition,
        service,
        region,
        account,
        resource,
    };
    Ok((i, raw))
}

/// `field = { character - ":" } ;` (partition, service, region and account are fields)
fn field(i: &str) -> IResult<&str, &str> {
    take_while(|c| c != ':').parse(i)
}

/// `region_name = lower lower ( "-" lower { lower } )+ "-" digit { digit } ;`
fn region_name(i: &str) -> IResult<&str, ()> {
    let lower = |c: char| c.is_ascii_lowercase();
    let (i, _) = (
        take_while_m_n(2, 2, lower),
        many1(preceded(char('-'), take_while1(lower))),
        char('-'),
        digit1,
    )
        .parse(i)?;
    Ok((i, ()))
}

fn prefix_diagnostic(s: &str, span: Span) -> Diagnostic {
    let (range, message) = match s.split_once(':') {
        Some((prefix, _)) => (0..prefix.len(), format!("`{prefix}` is not the arn prefix `arn`")),
        None => (0..s.len(), format!("`{s}` is not an arn")),
    };
    INVALID_ARN_PREFIX
        .at(sub_span(span, s, range), message)
        .with_help(format!("{ARN_FORM}; use `*` for every resource"))
}

/// An ARN with fewer than six fields whose last character is `*`: the wildcard spans the missing
/// colons (`arn:aws:cloudfront:*` is every CloudFront resource, as the IAM User Guide shows). The
/// missing fields are `*`.
fn spanning_wildcard(s: &str) -> Option<Arn> {
    if !s.ends_with('*') {
        return None;
    }
    let missing = 5usize.checked_sub(s.matches(':').count())?;
    let padded = format!("{s}{}", ":*".repeat(missing));
    let (_, raw) = arn(&padded).ok()?;
    Some(Arn {
        partition: raw.partition.to_owned(),
        service: raw.service.to_owned(),
        region: raw.region.to_owned(),
        account: raw.account.to_owned(),
        resource: raw.resource.to_owned(),
    })
}

fn missing_field_diagnostic(s: &str, span: Span) -> Diagnostic {
    let fields = s.split(':').count().min(5);
    let missing = FIELD_NAMES.get(fields).copied().unwrap_or("resource");
    MISSING_ARN_FIELD
        .at(span, format!("arn `{s}` is missing its {missing} field"))
        .with_help(format!(
            "{ARN_FORM}, with five colons even when region or account is empty"
        ))
}

fn check_partition(s: &str, span: Span, partition: &str, out: &mut Vec<Diagnostic>) {
    if has_wildcard(partition) || PARTITIONS.contains(&partition) {
        return;
    }
    let help = match PARTITIONS.iter().find(|p| p.eq_ignore_ascii_case(partition)) {
        Some(p) => format!("partitions are lowercase: write `{p}`"),
        None => format!("use one of {}", backticked(PARTITIONS)),
    };
    let at = sub_span(span, s, range_in(s, partition));
    out.push(
        INVALID_ARN_PARTITION
            .at(at, format!("`{partition}` is not an aws partition"))
            .with_help(help),
    );
}

fn check_service(s: &str, span: Span, service: &str, out: &mut Vec<Diagnostic>) {
    let range = range_in(s, service);
    let at = sub_span(span, s, range.clone());
    if service.is_empty() {
        let message = format!("arn `{s}` has an empty service");
        out.push(
            MISSING_ARN_FIELD
                .at(at, message)
                .with_help(format!("{ARN_FORM}; name the service, such as `s3`")),
        );
    } else if service.chars().any(|c| c.is_ascii_uppercase()) {
        let lower = service.to_ascii_lowercase();
        let mut diagnostic = INVALID_ARN_SERVICE_CASE
            .at(at, format!("service `{service}` in an arn must be lowercase"))
            .with_help(format!("write `{lower}`"));
        if maps_exactly(span, s) {
            let edit = Edit {
                span: at,
                replacement: lower.clone(),
            };
            // Unsafe: the ARN as written matches no resource; lowercased, it matches.
            diagnostic = diagnostic.with_unsafe_fix(format!("replace `{service}` with `{lower}`"), vec![edit]);
        }
        out.push(diagnostic);
    } else if !service
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '*' | '?'))
    {
        let message = format!("`{service}` is not a service prefix");
        let help = "service prefixes contain only lowercase letters, digits and `-`, such as `s3` or `execute-api`";
        out.push(INVALID_ARN_SERVICE.at(at, message).with_help(help));
    }
}

fn check_region(s: &str, span: Span, region: &str, out: &mut Vec<Diagnostic>) {
    if region.is_empty() || has_wildcard(region) || region.contains("${") || region == "aws-global" {
        return;
    }
    if all_consuming(region_name).parse(region).is_ok() {
        return;
    }
    let at = sub_span(span, s, range_in(s, region));
    let help = "regions look like `us-east-1` or `eu-central-2`; leave the field empty for global resources";
    out.push(
        INVALID_ARN_REGION
            .at(at, format!("`{region}` is not a region"))
            .with_help(help),
    );
}

fn check_account(s: &str, span: Span, raw: &RawArn<'_>, out: &mut Vec<Diagnostic>) {
    let account = raw.account;
    let at = sub_span(span, s, range_in(s, account));
    if account.is_empty() {
        if ACCOUNT_REQUIRED.contains(&raw.service) {
            let message = format!("`{}` arns must name an account", raw.service);
            let help = "put the 12-digit account id between the fourth and fifth colons";
            out.push(INVALID_ARN_ACCOUNT.at(at, message).with_help(help));
        }
        return;
    }
    // NOTE: `aws` is the owner of AWS-managed resources in many services (IAM managed policies, EKS
    // access policies, RAM managed permissions, SSO managed policies…); AWS's own policies use it in
    // every one of those, so it is accepted for any service. A policy variable is checked when
    // substituted, not here.
    if has_wildcard(account) || ids::is_account_id(account) || account == "aws" || account.contains("${") {
        return;
    }
    let message = format!("`{account}` is not an account id");
    out.push(
        INVALID_ARN_ACCOUNT
            .at(at, message)
            .with_help("account ids are 12 digits, such as `123456789012`"),
    );
}

fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The span of a literal `"s"` at offset 100.
    fn lit(s: &str) -> Span {
        Span::new(100, 100 + s.len() + 2)
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn parses_fields_with_colons_and_slashes_in_the_resource() {
        let s = "arn:aws:s3:::bucket/key:with:colons";
        let (arn, diagnostics) = parse_arn(s, lit(s));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        insta::assert_debug_snapshot!(arn, @r#"
        Some(
            Arn {
                partition: "aws",
                service: "s3",
                region: "",
                account: "",
                resource: "bucket/key:with:colons",
            },
        )
        "#);
    }

    #[test]
    fn valid_arns_have_no_diagnostics() {
        for s in [
            "arn:aws:iam::123456789012:role/admin",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/*",
            "arn:aws:lambda:*:*:function:*",
            "arn:*:s3:::*",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:execute-api:eu-central-1:123456789012:api/stage/GET/*",
            "arn:aws:s3:::b?cket",
        ] {
            let (arn, diagnostics) = parse_arn(s, lit(s));
            assert!(arn.is_some() && diagnostics.is_empty(), "{s}: {diagnostics:?}");
        }
    }

    #[test]
    fn a_trailing_star_spans_the_missing_fields() {
        let s = "arn:aws:cloudfront:*";
        let (arn, diagnostics) = parse_arn(s, lit(s));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let arn = arn.expect("parsed");
        assert_eq!(
            (arn.service.as_str(), arn.region.as_str(), arn.resource.as_str()),
            ("cloudfront", "*", "*")
        );
        let s = "arn:aws:s3:bucket*";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert!(diagnostics.is_empty(), "the `*` may span the colons: {diagnostics:?}");
        let s = "arn:aws:s3:bucket";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN102"], "no trailing `*`, no spanning");
    }

    #[test]
    fn star_is_any_resource() {
        assert_eq!(parse_resource("*", lit("*")), (Some(Resource::Any), vec![]));
    }

    #[test]
    fn bad_prefix_points_at_the_prefix() {
        let s = "ARN:aws:s3:::b";
        let (arn, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(arn, None);
        assert_eq!(codes(&diagnostics), ["SYN101"]);
        assert_eq!(diagnostics[0].span, Span::new(101, 104));
        assert_eq!(diagnostics[0].message, "`ARN` is not the arn prefix `arn`");
        let (_, diagnostics) = parse_resource("mybucket", lit("mybucket"));
        assert_eq!(diagnostics[0].span, Span::new(101, 109));
        assert_eq!(diagnostics[0].message, "`mybucket` is not an arn");
    }

    #[test]
    fn missing_fields_name_the_first_missing_one() {
        let s = "arn:aws:s3:bucket";
        let (arn, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(arn, None);
        assert_eq!(codes(&diagnostics), ["SYN102"]);
        assert_eq!(
            diagnostics[0].message,
            "arn `arn:aws:s3:bucket` is missing its account field"
        );
        assert_eq!(diagnostics[0].span, lit(s));
        let (_, diagnostics) = parse_arn("arn:aws:s3:::", lit("arn:aws:s3:::"));
        assert_eq!(codes(&diagnostics), ["SYN102"]);
    }

    #[test]
    fn invalid_partition_points_at_the_partition() {
        let s = "arn:AWS:s3:::b";
        let (arn, diagnostics) = parse_arn(s, lit(s));
        assert!(arn.is_some());
        assert_eq!(codes(&diagnostics), ["SYN103"]);
        assert_eq!(diagnostics[0].span, Span::new(105, 108));
        assert_eq!(
            diagnostics[0].help.as_deref(),
            Some("partitions are lowercase: write `aws`")
        );
    }

    #[test]
    fn uppercase_service_has_a_fix() {
        let s = "arn:aws:S3:::b";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN104"]);
        assert_eq!(diagnostics[0].span, Span::new(109, 111));
        let fix = diagnostics[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str());
        assert_eq!(fix, Some("s3"));
        // Without a 1:1 mapping the whole literal is the span and there is no fix.
        let (_, diagnostics) = parse_arn(s, Span::new(0, 40));
        assert_eq!(diagnostics[0].span, Span::new(0, 40));
        assert!(diagnostics[0].fix.is_none());
    }

    #[test]
    fn bad_service_region_and_account_point_at_their_fields() {
        let s = "arn:aws:s_3:useast1:12345:x";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN105", "SYN106", "SYN107"]);
        assert_eq!(diagnostics[0].span, Span::new(109, 112));
        assert_eq!(diagnostics[1].span, Span::new(113, 120));
        assert_eq!(diagnostics[2].span, Span::new(121, 126));
    }

    #[test]
    fn account_aws_is_the_owner_of_aws_managed_resources() {
        for s in [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:eks::aws:cluster-access-policy/X",
        ] {
            let (_, diagnostics) = parse_arn(s, lit(s));
            assert!(diagnostics.is_empty(), "{s}");
        }
        let s = "arn:aws:iam::aw5:role/x";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN107"]);
        let s = "arn:aws:iam:::role/x";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN107"]);
        assert_eq!(diagnostics[0].span, Span::new(114, 114));
    }

    #[test]
    fn empty_service_is_a_missing_field() {
        let s = "arn:aws::::x";
        let (_, diagnostics) = parse_arn(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN102"]);
        assert_eq!(diagnostics[0].span, Span::new(109, 109));
    }
}
