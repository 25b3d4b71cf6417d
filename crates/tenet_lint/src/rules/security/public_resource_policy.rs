//! `IAM305 public-resource-policy`: a bucket, queue, topic, function, secret or repository policy
//! that grants to everyone.

use super::is_public;
use crate::rules::is_allow;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{PolicyKind, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks resource policies for an `Allow` to `"*"` (or `{"AWS": "*"}`) of Amazon S3, SQS, SNS,
    /// Lambda, Secrets Manager or ECR actions with no condition that pins the caller (the keys of
    /// S3's "meaning of public": `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceArn`,
    /// `aws:SourceAccount`, `aws:SourceVpce`, `aws:SourceIp`, ...).
    ///
    /// ## Why is this bad?
    /// Such a statement grants the actions to every AWS account, and for S3 to anonymous callers:
    /// public-read buckets, queues anyone can send to, topics anyone can subscribe to, functions
    /// anyone can invoke, secrets anyone can read. Access Analyzer reports these as public access.
    /// Websites and public datasets are public on purpose: suppress the finding there.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
    ///  "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    /// ```
    ///
    /// ## References
    /// - [The meaning of "public" (Amazon S3)](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
    /// - [Resources that Access Analyzer supports](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html)
    pub struct PublicResourcePolicy {
        code: "IAM305",
        name: "public-resource-policy",
        category: Security,
        severity: Warning,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

/// The services whose resource policies this rule judges.
const SERVICES: &[&str] = &["s3", "sqs", "sns", "lambda", "secretsmanager", "ecr"];

/// The first action item of the statement that reaches one of [`SERVICES`], as written.
fn public_action(stmt: &Statement) -> Option<&Spanned<String>> {
    let list = stmt.action.as_ref()?;
    list.value.items.iter().find(|a| {
        let service = a.value.split_once(':').map_or(a.value.as_str(), |(s, _)| s);
        list.value.negated.value || service == "*" || SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
    })
}

impl Rule for PublicResourcePolicy {
    fn check_statement(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>) {
        if ctx.kind() != PolicyKind::Resource || !is_allow(stmt) || !is_public(stmt) {
            return;
        }
        let (Some(action), Some(principal)) = (public_action(stmt), &stmt.value.principal) else {
            return;
        };
        let d = ctx
            .diagnostic(principal.span, format!("the statement grants `{}` to everyone", action.value))
            .with_label(action.span, "granted to any AWS account or anonymous caller")
            .with_help("name the principals, or pin `*` with a condition on `aws:PrincipalOrgID`, `aws:SourceArn` or `aws:SourceAccount`");
        ctx.report(d);
    }
}
