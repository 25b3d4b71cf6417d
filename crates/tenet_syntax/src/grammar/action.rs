//! Action patterns: `service:Name` with `*` and `?` wildcards, or `*` alone.
//!
//! The lowering calls [`parse_action`] on every `Action` / `NotAction` value. Whether the action
//! exists is the catalog's business; this module checks only the shape.

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::rest;
use nom::{IResult, Parser};
use tenet_diagnostics::{Diagnostic, Edit, Span};

use super::codes::{
    EMPTY_ACTION_PART, INVALID_ACTION_CHARACTER, MISSING_ACTION_COLON, WHITESPACE_IN_ACTION, WILDCARD_IN_ACTION_SERVICE,
};
use super::{has_wildcard, maps_exactly, range_in, runs, sub_span};

/// A parsed action pattern. `*` alone is `service: "*", name: "*"`. Whitespace is removed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ActionPattern {
    /// The service prefix, such as `s3`; IAM compares it case-insensitively.
    pub service: String,
    /// The action name, such as `GetObject` or `Get*`; IAM compares it case-insensitively.
    pub name: String,
}

impl ActionPattern {
    /// Whether the pattern is `*` (or `*:*`): every action of every service.
    pub fn is_any(&self) -> bool {
        self.service == "*" && self.name == "*"
    }
}

const ACTION_FORM: &str = "write actions as `service:Action`, such as `s3:GetObject`";

/// Parses an action pattern. Returns `None` when there is no colon or a part is empty.
pub fn parse_action(s: &str, span: Span) -> (Option<ActionPattern>, Vec<Diagnostic>) {
    if let Some((service, name)) = plain_parts(s) {
        let pattern = ActionPattern {
            service: service.to_owned(),
            name: name.to_owned(),
        };
        return (Some(pattern), Vec::new());
    }
    let mut diagnostics = whitespace_diagnostics(s, span);
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if compact == "*" {
        let any = ActionPattern {
            service: "*".into(),
            name: "*".into(),
        };
        return (Some(any), diagnostics);
    }
    let Ok((_, (service, name))) = action_pattern(s) else {
        let message = format!("action `{s}` has no service prefix");
        diagnostics.push(
            MISSING_ACTION_COLON
                .at(sub_span(span, s, 0..s.len()), message)
                .with_help(ACTION_FORM),
        );
        return (None, diagnostics);
    };
    let service_ok = check_part(s, span, service, "service prefix", service_char, &mut diagnostics);
    let name_ok = check_part(s, span, name, "action name", name_char, &mut diagnostics);
    let service_span = sub_span(span, s, range_in(s, service));
    let service: String = service.chars().filter(|c| !c.is_whitespace()).collect();
    if has_wildcard(&service) && compact != "*:*" {
        let message = format!("service prefix `{service}` contains a wildcard");
        let help = "wildcards in the service prefix match services that do not exist yet; name the service";
        diagnostics.push(WILDCARD_IN_ACTION_SERVICE.at(service_span, message).with_help(help));
    }
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let pattern = (service_ok && name_ok).then_some(ActionPattern { service, name });
    (pattern, diagnostics)
}

/// The diagnostics of [`parse_action`] alone, for callers that only check the shape.
pub fn check_action(s: &str, span: Span) -> Vec<Diagnostic> {
    if plain_parts(s).is_some() {
        return Vec::new();
    }
    parse_action(s, span).1
}

/// The service and name of the common case, which has nothing to report: `service:Name` with
/// valid characters only, no whitespace and no wildcard in the service. Policies are made of
/// such actions, and recognising them without the general parser keeps reading fast.
fn plain_parts(s: &str) -> Option<(&str, &str)> {
    let (service, name) = s.split_once(':')?;
    let plain = !service.is_empty()
        && !name.is_empty()
        && service.chars().all(|c| service_char(c) && c != '*' && c != '?')
        && name.chars().all(name_char);
    plain.then_some((service, name))
}

/// `action_pattern = "*" | service ":" action_name ;` (the `*` case is handled by the caller)
fn action_pattern(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, (service, _, name)) = (service, char(':'), action_name).parse(i)?;
    Ok((i, (service, name)))
}

/// `service = service_char { service_char } ;` (this parser takes everything up to the colon)
fn service(i: &str) -> IResult<&str, &str> {
    take_till(|c| c == ':').parse(i)
}

/// `action_name = name_char { name_char } ;` (this parser takes the rest of the string)
fn action_name(i: &str) -> IResult<&str, &str> {
    rest(i)
}

/// `service_char = letter | digit | "-" | wildcard ;`
fn service_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '?')
}

/// `name_char = letter | digit | "-" | "_" | wildcard ;`
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?')
}

/// Reports an empty part or runs of invalid characters in it; returns whether the part is non-empty.
fn check_part(s: &str, span: Span, part: &str, what: &str, valid: fn(char) -> bool, out: &mut Vec<Diagnostic>) -> bool {
    let range = range_in(s, part);
    if part.trim().is_empty() {
        let colon = s.find(':').unwrap_or(0);
        let message = format!("action `{s}` has an empty {what}");
        out.push(
            EMPTY_ACTION_PART
                .at(sub_span(span, s, colon..colon + 1), message)
                .with_help(ACTION_FORM),
        );
        return false;
    }
    for run in runs(part, |c| !valid(c) && !c.is_whitespace()) {
        // `runs` splits at char boundaries, so the fallback to the whole part is never taken.
        let text = part.get(run.clone()).unwrap_or(part);
        let at = sub_span(span, s, range.start + run.start..range.start + run.end);
        let message = format!("`{text}` cannot appear in the {what} of action `{s}`");
        let help = "action names contain only letters, digits and the wildcards `*` and `?`";
        out.push(INVALID_ACTION_CHARACTER.at(at, message).with_help(help));
    }
    true
}

/// One diagnostic per action, however many runs of whitespace it has (one fault, one finding): the
/// first run is the primary span, the others are labels. The fix removes whitespace only at the
/// edges; inner whitespace needs a human to say which action was meant.
fn whitespace_diagnostics(s: &str, span: Span) -> Vec<Diagnostic> {
    let runs = runs(s, char::is_whitespace);
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let mut diagnostic = WHITESPACE_IN_ACTION
        .at(
            sub_span(span, s, first.clone()),
            format!("action `{s}` contains whitespace"),
        )
        .with_help("remove the whitespace; IAM does not trim action names");
    for run in runs.iter().skip(1) {
        diagnostic = diagnostic.with_label(sub_span(span, s, run.clone()), "more whitespace");
    }
    let all_at_edges = runs.iter().all(|r| r.start == 0 || r.end == s.len());
    if all_at_edges && !s.trim().is_empty() && maps_exactly(span, s) {
        let edits = runs
            .iter()
            .map(|r| Edit {
                span: sub_span(span, s, r.clone()),
                replacement: String::new(),
            })
            .collect();
        // Unsafe: the action as written matches nothing; trimmed, it matches.
        diagnostic = diagnostic.with_unsafe_fix("remove the whitespace", edits);
    }
    vec![diagnostic]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Span {
        Span::new(20, 20 + s.len() + 2)
    }

    fn pattern(service: &str, name: &str) -> Option<ActionPattern> {
        Some(ActionPattern {
            service: service.into(),
            name: name.into(),
        })
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn valid_patterns() {
        for (s, service, name) in [
            ("*", "*", "*"),
            ("s3:*", "s3", "*"),
            ("s3:Get*", "s3", "Get*"),
            ("s3:GetObject", "s3", "GetObject"),
            ("execute-api:Invoke", "execute-api", "Invoke"),
            ("ec2:Describe?nstances", "ec2", "Describe?nstances"),
        ] {
            assert_eq!(parse_action(s, lit(s)), (pattern(service, name), vec![]), "{s}");
        }
        assert!(pattern("*", "*").is_some_and(|p| p.is_any()));
    }

    #[test]
    fn wildcard_service_is_parsed_and_flagged() {
        let s = "*:Get*";
        let (parsed, diagnostics) = parse_action(s, lit(s));
        assert_eq!(parsed, pattern("*", "Get*"));
        assert_eq!(codes(&diagnostics), ["SYN114"]);
        assert_eq!(diagnostics[0].span, Span::new(21, 22));
        let (_, diagnostics) = parse_action("s*:List", lit("s*:List"));
        assert_eq!(diagnostics[0].span, Span::new(21, 23));
    }

    #[test]
    fn missing_colon() {
        let s = "s3GetObject";
        let (parsed, diagnostics) = parse_action(s, lit(s));
        assert_eq!(parsed, None);
        assert_eq!(codes(&diagnostics), ["SYN110"]);
        assert_eq!(diagnostics[0].span, Span::new(21, 32));
        assert_eq!(diagnostics[0].message, "action `s3GetObject` has no service prefix");
    }

    #[test]
    fn empty_parts_point_at_the_colon() {
        for s in [":GetObject", "s3:"] {
            let (parsed, diagnostics) = parse_action(s, lit(s));
            assert_eq!(parsed, None);
            assert_eq!(codes(&diagnostics), ["SYN111"], "{s}");
            let colon = 21 + s.find(':').unwrap_or(0) as u32;
            assert_eq!(
                diagnostics[0].span,
                Span {
                    start: colon,
                    end: colon + 1
                }
            );
        }
    }

    #[test]
    fn invalid_characters_point_at_each_run() {
        let s = "s3:Get.Object:x";
        let (parsed, diagnostics) = parse_action(s, lit(s));
        assert_eq!(parsed, pattern("s3", "Get.Object:x"));
        assert_eq!(codes(&diagnostics), ["SYN112", "SYN112"]);
        assert_eq!(diagnostics[0].span, Span::new(27, 28));
        assert_eq!(diagnostics[1].span, Span::new(34, 35));
        let (_, diagnostics) = parse_action("s3:Gét", lit("s3:Gét"));
        assert_eq!(diagnostics[0].span, Span::new(25, 27));
    }

    #[test]
    fn whitespace_is_reported_and_removed() {
        let s = " s3:Get Object";
        let (parsed, diagnostics) = parse_action(s, lit(s));
        assert_eq!(parsed, pattern("s3", "GetObject"));
        assert_eq!(codes(&diagnostics), ["SYN113"]);
        assert_eq!(diagnostics[0].span, Span::new(21, 22));
        assert_eq!(diagnostics[0].labels.len(), 1);
        assert_eq!(diagnostics[0].labels[0].span, Span::new(28, 29));
        assert!(diagnostics[0].fix.is_none(), "inner whitespace is not fixed");
        let s = " s3:GetObject ";
        let (_, diagnostics) = parse_action(s, lit(s));
        assert_eq!(codes(&diagnostics), ["SYN113"]);
        let fix = diagnostics[0].fix.as_ref().expect("edges are fixed");
        assert_eq!(fix.edits.len(), 2);
    }
}
