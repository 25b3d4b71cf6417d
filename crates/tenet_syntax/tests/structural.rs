//! Snapshots of the structural diagnostics for the fixtures under `tests/fixtures/syntax/`, rendered
//! as users see them, plus a summary of the documents found.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![expect(clippy::unwrap_used, reason = "a test fails loudly on unexpected input")]

use std::fmt::Write;
use std::path::{Path, PathBuf};

use tenet_diagnostics::{render_diagnostics, LineIndex, RenderOptions};
use tenet_syntax::parse_policy_bytes;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/syntax")
}

fn report(name: &str) -> String {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    let parsed = parse_policy_bytes(name, &bytes, None);
    let source = String::from_utf8_lossy(&bytes).into_owned();
    let index = LineIndex::new(&source);
    let mut out = format!("form: {:?}\n", parsed.form);
    for d in &parsed.documents {
        writeln!(
            out,
            "document {:?}: kind {}, {} statement(s)",
            d.name.as_deref().unwrap_or("<file>"),
            d.kind.as_str(),
            d.policy.statements.len()
        )
        .unwrap();
    }
    for d in &parsed.diagnostics {
        let s = index.line_col(&source, d.span.start);
        writeln!(out, "{}:{} {} {}", s.line, s.column, d.code, d.message).unwrap();
    }
    out.push('\n');
    let options = RenderOptions {
        color: false,
        width: 100,
    };
    out.push_str(&render_diagnostics(name, &source, &parsed.diagnostics, options));
    out
}

macro_rules! snapshot_fixture {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            let out = report($file);
            insta::with_settings!({snapshot_path => "../../../snapshots/syntax", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(stringify!($test), out);
            });
        }
    };
}

snapshot_fixture!(trailing_comma, "trailing-comma.json");
snapshot_fixture!(truncated, "truncated.json");
snapshot_fixture!(empty, "empty.json");
snapshot_fixture!(invalid_utf8, "invalid-utf8.json");
snapshot_fixture!(elements, "elements.json");
snapshot_fixture!(ecr_repository_policy, "ecr-repository-policy.json");
snapshot_fixture!(trust_action_star, "trust-action-star.json");
snapshot_fixture!(boundary_policy, "boundary-policy.json");
snapshot_fixture!(scp_resource_shaped, "scp-resource-shaped.json");
snapshot_fixture!(bucket_missing_principal, "bucket-missing-principal.json");
snapshot_fixture!(embedded_bucket_policy, "embedded-bucket-policy.json");
snapshot_fixture!(policy_version_urlencoded, "policy-version-urlencoded.json");
snapshot_fixture!(account_details, "account-details.json");

#[test]
fn embedded_diagnostic_points_into_the_outer_string() {
    let name = "embedded-bucket-policy.json";
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    let parsed = tenet_syntax::parse_policy_file(name, &text, None);
    let unknown = parsed.diagnostics.iter().find(|d| d.code == "SYN005").unwrap();
    assert_eq!(&text[unknown.span.range()], "\\\"Resorce\\\"");
}

#[test]
fn url_encoded_diagnostic_points_at_the_encoded_bytes() {
    let name = "policy-version-urlencoded.json";
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    let parsed = tenet_syntax::parse_policy_file(name, &text, None);
    let unknown = parsed.diagnostics.iter().find(|d| d.code == "SYN005").unwrap();
    assert_eq!(&text[unknown.span.range()], "%22Sidd%22");
}
