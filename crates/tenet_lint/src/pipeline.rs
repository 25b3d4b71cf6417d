//! The per-file pipeline every front end shares: read a file's bytes, detect what it holds, lint each
//! policy in it and apply the configuration, giving the diagnostics `tenet lint` reports for that
//! file (with their fixes). The CLI calls it for files on disk, the language server for the text of
//! an editor buffer, so both report the same codes under the same `tenet.toml`. [`explain`] is the
//! documentation of a code as `tenet explain` prints it (the language server shows it on hover).

use std::path::Path;

use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{sort_diagnostics, Diagnostic, PolicyRef, Severity};
use tenet_syntax::{parse_policy_bytes, InputForm};

use crate::LintConfig;
use tenet_output::CodeInfo;

/// What checking one file found.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    /// What the file was recognised as.
    pub form: InputForm,
    /// The policies read from it.
    pub documents: Vec<PolicyDocument>,
    /// The diagnostics to report (the reader's and the linter's, configuration applied), sorted by
    /// position, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks one file's bytes as `tenet lint` does.
///
/// `display` is the path as users see it (it also gives the kind hints of directory names such as
/// `scps/`), `absolute` the path that `config`'s globs (`[kinds]`, `[[per-path]]`) are matched
/// against, and `kind` a kind that overrides both detection and `[kinds]` (`--kind`).
pub fn check_bytes(
    display: &str,
    absolute: &Path,
    bytes: &[u8],
    kind: Option<PolicyKind>,
    config: &LintConfig,
) -> CheckedFile {
    let kind = kind.or_else(|| config.kind_for(absolute));
    let parsed = parse_policy_bytes(display, bytes, kind);
    check_parsed(parsed, std::str::from_utf8(bytes).ok(), absolute, config)
}

/// Lints documents another reader produced (a template's policies): `source` is the text the
/// documents' spans index when it is theirs (`None` for policies written inside a template, whose
/// text is not the policy's: no size quota from the source, no fixes).
pub fn check_parsed(
    parsed: tenet_syntax::ParsedFile,
    source: Option<&str>,
    absolute: &Path,
    config: &LintConfig,
) -> CheckedFile {
    let mut diagnostics = parsed.diagnostics;
    for doc in &parsed.documents {
        let mut found = crate::lint_with_source(doc, source, config);
        found.retain(|d| !restates_reader_error(d, doc, &diagnostics));
        diagnostics.extend(found);
    }
    let mut diagnostics = config.filter(absolute, diagnostics, &parsed.documents);
    if parsed.form == InputForm::AuthorizationDetails {
        name_policies(&mut diagnostics, &parsed.documents);
    }
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    CheckedFile {
        form: parsed.form,
        documents: parsed.documents,
        diagnostics,
    }
}

/// In an account's authorization details (a file of many policies, where a line number says little),
/// names the policy of each finding, and reports the findings of AWS managed policies apart: their users cannot change
/// them, so they are capped at `info` (and do not fail a run unless `--fail-on info`), flagged in
/// every output.
fn name_policies(diagnostics: &mut [Diagnostic], documents: &[PolicyDocument]) {
    for d in diagnostics {
        // The innermost named document holding the finding.
        let doc = documents
            .iter()
            .filter(|doc| doc.span.start <= d.span.start && d.span.end <= doc.span.end)
            .filter_map(|doc| Some((doc, doc.name.as_deref()?)))
            .min_by_key(|(doc, _)| doc.span.end - doc.span.start);
        let Some((_, name)) = doc else { continue };
        let aws_managed = name.contains(tenet_syntax::AWS_MANAGED_MARK);
        if aws_managed {
            d.severity = d.severity.min(Severity::Info);
        }
        d.policy = Some(PolicyRef {
            name: name.to_owned(),
            aws_managed,
        });
    }
}

/// Lint codes that restate a reader error of the same document, with that error's code: one fault,
/// one finding. A `Version` that is present but invalid (`SYN007`) is not a missing one (`IAM001`).
const RESTATED: &[(&str, &str)] = &[("IAM001", "SYN007")];

/// Whether the lint finding `d` of `doc` only restates one of the reader's `errors` (see [`RESTATED`]).
fn restates_reader_error(d: &Diagnostic, doc: &PolicyDocument, errors: &[Diagnostic]) -> bool {
    let inside = |s: tenet_diagnostics::Span| doc.span.start <= s.start && s.end <= doc.span.end;
    RESTATED
        .iter()
        .any(|&(lint, reader)| d.code == lint && errors.iter().any(|e| e.code == reader && inside(e.span)))
}

/// The documentation of a code (`IAM012`, any case) or rule name (`missing-version`), lint rule or
/// reader code, as `tenet explain` prints it; `None` when tenet has no such code.
pub fn explain(rule: &str) -> Option<String> {
    crate::registry::lint_and_reader_codes()
        .iter()
        .find(|e| e.code.eq_ignore_ascii_case(rule) || e.name == rule)
        .map(explanation)
}

/// The text `tenet explain` prints for one code: its header, its documentation and the Access
/// Analyzer checks it covers (one rendering for the CLI and the language server).
pub fn explanation(c: &CodeInfo) -> String {
    let mut out = format!("{} {} ({}, {})\n\n", c.code, c.name, c.category, c.severity.as_str());
    out.push_str(&c.body());
    if !c.aa_checks.is_empty() {
        out.push_str(&format!(
            "\nIAM Access Analyzer checks covered: {}\n",
            c.aa_checks.join("; ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_selection_and_kinds_apply() {
        let text = br#"{"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Action": "s3:getobject", "Resource": "*"}]}"#;
        let path = Path::new("/repo/p.json");
        let all = check_bytes("p.json", path, text, None, &LintConfig::default());
        assert_eq!(all.form, InputForm::BarePolicy);
        let codes: Vec<&str> = all.diagnostics.iter().map(|d| d.code).collect();
        assert!(!codes.is_empty(), "the default rules flag this policy");
        let ignore_all = LintConfig::from_toml(&format!("ignore = {codes:?}"), None).unwrap();
        let none = check_bytes("p.json", path, text, None, &ignore_all);
        assert!(none.diagnostics.is_empty(), "{:?}", none.diagnostics);
    }

    #[test]
    fn an_invalid_version_is_not_also_a_missing_one() {
        let text = br#"{"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let checked = check_bytes("p.json", Path::new("/repo/p.json"), text, None, &LintConfig::default());
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"SYN007"), "{codes:?}");
        assert!(!codes.contains(&"IAM001"), "{codes:?}");
        let missing = br#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let checked = check_bytes(
            "p.json",
            Path::new("/repo/p.json"),
            missing,
            None,
            &LintConfig::default(),
        );
        assert!(checked.diagnostics.iter().any(|d| d.code == "IAM001"));
    }

    #[test]
    fn explain_finds_rules_and_reader_codes() {
        let doc = explain("iam001").unwrap();
        assert!(doc.starts_with("IAM001 "), "{doc}");
        assert!(doc.contains("## What it does"), "{doc}");
        let syn = explain("SYN001").unwrap();
        assert!(syn.contains("(structural, "), "{syn}");
        assert_eq!(explain("NOPE999"), None);
    }

    #[test]
    fn invalid_json_is_a_located_diagnostic() {
        let checked = check_bytes(
            "p.json",
            Path::new("p.json"),
            b"{\"Version\": ",
            None,
            &LintConfig::default(),
        );
        assert_eq!(checked.form, InputForm::NotAPolicy);
        assert_eq!(checked.diagnostics.len(), 1);
        assert!(checked.diagnostics[0].code.starts_with("SYN"));
    }
}
