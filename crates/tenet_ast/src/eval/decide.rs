//! The decision procedure of [`super::evaluate`]: denies, organization caps, then the identity and
//! resource sides, KMS key policies and grants.
use super::matching::{statement_match_as, PrincipalMatch};
use super::principal::{AwsPrincipalKind, RequestPrincipal};
use super::principal_match::grantee_match;
use super::{
    is_assume_role, is_get_caller_identity, is_kms_action, is_reserved_alias_change, ContextValue, Decision,
    Evaluation, Gap, KmsGrant, PolicySet, PolicySource, Request, StatementRef,
};
use crate::policy::{Effect, Policy};

/// A statement found to apply: where it is and how it names the principal.
#[derive(Clone, Copy)]
struct Hit<'p> {
    policy: &'p Policy,
    source: PolicySource,
    index: usize,
    principal: PrincipalMatch,
}

impl Hit<'_> {
    fn to_ref(self, effect: Effect) -> StatementRef {
        let sid = self
            .policy
            .statements
            .get(self.index)
            .and_then(|s| s.value.sid.as_ref())
            .map(|s| s.value.clone());
        StatementRef {
            source: self.source,
            statement: self.index,
            sid,
            effect,
        }
    }
}

/// Every statement of `policy` with `effect` that applies, pushed to `out`.
fn collect<'p>(
    policy: &'p Policy,
    source: PolicySource,
    effect: Effect,
    request: &Request,
    quirk: bool,
    out: &mut Vec<Hit<'p>>,
) {
    collect_as(policy, source, effect, request, None, quirk, out);
}

/// [`collect`] for a federated-user session created by `federator` (see `principal_match_as`).
fn collect_as<'p>(
    policy: &'p Policy,
    source: PolicySource,
    effect: Effect,
    request: &Request,
    federator: Option<&RequestPrincipal>,
    quirk: bool,
    out: &mut Vec<Hit<'p>>,
) {
    for (index, stmt) in policy.statements.iter().enumerate() {
        if stmt.value.effect() != Some(effect) {
            continue;
        }
        let principal = statement_match_as(&stmt.value, policy, request, federator, quirk);
        if principal != PrincipalMatch::No {
            out.push(Hit {
                policy,
                source,
                index,
                principal,
            });
        }
    }
}

/// The strongest applicable `Allow` of `policy` (stops at the first `Direct`).
fn best_allow<'p>(policy: &'p Policy, source: PolicySource, request: &Request) -> Option<Hit<'p>> {
    best_allow_as(policy, source, request, None)
}

/// [`best_allow`] for a federated-user session created by `federator` (see `principal_match_as`).
fn best_allow_as<'p>(
    policy: &'p Policy,
    source: PolicySource,
    request: &Request,
    federator: Option<&RequestPrincipal>,
) -> Option<Hit<'p>> {
    let mut best: Option<Hit<'p>> = None;
    for (index, stmt) in policy.statements.iter().enumerate() {
        if stmt.value.effect() != Some(Effect::Allow) {
            continue;
        }
        let principal = statement_match_as(&stmt.value, policy, request, federator, false);
        if principal > best.map_or(PrincipalMatch::No, |b| b.principal) {
            best = Some(Hit {
                policy,
                source,
                index,
                principal,
            });
            if principal == PrincipalMatch::Direct {
                break;
            }
        }
    }
    best
}

/// The first allowing statement among `policies`, each tagged by `source(i)`.
fn any_allow<'p>(
    policies: &[&'p Policy],
    source: impl Fn(usize) -> PolicySource,
    request: &Request,
) -> Option<Hit<'p>> {
    policies
        .iter()
        .enumerate()
        .find_map(|(i, p)| best_allow(p, source(i), request))
}

pub(super) fn evaluate(request: &Request, ps: &PolicySet) -> Evaluation {
    let action = request.action.as_str();
    let principal = &request.principal;
    let is_aws = matches!(principal, RequestPrincipal::Aws { .. });
    if is_aws && is_get_caller_identity(action) {
        return Evaluation {
            decision: Decision::Allowed,
            deciding: Vec::new(),
            gap: None,
            reason: "sts:GetCallerIdentity needs no permission".to_owned(),
        };
    }
    if matches!(principal, RequestPrincipal::Anonymous) && is_kms_action(action) {
        return implicit(
            Gap::Service,
            format!("KMS refuses unauthenticated requests: an anonymous caller cannot call {action}"),
        );
    }
    if is_reserved_alias_change(action, &request.resource) {
        return implicit(
            Gap::Service,
            format!("KMS refuses {action} on aliases under alias/aws/ (they belong to AWS managed keys)"),
        );
    }
    let is_root = matches!(
        principal,
        RequestPrincipal::Aws {
            kind: AwsPrincipalKind::Root,
            ..
        }
    );
    // The identity side is known from policies (`Some`) or always allows (`None`): the root user,
    // and a principal of the open world whose administrators may attach any policy.
    let identity_by_policies = is_aws && !is_root && !ps.identity_open;
    let is_slr = principal.is_service_linked_role();
    // SCPs cap the principals of member accounts; service-linked roles are exempt (AWS Organizations
    // User Guide, "SCPs do not affect service-linked roles"). RCPs cap every request to the
    // resource except those of service-linked roles.
    let scps_apply = is_aws && !is_slr;
    let rcps_apply = !is_slr;
    let quirk = boundary_quirk(request, ps);

    // NOTE: principals without an account (anonymous, service, federated) have no identity
    // policies, boundaries or session policies; any given are ignored, for denies as for allows.
    let (identity_policies, boundaries, session): (&[&Policy], &[&Policy], Option<&Policy>) = if identity_by_policies {
        (&ps.identity, &ps.boundaries, ps.session)
    } else {
        (&[], &[], None)
    };
    // 1. Explicit denies, from every policy in play.
    let mut denies = Vec::new();
    for (i, p) in identity_policies.iter().enumerate() {
        collect(p, PolicySource::Identity(i), Effect::Deny, request, false, &mut denies);
    }
    let federator = ps.federated_by.as_ref();
    if let Some(p) = ps.resource {
        collect_as(
            p,
            PolicySource::Resource,
            Effect::Deny,
            request,
            federator,
            quirk,
            &mut denies,
        );
    }
    for (i, p) in boundaries.iter().enumerate() {
        collect(p, PolicySource::Boundary(i), Effect::Deny, request, false, &mut denies);
    }
    if let Some(p) = session {
        collect(p, PolicySource::Session, Effect::Deny, request, false, &mut denies);
    }
    if scps_apply {
        for (level, policies) in ps.scps.iter().enumerate() {
            for (index, p) in policies.iter().enumerate() {
                collect(
                    p,
                    PolicySource::Scp { level, index },
                    Effect::Deny,
                    request,
                    false,
                    &mut denies,
                );
            }
        }
    }
    if rcps_apply {
        for (level, policies) in ps.rcps.iter().enumerate() {
            for (index, p) in policies.iter().enumerate() {
                collect(
                    p,
                    PolicySource::Rcp { level, index },
                    Effect::Deny,
                    request,
                    false,
                    &mut denies,
                );
            }
        }
    }
    if let Some(first) = denies.first() {
        let reason = format!(
            "explicit deny in {} for the {action} action",
            describe_policy_type(first.source, resource_policy_name(ps))
        );
        return Evaluation {
            decision: Decision::ExplicitlyDenied,
            deciding: denies.into_iter().map(|h| h.to_ref(Effect::Deny)).collect(),
            gap: None,
            reason,
        };
    }

    // 2. Organization caps: at every level some policy must allow.
    // RCPs only deny: `RCPFullAWSAccess` allows at every level, so they are no cap here.
    let mut allows: Vec<StatementRef> = Vec::new();
    if is_root && is_assume_role(action) {
        return implicit(
            Gap::Identity,
            format!("the root user cannot call {action}: STS refuses root credentials"),
        );
    }
    if scps_apply {
        for (level, policies) in ps.scps.iter().enumerate() {
            match any_allow(policies, |index| PolicySource::Scp { level, index }, request) {
                Some(hit) => allows.push(hit.to_ref(Effect::Allow)),
                None => {
                    return implicit(
                        Gap::Scp { level },
                        format!("no service control policy allows the {action} action"),
                    )
                }
            }
        }
    }

    // 3. The identity side: identity policies capped by the boundary and the session policy.
    let identity = if identity_by_policies {
        any_allow(identity_policies, PolicySource::Identity, request)
    } else {
        None
    };
    let identity_allows = identity.is_some() || (is_aws && !identity_by_policies);
    let mut boundary_hits = Vec::with_capacity(boundaries.len());
    let mut boundary_ok = true;
    for (i, p) in boundaries.iter().enumerate() {
        match best_allow(p, PolicySource::Boundary(i), request) {
            Some(hit) => boundary_hits.push(hit),
            None => boundary_ok = false,
        }
    }
    let session_hit = session.and_then(|p| best_allow(p, PolicySource::Session, request));
    // A federated-user session created without a session policy has no identity-side permission.
    let session_ok = (session.is_none() && ps.federated_by.is_none()) || session_hit.is_some();
    let caps_ok = boundary_ok && session_ok;
    let identity_side = identity_allows && caps_ok;
    // The first cap that fails, when the identity side is needed and missing.
    let identity_gap = if !identity_allows {
        Gap::Identity
    } else if !boundary_ok {
        Gap::Boundary
    } else {
        Gap::Session
    };
    let caps_gap = if !boundary_ok { Gap::Boundary } else { Gap::Session };

    // 4. The resource side.
    let resource = ps
        .resource
        .and_then(|p| best_allow_as(p, PolicySource::Resource, request, federator));
    let resource_match = resource.map_or(PrincipalMatch::No, |h| h.principal);
    // A grant to the exact principal stands alone; one to the role of a session is capped like a
    // resource-policy grant to the role ARN; one to the account root delegates to IAM policies.
    let grant = if is_kms_action(action) {
        ps.grants
            .iter()
            .enumerate()
            .filter(|(_, g)| grant_covers(g, request))
            .map(|(i, g)| (i, g, grantee_match(&g.grantee_principal, principal)))
            .max_by_key(|(_, _, m)| *m)
            .filter(|(_, _, m)| *m != PrincipalMatch::No)
    } else {
        None
    };
    let grant_match = grant.map_or(PrincipalMatch::No, |(_, _, m)| m);
    let cross = request.is_cross_account();
    // A grant or resource-policy statement that names the principal (not just its account) is enough
    // by itself within the account; `Capped` ones also need the boundary and session policy.
    let stands_alone = |m: PrincipalMatch| m == PrincipalMatch::Direct || (m == PrincipalMatch::Capped && caps_ok);
    // NOTE: grants are honoured across accounts without an IAM policy of the grantee's account
    // (KMS Developer Guide, "Grants in AWS KMS": a grant gives the grantee permission by itself).
    let by_grant = stands_alone(grant_match) || (grant_match == PrincipalMatch::Account && identity_side);

    let gated = ps.resource_is_key_policy || (ps.resource_is_trust_policy && is_assume_role(action));
    let (allowed, gap, reason) = if gated {
        let by_key = if cross {
            resource_match >= PrincipalMatch::Account && identity_side
        } else {
            stands_alone(resource_match) || (resource_match >= PrincipalMatch::Account && identity_side)
        };
        if by_key || by_grant {
            (true, None, String::new())
        } else if resource_match == PrincipalMatch::No && grant_match == PrincipalMatch::No {
            let account = principal.account().unwrap_or("of the principal");
            let reason = if ps.resource_is_key_policy {
                format!(
                    "the key policy neither allows the {action} action nor delegates it to account {account}, and no grant allows it"
                )
            } else {
                format!(
                    "the role trust policy neither allows the {action} action nor delegates it to account {account}"
                )
            };
            (false, Some(Gap::KeyPolicy), reason)
        } else if resource_match == PrincipalMatch::Capped && !cross && !identity_allows {
            (false, Some(caps_gap), gap_reason(caps_gap, action))
        } else {
            (false, Some(identity_gap), gap_reason(identity_gap, action))
        }
    } else if !is_aws {
        if resource_match >= PrincipalMatch::Capped || by_grant {
            (true, None, String::new())
        } else {
            (false, Some(Gap::Resource), gap_reason(Gap::Resource, action))
        }
    } else if cross {
        if (identity_side && resource_match >= PrincipalMatch::Account) || by_grant {
            (true, None, String::new())
        } else if !identity_side {
            (false, Some(identity_gap), gap_reason(identity_gap, action))
        } else {
            (false, Some(Gap::Resource), gap_reason(Gap::Resource, action))
        }
    } else if identity_side || stands_alone(resource_match) || by_grant {
        (true, None, String::new())
    } else if resource_match == PrincipalMatch::Capped && !identity_allows {
        (false, Some(caps_gap), gap_reason(caps_gap, action))
    } else {
        (false, Some(identity_gap), gap_reason(identity_gap, action))
    };

    // The statements on the allowing path (or found on the other side of the gap).
    if let Some(hit) = identity {
        allows.push(hit.to_ref(Effect::Allow));
    }
    allows.extend(boundary_hits.iter().map(|h| h.to_ref(Effect::Allow)));
    if let Some(hit) = session_hit {
        allows.push(hit.to_ref(Effect::Allow));
    }
    if let Some(hit) = resource {
        allows.push(hit.to_ref(Effect::Allow));
    }
    if let Some((i, g, _)) = grant {
        allows.push(StatementRef {
            source: PolicySource::Grant(i),
            statement: 0,
            sid: g.grant_id.clone().or_else(|| g.name.clone()),
            effect: Effect::Allow,
        });
    }
    if allowed {
        let reason = match allows.iter().rev().find(|r| {
            !matches!(
                r.source,
                PolicySource::Scp { .. } | PolicySource::Rcp { .. } | PolicySource::Boundary(_) | PolicySource::Session
            )
        }) {
            Some(r) => format!("allowed by {}", describe_ref(r)),
            None if is_root => format!(
                "allowed: the root user has full access in account {}",
                principal.account().unwrap_or_default()
            ),
            None if is_aws && ps.identity_open => format!(
                "allowed: the identity policies of {} are not given (open world), so its administrators may attach one that allows the {action} action",
                principal.as_str()
            ),
            None => "allowed".to_owned(),
        };
        Evaluation {
            decision: Decision::Allowed,
            deciding: allows,
            gap: None,
            reason,
        }
    } else {
        Evaluation {
            decision: Decision::ImplicitlyDenied,
            deciding: allows,
            gap,
            reason,
        }
    }
}

/// Whether a resource-policy `Deny` with `NotPrincipal` applies to the request's principal whatever
/// the element lists: the principal has a permissions boundary (IAM User Guide, "NotPrincipal").
pub(super) fn boundary_quirk(request: &Request, ps: &PolicySet) -> bool {
    !ps.boundaries.is_empty()
        && matches!(
            request.principal,
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::User { .. }
                    | AwsPrincipalKind::Role { .. }
                    | AwsPrincipalKind::AssumedRole { .. },
                ..
            }
        )
}

fn implicit(gap: Gap, reason: String) -> Evaluation {
    Evaluation {
        decision: Decision::ImplicitlyDenied,
        deciding: Vec::new(),
        gap: Some(gap),
        reason,
    }
}

fn gap_reason(gap: Gap, action: &str) -> String {
    let what = match gap {
        Gap::Scp { .. } => "no service control policy",
        Gap::Identity => "no identity-based policy",
        Gap::Boundary => "no permissions boundary",
        Gap::Session => "no session policy",
        Gap::Resource => "no resource-based policy",
        Gap::KeyPolicy => "no key policy",
        Gap::Service => "the service never",
    };
    format!("{what} allows the {action} action")
}

fn describe_policy_type(source: PolicySource, resource_name: &'static str) -> &'static str {
    match source {
        PolicySource::Identity(_) => "an identity-based policy",
        PolicySource::Resource => resource_name,
        PolicySource::Boundary(_) => "a permissions boundary",
        PolicySource::Session => "a session policy",
        PolicySource::Scp { .. } => "a service control policy",
        PolicySource::Rcp { .. } => "a resource control policy",
        PolicySource::Grant(_) => "a KMS grant",
    }
}

fn resource_policy_name(ps: &PolicySet) -> &'static str {
    if ps.resource_is_key_policy {
        "the key policy"
    } else if ps.resource_is_trust_policy {
        "the role trust policy"
    } else {
        "a resource-based policy"
    }
}

fn describe_ref(r: &StatementRef) -> String {
    match (&r.sid, r.source) {
        (Some(sid), PolicySource::Grant(_)) => format!("{} (`{sid}`)", r.source.describe()),
        (Some(sid), _) => format!("{} statement `{sid}`", r.source.describe()),
        (None, PolicySource::Grant(_)) => r.source.describe(),
        (None, _) => format!("{} statement #{}", r.source.describe(), r.statement),
    }
}

/// Whether a grant covers the request's key, operation and encryption context (not its principal).
fn grant_covers(grant: &KmsGrant, request: &Request) -> bool {
    let Some(operation) = request.action.get(4..) else {
        return false;
    };
    if !grant.operations.iter().any(|op| op.eq_ignore_ascii_case(operation)) {
        return false;
    }
    if let Some(key) = &grant.key_arn {
        let same_key = if key.starts_with("arn:") {
            *key == request.resource
        } else {
            request.resource == *key
                || request
                    .resource
                    .strip_suffix(key.as_str())
                    .is_some_and(|head| head.ends_with("key/"))
        };
        if !same_key {
            return false;
        }
    }
    let Some(constraints) = &grant.constraints else {
        return true;
    };
    // The request's encryption context, from the `kms:EncryptionContext:<key>` context keys (the
    // pair keys and values are case-sensitive).
    const PREFIX: &str = "kms:encryptioncontext:";
    let mut context: Vec<(&str, &str)> = Vec::new();
    for (key, value) in request.context.with_prefix(PREFIX) {
        let Some(name) = key.get(PREFIX.len()..) else {
            return false;
        };
        match value {
            ContextValue::Single(v) => context.push((name, v)),
            // NOTE: an encryption-context pair has one value; a multi-valued key fails the constraint.
            ContextValue::Multi(_) => return false,
        }
    }
    let has = |k: &str, v: &str| context.iter().any(|(ck, cv)| *ck == k && *cv == v);
    if let Some(equals) = &constraints.encryption_context_equals {
        if context.len() != equals.len() || !equals.iter().all(|(k, v)| has(k, v)) {
            return false;
        }
    }
    if let Some(subset) = &constraints.encryption_context_subset {
        if !subset.iter().all(|(k, v)| has(k, v)) {
            return false;
        }
    }
    true
}
