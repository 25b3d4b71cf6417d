//! What a CloudFormation template deploys. First pass: the name of every role, user, group,
//! managed policy, bucket and key (a stand-in where AWS generates it), which fixes what `Ref` and
//! `Fn::GetAtt …Arn` of them are. Second pass: the policies, read by [`crate::read`] with those
//! references resolved, and the attributes that tie resources together.

use std::collections::BTreeMap;

use tenet_syntax::json::{parse_json, OffsetMap};

use super::{assemble, val, Doc, IdentityKind, Place, Res, Ty, Val};
use crate::cfn::{self, literal, member, Scope};
use crate::tree::{Kind, Node};
use crate::{Form, Options};

fn root_of(text: &str) -> Option<Node> {
    let root = if text.trim_start().starts_with('{') {
        let json = parse_json(text, &OffsetMap::identity()).ok()?;
        cfn::from_json(text, &json)
    } else {
        cfn::yaml::read_yaml(text).ok()??
    };
    cfn::is_template(&root).then_some(root)
}

/// The name property and ARN resource type of the resources whose names references stand for.
fn naming(ty: &str) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        "AWS::IAM::Role" => ("RoleName", "role"),
        "AWS::IAM::User" => ("UserName", "user"),
        "AWS::IAM::Group" => ("GroupName", "group"),
        "AWS::IAM::ManagedPolicy" => ("ManagedPolicyName", "policy"),
        "AWS::S3::Bucket" => ("BucketName", ""),
        "AWS::KMS::Key" => ("", ""),
        _ => return None,
    })
}

pub(crate) fn read(text: &str, options: &Options) -> Option<super::Deployment> {
    let root = root_of(text)?;
    let place = Place::of(options);
    let Some(Kind::Map(resources)) = member(&root, "Resources").map(|r| &r.kind) else {
        return Some(assemble(Form::CloudFormation, &place, &[], Vec::new(), Vec::new()));
    };
    let listed: Vec<(String, String, Option<&Node>, &Node)> = resources
        .iter()
        .filter_map(|(k, r)| {
            let ty = member(r, "Type").and_then(literal)?;
            Some((literal(k)?, ty, member(r, "Properties"), r))
        })
        .collect();
    // First pass: names, with parameters only.
    let mut first = cfn::scope(&root, options);
    first.add_resources(resources);
    let mut refs = BTreeMap::new();
    let mut generated = BTreeMap::new();
    let mut notes = Vec::new();
    for (id, ty, props, _) in &listed {
        let Some((prop, arn_kind)) = naming(ty) else { continue };
        let written = props
            .and_then(|p| member(p, prop))
            .and_then(|n| first.eval(n))
            .and_then(|n| literal(&n));
        let name = match written {
            Some(n) => n,
            None => {
                let stand_in = if ty == "AWS::S3::Bucket" {
                    id.to_ascii_lowercase()
                } else {
                    id.clone()
                };
                let what = if ty == "AWS::KMS::Key" { "key id" } else { "name" };
                notes.push(format!(
                    "`{id}` ({ty}): AWS generates its {what}; `{stand_in}` stands for it, and references to it in the template resolve to the same"
                ));
                generated.insert(id.clone(), true);
                stand_in
            }
        };
        let path = props
            .and_then(|p| member(p, "Path"))
            .and_then(|n| first.eval(n))
            .and_then(|n| literal(&n))
            .unwrap_or_else(|| "/".into());
        match ty.as_str() {
            "AWS::S3::Bucket" => {
                refs.insert(format!("{id}.Arn"), format!("arn:{}:s3:::{name}", place.partition));
                refs.insert(id.clone(), name);
            }
            "AWS::KMS::Key" => {
                if let Some(arn) = place.key_arn(&name) {
                    refs.insert(format!("{id}.Arn"), arn);
                }
                refs.insert(format!("{id}.KeyId"), name.clone());
                refs.insert(id.clone(), name);
            }
            "AWS::IAM::ManagedPolicy" => {
                if let Some(arn) = place.iam_arn(arn_kind, &path, &name) {
                    refs.insert(id.clone(), arn);
                }
            }
            _ => {
                if let Some(arn) = place.iam_arn(arn_kind, &path, &name) {
                    refs.insert(format!("{id}.Arn"), arn);
                }
                refs.insert(id.clone(), name);
            }
        }
    }
    // Second pass: the policies and the attributes, references resolved.
    let mut second_options = super::with_partition(options);
    second_options.references = refs.clone();
    let file = crate::read("template.yaml", text, None, &second_options)?;
    let mut scope: Scope<'_> = cfn::scope(&root, &second_options);
    scope.add_resources(resources);
    let mut docs: BTreeMap<String, Vec<Doc>> = BTreeMap::new();
    for d in &file.documents {
        let name = d.name.clone().unwrap_or_default();
        let prefix = name.split(" / ").next().unwrap_or("").to_owned();
        docs.entry(prefix).or_default().push(Doc {
            origin: name,
            policy: d.policy.clone(),
            unknown: None,
        });
    }
    let mut out = Vec::new();
    for (id, ty, props, node) in &listed {
        let Some(r) = resource(&scope, id, ty, *props, node, &refs, &docs) else {
            continue;
        };
        out.push(Res {
            generated: generated.contains_key(id),
            ..r
        });
    }
    let diagnostics = super::assemble::closing(&file, options, &mut notes);
    Some(assemble(Form::CloudFormation, &place, &out, diagnostics, notes))
}

/// The property of `props` evaluated, as a value.
fn prop(scope: &Scope<'_>, props: Option<&Node>, name: &str) -> Option<Val> {
    let n = props.and_then(|p| member(p, name))?;
    Some(scope.eval(n).map_or(Val::Null, |n| val(&n)))
}

fn resource(
    scope: &Scope<'_>,
    id: &str,
    ty: &str,
    props: Option<&Node>,
    node: &Node,
    refs: &BTreeMap<String, String>,
    docs: &BTreeMap<String, Vec<Doc>>,
) -> Option<Res> {
    let label = format!("{id} ({ty})");
    let mine: &[Doc] = docs.get(&label).map_or(&[], Vec::as_slice);
    let mut attrs: Vec<(String, Val)> = Vec::new();
    let mut set = |k: &str, v: Option<Val>| {
        if let Some(v) = v {
            attrs.push((k.to_owned(), v));
        }
    };
    let p = |name: &str| prop(scope, props, name);
    let mut docs_of: BTreeMap<&'static str, Doc> = BTreeMap::new();
    let mut inline = Vec::new();
    // A document property: the document read, or an unknown one when the template does not write it.
    let mut doc = |slot: &'static str, property: &str| {
        let Some(n) = props.and_then(|p| member(p, property)) else {
            return;
        };
        let origin = format!("{label} / {property}");
        let found = mine.iter().find(|d| d.origin == origin).cloned().unwrap_or_else(|| {
            Doc::unknown(
                origin,
                n.span,
                format!("`{property}` of `{id}` is not fixed by the template"),
            )
        });
        docs_of.insert(slot, found);
    };
    let ty_of = match ty {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            let kind = match ty {
                "AWS::IAM::Role" => IdentityKind::Role,
                "AWS::IAM::User" => IdentityKind::User,
                _ => IdentityKind::Group,
            };
            set("name", refs.get(id).cloned().map(Val::S));
            set("path", p("Path"));
            set("managed", p("ManagedPolicyArns"));
            set("boundary", p("PermissionsBoundary"));
            set("groups", p("Groups"));
            doc("trust", "AssumeRolePolicyDocument");
            inline.extend(mine.iter().filter(|d| d.origin.contains(" / Policies[")).cloned());
            // An item that is not written out (`Fn::If`, a reference) is a policy not known.
            if let Some(n) = props.and_then(|p| member(p, "Policies")) {
                let items = match scope.eval(n).map(|n| n.kind) {
                    Some(Kind::List(items)) => Some(items),
                    _ => None,
                };
                let open = match &items {
                    None => vec![n.span],
                    Some(items) => items
                        .iter()
                        .filter(|i| member(i, "PolicyDocument").is_none())
                        .map(|i| i.span)
                        .collect(),
                };
                for at in open {
                    inline.push(Doc::unknown(
                        format!("{label} / Policies"),
                        at,
                        format!("a policy of `Policies` of `{id}` is not fixed by the template"),
                    ));
                }
            }
            Ty::Identity(kind)
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            set("roles", p("Roles"));
            set("users", p("Users"));
            set("groups", p("Groups"));
            set("arn", refs.get(id).cloned().map(Val::S));
            doc("policy", "PolicyDocument");
            if ty == "AWS::IAM::Policy" {
                Ty::Inline
            } else {
                Ty::Managed
            }
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            set("roles", p("RoleName").filter(|_| ty == "AWS::IAM::RolePolicy"));
            set("users", p("UserName").filter(|_| ty == "AWS::IAM::UserPolicy"));
            set("groups", p("GroupName").filter(|_| ty == "AWS::IAM::GroupPolicy"));
            doc("policy", "PolicyDocument");
            Ty::Inline
        }
        "AWS::IAM::UserToGroupAddition" => {
            set("groups", p("GroupName"));
            set("users", p("Users"));
            Ty::Membership
        }
        "AWS::S3::Bucket" => {
            set("name", refs.get(id).cloned().map(Val::S));
            let rule = p("BucketEncryption")
                .and_then(|e| e.get("ServerSideEncryptionConfiguration").and_then(Val::first).cloned());
            if let Some(rule) = rule {
                let by_default = rule.get("ServerSideEncryptionByDefault");
                set("sse", by_default.and_then(|d| d.get("SSEAlgorithm")).cloned());
                set("kms_key", by_default.and_then(|d| d.get("KMSMasterKeyID")).cloned());
                set("bucket_key", rule.get("BucketKeyEnabled").cloned());
            }
            Ty::Bucket
        }
        "AWS::S3::BucketPolicy" => {
            set("bucket", p("Bucket"));
            doc("policy", "PolicyDocument");
            Ty::BucketPolicy
        }
        "AWS::KMS::Key" => {
            set("key_id", refs.get(id).cloned().map(Val::S));
            set("arn", refs.get(&format!("{id}.Arn")).cloned().map(Val::S));
            doc("policy", "KeyPolicy");
            Ty::Key
        }
        _ => return None,
    };
    // A resource with a `Condition` exists only when it holds: its policies may or may not apply.
    if let Some(condition) = member(node, "Condition").and_then(literal) {
        let why = format!("`{id}` is created only when condition `{condition}` holds");
        for d in docs_of.values_mut().chain(inline.iter_mut()) {
            d.policy.unresolved.push(node.span);
            d.unknown.get_or_insert_with(|| why.clone());
        }
    }
    Some(Res {
        id: id.to_owned(),
        ty: ty_of,
        attrs: Val::M(attrs),
        docs: docs_of,
        inline,
        span: node.span,
        generated: false,
    })
}
