//! Verdicts that stand on what a template leaves unresolved are `unknown`.
//!
//! A policy read from infrastructure as code may hold values the template does not fix (an
//! intrinsic, an interpolation, a value known only after apply, a managed policy defined
//! elsewhere): they are `${…}` placeholders recorded in [`Policy::unresolved`], and matching
//! them as text would decide nothing about the deployed policy. A placeholder is no wildcard: it
//! can neither prove access nor prove its absence. Likewise a bucket's default encryption or a KMS
//! grant the template does not fix ([`crate::Estate::unknowns`]). [`settle`] turns every link
//! outcome whose policy set holds such a policy, or whose resource has such an unknown, into
//! `unknown` with the reason.

use tenet_ast::Policy;

use crate::access::{Analysis, LinkOutcome, LinkTarget, Subject, WhoCan};

/// Why a link cannot be decided for a subject from what the sources fix, if so: a policy in play
/// leaves values unresolved, a pattern may tell a generated name from its stand-in, or the link's
/// bucket or key has an unknown ([`crate::Estate::unknowns`]). Callers that decide links on their
/// own (a prover over `access::policy_sets_for`) must answer `unknown` when this is `Some`.
pub fn link_unknown(a: &Analysis, subject: &Subject, link: &crate::access::Link) -> Option<String> {
    let (ps, origins) = a.policy_set_with_origins(subject, link, false);
    let mut named: Vec<(&Policy, Option<&str>)> = Vec::new();
    named.extend(
        ps.identity
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, origins.identity.get(i).map(String::as_str))),
    );
    named.extend(ps.resource.map(|p| (p, origins.resource.as_deref())));
    named.extend(
        ps.boundaries
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, origins.boundaries.get(i).map(String::as_str))),
    );
    for (level, policies) in ps.scps.iter().enumerate() {
        for (i, p) in policies.iter().enumerate() {
            let o = origins.scps.get(level).and_then(|l| l.get(i)).map(String::as_str);
            named.push((*p, o));
        }
    }
    let unresolved: Vec<String> = named
        .iter()
        .filter(|(p, _)| !p.unresolved.is_empty())
        .map(|(p, o)| {
            format!(
                "`{}` leaves {} value(s) unresolved",
                o.unwrap_or("a policy"),
                p.unresolved.len()
            )
        })
        .collect();
    if let Some(why) = stand_in_patterns(a, subject, link, &named) {
        return Some(why);
    }
    if !unresolved.is_empty() {
        return Some(format!(
            "{}: the template does not fix it, and a placeholder proves nothing",
            unresolved.join("; ")
        ));
    }
    let arn = match link.target {
        LinkTarget::Bucket(i) => a.estate.buckets.get(i).map(crate::Bucket::arn),
        LinkTarget::Key(i) => a.estate.keys.get(i).map(|k| k.arn.clone()),
        LinkTarget::Role(_) | LinkTarget::Other => None,
    }?;
    let is_object = link.resource.contains('/');
    let found: Vec<&str> = a
        .estate
        .unknowns
        .iter()
        .filter(|u| u.arn == arn && (!u.objects_only || is_object))
        .map(|u| u.reason.as_str())
        .collect();
    (!found.is_empty()).then(|| found.join("; "))
}

/// Why a pattern of the policies in play may tell a generated name from its stand-in, if one may.
fn stand_in_patterns(
    a: &Analysis,
    subject: &Subject,
    link: &crate::access::Link,
    named: &[(&Policy, Option<&str>)],
) -> Option<String> {
    let mut texts = vec![subject.label.as_str(), link.resource.as_str()];
    texts.extend(link.given.iter().flat_map(|(_, v)| v.iter().map(String::as_str)));
    let relevant: Vec<&crate::StandIn> = a
        .estate
        .stand_ins
        .iter()
        .filter(|s| {
            let arn = format!("{}{}", s.prefix, s.name);
            texts.iter().any(|t| t.contains(&arn))
        })
        .collect();
    if relevant.is_empty() {
        return None;
    }
    for (p, origin) in named {
        for s in &p.statements {
            let st = &s.value;
            let mut strings: Vec<std::borrow::Cow<'_, str>> = Vec::new();
            strings.extend(
                st.resource
                    .iter()
                    .flat_map(|r| r.value.items.iter().map(|i| i.value.as_str().into())),
            );
            strings.extend(
                st.principal
                    .iter()
                    .flat_map(|pr| pr.value.entries())
                    .map(|(_, v)| v.value.as_str().into()),
            );
            strings.extend(
                st.conditions()
                    .iter()
                    .flat_map(|c| c.values.iter().map(|v| v.value.as_text())),
            );
            for text in &strings {
                if let Some(sn) = relevant.iter().find(|sn| may_tell_apart(text, &sn.prefix)) {
                    return Some(format!(
                        "`{}` has the pattern `{text}`, which may match the name AWS generates for `{}{}` (a stand-in here) differently",
                        origin.unwrap_or("a policy"),
                        sn.prefix,
                        sn.name
                    ));
                }
            }
        }
    }
    None
}

/// Whether a pattern may match some names after `prefix` and not others (names hold no `/`). A
/// literal names one resource (the stand-in only by reference); a pattern whose literal start leaves
/// `prefix` matches no name; `prefix*` followed by nothing or by `/…` matches every name alike.
pub(crate) fn may_tell_apart(pattern: &str, prefix: &str) -> bool {
    let Some((lit, rest)) = pattern
        .find(['*', '?'])
        .and_then(|first| pattern.split_at_checked(first))
    else {
        return false;
    };
    if pattern == "*" {
        return false;
    }
    if !(lit.starts_with(prefix) || prefix.starts_with(lit)) {
        return false;
    }
    if lit == prefix {
        return !(rest == "*" || rest.starts_with("*/"));
    }
    if lit.len() > prefix.len() {
        return true;
    }
    // A wildcard within the fixed part: fine when the pattern ends in `*` right after it.
    let whole = pattern
        .strip_suffix('*')
        .is_some_and(|head| tenet_ast::eval::wildcard_match(head, prefix, false));
    !whole
}

/// Makes `unknown` every decided link outcome that stands on something the sources leave
/// unresolved.
pub fn settle(a: &Analysis, result: &mut WhoCan) {
    for answer in &mut result.answers {
        let reasons: Vec<Option<String>> = answer
            .links
            .iter()
            .map(|(link, outcome)| match outcome {
                LinkOutcome::Unknown { .. } => None,
                _ => link_unknown(a, &answer.subject, link),
            })
            .collect();
        for ((_, outcome), why) in answer.links.iter_mut().zip(reasons) {
            if let Some(reason) = why {
                *outcome = LinkOutcome::Unknown { reason };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_tell_apart;

    #[test]
    fn patterns_that_may_tell_a_generated_name_apart() {
        let key = "arn:aws:kms:us-east-1:111122223333:key/";
        assert!(!may_tell_apart("*", key));
        assert!(!may_tell_apart("arn:aws:kms:us-east-1:111122223333:key/*", key));
        assert!(!may_tell_apart("arn:aws:kms:*:111122223333:key/*", key));
        assert!(!may_tell_apart("arn:aws:kms:us-east-1:111122223333:key/Stand", key));
        assert!(!may_tell_apart("arn:aws:s3:::*", key));
        // Multi-Region key ids start with `mrk-`: the stand-in would not match.
        assert!(may_tell_apart("arn:aws:kms:us-east-1:111122223333:key/mrk-*", key));
        assert!(may_tell_apart("arn:aws:kms:*:111122223333:key/mrk-*", key));
        let bucket = "arn:aws:s3:::";
        assert!(!may_tell_apart("arn:aws:s3:::*/*", bucket));
        assert!(may_tell_apart("arn:aws:s3:::stack-data-*/*", bucket));
        assert!(may_tell_apart("arn:aws:s3:::?*", bucket));
    }
}
