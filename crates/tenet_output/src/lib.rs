//! tenet's output writers: the human report, JSON, GitHub workflow annotations and SARIF 2.1.0, over
//! the results of checking files ([`FileResult`]), and the one metadata type of every code
//! ([`CodeInfo`]) that listings and SARIF read.
//!
//! The CLI's `lint` and `prove` commands write through this crate, so `prove` does not borrow lint
//! types to report its findings. Architecture invariant: the writers only format; they decide
//! nothing about policies and never exit the process.
#![warn(missing_docs)]

mod code;
mod github;
mod human;
mod json;
mod report;
mod sarif;

pub use code::{CodeInfo, DOCS_BASE, STRUCTURAL};
pub use github::render_github;
pub use human::{render_human, MAX_SHOWN_PER_FILE, MAX_SHOWN_PER_RUN};
pub use json::render_json;
pub use report::{lexical, FileResult, STDIN};
pub use sarif::{render_sarif, MAX_SARIF_RESULTS};
