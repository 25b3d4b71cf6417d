//! Rule selectors: what a `select`, `ignore` or `[severity]` entry names.

use std::path::PathBuf;

use super::{ConfigError, CONFIG_FILE_NAME};
use crate::registry::rule_by_name;
use crate::rule::Category;

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
    pub(super) fn specificity(&self, code: &str) -> usize {
        match self {
            Selector::All => 0,
            Selector::Category(_) => 1,
            Selector::Code(prefix) if prefix.len() < code.len() => 2 + prefix.len(),
            Selector::Code(_) | Selector::Name(_) => 100,
        }
    }
}

/// Every code tenet reports (lint rules, the reader's and the grammars') with its rule name.
pub(super) fn known_codes() -> &'static [(&'static str, &'static str)] {
    static KNOWN: std::sync::OnceLock<Vec<(&'static str, &'static str)>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        crate::registry::lint_and_reader_codes()
            .iter()
            .map(|e| (e.code, e.name))
            .collect()
    })
}

/// Letters then optional digits, e.g. `IAM012`, `IAM0`, `SYN`.
fn is_code_like(s: &str) -> bool {
    let letters = s.chars().take_while(char::is_ascii_alphabetic).count();
    letters > 0 && s.chars().skip(letters).all(|c| c.is_ascii_digit())
}
