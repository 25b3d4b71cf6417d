//! Says why a file named on the command line is not read as a policy, so that a policy under an
//! unknown wrapper, a bare list of statements or misspelled element names never pass unchecked.
//! Files found by walking a directory are skipped quietly instead (see the CLI).

use tenet_diagnostics::{Diagnostic, Severity, Span};

use crate::codes;
use crate::json::{parse_json, JsonKind, JsonValue};

/// The diagnostic for JSON text that holds no policy and no recognised AWS CLI output, located at
/// the value that comes closest to one; `None` when `text` is not JSON (its syntax error is
/// reported instead).
pub fn not_a_policy(text: &str) -> Option<Diagnostic> {
    let (body, map) = crate::skip_bom(text);
    let root = parse_json(body, &map).ok()?;
    let (span, message, help) = explain(&root);
    Some(
        Diagnostic::new(
            codes::NOT_A_POLICY.0,
            codes::NOT_A_POLICY.1,
            Severity::Error,
            span,
            message,
        )
        .with_help(help),
    )
}

fn explain(root: &JsonValue) -> (Span, String, String) {
    let whole = Span::new(root.span.start as usize, root.span.start as usize + 1);
    match &root.kind {
        JsonKind::Array(items) if items.iter().any(looks_like_statement) => (
            whole,
            "the file holds a list of statements, not a policy document".to_owned(),
            "wrap it: `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`".to_owned(),
        ),
        JsonKind::Object(members) => {
            for m in members {
                let key = &m.key.value;
                let proper = ["Version", "Statement", "Id"]
                    .into_iter()
                    .find(|p| p.eq_ignore_ascii_case(key) && p != key);
                if let Some(proper) = proper {
                    return (
                        m.key.span,
                        format!("element names are case-sensitive: `{key}` is not `{proper}`"),
                        format!("write `{proper}`"),
                    );
                }
            }
            if let Some(m) = members.iter().find(|m| holds_policy(&m.value)) {
                return (
                    m.key.span,
                    format!("a policy under the key `{}`, which is no AWS CLI output tenet knows", m.key.value),
                    "give the policy document itself (for example with `jq '.<key>'`), or the unchanged output of an AWS CLI command".to_owned(),
                );
            }
            (
                whole,
                "the file holds no policy document and no AWS CLI output that embeds one".to_owned(),
                "a policy is an object with `Version` and `Statement`; `tenet lint` also reads the output of `aws iam get-policy-version`, `get-role`, `get-account-authorization-details`, `s3api get-bucket-policy` and similar commands".to_owned(),
            )
        }
        _ => (
            whole,
            format!("the file holds {}, not a policy document", root.type_name()),
            "a policy is an object with `Version` and `Statement`".to_owned(),
        ),
    }
}

fn looks_like_statement(v: &JsonValue) -> bool {
    v.as_object().is_some_and(|members| {
        members
            .iter()
            .any(|m| matches!(m.key.value.as_str(), "Effect" | "Action" | "NotAction" | "Principal"))
    })
}

/// Whether `v` is, or holds within two levels, an object with a `Statement`, or a string that
/// embeds one.
fn holds_policy(v: &JsonValue) -> bool {
    fn within(v: &JsonValue, depth: usize) -> bool {
        match &v.kind {
            JsonKind::Object(members) => {
                members.iter().any(|m| m.key.value == "Statement")
                    || (depth > 0 && members.iter().any(|m| within(&m.value, depth - 1)))
            }
            JsonKind::Array(items) => depth > 0 && items.iter().any(|i| within(i, depth - 1)),
            JsonKind::String(s) => s.contains("\"Statement\"") || s.contains("%22Statement%22"),
            _ => false,
        }
    }
    within(v, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        not_a_policy(text).map(|d| d.message).unwrap_or_default()
    }

    #[test]
    fn a_statement_array_is_named() {
        assert!(message(r#"[{"Effect":"Allow","Action":"*","Resource":"*"}]"#).contains("list of statements"));
    }

    #[test]
    fn lower_case_elements_are_named() {
        let text = r#"{"version":"2012-10-17","statement":[]}"#;
        let d = not_a_policy(text).unwrap_or_else(|| unreachable!());
        assert_eq!(
            d.message,
            "element names are case-sensitive: `version` is not `Version`"
        );
        assert_eq!((d.span.start, d.span.end), (1, 10));
    }

    #[test]
    fn an_unknown_wrapper_is_named() {
        let text = r#"{"Data":{"Doc":{"Version":"2012-10-17","Statement":[]}}}"#;
        assert!(message(text).contains("under the key `Data`"));
        assert!(message(r#"{"Blob":"{\"Statement\":[]}"}"#).contains("under the key `Blob`"));
    }

    #[test]
    fn other_json_and_non_json() {
        assert!(message(r#"{"name":"x"}"#).contains("no policy document"));
        assert!(message("42").contains("holds a number"));
        assert!(not_a_policy("{").is_none());
    }
}
