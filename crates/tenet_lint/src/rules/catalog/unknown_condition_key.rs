//! `IAM203 unknown-condition-key`: an `aws:` key or a key of a known service that does not exist.

use super::closest;
use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Condition, Spanned, Statement};
use tenet_catalog::catalog;

/// Global keys that exist in old documentation but that IAM does not support, with the replacement.
const UNSUPPORTED_GLOBAL_KEYS: &[(&str, &str)] = &[("aws:ARN", "`aws:PrincipalArn` or `aws:SourceArn`")];

declare_rule! {
    /// ## What it does
    /// Checks that every condition key with the `aws:` prefix is a global condition key, and that every
    /// key whose prefix is a known service (`s3:`, `kms:`) is one of that service's keys. Keys of
    /// identity providers (`accounts.google.com:aud`, `token.actions.githubusercontent.com:sub`) and
    /// unknown prefixes are left alone. `aws:ARN`, which IAM does not support, is reported with its
    /// replacement.
    ///
    /// ## Why is this bad?
    /// A condition on a key that is never in the request context is never true (or, with `IfExists`
    /// and negated operators, always true): an `Allow` never applies, a `Deny` never denies.
    ///
    /// ## Example
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:PrincipalOrgId": "o-a1b2c3d4e5", "s3:x-amz-acll": "private"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "s3:x-amz-acl": "private"}}}
    /// ```
    ///
    /// ## References
    /// - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    pub struct UnknownConditionKey {
        code: "IAM203",
        name: "unknown-condition-key",
        category: Correctness,
        severity: Error,
        aa_checks: ["Invalid global condition key", "Invalid service condition key", "Unsupported global condition key"],
        parliament: [],
        fixable: false,
    }
}

impl Rule for UnknownConditionKey {
    fn check_condition(&self, ctx: &mut LintContext<'_>, _stmt: &Spanned<Statement>, c: &Condition) {
        let key = c.key.value.as_str();
        let Some((prefix, _)) = key.split_once(':') else {
            return;
        };
        if let Some((_, instead)) = UNSUPPORTED_GLOBAL_KEYS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            let d = ctx
                .diagnostic(c.key.span, format!("the condition key `{key}` is not supported"))
                .with_help(format!("use {instead} instead"));
            ctx.report(d);
            return;
        }
        if prefix.eq_ignore_ascii_case("aws") {
            if catalog().global_condition_key(key).is_none() && catalog().condition_key(key).is_none() {
                if undocumented(ctx, c, key) {
                    return;
                }
                let names = catalog().global_condition_keys().map(|k| k.name);
                let d = ctx.diagnostic(c.key.span, format!("the global condition key `{key}` does not exist"));
                ctx.report(with_suggestion(d, key, names));
            }
            return;
        }
        let Some(service) = catalog().service(prefix) else {
            return;
        };
        if service.condition_key(key).is_some() || catalog().condition_key(key).is_some() {
            return;
        }
        if undocumented(ctx, c, key) {
            return;
        }
        let names = service.condition_keys.iter().map(|k| k.name);
        let d = ctx.diagnostic(
            c.key.span,
            format!("the service `{}` has no condition key `{key}`", service.prefix),
        );
        ctx.report(with_suggestion(d, key, names));
    }
}

/// Reports a key AWS uses in its own policies without documenting it, as a warning.
fn undocumented(ctx: &mut LintContext<'_>, c: &Condition, key: &str) -> bool {
    if !super::retired::listed(super::retired::UNDOCUMENTED_CONDITION_KEYS, key) {
        return false;
    }
    let mut d = ctx.diagnostic(
        c.key.span,
        format!("the condition key `{key}` is not documented by AWS"),
    );
    d.severity = d.severity.min(crate::Severity::Warning);
    ctx.report(
        d.with_help("AWS managed policies use it, but AWS's references do not list it: prefer a documented key"),
    );
    true
}

fn with_suggestion<'a>(
    d: tenet_diagnostics::Diagnostic,
    key: &str,
    names: impl Iterator<Item = &'a str>,
) -> tenet_diagnostics::Diagnostic {
    match closest(key, names.filter(|n| !n.contains(['$', '<']))) {
        Some(n) => d.with_help(format!("did you mean `{n}`?")),
        None => d.with_help("use a key from the Service Authorization Reference or the global condition keys"),
    }
}
