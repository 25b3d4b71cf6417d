//! Detects the kind of a policy from its content, for files given without `--kind`.
//!
//! The rules, in order: no statement names a principal -> identity; every action is an
//! `sts:AssumeRole*`-family action and no statement has a resource -> role trust; every resource is `*`
//! and the actions are KMS actions -> key policy; otherwise -> resource policy. SCPs and RCPs look like
//! identity and resource policies: name them with `--kind` or a `[kinds]` glob in `tenet.toml`, or keep
//! them under a directory whose name says so (see [`kind_hint_from_path`]).

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

/// The kind `json` most likely is.
pub fn detect_kind(json: &JsonValue) -> PolicyKind {
    let stmts = statements(json);
    let has_principal = stmts
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !has_principal {
        return PolicyKind::Identity;
    }
    let actions: Vec<String> = stmts.iter().flat_map(|s| strings(s.get("Action"))).collect();
    let has_resource = stmts
        .iter()
        .any(|s| s.get("Resource").is_some() || s.get("NotResource").is_some());
    if !actions.is_empty() && !has_resource && actions.iter().all(|a| TRUST_ACTIONS.contains(&a.as_str())) {
        return PolicyKind::Trust;
    }
    let resources: Vec<String> = stmts.iter().flat_map(|s| strings(s.get("Resource"))).collect();
    let all_star = !resources.is_empty() && resources.iter().all(|r| r == "*");
    if all_star && !actions.is_empty() && actions.iter().all(|a| a.starts_with("kms:")) {
        return PolicyKind::Key;
    }
    PolicyKind::Resource
}

/// A kind suggested by a directory or file name: `scp`/`service_control_policies` and
/// `rcp`/`resource_control_policies` path components.
pub fn kind_hint_from_path(path: &str) -> Option<PolicyKind> {
    let lower = path.to_ascii_lowercase().replace('-', "_");
    for part in lower.split(['/', '\\']) {
        let stem = part.trim_end_matches(".json");
        let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        if words.contains(&"scp") || stem.contains("service_control_polic") {
            return Some(PolicyKind::Scp);
        }
        if words.contains(&"rcp") || stem.contains("resource_control_polic") {
            return Some(PolicyKind::Rcp);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(kind_hint_from_path("policies/bucket.json"), None);
    }
}
