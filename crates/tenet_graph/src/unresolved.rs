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

use crate::access::{Analysis, Answer, LinkOutcome, LinkTarget, WhoCan};

/// Why a link of an answer cannot be decided from what the sources fix, if so.
fn reason(a: &Analysis, answer: &Answer, link: &crate::access::Link) -> Option<String> {
    let (ps, origins) = a.policy_set_with_origins(&answer.subject, link, false);
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

/// Makes `unknown` every decided link outcome that stands on something the sources leave
/// unresolved.
pub fn settle(a: &Analysis, result: &mut WhoCan) {
    for answer in &mut result.answers {
        let reasons: Vec<Option<String>> = answer
            .links
            .iter()
            .map(|(link, outcome)| match outcome {
                LinkOutcome::Unknown { .. } => None,
                _ => reason(a, answer, link),
            })
            .collect();
        for ((_, outcome), why) in answer.links.iter_mut().zip(reasons) {
            if let Some(reason) = why {
                *outcome = LinkOutcome::Unknown { reason };
            }
        }
    }
}
