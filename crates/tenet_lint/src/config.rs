//! `tenet.toml`: which rules run, at what severity, on which paths, which files are which kind of
//! policy, and in-file suppressions.
//!
//! # Format
//!
//! ```toml
//! # Selectors are codes (`IAM012`), code prefixes (`IAM0`, `SYN`), categories (`correctness`,
//! # `suspicious`, `security`, `pedantic`, `style`), rule names (`missing-version`) or `ALL`.
//! select = ["ALL"]            # default: every category but `pedantic`
//! ignore = ["IAM004", "style"]
//!
//! [severity]                  # override a rule's severity: "info", "warning" or "error"
//! IAM220 = "error"
//! missing-version = "error"
//!
//! [[per-path]]                # more ignores for some files
//! glob = "policies/legacy/**"
//! ignore = ["IAM220"]
//!
//! [kinds]                     # the kind of the files a glob matches (identity, resource, key, trust, scp, rcp, boundary, vpce)
//! "buckets/*.json" = "resource"
//! "roles/*/trust.json" = "trust"
//! ```
//!
//! Globs are matched against the path relative to the directory holding `tenet.toml`, `*` does not
//! cross `/`, `**` does; a glob without `/` also matches the file name alone (`"*.scp.json"`). When
//! several `[kinds]` globs match, the first one written wins. Selection follows ruff: a code is
//! reported when `select` matches it (or, with no `select`, when its category is on by default) and
//! no `ignore` (global or per-path) matches it. Structural codes of the parser and the grammars
//! (`SYN…`) are always selected; only `ignore` removes them.
//!
//! # Suppressing one statement: a `Sid` marker
//!
//! JSON has no comments, so the place for a `# noqa` is the statement's `Sid`: a Sid that contains
//! `TenetIgnore` (any case; `tenet-ignore`, `tenet_ignore` and `tenet:ignore` also work where the kind
//! allows such characters) followed by codes suppresses those codes for the diagnostics inside that
//! statement; with no code after it, it suppresses every code there, like a bare `# noqa`:
//!
//! ```json
//! { "Sid": "LegacyReadTenetIgnoreIAM220IAM221", "Effect": "Allow", "Action": "s3:*", "Resource": "*" }
//! ```
//!
//! The marker is alphanumeric, so it stays a valid Sid even in identity policies, which allow only
//! `[A-Za-z0-9]`. The same marker in the policy's `Id` element applies to the whole document (for
//! findings outside any statement, such as a missing `Version`). Parliament users who keep their
//! exceptions out of the policy files use `[[per-path]]` instead.

use crate::registry::rule_by_code;
use crate::registry::rule_by_name;
use crate::rule::{Category, RuleMeta};
use globset::GlobMatcher;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{Diagnostic, Severity, Span};
use toml::Spanned;

/// The name of the configuration file.
pub const CONFIG_FILE_NAME: &str = "tenet.toml";

/// tenet's own failures while reading a configuration.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read `{path}`")]
    #[diagnostic(code(tenet::config::io))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("invalid configuration `{path}`: {message}")]
    #[diagnostic(code(tenet::config::toml))]
    Toml {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// A selector matches no code, prefix, category or rule name.
    #[error("{}:{at}: unknown rule selector `{selector}`{hint}", path.display())]
    #[diagnostic(
        code(tenet::config::selector),
        help("use a code such as `IAM012`, a prefix such as `IAM0`, a category or a rule name (`tenet rules` lists them)")
    )]
    UnknownSelector {
        /// The configuration file.
        path: PathBuf,
        /// `line:column` of the selector in the file.
        at: String,
        /// The selector as written.
        selector: String,
        /// `: did you mean …?`, or empty.
        hint: String,
    },
    /// No rule is selected and no structural code either.
    #[error("{}: the configuration selects no rule: nothing would be checked", path.display())]
    #[diagnostic(
        code(tenet::config::empty),
        help("remove the `ignore` that covers everything, or `select` some rules")
    )]
    SelectsNothing {
        /// The configuration file.
        path: PathBuf,
    },
    /// A severity is not `info`, `warning` or `error`.
    #[error("invalid severity `{value}` for `{selector}`")]
    #[diagnostic(code(tenet::config::severity), help("use `info`, `warning` or `error`"))]
    InvalidSeverity {
        /// The selector it was given for.
        selector: String,
        /// The value as written.
        value: String,
    },
    /// A `[kinds]` value is not a policy kind.
    #[error("invalid policy kind `{value}` for `{glob}`")]
    #[diagnostic(
        code(tenet::config::kind),
        help("use `identity`, `resource`, `key`, `trust`, `scp` or `rcp`")
    )]
    InvalidKind {
        /// The glob.
        glob: String,
        /// The value as written.
        value: String,
    },
    /// A glob does not parse.
    #[error("invalid glob `{glob}`")]
    #[diagnostic(code(tenet::config::glob))]
    InvalidGlob {
        /// The glob as written.
        glob: String,
        /// Why.
        #[source]
        source: globset::Error,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, String>,
    #[serde(default, rename = "per-path")]
    per_path: Vec<RawPerPath>,
    #[serde(default)]
    kinds: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    glob: String,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
}

/// What a `select`/`ignore`/`[severity]` entry names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// `ALL`.
    All,
    /// A category.
    Category(Category),
    /// A code or code prefix, uppercase (`IAM012`, `IAM0`, `SYN`).
    Code(String),
    /// A lint rule's kebab-case name.
    Name(&'static str),
}

impl Selector {
    /// Parses a selector; unknown names are an error, code-shaped strings are accepted as prefixes.
    pub fn parse(s: &str) -> Result<Selector, ConfigError> {
        let trimmed = s.trim();
        if trimmed.eq_ignore_ascii_case("all") {
            return Ok(Selector::All);
        }
        if let Some(c) = Category::from_name(trimmed) {
            return Ok(Selector::Category(c));
        }
        if let Some(m) = rule_by_name(trimmed) {
            return Ok(Selector::Name(m.name));
        }
        let known = known_codes();
        if let Some(&(code, _)) = known.iter().find(|(_, name)| *name == trimmed) {
            return Ok(Selector::Code(code.to_owned()));
        }
        let upper = trimmed.to_ascii_uppercase();
        if is_code_like(trimmed) && known.iter().any(|(code, _)| code.starts_with(upper.as_str())) {
            return Ok(Selector::Code(upper));
        }
        let candidates = known
            .iter()
            .flat_map(|(code, name)| [*code, *name])
            .chain(Category::ALL.iter().map(|c| c.as_str()))
            .chain(["ALL"]);
        Err(ConfigError::UnknownSelector {
            path: PathBuf::from(CONFIG_FILE_NAME),
            at: String::new(),
            selector: s.to_owned(),
            hint: crate::suggest::did_you_mean(trimmed, candidates),
        })
    }

    /// Whether this selector names the code (with its rule name and category, for lint rules).
    pub fn matches(&self, code: &str, name: &str, category: Option<Category>) -> bool {
        match self {
            Selector::All => true,
            Selector::Category(c) => category == Some(*c),
            Selector::Code(prefix) => code.starts_with(prefix.as_str()),
            Selector::Name(n) => *n == name,
        }
    }

    /// How specific the selector is (higher wins for severity overrides).
    fn specificity(&self, code: &str) -> usize {
        match self {
            Selector::All => 0,
            Selector::Category(_) => 1,
            Selector::Code(prefix) if prefix.len() < code.len() => 2 + prefix.len(),
            Selector::Code(_) | Selector::Name(_) => 100,
        }
    }
}

/// Every code tenet reports (lint rules, the reader's and the grammars') with its rule name.
fn known_codes() -> &'static [(&'static str, &'static str)] {
    static KNOWN: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        crate::registry::lint_and_reader_codes()
            .iter()
            .map(|e| (e.code, e.name))
            .collect()
    })
}

/// `line:column` (1-based, columns in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

/// Letters then optional digits, e.g. `IAM012`, `IAM0`, `SYN`.
fn is_code_like(s: &str) -> bool {
    let letters = s.chars().take_while(char::is_ascii_alphabetic).count();
    letters > 0 && s.chars().skip(letters).all(|c| c.is_ascii_digit())
}

#[derive(Clone, Debug)]
struct PerPath {
    matcher: PathMatcher,
    ignore: Vec<Selector>,
}

#[derive(Clone, Debug)]
struct PathMatcher {
    glob: GlobMatcher,
    basename_only: bool,
}

impl PathMatcher {
    fn new(glob: &str) -> Result<Self, ConfigError> {
        let compiled = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|source| ConfigError::InvalidGlob {
                glob: glob.to_owned(),
                source,
            })?;
        Ok(PathMatcher {
            glob: compiled.compile_matcher(),
            basename_only: !glob.contains('/'),
        })
    }

    fn is_match(&self, relative: &Path) -> bool {
        if self.glob.is_match(relative) {
            return true;
        }
        self.basename_only && relative.file_name().is_some_and(|n| self.glob.is_match(n))
    }
}

/// A loaded `tenet.toml` (or the defaults).
#[derive(Clone, Debug, Default)]
pub struct LintConfig {
    root: Option<PathBuf>,
    select: Vec<Selector>,
    ignore: Vec<Selector>,
    severity: Vec<(Selector, Severity)>,
    per_path: Vec<PerPath>,
    kinds: Vec<(PathMatcher, PolicyKind)>,
}

impl LintConfig {
    /// Reads and validates a configuration file; globs are relative to its directory.
    pub fn load(path: &Path) -> Result<LintConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        let root = path
            .parent()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned()));
        Self::from_toml(&text, root).map_err(|e| match e {
            ConfigError::Toml { message, .. } => ConfigError::Toml {
                path: path.to_owned(),
                message,
            },
            ConfigError::UnknownSelector { at, selector, hint, .. } => ConfigError::UnknownSelector {
                path: path.to_owned(),
                at,
                selector,
                hint,
            },
            ConfigError::SelectsNothing { .. } => ConfigError::SelectsNothing { path: path.to_owned() },
            other => other,
        })
    }

    /// Parses configuration text; `root` is the directory globs are relative to.
    pub fn from_toml(text: &str, root: Option<PathBuf>) -> Result<LintConfig, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Toml {
            path: PathBuf::from(CONFIG_FILE_NAME),
            message: match e.span() {
                Some(span) => format!("{}: {}", position(text, span.start), e.message()),
                None => e.message().to_owned(),
            },
        })?;
        let parse = |s: &Spanned<String>| {
            Selector::parse(s.get_ref()).map_err(|e| match e {
                ConfigError::UnknownSelector {
                    path, selector, hint, ..
                } => ConfigError::UnknownSelector {
                    path,
                    at: position(
                        text,
                        s.span().start
                            + usize::from(text.get(s.span().start..).is_some_and(|t| t.starts_with(['"', '\'']))),
                    ),
                    selector,
                    hint,
                },
                other => other,
            })
        };
        let selectors = |v: &[Spanned<String>]| v.iter().map(parse).collect::<Result<Vec<_>, _>>();
        let mut severity = Vec::new();
        for (sel, value) in &raw.severity {
            let sev = parse_severity(value).ok_or_else(|| ConfigError::InvalidSeverity {
                selector: sel.get_ref().clone(),
                value: value.clone(),
            })?;
            severity.push((parse(sel)?, sev));
        }
        let mut per_path = Vec::new();
        for p in &raw.per_path {
            per_path.push(PerPath {
                matcher: PathMatcher::new(&p.glob)?,
                ignore: selectors(&p.ignore)?,
            });
        }
        let config = LintConfig {
            root,
            select: selectors(&raw.select)?,
            ignore: selectors(&raw.ignore)?,
            severity,
            per_path,
            kinds: parse_kinds(&raw.kinds)?,
        };
        let any_rule = crate::registry::rules().any(|m| config.rule_enabled(m));
        let any_code = known_codes()
            .iter()
            .any(|(code, name)| rule_by_code(code).is_none() && config.is_enabled(code, name, None));
        if !any_rule && !any_code {
            return Err(ConfigError::SelectsNothing {
                path: PathBuf::from(CONFIG_FILE_NAME),
            });
        }
        Ok(config)
    }

    /// The nearest `tenet.toml` in the directory of `file_path` or above it.
    pub fn find_for(file_path: &Path) -> Option<PathBuf> {
        let absolute = std::fs::canonicalize(file_path).unwrap_or_else(|_| file_path.to_owned());
        let start = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent()?
        };
        start
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// The kind `[kinds]` gives the file, if any glob matches.
    pub fn kind_for(&self, path: &Path) -> Option<PolicyKind> {
        let relative = self.relative(path);
        self.kinds
            .iter()
            .find(|(m, _)| m.is_match(&relative))
            .map(|(_, kind)| *kind)
    }

    /// Whether the code is reported at all (ignoring per-path settings).
    pub fn is_enabled(&self, code: &str, name: &str, category: Option<Category>) -> bool {
        let selected = match category {
            None => true,
            Some(c) if self.select.is_empty() => c.enabled_by_default(),
            Some(_) => self.select.iter().any(|s| s.matches(code, name, category)),
        };
        selected && !self.ignore.iter().any(|s| s.matches(code, name, category))
    }

    /// Whether the lint rule runs (ignoring per-path settings).
    pub fn rule_enabled(&self, meta: &RuleMeta) -> bool {
        self.is_enabled(meta.code, meta.name, Some(meta.category))
    }

    /// The severity a code is reported at: the most specific `[severity]` entry, else `default`.
    pub fn severity_for(&self, code: &str, name: &str, category: Option<Category>, default: Severity) -> Severity {
        self.severity
            .iter()
            .filter(|(s, _)| s.matches(code, name, category))
            .max_by_key(|(s, _)| s.specificity(code))
            .map_or(default, |(_, sev)| *sev)
    }

    /// Applies the whole configuration to the diagnostics of one file (the parser's and the linter's):
    /// selection, `[[per-path]]` ignores, `[severity]` overrides and `Sid`/`Id` suppression markers of
    /// `docs`. Returns the diagnostics to report, sorted by position.
    pub fn filter(&self, path: &Path, diagnostics: Vec<Diagnostic>, docs: &[PolicyDocument]) -> Vec<Diagnostic> {
        let relative = self.relative(path);
        let path_ignores: Vec<&Selector> = self
            .per_path
            .iter()
            .filter(|p| p.matcher.is_match(&relative))
            .flat_map(|p| p.ignore.iter())
            .collect();
        let mut kept: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| {
                let category = category_of(d.code);
                self.is_enabled(d.code, d.rule, category)
                    && !path_ignores.iter().any(|s| s.matches(d.code, d.rule, category))
            })
            .map(|mut d| {
                d.severity = self.severity_for(d.code, d.rule, category_of(d.code), d.severity);
                d
            })
            .collect();
        apply_suppressions(&mut kept, docs);
        tenet_diagnostics::sort_diagnostics(&mut kept);
        kept
    }

    fn relative(&self, path: &Path) -> PathBuf {
        let Some(root) = &self.root else {
            return path.to_owned();
        };
        if let Ok(rel) = path.strip_prefix(root) {
            return rel.to_owned();
        }
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        absolute
            .strip_prefix(root)
            .map_or_else(|_| path.to_owned(), Path::to_owned)
    }
}

fn category_of(code: &str) -> Option<Category> {
    rule_by_code(code).map(|m| m.category)
}

fn parse_severity(s: &str) -> Option<Severity> {
    match s.to_ascii_lowercase().as_str() {
        "info" | "suggestion" => Some(Severity::Info),
        "warning" | "warn" => Some(Severity::Warning),
        "error" => Some(Severity::Error),
        _ => None,
    }
}

fn parse_kinds(table: &toml::Table) -> Result<Vec<(PathMatcher, PolicyKind)>, ConfigError> {
    let mut out = Vec::new();
    for (glob, value) in table {
        let text = value.as_str().unwrap_or_default();
        let kind = PolicyKind::from_name(text).ok_or_else(|| ConfigError::InvalidKind {
            glob: glob.clone(),
            value: value.to_string(),
        })?;
        out.push((PathMatcher::new(glob)?, kind));
    }
    Ok(out)
}

/// The codes a `TenetIgnore` marker in `text` suppresses: `None` without a marker, `Some(empty)` for
/// "every code".
pub fn suppression_marker(text: &str) -> Option<Vec<String>> {
    let lower = text.to_ascii_lowercase();
    // A marker must end where its text ends: `TenetIgnored` or `TenetIgnoreLegacy` is a word,
    // not a marker (it would otherwise suppress everything).
    let (start, len) = ["tenetignore", "tenet-ignore", "tenet_ignore", "tenet:ignore"]
        .iter()
        .flat_map(|m| lower.match_indices(m).map(|(i, _)| (i, m.len())))
        .filter(|&(i, len)| marker_ends(text.get(i + len..).unwrap_or_default()))
        .min()?;
    let mut rest = text.get(start + len..).unwrap_or_default();
    let mut codes = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
        let Some((code, after)) = leading_code(rest) else {
            return Some(codes);
        };
        codes.push(code.to_owned());
        rest = after;
    }
}

/// A code (capitals then digits) at the start of `s`, and the text after it.
fn leading_code(s: &str) -> Option<(&str, &str)> {
    let after_letters = s.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let after_digits = after_letters.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_letters.len() == s.len() || after_digits.len() == after_letters.len() {
        return None;
    }
    s.split_at_checked(s.len() - after_digits.len())
}

/// Whether the text after a marker lets it stand: nothing, a separator, or a code (capitals then
/// digits).
fn marker_ends(rest: &str) -> bool {
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if !first.is_ascii_alphanumeric() {
        return true;
    }
    let after_letters = rest.trim_start_matches(|c: char| c.is_ascii_uppercase());
    after_letters.len() < rest.len() && after_letters.starts_with(|c: char| c.is_ascii_digit())
}

/// Drops diagnostics suppressed by `Sid` markers (inside that statement) and `Id` markers (inside that
/// document).
pub(crate) fn apply_suppressions(diagnostics: &mut Vec<Diagnostic>, docs: &[PolicyDocument]) {
    // The bool says whether the scope is a whole document (an `Id` marker): those never hide
    // errors, which are what AWS rejects the policy for.
    let mut scopes: Vec<(Span, Vec<String>, bool)> = Vec::new();
    for doc in docs {
        if let Some(codes) = doc.policy.id.as_ref().and_then(|id| suppression_marker(&id.value)) {
            scopes.push((doc.span, codes, true));
        }
        for stmt in &doc.policy.statements {
            if let Some(codes) = stmt.sid.as_ref().and_then(|sid| suppression_marker(&sid.value)) {
                scopes.push((stmt.span, codes, false));
            }
        }
    }
    if scopes.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        !scopes.iter().any(|(span, codes, whole)| {
            span.start <= d.span.start
                && d.span.end <= span.end
                && !(*whole && d.severity == Severity::Error)
                && (codes.is_empty() || codes.iter().any(|c| c == d.code))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_list_codes() {
        assert_eq!(suppression_marker("AllowRead"), None);
        assert_eq!(suppression_marker("AllowReadTenetIgnore"), Some(vec![]));
        assert_eq!(
            suppression_marker("AllowReadTenetIgnoreIAM012IAM013"),
            Some(vec!["IAM012".to_owned(), "IAM013".to_owned()])
        );
        assert_eq!(
            suppression_marker("read tenet-ignore: IAM012, SYN101 legacy"),
            Some(vec!["IAM012".to_owned(), "SYN101".to_owned()])
        );
        assert_eq!(
            suppression_marker("xTENETIGNOREIAM001ForLegacy"),
            Some(vec!["IAM001".to_owned()])
        );
        assert_eq!(suppression_marker("TenetIgnoredLegacy"), None);
        assert_eq!(suppression_marker("TenetIgnoreLegacy"), None);
        assert_eq!(
            suppression_marker("TenetIgnoredTenetIgnoreIAM012"),
            Some(vec!["IAM012".to_owned()])
        );
    }

    #[test]
    fn unknown_selectors_are_located_with_a_suggestion() {
        let text = "select = [\"ALL\"]\nignore = [\"IAM004\",\n  \"IAM9999\"]\n";
        let e = LintConfig::from_toml(text, None).unwrap_err().to_string();
        assert_eq!(e, "tenet.toml:3:4: unknown rule selector `IAM9999`");
        let e = LintConfig::from_toml("[severity]\nmising-version = \"error\"", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "tenet.toml:2:1: unknown rule selector `mising-version`: did you mean `missing-version`?"
        );
        let e = LintConfig::from_toml("select = [\"securty\"]", None)
            .unwrap_err()
            .to_string();
        assert!(e.ends_with("did you mean `security`?"), "{e}");
        let e = LintConfig::from_toml("select = [\"XYZ\"]", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown rule selector `XYZ`"), "{e}");
        assert!(LintConfig::from_toml("select = [\"IAM0\", \"json-syntax-error\"]", None).is_ok());
        let e = LintConfig::from_toml("selct = []", None).unwrap_err().to_string();
        assert!(e.contains("1:1: unknown field `selct`"), "{e}");
    }

    #[test]
    fn a_configuration_that_selects_nothing_says_so() {
        let e = LintConfig::from_toml("ignore = [\"ALL\"]", None).unwrap_err();
        assert!(matches!(e, ConfigError::SelectsNothing { .. }), "{e}");
        assert!(LintConfig::from_toml("select = [\"SYN\"]", None).is_ok());
    }

    #[test]
    fn parses_the_documented_example() {
        let text = r#"
select = ["ALL"]
ignore = ["IAM004", "style"]
[severity]
IAM220 = "error"
[[per-path]]
glob = "policies/legacy/**"
ignore = ["IAM220"]
[kinds]
"buckets/*.json" = "resource"
"*.scp.json" = "scp"
"#;
        let config = LintConfig::from_toml(text, Some(PathBuf::from("/repo"))).unwrap();
        assert_eq!(
            config.kind_for(Path::new("/repo/buckets/a.json")),
            Some(PolicyKind::Resource)
        );
        assert_eq!(config.kind_for(Path::new("/repo/buckets/x/a.json")), None);
        assert_eq!(
            config.kind_for(Path::new("/repo/org/deny.scp.json")),
            Some(PolicyKind::Scp)
        );
        assert!(!config.is_enabled("IAM004", "empty-sid", Some(Category::Style)));
        assert!(config.is_enabled("IAM100", "x", Some(Category::Pedantic)));
        assert!(config.is_enabled("SYN001", "json-syntax-error", None));
        assert_eq!(
            config.severity_for("IAM220", "x", Some(Category::Security), Severity::Warning),
            Severity::Error
        );
    }

    #[test]
    fn defaults_skip_pedantic() {
        let config = LintConfig::default();
        assert!(config.is_enabled("IAM001", "x", Some(Category::Correctness)));
        assert!(!config.is_enabled("IAM100", "x", Some(Category::Pedantic)));
    }

    #[test]
    fn errors_are_reported() {
        assert!(matches!(
            LintConfig::from_toml("select = [\"nonsense-rule\"]", None),
            Err(ConfigError::UnknownSelector { .. })
        ));
        assert!(matches!(
            LintConfig::from_toml("[severity]\nIAM001 = \"loud\"", None),
            Err(ConfigError::InvalidSeverity { .. })
        ));
        assert!(matches!(
            LintConfig::from_toml("[kinds]\n\"a/*.json\" = \"bucketz\"", None),
            Err(ConfigError::InvalidKind { .. })
        ));
        assert!(matches!(
            LintConfig::from_toml("colour = true", None),
            Err(ConfigError::Toml { .. })
        ));
    }
}
