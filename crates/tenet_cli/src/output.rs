//! Human, JSON and GitHub-annotation renderings of lint results.

use serde_json::json;
use tenet_diagnostics::{render_diagnostics, Diagnostic, RenderOptions, Severity};

use crate::report::FileResult;

/// The JSON contract: `{"version":1,"diagnostics":[...],"summary":{...}}`.
pub fn render_json(results: &[FileResult]) -> String {
    let mut diagnostics = Vec::new();
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    for r in results {
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
            diagnostics.push(diagnostic_json(r, d));
        }
    }
    let value = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {
            "files": results.iter().filter(|r| r.skipped.is_none()).count(),
            "skipped": results.iter().filter(|r| r.skipped.is_some()).count(),
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
        }
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}

fn diagnostic_json(r: &FileResult, d: &Diagnostic) -> serde_json::Value {
    let start = r.line_index.line_col(&r.source, d.span.start);
    let end = r.line_index.line_col(&r.source, d.span.end);
    let mut v = json!({
        "file": r.display,
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "start": start,
        "end": end,
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(h) = &d.help {
            obj.insert("help".into(), json!(h));
        }
        if let Some(f) = &d.fix {
            let edits: Vec<_> = f
                .edits
                .iter()
                .map(|e| json!({"start": e.span.start, "end": e.span.end, "replacement": e.replacement}))
                .collect();
            obj.insert("fix".into(), json!({"title": f.title, "edits": edits}));
        }
        if !d.labels.is_empty() {
            let labels: Vec<_> = d
                .labels
                .iter()
                .map(|l| json!({"message": l.message, "start": r.line_index.line_col(&r.source, l.span.start), "end": r.line_index.line_col(&r.source, l.span.end)}))
                .collect();
            obj.insert("labels".into(), json!(labels));
        }
    }
    v
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

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// miette reports with snippets, then a summary line.
pub fn render_human(results: &[FileResult], color: bool, verbose: bool) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut infos, mut files) = (0, 0, 0, 0);
    for r in results {
        if let Some(why) = &r.skipped {
            if verbose {
                out.push_str(&format!("note: skipped {}: {why}\n", r.display));
            }
            continue;
        }
        files += 1;
        if r.diagnostics.is_empty() {
            continue;
        }
        let width = terminal_width();
        out.push_str(&render_diagnostics(
            &r.display,
            &r.source,
            &r.diagnostics,
            RenderOptions { color, width },
        ));
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
        }
    }
    out.push_str(&format!(
        "{files} file{} checked: {errors} error{}, {warnings} warning{}, {infos} info\n",
        plural(files),
        plural(errors),
        plural(warnings)
    ));
    out
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
