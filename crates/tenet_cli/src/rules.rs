//! `tenet rules` and `tenet explain`: the registry of lint rules plus the reader's structural codes.

use clap::ValueEnum;
use serde_json::json;
use tenet_lint::registry::{listing, CodeEntry, CodeSource};

/// How to list the rules.
#[derive(Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    /// A table for the terminal.
    Human,
    /// A Markdown document (the rules reference).
    Markdown,
    /// JSON for scripts.
    Json,
}

/// Every lint rule and reader code.
pub fn entries() -> Vec<CodeEntry> {
    listing(&[tenet_syntax::codes::all_codes(), tenet_iac::codes::LISTING])
}

fn severity(e: &CodeEntry) -> &'static str {
    match e.source {
        CodeSource::Lint(m) => m.severity.as_str(),
        CodeSource::Structural => code_severity(e.code),
    }
}

fn code_severity(code: &str) -> &'static str {
    tenet_syntax::grammar::GRAMMAR_RULES
        .iter()
        .find(|r| r.code == code)
        .map(|r| r.severity.as_str())
        .or_else(|| {
            tenet_iac::codes::ALL
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.severity.as_str())
        })
        .unwrap_or("error")
}

fn category(e: &CodeEntry) -> &'static str {
    e.category().map_or("structural", |c| c.as_str())
}

/// The listing in `format`.
pub fn render(format: RulesFormat) -> String {
    let entries = entries();
    match format {
        RulesFormat::Json => {
            let rules: Vec<_> = entries
                .iter()
                .map(|e| {
                    let (parliament, fixable) = match e.source {
                        CodeSource::Lint(m) => (m.parliament, m.fixable),
                        CodeSource::Structural => (&[][..], false),
                    };
                    json!({
                        "code": e.code,
                        "name": e.name,
                        "category": category(e),
                        "severity": severity(e),
                        "summary": e.summary,
                        "access_analyzer_checks": e.aa_checks,
                        "parliament": parliament,
                        "fixable": fixable,
                    })
                })
                .collect();
            let covered = tenet_lint::registry::aa_coverage(&entries);
            let value = json!({
                "rules": rules,
                "access_analyzer_coverage": {"covered": covered.len(), "total": tenet_lint::registry::AA_CHECKS.len(), "checks": covered},
            });
            format!("{value:#}\n")
        }
        RulesFormat::Markdown => {
            let mut out = String::from(
                "# tenet rules\n\n| code | name | category | severity | summary |\n|---|---|---|---|---|\n",
            );
            for e in &entries {
                out.push_str(&format!(
                    "| `{}` | `{}` | {} | {} | {} |\n",
                    e.code,
                    e.name,
                    category(e),
                    severity(e),
                    e.summary.replace('|', "\\|")
                ));
            }
            for e in &entries {
                if let CodeSource::Lint(m) = e.source {
                    out.push_str(&format!("\n## {} `{}`\n\n{}\n", m.code, m.name, m.docs()));
                }
            }
            out
        }
        RulesFormat::Human => {
            let mut out = String::new();
            for e in &entries {
                out.push_str(&format!(
                    "{:<7} {:<44} {:<11} {:<8} {}\n",
                    e.code,
                    e.name,
                    category(e),
                    severity(e),
                    e.summary
                ));
            }
            out.push_str(&format!("{} rules\n", entries.len()));
            out
        }
    }
}

/// The documentation of one rule, by code or name.
pub fn explain(rule: &str) -> Option<String> {
    tenet_lint::pipeline::explain(rule)
}
