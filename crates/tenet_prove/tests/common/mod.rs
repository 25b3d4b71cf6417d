//! Helpers shared by the tests that compare the encoding with the evaluator.
#![allow(dead_code, reason = "each test binary uses only some of the helpers")]
#![allow(clippy::indexing_slicing, reason = "`Rng::pick` indexes below the length")]

use std::collections::BTreeMap;
use tenet_prove::ir::{Assignment, Formula, Sort, Term, Value};

/// The assignment that the fixing formulas describe; variables they leave open (slots of absent
/// keys, which every use guards) get default values.
pub fn assignment(fixed: &[Formula], all: &BTreeMap<String, Sort>) -> Assignment {
    fn walk(f: &Formula, a: &mut Assignment) {
        match f {
            Formula::And(fs) => fs.iter().for_each(|g| walk(g, a)),
            Formula::Var(v) => {
                a.insert(v.clone(), Value::Bool(true));
            }
            Formula::Not(g) => {
                if let Formula::Var(v) = &**g {
                    a.insert(v.clone(), Value::Bool(false));
                }
            }
            Formula::Eq(Term::Var(v, _), t) => {
                if let Some(x) = t.eval(&Assignment::new()) {
                    a.insert(v.clone(), x);
                }
            }
            _ => {}
        }
    }
    let mut a = Assignment::new();
    fixed.iter().for_each(|f| walk(f, &mut a));
    for (v, s) in all {
        a.entry(v.clone()).or_insert(match s {
            Sort::Bool => Value::Bool(false),
            Sort::String => Value::Str(String::new()),
            Sort::Int => Value::Int(0),
            Sort::Bv(_) => Value::Bv(0),
        });
    }
    a
}

/// A xorshift64* generator: deterministic, seeded, no dependency. The generated tests' worlds are
/// fixed by their seeds, so this sequence must not change.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with the given chance in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `xs` (which must not be empty).
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}
