//! GitHub Actions workflow commands (`--format github`): one annotation per finding.

use tenet_diagnostics::{escape_hidden, Severity};

use crate::report::FileResult;

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
