//! Solving a prepared query within the property's budget: refining it when a model breaks a lazily
//! added domain constraint, and splitting it by candidate principal when the whole query times out.
//!
//! Every call to Z3 gets the time left of the property's budget, so the splits and refinements of
//! one property share its one time limit.

use crate::budget::{Budget, Cutoff, Phase};
use crate::encode::{Encoder, ACTION};
use crate::ir::{Query, Value};
use crate::smt::{self, Outcome};
use std::time::Duration;

/// What solving a query gave: the solver's outcome, or the budget's cut-off.
pub enum Solved {
    /// The solver answered (possibly `unknown` for a reason of its own).
    Outcome(Outcome),
    /// The budget ran out.
    Cut(Cutoff),
}

/// The timeout of the first, whole attempt of [`solve_split`].
const WHOLE_TIMEOUT: Duration = Duration::from_millis(1000);

/// One call to Z3 with the time left; its running out of time or memory is the budget's cut-off.
fn solve_once(budget: &Budget, q: &Query, cap: Option<Duration>) -> Solved {
    let left = budget.remaining();
    let limit = cap.map_or(left, |c| c.min(left));
    if left.is_zero() {
        return Solved::Cut(budget.cut(budget.time_cutoff(Phase::Solving)));
    }
    let ms = u32::try_from(limit.as_millis()).unwrap_or(u32::MAX).max(1);
    match smt::solve(q, ms) {
        Outcome::Unknown(r) if r == smt::TIMEOUT && cap.is_none_or(|c| c >= left) => {
            Solved::Cut(budget.cut(budget.time_cutoff(Phase::Solving)))
        }
        Outcome::Unknown(r) if r == smt::MEMOUT => Solved::Cut(budget.cut(Cutoff::Memory {
            limit_mb: u64::from(budget.memory_mb().max(smt::Z3_MIN_MB)),
            phase: Phase::Solving,
        })),
        o => Solved::Outcome(o),
    }
}

/// Solves a query, refining it when a model breaks a lazily added domain constraint.
pub fn solve_refined(budget: &Budget, enc: &Encoder, q: &Query) -> Solved {
    let mut solved = solve_split(budget, enc, q);
    if let Solved::Outcome(Outcome::Sat(m)) = &solved {
        if matches!(m.get(ACTION), Some(Value::Str(a)) if !Encoder::action_in_domain(a)) {
            let mut q = q.clone();
            q.asserts.push(Encoder::action_domain());
            solved = solve_once(budget, &q, None);
        }
    }
    if let Solved::Outcome(Outcome::Sat(m)) = &solved {
        if !enc.resource_account_consistent(m) {
            // The cheap account constraint admits every real request's decision; this model's
            // account contradicts its ARN: solve again with the exact constraint instead.
            let eager = enc.account_in_set();
            let mut q = q.clone();
            q.asserts.retain(|f| *f != eager);
            q.asserts.push(enc.resource_account_domain());
            if enc.alphabet.is_none() {
                q.asserts.push(Encoder::action_domain());
            }
            solved = solve_once(budget, &q, None);
        }
    }
    solved
}

/// Solves a query; when the whole query times out within [`WHOLE_TIMEOUT`], solves it once per
/// candidate principal with the time left.
///
/// Z3 4.8.12 can time out on a query whose principal ties (prefix and suffix constraints on
/// `aws:PrincipalArn` for every candidate) it would answer in milliseconds with the principal
/// fixed. The principal index ranges over the candidates (the domain says so), so the query is
/// unsatisfiable exactly when each split is: any `sat` split is a model of the query, and the query
/// is `unsat` only when every split is. A split that times out leaves the answer unknown, unless a
/// later split finds a model.
fn solve_split(budget: &Budget, enc: &Encoder, q: &Query) -> Solved {
    let first = solve_once(budget, q, Some(WHOLE_TIMEOUT));
    match &first {
        Solved::Outcome(Outcome::Unknown(r)) if r == smt::TIMEOUT => {}
        _ => return first,
    }
    let mut unknown = None;
    for i in 0..enc.candidates.len() {
        let mut split = q.clone();
        split.asserts.push(enc.is_candidate(i));
        match solve_once(budget, &split, None) {
            Solved::Outcome(Outcome::Sat(m)) => return Solved::Outcome(Outcome::Sat(m)),
            Solved::Outcome(Outcome::Unsat) => {}
            Solved::Outcome(Outcome::Unknown(r)) => unknown = Some(r),
            cut @ Solved::Cut(_) => return cut,
        }
    }
    Solved::Outcome(unknown.map_or(Outcome::Unsat, Outcome::Unknown))
}
