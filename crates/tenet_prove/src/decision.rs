//! The decision skeleton, symbolically: `tenet_ast::eval::skeleton::decide` over formulas on the
//! symbolic request, one candidate principal at a time.
//!
//! Each candidate gets its own policies from the [`World`] (its identity side: given, root, open or
//! none), exactly as the evaluator's re-check of a counterexample gets them. The skeleton is the
//! evaluator's own: this module only answers its questions about the request ([`Symbolic`]) with
//! formulas. What depends on the symbolic resource account (whether RCPs govern the resource,
//! whether the request crosses accounts) stays symbolic; open points become free readings that
//! `Encoder::unambiguous` excludes.

use std::collections::HashMap;

use crate::encode::{Encoder, RESOURCE_ACCOUNT};
use crate::ir::*;
use crate::principals::Class;
use tenet_ast::eval::skeleton::{self, Domain, ServiceRule, Truth};
use tenet_ast::eval::{
    KmsGrant, OpenPoint, PolicySource, RequestPrincipal, World, RESERVED_ALIAS_ACTIONS, RESERVED_ALIAS_PATTERN,
};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::Policy;

impl Truth for Formula {
    fn lit(value: bool) -> Self {
        Formula::Const(value)
    }
    fn all(items: Vec<Self>) -> Self {
        and(items)
    }
    fn any(items: Vec<Self>) -> Self {
        or(items)
    }
    fn negate(self) -> Self {
        not(self)
    }
}

/// The encoded bodies (action, resource, conditions) of one policy's statements, by index; `None`
/// for a statement without an effect.
pub(crate) struct Bodies(Vec<Option<Formula>>);

/// Statement bodies, encoded once per policy and shared by every candidate.
#[derive(Default)]
struct BodyCache(HashMap<*const Policy, Bodies>);

impl BodyCache {
    fn get(&mut self, enc: &mut Encoder, p: &Policy) -> &Bodies {
        self.0.entry(p as *const Policy).or_insert_with(|| enc.bodies(p))
    }
}

/// The formulas of the service rules, built once per `allowed` call.
struct Services {
    caller_identity: Formula,
    assume_role: Formula,
    kms: Formula,
    reserved_alias: Formula,
}

/// The prover's [`Domain`]: the symbolic request, for candidate `ci`.
struct Symbolic<'e> {
    enc: &'e mut Encoder,
    cache: &'e mut BodyCache,
    /// Built on first use, once per `allowed` call.
    services: &'e mut Option<Services>,
    ci: usize,
    who: &'e RequestPrincipal,
}

impl Domain for Symbolic<'_> {
    type T = Formula;

    /// Under a budget that is cut, nothing: the work stops and its result is discarded.
    fn body(&mut self, _: PolicySource, policy: &Policy, index: usize, _: Class) -> Formula {
        if crate::budget::interrupted(crate::budget::Phase::Encoding) {
            return FALSE;
        }
        let bodies = self.cache.get(self.enc, policy);
        bodies.0.get(index).cloned().flatten().unwrap_or(FALSE)
    }

    fn cross_account(&mut self) -> Formula {
        match self.who.account() {
            Some(acct) => not(eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(acct))),
            None => FALSE,
        }
    }

    fn service(&mut self, rule: ServiceRule) -> Formula {
        let services = self.services.get_or_insert_with(|| self.enc.services());
        match rule {
            ServiceRule::GetCallerIdentity => services.caller_identity.clone(),
            ServiceRule::AssumeRole => services.assume_role.clone(),
            ServiceRule::Kms => services.kms.clone(),
            ServiceRule::ReservedAliasChange => services.reserved_alias.clone(),
        }
    }

    fn grant_covers(&mut self, _: usize, grant: &KmsGrant, _: Class) -> Formula {
        self.enc.grant_covers(grant)
    }

    /// A free reading: either is possible where `case` holds (`Encoder::unambiguous` excludes the
    /// case from what a counterexample may rest on).
    fn reading(&mut self, _: OpenPoint, case: Formula) -> Formula {
        let candidate = self.enc.is_candidate(self.ci);
        self.enc.open_reading(and([candidate, case]))
    }
}

impl Encoder {
    pub(crate) fn bodies(&mut self, p: &Policy) -> Bodies {
        let bodies = p
            .statements
            .iter()
            .map(|s| s.value.effect().map(|_| self.statement_body(&s.value, p)))
            .collect();
        Bodies(bodies)
    }

    /// The request is allowed by `p` alone (the skeleton's `allowed_alone`), for each candidate.
    pub fn allowed_alone(&mut self, p: &Policy) -> Formula {
        let mut cache = BodyCache::default();
        let mut services = None;
        let mut alts = Vec::new();
        for (ci, who) in self.candidates.clone().iter().map(|c| &c.principal).enumerate() {
            let mut domain = Symbolic {
                enc: self,
                cache: &mut cache,
                services: &mut services,
                ci,
                who,
            };
            let allowed = skeleton::allowed_alone(&mut domain, p, who);
            alts.push(and([self.is_candidate(ci), allowed]));
        }
        or(alts)
    }

    /// The formulas of the service rules.
    fn services(&mut self) -> Services {
        // Service-enforced: KMS refuses changes to the aliases of AWS managed keys.
        let reserved_actions = RESERVED_ALIAS_ACTIONS
            .iter()
            .map(|a| self.action_pattern(a))
            .collect::<Vec<_>>();
        Services {
            caller_identity: self.action_pattern("sts:GetCallerIdentity"),
            assume_role: self.action_pattern("sts:AssumeRole*"),
            kms: self.action_pattern("kms:*"),
            reserved_alias: and([or(reserved_actions), self.resource_match(RESERVED_ALIAS_PATTERN, false)]),
        }
    }

    /// The request is allowed in `world`: the evaluator's decision skeleton on
    /// `world.policy_set_for(principal, resource account)`, for each candidate principal.
    pub fn allowed(&mut self, world: &World) -> Formula {
        let mut cache = BodyCache::default();
        let mut services = None;
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
            // RCPs are the guarded groups above.
            let ps = world.policy_set_for(who, None);
            let mut domain = Symbolic {
                enc: self,
                cache: &mut cache,
                services: &mut services,
                ci,
                who,
            };
            let outcome = skeleton::decide(&mut domain, who, &ps, &rcp_groups);
            if world.federation_identity_open(who) {
                // A federated-user session of a closed account whose user is not named: its identity
                // side is read as open, which holds only in some readings (`unambiguous` excludes it).
                self.open_cases.push(self.is_candidate(ci));
            }
            alts.push(and([self.is_candidate(ci), outcome.allowed]));
        }
        or(alts)
    }
}

impl Encoder {
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
