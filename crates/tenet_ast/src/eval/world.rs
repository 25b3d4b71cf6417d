//! Whose policies are whose: the identity side of each principal, the open and closed world, and the
//! organization that SCPs and RCPs govern.
//!
//! [`super::evaluate`] decides one request against one [`PolicySet`]. A proof is about every
//! principal at once, and the principals do not share their identity policies: a role's policies
//! say nothing of another role, and an account whose IAM policies were not given may have any
//! (its administrators can attach whatever they like). A [`World`] holds the policies in play once
//! and gives each principal its own [`PolicySet`], so that the evaluator (re-checking a
//! counterexample) and the prover's encoding (per candidate principal) read ownership the same way.
//!
//! The rules:
//! - identity policies, permissions boundaries and session policies belong to an owner: an IAM
//!   user, or an IAM role (and then to every session of the role);
//! - a principal of a *closed* account has exactly the policies given for it (none when none were
//!   given); the account has no principals besides the root and those named (the prover drops its
//!   "fresh" principals);
//! - any other IAM principal (not the root) is in the *open* world: its identity side allows
//!   whatever it is asked ([`PolicySet::identity_open`]), the most permissive case, so that `never`
//!   and `only` hold whatever its administrators attach;
//! - a federated-user session `federated-user/NAME` (`GetFederationToken`) is named after the IAM
//!   user who created it: the owner `user/…/NAME` of the same account, whose identity policies and
//!   boundaries it has, capped by that user's `session` policy (the one passed to
//!   `GetFederationToken`; a user's session policy does not cap the user itself); without such an
//!   owner, who created it is an open point (`open_points::OpenPoint::UnknownFederator`);
//! - SCPs govern the principals of the organization's member accounts, RCPs the resources they own;
//!   without a list of member accounts they govern nobody (a proof then covers principals outside
//!   the organization too). A `.tenet` file gives every member account the same levels
//!   ([`World::organization`]); an estate gives each account its own, from its OU path
//!   ([`World::member_levels`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{AwsPrincipalKind, KmsGrant, PolicySet, RequestPrincipal};
use crate::policy::Policy;

/// The identity-side policies of one principal.
#[derive(Clone, Debug)]
pub struct Owned<'a> {
    /// The owner: an IAM user or role ARN.
    pub owner: RequestPrincipal,
    /// Its identity policies (inline, managed, group).
    pub identity: Vec<&'a Policy>,
    /// Its permissions boundaries.
    pub boundaries: Vec<&'a Policy>,
    /// The session policy of its sessions.
    pub session: Option<&'a Policy>,
}

/// The SCP and RCP levels of one member account, from the organization root down to the account.
#[derive(Clone, Debug, Default)]
pub struct Levels<'a> {
    /// Service control policies, one `Vec` per level.
    pub scps: Vec<Vec<&'a Policy>>,
    /// Resource control policies, one `Vec` per level (deny-only: `RCPFullAWSAccess` is implicit).
    pub rcps: Vec<Vec<&'a Policy>>,
}

/// The policies in play for every principal, with their owners.
#[derive(Clone, Debug, Default)]
pub struct World<'a> {
    /// The principals whose identity side is given.
    pub owned: Vec<Owned<'a>>,
    /// Accounts whose identity side is known exactly (closed world).
    pub closed_accounts: BTreeSet<String>,
    /// The member accounts governed by `scps` and `rcps` (all with the same levels).
    pub organization: BTreeSet<String>,
    /// Member accounts with levels of their own (an estate's accounts, each by its OU path); they
    /// take precedence over `organization`.
    pub member_levels: BTreeMap<String, Levels<'a>>,
    /// The resource's policy (bucket, key or trust policy), if any.
    pub resource: Option<&'a Policy>,
    /// Whether `resource` is a KMS key policy.
    pub resource_is_key_policy: bool,
    /// Whether `resource` is a role trust policy.
    pub resource_is_trust_policy: bool,
    /// Service control policies, one `Vec` per organization level.
    pub scps: Vec<Vec<&'a Policy>>,
    /// Resource control policies, one `Vec` per organization level.
    pub rcps: Vec<Vec<&'a Policy>>,
    /// KMS grants on the key.
    pub grants: Vec<KmsGrant>,
}

/// Whether `owner` (a user or role) is `who` or, for a role, the role of session `who`.
pub fn owns(owner: &RequestPrincipal, who: &RequestPrincipal) -> bool {
    if owner == who {
        return true;
    }
    match (owner, who) {
        (
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::Role { name },
                account,
                ..
            },
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::AssumedRole { role_name, .. },
                account: session_account,
                ..
            },
        ) => name == role_name && account == session_account,
        _ => false,
    }
}

/// Whether a principal is an IAM user.
fn is_user(p: &RequestPrincipal) -> bool {
    matches!(
        p,
        RequestPrincipal::Aws {
            kind: AwsPrincipalKind::User { .. },
            ..
        }
    )
}

/// How a principal's identity side is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityWorld {
    /// Not an IAM principal (anonymous, service, identity provider): no identity side.
    None,
    /// The account root user: full access in its account, no policies.
    Root,
    /// Given exactly (an owner, or a principal of a closed account).
    Closed,
    /// Not given: any policy may be attached.
    Open,
}

impl<'a> World<'a> {
    /// How `who`'s identity side is known.
    pub fn identity_world(&self, who: &RequestPrincipal) -> IdentityWorld {
        match who {
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::Root,
                ..
            } => IdentityWorld::Root,
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::FederatedUser { .. },
                ..
            } => {
                if self.federating_user(who).is_some()
                    || (self.closed_accounts.contains(who.account().unwrap_or_default())
                        && !self.federation_identity_open(who))
                {
                    IdentityWorld::Closed
                } else {
                    IdentityWorld::Open
                }
            }
            RequestPrincipal::Aws { account, .. } => {
                if self.owned.iter().any(|o| owns(&o.owner, who)) || self.closed_accounts.contains(account) {
                    IdentityWorld::Closed
                } else {
                    IdentityWorld::Open
                }
            }
            _ => IdentityWorld::None,
        }
    }

    /// The IAM user who created the federated-user session `who` (`GetFederationToken`), when the
    /// world names it: the World names a federated-user session `arn:…:sts::ACCOUNT:federated-user/NAME`
    /// after the user who federated it, so it is the owner `arn:…:iam::ACCOUNT:user/…/NAME` (same
    /// account, same name) whose policies are given. Its identity policies and boundaries are the
    /// session's, capped by its `session` policy (the one passed to `GetFederationToken`); a
    /// session with another name has no determinable user (see
    /// `open_points::OpenPoint::UnknownFederator`).
    pub fn federating_user(&self, who: &RequestPrincipal) -> Option<&Owned<'a>> {
        let RequestPrincipal::Aws {
            account,
            kind: AwsPrincipalKind::FederatedUser { name },
            ..
        } = who
        else {
            return None;
        };
        self.owned.iter().find(|o| {
            matches!(&o.owner, RequestPrincipal::Aws { account: a, kind: AwsPrincipalKind::User { name: n }, .. } if a == account && n == name)
        })
    }

    /// Whether `who` is a federated-user session of a closed account whose user the world does not
    /// name while some user of the account has policies given: one of them may have created it, with
    /// any session policy, so its identity side is read as open, and an allow that depends on it
    /// is an open point.
    pub fn federation_identity_open(&self, who: &RequestPrincipal) -> bool {
        let Some(account) = who.federated_session_account() else {
            return false;
        };
        self.closed_accounts.contains(account)
            && self.federating_user(who).is_none()
            && self
                .owned
                .iter()
                .any(|o| is_user(&o.owner) && o.owner.account() == Some(account))
    }

    /// The policies in play when `who` makes a request to a resource of `resource_account`.
    pub fn policy_set_for(&self, who: &RequestPrincipal, resource_account: Option<&str>) -> PolicySet<'a> {
        let mut ps = PolicySet {
            resource: self.resource,
            resource_is_key_policy: self.resource_is_key_policy,
            resource_is_trust_policy: self.resource_is_trust_policy,
            grants: self.grants.clone(),
            identity_open: self.identity_world(who) == IdentityWorld::Open,
            ..PolicySet::default()
        };
        for o in self.owned.iter().filter(|o| owns(&o.owner, who)) {
            ps.identity.extend(o.identity.iter().copied());
            ps.boundaries.extend(o.boundaries.iter().copied());
            // A user's session policy is that of the sessions it federates, not its own.
            if ps.session.is_none() && !is_user(&o.owner) {
                ps.session = o.session;
            }
        }
        if let Some(user) = self.federating_user(who) {
            ps.identity.extend(user.identity.iter().copied());
            ps.boundaries.extend(user.boundaries.iter().copied());
            ps.session = user.session;
            ps.federated_by = Some(user.owner.clone());
        }
        if let Some(a) = who.account() {
            ps.scps = self.scps_of(a).to_vec();
        }
        if let Some(a) = resource_account {
            ps.rcps = self.rcps_of(a).to_vec();
        }
        ps
    }

    /// The SCP levels that govern the principals of `account` (none outside the organization).
    pub fn scps_of(&self, account: &str) -> &[Vec<&'a Policy>] {
        match self.member_levels.get(account) {
            Some(l) => &l.scps,
            None if self.organization.contains(account) => &self.scps,
            None => &[],
        }
    }

    /// The RCP levels that govern the resources of `account` (none outside the organization).
    pub fn rcps_of(&self, account: &str) -> &[Vec<&'a Policy>] {
        match self.member_levels.get(account) {
            Some(l) => &l.rcps,
            None if self.organization.contains(account) => &self.rcps,
            None => &[],
        }
    }

    /// The accounts whose resources RCPs govern, grouped by their (identical) RCP levels: the
    /// encoder guards each group's denies by the symbolic resource account.
    pub fn rcp_groups(&self) -> Vec<(Vec<&str>, &[Vec<&'a Policy>])> {
        let mut groups: Vec<(Vec<&str>, &[Vec<&'a Policy>])> = Vec::new();
        let same = |a: &[Vec<&Policy>], b: &[Vec<&Policy>]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| std::ptr::eq(*p, *q)))
        };
        let accounts = self
            .organization
            .iter()
            .chain(self.member_levels.keys())
            .map(String::as_str)
            .collect::<BTreeSet<_>>();
        for a in accounts {
            let levels = self.rcps_of(a);
            if levels.iter().all(Vec::is_empty) {
                continue;
            }
            match groups.iter_mut().find(|(_, l)| same(l, levels)) {
                Some((accts, _)) => accts.push(a),
                None => groups.push((vec![a], levels)),
            }
        }
        groups
    }

    /// The world of one request whose policies are already chosen: `who` has exactly the identity
    /// side of `ps` (or the open world when `ps.identity_open`), and the SCPs and RCPs of `ps`
    /// govern it and `resource_account`. `policy_set_for(who, Some(resource_account))` gives `ps`
    /// back.
    pub fn for_request(who: &RequestPrincipal, resource_account: &str, ps: &PolicySet<'a>) -> World<'a> {
        let mut world = World {
            resource: ps.resource,
            resource_is_key_policy: ps.resource_is_key_policy,
            resource_is_trust_policy: ps.resource_is_trust_policy,
            scps: ps.scps.clone(),
            rcps: ps.rcps.clone(),
            grants: ps.grants.clone(),
            ..World::default()
        };
        if !ps.identity_open && matches!(who, RequestPrincipal::Aws { .. }) {
            world.owned.push(Owned {
                // A federated-user session's policies are those of the user who federated it.
                owner: ps.federated_by.clone().unwrap_or_else(|| who.clone()),
                identity: ps.identity.clone(),
                boundaries: ps.boundaries.clone(),
                session: ps.session,
            });
        }
        if let (false, Some(a)) = (ps.scps.is_empty(), who.account()) {
            world.organization.insert(a.to_owned());
        }
        if !ps.rcps.is_empty() {
            world.organization.insert(resource_account.to_owned());
        }
        world
    }

    /// Every policy of the world (owned ones first), for building alphabets and key models.
    pub fn policies(&self) -> Vec<&'a Policy> {
        let mut v: Vec<&'a Policy> = Vec::new();
        for o in &self.owned {
            v.extend(o.identity.iter().copied());
            v.extend(o.boundaries.iter().copied());
            v.extend(o.session);
        }
        v.extend(self.resource);
        v.extend(self.scps.iter().flatten().copied());
        v.extend(self.rcps.iter().flatten().copied());
        for l in self.member_levels.values() {
            for p in l.scps.iter().chain(&l.rcps).flatten() {
                if !v.iter().any(|q| std::ptr::eq(*q, *p)) {
                    v.push(p);
                }
            }
        }
        v
    }
}
