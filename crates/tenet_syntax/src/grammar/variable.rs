//! Policy variables inside strings: `${aws:username}`, `${aws:PrincipalTag/team}`, the escapes
//! `${*}`, `${?}` and `${$}`, and defaults such as `${aws:username, 'nobody'}`.
//!
//! The lowering calls [`parse_template`] on `Resource`, `NotResource` and condition values. Under
//! policy version `2008-10-17` IAM treats `${...}` as literal text; the caller says which version
//! applies.

use std::ops::Range;

use nom::bytes::complete::{tag, take_till};
use nom::character::complete::{char, multispace0};
use nom::combinator::opt;
use nom::sequence::delimited;
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Span};

use super::codes::{
    EMPTY_VARIABLE, MISSING_VARIABLE_BRACE, MISSING_VARIABLE_QUOTE, UNSUPPORTED_VARIABLE_SPACE, VARIABLE_IN_OLD_VERSION,
};
use super::{runs, sub_span};

/// A string split into literal text and policy variables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Template {
    /// The pieces in order; two literals are never adjacent.
    pub segments: Vec<Segment>,
}

/// A piece of a [`Template`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Text matched as written (wildcards keep their meaning).
    Literal(String),
    /// `${name}` or `${name, 'default'}`. The names `*`, `?` and `$` are escapes for those
    /// characters taken literally (see [`Segment::escaped_char`]).
    Variable {
        /// The context key, such as `aws:username`, or `*`, `?`, `$`.
        name: String,
        /// The default used when the key is missing from the request.
        default: Option<String>,
        /// The bytes of `${...}` in the parsed string.
        span_range: Range<usize>,
    },
}

impl Segment {
    /// For the escapes `${*}`, `${?}` and `${$}`, the character they stand for.
    pub fn escaped_char(&self) -> Option<char> {
        match self {
            Segment::Variable { name, .. } if matches!(name.as_str(), "*" | "?" | "$") => name.chars().next(),
            _ => None,
        }
    }
}

impl Template {
    /// Whether any segment is a variable (escapes included).
    pub fn has_variables(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Variable { .. }))
    }

    fn push_literal(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Segment::Literal(last)) = self.segments.last_mut() {
            last.push_str(text);
        } else {
            self.segments.push(Segment::Literal(text.to_owned()));
        }
    }
}

/// Whether `s` contains at least one well-formed policy variable.
pub fn contains_variable(s: &str) -> bool {
    s.contains("${") && template(s, Span::default()).0.has_variables()
}

/// Parses a string into literals and variables. With `variables_enabled == false` (policy version
/// `2008-10-17`) the whole string is one literal, and a warning marks the first `${...}` that would
/// have been a variable.
pub fn parse_template(s: &str, span: Span, variables_enabled: bool) -> (Template, Vec<Diagnostic>) {
    if variables_enabled {
        return template(s, span);
    }
    let mut literal = Template::default();
    literal.push_literal(s);
    let first_variable = template(s, span)
        .0
        .segments
        .into_iter()
        .find_map(|segment| match segment {
            Segment::Variable { span_range, .. } => Some(span_range),
            Segment::Literal(_) => None,
        });
    let diagnostics = first_variable
        .map(|range| {
            let message = format!(
                "policy variable `{}` is literal text under policy version `2008-10-17`",
                quoted(s, range.clone())
            );
            VARIABLE_IN_OLD_VERSION
                .at(sub_span(span, s, range), message)
                .with_help("set `\"Version\": \"2012-10-17\"` to make it a variable")
        })
        .into_iter()
        .collect();
    (literal, diagnostics)
}

/// The text of `range` in `s`, for a message. Every range here starts at a `${` and ends after a
/// `}`, before a `${` or at the end of `s`, so it lies on char boundaries; were it not, the
/// message would quote all of `s` rather than panic.
fn quoted(s: &str, range: Range<usize>) -> &str {
    s.get(range).unwrap_or(s)
}

/// `template = { literal | variable } ;`
fn template(s: &str, span: Span) -> (Template, Vec<Diagnostic>) {
    let mut parsed = Template::default();
    let mut diagnostics = Vec::new();
    let mut rest = s;
    while let Some((literal, input)) = rest.find("${").and_then(|at| rest.split_at_checked(at)) {
        parsed.push_literal(literal);
        let start = s.len() - input.len();
        let (end, segment) = variable_at(s, input, span, &mut diagnostics);
        // `end` is a char boundary (see `quoted`); were it not, the rest would stay literal text.
        let (text, after) = input.split_at_checked(end - start).unwrap_or((input, ""));
        match segment {
            Some(segment) => parsed.segments.push(segment),
            None => parsed.push_literal(text),
        }
        rest = after;
    }
    parsed.push_literal(rest);
    (parsed, diagnostics)
}

/// Parses the variable at the start of `input`, the suffix of `s` that begins with `${`. Returns
/// where it ends in `s` and the variable, or `None` when it is malformed (the caller keeps its text
/// as a literal).
fn variable_at(s: &str, input: &str, span: Span, out: &mut Vec<Diagnostic>) -> (usize, Option<Segment>) {
    let start = s.len() - input.len();
    let Some(body) = input.strip_prefix("${") else {
        return (s.len(), None);
    };
    // The name is read no further than the next `${`, so a run of `${${${…` costs linear time.
    let (head, nested) = body.split_once("${").map_or((body, false), |(head, _)| (head, true));
    let raw_name = var_name(head).map_or("", |(_, name)| name);
    if nested && raw_name.len() == head.len() {
        return unclosed(s, start..start + 2 + head.len(), span, out);
    }
    let Ok((rest, (name, default))) = variable(input) else {
        let tail = body.strip_prefix(raw_name).unwrap_or(body);
        return malformed(s, start, tail, span, out);
    };
    let range = start..s.len() - rest.len();
    let name = if default.is_some() { name.trim_end() } else { name };
    if name.trim().is_empty() {
        let message = format!("policy variable `{}` is empty", quoted(s, range.clone()));
        let help = "name a context key, such as `${aws:username}`, or remove the `${}`";
        out.push(
            EMPTY_VARIABLE
                .at(sub_span(span, s, range.clone()), message)
                .with_help(help),
        );
        return (range.end, None);
    }
    // One diagnostic per variable (one fault, one finding): the first run of whitespace is the
    // primary span, the others are labels.
    let name_start = start + 2;
    let spaces = runs(name, char::is_whitespace);
    if let Some((first, others)) = spaces.split_first() {
        let message = format!("policy variable `{}` contains whitespace", quoted(s, range.clone()));
        let at = |r: &std::ops::Range<usize>| sub_span(span, s, name_start + r.start..name_start + r.end);
        let mut diagnostic = UNSUPPORTED_VARIABLE_SPACE
            .at(at(first), message)
            .with_help("remove the whitespace: variable names have none");
        for run in others {
            diagnostic = diagnostic.with_label(at(run), "more whitespace");
        }
        out.push(diagnostic);
    }
    let segment = Segment::Variable {
        name: name.trim().to_owned(),
        default: default.map(str::to_owned),
        span_range: range.clone(),
    };
    (range.end, Some(segment))
}

/// A `${` whose body stops at a comma that is not followed by a quoted default and `}`. `tail` is
/// the suffix of `s` after the variable's name.
fn malformed(s: &str, start: usize, tail: &str, span: Span, out: &mut Vec<Diagnostic>) -> (usize, Option<Segment>) {
    let after_name = s.len() - tail.len();
    let close = tail.find('}');
    let nested = tail.find("${");
    match (close, nested) {
        (Some(close), nested) if nested.is_none_or(|n| close < n) => {
            let range = start..after_name + close + 1;
            let message = format!(
                "default value of policy variable `{}` is missing a quote",
                quoted(s, range.clone())
            );
            let help = "enclose the default in single quotes, as in `${aws:username, 'nobody'}`";
            out.push(
                MISSING_VARIABLE_QUOTE
                    .at(sub_span(span, s, range.clone()), message)
                    .with_help(help),
            );
            (range.end, None)
        }
        (_, Some(nested)) => unclosed(s, start..after_name + nested, span, out),
        (_, None) => unclosed(s, start..s.len(), span, out),
    }
}

fn unclosed(s: &str, range: Range<usize>, span: Span, out: &mut Vec<Diagnostic>) -> (usize, Option<Segment>) {
    let text = quoted(s, range.clone());
    let message = format!("policy variable `{text}` is missing its closing `}}`");
    let help = "close the variable with `}`, as in `${aws:username}`";
    out.push(
        MISSING_VARIABLE_BRACE
            .at(sub_span(span, s, range.clone()), message)
            .with_help(help),
    );
    (range.end, None)
}

/// `variable = "${" var_name [ default_value ] "}" ;`
fn variable(i: &str) -> IResult<&str, (&str, Option<&str>)> {
    let (i, _) = tag("${").parse(i)?;
    let (i, name) = var_name(i)?;
    let (i, default) = opt(default_value).parse(i)?;
    let (i, _) = char('}').parse(i)?;
    Ok((i, (name, default)))
}

/// `var_name = { character - ( "}" | "," ) } ;` (emptiness and whitespace are checked afterwards)
fn var_name(i: &str) -> IResult<&str, &str> {
    take_till(|c| matches!(c, '}' | ',')).parse(i)
}

/// `default_value = "," { space } "'" { character - "'" } "'" { space } ;`
fn default_value(i: &str) -> IResult<&str, &str> {
    let quoted = delimited(char('\''), take_till(|c| c == '\''), char('\''));
    let (i, (_, _, value, _)) = (char(','), multispace0, quoted, multispace0).parse(i)?;
    Ok((i, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(50, 50 + s.len() + 2)
    }

    fn var(name: &str, default: Option<&str>, span_range: Range<usize>) -> Segment {
        Segment::Variable {
            name: name.into(),
            default: default.map(Into::into),
            span_range,
        }
    }

    fn literal(text: &str) -> Segment {
        Segment::Literal(text.into())
    }

    fn parse(s: &str) -> (Vec<Segment>, Vec<Diagnostic>) {
        let (template, diagnostics) = parse_template(s, lit(s), true);
        (template.segments, diagnostics)
    }

    #[test]
    fn splits_literals_and_variables() {
        let s = "arn:aws:s3:::bucket/${aws:username}/*";
        assert_eq!(
            parse(s),
            (
                vec![
                    literal("arn:aws:s3:::bucket/"),
                    var("aws:username", None, 20..35),
                    literal("/*")
                ],
                vec![]
            )
        );
        assert_eq!(
            parse("${aws:PrincipalTag/team}").0,
            [var("aws:PrincipalTag/team", None, 0..24)]
        );
        assert_eq!(parse("").0, []);
    }

    #[test]
    fn escapes_are_variables_with_an_escaped_char() {
        let (segments, diagnostics) = parse("a${*}${?}${$}");
        assert!(diagnostics.is_empty());
        let chars: Vec<_> = segments.iter().filter_map(Segment::escaped_char).collect();
        assert_eq!(chars, ['*', '?', '$']);
    }

    #[test]
    fn defaults_allow_spaces_around_the_comma() {
        assert_eq!(
            parse("${aws:username, 'nobody'}").0,
            [var("aws:username", Some("nobody"), 0..25)]
        );
        assert_eq!(parse("${s3:prefix ,'a}b' }").0, [var("s3:prefix", Some("a}b"), 0..20)]);
        assert_eq!(parse("${a,''}").0, [var("a", Some(""), 0..7)]);
    }

    #[test]
    fn missing_brace_spans_to_the_end_or_the_next_variable() {
        let (segments, diagnostics) = parse("x/${aws:username");
        assert_eq!(segments, [literal("x/${aws:username")]);
        assert_eq!(diagnostics[0].code, "SYN120");
        assert_eq!(diagnostics[0].span, Span::new(53, 67));
        assert_eq!(
            diagnostics[0].message,
            "policy variable `${aws:username` is missing its closing `}`"
        );
        let (segments, diagnostics) = parse("${a${b}");
        assert_eq!(segments, [literal("${a"), var("b", None, 3..7)]);
        assert_eq!(diagnostics[0].span, Span::new(51, 54));
    }

    #[test]
    fn missing_quote_spans_the_variable() {
        for (s, end) in [("${aws:x, 'abc}/", 14), ("${aws:x, abc}", 13), ("${aws:x, 'a' b}", 15)] {
            let (segments, diagnostics) = parse(s);
            assert_eq!(segments.len(), 1, "{s}");
            assert_eq!(diagnostics.len(), 1, "{s}");
            assert_eq!(diagnostics[0].code, "SYN121", "{s}");
            assert_eq!(diagnostics[0].span, Span::new(51, 51 + end), "{s}");
        }
        let (_, diagnostics) = parse("${aws:x, 'abc");
        assert_eq!(diagnostics[0].code, "SYN120");
    }

    #[test]
    fn whitespace_in_a_name_is_flagged_and_trimmed() {
        let (segments, diagnostics) = parse("${ aws:username}");
        assert_eq!(segments, [var("aws:username", None, 0..16)]);
        assert_eq!(diagnostics[0].code, "SYN122");
        assert_eq!(diagnostics[0].span, Span::new(53, 54));
        let (_, diagnostics) = parse("${aws:user name }");
        assert_eq!(
            diagnostics.iter().map(|d| d.span).collect::<Vec<_>>(),
            [Span::new(61, 62)],
            "one finding per variable"
        );
        assert_eq!(
            diagnostics[0].labels.iter().map(|l| l.span).collect::<Vec<_>>(),
            [Span::new(66, 67)]
        );
    }

    #[test]
    fn empty_variables() {
        for s in ["${}", "${ }", "${, 'x'}"] {
            let (segments, diagnostics) = parse(s);
            assert_eq!(segments, [literal(s)]);
            assert_eq!(diagnostics[0].code, "SYN123");
            assert_eq!(diagnostics[0].span, Span::new(51, 51 + s.len()));
        }
    }

    #[test]
    fn old_version_keeps_the_text_and_warns_once() {
        let s = "a${aws:username}${aws:userid}";
        let (template, diagnostics) = parse_template(s, lit(s), false);
        assert_eq!(template.segments, [literal(s)]);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "SYN124");
        assert_eq!(diagnostics[0].span, Span::new(52, 67));
        assert_eq!(parse_template("plain", lit("plain"), false).1, []);
    }

    #[test]
    fn contains_variable_needs_a_well_formed_one() {
        assert!(contains_variable("a/${aws:username}"));
        assert!(contains_variable("${*}"));
        assert!(!contains_variable("a/${aws:username"));
        assert!(!contains_variable("${}"));
        assert!(!contains_variable("$ {x}"));
    }
}
