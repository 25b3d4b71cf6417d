//! ARN wildcards in the `Resource` element: `*` and `?` within the colon-separated segments of an
//! ARN, and the readings of those rules that the IAM User Guide leaves open ([`ArnReading`]).

use super::matching::{resolve_pattern, wildcard_match, Pattern, Tok};
use super::Request;
use crate::semantics::has_wildcard;

/// Whether the resource ARN `text` matches the `Resource`/`NotResource` pattern `pattern` (no
/// variables; case-sensitive), in the reading of the IAM User Guide ([`ArnReading::DOCUMENTED`]).
///
/// IAM User Guide, "IAM JSON policy elements: Resource", "Using wildcards in resource ARNs":
/// wildcards are used *within* the segments of an ARN (the parts separated by colons), several per
/// segment, and "if the `*` wildcard is the last character of a resource ARN segment, it can expand
/// to match beyond the colon boundaries". So:
///
/// - a `*` followed in the pattern by `:` or by the end of the pattern (after any further `*`) matches
///   any run of characters, colons included;
/// - any other `*` matches a run of characters without `:`;
/// - `?` matches one character other than `:` (the docs say "any single character" within a
///   segment).
///
/// So `arn:aws:s3:::bucket/*` matches `arn:aws:s3:::bucket/a:b`, and
/// `arn:aws:cloudformation:*:*:stack/*/x` does not match `…:stack/a:b/x`.
///
/// NOTE: three points are open (see [`ArnReading`]): whether `?` may match `:`, whether a `*`
/// inside an S3 object key that does not end a segment may match a `:` of the key, and whether a `*`
/// ending one of the first five components (`arn:aws:ec2:*:*:…`) may expand across colons as the
/// sentence above says (IAM Access Analyzer's checks behave as if it may not: its samples label
/// `…:*:*:stack/NotMySensitiveStack/*` as granting nothing that a Deny on
/// `…:*:*:stack/MySensitiveStack/*` blocks, which is false for
/// `…:r:a:stack/NotMySensitiveStack/x:y:stack/MySensitiveStack/z` if it may). The prover never
/// reports a verdict that depends on them ([`arn_pattern_ambiguous`]).
pub fn arn_pattern_match(pattern: &str, text: &str) -> bool {
    arn_pattern_match_in(pattern, text, ArnReading::DOCUMENTED)
}

/// A reading of the ARN wildcard rules of the `Resource` element (see [`arn_pattern_match`]): the
/// three points the IAM User Guide leaves open. AWS has one reading for every pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArnReading {
    /// A `*` ending one of the first five components of a pattern with five colons may match `:`
    /// (else those components are matched separately, as for `ArnLike`).
    pub early_stars_cross: bool,
    /// `?` may match `:`.
    pub question_matches_colon: bool,
    /// A `*` inside the bucket-and-key part of an S3 pattern (after the fifth colon of a pattern
    /// whose service component matches `s3`) that does not end a segment may match `:`. An S3
    /// object key is one opaque name in which `:` is an ordinary character, and the guides do not
    /// say whether the segment rule still splits it there: `arn:aws:s3:::b/*/x` against the key
    /// `a:c/x`.
    pub key_stars_cross: bool,
}

impl ArnReading {
    /// The evaluator's: the User Guide's sentences, with `?` not matching `:` and a `*` inside an
    /// S3 key staying within its segment like any other.
    pub const DOCUMENTED: ArnReading = ArnReading {
        early_stars_cross: true,
        question_matches_colon: false,
        key_stars_cross: false,
    };
    /// The narrowest.
    pub const STRICT: ArnReading = ArnReading {
        early_stars_cross: false,
        question_matches_colon: false,
        key_stars_cross: false,
    };
    /// The widest.
    pub const LENIENT: ArnReading = ArnReading {
        early_stars_cross: true,
        question_matches_colon: true,
        key_stars_cross: true,
    };
    /// Every reading (the narrowest first, the evaluator's third, the widest last).
    pub const ALL: [ArnReading; 8] = [
        ArnReading::STRICT,
        ArnReading::new(false, true, false),
        ArnReading::DOCUMENTED,
        ArnReading::new(true, true, false),
        ArnReading::new(false, false, true),
        ArnReading::new(false, true, true),
        ArnReading::new(true, false, true),
        ArnReading::LENIENT,
    ];

    const fn new(early_stars_cross: bool, question_matches_colon: bool, key_stars_cross: bool) -> ArnReading {
        ArnReading {
            early_stars_cross,
            question_matches_colon,
            key_stars_cross,
        }
    }
}

/// For each character of the `Resource` pattern `pattern` (no variables), whether it is a `*` that
/// may match `:` in `reading`: the one rule that the evaluator, the prover's resource alphabet and
/// its string encoding share.
pub fn arn_star_crossings(pattern: &str, reading: ArnReading) -> Vec<bool> {
    let toks: Vec<Tok> = pattern.chars().map(Tok::from_policy_char).collect();
    star_crossings(&toks, reading)
}

/// [`arn_star_crossings`] over the tokens of a resolved pattern.
fn star_crossings(toks: &[Tok], reading: ArnReading) -> Vec<bool> {
    let colons: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| **t == Tok::Ch(':'))
        .map(|(i, _)| i)
        .take(5)
        .collect();
    let fifth = colons.get(4).copied();
    // The service component (between the second and third colons) matches `s3`.
    let s3 = match (colons.get(1), colons.get(2)) {
        (Some(&from), Some(&to)) => {
            let service = toks.get(from + 1..to).unwrap_or_default();
            super::matching::glob_tokens(service, &['s', '3'], false)
        }
        _ => false,
    };
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            if *t != Tok::Star {
                return false;
            }
            let ends_segment = matches!(
                toks.get(i + 1..).unwrap_or_default().iter().find(|t| **t != Tok::Star),
                None | Some(Tok::Ch(':'))
            );
            match fifth {
                Some(f) if i < f => ends_segment && reading.early_stars_cross,
                Some(_) => ends_segment || (s3 && reading.key_stars_cross),
                None => ends_segment,
            }
        })
        .collect()
}

/// [`arn_pattern_match`] in a given reading. Every reading matches at least what
/// [`ArnReading::STRICT`] matches and at most what [`ArnReading::LENIENT`] matches.
pub fn arn_pattern_match_in(pattern: &str, text: &str, reading: ArnReading) -> bool {
    if !has_wildcard(pattern) {
        return pattern == text;
    }
    // Without `?`, and with every `*` ending a segment (the common `…/*`), every reading is the
    // plain glob, which does not allocate.
    let ends_segments = !pattern.contains('?')
        && pattern
            .split('*')
            .skip(1)
            .all(|after| after.is_empty() || after.starts_with(':'));
    if ends_segments && (reading.early_stars_cross || pattern.match_indices(':').nth(4).is_none()) {
        return wildcard_match(pattern, text, false);
    }
    let toks: Vec<Tok> = pattern.chars().map(Tok::from_policy_char).collect();
    let crossings = star_crossings(&toks, reading);
    // Without `?`, and with every `*` free to match `:` (the common `…/*`), it is the plain glob.
    let crossing_only = !pattern.contains('?') && toks.iter().zip(&crossings).all(|(t, c)| *t != Tok::Star || *c);
    if crossing_only {
        return wildcard_match(pattern, text, false);
    }
    arn_match_tokens(&arn_tokens(toks.into_iter(), reading), text)
}

/// Whether the readings of the ARN wildcard rules disagree on whether `text` matches `pattern`
/// (`text` puts a `:` where only a `?`, a `*` ending one of the first five components, or a `*`
/// inside an S3 key, could match it).
pub fn arn_pattern_ambiguous(pattern: &str, text: &str) -> bool {
    text.contains(':')
        && arn_pattern_match_in(pattern, text, ArnReading::STRICT)
            != arn_pattern_match_in(pattern, text, ArnReading::LENIENT)
}

/// Whether a `Resource` pattern of a policy (with variables substituted when `substitute`) matches
/// `request.resource` differently in different readings (see [`arn_pattern_ambiguous`]).
pub fn resource_pattern_ambiguous(pattern: &str, substitute: bool, request: &Request) -> bool {
    if !request.resource.contains(':') {
        return false;
    }
    let toks = match resolve_pattern(pattern, substitute, request) {
        Pattern::Plain(p) => return arn_pattern_ambiguous(p, &request.resource),
        Pattern::Tokens(t) => t,
        Pattern::Unresolvable => return false,
    };
    let strict = arn_tokens(toks.iter().copied(), ArnReading::STRICT);
    let lenient = arn_tokens(toks.into_iter(), ArnReading::LENIENT);
    arn_match_tokens(&strict, &request.resource) != arn_match_tokens(&lenient, &request.resource)
}

/// One element of an ARN pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArnTok {
    /// A literal character.
    Ch(char),
    /// `*`; `cross`: it may match `:`.
    Star { cross: bool },
    /// `?`; `colon`: it may match `:`.
    One { colon: bool },
}

pub(super) fn arn_tokens(toks: impl Iterator<Item = Tok>, reading: ArnReading) -> Vec<ArnTok> {
    let toks: Vec<Tok> = toks.collect();
    let crossings = star_crossings(&toks, reading);
    toks.iter()
        .zip(crossings)
        .map(|(t, cross)| match t {
            Tok::Ch(c) => ArnTok::Ch(*c),
            Tok::One => ArnTok::One {
                colon: reading.question_matches_colon,
            },
            Tok::Star => ArnTok::Star { cross },
        })
        .collect()
}

/// Runs the pattern's position automaton over `text`: `O(|pattern| * |text|)`, never exponential.
pub(super) fn arn_match_tokens(pattern: &[ArnTok], text: &str) -> bool {
    if !pattern.iter().any(|t| !matches!(t, ArnTok::Ch(_))) {
        return pattern
            .iter()
            .map(|t| if let ArnTok::Ch(c) = t { *c } else { ' ' })
            .eq(text.chars());
    }
    let n = pattern.len();
    // `set[i]`: the automaton may be before token `i` (`set[n]`: past the end).
    let close = |set: &mut [bool]| {
        for (i, t) in pattern.iter().enumerate() {
            if matches!(t, ArnTok::Star { .. }) && set.get(i).copied().unwrap_or(false) {
                if let Some(after) = set.get_mut(i + 1) {
                    *after = true;
                }
            }
        }
    };
    let mut cur = vec![false; n + 1];
    if let Some(start) = cur.first_mut() {
        *start = true;
    }
    close(&mut cur);
    let mut next = vec![false; n + 1];
    for c in text.chars() {
        next.iter_mut().for_each(|b| *b = false);
        let mut any = false;
        for (i, t) in pattern.iter().enumerate() {
            if !cur.get(i).copied().unwrap_or(false) {
                continue;
            }
            let to = match *t {
                ArnTok::Star { cross } if cross || c != ':' => i,
                ArnTok::One { colon } if colon || c != ':' => i + 1,
                ArnTok::Ch(x) if x == c => i + 1,
                _ => continue,
            };
            if let Some(b) = next.get_mut(to) {
                *b = true;
            }
            any = true;
        }
        if !any {
            return false;
        }
        close(&mut next);
        std::mem::swap(&mut cur, &mut next);
    }
    cur.last().copied().unwrap_or(false)
}
