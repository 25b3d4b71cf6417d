//! Random `Condition` blocks: every operator family, `IfExists`, `ForAnyValue:`/`ForAllValues:`,
//! `Null`, policy variables, and now and then an operator of the wrong family for the key.

use serde_json::{json, Map, Value};

use crate::keys::{KeySpec, KeyType};
use crate::rng::Rng;

/// The operators of each family, without `IfExists`.
fn operators(ty: KeyType) -> &'static [&'static str] {
    match ty {
        KeyType::Str => &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        KeyType::Num => &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        KeyType::Date => &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        KeyType::Bool => &["Bool"],
        KeyType::Ip => &["IpAddress", "NotIpAddress"],
        KeyType::Arn => &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
        KeyType::Binary => &["BinaryEquals"],
    }
}

/// One generated condition, and the facts the classifier needs about it.
pub struct GenCondition {
    /// The operator as written (`ForAllValues:StringLikeIfExists`).
    pub operator: String,
    /// The key as written.
    pub key: &'static str,
    /// The values as written.
    pub values: Vec<String>,
    /// Tags describing it (operator family, qualifier, `IfExists`, `Null`, variables).
    pub tags: Vec<String>,
}

/// A random condition on one of `keys` (`None` when there are no keys, or the key has no values
/// to compare with).
pub fn condition(rng: &mut Rng, keys: &[KeySpec]) -> Option<(GenCondition, KeySpec)> {
    let spec = *rng.pick(keys)?;
    let mut tags = Vec::new();
    if rng.chance(8) {
        let value = if rng.chance(50) { "true" } else { "false" };
        tags.push("op:Null".to_owned());
        let c = GenCondition {
            operator: "Null".to_owned(),
            key: spec.name,
            values: vec![value.to_owned()],
            tags,
        };
        return Some((c, spec));
    }
    // Mostly the key's own family; sometimes a string operator on a typed key (IAM then compares
    // the text), which is where simulators most often differ.
    let ty = if spec.ty != KeyType::Str && rng.chance(7) {
        tags.push("op:cross-family".to_owned());
        KeyType::Str
    } else {
        spec.ty
    };
    let base = *rng.pick(operators(ty))?;
    tags.push(format!("op:{base}"));
    let if_exists = rng.chance(30);
    if if_exists {
        tags.push("op:IfExists".to_owned());
    }
    let qualifier = if spec.multi && rng.chance(75) || !spec.multi && rng.chance(8) {
        if rng.chance(50) {
            "ForAllValues:"
        } else {
            "ForAnyValue:"
        }
    } else {
        ""
    };
    if !qualifier.is_empty() {
        tags.push(format!("op:{}", qualifier.trim_end_matches(':')));
        if !spec.multi {
            tags.push("op:set-on-single".to_owned());
        }
    } else if spec.multi {
        tags.push("op:plain-on-multi".to_owned());
    }
    let n = 1 + usize::from(rng.chance(35));
    let mut values: Vec<String> = Vec::new();
    for _ in 0..n {
        let v = (*rng.pick(spec.policy_values)?).to_owned();
        if !values.contains(&v) {
            values.push(v);
        }
    }
    if values.iter().any(|v| v.contains("${")) {
        tags.push("var:condition".to_owned());
    }
    if ty == KeyType::Date && values.iter().any(|v| v.bytes().all(|b| b.is_ascii_digit())) {
        tags.push("val:epoch".to_owned());
    }
    let suffix = if if_exists { "IfExists" } else { "" };
    let c = GenCondition {
        operator: format!("{qualifier}{base}{suffix}"),
        key: spec.name,
        values,
        tags,
    };
    Some((c, spec))
}

/// The JSON `Condition` block of several conditions (one operator may hold several keys).
pub fn block(conditions: &[GenCondition]) -> Value {
    let mut out = Map::new();
    for c in conditions {
        let entry = out.entry(c.operator.clone()).or_insert_with(|| json!({}));
        if let Value::Object(keys) = entry {
            let value = match c.values.as_slice() {
                [one] => json!(one),
                values => json!(values),
            };
            keys.insert(c.key.to_owned(), value);
        }
    }
    Value::Object(out)
}
