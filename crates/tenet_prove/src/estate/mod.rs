//! `estate "dir"`: properties proved over an estate (`tenet_graph`), with every policy that takes
//! part in a request: the identity side of each principal of the estate (open world for the
//! principals an open account may hold besides), the resource, key or trust policy of the estate
//! resource the property names, the key's grants, and each account's own SCP and RCP levels.
//!
//! A property over an estate is split by the estate resource it names: each piece gets a
//! [`Headers`] of its own (the estate as seen from that resource) and is proved by the ordinary
//! `never`/`only`/`can` machinery, then the pieces' verdicts are combined.
//! - `never`/`only` hold when every piece holds; one violated piece (a counterexample re-checked by
//!   the evaluator) violates the property. A resource pattern must name a bucket (or objects of it),
//!   a key or a role of the estate: of anything else the resource policy is unknown.
//! - `can` follows the request's chain ([`tenet_graph::access::plan`]): reading or writing an object
//!   of an SSE-KMS bucket is the S3 call and the KMS call S3 makes for the caller, with
//!   `kms:ViaService`, the encryption context and `kms:CallerAccount` fixed. It holds when every link
//!   has a witness, and is violated when one link has none: the verdict names that link.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tenet_ast::eval::{owns, RequestPrincipal};
use tenet_diagnostics::{Span, Spanned};
use tenet_graph::access::{identity_ids, plan, Link, LinkTarget};
use tenet_graph::{Estate, PrincipalKind};

use crate::budget::Budget;
use crate::lang::ast::{Organization, PrincipalFilter, Property, PropertyKind, RequestPattern};
use crate::load::{Headers, OwnedPolicies, ResourceRole};
use crate::prepare::prepare;
use crate::run::check;
use crate::verdict::{request_json, PropertyResult, Verdict};

mod read;
mod scope;

pub use read::{locate, read, read_estate, read_sources, render_reports, warning_count};
use scope::{may_allow, named_principals, resource_may_reach};

/// The estate resource a piece of a split property is about, ordered (buckets, keys, the rest,
/// roles) so that the pieces come out in a stable order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PieceTarget {
    Bucket(usize),
    Key(usize),
    Other,
    Role(usize),
}

/// A piece: its estate resource and the resource's account.
type PieceKey = (PieceTarget, String);

impl PieceTarget {
    fn of(t: LinkTarget) -> PieceTarget {
        match t {
            LinkTarget::Bucket(i) => PieceTarget::Bucket(i),
            LinkTarget::Key(i) => PieceTarget::Key(i),
            LinkTarget::Other => PieceTarget::Other,
            LinkTarget::Role(i) => PieceTarget::Role(i),
        }
    }
}

/// The estate of an `estate` header.
#[derive(Debug)]
pub struct EstateInput {
    /// The estate.
    pub estate: Estate,
    /// Its root directory.
    pub root: PathBuf,
}

/// The estate as seen from the resource of `link`: every principal of the estate with its identity
/// side, the link's resource (or key, or trust) policy and grants, and each account's SCP and RCP
/// levels.
///
/// `scope` (actions and resource patterns) leaves out the principals that cannot take part (never
/// `caller`, the principal of a `can`): of
/// another account than the resource's, named by no policy of the resource or the organization
/// and by no grant, and either with no identity `Allow` that could cover the scope or with no
/// `Allow` of the resource's side that could reach its account. Such a principal needs both to
/// cross accounts, so it is never allowed; in an open account the encoding's "any other
/// principal" still stands for it with any policy.
pub(crate) fn headers_for(
    e: &Estate,
    link: &Link,
    scope: Option<(&[String], &[String])>,
    caller: Option<&RequestPrincipal>,
) -> Headers {
    let mut h = Headers::default();
    let named = named_principals(e, link);
    for (i, p) in e.principals.iter().enumerate() {
        if matches!(p.kind, PrincipalKind::Root | PrincipalKind::Group) {
            continue;
        }
        let Ok(owner) = RequestPrincipal::parse(&p.arn) else {
            continue;
        };
        let takes_part = || {
            p.account == link.resource_account
                || caller.is_some_and(|c| owns(&owner, c))
                || named.iter().any(|n| owns(&owner, n) || owns(n, &owner))
                || scope.is_none_or(|(actions, resources)| {
                    resource_may_reach(e, link, &p.account)
                        && identity_ids(e, i)
                            .into_iter()
                            .filter_map(|id| e.policy(id))
                            .any(|pol| may_allow(pol, actions, resources))
                })
        };
        // Unresolved policies (infrastructure as code) decide nothing: the principal is left to the
        // open world (its account's "any other principal" stands for it with any policy).
        if !takes_part() || has_unresolved_identity(e, i) {
            continue;
        }
        h.owned.push(OwnedPolicies {
            owner,
            identity: identity_ids(e, i)
                .into_iter()
                .filter_map(|id| e.policy(id))
                .cloned()
                .collect(),
            boundaries: p.boundary.and_then(|id| e.policy(id)).cloned().into_iter().collect(),
            session: None,
        });
    }
    h.closed_accounts = e
        .accounts
        .values()
        .filter(|a| a.closed_world)
        .map(|a| a.id.clone())
        .collect();
    let role = match link.target {
        LinkTarget::Key(_) => ResourceRole::Key,
        LinkTarget::Role(_) => ResourceRole::Trust,
        LinkTarget::Bucket(_) | LinkTarget::Other => ResourceRole::Plain,
    };
    h.resource = link.policy.and_then(|id| e.policy(id)).map(|p| (p.clone(), role));
    if let LinkTarget::Key(k) = link.target {
        h.grants = e.keys.get(k).map(|k| k.grants.clone()).unwrap_or_default();
    }
    let mut arena: HashMap<usize, usize> = HashMap::new();
    let mut index = |id: usize, h: &mut Headers| -> Option<usize> {
        if let Some(i) = arena.get(&id) {
            return Some(*i);
        }
        let p = e.policy(id)?.clone();
        h.org_policies.push(p);
        let i = h.org_policies.len() - 1;
        arena.insert(id, i);
        Some(i)
    };
    for a in e.accounts.keys() {
        let (scps, rcps) = (e.scp_levels(a), e.rcp_levels(a));
        if scps.is_empty() && rcps.is_empty() {
            continue;
        }
        let mut pick = |levels: Vec<Vec<usize>>| -> Vec<Vec<usize>> {
            levels
                .into_iter()
                .map(|l| l.into_iter().filter_map(|id| index(id, &mut h)).collect())
                .collect()
        };
        let levels = (pick(scps), pick(rcps));
        h.member_levels.insert(a.clone(), levels);
    }
    h
}

/// Proves a `never`, `only` or `can` property over the estate; `None` for the kinds that name
/// their policy files themselves (`not public`, `no new access`, `equivalent`).
pub(crate) fn prove(base: &Path, input: &EstateInput, property: &Property, budget: &Budget) -> Option<PropertyResult> {
    let result = match &property.kind {
        PropertyKind::Can { .. } => can(base, input, property, budget),
        PropertyKind::Never { .. } | PropertyKind::Only { .. } => pattern(base, input, property, budget),
        _ => return None,
    };
    Some(result.unwrap_or_else(|reason| PropertyResult {
        name: property.name.value.clone(),
        verdict: Verdict::Unknown,
        reason: Some(reason),
        counterexample: None,
        explanation: None,
        elapsed_ms: 0,
        span: property.span,
    }))
}

fn sub_property(property: &Property, kind: PropertyKind) -> Property {
    Property {
        name: property.name.clone(),
        kind,
        span: property.span,
    }
}

/// Why no proof over the estate can stand on this link, if so.
fn unusable(link: &Link) -> Option<String> {
    if let Some(m) = &link.missing {
        return Some(m.clone());
    }
    match link.target {
        LinkTarget::Key(_) if link.policy.is_none() => Some(format!(
            "the key policy of `{}` is not in the estate: every KMS request depends on it",
            link.resource
        )),
        LinkTarget::Other => Some(format!(
            "`{}` is not a bucket, key or role of the estate: its resource policy is unknown",
            link.resource
        )),
        LinkTarget::Bucket(_) | LinkTarget::Key(_) | LinkTarget::Role(_) => None,
    }
}

/// Why a link stands on what infrastructure as code leaves unresolved (a policy with placeholders,
/// a bucket's encryption or a grant the template does not fix, a pattern that may tell a generated
/// name from its stand-in), for the caller `who` or, without one, for any caller; `None` for an
/// estate with nothing unresolved.
fn undetermined(e: &Estate, link: &Link, who: Option<&RequestPrincipal>) -> Option<String> {
    let unresolved =
        !e.unknowns.is_empty() || !e.stand_ins.is_empty() || e.policies.iter().any(|p| !p.policy.unresolved.is_empty());
    if !unresolved {
        return None;
    }
    let analysis = tenet_graph::access::Analysis::new(e);
    let subjects = analysis.subjects(std::slice::from_ref(link));
    let Some(who) = who else {
        // Every caller: the resource's side, through a caller with any identity policy. A principal
        // whose own policies are unresolved is in the open world (`headers_for` leaves its policies
        // out), unless its account is closed: then nothing stands for it.
        if let Some(p) =
            e.principals.iter().enumerate().find(|(i, p)| {
                e.accounts.get(&p.account).is_some_and(|a| a.closed_world) && has_unresolved_identity(e, *i)
            })
        {
            return Some(format!(
                "the policies of `{}` leave values unresolved, and its account is closed world",
                p.1.arn
            ));
        }
        let s = subjects.iter().find(|s| s.is_generic())?;
        return tenet_graph::unresolved::link_unknown(&analysis, s, link);
    };
    subjects
        .iter()
        .filter(|s| s.principal == *who)
        .find_map(|s| tenet_graph::unresolved::link_unknown(&analysis, s, &link.for_subject(s, e)))
        .or_else(|| {
            // A caller the estate does not list: its link is the resource's alone.
            let s = subjects.iter().find(|s| s.is_generic())?;
            tenet_graph::unresolved::link_unknown(&analysis, s, link)
        })
}

/// Whether an identity policy or the boundary of estate principal `i` leaves values unresolved.
fn has_unresolved_identity(e: &Estate, i: usize) -> bool {
    let boundary = e.principals.get(i).and_then(|p| p.boundary);
    identity_ids(e, i)
        .into_iter()
        .chain(boundary)
        .filter_map(|id| e.policy(id))
        .any(|p| !p.unresolved.is_empty())
}

/// One link of a `can`'s chain: the piece to prove, or why it cannot be.
enum CanLink {
    /// Proved as a `can` of its own.
    Piece(Box<Piece>),
    /// Not decidable from the estate.
    Open(Link, String),
}

/// A piece of a property over an estate: a sub-property and the estate as seen from its resource.
pub struct Piece {
    /// The estate resource (and, for a `can`, the link of the chain).
    pub link: Link,
    /// The policies in play.
    pub headers: Arc<Headers>,
    /// The sub-property (the property's own name and span).
    pub property: Property,
}

/// The links of a `can`'s chain, each with the policies of its resource, and what keeps the
/// answer open whatever the links say (a bucket whose default encryption is unknown).
fn can_links(input: &EstateInput, property: &Property) -> Result<(Vec<CanLink>, Vec<String>), String> {
    let PropertyKind::Can {
        principal,
        action,
        resource,
        owner,
        given,
    } = &property.kind
    else {
        return Err("internal: not a `can` property".into());
    };
    let e = &input.estate;
    let links = plan(e, action, resource)?;
    let who = RequestPrincipal::parse(&principal.value)?;
    let mut open = Vec::new();
    if let Some(LinkTarget::Bucket(b)) = links.first().map(|l| l.target) {
        let bucket = e.buckets.get(b);
        if let (Some(bucket), Some(o)) = (bucket, owner) {
            if *o != bucket.account {
                return Err(format!(
                    "`owned by \"{o}\"` contradicts the estate: bucket `{}` belongs to account {}",
                    bucket.name, bucket.account
                ));
            }
        }
        let object_call = resource.contains('/') && links.len() == 1;
        if bucket.is_some_and(|b| b.encryption == tenet_graph::Encryption::Unknown) && object_call {
            open.push(format!(
                "the default encryption of bucket `{}` is not in the estate: with SSE-KMS, S3 also needs a KMS \
                 key's permission",
                bucket.map(|b| b.name.as_str()).unwrap_or_default()
            ));
        }
    }
    let mut out = Vec::new();
    for link in links {
        if let Some(why) = unusable(&link).or_else(|| undetermined(e, &link, Some(&who))) {
            out.push(CanLink::Open(link, why));
            continue;
        }
        let mut link_given = given.clone();
        let fixed = link.given.iter().cloned().chain(
            link.caller_account
                .then(|| {
                    who.account()
                        .map(|a| ("kms:CallerAccount".to_owned(), vec![a.to_owned()]))
                })
                .flatten(),
        );
        for (k, v) in fixed {
            if !link_given.iter().any(|(g, _)| g.value.eq_ignore_ascii_case(&k)) {
                link_given.push((Spanned::new(k, Span::default()), v));
            }
        }
        let sub = sub_property(
            property,
            PropertyKind::Can {
                principal: principal.clone(),
                action: link.action.clone(),
                resource: link.resource.clone(),
                owner: Some(link.resource_account.clone()),
                given: link_given,
            },
        );
        let scope = ([link.action.clone()], [link.resource.clone()]);
        let headers = Arc::new(headers_for(e, &link, Some((&scope.0, &scope.1)), Some(&who)));
        out.push(CanLink::Piece(Box::new(Piece {
            link,
            headers,
            property: sub,
        })));
    }
    Ok((out, open))
}

/// `can` over the estate: every link of the request's chain, each with the policies of its resource.
fn can(base: &Path, input: &EstateInput, property: &Property, budget: &Budget) -> Result<PropertyResult, String> {
    let (links, mut open) = can_links(input, property)?;
    let total = links.len();
    let mut results = Vec::new();
    for (n, link) in links.into_iter().enumerate() {
        let piece = match link {
            CanLink::Open(link, why) => {
                open.push(format!("link {} ({}): {why}", n + 1, link.describe()));
                continue;
            }
            CanLink::Piece(piece) => piece,
        };
        let r = check(&prepare(base, &piece.headers, &piece.property), budget);
        if r.verdict == Verdict::Violated {
            let mut out = r.clone();
            out.reason = Some(format!(
                "link {} of {total} fails: {}: {}",
                n + 1,
                piece.link.describe(),
                r.reason.as_deref().unwrap_or("no request is allowed")
            ));
            return Ok(out);
        }
        results.push((n, piece.link, r));
    }
    let name = property.name.value.clone();
    let unknown = results
        .iter()
        .filter(|(_, _, r)| r.verdict != Verdict::Holds)
        .map(|(n, l, r)| {
            format!(
                "link {} ({}): {}",
                n + 1,
                l.describe(),
                r.reason.as_deref().unwrap_or("unknown")
            )
        })
        .chain(open)
        .collect::<Vec<_>>();
    if !unknown.is_empty() {
        return Ok(PropertyResult {
            name,
            verdict: Verdict::Unknown,
            reason: Some(unknown.join("; ")),
            counterexample: None,
            explanation: None,
            elapsed_ms: 0,
            span: property.span,
        });
    }
    let mut witnesses = results.into_iter();
    let Some((_, first_link, first)) = witnesses.next() else {
        return Err("internal: a request with no link".into());
    };
    let mut explanation = format!(
        "link 1 ({}): {}",
        first_link.describe(),
        first.explanation.as_deref().unwrap_or("allowed")
    );
    for (n, link, r) in witnesses {
        explanation.push_str(&format!(
            "; link {} ({}): {}{}",
            n + 1,
            link.describe(),
            r.explanation.as_deref().unwrap_or("allowed"),
            r.counterexample
                .as_ref()
                .map(|c| format!(", witness {}", request_json(c)))
                .unwrap_or_default()
        ));
    }
    Ok(PropertyResult {
        reason: Some(format!("every link of the request is allowed ({total})")),
        explanation: Some(explanation),
        ..first
    })
}

/// The pieces of a `never`/`only` over the estate: one per estate resource the resource patterns
/// name.
fn pattern_pieces(input: &EstateInput, property: &Property) -> Result<Vec<Piece>, String> {
    let Some(RequestPattern {
        actions,
        resources,
        owner,
        principal,
        ..
    }) = property.kind.pattern()
    else {
        return Err("internal: not a `never` or `only` property".into());
    };
    let e = &input.estate;
    // The estate resource of every (action, resource pattern): the first link of its chain (the
    // call the action names; a KMS call S3 makes is a request of its own).
    let mut pieces: BTreeMap<PieceKey, (Link, Vec<String>, Vec<String>)> = BTreeMap::new();
    for r in resources {
        for a in actions {
            let links = plan(e, a, r).map_err(|why| {
                format!("{why}: a proof over an estate is about its buckets (and their objects), keys and roles")
            })?;
            let Some(link) = links.into_iter().next() else {
                continue;
            };
            if let Some(why) = unusable(&link).or_else(|| undetermined(e, &link, None)) {
                return Err(why);
            }
            if let Some(o) = owner {
                if *o != link.resource_account {
                    return Err(format!(
                        "`owned by \"{o}\"` contradicts the estate: `{r}` belongs to account {}",
                        link.resource_account
                    ));
                }
            }
            let key = (PieceTarget::of(link.target), link.resource_account.clone());
            let piece = pieces.entry(key).or_insert_with(|| (link, Vec::new(), Vec::new()));
            if !piece.1.contains(a) {
                piece.1.push(a.clone());
            }
            if !piece.2.contains(r) {
                piece.2.push(r.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (link, piece_actions, piece_resources) in pieces.into_values() {
        let principal = match principal {
            Some(PrincipalFilter::OutsideOrganization(None)) => Some(PrincipalFilter::OutsideOrganization(Some(
                organization_of(e, &link.resource_account)?,
            ))),
            other => other.clone(),
        };
        let headers = Arc::new(headers_for(e, &link, Some((&piece_actions, &piece_resources)), None));
        let kind = match &property.kind {
            PropertyKind::Only { condition, .. } => PropertyKind::Only {
                actions: piece_actions,
                resources: piece_resources,
                owner: Some(link.resource_account.clone()),
                principal,
                condition: condition.clone(),
            },
            _ => PropertyKind::Never {
                actions: piece_actions,
                resources: piece_resources,
                owner: Some(link.resource_account.clone()),
                principal,
            },
        };
        out.push(Piece {
            link,
            headers,
            property: sub_property(property, kind),
        });
    }
    Ok(out)
}

/// `never`/`only` over the estate: every piece holds, or one is violated.
fn pattern(base: &Path, input: &EstateInput, property: &Property, budget: &Budget) -> Result<PropertyResult, String> {
    let mut unknown = Vec::new();
    for piece in pattern_pieces(input, property)? {
        let r = check(&prepare(base, &piece.headers, &piece.property), budget);
        match r.verdict {
            Verdict::Violated => return Ok(r),
            Verdict::Unknown => unknown.push(r.reason.unwrap_or_default()),
            Verdict::Holds => {}
        }
    }
    if !unknown.is_empty() {
        return Err(unknown.join("; "));
    }
    Ok(PropertyResult {
        name: property.name.value.clone(),
        verdict: Verdict::Holds,
        reason: None,
        counterexample: None,
        explanation: None,
        elapsed_ms: 0,
        span: property.span,
    })
}

/// Every piece of a `never`, `only` or `can` property over the estate, prepared (for `tenet
/// compile`); `None` for the kinds that name their policy files themselves.
pub fn prepare_pieces(
    base: &Path,
    input: &EstateInput,
    property: &Property,
) -> Option<Result<Vec<(String, crate::prepare::Prepared)>, String>> {
    let pieces = match &property.kind {
        PropertyKind::Can { .. } => can_links(input, property).map(|(links, _)| {
            links
                .into_iter()
                .filter_map(|l| match l {
                    CanLink::Piece(p) => Some(*p),
                    CanLink::Open(..) => None,
                })
                .collect::<Vec<_>>()
        }),
        PropertyKind::Never { .. } | PropertyKind::Only { .. } => pattern_pieces(input, property),
        _ => return None,
    };
    Some(pieces.map(|ps| {
        ps.into_iter()
            .map(|p| (p.link.describe(), prepare(base, &p.headers, &p.property)))
            .collect()
    }))
}

/// The organization of `account`, with the member accounts the estate lists.
fn organization_of(e: &Estate, account: &str) -> Result<Organization, String> {
    let org = e
        .accounts
        .get(account)
        .and_then(|a| a.org.clone())
        .ok_or_else(|| format!("`outside organization`: account {account} is in no organization of the estate"))?;
    let accounts = e
        .accounts
        .values()
        .filter(|a| a.org.as_deref() == Some(org.as_str()))
        .map(|a| a.id.clone())
        .collect();
    Ok(Organization { id: org, accounts })
}
