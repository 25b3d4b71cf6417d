//! The estate: every account, principal and resource of a multi-account AWS world, the policies
//! that belong to each, and the graph of how access flows between them.
//!
//! Pipeline: the CLI reads an estate directory into [`Sources`] (path -> text); [`load`] builds an
//! [`Estate`] from a manifest (`estate.toml`), a folder of `aws iam get-account-authorization-details`
//! outputs, or an iam-collect download ([`load_iac`]: a CloudFormation template, a Terraform
//! directory or plan, read by `tenet_iac`), with located diagnostics for whatever it cannot read;
//! [`graph::EstateGraph`] turns it into a petgraph of accounts, principals and resources with trust,
//! delegation and grant edges; [`access`] builds the `PolicySet` of each (principal, request) and
//! answers `who-can`, asking an [`access::Oracle`] (the prover, supplied by the caller) where
//! conditions decide.
//!
//! Architecture invariant: this crate knows no file system and no solver. It reads text handed to it
//! and returns data; `tenet_prove` is never a dependency (the prover may consume estates through
//! [`access::policy_sets_for`]).
#![warn(missing_docs)]

pub mod access;
pub mod generate;
pub mod graph;
mod import;
mod manifest;
pub mod model;
pub mod render;
mod sources;
pub mod unresolved;

pub use import::{load, load_iac, load_manifest};
pub use model::*;
pub use sources::{FileReport, Loaded, Sources};
