//! Reading an estate from the file system, for `tenet prove` (`estate` headers), `tenet who-can`
//! and `tenet graph`: the files are walked and read here, then handed to `tenet_graph`, which
//! knows no file system.
//!
//! An estate is a directory (with `estate.toml`, an iam-collect download, or authorization-details
//! outputs) or a manifest file; paths in a manifest are relative to the nearest directory above it
//! that holds `estate.toml` (so variants can sit in a subdirectory), else to its own directory.
//! It may also be infrastructure as code about to be deployed: a CloudFormation template (JSON,
//! YAML, CDK's `*.template.json`) or a Terraform plan (`terraform show -json`) given as a file, or
//! a directory of `.tf` files or templates without `estate.toml`; [`tenet_iac::Options`] say what
//! the template leaves to deployment time (account, region, parameters).

use std::path::{Path, PathBuf};

use tenet_diagnostics::{render_diagnostics, RenderOptions, Severity};
use tenet_graph::{Loaded, Sources};

use super::EstateInput;

/// Files larger than this are not read.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Reads the estate `rel` of an `estate` header (relative to `base`). `Err` carries the rendered
/// diagnostics of every file that has errors; warnings are printed on standard error.
pub fn read(base: &Path, rel: &str, options: &tenet_iac::Options) -> Result<EstateInput, String> {
    let (root, sources, loaded) = read_estate(&base.join(rel), options)?;
    let rendered = render_reports(&root, &sources, &loaded);
    if loaded.has_errors() {
        return Err(format!(
            "the estate `{rel}` has errors: nothing was proved\n{}",
            rendered.trim_end()
        ));
    }
    eprint!("{rendered}");
    Ok(EstateInput {
        estate: loaded.estate,
        root,
    })
}

/// Reads an estate, or infrastructure as code as one: its root, its files and what was loaded.
pub fn read_estate(estate: &Path, options: &tenet_iac::Options) -> Result<(PathBuf, Sources, Loaded), String> {
    if is_iac(estate) {
        return read_iac(estate, options);
    }
    let (root, manifest) = locate(estate)?;
    let sources = read_sources(&root)?;
    let loaded = match &manifest {
        Some(m) => tenet_graph::load_manifest(&sources, m),
        None => tenet_graph::load(&sources),
    };
    Ok((root, sources, loaded))
}

/// The diagnostics of every file of a loaded estate, rendered.
pub fn render_reports(root: &Path, sources: &Sources, loaded: &Loaded) -> String {
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
    rendered
}

/// The number of warnings of a loaded estate.
pub fn warning_count(loaded: &Loaded) -> usize {
    loaded
        .reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.severity == Severity::Warning)
        .count()
}

/// Whether a path names infrastructure as code rather than an estate directory or manifest: a file
/// that is not a manifest, or a directory without `estate.toml` or an iam-collect download that
/// holds `.tf` files or CloudFormation templates.
fn is_iac(estate: &Path) -> bool {
    if estate.is_file() {
        return estate.extension().is_none_or(|x| x != "toml");
    }
    if estate.join("estate.toml").is_file() || estate.join("aws").is_dir() {
        return false;
    }
    std::fs::read_dir(estate).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            name.ends_with(".tf")
                || name.ends_with(".template.json")
                || name.ends_with(".yaml")
                || name.ends_with(".yml")
        })
    })
}

/// Reads infrastructure as code as an estate: one file, or the top-level files of a directory.
fn read_iac(estate: &Path, options: &tenet_iac::Options) -> Result<(PathBuf, Sources, Loaded), String> {
    let (root, files): (PathBuf, Vec<PathBuf>) = if estate.is_file() {
        let parent = estate.parent().map(Path::to_path_buf).unwrap_or_default();
        (parent, vec![estate.to_path_buf()])
    } else {
        let entries = std::fs::read_dir(estate).map_err(|e| format!("cannot read `{}`: {e}", estate.display()))?;
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        (estate.to_path_buf(), files)
    };
    let mut sources = Sources::new();
    for f in files {
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        if size > MAX_FILE {
            return Err(format!("`{}` is larger than {MAX_FILE} bytes", f.display()));
        }
        let text = std::fs::read_to_string(&f).map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        sources.insert(name, text);
    }
    let loaded = tenet_graph::load_iac(&sources, options);
    Ok((root, sources, loaded))
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
/// the root.
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
