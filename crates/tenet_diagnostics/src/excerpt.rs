//! A bounded window of a source file around one diagnostic, the only text miette ever sees.
//!
//! miette scans its source from the first byte for every span it reads and formats columns with
//! padding widths that panic past 65,535. Minified policies put megabytes and thousands of findings
//! on one line, so each diagnostic is rendered against an excerpt instead: the lines of its primary
//! span (at most [`MAX_SPAN_LINES`]) with one line of context either side, every line longer than
//! [`MAX_LINE_BYTES`] cut to a window around the finding, and control characters escaped. The
//! excerpt reports real line numbers and the real column of the finding, so the output reads as
//! if the whole file had been shown. Building one costs the size of the excerpt, not of the file.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::{LineIndex, Span};

/// The longest line shown whole; longer lines are cut to a window around the finding.
const MAX_LINE_BYTES: usize = 240;
/// Bytes of a cut line shown before the finding's start.
const BEFORE_BYTES: usize = 60;
/// Bytes of a cut line shown in all.
const WINDOW_BYTES: usize = 180;
/// Lines of a multi-line span shown; the highlight stops at the last one.
const MAX_SPAN_LINES: usize = 12;
/// What stands for the cut part of a line.
const ELLIPSIS: &str = "…";

/// One line of the excerpt: which bytes of the source it shows and where they are in the excerpt.
struct ShownLine {
    /// The first source byte shown.
    from: usize,
    /// One past the last source byte shown.
    to: usize,
    /// Where the shown bytes start in the excerpt text (after any ellipsis).
    at: usize,
    /// Where the shown bytes end in the excerpt text (before any ellipsis).
    end: usize,
}

/// The excerpt of one diagnostic, usable as miette's source.
pub(crate) struct Excerpt {
    name: String,
    text: String,
    /// The 0-based source line of the excerpt's first line.
    first_line: usize,
    lines: Vec<ShownLine>,
    /// The primary span in the excerpt, and its real 0-based line and column.
    primary: (SourceSpan, usize, usize),
}

impl Excerpt {
    /// The excerpt of `source` around `primary`.
    /// Secondary spans whose start is within [`MAX_SPAN_LINES`] lines of the primary span are shown
    /// too (with their context line); the others are left to the caller.
    pub(crate) fn new(name: &str, source: &str, index: &LineIndex, primary: Span, secondary: &[Span]) -> Self {
        let len = source.len();
        let start = floor_boundary(source, (primary.start as usize).min(len));
        let end = ceil_boundary(source, (primary.end as usize).clamp(start, len));
        let span_line = index.line_of_offset(start as u32);
        let end_line = index.line_of_offset(end.saturating_sub(1).max(start) as u32);
        let last_span_line = end_line.min(span_line + MAX_SPAN_LINES - 1);
        let near = secondary
            .iter()
            .map(|s| index.line_of_offset(s.start.min(len as u32)))
            .filter(|&l| l + MAX_SPAN_LINES > span_line && l < last_span_line + MAX_SPAN_LINES);
        let first_shown = near.clone().fold(span_line, usize::min);
        let last_shown = near.fold(last_span_line, usize::max);
        let first_line = first_shown.saturating_sub(1);
        let last_line = (last_shown + 1).min(index.line_count() - 1);
        let line_start = index.line_start(span_line).map_or(0, |s| s as usize);
        let cut_from = (start - line_start).saturating_sub(BEFORE_BYTES);
        let mut text = String::new();
        let mut lines = Vec::with_capacity(last_line - first_line + 1);
        for line in first_line..=last_line {
            if line > first_line {
                text.push('\n');
            }
            let (ls, le) = line_bounds(source, index, line);
            let (from, to) = if le - ls > MAX_LINE_BYTES {
                let from = ceil_boundary(source, (ls + cut_from).min(le));
                (from, floor_boundary(source, (from + WINDOW_BYTES).min(le)).max(from))
            } else {
                (ls, le)
            };
            if from > ls {
                text.push_str(ELLIPSIS);
            }
            let at = text.len();
            // `from` and `to` are char boundaries (line starts and ends, or moved to one).
            push_escaped(&mut text, source.get(from..to).unwrap_or_default());
            let shown_end = text.len();
            if to < le {
                text.push_str(ELLIPSIS);
            }
            lines.push(ShownLine {
                from,
                to,
                at,
                end: shown_end,
            });
        }
        let mut excerpt = Excerpt {
            name: name.to_owned(),
            text,
            first_line,
            lines,
            primary: (SourceSpan::from(0..0), 0, 0),
        };
        let s = excerpt.map(source, index, start).unwrap_or(0);
        let e = if end_line > last_span_line {
            excerpt.line_end(last_span_line)
        } else {
            excerpt.map(source, index, end).unwrap_or(s)
        };
        let real = index.line_col(source, start as u32);
        excerpt.primary = (
            SourceSpan::from(s..e.max(s)),
            real.line.saturating_sub(1) as usize,
            real.column.saturating_sub(1) as usize,
        );
        excerpt
    }

    /// The primary span in the excerpt.
    pub(crate) fn primary_span(&self) -> SourceSpan {
        self.primary.0
    }

    /// A secondary span in the excerpt, or `None` when its start is not shown.
    pub(crate) fn secondary_span(&self, source: &str, index: &LineIndex, span: Span) -> Option<SourceSpan> {
        let len = source.len();
        let start = floor_boundary(source, (span.start as usize).min(len));
        let end = ceil_boundary(source, (span.end as usize).clamp(start, len));
        let s = self.map(source, index, start)?;
        let start_line = index.line_of_offset(start as u32);
        let visible = self.lines.get(start_line.checked_sub(self.first_line)?)?;
        if start < visible.from || start > visible.to {
            return None;
        }
        let e = self
            .map(source, index, end)
            .unwrap_or_else(|| self.line_end(start_line));
        Some(SourceSpan::from(s..e.max(s)))
    }

    /// Where source byte `offset` is in the excerpt: its line must be shown; offsets left or right
    /// of the shown window stick to its edges.
    fn map(&self, source: &str, index: &LineIndex, offset: usize) -> Option<usize> {
        let line = index.line_of_offset(offset as u32);
        let shown = self.lines.get(line.checked_sub(self.first_line)?)?;
        if offset <= shown.from {
            return Some(shown.at);
        }
        if offset >= shown.to {
            return Some(shown.end);
        }
        let mut escaped = String::new();
        let before = source
            .get(shown.from..floor_boundary(source, offset))
            .unwrap_or_default();
        push_escaped(&mut escaped, before);
        Some(shown.at + escaped.len())
    }

    /// The end of the shown part of source line `line` in the excerpt.
    fn line_end(&self, line: usize) -> usize {
        line.checked_sub(self.first_line)
            .and_then(|i| self.lines.get(i))
            .map_or(self.text.len(), |l| l.end)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let (line, column) = if *span == self.primary.0 && before == 0 {
            (self.primary.1, self.primary.2)
        } else {
            (inner.line() + self.first_line, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            // miette's own reader counts the lines from the start of the file, and decides from
            // that count whether two snippets merge: count the same way.
            inner.line_count() + self.first_line,
        )))
    }
}

/// The byte range of 0-based `line`, without its line break (`\n` or `\r\n`).
fn line_bounds(source: &str, index: &LineIndex, line: usize) -> (usize, usize) {
    let start = index.line_start(line).map_or(source.len(), |s| s as usize);
    let mut end = index.line_start(line + 1).map_or(source.len(), |s| s as usize - 1);
    if end > start && source.as_bytes().get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    (start, end.max(start))
}

/// The largest character boundary at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest character boundary at or after `i`.
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Whether `c` must not reach a terminal raw: control characters (tab excepted) and the
/// invisible characters that reorder text (bidirectional overrides and isolates).
pub(crate) fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Appends `s` with every hidden character written as `\u{…}`.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
}
