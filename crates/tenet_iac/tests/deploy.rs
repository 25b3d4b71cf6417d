//! What a template, a Terraform module or a plan deploys (`tenet_iac::deploy`): identities with the
//! policies attached to them by name, buckets with their encryption, keys, grants; and what stays
//! unknown when the template does not fix it.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]

use tenet_iac::deploy::{from_plan, from_template, from_terraform, BucketEncryption, Deployment, IdentityKind};
use tenet_iac::Options;

fn options() -> Options {
    let mut o = Options::default();
    o.parameters.insert("AWS::AccountId".into(), "111122223333".into());
    o.parameters.insert("AWS::Region".into(), "eu-west-1".into());
    o
}

fn identity<'a>(d: &'a Deployment, name: &str) -> &'a tenet_iac::deploy::Identity {
    d.identities.iter().find(|i| i.name == name).unwrap()
}

const TEMPLATE: &str = r#"
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      Path: /svc/
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - !Ref Shared
        - arn:aws:iam::aws:policy/ReadOnlyAccess
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: s3:ListBucket, Resource: !GetAtt Data.Arn}
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
  AddAlice:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Ops
      Users: [!Ref Alice]
  OpsPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: ops
      Groups: [!Ref Ops]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: !Sub "${Data.Arn}/*"}
  Elsewhere:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: elsewhere
      Roles: [!ImportValue other-stack-role]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
  Key:
    Type: AWS::KMS::Key
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt Key.Arn}
            BucketKeyEnabled: true
"#;

#[test]
fn a_template_ties_policies_to_identities_by_name() {
    let d = from_template(TEMPLATE, &options()).unwrap();
    let app = identity(&d, "app");
    assert_eq!(app.kind, IdentityKind::Role);
    assert_eq!(app.arn.as_deref(), Some("arn:aws:iam::111122223333:role/svc/app"));
    assert!(app.trust.is_some());
    // The template's managed policy (its `Resource` resolved to the stand-in bucket), an AWS
    // managed policy the template only names (unknown), and `Elsewhere`, attached to a role the
    // template does not fix (it may be this one: unknown).
    assert_eq!(app.policies.len(), 3, "{:#?}", app.policies);
    let shared = &app.policies[0];
    assert!(!shared.is_unresolved());
    let resource = &shared.policy.statements[0].value.resource.as_ref().unwrap().value.items[0].value;
    assert_eq!(resource, "arn:aws:s3:::data");
    assert!(app.policies[1].unknown.as_deref().unwrap().contains("ReadOnlyAccess"));
    assert!(app.policies[2].is_unresolved());
    let alice = identity(&d, "alice");
    assert_eq!(alice.groups, vec!["ops".to_owned()]);
    let ops = identity(&d, "ops");
    assert_eq!(ops.policies.len(), 1);
    // The bucket's name and the key's id are generated: stand-ins, said in the notes.
    let data = &d.buckets[0];
    assert!(data.generated);
    assert_eq!(
        data.encryption,
        BucketEncryption::SseKms {
            key: Some("arn:aws:kms:eu-west-1:111122223333:key/Key".into()),
            bucket_key: true
        }
    );
    assert!(d.keys[0].policy.is_none());
    assert!(
        d.notes.iter().any(|n| n.contains("`Data` (AWS::S3::Bucket)")),
        "{:?}",
        d.notes
    );
}

#[test]
fn a_plan_reads_grants_and_leaves_unknown_what_apply_decides() {
    let plan = r#"{"format_version": "1.2", "resource_changes": [
      {"address": "aws_kms_grant.known", "mode": "managed", "type": "aws_kms_grant", "change": {"actions": ["create"],
        "after": {"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab", "name": "known",
          "grantee_principal": "arn:aws:iam::111122223333:role/app", "operations": ["Decrypt"],
          "retiring_principal": "arn:aws:iam::111122223333:role/admin",
          "constraints": [{"encryption_context_equals": {"Department": "Finance"}, "encryption_context_subset": null}]},
        "after_unknown": {"grant_id": true}}},
      {"address": "aws_kms_grant.later", "mode": "managed", "type": "aws_kms_grant", "change": {"actions": ["create"],
        "after": {"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab", "operations": ["Decrypt"]},
        "after_unknown": {"grantee_principal": true}}}
    ]}"#;
    let d = from_plan(plan, &options()).unwrap();
    let known = d.grants.iter().find(|g| g.id == "aws_kms_grant.known").unwrap();
    let g = known.grant.as_ref().unwrap();
    assert_eq!(g.grantee_principal, "arn:aws:iam::111122223333:role/app");
    assert_eq!(g.operations, vec!["Decrypt".to_owned()]);
    assert_eq!(
        g.retiring_principal.as_deref(),
        Some("arn:aws:iam::111122223333:role/admin")
    );
    let equals = g
        .constraints
        .as_ref()
        .unwrap()
        .encryption_context_equals
        .as_ref()
        .unwrap();
    assert_eq!(equals["Department"], "Finance");
    let later = d.grants.iter().find(|g| g.id == "aws_kms_grant.later").unwrap();
    assert!(later.grant.is_none());
    assert!(later.unknown.as_deref().unwrap().contains("grantee"), "{later:?}");
}

#[test]
fn a_terraform_module_resolves_references_to_its_own_resources() {
    let main = r#"
variable "env" { default = "prod" }

resource "aws_iam_role" "app" {
  name               = "app-${var.env}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_policy" "read" {
  name   = "read"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.k.arn }] })
}

resource "aws_iam_policy_attachment" "read" {
  name       = "read"
  roles      = [aws_iam_role.app.name]
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_kms_key" "k" {}

resource "aws_kms_grant" "g" {
  key_id            = aws_kms_key.k.key_id
  grantee_principal = aws_iam_role.app.arn
  operations        = ["Decrypt"]
}
"#;
    let d = from_terraform(&[("main.tf", main)], &options());
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    // The name interpolates a variable with a literal default: known.
    let app = d.identities.iter().find(|i| i.id == "aws_iam_role.app").unwrap();
    assert_eq!(app.arn.as_deref(), Some("arn:aws:iam::111122223333:role/app-prod"));
    assert!(!app.generated);
    assert_eq!(app.policies.len(), 1, "{:#?}", d);
    let resource = &app.policies[0].policy.statements[0]
        .value
        .resource
        .as_ref()
        .unwrap()
        .value
        .items[0]
        .value;
    assert_eq!(resource, "arn:aws:kms:eu-west-1:111122223333:key/k");
    let g = d.grants[0].grant.as_ref().unwrap();
    assert_eq!(Some(g.grantee_principal.as_str()), app.arn.as_deref());
    assert_eq!(d.grants[0].key.as_deref(), Some("k"));
}

#[test]
fn what_exists_only_under_a_condition_is_not_known() {
    let template = r#"
Conditions:
  IsProd: !Equals [!Ref "AWS::StackName", prod]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - !If
          - IsProd
          - PolicyName: prod
            PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "*", Resource: "*"}]}
          - !Ref AWS::NoValue
        - PolicyName: always
          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
  ProdOnly:
    Type: AWS::IAM::Policy
    Condition: IsProd
    Properties:
      PolicyName: prod-only
      Roles: [!Ref App]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}
"#;
    let d = from_template(template, &options()).unwrap();
    let app = identity(&d, "app");
    let known: Vec<bool> = app.policies.iter().map(|p| p.is_unresolved()).collect();
    // `always` is known; the `Fn::If` item and the conditional `ProdOnly` are not.
    assert_eq!(known.iter().filter(|u| !**u).count(), 1, "{:#?}", app.policies);
    assert_eq!(known.len(), 3);
    assert!(app
        .policies
        .iter()
        .any(|p| p.unknown.as_deref() == Some("`ProdOnly` is created only when condition `IsProd` holds")));
}

#[test]
fn an_attachment_made_by_count_is_not_known() {
    let main = r#"
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy_attachment" "admin" {
  count      = var.grant_admin ? 1 : 0
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;
    let d = from_terraform(&[("main.tf", main)], &options());
    let app = identity(&d, "app");
    assert_eq!(app.policies.len(), 1);
    assert!(app.policies[0].is_unresolved());
}

#[test]
fn hostile_plans_and_templates_never_panic() {
    let inputs = [
        r#"{"format_version": "1.0", "resource_changes": [{"address": "module.x", "type": "aws_iam_role", "change": {"after": {}, "after_unknown": {"name": true}}}], "configuration": {"root_module": {"resources": [{"address": "aws_iam_role", "expressions": {"name": {"references": [7]}}}]}}}"#,
        r#"{"format_version": "1.0", "resource_changes": [{"address": "module.", "type": "aws_kms_grant", "change": {"after": {"operations": {"a": 1}, "constraints": "x"}, "after_unknown": [true]}}]}"#,
        r#"{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": 1}, {"address": "a.b", "type": "aws_s3_bucket", "values": null}], "child_modules": [{}]}}}"#,
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Ref": "R"}, "Policies": {"Fn::If": []}, "ManagedPolicyArns": [{"Ref": "R"}]}}, "P": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": 3}}}}"#,
    ];
    for text in inputs {
        let _ = from_plan(text, &options()).or_else(|| from_template(text, &options()));
        for cut in (0..text.len()).step_by(7) {
            let t = &text[..cut];
            let _ = from_plan(t, &options()).or_else(|| from_template(t, &options()));
        }
    }
    let tf = r#"resource "aws_iam_role" "r" { name = aws_iam_role.r.name
  count = 2 }
resource "aws_iam_policy_attachment" "a" { roles = aws_iam_role.r[*].name }"#;
    for cut in 0..tf.len() {
        let _ = from_terraform(&[("main.tf", &tf[..cut])], &options());
    }
}

#[test]
fn names_that_refer_to_each_other_in_a_cycle_stay_unresolved() {
    // Each role's name is built from the names of all the others.
    let mut t = String::from("{\"Resources\": {");
    for i in 0..12 {
        let parts: Vec<String> = (0..12).map(|j| format!("${{R{j}}}")).collect();
        t.push_str(&format!(
            "\"R{i}\": {{\"Type\": \"AWS::IAM::Role\", \"Properties\": {{\"RoleName\": {{\"Fn::Sub\": \"{}\"}}}}}}{}",
            parts.join("-"),
            if i < 11 { "," } else { "" }
        ));
    }
    t.push_str("}}");
    let d = from_template(&t, &options()).unwrap();
    assert_eq!(d.identities.len(), 12);
    assert!(d.identities.iter().all(|i| i.generated));
}
