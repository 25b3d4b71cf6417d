//! Counterfactual twins: a scenario with its epoch dates rewritten as ISO 8601. Both evaluators
//! run the twin too; a disagreement is put down to iam-simulate's reading of epoch dates only when
//! on the twin the two agree and tenet decides as on the original.

use serde_json::Value;

/// The id offset of twins (their ids are `TWIN_OFFSET + id`).
pub const TWIN_OFFSET: usize = 1_000_000;

/// The scenario with every epoch value of a `Date*` condition and of a date key of the request
/// written as ISO 8601; `None` when it has none.
pub fn iso_twin(scenario: &Value) -> Option<Value> {
    let mut twin = scenario.clone();
    let mut changed = false;
    if let Some(Value::Object(context)) = twin.get_mut("request").and_then(|r| r.get_mut("context")) {
        for (k, v) in context.iter_mut() {
            let date_key = matches!(
                k.to_ascii_lowercase().as_str(),
                "aws:currenttime" | "aws:epochtime" | "aws:tokenissuetime"
            );
            if date_key {
                changed |= rewrite(v);
            }
        }
    }
    for key in [
        "identityPolicies",
        "permissionBoundaries",
        "resourcePolicy",
        "sessionPolicy",
        "serviceControlPolicies",
        "resourceControlPolicies",
    ] {
        if let Some(v) = twin.get_mut(key) {
            changed |= rewrite_conditions(v);
        }
    }
    changed.then_some(twin)
}

/// Rewrites the values under every `Date*` operator below `v`.
fn rewrite_conditions(v: &mut Value) -> bool {
    let mut changed = false;
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                let base = k.rsplit(':').next().unwrap_or(k);
                if base.starts_with("Date") {
                    if let Value::Object(keys) = child {
                        for values in keys.values_mut() {
                            changed |= rewrite(values);
                        }
                    }
                } else {
                    changed |= rewrite_conditions(child);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                changed |= rewrite_conditions(item);
            }
        }
        _ => {}
    }
    changed
}

/// Rewrites an epoch string, or each epoch string of a list.
fn rewrite(v: &mut Value) -> bool {
    match v {
        Value::String(s) => match epoch_to_iso(s) {
            Some(iso) => {
                *s = iso;
                true
            }
            None => false,
        },
        Value::Array(items) => items.iter_mut().fold(false, |acc, item| rewrite(item) | acc),
        _ => false,
    }
}

/// `1772366400` → `2026-03-01T12:00:00Z` (digits only, up to year 9999).
pub fn epoch_to_iso(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = s.parse().ok()?;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn epoch_seconds_become_iso_dates() {
        assert_eq!(epoch_to_iso("0").as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(epoch_to_iso("1772366400").as_deref(), Some("2026-03-01T12:00:00Z"));
        assert_eq!(epoch_to_iso("1767225599").as_deref(), Some("2025-12-31T23:59:59Z"));
        assert_eq!(epoch_to_iso("951782400").as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(epoch_to_iso("2026-01-01"), None);
    }

    #[test]
    fn twin_rewrites_date_conditions_and_date_keys_only() {
        let s = json!({
            "request": {"context": {"aws:EpochTime": "1772366400", "aws:MultiFactorAuthAge": "3600"}},
            "identityPolicies": [{"Statement": [{"Condition": {
                "DateLessThan": {"aws:CurrentTime": ["1767225600", "2027-01-01"]},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}]
        });
        let t = iso_twin(&s).unwrap_or_else(|| unreachable!("has epoch values"));
        assert_eq!(t["request"]["context"]["aws:EpochTime"], "2026-03-01T12:00:00Z");
        assert_eq!(t["request"]["context"]["aws:MultiFactorAuthAge"], "3600");
        let c = &t["identityPolicies"][0]["Statement"][0]["Condition"];
        assert_eq!(
            c["DateLessThan"]["aws:CurrentTime"],
            json!(["2026-01-01T00:00:00Z", "2027-01-01"])
        );
        assert_eq!(c["NumericLessThan"]["aws:MultiFactorAuthAge"], "3600");
        assert!(iso_twin(&json!({"request": {"context": {}}})).is_none());
    }
}
