//! The JSON report of lint results (`--format json`): a stable contract for scripts.

use serde::{Serialize, Serializer};
use tenet_diagnostics::{Diagnostic, LineCol, Severity};

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
