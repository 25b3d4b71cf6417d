//! `tenet rules` and `tenet explain`: the registry of lint rules plus the reader's structural codes.

use clap::ValueEnum;
use serde_json::json;
use tenet_diagnostics::Severity;
use tenet_lint::registry::listing;
use tenet_output::CodeInfo;

/// How to list the rules.
#[derive(Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    /// A table for the terminal.
    Human,
    /// A Markdown document (the rules reference).
    Markdown,
    /// JSON for scripts.
    Json,
    /// The coverage table of IAM Access Analyzer's checks and Parliament's issues (`docs/coverage.md`).
    Coverage,
}

/// Every code tenet reports, one [`CodeInfo`] each: the lint rules, the reader's codes, the IaC
/// reader's and the commands' (`PRV`, `SIM`), for the listings, `explain` and SARIF.
pub fn codes() -> Vec<CodeInfo> {
    let iac = tenet_iac::codes::ALL
        .iter()
        .map(|c| CodeInfo::structural(c.code, c.name, c.description, c.severity));
    let commands = COMMAND_CODES
        .iter()
        .map(|&(code, name, summary, severity)| CodeInfo::structural(code, name, summary, severity));
    listing(iac.chain(commands).collect())
}

/// The codes `prove` and `simulate` report (their findings are not lint rules but are listed and
/// explained like them), with the severity they are reported with.
pub const COMMAND_CODES: &[(&str, &str, &str, Severity)] = &[
    (
        "PRV001",
        "property-violated",
        "a property of the policies is violated (`tenet prove`)",
        Severity::Error,
    ),
    (
        "PRV002",
        "property-unknown",
        "tenet could not decide a property (`tenet prove`)",
        Severity::Warning,
    ),
    (
        "SIM001",
        "unreadable-policy",
        "a policy file named by a scenario cannot be read (`tenet simulate`)",
        Severity::Error,
    ),
    (
        "SIM002",
        "unknown-scenario-key",
        "a scenario file has a key `tenet simulate` does not know",
        Severity::Error,
    ),
    (
        "SIM003",
        "path-outside-project",
        "a scenario names a file outside the current directory (allow with `--allow-outside`)",
        Severity::Error,
    ),
    (
        "SIM004",
        "input-aws-rejects",
        "a scenario holds what AWS refuses to store (policies attached to the root user, `NotPrincipal` in a trust policy)",
        Severity::Error,
    ),
    (
        "SIM005",
        "inconsistent-request",
        "a scenario's request contradicts itself (a given key against the principal or the resource) or does not say who owns the resource",
        Severity::Error,
    ),
];

/// The listing in `format`.
pub fn render(format: RulesFormat) -> String {
    let codes = codes();
    match format {
        RulesFormat::Coverage => tenet_lint::coverage::render(),
        RulesFormat::Json => {
            let rules: Vec<_> = codes
                .iter()
                .map(|c| {
                    json!({
                        "code": c.code,
                        "name": c.name,
                        "category": c.category,
                        "severity": c.severity.as_str(),
                        "summary": c.summary,
                        "access_analyzer_checks": c.aa_checks,
                        "parliament": c.parliament,
                        "fixable": c.fixable,
                    })
                })
                .collect();
            let covered = tenet_lint::registry::aa_coverage(&codes);
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
            for c in &codes {
                out.push_str(&format!(
                    "| `{}` | `{}` | {} | {} | {} |\n",
                    c.code,
                    c.name,
                    c.category,
                    c.severity.as_str(),
                    c.summary.replace('|', "\\|")
                ));
            }
            // Every code has a section with an anchor named after it: SARIF's `helpUri` points there.
            for c in &codes {
                out.push_str(&format!(
                    "\n<a id=\"{}\"></a>\n\n## {} `{}`\n\n{}",
                    c.code.to_ascii_lowercase(),
                    c.code,
                    c.name,
                    c.body()
                ));
            }
            out
        }
        RulesFormat::Human => {
            let mut out = String::new();
            for c in &codes {
                out.push_str(&format!(
                    "{:<7} {:<44} {:<11} {:<8} {}\n",
                    c.code,
                    c.name,
                    c.category,
                    c.severity.as_str(),
                    c.summary
                ));
            }
            out.push_str(&format!("{} rules\n", codes.len()));
            out
        }
    }
}

/// The documentation of one rule, by code or name; a name may be given in part (`passrole`) when only
/// one rule's name holds it. Otherwise the message says what was meant or which rules match.
pub fn explain(rule: &str) -> Result<String, String> {
    let entries = codes();
    let squash = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
    let wanted = squash(rule);
    let exact = entries
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(rule) || squash(e.name) == wanted);
    let partial: Vec<&CodeInfo> = entries.iter().filter(|e| squash(e.name).contains(&wanted)).collect();
    let e = match (exact, partial.as_slice()) {
        (Some(e), _) => e,
        (None, [one]) => one,
        (None, []) => {
            let hint = tenet_lint::suggest::did_you_mean(rule, entries.iter().flat_map(|e| [e.code, e.name]));
            return Err(format!("no rule `{rule}`{hint} (`tenet rules` lists them)"));
        }
        (None, many) => {
            let names: Vec<String> = many.iter().map(|e| format!("`{}` ({})", e.name, e.code)).collect();
            return Err(format!("`{rule}` is part of several rule names: {}", names.join(", ")));
        }
    };
    Ok(tenet_lint::pipeline::explanation(e))
}
