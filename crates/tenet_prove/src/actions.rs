//! The action alphabet: a finite set of representative action names that is exact for a given set
//! of action patterns, so that the encoding can pick an action by index instead of reasoning about
//! strings and regexes.
//!
//! Actions take part in IAM decisions only through "does the action match pattern `p`" for the
//! (lowercased, case-insensitive) `Action`/`NotAction` patterns of the policies in play and the
//! patterns of the property. Two actions that match exactly the same patterns are
//! indistinguishable. The representatives are found by exploring the product of the patterns'
//! glob automata over the characters the patterns use plus one character none of them uses (every
//! other character behaves like it): each reachable product state is a class of prefixes with the
//! same future, and a breadth-first search yields, for every realizable match vector, a shortest
//! action realizing it. So "some action does X" holds iff "some representative does X": the
//! encoding over the representatives is exact, with no approximation.
//!
//! The search is bounded ([`MAX_STATES`]); above the bound the encoder keeps the string encoding.

use std::collections::{BTreeMap, HashMap, VecDeque};
use tenet_ast::eval::wildcard_match;

/// The largest number of product states explored before giving up (the string encoding is used).
pub const MAX_STATES: usize = 20_000;

/// One pattern's position set: the glob positions reachable after the text read so far.
type Positions = Vec<u16>;

/// A finite, exact set of representative actions for a set of patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alphabet {
    /// The lowercase patterns, deduplicated and sorted.
    pub patterns: Vec<String>,
    /// The representatives (lowercase); a literal action name of the patterns when one realizes
    /// the class.
    pub reps: Vec<String>,
    /// `matches[r][p]`: representative `r` matches pattern `p`.
    pub matches: Vec<Vec<bool>>,
}

fn closure(pat: &[char], mut set: Positions) -> Positions {
    // A `*` at position i can be skipped: add i + 1.
    let mut i = 0;
    while i < set.len() {
        let p = set[i] as usize;
        if pat.get(p) == Some(&'*') && !set.contains(&((p + 1) as u16)) {
            set.push((p + 1) as u16);
        }
        i += 1;
    }
    set.sort_unstable();
    set
}

fn step(pat: &[char], set: &Positions, c: char) -> Positions {
    let mut next = Vec::new();
    for &p in set {
        match pat.get(p as usize) {
            Some('*') => next.push(p),
            Some('?') => next.push(p + 1),
            Some(&x) if x == c => next.push(p + 1),
            _ => {}
        }
    }
    next.dedup();
    closure(pat, next)
}

/// Whether the set is final for this pattern: dead (empty) or past a trailing `*` (matches every
/// extension).
fn settled(pat: &[char], set: &Positions) -> bool {
    set.is_empty() || (pat.last() == Some(&'*') && set.contains(&((pat.len() - 1) as u16)))
}

impl Alphabet {
    /// The alphabet of these patterns (lowercased here); `None` when a pattern is not ASCII or the
    /// search exceeds [`MAX_STATES`].
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Option<Alphabet> {
        let mut pats: Vec<String> = patterns.into_iter().map(str::to_ascii_lowercase).collect();
        if pats.iter().any(|p| !p.is_ascii()) {
            return None;
        }
        pats.sort();
        pats.dedup();
        let chars: Vec<Vec<char>> = pats.iter().map(|p| p.chars().collect()).collect();
        let mut sigma: Vec<char> = chars
            .iter()
            .flatten()
            .copied()
            .filter(|c| !matches!(c, '*' | '?'))
            .collect();
        sigma.sort_unstable();
        sigma.dedup();
        // One character that no pattern names stands for every such character.
        let fresh = "qzxjvkwy0123456789-_.bcdfghlmnprst"
            .chars()
            .chain((' '..='~').filter(|c| !c.is_ascii_uppercase()))
            .find(|c| !sigma.contains(c) && !matches!(c, '*' | '?'))?;
        sigma.push(fresh);
        let start: Vec<Positions> = chars.iter().map(|p| closure(p, vec![0])).collect();
        let accepts = |state: &[Positions]| -> Vec<bool> {
            state
                .iter()
                .zip(&chars)
                .map(|(s, p)| s.contains(&(p.len() as u16)))
                .collect()
        };
        let mut seen: HashMap<Vec<Positions>, ()> = HashMap::new();
        let mut classes: BTreeMap<Vec<bool>, String> = BTreeMap::new();
        let mut queue: VecDeque<(Vec<Positions>, String)> = VecDeque::new();
        seen.insert(start.clone(), ());
        queue.push_back((start, String::new()));
        while let Some((state, text)) = queue.pop_front() {
            classes.entry(accepts(&state)).or_insert_with(|| text.clone());
            if state.iter().zip(&chars).all(|(s, p)| settled(p, s)) {
                continue;
            }
            for &c in &sigma {
                let next: Vec<Positions> = state.iter().zip(&chars).map(|(s, p)| step(p, s, c)).collect();
                if seen.contains_key(&next) {
                    continue;
                }
                if seen.len() >= MAX_STATES {
                    return None;
                }
                seen.insert(next.clone(), ());
                let mut t = text.clone();
                t.push(c);
                queue.push_back((next, t));
            }
        }
        // Prefer a literal action name of the patterns as the representative of its class.
        for p in pats.iter().filter(|p| !p.contains(['*', '?'])) {
            let v: Vec<bool> = pats.iter().map(|q| wildcard_match(q, p, true)).collect();
            classes.insert(v, p.clone());
        }
        let (matches, reps): (Vec<Vec<bool>>, Vec<String>) = classes.into_iter().unzip();
        Some(Alphabet {
            patterns: pats,
            reps,
            matches,
        })
    }

    /// The index of the pattern (lowercased), if it is one of the alphabet's.
    pub fn pattern_index(&self, pattern: &str) -> Option<usize> {
        self.patterns.binary_search(&pattern.to_ascii_lowercase()).ok()
    }

    /// The representative indistinguishable from `action` (case-insensitive).
    pub fn representative(&self, action: &str) -> Option<usize> {
        let v: Vec<bool> = self.patterns.iter().map(|p| wildcard_match(p, action, true)).collect();
        self.matches.iter().position(|m| *m == v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_intersections() {
        let a = Alphabet::new(["s3:Get*", "*Object", "s3:GetObject", "iam:*", "*"]).unwrap_or_else(|| unreachable!());
        for probe in [
            "s3:getobject",
            "s3:getbucket",
            "s3:putobject",
            "iam:passrole",
            "ec2:x",
            "",
            "s3:get",
        ] {
            let r = a.representative(probe);
            assert!(r.is_some(), "{probe}");
        }
        // Every representative realizes its own vector.
        for (i, r) in a.reps.iter().enumerate() {
            assert_eq!(a.representative(r), Some(i), "{r}");
        }
        assert!(a.reps.contains(&"s3:getobject".to_string()));
    }

    #[test]
    fn question_marks_and_inner_stars() {
        let a = Alphabet::new(["s3:?et*", "s3:*o*t", "kms:*"]).unwrap_or_else(|| unreachable!());
        for probe in ["s3:getobject", "s3:setot", "s3:xot", "kms:decrypt", "s3:get", "s3:ot"] {
            assert!(a.representative(probe).is_some(), "{probe}");
        }
    }
}
