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
//! The exploration is sparse: a product state lists only the patterns still alive (a dead pattern
//! stays dead), and from each state only the characters that some alive pattern names at its
//! current positions are tried, plus the fresh character for all the others. Most action patterns
//! are literals or `service:Prefix*`, so deep states hold a handful of patterns and branch once or
//! twice, and thousands of patterns (AWS's `ReadOnlyAccess` has 2,914) cost tens of thousands of
//! small states instead of as many states of thousands of position sets each.
//!
//! The search is bounded ([`MAX_STATES`]); above the bound the encoder keeps the string encoding.
//! It is also charged to the property's budget ([`crate::budget`]): when the budget refuses, the
//! alphabet is not built and the budget records why, so the property ends `unknown`.
#![allow(
    clippy::indexing_slicing,
    reason = "rewritten when the two alphabet automata share their closure and step (next commit)"
)]

use crate::budget::{charge, Phase};
use std::collections::{BTreeMap, HashSet, VecDeque};
use tenet_ast::eval::wildcard_match;

/// The largest number of product states explored before giving up (the string encoding is used).
pub const MAX_STATES: usize = 200_000;

/// The largest number of (pattern, position) pairs held, summed over the states seen, before giving
/// up (the string encoding is used). Patterns that stay alive in every state (inner stars) make each state
/// as large as the number of patterns; Z3 handles those better as strings.
pub const MAX_ENTRIES: usize = 1_500_000;

/// A product state: the (pattern index, glob position) pairs reachable after the text read so far,
/// sorted; a pattern with no pair is dead. One flat vector per state keeps hashing and comparing
/// states to one `memcmp` and one allocation.
type State = Vec<(u32, u16)>;

/// How often (in automaton steps) the budget is asked.
const CHARGE_EVERY: usize = 1 << 15;

/// A rough size in bytes of a state held by the search (in the seen set and the queue).
fn state_bytes(state: &State) -> u64 {
    2 * (48 + 8 * state.len() as u64)
}

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

/// Sorts and deduplicates `v[from..]` in place.
fn sort_dedup_tail(v: &mut State, from: usize) {
    v[from..].sort_unstable();
    let mut w = from;
    for r in from..v.len() {
        if w == from || v[r] != v[w - 1] {
            v[w] = v[r];
            w += 1;
        }
    }
    v.truncate(w);
}

/// The product automaton of the glob patterns (ASCII bytes), over sparse states.
struct Product {
    pats: Vec<Vec<u8>>,
}

impl Product {
    /// Adds to `out[from..]`, the positions of pattern `i`, the positions past each `*` (a `*` may
    /// match nothing), sorted and deduplicated.
    fn close(&self, i: u32, out: &mut State, from: usize) {
        let pat = &self.pats[i as usize];
        let mut j = from;
        while j < out.len() {
            let p = out[j].1;
            if pat.get(p as usize) == Some(&b'*') && !out[from..].iter().any(|e| e.1 == p + 1) {
                out.push((i, p + 1));
            }
            j += 1;
        }
        sort_dedup_tail(out, from);
    }

    fn start(&self) -> State {
        let mut s = Vec::with_capacity(self.pats.len());
        for i in 0..self.pats.len() as u32 {
            let from = s.len();
            s.push((i, 0));
            self.close(i, &mut s, from);
        }
        s
    }

    fn step(&self, state: &[(u32, u16)], c: u8) -> State {
        let mut out = Vec::with_capacity(state.len());
        let mut k = 0;
        while k < state.len() {
            let i = state[k].0;
            let pat = &self.pats[i as usize];
            let from = out.len();
            while k < state.len() && state[k].0 == i {
                let p = state[k].1;
                match pat.get(p as usize) {
                    Some(b'*') => out.push((i, p)),
                    Some(b'?') => out.push((i, p + 1)),
                    Some(&x) if x == c => out.push((i, p + 1)),
                    _ => {}
                }
                k += 1;
            }
            if out.len() > from {
                self.close(i, &mut out, from);
            }
        }
        out
    }

    /// The patterns that accept here, by index.
    fn accepts(&self, state: &[(u32, u16)]) -> Vec<u32> {
        state
            .iter()
            .filter(|(i, p)| usize::from(*p) == self.pats[*i as usize].len())
            .map(|(i, _)| *i)
            .collect()
    }

    /// Whether every alive pattern is past a trailing `*` (matches every extension): reading more
    /// changes nothing.
    fn settled(&self, state: &[(u32, u16)]) -> bool {
        let mut k = 0;
        while k < state.len() {
            let i = state[k].0;
            let pat = &self.pats[i as usize];
            let mut done = false;
            while k < state.len() && state[k].0 == i {
                done |= pat.last() == Some(&b'*') && usize::from(state[k].1) + 1 == pat.len();
                k += 1;
            }
            if !done {
                return false;
            }
        }
        true
    }

    /// The characters some alive pattern names at its current positions, then `fresh`.
    fn moves(&self, state: &[(u32, u16)], fresh: u8) -> Vec<u8> {
        let mut cs: Vec<u8> = state
            .iter()
            .filter_map(|(i, p)| self.pats[*i as usize].get(usize::from(*p)))
            .copied()
            .filter(|c| !matches!(c, b'*' | b'?'))
            .collect();
        cs.sort_unstable();
        cs.dedup();
        cs.push(fresh);
        cs
    }

    fn run(&self, text: &str) -> Vec<u32> {
        let mut state = self.start();
        for c in text.bytes() {
            state = self.step(&state, c);
        }
        self.accepts(&state)
    }
}

impl Alphabet {
    /// The alphabet of these patterns (lowercased here); `None` when a pattern is not ASCII, the
    /// search exceeds [`MAX_STATES`], or the property's budget refuses (it then says why).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Option<Alphabet> {
        let mut pats: Vec<String> = patterns.into_iter().map(str::to_ascii_lowercase).collect();
        if pats.iter().any(|p| !p.is_ascii()) {
            return None;
        }
        pats.sort();
        pats.dedup();
        if pats.iter().any(|p| p.len() >= usize::from(u16::MAX)) {
            return None;
        }
        let product = Product {
            pats: pats.iter().map(|p| p.as_bytes().to_vec()).collect(),
        };
        let mut sigma: Vec<u8> = product
            .pats
            .iter()
            .flatten()
            .copied()
            .filter(|c| !matches!(c, b'*' | b'?'))
            .collect();
        sigma.sort_unstable();
        sigma.dedup();
        // One character that no pattern names stands for every such character.
        let fresh = b"qzxjvkwy0123456789-_.bcdfghlmnprst"
            .iter()
            .copied()
            .chain((b' '..=b'~').filter(|c| !c.is_ascii_uppercase()))
            .find(|c| !sigma.contains(c) && !matches!(c, b'*' | b'?'))?;
        let start = product.start();
        let mut bytes = state_bytes(&start);
        charge(Phase::ActionAlphabet, bytes).ok()?;
        let mut seen: HashSet<State> = HashSet::new();
        let mut classes: BTreeMap<Vec<u32>, String> = BTreeMap::new();
        let mut queue: VecDeque<(State, String)> = VecDeque::new();
        seen.insert(start.clone());
        queue.push_back((start, String::new()));
        // Pairs held (summed over the states seen) and automaton steps taken.
        let (mut entries, mut steps, mut next_charge) = (0usize, 0usize, CHARGE_EVERY);
        while let Some((state, text)) = queue.pop_front() {
            classes.entry(product.accepts(&state)).or_insert_with(|| text.clone());
            if product.settled(&state) {
                continue;
            }
            for c in product.moves(&state, fresh) {
                let next = product.step(&state, c);
                steps += state.len();
                if steps >= next_charge {
                    next_charge = steps + CHARGE_EVERY;
                    charge(Phase::ActionAlphabet, bytes).ok()?;
                }
                if seen.contains(&next) {
                    continue;
                }
                entries += next.len();
                if seen.len() >= MAX_STATES || entries > MAX_ENTRIES {
                    return None;
                }
                bytes += state_bytes(&next) + 2 * text.len() as u64;
                seen.insert(next.clone());
                let mut t = text.clone();
                t.push(char::from(c));
                queue.push_back((next, t));
            }
        }
        drop(seen);
        // Prefer a literal action name of the patterns as the representative of its class.
        for p in pats.iter().filter(|p| !p.contains(['*', '?'])) {
            classes.insert(product.run(p), p.clone());
        }
        charge(Phase::ActionAlphabet, (classes.len() * pats.len()) as u64).ok()?;
        let (matches, reps): (Vec<Vec<bool>>, Vec<String>) = classes
            .into_iter()
            .map(|(accepting, rep)| {
                let mut row = vec![false; pats.len()];
                for i in accepting {
                    row[i as usize] = true;
                }
                (row, rep)
            })
            .unzip();
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

    #[test]
    fn many_patterns_build_sparsely() {
        // As in AWS's ReadOnlyAccess: many literal actions and `service:Prefix*` patterns.
        // The dense product stopped at its state bound here and fell back to strings.
        let mut pats: Vec<String> = Vec::new();
        for s in 0..60 {
            pats.push(format!("svc{s}:Get*"));
            pats.push(format!("svc{s}:List*"));
            for a in 0..18 {
                pats.push(format!("svc{s}:Describe{a}Thing"));
            }
        }
        let a = Alphabet::new(pats.iter().map(String::as_str)).unwrap_or_else(|| unreachable!());
        // One class per literal, one per prefix pattern, and one that matches nothing.
        assert_eq!(a.reps.len(), 60 * 18 + 2 * 60 + 1);
        for probe in ["svc7:getx", "svc59:describe17thing", "svc3:describe1thingy", "x"] {
            let r = a.representative(probe).unwrap_or_else(|| unreachable!("{probe}"));
            let v: Vec<bool> = a.patterns.iter().map(|p| wildcard_match(p, probe, true)).collect();
            assert_eq!(a.matches[r], v, "{probe}");
        }
    }

    #[test]
    fn a_refusing_budget_stops_the_construction_and_says_why() {
        use crate::budget::{Budget, Limits};
        let pats: Vec<String> = (0..2000).map(|i| format!("svc{i}:Action{i}")).collect();
        let budget = Budget::start(&Limits::new(60_000, 1, None), std::time::Duration::ZERO);
        let built = budget.enter(|| Alphabet::new(pats.iter().map(String::as_str)));
        assert_eq!(built, None);
        assert_eq!(
            budget.cutoff().map(|c| c.reason()),
            Some("the memory budget of 1 MB was exceeded while building the action alphabet (raise it with `--memory-mb`)".into())
        );
    }
}
