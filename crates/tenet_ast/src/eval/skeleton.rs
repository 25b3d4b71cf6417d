//! IAM's decision skeleton, written once and generic over the truth domain.
//!
//! [`decide`] is the one statement of how AWS combines the policies in play into a decision (IAM
//! User Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic"; KMS Developer
//! Guide, "Key policies" and "Grants"; see the module documentation of [`super`] for the rules and
//! their sources). What depends on the request it asks a [`Domain`]:
//! - whether a statement's action, resource and conditions match;
//! - whether the request crosses accounts;
//! - the service rules of its action ([`ServiceRule`]);
//! - whether a KMS grant covers its operation, key and encryption context;
//! - the RCP levels that govern its resource.
//!
//! The evaluator answers with `bool` for one concrete request (`decide.rs`, which then explains
//! the decision). The prover answers with formulas over its symbolic request, once per candidate
//! principal (`tenet_prove::decision`). The principal is concrete in both, so every principal
//! fact (how a `Principal` element names it, its identity world, its boundaries) is decided here.
//!
//! What the guides leave open is asked as a [`Domain::reading`] of an [`OpenPoint`] in a case:
//! the evaluator takes its documented reading ([`OpenPoint::documented`]), the prover a free
//! variable, so that a proof never rests on one reading; `open_points` flips the evaluator's
//! readings to tell whether a request's decision depends on one.

use super::principal::{AwsPrincipalKind, RequestPrincipal};
use super::principal_match::{
    grantee_match, grantee_names_federator, names_user_of, not_principal_names_federator, not_principal_reading_open,
    principal_match, principal_match_as,
};
use super::{IdentityWorld, KmsGrant, OpenPoint, PolicySet, PolicySource, PrincipalMatch};
use crate::policy::{Effect, Policy, Principals};

pub use crate::truth::Truth;

/// A rule of a service that depends on the request's action (and resource) alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceRule {
    /// `sts:GetCallerIdentity`: every authenticated caller may call it, whatever denies.
    GetCallerIdentity,
    /// `sts:AssumeRole*`: the role trust policy gates it, and STS refuses root credentials.
    AssumeRole,
    /// A `kms:` action: KMS refuses anonymous callers, and grants apply.
    Kms,
    /// A change of an alias under `alias/aws/`, which KMS refuses whatever the policies say.
    ReservedAliasChange,
}

/// What [`decide`] asks about the request.
pub trait Domain {
    /// The truth domain.
    type T: Truth;
    /// Whether statement `index` of `policy` (at `source`) matches the request's action, resource
    /// and conditions. `class` is how its principal element names the principal (`No` when the
    /// statement applies only under an open reading); the skeleton asks only statements it uses.
    fn body(&mut self, source: PolicySource, policy: &Policy, index: usize, class: PrincipalMatch) -> Self::T;
    /// Whether the resource's account differs from the principal's (asked only of principals with
    /// an account).
    fn cross_account(&mut self) -> Self::T;
    /// Whether the request falls under a service rule.
    fn service(&mut self, rule: ServiceRule) -> Self::T;
    /// Whether grant `index` covers the request's operation, key and encryption context (not its
    /// principal, which names the principal as `class`).
    fn grant_covers(&mut self, index: usize, grant: &KmsGrant, class: PrincipalMatch) -> Self::T;
    /// A reading of `point` where `case` holds: whether the point's proposition holds there (see
    /// [`OpenPoint`]).
    fn reading(&mut self, point: OpenPoint, case: Self::T) -> Self::T;
}

/// The decision and the parts an explanation names.
pub struct Outcome<T> {
    /// The request is allowed.
    pub allowed: T,
    /// Some applicable `Deny`.
    pub denied: T,
    /// Per SCP level (when SCPs govern the principal), whether some SCP of the level allows.
    pub scp_levels: Vec<T>,
    /// The identity side allows before its caps (always for the root user and the open world).
    pub identity_allows: T,
    /// Every permissions boundary allows.
    pub boundary_ok: T,
    /// The session policy allows (or there is none and none is needed).
    pub session_ok: T,
}

/// The statements of one policy and effect whose principal element names the principal (any
/// class), with their bodies.
struct Named<T>(Vec<(usize, PrincipalMatch, T)>);

impl<T: Truth> Named<T> {
    fn at_least(&self, min: PrincipalMatch) -> T {
        T::any(
            self.0
                .iter()
                .filter(|(_, c, _)| *c >= min)
                .map(|(_, _, b)| b.clone())
                .collect(),
        )
    }
}

/// The statements of `policy` with `effect` that name `who` (see [`principal_match_as`]) and
/// satisfy `keep`.
#[expect(clippy::too_many_arguments, reason = "one question with its principal context")]
fn named<D: Domain>(
    d: &mut D,
    source: PolicySource,
    policy: &Policy,
    effect: Effect,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
    quirk: bool,
    keep: impl Fn(Option<&Principals>) -> bool,
) -> Named<D::T> {
    let mut out = Vec::new();
    for (index, s) in policy.statements.iter().enumerate() {
        if s.value.effect() != Some(effect) {
            continue;
        }
        let principal = s.value.principal.as_ref().map(|pr| &pr.value);
        if !keep(principal) {
            continue;
        }
        let class = match principal {
            None => PrincipalMatch::Direct,
            Some(pr) => principal_match_as(pr, who, federator, quirk),
        };
        if class != PrincipalMatch::No {
            out.push((index, class, d.body(source, policy, index, class)));
        }
    }
    Named(out)
}

/// Some statement of `policy` with `effect` applies to `who` (an identity-side or organization
/// policy: no federator, no quirk).
fn applies<D: Domain>(
    d: &mut D,
    source: PolicySource,
    policy: &Policy,
    effect: Effect,
    who: &RequestPrincipal,
) -> D::T {
    named(d, source, policy, effect, who, None, false, |_| true).at_least(PrincipalMatch::Account)
}

/// Whether `policy` by itself allows the request of `who`: some `Allow` that names it (in any
/// way) applies, and no such `Deny`. The meaning of one policy, which `equivalent`, `no new
/// access` and `not public` compare.
pub fn allowed_alone<D: Domain>(d: &mut D, policy: &Policy, who: &RequestPrincipal) -> D::T {
    let source = PolicySource::Resource;
    let allow = applies(d, source, policy, Effect::Allow, who);
    let deny = applies(d, source, policy, Effect::Deny, who);
    D::T::all(vec![allow, deny.negate()])
}

/// The decision for `who` under `ps`. `rcps`: the RCP levels, each group guarded by whether it
/// governs the request's resource (the evaluator passes `ps.rcps` guarded by `true`).
pub fn decide<D: Domain>(
    d: &mut D,
    who: &RequestPrincipal,
    ps: &PolicySet,
    rcps: &[(D::T, &[Vec<&Policy>])],
) -> Outcome<D::T> {
    use PrincipalMatch::{Account, Capped, Direct};
    let f = || D::T::lit(false);
    let world = ps.identity_world(who);
    let is_aws = matches!(who, RequestPrincipal::Aws { .. });
    let by_policies = world == IdentityWorld::Closed;
    // SCPs cap the principals of member accounts and RCPs every request to the resource; neither
    // governs service-linked roles (AWS Organizations User Guide).
    let is_slr = who.is_service_linked_role();
    let (scps_apply, rcps_apply) = (is_aws && !is_slr, !is_slr);
    let quirk = boundary_quirk(who, ps);
    let federator = ps.federated_by.as_ref();
    // NOTE: principals without an account (anonymous, service, federated) have no identity
    // policies, boundaries or session policies; any given are ignored, for denies as for allows.
    let (identity, boundaries, session): (&[&Policy], &[&Policy], Option<&Policy>) = if by_policies {
        (&ps.identity, &ps.boundaries, ps.session)
    } else {
        (&[], &[], None)
    };

    let caller_identity = if is_aws {
        d.service(ServiceRule::GetCallerIdentity)
    } else {
        f()
    };
    let mut refused = vec![d.service(ServiceRule::ReservedAliasChange)];
    if matches!(who, RequestPrincipal::Anonymous) {
        refused.push(d.service(ServiceRule::Kms));
    }
    let assume_role = d.service(ServiceRule::AssumeRole);

    // 1. Explicit denies, from every policy in play.
    let mut denies = Vec::new();
    for (i, p) in identity.iter().enumerate() {
        denies.push(applies(d, PolicySource::Identity(i), p, Effect::Deny, who));
    }
    if let Some(p) = ps.resource {
        denies.push(resource_denies(d, p, who, federator, quirk));
    }
    for (i, p) in boundaries.iter().enumerate() {
        denies.push(applies(d, PolicySource::Boundary(i), p, Effect::Deny, who));
    }
    if let Some(p) = session {
        denies.push(applies(d, PolicySource::Session, p, Effect::Deny, who));
    }
    if scps_apply {
        for (level, policies) in ps.scps.iter().enumerate() {
            for (index, p) in policies.iter().enumerate() {
                denies.push(applies(d, PolicySource::Scp { level, index }, p, Effect::Deny, who));
            }
        }
    }
    if rcps_apply {
        for (governs, levels) in rcps {
            let mut group = Vec::new();
            for (level, policies) in levels.iter().enumerate() {
                for (index, p) in policies.iter().enumerate() {
                    group.push(applies(d, PolicySource::Rcp { level, index }, p, Effect::Deny, who));
                }
            }
            denies.push(D::T::all(vec![governs.clone(), D::T::any(group)]));
        }
    }
    let denied = D::T::any(denies);

    // 2. SCP levels: at each some SCP must allow. RCPs only deny (`RCPFullAWSAccess` allows at
    // every level), so they are no cap here.
    let mut scp_levels = Vec::new();
    if scps_apply {
        for (level, policies) in ps.scps.iter().enumerate() {
            let mut allows = Vec::new();
            for (index, p) in policies.iter().enumerate() {
                allows.push(applies(d, PolicySource::Scp { level, index }, p, Effect::Allow, who));
            }
            scp_levels.push(D::T::any(allows));
        }
    }

    // 3. The identity side: identity policies, capped by the boundaries and the session policy.
    let identity_allows = match world {
        IdentityWorld::None => f(),
        IdentityWorld::Root | IdentityWorld::Open => D::T::lit(true),
        IdentityWorld::Closed => {
            let mut allows = Vec::new();
            for (i, p) in identity.iter().enumerate() {
                allows.push(applies(d, PolicySource::Identity(i), p, Effect::Allow, who));
            }
            D::T::any(allows)
        }
    };
    let mut bounds = Vec::new();
    for (i, p) in boundaries.iter().enumerate() {
        bounds.push(applies(d, PolicySource::Boundary(i), p, Effect::Allow, who));
    }
    let boundary_ok = D::T::all(bounds);
    let session_ok = match session {
        Some(p) => applies(d, PolicySource::Session, p, Effect::Allow, who),
        // A federated-user session created without a session policy has no identity-side permission.
        None => D::T::lit(federator.is_none()),
    };
    let caps_ok = D::T::all(vec![boundary_ok.clone(), session_ok.clone()]);
    let identity_side = D::T::all(vec![identity_allows.clone(), caps_ok.clone()]);

    // 4. The resource side.
    let cross = if who.account().is_some() {
        d.cross_account()
    } else {
        f()
    };
    let grants = resource_grants(d, ps, who, federator);
    let at_least = |m: PrincipalMatch| match &grants {
        None => f(),
        Some((named, by_reading)) if m <= Capped => D::T::any(vec![named.at_least(m), by_reading.clone()]),
        Some((named, _)) => named.at_least(m),
    };
    // A grant that names the principal exactly stands alone; one through `*` or the role of a
    // session is capped by the boundaries and the session policy.
    let mut stands_alone = D::T::any(vec![
        at_least(Direct),
        D::T::all(vec![at_least(Capped), caps_ok.clone()]),
    ]);
    if by_policies && is_aws && (!boundaries.is_empty() || session.is_some() || federator.is_some()) {
        if let (Some(p), Some((named, _))) = (ps.resource, &grants) {
            // Whether a `*` grant (or, for a federated-user session, a grant to its user) is capped
            // by a boundary or session policy the guides do not say.
            let stars: Vec<D::T> = named
                .0
                .iter()
                .filter(|(i, c, _)| *c >= Capped && principal_is(p, *i, |pr| star_like(pr, who, federator)))
                .map(|(_, _, b)| b.clone())
                .collect();
            if !stars.is_empty() {
                let case = D::T::all(vec![D::T::any(stars), caps_ok.clone().negate(), cross.clone().negate()]);
                let uncapped = d.reading(OpenPoint::StarGrant, case.clone());
                stands_alone = D::T::any(vec![stands_alone, D::T::all(vec![case, uncapped])]);
            }
        }
    }
    let by_grant = kms_grants(d, ps, who, federator, &caps_ok, &identity_side);
    let delegated = D::T::all(vec![at_least(Account), identity_side.clone()]);
    let same_account = cross.clone().negate();
    // A key policy (and a trust policy for `sts:AssumeRole*`) must allow, by itself or by
    // delegating to the account's IAM policies; grants allow too.
    let gate = D::T::any(vec![
        D::T::all(vec![cross.clone(), delegated.clone()]),
        D::T::all(vec![
            same_account.clone(),
            D::T::any(vec![stands_alone.clone(), delegated]),
        ]),
        by_grant.clone(),
    ]);
    let plain = if is_aws {
        // Within one account either side suffices; across accounts both are needed.
        D::T::any(vec![
            D::T::all(vec![cross, identity_side.clone(), at_least(Account)]),
            D::T::all(vec![same_account, D::T::any(vec![identity_side, stands_alone])]),
            by_grant,
        ])
    } else {
        D::T::any(vec![at_least(Capped), by_grant])
    };
    let main = if ps.resource_is_key_policy {
        gate
    } else if ps.resource_is_trust_policy {
        D::T::any(vec![
            D::T::all(vec![assume_role.clone(), gate]),
            D::T::all(vec![assume_role.clone().negate(), plain]),
        ])
    } else {
        plain
    };

    let mut parts = vec![D::T::any(refused).negate(), denied.clone().negate()];
    parts.extend(scp_levels.iter().cloned());
    parts.push(main);
    if world == IdentityWorld::Root {
        // STS refuses root credentials.
        parts.push(assume_role.negate());
    }
    let allowed = D::T::any(vec![caller_identity, D::T::all(parts)]);
    Outcome {
        allowed,
        denied,
        scp_levels,
        identity_allows,
        boundary_ok,
        session_ok,
    }
}

/// The open point of a `NotPrincipal` element that lists `who`, if it is one: it lists the
/// principal but not its account, or the user who federated the session but not the session.
fn not_principal_point(
    pr: &Principals,
    effect: Effect,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
) -> Option<OpenPoint> {
    if not_principal_reading_open(pr, who) {
        Some(match effect {
            Effect::Deny => OpenPoint::NotPrincipalDeny,
            Effect::Allow => OpenPoint::NotPrincipalAllow,
        })
    } else if not_principal_names_federator(pr, who, federator) {
        Some(OpenPoint::NotPrincipalFederator)
    } else {
        None
    }
}

/// The resource policy's denies. A `Deny` whose `NotPrincipal` is an open point applies as the
/// reading says (unless the principal has a boundary: then it applies whatever it lists); a
/// statement naming an IAM user of the account of a session whose federating user is not known
/// applies if the reading says the user created it.
fn resource_denies<D: Domain>(
    d: &mut D,
    p: &Policy,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
    quirk: bool,
) -> D::T {
    let open = |pr: Option<&Principals>| match pr {
        Some(pr) if !quirk => not_principal_point(pr, Effect::Deny, who, federator),
        _ => None,
    };
    let source = PolicySource::Resource;
    let plain = named(d, source, p, Effect::Deny, who, federator, quirk, |pr| {
        open(pr).is_none()
    });
    let mut denies = vec![plain.at_least(PrincipalMatch::Account)];
    denies.extend(by_reading(d, p, Effect::Deny, who, federator, quirk, &open));
    D::T::any(denies)
}

/// The resource policy's `Allow` statements that name the principal, and those that grant it only
/// under a reading of an open point, as grants capped like a role's: a `NotPrincipal` that is an
/// open point, and a statement naming an IAM user of the account of a session whose federating
/// user is not known. `None` without a resource policy.
fn resource_grants<D: Domain>(
    d: &mut D,
    ps: &PolicySet,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
) -> Option<(Named<D::T>, D::T)> {
    let p = ps.resource?;
    let open = |pr: Option<&Principals>| pr.and_then(|pr| not_principal_point(pr, Effect::Allow, who, federator));
    let named = named(
        d,
        PolicySource::Resource,
        p,
        Effect::Allow,
        who,
        federator,
        false,
        |pr| open(pr).is_none(),
    );
    let by_reading = by_reading(d, p, Effect::Allow, who, federator, false, &open);
    Some((named, D::T::any(by_reading)))
}

/// The resource-policy statements with `effect` that apply to `who` only under a reading of an
/// open point, each as "its body, and the reading": those whose `NotPrincipal` is an open point
/// (`open`), and for a session whose federating user is not known, those naming an IAM user of its
/// account.
fn by_reading<D: Domain>(
    d: &mut D,
    p: &Policy,
    effect: Effect,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
    quirk: bool,
    open: &dyn Fn(Option<&Principals>) -> Option<OpenPoint>,
) -> Vec<D::T> {
    let source = PolicySource::Resource;
    let mut out = Vec::new();
    let listed = named(d, source, p, effect, who, federator, quirk, |pr| open(pr).is_some());
    for (index, _, body) in listed.0 {
        let principal = p.statements.get(index).and_then(|s| s.value.principal.as_ref());
        if let Some(point) = open(principal.map(|pr| &pr.value)) {
            let holds = d.reading(point, body.clone());
            out.push(D::T::all(vec![body, holds]));
        }
    }
    for index in unknown_federator(p, effect, who, federator) {
        let body = d.body(source, p, index, PrincipalMatch::No);
        let names = d.reading(OpenPoint::UnknownFederator, body.clone());
        out.push(D::T::all(vec![body, names]));
    }
    out
}

/// KMS grants: each allows its operations on its key to its grantee, within its constraints. A
/// grant to the exact principal stands alone, one to the role of a session is capped like a
/// resource-policy grant to the role, one to the account delegates to its IAM policies.
fn kms_grants<D: Domain>(
    d: &mut D,
    ps: &PolicySet,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
    caps_ok: &D::T,
    identity_side: &D::T,
) -> D::T {
    if ps.grants.is_empty() {
        return D::T::lit(false);
    }
    let mut by_grant = Vec::new();
    for (i, g) in ps.grants.iter().enumerate() {
        let class = grantee_match(&g.grantee_principal, who);
        let alone = match class {
            PrincipalMatch::No => {
                // NOTE: a grant to the user who federated this session: whether it reaches the
                // session the KMS guide does not say.
                if grantee_names_federator(&g.grantee_principal, who, federator) {
                    let covers = d.grant_covers(i, g, class);
                    let reaches = d.reading(OpenPoint::FederatorGrant, covers.clone());
                    by_grant.push(D::T::all(vec![covers, reaches]));
                }
                continue;
            }
            PrincipalMatch::Direct => D::T::lit(true),
            PrincipalMatch::Capped => caps_ok.clone(),
            PrincipalMatch::Account => identity_side.clone(),
        };
        // NOTE: grants are honoured across accounts without an IAM policy of the grantee's account
        // (KMS Developer Guide, "Grants in AWS KMS": a grant gives the grantee permission by itself).
        let covers = d.grant_covers(i, g, class);
        by_grant.push(D::T::all(vec![covers, alone]));
    }
    // Grants allow KMS operations only.
    let kms = d.service(ServiceRule::Kms);
    D::T::all(vec![kms, D::T::any(by_grant)])
}

/// For a federated-user session whose federating user the policy set does not name: the
/// statements of `p` with `effect` that do not name `who` but name an IAM user of its account.
fn unknown_federator(
    p: &Policy,
    effect: Effect,
    who: &RequestPrincipal,
    federator: Option<&RequestPrincipal>,
) -> Vec<usize> {
    let Some(account) = who.federated_session_account() else {
        return Vec::new();
    };
    if federator.is_some() {
        return Vec::new();
    }
    (0..p.statements.len())
        .filter(|i| {
            p.statements.get(*i).is_some_and(|s| s.value.effect() == Some(effect))
                && principal_is(p, *i, |pr| {
                    principal_match(pr, who, false) == PrincipalMatch::No && !names_user_of(pr, account).is_empty()
                })
        })
        .collect()
}

/// A `Principal` element that grants `who` only as "anyone": `*`, or for a federated-user session
/// the user who created it.
fn star_like(pr: &Principals, who: &RequestPrincipal, federator: Option<&RequestPrincipal>) -> bool {
    !pr.negated.value
        && (pr.is_any()
            || federator.is_some_and(|u| {
                principal_match(pr, who, false) == PrincipalMatch::No
                    && principal_match(pr, u, false) == PrincipalMatch::Direct
            }))
}

/// Whether statement `i` of `p` has a `Principal` (or `NotPrincipal`) element that satisfies `pred`.
fn principal_is(p: &Policy, i: usize, pred: impl FnOnce(&Principals) -> bool) -> bool {
    p.statements
        .get(i)
        .and_then(|s| s.value.principal.as_ref())
        .is_some_and(|pr| pred(&pr.value))
}

/// Whether a resource-policy `Deny` with `NotPrincipal` applies to `who` whatever the element
/// lists: the principal has a permissions boundary (IAM User Guide, "NotPrincipal").
pub(crate) fn boundary_quirk(who: &RequestPrincipal, ps: &PolicySet) -> bool {
    !ps.boundaries.is_empty()
        && matches!(
            who,
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::User { .. }
                    | AwsPrincipalKind::Role { .. }
                    | AwsPrincipalKind::AssumedRole { .. },
                ..
            }
        )
}
