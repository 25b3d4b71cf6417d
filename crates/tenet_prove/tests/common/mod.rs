//! Helpers shared by the tests that compare the encoding with the evaluator.

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
