//! The budget of one property: a deadline (the property's own time limit, or the run's if that comes
//! first) and a memory limit, shared by every phase of the property (loading, encoding, the action
//! and resource alphabets, solving, counterexamples).
//!
//! The encoder builds the alphabets without knowing about budgets, so the budget of the property
//! being worked on is *ambient*: [`Budget::enter`] installs it on the calling thread and the
//! constructions that can grow large ([`crate::actions`], [`crate::resources`]) ask
//! [`charge`] whether they may go on. A construction that is refused stops early and the budget
//! remembers why ([`Budget::cutoff`]); the runner then reports `unknown` with that reason.
//!
//! INVARIANT: once a budget is exhausted, nothing computed under it may lead to `holds`: the runner
//! checks [`Budget::cutoff`] after every phase and before reporting a verdict.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The default time limit of one property.
pub const DEFAULT_TIMEOUT_MS: u32 = 5000;
/// The default memory budget, in megabytes.
pub const DEFAULT_MEMORY_MB: u32 = 2048;

/// A phase of the work on a property, for the reasons of cut-offs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and parsing the policy files.
    Loading,
    /// Building the action alphabet.
    ActionAlphabet,
    /// Building the resource alphabet.
    ResourceAlphabet,
    /// Building the formulas.
    Encoding,
    /// Running Z3.
    Solving,
    /// Decoding and re-checking a model.
    Counterexample,
}

impl Phase {
    fn describe(self) -> &'static str {
        match self {
            Phase::Loading => "loading the policies",
            Phase::ActionAlphabet => "building the action alphabet",
            Phase::ResourceAlphabet => "building the resource alphabet",
            Phase::Encoding => "encoding the policies",
            Phase::Solving => "solving",
            Phase::Counterexample => "checking the counterexample",
        }
    }
}

/// Which limit stopped the work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cutoff {
    /// The property's time limit.
    Time {
        /// The limit in milliseconds.
        limit_ms: u64,
        /// Where the work was.
        phase: Phase,
    },
    /// The time limit of the whole run.
    RunTime {
        /// The limit in milliseconds.
        limit_ms: u64,
        /// Where the work was.
        phase: Phase,
    },
    /// The memory budget.
    Memory {
        /// The limit in megabytes.
        limit_mb: u64,
        /// Where the work was.
        phase: Phase,
    },
}

impl Cutoff {
    /// The reason shown with the `unknown` verdict.
    pub fn reason(&self) -> String {
        match self {
            Cutoff::Time { limit_ms, phase } => format!(
                "the time limit of {limit_ms} ms was reached while {} (raise it with `--timeout`)",
                phase.describe()
            ),
            Cutoff::RunTime { limit_ms, phase } => format!(
                "the run's time limit of {limit_ms} ms was reached while {} (raise it with `--total-timeout`)",
                phase.describe()
            ),
            Cutoff::Memory { limit_mb, phase } => format!(
                "the memory budget of {limit_mb} MB was exceeded while {} (raise it with `--memory-mb`)",
                phase.describe()
            ),
        }
    }
}

/// The limits of a run: per property, for the whole run, and memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The time limit of one property, in milliseconds.
    pub timeout_ms: u32,
    /// The memory budget in megabytes (Z3's and tenet's own constructions, each).
    pub memory_mb: u32,
    /// The end of the whole run and its length in milliseconds, if limited.
    pub run_deadline: Option<(Instant, u64)>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(DEFAULT_TIMEOUT_MS, DEFAULT_MEMORY_MB, None)
    }
}

impl Limits {
    /// Limits of a run that starts now; `total_ms` bounds the whole run.
    pub fn new(timeout_ms: u32, memory_mb: u32, total_ms: Option<u64>) -> Limits {
        Limits {
            timeout_ms,
            memory_mb,
            run_deadline: total_ms.map(|ms| (Instant::now() + Duration::from_millis(ms), ms)),
        }
    }
}

/// The budget of one property.
#[derive(Debug)]
pub struct Budget {
    start: Instant,
    deadline: Instant,
    /// Whether `deadline` is the run's rather than the property's, and the limit in milliseconds.
    run_limit: Option<u64>,
    timeout_ms: u64,
    memory_bytes: u64,
    memory_mb: u64,
    cutoff: RefCell<Option<Cutoff>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Budget>>> = const { RefCell::new(None) };
}

impl Budget {
    /// A budget whose clock started `already` ago (work shared with other properties, such as
    /// loading the `policy` headers, counts against each of them).
    pub fn start(limits: &Limits, already: Duration) -> Rc<Budget> {
        let now = Instant::now();
        let start = now.checked_sub(already).unwrap_or(now);
        let own = start + Duration::from_millis(u64::from(limits.timeout_ms));
        let (deadline, run_limit) = match limits.run_deadline {
            Some((run, ms)) if run < own => (run, Some(ms)),
            _ => (own, None),
        };
        Rc::new(Budget {
            start,
            deadline,
            run_limit,
            timeout_ms: u64::from(limits.timeout_ms),
            memory_bytes: u64::from(limits.memory_mb) << 20,
            memory_mb: u64::from(limits.memory_mb),
            cutoff: RefCell::new(None),
        })
    }

    /// Runs `f` with this budget as the thread's ambient budget (see [`charge`]).
    pub fn enter<R>(self: &Rc<Budget>, f: impl FnOnce() -> R) -> R {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        let out = f();
        CURRENT.with(|c| *c.borrow_mut() = previous);
        out
    }

    /// The time since the property's clock started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The time left, zero when past the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// The memory budget in megabytes.
    pub fn memory_mb(&self) -> u32 {
        u32::try_from(self.memory_mb).unwrap_or(u32::MAX)
    }

    /// Why the work was cut off, if it was.
    pub fn cutoff(&self) -> Option<Cutoff> {
        self.cutoff.borrow().clone()
    }

    /// Records a cut-off (the first one wins) and returns it.
    pub fn cut(&self, cutoff: Cutoff) -> Cutoff {
        let mut c = self.cutoff.borrow_mut();
        c.get_or_insert(cutoff).clone()
    }

    /// The cut-off for running out of time in `phase`.
    pub fn time_cutoff(&self, phase: Phase) -> Cutoff {
        match self.run_limit {
            Some(limit_ms) => Cutoff::RunTime { limit_ms, phase },
            None => Cutoff::Time {
                limit_ms: self.timeout_ms,
                phase,
            },
        }
    }

    /// Whether work in `phase` that holds about `bytes` may go on; records the cut-off when not.
    pub fn check(&self, phase: Phase, bytes: u64) -> Result<(), Cutoff> {
        if let Some(c) = self.cutoff() {
            return Err(c);
        }
        if bytes > self.memory_bytes {
            return Err(self.cut(Cutoff::Memory {
                limit_mb: self.memory_mb,
                phase,
            }));
        }
        if Instant::now() >= self.deadline {
            return Err(self.cut(self.time_cutoff(phase)));
        }
        Ok(())
    }
}

/// Asks the ambient budget whether work in `phase` holding about `bytes` may go on; without an
/// ambient budget (a direct call of the encoder, as in tests) the work is unbounded.
pub fn charge(phase: Phase, bytes: u64) -> Result<(), Cutoff> {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(b) => b.check(phase, bytes),
        None => Ok(()),
    })
}

/// Whether the work under the ambient budget must stop: it was cut already, or its deadline has
/// passed (the cut-off is then recorded, in `phase`). Constructions with no natural size to charge,
/// such as the formulas of a policy, poll it and stop early; without an ambient budget, never.
pub fn interrupted(phase: Phase) -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|b| b.check(phase, 0).is_err()))
}

/// Whether the ambient budget's deadline has passed, without recording a cut-off (for cosmetic work
/// that simply stops, such as polishing a confirmed counterexample).
pub fn out_of_time() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|b| b.remaining().is_zero()))
}

/// The time left of the ambient budget, if there is one.
pub fn remaining() -> Option<Duration> {
    CURRENT.with(|c| c.borrow().as_ref().map(|b| b.remaining()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_cutoff_is_kept_and_explained() {
        let b = Budget::start(&Limits::new(60_000, 1, None), Duration::ZERO);
        assert!(b.check(Phase::Encoding, 1000).is_ok());
        let c = b.check(Phase::ActionAlphabet, 2 << 20);
        assert_eq!(
            c,
            Err(Cutoff::Memory {
                limit_mb: 1,
                phase: Phase::ActionAlphabet
            })
        );
        // Later checks report the first cut-off, even when they would pass.
        assert_eq!(b.check(Phase::Solving, 0), c);
        assert_eq!(
            b.cutoff().map(|c| c.reason()),
            Some("the memory budget of 1 MB was exceeded while building the action alphabet (raise it with `--memory-mb`)".into())
        );
    }

    #[test]
    fn time_already_spent_counts_and_the_run_deadline_wins() {
        let b = Budget::start(&Limits::new(10, 100, None), Duration::from_millis(50));
        assert_eq!(
            b.check(Phase::Loading, 0),
            Err(Cutoff::Time {
                limit_ms: 10,
                phase: Phase::Loading
            })
        );
        let b = Budget::start(&Limits::new(60_000, 100, Some(0)), Duration::ZERO);
        assert!(matches!(
            b.check(Phase::Solving, 0),
            Err(Cutoff::RunTime { limit_ms: 0, .. })
        ));
    }

    #[test]
    fn formulas_built_past_the_deadline_stop_at_once_and_say_so() {
        use crate::ir::{bool_var, or, Formula};
        // 3,000 operands, 1,000 distinct: without a budget, each distinct one once, in order.
        let many = || (0..3000).map(|i| bool_var(format!("v{}", i % 1000)));
        let expected: Vec<Formula> = (0..1000).map(|i| bool_var(format!("v{i}"))).collect();
        assert_eq!(or(many()), Formula::Or(expected));
        // Past the deadline the construction stops (its result is discarded) and the cut-off says
        // where the work was.
        let b = Budget::start(&Limits::new(0, 2048, None), Duration::ZERO);
        assert_eq!(b.enter(|| or(many())), Formula::Const(false));
        assert_eq!(
            b.cutoff().map(|c| c.reason()),
            Some("the time limit of 0 ms was reached while encoding the policies (raise it with `--timeout`)".into())
        );
        // Within the limit, the same formula as without a budget.
        let b = Budget::start(&Limits::new(60_000, 2048, None), Duration::ZERO);
        assert_eq!(b.enter(|| or(many())), or(many()));
        assert!(b.cutoff().is_none());
    }

    #[test]
    fn the_ambient_budget_is_scoped() {
        assert!(charge(Phase::Encoding, u64::MAX).is_ok());
        let b = Budget::start(&Limits::new(60_000, 1, None), Duration::ZERO);
        let inner = b.enter(|| charge(Phase::ResourceAlphabet, u64::MAX));
        assert!(inner.is_err());
        assert!(charge(Phase::Encoding, u64::MAX).is_ok());
        assert!(b.cutoff().is_some());
    }
}
