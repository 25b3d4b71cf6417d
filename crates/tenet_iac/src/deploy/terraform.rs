//! What a Terraform directory deploys (`.tf` files of one module), and the normalization of
//! Terraform resource attributes shared with plans. References to the module's own roles,
//! policies, buckets and keys (`aws_iam_role.app.arn`) resolve to their names and ARNs (stand-ins
//! where AWS generates them); `data.aws_caller_identity`, `data.aws_region` and
//! `data.aws_partition` resolve to the given account, region and partition.

use std::collections::BTreeMap;

use hcl_edit::structure::Body;
use hcl_edit::Span as _;

use super::{assemble, val, Doc, IdentityKind, Place, Res, Ty, Val};
use crate::terraform::{span_of, variable_defaults, Ctx};
use crate::tree::Node;
use crate::{Form, Options};

/// The policy attributes of a Terraform resource type and the slot each fills.
pub(crate) fn slots(ty: &str) -> &'static [(&'static str, &'static str)] {
    match ty {
        "aws_iam_role" => &[("assume_role_policy", "trust")],
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy"
        | "aws_s3_bucket_policy"
        | "aws_kms_key"
        | "aws_kms_key_policy" => &[("policy", "policy")],
        _ => &[],
    }
}

/// The kind and normalized attributes of a Terraform resource (see [`Res`]).
pub(crate) fn normalize(ty: &str, v: &Val) -> Option<(Ty, Vec<(String, Val)>)> {
    let mut out: Vec<(String, Val)> = Vec::new();
    let mut set = |k: &str, from: Option<&Val>| {
        if let Some(x) = from {
            out.push((k.to_owned(), x.clone()));
        }
    };
    let dig = |path: &[&str]| -> Option<&Val> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
            if let Val::L(_) = cur {
                cur = cur.first()?;
            }
        }
        Some(cur)
    };
    let ty_of = match ty {
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" => {
            set("path", v.get("path"));
            set("managed", v.get("managed_policy_arns"));
            set("boundary", v.get("permissions_boundary"));
            Ty::Identity(match ty {
                "aws_iam_role" => IdentityKind::Role,
                "aws_iam_user" => IdentityKind::User,
                _ => IdentityKind::Group,
            })
        }
        "aws_iam_policy" => Ty::Managed,
        "aws_iam_role_policy" => {
            set("roles", v.get("role"));
            Ty::Inline
        }
        "aws_iam_user_policy" => {
            set("users", v.get("user"));
            Ty::Inline
        }
        "aws_iam_group_policy" => {
            set("groups", v.get("group"));
            Ty::Inline
        }
        "aws_iam_role_policy_attachment" | "aws_iam_user_policy_attachment" | "aws_iam_group_policy_attachment" => {
            set("roles", v.get("role"));
            set("users", v.get("user"));
            set("groups", v.get("group"));
            set("policy", v.get("policy_arn"));
            Ty::Attachment
        }
        "aws_iam_policy_attachment" => {
            set("roles", v.get("roles"));
            set("users", v.get("users"));
            set("groups", v.get("groups"));
            set("policy", v.get("policy_arn"));
            Ty::Attachment
        }
        "aws_iam_user_group_membership" | "aws_iam_group_membership" => {
            set("users", v.get("user").or_else(|| v.get("users")));
            set("groups", v.get("group").or_else(|| v.get("groups")));
            Ty::Membership
        }
        "aws_s3_bucket" | "aws_s3_bucket_server_side_encryption_configuration" => {
            let base: &[&str] = if ty == "aws_s3_bucket" {
                &["server_side_encryption_configuration", "rule"]
            } else {
                &["rule"]
            };
            let with = |tail: &[&'static str]| -> Vec<&'static str> { [base, tail].concat() };
            set(
                "sse",
                dig(&with(&["apply_server_side_encryption_by_default", "sse_algorithm"])),
            );
            set(
                "kms_key",
                dig(&with(&["apply_server_side_encryption_by_default", "kms_master_key_id"])),
            );
            set("bucket_key", dig(&with(&["bucket_key_enabled"])));
            if ty == "aws_s3_bucket" {
                Ty::Bucket
            } else {
                set("bucket", v.get("bucket"));
                Ty::BucketEncryption
            }
        }
        "aws_s3_bucket_policy" => {
            set("bucket", v.get("bucket"));
            Ty::BucketPolicy
        }
        "aws_kms_key" => Ty::Key,
        "aws_kms_key_policy" => {
            set("key", v.get("key_id"));
            Ty::KeyPolicy
        }
        "aws_kms_grant" => {
            set("key", v.get("key_id"));
            set("grantee", v.get("grantee_principal"));
            set("retiring", v.get("retiring_principal"));
            set("operations", v.get("operations"));
            set("name", v.get("name"));
            set("equals", dig(&["constraints", "encryption_context_equals"]));
            set("subset", dig(&["constraints", "encryption_context_subset"]));
            Ty::Grant
        }
        _ => return None,
    };
    Some((ty_of, out))
}

/// The names and ARNs a resource of the module stands for: `(name, arn, generated)`.
pub(crate) fn identify(place: &Place, address: &str, ty: &str, v: &Val) -> Option<(String, Option<String>, bool)> {
    let written = |k: &str| v.get(k).and_then(Val::str).map(str::to_owned);
    let path = written("path").unwrap_or_else(|| "/".into());
    let stand_in = || address.rsplit('.').next().unwrap_or(address).to_owned();
    let (name, generated) = match ty {
        "aws_s3_bucket" => written("bucket").map_or_else(|| (stand_in(), true), |n| (n, false)),
        "aws_kms_key" => written("key_id").map_or_else(|| (stand_in(), true), |n| (n, false)),
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy" => {
            written("name").map_or_else(|| (stand_in(), true), |n| (n, false))
        }
        _ => return None,
    };
    let arn = match ty {
        "aws_s3_bucket" => Some(format!("arn:{}:s3:::{name}", place.partition)),
        "aws_kms_key" => written("arn").or_else(|| place.key_arn(&name)),
        _ => {
            let kind = ty.trim_start_matches("aws_iam_");
            written("arn").or_else(|| place.iam_arn(kind, &path, &name))
        }
    };
    Some((name, arn, generated))
}

/// The reference values of a resource: `address.attr` -> value.
pub(crate) fn references(address: &str, ty: &str, name: &str, arn: Option<&str>, out: &mut BTreeMap<String, String>) {
    let mut put = |attr: &str, value: &str| {
        out.insert(format!("{address}.{attr}"), value.to_owned());
    };
    match ty {
        "aws_s3_bucket" => {
            put("id", name);
            put("bucket", name);
        }
        "aws_kms_key" => {
            put("id", name);
            put("key_id", name);
        }
        "aws_iam_policy" => {
            put("name", name);
            if let Some(a) = arn {
                put("id", a);
            }
        }
        _ => {
            put("name", name);
            put("id", name);
        }
    }
    if let Some(a) = arn {
        put("arn", a);
    }
}

/// A body's attributes and blocks as a value (blocks of one type become a list).
fn body_val(ctx: &Ctx<'_>, body: &Body) -> Val {
    let mut members: Vec<(String, Val)> = Vec::new();
    for a in body.attributes() {
        members.push((a.key.as_str().to_owned(), val(&ctx.convert(&a.value))));
    }
    for b in body.blocks() {
        let key = b.ident.as_str().to_owned();
        let item = body_val(ctx, &b.body);
        match members.iter_mut().find(|(k, _)| *k == key) {
            Some((_, Val::L(items))) => items.push(item),
            _ => members.push((key, Val::L(vec![item]))),
        }
    }
    Val::M(members)
}

struct Block {
    file: usize,
    address: String,
    ty: String,
    body: Body,
    span: tenet_diagnostics::Span,
}

pub(crate) fn read(files: &[(&str, &str)], options: &Options) -> super::Deployment {
    let place = Place::of(options);
    let mut diagnostics = Vec::new();
    let mut blocks = Vec::new();
    // Variables and locals of the whole module (given, or literal defaults), for every file.
    let mut vars: BTreeMap<String, Node> = options
        .parameters
        .iter()
        .filter(|(k, _)| k.starts_with("var.") || k.starts_with("local."))
        .map(|(k, v)| (k.clone(), synthetic(v)))
        .collect();
    for (i, (_, text)) in files.iter().enumerate() {
        let body = match hcl_edit::parser::parse_body(text) {
            Ok(b) => b,
            Err(_) => continue, // reported by `crate::read` below
        };
        let mut ctx = Ctx {
            text,
            vars: std::mem::take(&mut vars),
        };
        variable_defaults(&body, &mut ctx);
        vars = ctx.vars;
        for b in body.blocks().filter(|b| b.ident.as_str() == "resource") {
            let labels: Vec<String> = b
                .labels
                .iter()
                .map(|l| match l {
                    hcl_edit::structure::BlockLabel::Ident(x) => x.as_str().to_owned(),
                    hcl_edit::structure::BlockLabel::String(s) => s.value().clone(),
                })
                .collect();
            if let [ty, name] = labels.as_slice() {
                blocks.push(Block {
                    file: i,
                    address: format!("{ty}.{name}"),
                    ty: ty.clone(),
                    body: b.body.clone(),
                    span: span_of(b.span()),
                });
            }
        }
    }
    // First pass: names and ARNs, with the given values only.
    let mut refs = BTreeMap::new();
    let mut generated = BTreeMap::new();
    let mut notes = Vec::new();
    for (key, value) in [
        ("data.aws_caller_identity.current.account_id", &place.account),
        ("data.aws_region.current.name", &place.region),
        ("data.aws_region.current.region", &place.region),
    ] {
        if let Some(v) = value {
            refs.insert(key.to_owned(), v.clone());
        }
    }
    refs.insert("data.aws_partition.current.partition".into(), place.partition.clone());
    for b in &blocks {
        let ctx = Ctx {
            text: files.get(b.file).map_or("", |f| f.1),
            vars: vars.clone(),
        };
        let v = body_val(&ctx, &b.body);
        if let Some((name, arn, gen)) = identify(&place, &b.address, &b.ty, &v) {
            if gen {
                notes.push(format!(
                    "`{}`: AWS generates its name or id; `{name}` stands for it, and references to it resolve to the same",
                    b.address
                ));
                generated.insert(b.address.clone(), true);
            }
            references(&b.address, &b.ty, &name, arn.as_deref(), &mut refs);
        }
    }
    // Second pass: policies and attributes with references resolved.
    let mut second = super::with_partition(options);
    second.references.extend(refs.clone());
    for (k, v) in &vars {
        if let crate::tree::Kind::Str(t) = &v.kind {
            if let Some(text) = t.literal() {
                second.references.entry(k.clone()).or_insert(text);
            }
        }
    }
    let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
    for (i, (name, text)) in files.iter().enumerate() {
        if let Some(file) = crate::read(name, text, None, &second) {
            for d in file.documents.clone() {
                let origin = d.name.clone().unwrap_or_default();
                docs.insert(
                    origin.clone(),
                    Doc {
                        origin,
                        policy: d.policy,
                        unknown: None,
                    },
                );
            }
            diagnostics.extend(file.settle(file.diagnostics.clone()).into_iter().map(|d| (i, d)));
        }
    }
    let mut out = Vec::new();
    for b in &blocks {
        let text = files.get(b.file).map_or("", |f| f.1);
        let mut ctx = Ctx {
            text,
            vars: vars.clone(),
        };
        for (k, v) in &refs {
            ctx.vars.insert(k.clone(), synthetic(v));
        }
        let v = body_val(&ctx, &b.body);
        let Some((ty, mut attrs)) = normalize(&b.ty, &v) else {
            continue;
        };
        if let Some((name, arn, _)) = identify(&place, &b.address, &b.ty, &v) {
            attrs.push(("name".into(), Val::S(name.clone())));
            if b.ty == "aws_kms_key" {
                attrs.push(("key_id".into(), Val::S(name)));
            }
            if let Some(a) = arn {
                attrs.push(("arn".into(), Val::S(a)));
            }
        }
        let mut res = Res {
            id: b.address.clone(),
            ty,
            attrs: Val::M(attrs),
            docs: BTreeMap::new(),
            inline: Vec::new(),
            span: b.span,
            generated: generated.contains_key(&b.address),
        };
        for (attr, slot) in slots(&b.ty) {
            let Some(a) = b.body.get_attribute(attr) else { continue };
            let origin = format!("{} / {attr}", b.address);
            let doc = docs.get(&origin).cloned().or_else(|| {
                // `policy = data.aws_iam_policy_document.x.json`
                let data = text.get(span_of(a.value.span()).range()).unwrap_or("");
                let data = data.trim().strip_suffix(".json").unwrap_or("");
                docs.get(data).cloned()
            });
            let doc = doc.unwrap_or_else(|| {
                Doc::unknown(
                    origin,
                    span_of(a.value.span()),
                    format!("`{attr}` of `{}` is not fixed by the module", b.address),
                )
            });
            res.docs.insert(slot, doc);
        }
        if b.ty == "aws_iam_role" {
            let prefix = format!("{} / inline_policy[", b.address);
            res.inline.extend(
                docs.iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(_, d)| d.clone()),
            );
        }
        // `count` or `for_each` decide how many instances there are (and their names): the
        // policies of such a resource may or may not apply.
        if let Some(meta) = ["count", "for_each"]
            .into_iter()
            .find(|m| b.body.get_attribute(m).is_some())
        {
            let why = format!("`{}` is created as `{meta}` decides", b.address);
            for d in res.docs.values_mut().chain(res.inline.iter_mut()) {
                d.policy.unresolved.push(b.span);
                d.unknown.get_or_insert_with(|| why.clone());
            }
            // An attachment or a membership that may or may not exist is not known either.
            let open = match res.ty {
                Ty::Attachment => Some("policy"),
                Ty::Membership => Some("groups"),
                _ => None,
            };
            if let (Some(attr), Val::M(members)) = (open, &mut res.attrs) {
                members.retain(|(k, _)| k != attr);
                members.push((attr.to_owned(), Val::U(meta.to_owned())));
            }
        }
        out.push(res);
    }
    if !options.parameters.contains_key("AWS::Partition") {
        notes.push("the partition is taken to be `aws` (give `--parameter AWS::Partition=…` otherwise)".into());
    }
    assemble(Form::Terraform, &place, &out, diagnostics, notes)
}

fn synthetic(v: &str) -> Node {
    let at = tenet_diagnostics::Span::new(0, 0);
    Node {
        kind: crate::tree::Kind::Str(crate::tree::Text::synthetic(v, at)),
        span: at,
    }
}
