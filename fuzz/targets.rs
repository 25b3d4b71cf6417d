//! The bodies of the fuzz targets, shared by `cargo fuzz` (`fuzz_targets/*.rs`, nightly, run by
//! `scripts/fuzz.sh`) and by the stable replay test that CI runs (`tests/fuzz_replay.rs`: the
//! seeds and deterministic mutations of them). Each one panics when an input breaks an invariant.

use tenet_diagnostics::{render_diagnostics, Diagnostic, RenderOptions, Span};
use tenet_lint::LintConfig;

/// The JSON reader, the wrappers (AWS CLI outputs, embedded and URL-encoded policies), the lowering
/// and every lint rule, on arbitrary bytes; then the human renderer on what they found. Nothing may
/// panic, and every span must lie inside the file.
pub fn policy_file(data: &[u8]) {
    let parsed = tenet_syntax::parse_policy_bytes("fuzz/policy.json", data, None);
    let text = std::str::from_utf8(data).ok();
    let config = LintConfig::from_toml("select = [\"ALL\"]", None).unwrap_or_default();
    let mut all = parsed.diagnostics.clone();
    for doc in &parsed.documents {
        all.extend(tenet_lint::lint_with_source(doc, text, &config));
    }
    for d in &all {
        assert!(d.span.start <= d.span.end && d.span.end as usize <= data.len(), "{d:?}");
    }
    if let Some(text) = text {
        let _ = tenet_syntax::not_a_policy(text);
        let _ = render_diagnostics("p.json", text, &all, RenderOptions::default());
    }
}

fn inside(span: Span, ds: &[Diagnostic]) {
    for d in ds {
        assert!(
            span.start <= d.span.start && d.span.end <= span.end,
            "{d:?} outside {span:?}"
        );
    }
}

/// IAM's mini-grammars (ARNs, actions, operators, CIDRs, dates, ids, policy variables) on arbitrary
/// strings: nothing may panic, and diagnostics stay inside the value's span.
pub fn grammars(s: &str) {
    use tenet_syntax::grammar::{action, arn, cidr, date, ids, operator, variable};
    // The value as it would sit in a file: quoted, at some offset.
    let span = Span::new(7, 7 + s.len() + 2);
    inside(span, &arn::parse_resource(s, span).1);
    inside(span, &arn::parse_arn(s, span).1);
    inside(span, &action::parse_action(s, span).1);
    inside(span, &operator::parse_operator(s, span).1);
    inside(span, &cidr::parse_cidr(s, span).1);
    inside(span, &date::parse_date(s, span).1);
    inside(span, &ids::parse_vpc_id(s, span).1);
    inside(span, &ids::parse_vpce_id(s, span).1);
    inside(span, &ids::parse_account_id(s, span).1);
    for enabled in [false, true] {
        inside(span, &variable::parse_template(s, span, enabled).1);
    }
}

/// The `.tenet` property language's parser (read only: `tenet_prove::lang::parse`) on arbitrary
/// text: it returns a file or a syntax error, never panics.
pub fn property(src: &str) {
    let _ = tenet_prove::lang::parse("fuzz.tenet", src);
}

/// The scenario reader of `tenet simulate`: the scenario's request (principal forms, context
/// values, KMS grants) and its policies, read from arbitrary JSON. Nothing may panic.
pub fn scenario(text: &str) {
    use tenet_ast::eval::scenario::Scenario;
    use tenet_syntax::json::{parse_json, JsonKind, OffsetMap};
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
        for key in [
            "identityPolicies",
            "resourcePolicy",
            "permissionBoundaries",
            "sessionPolicy",
        ] {
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
}
