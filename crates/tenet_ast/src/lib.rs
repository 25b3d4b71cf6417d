//! The typed policy model: what a policy document *means*, with the span of every piece.
//!
//! Architecture invariant: this crate knows nothing of JSON text, nom, z3, petgraph or LSP. The
//! `tenet_syntax` crate lowers text into these types; the analysis crates read them.
#![warn(missing_docs)]

pub mod eval;
mod operator;
mod policy;
pub mod semantics;
pub mod truth;

pub use operator::{ConditionOperator, OperatorFamily, QualifiedOperator, SetQualifier};
pub use policy::*;
pub use tenet_diagnostics::{Span, Spanned};
