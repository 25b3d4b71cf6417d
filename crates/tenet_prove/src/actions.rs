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

use crate::budget::Phase;
use crate::product::{explore, Alive, Glob, Product, Space};
use tenet_ast::eval::wildcard_match;
use tenet_ast::semantics::has_wildcard;

pub use crate::product::{MAX_ENTRIES, MAX_STATES};

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

/// A lowercase action pattern over ASCII bytes: `*` matches any run, `?` one byte.
struct Pattern(Vec<u8>);

impl Glob for Pattern {
    type Sym = u8;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_star(&self, p: usize) -> bool {
        self.0.get(p) == Some(&b'*')
    }

    fn next(&self, p: usize, c: u8) -> Option<usize> {
        match *self.0.get(p)? {
            b'*' => Some(p),
            b'?' => Some(p + 1),
            x => (x == c).then_some(p + 1),
        }
    }

    fn literal(&self, p: usize) -> Option<u8> {
        self.0.get(p).copied().filter(|c| !matches!(c, b'*' | b'?'))
    }

    fn ends_in_open_star(&self) -> bool {
        self.0.last() == Some(&b'*')
    }
}

/// The search over action texts: a state is the product's alive pairs, its key the accepting
/// patterns.
struct Actions<'a> {
    product: Product<'a, Pattern>,
    /// A byte no pattern names: it stands for every such byte.
    fresh: u8,
}

impl Space for Actions<'_> {
    type State = Alive;
    type Sym = u8;
    type Key = Vec<u32>;

    fn key(&self, s: &Alive) -> Vec<u32> {
        self.product.accepts(s)
    }

    fn settled(&self, s: &Alive) -> bool {
        self.product.settled(s)
    }

    fn moves(&self, s: &Alive) -> Vec<u8> {
        let mut cs: Vec<u8> = self.product.literals(s).collect();
        cs.sort_unstable();
        cs.dedup();
        cs.push(self.fresh);
        cs
    }

    fn step(&self, s: &Alive, c: u8) -> Alive {
        self.product.step(s, c)
    }

    fn entries(&self, s: &Alive) -> usize {
        s.len()
    }

    fn bytes(&self, s: &Alive) -> u64 {
        2 * (48 + 8 * s.len() as u64)
    }
}

/// Charges the match table (`cells` booleans) to the budget.
fn charge_table(cells: usize) -> Option<()> {
    crate::budget::charge(Phase::ActionAlphabet, cells as u64).ok()
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
        let globs: Vec<Pattern> = pats.iter().map(|p| Pattern(p.as_bytes().to_vec())).collect();
        let mut sigma: Vec<u8> = pats
            .iter()
            .flat_map(|p| p.bytes())
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
        let space = Actions {
            product: Product::new(&globs)?,
            fresh,
        };
        let mut classes = explore(&space, space.product.start(), Phase::ActionAlphabet)?;
        // Prefer a literal action name of the patterns as the representative of its class.
        // (Thousands of literals, each run over every pattern: the budget is asked as it goes.)
        for (n, p) in pats.iter().filter(|p| !has_wildcard(p)).enumerate() {
            if n % 64 == 63 && crate::budget::interrupted(Phase::ActionAlphabet) {
                return None;
            }
            classes.insert(space.product.run(p.bytes()), p.clone());
        }
        charge_table(classes.len() * pats.len())?;
        let (matches, reps): (Vec<Vec<bool>>, Vec<String>) = classes
            .into_iter()
            .map(|(accepting, rep)| {
                let mut row = vec![false; pats.len()];
                for i in accepting {
                    if let Some(cell) = row.get_mut(i as usize) {
                        *cell = true;
                    }
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
