//! Human, JSON and GitHub-annotation renderings of lint results.

use serde::{Serialize, Serializer};
use tenet_diagnostics::{escape_hidden, render_diagnostics_indexed, Diagnostic, LineCol, RenderOptions, Severity};

use crate::report::FileResult;

/// The JSON contract: `{"version":1,"diagnostics":[...],"summary":{...}}`, pretty-printed with keys
/// in alphabetical order. The report is serialized straight from the results, without building a
/// `serde_json::Value` tree.
pub fn render_json(results: &[FileResult]) -> String {
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for d in results.iter().flat_map(|r| &r.diagnostics) {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Info => infos += 1,
        }
    }
    let report = JsonReport {
        diagnostics: JsonDiagnostics(results),
        summary: JsonSummary {
            errors,
            files: results.iter().filter(|r| r.skipped.is_none()).count(),
            infos,
            skipped: results.iter().filter(|r| r.skipped.is_some()).count(),
            warnings,
        },
        version: 1,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

// The JSON report's shapes. Fields are declared in alphabetical order: the format has always listed
// keys sorted (it was once built as a `serde_json::Value`, whose maps sort their keys).

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: JsonDiagnostics<'a>,
    summary: JsonSummary,
    version: u32,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    files: usize,
    infos: usize,
    skipped: usize,
    warnings: usize,
}

/// Every diagnostic of every file, in file order.
struct JsonDiagnostics<'a>(&'a [FileResult]);

impl Serialize for JsonDiagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .flat_map(|r| r.diagnostics.iter().map(move |d| JsonDiagnostic::new(r, d))),
        )
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    end: JsonPosition,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<JsonPolicy<'a>>,
    rule: &'static str,
    severity: &'static str,
    start: JsonPosition,
}

/// The policy a finding is in, for files that hold several (authorization details).
#[derive(Serialize)]
struct JsonPolicy<'a> {
    aws_managed: bool,
    name: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(r: &'a FileResult, d: &'a Diagnostic) -> Self {
        let position = |offset| JsonPosition::from(r.line_index.line_col(&r.source, offset));
        JsonDiagnostic {
            code: d.code,
            end: position(d.span.end),
            file: &r.display,
            fix: d.fix.as_ref().map(|f| JsonFix {
                edits: f
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        end: e.span.end,
                        replacement: &e.replacement,
                        start: e.span.start,
                    })
                    .collect(),
                title: &f.title,
            }),
            help: d.help.as_deref(),
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    end: position(l.span.end),
                    message: &l.message,
                    start: position(l.span.start),
                })
                .collect(),
            message: &d.message,
            policy: d.policy.as_ref().map(|p| JsonPolicy {
                aws_managed: p.aws_managed,
                name: &p.name,
            }),
            rule: d.rule,
            severity: d.severity.as_str(),
            start: position(d.span.start),
        }
    }
}

#[derive(Serialize)]
struct JsonPosition {
    column: u32,
    line: u32,
    offset: u32,
}

impl From<LineCol> for JsonPosition {
    fn from(p: LineCol) -> Self {
        JsonPosition {
            column: p.column,
            line: p.line,
            offset: p.offset,
        }
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    edits: Vec<JsonEdit<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    end: u32,
    replacement: &'a str,
    start: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    end: JsonPosition,
    message: &'a str,
    start: JsonPosition,
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
pub fn render_github(results: &[FileResult]) -> String {
    let mut out = String::new();
    for r in results {
        for d in &r.diagnostics {
            let start = r.line_index.line_col(&r.source, d.span.start);
            let end = r.line_index.line_col(&r.source, d.span.end);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = d.message.clone();
            if let Some(p) = &d.policy {
                message.push('\n');
                message.push_str(&tenet_diagnostics::policy_line(p));
            }
            if let Some(h) = &d.help {
                message.push('\n');
                message.push_str(h);
            }
            out.push_str(&format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&r.display),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("{} {}", d.code, d.rule)),
                escape_data(&message)
            ));
        }
    }
    out
}

/// A workflow command's message: `%`, CR and LF are percent-encoded (GitHub decodes them), other
/// control characters are written as `\u{…}` so that policy text cannot inject a command.
fn escape_data(s: &str) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    escape_hidden(&s).into_owned()
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Findings shown with a snippet per file; the rest of the file's findings are counted in one line.
pub const MAX_SHOWN_PER_FILE: usize = 100;
/// Findings shown with a snippet in one run.
pub const MAX_SHOWN_PER_RUN: usize = 1000;

/// miette reports with snippets, then a summary line. At most [`MAX_SHOWN_PER_FILE`] findings of a
/// file and [`MAX_SHOWN_PER_RUN`] in all are drawn (each from a bounded excerpt, so the cost is
/// linear in the findings shown); the others are counted in an "N more" line and in the summary.
pub fn render_human(results: &[FileResult], color: bool, verbose: bool, passed_over: &[(String, &str)]) -> String {
    let mut out = String::new();
    if verbose {
        for (path, why) in passed_over {
            out.push_str(&format!("note: passed over {}: {why}\n", escape_hidden(path)));
        }
    }
    let (mut errors, mut warnings, mut infos, mut files) = (0, 0, 0, 0);
    let mut shown = 0usize;
    let width = terminal_width();
    for r in results {
        if let Some(why) = &r.skipped {
            if verbose {
                out.push_str(&format!(
                    "note: skipped {}: {}\n",
                    escape_hidden(&r.display),
                    escape_hidden(why)
                ));
            }
            continue;
        }
        files += 1;
        if r.diagnostics.is_empty() {
            continue;
        }
        let take = r
            .diagnostics
            .len()
            .min(MAX_SHOWN_PER_FILE)
            .min(MAX_SHOWN_PER_RUN - shown);
        shown += take;
        out.push_str(&render_diagnostics_indexed(
            &escape_hidden(&r.display),
            &r.source,
            &r.line_index,
            &r.diagnostics[..take],
            RenderOptions { color, width },
        ));
        let hidden = r.diagnostics.len() - take;
        if hidden > 0 {
            out.push_str(&format!(
                "… {hidden} more finding{} in {} not shown (`--format json` lists every finding)\n\n",
                plural(hidden),
                escape_hidden(&r.display)
            ));
        }
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
        }
    }
    if shown == MAX_SHOWN_PER_RUN {
        out.push_str(&format!(
            "note: only the first {MAX_SHOWN_PER_RUN} findings are shown with their source\n"
        ));
    }
    let skipped = results.len() - files
        + passed_over
            .iter()
            .filter(|(p, why)| p.ends_with(".json") || why.starts_with("hidden directory"))
            .count();
    out.push_str(&format!(
        "{files} file{} checked: {errors} error{}, {warnings} warning{}, {infos} info{}\n",
        plural(files),
        plural(errors),
        plural(warnings),
        skipped_note(skipped, verbose),
    ));
    out
}

/// `; N files skipped (…)` when some inputs were not policies.
fn skipped_note(skipped: usize, verbose: bool) -> String {
    match (skipped, verbose) {
        (0, _) => String::new(),
        (n, true) => format!("; {n} file{} skipped", plural(n)),
        (n, false) => format!("; {n} file{} skipped (`-v` says which and why)", plural(n)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
