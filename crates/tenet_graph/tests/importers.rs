//! The importers on files in the documented shapes: `get-account-authorization-details` output, the
//! iam-collect layout, and the CLI outputs a manifest may name.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]

mod common;

use tenet_diagnostics::Severity;
use tenet_graph::access::{who_can, Analysis};
use tenet_graph::{Encryption, PrincipalKind};

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn authorization_details_become_principals_with_their_policies() {
    let loaded = tenet_graph::load(&common::read_dir(&fixtures().join("authz")));
    assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
    let e = &loaded.estate;
    let alice = e.principal("arn:aws:iam::123456789012:user/alice").unwrap();
    assert_eq!(alice.kind, PrincipalKind::User);
    assert_eq!(alice.groups, ["readers"]);
    assert!(alice.boundary.is_some());
    let deploy = e.principal("arn:aws:iam::123456789012:role/deploy").unwrap();
    // Two inline policies (one URL-encoded) and the default version (v2) of the managed policy.
    assert_eq!(deploy.policies.len(), 3);
    let managed = e.policy(deploy.policies[2]).unwrap();
    let action = &managed.statements[0].value.action.as_ref().unwrap().value.items[0].value;
    assert_eq!(action, "s3:Get*", "the default version, not v1");
    assert!(deploy.trust.is_some(), "the URL-encoded trust policy is read");
    let slr = e
        .principals
        .iter()
        .find(|p| p.name == "AWSServiceRoleForElasticLoadBalancing")
        .unwrap();
    assert_eq!(
        slr.kind,
        PrincipalKind::ServiceLinkedRole {
            service: "elasticloadbalancing.amazonaws.com".into()
        }
    );
    // The AWS managed policy of the service-linked role is not in the output: a located warning,
    // and the account is read as open world.
    let warnings: Vec<_> = loaded
        .reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].message.contains("AWSElasticLoadBalancingServiceRolePolicy"));
    let text = common::read_dir(&fixtures().join("authz"));
    let source = text.get("123456789012.json").unwrap();
    assert!(source[warnings[0].span.range()].contains("\"PolicyArn\""));
    assert!(!e.accounts["123456789012"].closed_world);
}

#[test]
fn authorization_details_trust_chains_are_followed_through_a_cycle() {
    use tenet_graph::graph::{EstateGraph, Node};
    let loaded = tenet_graph::load(&common::read_dir(&fixtures().join("authz")));
    let g = EstateGraph::build(&loaded.estate);
    // ci trusts deploy and deploy trusts ci: a cycle. Both reach each other, and the walk ends.
    let deploy = g.node("arn:aws:iam::123456789012:role/deploy").unwrap();
    let chains = g.assume_chains(deploy, 10);
    let names: Vec<Vec<String>> = chains
        .iter()
        .map(|c| {
            c.iter()
                .map(|n| match &g.graph[*n] {
                    Node::Principal(i) => loaded.estate.principals[*i].name.clone(),
                    Node::External { label, .. } => label.clone(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    assert!(names.contains(&vec!["ci".to_owned(), "deploy".to_owned()]), "{names:?}");
    assert!(
        names
            .iter()
            .any(|c| c.first().is_some_and(|f| f.contains("oidc-provider"))),
        "the GitHub OIDC provider reaches deploy through ci: {names:?}"
    );
    // alice may assume ci by her identity policy, but ci's trust policy names neither her nor her
    // account: no chain starts with her.
    assert!(names.iter().all(|c| c[0] != "alice"), "{names:?}");
}

#[test]
fn iam_collect_layout_is_read_as_is() {
    let loaded = tenet_graph::load(&common::read_dir(&fixtures().join("iam-collect")));
    assert!(!loaded.has_errors(), "{:#?}", loaded.reports);
    let e = &loaded.estate;
    let reader = e.principal("arn:aws:iam::210987654321:role/analytics/reader").unwrap();
    assert_eq!(reader.policies.len(), 2, "inline plus the collected managed policy");
    assert!(reader.trust.is_some());
    let bob = e.principal("arn:aws:iam::210987654321:user/bob").unwrap();
    assert_eq!(bob.groups, ["admins"]);
    assert!(e.accounts["210987654321"].closed_world);
    let lake = e.bucket("lake-109876543210").unwrap();
    assert_eq!(lake.region.as_deref(), Some("eu-west-1"));
    assert!(matches!(&lake.encryption, Encryption::SseKms { bucket_key: true, .. }));
    // The workload OU carries two SCPs over two levels; the management account has none.
    assert_eq!(e.scp_levels("210987654321").len(), 2);
    assert_eq!(e.scp_levels("109876543210").len(), 0);
    assert_eq!(e.accounts["210987654321"].org.as_deref(), Some("o-exampleorg1"));
}

#[test]
fn iam_collect_estate_answers_who_can_across_s3_and_kms() {
    let loaded = tenet_graph::load(&common::read_dir(&fixtures().join("iam-collect")));
    let a = Analysis::new(&loaded.estate);
    let r = who_can(
        &a,
        "s3:GetObject",
        "arn:aws:s3:::lake-109876543210/2025/01/part-0.parquet",
        None,
        None,
    )
    .unwrap();
    let reader = r
        .answers
        .iter()
        .find(|x| x.subject.label.ends_with("role/analytics/reader"))
        .unwrap();
    // The SCP of its OU denies outside eu-west-1 on a key the request leaves free: the conditions
    // decide, and without a prover that is `unknown`, never `allowed` or `denied`.
    assert_eq!(reader.verdict(), "unknown", "{reader:#?}");
    // The bucket key puts the bucket ARN in the encryption context.
    let kms = &reader.links[1].0;
    assert!(kms
        .given
        .iter()
        .any(|(k, v)| k == "kms:EncryptionContext:aws:s3:arn" && v[0] == "arn:aws:s3:::lake-109876543210"));
    let bob = r
        .answers
        .iter()
        .find(|x| x.subject.label.ends_with("user/bob"))
        .unwrap();
    assert_eq!(
        bob.verdict(),
        "denied",
        "bob's account is not named by the bucket policy: {bob:#?}"
    );
}
