//! The rules, one file each, grouped in family folders, and the small helpers they share.
//!
//! Each family's `mod.rs` exports `RULES`, the family's rules in any order; the registry merges the
//! families and sorts by code.
#![allow(
    clippy::indexing_slicing,
    reason = "to be rewritten with get/iterators by lint, whose branch changes this file in the same session (issue 14)"
)]

pub(crate) mod allowed;
pub mod arn;
pub mod catalog;
pub mod condition;
pub mod elements;
pub mod ip;
pub mod principal;
pub mod redundancy;
pub mod scp;
pub mod security;
pub mod trust;
pub mod variable;

use tenet_ast::{Condition, Effect, ElementList, Spanned, Statement};

/// IAM's `*`/`?` matcher, shared with the concrete evaluator so the linter and the prover agree on
/// what a pattern matches (linear on ordinary patterns, no allocation for ASCII).
pub use tenet_ast::eval::wildcard_match;

/// Whether every string the pattern `specific` matches is also matched by the pattern `general`
/// (`s3:*` covers `s3:Get*`). Sound, not complete: `true` is always right.
pub fn pattern_covers(general: &str, specific: &str, ignore_case: bool) -> bool {
    let eq = |a: &str, b: &str| if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
    let wild = |t: &str| t.contains(['*', '?']);
    // Fast paths for the shapes policies are made of; they decide exactly what the general case does.
    if !wild(general) {
        return !wild(specific) && eq(general, specific);
    }
    if general == "*" {
        return true;
    }
    if let Some(prefix) = general.strip_suffix('*').filter(|p| !wild(p)) {
        return specific.len() >= prefix.len()
            && specific.is_char_boundary(prefix.len())
            && eq(&specific[..prefix.len()], prefix);
    }
    // A general pattern ending in literal text covers only items that end in the same literal text.
    let tail_start = general.rfind(['*', '?']).map_or(0, |i| i + 1);
    let tail = &general[tail_start..];
    if !tail.is_empty() {
        let Some(cut) = specific.len().checked_sub(tail.len()) else {
            return false;
        };
        if !specific.is_char_boundary(cut) || wild(&specific[cut..]) || !eq(&specific[cut..], tail) {
            return false;
        }
    }
    if !ignore_case && !segments_in_order(general, specific) {
        return false;
    }
    if general.is_ascii() && specific.is_ascii() {
        let eq = |a: &u8, b: &u8| if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
        return covers_dp(general.as_bytes(), specific.as_bytes(), |c| char::from(*c), eq);
    }
    let g: Vec<char> = general.chars().collect();
    let s: Vec<char> = specific.chars().collect();
    let eq = |a: &char, b: &char| if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
    covers_dp(&g, &s, |c| *c, eq)
}

/// The general case of [`pattern_covers`] over characters (or bytes, for ASCII text): whether the
/// pattern `g` covers the pattern `s`.
fn covers_dp<T>(g: &[T], s: &[T], as_char: impl Fn(&T) -> char, eq: impl Fn(&T, &T) -> bool) -> bool {
    // next[j]: g[i+1..] covers s[j..]; cur[j]: g[i..] covers s[j..]. Rows are filled from the ends
    // (dynamic programming, O(|g|·|s|) time, O(|s|) space).
    let mut next = vec![false; s.len() + 1];
    next[s.len()] = true;
    let mut cur = vec![false; s.len() + 1];
    for gc in g.iter().rev() {
        for j in (0..=s.len()).rev() {
            cur[j] = match (as_char(gc), s.get(j)) {
                ('*', _) => next[j] || (j < s.len() && cur[j + 1]),
                (_, None) => false,
                ('?', Some(c)) => as_char(c) != '*' && next[j + 1],
                (_, Some(c)) => eq(gc, c) && !matches!(as_char(c), '*' | '?') && next[j + 1],
            };
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// A necessary condition for `general` to cover `specific` (case-sensitively): the literal runs of
/// `general` occur in `specific` in order. (Expand every wildcard of `specific` to a character
/// `general` never names: `general` must still match, and its literal runs cannot straddle that
/// character, so they lie in literal runs of `specific`.)
fn segments_in_order(general: &str, specific: &str) -> bool {
    let mut rest = specific.as_bytes();
    for segment in general.split(['*', '?']).filter(|s| !s.is_empty()) {
        match find_bytes(rest, segment.as_bytes()) {
            Some(at) => rest = &rest[at + segment.len()..],
            None => return false,
        }
    }
    true
}

/// Where `needle` first occurs in `haystack`: a plain scan, cheaper than `str::find`'s searcher
/// for the short texts of ARNs and actions.
fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, tail) = needle.split_first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| haystack[i] == first && haystack[i + 1..i + needle.len()] == *tail)
}

/// Splits an action `service:Name` into its service prefix and name.
pub fn split_action(action: &str) -> Option<(&str, &str)> {
    action.split_once(':')
}

/// Whether the text holds a policy variable `${...}`.
pub fn has_variable(text: &str) -> bool {
    text.contains("${")
}

/// The items of `Action` (not `NotAction`), empty otherwise.
pub fn actions(stmt: &Statement) -> &[Spanned<String>] {
    positive_items(stmt.action.as_ref())
}

/// The items of `Resource` (not `NotResource`), empty otherwise.
pub fn resources(stmt: &Statement) -> &[Spanned<String>] {
    positive_items(stmt.resource.as_ref())
}

fn positive_items(list: Option<&Spanned<ElementList>>) -> &[Spanned<String>] {
    match list {
        Some(l) if !l.negated.value => &l.items,
        _ => &[],
    }
}

/// Whether the statement's `Action` matches `action` (case-insensitively, with wildcards). `NotAction`
/// statements match every action they do not list.
pub fn statement_allows_action(stmt: &Statement, action: &str) -> bool {
    let Some(list) = &stmt.action else {
        return false;
    };
    let listed = list
        .items
        .iter()
        .any(|a| may_match(&a.value, action) && wildcard_match(&a.value, action, true));
    listed != list.negated.value
}

/// A quick necessary condition for `wildcard_match(pattern, text, true)`: a pattern that starts
/// with an ASCII letter or digit matches only a text that starts with it (ignoring case). Security
/// rules ask about every item of every statement for each action they look for, and most items
/// fail on the first character.
fn may_match(pattern: &str, text: &str) -> bool {
    match (pattern.as_bytes().first(), text.as_bytes().first()) {
        (Some(p), Some(t)) if p.is_ascii_alphanumeric() && t.is_ascii() => p.eq_ignore_ascii_case(t),
        _ => true,
    }
}

/// Whether the statement is an `Allow`.
pub fn is_allow(stmt: &Statement) -> bool {
    stmt.effect() == Some(Effect::Allow)
}

/// The conditions on `key` (condition keys are case-insensitive).
pub fn conditions_on<'a>(stmt: &'a Statement, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
    stmt.conditions()
        .iter()
        .filter(move |c| c.key.value.eq_ignore_ascii_case(key))
}

/// `statement "Sid"` or `statement #n` (1-based), to name a statement in messages and labels.
pub fn statement_name(stmt: &Statement, index: usize) -> String {
    match &stmt.sid {
        Some(sid) if !sid.value.is_empty() => format!("statement `{}`", sid.value),
        _ => format!("statement #{}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject", false));
        assert!(wildcard_match("s3:get*", "S3:GetObject", true));
        assert!(!wildcard_match("s3:get*", "S3:GetObject", false));
        assert!(wildcard_match("s3:?et*", "s3:GetObject", false));
        assert!(wildcard_match("*", "", false));
        assert!(!wildcard_match("a?", "a", false));
        assert!(wildcard_match("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/1/2/x", false));
    }

    #[test]
    fn coverage_is_sound() {
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(pattern_covers("s3:*", "s3:GetObject", true));
        assert!(pattern_covers("s3:Get*", "S3:GETOBJECT", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
        assert!(!pattern_covers("s3:G?t", "s3:G*t", true));
        assert!(pattern_covers("a*", "a?", false));
        assert!(!pattern_covers("a/b", "A/b", false));
    }
}
