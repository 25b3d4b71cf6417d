//! Reads YAML (CloudFormation's YAML form) into the value tree with byte spans, using saphyr.
//!
//! Short-form tags become the long form CloudFormation's JSON uses: `!Sub x` is read as
//! `{"Fn::Sub": x}`, `!Ref x` as `{"Ref": x}`, `!GetAtt A.B` as `{"Fn::GetAtt": "A.B"}`, so one
//! intrinsic evaluator serves both forms.

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::Parser;
use tenet_diagnostics::Span;

use crate::tree::{Kind, Node, Text};

/// Converts saphyr's character indices to byte offsets.
struct Offsets {
    /// `bytes[i]` is the byte offset of character `i`; empty when the text is ASCII.
    bytes: Vec<u32>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let bytes = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
                .collect()
        };
        Offsets { bytes, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            char_index.min(self.len)
        } else {
            self.bytes.get(char_index).map_or(self.len, |&b| b as usize)
        }
    }
}

/// A YAML syntax error: the message and the byte offset.
pub(crate) struct YamlError {
    pub message: String,
    pub at: usize,
}

/// Parses the first document of `text`. `Ok(None)` for an empty stream.
pub(crate) fn read_yaml(text: &str) -> Result<Option<Node>, YamlError> {
    let offsets = Offsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let loaded = parser.load(&mut loader, true).err().or_else(|| loader.error().cloned());
    if let Some(e) = loaded {
        return Err(YamlError {
            message: e.info().to_owned(),
            at: offsets.byte(e.marker().index()),
        });
    }
    let docs = loader.into_documents();
    let reader = Reader { text, offsets };
    Ok(docs.first().map(|d| reader.node(d)))
}

struct Reader<'a> {
    text: &'a str,
    offsets: Offsets,
}

impl Reader<'_> {
    fn span(&self, n: &MarkedYaml<'_>) -> Span {
        let start = self.offsets.byte(n.span.start.index());
        let mut end = self.offsets.byte(n.span.end.index()).max(start);
        // A flow collection's end marker is at its closing bracket: include it.
        let flow = matches!(
            n.data,
            YamlData::Sequence(_) | YamlData::Mapping(_) | YamlData::Tagged(..)
        );
        if flow && matches!(self.text.as_bytes().get(end), Some(b']' | b'}')) {
            end += 1;
        }
        // A block collection ends where the next token starts: trailing blank lines and comments
        // are not part of it.
        // The span keeps at least its first character, whole: a scalar of Unicode whitespace (`　`)
        // trims to nothing, and one byte of it would cut the character.
        let shown = self.text.get(start..end).unwrap_or_default();
        let first = shown.chars().next().map_or(0, char::len_utf8);
        let trimmed = shown.trim_end().len().max(first);
        Span::new(start, start + trimmed.min(end - start))
    }

    fn node(&self, n: &MarkedYaml<'_>) -> Node {
        let span = self.span(n);
        let kind = match &n.data {
            YamlData::Representation(value, style, tag) => {
                let scalar = self.scalar(value, *style, span);
                match tag.as_ref().and_then(|t| intrinsic_name(&t.handle, &t.suffix)) {
                    Some(name) => wrap(name, Node { kind: scalar, span }, span),
                    None => scalar,
                }
            }
            YamlData::Sequence(items) => Kind::List(items.iter().map(|i| self.node(i)).collect()),
            YamlData::Mapping(map) => Kind::Map(map.iter().map(|(k, v)| (self.node(k), self.node(v))).collect()),
            YamlData::Tagged(tag, inner) => {
                let inner = self.node(inner);
                match intrinsic_name(&tag.handle, &tag.suffix) {
                    Some(name) => wrap(name, inner, span),
                    None => inner.kind,
                }
            }
            YamlData::Value(v) => Kind::Str(Text::synthetic(&format!("{v:?}"), span)),
            YamlData::Alias(_) | YamlData::BadValue => Kind::Null,
        };
        Node { kind, span }
    }

    fn scalar(&self, value: &str, style: ScalarStyle, span: Span) -> Kind {
        let mut raw = self
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default();
        let mut start = span.start as usize;
        // A tag written before the scalar (`!Sub "..."`) is not part of its text.
        if raw.starts_with('!') {
            let rest = raw
                .split_once(char::is_whitespace)
                .map_or("", |(_, rest)| rest.trim_start());
            start += raw.len() - rest.len();
            raw = rest;
        }
        if style == ScalarStyle::Plain {
            match value {
                "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
                "true" | "True" | "TRUE" => return Kind::Bool(true),
                "false" | "False" | "FALSE" => return Kind::Bool(false),
                _ if is_number(value) => return Kind::Number(value.to_owned()),
                _ => {}
            }
        }
        let (source, base) = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => match raw.get(1..raw.len().saturating_sub(1)) {
                Some(inner) if raw.len() >= 2 => (inner, start + 1),
                _ => (raw, start),
            },
            _ => (raw, start),
        };
        Kind::Str(Text::aligned(value, source, base))
    }
}

/// YAML 1.2 core-schema numbers (what CloudFormation reads as numbers).
fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && s.parse::<f64>().is_ok()
}

/// The long-form key of a short-form tag (`!Sub` -> `Fn::Sub`), or `None` for other tags.
fn intrinsic_name(handle: &str, suffix: &str) -> Option<String> {
    if handle != "!" {
        return None;
    }
    match suffix {
        "Ref" | "Condition" => Some(suffix.to_owned()),
        "Sub" | "GetAtt" | "Join" | "If" | "Select" | "Split" | "Base64" | "ImportValue" | "GetAZs" | "FindInMap"
        | "Cidr" | "And" | "Or" | "Not" | "Equals" | "Transform" | "Length" | "ToJsonString" => {
            Some(format!("Fn::{suffix}"))
        }
        _ => None,
    }
}

fn wrap(name: String, inner: Node, span: Span) -> Kind {
    let key_span = Span::new(span.start as usize, span.start as usize + 1);
    let key = Node {
        kind: Kind::Str(Text::synthetic(&name, key_span)),
        span: key_span,
    };
    Kind::Map(vec![(key, inner)])
}
