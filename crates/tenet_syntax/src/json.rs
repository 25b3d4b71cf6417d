//! A span-exact, strict (RFC 8259) JSON tree, read with `jsonc-parser` in strict mode.
//!
//! Objects keep every member in order, duplicates included: IAM and serde_json treat duplicate keys
//! differently, so the lowering reports them instead of silently picking one. Spans are byte offsets in
//! the *outer* file: a document read from inside a JSON string is parsed from the decoded text and its
//! spans are mapped back through an [`OffsetMap`].

use jsonc_parser::ast;
use jsonc_parser::errors::ParseErrorKind;
use tenet_diagnostics::{Diagnostic, Severity, Span, Spanned};

use crate::codes;

/// The nesting depth jsonc-parser refuses beyond (policies nest about six levels).
pub const MAX_DEPTH: usize = 512;

/// A JSON value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonValue {
    /// The value.
    pub kind: JsonKind,
    /// Where it was read from.
    pub span: Span,
}

/// The kinds of JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonKind {
    /// `{...}`, members in order, duplicates kept.
    Object(Vec<Member>),
    /// `[...]`.
    Array(Vec<JsonValue>),
    /// A string, decoded.
    String(String),
    /// A number, as written.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// One `"key": value` member.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, decoded, with the span of the quoted key.
    pub key: Spanned<String>,
    /// The value.
    pub value: JsonValue,
}

impl JsonValue {
    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            JsonKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first member named exactly `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        self.as_object()?.iter().find(|m| m.key.value == key).map(|m| &m.value)
    }

    /// The first member named exactly `key`, taken out of this value if it is an object.
    pub fn into_member(self, key: &str) -> Option<JsonValue> {
        match self.kind {
            JsonKind::Object(members) => members.into_iter().find(|m| m.key.value == key).map(|m| m.value),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            JsonKind::Object(_) => "an object",
            JsonKind::Array(_) => "an array",
            JsonKind::String(_) => "a string",
            JsonKind::Number(_) => "a number",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Null => "null",
        }
    }
}

/// Maps byte offsets of a decoded text back to the outer file. `None` is the identity.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// `map[i]` is the outer offset where decoded byte `i` starts; `map[len]` is the outer end.
    map: Option<Vec<u32>>,
}

impl OffsetMap {
    /// The identity map, for text read straight from the file.
    pub fn identity() -> Self {
        OffsetMap { map: None }
    }

    /// A map from an explicit table (`table.len() == decoded.len() + 1`).
    pub fn from_table(table: Vec<u32>) -> Self {
        OffsetMap { map: Some(table) }
    }

    /// Maps one decoded offset.
    pub fn offset(&self, i: usize) -> u32 {
        match &self.map {
            None => u32::try_from(i).unwrap_or(u32::MAX),
            Some(m) => m.get(i).or(m.last()).copied().unwrap_or(0),
        }
    }

    /// Maps a decoded span.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (s, e) = (self.offset(start), self.offset(end));
        Span {
            start: s,
            end: e.max(s),
        }
    }

    /// Composes: `self` maps decoded text `B` into `A`, `inner` maps text `C` into `B`; the result maps
    /// `C` into `A`.
    #[must_use]
    pub fn compose(&self, inner: &OffsetMap) -> OffsetMap {
        match (&self.map, &inner.map) {
            (_, None) => self.clone(),
            (None, Some(_)) => inner.clone(),
            (Some(_), Some(m)) => OffsetMap::from_table(m.iter().map(|&i| self.offset(i as usize)).collect()),
        }
    }
}

fn strict_options() -> jsonc_parser::ParseOptions {
    jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text` strictly. `map` maps offsets in `text` to the outer file. A syntax error is a
/// located diagnostic, never a panic.
pub fn parse_json(text: &str, map: &OffsetMap) -> Result<JsonValue, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::new(
                codes::EMPTY_FILE.0,
                codes::EMPTY_FILE.1,
                Severity::Error,
                map.span(0, text.len()),
                "empty file",
            )
            .with_help("a policy is a JSON object with a `Statement` element"),
        ));
    }
    if let Some(at) = control_char_in_string(text) {
        return Err(Box::new(syntax_error(
            map.span(at, at + 1),
            "unescaped control character in a string",
            None,
        )));
    }
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &strict_options());
    match parsed {
        Ok(result) => match result.value {
            Some(v) => Ok(convert(&v, map)),
            None => Err(Box::new(syntax_error(map.span(0, text.len()), "no JSON value", None))),
        },
        Err(e) => {
            let range = e.range();
            let help = match e.kind() {
                ParseErrorKind::TrailingCommasNotAllowed => Some("remove the trailing comma"),
                ParseErrorKind::CommentsNotAllowed => Some("JSON has no comments: use a `Sid` to describe a statement"),
                ParseErrorKind::SingleQuotedStringsNotAllowed => Some("use double quotes"),
                ParseErrorKind::NestingDepthExceeded => Some("policies nest a few levels; this file is not a policy"),
                _ => None,
            };
            let message = lowercase_first(&e.kind().to_string());
            Err(Box::new(syntax_error(map.span(range.start, range.end), &message, help)))
        }
    }
}

fn syntax_error(span: Span, message: &str, help: Option<&str>) -> Diagnostic {
    let d = Diagnostic::new(
        codes::JSON_SYNTAX.0,
        codes::JSON_SYNTAX.1,
        Severity::Error,
        span,
        message,
    );
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c
            .to_lowercase()
            .chain(chars)
            .collect::<String>()
            .trim_end_matches('.')
            .to_owned(),
        None => String::new(),
    }
}

/// RFC 8259 forbids raw control characters inside strings; jsonc-parser accepts them.
fn control_char_in_string(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // From quote to quote: outside strings only a quote matters.
    while let Some(open) = position_from(bytes, i, |b| b == b'"') {
        i = open + 1;
        // Inside, up to the closing quote, skipping the byte after each backslash.
        loop {
            let k = position_from(bytes, i, |b| b == b'"' || b == b'\\' || b < 0x20)?;
            match bytes.get(k).copied()? {
                b'"' => {
                    i = k + 1;
                    break;
                }
                b'\\' => i = k + 2,
                _ => return Some(k),
            }
        }
    }
    None
}

/// The index of the first byte at or after `from` that satisfies `pred`.
fn position_from(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| pred(b)).map(|k| from + k)
}

fn convert(value: &ast::Value<'_>, map: &OffsetMap) -> JsonValue {
    let span_of = |r: jsonc_parser::common::Range| map.span(r.start, r.end);
    match value {
        ast::Value::StringLit(s) => JsonValue {
            kind: JsonKind::String(s.value.to_string()),
            span: span_of(s.range),
        },
        ast::Value::NumberLit(n) => JsonValue {
            kind: JsonKind::Number(n.value.to_owned()),
            span: span_of(n.range),
        },
        ast::Value::BooleanLit(b) => JsonValue {
            kind: JsonKind::Bool(b.value),
            span: span_of(b.range),
        },
        ast::Value::NullKeyword(n) => JsonValue {
            kind: JsonKind::Null,
            span: span_of(n.range),
        },
        ast::Value::Array(a) => JsonValue {
            kind: JsonKind::Array(a.elements.iter().map(|e| convert(e, map)).collect()),
            span: span_of(a.range),
        },
        ast::Value::Object(o) => JsonValue {
            kind: JsonKind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (name, range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_owned(), w.range),
                        };
                        Member {
                            key: Spanned::new(name, span_of(range)),
                            value: convert(&p.value, map),
                        }
                    })
                    .collect(),
            ),
            span: span_of(o.range),
        },
    }
}

/// Decodes the JSON string literal at `literal` (quotes included) in `source`, returning the text and
/// a map from decoded offsets to offsets in `source`. `None` when `literal` is not a well-formed string.
pub fn decode_string_literal(source: &str, literal: Span) -> Option<(String, OffsetMap)> {
    let raw = source.get(literal.start as usize..literal.end as usize)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let base = literal.start + 1;
    let mut out = String::with_capacity(inner.len());
    let mut table: Vec<u32> = Vec::with_capacity(inner.len() + 1);
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let at = base + u32::try_from(i).ok()?;
        let rest = inner.get(i..)?;
        if bytes.get(i) != Some(&b'\\') {
            let ch = rest.chars().next()?;
            for _ in 0..ch.len_utf8() {
                table.push(at);
            }
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let (ch, used) = decode_escape(rest)?;
        for _ in 0..ch.len_utf8() {
            table.push(at);
        }
        out.push(ch);
        i += used;
    }
    table.push(literal.end - 1);
    Some((out, OffsetMap::from_table(table)))
}

/// Decodes one escape at the start of `s`: the character and the bytes used.
fn decode_escape(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let simple = match b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return decode_unicode_escape(s),
        _ => return None,
    };
    Some((simple, 2))
}

fn decode_unicode_escape(s: &str) -> Option<(char, usize)> {
    let hi = u32::from_str_radix(s.get(2..6)?, 16).ok()?;
    if (0xD800..0xDC00).contains(&hi) {
        let rest = s.get(6..)?;
        if rest.starts_with("\\u") {
            let lo = u32::from_str_radix(rest.get(2..6)?, 16).ok()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Some((char::from_u32(c)?, 12));
            }
        }
        return Some(('\u{FFFD}', 6));
    }
    Some((char::from_u32(hi).unwrap_or('\u{FFFD}'), 6))
}

/// Percent-decodes `text` (with `+` as space, as `application/x-www-form-urlencoded` and IAM's
/// URL-encoded documents use it), returning the decoded text and a map into `text`. `None` when the
/// bytes decoded are not UTF-8.
pub fn percent_decode(text: &str) -> Option<(String, OffsetMap)> {
    let b = text.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut table = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while let Some(&byte) = b.get(i) {
        let at = u32::try_from(i).ok()?;
        let escaped = match (byte, b.get(i + 1..i + 3)) {
            (b'%', Some(&[high, low])) => hex(high).zip(hex(low)),
            _ => None,
        };
        if let Some((high, low)) = escaped {
            bytes.push(high * 16 + low);
            table.push(at);
            i += 3;
        } else {
            bytes.push(if byte == b'+' { b' ' } else { byte });
            table.push(at);
            i += 1;
        }
    }
    table.push(u32::try_from(b.len()).ok()?);
    String::from_utf8(bytes).ok().map(|s| (s, OffsetMap::from_table(table)))
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_only_inside_strings() {
        let cases: [(&str, Option<usize>); 8] = [
            ("{\n\t\"a\": \"b\"\r\n}", None),
            ("{\"a\tb\": 1}", Some(3)),
            ("[\"x\", \"y\nz\"]", Some(8)),
            ("[\"\\\"\n\"]", Some(4)),
            // The byte after a backslash is skipped (the parser reports the bad escape).
            ("[\"\\\n\"]", None),
            ("[\"unterminated\n", Some(14)),
            ("[\"ends in a backslash\\", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(control_char_in_string(text), expected, "{text:?}");
        }
    }

    #[test]
    fn keeps_duplicate_keys_and_spans() {
        let text = r#"{"a": 1, "a": "x"}"#;
        let v = parse_json(text, &OffsetMap::identity()).unwrap();
        let members = v.as_object().unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(text.get(members[1].key.span.range()), Some("\"a\""));
        assert_eq!(text.get(members[1].value.span.range()), Some("\"x\""));
    }

    #[test]
    fn strict_mode_rejects_comments_and_trailing_commas() {
        for bad in [
            r#"{"a": 1,}"#,
            "{// c\n}",
            "{'a': 1}",
            "{a: 1}",
            "[1 2]",
            "{\"a\": 0x1}",
            "{\"a\":\"\t\"}",
        ] {
            let err = parse_json(bad, &OffsetMap::identity()).unwrap_err();
            assert_eq!(err.code, codes::JSON_SYNTAX.0, "{bad}");
        }
    }

    #[test]
    fn decoded_strings_map_back_to_the_outer_file() {
        let outer = r#"{"Policy": "{\"Version\":\"2012-10-17\",\"Ä\":\"\u00e9\"}"}"#;
        let start = outer.find("\"{").unwrap();
        let lit = Span::new(start, outer.len() - 1);
        let (inner, map) = decode_string_literal(outer, lit).unwrap();
        assert_eq!(inner, r#"{"Version":"2012-10-17","Ä":"é"}"#);
        let v = parse_json(&inner, &map).unwrap();
        let version = v.get("Version").unwrap();
        assert_eq!(outer.get(version.span.range()), Some(r#"\"2012-10-17\""#));
        let e = &v.as_object().unwrap()[1].value;
        assert_eq!(outer.get(e.span.range()), Some(r#"\"\u00e9\""#));
    }

    #[test]
    fn percent_decoding_maps_back() {
        let (text, map) = percent_decode("%7B%22a%22%3A1%7D").unwrap();
        assert_eq!(text, r#"{"a":1}"#);
        assert_eq!(map.offset(1), 3);
        assert_eq!(map.offset(text.len()), 17);
    }
}
