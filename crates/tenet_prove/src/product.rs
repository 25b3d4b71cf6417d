//! The sparse product of glob automata and its breadth-first search: the part the action alphabet
//! ([`crate::actions`], over bytes) and the resource alphabet ([`crate::resources`], over ARN
//! characters) share.
//!
//! A pattern is a sequence of tokens read left to right ([`Glob`]); a state of the product lists,
//! for every pattern still alive, the token positions reachable after the text read so far. A
//! search ([`explore`]) walks the reachable states breadth first from the empty text, trying only
//! the symbols that can make a difference, and keeps a shortest text for every distinct key (the
//! set of accepting patterns, plus whatever else the caller tracks). It is bounded by
//! [`MAX_STATES`] and [`MAX_ENTRIES`] and charged to the property's budget ([`crate::budget`]).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::hash::Hash;

use crate::budget::{charge, Phase};

/// The largest number of product states explored before giving up (the string encoding is used).
pub const MAX_STATES: usize = 200_000;

/// The largest number of (pattern, position) pairs held, summed over the states seen, before giving
/// up (the string encoding is used). Patterns that stay alive in every state (inner stars) make each
/// state as large as the number of patterns; Z3 handles those better as strings.
pub const MAX_ENTRIES: usize = 1_500_000;

/// How often (in automaton steps) the budget is asked.
const CHARGE_EVERY: usize = 1 << 15;

/// One glob pattern as an automaton: tokens read left to right, accepting past the last one.
pub(crate) trait Glob {
    /// What texts are made of (bytes for actions, characters for ARNs).
    type Sym: Copy + Eq;
    /// The number of tokens.
    fn len(&self) -> usize;
    /// Whether the token at `p` is a star, which may also match nothing.
    fn is_star(&self, p: usize) -> bool;
    /// Where reading `c` at position `p` leads: `p` for a star that takes it, `p + 1` for a token
    /// that matches it, `None` when it does not match.
    fn next(&self, p: usize, c: Self::Sym) -> Option<usize>;
    /// The symbol the token at `p` names, when it is a literal.
    fn literal(&self, p: usize) -> Option<Self::Sym>;
    /// Whether the last token is a star that matches every extension (for actions every `*`; for
    /// ARNs a `*` that may cross `:`).
    fn ends_in_open_star(&self) -> bool;
}

/// A product state: (pattern index, token position) pairs, sorted; a pattern with no pair is dead.
/// One flat vector per state keeps hashing and comparing states to one `memcmp`.
pub(crate) type Alive = Vec<(u32, u16)>;

/// The product of a set of patterns' automata, over sparse flat states.
pub(crate) struct Product<'a, G> {
    globs: &'a [G],
}

impl<'a, G: Glob> Product<'a, G> {
    /// The product of `globs`; `None` when a pattern is too long for the positions kept (`u16`).
    pub fn new(globs: &'a [G]) -> Option<Self> {
        if globs.iter().any(|g| g.len() >= usize::from(u16::MAX)) || u32::try_from(globs.len()).is_err() {
            return None;
        }
        Some(Product { globs })
    }

    fn glob(&self, i: u32) -> Option<&'a G> {
        self.globs.get(i as usize)
    }

    /// Adds to `out[from..]`, the positions of pattern `i`, the positions past each star (a star may
    /// match nothing), sorted and deduplicated.
    fn close(&self, i: u32, out: &mut Alive, from: usize) {
        let Some(glob) = self.glob(i) else {
            return;
        };
        let mut j = from;
        while let Some(&(_, p)) = out.get(j) {
            let past = p + 1;
            let known = out.get(from..).is_some_and(|tail| tail.iter().any(|e| e.1 == past));
            if glob.is_star(usize::from(p)) && !known {
                out.push((i, past));
            }
            j += 1;
        }
        sort_dedup_tail(out, from);
    }

    /// The state before any text: every pattern at its start, closed over leading stars.
    pub fn start(&self) -> Alive {
        let mut s = Vec::with_capacity(self.globs.len());
        for i in (0..self.globs.len()).filter_map(|i| u32::try_from(i).ok()) {
            let from = s.len();
            s.push((i, 0));
            self.close(i, &mut s, from);
        }
        s
    }

    /// The state after reading `c`.
    pub fn step(&self, alive: &[(u32, u16)], c: G::Sym) -> Alive {
        let mut out = Vec::with_capacity(alive.len());
        for run in alive.chunk_by(|a, b| a.0 == b.0) {
            let Some((i, glob)) = run.first().and_then(|&(i, _)| Some((i, self.glob(i)?))) else {
                continue;
            };
            let from = out.len();
            for &(_, p) in run {
                if let Some(q) = glob.next(usize::from(p), c).and_then(|q| u16::try_from(q).ok()) {
                    out.push((i, q));
                }
            }
            if out.len() > from {
                self.close(i, &mut out, from);
            }
        }
        out
    }

    /// The patterns that accept here, by index.
    pub fn accepts(&self, alive: &[(u32, u16)]) -> Vec<u32> {
        let mut v: Vec<u32> = alive
            .iter()
            .filter(|(i, p)| self.glob(*i).is_some_and(|g| usize::from(*p) == g.len()))
            .map(|(i, _)| *i)
            .collect();
        v.dedup();
        v
    }

    /// Whether every alive pattern is inside a trailing open star: reading more changes nothing.
    pub fn settled(&self, alive: &[(u32, u16)]) -> bool {
        alive.chunk_by(|a, b| a.0 == b.0).all(|run| {
            run.iter().any(|&(i, p)| {
                self.glob(i)
                    .is_some_and(|g| g.ends_in_open_star() && usize::from(p) + 1 == g.len())
            })
        })
    }

    /// The symbols some alive pattern names at its current positions.
    pub fn literals<'s>(&'s self, alive: &'s [(u32, u16)]) -> impl Iterator<Item = G::Sym> + 's {
        alive.iter().filter_map(|&(i, p)| self.glob(i)?.literal(usize::from(p)))
    }

    /// The patterns that accept the whole `text`.
    pub fn run(&self, text: impl IntoIterator<Item = G::Sym>) -> Vec<u32> {
        let mut alive = self.start();
        for c in text {
            alive = self.step(&alive, c);
        }
        self.accepts(&alive)
    }
}

/// Sorts and deduplicates `v[from..]` in place.
fn sort_dedup_tail(v: &mut Alive, from: usize) {
    let Some(tail) = v.get_mut(from..) else {
        return;
    };
    // Most tails hold one position (a literal) or two (a star and the position past it).
    match tail {
        [] | [_] => return,
        [a, b] => {
            if a > b {
                std::mem::swap(a, b);
            }
            if a == b {
                v.truncate(from + 1);
            }
            return;
        }
        _ => {}
    }
    tail.sort_unstable();
    let mut kept = 0;
    for r in 0..tail.len() {
        if kept == 0 || tail.get(r) != tail.get(kept - 1) {
            tail.swap(kept, r);
            kept += 1;
        }
    }
    v.truncate(from + kept);
}

/// The states a search walks and what it keeps of them.
pub(crate) trait Space {
    /// A search state (the product's alive pairs, plus whatever else the caller tracks).
    type State: Clone + Eq + Hash;
    /// What the texts are made of.
    type Sym: Copy + Into<char>;
    /// What tells states apart in the result (the accepting patterns, and more).
    type Key: Ord;
    /// The key of a state.
    fn key(&self, s: &Self::State) -> Self::Key;
    /// Whether no extension of the text can change the key.
    fn settled(&self, s: &Self::State) -> bool;
    /// The symbols worth trying from `s` (one stands for all the symbols nothing names).
    fn moves(&self, s: &Self::State) -> Vec<Self::Sym>;
    /// The state after reading `c`.
    fn step(&self, s: &Self::State, c: Self::Sym) -> Self::State;
    /// The (pattern, position) pairs a state holds.
    fn entries(&self, s: &Self::State) -> usize;
    /// A rough size in bytes of a state held by the search (in the seen set and the queue).
    fn bytes(&self, s: &Self::State) -> u64;
}

/// Walks the states reachable from `start` breadth first and returns, for every key met, a
/// shortest text reaching it. `None` when the bounds are exceeded or the budget refuses (it then
/// records why, under `phase`).
pub(crate) fn explore<S: Space>(space: &S, start: S::State, phase: Phase) -> Option<BTreeMap<S::Key, String>> {
    let mut bytes = space.bytes(&start);
    charge(phase, bytes).ok()?;
    let mut seen: HashSet<S::State> = HashSet::new();
    let mut found: BTreeMap<S::Key, String> = BTreeMap::new();
    let mut queue: VecDeque<(S::State, String)> = VecDeque::new();
    seen.insert(start.clone());
    queue.push_back((start, String::new()));
    // Pairs held (summed over the states seen) and automaton steps taken.
    let (mut entries, mut steps, mut next_charge) = (0usize, 0usize, CHARGE_EVERY);
    while let Some((state, text)) = queue.pop_front() {
        found.entry(space.key(&state)).or_insert_with(|| text.clone());
        if space.settled(&state) {
            continue;
        }
        for c in space.moves(&state) {
            let next = space.step(&state, c);
            steps += space.entries(&state);
            if steps >= next_charge {
                next_charge = steps + CHARGE_EVERY;
                charge(phase, bytes).ok()?;
            }
            if seen.contains(&next) {
                continue;
            }
            entries += space.entries(&next);
            if seen.len() >= MAX_STATES || entries > MAX_ENTRIES {
                return None;
            }
            bytes += space.bytes(&next) + 2 * text.len() as u64;
            seen.insert(next.clone());
            let mut t = text.clone();
            t.push(c.into());
            queue.push_back((next, t));
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte glob where `*` matches any run and `?` one byte.
    struct Bytes(Vec<u8>);

    impl Glob for Bytes {
        type Sym = u8;
        fn len(&self) -> usize {
            self.0.len()
        }
        fn is_star(&self, p: usize) -> bool {
            self.0.get(p) == Some(&b'*')
        }
        fn next(&self, p: usize, c: u8) -> Option<usize> {
            match self.0.get(p)? {
                b'*' => Some(p),
                b'?' => Some(p + 1),
                &x => (x == c).then_some(p + 1),
            }
        }
        fn literal(&self, p: usize) -> Option<u8> {
            self.0.get(p).copied().filter(|c| !matches!(c, b'*' | b'?'))
        }
        fn ends_in_open_star(&self) -> bool {
            self.0.last() == Some(&b'*')
        }
    }

    #[test]
    fn the_product_runs_every_pattern_at_once() {
        let globs: Vec<Bytes> = ["a*c", "a?c", "*", "abc", "b*"]
            .iter()
            .map(|p| Bytes(p.as_bytes().to_vec()))
            .collect();
        let Some(product) = Product::new(&globs) else {
            unreachable!("short patterns")
        };
        assert_eq!(product.run(*b"abc"), vec![0, 1, 2, 3]);
        assert_eq!(product.run(*b"abbc"), vec![0, 2]);
        assert_eq!(product.run(*b"b"), vec![2, 4]);
        assert_eq!(product.run(*b""), vec![2]);
        // After `a`, `a*c` and `a?c` still wait for their end; after `b`, `b*` takes everything.
        assert!(!product.settled(&product.step(&product.start(), b'a')));
        assert!(product.settled(&product.step(&product.start(), b'b')));
        let after_x = product.step(&product.start(), b'x');
        assert!(product.settled(&after_x), "only `*` is alive and it takes everything");
    }

    #[test]
    fn tails_are_sorted_and_deduplicated_in_place() {
        let mut v: Alive = vec![(0, 1), (1, 3), (1, 1), (1, 3), (1, 2)];
        sort_dedup_tail(&mut v, 1);
        assert_eq!(v, vec![(0, 1), (1, 1), (1, 2), (1, 3)]);
        sort_dedup_tail(&mut v, 9);
        assert_eq!(v.len(), 4);
    }
}
