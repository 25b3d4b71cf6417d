//! The AWS CLI outputs read without flags (issue 13 item 7): each yields its policy, with the kind
//! the command implies, and diagnostics inside it point into the outer file.
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]

use tenet_ast::PolicyKind;
use tenet_syntax::{parse_policy_file, InputForm};

const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const ESCAPED: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Alow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"#;

fn read(text: &str) -> (InputForm, Vec<PolicyKind>, Vec<&'static str>) {
    let parsed = parse_policy_file("out.json", text, None);
    (
        parsed.form,
        parsed.documents.iter().map(|d| d.kind).collect(),
        parsed.diagnostics.iter().map(|d| d.code).collect(),
    )
}

#[test]
fn iam_get_role_is_a_trust_policy() {
    let text = r#"{"Role":{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r","AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}}}"#;
    assert_eq!(read(text), (InputForm::Role, vec![PolicyKind::Trust], vec![]));
}

#[test]
fn inline_policies_of_roles_users_and_groups_are_identity_policies() {
    for owner in ["RoleName", "UserName", "GroupName"] {
        let text = format!(r#"{{"{owner}":"x","PolicyName":"p","PolicyDocument":{DOC}}}"#);
        assert_eq!(
            read(&text),
            (InputForm::InlinePolicy, vec![PolicyKind::Identity], vec![]),
            "{owner}"
        );
    }
}

#[test]
fn queue_and_topic_attributes_hold_a_resource_policy_string() {
    let text =
        format!(r#"{{"Attributes":{{"QueueArn":"arn:aws:sqs:us-east-1:111111111111:q","Policy":"{ESCAPED}"}}}}"#);
    let (form, kinds, codes) = read(&text);
    assert_eq!((form, kinds), (InputForm::Attributes, vec![PolicyKind::Resource]));
    assert!(codes.contains(&"SYN008"), "{codes:?}");
    let parsed = parse_policy_file("out.json", &text, None);
    let d = parsed.diagnostics.iter().find(|d| d.code == "SYN008").unwrap();
    assert_eq!(&text[d.span.start as usize..d.span.end as usize], r#"\"Alow\""#);
}

#[test]
fn ecr_and_secrets_manager_policies_are_resource_policies() {
    let ecr = format!(r#"{{"registryId":"111111111111","repositoryName":"r","policyText":"{ESCAPED}"}}"#);
    assert_eq!(read(&ecr).0, InputForm::RepositoryPolicy);
    assert_eq!(read(&ecr).1, vec![PolicyKind::Resource]);
    let secret = format!(
        r#"{{"ARN":"arn:aws:secretsmanager:us-east-1:111111111111:secret:s","Name":"s","ResourcePolicy":"{ESCAPED}"}}"#
    );
    assert_eq!(read(&secret).0, InputForm::SecretPolicy);
    assert_eq!(read(&secret).1, vec![PolicyKind::Resource]);
}

#[test]
fn lambda_get_policy_is_read_as_a_policy_string() {
    let text = format!(r#"{{"Policy":"{ESCAPED}","RevisionId":"abc"}}"#);
    assert_eq!(read(&text).0, InputForm::PolicyString);
    assert_eq!(read(&text).1.len(), 1);
}

#[test]
fn organizations_describe_policy_reads_scps_and_rcps_and_skips_other_types() {
    let escaped = DOC.replace('"', "\\\"");
    for (t, kind) in [
        ("SERVICE_CONTROL_POLICY", PolicyKind::Scp),
        ("RESOURCE_CONTROL_POLICY", PolicyKind::Rcp),
    ] {
        let text = format!(
            r#"{{"Policy":{{"Content":"{escaped}","PolicySummary":{{"Id":"p-1","Type":"{t}","AwsManaged":false}}}}}}"#
        );
        let (form, kinds, _) = read(&text);
        assert_eq!((form, kinds), (InputForm::OrganizationsPolicy, vec![kind]), "{t}");
    }
    let tag = r#"{"Policy":{"Content":"{\"tags\":{}}","PolicySummary":{"Type":"TAG_POLICY"}}}"#;
    assert_eq!(read(tag), (InputForm::OtherOrganizationsPolicy, vec![], vec![]));
}
