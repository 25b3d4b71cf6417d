//! Helpers shared by the tests: reading an estate directory of the repository into `Sources`.
#![allow(dead_code, reason = "each test file uses a part")]
#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

use std::path::{Path, PathBuf};

use tenet_graph::{Loaded, Sources};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.json` and `.toml` file under `dir`, keyed by its path relative to `dir`.
pub fn read_dir(dir: &Path) -> Sources {
    let mut sources = Sources::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json" || x == "toml") {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                sources.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    sources
}

/// The FSx estate, or one of its variants (`variants/<name>.toml`).
pub fn fsx(variant: Option<&str>) -> Loaded {
    let sources = read_dir(&repo().join("policies/fsx-cross-account"));
    let loaded = match variant {
        None => tenet_graph::load(&sources),
        Some(v) => tenet_graph::load_manifest(&sources, &format!("variants/{v}.toml")),
    };
    assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
    loaded
}

/// Sources from `(path, text)` pairs.
pub fn sources(files: &[(&str, &str)]) -> Sources {
    let mut s = Sources::new();
    for (p, t) in files {
        s.insert(*p, *t);
    }
    s
}
