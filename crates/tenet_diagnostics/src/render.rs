//! Renders diagnostics as miette reports with the source snippet, for humans and for snapshots.
//! Each report is drawn from a bounded excerpt of the file (see [`crate::excerpt`]).

use crate::excerpt::{is_hidden, push_escaped, Excerpt};
use crate::{Diagnostic, LineIndex, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::borrow::Cow;
use std::fmt;

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Use colours (for a terminal).
    pub color: bool,
    /// Wrap width in columns.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Excerpt,
    /// The primary span and the shown secondary labels, in the excerpt.
    labels: Vec<LabeledSpan>,
    /// Secondary labels outside the excerpt, said in the help instead: `line:column: message`.
    elsewhere: Vec<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_hidden(&self.diagnostic.message))
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_hidden(&self.diagnostic.message))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}({})", self.diagnostic.code, self.diagnostic.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        let mut parts: Vec<String> = Vec::new();
        if let Some(p) = &d.policy {
            parts.push(policy_line(p));
        }
        if let Some(h) = &d.help {
            parts.push(escape_hidden(h).into_owned());
        }
        if let Some(f) = &d.fix {
            let kind = if f.safe { "fix" } else { "unsafe fix (`--unsafe-fixes`)" };
            parts.push(format!("{kind} available: {}", escape_hidden(&f.title)));
        }
        parts.extend(self.elsewhere.iter().cloned());
        (!parts.is_empty()).then(|| Box::new(parts.join("\n")) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl<'a> Report<'a> {
    fn new(file_name: &str, source: &str, index: &LineIndex, diagnostic: &'a Diagnostic) -> Self {
        let secondary: Vec<crate::Span> = diagnostic.labels.iter().map(|l| l.span).collect();
        let excerpt = Excerpt::new(file_name, source, index, diagnostic.span, &secondary);
        let mut labels = vec![LabeledSpan::new_primary_with_span(None, excerpt.primary_span())];
        let mut elsewhere = Vec::new();
        for l in &diagnostic.labels {
            let message = escape_hidden(&l.message).into_owned();
            match excerpt.secondary_span(source, index, l.span) {
                Some(span) => labels.push(LabeledSpan::new_with_span(Some(message), span)),
                None => {
                    let at = index.line_col(source, l.span.start);
                    elsewhere.push(format!("{file_name}:{}:{}: {message}", at.line, at.column));
                }
            }
        }
        Report {
            diagnostic,
            source: excerpt,
            labels,
            elsewhere,
        }
    }
}

/// The line that names the policy a finding is in, for files that hold several.
pub fn policy_line(policy: &crate::PolicyRef) -> String {
    let name = escape_hidden(&policy.name);
    if policy.aws_managed {
        format!("in {name}: an AWS managed policy, which AWS maintains; reported as info")
    } else {
        format!("in {name}")
    }
}

/// `text` with control characters (tab excepted) and bidirectional overrides written as `\u{…}`,
/// so that policy text cannot drive the terminal or hide what is shown.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    Cow::Owned(out)
}

/// Renders `diagnostics` of one file as miette reports, one after another.
pub fn render_diagnostics(file_name: &str, source: &str, diagnostics: &[Diagnostic], options: RenderOptions) -> String {
    render_diagnostics_indexed(file_name, source, &LineIndex::new(source), diagnostics, options)
}

/// [`render_diagnostics`] with the file's line index already built. Each diagnostic costs the size
/// of its excerpt (a few lines, long lines cut to a window), never the size of the file.
pub fn render_diagnostics_indexed(
    file_name: &str,
    source: &str,
    index: &LineIndex,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(options.width);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(file_name, source, index, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!(
                "{}: {}\n",
                diagnostic.code,
                escape_hidden(&diagnostic.message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    #[test]
    fn renders_the_snippet_and_the_code() {
        let src = "{\"Effect\": \"Alow\"}";
        let d = Diagnostic::new(
            "SYN010",
            "invalid-effect",
            Severity::Error,
            Span::new(11, 17),
            "invalid effect `Alow`",
        )
        .with_help("use `Allow` or `Deny`");
        let out = render_diagnostics("p.json", src, &[d], RenderOptions::default());
        assert!(out.contains("SYN010(invalid-effect)"), "{out}");
        assert!(out.contains("invalid effect `Alow`"), "{out}");
        assert!(out.contains("p.json:1:12"), "{out}");
        assert!(out.contains("use `Allow` or `Deny`"), "{out}");
    }

    #[test]
    fn a_finding_past_column_65535_renders_a_window_with_the_real_position() {
        let src = format!(
            "{{\"Statement\":[{}{{\"Effect\":\"Alow\"}}]}}",
            "{\"Effect\":\"Allow\"},".repeat(8000)
        );
        let at = src.rfind("\"Alow\"").unwrap();
        assert!(at > 100_000);
        let d = Diagnostic::new(
            "SYN010",
            "invalid-effect",
            Severity::Error,
            Span::new(at, at + 6),
            "bad",
        );
        let out = render_diagnostics("p.json", &src, &[d], RenderOptions::default());
        assert!(out.contains(&format!("p.json:1:{}", at + 1)), "{out}");
        assert!(out.contains(" │ …") && out.contains("{\"Effect\":\"Alow\"}]}"), "{out}");
        assert!(out.contains("──────"), "{out}");
        assert!(out.len() < 2_000, "{} bytes", out.len());
    }

    #[test]
    fn control_characters_are_escaped_in_messages_and_snippets() {
        let src = "{\"Sid\": \"a\u{1b}[31mred\u{202e}\"}";
        let at = src.find('a').unwrap();
        let d = Diagnostic::new("X", "x", Severity::Warning, Span::new(at, at + 1), "sid `\u{1b}[2J`")
            .with_help("\u{7}bell");
        let out = render_diagnostics("p.json", src, &[d], RenderOptions::default());
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
            "{out:?}"
        );
        assert!(out.contains("sid `\\u{1b}[2J`"), "{out}");
        assert!(out.contains("a\\u{1b}[31mred\\u{202e}"), "{out}");
        assert!(out.contains("\\u{7}bell"), "{out}");
    }

    #[test]
    fn a_label_far_from_the_finding_is_named_in_the_help() {
        let src = format!("{{\n\"A\": 1,{}\n\"B\": 2\n}}", "\n".repeat(50));
        let a = src.find("\"A\"").unwrap();
        let b = src.find("\"B\"").unwrap();
        let d = Diagnostic::new("X", "x", Severity::Warning, Span::new(b, b + 3), "here")
            .with_label(Span::new(a, a + 3), "shadowed by this");
        let out = render_diagnostics("p.json", &src, &[d], RenderOptions::default());
        assert!(out.contains("p.json:2:1: shadowed by this"), "{out}");
        assert!(out.contains("p.json:53:1"), "{out}");
    }

    #[test]
    fn a_long_multi_line_span_shows_a_bounded_number_of_lines() {
        let src = format!("[\n{}]", "  1,\n".repeat(1000));
        let d = Diagnostic::new("X", "x", Severity::Warning, Span::new(0, src.len()), "all of it");
        let out = render_diagnostics("p.json", &src, &[d], RenderOptions::default());
        assert!(out.lines().count() < 40, "{out}");
        assert!(out.contains("p.json:1:1"), "{out}");
    }
}
