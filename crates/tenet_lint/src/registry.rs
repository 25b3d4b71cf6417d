//! The registry: every lint rule in one sorted static list, lookup by code or name, the catalogue of
//! IAM Access Analyzer check titles the rules map to, and the merged listing (lint rules plus the
//! reader's and the commands' codes, each a [`CodeInfo`]) that `tenet rules` and `tenet explain` print.
//!
//! To register a rule, add `&RuleName` to its family's `RULES` (in `src/rules/<family>/mod.rs`); a new
//! family adds its list to `FAMILIES`. The unit tests check that
//! codes and names are unique and sorted and that every `aa_checks` entry is an exact title of
//! [`AA_CHECKS`].

use crate::rule::{Rule, RuleMeta};
use crate::rules::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use tenet_diagnostics::Severity;
use tenet_output::CodeInfo;

/// The families' rule lists; a new family adds its `RULES` here.
static FAMILIES: &[&[&dyn Rule]] = &[
    arn::RULES,
    catalog::RULES,
    condition::RULES,
    elements::RULES,
    ip::RULES,
    principal::RULES,
    redundancy::RULES,
    scp::RULES,
    security::RULES,
    trust::RULES,
    variable::RULES,
];

/// Every lint rule, sorted by code.
pub fn all_rules() -> &'static [&'static dyn Rule] {
    static ALL: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static dyn Rule> = FAMILIES.iter().flat_map(|f| f.iter().copied()).collect();
        all.sort_by_key(|r| r.meta().code);
        all
    })
}

/// All rule metadata, sorted by code.
pub fn rules() -> impl ExactSizeIterator<Item = &'static RuleMeta> {
    all_rules().iter().map(|r| r.meta())
}

/// The rule with this code (case-insensitive), e.g. `IAM001`.
pub fn rule_by_code(code: &str) -> Option<&'static RuleMeta> {
    rules().find(|m| m.code.eq_ignore_ascii_case(code))
}

/// The rule with this kebab-case name.
pub fn rule_by_name(name: &str) -> Option<&'static RuleMeta> {
    rules().find(|m| m.name == name)
}

/// The finding types of IAM Access Analyzer's `ValidatePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AaSeverity {
    /// `ERROR`.
    Error,
    /// `WARNING`.
    Warning,
    /// `SECURITY_WARNING`.
    SecurityWarning,
    /// `SUGGESTION`.
    Suggestion,
}

/// Every lint rule and every code of the reader (structural and grammar), sorted by code, followed
/// by nothing else: the codes `tenet lint` can report on a policy file. See [`listing`] for more.
pub fn lint_and_reader_codes() -> &'static [CodeInfo] {
    static ALL: OnceLock<Vec<CodeInfo>> = OnceLock::new();
    ALL.get_or_init(|| listing(Vec::new()))
}

/// Every code tenet can report: the lint rules, the reader's codes and `extra` (the IaC reader's,
/// the commands' `PRV`/`SIM` codes), sorted by code, one metadata type for all. An entry whose code
/// is also a lint rule's is dropped (the rule wins).
pub fn listing(extra: Vec<CodeInfo>) -> Vec<CodeInfo> {
    let mut out: Vec<CodeInfo> = rules().map(RuleMeta::info).collect();
    for info in reader_codes().into_iter().chain(extra) {
        if out.iter().all(|e| e.code != info.code) {
            out.push(info);
        }
    }
    out.sort_by(|a, b| a.code.cmp(b.code));
    out
}

/// The reader's codes (`tenet_syntax::codes::all_codes`), with the severity the grammars report
/// them with (the structural codes are errors) and whether they offer a fix.
fn reader_codes() -> Vec<CodeInfo> {
    tenet_syntax::codes::all_codes()
        .iter()
        .map(|&(code, name, summary, aa_checks)| {
            let severity = tenet_syntax::grammar::GRAMMAR_RULES
                .iter()
                .find(|r| r.code == code)
                .map_or(Severity::Error, |r| r.severity);
            CodeInfo {
                aa_checks,
                fixable: tenet_syntax::codes::FIXABLE.contains(&code),
                ..CodeInfo::structural(code, name, summary, severity)
            }
        })
        .collect()
}

/// The Access Analyzer checks covered by `codes` (exact titles of [`AA_CHECKS`]), for the coverage
/// number: `covered.len()` out of `AA_CHECKS.len()`.
pub fn aa_coverage(codes: &[CodeInfo]) -> BTreeSet<&'static str> {
    codes
        .iter()
        .flat_map(|e| e.aa_checks.iter().copied())
        .filter(|c| AA_CHECKS.iter().any(|(t, _)| t == c))
        .collect()
}

/// The titles of IAM Access Analyzer's 135 policy validation checks, with their finding types (from
/// the IAM User Guide, "IAM Access Analyzer policy check reference").
pub static AA_CHECKS: &[(&str, AaSeverity)] = &[
    ("ARN account not allowed", AaSeverity::Error),
    ("ARN Region not allowed", AaSeverity::Error),
    ("Invalid ARN account", AaSeverity::Error),
    ("Invalid ARN prefix", AaSeverity::Error),
    ("Invalid ARN Region", AaSeverity::Error),
    ("Invalid ARN resource", AaSeverity::Error),
    ("Invalid ARN service case", AaSeverity::Error),
    ("Missing ARN field", AaSeverity::Error),
    ("Missing ARN Region", AaSeverity::Error),
    ("Invalid partition", AaSeverity::Error),
    ("Invalid Region", AaSeverity::Error),
    ("Data type mismatch", AaSeverity::Error),
    ("Invalid policy element", AaSeverity::Error),
    ("Invalid effect", AaSeverity::Error),
    ("Invalid version", AaSeverity::Error),
    ("Json syntax error", AaSeverity::Error),
    ("Missing action", AaSeverity::Error),
    ("Missing effect", AaSeverity::Error),
    ("Missing principal", AaSeverity::Error),
    ("Missing qualifier", AaSeverity::Error),
    ("Missing resource", AaSeverity::Error),
    ("Missing statement", AaSeverity::Error),
    ("Unsupported element combination", AaSeverity::Error),
    ("Unique Sids required", AaSeverity::Error),
    ("Unsupported Sid", AaSeverity::Error),
    ("Duplicate keys with different case", AaSeverity::Error),
    ("Invalid condition data type", AaSeverity::Error),
    ("Invalid condition key format", AaSeverity::Error),
    ("Invalid condition multiple Boolean", AaSeverity::Error),
    ("Invalid condition operator", AaSeverity::Error),
    ("Invalid global condition key", AaSeverity::Error),
    ("Invalid service condition key", AaSeverity::Error),
    ("Invalid variable for operator", AaSeverity::Error),
    ("Null with if exists", AaSeverity::Error),
    ("Unsupported global condition key", AaSeverity::Error),
    ("Missing tag key in condition", AaSeverity::Error),
    ("Invalid vpc format", AaSeverity::Error),
    ("Invalid vpce format", AaSeverity::Error),
    ("Unsupported action for condition key", AaSeverity::Error),
    ("Missing action for condition key", AaSeverity::Error),
    ("Invalid action", AaSeverity::Error),
    ("Invalid service", AaSeverity::Error),
    ("Invalid service in action", AaSeverity::Error),
    ("Unsupported action in policy", AaSeverity::Error),
    ("Unsupported resource ARN in policy", AaSeverity::Error),
    ("Invalid principal format", AaSeverity::Error),
    ("Invalid principal key", AaSeverity::Error),
    ("Unsupported principal", AaSeverity::Error),
    ("Unsupported wildcard in principal", AaSeverity::Error),
    ("Invalid service principal format", AaSeverity::Error),
    ("Federated principal not supported", AaSeverity::Error),
    ("Unsupported condition key for service principal", AaSeverity::Error),
    ("Mismatched action for principal", AaSeverity::Error),
    ("SCP syntax error action wildcard", AaSeverity::Error),
    ("SCP syntax error allow condition", AaSeverity::Error),
    ("SCP syntax error allow NotAction", AaSeverity::Error),
    ("SCP syntax error allow resource", AaSeverity::Error),
    ("SCP syntax error NotResource", AaSeverity::Error),
    ("SCP syntax error principal", AaSeverity::Error),
    ("Policy size exceeds SCP quota", AaSeverity::Error),
    ("Missing brace in variable", AaSeverity::Error),
    ("Missing quote in variable", AaSeverity::Error),
    ("Unsupported space in variable", AaSeverity::Error),
    ("Empty variable", AaSeverity::Error),
    ("Variable unsupported in element", AaSeverity::Error),
    ("Variable unsupported in version", AaSeverity::Error),
    ("Private IP address", AaSeverity::Error),
    ("Private NotIpAddress", AaSeverity::Error),
    ("Role trust policy syntax error notprincipal", AaSeverity::Error),
    ("Role trust policy unsupported wildcard in principal", AaSeverity::Error),
    ("Role trust policy syntax error resource", AaSeverity::Error),
    (
        "Invalid federated principal syntax in role trust policy",
        AaSeverity::Error,
    ),
    ("Missing action for roles anywhere trust policy", AaSeverity::Error),
    ("Create SLR with NotResource", AaSeverity::Warning),
    ("Create SLR with star in action and NotResource", AaSeverity::Warning),
    ("Create SLR with NotAction and NotResource", AaSeverity::Warning),
    ("Create SLR with star in resource", AaSeverity::Warning),
    ("Create SLR with star in action and resource", AaSeverity::Warning),
    ("Create SLR with star in resource and NotAction", AaSeverity::Warning),
    ("Deprecated global condition key", AaSeverity::Warning),
    ("Invalid date value", AaSeverity::Warning),
    ("Invalid role reference", AaSeverity::Warning),
    ("Invalid user reference", AaSeverity::Warning),
    ("Missing version", AaSeverity::Warning),
    ("Unique Sids recommended", AaSeverity::Warning),
    ("Wildcard without like operator", AaSeverity::Warning),
    ("Policy size exceeds identity policy quota", AaSeverity::Warning),
    ("Policy size exceeds resource policy quota", AaSeverity::Warning),
    ("Policy size exceeds role trust policy quota", AaSeverity::Warning),
    ("Type mismatch", AaSeverity::Warning),
    ("Type mismatch Boolean", AaSeverity::Warning),
    ("Type mismatch date", AaSeverity::Warning),
    ("Type mismatch IP range", AaSeverity::Warning),
    ("Type mismatch number", AaSeverity::Warning),
    ("Type mismatch string", AaSeverity::Warning),
    ("Specific github repo and branch recommended", AaSeverity::Warning),
    ("Allow with NotPrincipal", AaSeverity::SecurityWarning),
    ("ForAllValues with single valued key", AaSeverity::SecurityWarning),
    ("Pass role with NotResource", AaSeverity::SecurityWarning),
    (
        "Pass role with star in action and NotResource",
        AaSeverity::SecurityWarning,
    ),
    ("Pass role with NotAction and NotResource", AaSeverity::SecurityWarning),
    ("Pass role with star in resource", AaSeverity::SecurityWarning),
    (
        "Pass role with star in action and resource",
        AaSeverity::SecurityWarning,
    ),
    (
        "Pass role with star in resource and NotAction",
        AaSeverity::SecurityWarning,
    ),
    ("Missing paired condition keys", AaSeverity::SecurityWarning),
    (
        "Deny with unsupported tag condition key for service",
        AaSeverity::SecurityWarning,
    ),
    (
        "Deny NotAction with unsupported tag condition key for service",
        AaSeverity::SecurityWarning,
    ),
    ("Restrict access to service principal", AaSeverity::SecurityWarning),
    ("Missing condition key for oidc principal", AaSeverity::SecurityWarning),
    ("Missing github repo condition key", AaSeverity::SecurityWarning),
    ("Empty array action", AaSeverity::Suggestion),
    ("Empty array condition", AaSeverity::Suggestion),
    ("Empty array condition ForAllValues", AaSeverity::Suggestion),
    ("Empty array condition ForAnyValue", AaSeverity::Suggestion),
    ("Empty array condition IfExists", AaSeverity::Suggestion),
    ("Empty array principal", AaSeverity::Suggestion),
    ("Empty array resource", AaSeverity::Suggestion),
    ("Empty object condition", AaSeverity::Suggestion),
    ("Empty object principal", AaSeverity::Suggestion),
    ("Empty Sid value", AaSeverity::Suggestion),
    ("Improve IP range", AaSeverity::Suggestion),
    ("Null with qualifier", AaSeverity::Suggestion),
    ("Private IP address subset", AaSeverity::Suggestion),
    ("Private NotIpAddress subset", AaSeverity::Suggestion),
    ("Redundant action", AaSeverity::Suggestion),
    ("Redundant condition value num", AaSeverity::Suggestion),
    ("Redundant resource", AaSeverity::Suggestion),
    ("Redundant statement", AaSeverity::Suggestion),
    ("Wildcard in service name", AaSeverity::Suggestion),
    (
        "Allow with unsupported tag condition key for service",
        AaSeverity::Suggestion,
    ),
    (
        "Allow NotAction with unsupported tag condition key for service",
        AaSeverity::Suggestion,
    ),
    (
        "Recommended condition key for service principal",
        AaSeverity::Suggestion,
    ),
    ("Irrelevant condition key in policy", AaSeverity::Suggestion),
    ("Redundant principal in role trust policy", AaSeverity::Suggestion),
    ("Confirm audience claim type", AaSeverity::Suggestion),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_sorted_and_unique() {
        let metas: Vec<_> = rules().collect();
        for pair in metas.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} before {}", pair[0].code, pair[1].code);
        }
        let names: BTreeSet<_> = metas.iter().map(|m| m.name).collect();
        assert_eq!(names.len(), metas.len(), "duplicate rule names");
    }

    #[test]
    fn rule_metadata_is_well_formed() {
        for m in rules() {
            assert!(m.code.len() == 6 && m.code.starts_with("IAM"), "{}", m.code);
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                m.name
            );
            for check in m.aa_checks {
                assert!(
                    AA_CHECKS.iter().any(|(t, _)| t == check),
                    "{}: unknown AA check `{check}`",
                    m.code
                );
            }
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(m.raw_docs.contains(heading), "{} lacks `{heading}`", m.code);
            }
            assert!(!m.summary().is_empty(), "{} has no summary", m.code);
        }
    }

    /// One rule per file, named after the rule: `rules/<family>/<rule_name>.rs` declares exactly the
    /// rule whose kebab-case name is its stem, and every rule has its file.
    #[test]
    fn each_rule_has_a_file_of_its_name() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut named = BTreeSet::new();
        for family in std::fs::read_dir(&dir).unwrap().flatten().filter(|f| f.path().is_dir()) {
            for file in std::fs::read_dir(family.path()).unwrap().flatten() {
                let text = std::fs::read_to_string(file.path()).unwrap();
                let names: Vec<&str> = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("name: \""))
                    .filter_map(|l| l.strip_suffix("\","))
                    .collect();
                let declared = text.matches("declare_rule! {").count();
                let stem = file.path().file_stem().unwrap().to_string_lossy().replace('_', "-");
                if declared == 0 {
                    continue;
                }
                assert_eq!(
                    (declared, names.as_slice()),
                    (1, [stem.as_str()].as_slice()),
                    "{} must declare exactly the rule it is named after",
                    file.path().display()
                );
                named.insert(stem);
            }
        }
        for m in rules() {
            assert!(
                named.contains(m.name),
                "{} ({}) has no file of its name",
                m.code,
                m.name
            );
        }
    }

    #[test]
    fn there_are_135_distinct_aa_checks() {
        let titles: BTreeSet<_> = AA_CHECKS.iter().map(|(t, _)| *t).collect();
        assert_eq!(titles.len(), 135);
    }

    #[test]
    fn listing_merges_reader_and_extra_codes() {
        let extra = CodeInfo::structural("PRV001", "property-violated", "a property is violated", Severity::Error);
        let listed = listing(vec![extra.clone()]);
        assert_eq!(listed.len(), lint_and_reader_codes().len() + 1);
        assert!(listed.contains(&extra));
        let syn = listed.iter().find(|e| e.code == "SYN001").unwrap();
        assert!(!syn.is_lint_rule());
        assert!(aa_coverage(&listed).contains("Json syntax error"));
        // A reader code keeps its grammar's severity; a rule wins over a same-code extra entry.
        let case = listed.iter().find(|e| e.code == "SYN133").unwrap();
        assert_eq!(case.severity, Severity::Warning);
        assert!(case.fixable);
        let shadow = CodeInfo::structural("IAM001", "x", "x", Severity::Error);
        let listed = listing(vec![shadow]);
        let rule = listed.iter().find(|e| e.code == "IAM001").unwrap();
        assert_eq!(rule.name, "missing-version");
    }
}
