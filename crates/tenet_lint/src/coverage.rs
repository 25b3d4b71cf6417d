//! The coverage table `docs/coverage.md`: the map from IAM Access Analyzer's 135 checks and
//! Parliament's 30 issue codes to tenet's codes, rendered from the registry. `tenet rules --format
//! coverage` prints it (write it with `cargo run -- rules --format coverage > docs/coverage.md`); a
//! test fails when the committed table is out of date, so the coverage number can always be recounted.

use crate::registry::{aa_coverage, lint_and_reader_codes, AaSeverity, AA_CHECKS};
use std::collections::BTreeSet;
use std::fmt::Write;
use tenet_output::CodeInfo;

/// Parliament 1.6.4's issue codes: `config.yaml` plus the community auditors.
const PARLIAMENT: &[&str] = &[
    "EXCEPTION",
    "MALFORMED_JSON",
    "MALFORMED",
    "DUPLICATE_SID",
    "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
    "UNKNOWN_PRINCIPAL",
    "UNKNOWN_FEDERATION_SOURCE",
    "MISMATCHED_TYPE_OPERATION_TO_NULL",
    "MISMATCHED_TYPE_BUT_USABLE",
    "MISMATCHED_TYPE",
    "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX",
    "UNKNOWN_CONDITION_FOR_ACTION",
    "BAD_PATTERN_FOR_MFA",
    "INVALID_SID",
    "INVALID_ARN",
    "NO_VERSION",
    "INVALID_VERSION",
    "OLD_VERSION",
    "RESOURCE_MISMATCH",
    "RESOURCE_STAR",
    "RESOURCE_EFFECTIVELY_STAR",
    "UNKNOWN_OPERATOR",
    "SENSITIVE_ACCESS",
    "CREDENTIALS_EXPOSURE",
    "PRIVILEGE_ESCALATION",
    "PERMISSIONS_MANAGEMENT_ACTIONS",
    "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE",
    "NOTRESOURCE_WITH_ALLOW",
    "NOTPRINCIPAL_WITH_ALLOW",
];

/// Parliament codes answered by reader (structural and grammar) codes, which carry no Parliament
/// field of their own, and notes for codes that do not apply.
const PARLIAMENT_STATIC: &[(&str, &str)] = &[
    (
        "EXCEPTION",
        "not applicable: tenet reports findings as data and never stops at a policy",
    ),
    ("MALFORMED_JSON", "SYN001"),
    ("MALFORMED", "SYN009, SYN010, SYN011, SYN012, SYN013"),
    ("INVALID_VERSION", "SYN007"),
    ("INVALID_ARN", "SYN101, SYN102, SYN103, SYN104, SYN105, SYN106, SYN107"),
    ("UNKNOWN_OPERATOR", "SYN130"),
];

/// Why an uncovered Access Analyzer check is not decided offline, when that is the reason.
const NOT_OFFLINE: &[(&str, &str)] = &[(
    "Unsupported action in policy",
    "needs the type of resource the policy is attached to (bucket, key, queue, ...), which a file does not say",
)];

fn severity_name(s: AaSeverity) -> &'static str {
    match s {
        AaSeverity::Error => "ERROR",
        AaSeverity::Warning => "WARNING",
        AaSeverity::SecurityWarning => "SECURITY_WARNING",
        AaSeverity::Suggestion => "SUGGESTION",
    }
}

fn codes_for(entries: &[CodeInfo], check: &str) -> Vec<&'static str> {
    entries
        .iter()
        .filter(|e| e.aa_checks.contains(&check))
        .map(|e| e.code)
        .collect()
}

fn parliament_codes(entries: &[CodeInfo], issue: &str) -> Vec<&'static str> {
    entries
        .iter()
        .filter(|e| e.parliament.contains(&issue))
        .map(|e| e.code)
        .collect()
}

/// The whole `docs/coverage.md`, over the lint rules and the reader's codes.
pub fn render() -> String {
    render_codes(lint_and_reader_codes())
}

fn render_codes(entries: &[CodeInfo]) -> String {
    let covered = aa_coverage(entries);
    let parl_covered: BTreeSet<&str> = PARLIAMENT
        .iter()
        .copied()
        .filter(|p| {
            !parliament_codes(entries, p).is_empty()
                || PARLIAMENT_STATIC.iter().any(|(c, v)| c == p && v.starts_with("SYN"))
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "# Coverage: Access Analyzer checks and Parliament issues\n");
    let _ = writeln!(
        out,
        "Generated from the rule registry by `tenet rules --format coverage` (`cargo run -- rules --format coverage > docs/coverage.md`); do not edit by hand.\n"
    );
    let _ = writeln!(
        out,
        "- IAM Access Analyzer policy validation checks covered: **{} of {}**",
        covered.len(),
        AA_CHECKS.len()
    );
    for sev in [
        AaSeverity::Error,
        AaSeverity::Warning,
        AaSeverity::SecurityWarning,
        AaSeverity::Suggestion,
    ] {
        let all: Vec<_> = AA_CHECKS.iter().filter(|(_, s)| *s == sev).collect();
        let done = all.iter().filter(|(t, _)| covered.contains(t)).count();
        let _ = writeln!(out, "  - {}: {done} of {}", severity_name(sev), all.len());
    }
    let _ = writeln!(
        out,
        "- Parliament 1.6.4 issue codes covered: **{} of {}**",
        parl_covered.len(),
        PARLIAMENT.len()
    );
    let _ = writeln!(
        out,
        "- tenet codes: {} ({} lint rules)\n",
        entries.len(),
        crate::registry::all_rules().len()
    );
    let _ = writeln!(
        out,
        "## IAM Access Analyzer checks\n\n| Check | Finding type | tenet |\n|---|---|---|"
    );
    for (title, sev) in AA_CHECKS {
        let codes = codes_for(entries, title);
        let cell = if codes.is_empty() {
            match NOT_OFFLINE.iter().find(|(t, _)| t == title) {
                Some((_, why)) => format!("not offline: {why}"),
                None => "not yet".to_owned(),
            }
        } else {
            codes.join(", ")
        };
        let _ = writeln!(out, "| {title} | {} | {cell} |", severity_name(*sev));
    }
    let _ = writeln!(out, "\n## Parliament issue codes\n\n| Issue | tenet |\n|---|---|");
    for issue in PARLIAMENT {
        let mut codes: Vec<String> = parliament_codes(entries, issue)
            .into_iter()
            .map(str::to_owned)
            .collect();
        if let Some((_, v)) = PARLIAMENT_STATIC.iter().find(|(c, _)| c == issue) {
            codes.push((*v).to_owned());
        }
        let cell = if codes.is_empty() {
            "not yet".to_owned()
        } else {
            codes.join(", ")
        };
        let _ = writeln!(out, "| {issue} | {cell} |");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn coverage_table_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/coverage.md");
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == render(),
            "docs/coverage.md is out of date: run `cargo run -- rules --format coverage > docs/coverage.md` and commit it"
        );
    }

    /// Every Access Analyzer title a code names is verbatim a title of `ACCESS_ANALYZER_CHECKS.md` (in
    /// `shared/` beside the checkout, when it is there).
    #[test]
    fn aa_titles_appear_verbatim_in_the_shared_list() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let candidates = [
            root.join("../shared/ACCESS_ANALYZER_CHECKS.md"),
            root.join("shared/ACCESS_ANALYZER_CHECKS.md"),
        ];
        let Some(text) = candidates.iter().find_map(|p| std::fs::read_to_string(p).ok()) else {
            eprintln!("skipped: ACCESS_ANALYZER_CHECKS.md not found beside the checkout");
            return;
        };
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for e in lint_and_reader_codes() {
            for title in e.aa_checks {
                assert!(
                    flat.contains(title),
                    "{}: `{title}` is not in ACCESS_ANALYZER_CHECKS.md",
                    e.code
                );
            }
        }
        for (title, _) in AA_CHECKS {
            assert!(
                flat.contains(title),
                "AA_CHECKS: `{title}` is not in ACCESS_ANALYZER_CHECKS.md"
            );
        }
    }
}
