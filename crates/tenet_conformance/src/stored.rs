//! Scenarios that `tenet simulate` evaluates since it refuses only what AWS rejects: policies with
//! problems AWS stores (an action no service has, a malformed `aws:SourceVpce` value), and S3
//! requests whose owner is not given (`resourceAccount` left out: the principal's account is
//! assumed) or given only as `aws:ResourceAccount` in the context.
//!
//! These draw from their own random stream, so adding them leaves every other scenario as it was.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::rng::Rng;

/// Rewrites a generated scenario into one of the forms above (a few percent of the time each),
/// adding the tags that say which.
pub fn vary(rng: &mut Rng, scenario: &mut Value, tags: &mut BTreeSet<String>) {
    owner(rng, scenario, tags);
    if rng.chance(4) {
        if let Some(st) = first_identity_statement(scenario) {
            // Matches no request: the statement applies exactly as before in both simulators.
            let action = st.get("Action").cloned();
            if let Some(a) = action {
                let mut list = match a {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                list.push(json!("s3:GetObjekt"));
                st["Action"] = Value::Array(list);
                tags.insert("stored:unknown-action".into());
            }
        }
    }
    if rng.chance(4) {
        if let Some(st) = first_identity_statement(scenario) {
            if st.get("Condition").is_none() {
                // No endpoint id equals a malformed one: the negated condition always holds.
                st["Condition"] = json!({"StringNotEquals": {"aws:SourceVpce": "vpce-bad"}});
                tags.insert("stored:malformed-vpce".into());
            }
        }
    }
}

/// Leaves out the owner of an S3 resource that is in the caller's account, or gives it only as
/// `aws:ResourceAccount`.
fn owner(rng: &mut Rng, scenario: &mut Value, tags: &mut BTreeSet<String>) {
    let request = &mut scenario["request"];
    let names_owner = request["resource"]
        .as_str()
        .and_then(|r| r.split(':').nth(4))
        .is_some_and(|a| !a.is_empty());
    let principal_account = request["principal"]
        .as_str()
        .filter(|p| p.starts_with("arn:"))
        .and_then(|p| p.split(':').nth(4))
        .map(str::to_owned);
    let Some(account) = request["resourceAccount"].as_str().map(str::to_owned) else {
        return;
    };
    if names_owner || principal_account.is_none() || request["context"].get("aws:ResourceAccount").is_some() {
        return;
    }
    let roll = rng.below(100);
    if roll < 15 && principal_account.as_deref() == Some(account.as_str()) {
        if let Some(r) = request.as_object_mut() {
            r.remove("resourceAccount");
        }
        tags.insert("owner:assumed".into());
    } else if roll >= 90 {
        if let Some(r) = request.as_object_mut() {
            r.remove("resourceAccount");
            // As `request["context"][key] = …` would: a missing or null context becomes an object.
            let context = r.entry("context").or_insert(Value::Null);
            if context.is_null() {
                *context = json!({});
            }
            if let Some(c) = context.as_object_mut() {
                c.insert("aws:ResourceAccount".into(), json!(account));
            }
        }
        tags.insert("owner:context".into());
    }
}

fn first_identity_statement(scenario: &mut Value) -> Option<&mut Value> {
    let st = scenario.get_mut("identityPolicies")?.get_mut(0)?.get_mut("Statement")?;
    match st {
        Value::Array(items) => items.get_mut(0),
        obj @ Value::Object(_) => Some(obj),
        _ => None,
    }
}
