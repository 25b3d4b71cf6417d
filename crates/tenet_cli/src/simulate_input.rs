//! Sorts the diagnostics of a scenario's policy into what makes `tenet simulate` refuse it (AWS
//! would not store the document) and what it reports as a warning while evaluating it, by the table
//! of `tenet_ast::eval::scenario::input`. The catalog checks (unknown services, actions and condition
//! keys) add warnings: IAM stores such policies and the evaluator reads them literally.

use tenet_ast::eval::scenario::input::{explain, refuses, CATALOG_WARNING_CODES};
use tenet_ast::{Policy, PolicyDocument, PolicyKind};
use tenet_diagnostics::{Diagnostic, Severity, Span};

/// The diagnostics of one policy, sorted.
#[derive(Default)]
pub struct Triaged {
    /// Errors AWS rejects: nothing is simulated.
    pub refused: Vec<Diagnostic>,
    /// What AWS stores but the policy's reader flags: reported, then evaluated.
    pub warnings: Vec<Diagnostic>,
}

/// Sorts `diagnostics` of `policy`, and adds the catalog's warnings when nothing is refused.
pub fn triage(policy: &Policy, kind: PolicyKind, diagnostics: Vec<Diagnostic>) -> Triaged {
    let mut out = Triaged::default();
    for d in diagnostics {
        match d.severity {
            Severity::Error if refuses(d.code, d.span, policy) => {
                let help = explain(d.code, true);
                out.refused.push(with_reason(d, help));
            }
            Severity::Error => {
                let help = explain(d.code, false);
                let mut d = with_reason(d, help);
                d.severity = Severity::Warning;
                out.warnings.push(d);
            }
            Severity::Warning => out.warnings.push(d),
            Severity::Info => {}
        }
    }
    if out.refused.is_empty() {
        out.warnings.extend(catalog_warnings(policy, kind));
    }
    out
}

/// The simulator's reason, then the original help (a "did you mean").
fn with_reason(mut d: Diagnostic, reason: Option<String>) -> Diagnostic {
    if let Some(reason) = reason {
        d.help = Some(match d.help.take() {
            Some(h) => format!("{reason}. {h}"),
            None => reason,
        });
    }
    d
}

fn catalog_config() -> Option<tenet_lint::LintConfig> {
    let select = CATALOG_WARNING_CODES
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    tenet_lint::LintConfig::from_toml(&format!("select = [{select}]"), None).ok()
}

fn catalog_warnings(policy: &Policy, kind: PolicyKind) -> Vec<Diagnostic> {
    let Some(config) = catalog_config() else {
        return Vec::new();
    };
    let doc = PolicyDocument {
        name: None,
        kind,
        policy: policy.clone(),
        span: Span::new(0, 0),
    };
    tenet_lint::lint(&doc, &config)
        .into_iter()
        .filter(|d| CATALOG_WARNING_CODES.contains(&d.code))
        .map(|d| {
            let help = explain(d.code, false);
            let mut d = with_reason(d, help);
            d.severity = Severity::Warning;
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenet_syntax::json::{parse_json, OffsetMap};

    fn triaged(text: &str, kind: PolicyKind) -> (Vec<&'static str>, Vec<&'static str>) {
        let json = parse_json(text, &OffsetMap::identity()).unwrap_or_else(|_| unreachable!());
        let (policy, diagnostics) = tenet_syntax::lower_policy(&json, kind);
        let t = triage(&policy, kind, diagnostics);
        (
            t.refused.iter().map(|d| d.code).collect(),
            t.warnings.iter().map(|d| d.code).collect(),
        )
    }

    #[test]
    fn the_catalog_selection_parses() {
        assert!(catalog_config().is_some());
    }

    #[test]
    fn every_error_the_reader_reports_is_placed_in_the_table() {
        for (code, ..) in tenet_syntax::codes::all_codes() {
            let rule = tenet_syntax::grammar::GRAMMAR_RULES.iter().find(|r| r.code == *code);
            let is_error = rule.is_none_or(|r| r.severity == Severity::Error);
            if is_error {
                assert!(
                    tenet_ast::eval::scenario::input::input_rule(code).is_some(),
                    "{code} is not in INPUT_RULES"
                );
            }
        }
    }

    #[test]
    fn what_aws_stores_is_a_warning_and_what_it_rejects_is_refused() {
        let stored = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt",
            "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-xyz"},
            "DateGreaterThan": {"aws:CurrentTime": "2024-02-30T00:00:00Z"}, "Bool": {"aws:SecureTransprt": "true"}}}]}"#;
        let (refused, warnings) = triaged(stored, PolicyKind::Identity);
        assert!(refused.is_empty(), "{refused:?}");
        for code in ["SYN161", "SYN150", "IAM201", "IAM203"] {
            assert!(warnings.contains(&code), "{code} not in {warnings:?}");
        }
        let principal = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "*"}]}"#;
        assert_eq!(triaged(principal, PolicyKind::Identity).0, vec!["SYN015"]);
        let no_principal = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*"}]}"#;
        assert_eq!(triaged(no_principal, PolicyKind::Resource).0, vec!["SYN012"]);
        // A malformed account is refused in a principal and evaluated in a resource.
        let account = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::12345:root"}, "Action": "s3:GetObject",
            "Resource": "arn:aws:dynamodb:us-east-1:12345:table/t"}]}"#;
        let (refused, warnings) = triaged(account, PolicyKind::Resource);
        assert_eq!((refused, warnings), (vec!["SYN107"], vec!["SYN107"]));
    }
}
