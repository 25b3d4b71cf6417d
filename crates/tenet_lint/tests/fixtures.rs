//! Fixture tests: every rule has `tests/fixtures/lint/<family>/<CODE>[.<variant>][.<kind>].json` at the
//! repository root. Statements whose `Sid` starts with `Bad` must get a diagnostic of `CODE` (its
//! primary span or a label inside the statement), statements whose `Sid` starts with `Ok` must not
//! (no primary span inside); an `Id` starting with `Bad`/`Ok` says the same of the whole document.
//! The rendered diagnostics of `CODE` are snapshotted into `snapshots/lint/<family>__<file>.snap`.
//!
//! The policy kind is the file name part that names one (`IAM090.trust.json`), else `identity`.
#![expect(
    clippy::expect_used,
    reason = "test helpers: a missing or unreadable fixture must fail loudly"
)]

use std::path::{Path, PathBuf};
use tenet_ast::{PolicyDocument, PolicyKind};
use tenet_diagnostics::{render_diagnostics, Diagnostic, RenderOptions, Span};
use tenet_lint::{lint_with_source, rules, LintConfig};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture_files() -> Vec<(String, PathBuf)> {
    let dir = root().join("tests/fixtures/lint");
    let mut out = Vec::new();
    for family in std::fs::read_dir(&dir).expect("fixture directory").flatten() {
        let family_name = family.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(family.path()).expect("family directory").flatten() {
            if file.path().extension().is_some_and(|e| e == "json") {
                out.push((family_name.clone(), file.path()));
            }
        }
    }
    out.sort();
    out
}

/// `(code, kind)` from a file name such as `IAM090.assume.trust.json`.
fn code_and_kind(path: &Path) -> (String, PolicyKind) {
    let stem = path.file_stem().expect("file name").to_string_lossy().into_owned();
    let mut parts = stem.split('.');
    let code = parts.next().expect("code").to_owned();
    let kind = parts.find_map(PolicyKind::from_name).unwrap_or(PolicyKind::Identity);
    (code, kind)
}

fn inside(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Checks the `Bad…`/`Ok…` expectations of one document; returns failures.
fn check_expectations(file: &str, code: &str, doc: &PolicyDocument, diags: &[&Diagnostic]) -> Vec<String> {
    let mut failures = Vec::new();
    let flags = |span: Span| {
        diags
            .iter()
            .any(|d| inside(d.span, span) || d.labels.iter().any(|l| inside(l.span, span)))
    };
    let flags_primary = |span: Span| diags.iter().any(|d| inside(d.span, span));
    if let Some(id) = &doc.policy.id {
        if id.value.starts_with("Bad") && diags.is_empty() {
            failures.push(format!("{file}: document `{}` expects {code}", id.value));
        }
        if id.value.starts_with("Ok") && !diags.is_empty() {
            failures.push(format!("{file}: document `{}` must not get {code}", id.value));
        }
    }
    for stmt in &doc.policy.statements {
        let Some(sid) = &stmt.sid else { continue };
        if sid.value.starts_with("Bad") && !flags(stmt.span) {
            failures.push(format!("{file}: statement `{}` expects {code}", sid.value));
        }
        if sid.value.starts_with("Ok") && flags_primary(stmt.span) {
            failures.push(format!("{file}: statement `{}` must not get {code}", sid.value));
        }
    }
    failures
}

fn has_bad(doc: &PolicyDocument) -> bool {
    let id_bad = doc.policy.id.as_ref().is_some_and(|i| i.value.starts_with("Bad"));
    id_bad
        || doc
            .policy
            .statements
            .iter()
            .any(|s| s.sid.as_ref().is_some_and(|sid| sid.value.starts_with("Bad")))
}

#[test]
fn fixtures() {
    let config = LintConfig::from_toml("select = [\"ALL\"]", None).expect("config");
    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    let mut with_bad = std::collections::BTreeSet::new();
    for (family, path) in fixture_files() {
        let (code, kind) = code_and_kind(&path);
        let name = format!("{family}/{}", path.file_name().expect("name").to_string_lossy());
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let parsed = tenet_syntax::parse_policy_file(&name, &text, Some(kind));
        if let Some(d) = parsed.diagnostics.iter().find(|d| d.code == "SYN001") {
            failures.push(format!("{name}: not valid JSON: {}", d.message));
            continue;
        }
        if tenet_lint::rule_by_code(&code).is_none() {
            failures.push(format!("{name}: no rule has the code {code}"));
            continue;
        }
        covered.insert(code.clone());
        let mut all = Vec::new();
        for doc in &parsed.documents {
            let diags = lint_with_source(doc, Some(&text), &config);
            let own: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
            failures.extend(check_expectations(&name, &code, doc, &own));
            if has_bad(doc) {
                with_bad.insert(code.clone());
            }
            all.extend(own.into_iter().cloned());
        }
        let rendered = render_diagnostics(
            &name,
            &text,
            &all,
            RenderOptions {
                color: false,
                width: 100,
            },
        );
        let snapshot = format!("{family}__{}", path.file_stem().expect("stem").to_string_lossy());
        insta::with_settings!({
            snapshot_path => root().join("snapshots/lint"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot, rendered);
        });
    }
    for meta in rules() {
        // Whether a rule declares `fixable` exactly when it offers fixes is the fix harness's check
        // (tests/fix_harness), with the rest of what a fix must do.
        if !covered.contains(meta.code) {
            failures.push(format!("{} ({}) has no fixture", meta.code, meta.name));
        } else if !with_bad.contains(meta.code) {
            failures.push(format!(
                "{} ({}) has no `Bad…` statement or document in its fixtures",
                meta.code, meta.name
            ));
        }
    }
    assert!(failures.is_empty(), "fixture failures:\n{}", failures.join("\n"));
}

#[test]
fn sid_and_id_markers_suppress_findings() {
    let text = r#"{"Id": "LegacyTenetIgnoreIAM001", "Statement": [
        {"Sid": "Dup", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Dup", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        {"Sid": "DupTenetIgnoreIAM002", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "*"},
        {"Sid": "DupTenetIgnoreIAM002", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucket"], "Resource": "*"}
    ]}"#;
    let parsed = tenet_syntax::parse_policy_file("p.json", text, Some(PolicyKind::Identity));
    let doc = &parsed.documents[0];
    let diags = lint_with_source(doc, Some(text), &LintConfig::default());
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert!(!codes.contains(&"IAM001"), "the Id marker suppresses IAM001: {codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == "IAM002").count(), 1, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == "IAM110").count(),
        2,
        "other codes stay: {codes:?}"
    );
}

#[test]
fn per_path_ignores_and_severities_apply_to_all_codes() {
    let config = LintConfig::from_toml(
        "[severity]\nIAM002 = \"warning\"\n[[per-path]]\nglob = \"legacy/**\"\nignore = [\"IAM1\", \"SYN\"]\n",
        Some(PathBuf::from("/repo")),
    )
    .expect("config");
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "*"},
        {"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
    ]}"#;
    let parsed = tenet_syntax::parse_policy_file("p.json", text, Some(PolicyKind::Identity));
    let diags = lint_with_source(&parsed.documents[0], Some(text), &config);
    let legacy = config.filter(Path::new("/repo/legacy/p.json"), diags.clone(), &parsed.documents);
    assert!(legacy.iter().all(|d| !d.code.starts_with("IAM1")), "{legacy:?}");
    let kept = config.filter(Path::new("/repo/p.json"), diags, &parsed.documents);
    let dup = kept.iter().find(|d| d.code == "IAM002").expect("IAM002 kept");
    assert_eq!(dup.severity, tenet_diagnostics::Severity::Warning);
    assert!(kept.iter().any(|d| d.code == "IAM110"));
}
