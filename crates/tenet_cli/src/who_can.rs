//! `tenet who-can ESTATE --action A --resource R`: every principal of the estate, and every class of
//! outsider, that can make the request, with a witness and the deciding statements; `unknown` ones
//! with their reason. The prover (tenet_prove's public encoder and Z3 back end) is the oracle for
//! the questions conditions decide.

use std::path::Path;

use serde_json::json;
use tenet_ast::eval::{evaluate, Request, World};
use tenet_graph::access::{who_can, Analysis, Answer, LinkOutcome, Oracle, OracleAnswer, Question, SubjectKind};
use tenet_graph::graph::{EstateGraph, Node};
use tenet_prove::decision::grant_vocabulary;
use tenet_prove::encode::{Encoder, RESOURCE_ACCOUNT};
use tenet_prove::ir::{eq, Query, Term};
use tenet_prove::principals::candidates;
use tenet_prove::property::given_formula;
use tenet_prove::run::request_json;
use tenet_prove::smt::{solve, Outcome};

/// Output formats of `tenet who-can`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum WhoCanFormat {
    /// Text.
    Human,
    /// JSON.
    Json,
}

/// The prover as an oracle: one `can`-style query per question.
pub struct Prover {
    /// Per-question time limit in milliseconds.
    pub timeout_ms: u32,
}

impl Oracle for Prover {
    fn models_grants(&self) -> bool {
        // The encoder's decision has the grant side (`tenet_prove::decision`).
        true
    }

    fn decide(&self, q: &Question<'_>) -> OracleAnswer {
        let policies = q.policies.policies();
        let (mut extra, grant_actions, grant_keys, mut keys) = grant_vocabulary(&q.policies.grants);
        extra.push(q.principal.as_str().to_owned());
        keys.extend(q.given.iter().map(|(k, _)| k.clone()));
        let mut enc = Encoder::new(&policies, candidates(policies.iter().copied(), &extra, &[]), &keys);
        enc.add_property_patterns(&[q.action.to_owned()], &[q.resource.to_owned()]);
        enc.add_property_patterns(&grant_actions, &grant_keys);
        // The question's policies are exactly the principal's: a world of this one request.
        let world = World::for_request(q.principal, q.resource_account, q.policies);
        let Some(idx) = enc.candidates.iter().position(|c| c.principal == *q.principal) else {
            return OracleAnswer::Unknown("internal: the principal is not a candidate of the encoding".into());
        };
        let (Some(action), Some(resource)) = (enc.fix_action(q.action), enc.fix_resource(q.resource)) else {
            return OracleAnswer::Unknown("internal: the request is outside the encoding's alphabet".into());
        };
        let mut asserts = vec![
            enc.domain(),
            enc.resource_account_domain(),
            enc.is_candidate(idx),
            action,
            resource,
            given_formula(&mut enc, q.given),
            eq(Term::str_var(RESOURCE_ACCOUNT), Term::str(q.resource_account)),
        ];
        if enc.alphabet.is_none() {
            asserts.push(Encoder::action_domain());
        }
        asserts.push(enc.allowed(&world));
        match solve(&Query { asserts }, self.timeout_ms) {
            Outcome::Sat(model) => match enc.decode(&model) {
                Some(r) if evaluate(&r, q.policies).decision.is_allowed() => OracleAnswer::Allowed(r),
                Some(_) if !enc.approx.over.is_empty() => {
                    OracleAnswer::Unknown(format!("not modelled exactly: {}", enc.approx.over.join("; ")))
                }
                Some(r) => OracleAnswer::Allowed(r),
                None => OracleAnswer::Unknown("internal: could not decode the model".into()),
            },
            Outcome::Unsat if !enc.approx.under.is_empty() => {
                OracleAnswer::Unknown(format!("bounded model: {}", enc.approx.under.join("; ")))
            }
            Outcome::Unsat => OracleAnswer::Denied,
            Outcome::Unknown(r) => OracleAnswer::Unknown(r),
        }
    }
}

/// Runs the command; the exit code (0, or 3 when some answer is `unknown`, 2 on tool errors).
pub fn run(
    estate: &Path,
    action: &str,
    resource: &str,
    only: Option<&str>,
    format: WhoCanFormat,
    timeout_ms: u32,
    iac: &crate::estate::IacArgs,
) -> i32 {
    let loaded = match crate::estate::read(estate, iac) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let analysis = Analysis::new(&loaded.estate);
    let prover = Prover { timeout_ms };
    let mut result = match who_can(&analysis, action, resource, Some(&prover), only) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    // What a template leaves unresolved makes the verdicts that stand on it `unknown`.
    tenet_graph::unresolved::settle(&analysis, &mut result);
    let chains = Chains::new(&analysis, &result.answers);
    let text = match format {
        WhoCanFormat::Human => human(action, resource, &result.answers, &chains),
        WhoCanFormat::Json => format!("{:#}\n", to_json(action, resource, &result.answers, &chains)),
    };
    print!("{text}");
    if result.answers.iter().any(|a| a.verdict() == "unknown") {
        3
    } else {
        0
    }
}

/// The assume-role chains that reach the roles that can make the request.
struct Chains(Vec<Vec<String>>);

impl Chains {
    fn new(a: &Analysis, answers: &[Answer]) -> Chains {
        let roles = answers
            .iter()
            .filter(|x| x.verdict() == "allowed" && matches!(x.subject.kind, SubjectKind::Estate(_)))
            .count();
        if roles == 0 {
            return Chains(vec![Vec::new(); answers.len()]);
        }
        let g = EstateGraph::build(a.estate);
        let label = |n| match &g.graph[n] {
            Node::Principal(i) => a.estate.principals.get(*i).map_or_else(String::new, |p| p.arn.clone()),
            Node::External { label, .. } => label.clone(),
            _ => String::new(),
        };
        Chains(
            answers
                .iter()
                .map(|x| {
                    if x.verdict() != "allowed" {
                        return Vec::new();
                    }
                    let Some(n) = g.node(&x.subject.label) else {
                        return Vec::new();
                    };
                    g.assume_chains(n, 10)
                        .into_iter()
                        .map(|c| c.into_iter().map(label).collect::<Vec<_>>().join(" -> "))
                        .collect()
                })
                .collect(),
        )
    }
}

fn witness_line(r: &Request) -> String {
    request_json(r).to_string()
}

fn human(action: &str, resource: &str, answers: &[Answer], chains: &Chains) -> String {
    let mut out = format!("who can {action} on {resource}\n");
    if let Some(first) = answers.first() {
        if first.links.len() > 1 {
            out.push_str("the request is a chain:\n");
            for (i, (l, _)) in first.links.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, l.describe()));
            }
        }
    }
    let (mut allowed, mut denied, mut unknown) = (0usize, 0usize, 0usize);
    for (ai, a) in answers.iter().enumerate() {
        let verdict = a.verdict();
        *match verdict {
            "allowed" => &mut allowed,
            "denied" => &mut denied,
            _ => &mut unknown,
        } += 1;
        out.push_str(&format!("\n{verdict:<8} {}\n", a.subject.label));
        for (i, (l, o)) in a.links.iter().enumerate() {
            let n = i + 1;
            match o {
                LinkOutcome::Allowed {
                    witness,
                    reason,
                    statements,
                } => {
                    out.push_str(&format!("  {n}. {}: {reason}\n", l.action));
                    for s in statements {
                        out.push_str(&format!("       {s}\n"));
                    }
                    out.push_str(&format!("       witness: {}\n", witness_line(witness)));
                }
                LinkOutcome::Denied {
                    reason,
                    statements,
                    proof,
                } => {
                    out.push_str(&format!("  {n}. {} fails: {reason} ({proof})\n", l.describe()));
                    for s in statements {
                        out.push_str(&format!("       {s}\n"));
                    }
                }
                LinkOutcome::Unknown { reason } => {
                    out.push_str(&format!("  {n}. {}: unknown: {reason}\n", l.describe()));
                }
            }
        }
        for c in chains.0.get(ai).into_iter().flatten() {
            out.push_str(&format!("  reachable by assuming roles: {c}\n"));
        }
    }
    out.push_str(&format!("\n{allowed} allowed, {denied} denied, {unknown} unknown\n"));
    out
}

/// Sets `key` of a JSON object (the objects here are built by `json!({…})`, so they are objects).
fn set(object: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

fn to_json(action: &str, resource: &str, answers: &[Answer], chains: &Chains) -> serde_json::Value {
    let principals: Vec<serde_json::Value> = answers
        .iter()
        .enumerate()
        .map(|(ai, a)| {
            let links: Vec<serde_json::Value> = a
                .links
                .iter()
                .map(|(l, o)| {
                    let given: serde_json::Map<String, serde_json::Value> =
                        l.given.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
                    let mut x =
                        json!({"action": l.action, "resource": l.resource, "given": given, "verdict": o.as_str()});
                    match o {
                        LinkOutcome::Allowed {
                            witness,
                            reason,
                            statements,
                        } => {
                            set(&mut x, "reason", reason.clone().into());
                            set(&mut x, "statements", json!(statements));
                            set(&mut x, "witness", request_json(witness));
                        }
                        LinkOutcome::Denied {
                            reason,
                            statements,
                            proof,
                        } => {
                            set(&mut x, "reason", reason.clone().into());
                            set(&mut x, "statements", json!(statements));
                            set(&mut x, "proof", (*proof).into());
                        }
                        LinkOutcome::Unknown { reason } => set(&mut x, "reason", reason.clone().into()),
                    }
                    x
                })
                .collect();
            let mut p = json!({"principal": a.subject.label, "verdict": a.verdict(), "links": links});
            if let Some((i, _, _)) = a.failing() {
                set(&mut p, "failing_link", (i + 1).into());
            }
            if let Some(chain) = chains.0.get(ai).filter(|c| !c.is_empty()) {
                set(&mut p, "assumable_by", json!(chain));
            }
            p
        })
        .collect();
    let count = |v: &str| answers.iter().filter(|a| a.verdict() == v).count();
    json!({
        "version": 1,
        "action": action,
        "resource": resource,
        "principals": principals,
        "summary": {"allowed": count("allowed"), "denied": count("denied"), "unknown": count("unknown")},
    })
}
