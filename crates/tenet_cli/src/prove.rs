//! `tenet prove`: proves the properties of `.tenet` files (files, or directories searched for
//! `*.tenet`) and prints a table, JSON, JSON lines, SARIF or GitHub annotations.
//!
//! The table and JSON lines are printed as each property finishes; JSON, SARIF and GitHub output
//! at the end. On a terminal, a progress line on stderr says how far the run is.
//!
//! Exit codes: 0 every property holds; 1 some property is violated; 2 tenet could not run (bad
//! path, syntax error in a `.tenet` file, a `--property` that names nothing, internal error); 3 none
//! violated but some unknown.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tenet_diagnostics::{Diagnostic, LineIndex};

use tenet_output::{CodeInfo, FileResult};
use tenet_prove::budget::{Limits, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS};
use tenet_prove::run::{prove_file_streaming, RunOptions};
use tenet_prove::{PropertyResult, Verdict};

/// The output formats of `tenet prove`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProveFormat {
    /// A table for people, printed as each property finishes.
    Human,
    /// `{"version":1,"files":[{"file","properties":[…]}],"summary":{…}}`.
    Json,
    /// One JSON object per property as it finishes (`{"file",…the property…}`), then
    /// `{"summary":{…}}`.
    Jsonl,
    /// SARIF 2.1.0 (violated and unknown properties as results).
    Sarif,
    /// GitHub workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// The arguments of `tenet prove`.
#[derive(clap::Args)]
pub struct ProveArgs {
    /// `.tenet` files and directories.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProveFormat::Human)]
    format: ProveFormat,
    /// Time limit of one property (loading, encoding, solving), in milliseconds; past it the
    /// verdict is `unknown`.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_MS)]
    timeout: u32,
    /// Time limit of the whole run, in milliseconds; properties it cuts short are `unknown`.
    #[arg(long, value_name = "MS")]
    total_timeout: Option<u64>,
    /// Memory budget in megabytes: the limit of tenet's own constructions for one property, and
    /// Z3's limit for the whole process (at least 256 MB); past it the verdict is `unknown`.
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MEMORY_MB)]
    memory_mb: u32,
    /// Prove only the property of this name (repeatable).
    #[arg(long = "property", value_name = "NAME")]
    properties: Vec<String>,
    /// Read policy files outside the current directory too (a `.tenet` file naming one is
    /// refused otherwise).
    #[arg(long)]
    allow_outside: bool,
}

/// The results of one `.tenet` file.
struct FileOutcome {
    path: PathBuf,
    text: String,
    results: Vec<PropertyResult>,
}

/// What is printed while the run goes on: results of the streamed formats and the progress line.
struct Live {
    format: ProveFormat,
    /// A progress line on stderr (a terminal), and its text while shown.
    progress: Option<String>,
    done: usize,
    counts: [usize; 3],
}

impl Live {
    fn new(format: ProveFormat) -> Live {
        Live {
            format,
            progress: std::io::stderr().is_terminal().then(String::new),
            done: 0,
            counts: [0; 3],
        }
    }

    fn clear_progress(&mut self) {
        if let Some(p) = &mut self.progress {
            if !p.is_empty() {
                eprint!("\r\x1b[K");
                p.clear();
            }
        }
    }

    fn show_progress(&mut self, file: &Path) {
        if let Some(p) = &mut self.progress {
            let [h, v, u] = self.counts;
            *p = format!(
                "tenet prove: {} done ({h} hold, {v} violated, {u} unknown), proving `{}`",
                self.done,
                file.display()
            );
            eprint!("\r\x1b[K{p}");
            let _ = std::io::stderr().flush();
        }
    }

    fn file_started(&mut self, file: &Path) {
        self.clear_progress();
        if self.format == ProveFormat::Human {
            print_out(&format!("{}\n", file.display()));
        }
        self.show_progress(file);
    }

    fn finished(&mut self, file: &Path, r: &PropertyResult) {
        self.done += 1;
        let [holds, violated, unknown] = &mut self.counts;
        let slot = match r.verdict {
            Verdict::Holds => holds,
            Verdict::Violated => violated,
            Verdict::Unknown => unknown,
        };
        *slot += 1;
        self.clear_progress();
        match self.format {
            ProveFormat::Human => print_out(&render_result(r)),
            ProveFormat::Jsonl => {
                let mut o = serde_json::json!({ "file": file.display().to_string() });
                if let (Some(o), serde_json::Value::Object(p)) = (o.as_object_mut(), r.to_json()) {
                    o.extend(p);
                }
                print_out(&format!("{o}\n"));
            }
            _ => {}
        }
        self.show_progress(file);
    }
}

fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Runs `tenet prove` and returns the exit code.
pub fn run_prove(args: &ProveArgs) -> i32 {
    let options = RunOptions {
        limits: Limits::new(args.timeout, args.memory_mb, args.total_timeout),
        only: args.properties.clone(),
        root: (!args.allow_outside).then(|| PathBuf::from(".")),
    };
    let files = match crate::lint::collect_files(&args.paths, "tenet") {
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
    let live = Mutex::new(Live::new(args.format));
    let mut outcomes = Vec::new();
    let mut proved: Vec<String> = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Ok(mut l) = live.lock() {
            l.file_started(&path);
        }
        let results = Mutex::new(Vec::new());
        let ran = prove_file_streaming(&path, &options, |r| {
            if let Ok(mut l) = live.lock() {
                l.finished(&path, &r);
            }
            if let Ok(mut rs) = results.lock() {
                rs.push(r);
            }
        });
        match ran {
            Ok(names) => {
                let mut results = results.into_inner().unwrap_or_default();
                results.sort_by_key(|r| names.iter().position(|n| *n == r.name));
                proved.extend(names);
                outcomes.push(FileOutcome { path, text, results });
            }
            Err(e) => {
                if let Ok(mut l) = live.lock() {
                    l.clear_progress();
                }
                let report = miette::Report::new(e);
                eprintln!("{report:?}");
                return 2;
            }
        }
    }
    if let Ok(mut l) = live.lock() {
        l.clear_progress();
    }
    let all = || outcomes.iter().flat_map(|o| &o.results);
    let out = match args.format {
        ProveFormat::Human => summary_line(all()),
        ProveFormat::Json => render_json(&outcomes),
        ProveFormat::Jsonl => format!("{}\n", serde_json::json!({ "summary": summary_json(all()) })),
        ProveFormat::Sarif => tenet_output::render_sarif(&as_file_results(&outcomes), &prove_codes()),
        ProveFormat::Github => tenet_output::render_github(&as_file_results(&outcomes)),
    };
    print_out(&out);
    if let Some(missing) = args.properties.iter().find(|n| !proved.contains(n)) {
        eprintln!("error: no property named `{missing}` in the `.tenet` files given");
        return 2;
    }
    exit_code(all())
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

fn summary_line<'a>(results: impl Iterator<Item = &'a PropertyResult>) -> String {
    let (mut holds, mut violated, mut unknown) = (0, 0, 0);
    for r in results {
        match r.verdict {
            Verdict::Holds => holds += 1,
            Verdict::Violated => violated += 1,
            Verdict::Unknown => unknown += 1,
        }
    }
    format!("\n{holds} hold, {violated} violated, {unknown} unknown\n")
}

/// The width of the name column (longer names push the time to the right).
const NAME_WIDTH: usize = 28;

/// The lines of one property in the table.
fn render_result(r: &PropertyResult) -> String {
    let mut out = format!(
        "  {:<8} {:<width$}  {:>6} ms\n",
        r.verdict.as_str(),
        r.name,
        r.elapsed_ms,
        width = NAME_WIDTH
    );
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
    out
}

fn summary_json<'a>(results: impl Iterator<Item = &'a PropertyResult>) -> serde_json::Value {
    let all: Vec<&PropertyResult> = results.collect();
    let count = |v: Verdict| all.iter().filter(|r| r.verdict == v).count();
    serde_json::json!({
        "holds": count(Verdict::Holds),
        "violated": count(Verdict::Violated),
        "unknown": count(Verdict::Unknown),
    })
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
    let doc = serde_json::json!({
        "version": 1,
        "files": files,
        "summary": summary_json(outcomes.iter().flat_map(|o| &o.results)),
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
    let code = match r.verdict {
        Verdict::Holds => return None,
        Verdict::Violated => "PRV001",
        Verdict::Unknown => "PRV002",
    };
    let info = prove_codes().into_iter().find(|c| c.code == code)?;
    Some(Diagnostic::new(info.code, info.name, info.severity, r.span, message(r)))
}

/// The metadata of the two prover results (`PRV001` violated, `PRV002` unknown), as `tenet rules`
/// lists them, for the findings and SARIF.
fn prove_codes() -> Vec<CodeInfo> {
    crate::rules::COMMAND_CODES
        .iter()
        .filter(|(code, ..)| code.starts_with("PRV"))
        .map(|&(code, name, summary, severity)| CodeInfo::structural(code, name, summary, severity))
        .collect()
}
