//! What a Terraform plan deploys: the planned values of its resources (`resource_changes[].change
//! .after`, values flagged in `after_unknown` are unknown), with a value known only after apply
//! resolved through the plan's `configuration` when it is a reference to another resource of the
//! plan (`policy_arn = aws_iam_policy.deploy.arn`). The account is the given one, else the plan's
//! `data.aws_caller_identity`, else the account of an ARN the plan already knows; the region is the
//! given one, else the provider configuration's.

use std::collections::BTreeMap;

use tenet_ast::semantics::is_account_id;
use tenet_syntax::json::{parse_json, JsonKind, JsonValue, OffsetMap};

use super::terraform::{identify, normalize, references, slots};
use super::{assemble, Doc, Place, Res, Val};
use crate::{Form, Options};

fn arr(v: &JsonValue) -> Option<&[JsonValue]> {
    match &v.kind {
        JsonKind::Array(items) => Some(items),
        _ => None,
    }
}

/// A JSON value as a [`Val`], with the `after_unknown` flags that make parts of it unknown.
fn jval(v: Option<&JsonValue>, unknown: Option<&JsonValue>) -> Val {
    if unknown.is_some_and(|u| matches!(u.kind, JsonKind::Bool(true))) {
        return Val::U("known after apply".into());
    }
    let Some(v) = v else { return Val::Null };
    match &v.kind {
        JsonKind::Null => Val::Null,
        JsonKind::Bool(b) => Val::S(b.to_string()),
        JsonKind::Number(n) => Val::S(n.clone()),
        JsonKind::String(s) => Val::S(s.clone()),
        JsonKind::Array(items) => Val::L(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| jval(Some(x), unknown.and_then(arr).and_then(|u| u.get(i))))
                .collect(),
        ),
        JsonKind::Object(members) => Val::M(
            members
                .iter()
                .map(|m| {
                    (
                        m.key.value.clone(),
                        jval(Some(&m.value), unknown.and_then(|u| u.get(&m.key.value))),
                    )
                })
                .collect(),
        ),
    }
}

/// Adds the members `after_unknown` flags that `after` leaves out (a value known only after apply
/// is absent from `after`), at every level. At the top level, a flagged attribute the
/// configuration does not write is computed by the provider (`managed_policy_arns` of a role
/// reflects the attachments the plan lists anyway) and is left out.
fn with_unknown(v: Val, unknown: Option<&JsonValue>, configured: Option<&JsonValue>, top: bool) -> Val {
    match (v, unknown.map(|u| &u.kind)) {
        (Val::M(members), Some(JsonKind::Object(flags))) => {
            let mut out: Vec<(String, Val)> = members
                .into_iter()
                .map(|(k, x)| {
                    let flag = unknown.and_then(|u| u.get(&k));
                    (k, with_unknown(x, flag, None, false))
                })
                .collect();
            for f in flags {
                let written = !top || configured.is_none_or(|c| c.get(&f.key.value).is_some());
                if matches!(f.value.kind, JsonKind::Bool(true))
                    && written
                    && !out.iter().any(|(k, _)| *k == f.key.value)
                {
                    out.push((f.key.value.clone(), Val::U("known after apply".into())));
                }
            }
            Val::M(out)
        }
        (Val::L(items), Some(JsonKind::Array(flags))) => Val::L(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| with_unknown(x, flags.get(i), None, false))
                .collect(),
        ),
        (v, _) => v,
    }
}

struct Planned<'a> {
    address: String,
    ty: String,
    values: Val,
    at: &'a JsonValue,
}

/// The managed resources of a module of `planned_values` (or of a state's `values`), with the
/// members `sensitive_values` does not hide.
fn module_values<'a>(module: &'a JsonValue, out: &mut Vec<Planned<'a>>) {
    if let Some(JsonKind::Array(resources)) = module.get("resources").map(|r| &r.kind) {
        for r in resources {
            if r.get("mode").and_then(JsonValue::as_str) == Some("data") {
                continue;
            }
            let (Some(at), Some(ty)) = (r.get("address"), r.get("type").and_then(JsonValue::as_str)) else {
                continue;
            };
            let Some(address) = at.as_str() else { continue };
            out.push(Planned {
                address: address.to_owned(),
                ty: ty.to_owned(),
                values: jval(r.get("values"), None),
                at,
            });
        }
    }
    if let Some(JsonKind::Array(children)) = module.get("child_modules").map(|c| &c.kind) {
        for c in children {
            module_values(c, out);
        }
    }
}

/// The `expressions` of every resource of the configuration, by address.
fn configuration<'a>(module: &'a JsonValue, prefix: &str, out: &mut BTreeMap<String, &'a JsonValue>) {
    if let Some(JsonKind::Array(resources)) = module.get("resources").map(|r| &r.kind) {
        for r in resources {
            if let (Some(a), Some(e)) = (r.get("address").and_then(JsonValue::as_str), r.get("expressions")) {
                out.insert(format!("{prefix}{a}"), e);
            }
        }
    }
    if let Some(JsonKind::Object(calls)) = module.get("module_calls").map(|c| &c.kind) {
        for c in calls {
            if let Some(m) = c.value.get("module") {
                configuration(m, &format!("{prefix}module.{}.", c.key.value), out);
            }
        }
    }
}

fn account_of(root: &JsonValue, planned: &[Planned<'_>]) -> Option<String> {
    let mut found = None;
    let mut visit = |m: &JsonValue| {
        if let Some(JsonKind::Array(rs)) = m.get("resources").map(|r| &r.kind) {
            for r in rs {
                if r.get("type").and_then(JsonValue::as_str) == Some("aws_caller_identity") {
                    found = found.clone().or_else(|| {
                        r.get("values")
                            .and_then(|v| v.get("account_id"))
                            .and_then(JsonValue::as_str)
                            .map(str::to_owned)
                    });
                }
            }
        }
    };
    for section in ["prior_state", "planned_values"] {
        if let Some(m) = root
            .get(section)
            .and_then(|s| s.get("values").or(Some(s)))
            .and_then(|v| v.get("root_module"))
        {
            visit(m);
        }
    }
    found.or_else(|| {
        planned.iter().find_map(|p| {
            let arn = p.values.get("arn").and_then(Val::str)?;
            arn.split(':').nth(4).filter(|a| is_account_id(a)).map(str::to_owned)
        })
    })
}

fn region_of(root: &JsonValue) -> Option<String> {
    let aws = root.get("configuration")?.get("provider_config")?.get("aws")?;
    aws.get("expressions")?
        .get("region")?
        .get("constant_value")?
        .as_str()
        .map(str::to_owned)
}

pub(crate) fn read(text: &str, options: &Options) -> Option<super::Deployment> {
    let root = parse_json(text, &OffsetMap::identity()).ok()?;
    if !crate::plan::is_plan(&root) {
        return None;
    }
    let mut exprs = BTreeMap::new();
    if let Some(m) = root.get("configuration").and_then(|c| c.get("root_module")) {
        configuration(m, "", &mut exprs);
    }
    let mut planned = Vec::new();
    if let Some(JsonKind::Array(changes)) = root.get("resource_changes").map(|c| &c.kind) {
        for c in changes {
            if c.get("mode").and_then(JsonValue::as_str) == Some("data") {
                continue;
            }
            let (Some(address), Some(ty), Some(change)) = (
                c.get("address").and_then(JsonValue::as_str),
                c.get("type").and_then(JsonValue::as_str),
                c.get("change"),
            ) else {
                continue;
            };
            let Some(after) = change.get("after").filter(|a| a.as_object().is_some()) else {
                continue; // deleted
            };
            let unknown = change.get("after_unknown");
            let configured = exprs.get(address).copied();
            planned.push(Planned {
                address: address.to_owned(),
                ty: ty.to_owned(),
                values: with_unknown(jval(Some(after), unknown), unknown, configured, true),
                at: c.get("address").unwrap_or(c),
            });
        }
    }
    if planned.is_empty() {
        // A plan without `resource_changes`, or a state shown as JSON: the values as they are.
        let values = root.get("planned_values").or_else(|| root.get("values"));
        if let Some(m) = values.and_then(|v| v.get("root_module")) {
            module_values(m, &mut planned);
        }
    }
    let mut place = Place::of(options);
    let mut notes = Vec::new();
    if place.account.is_none() {
        place.account = account_of(&root, &planned);
        if let Some(a) = &place.account {
            notes.push(format!("the account `{a}` is read from the plan"));
        }
    }
    if place.region.is_none() {
        place.region = region_of(&root);
        if let Some(r) = &place.region {
            notes.push(format!(
                "the region `{r}` is read from the plan's provider configuration"
            ));
        }
    }
    let mut refs = BTreeMap::new();
    let mut generated = BTreeMap::new();
    for p in &planned {
        if let Some((name, arn, gen)) = identify(&place, &p.address, &p.ty, &p.values) {
            if gen {
                notes.push(format!(
                    "`{}`: its name or id is known only after apply; `{name}` stands for it",
                    p.address
                ));
                generated.insert(p.address.clone(), true);
            }
            references(&p.address, &p.ty, &name, arn.as_deref(), &mut refs);
        }
    }
    let file = crate::read("plan.json", text, None, options)?;
    let docs: BTreeMap<String, Doc> = file
        .documents
        .iter()
        .map(|d| {
            let origin = d.name.clone().unwrap_or_default();
            (
                origin.clone(),
                Doc {
                    origin,
                    policy: d.policy.clone(),
                    unknown: None,
                },
            )
        })
        .collect();
    let mut out = Vec::new();
    for p in &planned {
        let values = resolve(&p.values, exprs.get(&p.address).copied(), &p.address, &refs);
        let Some((ty, mut attrs)) = normalize(&p.ty, &values) else {
            continue;
        };
        if let Some((name, arn, _)) = identify(&place, &p.address, &p.ty, &values) {
            attrs.push(("name".into(), Val::S(name.clone())));
            if p.ty == "aws_kms_key" {
                attrs.push(("key_id".into(), Val::S(name)));
            }
            if let Some(a) = arn {
                attrs.push(("arn".into(), Val::S(a)));
            }
        }
        let mut res = Res {
            id: p.address.clone(),
            ty,
            attrs: Val::M(attrs),
            docs: BTreeMap::new(),
            inline: Vec::new(),
            span: p.at.span,
            generated: generated.contains_key(&p.address),
        };
        for (attr, slot) in slots(&p.ty) {
            let origin = format!("{} / {attr}", p.address);
            let doc = match (docs.get(&origin), values.get(attr)) {
                (Some(d), _) => d.clone(),
                (None, None) if *slot == "policy" && p.ty == "aws_kms_key" => continue, // the default key policy
                (None, None) => continue,
                (None, Some(_)) => Doc::unknown(
                    origin,
                    p.at.span,
                    format!("`{attr}` of `{}` is known only after apply", p.address),
                ),
            };
            res.docs.insert(slot, doc);
        }
        if p.ty == "aws_iam_role" {
            let prefix = format!("{} / inline_policy[", p.address);
            res.inline.extend(
                docs.iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(_, d)| d.clone()),
            );
            if let Some(Val::U(_)) = values.get("inline_policy") {
                res.inline.push(Doc::unknown(
                    format!("{} / inline_policy", p.address),
                    p.at.span,
                    format!("the inline policies of `{}` are known only after apply", p.address),
                ));
            }
        }
        out.push(res);
    }
    let diagnostics = super::assemble::closing(&file, options, &mut notes);
    Some(assemble(Form::TerraformPlan, &place, &out, diagnostics, notes))
}

/// Replaces the values known only after apply that the configuration writes as a reference to
/// another resource of the plan (`aws_iam_policy.deploy.arn`) by that resource's name or ARN, at
/// every level of nested blocks.
fn resolve(values: &Val, exprs: Option<&JsonValue>, address: &str, refs: &BTreeMap<String, String>) -> Val {
    // `module.a.module.b.aws_x.y` -> `module.a.module.b.`
    let module = address
        .rfind("module.")
        .and_then(|i| {
            let start = i + "module.".len();
            let end = start + address.get(start..)?.find('.')? + 1;
            address.get(..end)
        })
        .unwrap_or("");
    walk(values, exprs, module, refs)
}

fn walk(v: &Val, e: Option<&JsonValue>, module: &str, refs: &BTreeMap<String, String>) -> Val {
    match v {
        Val::U(_) => {
            let found = e
                .and_then(|e| e.get("references"))
                .and_then(arr)
                .and_then(|r| r.first())
                .and_then(JsonValue::as_str)
                .and_then(|r| refs.get(&format!("{module}{r}")));
            found.map_or_else(|| v.clone(), |s| Val::S(s.clone()))
        }
        Val::M(members) => Val::M(
            members
                .iter()
                .map(|(k, x)| (k.clone(), walk(x, e.and_then(|e| e.get(k)), module, refs)))
                .collect(),
        ),
        Val::L(items) => Val::L(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let ei = e.and_then(arr).and_then(|a| a.get(i).or_else(|| a.first()));
                    walk(x, ei.or(e), module, refs)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
