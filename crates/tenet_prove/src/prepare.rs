//! Preparing a property: the policies it is about and its queries, one function per property kind.
//! Each query is unsatisfiable exactly when the property holds (for `can`: when no request with the
//! given values is allowed).

use crate::encode::{arn_account, pattern_account, Encoder, RESOURCE_ACCOUNT};
use crate::ir::*;
use crate::lang::ast::{PrincipalFilter, Property, PropertyKind, RequestPattern};
use crate::load::{single, Headers};
use crate::principals::{candidates, candidates_avoiding, Candidate};
use crate::property::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use tenet_ast::eval::{IdentityWorld, RequestPrincipal};
use tenet_ast::Policy;
use tenet_diagnostics::Span;

/// What a property is about: the estate of the `policy` headers, or the policy files it names.
#[derive(Clone, Debug)]
pub enum Subject {
    /// `never`, `only` and `can`: the policies of the headers.
    Estate(Arc<Headers>),
    /// `not public`: one resource or key policy, alone.
    One(Policy),
    /// `no new access` (new, old) and `equivalent` (first, second): two policies of one kind.
    Pair(Policy, Policy),
}

/// Which way a query of a comparison looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A request that the first (or new) policy allows and the second (or old) does not.
    Forward,
    /// A request that the second policy allows and the first does not (`equivalent` only).
    Backward,
}

impl Direction {
    /// The direction of each query, in order.
    pub const ALL: [Direction; 2] = [Direction::Forward, Direction::Backward];

    /// The policy that allows and the policy that does not, of a pair.
    pub fn order<'p>(self, a: &'p Policy, b: &'p Policy) -> (&'p Policy, &'p Policy) {
        match self {
            Direction::Forward => (a, b),
            Direction::Backward => (b, a),
        }
    }
}

/// One property ready to solve: its queries, encoder and concrete check.
pub struct Prepared {
    /// The property name.
    pub name: String,
    /// The span.
    pub span: Span,
    /// The queries, in [`Direction::ALL`] order (two for `equivalent`).
    pub queries: Vec<Query>,
    /// The encoder (variables and decoding).
    pub encoder: Option<Encoder>,
    /// A reason the property cannot be checked at all.
    pub error: Option<String>,
    pub(crate) kind: PropertyKind,
    pub(crate) subject: Subject,
    /// The resource puts no `:` where only a `?` of a policy pattern could match it
    /// ([`Encoder::unambiguous`]).
    pub(crate) unambiguous: Formula,
}

/// What a property-kind function builds.
struct Built {
    queries: Vec<Query>,
    encoder: Encoder,
    subject: Subject,
}

/// Prepares one property of a `.tenet` file whose directory is `base`.
pub fn prepare(base: &Path, headers: &Arc<Headers>, property: &Property) -> Prepared {
    let built = match &property.kind {
        PropertyKind::Never { .. } | PropertyKind::Only { .. } => pattern_property(headers, &property.kind),
        PropertyKind::Can { .. } => can_property(headers, &property.kind),
        PropertyKind::NotPublic { file } => not_public(base, &file.value),
        PropertyKind::NoNewAccess { new: a, old: b } => comparison(base, &a.value, &b.value, false),
        PropertyKind::Equivalent { a, b } => comparison(base, &a.value, &b.value, true),
    };
    let mut out = Prepared {
        name: property.name.value.clone(),
        span: property.span,
        queries: Vec::new(),
        encoder: None,
        error: None,
        kind: property.kind.clone(),
        subject: Subject::Estate(headers.clone()),
        unambiguous: TRUE,
    };
    match built {
        Ok(mut b) => {
            out.unambiguous = b.encoder.unambiguous();
            out.queries = b.queries;
            out.encoder = Some(b.encoder);
            out.subject = b.subject;
        }
        Err(e) => out.error = Some(e),
    }
    out
}

/// `never` and `only`: a request matching the pattern is allowed (and, for `only`, breaks the
/// condition), by any principal the pattern covers, each with its own policies.
fn pattern_property(headers: &Arc<Headers>, kind: &PropertyKind) -> Result<Built, String> {
    let Some(RequestPattern {
        actions,
        resources,
        owner,
        principal,
        condition,
    }) = kind.pattern()
    else {
        return Err("internal: not a `never` or `only` property".into());
    };
    let world = headers.usable()?;
    let policies = world.policies();
    let (mut extra_p, mut extra_a) = filter_literals(principal.as_ref());
    extra_p.extend(headers.owner_arns());
    extra_a.extend(owner.iter().cloned());
    let (grantees, grant_actions, grant_keys, mut keys) = headers.grant_vocabulary();
    extra_p.extend(grantees);
    if let Some(c) = condition {
        cond_keys(c, &mut keys);
    }
    match principal {
        Some(PrincipalFilter::OutsideOrganization(None)) => {
            return Err(
                "`outside organization` needs an `estate` header: the estate says which accounts and \
                 organization ids are inside"
                    .into(),
            )
        }
        Some(PrincipalFilter::OutsideOrganization(Some(_))) => keys.push(ORG_ID_KEY.to_owned()),
        _ => {}
    }
    // The accounts of an organization filter and the values of the condition get no candidates of
    // their own, yet the fresh account is none of them.
    let mut avoid = match principal {
        Some(PrincipalFilter::OutsideOrganization(Some(org))) => org.accounts.clone(),
        _ => Vec::new(),
    };
    if let Some(c) = condition {
        cond_values(c, &mut avoid);
    }
    let mut enc = Encoder::new(
        &policies,
        world_candidates(headers, &policies, &extra_p, &extra_a, &avoid),
        &keys,
    );
    enc.add_property_patterns(actions, resources);
    enc.add_property_patterns(&grant_actions, &grant_keys);
    let pat = Pattern {
        actions: actions.clone(),
        resources: resources.clone(),
        principal: principal.clone(),
    };
    let mut asserts = vec![enc.domain(), enc.account_in_set(), pat.formula(&mut enc)];
    // `owned by`: the resources' account; else every account the ARNs allow.
    if let Some(acct) = owner {
        asserts.push(eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(acct)));
    }
    for r in resources {
        if let Some(acct) = pattern_account(r) {
            asserts.push(implies(
                enc.resource_match(r, false),
                eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(acct)),
            ));
        }
    }
    asserts.push(enc.allowed(&world));
    if let Some(c) = condition {
        asserts.push(not(cond_formula(c, &mut enc)));
    }
    Ok(Built {
        queries: vec![Query { asserts }],
        encoder: enc,
        subject: Subject::Estate(headers.clone()),
    })
}

/// `can`: the request with the given values (other keys free) is allowed. The principal's identity
/// side must be known (an owner, the root, a closed account, or no IAM principal) and the
/// resource's owner stated: a witness that picked either would prove nothing.
fn can_property(headers: &Arc<Headers>, kind: &PropertyKind) -> Result<Built, String> {
    let PropertyKind::Can {
        principal,
        action,
        resource,
        owner: owned_by,
        given,
    } = kind
    else {
        return Err("internal: not a `can` property".into());
    };
    let world = headers.usable()?;
    let who = RequestPrincipal::parse(&principal.value)?;
    if world.identity_world(&who) == IdentityWorld::Open {
        return Err(format!(
            "the identity policies of `{p}` are not given (open world): an attached policy may allow or deny it; \
             name them with `policy identity \"…\" of \"{p}\"`, or declare its account `closed`",
            p = principal.value
        ));
    }
    let stated_owner = given
        .iter()
        .find(|(k, _)| k.value.eq_ignore_ascii_case("aws:ResourceAccount"))
        .and_then(|(_, v)| v.first().cloned());
    // A resource AWS owns (`arn:aws:iam::aws:…`) is in no customer account: never cross-account,
    // which the caller's own account models exactly.
    let aws_owned = resource.split(':').nth(4) == Some("aws");
    let owner = match (arn_account(resource), owned_by.clone().or(stated_owner), who.account()) {
        (Some(a), _, _) => a.to_owned(),
        (None, _, Some(caller)) if aws_owned => caller.to_owned(),
        (None, Some(a), _) => a,
        (None, None, _) => {
            return Err(format!(
                "the account that owns `{resource}` is not stated (its ARN carries none): add `owned by \"…\"` \
                 after the resource"
            ))
        }
    };
    let policies = world.policies();
    let (grantees, grant_actions, grant_keys, mut keys) = headers.grant_vocabulary();
    keys.extend(given.iter().map(|(k, _)| k.value.clone()));
    let mut extra_p = headers.owner_arns();
    extra_p.extend(grantees);
    extra_p.push(principal.value.clone());
    let mut enc = Encoder::new(
        &policies,
        world_candidates(headers, &policies, &extra_p, std::slice::from_ref(&owner), &[]),
        &keys,
    );
    enc.add_property_patterns(std::slice::from_ref(action), std::slice::from_ref(resource));
    enc.add_property_patterns(&grant_actions, &grant_keys);
    let idx = enc
        .candidates
        .iter()
        .position(|c| c.principal == who)
        .ok_or("internal: the principal is not a candidate")?;
    let given: Vec<(String, Vec<String>)> = given.iter().map(|(k, v)| (k.value.clone(), v.clone())).collect();
    let fixed_action = enc
        .fix_action(action)
        .ok_or_else(|| format!("internal: action `{action}` outside the alphabet"))?;
    let fixed_resource = enc
        .fix_resource(resource)
        .ok_or_else(|| format!("internal: resource `{resource}` outside the alphabet"))?;
    let given = given_formula(&mut enc, &given);
    let asserts = vec![
        enc.domain(),
        enc.account_in_set(),
        enc.is_candidate(idx),
        fixed_action,
        fixed_resource,
        given,
        // The resource's owner: the ARN's account field, or the one the property states.
        eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(&owner)),
        enc.allowed(&world),
    ];
    Ok(Built {
        queries: vec![Query { asserts }],
        encoder: enc,
        subject: Subject::Estate(headers.clone()),
    })
}

/// The candidate principals of a world: those the policies and the property name, the owners, and
/// fresh ones per account, except in closed accounts, whose principals are exactly the root and the
/// owners named.
fn world_candidates(
    headers: &Headers,
    policies: &[&Policy],
    extra_principals: &[String],
    extra_accounts: &[String],
    avoid: &[String],
) -> Vec<Candidate> {
    let mut avoid: BTreeSet<String> = avoid.iter().cloned().collect();
    avoid.extend(headers.named_accounts());
    let mut all = candidates_avoiding(policies.iter().copied(), extra_principals, extra_accounts, &avoid);
    let closed = headers.closed_accounts();
    all.retain(|c| !(c.stands_for_many() && c.account().is_some_and(|a| closed.contains(a))));
    all
}

/// `not public`: an outsider is allowed by the policy alone.
fn not_public(base: &Path, file: &str) -> Result<Built, String> {
    let (_, p) = single(base, file)?;
    let mut enc = Encoder::new(&[&p], candidates([&p], &[], &[]), &[]);
    let fixed = fixed_values(&p);
    let asserts = vec![
        enc.domain(),
        enc.account_in_set(),
        enc.allowed_alone(&p),
        outsider(&enc, &fixed),
    ];
    Ok(Built {
        queries: vec![Query { asserts }],
        encoder: enc,
        subject: Subject::One(p),
    })
}

/// `no new access` (one direction) and `equivalent` (both): one policy allows a request the other
/// does not.
fn comparison(base: &Path, a: &str, b: &str, both_ways: bool) -> Result<Built, String> {
    let (ka, pa) = single(base, a)?;
    let (kb, pb) = single(base, b)?;
    if ka != kb {
        return Err(format!(
            "`{a}` is a {} policy and `{b}` a {} policy: compare policies of the same kind",
            ka.as_str(),
            kb.as_str()
        ));
    }
    let mut enc = Encoder::new(&[&pa, &pb], candidates([&pa, &pb], &[], &[]), &[]);
    let (aa, ab) = (enc.allowed_alone(&pa), enc.allowed_alone(&pb));
    let mut queries = vec![Query {
        asserts: vec![enc.domain(), enc.account_in_set(), aa.clone(), not(ab.clone())],
    }];
    if both_ways {
        queries.push(Query {
            asserts: vec![enc.domain(), enc.account_in_set(), ab, not(aa)],
        });
    }
    Ok(Built {
        queries,
        encoder: enc,
        subject: Subject::Pair(pa, pb),
    })
}

fn filter_literals(f: Option<&PrincipalFilter>) -> (Vec<String>, Vec<String>) {
    match f {
        None => (Vec::new(), Vec::new()),
        Some(PrincipalFilter::OutsideAccounts(a) | PrincipalFilter::InAccounts(a)) => (Vec::new(), a.clone()),
        Some(PrincipalFilter::Is(p)) => (p.clone(), Vec::new()),
        // The organization's accounts need no candidates of their own: they are excluded, and the
        // fresh account (any account no policy names) already stands for every other one.
        Some(PrincipalFilter::OutsideOrganization(_)) => (Vec::new(), Vec::new()),
    }
}
