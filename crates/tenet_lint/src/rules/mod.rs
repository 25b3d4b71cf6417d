//! The rules, one file each, grouped in family folders, and the small helpers they share.
//!
//! Each family's `mod.rs` exports `RULES`, the family's rules in any order; the registry merges the
//! families and sorts by code.

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

use tenet_ast::semantics::has_wildcard;
use tenet_ast::{Condition, Effect, ElementList, Spanned, Statement};

/// IAM's `*`/`?` matcher, shared with the concrete evaluator so the linter and the prover agree on
/// what a pattern matches (linear on ordinary patterns, no allocation for ASCII).
pub use tenet_ast::eval::wildcard_match;

/// Whether every string the pattern `specific` matches is also matched by the pattern `general`
/// (`s3:*` covers `s3:Get*`). Sound, not complete: `true` is always right.
pub fn pattern_covers(general: &str, specific: &str, ignore_case: bool) -> bool {
    let eq = |a: &str, b: &str| if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
    // Fast paths for the shapes policies are made of; they decide exactly what the general case does.
    if !has_wildcard(general) {
        return !has_wildcard(specific) && eq(general, specific);
    }
    if general == "*" {
        return true;
    }
    if let Some(prefix) = general.strip_suffix('*').filter(|p| !has_wildcard(p)) {
        // `get` is `None` when `specific` is shorter or the cut falls inside a character.
        return specific.get(..prefix.len()).is_some_and(|head| eq(head, prefix));
    }
    // A general pattern ending in literal text covers only items that end in the same literal text.
    let tail = general.rsplit_once(['*', '?']).map_or(general, |(_, tail)| tail);
    if !tail.is_empty() {
        let end = specific
            .len()
            .checked_sub(tail.len())
            .and_then(|cut| specific.get(cut..));
        match end {
            Some(end) if !has_wildcard(end) && eq(end, tail) => {}
            _ => return false,
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
    // Dynamic programming from the ends, O(|g|·|s|) time, O(|s|) space. Before the pass for the
    // pattern character g[i], `row[j]` says whether g[i+1..] covers s[j..] and `row_end` whether
    // g[i+1..] covers the empty rest; the pass rewrites them in place, from the right, to say the
    // same of g[i..].
    let mut row = vec![false; s.len()];
    let mut row_end = true;
    for gc in g.iter().rev() {
        let pattern_char = as_char(gc);
        // Only a star covers the empty rest, and only if what follows it does.
        let cur_end = pattern_char == '*' && row_end;
        // `right` is the new value one column to the right, `next_right` the old one.
        let (mut right, mut next_right) = (cur_end, row_end);
        for (slot, c) in row.iter_mut().zip(s).rev() {
            let next_here = *slot;
            let value = match pattern_char {
                '*' => next_here || right,
                '?' => as_char(c) != '*' && next_right,
                _ => eq(gc, c) && !matches!(as_char(c), '*' | '?') && next_right,
            };
            *slot = value;
            right = value;
            next_right = next_here;
        }
        row_end = cur_end;
    }
    row.first().copied().unwrap_or(row_end)
}

/// A necessary condition for `general` to cover `specific` (case-sensitively): the literal runs of
/// `general` occur in `specific` in order. (Expand every wildcard of `specific` to a character
/// `general` never names: `general` must still match, and its literal runs cannot straddle that
/// character, so they lie in literal runs of `specific`.)
fn segments_in_order(general: &str, specific: &str) -> bool {
    let mut rest = specific.as_bytes();
    for segment in general.split(['*', '?']).filter(|s| !s.is_empty()) {
        match after_first(rest, segment.as_bytes()) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

/// What follows the first occurrence of `needle` in `haystack`, if it occurs: a plain scan, cheaper
/// than `str::find`'s searcher for the short texts of ARNs and actions.
fn after_first<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    let (&first, tail) = needle.split_first()?;
    let at = haystack
        .windows(needle.len())
        .position(|w| w.split_first().is_some_and(|(&b, rest)| b == first && rest == tail))?;
    haystack.get(at + needle.len()..)
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
        assert!(pattern_covers("é*", "éa?", false));
        assert!(!pattern_covers("é?", "é", false));
        assert!(!pattern_covers("ab*", "a", false));
        assert!(!pattern_covers("*é", "aé*", false));
    }

    /// The definition the dynamic programming in `covers_dp` computes, written as plain recursion.
    fn covers_by_definition(g: &[char], s: &[char]) -> bool {
        match (g.first(), s.first()) {
            (None, _) => s.is_empty(),
            (Some('*'), _) => covers_by_definition(&g[1..], s) || (!s.is_empty() && covers_by_definition(g, &s[1..])),
            (Some(_), None) => false,
            (Some('?'), Some(c)) => *c != '*' && covers_by_definition(&g[1..], &s[1..]),
            (Some(p), Some(c)) => p == c && !matches!(c, '*' | '?') && covers_by_definition(&g[1..], &s[1..]),
        }
    }

    #[test]
    fn coverage_agrees_with_its_definition_on_every_small_pattern() {
        let alphabet = ['a', 'b', '*', '?'];
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = words
                .iter()
                .filter(|w| w.len() == words.last().map_or(0, String::len))
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(longer);
        }
        for g in &words {
            for s in &words {
                let (gc, sc): (Vec<char>, Vec<char>) = (g.chars().collect(), s.chars().collect());
                assert_eq!(
                    pattern_covers(g, s, false),
                    covers_by_definition(&gc, &sc),
                    "`{g}` covers `{s}`"
                );
            }
        }
    }
}
