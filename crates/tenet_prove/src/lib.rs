//! tenet's prover: the property language (`lang`), the symbolic encoding of IAM policies into a
//! small formula IR (`ir`, `principals`, `actions`, `resources`, `encode`), property semantics (`property`), the Z3 back end
//! (`smt`, the only module that links z3) and the runner (`run`: `load`, `prepare`, `solving`,
//! `counterexample`, `verdict`, all within a `budget`).
//!
//! Pipeline: `.tenet` text -> [`lang`] -> policies loaded with `tenet_syntax` -> [`encode`] builds
//! formulas mirroring `tenet_ast::eval` -> [`property`] turns each property into a [`ir::Query`]
//! that is unsatisfiable exactly when it holds -> [`smt`] -> a model decoded into a
//! `tenet_ast::eval::Request` and re-checked by the concrete evaluator -> [`run::PropertyResult`].
//!
//! Architecture invariant: only `smt` talks to z3; everything above it is plain data that prints and
//! snapshots without a solver. `holds` is only ever reported for an exact (or over-approximated)
//! encoding whose query is `unsat`.
#![warn(missing_docs)]

pub mod actions;
pub mod budget;
pub mod counterexample;
pub mod decision;
mod distinct;
pub mod encode;
pub mod estate;
pub mod ir;
pub mod lang;
pub mod load;
pub mod prepare;
pub mod principals;
mod product;
pub mod property;
pub mod resources;
pub mod run;
pub mod smt;
pub mod solving;
pub mod stress;
pub mod verdict;

pub use run::{
    compile_smt2, compile_smt2_file, prove_file, prove_file_in, prove_file_with, PropertyResult, ProveError, Verdict,
};
