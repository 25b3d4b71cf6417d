//! `IAM008 policy-size-exceeds-quota`: a policy longer than IAM's quota for its kind (and the size
//! counting that `IAM009` shares).

use crate::{declare_rule, LintContext, Rule};
use tenet_ast::{Policy, PolicyKind};

declare_rule! {
    /// ## What it does
    /// Checks the size of identity, trust, resource and key policies against AWS's quotas, counted in
    /// characters without whitespace outside strings, as IAM counts: identity (managed) 6,144, role
    /// trust 2,048 (the default; it can be raised to 8,192), resource (S3 bucket) 20,480, KMS key 32,768.
    ///
    /// ## Why is this bad?
    /// AWS rejects a policy over its quota at deployment time, usually long after review, so this is
    /// an error. AWS managed policies (in `get-account-authorization-details` output) are exempt:
    /// AWS writes them, and the customer quota does not apply to them.
    ///
    /// ## Example
    /// An identity policy listing hundreds of individual actions.
    ///
    /// ## Use instead
    /// Use wildcards that name exactly what is meant (`s3:Get*`), or split the policy in two.
    ///
    /// ## References
    /// - [IAM and AWS STS quotas](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    pub struct PolicySizeExceedsQuota {
        code: "IAM008",
        name: "policy-size-exceeds-quota",
        category: Correctness,
        severity: Error,
        aa_checks: [
            "Policy size exceeds identity policy quota",
            "Policy size exceeds resource policy quota",
            "Policy size exceeds role trust policy quota",
        ],
        parliament: [],
        fixable: false,
    }
}

pub(super) fn quota(kind: PolicyKind) -> usize {
    match kind {
        PolicyKind::Identity | PolicyKind::Boundary => 6_144,
        PolicyKind::Trust => 2_048,
        PolicyKind::Resource | PolicyKind::VpcEndpoint => 20_480,
        PolicyKind::Key => 32_768,
        PolicyKind::Scp | PolicyKind::Rcp => 5_120,
    }
}

/// The document's text, when the source is known and the document is the whole bare policy.
pub(super) fn document_text<'a>(ctx: &LintContext<'a>) -> Option<&'a str> {
    if ctx.doc().name.is_some() {
        return None;
    }
    ctx.text(ctx.doc().span).filter(|t| t.starts_with('{'))
}

/// Characters outside whitespace that is outside strings.
pub(super) fn minified_len(text: &str) -> usize {
    // Every character counts but whitespace outside strings, so count that: byte by byte outside
    // strings, and skip each string to its closing quote.
    let bytes = text.as_bytes();
    let (mut whitespace, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        if b == b'"' {
            i = string_end(bytes, i + 1);
        } else if b.is_ascii() {
            whitespace += usize::from(char::from(b).is_whitespace());
            i += 1;
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            whitespace += usize::from(c.is_whitespace());
            i += c.len_utf8();
        }
    }
    text.chars().count() - whitespace
}

/// The index just past the closing quote of the string literal whose text starts at `start`
/// (the end of `bytes` if it is not closed). Quotes and backslashes are ASCII, so they are never
/// part of a multi-byte character, and skipping the byte after a backslash is enough.
pub(super) fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while let Some((k, &b)) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().enumerate().find(|(_, &b)| b == b'"' || b == b'\\'))
    {
        if b == b'"' {
            return i + k + 1;
        }
        i += k + 2;
    }
    bytes.len()
}

impl Rule for PolicySizeExceedsQuota {
    fn check_policy(&self, ctx: &mut LintContext<'_>) {
        let kind = ctx.kind();
        let aws_managed = ctx
            .doc()
            .name
            .as_deref()
            .is_some_and(|n| n.contains(tenet_syntax::AWS_MANAGED_MARK));
        if matches!(kind, PolicyKind::Scp | PolicyKind::Rcp) || aws_managed {
            return;
        }
        let size = document_text(ctx).map_or_else(|| estimated_len(ctx.policy()), minified_len);
        if size <= quota(kind) {
            return;
        }
        let span = ctx.doc().span;
        let d = ctx.diagnostic(
            tenet_diagnostics::Span::new(span.start as usize, span.start as usize + 1),
            format!(
                "the {} policy has {size} characters without whitespace, over the quota of {}",
                kind.as_str(),
                quota(kind)
            ),
        );
        let help = match kind {
            PolicyKind::Trust => "split trust across roles, or request a larger role trust policy quota (up to 8,192)",
            _ => "split the policy into several smaller policies",
        };
        ctx.report(d.with_help(help));
    }
}

/// The length of the policy serialized as minified JSON, for documents whose text is not at hand.
pub(super) fn estimated_len(policy: &Policy) -> usize {
    let s = |text: &str| text.chars().count() + 2 + text.chars().filter(|c| matches!(c, '"' | '\\')).count();
    let list = |items: &[String]| match items {
        [one] => s(one),
        _ => 2 + items.iter().map(|i| s(i) + 1).sum::<usize>().saturating_sub(1),
    };
    let mut n = 2 + "\"Statement\":[]".len();
    n += policy
        .version
        .as_ref()
        .map_or(0, |v| s("Version") + 1 + s(v.as_str()) + 1);
    n += policy.id.as_ref().map_or(0, |v| s("Id") + 1 + s(&v.value) + 1);
    for stmt in &policy.statements {
        n += 3; // braces and separator
        n += stmt.sid.as_ref().map_or(0, |v| s("Sid") + s(&v.value) + 2);
        n += stmt.effect.as_ref().map_or(0, |_| s("Effect") + s("Allow") + 2);
        for list_el in [&stmt.action, &stmt.resource].into_iter().flatten() {
            let items: Vec<String> = list_el.items.iter().map(|i| i.value.clone()).collect();
            n += s("NotResource") + 1 + list(&items) + 1;
        }
        if let Some(p) = &stmt.principal {
            let items: Vec<String> = p.entries().map(|(_, v)| v.value.clone()).collect();
            n += s("NotPrincipal") + 1 + s("AWS") + 3 + list(&items) + 1;
        }
        for c in stmt.conditions() {
            let values: Vec<String> = c.values.iter().map(|v| v.as_text().into_owned()).collect();
            n += s(&c.operator.value) + s(&c.key.value) + 4 + list(&values) + 1;
        }
        n += stmt.condition.as_ref().map_or(0, |_| s("Condition") + 3);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::minified_len;

    #[test]
    fn minified_length_counts_characters_outside_whitespace() {
        assert_eq!(minified_len("{ \"a b\" :\t[ 1 ,\n2 ] }"), 13);
        // Escaped quotes stay inside the string; non-ASCII characters count once.
        assert_eq!(minified_len(r#"{"Sid": "é \" ü"}"#), 16);
        // Unicode whitespace outside strings (no-break space, line separator) is not counted.
        assert_eq!(minified_len("{\u{a0}\"x\"\u{2028}:\u{b}1}"), 7);
        assert_eq!(minified_len("\"\\é\" x"), 5);
        assert_eq!(minified_len("\"a\\"), 3);
    }
}
