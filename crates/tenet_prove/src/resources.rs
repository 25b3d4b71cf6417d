//! The resource alphabet: a finite set of representative resource ARNs that is exact for the
//! resource patterns in play, so that the encoding picks a resource by index instead of reasoning
//! about strings and regexes (the counterpart of [`crate::actions`] for resources).
//!
//! A resource takes part in IAM decisions only through "does it match pattern `p`" (the
//! `Resource`/`NotResource` patterns of the policies and the property's, with the ARN wildcard
//! rules of [`tenet_ast::eval::arn_pattern_match`]) and through its account field (the ARN's fifth
//! field, compared for equality with the principals' accounts and the accounts named in patterns).
//! So the resource space is partitioned into cells: two ARNs with the same membership in every
//! pattern and the same [`AccountClass`] are indistinguishable. The cells are found by a
//! breadth-first search of the product of the patterns' position automata and an automaton that
//! reads the account field, over the characters the patterns and accounts use, `:` and `*`, plus one
//! character that none of them uses (every other character behaves like it). Each reachable product
//! state is a class of prefixes with the same future, so every realizable cell is found, with a
//! shortest ARN in it as its representative; a literal ARN of the patterns represents its own cell.
//!
//! Every pattern is tracked in the evaluator's reading ([`ArnReading::DOCUMENTED`]); a pattern whose
//! readings can disagree ([`possibly_ambiguous`]: a `?`, or a `*` ending one of the first five
//! components) is tracked in every reading ([`ArnReading::ALL`]), so that the encoding can leave
//! the choice open.
//!
//! The exploration is sparse, as in [`crate::actions`]: a product state lists only the automata
//! still alive, and from each state only the characters that matter there are tried (those an alive
//! automaton names at its current positions, `:`, `*`, the next characters of the named accounts
//! while in the account field) plus one fresh character for all the others.
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
use tenet_ast::eval::{arn_pattern_match_in, ArnReading};

/// The largest number of product states explored before giving up (the string encoding is used).
pub const MAX_STATES: usize = 200_000;

/// The largest number of (automaton, position) pairs held, summed over the states seen, before
/// giving up (the string encoding is used). Patterns that stay alive in every state (inner stars) make each state
/// as large as the number of patterns; Z3 handles those better as strings.
pub const MAX_ENTRIES: usize = 1_500_000;

/// The glob positions reachable after the text read so far.
type Positions = Vec<u16>;

/// The alive automata: (automaton index, glob position) pairs, sorted; an automaton with no pair is
/// dead. One flat vector per state keeps hashing and comparing states to one `memcmp`.
type Alive = Vec<(u32, u16)>;

/// How often (in automaton steps) the budget is asked.
const CHARGE_EVERY: usize = 1 << 15;

/// A rough size in bytes of a state held by the search (in the seen set and the queue).
fn state_bytes(alive: &Alive) -> u64 {
    2 * (96 + 8 * alive.len() as u64)
}

/// Sorts and deduplicates `v[from..]` in place.
fn sort_dedup_tail(v: &mut Alive, from: usize) {
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

/// The product of the automata, over sparse flat states.
struct Product<'a> {
    autos: &'a [Automaton],
}

impl Product<'_> {
    /// Adds to `out[from..]`, the positions of automaton `i`, the positions past each `*`, sorted
    /// and deduplicated.
    fn close(&self, i: u32, out: &mut Alive, from: usize) {
        let toks = &self.autos[i as usize].toks;
        let mut j = from;
        while j < out.len() {
            let p = out[j].1;
            if matches!(toks.get(p as usize), Some(Tok::Star { .. })) && !out[from..].iter().any(|e| e.1 == p + 1) {
                out.push((i, p + 1));
            }
            j += 1;
        }
        sort_dedup_tail(out, from);
    }

    fn start(&self) -> Alive {
        let mut s = Vec::with_capacity(self.autos.len());
        for i in 0..self.autos.len() as u32 {
            let from = s.len();
            s.push((i, 0));
            self.close(i, &mut s, from);
        }
        s
    }

    fn step(&self, alive: &[(u32, u16)], c: char) -> Alive {
        let mut out = Vec::with_capacity(alive.len());
        let mut k = 0;
        while k < alive.len() {
            let i = alive[k].0;
            let toks = &self.autos[i as usize].toks;
            let from = out.len();
            while k < alive.len() && alive[k].0 == i {
                let p = alive[k].1;
                match toks.get(p as usize) {
                    Some(Tok::Star { cross }) if *cross || c != ':' => out.push((i, p)),
                    Some(Tok::One { colon }) if *colon || c != ':' => out.push((i, p + 1)),
                    Some(Tok::Ch(x)) if *x == c => out.push((i, p + 1)),
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

    /// The automata that accept here, by index.
    fn accepts(&self, alive: &[(u32, u16)]) -> Vec<u32> {
        let mut v: Vec<u32> = alive
            .iter()
            .filter(|(i, p)| usize::from(*p) == self.autos[*i as usize].toks.len())
            .map(|(i, _)| *i)
            .collect();
        v.dedup();
        v
    }

    /// Whether every alive automaton is inside a trailing crossing `*` (every extension matches).
    fn settled(&self, alive: &[(u32, u16)]) -> bool {
        let mut k = 0;
        while k < alive.len() {
            let i = alive[k].0;
            let toks = &self.autos[i as usize].toks;
            let mut done = false;
            while k < alive.len() && alive[k].0 == i {
                done |=
                    matches!(toks.last(), Some(Tok::Star { cross: true })) && usize::from(alive[k].1) + 1 == toks.len();
                k += 1;
            }
            if !done {
                return false;
            }
        }
        true
    }
}

/// What a resource's account is, as far as decisions can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccountClass {
    /// The ARN names no owner (fewer than five colons, or empty, `*` or `aws`): the request says it.
    Free,
    /// The account field is `accounts[i]`.
    Named(usize),
    /// The account field is an account named nowhere (decides like [`crate::encode::OTHER_ACCOUNT`]).
    Fresh,
}

/// One pattern token: a literal, `*` (`cross`: it may match `:`), or `?` (`colon`: it may match
/// `:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Ch(char),
    Star { cross: bool },
    One { colon: bool },
}

/// The tokens of a pattern in a reading (the rules of `tenet_ast::eval::arn_pattern_match_in`).
fn tokens(pattern: &str, reading: ArnReading) -> Vec<Tok> {
    let chars: Vec<char> = pattern.chars().collect();
    let first_five = if reading.early_stars_cross {
        0
    } else {
        chars
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == ':')
            .nth(4)
            .map_or(0, |(i, _)| i)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| match c {
            '*' => Tok::Star {
                cross: i >= first_five && matches!(chars[i + 1..].iter().find(|c| **c != '*'), None | Some(':')),
            },
            '?' => Tok::One {
                colon: reading.question_matches_colon,
            },
            c => Tok::Ch(*c),
        })
        .collect()
}

/// Whether the readings of the ARN wildcard rules can disagree on this pattern (`?`, or a `*`
/// ending one of the first five components of a pattern with five colons).
pub fn possibly_ambiguous(pattern: &str) -> bool {
    pattern != "*" && tokens(pattern, ArnReading::STRICT) != tokens(pattern, ArnReading::LENIENT)
}

/// One automaton of the product: a pattern in one reading.
#[derive(Clone, Debug)]
struct Automaton {
    toks: Vec<Tok>,
}

impl Automaton {
    fn closure(&self, mut set: Positions) -> Positions {
        let mut i = 0;
        while i < set.len() {
            let p = set[i] as usize;
            if matches!(self.toks.get(p), Some(Tok::Star { .. })) && !set.contains(&((p + 1) as u16)) {
                set.push((p + 1) as u16);
            }
            i += 1;
        }
        set.sort_unstable();
        set.dedup();
        set
    }

    fn step(&self, set: &Positions, c: char) -> Positions {
        let mut next = Vec::new();
        for &p in set {
            match self.toks.get(p as usize) {
                Some(Tok::Star { cross }) if *cross || c != ':' => next.push(p),
                Some(Tok::One { colon }) if *colon || c != ':' => next.push(p + 1),
                Some(Tok::Ch(x)) if *x == c => next.push(p + 1),
                _ => {}
            }
        }
        next.dedup();
        self.closure(next)
    }

    fn accepts(&self, set: &Positions) -> bool {
        set.contains(&(self.toks.len() as u16))
    }

    /// Whether the whole text matches.
    fn matches(&self, text: &str) -> bool {
        let mut set = self.closure(vec![0]);
        for c in text.chars() {
            set = self.step(&set, c);
            if set.is_empty() {
                return false;
            }
        }
        self.accepts(&set)
    }
}

/// The automaton reading the account field (the text between the fourth and fifth colons).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Tracker {
    /// Fewer than four colons read.
    Before(u8),
    /// In the account field; the text so far is a prefix of `*` or of a named account.
    In(String),
    /// In the account field; the text so far is a prefix of no named account.
    InOther,
    /// Past the account field.
    Done(AccountClass),
}

fn classify(field: &str, accounts: &[String]) -> AccountClass {
    if !tenet_ast::eval::names_owner(field) {
        AccountClass::Free
    } else {
        match accounts.iter().position(|a| a == field) {
            Some(i) => AccountClass::Named(i),
            None => AccountClass::Fresh,
        }
    }
}

impl Tracker {
    fn step(&self, c: char, accounts: &[String]) -> Tracker {
        match self {
            Tracker::Before(3) if c == ':' => Tracker::In(String::new()),
            Tracker::Before(k) if c == ':' => Tracker::Before(k + 1),
            Tracker::Before(k) => Tracker::Before(*k),
            Tracker::In(s) if c == ':' => Tracker::Done(classify(s, accounts)),
            Tracker::In(s) => {
                let mut t = s.clone();
                t.push(c);
                // `aws` (resources AWS owns) names no owner, like `*`: track it too.
                if t == "*" || "aws".starts_with(t.as_str()) || accounts.iter().any(|a| a.starts_with(&t)) {
                    Tracker::In(t)
                } else {
                    Tracker::InOther
                }
            }
            Tracker::InOther if c == ':' => Tracker::Done(AccountClass::Fresh),
            Tracker::InOther => Tracker::InOther,
            Tracker::Done(k) => Tracker::Done(*k),
        }
    }

    fn class(&self, accounts: &[String]) -> AccountClass {
        match self {
            Tracker::Before(_) => AccountClass::Free,
            Tracker::In(s) => classify(s, accounts),
            Tracker::InOther => AccountClass::Fresh,
            Tracker::Done(k) => *k,
        }
    }
}

/// A finite, exact set of representative resources for a set of patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceAlphabet {
    /// The patterns, deduplicated and sorted.
    pub patterns: Vec<String>,
    /// The accounts that [`AccountClass::Named`] indexes.
    pub accounts: Vec<String>,
    /// The representatives.
    pub reps: Vec<String>,
    /// `tables[k][r][p]`: representative `r` matches pattern `p` in reading `ArnReading::ALL[k]`
    /// (the evaluator's for patterns that are not [`possibly_ambiguous`]).
    pub tables: Vec<Vec<Vec<bool>>>,
    /// The account class of each representative.
    pub class: Vec<AccountClass>,
}

impl ResourceAlphabet {
    /// The alphabet of these patterns and accounts; `None` when a pattern is not ASCII or the search
    /// exceeds [`MAX_STATES`].
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>, accounts: &[String]) -> Option<ResourceAlphabet> {
        let mut pats: Vec<String> = patterns.into_iter().map(str::to_string).collect();
        if pats.iter().any(|p| !p.is_ascii()) || accounts.iter().any(|a| !a.is_ascii()) {
            return None;
        }
        pats.sort();
        pats.dedup();
        // Automata: every pattern in the evaluator's reading, then the possibly ambiguous ones in
        // the narrowest and the widest readings.
        let mut autos: Vec<Automaton> = pats
            .iter()
            .map(|p| Automaton {
                toks: tokens(p, ArnReading::DOCUMENTED),
            })
            .collect();
        // `columns[k][p]`: the automaton of pattern `p` in reading `k` (identical automata shared).
        let mut columns: Vec<Vec<usize>> = Vec::new();
        for reading in ArnReading::ALL {
            let mut col = Vec::new();
            for (i, p) in pats.iter().enumerate() {
                let toks = tokens(p, reading);
                let found = std::iter::once(i)
                    .chain(columns.iter().map(|c: &Vec<usize>| c[i]))
                    .find(|&a| autos[a].toks == toks);
                col.push(found.unwrap_or_else(|| {
                    autos.push(Automaton { toks });
                    autos.len() - 1
                }));
            }
            columns.push(col);
        }
        let mut sigma: Vec<char> = pats
            .iter()
            .flat_map(|p| p.chars())
            .chain(accounts.iter().flat_map(|a| a.chars()))
            .chain([':', '*'])
            .filter(|c| *c != '?')
            .collect();
        sigma.sort_unstable();
        sigma.dedup();
        let fresh = "x0-_./abcdefghijklmnopqrstuvwyz123456789"
            .chars()
            .chain(' '..='~')
            .find(|c| !sigma.contains(c) && *c != '?')?;

        if autos.iter().any(|a| a.toks.len() >= usize::from(u16::MAX)) {
            return None;
        }
        let product = Product { autos: &autos };
        type State = (Alive, Tracker);
        let start: State = (product.start(), Tracker::Before(0));
        let key = |s: &State| -> (Vec<u32>, AccountClass) { (product.accepts(&s.0), s.1.class(accounts)) };
        // The characters that move some automaton or the account tracker differently from the rest.
        let moves = |s: &State| -> Vec<char> {
            let mut cs: Vec<char> =
                s.0.iter()
                    .filter_map(|(i, p)| match autos[*i as usize].toks.get(usize::from(*p)) {
                        Some(Tok::Ch(c)) => Some(*c),
                        _ => None,
                    })
                    .chain([':', '*'])
                    .collect();
            if let Tracker::In(t) = &s.1 {
                cs.extend(
                    accounts
                        .iter()
                        .filter_map(|a| a.strip_prefix(t.as_str())?.chars().next()),
                );
            }
            cs.sort_unstable();
            cs.dedup();
            cs.push(fresh);
            cs
        };
        let mut bytes = state_bytes(&start.0);
        charge(Phase::ResourceAlphabet, bytes).ok()?;
        let mut seen: HashSet<State> = HashSet::new();
        let mut cells: BTreeMap<(Vec<u32>, AccountClass), String> = BTreeMap::new();
        let mut queue: VecDeque<(State, String)> = VecDeque::new();
        seen.insert(start.clone());
        queue.push_back((start, String::new()));
        // Pairs held (summed over the states seen) and automaton steps taken.
        let (mut entries, mut steps, mut next_charge) = (0usize, 0usize, CHARGE_EVERY);
        while let Some((state, text)) = queue.pop_front() {
            cells.entry(key(&state)).or_insert_with(|| text.clone());
            if matches!(state.1, Tracker::Done(_)) && product.settled(&state.0) {
                continue;
            }
            for c in moves(&state) {
                let next: State = (product.step(&state.0, c), state.1.step(c, accounts));
                steps += state.0.len();
                if steps >= next_charge {
                    next_charge = steps + CHARGE_EVERY;
                    charge(Phase::ResourceAlphabet, bytes).ok()?;
                }
                if seen.contains(&next) {
                    continue;
                }
                entries += next.0.len();
                if seen.len() >= MAX_STATES || entries > MAX_ENTRIES {
                    return None;
                }
                bytes += state_bytes(&next.0) + 2 * text.len() as u64;
                seen.insert(next.clone());
                let mut t = text.clone();
                t.push(c);
                queue.push_back((next, t));
            }
        }
        drop(seen);
        charge(
            Phase::ResourceAlphabet,
            (cells.len() * pats.len() * ArnReading::ALL.len()) as u64,
        )
        .ok()?;
        let mut alphabet = ResourceAlphabet {
            patterns: pats,
            accounts: accounts.to_vec(),
            reps: Vec::new(),
            tables: vec![Vec::new(); ArnReading::ALL.len()],
            class: Vec::new(),
        };
        // A literal ARN of the patterns represents its own cell.
        for p in alphabet.patterns.clone().iter().filter(|p| !p.contains(['*', '?'])) {
            cells.insert(alphabet.key_of(&autos, p), p.clone());
        }
        for ((accepting, class), rep) in cells {
            let mut bits = vec![false; autos.len()];
            for i in accepting {
                bits[i as usize] = true;
            }
            for (table, col) in alphabet.tables.iter_mut().zip(&columns) {
                table.push(col.iter().map(|&i| bits[i]).collect());
            }
            alphabet.class.push(class);
            alphabet.reps.push(rep);
        }
        Some(alphabet)
    }

    fn key_of(&self, autos: &[Automaton], text: &str) -> (Vec<u32>, AccountClass) {
        let mut t = Tracker::Before(0);
        for c in text.chars() {
            t = t.step(c, &self.accounts);
        }
        let accepting = (0..autos.len() as u32).filter(|i| autos[*i as usize].matches(text));
        (accepting.collect(), t.class(&self.accounts))
    }

    /// The index of a pattern, if it is one of the alphabet's.
    pub fn pattern_index(&self, pattern: &str) -> Option<usize> {
        self.patterns.binary_search_by(|p| p.as_str().cmp(pattern)).ok()
    }

    /// The account class of an ARN.
    pub fn class_of(&self, resource: &str) -> AccountClass {
        match resource.split(':').nth(4) {
            None => AccountClass::Free,
            Some(f) => classify(f, &self.accounts),
        }
    }

    /// The representative indistinguishable from `resource` (in every reading), found with the
    /// evaluator's matcher.
    pub fn representative(&self, resource: &str) -> Option<usize> {
        let vectors: Vec<Vec<bool>> = ArnReading::ALL
            .iter()
            .map(|reading| {
                self.patterns
                    .iter()
                    .map(|p| arn_pattern_match_in(p, resource, *reading))
                    .collect()
            })
            .collect();
        let class = self.class_of(resource);
        (0..self.reps.len())
            .find(|&r| self.class[r] == class && self.tables.iter().zip(&vectors).all(|(t, v)| t[r] == *v))
    }

    /// The match table of a reading.
    pub fn table(&self, reading: ArnReading) -> &[Vec<bool>] {
        let k = ArnReading::ALL.iter().position(|r| *r == reading).unwrap_or(0);
        &self.tables[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts() -> Vec<String> {
        vec!["111111111111".into(), "999999999998".into()]
    }

    #[test]
    fn cells_cover_every_probe() {
        let pats = [
            "arn:aws:cloudformation:*:*:stack/MySensitiveStack/*",
            "arn:aws:cloudformation:*:*:stack/NotMySensitiveStack/*",
            "arn:aws:cloudformation:*:*:stack/*Sensitive*/*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a?c",
            "arn:aws:kms:us-east-1:111111111111:key/k",
            "*",
        ];
        let a = ResourceAlphabet::new(pats, &accounts()).unwrap_or_else(|| unreachable!());
        for probe in [
            "arn:aws:cloudformation:us-east-1:1:stack/MySensitiveStack/x",
            "arn:aws:cloudformation:us-east-1:111111111111:stack/NotMySensitiveStack/x:y:stack/MySensitiveStack/z",
            "arn:aws:cloudformation:r:a:stack/xSensitive:/x",
            "arn:aws:s3:::bucket/a:c",
            "arn:aws:s3:::bucket/abc",
            "arn:aws:kms:us-east-1:111111111111:key/k",
            "arn:aws:kms:us-east-1:999999999998:key/k",
            "arn:aws:kms:us-east-1:*:key/k",
            "",
            "x:y",
        ] {
            let r = a.representative(probe);
            assert!(r.is_some(), "{probe}");
        }
        for (i, r) in a.reps.iter().enumerate() {
            assert_eq!(a.representative(r), Some(i), "{r}");
        }
        assert!(a.reps.contains(&"arn:aws:kms:us-east-1:111111111111:key/k".to_string()));
    }

    #[test]
    fn hundreds_of_wildcard_buckets_build_sparsely() {
        let pats: Vec<String> = (0..60)
            .flat_map(|i| {
                [
                    format!("arn:aws:s3:::bucket-{i}*"),
                    format!("arn:aws:s3:::bucket-{i}*/*"),
                ]
            })
            .collect();
        let a = ResourceAlphabet::new(pats.iter().map(String::as_str), &accounts()).unwrap_or_else(|| unreachable!());
        for probe in [
            "arn:aws:s3:::bucket-17/x",
            "arn:aws:s3:::bucket-170",
            "arn:aws:s3:::other",
            "",
        ] {
            let r = a.representative(probe).unwrap_or_else(|| unreachable!("{probe}"));
            let v: Vec<bool> = a
                .patterns
                .iter()
                .map(|p| arn_pattern_match_in(p, probe, ArnReading::DOCUMENTED))
                .collect();
            assert_eq!(a.table(ArnReading::DOCUMENTED)[r], v, "{probe}");
        }
        for (i, r) in a.reps.iter().enumerate() {
            assert_eq!(a.representative(r), Some(i), "{r}");
        }
    }
}
