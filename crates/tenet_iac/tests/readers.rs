//! The readers on small templates: which policies they find, their kinds, what they resolve, and
//! the marker that a value stays unresolved (what a prover must answer `unknown` about).
#![allow(clippy::string_slice, reason = "a test fails loudly on an index inside a character")]
#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly")]

use tenet_ast::{ConditionValue, PolicyDocument, PolicyKind, PrincipalType};
use tenet_iac::{read, Form, IacFile, Options};

fn read_ok(name: &str, text: &str) -> IacFile {
    read(name, text, None, &Options::default()).unwrap()
}

fn doc<'a>(f: &'a IacFile, name: &str) -> &'a PolicyDocument {
    f.documents
        .iter()
        .find(|d| d.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no document `{name}` in {:?}", names(f)))
}

fn names(f: &IacFile) -> Vec<String> {
    f.documents.iter().filter_map(|d| d.name.clone()).collect()
}

fn resources(d: &PolicyDocument) -> Vec<String> {
    d.policy
        .statements
        .iter()
        .flat_map(|s| {
            s.value
                .resource
                .iter()
                .flat_map(|r| r.value.items.iter().map(|i| i.value.clone()))
        })
        .collect()
}

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Name:
    Type: String
    Default: logs
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Name}-bucket"
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::${Bucket}/${!aws:username}/*"
  Other:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::${Unknown}/*"
          - !If [Cond, {Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Type: SERVICE_CONTROL_POLICY
      Content: {Statement: {Effect: Deny, Action: "*", Resource: "*"}}
  Tags:
    Type: AWS::Organizations::Policy
    Properties:
      Type: TAG_POLICY
      Content: {tags: {}}
"#;

#[test]
fn cloudformation_resolves_what_the_template_decides_and_marks_the_rest() {
    let f = read_ok("t.yaml", TEMPLATE);
    assert_eq!(f.form, Form::CloudFormation);
    assert_eq!(
        names(&f),
        [
            "Policy (AWS::S3::BucketPolicy) / PolicyDocument",
            "Other (AWS::IAM::ManagedPolicy) / PolicyDocument",
            "Scp (AWS::Organizations::Policy) / Content",
        ]
    );
    let bucket = doc(&f, "Policy (AWS::S3::BucketPolicy) / PolicyDocument");
    assert_eq!(bucket.kind, PolicyKind::Resource);
    // `Ref Bucket` is its name, from a `!Sub` of a parameter default; `${!x}` is an IAM variable.
    assert_eq!(resources(bucket), ["arn:aws:s3:::logs-bucket/${aws:username}/*"]);
    // The account is not known: the principal is a placeholder and the policy is marked.
    let principal = &bucket.policy.statements[0].value.principal.as_ref().unwrap().value;
    let (ty, p) = principal.entries().next().unwrap();
    assert_eq!(
        (ty, p.value.as_str()),
        (PrincipalType::Aws, "arn:aws:iam::${AWS.AccountId}:root")
    );
    assert_eq!(bucket.policy.unresolved.len(), 1);
    let at = bucket.policy.unresolved[0];
    assert_eq!(&TEMPLATE[at.range()], "${AWS::AccountId}");

    let other = doc(&f, "Other (AWS::IAM::ManagedPolicy) / PolicyDocument");
    assert_eq!(other.kind, PolicyKind::Identity);
    let marked: Vec<&str> = other.policy.unresolved.iter().map(|s| &TEMPLATE[s.range()]).collect();
    assert_eq!(
        marked,
        [
            "${Unknown}",
            "!If [Cond, {Effect: Allow, Action: \"*\", Resource: \"*\"}, !Ref AWS::NoValue]"
        ]
    );
    assert_eq!(
        doc(&f, "Scp (AWS::Organizations::Policy) / Content").kind,
        PolicyKind::Scp
    );
    // What the readers report themselves: nothing; the placeholder `!If` statement is not an
    // object, which the lowering says, and which settling drops.
    let codes: Vec<&str> = f.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["SYN006"]);
    assert!(f.settle(f.diagnostics.clone()).is_empty());
}

#[test]
fn parameters_are_resolved_and_fully_resolved_policies_are_unmarked() {
    let mut options = Options::default();
    options
        .parameters
        .insert("AWS::AccountId".into(), "111122223333".into());
    let f = read("t.yaml", TEMPLATE, None, &options).unwrap();
    let bucket = doc(&f, "Policy (AWS::S3::BucketPolicy) / PolicyDocument");
    let principal = &bucket.policy.statements[0].value.principal.as_ref().unwrap().value;
    assert_eq!(
        principal.entries().next().unwrap().1.value,
        "arn:aws:iam::111122223333:root"
    );
    assert!(bucket.policy.unresolved.is_empty());
}

#[test]
fn json_that_is_neither_template_nor_plan_is_left_alone() {
    assert!(read(
        "p.json",
        r#"{"name": "x", "Resources": {"A": {"Type": "Widget"}}}"#,
        None,
        &Options::default()
    )
    .is_none());
    assert!(read("notes.txt", "just: yaml", None, &Options::default()).is_none());
    let f = read_ok("compose.yml", "services: {}\n");
    assert_eq!((f.form, f.documents.len(), f.diagnostics.len()), (Form::Other, 0, 0));
}

const TF: &str = r#"
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account]
    }
  }
}

data "aws_iam_policy_document" "home" {
  source_policy_documents = [data.aws_iam_policy_document.trust.json]
  statement {
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${var.bucket}/home/&{aws:username}/*"]
  }
}

variable "bucket" {
  default = local.homes
}

locals {
  homes = "homes"
}

resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_organizations_policy" "deny" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "*" }] })
}
"#;

#[test]
fn terraform_policy_documents_are_translated() {
    let f = read_ok("main.tf", TF);
    assert_eq!(f.form, Form::Terraform);
    let trust = doc(&f, "data.aws_iam_policy_document.trust");
    // The kind comes from where the document is used.
    assert_eq!(trust.kind, PolicyKind::Trust);
    let st = &trust.policy.statements[0].value;
    assert_eq!(st.effect(), Some(tenet_ast::Effect::Allow));
    let services: Vec<&str> = st
        .principal
        .as_ref()
        .unwrap()
        .value
        .entries()
        .map(|(_, p)| p.value.as_str())
        .collect();
    assert_eq!(services, ["ec2.amazonaws.com", "lambda.amazonaws.com"]);
    let c = &st.conditions()[0];
    assert_eq!(c.key.value, "aws:SourceAccount");
    assert_eq!(c.values[0].value, ConditionValue::String("${var.account}".into()));
    assert_eq!(&TF[trust.policy.unresolved[0].range()], "var.account");

    let home = doc(&f, "data.aws_iam_policy_document.home");
    assert_eq!(resources(home), ["arn:aws:s3:::homes/home/${aws:username}/*"]);
    // Merged-in documents make it incomplete.
    let marked: Vec<&str> = home.policy.unresolved.iter().map(|s| &TF[s.range()]).collect();
    assert_eq!(
        marked,
        ["source_policy_documents = [data.aws_iam_policy_document.trust.json]"]
    );

    assert_eq!(doc(&f, "aws_organizations_policy.deny / content").kind, PolicyKind::Rcp);
}

#[test]
fn plan_unknown_policies_are_diagnosed_not_empty() {
    let plan = r#"{"format_version": "1.2", "resource_changes": [
      {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
       "change": {"actions": ["create"], "before": null, "after": {"name": "p"},
                  "after_unknown": {"policy": true}}},
      {"address": "module.m.aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
       "change": {"actions": ["create"], "before": null,
                  "after": {"policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"},
                  "after_unknown": {}}}]}"#;
    let f = read_ok("plan.json", plan);
    assert_eq!(f.form, Form::TerraformPlan);
    assert_eq!(names(&f), ["module.m.aws_kms_key.k / policy"]);
    assert_eq!(f.documents[0].kind, PolicyKind::Key);
    let codes: Vec<&str> = f.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["IAC002"]);
    assert_eq!(&plan[f.diagnostics[0].span.range()], "\"aws_iam_policy.p\"");
    // A finding inside the key policy names the resource address.
    let inside = f.documents[0].policy.statements[0].span;
    let d = tenet_diagnostics::Diagnostic::new("X", "x", tenet_diagnostics::Severity::Error, inside, "m");
    let settled = f.settle(vec![d]);
    assert_eq!(settled[0].labels[0].message, "in `module.m.aws_kms_key.k`");
}

#[test]
fn truncated_and_corrupted_inputs_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac");
    for name in [
        "template.yaml",
        "plan.json",
        "terraform/main.tf",
        "cdk.out/AppStack.template.json",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let cuts = (0..text.len()).step_by(5).filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            let _ = read(name, &text[..cut], None, &Options::default());
            let swapped = format!("{}{}", &text[..cut], text[cut..].replacen(['"', ':', '{'], "!", 1));
            let _ = read(name, &swapped, None, &Options::default());
        }
    }
}

#[test]
fn heredoc_interpolations_outside_strings_stay_valid_json() {
    let tf = r#"resource "aws_iam_policy" "p" {
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": "arn:aws:s3:::${var.b}/*"}]
}
POLICY
}
"#;
    let f = read_ok("p.tf", tf);
    let d = doc(&f, "aws_iam_policy.p / policy");
    let action = &d.policy.statements[0].value.action.as_ref().unwrap().value.items[0];
    assert_eq!(action.value, "${jsonencode_var.actions_}");
    assert_eq!(&tf[action.span.range()], "${jsonencode(var.actions)}");
    assert!(f.settle(f.diagnostics.clone()).is_empty(), "{:?}", f.diagnostics);
    let marked: Vec<&str> = d.policy.unresolved.iter().map(|s| &tf[s.range()]).collect();
    assert_eq!(marked, ["${jsonencode(var.actions)}", "${var.b}"]);
}

#[test]
fn a_yaml_scalar_of_unicode_whitespace_keeps_whole_characters() {
    // `　` (U+3000, three bytes) is a plain scalar that trims to nothing: its span once kept one
    // byte of it, and reading the scalar's text cut the character (a panic).
    for value in ["\u{3000}", "\u{3000}\u{3000}", "\u{2028}", "\u{a0}"] {
        let template = format!(
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        \
             Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: {value}\n            \
             Resource: \"*\"\n"
        );
        let f = read_ok("template.yaml", &template);
        for d in &f.documents {
            for s in &d.policy.statements {
                assert!(
                    template.is_char_boundary(s.span.start as usize) && template.is_char_boundary(s.span.end as usize)
                );
            }
        }
    }
}
