//! `tenet_conformance compare`: tenet's decision for every scenario against iam-simulate's, the
//! disagreements sorted into classes, the figures printed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Value};
use tenet_ast::eval::Decision;

use crate::classify::{classify, Case, Class, Twin, Verdict, CLASSES};
use crate::flag;
use crate::tenet_side::{self, TenetAnswer};

/// `println!` that ignores a closed stdout (`| head`) instead of panicking.
macro_rules! say {
    ($w:expr, $($t:tt)*) => {{
        let _ = writeln!($w, $($t)*);
    }};
}

fn read_jsonl(path: &str) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("`{path}` line {}: {e}", i + 1)))
        .collect()
}

fn peer_decision(s: &str) -> Option<Decision> {
    match s {
        "Allowed" => Some(Decision::Allowed),
        "ExplicitlyDenied" => Some(Decision::ExplicitlyDenied),
        "ImplicitlyDenied" => Some(Decision::ImplicitlyDenied),
        _ => None,
    }
}

fn pct(n: usize, d: usize) -> String {
    if d == 0 {
        return "n/a".to_owned();
    }
    format!("{:.2}%", 100.0 * n as f64 / d as f64)
}

/// Runs the comparison; see the crate docs for the flags.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let scenarios = read_jsonl(flag(args, "--scenarios").ok_or("`compare` needs `--scenarios FILE`")?)?;
    let peer = read_jsonl(flag(args, "--peer").ok_or("`compare` needs `--peer FILE`")?)?;
    let threshold: f64 = match flag(args, "--threshold") {
        None => 0.99,
        Some(v) => v
            .parse()
            .map_err(|_| format!("`--threshold` takes a number, not `{v}`"))?,
    };
    let mut so = std::io::stdout().lock();
    let peer_by_id: HashMap<u64, &Value> = peer.iter().filter_map(|p| Some((p["id"].as_u64()?, p))).collect();

    let mut compared = 0usize;
    let mut agree = 0usize;
    let mut agree_allow_deny = 0usize;
    let mut peer_errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut tenet_errors: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut by_class: BTreeMap<&'static str, (usize, u64)> = BTreeMap::new();
    let mut unclassified: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut rows: Vec<Value> = Vec::new();

    // Twins (see twin.rs) are evaluated first and only feed the classification.
    let mut twins: HashMap<u64, Twin> = HashMap::new();
    for s in scenarios.iter().filter(|s| s.get("twinOf").is_some()) {
        let (Some(of), Some(id)) = (s["twinOf"].as_u64(), s["id"].as_u64()) else {
            continue;
        };
        let Some(p) = peer_by_id.get(&id) else {
            continue;
        };
        let theirs = p["decision"].as_str().and_then(peer_decision);
        if let (Ok(loaded), Some(theirs)) = (tenet_side::load(&s["scenario"]), theirs) {
            let ours = loaded.evaluate();
            let explained = ours.decision == theirs || class_of(s, p, &ours, theirs, None).0.is_some();
            twins.insert(
                of,
                Twin {
                    tenet: ours.decision,
                    peer: theirs,
                    explained,
                },
            );
        }
    }
    let originals: Vec<&Value> = scenarios.iter().filter(|s| s.get("twinOf").is_none()).collect();

    for s in originals.iter().copied() {
        let id = s["id"].as_u64().ok_or("a scenario line has no `id`")?;
        let p = peer_by_id
            .get(&id)
            .ok_or(format!("no iam-simulate result for scenario {id}"))?;
        let loaded = match tenet_side::load(&s["scenario"]) {
            Ok(l) => l,
            Err(e) => {
                let key = e.split(':').skip(1).collect::<Vec<_>>().join(":").trim().to_owned();
                let entry = tenet_errors.entry(key).or_insert((0, id));
                entry.0 += 1;
                continue;
            }
        };
        let Some(theirs) = p["decision"].as_str().and_then(peer_decision) else {
            let message = p["error"].as_str().unwrap_or("no decision").to_owned();
            let short: String = message.chars().take(160).collect();
            *peer_errors.entry(short).or_insert(0) += 1;
            continue;
        };
        let ours = loaded.evaluate();
        compared += 1;
        if ours.decision.is_allowed() == (theirs == Decision::Allowed) {
            agree_allow_deny += 1;
        }
        if ours.decision == theirs {
            agree += 1;
            if let Some(file) = s["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|t| t.as_str()?.strip_prefix("file:"))
            {
                say!(so, "{file}: tenet and iam-simulate agree ({})", ours.decision.as_str());
            }
            continue;
        }
        let (found, tags, ignored) = class_of(s, p, &ours, theirs, twins.get(&id).copied());
        // A documented repro (`file:<class>`) must land in the class it is named after.
        let file = tags.iter().find_map(|t| t.strip_prefix("file:")).map(str::to_owned);
        let class = found.filter(|c| file.as_deref().is_none_or(|f| f == c.name));
        match class {
            Some(c) => {
                let e = by_class.entry(c.name).or_insert((0, id));
                e.0 += 1;
            }
            None => {
                let key = format!("tenet {} / iam-simulate {}", ours.decision.as_str(), peer_name(theirs));
                let e = unclassified.entry(key).or_insert((0, id));
                e.0 += 1;
            }
        }
        if let Some(file) = &file {
            say!(
                so,
                "{file}: tenet {}, iam-simulate {}, class {}",
                ours.decision.as_str(),
                peer_name(theirs),
                class.map_or("none", |c| c.name)
            );
        }
        rows.push(json!({
            "id": id,
            "class": class.map(|c| c.name),
            "tenet": ours.decision.as_str(),
            "tenetReason": ours.reason,
            "iamSimulate": peer_name(theirs),
            "ignoredContextKeys": ignored,
            "iamSimulateParts": p["parts"],
            "tags": tags,
        }));
    }

    if let Some(path) = flag(args, "--disagreements") {
        let file = std::fs::File::create(path).map_err(|e| format!("cannot write `{path}`: {e}"))?;
        let mut w = std::io::BufWriter::new(file);
        for r in &rows {
            writeln!(w, "{r}").map_err(|e| format!("cannot write `{path}`: {e}"))?;
        }
        w.flush().map_err(|e| format!("cannot write `{path}`: {e}"))?;
    }

    let classified: usize = by_class.values().map(|(n, _)| n).sum();
    let outside = compared - classified;
    let unexplained = compared - agree - classified;
    let rate = if outside == 0 {
        1.0
    } else {
        (outside - unexplained) as f64 / outside as f64
    };
    say!(so, "scenarios:                    {}", originals.len());
    say!(so, "compared (both decided):      {compared}");
    say!(so, "exact agreement (3-way):      {agree} ({})", pct(agree, compared));
    say!(
        so,
        "allow/deny agreement:         {agree_allow_deny} ({})",
        pct(agree_allow_deny, compared)
    );
    say!(so, "in documented classes:        {classified}");
    say!(
        so,
        "agreement outside classes:    {} of {outside} ({})",
        outside - unexplained,
        pct(outside - unexplained, outside)
    );
    say!(so, "threshold:                    {:.2}%", threshold * 100.0);
    if !tenet_errors.is_empty() {
        say!(so, "\nrefused by tenet (not compared):");
        for (msg, (n, id)) in &tenet_errors {
            say!(so, "  {n:>6}  {msg} (e.g. scenario {id})");
        }
    }
    if !peer_errors.is_empty() {
        say!(so, "\nrefused by iam-simulate (not compared):");
        for (msg, n) in &peer_errors {
            say!(so, "  {n:>6}  {msg}");
        }
    }
    say!(so, "\ndocumented disagreement classes:");
    for c in CLASSES {
        let (n, id) = by_class.get(c.name).copied().unwrap_or((0, 0));
        let example = if n > 0 {
            format!(" (e.g. scenario {id})")
        } else {
            String::new()
        };
        let verdict = match c.verdict {
            Verdict::TenetRight => "tenet right",
            Verdict::TenetWrong => "tenet wrong",
            Verdict::Open => "open",
        };
        say!(so, "  {n:>6}  {} [{verdict}]{example}", c.name);
    }
    say!(so, "\nunclassified disagreements:");
    if unclassified.is_empty() {
        say!(so, "  none");
    }
    for (k, (n, id)) in &unclassified {
        say!(so, "  {n:>6}  {k} (e.g. scenario {id})");
    }
    if rate + 1e-12 < threshold {
        say!(
            so,
            "\nFAIL: agreement outside the documented classes {:.2}% is under the threshold {:.2}%",
            rate * 100.0,
            threshold * 100.0
        );
        return Ok(ExitCode::from(1));
    }
    say!(
        so,
        "\nok: agreement outside the documented classes {:.2}%",
        rate * 100.0
    );
    Ok(ExitCode::SUCCESS)
}

/// The class of one disagreeing line, with the tags and ignored keys it was decided on.
fn class_of(
    s: &Value,
    p: &Value,
    ours: &TenetAnswer,
    theirs: Decision,
    twin: Option<Twin>,
) -> (Option<&'static Class>, BTreeSet<String>, Vec<String>) {
    let mut tags: BTreeSet<String> = s["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    tags.extend(crate::tags::content_tags(&s["scenario"]));
    let ignored: Vec<String> = p["ignoredContextKeys"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let case = Case {
        tags: &tags,
        scenario: &s["scenario"],
        tenet: ours.decision,
        tenet_by_grant: ours.by_grant,
        tenet_reason: &ours.reason,
        peer: theirs,
        peer_ignored_keys: &ignored,
        peer_parts: &p["parts"],
        context: s
            .pointer("/simulation/request/contextVariables")
            .unwrap_or(&Value::Null),
        twin,
    };
    let class = classify(&case);
    (class, tags, ignored)
}

fn peer_name(d: Decision) -> &'static str {
    d.as_str()
}
