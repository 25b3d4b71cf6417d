//! Points the AWS guides leave open. The [skeleton](super::skeleton) asks each as a reading where
//! it arises: the evaluator takes the documented reading ([`OpenPoint::documented`]), the prover
//! leaves it free, so a verdict that depends on it is `unknown`. [`open_point`] says whether, and
//! why, the decision on one request depends on one of them (the skeleton with the readings
//! unknown); the prover asks it of every model before reporting it.

use super::decide::Concrete;
use super::principal::RequestPrincipal;
use super::skeleton::{self, Domain, ServiceRule};
use super::world::World;
use super::{evaluate, KmsGrant, PolicySet, PolicySource, PrincipalMatch, Request};
use crate::policy::Policy;

/// A point the AWS guides leave open, as a proposition the skeleton asks where it arises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpenPoint {
    /// "A resource-policy `Deny` whose `NotPrincipal` lists the caller but not its account applies
    /// to the caller." The IAM User Guide ("NotPrincipal") says the account must be listed for the
    /// exemption to work, not what AWS does when only the principal is; the evaluator applies it
    /// (the simulator's reading). Not open when the caller has a permissions boundary (such a `Deny`
    /// then applies whatever it lists).
    NotPrincipalDeny,
    /// "A resource-policy `Allow` whose `NotPrincipal` lists the caller but not its account grants
    /// the caller." The guide documents the account rule for `Deny` only (and advises against
    /// `Allow` with `NotPrincipal`); the evaluator grants it (the wider reading).
    NotPrincipalAllow,
    /// "A `NotPrincipal` that lists the IAM user who created the caller's federated-user session,
    /// but not the session, applies to the session." The guide describes users, roles and role
    /// sessions, not federated-user sessions; the evaluator reads the element for the session alone.
    NotPrincipalFederator,
    /// "A same-account `Allow` with `Principal: \"*\"` (or, for a federated-user session, naming
    /// the user who created it) stands alone, uncapped by the caller's permissions boundary or
    /// session policy." The IAM User Guide does not say; the evaluator caps it like a grant to a
    /// role ARN.
    StarGrant,
    /// "A KMS grant to the IAM user who created a federated-user session reaches the session." The
    /// KMS Developer Guide does not say; the evaluator does not extend the grant.
    FederatorGrant,
    /// "A statement naming an IAM user of the account of a federated-user session names the
    /// session", when the world does not say which user created it; the evaluator reads it as not.
    UnknownFederator,
}

impl OpenPoint {
    /// The evaluator's reading of the proposition.
    pub fn documented(self) -> bool {
        matches!(
            self,
            OpenPoint::NotPrincipalDeny | OpenPoint::NotPrincipalAllow | OpenPoint::NotPrincipalFederator
        )
    }

    /// Why a decision that depends on the point is open, for `who`.
    pub fn reason(self, who: &RequestPrincipal) -> String {
        let session = who.as_str();
        match self {
            OpenPoint::NotPrincipalAllow => {
                "the answer depends on whether an `Allow` with `NotPrincipal` that lists the \
                 caller but not its account grants the caller (the IAM User Guide documents the account rule for \
                 `Deny` only)"
                    .to_owned()
            }
            OpenPoint::NotPrincipalDeny => "the answer depends on whether a `Deny` with `NotPrincipal` that lists the \
                 caller but not its account spares the caller (the IAM User Guide says the account must be listed, \
                 not what happens when it is not)"
                .to_owned(),
            OpenPoint::NotPrincipalFederator => format!(
                "the answer depends on whether a `NotPrincipal` that lists the IAM user who created the federated-user \
                 session `{session}` (but not the session) spares the session (the IAM User Guide, NotPrincipal, \
                 describes users, roles and role sessions, not federated-user sessions)"
            ),
            OpenPoint::StarGrant => {
                "the answer depends on whether a `Principal: \"*\"` grant (or, for a federated-user \
                 session, a grant to the user who federated it) of a same-account resource policy is capped by the \
                 caller's permissions boundary or session policy (the IAM User Guide does not say)"
                    .to_owned()
            }
            OpenPoint::FederatorGrant => format!(
                "the answer depends on whether a KMS grant to the IAM user who created the federated-user session \
                 `{session}` reaches the session (the KMS Developer Guide does not say)"
            ),
            OpenPoint::UnknownFederator => format!(
                "the answer depends on which IAM user of account {} created the federated-user session `{session}` \
                 (a resource policy names one of them; name the session after its user, `federated-user/NAME` for \
                 `user/NAME`, and give that user's policies)",
                who.account().unwrap_or_default()
            ),
        }
    }
}

/// The open point on which the decision on `request` under `ps` depends, if any: the skeleton
/// run in three-valued logic with the open points' readings unknown (as the prover leaves them
/// free) does not decide. Each reading is asked in one polarity, so the three-valued answer is
/// exact. The point named is one that leaves the decision open by itself, else the first consulted.
pub fn open_point_in(request: &Request, ps: &PolicySet) -> Option<OpenPoint> {
    let (allowed, consulted) = allowed_reading(request, ps, None);
    if allowed.is_some() {
        return None;
    }
    let alone = consulted
        .iter()
        .copied()
        .find(|point| allowed_reading(request, ps, Some(*point)).0.is_none());
    alone.or_else(|| consulted.first().copied())
}

/// Whether `request` is allowed under `ps` with the reading of `open` (of every point when `None`)
/// unknown and the others documented, in three-valued logic (`None`: it depends on the reading);
/// and the points whose reading was asked where their case may hold.
fn allowed_reading(request: &Request, ps: &PolicySet, open: Option<OpenPoint>) -> (Option<bool>, Vec<OpenPoint>) {
    let mut domain = Kleene {
        concrete: Concrete::new(request),
        open,
        consulted: Vec::new(),
    };
    let rcps = [(Some(true), ps.rcps.as_slice())];
    let out = skeleton::decide(&mut domain, &request.principal, ps, &rcps);
    (out.allowed, domain.consulted)
}

/// The evaluator's domain with the readings of open points unknown.
struct Kleene<'r> {
    concrete: Concrete<'r>,
    /// The point left open (every point when `None`).
    open: Option<OpenPoint>,
    consulted: Vec<OpenPoint>,
}

impl Domain for Kleene<'_> {
    type T = Option<bool>;

    fn body(&mut self, source: PolicySource, policy: &Policy, index: usize, class: PrincipalMatch) -> Option<bool> {
        Some(self.concrete.body(source, policy, index, class))
    }

    fn cross_account(&mut self) -> Option<bool> {
        Some(self.concrete.cross_account())
    }

    fn service(&mut self, rule: ServiceRule) -> Option<bool> {
        Some(self.concrete.service(rule))
    }

    fn grant_covers(&mut self, index: usize, grant: &KmsGrant, class: PrincipalMatch) -> Option<bool> {
        Some(self.concrete.grant_covers(index, grant, class))
    }

    fn reading(&mut self, point: OpenPoint, case: Option<bool>) -> Option<bool> {
        if case == Some(false) {
            return Some(point.documented());
        }
        if !self.consulted.contains(&point) {
            self.consulted.push(point);
        }
        match self.open {
            Some(open) if open != point => Some(point.documented()),
            _ => None,
        }
    }
}

/// Why the decision on `request` in `world` depends on a point the AWS guides leave open, if it
/// does; ARN wildcard readings and multi-valued keys are the prover's to check, as they depend on
/// its encoding's patterns and keys.
pub fn open_point(world: &World, request: &Request) -> Option<String> {
    let who = &request.principal;
    let ps = world.policy_set_for(who, request.resource_account());
    if let Some(point) = open_point_in(request, &ps) {
        return Some(point.reason(who));
    }
    // A federated-user session of a closed account whose user the world does not name: its
    // identity side is read as open, though it is one of its users' capped by an unknown session
    // policy.
    let account = who.federated_session_account()?;
    (world.federation_identity_open(who) && evaluate(request, &ps).decision.is_allowed()).then(|| {
        format!(
            "the answer depends on which IAM user of the closed account {account} created the federated-user \
             session `{}` and with which session policy (name the session after its user, `federated-user/NAME` \
             for `user/NAME`, and give its session policy)",
            who.as_str()
        )
    })
}
