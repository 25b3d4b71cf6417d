//! The value tree every reader builds from a template (CloudFormation, Terraform source or plan)
//! and its emission as JSON text with an offset table: the table becomes a
//! [`tenet_syntax::json::OffsetMap`], the same mechanism that maps an embedded policy string back
//! to its outer file, so every diagnostic of the policy lands at the template's own bytes.
//!
//! Values the template does not fix (intrinsics, interpolations, references) are [`Piece::Sym`]
//! pieces of a string or whole [`Kind::Sym`] values. They are written into the policy text as
//! `${label}` placeholders and recorded as [`Unresolved`] spans, which the caller uses to keep
//! findings off them and to mark the policy as not fully known.

use tenet_diagnostics::Span;

/// A value of a template, with the span of its source.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// A number as written.
    Number(String),
    Str(Text),
    List(Vec<Node>),
    /// Members in order; keys are literal text.
    Map(Vec<(Node, Node)>),
    /// A whole value the template does not fix; the label says what it stands for.
    Sym(String),
}

/// A string made of literal pieces and unresolved pieces.
#[derive(Clone, Debug, Default)]
pub(crate) struct Text {
    pub pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
pub(crate) enum Piece {
    /// Literal text; `at[i]` is the file offset of byte `i`, `at[len]` the end.
    Lit { text: String, at: Vec<u32> },
    /// A part the template does not fix.
    Sym { label: String, span: Span },
}

/// A value left unresolved, in file offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The unresolved part itself (`${Bucket}` of a `!Sub`, or a whole `!Ref`).
    pub at: Span,
    /// The string or value it is part of.
    pub within: Span,
    /// Whether the whole value is unresolved (not a piece of a string).
    pub whole: bool,
}

fn u32_of(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Node {
    /// A value found elsewhere in the template (a parameter's default, a resource's name, a
    /// variable), placed at its reference `span`: a finding about it points where it is used.
    pub fn relocated(&self, span: Span) -> Node {
        let kind = match &self.kind {
            Kind::Str(t) => match t.literal() {
                Some(text) => Kind::Str(Text::synthetic(&text, span)),
                None => Kind::Str(t.clone()),
            },
            Kind::List(items) => Kind::List(items.iter().map(|i| i.relocated(span)).collect()),
            other => other.clone(),
        };
        Node { kind, span }
    }
}

impl Text {
    /// Literal text whose bytes sit at `at` (`at.len() == text.len() + 1`).
    pub fn lit(text: String, at: Vec<u32>) -> Text {
        Text {
            pieces: vec![Piece::Lit { text, at }],
        }
    }

    /// Literal text read from `source` (the raw bytes the value was written as) at `base`.
    pub fn aligned(text: &str, source: &str, base: usize) -> Text {
        Text::lit(text.to_owned(), align(text, source, base))
    }

    /// Literal text that has no exact source: every byte maps to `span`'s start.
    pub fn synthetic(text: &str, span: Span) -> Text {
        let mut at = vec![span.start; text.len()];
        at.push(span.end);
        Text::lit(text.to_owned(), at)
    }

    pub fn sym(label: &str, span: Span) -> Text {
        Text {
            pieces: vec![Piece::Sym {
                label: label.to_owned(),
                span,
            }],
        }
    }

    pub fn push(&mut self, other: Text) {
        self.pieces.extend(other.pieces);
    }

    /// The text when every piece is literal.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit { text, .. } => out.push_str(text),
                Piece::Sym { .. } => return None,
            }
        }
        Some(out)
    }

    /// The text, read as JSON, with `${label}` for the unresolved pieces (quoted when one stands
    /// outside a JSON string, as `"Action": ${jsonencode(var.actions)}` does), and the table of
    /// file offsets.
    pub fn flatten(&self, span: Span) -> (String, Vec<u32>) {
        let mut text = String::new();
        let mut at = Vec::new();
        let (mut in_string, mut escaped) = (false, false);
        for p in &self.pieces {
            match p {
                Piece::Lit { text: t, at: a } => {
                    text.push_str(t);
                    at.extend(a.iter().take(t.len()));
                    for c in t.chars() {
                        match c {
                            _ if escaped => escaped = false,
                            '\\' if in_string => escaped = true,
                            '"' => in_string = !in_string,
                            _ => {}
                        }
                    }
                }
                Piece::Sym { label, span } => {
                    let mut placeholder = placeholder(label);
                    if !in_string {
                        placeholder = format!("\"{placeholder}\"");
                    }
                    at.extend(std::iter::repeat_n(span.start, placeholder.len()));
                    text.push_str(&placeholder);
                }
            }
        }
        let end = match self.pieces.last() {
            Some(Piece::Lit { at: a, .. }) => a.last().copied().unwrap_or(span.end),
            Some(Piece::Sym { span, .. }) => span.end,
            None => span.end,
        };
        at.push(end);
        (text, at)
    }
}

/// `${label}`, with characters that would end the placeholder or a JSON string replaced. Colons
/// become dots (`${AWS.AccountId}`), so a placeholder inside an ARN keeps the ARN's fields where
/// they are.
pub(crate) fn placeholder(label: &str) -> String {
    let clean: String = label
        .replace("::", ".")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "._-/[]@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("${{{clean}}}")
}

/// Maps each byte of `value` (a decoded string) to the file offset of the source character it came
/// from, where `source` is how it was written at `base`. Escapes and indentation are matched by
/// looking ahead; a character with no match maps to the current source position.
pub(crate) fn align(value: &str, source: &str, base: usize) -> Vec<u32> {
    if value == source {
        return (0..=value.len()).map(|i| u32_of(base + i)).collect();
    }
    let src: Vec<(usize, char)> = source.char_indices().collect();
    let mut out = Vec::with_capacity(value.len() + 1);
    let mut j = 0;
    for ch in value.chars() {
        let at = match lookahead(&src, j, ch) {
            Some((k, offset)) => {
                j = k + 1;
                offset
            }
            None => src.get(j).map_or(source.len(), |c| c.0),
        };
        out.extend(std::iter::repeat_n(u32_of(base + at), ch.len_utf8()));
    }
    out.push(u32_of(base + source.len()));
    out
}

/// The index and byte offset of the next source character equal to `ch` from `j`, passing over at
/// most 8 other characters that are not whitespace (escapes, a block scalar's header; indentation
/// is free).
fn lookahead(src: &[(usize, char)], j: usize, ch: char) -> Option<(usize, usize)> {
    let mut skipped = 0;
    for (k, &(offset, c)) in src.iter().enumerate().skip(j) {
        if c == ch {
            return Some((k, offset));
        }
        if !c.is_whitespace() {
            skipped += 1;
            if skipped > 8 {
                return None;
            }
        }
    }
    None
}

/// JSON text of a tree, its offset table and the unresolved values in it.
pub(crate) struct Emitted {
    pub text: String,
    pub table: Vec<u32>,
    pub unresolved: Vec<Unresolved>,
}

/// Writes `node` as JSON. Every byte gets the file offset of what it came from; a separator or a
/// closing bracket gets the end of the value before it, so each value's span maps back exactly.
pub(crate) fn emit(node: &Node) -> Emitted {
    let mut e = Emitted {
        text: String::new(),
        table: Vec::new(),
        unresolved: Vec::new(),
    };
    e.node(node);
    e.table.push(node.span.end);
    e
}

impl Emitted {
    fn push(&mut self, s: &str, at: u32) {
        self.text.push_str(s);
        self.table.extend(std::iter::repeat_n(at, s.len()));
    }

    fn node(&mut self, n: &Node) {
        match &n.kind {
            Kind::Null => self.push("null", n.span.start),
            Kind::Bool(b) => self.push(if *b { "true" } else { "false" }, n.span.start),
            Kind::Number(s) => self.push(s, n.span.start),
            Kind::Str(t) => self.string(t, n.span, false),
            Kind::Sym(label) => self.string(&Text::sym(label, n.span), n.span, true),
            Kind::List(items) => {
                self.push("[", n.span.start);
                let mut last = n.span.start + 1;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.push(",", last);
                    }
                    self.node(item);
                    last = item.span.end;
                }
                self.push("]", last);
            }
            Kind::Map(members) => {
                self.push("{", n.span.start);
                let mut last = n.span.start + 1;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        self.push(",", last);
                    }
                    self.node(k);
                    self.push(":", k.span.end);
                    self.node(v);
                    last = v.span.end;
                }
                self.push("}", last);
            }
        }
    }

    fn string(&mut self, t: &Text, span: Span, whole: bool) {
        self.push("\"", span.start);
        let mut last = span.start;
        for p in &t.pieces {
            match p {
                Piece::Lit { text, at } => {
                    for (i, ch) in text.char_indices() {
                        let o = at.get(i).copied().unwrap_or(last);
                        let mut buf = [0u8; 4];
                        match ch {
                            '"' => self.push("\\\"", o),
                            '\\' => self.push("\\\\", o),
                            c if (c as u32) < 0x20 => self.push(&format!("\\u{:04x}", c as u32), o),
                            c => self.push(c.encode_utf8(&mut buf), o),
                        }
                    }
                    last = at.last().copied().unwrap_or(last);
                }
                Piece::Sym { label, span: s } => {
                    self.push(&placeholder(label), s.start);
                    self.unresolved.push(Unresolved {
                        at: *s,
                        within: span,
                        whole,
                    });
                    last = s.end;
                }
            }
        }
        self.push("\"", last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn align_follows_escapes() {
        // `\"` in the source is one character of the value.
        let at = align("a\"b", "a\\\"b", 10);
        assert_eq!(at, vec![10, 12, 13, 14]);
        let same = align("abc", "abc", 5);
        assert_eq!(same, vec![5, 6, 7, 8]);
    }

    #[test]
    fn emitted_spans_map_back() {
        let src = "k: v";
        let key = Node {
            kind: Kind::Str(Text::aligned("k", "k", 0)),
            span: Span::new(0, 1),
        };
        let value = Node {
            kind: Kind::Str(Text::aligned("v", "v", 3)),
            span: Span::new(3, 4),
        };
        let map = Node {
            kind: Kind::Map(vec![(key, value)]),
            span: Span::new(0, 4),
        };
        let e = emit(&map);
        assert_eq!(e.text, r#"{"k":"v"}"#);
        let m = tenet_syntax::json::OffsetMap::from_table(e.table);
        let v = tenet_syntax::json::parse_json(&e.text, &m).unwrap();
        let member = &v.as_object().unwrap()[0];
        assert_eq!(src.get(member.key.span.range()), Some("k"));
        assert_eq!(src.get(member.value.span.range()), Some("v"));
    }
}
