//! CloudFormation templates (JSON, YAML with short-form tags, and CDK's `*.template.json`): finds
//! every policy-bearing property of every resource and evaluates its intrinsics.

mod intrinsics;
pub(crate) use intrinsics::{get as member, lit as literal, Scope};
pub(crate) mod yaml;

use std::collections::BTreeMap;

use tenet_ast::PolicyKind;
use tenet_syntax::json::{decode_string_literal, JsonKind, JsonValue};

use crate::tree::{Kind, Node, Text};
use crate::{Extracted, Options};
use intrinsics::{get, lit};

/// Converts a JSON value (spans exact, strings mapped through their escapes) to the value tree.
pub(crate) fn from_json(source: &str, v: &JsonValue) -> Node {
    let kind = match &v.kind {
        JsonKind::Null => Kind::Null,
        JsonKind::Bool(b) => Kind::Bool(*b),
        JsonKind::Number(n) => Kind::Number(n.clone()),
        JsonKind::String(s) => Kind::Str(json_text(source, s, v.span)),
        JsonKind::Array(items) => Kind::List(items.iter().map(|i| from_json(source, i)).collect()),
        JsonKind::Object(members) => Kind::Map(
            members
                .iter()
                .map(|m| {
                    let key = Node {
                        kind: Kind::Str(json_text(source, &m.key.value, m.key.span)),
                        span: m.key.span,
                    };
                    (key, from_json(source, &m.value))
                })
                .collect(),
        ),
    };
    Node { kind, span: v.span }
}

fn json_text(source: &str, decoded: &str, span: tenet_diagnostics::Span) -> Text {
    match decode_string_literal(source, span) {
        Some((text, map)) => {
            let at = (0..=text.len()).map(|i| map.offset(i)).collect();
            Text::lit(text, at)
        }
        None => Text::synthetic(decoded, span),
    }
}

/// Whether `root` is a CloudFormation template: a `Resources` map of typed resources, or a
/// document that says its format version.
pub(crate) fn is_template(root: &Node) -> bool {
    if get(root, "AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match get(root, "Resources").map(|r| &r.kind) {
        Some(Kind::Map(resources)) => resources.iter().any(|(_, r)| {
            get(r, "Type")
                .and_then(lit)
                .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
        }),
        _ => false,
    }
}

/// Where a resource type keeps its policies.
enum Place {
    /// A property holding one document.
    Property(&'static str, PolicyKind),
    /// `Policies[]` items, each a `PolicyDocument` with a `PolicyName`.
    Inline,
}

fn places(ty: &str) -> &'static [Place] {
    use PolicyKind::*;
    match ty {
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => &[Place::Property("PolicyDocument", Identity)],
        "AWS::IAM::Role" => &[Place::Property("AssumeRolePolicyDocument", Trust), Place::Inline],
        "AWS::IAM::User" | "AWS::IAM::Group" => &[Place::Inline],
        "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
            &[Place::Property("PolicyDocument", Resource)]
        }
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => &[Place::Property("KeyPolicy", Key)],
        "AWS::SecretsManager::ResourcePolicy" => &[Place::Property("ResourcePolicy", Resource)],
        "AWS::ECR::Repository" => &[Place::Property("RepositoryPolicyText", Resource)],
        _ => &[],
    }
}

/// Every policy of the template, intrinsics evaluated. `given` holds `--parameter` values.
pub(crate) fn extract(root: &Node, options: &Options) -> Vec<Extracted> {
    let mut scope = scope(root, options);
    let Some(Kind::Map(resources)) = get(root, "Resources").map(|r| &r.kind) else {
        return Vec::new();
    };
    scope.add_resources(resources);
    let mut out = Vec::new();
    for (k, r) in resources {
        let (Some(id), Some(ty)) = (lit(k), get(r, "Type").and_then(lit)) else {
            continue;
        };
        let Some(props) = get(r, "Properties") else {
            continue;
        };
        let label = format!("{id} ({ty})");
        if ty == "AWS::Organizations::Policy" {
            organizations_policy(&scope, props, &label, &mut out);
            continue;
        }
        for place in places(&ty) {
            match place {
                Place::Property(prop, kind) => {
                    if let Some(doc) = get(props, prop).and_then(|d| scope.eval(d)) {
                        out.push(Extracted::tree(format!("{label} / {prop}"), Some(*kind), doc));
                    }
                }
                Place::Inline => inline_policies(&scope, props, &label, &mut out),
            }
        }
    }
    out
}

/// The scope of a template: its parameters' defaults, the given values and references, mappings.
pub(crate) fn scope<'a>(root: &'a Node, options: &'a Options) -> Scope<'a> {
    let mut scope = Scope {
        values: BTreeMap::new(),
        given: &options.parameters,
        resources: BTreeMap::new(),
        mappings: get(root, "Mappings"),
        refs: &options.references,
        depth: std::cell::Cell::new(0),
        budget: std::cell::Cell::new(5_000),
    };
    if let Some(Kind::Map(params)) = get(root, "Parameters").map(|p| &p.kind) {
        for (k, p) in params {
            if let (Some(name), Some(default)) = (lit(k), get(p, "Default")) {
                scope.values.insert(name, default.clone());
            }
        }
    }
    scope
}

impl<'a> Scope<'a> {
    /// Records the template's resources (logical id -> type and properties).
    pub(crate) fn add_resources(&mut self, resources: &'a [(Node, Node)]) {
        for (k, r) in resources {
            if let (Some(id), Some(ty)) = (lit(k), get(r, "Type").and_then(lit)) {
                self.resources.insert(id, (ty, get(r, "Properties")));
            }
        }
    }
}

fn inline_policies(scope: &Scope<'_>, props: &Node, label: &str, out: &mut Vec<Extracted>) {
    let Some(Kind::List(items)) = get(props, "Policies").and_then(|p| scope.eval(p)).map(|p| p.kind) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let Some(doc) = get(item, "PolicyDocument") else {
            continue;
        };
        let pname = get(item, "PolicyName").and_then(lit).unwrap_or_else(|| "?".into());
        let name = format!("{label} / Policies[{i}] ({pname})");
        out.push(Extracted::tree(name, Some(PolicyKind::Identity), doc.clone()));
    }
}

/// `AWS::Organizations::Policy`: `Content` is an SCP or an RCP by `Type`; tag, backup and other
/// policy types are not access policies.
fn organizations_policy(scope: &Scope<'_>, props: &Node, label: &str, out: &mut Vec<Extracted>) {
    let kind = match get(props, "Type").and_then(lit).as_deref() {
        Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
        Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
        _ => return,
    };
    if let Some(doc) = get(props, "Content").and_then(|d| scope.eval(d)) {
        out.push(Extracted::tree(format!("{label} / Content"), Some(kind), doc));
    }
}
