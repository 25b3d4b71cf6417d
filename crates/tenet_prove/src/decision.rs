//! The decision skeleton, symbolically: `tenet_ast::eval`'s decision procedure (`decide.rs`) as a
//! formula over the symbolic request, one candidate principal at a time.
//!
//! Each candidate gets its own policies from the [`World`] (its identity side: given, root, open or
//! none), exactly as the evaluator's re-check of a counterexample gets them; what depends on the
//! symbolic resource account (whether RCPs govern the resource, whether the request crosses
//! accounts) stays symbolic. The order and the rules are those of `tenet_ast::eval::evaluate`:
//! `sts:GetCallerIdentity` first, then explicit denies, the SCP levels, the identity side capped by
//! boundaries and the session policy, and the resource side with the key-policy and trust gates.

use std::collections::HashMap;

use crate::encode::{Encoder, RESOURCE_ACCOUNT};
use crate::ir::*;
use crate::principals::{principal_class, Class};
use tenet_ast::eval::{
    grantee_match, grantee_names_federator, names_user_of, not_principal_names_federator, not_principal_reading_open,
    principal_match, principal_match_as, AwsPrincipalKind, IdentityWorld, KmsGrant, PolicySet, RequestPrincipal, World,
    RESERVED_ALIAS_ACTIONS, RESERVED_ALIAS_PATTERN,
};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Policy, Principals};

/// The encoded statements of one policy, by effect: `(statement index, body)`.
pub(crate) struct Bodies {
    allow: Vec<(usize, Formula)>,
    deny: Vec<(usize, Formula)>,
}

/// Statement bodies, encoded once per policy and shared by every candidate.
#[derive(Default)]
struct BodyCache(HashMap<*const Policy, Bodies>);

impl BodyCache {
    fn get(&mut self, enc: &mut Encoder, p: &Policy) -> &Bodies {
        self.0.entry(p as *const Policy).or_insert_with(|| enc.bodies(p))
    }
}

impl Encoder {
    pub(crate) fn bodies(&mut self, p: &Policy) -> Bodies {
        let mut b = Bodies {
            allow: Vec::new(),
            deny: Vec::new(),
        };
        for (i, s) in p.statements.iter().enumerate() {
            let Some(effect) = s.value.effect() else { continue };
            let f = self.statement_body(&s.value, p);
            match effect {
                tenet_ast::Effect::Allow => b.allow.push((i, f)),
                tenet_ast::Effect::Deny => b.deny.push((i, f)),
            }
        }
        b
    }

    /// The statements of `p` of one effect that apply to candidate `who` with class at least `min`.
    /// Under a budget that is cut, nothing: the work stops and its result is discarded.
    fn applies(p: &Policy, bodies: &[(usize, Formula)], who: &RequestPrincipal, quirk: bool, min: Class) -> Formula {
        Self::applies_as(p, bodies, who, None, quirk, min)
    }

    /// [`Encoder::applies`] for a federated-user session created by `federator` (the evaluator's
    /// `principal_match_as`).
    fn applies_as(
        p: &Policy,
        bodies: &[(usize, Formula)],
        who: &RequestPrincipal,
        federator: Option<&RequestPrincipal>,
        quirk: bool,
        min: Class,
    ) -> Formula {
        if crate::budget::interrupted(crate::budget::Phase::Encoding) {
            return Formula::Const(false);
        }
        or(bodies
            .iter()
            .filter(|(i, _)| {
                let class = match p.statements.get(*i).and_then(|s| s.value.principal.as_ref()) {
                    None => Class::Direct,
                    Some(pr) => principal_match_as(&pr.value, who, federator, quirk),
                };
                class >= min && class != Class::No
            })
            .map(|(_, f)| f.clone())
            .collect::<Vec<_>>())
    }

    /// The request is allowed by `p` alone: some Allow applies (any principal class) and no Deny.
    pub fn allowed_alone(&mut self, p: &Policy) -> Formula {
        let b = self.bodies(p);
        let mut alts = Vec::new();
        for (ci, c) in self.candidates.clone().iter().enumerate() {
            let allow = Self::applies(p, &b.allow, &c.principal, false, Class::Account);
            let deny = Self::applies(p, &b.deny, &c.principal, false, Class::Account);
            alts.push(and([self.is_candidate(ci), allow, not(deny)]));
        }
        or(alts)
    }

    /// The request is allowed in `world`, mirroring `tenet_ast::eval::evaluate` on
    /// `world.policy_set_for(principal, resource account)`.
    pub fn allowed(&mut self, world: &World) -> Formula {
        let mut cache = BodyCache::default();
        let get_caller_identity = self.action_pattern("sts:GetCallerIdentity");
        let assume_role = self.action_pattern("sts:AssumeRole*");
        // Service-enforced: KMS refuses changes to the aliases of AWS managed keys.
        let reserved_actions = RESERVED_ALIAS_ACTIONS
            .iter()
            .map(|a| self.action_pattern(a))
            .collect::<Vec<_>>();
        let reserved = and([or(reserved_actions), self.resource_match(RESERVED_ALIAS_PATTERN, false)]);
        let kms = self.action_pattern("kms:*");
        // Each group of member accounts with the same RCP levels, guarded by the symbolic resource
        // account (built once: an estate has many accounts).
        let rcp_groups: Vec<(Formula, &[Vec<&Policy>])> = world
            .rcp_groups()
            .into_iter()
            .map(|(accounts, levels)| {
                let owner = or(accounts
                    .iter()
                    .map(|a| eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(*a)))
                    .collect::<Vec<_>>());
                (owner, levels)
            })
            .collect();
        let mut alts = Vec::new();
        for (ci, who) in self.candidates.clone().iter().map(|c| &c.principal).enumerate() {
            // RCPs are added below, guarded by the symbolic resource account.
            let ps = world.policy_set_for(who, None);
            let decision = self.decision(
                ci,
                &mut cache,
                who,
                world,
                &ps,
                &rcp_groups,
                &get_caller_identity,
                &assume_role,
            );
            let mut refused = vec![reserved.clone()];
            if matches!(who, RequestPrincipal::Anonymous) {
                // KMS refuses unauthenticated requests.
                refused.push(kms.clone());
            }
            alts.push(and([self.is_candidate(ci), not(or(refused)), decision]));
        }
        or(alts)
    }

    #[expect(clippy::too_many_arguments, reason = "the shared formulas of one `allowed` call")]
    fn decision(
        &mut self,
        ci: usize,
        cache: &mut BodyCache,
        who: &RequestPrincipal,
        world: &World,
        ps: &PolicySet,
        rcp_groups: &[(Formula, &[Vec<&Policy>])],
        get_caller_identity: &Formula,
        assume_role: &Formula,
    ) -> Formula {
        let any = Class::Account;
        let is_aws = matches!(who, RequestPrincipal::Aws { .. });
        let identity_world = world.identity_world(who);
        let by_policies = identity_world == IdentityWorld::Closed;
        let is_root = identity_world == IdentityWorld::Root;
        let is_slr = who.is_service_linked_role();
        let scps_apply = is_aws && !is_slr;
        let rcps_apply = !is_slr;
        let quirk = !ps.boundaries.is_empty()
            && matches!(
                who,
                RequestPrincipal::Aws {
                    kind: AwsPrincipalKind::User { .. }
                        | AwsPrincipalKind::Role { .. }
                        | AwsPrincipalKind::AssumedRole { .. },
                    ..
                }
            );
        let (identity, boundaries, session): (&[&Policy], &[&Policy], Option<&Policy>) = if by_policies {
            (&ps.identity, &ps.boundaries, ps.session)
        } else {
            (&[], &[], None)
        };

        // 1. Explicit denies.
        let mut denies = Vec::new();
        for p in identity.iter().chain(boundaries).chain(session.iter()) {
            let b = cache.get(self, p);
            denies.push(Self::applies(p, &b.deny, who, false, any));
        }
        let federator = ps.federated_by.as_ref();
        if let Some(p) = ps.resource {
            let deny = cache.get(self, p).deny.clone();
            let unknown_user_denies = Self::unknown_federator(p, &deny, who, federator.is_some());
            // A Deny with NotPrincipal listing this principal but not its account, or the user who
            // federated this session but not the session: the simulator applies it; whether AWS
            // spares the principal is open (a free reading, false: applies).
            let (open, plain): (Vec<_>, Vec<_>) = deny.into_iter().partition(|(i, _)| {
                !quirk
                    && principal_is(p, *i, |pr| {
                        not_principal_reading_open(pr, who) || not_principal_names_federator(pr, who, federator)
                    })
            });
            denies.push(Self::applies_as(p, &plain, who, federator, quirk, any));
            for (_, body) in open {
                let spared = self.open_reading(and([self.is_candidate(ci), body.clone()]));
                denies.push(and([body, not(spared)]));
            }
            // A session whose federating user is not known: a statement naming an IAM user of its
            // account names it if that user created it (a free reading, false: it does not).
            for (_, body) in unknown_user_denies {
                let named = self.open_reading(and([self.is_candidate(ci), body.clone()]));
                denies.push(and([body, named]));
            }
        }
        if scps_apply {
            for p in ps.scps.iter().flatten() {
                let b = cache.get(self, p);
                denies.push(Self::applies(p, &b.deny, who, false, any));
            }
        }
        if rcps_apply {
            for (owner, levels) in rcp_groups {
                let mut group = Vec::new();
                for p in levels.iter().flatten() {
                    let b = cache.get(self, p);
                    group.push(Self::applies(p, &b.deny, who, false, any));
                }
                denies.push(and([owner.clone(), or(group)]));
            }
        }

        // 2. SCP levels (RCPs only deny: RCPFullAWSAccess allows at every level).
        let mut caps = Vec::new();
        if scps_apply {
            for level in &ps.scps {
                let mut level_allows = Vec::new();
                for p in level {
                    let b = cache.get(self, p);
                    level_allows.push(Self::applies(p, &b.allow, who, false, any));
                }
                caps.push(or(level_allows));
            }
        }

        // 3. The identity side.
        let identity_allows = match identity_world {
            IdentityWorld::None => FALSE,
            IdentityWorld::Root | IdentityWorld::Open => TRUE,
            IdentityWorld::Closed => {
                let mut allows = Vec::new();
                for p in identity {
                    let b = cache.get(self, p);
                    allows.push(Self::applies(p, &b.allow, who, false, any));
                }
                or(allows)
            }
        };
        let mut cap_allows = Vec::new();
        for p in boundaries.iter().chain(session.iter()) {
            let b = cache.get(self, p);
            cap_allows.push(Self::applies(p, &b.allow, who, false, any));
        }
        if federator.is_some() && session.is_none() {
            // A federated-user session created without a session policy: nothing on this side.
            cap_allows.push(FALSE);
        }
        let caps_ok = and(cap_allows);
        let identity_side = and([identity_allows, caps_ok.clone()]);

        // 4. The resource side.
        let res = ps.resource.map(|p| (p, cache.get(self, p).allow.clone()));
        // An Allow with NotPrincipal listing this principal but not its account: the simulator's
        // (wider) reading grants it; the other reading would not, so a model that needs it is open.
        if let Some((p, allow)) = &res {
            let open: Vec<(usize, Formula)> = allow
                .iter()
                .filter(|(i, _)| {
                    principal_is(p, *i, |pr| {
                        not_principal_reading_open(pr, who) || not_principal_names_federator(pr, who, federator)
                    })
                })
                .cloned()
                .collect();
            if !open.is_empty() {
                let case = and([
                    self.is_candidate(ci),
                    or(open.into_iter().map(|(_, f)| f).collect::<Vec<_>>()),
                ]);
                self.open_cases.push(case);
            }
        }
        // Grants naming an IAM user of the account of a session whose federating user is not known:
        // each names the session under a free reading (as a grant capped like a role's).
        let mut unknown_user_grants = Vec::new();
        if let Some((p, allow)) = &res {
            for (_, body) in Self::unknown_federator(p, allow, who, federator.is_some()) {
                let named = self.open_reading(and([self.is_candidate(ci), body.clone()]));
                unknown_user_grants.push(and([body, named]));
            }
        }
        let unknown_user_grants = or(unknown_user_grants);
        let ge = |min: Class| match &res {
            None => FALSE,
            Some((p, allow)) => {
                let named = Self::applies_as(p, allow, who, federator, false, min);
                if min <= Class::Capped {
                    or([named, unknown_user_grants.clone()])
                } else {
                    named
                }
            }
        };
        let cross = match who.account() {
            Some(acct) => not(eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(acct))),
            None => FALSE,
        };
        let mut stands_alone = or([ge(Class::Direct), and([ge(Class::Capped), caps_ok.clone()])]);
        // A `*` grant against a boundary or session policy: the guides do not say whether it is
        // capped, so either answer is possible there (`Encoder::unambiguous` excludes the case).
        if by_policies && (!boundaries.is_empty() || session.is_some() || federator.is_some()) && is_aws {
            if let Some((p, allow)) = &res {
                // `*` grants, and for a federated-user session the grants to the user who created it.
                let stars: Vec<(usize, Formula)> = allow
                    .iter()
                    .filter(|(i, _)| {
                        principal_is(p, *i, |pr| {
                            !pr.negated.value
                                && (pr.is_any()
                                    || federator.is_some_and(|u| {
                                        principal_class(pr, who, false) == Class::No
                                            && principal_class(pr, u, false) == Class::Direct
                                    }))
                        })
                    })
                    .cloned()
                    .collect();
                if !stars.is_empty() {
                    let open = and([
                        self.is_candidate(ci),
                        Self::applies_as(p, &stars, who, federator, false, Class::Capped),
                        not(caps_ok.clone()),
                        not(cross.clone()),
                    ]);
                    let reading = self.open_reading(open.clone());
                    stands_alone = or([stands_alone, and([open, reading])]);
                }
            }
        }
        // KMS grants: each allows its operations on its key to its grantee, within its constraints.
        let mut by_grant = Vec::new();
        for g in &ps.grants {
            let class = grantee_match(&g.grantee_principal, who);
            if class == Class::No {
                // A grant to the user who federated this session: whether it reaches the session the
                // KMS guide does not say (a free reading, as a grant to the session; false: it does not).
                if grantee_names_federator(&g.grantee_principal, who, federator) {
                    let covers = self.grant_covers(g);
                    let reaches = self.open_reading(and([self.is_candidate(ci), covers.clone()]));
                    by_grant.push(and([covers, reaches]));
                }
                continue;
            }
            let covers = self.grant_covers(g);
            let alone = match class {
                Class::Direct => TRUE,
                Class::Capped => caps_ok.clone(),
                _ => FALSE,
            };
            let delegated = if class == Class::Account {
                identity_side.clone()
            } else {
                FALSE
            };
            by_grant.push(and([covers, or([alone, delegated])]));
        }
        let by_grant = or(by_grant);
        let key_gate = {
            let delegated = and([ge(Class::Account), identity_side.clone()]);
            or([
                and([cross.clone(), delegated.clone()]),
                and([not(cross.clone()), or([stands_alone.clone(), delegated])]),
                by_grant.clone(),
            ])
        };
        let plain = if !is_aws {
            or([ge(Class::Capped), by_grant])
        } else {
            or([
                and([cross.clone(), identity_side.clone(), ge(Class::Account)]),
                and([not(cross), or([identity_side, stands_alone])]),
                by_grant,
            ])
        };
        let main = if ps.resource_is_key_policy {
            key_gate
        } else if ps.resource_is_trust_policy {
            ite_formula(assume_role.clone(), key_gate, plain)
        } else {
            plain
        };
        let mut all = vec![not(or(denies))];
        all.extend(caps);
        all.push(main);
        if is_root {
            // STS refuses root credentials.
            all.push(not(assume_role.clone()));
        }
        if world.federation_identity_open(who) {
            // A federated-user session of a closed account whose user is not named: its identity
            // side is read as open, which holds only in some readings (`unambiguous` excludes it).
            self.open_cases.push(self.is_candidate(ci));
        }
        let decided = and(all);
        if is_aws {
            or([get_caller_identity.clone(), decided])
        } else {
            decided
        }
    }
}

impl Encoder {
    /// For a federated-user session `who` whose federating user the world does not name: the
    /// statements among `bodies` of `p` that do not name `who` but name an IAM user of its account
    /// (the evaluator's `federation_reading_matters`).
    fn unknown_federator(
        p: &Policy,
        bodies: &[(usize, Formula)],
        who: &RequestPrincipal,
        determined: bool,
    ) -> Vec<(usize, Formula)> {
        let RequestPrincipal::Aws {
            account,
            kind: AwsPrincipalKind::FederatedUser { .. },
            ..
        } = who
        else {
            return Vec::new();
        };
        if determined {
            return Vec::new();
        }
        bodies
            .iter()
            .filter(|(i, _)| {
                principal_is(p, *i, |pr| {
                    principal_match(pr, who, false) == Class::No && !names_user_of(pr, account).is_empty()
                })
            })
            .cloned()
            .collect()
    }

    /// The grant covers the request's operation, key and encryption context (not its principal),
    /// mirroring the evaluator's `grant_covers`.
    fn grant_covers(&mut self, g: &KmsGrant) -> Formula {
        let ops = or(g
            .operations
            .iter()
            .map(|op| self.action_pattern(&format!("kms:{op}")))
            .collect::<Vec<_>>());
        let key = match &g.key_arn {
            None => TRUE,
            Some(k) if k.starts_with("arn:") && !has_wildcard(k) => self.resource_match(k, false),
            Some(k) => self.approximate(format!("grant key id `{k}` (not an ARN)")),
        };
        let mut context = Vec::new();
        if let Some(c) = &g.constraints {
            let subset = c.encryption_context_subset.iter().flatten();
            for (k, v) in c.encryption_context_equals.iter().flatten().chain(subset) {
                context.push(self.context_pair(k, v));
            }
            if let Some(equals) = &c.encryption_context_equals {
                // No other encryption-context key may be present.
                let others: Vec<String> = self
                    .keys
                    .keys()
                    .filter(|l| {
                        l.strip_prefix(EC_PREFIX)
                            .is_some_and(|name| !equals.keys().any(|k| k.eq_ignore_ascii_case(name)))
                    })
                    .cloned()
                    .collect();
                for l in others {
                    context.push(not(self.present(&l, false)));
                }
            }
        }
        and([ops, key, and(context)])
    }

    /// The request carries the encryption-context pair `name = value` (one value, exact case).
    fn context_pair(&mut self, name: &str, value: &str) -> Formula {
        let full = format!("kms:EncryptionContext:{name}");
        let Some(model) = self.keys.get(&full.to_lowercase()).cloned() else {
            // INVARIANT: run.rs registers every grant's context keys before encoding.
            return self.approximate(format!("grant encryption context `{name}` not modelled"));
        };
        if model.ty != crate::encode::KeyType::Str || model.mixed {
            return self.approximate(format!("grant encryption context `{name}` read with another type"));
        }
        if model.multi {
            // The evaluator's rule: a multi-valued pair fails the constraint.
            return FALSE;
        }
        if model.name.get(EC_PREFIX.len()..) != Some(name) {
            return self.approximate(format!("grant encryption context key `{name}` written in another case"));
        }
        let l = full.to_lowercase();
        and([
            self.present(&full, false),
            eq(Term::str_var(format!("k.{l}.0")), Term::str(value)),
        ])
    }
}

/// What grants add to the symbolic request, to register before encoding: their grantees (candidate
/// principals), their operations (actions), their key ARNs (resources) and their
/// encryption-context keys (condition keys).
pub fn grant_vocabulary(grants: &[KmsGrant]) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let mut principals = Vec::new();
    let mut actions = Vec::new();
    let mut keys = Vec::new();
    let mut context = Vec::new();
    for g in grants {
        principals.push(g.grantee_principal.clone());
        actions.extend(g.operations.iter().map(|op| format!("kms:{op}")));
        keys.extend(g.key_arn.iter().filter(|k| k.starts_with("arn:")).cloned());
        if let Some(c) = &g.constraints {
            let pairs = c
                .encryption_context_equals
                .iter()
                .chain(c.encryption_context_subset.iter());
            context.extend(pairs.flatten().map(|(k, _)| format!("kms:EncryptionContext:{k}")));
        }
    }
    (principals, actions, keys, context)
}

/// The lowercase prefix of encryption-context condition keys.
const EC_PREFIX: &str = "kms:encryptioncontext:";

/// `if c then a else b` over formulas.
fn ite_formula(c: Formula, a: Formula, b: Formula) -> Formula {
    or([and([c.clone(), a]), and([not(c), b])])
}

/// Whether statement `i` of `p` has a `Principal` (or `NotPrincipal`) element that satisfies `pred`.
fn principal_is(p: &Policy, i: usize, pred: impl FnOnce(&Principals) -> bool) -> bool {
    p.statements
        .get(i)
        .and_then(|s| s.value.principal.as_ref())
        .is_some_and(|pr| pred(&pr.value))
}
