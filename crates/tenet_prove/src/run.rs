//! Running a `.tenet` file: loading the policies, building each property's query, solving it (in
//! parallel, one Z3 context per rayon thread), decoding and re-checking counterexamples, and the
//! verdicts with their JSON form.

use crate::encode::{arn_account, pattern_account, Encoder, ACTION, RESOURCE_ACCOUNT};
use crate::headers::{load, load_headers, Headers};
use crate::ir::*;
use crate::lang::ast::PropertyKind;
use crate::principals::{candidates, stands_for_many};
use crate::property::*;
use crate::smt::{solve, Outcome};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tenet_ast::eval::IdentityWorld;
use tenet_ast::eval::{ContextValue, Request, RequestPrincipal};
use tenet_ast::{Effect, Policy, PolicyKind};
use tenet_diagnostics::Span;

/// The default per-property timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 5000;

/// A verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The property is proved (for `can`: a witness request exists).
    Holds,
    /// The property is false; for `never`/`only`/`not public`/`no new access`/`equivalent` with a
    /// counterexample.
    Violated,
    /// Not decided, with a reason.
    Unknown,
}

impl Verdict {
    /// `holds`, `violated` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::Violated => "violated",
            Verdict::Unknown => "unknown",
        }
    }
}

/// The result of one property.
#[derive(Clone, Debug)]
pub struct PropertyResult {
    /// The property's name.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why (for `unknown`, and a summary otherwise).
    pub reason: Option<String>,
    /// A counterexample (or the witness of `can`), re-checked by the evaluator.
    pub counterexample: Option<Request>,
    /// The statements that decided.
    pub explanation: Option<String>,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
    /// The property's span in the `.tenet` file.
    pub span: Span,
}

impl PropertyResult {
    /// The JSON object of DESIGN.md's contract.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        o.insert("name".into(), self.name.clone().into());
        o.insert("verdict".into(), self.verdict.as_str().into());
        if let Some(r) = &self.reason {
            o.insert("reason".into(), r.clone().into());
        }
        if let Some(c) = &self.counterexample {
            o.insert("counterexample".into(), request_json(c));
        }
        if let Some(e) = &self.explanation {
            o.insert("explanation".into(), e.clone().into());
        }
        o.insert("elapsed_ms".into(), self.elapsed_ms.into());
        serde_json::Value::Object(o)
    }
}

/// A request as JSON: `{"principal","action","resource","resourceAccount","context"}`.
pub fn request_json(r: &Request) -> serde_json::Value {
    let mut ctx = serde_json::Map::new();
    for (k, v) in r.context.iter() {
        let v = match v {
            ContextValue::Single(s) => serde_json::Value::from(s.clone()),
            ContextValue::Multi(vs) => serde_json::Value::from(vs.clone()),
        };
        ctx.insert(k.to_string(), v);
    }
    serde_json::json!({
        "principal": r.principal.as_str(),
        "action": r.action,
        "resource": r.resource,
        "resourceAccount": r.resource_account().or(r.principal.account()),
        "context": ctx,
    })
}

/// tenet's own failures (findings about the user's files are verdicts, not errors).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ProveError {
    /// The `.tenet` file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A syntax error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] crate::lang::SyntaxError),
    /// No property of that name.
    #[error("no property named `{0}`")]
    NoSuchProperty(String),
}

/// One property ready to solve: its query, encoder and concrete check.
pub struct Prepared {
    /// The property name.
    pub name: String,
    /// The span.
    pub span: Span,
    /// The queries (two for `equivalent`).
    pub queries: Vec<Query>,
    /// The encoder (variables and decoding).
    pub encoder: Option<Encoder>,
    /// A reason the property cannot be checked at all.
    pub error: Option<String>,
    kind: PropertyKind,
    headers: std::sync::Arc<Headers>,
    singles: Vec<Policy>,
    /// The resource puts no `:` where only a `?` of a policy pattern could match it
    /// ([`Encoder::unambiguous`]).
    unambiguous: Formula,
}

/// Parses and prepares every property of a `.tenet` file.
pub fn prepare_file(path: &Path) -> Result<Vec<Prepared>, ProveError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProveError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let file = crate::lang::parse(&path.display().to_string(), &text)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    if let Some((path, source)) = crate::headers::unreadable_file(&base, &file) {
        return Err(ProveError::Io { path, source });
    }
    let headers = std::sync::Arc::new(load_headers(&base, &file));
    Ok(file
        .properties
        .iter()
        .map(|p| prepare(&base, &headers, p.name.value.clone(), p.span, p.kind.clone()))
        .collect())
}

fn prepare(base: &Path, headers: &std::sync::Arc<Headers>, name: String, span: Span, kind: PropertyKind) -> Prepared {
    let mut out = prepare_queries(base, headers, name, span, kind);
    if let Some(enc) = out.encoder.as_mut() {
        out.unambiguous = enc.unambiguous();
    }
    out
}

fn prepare_queries(
    base: &Path,
    headers: &std::sync::Arc<Headers>,
    name: String,
    span: Span,
    kind: PropertyKind,
) -> Prepared {
    let mut out = Prepared {
        name,
        span,
        queries: Vec::new(),
        encoder: None,
        error: None,
        kind: kind.clone(),
        headers: headers.clone(),
        singles: Vec::new(),
        unambiguous: TRUE,
    };
    let single = |f: &str| -> Result<(PolicyKind, Policy), String> {
        let l = load(base, f, None)?;
        if l.policies.len() != 1 {
            return Err(format!("`{f}` must hold exactly one policy"));
        }
        l.policies
            .into_iter()
            .next()
            .ok_or_else(|| format!("`{f}` holds no policy"))
    };
    match &kind {
        PropertyKind::Never {
            actions,
            resources,
            owner,
            principal,
        }
        | PropertyKind::Only {
            actions,
            resources,
            owner,
            principal,
            ..
        } => {
            if let Some(e) = &headers.error {
                out.error = Some(e.clone());
                return out;
            }
            let world = headers.world();
            let policies = world.policies();
            let (mut extra_p, mut extra_a) = filter_literals(principal.as_ref());
            extra_p.extend(headers.owner_arns());
            extra_a.extend(owner.iter().cloned());
            let (grantees, grant_actions, grant_keys, grant_context) = headers.grant_vocabulary();
            extra_p.extend(grantees);
            let mut keys = grant_context;
            if let PropertyKind::Only { condition, .. } = &kind {
                cond_keys(condition, &mut keys);
            }
            let mut enc = Encoder::new(
                &policies,
                world_candidates(headers, &policies, &extra_p, &extra_a),
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
            if let PropertyKind::Only { condition, .. } = &kind {
                asserts.push(not(cond_formula(condition, &mut enc)));
            }
            out.queries.push(Query { asserts });
            out.encoder = Some(enc);
        }
        PropertyKind::Can {
            principal,
            action,
            resource,
            owner: owned_by,
            given,
        } => {
            if let Some(e) = &headers.error {
                out.error = Some(e.clone());
                return out;
            }
            let who = match RequestPrincipal::parse(&principal.value) {
                Ok(w) => w,
                Err(e) => {
                    out.error = Some(e);
                    return out;
                }
            };
            let world = headers.world();
            if world.identity_world(&who) == IdentityWorld::Open {
                out.error = Some(format!(
                    "the identity policies of `{}` are not given (open world): an attached policy may allow or deny \
                     it; name them with `policy identity \"…\" of \"{}\"`, or declare its account `closed`",
                    principal.value, principal.value
                ));
                return out;
            }
            let stated_owner = given
                .iter()
                .find(|(k, _)| k.value.eq_ignore_ascii_case("aws:ResourceAccount"))
                .and_then(|(_, v)| v.first().cloned());
            // A resource AWS owns (`arn:aws:iam::aws:…`) is in no customer account: never
            // cross-account, which the caller's own account models exactly.
            let aws_owned = resource.split(':').nth(4) == Some("aws");
            let owner = match (arn_account(resource), owned_by.clone().or(stated_owner)) {
                (Some(a), _) => a.to_owned(),
                (None, _) if aws_owned && who.account().is_some() => who.account().unwrap_or_default().to_owned(),
                (None, Some(a)) => a,
                (None, None) => {
                    out.error = Some(format!(
                        "the account that owns `{resource}` is not stated (its ARN carries none): add \
                         `owned by \"…\"` after the resource"
                    ));
                    return out;
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
                world_candidates(headers, &policies, &extra_p, std::slice::from_ref(&owner)),
                &keys,
            );
            enc.add_property_patterns(std::slice::from_ref(action), std::slice::from_ref(resource));
            enc.add_property_patterns(&grant_actions, &grant_keys);
            let Some(idx) = enc.candidates.iter().position(|c| *c == who) else {
                out.error = Some("internal: the principal is not a candidate".into());
                return out;
            };
            let given: Vec<(String, Vec<String>)> = given.iter().map(|(k, v)| (k.value.clone(), v.clone())).collect();
            let Some(fixed_action) = enc.fix_action(action) else {
                out.error = Some(format!("internal: action `{action}` outside the alphabet"));
                return out;
            };
            let Some(fixed_resource) = enc.fix_resource(resource) else {
                out.error = Some(format!("internal: resource `{resource}` outside the alphabet"));
                return out;
            };
            let mut asserts = vec![
                enc.domain(),
                enc.account_in_set(),
                enc.is_candidate(idx),
                fixed_action,
                fixed_resource,
                given_formula(&mut enc, &given),
            ];
            // The resource's owner: the ARN's account field, or the stated `aws:ResourceAccount`.
            asserts.push(eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(&owner)));
            asserts.push(enc.allowed(&world));
            out.queries.push(Query { asserts });
            out.encoder = Some(enc);
        }
        PropertyKind::NotPublic { file } => match single(&file.value) {
            Err(e) => out.error = Some(e),
            Ok((_, p)) => {
                let mut enc = Encoder::new(&[&p], candidates([&p], &[], &[]), &[]);
                let fixed = fixed_values(&p);
                let asserts = vec![
                    enc.domain(),
                    enc.account_in_set(),
                    enc.allowed_alone(&p),
                    outsider(&enc, &fixed),
                ];
                out.queries.push(Query { asserts });
                out.encoder = Some(enc);
                out.singles = vec![p];
            }
        },
        PropertyKind::NoNewAccess { new: a, old: b } | PropertyKind::Equivalent { a, b } => {
            match (single(&a.value), single(&b.value)) {
                (Err(e), _) | (_, Err(e)) => out.error = Some(e),
                (Ok((ka, pa)), Ok((kb, pb))) => {
                    if ka != kb {
                        out.error = Some(format!(
                            "`{}` is a {} policy and `{}` a {} policy: compare policies of the same kind",
                            a.value,
                            ka.as_str(),
                            b.value,
                            kb.as_str()
                        ));
                        return out;
                    }
                    let mut enc = Encoder::new(&[&pa, &pb], candidates([&pa, &pb], &[], &[]), &[]);
                    let (aa, ab) = (enc.allowed_alone(&pa), enc.allowed_alone(&pb));
                    out.queries.push(Query {
                        asserts: vec![enc.domain(), enc.account_in_set(), aa.clone(), not(ab.clone())],
                    });
                    if matches!(kind, PropertyKind::Equivalent { .. }) {
                        out.queries.push(Query {
                            asserts: vec![enc.domain(), enc.account_in_set(), ab, not(aa)],
                        });
                    }
                    out.encoder = Some(enc);
                    out.singles = vec![pa, pb];
                }
            }
        }
    }
    out
}

fn filter_literals(f: Option<&crate::lang::ast::PrincipalFilter>) -> (Vec<String>, Vec<String>) {
    use crate::lang::ast::PrincipalFilter as F;
    match f {
        None => (Vec::new(), Vec::new()),
        Some(F::OutsideAccounts(a) | F::InAccounts(a)) => (Vec::new(), a.clone()),
        Some(F::Is(p)) => (p.clone(), Vec::new()),
    }
}

/// The SMT-LIB 2 text of a prepared property (its first query; `equivalent` has two).
pub fn compile_smt2(p: &Prepared) -> String {
    let mut out = format!("; property {}\n", p.name);
    if let Some(e) = &p.error {
        out.push_str(&format!("; not checkable: {e}\n"));
    }
    if let Some(enc) = &p.encoder {
        for (i, c) in enc.candidates.iter().enumerate() {
            out.push_str(&format!("; principal = {i}: {}\n", c.as_str()));
        }
        if let Some(a) = &enc.alphabet {
            for (i, r) in a.reps.iter().enumerate() {
                out.push_str(&format!("; action.index = {i}: {r}\n"));
            }
        }
        if let Some(a) = &enc.resource_alphabet {
            for (i, r) in a.reps.iter().enumerate() {
                out.push_str(&format!("; resource.index = {i}: {r:?}\n"));
            }
        }
        for r in enc.approx.over.iter().chain(&enc.approx.under) {
            out.push_str(&format!("; approximated: {r}\n"));
        }
    }
    for (i, q) in p.queries.iter().enumerate() {
        if p.queries.len() > 1 {
            out.push_str(&format!("; query {}\n", i + 1));
        }
        out.push_str(&q.to_smt2());
        out.push_str("(check-sat)\n");
    }
    out
}

/// The SMT-LIB 2 text of every property of a file, or of the one named.
pub fn compile_smt2_file(path: &Path, name: Option<&str>) -> Result<String, ProveError> {
    let ps = prepare_file(path)?;
    let mut out = String::new();
    let mut found = false;
    for p in &ps {
        if name.is_none_or(|n| n == p.name) {
            found = true;
            out.push_str(&compile_smt2(p));
        }
    }
    match (found, name) {
        (false, Some(n)) => Err(ProveError::NoSuchProperty(n.to_string())),
        _ => Ok(out),
    }
}

/// Proves every property of a `.tenet` file with the default timeout.
pub fn prove_file(path: &Path) -> Result<Vec<PropertyResult>, ProveError> {
    prove_file_with(path, DEFAULT_TIMEOUT_MS)
}

/// The candidate principals of a world: those the policies and the property name, the owners, and
/// fresh ones per account, except in closed accounts, whose principals are exactly the root and the
/// owners named.
fn world_candidates(
    headers: &Headers,
    policies: &[&Policy],
    extra_principals: &[String],
    extra_accounts: &[String],
) -> Vec<RequestPrincipal> {
    let mut all = candidates(policies.iter().copied(), extra_principals, extra_accounts);
    let closed = headers.closed_accounts();
    all.retain(|c| !(stands_for_many(c) && c.account().is_some_and(|a| closed.contains(a))));
    all
}

/// Proves every property of a `.tenet` file, in parallel, with a per-property timeout.
pub fn prove_file_with(path: &Path, timeout_ms: u32) -> Result<Vec<PropertyResult>, ProveError> {
    let prepared = prepare_file(path)?;
    Ok(prepared.par_iter().map(|p| check(p, timeout_ms)).collect())
}

fn result(p: &Prepared, start: Instant, verdict: Verdict, reason: Option<String>) -> PropertyResult {
    PropertyResult {
        name: p.name.clone(),
        verdict,
        reason,
        counterexample: None,
        explanation: None,
        elapsed_ms: start.elapsed().as_millis() as u64,
        span: p.span,
    }
}

/// Checks one prepared property.
pub fn check(p: &Prepared, timeout_ms: u32) -> PropertyResult {
    let start = Instant::now();
    let (Some(enc), None) = (&p.encoder, &p.error) else {
        return result(
            p,
            start,
            Verdict::Unknown,
            Some(p.error.clone().unwrap_or_else(|| "not checkable".into())),
        );
    };
    let is_can = matches!(p.kind, PropertyKind::Can { .. });
    for (qi, q) in p.queries.iter().enumerate() {
        let mut outcome = solve_refined(enc, q, timeout_ms);
        // A model whose decision depends on whether `?` matches `:` proves nothing: look for one
        // that does not, and say so when there is none.
        let ambiguous = |m: &crate::ir::Assignment| enc.decode(m).and_then(|r| open_reading(p, enc, &r));
        if let Some(why) = match &outcome {
            Outcome::Sat(m) => ambiguous(m),
            _ => None,
        } {
            let mut q = q.clone();
            q.asserts.push(p.unambiguous.clone());
            outcome = solve_refined(enc, &q, timeout_ms);
            let still = match &outcome {
                Outcome::Sat(m) => ambiguous(m).is_some(),
                Outcome::Unsat => true,
                Outcome::Unknown(_) => false,
            };
            if still {
                return result(p, start, Verdict::Unknown, Some(why));
            }
        }
        match outcome {
            Outcome::Unknown(r) => return result(p, start, Verdict::Unknown, Some(r)),
            Outcome::Unsat => continue,
            Outcome::Sat(model) => {
                let Some(req) = enc.decode(&model) else {
                    return result(
                        p,
                        start,
                        Verdict::Unknown,
                        Some("internal: could not decode the model".into()),
                    );
                };
                let (confirmed, _) = confirm(p, qi, &req);
                let req = if confirmed { polish(p, enc, qi, req) } else { req };
                let (confirmed, explanation) = confirm(p, qi, &req);
                if !confirmed {
                    let reason = if enc.approx.over.is_empty() {
                        let r = format!(
                            "internal: counterexample rejected by evaluator (property `{}`): {}",
                            p.name,
                            request_json(&req)
                        );
                        eprintln!("tenet: BUG: {r}");
                        r
                    } else {
                        format!("not modelled exactly: {}", enc.approx.over.join("; "))
                    };
                    return result(p, start, Verdict::Unknown, Some(reason));
                }
                let mut r = result(p, start, if is_can { Verdict::Holds } else { Verdict::Violated }, None);
                r.reason = Some(if is_can {
                    "a request is allowed".into()
                } else {
                    match &p.kind {
                        PropertyKind::NoNewAccess { .. } | PropertyKind::Equivalent { .. } => {
                            let (a, b) = if qi == 0 { (0, 1) } else { (1, 0) };
                            let names = ["first", "second"];
                            if matches!(p.kind, PropertyKind::NoNewAccess { .. }) {
                                "the new policy allows a request that the old one does not".into()
                            } else {
                                format!(
                                    "the {} policy allows a request that the {} does not",
                                    names[a], names[b]
                                )
                            }
                        }
                        PropertyKind::NotPublic { .. } => {
                            "an outsider (anonymous or an unnamed account, with no pinned condition key) is allowed"
                                .into()
                        }
                        _ => "a request matching the pattern is allowed".into(),
                    }
                });
                r.counterexample = Some(req);
                r.explanation = explanation;
                r.elapsed_ms = start.elapsed().as_millis() as u64;
                return r;
            }
        }
    }
    // Every query is unsatisfiable.
    if !enc.approx.under.is_empty() {
        return result(
            p,
            start,
            Verdict::Unknown,
            Some(format!("bounded model: {}", enc.approx.under.join("; "))),
        );
    }
    if is_can {
        let mut r = result(
            p,
            start,
            Verdict::Violated,
            Some("no request with these values is allowed".into()),
        );
        if let PropertyKind::Can {
            principal,
            action,
            resource,
            given,
            ..
        } = &p.kind
        {
            if let Ok(mut req) = Request::new(&principal.value, action, resource) {
                for (k, v) in given {
                    let v = if v.len() == 1 {
                        ContextValue::Single(v[0].clone())
                    } else {
                        ContextValue::Multi(v.clone())
                    };
                    req.context.insert(k.value.clone(), v);
                }
                let ev = tenet_ast::eval::evaluate(&req, &p.headers.policy_set_for(&req));
                r.explanation = Some(format!("for example, with no other context key: {}", ev.reason));
            }
        }
        return r;
    }
    result(p, start, Verdict::Holds, None)
}

/// Solves a query, refining it when a model breaks a lazily added domain constraint.
fn solve_refined(enc: &Encoder, q: &Query, timeout_ms: u32) -> Outcome {
    let mut outcome = solve_split(enc, q, timeout_ms);
    if let Outcome::Sat(m) = &outcome {
        if matches!(m.get(ACTION), Some(Value::Str(a)) if !Encoder::action_in_domain(a)) {
            let mut q = q.clone();
            q.asserts.push(Encoder::action_domain());
            outcome = solve(&q, timeout_ms);
        }
    }
    if let Outcome::Sat(m) = &outcome {
        if !enc.resource_account_consistent(m) {
            // The cheap account constraint admits every real request's decision; this model's
            // account contradicts its ARN: solve again with the exact constraint instead.
            let eager = enc.account_in_set();
            let mut q = q.clone();
            q.asserts.retain(|f| *f != eager);
            q.asserts.push(enc.resource_account_domain());
            if enc.alphabet.is_none() {
                q.asserts.push(Encoder::action_domain());
            }
            outcome = solve(&q, timeout_ms);
        }
    }
    outcome
}

/// The timeout of the first, whole attempt of [`solve_split`].
const WHOLE_TIMEOUT_MS: u32 = 1000;

/// Solves a query; when the whole query times out, solves it once per candidate principal.
///
/// Z3 4.8.12 can time out on a query whose principal ties (prefix and suffix constraints on
/// `aws:PrincipalArn` for every candidate) it would answer in milliseconds with the principal
/// fixed. The principal index ranges over the candidates (the domain says so), so the query is
/// unsatisfiable exactly when each split is: any `sat` split is a model of the query, and the query
/// is `unsat` only when every split is. A split that times out leaves the answer unknown, unless a
/// later split finds a model.
fn solve_split(enc: &Encoder, q: &Query, timeout_ms: u32) -> Outcome {
    let first = solve(q, timeout_ms.min(WHOLE_TIMEOUT_MS));
    if !matches!(&first, Outcome::Unknown(_)) || timeout_ms <= WHOLE_TIMEOUT_MS {
        return first;
    }
    // INVARIANT: the splits share one budget of `timeout_ms`, so a property takes at most about
    // `WHOLE_TIMEOUT_MS + timeout_ms`.
    let deadline = Instant::now() + std::time::Duration::from_millis(u64::from(timeout_ms));
    let mut unknown = None;
    for i in 0..enc.candidates.len() {
        let left = deadline.saturating_duration_since(Instant::now()).as_millis();
        if left == 0 {
            return Outcome::Unknown("solver timeout".into());
        }
        let mut split = q.clone();
        split.asserts.push(enc.is_candidate(i));
        match solve(&split, u32::try_from(left).unwrap_or(timeout_ms)) {
            Outcome::Sat(m) => return Outcome::Sat(m),
            Outcome::Unsat => {}
            Outcome::Unknown(r) => unknown = Some(r),
        }
    }
    match unknown {
        None => Outcome::Unsat,
        Some(r) => Outcome::Unknown(r),
    }
}

/// Why the decision on `r` depends on a point the AWS guides leave open, if it does.
fn open_reading(p: &Prepared, enc: &Encoder, r: &Request) -> Option<String> {
    if let Some(pattern) = ambiguous_resource(p, r) {
        return Some(format!(
            "the answer depends on how AWS reads the wildcards of `{pattern}` on a resource with extra colons \
             (whether `?`, or a `*` ending one of the first five segments, matches `:`; the IAM User Guide does \
             not say)"
        ));
    }
    if let Some(why) = enc.reading_dependent(r) {
        return Some(why);
    }
    if !p.singles.is_empty() {
        return None;
    }
    let ps = p.headers.policy_set_for(r);
    if tenet_ast::eval::not_principal_allow_reading_matters(r, &ps) {
        return Some(
            "the answer depends on whether an `Allow` with `NotPrincipal` that lists the caller but not its \
             account grants the caller (the IAM User Guide documents the account rule for `Deny` only)"
                .to_owned(),
        );
    }
    tenet_ast::eval::star_grant_reading_matters(r, &ps).then(|| {
        "the answer depends on whether a `Principal: \"*\"` grant of a same-account resource policy is capped by \
         the caller's permissions boundary or session policy (the IAM User Guide does not say)"
            .to_owned()
    })
}

/// A policy `Resource` pattern that matches `req.resource` under one reading of `?` and not the
/// other, if any.
fn ambiguous_resource(p: &Prepared, req: &Request) -> Option<String> {
    let policies: Vec<&Policy> = if p.singles.is_empty() {
        p.headers.world().policies()
    } else {
        p.singles.iter().collect()
    };
    policies.iter().find_map(|pol| {
        pol.statements.iter().find_map(|s| {
            s.value.resource.as_ref()?.value.items.iter().find_map(|i| {
                tenet_ast::eval::resource_pattern_ambiguous(&i.value, pol.substitutes_variables(), req)
                    .then(|| i.value.clone())
            })
        })
    })
}

/// Re-checks a decoded request with the evaluator; returns whether it is a genuine counterexample
/// (or witness) and the statements that decided.
fn confirm(p: &Prepared, qi: usize, req: &Request) -> (bool, Option<String>) {
    match &p.kind {
        PropertyKind::Never {
            actions,
            resources,
            principal,
            ..
        }
        | PropertyKind::Only {
            actions,
            resources,
            principal,
            ..
        } => {
            let pat = Pattern {
                actions: actions.clone(),
                resources: resources.clone(),
                principal: principal.clone(),
            };
            let (allowed, _, names) = recheck_allowed(&p.headers.policy_set_for(req), req);
            let cond_ok = match &p.kind {
                PropertyKind::Only { condition, .. } => !cond_holds(condition, req),
                _ => true,
            };
            (
                pat.matches(req) && allowed && cond_ok,
                Some(format!("allowed by {}", names.join(", "))),
            )
        }
        PropertyKind::Can { .. } => {
            let (allowed, _, names) = recheck_allowed(&p.headers.policy_set_for(req), req);
            (allowed, Some(format!("allowed by {}", names.join(", "))))
        }
        PropertyKind::NotPublic { .. } => {
            let Some(pol) = p.singles.first() else {
                return (false, None);
            };
            let ok = allowed_alone(pol, req) && is_outsider(req, &fixed_values(pol));
            (
                ok,
                Some(format!("allowed by {}", applying(pol, req, Effect::Allow).join(", "))),
            )
        }
        PropertyKind::NoNewAccess { .. } | PropertyKind::Equivalent { .. } => {
            let [a, b] = &p.singles[..] else { return (false, None) };
            let (x, y) = if qi == 0 { (a, b) } else { (b, a) };
            let ok = allowed_alone(x, req) && !allowed_alone(y, req);
            (
                ok,
                Some(format!("allowed by {}", applying(x, req, Effect::Allow).join(", "))),
            )
        }
    }
}

/// Makes a confirmed counterexample read like a real request, keeping only changes that the
/// evaluator confirms: the action as AWS spells it (from the IAM catalog, a real action of the same
/// class when the model's is a stand-in), no explicit resource account when the resource is in the
/// principal's own account (or the principal has none), and only the context keys that matter.
fn polish(p: &Prepared, enc: &Encoder, qi: usize, mut req: Request) -> Request {
    let ok = |r: &Request| confirm(p, qi, r).0;
    if let Some(spelled) = spell_action(enc, &req.action) {
        let mut r = req.clone();
        r.action = spelled;
        if ok(&r) {
            req = r;
        }
    }
    if req.resource_account.is_some() {
        let mut r = req.clone();
        r.resource_account = None;
        let same = match (req.principal.account(), &req.resource_account) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if same && ok(&r) {
            req = r;
        }
    }
    let keys: Vec<String> = req.context.iter().map(|(k, _)| k.to_string()).collect();
    for k in keys {
        let mut r = req.clone();
        r.context.remove(&k);
        if ok(&r) {
            req = r;
        }
    }
    req
}

/// A real action name (as the IAM catalog spells it) that the policies cannot tell from `action`.
fn spell_action(enc: &Encoder, action: &str) -> Option<String> {
    let cat = tenet_catalog::try_catalog().ok()?;
    if let Some((svc, a)) = cat.action(action) {
        return Some(format!("{}:{}", svc.prefix, a.name));
    }
    let al = enc.alphabet.as_ref()?;
    let class = al.representative(action)?;
    let prefix = action.split_once(':').map(|(p, _)| p).unwrap_or("");
    let same_service = cat.service(prefix).into_iter();
    let others = cat.services().filter(|s| !s.prefix.eq_ignore_ascii_case(prefix));
    for svc in same_service.chain(others) {
        for a in svc.actions() {
            let name = format!("{}:{}", svc.prefix, a.name);
            if al.representative(&name) == Some(class) {
                return Some(name);
            }
        }
    }
    None
}
