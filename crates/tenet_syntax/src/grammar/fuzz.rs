//! Property-style tests: every parser, on many generated strings, returns without panicking,
//! keeps its diagnostics inside the value's span, and writes messages in the house style.

use tenet_diagnostics::{Diagnostic, Span};

use super::variable::Segment;
use super::{action, arn, cidr, date, ids, operator, variable};

/// Pieces the generator glues together: grammar punctuation, wildcards, digits, hex, whitespace,
/// multibyte UTF-8, and fragments of valid inputs.
const PIECES: &[&str] = &[
    "${",
    "}",
    "$",
    "{",
    ":",
    "::",
    "/",
    "*",
    "?",
    ",",
    "'",
    " ",
    "\t",
    "-",
    ".",
    "+",
    "Z",
    "T",
    "arn",
    "aws",
    "arn:",
    "arn:aws:iam::",
    "s3",
    "S3",
    "iam",
    "us-east-1",
    "123456789012",
    "vpc-",
    "vpce-",
    "1a2b3c4d",
    "0123456789abcdef0",
    "ForAnyValue",
    "ForAllValues",
    "StringLike",
    "Null",
    "IfExists",
    "2019-07-16",
    "12:00:00",
    "10.0.0.1",
    "::1",
    "fe80",
    "/32",
    "/129",
    "é",
    "日本",
    "🦀",
    "\u{0}",
    "\u{feff}",
    "0",
    "9",
    "a",
    "Get",
    "aws:username",
    "${aws:x, 'd'}",
    "%",
];

/// A small deterministic generator (64-bit LCG): no dependency, same cases on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn string(&mut self) -> String {
        let pieces = self.next() % 9;
        (0..pieces).map(|_| PIECES[self.next() % PIECES.len()]).collect()
    }
}

fn cases() -> Vec<String> {
    let mut lcg = Lcg(0x7e4e7);
    let mut cases: Vec<String> = (0..4_000).map(|_| lcg.string()).collect();
    cases.extend(PIECES.iter().map(|p| (*p).to_owned()));
    cases
}

/// The spans a parser may be called with: the exact literal at an offset, and a literal with
/// escapes (longer than the value).
fn spans(s: &str) -> [Span; 2] {
    [Span::new(5, 5 + s.len() + 2), Span::new(5, 5 + s.len() + 9)]
}

fn check(s: &str, span: Span, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            span.start <= d.span.start && d.span.end <= span.end,
            "{s:?}: {d:?} outside {span:?}"
        );
        assert!(d.code.starts_with("SYN1"), "{d:?}");
        assert!(!d.message.ends_with('.') && !d.message.contains('\n'), "{d:?}");
        let first = d.message.chars().next().unwrap_or('`');
        assert!(first == '`' || first.is_lowercase(), "{d:?}");
        for edit in d.fix.iter().flat_map(|f| &f.edits) {
            assert!(
                span.start < edit.span.start && edit.span.end < span.end,
                "{s:?}: fix {edit:?} outside the quotes"
            );
        }
    }
}

#[test]
fn no_parser_panics_and_spans_stay_inside() {
    for s in cases() {
        for span in spans(&s) {
            check(&s, span, &arn::parse_resource(&s, span).1);
            check(&s, span, &action::parse_action(&s, span).1);
            check(&s, span, &operator::parse_operator(&s, span).1);
            check(&s, span, &cidr::parse_cidr(&s, span).1);
            check(&s, span, &date::parse_date(&s, span).1);
            check(&s, span, &ids::parse_vpc_id(&s, span).1);
            check(&s, span, &ids::parse_vpce_id(&s, span).1);
            check(&s, span, &ids::parse_account_id(&s, span).1);
            for enabled in [true, false] {
                let (template, diagnostics) = variable::parse_template(&s, span, enabled);
                check(&s, span, &diagnostics);
                assert_eq!(reassemble(&s, &template.segments), s);
            }
            let _ = variable::contains_variable(&s);
        }
    }
}

/// The template's pieces, glued back together, give the original string.
fn reassemble(s: &str, segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.as_str(),
            Segment::Variable { span_range, .. } => s.get(span_range.clone()).unwrap_or("<bad range>"),
        })
        .collect()
}

#[test]
fn generated_cases_reach_every_parser_outcome() {
    // Guard against a generator that only ever produces garbage: some cases must parse.
    let cases = cases();
    let parsed_templates = cases.iter().filter(|s| variable::contains_variable(s)).count();
    let parsed_cidrs = cases
        .iter()
        .filter(|s| cidr::parse_cidr(s, Span::default()).0.is_some())
        .count();
    let parsed_arns = cases
        .iter()
        .filter(|s| arn::parse_arn(s, Span::default()).0.is_some())
        .count();
    assert!(
        parsed_templates > 50 && parsed_cidrs > 10 && parsed_arns > 5,
        "{parsed_templates} {parsed_cidrs} {parsed_arns}"
    );
}
