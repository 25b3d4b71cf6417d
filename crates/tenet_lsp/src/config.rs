//! The `tenet.toml` that applies to each document: the nearest one above the file (as `tenet lint`
//! finds it), else the one at the workspace root the client named. Loaded once per file found, and
//! forgotten when the client says a `tenet.toml` changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tenet_lint::LintConfig;

/// The configurations found so far.
#[derive(Default)]
pub struct Configs {
    /// The workspace root, from `initialize`.
    pub root: Option<PathBuf>,
    /// The `tenet.toml` found for each directory.
    found: HashMap<PathBuf, Option<PathBuf>>,
    /// Each loaded file, or why it could not be loaded.
    loaded: HashMap<PathBuf, Result<Arc<LintConfig>, String>>,
    default: Arc<LintConfig>,
}

impl Configs {
    /// Configurations for a workspace rooted at `root`.
    pub fn new(root: Option<PathBuf>) -> Configs {
        Configs {
            root,
            ..Configs::default()
        }
    }

    /// Forgets every file found and loaded (a `tenet.toml` was created, changed or deleted).
    pub fn clear(&mut self) {
        self.found.clear();
        self.loaded.clear();
    }

    /// The configuration for a document at `path` (`None`: not a file, e.g. an untitled buffer), and
    /// the error that made it fall back to the defaults, if any.
    pub fn for_path(&mut self, path: Option<&Path>) -> (Arc<LintConfig>, Option<String>) {
        let dir = path.and_then(Path::parent).map(Path::to_path_buf);
        let found = match dir {
            Some(dir) => {
                let root = self.root.clone();
                self.found
                    .entry(dir.clone())
                    .or_insert_with(|| LintConfig::find_for(&dir.join("_")).or_else(|| at_root(root.as_deref())))
                    .clone()
            }
            None => at_root(self.root.as_deref()),
        };
        let Some(file) = found else {
            return (self.default.clone(), None);
        };
        let loaded = self
            .loaded
            .entry(file.clone())
            .or_insert_with(|| {
                LintConfig::load(&file)
                    .map(Arc::new)
                    .map_err(|e| format!("cannot load `{}`: {}", file.display(), error_chain(&e)))
            })
            .clone();
        match loaded {
            Ok(c) => (c, None),
            Err(e) => (self.default.clone(), Some(e)),
        }
    }
}

fn at_root(root: Option<&Path>) -> Option<PathBuf> {
    let candidate = root?.join("tenet.toml");
    candidate.is_file().then_some(candidate)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_file_then_root_and_errors_fall_back_to_defaults() {
        let dir = std::env::temp_dir().join(format!("tenet-lsp-config-{}", std::process::id()));
        let sub = dir.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.join("tenet.toml"), "ignore = [\"IAM001\"]\n").unwrap();
        let mut configs = Configs::new(Some(dir.clone()));
        let (c, err) = configs.for_path(Some(&sub.join("p.json")));
        assert_eq!(err, None);
        assert!(!c.is_enabled("IAM001", "x", Some(tenet_lint::Category::Correctness)));
        std::fs::write(sub.join("tenet.toml"), "colour = true\n").unwrap();
        let (_, err) = configs.for_path(Some(&sub.join("p.json")));
        assert_eq!(err, None, "cached until cleared");
        configs.clear();
        let (c, err) = configs.for_path(Some(&sub.join("p.json")));
        assert!(err.unwrap().contains("tenet.toml"));
        assert!(c.is_enabled("IAM001", "x", Some(tenet_lint::Category::Correctness)));
        let (c, _) = configs.for_path(None);
        assert!(!c.is_enabled("IAM001", "x", Some(tenet_lint::Category::Correctness)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
