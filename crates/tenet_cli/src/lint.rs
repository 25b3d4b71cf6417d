//! `tenet lint`: finds policy files, reads and checks them in parallel with the configuration that
//! applies to each, applies certain fixes on request, and reports in file order.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use tenet_ast::PolicyKind;
use tenet_diagnostics::LineIndex;
use tenet_lint::LintConfig;
use tenet_syntax::{parse_policy_bytes, InputForm};

use tenet_output::FileResult;

/// What went wrong finding the inputs or the configuration (a tool failure: exit 2).
#[derive(Debug)]
pub struct InputError(pub String);

/// Runs with more files than this show progress on a terminal.
pub const PROGRESS_AFTER: usize = 500;

/// The name that reads standard input instead of a file.
pub const STDIN: &str = tenet_output::STDIN;

/// The inputs of a run: the files to check, which of them were named explicitly, and the entries a
/// directory walk passed over (for `-v`).
#[derive(Default)]
pub struct Inputs {
    /// Files to check, sorted and deduplicated.
    pub files: Vec<PathBuf>,
    /// The files named on the command line (not found by walking).
    pub explicit: HashSet<PathBuf>,
    /// Entries a walk did not read, with the reason.
    pub passed_over: Vec<(PathBuf, &'static str)>,
}

/// Expands `paths` into the files to check, sorted and deduplicated. Directories are walked
/// (respecting `.gitignore`, skipping hidden entries) for files ending in `.{extension}` (several
/// extensions separated by `|`, e.g. `json|yaml`); files named
/// explicitly are taken whatever their extension.
pub fn collect_files(paths: &[PathBuf], extension: &str) -> Result<Vec<PathBuf>, InputError> {
    Ok(collect_inputs(paths, extension)?.files)
}

/// [`collect_files`], also saying which files were named and what the walks passed over: hidden
/// entries, symbolic links (never followed, so link loops cannot trap a walk) and other extensions.
pub fn collect_inputs(paths: &[PathBuf], extension: &str) -> Result<Inputs, InputError> {
    let mut inputs = Inputs::default();
    let passed_over = Arc::new(Mutex::new(Vec::new()));
    for path in paths {
        if path.as_os_str() == STDIN {
            inputs.files.push(path.clone());
            inputs.explicit.insert(path.clone());
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))?;
        if meta.is_file() {
            inputs.files.push(path.clone());
            inputs.explicit.insert(path.clone());
            continue;
        }
        let hidden = passed_over.clone();
        let walker = ignore::WalkBuilder::new(path)
            .require_git(false)
            .hidden(false)
            .filter_entry(move |e| {
                let is_hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                if is_hidden && e.file_name() != ".gitignore" {
                    let what = if e.file_type().is_some_and(|t| t.is_dir()) {
                        "hidden directory, not searched"
                    } else {
                        "hidden file"
                    };
                    if let Ok(mut v) = hidden.lock() {
                        v.push((e.path().to_path_buf(), what));
                    }
                }
                !is_hidden
            })
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| InputError(format!("cannot walk `{}`: {e}", path.display())))?;
            let p = entry.path();
            let Some(t) = entry.file_type() else { continue };
            let wanted = |e: &std::ffi::OsStr| extension.split('|').any(|x| e == x);
            if t.is_symlink() {
                inputs
                    .passed_over
                    .push((p.to_path_buf(), "symbolic link, not followed"));
            } else if t.is_file() && p.extension().is_some_and(wanted) {
                inputs.files.push(p.to_path_buf());
            } else if t.is_file() {
                inputs.passed_over.push((p.to_path_buf(), "other extension"));
            }
        }
    }
    if let Ok(mut v) = passed_over.lock() {
        inputs.passed_over.append(&mut v);
    }
    inputs.passed_over.sort();
    // The same file reached by two spellings (`a/x.json`, `a/../a/x.json`) is checked once. One
    // directory walk (which does not follow links) names each file once, so only several inputs
    // pay for resolving every path.
    if paths.len() > 1 {
        let mut seen = HashSet::new();
        inputs
            .files
            .retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    }
    inputs.files.sort();
    Ok(inputs)
}

/// The current directory, read once: tenet never changes it, and asking the OS for every file
/// showed in profiles.
fn current_dir() -> Option<&'static Path> {
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// What `std::path::absolute` returns (links not resolved, `.` components dropped), with the
/// current directory read once.
fn absolute(path: &Path) -> PathBuf {
    match current_dir() {
        Some(cwd) if path.is_relative() => {
            let mut out = cwd.to_path_buf();
            out.extend(path.strip_prefix(".").unwrap_or(path).components());
            out
        }
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The path whose directory names give kind hints (`scp/`, `rcps/`, `boundaries/`): the file's
/// canonical path relative to the nearest ancestor that holds `tenet.toml` or `.git` (the project),
/// or the whole canonical path outside any project. So the hint does not depend on the directory
/// tenet runs from (`tenet lint .` inside `scp/` sees it), and a project checked out under a
/// directory that happens to be named `scp` gets no hint from it. Hints only break ties with the
/// content (see `tenet_syntax::detect_kind_with_hint`). Standard input keeps `display`.
fn hint_path(abs: &Path, display: &str) -> String {
    let Ok(canonical) = std::fs::canonicalize(abs) else {
        return display.to_owned();
    };
    let root = canonical
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(tenet_lint::config::CONFIG_FILE_NAME).is_file() || dir.join(".git").exists());
    let relative = root.and_then(|r| canonical.strip_prefix(r).ok()).unwrap_or(&canonical);
    relative.to_string_lossy().replace('\\', "/")
}

/// The path as shown to users: relative to the current directory when under it, `/`-separated.
pub fn display_path(path: &Path) -> String {
    let rel = current_dir().and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Finds and caches the `tenet.toml` that applies to each file (or the one given with `--config`).
pub struct Configs {
    explicit: Option<Arc<LintConfig>>,
    by_path: Mutex<HashMap<PathBuf, Arc<LintConfig>>>,
    /// The `tenet.toml` found for each directory, if any.
    found_in_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    default: Arc<LintConfig>,
}

impl Configs {
    /// With `--config`, that file applies to every input; otherwise each file's nearest `tenet.toml`.
    pub fn new(explicit: Option<&Path>) -> Result<Self, InputError> {
        let explicit = match explicit {
            Some(p) => Some(Arc::new(LintConfig::load(p).map_err(|e| InputError(config_error(&e)))?)),
            None => None,
        };
        Ok(Configs {
            explicit,
            by_path: Mutex::new(HashMap::new()),
            found_in_dir: Mutex::new(HashMap::new()),
            default: Arc::new(LintConfig::default()),
        })
    }

    /// The configuration for `file`.
    pub fn for_file(&self, file: &Path) -> Result<Arc<LintConfig>, InputError> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        let abs = absolute(file);
        let Some(found) = self.discover(&abs)? else {
            return Ok(self.default.clone());
        };
        let mut cache = self
            .by_path
            .lock()
            .map_err(|_| InputError("configuration cache poisoned".into()))?;
        if let Some(c) = cache.get(&found) {
            return Ok(c.clone());
        }
        let config = Arc::new(LintConfig::load(&found).map_err(|e| InputError(config_error(&e)))?);
        cache.insert(found, config.clone());
        Ok(config)
    }

    /// The nearest `tenet.toml` for the absolute path `file`, looked up once per directory: every
    /// file of a directory shares it, unless the file is a link (then its target's directory
    /// decides, as [`LintConfig::find_for`] does).
    fn discover(&self, file: &Path) -> Result<Option<PathBuf>, InputError> {
        let is_link = std::fs::symlink_metadata(file).map_or(true, |m| m.file_type().is_symlink());
        let Some(dir) = file.parent().filter(|_| !is_link) else {
            return Ok(LintConfig::find_for(file));
        };
        let poisoned = || InputError("configuration cache poisoned".into());
        if let Some(found) = self.found_in_dir.lock().map_err(|_| poisoned())?.get(dir) {
            return Ok(found.clone());
        }
        let found = LintConfig::find_for(dir);
        self.found_in_dir
            .lock()
            .map_err(|_| poisoned())?
            .insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }
}

fn config_error(e: &tenet_lint::ConfigError) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    s
}

/// Lints files.
pub struct Linter<'a> {
    /// `--kind`, forcing every policy's kind.
    pub kind: Option<PolicyKind>,
    /// The configurations.
    pub configs: &'a Configs,
    /// `--parameter` values for CloudFormation and Terraform inputs.
    pub iac: tenet_iac::Options,
    /// The files named on the command line: one that holds no policy is an error, not a skip.
    pub explicit: &'a HashSet<PathBuf>,
    /// Whether `--fix`/`--diff` also apply fixes that may change who gets access.
    pub unsafe_fixes: bool,
}

/// Why a file found by walking, whose text is not a JSON policy, is skipped rather than reported:
/// JSON with comments (`tsconfig.json`, `.vscode/settings.json`) or broken JSON that never mentions
/// a statement. `None` for what may be a broken policy.
fn walked_non_policy(text: &str) -> Option<&'static str> {
    if has_comment(text) {
        Some("JSON with comments, not a policy")
    } else if !text.contains("Statement") && !text.contains("PolicyDocument") && !text.contains("\"Policy\"") {
        Some("not strict JSON and names no statement, so not a policy")
    } else {
        None
    }
}

/// Whether `text` has a `//` or `/*` comment outside strings.
fn has_comment(text: &str) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && matches!(bytes.get(i + 1), Some(b'/' | b'*')) {
            return true;
        }
    }
    false
}

impl Linter<'_> {
    /// Reads and checks one file's bytes.
    pub fn check_bytes(&self, path: &Path, bytes: &[u8]) -> Result<FileResult, InputError> {
        let config = self.configs.for_file(path)?;
        let abs = absolute(path);
        let kind = self.kind.or_else(|| config.kind_for(&abs));
        let display = if path.as_os_str() == STDIN {
            "<stdin>".to_owned()
        } else {
            display_path(path)
        };
        let parsed = parse_policy_bytes(&hint_path(&abs, &display), bytes, kind);
        // A template or plan (recognised only when the policy reader found no policy in it).
        let (parsed, iac) = crate::iac::reread(&display, bytes, kind, parsed, &self.iac);
        let text = std::str::from_utf8(bytes).ok();
        let source = text.map_or_else(|| String::from_utf8_lossy(bytes).into_owned(), str::to_owned);
        let checked =
            tenet_lint::pipeline::check_parsed(parsed, if iac.is_some() { None } else { text }, &abs, &config);
        let mut diagnostics = crate::iac::settle(iac.as_ref(), checked.diagnostics);
        let explicit = self.explicit.contains(path);
        let mut skipped = match checked.form {
            InputForm::NotAPolicy if diagnostics.is_empty() && explicit => {
                diagnostics.extend(text.and_then(tenet_syntax::not_a_policy));
                None
            }
            InputForm::NotAPolicy if diagnostics.is_empty() => Some("not a policy document".to_owned()),
            InputForm::GrantList => Some("a KMS grant list (used by `tenet simulate`), not a policy".to_owned()),
            InputForm::OtherOrganizationsPolicy => {
                Some("an AWS Organizations policy of a type that grants no access (tag, backup, …)".to_owned())
            }
            _ => None,
        };
        // A template the IaC readers recognised reports its own problems (IAC001), even in a walk.
        if !explicit && iac.is_none() && checked.form == InputForm::NotAPolicy && skipped.is_none() {
            if let Some(why) = text.and_then(walked_non_policy) {
                diagnostics.clear();
                skipped = Some(why.to_owned());
            }
        }
        Ok(FileResult {
            path: path.to_path_buf(),
            display,
            line_index: LineIndex::new(&source),
            source,
            diagnostics,
            skipped,
        })
    }

    /// Reads and checks one file (`-`: standard input).
    pub fn check_file(&self, path: &Path) -> Result<FileResult, InputError> {
        if path.as_os_str() == STDIN {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
                .map_err(|e| InputError(format!("cannot read standard input: {e}")))?;
            return self.check_bytes(path, &bytes);
        }
        let bytes = std::fs::read(path).map_err(|e| InputError(format!("cannot read `{}`: {e}", path.display())))?;
        self.check_bytes(path, &bytes)
    }

    /// Checks every file in parallel; results come back in the order of `files`. With `progress`
    /// (stderr is a terminal), a run of more than [`PROGRESS_AFTER`] files shows a counter there.
    pub fn check_files(&self, files: &[PathBuf], progress: bool) -> Result<Vec<FileResult>, InputError> {
        if !progress || files.len() <= PROGRESS_AFTER {
            return files.par_iter().map(|f| self.check_file(f)).collect();
        }
        let done = std::sync::atomic::AtomicUsize::new(0);
        let finished = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                use std::sync::atomic::Ordering::Relaxed;
                while !finished.load(Relaxed) {
                    eprint!("\rchecking files: {}/{}", done.load(Relaxed), files.len());
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r{:width$}\r", "", width = 40);
            });
            let results = files
                .par_iter()
                .map(|f| {
                    let r = self.check_file(f);
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    r
                })
                .collect();
            finished.store(true, std::sync::atomic::Ordering::Relaxed);
            results
        })
    }

    /// Applies every certain fix to `result`'s text, re-checking until no fix applies (at most a few
    /// rounds, since one fix can reveal another). Returns the fixed text and the number of fixes, or
    /// `None` when there was nothing to fix.
    pub fn fixed_text(&self, result: &FileResult) -> Result<Option<(String, usize)>, InputError> {
        let fixed = tenet_lint::fix::fix_until_stable(
            &result.source,
            result.diagnostics.clone(),
            self.unsafe_fixes,
            4,
            |text| Ok(self.check_bytes(&result.path, text.as_bytes())?.diagnostics),
        )?;
        Ok((fixed.applied > 0).then_some((fixed.text, fixed.applied)))
    }
}

impl Linter<'_> {
    /// What `--fix` leaves undone in `result` and why: unsafe fixes (without `--unsafe-fixes`) and
    /// findings of fixable rules inside a policy embedded in a JSON string, where no fix is offered
    /// (the edit would have to be escaped into the string).
    pub fn fix_notes(&self, result: &FileResult) -> Vec<String> {
        let mut notes = Vec::new();
        let unsafe_left = result
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| !f.safe))
            .count();
        if unsafe_left > 0 && !self.unsafe_fixes {
            notes.push(format!(
                "{unsafe_left} unsafe fix{} not applied in {}: {} change who gets access (`--unsafe-fixes` applies them)",
                if unsafe_left == 1 { "" } else { "es" },
                result.display,
                if unsafe_left == 1 { "it may" } else { "they may" }
            ));
        }
        let parsed = tenet_syntax::parse_policy_file(&result.display, &result.source, self.kind);
        let embedded: Vec<tenet_diagnostics::Span> = parsed
            .documents
            .iter()
            .filter(|d| result.source.as_bytes().get(d.span.start as usize) == Some(&b'"'))
            .map(|d| d.span)
            .collect();
        let skipped = result
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_none() && tenet_lint::rule_by_code(d.code).is_some_and(|m| m.fixable))
            .filter(|d| embedded.iter().any(|s| s.start <= d.span.start && d.span.end <= s.end))
            .count();
        if skipped > 0 {
            notes.push(format!(
                "{skipped} finding{} in {} not fixed: the policy is embedded in a JSON string; fix the policy it was made from",
                if skipped == 1 { "" } else { "s" },
                result.display
            ));
        }
        notes
    }
}

/// A unified diff of `old` and `new` for `name`.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", name.trim_start_matches('/')),
            &format!("b/{}", name.trim_start_matches('/')),
        )
        .to_string()
}
