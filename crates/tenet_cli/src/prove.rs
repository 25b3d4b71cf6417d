//! `tenet prove`: proves the properties of `.tenet` files (files, or directories searched for
//! `*.tenet`) and prints a table, JSON, SARIF or GitHub annotations.
//!
//! Exit codes: 0 every property holds; 1 some property is violated; 2 tenet could not run (bad
//! path, syntax error in a `.tenet` file, internal error); 3 none violated but some unknown.

use std::path::{Path, PathBuf};

use tenet_diagnostics::LineIndex;
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

/// Finds the `.tenet` files of the arguments (directories are searched recursively, sorted).
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let rd = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden || p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|e| e == "tenet") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for p in paths {
        if p.is_dir() {
            walk(&p, &mut out)?;
        } else if p.is_file() {
            out.push(p);
        } else {
            return Err(format!("`{}` does not exist", p.display()));
        }
    }
    Ok(out)
}

/// Runs `tenet prove` and returns the exit code. `timeout_ms` is per property.
pub fn run_prove(paths: &[PathBuf], format: ProveFormat, timeout_ms: u32) -> i32 {
    let files = match collect(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
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
        ProveFormat::Sarif => render_sarif(&outcomes),
        ProveFormat::Github => render_github(&outcomes),
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

fn line_of(text: &str, offset: u32) -> u32 {
    LineIndex::new(text).line_col(text, offset).line
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

fn render_github(outcomes: &[FileOutcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        for r in &o.results {
            let level = match r.verdict {
                Verdict::Holds => continue,
                Verdict::Violated => "error",
                Verdict::Unknown => "warning",
            };
            let msg = message(r).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
            out.push_str(&format!(
                "::{level} file={},line={},title=tenet prove::{msg}\n",
                o.path.display(),
                line_of(&o.text, r.span.start)
            ));
        }
    }
    out
}

fn render_sarif(outcomes: &[FileOutcome]) -> String {
    let mut results = Vec::new();
    for o in outcomes {
        for r in &o.results {
            let level = match r.verdict {
                Verdict::Holds => continue,
                Verdict::Violated => "error",
                Verdict::Unknown => "warning",
            };
            let rule = if r.verdict == Verdict::Violated {
                "property-violated"
            } else {
                "property-unknown"
            };
            let mut props = serde_json::Map::new();
            if let Some(c) = &r.counterexample {
                props.insert("counterexample".into(), tenet_prove::run::request_json(c));
            }
            results.push(serde_json::json!({
                "ruleId": rule,
                "level": level,
                "message": { "text": message(r) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": o.path.display().to_string().replace('\\', "/"), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": line_of(&o.text, r.span.start), "endLine": line_of(&o.text, r.span.end) },
                    }
                }],
                "partialFingerprints": { "tenet/prove/v1": format!("{}:{}", o.path.display(), r.name) },
                "properties": props,
            }));
        }
    }
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "tenet",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/tenet-policy/tenet",
                "rules": [
                    { "id": "property-violated", "shortDescription": { "text": "a property of the policies is violated" } },
                    { "id": "property-unknown", "shortDescription": { "text": "tenet could not decide a property" } },
                ],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    format!("{doc:#}\n")
}
