//! Turns a document into LSP diagnostics: policy JSON through the linter's per-file pipeline (the same
//! codes and configuration as `tenet lint`), `.tenet` files through the property parser and the
//! prover's last verdicts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};
use tenet_diagnostics::{Diagnostic, LineIndex, Severity, Span};
use tenet_lint::pipeline::CheckedFile;
use tenet_lint::LintConfig;
use tenet_prove::{PropertyResult, Verdict};
use tenet_syntax::InputForm;

use crate::document::{range, Encoding};

/// Everything a lint run needs, owned so that it can run on another thread.
#[derive(Clone)]
pub struct LintInput {
    /// The text.
    pub text: Arc<str>,
    /// The path as users see it (relative to the workspace root when under it).
    pub display: String,
    /// The path `tenet.toml` globs are matched against.
    pub absolute: PathBuf,
    /// The configuration that applies.
    pub config: Arc<LintConfig>,
    /// Why the configuration could not be loaded (then the defaults apply).
    pub config_error: Option<String>,
}

/// Words whose presence makes a document that does not parse worth a syntax diagnostic: a JSON file
/// being written as a policy, not some other JSON file of the workspace.
const POLICY_WORDS: [&str; 5] = [
    "\"Statement\"",
    "\"Version\"",
    "\"Effect\"",
    "\"Policy\"",
    "\"PolicyVersion\"",
];

/// The tenet diagnostics of a policy document: empty for JSON that is not a policy.
pub fn lint(input: &LintInput) -> Vec<Diagnostic> {
    lint_checked(input).diagnostics
}

/// The whole check of a policy document (its policies too); no diagnostics for JSON that is not a
/// policy.
pub fn lint_checked(input: &LintInput) -> CheckedFile {
    let mut checked = tenet_lint::pipeline::check_bytes(
        &input.display,
        &input.absolute,
        input.text.as_bytes(),
        None,
        &input.config,
    );
    let quiet = match checked.form {
        InputForm::GrantList => true,
        InputForm::NotAPolicy => !POLICY_WORDS.iter().any(|w| input.text.contains(w)),
        _ => false,
    };
    if quiet {
        checked.diagnostics.clear();
    }
    checked
}

/// The LSP diagnostics of a policy document.
pub fn lint_lsp(input: &LintInput, uri: &Url, encoding: Encoding) -> Vec<lsp_types::Diagnostic> {
    let index = LineIndex::new(&input.text);
    let mut out: Vec<lsp_types::Diagnostic> = lint(input)
        .iter()
        .map(|d| to_lsp(d, uri, &index, &input.text, encoding))
        .collect();
    if let Some(e) = &input.config_error {
        out.insert(
            0,
            lsp_types::Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("tenet".into()),
                message: format!("{e}; the default configuration applies"),
                ..Default::default()
            },
        );
    }
    out
}

/// One tenet diagnostic as LSP's: the code, the rule in `data`, the help after the message, the labels
/// as related information.
pub fn to_lsp(d: &Diagnostic, uri: &Url, index: &LineIndex, text: &str, encoding: Encoding) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: range(index, text, l.span, encoding),
            },
            message: l.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(index, text, d.span, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.to_owned())),
        source: Some("tenet".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        data: Some(serde_json::json!({ "rule": d.rule, "fixable": d.fix.is_some() })),
        ..Default::default()
    }
}

/// The code of a syntax error in a `.tenet` file.
pub const PROPERTY_SYNTAX: &str = "tenet::prove::syntax";

/// The code of a path a `.tenet` file names outside the project (as `tenet prove` reports it).
pub const PROPERTY_OUTSIDE: &str = "tenet::prove::outside";

/// Where the paths a `.tenet` file names must stay, as `tenet prove` confines them to the current
/// directory: the server confines them to the workspace root (the file's own directory when there
/// is none).
pub struct Confinement<'a> {
    /// The `.tenet` file's directory (paths in it are relative to it).
    pub base: &'a Path,
    /// The directory every path must resolve into (canonical).
    pub root: &'a Path,
}

/// The diagnostic at the first path of the file that resolves outside the confinement.
fn outside(
    file: &tenet_prove::lang::ast::PropertyFile,
    confine: &Confinement<'_>,
    text: &str,
    index: &LineIndex,
    encoding: Encoding,
) -> Option<lsp_types::Diagnostic> {
    let (span, resolved) = tenet_prove::load::outside_root(confine.base, file, confine.root)?;
    let written = text.get(span.range()).unwrap_or_default().trim_matches('"');
    Some(lsp_types::Diagnostic {
        range: range(index, text, span, encoding),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(PROPERTY_OUTSIDE.into())),
        source: Some("tenet".into()),
        message: format!(
            "`{written}` is outside the project directory `{}`: it resolves to `{resolved}`, which tenet does not read",
            confine.root.display()
        ),
        ..Default::default()
    })
}

/// The diagnostics of a `.tenet` file: its syntax error, if any, a path it names outside the
/// confinement, and the verdicts of its last proof placed on the current line of each property
/// (found by name; at the proved span when the text does not parse now).
pub fn property_lsp(
    text: &str,
    verdicts: &[PropertyResult],
    prove_error: Option<&str>,
    encoding: Encoding,
    confine: Option<&Confinement<'_>>,
) -> Vec<lsp_types::Diagnostic> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let parsed = tenet_prove::lang::parse("", text);
    let spans: Vec<(String, Span)> = match &parsed {
        Ok(file) => {
            out.extend(confine.and_then(|c| outside(file, c, text, &index, encoding)));
            file.properties.iter().map(|p| (p.name.value.clone(), p.span)).collect()
        }
        Err(e) => {
            let start = e.span.offset();
            let span = Span::new(start, start + e.span.len());
            out.push(lsp_types::Diagnostic {
                range: range(&index, text, span, encoding),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String(PROPERTY_SYNTAX.into())),
                source: Some("tenet".into()),
                message: e.message.clone(),
                ..Default::default()
            });
            Vec::new()
        }
    };
    // A proof refused for a path outside the project is already shown at the path.
    let located = !out.is_empty() && prove_error.is_some_and(|e| e.contains("outside the project directory"));
    if let Some(e) = prove_error.filter(|_| !located) {
        out.push(lsp_types::Diagnostic {
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("tenet".into()),
            message: format!("cannot prove this file: {e}"),
            ..Default::default()
        });
    }
    for r in verdicts {
        let span = match &parsed {
            Ok(_) => match spans.iter().find(|(n, _)| *n == r.name) {
                Some((_, s)) => *s,
                None => continue,
            },
            Err(_) => r.span,
        };
        let line_end = text
            .get(span.start as usize..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| span.start as usize + i);
        let first_line = Span::new(
            span.start as usize,
            line_end.min(span.end as usize).max(span.start as usize),
        );
        let (severity, code) = match r.verdict {
            Verdict::Violated => (DiagnosticSeverity::ERROR, "PRV001"),
            Verdict::Unknown => (DiagnosticSeverity::INFORMATION, "PRV002"),
            Verdict::Holds => (DiagnosticSeverity::HINT, "PRV000"),
        };
        out.push(lsp_types::Diagnostic {
            range: range(&index, text, first_line, encoding),
            severity: Some(severity),
            code: Some(NumberOrString::String(code.into())),
            source: Some("tenet prove".into()),
            message: verdict_message(r),
            ..Default::default()
        });
    }
    out
}

/// "property `x` is violated: reason; counterexample: P does A on R with k = [v]".
pub fn verdict_message(r: &PropertyResult) -> String {
    let mut m = format!("property `{}` {}", r.name, r.verdict.as_str());
    if let Some(reason) = &r.reason {
        m.push_str(&format!(": {reason}"));
    }
    if let Some(c) = &r.counterexample {
        let label = if r.verdict == Verdict::Holds {
            "witness"
        } else {
            "counterexample"
        };
        m.push_str(&format!(
            "; {label}: `{}` does `{}` on `{}`",
            c.principal.as_str(),
            c.action,
            c.resource
        ));
        let context: Vec<String> = c
            .context
            .iter()
            .map(|(k, v)| format!("{k} = {:?}", v.as_slice()))
            .collect();
        if !context.is_empty() {
            m.push_str(&format!(" with {}", context.join(", ")));
        }
    }
    if let Some(e) = &r.explanation {
        m.push_str(&format!(" ({e})"));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> LintInput {
        LintInput {
            text: text.into(),
            display: "p.json".into(),
            absolute: PathBuf::from("/nonexistent/p.json"),
            config: Arc::new(LintConfig::default()),
            config_error: None,
        }
    }

    #[test]
    fn other_json_gets_nothing_but_a_broken_policy_gets_a_syntax_error() {
        assert!(lint(&input(r#"{"name": "pkg", "version": "1.0.0"}"#)).is_empty());
        assert!(lint(&input(r#"{"compilerOptions": {"#)).is_empty());
        let broken = lint(&input(
            "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",]}",
        ));
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].code.starts_with("SYN"));
    }

    #[test]
    fn ranges_follow_the_encoding() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"für\", \"Effect\": \"Alow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}";
        let uri = Url::parse("file:///p.json").unwrap();
        let d16 = lint_lsp(&input(text), &uri, Encoding::Utf16);
        let d8 = lint_lsp(&input(text), &uri, Encoding::Utf8);
        let effect = |ds: &[lsp_types::Diagnostic]| {
            ds.iter()
                .find(|d| d.message.contains("Alow"))
                .map(|d| d.range.start.character)
                .unwrap()
        };
        let byte = text.find("\"Alow\"").unwrap() as u32;
        assert_eq!(effect(&d8), byte);
        assert_eq!(effect(&d16), byte - 1, "`ü` is two bytes but one UTF-16 unit");
    }

    #[test]
    fn property_syntax_errors_are_located() {
        let ds = property_lsp("property x:\n  never allow\n", &[], None, Encoding::Utf16, None);
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!(ds[0].code, Some(NumberOrString::String(PROPERTY_SYNTAX.into())));
        assert!(ds[0].range.start.line >= 1, "{ds:?}");
    }
}
