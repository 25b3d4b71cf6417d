//! The metadata of one code tenet can report, whatever reports it: a lint rule, the reader or a
//! grammar (`SYN`), the IaC reader, `tenet prove` (`PRV`) or `tenet simulate` (`SIM`).
//!
//! Every reader of code metadata (`tenet rules`, `tenet explain`, the language server's hover, the
//! SARIF driver's rules, the coverage table) reads this one type; `tenet_lint::registry::listing`
//! builds it for every code.

use tenet_diagnostics::Severity;

/// Where the rules reference lives; `#<code>` (lowercase) is appended for one code.
pub const DOCS_BASE: &str = "https://github.com/tenet-policy/tenet/blob/main/docs/rules.md";

/// The category written for codes that are not lint rules.
pub const STRUCTURAL: &str = "structural";

/// One code and what is known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// Stable code such as `IAM012` or `SYN150`.
    pub code: &'static str,
    /// Kebab-case name such as `missing-version`.
    pub name: &'static str,
    /// One line saying what it flags.
    pub summary: &'static str,
    /// The lint category (`correctness`, …), or [`STRUCTURAL`] for codes that are not lint rules.
    pub category: &'static str,
    /// The severity it is reported with unless configured otherwise.
    pub severity: Severity,
    /// Whether it is reported without being enabled in the configuration.
    pub enabled: bool,
    /// Whether its findings may carry an automatic fix.
    pub fixable: bool,
    /// Exact titles of the IAM Access Analyzer checks it covers.
    pub aa_checks: &'static [&'static str],
    /// Parliament issue codes it covers.
    pub parliament: &'static [&'static str],
    /// The full documentation in Markdown (lint rules); `None` when the summary is all there is.
    pub docs: Option<String>,
}

impl CodeInfo {
    /// A code that is not a lint rule: always on, not fixable, documented by its summary.
    pub fn structural(code: &'static str, name: &'static str, summary: &'static str, severity: Severity) -> Self {
        CodeInfo {
            code,
            name,
            summary,
            category: STRUCTURAL,
            severity,
            enabled: true,
            fixable: false,
            aa_checks: &[],
            parliament: &[],
            docs: None,
        }
    }

    /// Whether it is a lint rule (rather than a reader, prover or simulator code).
    pub fn is_lint_rule(&self) -> bool {
        self.category != STRUCTURAL
    }

    /// The address of its section in the rules reference.
    pub fn docs_url(&self) -> String {
        format!("{DOCS_BASE}#{}", self.code.to_ascii_lowercase())
    }

    /// Its documentation: the full text of a lint rule, else the summary (ending in a newline).
    pub fn body(&self) -> String {
        self.docs.clone().unwrap_or_else(|| format!("{}\n", self.summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structural_codes_are_documented_by_their_summary() {
        let info = CodeInfo::structural("PRV001", "property-violated", "a property is violated", Severity::Error);
        assert!(!info.is_lint_rule());
        assert_eq!(info.body(), "a property is violated\n");
        assert!(info.docs_url().ends_with("rules.md#prv001"));
    }
}
