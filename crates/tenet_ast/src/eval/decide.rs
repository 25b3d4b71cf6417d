//! [`super::evaluate`]: the decision of the shared [skeleton](super::skeleton) on one concrete
//! request, and its explanation (the deciding statements, the missing link, the reason).
use super::matching::{statement_body_matches, PrincipalMatch};
use super::principal::RequestPrincipal;
use super::skeleton::{self, Domain, Outcome, ServiceRule};
use super::{
    is_assume_role, is_get_caller_identity, is_kms_action, is_reserved_alias_change, ContextValue, Decision,
    Evaluation, Gap, IdentityWorld, KmsGrant, OpenPoint, PolicySet, PolicySource, Request, StatementRef,
};
use crate::policy::{Effect, Policy};

/// The evaluator's [`Domain`]: one concrete request. It records the statements and grants found
/// to apply, for the explanation.
pub(super) struct Concrete<'r> {
    request: &'r Request,
    /// `(source, statement, effect, class)` of every statement that applies.
    hits: Vec<(PolicySource, usize, Effect, PrincipalMatch)>,
    /// `(grant, class)` of every grant that covers the request and names the principal.
    grants: Vec<(usize, PrincipalMatch)>,
}

impl Domain for Concrete<'_> {
    type T = bool;

    fn body(&mut self, source: PolicySource, policy: &Policy, index: usize, class: PrincipalMatch) -> bool {
        let Some(stmt) = policy.statements.get(index) else {
            return false;
        };
        let matches = statement_body_matches(&stmt.value, policy, self.request);
        if let (true, Some(effect)) = (matches && class != PrincipalMatch::No, stmt.value.effect()) {
            if !self.hits.iter().any(|h| h.0 == source && h.1 == index) {
                self.hits.push((source, index, effect, class));
            }
        }
        matches
    }

    fn cross_account(&mut self) -> bool {
        self.request.is_cross_account()
    }

    fn service(&mut self, rule: ServiceRule) -> bool {
        let action = self.request.action.as_str();
        match rule {
            ServiceRule::GetCallerIdentity => is_get_caller_identity(action),
            ServiceRule::AssumeRole => is_assume_role(action),
            ServiceRule::Kms => is_kms_action(action),
            ServiceRule::ReservedAliasChange => is_reserved_alias_change(action, &self.request.resource),
        }
    }

    fn grant_covers(&mut self, index: usize, grant: &KmsGrant, class: PrincipalMatch) -> bool {
        let covers = grant_covers(grant, self.request);
        if covers && class != PrincipalMatch::No {
            self.grants.push((index, class));
        }
        covers
    }

    /// The documented reading (`open_points` leaves it open to see whether it matters).
    fn reading(&mut self, point: OpenPoint, _case: bool) -> bool {
        point.documented()
    }
}

impl<'r> Concrete<'r> {
    pub(super) fn new(request: &'r Request) -> Self {
        Concrete {
            request,
            hits: Vec::new(),
            grants: Vec::new(),
        }
    }
}

impl Concrete<'_> {
    /// The strongest applying `Allow` of the policy at `source` (the first among equals).
    fn best_allow(&self, source: PolicySource) -> Option<(usize, PrincipalMatch)> {
        let mut best: Option<(usize, PrincipalMatch)> = None;
        for &(s, index, effect, class) in &self.hits {
            let better = best.is_none_or(|(i, c)| class > c || (class == c && index < i));
            if s == source && effect == Effect::Allow && better {
                best = Some((index, class));
            }
        }
        best
    }

    /// The first policy among `sources` with an applying `Allow`, and its strongest statement.
    fn first_allow(&self, sources: impl IntoIterator<Item = PolicySource>) -> Option<(PolicySource, usize)> {
        sources
            .into_iter()
            .find_map(|source| Some((source, self.best_allow(source)?.0)))
    }
}

fn statement_ref(ps: &PolicySet, source: PolicySource, statement: usize, effect: Effect) -> StatementRef {
    let sid = ps
        .policy(source)
        .and_then(|p| p.statements.get(statement))
        .and_then(|s| s.value.sid.as_ref())
        .map(|s| s.value.clone());
    StatementRef {
        source,
        statement,
        sid,
        effect,
    }
}

/// The order denies are listed in: identity, resource, boundaries, session, SCPs, RCPs.
fn deny_order(source: PolicySource) -> (u8, usize, usize) {
    match source {
        PolicySource::Identity(i) => (0, i, 0),
        PolicySource::Resource => (1, 0, 0),
        PolicySource::Boundary(i) => (2, i, 0),
        PolicySource::Session => (3, 0, 0),
        PolicySource::Scp { level, index } => (4, level, index),
        PolicySource::Rcp { level, index } => (5, level, index),
        PolicySource::Grant(i) => (6, i, 0),
    }
}

/// The decision of the [skeleton](super::skeleton), explained: the deciding statements, the
/// missing link and a reason in CloudTrail's words.
pub(super) fn evaluate(request: &Request, ps: &PolicySet) -> Evaluation {
    let mut facts = Concrete::new(request);
    let principal = &request.principal;
    let out = skeleton::decide(&mut facts, principal, ps, &[(true, ps.rcps.as_slice())]);
    let action = request.action.as_str();
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
    if out.denied {
        let mut denies: Vec<_> = facts.hits.iter().filter(|h| h.2 == Effect::Deny).collect();
        denies.sort_by_key(|h| (deny_order(h.0), h.1));
        let deciding: Vec<StatementRef> = denies
            .iter()
            .map(|h| statement_ref(ps, h.0, h.1, Effect::Deny))
            .collect();
        let first = deciding.first().map_or(PolicySource::Resource, |r| r.source);
        return Evaluation {
            decision: Decision::ExplicitlyDenied,
            deciding,
            gap: None,
            reason: format!(
                "explicit deny in {} for the {action} action",
                describe_policy_type(first, resource_policy_name(ps))
            ),
        };
    }
    let world = ps.identity_world(principal);
    let is_root = world == IdentityWorld::Root;
    if is_root && is_assume_role(action) {
        return implicit(
            Gap::Identity,
            format!("the root user cannot call {action}: STS refuses root credentials"),
        );
    }
    // The statements on the allowing path (or found on the other side of the gap).
    let mut allows: Vec<StatementRef> = Vec::new();
    for (level, ok) in out.scp_levels.iter().enumerate() {
        if !ok {
            return implicit(
                Gap::Scp { level },
                format!("no service control policy allows the {action} action"),
            );
        }
        let policies = ps.scps.get(level).map_or(0, Vec::len);
        let sources = (0..policies).map(|index| PolicySource::Scp { level, index });
        if let Some((source, statement)) = facts.first_allow(sources) {
            allows.push(statement_ref(ps, source, statement, Effect::Allow));
        }
    }
    let gap = (!out.allowed).then(|| missing_link(request, ps, &out, &facts));
    push_path(&facts, ps, &mut allows);
    if let Some((gap, reason)) = gap {
        return Evaluation {
            decision: Decision::ImplicitlyDenied,
            deciding: allows,
            gap: Some(gap),
            reason,
        };
    }
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
        None if world == IdentityWorld::Open => format!(
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
}

/// Whether `policy` by itself allows `request` (see [`skeleton::allowed_alone`]).
pub(super) fn allowed_alone(policy: &Policy, request: &Request) -> bool {
    skeleton::allowed_alone(&mut Concrete::new(request), policy, &request.principal)
}

/// The identity, boundary, session, resource and grant statements that allow, in that order.
fn push_path(facts: &Concrete, ps: &PolicySet, allows: &mut Vec<StatementRef>) {
    let identity = (0..ps.identity.len()).map(PolicySource::Identity);
    if let Some((source, statement)) = facts.first_allow(identity) {
        allows.push(statement_ref(ps, source, statement, Effect::Allow));
    }
    let boundaries = (0..ps.boundaries.len()).map(PolicySource::Boundary);
    for source in boundaries.chain([PolicySource::Session, PolicySource::Resource]) {
        if let Some((statement, _)) = facts.best_allow(source) {
            allows.push(statement_ref(ps, source, statement, Effect::Allow));
        }
    }
    // The strongest grant (the last among equals).
    if let Some(&(i, _)) = facts.grants.iter().rev().max_by_key(|(_, class)| *class) {
        let g = ps.grants.get(i);
        allows.push(StatementRef {
            source: PolicySource::Grant(i),
            statement: 0,
            sid: g.and_then(|g| g.grant_id.clone().or_else(|| g.name.clone())),
            effect: Effect::Allow,
        });
    }
}

/// The link that is missing when the request is implicitly denied past the SCP levels, and why.
fn missing_link(request: &Request, ps: &PolicySet, out: &Outcome<bool>, facts: &Concrete) -> (Gap, String) {
    let action = request.action.as_str();
    let principal = &request.principal;
    let identity_gap = if !out.identity_allows {
        Gap::Identity
    } else if !out.boundary_ok {
        Gap::Boundary
    } else {
        Gap::Session
    };
    let caps_gap = if !out.boundary_ok { Gap::Boundary } else { Gap::Session };
    let identity_side = out.identity_allows && out.boundary_ok && out.session_ok;
    let resource = facts
        .best_allow(PolicySource::Resource)
        .map_or(PrincipalMatch::No, |(_, c)| c);
    let grant = facts.grants.iter().map(|(_, c)| *c).max().unwrap_or(PrincipalMatch::No);
    let cross = request.is_cross_account();
    let capped_only = resource == PrincipalMatch::Capped && !cross && !out.identity_allows;
    let gated = ps.resource_is_key_policy || (ps.resource_is_trust_policy && is_assume_role(action));
    let gap = if gated {
        if resource == PrincipalMatch::No && grant == PrincipalMatch::No {
            let account = principal.account().unwrap_or("of the principal");
            let what = if ps.resource_is_key_policy {
                "the key policy"
            } else {
                "the role trust policy"
            };
            let grants = if ps.resource_is_key_policy {
                ", and no grant allows it"
            } else {
                ""
            };
            let reason =
                format!("{what} neither allows the {action} action nor delegates it to account {account}{grants}");
            return (Gap::KeyPolicy, reason);
        }
        if capped_only {
            caps_gap
        } else {
            identity_gap
        }
    } else if !matches!(principal, RequestPrincipal::Aws { .. }) || (cross && identity_side) {
        Gap::Resource
    } else if capped_only {
        caps_gap
    } else {
        identity_gap
    };
    (gap, gap_reason(gap, action))
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
    let Some(operation) = request.action.get(4..).filter(|_| is_kms_action(&request.action)) else {
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
