//! Property semantics: each property kind is a function that builds a [`Query`] whose assertions are
//! unsatisfiable exactly when the property holds (for `can`: satisfiable exactly when the witness
//! exists), plus the concrete check that a decoded model must pass in the evaluator.

use crate::encode::{Encoder, KeyType};
use crate::ir::*;
use crate::lang::ast::{Cond, Organization, PrincipalFilter};
use std::net::IpAddr;
use tenet_ast::eval::PolicySet;
use tenet_ast::eval::{
    arn_pattern_match, parse_cidr, statement_applies, wildcard_match, Cidr, ContextValue, Request, RequestPrincipal,
};
use tenet_ast::semantics::has_wildcard;
use tenet_ast::{ConditionOperator, Effect, Policy};
use tenet_diagnostics::{Span, Spanned};

/// The request pattern of `never`/`only`.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// Action patterns (case-insensitive).
    pub actions: Vec<String>,
    /// Resource patterns (case-sensitive).
    pub resources: Vec<String>,
    /// The principals.
    pub principal: Option<PrincipalFilter>,
}

impl Pattern {
    /// The pattern as a formula.
    pub fn formula(&self, enc: &mut Encoder) -> Formula {
        let actions = or(self.actions.iter().map(|a| enc.action_pattern(a)).collect::<Vec<_>>());
        let resources = or(self
            .resources
            .iter()
            .map(|r| enc.resource_match(r, false))
            .collect::<Vec<_>>());
        let principals = match &self.principal {
            None => TRUE,
            // Outside the organization: not in a member account the estate lists, and (for members
            // it does not list) without the organization's id.
            Some(PrincipalFilter::OutsideOrganization(org)) => {
                let Some(org) = org else { return FALSE };
                let outside = Pattern {
                    principal: Some(PrincipalFilter::OutsideAccounts(org.accounts.clone())),
                    actions: Vec::new(),
                    resources: Vec::new(),
                };
                let ids = org_id_cond(org);
                and([outside.principal_formula(enc), cond_formula(&ids, enc)])
            }
            Some(_) => self.principal_formula(enc),
        };
        and([actions, resources, principals])
    }

    fn principal_formula(&self, enc: &mut Encoder) -> Formula {
        match &self.principal {
            None => TRUE,
            Some(f) => or(enc
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| principal_in(f, &c.principal))
                .map(|(i, _)| enc.is_candidate(i))
                .collect::<Vec<_>>()),
        }
    }

    /// The pattern, concretely.
    pub fn matches(&self, r: &Request) -> bool {
        self.actions.iter().any(|a| wildcard_match(a, &r.action, true))
            && self.resources.iter().any(|p| arn_pattern_match(p, &r.resource))
            && self.principal.as_ref().is_none_or(|f| match f {
                PrincipalFilter::OutsideOrganization(Some(org)) => {
                    principal_in(f, &r.principal) && cond_holds(&org_id_cond(org), r)
                }
                _ => principal_in(f, &r.principal),
            })
    }
}

/// `aws:PrincipalOrgID` is absent or not the organization's id.
pub fn org_id_cond(org: &Organization) -> Cond {
    Cond::Not(Box::new(Cond::Equals(
        Spanned::new(ORG_ID_KEY.to_owned(), Span::default()),
        vec![org.id.clone()],
    )))
}

/// The key that names a principal's organization.
pub const ORG_ID_KEY: &str = "aws:PrincipalOrgID";

/// Whether a principal is covered by a filter.
pub fn principal_in(f: &PrincipalFilter, who: &RequestPrincipal) -> bool {
    match f {
        PrincipalFilter::OutsideAccounts(accts) => who.account().is_none_or(|a| !accts.iter().any(|x| x == a)),
        PrincipalFilter::InAccounts(accts) => who.account().is_some_and(|a| accts.iter().any(|x| x == a)),
        PrincipalFilter::Is(list) => list.iter().any(|p| RequestPrincipal::parse(p).is_ok_and(|p| p == *who)),
        // The account part; the organization id is checked on the request (`Pattern::matches`).
        PrincipalFilter::OutsideOrganization(org) => org
            .as_ref()
            .is_some_and(|o| who.account().is_none_or(|a| !o.accounts.iter().any(|x| x == a))),
    }
}

/// The condition of `only … when`, symbolically. Equality on typed keys compares typed values;
/// `like` on a non-string key is over-approximated.
pub fn cond_formula(c: &Cond, enc: &mut Encoder) -> Formula {
    match c {
        Cond::And(cs) => and(cs.iter().map(|c| cond_formula(c, enc)).collect::<Vec<_>>()),
        Cond::Or(cs) => or(cs.iter().map(|c| cond_formula(c, enc)).collect::<Vec<_>>()),
        Cond::Not(c) => not(cond_formula(c, enc)),
        Cond::Present(k) => enc.present(&k.value, true),
        Cond::Equals(k, vs) | Cond::Like(k, vs) => {
            let like = matches!(c, Cond::Like(..));
            let l = k.value.to_lowercase();
            let Some(model) = enc.keys.get(&l).cloned() else {
                return FALSE;
            };
            if model.mixed || (like && model.ty != KeyType::Str) {
                return enc.unmodelled(format!("`{}` in the property condition", k.value));
            }
            let mut slots = Vec::new();
            for i in 0..model.slots {
                let name = format!("k.{l}.{i}");
                let active = if model.multi {
                    lt(Term::Int(i as i64), Term::int_var(format!("k.{l}.n")))
                } else {
                    TRUE
                };
                let mut alts = Vec::new();
                for p in vs {
                    if like {
                        alts.push(Encoder::wildcard(p, Term::str_var(&name)));
                    } else {
                        match crate::encode::fix_slot(&name, model.ty, p, enc.num_digits) {
                            Some(f) => alts.push(f),
                            None => {
                                return enc.unmodelled(format!("value `{p}` of `{}` cannot be represented", k.value))
                            }
                        }
                    }
                }
                // Every value of a multi-valued key must match.
                slots.push(implies(active, or(alts)));
            }
            and([enc.present(&k.value, true), and(slots)])
        }
    }
}

/// The condition, concretely.
pub fn cond_holds(c: &Cond, r: &Request) -> bool {
    match c {
        Cond::And(cs) => cs.iter().all(|c| cond_holds(c, r)),
        Cond::Or(cs) => cs.iter().any(|c| cond_holds(c, r)),
        Cond::Not(c) => !cond_holds(c, r),
        Cond::Present(k) => r.context.get(&k.value).is_some_and(|v| !v.as_slice().is_empty()),
        Cond::Equals(k, vs) | Cond::Like(k, vs) => {
            let like = matches!(c, Cond::Like(..));
            match r.context.get(&k.value) {
                Some(v) if !v.as_slice().is_empty() => v.as_slice().iter().all(|x| {
                    vs.iter().any(|p| {
                        if like {
                            wildcard_match(p, x, false)
                        } else {
                            p == x
                                || (p.eq_ignore_ascii_case(x)
                                    && (p.eq_ignore_ascii_case("true") || p.eq_ignore_ascii_case("false")))
                        }
                    })
                }),
                _ => false,
            }
        }
    }
}

/// The condition keys a condition names.
pub fn cond_keys(c: &Cond, out: &mut Vec<String>) {
    match c {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| cond_keys(c, out)),
        Cond::Not(c) => cond_keys(c, out),
        Cond::Present(k) | Cond::Equals(k, _) | Cond::Like(k, _) => out.push(k.value.clone()),
    }
}

/// The values a property condition compares keys with (an account id among them is named).
pub fn cond_values(c: &Cond, out: &mut Vec<String>) {
    match c {
        Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| cond_values(c, out)),
        Cond::Not(c) => cond_values(c, out),
        Cond::Equals(_, vs) | Cond::Like(_, vs) => out.extend(vs.iter().cloned()),
        Cond::Present(_) => {}
    }
}

/// Whether `p` alone allows `r` (the skeleton's `allowed_alone`).
pub use tenet_ast::eval::allowed_alone;

/// The Sids (or indexes) of the statements of `p` with effect `e` that apply to `r`.
pub fn applying(p: &Policy, r: &Request, e: Effect) -> Vec<String> {
    p.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.value.effect() == Some(e) && statement_applies(&s.value, p, r))
        .map(|(i, s)| {
            s.value
                .sid
                .as_ref()
                .map_or_else(|| format!("statement #{i}"), |s| format!("`{}`", s.value))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// `not public`.

/// The condition keys that pin a grant to non-public callers when given fixed values (S3 Block
/// Public Access, "The meaning of public"), lowercase.
pub const PINNING_KEYS: [&str; 11] = [
    "aws:principalorgid",
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

/// The fixed values a policy gives a pinning key: literal strings (no wildcard, no variable) and, for
/// `aws:SourceIp`, CIDRs no broader than /8 (IPv4) or /32 (IPv6).
#[derive(Clone, Debug, Default)]
pub struct Fixed {
    /// Lowercase key -> literal values.
    pub strings: Vec<(String, Vec<String>)>,
    /// Narrow CIDRs of `aws:SourceIp`.
    pub cidrs: Vec<Cidr>,
}

/// Collects the fixed values of the pinning keys in `p`.
pub fn fixed_values(p: &Policy) -> Fixed {
    let mut f = Fixed::default();
    for s in &p.statements {
        for c in s.value.conditions() {
            let l = c.key.value.to_lowercase();
            if !PINNING_KEYS.contains(&l.as_str()) {
                continue;
            }
            let ip = c.parsed.is_some_and(|o| {
                matches!(
                    o.operator,
                    ConditionOperator::IpAddress | ConditionOperator::NotIpAddress
                )
            });
            for v in &c.values {
                let t = v.value.as_text();
                if ip {
                    if let Some(c) = parse_cidr(&t) {
                        let narrow = if c.addr().is_ipv4() {
                            c.prefix() >= 8
                        } else {
                            c.prefix() >= 32
                        };
                        if narrow && !f.cidrs.contains(&c) {
                            f.cidrs.push(c);
                        }
                    }
                } else if !has_wildcard(&t) && !t.contains("${") {
                    match f.strings.iter_mut().find(|(k, _)| *k == l) {
                        Some((_, vs)) => vs.push(t.into_owned()),
                        None => f.strings.push((l.clone(), vec![t.into_owned()])),
                    }
                }
            }
        }
    }
    f
}

/// The request comes from an outsider: an anonymous caller or an IAM principal of an account that
/// no policy names, and every pinning key is absent or has a value the policy does not fix.
pub fn outsider(enc: &Encoder, fixed: &Fixed) -> Formula {
    let principals = or(enc
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_outsider())
        .map(|(i, _)| enc.is_candidate(i))
        .collect::<Vec<_>>());
    let mut fs = vec![principals];
    for (l, k) in &enc.keys {
        if !PINNING_KEYS.contains(&l.as_str()) {
            continue;
        }
        for i in 0..k.slots {
            let name = format!("k.{l}.{i}");
            let fresh = if l == "aws:sourceip" {
                let v6 = bool_var(format!("{name}.v6"));
                let outside = fixed
                    .cidrs
                    .iter()
                    .map(|c| (c.addr(), c.prefix()))
                    .map(|(a, p)| match &a {
                        IpAddr::V4(n) if p > 0 => not(and([
                            not(v6.clone()),
                            eq(
                                Term::extract(31, 32 - u32::from(p), Term::bv_var(&name, 32)),
                                Term::Bv(u128::from(u32::from(*n)) >> (32 - u32::from(p)), u32::from(p)),
                            ),
                        ])),
                        IpAddr::V6(n) if p > 0 => not(and([
                            v6.clone(),
                            eq(
                                Term::extract(127, 128 - u32::from(p), Term::bv_var(format!("{name}.ip6"), 128)),
                                Term::Bv(u128::from(*n) >> (128 - u32::from(p)), u32::from(p)),
                            ),
                        ])),
                        _ => TRUE,
                    });
                and(outside.collect::<Vec<_>>())
            } else {
                let lits = fixed
                    .strings
                    .iter()
                    .find(|(kk, _)| kk == l)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                and(lits
                    .iter()
                    .map(|v| not(eq(Term::str_var(&name), Term::str(v))))
                    .collect::<Vec<_>>())
            };
            fs.push(fresh);
        }
    }
    and(fs)
}

/// The outsider condition, concretely, on a request whose principal is one of the encoder's
/// candidates (an outsider by its origin: anonymous, or in the fresh account).
pub fn is_outsider(enc: &Encoder, r: &Request, fixed: &Fixed) -> bool {
    let outsider = enc
        .candidates
        .iter()
        .find(|c| c.principal == r.principal)
        .is_some_and(|c| c.is_outsider());
    if !outsider {
        return false;
    }
    r.context.iter().all(|(k, v)| {
        let l = k.to_lowercase();
        if !PINNING_KEYS.contains(&l.as_str()) {
            return true;
        }
        v.as_slice().iter().all(|x| {
            if l == "aws:sourceip" {
                match x.trim().parse::<IpAddr>() {
                    Ok(ip) => !fixed.cidrs.iter().any(|c| c.contains(ip)),
                    Err(_) => true,
                }
            } else {
                fixed
                    .strings
                    .iter()
                    .find(|(kk, _)| *kk == l)
                    .is_none_or(|(_, vs)| !vs.contains(x))
            }
        })
    })
}

/// Fixes the context keys of a `can … given`.
pub fn given_formula(enc: &mut Encoder, given: &[(String, Vec<String>)]) -> Formula {
    let mut fs = Vec::new();
    for (k, vs) in given {
        let l = k.to_lowercase();
        let Some(model) = enc.keys.get(&l) else { continue };
        let mut req = Request {
            principal: RequestPrincipal::Anonymous,
            action: String::new(),
            resource: String::new(),
            resource_account: Some(String::new()),
            context: Default::default(),
        };
        let value = match vs.as_slice() {
            [one] if !model.multi => ContextValue::Single(one.clone()),
            _ => ContextValue::Multi(vs.clone()),
        };
        req.context.insert(k.clone(), value);
        match enc.fix(&req) {
            Some(all) => {
                // Keep only the constraints on this key.
                let prefix = format!("k.{l}.");
                for f in all {
                    let mut vars = std::collections::BTreeMap::new();
                    f.collect_vars(&mut vars);
                    if !vars.is_empty() && vars.keys().all(|v| v.starts_with(&prefix)) {
                        fs.push(f);
                    }
                }
            }
            // Not representable: no witness can be claimed, and a miss proves nothing.
            None => {
                enc.restricted(format!("the value given to `{k}` cannot be represented exactly"));
                fs.push(FALSE);
            }
        }
    }
    and(fs)
}

/// The estate of a `never`/`only`/`can` property, for the decoded request's re-check.
pub fn recheck_allowed(e: &PolicySet, r: &Request) -> (bool, String, Vec<String>) {
    let ev = tenet_ast::eval::evaluate(r, e);
    let mut names: Vec<String> = ev
        .deciding
        .iter()
        .map(|s| {
            let what = s
                .sid
                .as_ref()
                .map_or_else(|| format!("statement #{}", s.statement), |sid| format!("`{sid}`"));
            format!("{what} ({})", s.source.describe())
        })
        .collect();
    // Allowed with no statement on the path (the root user, the open world, GetCallerIdentity):
    // the reason says why.
    if names.is_empty() {
        names.push(ev.reason.trim_start_matches("allowed: ").to_owned());
    }
    (ev.decision.is_allowed(), ev.reason, names)
}
