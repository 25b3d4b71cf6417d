//! `IAM207 condition-key-not-supported`: a service condition key that the statement's actions do not
//! support.

use super::{action_supports_key, has_wildcard};
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};
use tenet_catalog::catalog;

declare_rule! {
    /// ## What it does
    /// Checks a service-specific condition key (`s3:x-amz-acl`, `iam:PassedToService`) against the
    /// actions named in the statement. When none of them supports the key, the condition can never
    /// be evaluated; when only some do, the others are allowed or denied without it. Actions written
    /// with wildcards are not judged (as Access Analyzer does), nor are `NotAction` statements, global
    /// (`aws:`) keys, and keys the catalog does not know.
    ///
    /// ## Why is this bad?
    /// A key an action does not support is missing from that action's requests: `StringEquals` on it
    /// is false (the `Allow` grants nothing), and negated operators are true (the guard is void).
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
    ///  "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
    /// ```
    ///
    /// ## Use instead
    /// Move `s3:GetObject` to a statement without the condition.
    ///
    /// ## References
    /// - [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    pub struct ConditionKeyNotSupported {
        code: "IAM207",
        name: "condition-key-not-supported",
        category: Correctness,
        severity: Warning,
        aa_checks: ["Unsupported action for condition key", "Missing action for condition key"],
        parliament: ["UNKNOWN_CONDITION_FOR_ACTION"],
        fixable: false,
    }
}

impl Rule for ConditionKeyNotSupported {
    fn check_condition(&self, ctx: &mut LintContext<'_>, stmt: &Spanned<Statement>, c: &Condition) {
        let key_text = c.key.value.as_str();
        if key_text
            .split_once(':')
            .is_none_or(|(p, _)| p.eq_ignore_ascii_case("aws") || p.eq_ignore_ascii_case("saml"))
        {
            // `saml:` keys describe the federated session and come with every request it makes.
            return;
        }
        if catalog().condition_key(key_text).is_none() {
            return;
        }
        // Global keys of other prefixes (`ec2:SourceInstanceArn`) apply to every service.
        if catalog().global_condition_key(key_text).is_some() {
            return;
        }
        let Some(list) = stmt.action.as_ref().filter(|l| !l.value.negated.value) else {
            return;
        };
        let mut unsupported = Vec::new();
        let mut judged = 0;
        for item in &list.value.items {
            if has_wildcard(&item.value) {
                continue;
            }
            let Some((service, action)) = catalog().action(&item.value) else {
                continue;
            };
            judged += 1;
            if !action_supports_key(service, action, key_text) {
                unsupported.push(item);
            }
        }
        let all_explicit = judged == list.value.items.len();
        if unsupported.is_empty() || (unsupported.len() == judged && !all_explicit) {
            return;
        }
        if unsupported.len() == judged {
            let d = ctx
                .diagnostic(
                    c.key.span,
                    format!("no action of the statement supports the condition key `{key_text}`"),
                )
                .with_help("add an action that sets this key, or remove the condition");
            ctx.report(d);
            return;
        }
        let names: Vec<String> = unsupported.iter().map(|a| format!("`{}`", a.value)).collect();
        let mut d = ctx
            .diagnostic(
                c.key.span,
                format!(
                    "the condition key `{key_text}` is not supported by {}",
                    names.join(", ")
                ),
            )
            .with_help("move these actions to a statement without this condition key");
        for a in &unsupported {
            d = d.with_label(a.span, "does not support the key");
        }
        ctx.report(d);
    }
}
