//! `tenet_conformance`: a differential test of tenet's evaluator against the npm package
//! `@cloud-copilot/iam-simulate`.
//!
//! - `tenet_conformance generate --seed N --count N --out FILE.jsonl` writes one line per scenario:
//!   `{"id", "tags", "scenario", "simulation"}`, where `scenario` is in `tenet simulate`'s format and
//!   `simulation` is the same request as iam-simulate's input.
//! - `scripts/conformance/run.mjs FILE.jsonl OUT.jsonl` (node) runs iam-simulate on every line.
//! - `tenet_conformance compare --scenarios FILE.jsonl --peer OUT.jsonl [--threshold 0.99]
//!   [--disagreements FILE.jsonl]` evaluates every scenario with tenet's evaluator, compares the
//!   decisions, sorts each disagreement into a documented class (see `classify.rs` and
//!   `docs/semantics.md`), prints the figures, and exits 1 when the agreement outside the documented
//!   classes is under the threshold.
//! - `tenet_conformance wrap --out FILE.jsonl SCENARIO.json...` turns hand-written scenarios (the
//!   minimal repros under `tests/conformance/`) into the same line format.
//! - `tenet_conformance show --scenarios FILE.jsonl --id N` prints one scenario, ready for
//!   `tenet simulate`.
//!
//! Exit codes: 0 ok, 1 agreement under the threshold, 2 bad arguments or unreadable files.

mod classify;
mod compare;
mod conditions;
mod families;
mod generate;
mod keys;
mod peer;
mod rng;
mod stored;
mod tags;
mod tenet_side;
mod twin;

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;
use tenet_ast::eval::scenario::Scenario;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("", &[][..]),
    };
    let result = match command {
        "generate" => run_generate(rest),
        "compare" => compare::run(rest),
        "show" => run_show(rest),
        "wrap" => run_wrap(rest),
        _ => Err("usage: tenet_conformance generate|compare|show [options] (see the crate docs)".to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The value of `--name` in `args`.
pub(crate) fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match flag(args, name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("`{name}` takes a number, not `{v}`")),
    }
}

/// One JSONL line: the scenario, its tags, and its translation for iam-simulate of the request as
/// `tenet simulate` resolves it (`null` when tenet refuses the request).
fn line(id: usize, tags: &serde_json::Value, scenario: &serde_json::Value) -> serde_json::Value {
    let simulation = serde_json::from_value::<Scenario>(scenario.clone())
        .ok()
        .and_then(|s| s.resolve().ok())
        .map(|resolved| peer::simulation(scenario, &resolved.request));
    json!({"id": id, "tags": tags, "scenario": scenario, "simulation": simulation})
}

/// The line of a scenario, then the line of its ISO-dated twin when it has epoch dates
/// (`"twinOf"` names the original; see `twin.rs`).
fn lines_with_twin(id: usize, tags: &serde_json::Value, scenario: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = vec![line(id, tags, scenario)];
    if let Some(t) = twin::iso_twin(scenario) {
        let mut l = line(twin::TWIN_OFFSET + id, tags, &t);
        if let Some(fields) = l.as_object_mut() {
            fields.insert("twinOf".into(), json!(id));
        }
        out.push(l);
    }
    out
}

fn write_lines(out: &str, lines: impl Iterator<Item = serde_json::Value>) -> Result<(), String> {
    let file = std::fs::File::create(out).map_err(|e| format!("cannot write `{out}`: {e}"))?;
    let mut w = std::io::BufWriter::new(file);
    for l in lines {
        writeln!(w, "{l}").map_err(|e| format!("cannot write `{out}`: {e}"))?;
    }
    w.flush().map_err(|e| format!("cannot write `{out}`: {e}"))
}

fn run_generate(args: &[String]) -> Result<ExitCode, String> {
    let seed: u64 = number(args, "--seed", 1)?;
    let count: usize = number(args, "--count", 10_000)?;
    let out = flag(args, "--out").ok_or("`generate` needs `--out FILE`")?;
    let lines = generate::generate(seed, count)
        .into_iter()
        .flat_map(|g| lines_with_twin(g.id, &json!(g.tags), &g.scenario));
    write_lines(out, lines)?;
    Ok(ExitCode::SUCCESS)
}

/// `wrap --out FILE.jsonl SCENARIO.json...`: hand-written scenarios (the documented minimal
/// repros) in the generator's line format, each tagged `file:<name>`.
fn run_wrap(args: &[String]) -> Result<ExitCode, String> {
    let out = flag(args, "--out").ok_or("`wrap` needs `--out FILE`")?;
    // Each argument with the one before it: a file is an argument that is no flag and no flag's value.
    let files: Vec<&String> = std::iter::once(None)
        .chain(args.iter().map(Some))
        .zip(args)
        .filter(|(before, a)| !a.starts_with("--") && before.is_none_or(|b| b != "--out"))
        .map(|(_, a)| a)
        .collect();
    let mut lines = Vec::new();
    for (id, path) in files.iter().enumerate() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
        let scenario: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("`{path}`: {e}"))?;
        let name = std::path::Path::new(path.as_str())
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or("scenario");
        lines.extend(lines_with_twin(id, &json!([format!("file:{name}")]), &scenario));
    }
    write_lines(out, lines.into_iter())?;
    Ok(ExitCode::SUCCESS)
}

fn run_show(args: &[String]) -> Result<ExitCode, String> {
    let path = flag(args, "--scenarios").ok_or("`show` needs `--scenarios FILE`")?;
    let id: u64 = number(args, "--id", 0)?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("`{path}`: {e}"))?;
        if v.get("id").and_then(serde_json::Value::as_u64) == Some(id) {
            let scenario = v.get("scenario").unwrap_or(&serde_json::Value::Null);
            let pretty = serde_json::to_string_pretty(scenario).map_err(|e| e.to_string())?;
            println!("{pretty}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    Err(format!("no scenario {id} in `{path}`"))
}
