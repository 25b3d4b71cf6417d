//! AWS CLI outputs that are not policies: `s3api get-bucket-encryption`, `kms list-grants`, and
//! `organizations describe-policy` (whose policy is the JSON string `Policy.Content`).

use tenet_ast::eval::KmsGrant;
use tenet_ast::PolicyKind;
use tenet_diagnostics::{Severity, Span};
use tenet_syntax::json::{JsonKind, JsonValue};

use super::authz::items;
use super::{diag, Builder, INCOMPLETE_IMPORT, INVALID_INPUT};
use crate::model::{Encryption, PolicyId};

/// The default encryption of `get-bucket-encryption` output (or its bare `Rules` array, as
/// iam-collect stores it).
pub(crate) fn parse_encryption(b: &mut Builder, path: &str, from: Option<(&str, Span)>) -> Encryption {
    let Some(root) = b.json(path, from) else {
        return Encryption::Unknown;
    };
    let rules: &[JsonValue] = match &root.kind {
        JsonKind::Array(r) => r,
        _ => match root.get("ServerSideEncryptionConfiguration") {
            Some(c) => items(c, "Rules"),
            None => items(&root, "Rules"),
        },
    };
    encryption_of_rules(b, path, rules).unwrap_or_else(|| {
        b.report(
            path,
            diag(
                INVALID_INPUT,
                Severity::Error,
                root.span,
                "no `ApplyServerSideEncryptionByDefault` rule: expected `s3api get-bucket-encryption` output".into(),
            ),
        );
        Encryption::Unknown
    })
}

fn encryption_of_rules(b: &mut Builder, path: &str, rules: &[JsonValue]) -> Option<Encryption> {
    let rule = rules.first()?;
    let default = rule.get("ApplyServerSideEncryptionByDefault")?;
    let algorithm = default.get("SSEAlgorithm").and_then(JsonValue::as_str)?;
    let bucket_key = matches!(
        rule.get("BucketKeyEnabled").map(|v| &v.kind),
        Some(JsonKind::Bool(true))
    );
    match algorithm {
        "AES256" => Some(Encryption::SseS3),
        _ if algorithm.starts_with("aws:kms") => match default.get("KMSMasterKeyID").and_then(JsonValue::as_str) {
            Some(key) => Some(Encryption::SseKms {
                key: key.to_owned(),
                bucket_key,
            }),
            None => {
                b.report(
                    path,
                    diag(
                        INCOMPLETE_IMPORT,
                        Severity::Warning,
                        default.span,
                        "SSE-KMS with the AWS managed key `aws/s3`: its key policy is not part of the estate".into(),
                    ),
                );
                Some(Encryption::Unknown)
            }
        },
        other => {
            b.report(
                path,
                diag(
                    INVALID_INPUT,
                    Severity::Error,
                    default.span,
                    format!("unknown `SSEAlgorithm` `{other}` (expected `AES256` or `aws:kms`)"),
                ),
            );
            Some(Encryption::Unknown)
        }
    }
}

/// The grants of `kms list-grants` output (or a bare list of its entries).
pub(crate) fn grants_from_json(b: &mut Builder, path: &str, from: Option<(&str, Span)>) -> Vec<KmsGrant> {
    let Some(text) = b.sources.get(path) else {
        b.json(path, from);
        return Vec::new();
    };
    #[derive(serde::Deserialize)]
    struct ListGrants {
        #[serde(rename = "Grants")]
        grants: Vec<KmsGrant>,
    }
    let parsed = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<KmsGrant>>(text)
    } else {
        serde_json::from_str::<ListGrants>(text).map(|l| l.grants)
    };
    match parsed {
        Ok(grants) => grants,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            b.report(
                path,
                diag(
                    INVALID_INPUT,
                    Severity::Error,
                    Span::new(at, at),
                    format!("not `kms list-grants` output: {e}"),
                ),
            );
            Vec::new()
        }
    }
}

/// The policies of an SCP or RCP file: a bare policy or `organizations describe-policy` output.
pub(crate) fn org_policy(b: &mut Builder, path: &str, kind: PolicyKind, from: Option<(&str, Span)>) -> Vec<PolicyId> {
    let described = b
        .sources
        .get(path)
        .is_some_and(|t| t.contains("\"PolicySummary\"") && t.contains("\"Content\""));
    if !described {
        return b.policy_file(path, kind, from);
    }
    let Some(root) = b.json(path, from) else {
        return Vec::new();
    };
    let Some(content) = root.get("Policy").and_then(|p| p.get("Content")) else {
        b.report(
            path,
            diag(
                INVALID_INPUT,
                Severity::Error,
                root.span,
                "expected `organizations describe-policy` output with `Policy.Content`".into(),
            ),
        );
        return Vec::new();
    };
    let name = root
        .get("Policy")
        .and_then(|p| p.get("PolicySummary"))
        .and_then(|s| s.get("Name"))
        .and_then(JsonValue::as_str)
        .unwrap_or("?")
        .to_owned();
    b.policy_value(path, content, kind, format!("{path} ({name})"))
        .into_iter()
        .collect()
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
