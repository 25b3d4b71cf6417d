//! Work off the main loop: a lint worker thread, and one thread per proof. Both send their results
//! back to the main loop as [`Task`]s; the main loop publishes a result only when it is not stale.
//!
//! Stale work is cancelled twice: a job is skipped when its document changed after it was queued
//! (the worker reads the document's generation before it starts), and a result is dropped when the
//! document changed while it ran. Jobs for the same document that queue up while the worker is busy
//! are coalesced, so a burst of keystrokes costs one lint of the newest text.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_types::Url;
use tenet_prove::PropertyResult;

use crate::check::{lint_lsp, LintInput};
use crate::document::Encoding;

/// A result coming back to the main loop.
pub enum Task {
    /// A document was linted.
    Linted {
        /// Which.
        uri: Url,
        /// Its generation when the lint started.
        generation: u64,
        /// Its diagnostics.
        diagnostics: Vec<lsp_types::Diagnostic>,
    },
    /// A `.tenet` file was proved.
    Proved {
        /// Which.
        uri: Url,
        /// The save it was started for.
        save: u64,
        /// The verdicts, or why the file could not be proved.
        results: Result<Vec<PropertyResult>, String>,
    },
}

/// One lint to run.
pub struct LintJob {
    /// The document.
    pub uri: Url,
    /// Its generation when queued.
    pub generation: u64,
    /// Its generation counter, to see whether it changed since.
    pub current: Arc<AtomicU64>,
    /// What to lint.
    pub input: LintInput,
    /// The encoding of the ranges.
    pub encoding: Encoding,
}

/// Starts the lint worker; it ends when `jobs` closes.
pub fn spawn_lint_worker(jobs: Receiver<LintJob>, results: Sender<Task>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("tenet-lint".into()).spawn(move || {
        while let Ok(first) = jobs.recv() {
            // Coalesce: of the jobs queued now, only the newest per document runs.
            let mut batch: Vec<LintJob> = vec![first];
            while let Ok(job) = jobs.try_recv() {
                batch.retain(|j| j.uri != job.uri);
                batch.push(job);
            }
            for job in batch {
                if job.current.load(Ordering::SeqCst) != job.generation {
                    continue;
                }
                let diagnostics = lint_lsp(&job.input, &job.uri, job.encoding);
                let task = Task::Linted {
                    uri: job.uri,
                    generation: job.generation,
                    diagnostics,
                };
                if results.send(task).is_err() {
                    return;
                }
            }
        }
    })
}

/// Proves a `.tenet` file on a thread of its own (a proof may take seconds), reading no file the
/// `.tenet` file names outside `root`.
pub fn spawn_proof(uri: Url, save: u64, path: PathBuf, root: PathBuf, timeout_ms: u32, results: Sender<Task>) {
    let spawned = std::thread::Builder::new().name("tenet-prove".into()).spawn(move || {
        let results_of_proof =
            tenet_prove::prove_file_in(&path, timeout_ms, Some(&root)).map_err(|e| first_line(&e.to_string()));
        let _ = results.send(Task::Proved {
            uri,
            save,
            results: results_of_proof,
        });
    });
    // A thread that cannot start leaves the previous verdicts in place: nothing else to do.
    drop(spawned);
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}
