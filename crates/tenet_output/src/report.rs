//! The result of reading and checking one file, shared by every output format.

use std::path::{Path, PathBuf};

use tenet_diagnostics::{Diagnostic, LineIndex, Severity};

/// One input file and its findings.
pub struct FileResult {
    /// The path as found on disk.
    pub path: PathBuf,
    /// The path as shown to the user: relative to the current directory when it is under it, with `/`.
    pub display: String,
    /// The file's text (lossy for invalid UTF-8, so snippets can still be shown).
    pub source: String,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Line starts of `source`.
    pub line_index: LineIndex,
    /// Why the file was skipped, if it holds no policy (shown in verbose mode).
    pub skipped: Option<String>,
}

impl FileResult {
    /// Number of findings at `severity` or above.
    pub fn count_at_least(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity >= severity).count()
    }
}

/// The path that stands for standard input on the command line.
pub const STDIN: &str = "-";

/// The absolute form of `path` with `..` resolved lexically (without reading links).
pub fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
