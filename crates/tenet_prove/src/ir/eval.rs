//! Evaluating the IR on concrete values, without Z3: the differential tests and the decoding of
//! models run formulas through here.

use super::*;

/// A value of a variable, for evaluation and decoded models.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A bit-vector value.
    Bv(u128),
}

/// An assignment of values to variables.
pub type Assignment = BTreeMap<String, Value>;

impl Term {
    /// The value of the term under `a`, `None` when a variable is unassigned or ill-sorted.
    pub fn eval(&self, a: &Assignment) -> Option<Value> {
        Some(match self {
            Term::Var(name, _) => a.get(name)?.clone(),
            Term::Str(s) => Value::Str(s.clone()),
            Term::Int(i) => Value::Int(*i),
            Term::Bv(v, _) => Value::Bv(*v),
            Term::Extract(hi, lo, t) => match t.eval(a)? {
                Value::Bv(v) => match Term::extract(*hi, *lo, Term::Bv(v, 128)) {
                    Term::Bv(r, _) => Value::Bv(r),
                    _ => return None,
                },
                _ => return None,
            },
            Term::Len(t) => match t.eval(a)? {
                Value::Str(s) => Value::Int(s.chars().count() as i64),
                _ => return None,
            },
            Term::Concat(ts) => {
                let mut out = String::new();
                for t in ts {
                    match t.eval(a)? {
                        Value::Str(s) => out.push_str(&s),
                        _ => return None,
                    }
                }
                Value::Str(out)
            }
        })
    }
}

impl Formula {
    /// The truth value under `a`, `None` when a variable is unassigned.
    pub fn eval(&self, a: &Assignment) -> Option<bool> {
        Some(match self {
            Formula::Const(b) => *b,
            Formula::Var(name) => match a.get(name)? {
                Value::Bool(b) => *b,
                _ => return None,
            },
            Formula::Not(f) => !f.eval(a)?,
            Formula::And(fs) => {
                for f in fs {
                    if !f.eval(a)? {
                        return Some(false);
                    }
                }
                true
            }
            Formula::Or(fs) => {
                for f in fs {
                    if f.eval(a)? {
                        return Some(true);
                    }
                }
                false
            }
            Formula::Eq(x, y) => x.eval(a)? == y.eval(a)?,
            Formula::Le(x, y) => match (x.eval(a)?, y.eval(a)?) {
                (Value::Int(x), Value::Int(y)) => x <= y,
                _ => return None,
            },
            Formula::PrefixOf(p, t) => match t.eval(a)? {
                Value::Str(s) => s.starts_with(p.as_str()),
                _ => return None,
            },
            Formula::SuffixOf(p, t) => match t.eval(a)? {
                Value::Str(s) => s.ends_with(p.as_str()),
                _ => return None,
            },
            Formula::InRe(t, r) => match t.eval(a)? {
                Value::Str(s) => r.matches(&s),
                _ => return None,
            },
            Formula::PrefixOfTerm(p, t) => match (p.eval(a)?, t.eval(a)?) {
                (Value::Str(p), Value::Str(s)) => s.starts_with(p.as_str()),
                _ => return None,
            },
        })
    }
}
