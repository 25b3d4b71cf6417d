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
use crate::rule::{Category, RuleMeta};
use globset::GlobMatcher;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{Diagnostic, Severity};
use toml::Spanned;

mod error;
mod selector;
mod suppression;

pub use error::ConfigError;
use selector::known_codes;
pub use selector::Selector;
pub(crate) use suppression::apply_suppressions;
pub use suppression::suppression_marker;

/// The name of the configuration file.
pub const CONFIG_FILE_NAME: &str = "tenet.toml";

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

/// `line:column` (1-based, columns in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
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

#[cfg(test)]
mod tests {
    use super::*;

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
