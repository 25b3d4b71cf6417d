//! The scenario reader of `tenet simulate`: the scenario's request (principal forms, context values,
//! KMS grants) and its policies, read from arbitrary JSON. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenet_ast::eval::scenario::Scenario;
use tenet_syntax::json::{parse_json, JsonKind, OffsetMap};

fuzz_target!(|text: &str| {
    let Ok(scenario) = serde_json::from_str::<Scenario>(text) else {
        return;
    };
    let _ = scenario.grants();
    let _ = scenario.resource_is_key_policy();
    let Ok(mut request) = scenario.to_request() else {
        return;
    };
    request.populate_derived_keys();
    // The policies in the scenario, read with spans as the simulator reads them.
    if let Ok(root) = parse_json(text, &OffsetMap::identity()) {
        for key in ["identityPolicies", "resourcePolicy", "permissionBoundaries", "sessionPolicy"] {
            let Some(value) = root.get(key) else { continue };
            let items: Vec<_> = match &value.kind {
                JsonKind::Array(items) => items.iter().collect(),
                _ => vec![value],
            };
            for item in items {
                let _ = tenet_syntax::lower_policy(item, tenet_ast::PolicyKind::Identity);
            }
        }
    }
});
