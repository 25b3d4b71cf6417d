//! The text of an estate directory, handed over by the caller, and the diagnostics found in it.

use std::collections::BTreeMap;

use tenet_diagnostics::{Diagnostic, Severity};

use crate::model::Estate;

/// The files of an estate: paths relative to the estate root (with `/` separators) to their text.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: BTreeMap<String, String>,
}

impl Sources {
    /// No files.
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds (or replaces) one file.
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into().replace('\\', "/"), text.into());
    }

    /// The text of a file.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Every `(path, text)`, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(p, t)| (p.as_str(), t.as_str()))
    }

    /// The files under a directory prefix (`dir` without a trailing `/`; empty: every file).
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.iter()
            .filter(move |(p, _)| dir.is_empty() || p.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/')))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The diagnostics of one file of the estate.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path, relative to the estate root.
    pub path: String,
    /// The diagnostics, located in that file.
    pub diagnostics: Vec<Diagnostic>,
}

/// An estate and what was found wrong while reading it.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The estate (everything that could be read).
    pub estate: Estate,
    /// Diagnostics per file.
    pub reports: Vec<FileReport>,
}

impl Loaded {
    /// Whether some diagnostic is an error (then the estate is incomplete and verdicts over it mean
    /// nothing).
    pub fn has_errors(&self) -> bool {
        self.reports
            .iter()
            .any(|r| r.diagnostics.iter().any(|d| d.severity == Severity::Error))
    }
}
