//! IAM's mini-grammars: ARNs, action patterns, policy variables, condition operator names, CIDRs,
//! dates and VPC / VPCE / account ids.
//!
//! This module sits between the span-exact JSON reader and the lowering to the AST: the lowering
//! hands each decoded JSON string, with the span of the string literal in the file, to one of the
//! parsers here and gets back the parsed value plus located diagnostics. No parser fails or panics:
//! malformed pieces become `SYN1xx` diagnostics (see [`GRAMMAR_CODES`]). The grammars are written
//! down in EBNF in `grammar/iam.ebnf` at the repository root; each nonterminal there is a parser
//! function of the same name here, except for the values the evaluator reads too (dates, CIDRs,
//! account ids): the semantic core (`tenet_ast::semantics`) reads those once for everyone, and the
//! modules here only explain a rejection.

pub mod action;
pub mod arn;
pub mod cidr;
mod codes;
pub mod date;
pub mod ids;
pub mod operator;
pub mod suggest;
pub mod variable;

use std::ops::Range;

use tenet_diagnostics::Span;

pub use codes::{GrammarRule, GRAMMAR_AA_CHECKS, GRAMMAR_CODES, GRAMMAR_RULES};

/// The span in the file of the bytes `range` of a decoded JSON string value.
///
/// `value_span` is the span of the whole string literal, quotes included. When the literal is
/// exactly the value between two quotes (`value_span.len() == value.len() + 2`), offsets in the
/// value map 1:1 to the file starting after the opening quote. Otherwise the literal contained
/// escapes, the offsets do not map, and the whole literal is returned. Out-of-range ends are
/// clamped to the value.
pub fn sub_span(value_span: Span, value: &str, range: Range<usize>) -> Span {
    if value_span.len() != value.len() + 2 {
        return value_span;
    }
    let start = range.start.min(value.len());
    let end = range.end.clamp(start, value.len());
    let base = value_span.start as usize + 1;
    Span::new(base + start, base + end)
}

/// Whether [`sub_span`] maps offsets of `value` 1:1 into the file; only then can a fix edit part
/// of the literal.
pub(crate) fn maps_exactly(value_span: Span, value: &str) -> bool {
    value_span.len() == value.len() + 2
}

/// The byte range of `part`, a subslice of `whole` returned by a nom parser, inside `whole`.
pub(crate) fn range_in(whole: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize)
        .saturating_sub(whole.as_ptr() as usize)
        .min(whole.len());
    start..(start + part.len()).min(whole.len())
}

/// The maximal byte ranges of `s` whose characters all satisfy `pred`.
pub(crate) fn runs(s: &str, pred: impl Fn(char) -> bool) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    for (i, c) in s.char_indices() {
        if !pred(c) {
            continue;
        }
        let end = i + c.len_utf8();
        match found.last_mut() {
            Some(last) if last.end == i => last.end = end,
            _ => found.push(i..end),
        }
    }
    found
}

/// Whether `s` contains IAM's `*` or `?` wildcards: the semantic core's reading.
pub(crate) use tenet_ast::semantics::has_wildcard;

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_span_maps_after_the_opening_quote() {
        // The literal `"abc"` at offset 10 spans 10..15; `b` is at 12.
        assert_eq!(sub_span(Span::new(10, 15), "abc", 1..2), Span::new(12, 13));
    }

    #[test]
    fn sub_span_falls_back_to_the_whole_literal_after_escapes() {
        // `"a\/c"` decodes to `a/c`: 6 bytes in the file for 3 in the value.
        assert_eq!(sub_span(Span::new(0, 6), "a/c", 1..2), Span::new(0, 6));
    }

    #[test]
    fn sub_span_clamps_out_of_range_ends() {
        assert_eq!(sub_span(Span::new(0, 5), "abc", 2..9), Span::new(3, 4));
        assert_eq!(sub_span(Span::new(0, 5), "abc", 7..9), Span::new(4, 4));
    }
}
