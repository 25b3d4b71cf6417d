//! `IAM301 secure-transport-not-enforced`: a bucket policy without a `Deny` on plain HTTP.

use crate::rules::conditions_on;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{ConditionOperator, Effect, PolicyKind, Span, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that an S3 bucket policy (a resource policy whose S3 resources are all bucket or object
    /// ARNs, `arn:aws:s3:::…`: access point policies are not bucket policies) has a `Deny` statement
    /// with `Bool` `aws:SecureTransport` = `false`. It is an `info` finding: most buckets lack the deny
    /// and many do not need it; raise it with `[severity] IAM301 = "warning"` or turn it off with
    /// `ignore = ["IAM301"]` in `tenet.toml`.
    ///
    /// ## Why is this bad?
    /// Without it, requests over plain HTTP are accepted: credentials' signatures and object data
    /// cross the network unencrypted. AWS Security Hub control S3.5 requires the deny.
    ///
    /// ## Example
    /// A bucket policy with only `Allow` statements.
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    ///  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    /// ```
    ///
    /// ## References
    /// - [Security best practices for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html)
    pub struct SecureTransportNotEnforced {
        code: "IAM301",
        name: "secure-transport-not-enforced",
        category: Security,
        severity: Info,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

/// A bucket policy names bucket or object ARNs (`arn:aws:s3:::bucket/...`) and no access point,
/// Multi-Region Access Point or Object Lambda ARN (those have their own policies).
fn is_bucket_policy(stmts: &[&Statement]) -> bool {
    let s3_arns: Vec<&str> = stmts
        .iter()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.value.items.iter()))
        .map(|r| r.value.as_str())
        .filter(|r| r.split(':').nth(2) == Some("s3"))
        .collect();
    let bucket_form = |arn: &&str| {
        let mut fields = arn.splitn(6, ':').skip(3);
        fields.next() == Some("") && fields.next() == Some("")
    };
    !s3_arns.is_empty() && s3_arns.iter().all(bucket_form)
}

fn denies_plain_http(s: &Statement) -> bool {
    s.effect() == Some(Effect::Deny)
        && conditions_on(s, "aws:SecureTransport").any(|c| {
            c.parsed.is_some_and(|op| op.operator == ConditionOperator::Bool)
                && c.values.iter().any(|v| v.value.as_text().eq_ignore_ascii_case("false"))
        })
}

impl Rule for SecureTransportNotEnforced {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.kind() != PolicyKind::Resource {
            return;
        }
        let stmts: Vec<&Statement> = ctx.statements().iter().map(|s| &s.value).collect();
        if !is_bucket_policy(&stmts) || stmts.iter().any(|s| denies_plain_http(s)) {
            return;
        }
        let start = ctx.doc().span.start as usize;
        let d = ctx
            .diagnostic(
                Span::new(start, start + 1),
                "the bucket policy does not deny requests over plain HTTP",
            )
            .with_help(
                "add a `Deny` of `s3:*` for `Principal: \"*\"` with `\"Bool\": {\"aws:SecureTransport\": \"false\"}`",
            );
        ctx.report(d);
    }
}
