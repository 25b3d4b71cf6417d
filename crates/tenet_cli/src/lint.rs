//! `tenet lint`: finds policy files, reads and checks them in parallel, and reports in file order.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tenet_ast::PolicyKind;
use tenet_diagnostics::{sort_diagnostics, Diagnostic, LineIndex};
use tenet_syntax::{parse_policy_bytes, InputForm};

use crate::report::FileResult;

/// What went wrong finding the inputs (a tool failure: exit 2).
#[derive(Debug)]
pub struct InputError(pub String);

/// Expands `paths` into the policy files to check, sorted and deduplicated. Directories are walked
/// (respecting `.gitignore`, skipping hidden entries) for `*.json`; files named explicitly are taken
/// whatever their extension.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))?;
        if meta.is_file() {
            files.push(path.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(path).require_git(false).build();
        for entry in walker {
            let entry = entry.map_err(|e| InputError(format!("cannot walk `{}`: {e}", path.display())))?;
            let p = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file()) && p.extension().is_some_and(|e| e == "json") {
                files.push(p.to_path_buf());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// The path as shown to users: relative to the current directory when under it, `/`-separated.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Reads and checks one file. `check` runs the analyses on the documents found.
pub fn check_file(
    path: &Path,
    kind_override: Option<PolicyKind>,
    check: &(dyn Fn(&Path, &tenet_syntax::ParsedFile) -> Vec<Diagnostic> + Sync),
) -> Result<FileResult, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))?;
    let display = display_path(path);
    let parsed = parse_policy_bytes(&display, &bytes, kind_override);
    let source = String::from_utf8_lossy(&bytes).into_owned();
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(check(path, &parsed));
    sort_diagnostics(&mut diagnostics);
    let skipped = match parsed.form {
        InputForm::NotAPolicy if diagnostics.is_empty() => Some("not a policy document".to_owned()),
        InputForm::GrantList => {
            Some("a KMS grant list (used by `tenet simulate` and estates), not a policy".to_owned())
        }
        _ => None,
    };
    Ok(FileResult {
        path: path.to_path_buf(),
        display,
        line_index: LineIndex::new(&source),
        source,
        diagnostics,
        skipped,
    })
}

/// Checks every file in parallel; results come back in the order of `files`.
pub fn check_files(
    files: &[PathBuf],
    kind_override: Option<PolicyKind>,
    check: &(dyn Fn(&Path, &tenet_syntax::ParsedFile) -> Vec<Diagnostic> + Sync),
) -> Result<Vec<FileResult>, InputError> {
    files.par_iter().map(|f| check_file(f, kind_override, check)).collect()
}
