//! The Markdown that hover shows: an action's service, access level, resource types and condition
//! keys from the catalog; a condition key's type; what an operator does; what an element is.

use std::fmt::Write;

use tenet_ast::semantics::has_wildcard;
use tenet_ast::ConditionOperator;
use tenet_catalog::{catalog, ConditionKey};

/// How many actions a wildcard hover lists before it says "and N more".
const LISTED_ACTIONS: usize = 25;

/// The hover text of an action or action pattern (`s3:GetObject`, `s3:Get*`); `None` when it names
/// no known action.
pub fn action(name: &str) -> Option<String> {
    let cat = catalog();
    if !has_wildcard(name) {
        let (service, action) = cat.action(name)?;
        let mut out = format!(
            "**{}:{}** ({})\n\nAccess level: {}\n",
            service.prefix, action.name, service.name, action.access_level
        );
        if action.resources.is_empty() {
            out.push_str("\nResource types: none (the action takes `\"Resource\": \"*\"`)\n");
        } else {
            out.push_str("\nResource types:\n");
            for r in &action.resources {
                let required = if r.required { " (required)" } else { "" };
                let patterns = service
                    .resource_type(r.resource_type)
                    .map(|t| {
                        t.arn_patterns
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let _ = writeln!(out, "- `{}`{required}: {patterns}", r.resource_type);
            }
        }
        let mut keys: Vec<&str> = action.condition_keys.clone();
        keys.extend(action.resources.iter().flat_map(|r| r.condition_keys.iter().copied()));
        keys.sort_unstable();
        keys.dedup();
        if !keys.is_empty() {
            out.push_str("\nCondition keys: ");
            out.push_str(&keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "));
            out.push('\n');
        }
        if !action.dependent_actions.is_empty() {
            let deps: Vec<String> = action.dependent_actions.iter().map(|a| format!("`{a}`")).collect();
            let _ = writeln!(out, "\nDependent actions: {}", deps.join(", "));
        }
        return Some(out);
    }
    let matched = cat.expand_action(name);
    if matched.is_empty() {
        return None;
    }
    let mut out = format!(
        "**{name}** matches {} action{}\n\n",
        matched.len(),
        plural(matched.len())
    );
    for (service, action) in matched.iter().take(LISTED_ACTIONS) {
        let _ = writeln!(out, "- `{}:{}` ({})", service.prefix, action.name, action.access_level);
    }
    if matched.len() > LISTED_ACTIONS {
        let _ = writeln!(out, "- and {} more", matched.len() - LISTED_ACTIONS);
    }
    Some(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The hover text of a condition key; `None` when the catalog does not know it.
pub fn condition_key(name: &str) -> Option<String> {
    let cat = catalog();
    let key = cat.condition_key(name)?;
    let mut out = format!("**{}**\n\n{}\n", key.name, key_summary(key));
    if key.deprecated {
        out.push_str("\nDeprecated: AWS no longer documents it as a current key.\n");
    }
    if cat.global_condition_key(name).is_some() {
        out.push_str("\nA global condition key: it can appear in any request.\n");
    } else {
        let services: Vec<String> = cat
            .services()
            .filter(|s| s.condition_key(name).is_some())
            .map(|s| format!("{} (`{}`)", s.name, s.prefix))
            .collect();
        if !services.is_empty() {
            let _ = writeln!(out, "\nDefined by: {}", services.join(", "));
        }
    }
    Some(out)
}

/// "Type `String`, single-valued: use the String operators".
pub fn key_summary(key: &ConditionKey) -> String {
    let values = if key.multivalued || key.ty.is_multivalued() {
        "multivalued: a request may carry several values, so use `ForAnyValue:` or `ForAllValues:`"
    } else {
        "single-valued"
    };
    let family = match key.ty.base().as_str() {
        "ARN" => "Arn",
        "IPAddress" => "IpAddress",
        other => other,
    };
    format!(
        "Type `{}`, {values}; compare it with the {family} operators.",
        key.ty.as_str()
    )
}

/// `s` after `prefix`, compared without ASCII case.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.split_at_checked(prefix.len())
        .filter(|(head, _)| head.eq_ignore_ascii_case(prefix))
        .map(|(_, rest)| rest)
}

/// An operator name split into its set qualifier, base operator and `IfExists`.
pub fn parse_operator(name: &str) -> Option<(Option<&'static str>, ConditionOperator, bool)> {
    let (qualifier, rest) = if let Some(rest) = strip_prefix_ignore_case(name, "ForAllValues:") {
        (Some("ForAllValues:"), rest)
    } else if let Some(rest) = strip_prefix_ignore_case(name, "ForAnyValue:") {
        (Some("ForAnyValue:"), rest)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest
        .len()
        .checked_sub("IfExists".len())
        .and_then(|i| rest.split_at_checked(i))
    {
        Some((base, tail)) if tail.eq_ignore_ascii_case("IfExists") => (base, true),
        _ => (rest, false),
    };
    Some((qualifier, ConditionOperator::from_name(base)?, if_exists))
}

/// What a base operator does.
pub fn operator_summary(op: ConditionOperator) -> &'static str {
    use ConditionOperator::*;
    match op {
        StringEquals => "true when the key's value equals one of the listed strings, case-sensitively",
        StringNotEquals => "true when the key's value equals none of the listed strings (case-sensitive)",
        StringEqualsIgnoreCase => "true when the key's value equals one of the listed strings, ignoring case",
        StringNotEqualsIgnoreCase => "true when the key's value equals none of the listed strings, ignoring case",
        StringLike => "true when the key's value matches one of the patterns (`*` any run, `?` one character)",
        StringNotLike => "true when the key's value matches none of the patterns (`*`, `?` wildcards)",
        NumericEquals => "true when the key's number equals one of the listed numbers",
        NumericNotEquals => "true when the key's number equals none of the listed numbers",
        NumericLessThan => "true when the key's number is less than the listed number",
        NumericLessThanEquals => "true when the key's number is at most the listed number",
        NumericGreaterThan => "true when the key's number is greater than the listed number",
        NumericGreaterThanEquals => "true when the key's number is at least the listed number",
        DateEquals => "true when the key's date equals the listed date (ISO 8601 or epoch seconds)",
        DateNotEquals => "true when the key's date differs from the listed dates",
        DateLessThan => "true when the key's date is before the listed date",
        DateLessThanEquals => "true when the key's date is at or before the listed date",
        DateGreaterThan => "true when the key's date is after the listed date",
        DateGreaterThanEquals => "true when the key's date is at or after the listed date",
        Bool => "true when the key's boolean equals the listed `true` or `false`",
        BinaryEquals => "true when the key's bytes equal the listed base64-encoded value",
        IpAddress => "true when the key's IP address is in one of the listed CIDR ranges",
        NotIpAddress => "true when the key's IP address is in none of the listed CIDR ranges",
        ArnEquals | ArnLike => "true when the key's ARN matches one of the patterns, segment by segment (`*`, `?`)",
        ArnNotEquals | ArnNotLike => "true when the key's ARN matches none of the patterns (`*`, `?` wildcards)",
        Null => "with `true`: true when the key is absent from the request; with `false`: when it is present",
    }
}

/// The hover text of an operator as written (`ForAnyValue:StringLikeIfExists`).
pub fn operator(name: &str) -> Option<String> {
    let (qualifier, op, if_exists) = parse_operator(name)?;
    let mut out = format!("**{name}**: {}.\n", operator_summary(op));
    if op.is_negated() {
        out.push_str("\nA negated operator: also true when the key is missing from the request.\n");
    }
    if if_exists {
        out.push_str("\n`IfExists`: true when the key is missing from the request; otherwise as above.\n");
    }
    match qualifier {
        Some("ForAllValues:") => out.push_str(
            "\n`ForAllValues:` (for multivalued keys): true when every value of the request matches, \
             and also when the key is missing or empty.\n",
        ),
        Some(_) => out.push_str(
            "\n`ForAnyValue:` (for multivalued keys): true when at least one value of the request \
             matches; false when the key is missing.\n",
        ),
        None => {}
    }
    Some(out)
}

/// The policy and statement elements, with what each one is.
pub const ELEMENTS: &[(&str, &str)] = &[
    (
        "Version",
        "the policy language version: always `\"2012-10-17\"` (the older one does not expand `${…}` variables)",
    ),
    ("Id", "an optional identifier of the policy"),
    ("Statement", "the statements: one object or an array of them"),
    (
        "Sid",
        "an optional statement id (letters and digits); a `TenetIgnore<CODE>` marker in it silences tenet there",
    ),
    ("Effect", "`Allow` or `Deny`: an explicit Deny beats any Allow"),
    (
        "Principal",
        "who the statement applies to (resource, key and trust policies only)",
    ),
    (
        "NotPrincipal",
        "every principal except these (rarely what you want; use `Principal` with a condition)",
    ),
    (
        "Action",
        "the actions the statement applies to, `service:Action`, with `*` and `?` wildcards",
    ),
    ("NotAction", "every action except these"),
    (
        "Resource",
        "the resources the statement applies to, as ARNs with `*` and `?` wildcards",
    ),
    ("NotResource", "every resource except these"),
    (
        "Condition",
        "when the statement applies: `{\"Operator\": {\"key\": values}}`, every entry must hold",
    ),
];

/// The hover text of an element name.
pub fn element(name: &str) -> Option<String> {
    ELEMENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, doc)| format!("**{n}**: {doc}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_lists_its_access_level_resources_and_keys() {
        let doc = action("s3:getobject").unwrap();
        assert!(doc.starts_with("**s3:GetObject**"), "{doc}");
        assert!(doc.contains("Access level: Read"), "{doc}");
        assert!(
            doc.contains("- `object`: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`"),
            "{doc}"
        );
        assert!(doc.contains("`s3:ExistingObjectTag/<key>`"), "{doc}");
        assert_eq!(action("s3:NoSuchAction"), None);
        let wild = action("s3:GetObjectT*").unwrap();
        assert!(wild.contains("`s3:GetObjectTagging` (Read)"), "{wild}");
    }

    #[test]
    fn keys_and_operators_say_what_they_are() {
        let k = condition_key("aws:sourceip").unwrap();
        assert!(k.contains("Type `IPAddress`") && k.contains("global"), "{k}");
        let m = condition_key("aws:PrincipalOrgPaths").unwrap();
        assert!(m.contains("multivalued"), "{m}");
        let op = operator("ForAllValues:StringNotLikeIfExists").unwrap();
        assert!(
            op.contains("negated") && op.contains("`IfExists`") && op.contains("every value"),
            "{op}"
        );
        assert_eq!(operator("StringSimilar"), None);
        assert!(element("Effect").unwrap().contains("Deny"));
    }

    #[test]
    fn operator_names_split_in_any_case_and_multi_byte_text_is_no_operator() {
        assert_eq!(
            parse_operator("forallvalues:StringLikeIFEXISTS"),
            Some((Some("ForAllValues:"), ConditionOperator::StringLike, true))
        );
        assert_eq!(
            parse_operator("ForAnyValue:StringEquals"),
            Some((Some("ForAnyValue:"), ConditionOperator::StringEquals, false))
        );
        for name in [
            "éIfExists",
            "ForAnyValue:é",
            "ForAllValueé:StringEquals",
            "StringEqualsIfExistsé",
            "é",
        ] {
            assert_eq!(parse_operator(name), None, "{name}");
        }
    }
}
