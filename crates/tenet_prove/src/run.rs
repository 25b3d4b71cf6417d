//! Running a `.tenet` file: parsing it, loading the `policy` headers once, then proving each
//! property (in parallel, each with its own [`Budget`]): [`prepare`] (loading its own files,
//! encoding), [`crate::solving`] (Z3), [`crate::counterexample`] (decoding and re-checking a model).
//!
//! Results are handed to the caller as each property finishes ([`prove_file_streaming`]), so the
//! command line can print them at once.
//!
//! INVARIANT: the verdict `holds` is given only when every query is `unsat`, the encoding is not
//! under-approximated, and the budget was never cut; any cut-off gives `unknown` with its reason.

use crate::budget::{Budget, Limits, Phase};
use crate::counterexample::{confirm, open_reading, polish, summary};
use crate::lang::ast::{Property, PropertyKind};
use crate::load::{load_headers, Headers};
use crate::prepare::{prepare, Direction, Prepared};
use crate::smt::Outcome;
use crate::solving::{solve_refined, Solved};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenet_ast::eval::{ContextValue, Request};

pub use crate::budget::DEFAULT_TIMEOUT_MS;
pub use crate::verdict::{request_json, PropertyResult, Verdict};

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
    /// The estate of an `estate` header cannot be read (its diagnostics were printed).
    #[error("{0}")]
    Estate(String),
    /// A path the file names leaves the project directory.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Outside(Box<OutsideProject>),
}

/// A path a `.tenet` file names resolves outside the directory the run is confined to.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`{path}` is outside the project directory `{root}`")]
#[diagnostic(
    code(tenet::prove::outside),
    help("run tenet from a directory that holds it, or pass `--allow-outside`")
)]
pub struct OutsideProject {
    /// The `.tenet` file.
    #[source_code]
    pub src: miette::NamedSource<String>,
    /// The path in the file.
    #[label("resolves to `{resolved}`")]
    pub span: miette::SourceSpan,
    /// The path as written.
    pub path: String,
    /// Where it resolves.
    pub resolved: String,
    /// The project directory.
    pub root: String,
}

/// How to run the properties of a file.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The limits of each property and of the whole run.
    pub limits: Limits,
    /// Only the properties with these names (all when empty).
    pub only: Vec<String>,
    /// The directory that every policy path of a `.tenet` file must resolve into (`None`: no
    /// such confinement); the command line gives the current directory unless `--allow-outside`.
    pub root: Option<PathBuf>,
}

/// A parsed `.tenet` file with its headers loaded.
struct Parsed {
    base: PathBuf,
    properties: Vec<Property>,
    headers: Arc<Headers>,
    /// The time loading the headers took (it counts against every property).
    headers_time: Duration,
}

fn parse_file(path: &Path, root: Option<&Path>) -> Result<Parsed, ProveError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProveError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let file = crate::lang::parse(&path.display().to_string(), &text)?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    // Nothing outside the project is read, not even to see whether it exists.
    if let Some(root) = root {
        let root = root.canonicalize().map_err(|source| ProveError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if let Some((span, resolved)) = crate::load::outside_root(&base, &file, &root) {
            let written = text.get(span.range()).unwrap_or_default().to_string();
            return Err(ProveError::Outside(Box::new(OutsideProject {
                src: miette::NamedSource::new(path.display().to_string(), text),
                span: (span.range().start, span.range().len()).into(),
                path: written.trim_matches('"').to_string(),
                resolved,
                root: root.display().to_string(),
            })));
        }
    }
    // A missing policy file is tenet's failure to run (exit 2), never an `unknown` verdict.
    if let Some((path, source)) = crate::load::unreadable_file(&base, &file) {
        return Err(ProveError::Io { path, source });
    }
    let start = Instant::now();
    let headers = load_headers(&base, &file);
    if let Some(why) = &headers.fatal {
        return Err(ProveError::Estate(why.clone()));
    }
    let headers = Arc::new(headers);
    Ok(Parsed {
        base,
        properties: file.properties,
        headers,
        headers_time: start.elapsed(),
    })
}

/// Parses and prepares every property of a `.tenet` file, without limits (for `tenet compile`
/// and the benchmark).
pub fn prepare_file(path: &Path) -> Result<Vec<Prepared>, ProveError> {
    prepare_file_in(path, None)
}

/// [`prepare_file`], refusing paths the file names outside `root` (as `prove` does).
pub fn prepare_file_in(path: &Path, root: Option<&Path>) -> Result<Vec<Prepared>, ProveError> {
    let parsed = parse_file(path, root)?;
    let mut out = Vec::new();
    for p in &parsed.properties {
        // Over an estate, a property is proved piece by piece (per resource, per link).
        let pieces = parsed
            .headers
            .estate
            .as_ref()
            .and_then(|e| crate::estate::prepare_pieces(&parsed.base, e, p));
        match pieces {
            None => out.push(prepare(&parsed.base, &parsed.headers, p)),
            Some(Ok(pieces)) => out.extend(pieces.into_iter().map(|(piece, mut prepared)| {
                prepared.name = format!("{} [{piece}]", prepared.name);
                prepared
            })),
            Some(Err(why)) => {
                let mut prepared = prepare(&parsed.base, &parsed.headers, p);
                prepared.error = Some(why);
                out.push(prepared);
            }
        }
    }
    Ok(out)
}

/// Proves every property of a `.tenet` file with the default limits.
pub fn prove_file(path: &Path) -> Result<Vec<PropertyResult>, ProveError> {
    prove_file_with(path, DEFAULT_TIMEOUT_MS)
}

/// Proves every property of a `.tenet` file, in parallel, with a time limit per property.
pub fn prove_file_with(path: &Path, timeout_ms: u32) -> Result<Vec<PropertyResult>, ProveError> {
    prove_file_in(path, timeout_ms, None)
}

/// [`prove_file_with`], refusing paths the file names outside `root` (see
/// [`RunOptions::root`]).
pub fn prove_file_in(path: &Path, timeout_ms: u32, root: Option<&Path>) -> Result<Vec<PropertyResult>, ProveError> {
    let options = RunOptions {
        limits: Limits {
            timeout_ms,
            ..Limits::default()
        },
        only: Vec::new(),
        root: root.map(Path::to_path_buf),
    };
    let results = std::sync::Mutex::new(Vec::new());
    let order = prove_file_streaming(path, &options, |r| {
        if let Ok(mut rs) = results.lock() {
            rs.push(r);
        }
    })?;
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| order.iter().position(|n| *n == r.name));
    Ok(results)
}

/// Proves the selected properties of a `.tenet` file in parallel, calling `on_result` (from any
/// thread) as each one finishes; returns the names of the properties proved, in file order.
pub fn prove_file_streaming(
    path: &Path,
    options: &RunOptions,
    on_result: impl Fn(PropertyResult) + Sync,
) -> Result<Vec<String>, ProveError> {
    crate::smt::set_memory_limit(options.limits.memory_mb);
    let parsed = parse_file(path, options.root.as_deref())?;
    let selected: Vec<&Property> = parsed
        .properties
        .iter()
        .filter(|p| options.only.is_empty() || options.only.contains(&p.name.value))
        .collect();
    selected.par_iter().for_each(|p| {
        let budget = Budget::start(&options.limits, parsed.headers_time);
        on_result(budget.enter(|| prove_property(&parsed, p, &budget)));
    });
    Ok(selected.iter().map(|p| p.name.value.clone()).collect())
}

/// Proves one property within its budget.
fn prove_property(parsed: &Parsed, property: &Property, budget: &Budget) -> PropertyResult {
    let unknown = |reason: String| PropertyResult {
        name: property.name.value.clone(),
        verdict: Verdict::Unknown,
        reason: Some(reason),
        counterexample: None,
        explanation: None,
        elapsed_ms: budget.elapsed().as_millis() as u64,
        span: property.span,
    };
    if let Err(c) = budget.check(Phase::Loading, 0) {
        return unknown(c.reason());
    }
    if let Some(estate) = &parsed.headers.estate {
        if let Some(mut r) = crate::estate::prove(&parsed.base, estate, property, budget) {
            r.elapsed_ms = budget.elapsed().as_millis() as u64;
            return r;
        }
    }
    let prepared = prepare(&parsed.base, &parsed.headers, property);
    // A construction refused by the budget leaves a weaker encoding behind: never solve it.
    if let Some(c) = budget.cutoff() {
        return unknown(c.reason());
    }
    if let Err(c) = budget.check(Phase::Encoding, 0) {
        return unknown(c.reason());
    }
    let mut r = check(&prepared, budget);
    // INVARIANT: a property whose budget was cut is never `holds` (a confirmed counterexample
    // stands: it was re-checked by the evaluator).
    if let Some(c) = budget.cutoff() {
        if r.counterexample.is_none() {
            r.verdict = Verdict::Unknown;
            r.reason = Some(c.reason());
            r.explanation = None;
        }
    }
    r.elapsed_ms = budget.elapsed().as_millis() as u64;
    r
}

fn result(p: &Prepared, verdict: Verdict, reason: Option<String>) -> PropertyResult {
    PropertyResult {
        name: p.name.clone(),
        verdict,
        reason,
        counterexample: None,
        explanation: None,
        elapsed_ms: 0,
        span: p.span,
    }
}

/// Checks one prepared property within a budget.
pub fn check(p: &Prepared, budget: &Budget) -> PropertyResult {
    let (Some(enc), None) = (&p.encoder, &p.error) else {
        let reason = p.error.clone().unwrap_or_else(|| "not checkable".into());
        return result(p, Verdict::Unknown, Some(reason));
    };
    let is_can = matches!(p.kind, PropertyKind::Can { .. });
    for (q, dir) in p.queries.iter().zip(Direction::ALL) {
        let mut solved = solve_refined(budget, enc, q);
        // A model whose decision depends on a point the AWS guides leave open proves nothing: look
        // for one that does not, and say so when there is none.
        let ambiguous = |m: &crate::ir::Assignment| enc.decode(m).and_then(|r| open_reading(p, enc, &r));
        if let Some(why) = match &solved {
            Solved::Outcome(Outcome::Sat(m)) => ambiguous(m),
            _ => None,
        } {
            let mut q = q.clone();
            q.asserts.push(p.unambiguous.clone());
            solved = solve_refined(budget, enc, &q);
            let still = match &solved {
                Solved::Outcome(Outcome::Sat(m)) => ambiguous(m).is_some(),
                Solved::Outcome(Outcome::Unsat) => true,
                Solved::Outcome(Outcome::Unknown(_)) | Solved::Cut(_) => false,
            };
            if still {
                return result(p, Verdict::Unknown, Some(why));
            }
        }
        let model = match solved {
            Solved::Cut(c) => return result(p, Verdict::Unknown, Some(c.reason())),
            Solved::Outcome(Outcome::Unknown(r)) => return result(p, Verdict::Unknown, Some(r)),
            Solved::Outcome(Outcome::Unsat) => continue,
            Solved::Outcome(Outcome::Sat(model)) => model,
        };
        let Some(req) = enc.decode(&model) else {
            return result(p, Verdict::Unknown, Some("internal: could not decode the model".into()));
        };
        let (confirmed, _) = confirm(p, dir, &req);
        let req = if confirmed { polish(p, enc, dir, req) } else { req };
        let (confirmed, explanation) = confirm(p, dir, &req);
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
            return result(p, Verdict::Unknown, Some(reason));
        }
        let verdict = if is_can { Verdict::Holds } else { Verdict::Violated };
        let mut r = result(p, verdict, Some(summary(&p.kind, dir)));
        r.counterexample = Some(req);
        r.explanation = explanation;
        return r;
    }
    // Every query is unsatisfiable.
    if !enc.approx.under.is_empty() {
        return result(
            p,
            Verdict::Unknown,
            Some(format!("bounded model: {}", enc.approx.under.join("; "))),
        );
    }
    if is_can {
        let mut r = result(
            p,
            Verdict::Violated,
            Some("no request with these values is allowed".into()),
        );
        r.explanation = can_explanation(p);
        return r;
    }
    result(p, Verdict::Holds, None)
}

/// Why the request of a violated `can` is denied, with no other context key.
fn can_explanation(p: &Prepared) -> Option<String> {
    let (
        PropertyKind::Can {
            principal,
            action,
            resource,
            given,
            ..
        },
        crate::prepare::Subject::Estate(headers),
    ) = (&p.kind, &p.subject)
    else {
        return None;
    };
    let mut req = Request::new(&principal.value, action, resource).ok()?;
    for (k, v) in given {
        let v = match &v[..] {
            [one] => ContextValue::Single(one.clone()),
            _ => ContextValue::Multi(v.clone()),
        };
        req.context.insert(k.value.clone(), v);
    }
    let ev = tenet_ast::eval::evaluate(&req, &headers.policy_set_for(&req));
    let denying: Vec<String> = ev
        .deciding
        .iter()
        .filter(|s| s.effect == tenet_ast::Effect::Deny)
        .map(|s| match &s.sid {
            Some(sid) => format!("`{sid}`"),
            None => format!("statement #{}", s.statement),
        })
        .collect();
    let by = if denying.is_empty() {
        String::new()
    } else {
        format!(" ({})", denying.join(", "))
    };
    Some(format!("for example, with no other context key: {}{by}", ev.reason))
}

/// The SMT-LIB 2 text of a prepared property (its first query; `equivalent` has two).
pub fn compile_smt2(p: &Prepared) -> String {
    let mut out = format!("; property {}\n", p.name);
    if let Some(e) = &p.error {
        out.push_str(&format!("; not checkable: {e}\n"));
    }
    if let Some(enc) = &p.encoder {
        for (i, c) in enc.candidates.iter().enumerate() {
            out.push_str(&format!("; principal = {i}: {}\n", c.principal.as_str()));
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
    compile_smt2_file_in(path, name, None)
}

/// [`compile_smt2_file`], refusing paths the file names outside `root` (as `prove` does).
pub fn compile_smt2_file_in(path: &Path, name: Option<&str>, root: Option<&Path>) -> Result<String, ProveError> {
    let ps = prepare_file_in(path, root)?;
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
