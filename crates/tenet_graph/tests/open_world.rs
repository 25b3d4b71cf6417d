//! Open-world accounts: principals a policy names but the estate does not list are asked about, and
//! "any unlisted principal" is never denied on the strength of a name it need not have.

mod common;

use tenet_graph::access::{who_can, Analysis, LinkOutcome};

const MANIFEST: &str = r#"
[[account]]
id = "111111111111"

[[account]]
id = "222222222222"
closed-world = true

[[account.bucket]]
name = "shared"
policy = "bucket.json"
"#;

const BUCKET: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Reporter", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/reporter"},
   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"},
  {"Sid": "Apps", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*",
   "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-*"}}},
  {"Sid": "Ghost", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/ghost"},
   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}]}"#;

#[test]
fn named_but_unlisted_principals_of_open_world_accounts_are_subjects() {
    let loaded = tenet_graph::load(&common::sources(&[("estate.toml", MANIFEST), ("bucket.json", BUCKET)]));
    assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
    let a = Analysis::new(&loaded.estate);
    let r = who_can(&a, "s3:GetObject", "arn:aws:s3:::shared/x", None, None).unwrap();
    let reporter = r
        .answers
        .iter()
        .find(|x| x.subject.label == "arn:aws:iam::111111111111:role/reporter")
        .unwrap();
    assert_eq!(reporter.verdict(), "allowed", "{reporter:#?}");
    // A closed-world account's unlisted role does not exist: it is not asked about.
    assert!(r.answers.iter().all(|x| !x.subject.label.contains("ghost")));
    // Any unlisted principal of 111111111111 might be named `app-…`: not denied.
    let any = r
        .answers
        .iter()
        .find(|x| {
            x.subject
                .label
                .starts_with("any unlisted principal of account 111111111111")
        })
        .unwrap();
    assert_ne!(any.verdict(), "denied", "{any:#?}");
    assert!(matches!(any.links[0].1, LinkOutcome::Unknown { .. }));
}

#[test]
fn an_account_outside_the_estate_named_by_its_root_or_id_is_asked_about() {
    // The generic outsider (999999999999) is not account 555555555555: a grant to that account's
    // root (or its bare id) reaches its principals, and who-can must say so.
    for principal in ["arn:aws:iam::555555555555:root", "555555555555"] {
        let bucket = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{principal}"}},
               "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}}]}}"#
        );
        let loaded = tenet_graph::load(&common::sources(&[("estate.toml", MANIFEST), ("bucket.json", &bucket)]));
        assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
        let a = Analysis::new(&loaded.estate);
        let r = who_can(&a, "s3:GetObject", "arn:aws:s3:::shared/x", None, None).unwrap();
        let outside = r
            .answers
            .iter()
            .find(|x| x.subject.label == "any principal of account 555555555555 (outside the estate)")
            .unwrap_or_else(|| {
                panic!(
                    "{principal}: {:#?}",
                    r.answers.iter().map(|x| &x.subject.label).collect::<Vec<_>>()
                )
            });
        assert_eq!(outside.verdict(), "allowed", "{outside:#?}");
        let generic = r
            .answers
            .iter()
            .find(|x| x.subject.label == "any principal of an account outside the estate")
            .unwrap();
        assert_eq!(generic.verdict(), "denied", "{generic:#?}");
    }
}
