//! `IAM300 public-put-without-acl-deny`: anyone may upload, and nothing stops public ACLs.

use super::is_public;
use crate::rules::{conditions_on, is_allow, statement_allows_action};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Effect, PolicyKind, Statement};

/// Canned ACLs that make an object readable beyond the bucket owner's account.
const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

declare_rule! {
    /// ## What it does
    /// Checks bucket policies that allow `s3:PutObject` or `s3:PutObjectAcl` to everyone (`*`, with
    /// no condition pinning the caller) for a `Deny` of public canned ACLs (`s3:x-amz-acl` equal to
    /// `public-read`, `public-read-write` or `authenticated-read`) and of `x-amz-grant-*` headers
    /// naming the `AllUsers` or `AuthenticatedUsers` groups.
    ///
    /// ## Why is this bad?
    /// Whoever can write an object can also make it world-readable with an ACL: a public drop box
    /// becomes a public download site for anything uploaded to it, unless Block Public Access or a
    /// `Deny` stops it.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::drop/*"}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:PutObjectAcl"], "Resource": "arn:aws:s3:::drop/*",
    ///  "Condition": {"StringEquals": {"s3:x-amz-acl": ["public-read", "public-read-write", "authenticated-read"]}}}
    /// ```
    /// and a second `Deny` with `StringLike` on `s3:x-amz-grant-read` (and `-full-control`,
    /// `-read-acp`, `-write-acp`) for `*acs.amazonaws.com/groups/global/AllUsers*` and
    /// `*AuthenticatedUsers*`.
    ///
    /// ## References
    /// - [Bucket policy examples: granting permissions with ACL conditions](https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html)
    pub struct PublicPutWithoutAclDeny {
        code: "IAM300",
        name: "public-put-without-acl-deny",
        category: Security,
        severity: Warning,
        aa_checks: [],
        parliament: [],
        fixable: false,
    }
}

fn denies_put(stmt: &Statement) -> bool {
    stmt.effect() == Some(Effect::Deny)
        && (statement_allows_action(stmt, "s3:PutObject") || statement_allows_action(stmt, "s3:PutObjectAcl"))
}

fn has_canned_acl_deny(stmts: &[&Statement]) -> bool {
    stmts.iter().any(|s| {
        denies_put(s)
            && conditions_on(s, "s3:x-amz-acl").any(|c| {
                c.values
                    .iter()
                    .any(|v| PUBLIC_ACLS.iter().any(|a| v.value.as_text().eq_ignore_ascii_case(a)))
            })
    })
}

fn has_grant_deny(stmts: &[&Statement]) -> bool {
    stmts.iter().any(|s| {
        denies_put(s)
            && s.conditions().iter().any(|c| {
                c.key.value.to_ascii_lowercase().starts_with("s3:x-amz-grant-")
                    && c.values.iter().any(|v| {
                        let t = v.value.as_text();
                        t.contains("AllUsers") || t.contains("AuthenticatedUsers")
                    })
            })
    })
}

impl Rule for PublicPutWithoutAclDeny {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        if ctx.kind() != PolicyKind::Resource {
            return;
        }
        let stmts: Vec<&Statement> = ctx.statements().iter().map(|s| &s.value).collect();
        let canned = has_canned_acl_deny(&stmts);
        let grants = has_grant_deny(&stmts);
        if canned && grants {
            return;
        }
        let missing = match (canned, grants) {
            (false, false) => "public canned ACLs and `x-amz-grant-*` headers",
            (false, true) => "public canned ACLs (`s3:x-amz-acl`)",
            _ => "`x-amz-grant-*` headers naming `AllUsers` or `AuthenticatedUsers`",
        };
        for stmt in ctx.statements() {
            let s = &stmt.value;
            if !is_allow(s) || !is_public(s) {
                continue;
            }
            let put = ["s3:PutObject", "s3:PutObjectAcl"]
                .into_iter()
                .find(|a| statement_allows_action(s, a));
            let (Some(put), Some(principal)) = (put, &s.principal) else {
                continue;
            };
            let d = ctx
                .diagnostic(principal.span, format!("everyone may call `{put}`, and no `Deny` blocks {missing}"))
                .with_help("add `Deny` statements on `s3:x-amz-acl` public values and `s3:x-amz-grant-*` AllUsers/AuthenticatedUsers, or pin the principal");
            ctx.report(d);
        }
    }
}
