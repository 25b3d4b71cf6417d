//! The lexical layer of the property language: whitespace and comments, keywords, punctuation,
//! strings and tokens, and the parse error they report. The nonterminals of the same names in
//! `grammar/property.ebnf` (`ws`, `string`, `string_list`, `strings`, `token`) are parsed here; the
//! rest of the grammar is in `parser.rs`.

use nom::bytes::complete::take_while1;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser as _};
use tenet_diagnostics::{Span, Spanned};

/// A parse error: where (remaining input length) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PErr {
    /// The length of the input that remained where the error occurred.
    pub remaining: usize,
    /// What was expected there.
    pub expected: String,
}

impl<'a> ParseError<&'a str> for PErr {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        PErr {
            remaining: input.len(),
            expected: format!("{kind:?}"),
        }
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Keep the error that got furthest.
        if other.remaining <= self.remaining {
            other
        } else {
            self
        }
    }
}

pub(super) type R<'a, T> = IResult<&'a str, T, PErr>;

pub(super) fn fail<T>(i: &str, expected: impl Into<String>) -> R<'_, T> {
    Err(nom::Err::Error(PErr {
        remaining: i.len(),
        expected: expected.into(),
    }))
}

pub(super) fn cut<T>(r: R<'_, T>) -> R<'_, T> {
    r.map_err(|e| match e {
        nom::Err::Error(e) => nom::Err::Failure(e),
        other => other,
    })
}

pub(super) fn span(src: &str, start: &str, end: &str) -> Span {
    Span::new(src.len() - start.len(), src.len() - end.len())
}

/// `ws = { " " | "\t" | "\r" | "\n" | comment } ; comment = "#" { any char except newline } ;`
pub fn ws(mut i: &str) -> R<'_, ()> {
    loop {
        let t = i.trim_start_matches([' ', '\t', '\r', '\n']);
        if let Some(rest) = t.strip_prefix('#') {
            // The newline itself is skipped with the other whitespace on the next turn.
            i = rest.split_once('\n').map_or("", |(_, after)| after);
        } else {
            return Ok((t, ()));
        }
    }
}

/// A keyword: the word, then not a word character.
pub(super) fn kw<'a>(word: &'static str) -> impl Fn(&'a str) -> R<'a, ()> {
    move |i: &'a str| {
        let (i, _) = ws(i)?;
        match i.strip_prefix(word) {
            Some(rest) if !rest.starts_with(is_word_char) => Ok((rest, ())),
            _ => fail(i, format!("`{word}`")),
        }
    }
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

pub(super) fn punct<'a>(p: &'static str) -> impl Fn(&'a str) -> R<'a, ()> {
    move |i: &'a str| {
        let (i, _) = ws(i)?;
        match i.strip_prefix(p) {
            Some(rest) => Ok((rest, ())),
            None => fail(i, format!("`{p}`")),
        }
    }
}

/// `string = '"' { char | '\"' | '\\' } '"' ;`
pub fn string<'a>(src: &'a str, i: &'a str) -> R<'a, Spanned<String>> {
    let (i, _) = ws(i)?;
    let Some(body) = i.strip_prefix('"') else {
        return fail(i, "a string in double quotes");
    };
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((n, c)) = chars.next() {
        match c {
            '"' => {
                let rest = chars.as_str();
                return Ok((rest, Spanned::new(out, span(src, i, rest))));
            }
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                Some((_, 'n')) => out.push('\n'),
                _ => return cut(fail(body.get(n..).unwrap_or(body), "`\\\"` or `\\\\` after `\\`")),
            },
            '\n' => break,
            c => out.push(c),
        }
    }
    cut(fail(i, "a closing `\"` on the same line"))
}

/// `string_list = "[" [ string { "," string } ] "]" ;`
pub fn string_list<'a>(src: &'a str, i: &'a str) -> R<'a, Vec<String>> {
    let (mut i, _) = punct("[")(i)?;
    let mut out = Vec::new();
    if let Ok((rest, _)) = punct("]")(i) {
        return Ok((rest, out));
    }
    loop {
        let (rest, s) = cut(string(src, i))?;
        out.push(s.value);
        if let Ok((rest, _)) = punct(",")(rest) {
            i = rest;
            continue;
        }
        let (rest, _) = cut(punct("]")(rest))?;
        return Ok((rest, out));
    }
}

/// `strings = string | string_list ;`
pub fn strings<'a>(src: &'a str, i: &'a str) -> R<'a, Vec<String>> {
    if let Ok((rest, s)) = string(src, i) {
        return Ok((rest, vec![s.value]));
    }
    string_list(src, i).map_err(|e| match e {
        nom::Err::Error(_) => nom::Err::Error(PErr {
            remaining: i.trim_start().len(),
            expected: "a string or a list of strings".into(),
        }),
        other => other,
    })
}

/// `token = token_char { token_char } ;` (letters, digits and `:*?_-./${}`): action patterns and
/// condition keys.
pub(super) fn token<'a>(src: &'a str, i: &'a str) -> R<'a, Spanned<String>> {
    let (i, _) = ws(i)?;
    let r: R<'a, &'a str> = take_while1(|c: char| c.is_ascii_alphanumeric() || ":*?_-./${}".contains(c)).parse(i);
    match r {
        Ok((rest, t)) => Ok((rest, Spanned::new(t.to_string(), span(src, i, rest)))),
        Err(_) => fail(i, "an action or a condition key"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_strings_keep_multi_byte_text_whole() {
        let src = "# é – ü\n  \"aé\\\"ü\" rest";
        let (i, ()) = ws(src).unwrap_or_default();
        assert!(i.starts_with('"'));
        let Ok((rest, s)) = string(src, i) else {
            unreachable!("a well-formed string")
        };
        assert_eq!(s.value, "aé\"ü");
        assert_eq!(src.get(s.span.range()), Some("\"aé\\\"ü\""));
        assert_eq!(rest, " rest");
        // A bad escape before a multi-byte character is reported at the backslash.
        let bad = "\"a\\é\"";
        let Err(nom::Err::Failure(e)) = string(bad, bad) else {
            unreachable!("a bad escape")
        };
        assert_eq!(bad.len() - e.remaining, 2);
    }
}
