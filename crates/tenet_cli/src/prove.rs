//! `tenet prove`: proves the properties of `.tenet` files (files, or directories searched for
//! `*.tenet`) and prints a table, JSON, SARIF or GitHub annotations.
//!
//! Exit codes: 0 every property holds; 1 some property is violated; 2 tenet could not run (bad
//! path, syntax error in a `.tenet` file, internal error); 3 none violated but some unknown.

use std::path::PathBuf;

use tenet_diagnostics::{Diagnostic, LineIndex, Severity};
use tenet_lint::registry::{CodeEntry, CodeSource};

use crate::report::FileResult;
use tenet_prove::{PropertyResult, Verdict};

/// The output formats of `tenet prove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProveFormat {
    /// A table for people.
    Human,
    /// `{"version":1,"files":[{"file","properties":[…]}],"summary":{…}}`.
    Json,
    /// SARIF 2.1.0 (violated and unknown properties as results).
    Sarif,
    /// GitHub workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// The results of one `.tenet` file.
struct FileOutcome {
    path: PathBuf,
    text: String,
    results: Vec<PropertyResult>,
}

/// Runs `tenet prove` and returns the exit code. `timeout_ms` is per property.
pub fn run_prove(paths: &[PathBuf], format: ProveFormat, timeout_ms: u32) -> i32 {
    let files = match crate::lint::collect_files(paths, "tenet") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {}", e.0);
            return 2;
        }
    };
    if files.is_empty() {
        eprintln!("error: no `.tenet` file found");
        return 2;
    }
    let mut outcomes = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        match tenet_prove::prove_file_with(&path, timeout_ms) {
            Ok(results) => outcomes.push(FileOutcome { path, text, results }),
            Err(e) => {
                let report = miette::Report::new(e);
                eprintln!("{report:?}");
                return 2;
            }
        }
    }
    let out = match format {
        ProveFormat::Human => render_human(&outcomes),
        ProveFormat::Json => render_json(&outcomes),
        ProveFormat::Sarif => crate::sarif::render_sarif(&as_file_results(&outcomes), &prove_codes()),
        ProveFormat::Github => crate::output::render_github(&as_file_results(&outcomes)),
    };
    print!("{out}");
    exit_code(outcomes.iter().flat_map(|o| &o.results))
}

/// 1 when something is violated, else 3 when something is unknown, else 0.
fn exit_code<'a>(results: impl Iterator<Item = &'a PropertyResult>) -> i32 {
    let (mut violated, mut unknown) = (false, false);
    for r in results {
        violated |= r.verdict == Verdict::Violated;
        unknown |= r.verdict == Verdict::Unknown;
    }
    if violated {
        1
    } else if unknown {
        3
    } else {
        0
    }
}

fn render_human(outcomes: &[FileOutcome]) -> String {
    let mut out = String::new();
    let (mut holds, mut violated, mut unknown) = (0, 0, 0);
    for o in outcomes {
        out.push_str(&format!("{}\n", o.path.display()));
        let width = o.results.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for r in &o.results {
            match r.verdict {
                Verdict::Holds => holds += 1,
                Verdict::Violated => violated += 1,
                Verdict::Unknown => unknown += 1,
            }
            out.push_str(&format!(
                "  {:<8} {:<width$}  {:>6} ms\n",
                r.verdict.as_str(),
                r.name,
                r.elapsed_ms,
                width = width
            ));
            if r.verdict != Verdict::Holds || r.counterexample.is_some() {
                if let Some(reason) = &r.reason {
                    out.push_str(&format!("           {reason}\n"));
                }
            }
            if let Some(c) = &r.counterexample {
                let label = if r.verdict == Verdict::Holds {
                    "witness"
                } else {
                    "counterexample"
                };
                out.push_str(&format!(
                    "           {label}: {} does {} on {}",
                    c.principal.as_str(),
                    c.action,
                    c.resource
                ));
                match (&c.resource_account, tenet_prove::encode::arn_account(&c.resource)) {
                    (Some(a), None) if a == tenet_prove::encode::OTHER_ACCOUNT => {
                        out.push_str(" (resource in another account)");
                    }
                    (Some(a), None) if c.principal.account() != Some(a.as_str()) => {
                        out.push_str(&format!(" (resource in account `{a}`)"));
                    }
                    (None, None) if c.principal.account().is_none() => {
                        out.push_str(" (resource account unknown: S3 ARNs carry no account)");
                    }
                    _ => {}
                }
                out.push('\n');
                for (k, v) in c.context.iter() {
                    out.push_str(&format!("             {k} = {:?}\n", v.as_slice()));
                }
            }
            if r.verdict != Verdict::Holds || r.counterexample.is_some() {
                if let Some(e) = &r.explanation {
                    out.push_str(&format!("           {e}\n"));
                }
            }
        }
    }
    out.push_str(&format!("\n{holds} hold, {violated} violated, {unknown} unknown\n"));
    out
}

fn render_json(outcomes: &[FileOutcome]) -> String {
    let files: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "file": o.path.display().to_string(),
                "properties": o.results.iter().map(PropertyResult::to_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let all: Vec<&PropertyResult> = outcomes.iter().flat_map(|o| &o.results).collect();
    let count = |v: Verdict| all.iter().filter(|r| r.verdict == v).count();
    let doc = serde_json::json!({
        "version": 1,
        "files": files,
        "summary": {
            "holds": count(Verdict::Holds),
            "violated": count(Verdict::Violated),
            "unknown": count(Verdict::Unknown),
        },
    });
    format!("{doc:#}\n")
}

fn message(r: &PropertyResult) -> String {
    let mut m = format!("property `{}` is {}", r.name, r.verdict.as_str());
    if let Some(reason) = &r.reason {
        m.push_str(&format!(": {reason}"));
    }
    if let Some(c) = &r.counterexample {
        m.push_str(&format!(
            "; counterexample: {} does {} on {}",
            c.principal.as_str(),
            c.action,
            c.resource
        ));
    }
    if let Some(e) = &r.explanation {
        m.push_str(&format!(" ({e})"));
    }
    m
}

/// Violated and unknown properties as diagnostics at the property, so SARIF and GitHub annotations
/// come from the same writers as the linter's.
fn as_file_results(outcomes: &[FileOutcome]) -> Vec<FileResult> {
    outcomes
        .iter()
        .map(|o| FileResult {
            path: o.path.clone(),
            display: crate::lint::display_path(&o.path),
            line_index: LineIndex::new(&o.text),
            source: o.text.clone(),
            diagnostics: o.results.iter().filter_map(as_diagnostic).collect(),
            skipped: None,
        })
        .collect()
}

fn as_diagnostic(r: &PropertyResult) -> Option<Diagnostic> {
    let (code, severity) = match r.verdict {
        Verdict::Holds => return None,
        Verdict::Violated => (PROPERTY_VIOLATED, Severity::Error),
        Verdict::Unknown => (PROPERTY_UNKNOWN, Severity::Warning),
    };
    Some(Diagnostic::new(code.0, code.1, severity, r.span, message(r)))
}

const PROPERTY_VIOLATED: (&str, &str, &str) = ("PRV001", "property-violated", "a property of the policies is violated");
const PROPERTY_UNKNOWN: (&str, &str, &str) = ("PRV002", "property-unknown", "tenet could not decide a property");

/// The rule metadata of the two prover results, for SARIF.
fn prove_codes() -> [CodeEntry; 2] {
    [PROPERTY_VIOLATED, PROPERTY_UNKNOWN].map(|(code, name, summary)| CodeEntry {
        code,
        name,
        summary,
        aa_checks: &[],
        source: CodeSource::Structural,
    })
}
