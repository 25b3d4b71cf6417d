//! `estate` headers: the FSx case of `policies/fsx-cross-account`, proved over the whole estate
//! (bucket policy, key policy and grants, identity policies, SCPs and RCPs), and each broken
//! variant with the verdict it must get and the link it must name.

use std::path::PathBuf;
use tenet_prove::{prove_file, PropertyResult, Verdict};

#[cfg(test)]
fn results(rel: &str) -> Vec<PropertyResult> {
    let path = repo("policies/fsx-cross-account").join(rel);
    prove_file(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[cfg(test)]
fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// The caller of a verdict's counterexample (or witness).
#[cfg(test)]
fn caller(r: &PropertyResult) -> String {
    r.counterexample
        .as_ref()
        .expect("a counterexample")
        .principal
        .as_str()
        .to_owned()
}

#[cfg(test)]
fn get<'r>(rs: &'r [PropertyResult], name: &str) -> &'r PropertyResult {
    rs.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

fn text(r: &PropertyResult) -> String {
    format!(
        "{} / {}",
        r.reason.as_deref().unwrap_or(""),
        r.explanation.as_deref().unwrap_or("")
    )
}

#[test]
fn the_working_estate_holds_with_witnesses_for_both_links() {
    let rs = results("estate.tenet");
    for r in &rs {
        assert_eq!(r.verdict, Verdict::Holds, "{}: {}", r.name, text(r));
    }
    for name in ["slr-can-read", "slr-can-write"] {
        let r = get(&rs, name);
        let witness = r.counterexample.as_ref().expect("a witness");
        assert!(witness.principal.as_str().contains("AWSServiceRoleForFSxS3Access"));
        let t = text(r);
        assert!(t.contains("link 2 (kms:"), "{t}");
        assert!(t.contains("KMS grant"), "{t}");
    }
}

/// (variant, link that fails, words the reason must hold)
const BROKEN: [(&str, usize, &str); 5] = [
    (
        "variants/grant-revoked.tenet",
        2,
        "no identity-based policy allows the kms:",
    ),
    ("variants/wrong-region.tenet", 2, "`DenyFSxCryptoOutsideS3`"),
    (
        "variants/bucket-names-account-root.tenet",
        1,
        "no identity-based policy allows the s3:",
    ),
    (
        "variants/key-policy-without-role.tenet",
        2,
        "nor delegates it to account 111111111111, and no grant allows it",
    ),
    (
        "variants/other-bucket-context.tenet",
        2,
        "`DenyFSxCryptoOnOtherBuckets`",
    ),
];

#[test]
fn each_broken_variant_is_violated_at_the_link_it_breaks() {
    for (file, link, words) in BROKEN {
        let rs = results(file);
        for name in ["slr-can-read", "slr-can-write"] {
            let r = get(&rs, name);
            assert_eq!(r.verdict, Verdict::Violated, "{file} {name}: {}", text(r));
            let t = text(r);
            assert!(t.starts_with(&format!("link {link} of 2 fails")), "{file} {name}: {t}");
            assert!(t.contains(words), "{file} {name}: {t}");
        }
        // Breaking the role's path opens nothing to outsiders.
        assert_eq!(
            get(&rs, "nobody-outside-the-organization-decrypts").verdict,
            Verdict::Holds,
            "{file}"
        );
    }
}

#[test]
fn a_grant_alone_carries_the_role_when_the_key_policy_does_not_name_it() {
    let rs = results("variants/key-policy-without-role-with-grant.tenet");
    for r in &rs {
        assert_eq!(r.verdict, Verdict::Holds, "{}: {}", r.name, text(r));
    }
}

/// A small estate in a temporary directory: account 111111111111 (open or closed world) with an
/// app role, and account 222222222222 with a bucket whose policy grants the role (or, with
/// `to_root`, account 111111111111, which delegates to its identity policies).
#[cfg(test)]
fn small_estate(closed: bool, to_root: bool, tenet: &str) -> (tempdir::Dir, PathBuf) {
    let dir = tempdir::Dir::new();
    let role_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-b/*"}]}"#;
    let grantee = if to_root {
        "arn:aws:iam::111111111111:root"
    } else {
        "arn:aws:iam::111111111111:role/app"
    };
    let bucket_policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"AWS":"{grantee}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-b/*"}}]}}"#
    );
    let manifest = format!(
        "[[account]]\nid = \"111111111111\"\nname = \"a\"\nclosed-world = {closed}\n\n\
         [[account.role]]\nname = \"app\"\npolicies = [\"app.json\"]\n\n\
         [[account]]\nid = \"222222222222\"\nname = \"b\"\nclosed-world = true\n\n\
         [[account.bucket]]\nname = \"data-b\"\npolicy = \"bucket.json\"\nencryption = \"sse-s3\"\n"
    );
    dir.write("estate.toml", &manifest);
    dir.write("app.json", role_policy);
    dir.write("bucket.json", &bucket_policy);
    dir.write("p.tenet", tenet);
    let p = dir.path().join("p.tenet");
    (dir, p)
}

#[cfg(test)]
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "tenet-estate-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&p).expect("temp dir");
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
        pub fn write(&self, name: &str, text: &str) {
            std::fs::write(self.0.join(name), text).expect("write");
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

const READ_NEVER_OUTSIDE_APP: &str = r#"estate "estate.toml"
property only-app-reads:
  never allow s3:GetObject on "arn:aws:s3:::data-b/*"
    for principal outside accounts ["222222222222"]
property app-reads:
  can principal "arn:aws:iam::111111111111:role/app" do s3:GetObject on "arn:aws:s3:::data-b/k"
"#;

#[test]
fn the_role_the_bucket_names_reads_and_nobody_else_outside_b() {
    for closed in [false, true] {
        let (_d, p) = small_estate(closed, false, READ_NEVER_OUTSIDE_APP);
        let rs = prove_file(&p).expect("runs");
        let never = get(&rs, "only-app-reads");
        assert_eq!(never.verdict, Verdict::Violated, "{}", text(never));
        let who = caller(never);
        assert!(who.contains("app"), "{who}");
        assert_eq!(
            get(&rs, "app-reads").verdict,
            Verdict::Holds,
            "{}",
            text(get(&rs, "app-reads"))
        );
    }
}

#[test]
fn an_open_account_may_hold_other_principals_a_closed_one_does_not() {
    // The bucket policy delegates to account 111111111111: in the open world its administrators may
    // give any role an identity policy that reads the bucket; in the closed world `other` does not
    // exist beside `app`.
    let tenet = r#"estate "estate.toml"
property other-never-reads:
  never allow s3:GetObject on "arn:aws:s3:::data-b/*" for principal ["arn:aws:iam::111111111111:role/other"]
"#;
    let verdict = |closed| {
        let (_d, p) = small_estate(closed, true, tenet);
        let rs = prove_file(&p).expect("runs");
        let r = get(&rs, "other-never-reads").clone();
        (r.verdict, text(&r))
    };
    let (open, why) = verdict(false);
    assert_eq!(open, Verdict::Violated, "{why}");
    let (closed, why) = verdict(true);
    assert_eq!(closed, Verdict::Holds, "{why}");
}

#[test]
fn the_bucket_owner_s_root_reads_in_its_own_account() {
    let tenet = r#"estate "estate.toml"
property nobody-in-b-reads:
  never allow s3:GetObject on "arn:aws:s3:::data-b/*" for principal in accounts ["222222222222"]
"#;
    let (_d, p) = small_estate(true, false, tenet);
    let rs = prove_file(&p).expect("runs");
    let r = get(&rs, "nobody-in-b-reads");
    assert_eq!(r.verdict, Verdict::Violated, "{}", text(r));
    let who = caller(r);
    assert_eq!(who, "arn:aws:iam::222222222222:root");
}

#[test]
fn resources_outside_the_estate_and_unresolved_filters_are_unknown_never_holds() {
    let tenet = r#"estate "estate.toml"
property other-bucket:
  never allow s3:GetObject on "arn:aws:s3:::not-in-estate/*"
property other-service:
  never allow sqs:SendMessage on "arn:aws:sqs:us-east-1:222222222222:q"
property outside-org-without-org:
  never allow s3:GetObject on "arn:aws:s3:::data-b/*" for principal outside organization
"#;
    let (_d, p) = small_estate(true, false, tenet);
    let rs = prove_file(&p).expect("runs");
    for (name, words) in [
        ("other-bucket", "bucket `not-in-estate` is not in the estate"),
        ("other-service", "is not a bucket, key or role of the estate"),
        ("outside-org-without-org", "is in no organization of the estate"),
    ] {
        let r = get(&rs, name);
        assert_eq!(r.verdict, Verdict::Unknown, "{name}: {}", text(r));
        assert!(text(r).contains(words), "{name}: {}", text(r));
    }
}

#[test]
fn estate_input_errors_are_tool_failures() {
    // A manifest with an error: exit-2 class error, with the located diagnostic.
    let (d, p) = small_estate(
        true,
        false,
        "estate \"estate.toml\"\nproperty x:\n  never allow s3:GetObject on \"arn:aws:s3:::data-b/*\"\n",
    );
    d.write("estate.toml", "[[account]]\nid = \"12\"\n");
    let e = prove_file(&p).expect_err("a broken manifest is a failure");
    assert!(matches!(e, tenet_prove::ProveError::Estate(_)), "{e}");
    // A missing estate.
    d.write(
        "p.tenet",
        "estate \"nowhere\"\nproperty x:\n  never allow s3:GetObject on \"arn:aws:s3:::data-b/*\"\n",
    );
    assert!(prove_file(&p).is_err());
    // `policy` headers beside an estate.
    d.write("estate.toml", "[[account]]\nid = \"111111111111\"\nname = \"a\"\n");
    d.write(
        "p.tenet",
        "estate \"estate.toml\"\npolicy resource \"bucket.json\"\nproperty x:\n  never allow s3:GetObject on \"arn:aws:s3:::data-b/*\"\n",
    );
    let rs = prove_file(&p).expect("runs");
    assert_eq!(rs[0].verdict, Verdict::Unknown);
    assert!(
        text(&rs[0]).contains("cannot be mixed with `estate`"),
        "{}",
        text(&rs[0])
    );
}

#[test]
fn a_template_about_to_be_deployed_is_an_estate_and_its_placeholders_prove_nothing() {
    let path = repo("tests/fixtures/iac/estate/fsx-template.tenet");
    let rs = prove_file(&path).expect("runs");
    let reads = get(&rs, "data-role-reads");
    assert_eq!(reads.verdict, Verdict::Holds, "{}", text(reads));
    assert!(text(reads).contains("link 2 (kms:Decrypt"), "{}", text(reads));
    // Its identity policy holds an `!ImportValue`: neither a witness nor a denial stands on it.
    let unresolved = get(&rs, "reports-reader-reads");
    assert_eq!(unresolved.verdict, Verdict::Unknown);
    assert!(text(unresolved).contains("unresolved"), "{}", text(unresolved));
    // For every caller, the unresolved role is in the open world: the bucket policy still decides.
    let tls = get(&rs, "tls-only");
    assert_eq!(tls.verdict, Verdict::Holds, "{}", text(tls));
}

#[test]
fn a_template_without_its_account_is_a_tool_failure() {
    let d = tempdir::Dir::new();
    let template = std::fs::read_to_string(repo("tests/fixtures/iac/estate/fsx-template.yaml")).expect("template");
    d.write("t.yaml", &template);
    d.write(
        "p.tenet",
        "estate \"t.yaml\"\nproperty x:\n  never allow s3:GetObject on \"arn:aws:s3:::fsx-data-example/*\"\n",
    );
    let e = prove_file(&d.path().join("p.tenet")).expect_err("no account");
    assert!(e.to_string().contains("has errors"), "{e}");
    d.write(
        "p.tenet",
        "estate \"t.yaml\" account \"12\"\nproperty x:\n  never allow s3:GetObject on \"arn:aws:s3:::fsx-data-example/*\"\n",
    );
    let e = prove_file(&d.path().join("p.tenet")).expect_err("bad account");
    assert!(e.to_string().contains("not a 12-digit account id"), "{e}");
}

#[test]
fn a_terraform_plan_is_an_estate_with_its_grant() {
    let path = repo("tests/fixtures/iac/estate/fsx-plan.tenet");
    let rs = prove_file(&path).expect("runs");
    let reads = get(&rs, "data-role-reads");
    assert_eq!(reads.verdict, Verdict::Holds, "{}", text(reads));
    assert!(text(reads).contains("link 2 (kms:Decrypt"), "{}", text(reads));
    let never = get(&rs, "nobody-else-outside-reads");
    assert_eq!(never.verdict, Verdict::Holds, "{}", text(never));
}
