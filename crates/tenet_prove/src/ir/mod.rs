//! The formula IR: terms and formulas over the symbolic request, built with constant-folding smart
//! constructors, printable as SMT-LIB 2 and evaluable on concrete values without Z3.
//!
//! Pipeline position: the encoder (`encode`) builds these values from policies; the properties
//! (`property`) combine them into a [`Query`]; only `smt` turns a query into Z3 calls.
//!
//! INVARIANT: every smart constructor returns a formula equivalent to the one it was asked for; the
//! folding only removes `true`/`false`, duplicates and literal-only comparisons.

use crate::distinct::Distinct;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The sort of a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sort {
    /// A boolean.
    Bool,
    /// A string.
    String,
    /// A mathematical integer.
    Int,
    /// A bit-vector of the given width (32 for IPv4, 128 for IPv6).
    Bv(u32),
}

impl Sort {
    fn smt(self) -> String {
        match self {
            Sort::Bool => "Bool".into(),
            Sort::String => "String".into(),
            Sort::Int => "Int".into(),
            Sort::Bv(w) => format!("(_ BitVec {w})"),
        }
    }
}

/// A non-boolean term.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// A variable of sort String, Int or Bv.
    Var(String, Sort),
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A bit-vector literal: value and width.
    Bv(u128, u32),
    /// Bits `hi..=lo` of a bit-vector.
    Extract(u32, u32, Box<Term>),
    /// The length of a string, in characters.
    Len(Box<Term>),
    /// String concatenation (at least two operands).
    Concat(Vec<Term>),
}

impl Term {
    /// A string variable.
    pub fn str_var(name: impl Into<String>) -> Term {
        Term::Var(name.into(), Sort::String)
    }

    /// An integer variable.
    pub fn int_var(name: impl Into<String>) -> Term {
        Term::Var(name.into(), Sort::Int)
    }

    /// A bit-vector variable.
    pub fn bv_var(name: impl Into<String>, width: u32) -> Term {
        Term::Var(name.into(), Sort::Bv(width))
    }

    /// A string literal.
    pub fn str(s: impl Into<String>) -> Term {
        Term::Str(s.into())
    }

    /// `((_ extract hi lo) t)`, folded on literals.
    pub fn extract(hi: u32, lo: u32, t: Term) -> Term {
        match t {
            Term::Bv(v, _) => {
                let width = hi - lo + 1;
                let mask = if width >= 128 { u128::MAX } else { (1u128 << width) - 1 };
                Term::Bv((v >> lo) & mask, width)
            }
            other => Term::Extract(hi, lo, Box::new(other)),
        }
    }

    /// `(str.len t)`, folded on literals.
    pub fn len(t: Term) -> Term {
        match t {
            Term::Str(s) => Term::Int(s.chars().count() as i64),
            other => Term::Len(Box::new(other)),
        }
    }

    /// `(str.++ …)`, merging adjacent literals.
    pub fn concat(parts: Vec<Term>) -> Term {
        let mut out: Vec<Term> = Vec::new();
        for p in parts {
            let items = match p {
                Term::Concat(inner) => inner,
                other => vec![other],
            };
            for t in items {
                match (out.last_mut(), t) {
                    (_, Term::Str(s)) if s.is_empty() => {}
                    (Some(Term::Str(prev)), Term::Str(s)) => prev.push_str(&s),
                    (_, t) => out.push(t),
                }
            }
        }
        match out.len() {
            0 => Term::Str(String::new()),
            1 => out.pop().unwrap_or(Term::Str(String::new())),
            _ => Term::Concat(out),
        }
    }

    fn is_literal(&self) -> bool {
        matches!(self, Term::Str(_) | Term::Int(_) | Term::Bv(..))
    }
}

/// A regular expression over strings (only what wildcard patterns and case folding need).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regex {
    /// A literal string.
    Lit(String),
    /// One character from the inclusive range.
    Range(char, char),
    /// Any one character.
    AnyChar,
    /// Any string.
    All,
    /// Concatenation.
    Concat(Vec<Regex>),
    /// Alternatives.
    Union(Vec<Regex>),
    /// Zero or more repetitions.
    Star(Box<Regex>),
}

/// The largest character code the Z3 string theory accepts (4.8.12 in unicode mode).
pub const MAX_CHAR: u32 = 0x2FFFF;

impl Regex {
    /// Whether `s` is in the language (a small backtracking-free NFA simulation).
    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        self.ends(&chars, 0).contains(&chars.len())
    }

    /// The set of positions reachable after matching `self` from `start`.
    fn ends(&self, s: &[char], start: usize) -> Vec<usize> {
        let mut out = match self {
            Regex::Lit(l) => {
                let l: Vec<char> = l.chars().collect();
                if s.get(start..start + l.len()) == Some(&l[..]) {
                    vec![start + l.len()]
                } else {
                    vec![]
                }
            }
            Regex::Range(lo, hi) => match s.get(start) {
                Some(c) if lo <= c && c <= hi => vec![start + 1],
                _ => vec![],
            },
            Regex::AnyChar => {
                if start < s.len() {
                    vec![start + 1]
                } else {
                    vec![]
                }
            }
            Regex::All => (start..=s.len()).collect(),
            Regex::Concat(parts) => {
                let mut cur = vec![start];
                for p in parts {
                    let mut next: Vec<usize> = cur.iter().flat_map(|&i| p.ends(s, i)).collect();
                    next.sort_unstable();
                    next.dedup();
                    cur = next;
                }
                cur
            }
            Regex::Union(alts) => alts.iter().flat_map(|a| a.ends(s, start)).collect(),
            Regex::Star(inner) => {
                let mut seen = vec![start];
                let mut frontier = vec![start];
                while let Some(i) = frontier.pop() {
                    for j in inner.ends(s, i) {
                        if !seen.contains(&j) {
                            seen.push(j);
                            frontier.push(j);
                        }
                    }
                }
                seen
            }
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    fn write_smt(&self, out: &mut String) {
        match self {
            Regex::Lit(l) => {
                let _ = write!(out, "(str.to_re {})", smt_string(l));
            }
            Regex::Range(lo, hi) => {
                let _ = write!(
                    out,
                    "(re.range {} {})",
                    smt_string(&lo.to_string()),
                    smt_string(&hi.to_string())
                );
            }
            Regex::AnyChar => {
                // INVARIANT: Z3 4.8.12 has no `re.allchar`; a full character range is the same set.
                let _ = write!(out, "(re.range \"\\u{{0}}\" \"\\u{{{MAX_CHAR:x}}}\")");
            }
            Regex::All => out.push_str("(re.* (re.range \"\\u{0}\" \"\\u{2ffff}\"))"),
            Regex::Concat(parts) | Regex::Union(parts) => {
                let op = if matches!(self, Regex::Concat(_)) {
                    "re.++"
                } else {
                    "re.union"
                };
                if let [only] = parts.as_slice() {
                    only.write_smt(out);
                    return;
                }
                let _ = write!(out, "({op}");
                for p in parts {
                    out.push(' ');
                    p.write_smt(out);
                }
                out.push(')');
            }
            Regex::Star(inner) => {
                out.push_str("(re.* ");
                inner.write_smt(out);
                out.push(')');
            }
        }
    }
}

/// A boolean formula.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Formula {
    /// `true` or `false`.
    Const(bool),
    /// A boolean variable.
    Var(String),
    /// Negation.
    Not(Box<Formula>),
    /// Conjunction (at least two operands after folding).
    And(Vec<Formula>),
    /// Disjunction (at least two operands after folding).
    Or(Vec<Formula>),
    /// Equality of two terms of the same sort.
    Eq(Term, Term),
    /// Integer `<=`.
    Le(Term, Term),
    /// `(str.prefixof p t)`.
    PrefixOf(String, Term),
    /// `(str.suffixof s t)`.
    SuffixOf(String, Term),
    /// `(str.in_re t r)`.
    InRe(Term, Regex),
    /// `(str.prefixof p t)` with a non-literal prefix.
    PrefixOfTerm(Term, Term),
}

/// `true`.
pub const TRUE: Formula = Formula::Const(true);
/// `false`.
pub const FALSE: Formula = Formula::Const(false);

/// A boolean variable.
pub fn bool_var(name: impl Into<String>) -> Formula {
    Formula::Var(name.into())
}

/// Negation, folding constants and double negation.
pub fn not(f: Formula) -> Formula {
    match f {
        Formula::Const(b) => Formula::Const(!b),
        Formula::Not(inner) => *inner,
        other => Formula::Not(Box::new(other)),
    }
}

/// Conjunction: flattens, drops `true`, returns `false` on a `false` operand, removes duplicates.
pub fn and(fs: impl IntoIterator<Item = Formula>) -> Formula {
    junction(fs, true)
}

/// Disjunction: flattens, drops `false`, returns `true` on a `true` operand, removes duplicates.
pub fn or(fs: impl IntoIterator<Item = Formula>) -> Formula {
    junction(fs, false)
}

/// `and` (`unit == true`) or `or` (`unit == false`): `unit` is the identity, its negation absorbs.
///
/// Duplicates are removed in expected linear time ([`Distinct`]). The formulas of a property are
/// built under its budget: once the budget is cut (or its deadline passes), this returns `unit` at
/// once, so a construction past the time limit stops instead of running on; the runner discards
/// everything built under a cut budget (see [`crate::budget`]).
fn junction(fs: impl IntoIterator<Item = Formula>, unit: bool) -> Formula {
    if crate::budget::interrupted(crate::budget::Phase::Encoding) {
        return Formula::Const(unit);
    }
    let mut out = Distinct::new();
    for f in fs {
        match f {
            Formula::Const(c) if c == unit => {}
            Formula::Const(_) => return Formula::Const(!unit),
            Formula::And(inner) if unit => inner.into_iter().for_each(|g| {
                out.push(g);
            }),
            Formula::Or(inner) if !unit => inner.into_iter().for_each(|g| {
                out.push(g);
            }),
            g => {
                out.push(g);
            }
        }
    }
    let mut out = out.into_vec();
    match out.len() {
        0 => Formula::Const(unit),
        1 => out.pop().unwrap_or(Formula::Const(unit)),
        _ if unit => Formula::And(out),
        _ => Formula::Or(out),
    }
}

/// `a => b`.
pub fn implies(a: Formula, b: Formula) -> Formula {
    or([not(a), b])
}

/// `a <=> b`.
pub fn iff(a: Formula, b: Formula) -> Formula {
    if a == b {
        return TRUE;
    }
    and([implies(a.clone(), b.clone()), implies(b, a)])
}

/// Equality, folded on literals and identical operands.
pub fn eq(a: Term, b: Term) -> Formula {
    if a == b {
        return TRUE;
    }
    if a.is_literal() && b.is_literal() {
        return FALSE;
    }
    Formula::Eq(a, b)
}

/// Integer `a <= b`, folded on literals.
pub fn le(a: Term, b: Term) -> Formula {
    match (&a, &b) {
        (Term::Int(x), Term::Int(y)) => Formula::Const(x <= y),
        _ if a == b => TRUE,
        _ => Formula::Le(a, b),
    }
}

/// Integer `a < b`.
pub fn lt(a: Term, b: Term) -> Formula {
    not(le(b, a))
}

/// `t` starts with `p`.
pub fn str_prefix(p: &str, t: Term) -> Formula {
    if p.is_empty() {
        return TRUE;
    }
    match t {
        Term::Str(s) => Formula::Const(s.starts_with(p)),
        t => Formula::PrefixOf(p.to_string(), t),
    }
}

/// `t` starts with the term `p`.
pub fn str_prefix_term(p: Term, t: Term) -> Formula {
    match p {
        Term::Str(s) => str_prefix(&s, t),
        p => Formula::PrefixOfTerm(p, t),
    }
}

/// `t` ends with `s`.
pub fn str_suffix(s: &str, t: Term) -> Formula {
    if s.is_empty() {
        return TRUE;
    }
    match t {
        Term::Str(v) => Formula::Const(v.ends_with(s)),
        t => Formula::SuffixOf(s.to_string(), t),
    }
}

/// `t` is in the language of `r`.
pub fn in_re(t: Term, r: Regex) -> Formula {
    match (&t, &r) {
        (_, Regex::All) => TRUE,
        (Term::Str(s), _) => Formula::Const(r.matches(s)),
        _ => Formula::InRe(t, r),
    }
}

mod eval;
mod smt;

pub use eval::{Assignment, Value};
pub use smt::{smt_string, smt_symbol, unescape_smt_string};

/// A satisfiability query: assertions whose conjunction is satisfiable exactly when the property
/// is violated (or, for `can`, when the witness exists).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// The assertions.
    pub asserts: Vec<Formula>,
}

impl Query {
    /// The variables, sorted by name.
    pub fn vars(&self) -> BTreeMap<String, Sort> {
        let mut vars = BTreeMap::new();
        for a in &self.asserts {
            a.collect_vars(&mut vars);
        }
        vars
    }

    /// The conjunction of the assertions, folded.
    pub fn conjunction(&self) -> Formula {
        and(self.asserts.iter().cloned())
    }

    /// The query as an SMT-LIB 2 script (declarations and assertions; no `check-sat`).
    pub fn to_smt2(&self) -> String {
        let mut out = String::new();
        for (name, sort) in self.vars() {
            let _ = writeln!(out, "(declare-const {} {})", smt_symbol(&name), sort.smt());
        }
        for a in &self.asserts {
            out.push_str("(assert ");
            a.write_smt(&mut out);
            out.push_str(")\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        let x = bool_var("x");
        assert_eq!(and([TRUE, x.clone(), x.clone()]), x);
        assert_eq!(or([FALSE, x.clone()]), x);
        assert_eq!(and([x.clone(), FALSE]), FALSE);
        assert_eq!(not(not(x.clone())), x);
        assert_eq!(eq(Term::str("a"), Term::str("a")), TRUE);
        assert_eq!(eq(Term::str("a"), Term::str("b")), FALSE);
        assert_eq!(str_prefix("ab", Term::str("abc")), TRUE);
        assert_eq!(
            in_re(
                Term::str("abc"),
                Regex::Concat(vec![Regex::Lit("a".into()), Regex::AnyChar, Regex::All])
            ),
            TRUE
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(smt_string("a\"b\\c\u{7}é"), "\"a\"\"b\\u{5c}c\\u{7}\\u{e9}\"");
        assert_eq!(unescape_smt_string("a\"\"b\\u{5c}c\\u{7}\\u{e9}"), "a\"b\\c\u{7}é");
        assert_eq!(smt_symbol("action"), "action");
        assert_eq!(smt_symbol("ctx:aws:SourceIp"), "|ctx:aws:SourceIp|");
    }
}
