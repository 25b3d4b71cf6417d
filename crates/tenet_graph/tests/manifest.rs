//! Manifest errors are located diagnostics: the span points at the offending text of `estate.toml`.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![allow(clippy::indexing_slicing, reason = "a test fails loudly on an out-of-range index")]

mod common;

use tenet_graph::Loaded;

/// The single error's code and the manifest text it points at.
fn error(loaded: &Loaded, text: &str) -> (&'static str, String, String) {
    let errors: Vec<_> = loaded
        .reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
        .filter(|(_, d)| d.severity == tenet_diagnostics::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (r, d) = errors[0];
    assert_eq!(r.path, "estate.toml");
    (d.code, text[d.span.range()].to_owned(), d.message.clone())
}

#[test]
fn toml_syntax_error_points_at_the_place() {
    let text = "[[account]]\nid = \"111111111111\nname = \"x\"\n";
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", text)]));
    let (code, _, message) = error(&loaded, text);
    assert_eq!(code, "EST002");
    assert!(!message.ends_with('.'), "{message}");
}

#[test]
fn unknown_field_is_located() {
    let text = "[[account]]\nid = \"111111111111\"\npolicys = [\"a.json\"]\n";
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", text)]));
    let (code, at, message) = error(&loaded, text);
    assert_eq!(code, "EST002");
    assert_eq!(at, "policys");
    assert!(message.contains("unknown field"), "{message}");
}

#[test]
fn missing_policy_file_points_at_its_path_in_the_manifest() {
    let text =
        "[[account]]\nid = \"111111111111\"\n[[account.role]]\nname = \"app\"\npolicies = [\"roles/app.json\"]\n";
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", text)]));
    let (code, at, _) = error(&loaded, text);
    assert_eq!(code, "EST001");
    assert_eq!(at, "\"roles/app.json\"");
}

#[test]
fn bad_account_id_and_key_of_another_account_are_errors() {
    let text = "[[account]]\nid = \"1111\"\n";
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", text)]));
    assert_eq!(error(&loaded, text).1, "\"1111\"");
    let text =
        "[[account]]\nid = \"111111111111\"\n[[account.key]]\narn = \"arn:aws:kms:us-east-1:222222222222:key/k\"\n";
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", text)]));
    let (_, at, message) = error(&loaded, text);
    assert_eq!(at, "\"arn:aws:kms:us-east-1:222222222222:key/k\"");
    assert!(message.contains("`111111111111`"), "{message}");
}

#[test]
fn malformed_policy_and_grants_are_reported_in_their_own_files() {
    let text = "[[account]]\nid = \"111111111111\"\n[[account.key]]\narn = \"arn:aws:kms:us-east-1:111111111111:key/k\"\npolicy = \"key.json\"\ngrants = [\"grants.json\"]\n";
    let key = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resorce": "*"}]}"#;
    let grants = r#"{"Grants": [{"Operations": ["Decrypt"]}]}"#;
    let loaded = tenet_graph::load(&common::sources(&[
        ("estate.toml", text),
        ("key.json", key),
        ("grants.json", grants),
    ]));
    assert!(loaded.has_errors());
    let files: Vec<&str> = loaded.reports.iter().map(|r| r.path.as_str()).collect();
    assert!(
        files.contains(&"key.json") && files.contains(&"grants.json"),
        "{files:?}"
    );
    let g = loaded.reports.iter().find(|r| r.path == "grants.json").unwrap();
    assert!(
        g.diagnostics[0].message.contains("GranteePrincipal"),
        "{:?}",
        g.diagnostics
    );
}

#[test]
fn an_empty_directory_is_not_an_estate() {
    let loaded = tenet_graph::load(&common::sources(&[("notes.json", "{}")]));
    assert!(loaded.has_errors());
    assert_eq!(loaded.reports[0].diagnostics[0].code, "EST006");
}

#[test]
fn scps_follow_the_ou_path_and_skip_the_management_account() {
    let text = r#"
[[organization]]
id = "o-abcdefghij"
management-account = "999999999999"
scps = { "root" = ["full.json"], "root/prod" = ["deny.json"], "111111111111" = ["deny.json"] }

[[account]]
id = "111111111111"
org = "o-abcdefghij"
ou = "root/prod"

[[account]]
id = "999999999999"
org = "o-abcdefghij"
ou = "root"
"#;
    let full = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let deny =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let loaded = tenet_graph::load(&common::sources(&[
        ("estate.toml", text),
        ("full.json", full),
        ("deny.json", deny),
    ]));
    assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
    assert_eq!(loaded.estate.scp_levels("111111111111").len(), 3);
    assert!(loaded.estate.scp_levels("999999999999").is_empty());
    assert!(loaded.estate.principal("arn:aws:iam::111111111111:root").is_some());
}
