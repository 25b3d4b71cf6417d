//! Reads policy text into the typed AST: a span-exact JSON reader, IAM's mini-grammars (nom), input
//! wrappers (AWS CLI outputs with embedded policy strings) and the lowering with its diagnostics.
//!
//! Architecture invariant: this crate depends on `tenet_ast`, never the reverse; parsing never fails,
//! it returns what it could build plus diagnostics.
#![warn(missing_docs)]

pub mod grammar;
