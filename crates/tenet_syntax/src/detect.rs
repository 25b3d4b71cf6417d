//! Detects the kind of a policy from its content, for files given without `--kind`.
//!
//! The rules, in order: no statement names a principal -> identity; every action is an
//! `sts:AssumeRole*`-family action or `*` and no statement has a resource -> role trust; every resource
//! is `*` and the actions are KMS actions -> key policy; otherwise -> resource policy. SCPs and
//! permissions boundaries look like identity policies, RCPs and VPC endpoint policies like resource
//! policies: name them with `--kind` or a `[kinds]` glob in `tenet.toml`, or keep them under a directory
//! whose name says so (see [`kind_hint_from_path`]); the name only breaks such ties, never overrides
//! the content.

use tenet_ast::PolicyKind;

use crate::json::{JsonKind, JsonValue};

const TRUST_ACTIONS: &[&str] = &[
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
    "sts:assumerole*",
    "sts:*",
];

fn statements(json: &JsonValue) -> Vec<&JsonValue> {
    match json.get("Statement").map(|s| &s.kind) {
        Some(JsonKind::Array(items)) => items.iter().collect(),
        Some(JsonKind::Object(_)) => json.get("Statement").into_iter().collect(),
        _ => Vec::new(),
    }
}

fn strings(v: Option<&JsonValue>) -> Vec<String> {
    match v.map(|v| &v.kind) {
        Some(JsonKind::String(s)) => vec![s.to_ascii_lowercase()],
        Some(JsonKind::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str())
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// The kind `json` most likely is, from its content alone.
pub fn detect_kind(json: &JsonValue) -> PolicyKind {
    detect_kind_with_hint(json, None)
}

/// The kind `json` most likely is: the content decides between identity-shaped (no principal),
/// trust, key and resource-shaped policies; a path `hint` (see [`kind_hint_from_path`]) only breaks
/// ties within a shape (an SCP or permissions boundary looks like an identity policy, an RCP or VPC
/// endpoint policy like a resource policy) and never overrides the content.
pub fn detect_kind_with_hint(json: &JsonValue, hint: Option<PolicyKind>) -> PolicyKind {
    let stmts = statements(json);
    let has_principal = stmts
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !has_principal {
        return match hint {
            Some(k @ (PolicyKind::Scp | PolicyKind::Boundary)) => k,
            _ => PolicyKind::Identity,
        };
    }
    let actions: Vec<String> = stmts.iter().flat_map(|s| strings(s.get("Action"))).collect();
    let has_resource = stmts
        .iter()
        .any(|s| s.get("Resource").is_some() || s.get("NotResource").is_some());
    // A trust policy has no resource; `"Action": "*"` in one allows every `sts:AssumeRole*` action.
    let trust_action = |a: &String| TRUST_ACTIONS.contains(&a.as_str()) || a == "*";
    if !actions.is_empty() && !has_resource && actions.iter().all(trust_action) {
        return PolicyKind::Trust;
    }
    let resources: Vec<String> = stmts.iter().flat_map(|s| strings(s.get("Resource"))).collect();
    let all_star = !resources.is_empty() && resources.iter().all(|r| r == "*");
    if all_star && !actions.is_empty() && actions.iter().all(|a| a.starts_with("kms:")) {
        return PolicyKind::Key;
    }
    match hint {
        Some(k @ (PolicyKind::Rcp | PolicyKind::VpcEndpoint)) => k,
        _ => PolicyKind::Resource,
    }
}

/// A kind suggested by a directory or file name: `scp`/`service_control_policies`,
/// `rcp`/`resource_control_policies`, `boundary`/`permissions_boundaries` and
/// `vpce`/`vpc_endpoint_policies` path components. It only breaks ties (see [`detect_kind_with_hint`]).
pub fn kind_hint_from_path(path: &str) -> Option<PolicyKind> {
    let lower = path.to_ascii_lowercase().replace('-', "_");
    for part in lower.split(['/', '\\']).rev() {
        let stem = part.trim_end_matches(".json");
        let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
        if has(&["scp", "scps"]) || stem.contains("service_control_polic") {
            return Some(PolicyKind::Scp);
        }
        if has(&["rcp", "rcps"]) || stem.contains("resource_control_polic") {
            return Some(PolicyKind::Rcp);
        }
        if has(&["boundary", "boundaries"]) {
            return Some(PolicyKind::Boundary);
        }
        if has(&["vpce"]) || stem.contains("vpc_endpoint") || stem.contains("endpoint_polic") {
            return Some(PolicyKind::VpcEndpoint);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(text: &str, hint: Option<PolicyKind>) -> PolicyKind {
        let json = crate::json::parse_json(text, &crate::json::OffsetMap::identity()).expect("valid JSON");
        detect_kind_with_hint(&json, hint)
    }

    #[test]
    fn content_decides_and_hints_break_ties() {
        let identity = r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;
        let resource = r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#;
        let trust =
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "*"}]}"#;
        assert_eq!(kind_of(identity, None), PolicyKind::Identity);
        assert_eq!(kind_of(identity, Some(PolicyKind::Scp)), PolicyKind::Scp);
        assert_eq!(kind_of(identity, Some(PolicyKind::Boundary)), PolicyKind::Boundary);
        assert_eq!(kind_of(identity, Some(PolicyKind::Rcp)), PolicyKind::Identity);
        assert_eq!(kind_of(resource, Some(PolicyKind::Scp)), PolicyKind::Resource);
        assert_eq!(kind_of(resource, Some(PolicyKind::Rcp)), PolicyKind::Rcp);
        assert_eq!(
            kind_of(resource, Some(PolicyKind::VpcEndpoint)),
            PolicyKind::VpcEndpoint
        );
        assert_eq!(kind_of(trust, Some(PolicyKind::Rcp)), PolicyKind::Trust);
    }

    #[test]
    fn path_hints() {
        assert_eq!(
            kind_hint_from_path("org/service_control_policies/deny.json"),
            Some(PolicyKind::Scp)
        );
        assert_eq!(
            kind_hint_from_path("x/identity_perimeter_rcp.json"),
            Some(PolicyKind::Rcp)
        );
        assert_eq!(
            kind_hint_from_path("Service-Control-Policy-examples/a.json"),
            Some(PolicyKind::Scp)
        );
        assert_eq!(kind_hint_from_path("policies/scpx/a.json"), None);
        assert_eq!(
            kind_hint_from_path("iam-policies/boundary-policy.json"),
            Some(PolicyKind::Boundary)
        );
        assert_eq!(
            kind_hint_from_path("vpc-endpoint-policies/default.json"),
            Some(PolicyKind::VpcEndpoint)
        );
        // The component nearest the file wins.
        assert_eq!(kind_hint_from_path("scp/rcp/a.json"), Some(PolicyKind::Rcp));
        assert_eq!(kind_hint_from_path("policies/bucket.json"), None);
    }
}
