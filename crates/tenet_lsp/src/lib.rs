//! tenet's language server: `tenet lsp` speaks the Language Server Protocol over stdio.
//!
//! - Policy JSON is linted on open and on every change with the same per-file pipeline as `tenet
//!   lint` (same codes, same `tenet.toml`), off the main loop: runs for text that changed again are
//!   skipped or their results dropped, and a burst of changes is linted once.
//! - `.tenet` property files are parsed on every change and proved on save; verdicts appear on the
//!   property's line (violated: an error with the counterexample; unknown: information).
//! - Hover shows catalog facts (actions, condition keys, operators, elements) and the documentation
//!   of the rules whose diagnostics are under the cursor; completion offers what fits the place;
//!   code actions offer the linter's certain fixes and a `Sid` suppression marker.
//!
//! Positions use UTF-8 when the client offers it, else UTF-16. Handlers live one per file in
//! [`handlers`](crate::handlers), as in ruff's server.
//!
//! Architecture invariant: this crate holds no analysis. It calls `tenet_lint::pipeline`, the
//! prover's public API and the catalog, and only converts between their values and LSP's.
#![warn(missing_docs)]

mod check;
mod config;
mod cursor;
mod docs;
mod document;
mod handlers;
mod server;
mod tasks;

pub use server::run;

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The client broke the protocol (e.g. no `initialize` first).
    #[error("protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// Reading or writing the transport failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// A message could not be decoded.
    #[error("invalid message: {0}")]
    Json(#[from] serde_json::Error),
    /// The client sent `exit` (or went away) without `shutdown` first; the protocol asks for exit
    /// code 1.
    #[error("the client exited without asking to shut down")]
    ExitWithoutShutdown,
}

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run_stdio() -> Result<(), LspError> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let outcome = run(&connection);
    drop(connection);
    let joined = io_threads.join();
    // The session's own error says more than the transport's that follows from it.
    outcome?;
    Ok(joined?)
}
