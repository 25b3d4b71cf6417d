//! The Z3 back end: the only module that talks to z3.
//!
//! A [`Query`] is printed as SMT-LIB 2 (the same text `tenet compile --emit smt2` shows), parsed by
//! Z3 into a solver of a fresh context, checked under a timeout, and a model is read back as an
//! [`Assignment`] of the query's variables.
//!
//! Each query gets a context of its own, dropped after the query: a context shared by the queries of
//! a thread keeps every term it ever saw and grows from query to query (measured on
//! `equivalent` of large managed policies: slower with each query). The timeout is Z3's own
//! `timeout` parameter, backed by a watchdog thread that interrupts the context at the deadline
//! (Z3's timer is not checked in every phase). Z3's memory is capped by its global
//! `memory_max_size` parameter ([`set_memory_limit`]).
//!
//! INVARIANT: a parse failure must never look like `unsat`; every check first verifies that Z3 holds
//! exactly as many assertions as the script has.

use crate::ir::{unescape_smt_string, Assignment, Formula, Query, Sort, Value};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// The reason of [`Outcome::Unknown`] when the time ran out.
pub const TIMEOUT: &str = "solver timeout";
/// The reason of [`Outcome::Unknown`] when Z3 ran out of memory.
pub const MEMOUT: &str = "solver memory limit";

/// Z3's global memory limit in megabytes, as last set (0: unlimited).
static MEMORY_MB: AtomicU32 = AtomicU32::new(0);

/// The least memory limit given to Z3, in megabytes: below it Z3 cannot even create its contexts
/// (measured with Z3 4.8.12: two contexts fail at 30 MB).
pub const Z3_MIN_MB: u32 = 256;

/// Caps Z3's memory at `mb` megabytes, or [`Z3_MIN_MB`] if more (Z3's global `memory_max_size`;
/// all contexts of the process share it). A query that needs more ends [`Outcome::Unknown`] with
/// [`MEMOUT`].
pub fn set_memory_limit(mb: u32) {
    let mb = mb.max(Z3_MIN_MB);
    if MEMORY_MB.swap(mb, Ordering::SeqCst) != mb {
        z3::set_global_param("memory_max_size", &mb.to_string());
    }
}

/// How many bytes of memory Z3 needs at least per byte of script (a lower bound).
const SCRIPT_FACTOR: u64 = 8;

/// The time Z3 gets past its own timeout before the watchdog interrupts it.
const GRACE: Duration = Duration::from_millis(50);

/// What the solver said.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Satisfiable, with the values of the query's variables.
    Sat(Assignment),
    /// Unsatisfiable.
    Unsat,
    /// Neither (timeout, resource limit, or an internal failure), with the reason.
    Unknown(String),
}

/// Checks `query` in a fresh context with a timeout in milliseconds.
pub fn solve(query: &Query, timeout_ms: u32) -> Outcome {
    if timeout_ms == 0 {
        return Outcome::Unknown(TIMEOUT.into());
    }
    let script = query.to_smt2();
    // Z3 holds many times the text of a script: refuse one that cannot fit the memory limit.
    let limit_mb = u64::from(MEMORY_MB.load(Ordering::SeqCst));
    if limit_mb > 0 && (script.len() as u64).saturating_mul(SCRIPT_FACTOR) > limit_mb << 20 {
        return Outcome::Unknown(MEMOUT.into());
    }
    let vars = query.vars();
    let expected = query.asserts.len();
    let mut cfg = z3::Config::new();
    cfg.set_timeout_msec(u64::from(timeout_ms));
    // Z3 fails to create a context when its memory limit is reached (the binding then panics):
    // the whole call, context included, is guarded.
    catch_unwind(AssertUnwindSafe(|| {
        z3::with_z3_config(&cfg, || {
            let context = z3::Context::thread_local();
            let handle = context.handle();
            let (done, wait) = mpsc::channel::<()>();
            let fired = AtomicBool::new(false);
            let fired_ref = &fired;
            std::thread::scope(|scope| {
                scope.spawn(move || {
                    if let Err(mpsc::RecvTimeoutError::Timeout) =
                        wait.recv_timeout(Duration::from_millis(u64::from(timeout_ms)) + GRACE)
                    {
                        fired_ref.store(true, Ordering::SeqCst);
                        handle.interrupt();
                    }
                });
                let solver = z3::Solver::new();
                let mut params = z3::Params::new();
                params.set_u32("timeout", timeout_ms);
                solver.set_params(&params);
                solver.from_string(script.as_str());
                let out = check(&solver, &vars, expected);
                drop(done);
                match out {
                    // Interrupted by the watchdog: Z3 says `interrupted` or `canceled`.
                    Outcome::Unknown(_) if fired.load(Ordering::SeqCst) => Outcome::Unknown(TIMEOUT.into()),
                    out => out,
                }
            })
        })
    }))
    .unwrap_or_else(|_| {
        if MEMORY_MB.load(Ordering::SeqCst) > 0 {
            Outcome::Unknown(MEMOUT.into())
        } else {
            Outcome::Unknown("internal: the Z3 binding panicked".into())
        }
    })
}

fn check(solver: &z3::Solver, vars: &BTreeMap<String, Sort>, expected: usize) -> Outcome {
    let held = solver.get_assertions().len();
    if held != expected {
        return Outcome::Unknown(format!(
            "internal: Z3 parsed {held} of {expected} assertions of the generated script"
        ));
    }
    match solver.check() {
        z3::SatResult::Unsat => Outcome::Unsat,
        z3::SatResult::Unknown => Outcome::Unknown(
            solver
                .get_reason_unknown()
                .map(|r| {
                    if r == "timeout" || r == "canceled" || r == "interrupted" {
                        TIMEOUT.to_string()
                    } else if r.contains("memory") {
                        MEMOUT.to_string()
                    } else {
                        format!("solver: {r}")
                    }
                })
                .unwrap_or_else(|| "solver returned unknown".into()),
        ),
        z3::SatResult::Sat => match solver.get_model() {
            Some(model) => match read_model(&model, vars) {
                Some(a) => Outcome::Sat(a),
                None => Outcome::Unknown("internal: could not read the Z3 model".into()),
            },
            None => Outcome::Unknown("internal: Z3 gave no model".into()),
        },
    }
}

fn read_model(model: &z3::Model, vars: &BTreeMap<String, Sort>) -> Option<Assignment> {
    let mut out = Assignment::new();
    for (name, sort) in vars {
        let value = match sort {
            Sort::Bool => Value::Bool(model.eval(&z3::ast::Bool::new_const(name.as_str()), true)?.as_bool()?),
            Sort::Int => {
                let v = model.eval(&z3::ast::Int::new_const(name.as_str()), true)?;
                Value::Int(v.as_i64()?)
            }
            Sort::String => {
                let v = model.eval(&z3::ast::String::new_const(name.as_str()), true)?;
                let text = v.to_string();
                let body = text.strip_prefix('"')?.strip_suffix('"')?;
                Value::Str(unescape_smt_string(body))
            }
            Sort::Bv(w) => {
                let v = model.eval(&z3::ast::BV::new_const(name.as_str(), *w), true)?;
                Value::Bv(parse_bv(&v.to_string())?)
            }
        };
        out.insert(name.clone(), value);
    }
    Some(out)
}

fn parse_bv(text: &str) -> Option<u128> {
    if let Some(hex) = text.strip_prefix("#x") {
        u128::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = text.strip_prefix("#b") {
        u128::from_str_radix(bin, 2).ok()
    } else {
        let inner = text.strip_prefix("(_ bv")?;
        let num = inner.split_whitespace().next()?;
        num.parse().ok()
    }
}

/// A solver holding fixed assertions, checked repeatedly under extra assertions (push/pop); used
/// where many small queries share one large part, such as the differential test.
pub struct Session {
    solver: z3::Solver,
    base: usize,
}

impl Session {
    /// A session asserting `base`.
    pub fn new(base: &Query, timeout_ms: u32) -> Session {
        let solver = z3::Solver::new();
        let mut params = z3::Params::new();
        params.set_u32("timeout", timeout_ms);
        solver.set_params(&params);
        solver.from_string(base.to_smt2().as_str());
        Session {
            solver,
            base: base.asserts.len(),
        }
    }

    /// Checks the base assertions together with `extra`.
    pub fn check_with(&self, extra: &[Formula]) -> Outcome {
        let q = Query {
            asserts: extra.to_vec(),
        };
        let vars = q.vars();
        catch_unwind(AssertUnwindSafe(|| {
            self.solver.push();
            self.solver.from_string(q.to_smt2().as_str());
            let out = check(&self.solver, &vars, self.base + extra.len());
            self.solver.pop(1);
            out
        }))
        .unwrap_or_else(|_| Outcome::Unknown("internal: the Z3 binding panicked".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::*;

    #[test]
    fn strings_regexes_and_escapes_round_trip() {
        let x = Term::str_var("x");
        let q = Query {
            asserts: vec![
                str_prefix("a\\b\"", x.clone()),
                in_re(
                    x.clone(),
                    Regex::Concat(vec![Regex::All, Regex::Lit("é\u{1}".into()), Regex::AnyChar]),
                ),
                Formula::Le(Term::len(x.clone()), Term::Int(9)),
            ],
        };
        let Outcome::Sat(a) = solve(&q, 5000) else {
            unreachable!("expected sat: {}", q.to_smt2())
        };
        assert_eq!(q.conjunction().eval(&a), Some(true), "{a:?}");
        let q2 = Query {
            asserts: vec![str_prefix("ab", x.clone()), str_prefix("ac", x)],
        };
        assert_eq!(solve(&q2, 5000), Outcome::Unsat);
    }

    #[test]
    fn bitvectors() {
        let ip = Term::bv_var("ip", 128);
        let q = Query {
            asserts: vec![
                eq(Term::extract(127, 96, ip.clone()), Term::Bv(0x2001_0db8, 32)),
                not(eq(ip, Term::Bv(0, 128))),
            ],
        };
        let Outcome::Sat(a) = solve(&q, 5000) else {
            unreachable!()
        };
        assert_eq!(q.conjunction().eval(&a), Some(true));
    }

    #[test]
    fn parse_errors_are_unknown() {
        let x = Term::str_var("x");
        let q = Query {
            asserts: vec![eq(x, Term::str("a")), FALSE],
        };
        assert_eq!(solve(&q, 5000), Outcome::Unsat);
        let s = Session::new(
            &Query {
                asserts: vec![str_prefix("a", Term::str_var("y"))],
            },
            5000,
        );
        assert!(matches!(
            s.check_with(&[eq(Term::str_var("y"), Term::str("ab"))]),
            Outcome::Sat(_)
        ));
        assert_eq!(s.check_with(&[eq(Term::str_var("y"), Term::str("b"))]), Outcome::Unsat);
    }
}
