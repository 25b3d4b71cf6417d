//! Counterexamples: a decoded model is re-checked by the concrete evaluator ([`confirm`]), then
//! made to read like a real request ([`polish`]), keeping only the changes the evaluator confirms.
//!
//! Polishing is cosmetic: when the property's budget runs out it stops and the confirmed request
//! is reported as it is.

use crate::budget::out_of_time;
use crate::encode::Encoder;
use crate::lang::ast::PropertyKind;
use crate::prepare::{Direction, Prepared, Subject};
use crate::property::*;
use tenet_ast::eval::Request;
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Effect, Policy};

/// Re-checks a decoded request with the evaluator; returns whether it is a genuine counterexample
/// (or witness) of the query of direction `dir`, and the statements that decided.
pub fn confirm(p: &Prepared, dir: Direction, req: &Request) -> (bool, Option<String>) {
    match (&p.kind, &p.subject) {
        (
            PropertyKind::Never {
                actions,
                resources,
                principal,
                ..
            }
            | PropertyKind::Only {
                actions,
                resources,
                principal,
                ..
            },
            Subject::Estate(headers),
        ) => {
            let pat = Pattern {
                actions: actions.clone(),
                resources: resources.clone(),
                principal: principal.clone(),
            };
            let (allowed, _, names) = recheck_allowed(&headers.policy_set_for(req), req);
            let cond_ok = match &p.kind {
                PropertyKind::Only { condition, .. } => !cond_holds(condition, req),
                _ => true,
            };
            (
                pat.matches(req) && allowed && cond_ok,
                Some(format!("allowed by {}", names.join(", "))),
            )
        }
        (PropertyKind::Can { .. }, Subject::Estate(headers)) => {
            let (allowed, _, names) = recheck_allowed(&headers.policy_set_for(req), req);
            (allowed, Some(format!("allowed by {}", names.join(", "))))
        }
        (PropertyKind::NotPublic { .. }, Subject::One(pol)) => {
            let ok = allowed_alone(pol, req)
                && p.encoder
                    .as_ref()
                    .is_some_and(|enc| is_outsider(enc, req, &fixed_values(pol)));
            (
                ok,
                Some(format!("allowed by {}", applying(pol, req, Effect::Allow).join(", "))),
            )
        }
        (PropertyKind::NoNewAccess { .. } | PropertyKind::Equivalent { .. }, Subject::Pair(a, b)) => {
            let (x, y) = dir.order(a, b);
            let ok = allowed_alone(x, req) && !allowed_alone(y, req);
            (
                ok,
                Some(format!("allowed by {}", applying(x, req, Effect::Allow).join(", "))),
            )
        }
        _ => (false, None),
    }
}

/// The summary of a confirmed counterexample (or witness).
pub fn summary(kind: &PropertyKind, dir: Direction) -> String {
    match kind {
        PropertyKind::Can { .. } => "a request is allowed".into(),
        PropertyKind::NoNewAccess { .. } => "the new policy allows a request that the old one does not".into(),
        PropertyKind::Equivalent { .. } => match dir {
            Direction::Forward => "the first policy allows a request that the second does not".into(),
            Direction::Backward => "the second policy allows a request that the first does not".into(),
        },
        PropertyKind::NotPublic { .. } => {
            "an outsider (anonymous or an unnamed account, with no pinned condition key) is allowed".into()
        }
        PropertyKind::Never { .. } | PropertyKind::Only { .. } => "a request matching the pattern is allowed".into(),
    }
}

/// Makes a confirmed counterexample read like a real request, keeping only changes that the
/// evaluator confirms: the action as AWS spells it (from the IAM catalog, a real action of the same
/// class when the model's is a stand-in), a real resource (`*` for actions without resource types,
/// a literal ARN of the policies or the property rather than an invented one), no explicit resource
/// account when the resource is in the principal's own account (or the principal has none), and only
/// the context keys that matter.
pub fn polish(p: &Prepared, enc: &Encoder, dir: Direction, mut req: Request) -> Request {
    let ok = |r: &Request| confirm(p, dir, r).0;
    if let Some(spelled) = spell_action(enc, &req.action) {
        let mut r = req.clone();
        r.action = spelled;
        if ok(&r) {
            req = r;
        }
    }
    for resource in real_resources(enc, &req) {
        if out_of_time() {
            break;
        }
        let mut r = req.clone();
        r.resource = resource;
        if ok(&r) {
            req = r;
            break;
        }
    }
    if req.resource_account.is_some() {
        let mut r = req.clone();
        r.resource_account = None;
        let same = match (req.principal.account(), &req.resource_account) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if same && ok(&r) {
            req = r;
        }
    }
    // Keys every request carries stay (a request without them does not exist).
    let keys: Vec<String> = req
        .context
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| {
            !tenet_ast::eval::ALWAYS_PRESENT_KEYS
                .iter()
                .any(|a| a.eq_ignore_ascii_case(k))
        })
        .collect();
    for k in keys {
        if out_of_time() {
            break;
        }
        let mut r = req.clone();
        r.context.remove(&k);
        if ok(&r) {
            req = r;
        }
    }
    req
}

/// The most tries of a literal resource ARN in place of a model's.
const MAX_RESOURCE_TRIES: usize = 64;

/// Resources to try in place of a model's: `*` for an action without resource types (AWS
/// authorizes those on `*`) or when the model's is empty; else the literal ARNs (no wildcard) of
/// the policies and the property, when the model's is not one of them (real names, not invented
/// ones).
fn real_resources(enc: &Encoder, req: &Request) -> Vec<String> {
    let no_types = tenet_catalog::try_catalog()
        .ok()
        .and_then(|c| c.action(&req.action))
        .is_some_and(|(_, a)| a.resources.is_empty());
    if no_types || req.resource.is_empty() {
        return if req.resource == "*" {
            Vec::new()
        } else {
            vec!["*".to_owned()]
        };
    }
    let Some(al) = &enc.resource_alphabet else {
        return Vec::new();
    };
    let literals: Vec<&String> = al.patterns.iter().filter(|p| !has_wildcard(p)).collect();
    if literals.contains(&&req.resource) {
        return Vec::new();
    }
    literals
        .into_iter()
        .filter(|p| !p.is_empty())
        .take(MAX_RESOURCE_TRIES)
        .cloned()
        .collect()
}

/// A real action name (as the IAM catalog spells it) that the policies cannot tell from `action`;
/// gives up when the budget runs out (the catalog has tens of thousands of actions).
fn spell_action(enc: &Encoder, action: &str) -> Option<String> {
    let cat = tenet_catalog::try_catalog().ok()?;
    if let Some((svc, a)) = cat.action(action) {
        return Some(format!("{}:{}", svc.prefix, a.name));
    }
    let al = enc.alphabet.as_ref()?;
    let class = al.representative(action)?;
    let prefix = action.split_once(':').map(|(p, _)| p).unwrap_or("");
    let same_service = cat.service(prefix).into_iter();
    let others = cat.services().filter(|s| !s.prefix.eq_ignore_ascii_case(prefix));
    for svc in same_service.chain(others) {
        if out_of_time() {
            return None;
        }
        for a in svc.actions() {
            let name = format!("{}:{}", svc.prefix, a.name);
            if al.representative(&name) == Some(class) {
                return Some(name);
            }
        }
    }
    None
}

/// Why the decision on `r` depends on a point the AWS guides leave open, if it does: an ARN
/// wildcard reading, an unqualified operator on a multi-valued key, or one of the evaluator's open
/// points (`tenet_ast::eval::open_point`: `NotPrincipal` naming the caller but not its account, a
/// `*` grant against a boundary or session policy, a federated-user session whose user is unknown).
pub fn open_reading(p: &Prepared, enc: &crate::encode::Encoder, r: &Request) -> Option<String> {
    if let Some(pattern) = ambiguous_resource(p, r) {
        return Some(format!(
            "the answer depends on how AWS reads the wildcards of `{pattern}` on a resource with extra colons \
             (whether `?`, a `*` ending one of the first five segments, or a `*` inside an S3 object key, \
             matches `:`; the IAM User Guide does not say)"
        ));
    }
    if let Some(why) = enc.reading_dependent(r) {
        return Some(why);
    }
    let Subject::Estate(headers) = &p.subject else {
        return None;
    };
    tenet_ast::eval::open_point(&headers.world(), r)
}

/// A policy `Resource` pattern that matches `req.resource` under one reading of `?` and not the
/// other, if any.
pub fn ambiguous_resource(p: &Prepared, req: &Request) -> Option<String> {
    let world;
    let policies: Vec<&Policy> = match &p.subject {
        Subject::Estate(h) => {
            world = h.world();
            world.policies()
        }
        Subject::One(a) => vec![a],
        Subject::Pair(a, b) => vec![a, b],
    };
    policies.iter().find_map(|pol| {
        pol.statements.iter().find_map(|s| {
            s.value.resource.as_ref()?.value.items.iter().find_map(|i| {
                tenet_ast::eval::resource_pattern_ambiguous(&i.value, pol.substitutes_variables(), req)
                    .then(|| i.value.clone())
            })
        })
    })
}
