//! The translation of a `tenet simulate` scenario into `@cloud-copilot/iam-simulate`'s `Simulation`
//! input (its `simulation_engine/simulation.d.ts`).
//!
//! - The request context is the one tenet evaluates: the scenario's keys plus the keys tenet derives
//!   from the principal (iam-simulate derives none), so both evaluators read the same values.
//! - Policies are passed as written; SCP and RCP levels become `{orgIdentifier, policies}` from the
//!   root down. iam-simulate adds `RCPFullAWSAccess` at every RCP level itself.
//! - KMS grants have no counterpart in iam-simulate and are left out (the comparison knows).
//! - The resource's account is always given (S3 ARNs carry none).

use serde_json::{json, Map, Value};
use tenet_ast::eval::{ContextValue, Request, RequestPrincipal};

/// The `Simulation` object for iam-simulate.
pub fn simulation(scenario: &Value, request: &Request) -> Value {
    let principal = match &request.principal {
        RequestPrincipal::Anonymous => json!({"type": "Anonymous"}),
        p => json!(p.as_str()),
    };
    let mut context = Map::new();
    for (k, v) in request.context.iter() {
        let value = match v {
            ContextValue::Single(s) => json!(s),
            ContextValue::Multi(list) => json!(list),
        };
        context.insert(k.to_owned(), value);
    }
    let account = request
        .resource_account()
        .or(request.principal.account())
        .unwrap_or("111111111111");
    let named = |key: &str| -> Vec<Value> {
        match scenario.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, p)| json!({"name": format!("{key}-{i}"), "policy": p}))
                .collect(),
            Some(p) => vec![json!({"name": format!("{key}-0"), "policy": p})],
            None => Vec::new(),
        }
    };
    let levels = |key: &str| -> Vec<Value> {
        match scenario.get(key) {
            Some(Value::Array(levels)) => levels
                .iter()
                .enumerate()
                .map(|(l, level)| {
                    let policies: Vec<Value> = match level {
                        Value::Array(items) => items
                            .iter()
                            .enumerate()
                            .map(|(i, p)| json!({"name": format!("{key}-{l}-{i}"), "policy": p}))
                            .collect(),
                        p => vec![json!({"name": format!("{key}-{l}-0"), "policy": p})],
                    };
                    json!({"orgIdentifier": format!("level-{l}"), "policies": policies})
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut sim = Map::new();
    sim.insert(
        "request".into(),
        json!({
            "principal": principal,
            "action": request.action,
            "resource": {"resource": request.resource, "accountId": account},
            "contextVariables": context,
        }),
    );
    sim.insert("identityPolicies".into(), Value::Array(named("identityPolicies")));
    sim.insert(
        "serviceControlPolicies".into(),
        Value::Array(levels("serviceControlPolicies")),
    );
    sim.insert(
        "resourceControlPolicies".into(),
        Value::Array(levels("resourceControlPolicies")),
    );
    if let Some(p) = scenario.get("resourcePolicy") {
        sim.insert("resourcePolicy".into(), p.clone());
    }
    let boundaries = named("permissionBoundaries");
    if !boundaries.is_empty() {
        sim.insert("permissionBoundaryPolicies".into(), Value::Array(boundaries));
    }
    if let Some(p) = scenario.get("sessionPolicy") {
        sim.insert("sessionPolicy".into(), p.clone());
    }
    Value::Object(sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_principal_context_levels_and_drops_grants() {
        let scenario = json!({
            "request": {"principal": "arn:aws:sts::111111111111:assumed-role/AppRole/s",
                        "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                        "resourceAccount": "222222222222", "context": {"aws:TagKeys": []}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": []}],
            "serviceControlPolicies": [[{"a": 1}], [{"b": 2}, {"c": 3}]],
            "kmsGrants": {"Grants": []}
        });
        let mut request = Request::new(
            "arn:aws:sts::111111111111:assumed-role/AppRole/s",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        request.resource_account = Some("222222222222".into());
        request.context.insert("aws:TagKeys", ContextValue::Multi(vec![]));
        request.populate_derived_keys();
        let sim = simulation(&scenario, &request);
        assert_eq!(sim["request"]["resource"]["accountId"], "222222222222");
        assert_eq!(sim["request"]["contextVariables"]["aws:TagKeys"], json!([]));
        assert_eq!(
            sim["request"]["contextVariables"]["aws:PrincipalArn"],
            "arn:aws:iam::111111111111:role/AppRole"
        );
        assert_eq!(
            sim["serviceControlPolicies"][1]["policies"][1]["policy"],
            json!({"c": 3})
        );
        assert_eq!(sim["serviceControlPolicies"][1]["orgIdentifier"], "level-1");
        assert!(sim.get("kmsGrants").is_none());
        assert_eq!(sim["identityPolicies"][0]["name"], "identityPolicies-0");
        let anon =
            Request::new("anonymous", "s3:GetObject", "arn:aws:s3:::b/k").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            simulation(&json!({}), &anon)["request"]["principal"],
            json!({"type": "Anonymous"})
        );
    }
}
