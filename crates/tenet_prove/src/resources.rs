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
//! readings can disagree ([`possibly_ambiguous`]: a `?`, a `*` ending one of the first five
//! components, or a `*` inside an S3 key) is tracked in every reading ([`ArnReading::ALL`]), so that the encoding can leave
//! the choice open.
//!
//! The product and its search are the ones the action alphabet uses (`crate::product`); the
//! exploration is sparse: a product state lists only the automata still alive, and from each state
//! only the characters that matter there are tried (those an alive automaton names at its current
//! positions, `:`, `*`, the next characters of the named accounts while in the account field) plus
//! one fresh character for all the others.
//!
//! The search is bounded ([`MAX_STATES`]); above the bound the encoder keeps the string encoding.
//! It is also charged to the property's budget ([`crate::budget`]): when the budget refuses, the
//! alphabet is not built and the budget records why, so the property ends `unknown`.

use crate::budget::{charge, Phase};
use crate::product::{explore, Alive, Glob, Product, Space};
use tenet_ast::eval::{arn_pattern_match_in, arn_star_crossings, ArnReading};
use tenet_ast::semantics::has_wildcard;

pub use crate::product::{MAX_ENTRIES, MAX_STATES};

/// What a resource's account is, as far as decisions can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccountClass {
    /// The ARN names no owner (fewer than five colons, or empty, `*` or `aws`): the request says it.
    Free,
    /// The account field is `accounts[i]`.
    Named(usize),
    /// The account field is an account named nowhere (decides like
    /// [`crate::encode::Encoder::other_account`]).
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
    pattern
        .chars()
        .zip(arn_star_crossings(pattern, reading))
        .map(|(c, cross)| match c {
            '*' => Tok::Star { cross },
            '?' => Tok::One {
                colon: reading.question_matches_colon,
            },
            c => Tok::Ch(c),
        })
        .collect()
}

/// Whether the readings of the ARN wildcard rules can disagree on this pattern (`?`, a `*` ending
/// one of the first five components of a pattern with five colons, or a `*` inside an S3 key).
pub fn possibly_ambiguous(pattern: &str) -> bool {
    pattern != "*" && tokens(pattern, ArnReading::STRICT) != tokens(pattern, ArnReading::LENIENT)
}

/// One automaton of the product: a pattern in one reading.
#[derive(Clone, Debug)]
struct Automaton {
    toks: Vec<Tok>,
}

impl Glob for Automaton {
    type Sym = char;

    fn len(&self) -> usize {
        self.toks.len()
    }

    fn is_star(&self, p: usize) -> bool {
        matches!(self.toks.get(p), Some(Tok::Star { .. }))
    }

    fn next(&self, p: usize, c: char) -> Option<usize> {
        match self.toks.get(p)? {
            Tok::Star { cross } if *cross || c != ':' => Some(p),
            Tok::One { colon } if *colon || c != ':' => Some(p + 1),
            Tok::Ch(x) if *x == c => Some(p + 1),
            _ => None,
        }
    }

    fn literal(&self, p: usize) -> Option<char> {
        match self.toks.get(p) {
            Some(Tok::Ch(c)) => Some(*c),
            _ => None,
        }
    }

    fn ends_in_open_star(&self) -> bool {
        matches!(self.toks.last(), Some(Tok::Star { cross: true }))
    }
}

/// The search over ARN texts: a state is the product's alive pairs and the account tracker, its key
/// the accepting automata and the account class.
struct Resources<'a> {
    product: Product<'a, Automaton>,
    accounts: &'a [String],
    /// A character nothing names: it stands for every such character.
    fresh: char,
}

impl Space for Resources<'_> {
    type State = (Alive, Tracker);
    type Sym = char;
    type Key = (Vec<u32>, AccountClass);

    fn key(&self, s: &Self::State) -> Self::Key {
        (self.product.accepts(&s.0), s.1.class(self.accounts))
    }

    fn settled(&self, s: &Self::State) -> bool {
        matches!(s.1, Tracker::Done(_)) && self.product.settled(&s.0)
    }

    /// The characters that move some automaton or the account tracker differently from the rest.
    fn moves(&self, s: &Self::State) -> Vec<char> {
        let mut cs: Vec<char> = self.product.literals(&s.0).chain([':', '*']).collect();
        if let Tracker::In(t) = &s.1 {
            cs.extend(
                self.accounts
                    .iter()
                    .filter_map(|a| a.strip_prefix(t.as_str())?.chars().next()),
            );
        }
        cs.sort_unstable();
        cs.dedup();
        cs.push(self.fresh);
        cs
    }

    fn step(&self, s: &Self::State, c: char) -> Self::State {
        (self.product.step(&s.0, c), s.1.step(c, self.accounts))
    }

    fn entries(&self, s: &Self::State) -> usize {
        s.0.len()
    }

    fn bytes(&self, s: &Self::State) -> u64 {
        2 * (96 + 8 * s.0.len() as u64)
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
                    .chain(columns.iter().filter_map(|c: &Vec<usize>| c.get(i).copied()))
                    .find(|&a| autos.get(a).is_some_and(|x| x.toks == toks));
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

        let space = Resources {
            product: Product::new(&autos)?,
            accounts,
            fresh,
        };
        let start = (space.product.start(), Tracker::Before(0));
        let mut cells = explore(&space, start, Phase::ResourceAlphabet)?;
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
        // (Thousands of literals, each run over every pattern: the budget is asked as it goes.)
        for (n, p) in alphabet
            .patterns
            .clone()
            .iter()
            .filter(|p| !has_wildcard(p))
            .enumerate()
        {
            if n % 64 == 63 && crate::budget::interrupted(Phase::ResourceAlphabet) {
                return None;
            }
            cells.insert(alphabet.key_of(&space.product, p), p.clone());
        }
        for ((accepting, class), rep) in cells {
            let mut bits = vec![false; autos.len()];
            for i in accepting {
                if let Some(bit) = bits.get_mut(i as usize) {
                    *bit = true;
                }
            }
            for (table, col) in alphabet.tables.iter_mut().zip(&columns) {
                table.push(col.iter().map(|&i| bits.get(i).copied().unwrap_or(false)).collect());
            }
            alphabet.class.push(class);
            alphabet.reps.push(rep);
        }
        Some(alphabet)
    }

    fn key_of(&self, product: &Product<'_, Automaton>, text: &str) -> (Vec<u32>, AccountClass) {
        let mut t = Tracker::Before(0);
        for c in text.chars() {
            t = t.step(c, &self.accounts);
        }
        (product.run(text.chars()), t.class(&self.accounts))
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
        (0..self.reps.len()).find(|&r| {
            self.class.get(r) == Some(&class) && self.tables.iter().zip(&vectors).all(|(t, v)| t.get(r) == Some(v))
        })
    }

    /// The match table of a reading.
    pub fn table(&self, reading: ArnReading) -> &[Vec<bool>] {
        let k = ArnReading::ALL.iter().position(|r| *r == reading).unwrap_or(0);
        self.tables.get(k).map_or(&[], Vec::as_slice)
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
