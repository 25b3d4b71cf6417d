//! Renders diagnostics as miette reports with the source snippet, for humans and for snapshots.

use crate::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
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
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

fn source_span(span: crate::Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len())
}

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
        match (&d.help, &d.fix) {
            (Some(h), Some(f)) => Some(Box::new(format!("{h}\nfix available: {}", f.title))),
            (Some(h), None) => Some(Box::new(h)),
            (None, Some(f)) => Some(Box::new(format!("fix available: {}", f.title))),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(None, source_span(d.span));
        let secondary = d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), source_span(l.span)));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// Renders `diagnostics` of one file as miette reports, one after another.
pub fn render_diagnostics(file_name: &str, source: &str, diagnostics: &[Diagnostic], options: RenderOptions) -> String {
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
        let report = Report {
            diagnostic,
            source: NamedSource::new(file_name, source.to_owned()),
        };
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
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
}
