//! `IAM025 missing-tag-key-in-condition`: `aws:ResourceTag` without `/tag-key`.

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};

declare_rule! {
    /// ## What it does
    /// Checks that tag condition keys (`aws:ResourceTag`, `aws:RequestTag`, `aws:PrincipalTag`,
    /// `<service>:ResourceTag`, `s3:ExistingObjectTag`, `s3:RequestObjectTag`) name a tag key after a
    /// `/`.
    ///
    /// ## Why is this bad?
    /// Without the tag key the condition key does not exist in any request, so the condition never
    /// matches. IAM rejects the policy.
    ///
    /// ## Example
    /// ```json
    /// {"StringEquals": {"aws:ResourceTag": "JaneDoe"}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"StringEquals": {"aws:ResourceTag/owner": "JaneDoe"}}
    /// ```
    ///
    /// ## References
    /// - [Controlling access using tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html)
    pub struct MissingTagKeyInCondition {
        code: "IAM025",
        name: "missing-tag-key-in-condition",
        category: Correctness,
        severity: Error,
        aa_checks: ["Missing tag key in condition"],
        parliament: [],
        fixable: false,
    }
}

const TAG_KEYS: [&str; 5] = [
    "ResourceTag",
    "RequestTag",
    "PrincipalTag",
    "ExistingObjectTag",
    "RequestObjectTag",
];

/// The tag key family the key belongs to, when it has no tag key after it.
fn tagless(key: &str) -> Option<&str> {
    let (_, name) = key.split_once(':')?;
    let base = name.strip_suffix('/').unwrap_or(name);
    TAG_KEYS.iter().find(|t| t.eq_ignore_ascii_case(base)).map(|_| base)
}

impl Rule for MissingTagKeyInCondition {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        if let Some(base) = tagless(&c.key.value) {
            let key = c.key.value.trim_end_matches('/');
            ctx.report_with_help(
                c.key.span,
                format!("the condition key `{}` names no tag key", c.key.value),
                format!("write `{key}/tag-key`, e.g. `{key}/owner`; `{base}` alone is never in a request"),
            );
        }
    }
}
