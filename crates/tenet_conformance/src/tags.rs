//! Tags read from a scenario's content (not from the generator's bookkeeping), so that
//! hand-written scenarios such as the documented repros are classified like generated ones.

use std::collections::BTreeSet;

use serde_json::Value;
use tenet_ast::semantics::is_account_id;

/// The tags the classes use, derived from the scenario itself.
pub fn content_tags(scenario: &Value) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    let request = &scenario["request"];
    let principal = request["principal"].as_str().unwrap_or("");
    let action = request["action"].as_str().unwrap_or("").to_ascii_lowercase();
    let kind = if principal.eq_ignore_ascii_case("anonymous") || principal == "*" {
        "anonymous"
    } else if principal.ends_with(":root") || is_account_id(principal) {
        "root"
    } else if principal.contains(":assumed-role/") {
        "assumed-role"
    } else if principal.contains(":federated-user/") {
        "federated-user"
    } else if principal.contains(":user/") {
        "user"
    } else if principal.contains(":role/") {
        "role"
    } else {
        "service"
    };
    tags.insert(format!("principal:{kind}"));
    if action == "sts:getcalleridentity" {
        tags.insert("family:sts-get-caller-identity".into());
    }
    if action.starts_with("sts:assumerole") {
        tags.insert("family:sts-assume-role".into());
    }
    let principal_account = principal.split(':').nth(4).filter(|a| !a.is_empty());
    let resource_account = request["resource"]
        .as_str()
        .and_then(|r| r.split(':').nth(4))
        .filter(|a| !a.is_empty() && *a != "*")
        .or(request["resourceAccount"].as_str());
    match (principal_account, resource_account) {
        (Some(p), Some(r)) if p != r => tags.insert("cross-account".into()),
        _ => tags.insert("same-account".into()),
    };
    for (key, tag) in [
        ("kmsGrants", "policy:grant"),
        ("resourceControlPolicies", "policy:rcp"),
        ("sessionPolicy", "policy:session"),
        ("permissionBoundaries", "policy:boundary"),
        ("federatedBy", "federated-by"),
    ] {
        if scenario.get(key).is_some() {
            tags.insert(tag.into());
        }
    }
    if let Some(Value::Object(context)) = request.get("context") {
        for (k, v) in context {
            if k.to_ascii_lowercase().starts_with("kms:encryptioncontext:") {
                tags.insert("key:kms-encryption-context".into());
            }
            if is_date_key(k) && v.as_str().is_some_and(is_epoch) {
                tags.insert("val:epoch".into());
            }
        }
    }
    if let Some(statements) = scenario.pointer("/resourcePolicy/Statement").and_then(Value::as_array) {
        for s in statements {
            resource_statement_tags(s, principal, &mut tags);
        }
    }
    policy_condition_tags(scenario, &mut tags);
    tags
}

fn is_epoch(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
}

fn is_date_key(k: &str) -> bool {
    matches!(
        k.to_ascii_lowercase().as_str(),
        "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime"
    )
}

fn resource_statement_tags(s: &Value, principal: &str, tags: &mut BTreeSet<String>) {
    let effect = s["Effect"].as_str().unwrap_or("").to_ascii_lowercase();
    if s.get("NotPrincipal").is_some() {
        tags.insert(format!("element:NotPrincipal-{effect}"));
    }
    let Some(p) = s.get("Principal") else {
        return;
    };
    if p == "*" {
        tags.insert("rp-principal:star".into());
        return;
    }
    let aws: Vec<&str> = match &p["AWS"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for a in aws {
        if a == "*" {
            tags.insert("rp-principal:aws-star".into());
        } else if a == principal {
            tags.insert("rp-principal:exact".into());
            if a.contains(":assumed-role/") || a.contains(":federated-user/") {
                tags.insert("rp-principal:session-arn".into());
            }
        }
    }
}

/// `val:epoch` for a `Date*` condition compared with an epoch value anywhere in the scenario.
fn policy_condition_tags(scenario: &Value, tags: &mut BTreeSet<String>) {
    let mut stack = vec![scenario];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let base = k.rsplit(':').next().unwrap_or(k);
                    if base.starts_with("Date") {
                        let epoch = child
                            .as_object()
                            .into_iter()
                            .flat_map(|keys| keys.values())
                            .flat_map(|vals| match vals {
                                Value::Array(a) => a.iter().collect::<Vec<_>>(),
                                one => vec![one],
                            })
                            .any(|x| x.as_str().is_some_and(is_epoch));
                        if epoch {
                            tags.insert("val:epoch".into());
                        }
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_principal_kind_accounts_policies_and_epoch_values() {
        let s = json!({
            "request": {"principal": "arn:aws:sts::111111111111:assumed-role/R/s", "action": "sts:AssumeRole",
                        "resource": "arn:aws:iam::222222222222:role/T", "context": {"aws:EpochTime": "1772366400"}},
            "resourcePolicy": {"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::111111111111:assumed-role/R/s"}},
                {"Effect": "Deny", "NotPrincipal": {"AWS": "111111111111"}}]},
            "sessionPolicy": {}
        });
        let t = content_tags(&s);
        for want in [
            "principal:assumed-role",
            "family:sts-assume-role",
            "cross-account",
            "policy:session",
            "val:epoch",
            "rp-principal:exact",
            "rp-principal:session-arn",
            "element:NotPrincipal-deny",
        ] {
            assert!(t.contains(want), "missing {want} in {t:?}");
        }
        assert!(!t.contains("policy:grant"));
        let root = json!({"request": {"principal": "111111111111", "action": "s3:GetObject",
                          "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
                          "identityPolicies": [{"Statement": [{"Condition": {"DateLessThan": {"aws:CurrentTime": ["1767225600"]}}}]}]});
        let t = content_tags(&root);
        assert!(t.contains("principal:root") && t.contains("same-account") && t.contains("val:epoch"));
    }
}
