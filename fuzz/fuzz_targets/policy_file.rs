//! The JSON reader, the wrappers (AWS CLI outputs, embedded and URL-encoded policies), the lowering
//! and every lint rule, on arbitrary bytes; then the human renderer on what they found. Nothing may
//! panic, and every span must lie inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenet_diagnostics::{render_diagnostics, RenderOptions};
use tenet_lint::LintConfig;

fuzz_target!(|data: &[u8]| {
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
});
