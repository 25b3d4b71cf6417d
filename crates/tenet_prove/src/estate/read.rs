//! Reading an estate from the file system (the `estate` header's directory or manifest): the files
//! are walked and read here, then handed to `tenet_graph`, which knows no file system.

use std::path::{Path, PathBuf};

use tenet_diagnostics::{render_diagnostics, RenderOptions};
use tenet_graph::Sources;

use super::EstateInput;

/// Files larger than this are not read.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Reads the estate `rel` (a directory or a manifest file, relative to `base`). `Err` carries the
/// rendered diagnostics of every file that has errors.
pub fn read(base: &Path, rel: &str) -> Result<EstateInput, String> {
    let (root, manifest) = locate(&base.join(rel))?;
    let sources = read_sources(&root)?;
    let loaded = match &manifest {
        Some(m) => tenet_graph::load_manifest(&sources, m),
        None => tenet_graph::load(&sources),
    };
    if loaded.has_errors() {
        let mut rendered = String::new();
        for report in &loaded.reports {
            let display = root.join(&report.path).display().to_string();
            let text = sources.get(&report.path).unwrap_or("");
            rendered.push_str(&render_diagnostics(
                &display,
                text,
                &report.diagnostics,
                RenderOptions::default(),
            ));
        }
        return Err(format!(
            "the estate `{rel}` has errors: nothing was proved\n{}",
            rendered.trim_end()
        ));
    }
    Ok(EstateInput {
        estate: loaded.estate,
        root,
    })
}

/// Every `.json` and `.toml` file under `root` (`.gitignore` honoured), by path relative to it.
pub fn read_sources(root: &Path) -> Result<Sources, String> {
    let mut sources = Sources::new();
    for entry in ignore::WalkBuilder::new(root).hidden(true).build() {
        let entry = entry.map_err(|e| format!("cannot walk `{}`: {e}", root.display()))?;
        let path = entry.path();
        let wanted = path.extension().is_some_and(|x| x == "json" || x == "toml");
        if !wanted || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if size > MAX_FILE {
            return Err(format!("`{}` is larger than {MAX_FILE} bytes", path.display()));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let rel = path.strip_prefix(root).unwrap_or(path);
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        sources.insert(rel.join("/"), text);
    }
    Ok(sources)
}

/// The estate root of `estate` and, for a manifest other than `estate.toml`, its path relative to
/// the root. Paths in a manifest are relative to the nearest directory above it that holds
/// `estate.toml` (so that variants can sit in a subdirectory), else to its own directory.
pub fn locate(estate: &Path) -> Result<(PathBuf, Option<String>), String> {
    if estate.is_dir() {
        return Ok((estate.to_path_buf(), None));
    }
    if !estate.is_file() {
        return Err(format!(
            "`{}` is neither a directory nor a manifest file",
            estate.display()
        ));
    }
    let file = estate
        .canonicalize()
        .map_err(|e| format!("cannot read `{}`: {e}", estate.display()))?;
    let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = parent
        .ancestors()
        .find(|d| d.join("estate.toml").is_file())
        .map(Path::to_path_buf)
        .unwrap_or(parent);
    let rel = file
        .strip_prefix(&root)
        .map_err(|_| "internal: manifest outside its root".to_owned())?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let rel = rel.join("/");
    Ok((root, (rel != "estate.toml").then_some(rel)))
}
