//! Condition operator names: `[ForAnyValue:|ForAllValues:]Base[IfExists]`, such as
//! `ForAnyValue:StringLikeIfExists`, parsed into [`QualifiedOperator`].
//!
//! Case: IAM's documentation spells every operator in one capitalisation and says that *context
//! key* names are case-insensitive, but it says nothing either way about operator names
//! (searched: the "Condition operators" and "Condition" element reference pages). `tenet_ast`'s
//! `ConditionOperator::from_name` already matches them case-insensitively, so this parser accepts
//! any case and reports a non-canonical spelling as a warning with a fix (`SYN133`): a policy that
//! relies on IAM folding case is fragile, and other tools (guard rules, SCP scanners) compare
//! operator names exactly.

use std::collections::HashMap;
use std::sync::OnceLock;

use nom::branch::alt;
use nom::bytes::complete::tag_no_case;
use nom::character::complete::char;
use nom::combinator::{consumed, eof, opt, value};
use nom::sequence::terminated;
use nom::{IResult, Parser};
use tenet_ast::{ConditionOperator, QualifiedOperator, SetQualifier};
use tenet_diagnostics::{Diagnostic, Edit, Span};

use super::codes::{INVALID_CONDITION_OPERATOR, NULL_WITH_IF_EXISTS, NULL_WITH_QUALIFIER, OPERATOR_CASE};
use super::suggest::did_you_mean;
use super::{maps_exactly, range_in, sub_span};

const QUALIFIERS: [&str; 2] = ["ForAnyValue", "ForAllValues"];
const IF_EXISTS: &str = "IfExists";

/// An operator name as parsed, with the slices of its optional parts.
struct RawOperator<'a> {
    qualifier: Option<(SetQualifier, &'a str)>,
    operator: ConditionOperator,
    if_exists: Option<&'a str>,
}

/// Parses a condition operator name. Returns `None` for names that are not IAM operators; a
/// valid but questionable name (`NullIfExists`, `ForAnyValue:Null`, odd case) is returned with
/// its diagnostics.
pub fn parse_operator(s: &str, span: Span) -> (Option<QualifiedOperator>, Vec<Diagnostic>) {
    if let Some(&parsed) = canonical_operators().get(s) {
        return (Some(parsed), Vec::new());
    }
    parse_operator_slowly(s, span)
}

/// Every operator name written as IAM spells it that [`parse_operator`] accepts without a
/// diagnostic, with its parse: policies spell their operators this way, and one lookup replaces
/// trying the 27 base names in turn. Built by the general parser itself, so both agree.
fn canonical_operators() -> &'static HashMap<String, QualifiedOperator> {
    static CANONICAL: OnceLock<HashMap<String, QualifiedOperator>> = OnceLock::new();
    CANONICAL.get_or_init(|| {
        let qualifiers = [None, Some(SetQualifier::ForAnyValue), Some(SetQualifier::ForAllValues)];
        let all = qualifiers.into_iter().flat_map(|qualifier| {
            ConditionOperator::ALL.into_iter().flat_map(move |operator| {
                [false, true].map(|if_exists| QualifiedOperator {
                    qualifier,
                    operator,
                    if_exists,
                })
            })
        });
        all.filter_map(|op| {
            let name = op.to_string();
            match parse_operator_slowly(&name, Span::new(0, name.len() + 2)) {
                (Some(parsed), diagnostics) if parsed == op && diagnostics.is_empty() => Some((name, op)),
                _ => None,
            }
        })
        .collect()
    })
}

/// [`parse_operator`] by the grammar.
fn parse_operator_slowly(s: &str, span: Span) -> (Option<QualifiedOperator>, Vec<Diagnostic>) {
    let Ok((_, raw)) = operator(s) else {
        return (None, vec![invalid_diagnostic(s, span)]);
    };
    let parsed = QualifiedOperator {
        qualifier: raw.qualifier.map(|(q, _)| q),
        operator: raw.operator,
        if_exists: raw.if_exists.is_some(),
    };
    let mut diagnostics = Vec::new();
    if raw.operator == ConditionOperator::Null {
        null_diagnostics(s, span, &raw, &mut diagnostics);
    }
    let canonical = parsed.to_string();
    if canonical != s {
        diagnostics.push(case_diagnostic(s, span, &canonical));
    }
    (Some(parsed), diagnostics)
}

/// `operator = [ qualifier ":" ] base_operator [ "IfExists" ] ;` (names match case-insensitively)
fn operator(i: &str) -> IResult<&str, RawOperator<'_>> {
    let (i, qualifier) = opt(terminated(qualifier, char(':'))).parse(i)?;
    let (i, operator) = base_operator(i)?;
    let (i, if_exists) = opt(tag_no_case(IF_EXISTS)).parse(i)?;
    let (i, _) = eof(i)?;
    Ok((
        i,
        RawOperator {
            qualifier,
            operator,
            if_exists,
        },
    ))
}

/// `qualifier = "ForAnyValue" | "ForAllValues" ;`
fn qualifier(i: &str) -> IResult<&str, (SetQualifier, &str)> {
    let any = value(SetQualifier::ForAnyValue, tag_no_case("ForAnyValue"));
    let all = value(SetQualifier::ForAllValues, tag_no_case("ForAllValues"));
    let (rest, (text, q)) = consumed(alt((any, all))).parse(i)?;
    Ok((rest, (q, text)))
}

/// `base_operator = "StringEquals" | "StringNotEquals" | ... | "Null" ;` (the 27 names of
/// `ConditionOperator::ALL`; the longest name that is a prefix wins)
fn base_operator(i: &str) -> IResult<&str, ConditionOperator> {
    let mut by_length = ConditionOperator::ALL;
    by_length.sort_by_key(|op| std::cmp::Reverse(op.name().len()));
    for op in by_length {
        if let Ok((rest, _)) = tag_no_case::<_, _, nom::error::Error<&str>>(op.name()).parse(i) {
            return Ok((rest, op));
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Tag)))
}

fn invalid_diagnostic(s: &str, span: Span) -> Diagnostic {
    let diagnostic = INVALID_CONDITION_OPERATOR.at(
        sub_span(span, s, 0..s.len()),
        format!("`{s}` is not a condition operator"),
    );
    match suggestion(s) {
        Some(suggested) => diagnostic.with_help(format!("did you mean `{suggested}`?")),
        None => diagnostic.with_help("use one of IAM's condition operators, such as `StringEquals` or `ArnLike`"),
    }
}

/// The nearest valid spelling: qualifier and base operator are corrected separately.
fn suggestion(s: &str) -> Option<String> {
    let (prefix, base) = match s.split_once(':') {
        Some((prefix, base)) => (Some(prefix), base),
        None => (None, s),
    };
    let qualifier = match prefix {
        Some(prefix) => Some(did_you_mean(prefix, QUALIFIERS)?),
        None => None,
    };
    let names: Vec<String> = ConditionOperator::ALL
        .iter()
        .flat_map(|op| [op.name().to_owned(), format!("{}{IF_EXISTS}", op.name())])
        .collect();
    let operator = did_you_mean(base, names.iter().map(String::as_str))?;
    let qualifier = qualifier.map(|q| format!("{q}:")).unwrap_or_default();
    Some(format!("{qualifier}{operator}"))
}

fn null_diagnostics(s: &str, span: Span, raw: &RawOperator<'_>, out: &mut Vec<Diagnostic>) {
    if let Some(suffix) = raw.if_exists {
        let at = sub_span(span, s, range_in(s, suffix));
        let message = format!("`{s}` combines `Null` with `IfExists`");
        let help = "remove `IfExists`: `Null` itself tests whether the key is present";
        out.push(NULL_WITH_IF_EXISTS.at(at, message).with_help(help));
    }
    if let Some((_, qualifier)) = raw.qualifier {
        let range = range_in(s, qualifier);
        let at = sub_span(span, s, range.start..range.end + 1);
        let message = format!("`{s}` puts the set qualifier `{qualifier}:` on `Null`");
        let help = format!("remove `{qualifier}:`: `Null` only tests whether the key is present");
        out.push(NULL_WITH_QUALIFIER.at(at, message).with_help(help));
    }
}

fn case_diagnostic(s: &str, span: Span, canonical: &str) -> Diagnostic {
    let at = sub_span(span, s, 0..s.len());
    let diagnostic = OPERATOR_CASE
        .at(
            at,
            format!("condition operator `{s}` is not capitalised as `{canonical}`"),
        )
        .with_help(format!("write `{canonical}`, the spelling IAM documents"));
    if !maps_exactly(span, s) {
        return diagnostic;
    }
    let edit = Edit {
        span: at,
        replacement: canonical.to_owned(),
    };
    diagnostic.with_fix(format!("replace `{s}` with `{canonical}`"), vec![edit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(30, 30 + s.len() + 2)
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn every_documented_spelling_round_trips() {
        for op in ConditionOperator::ALL {
            for qualifier in [None, Some(SetQualifier::ForAnyValue), Some(SetQualifier::ForAllValues)] {
                for if_exists in [false, true] {
                    let expected = QualifiedOperator {
                        qualifier,
                        operator: op,
                        if_exists,
                    };
                    let s = expected.to_string();
                    let (parsed, _) = parse_operator(&s, lit(&s));
                    assert_eq!(parsed, Some(expected), "{s}");
                }
            }
        }
    }

    #[test]
    fn canonical_spellings_are_looked_up() {
        // Every combination but the five that put a qualifier or `IfExists` on `Null`.
        assert_eq!(canonical_operators().len(), 3 * 2 * ConditionOperator::ALL.len() - 5);
        assert!(canonical_operators().contains_key("ForAnyValue:StringLikeIfExists"));
        assert!(!canonical_operators().contains_key("stringequals"));
    }

    #[test]
    fn qualified_if_exists() {
        let s = "ForAnyValue:StringLikeIfExists";
        let (parsed, diagnostics) = parse_operator(s, lit(s));
        assert!(diagnostics.is_empty());
        insta::assert_debug_snapshot!(parsed, @r"
        Some(
            QualifiedOperator {
                qualifier: Some(
                    ForAnyValue,
                ),
                operator: StringLike,
                if_exists: true,
            },
        )
        ");
        let (parsed, _) = parse_operator("StringEqualsIgnoreCaseIfExists", lit("x"));
        assert_eq!(
            parsed.map(|p| p.operator),
            Some(ConditionOperator::StringEqualsIgnoreCase)
        );
    }

    #[test]
    fn invalid_operators_get_a_suggestion() {
        for (s, help) in [
            ("StringEqual", "did you mean `StringEquals`?"),
            ("ForAnyValues:StringLike", "did you mean `ForAnyValue:StringLike`?"),
            ("ArnLikeIfExist", "did you mean `ArnLikeIfExists`?"),
            ("DateGreaterThenIfExists", "did you mean `DateGreaterThanIfExists`?"),
            (
                "Principal",
                "use one of IAM's condition operators, such as `StringEquals` or `ArnLike`",
            ),
            (
                "",
                "use one of IAM's condition operators, such as `StringEquals` or `ArnLike`",
            ),
        ] {
            let (parsed, diagnostics) = parse_operator(s, lit(s));
            assert_eq!(parsed, None, "{s}");
            assert_eq!(codes(&diagnostics), ["SYN130"], "{s}");
            assert_eq!(diagnostics[0].help.as_deref(), Some(help), "{s}");
            assert_eq!(diagnostics[0].span, Span::new(31, 31 + s.len()), "{s}");
        }
    }

    #[test]
    fn null_with_if_exists_points_at_the_suffix() {
        let s = "NullIfExists";
        let (parsed, diagnostics) = parse_operator(s, lit(s));
        assert!(parsed.is_some_and(|p| p.if_exists));
        assert_eq!(codes(&diagnostics), ["SYN131"]);
        assert_eq!(diagnostics[0].span, Span::new(35, 43));
    }

    #[test]
    fn null_with_qualifier_points_at_the_qualifier() {
        let s = "ForAllValues:Null";
        let (parsed, diagnostics) = parse_operator(s, lit(s));
        assert!(parsed.is_some());
        assert_eq!(codes(&diagnostics), ["SYN132"]);
        assert_eq!(diagnostics[0].span, Span::new(31, 44));
    }

    #[test]
    fn other_case_is_accepted_with_a_fix() {
        let s = "stringequalsIFEXISTS";
        let (parsed, diagnostics) = parse_operator(s, lit(s));
        assert_eq!(parsed.map(|p| p.to_string()), Some("StringEqualsIfExists".to_owned()));
        assert_eq!(codes(&diagnostics), ["SYN133"]);
        assert_eq!(diagnostics[0].span, Span::new(31, 51));
        let fix = diagnostics[0].fix.as_ref().map(|f| f.edits[0].replacement.as_str());
        assert_eq!(fix, Some("StringEqualsIfExists"));
    }
}
