//! Ties the resources of a deployment together by the names and ARNs their attributes hold: a
//! policy to the identities it is attached to, a bucket policy or encryption to its bucket, a key
//! policy to its key. Where the template does not fix which identity a policy goes to, the policy
//! is taken as possibly attached to every identity of that kind, unknown.

use std::collections::BTreeMap;

use tenet_ast::eval::{GrantConstraints, KmsGrant};
use tenet_diagnostics::Diagnostic;

use super::{Bucket, BucketEncryption, Deployment, Doc, Grant, Identity, IdentityKind, Key, Place, Res, Ty, Val};
use crate::Form;

/// What every one-file form ends with: the note on the partition when it was not given, and the
/// file's diagnostics with those on unresolved values dropped.
pub(crate) fn closing(
    file: &crate::IacFile,
    options: &crate::Options,
    notes: &mut Vec<String>,
) -> Vec<(usize, Diagnostic)> {
    if !options.parameters.contains_key("AWS::Partition") {
        notes.push("the partition is taken to be `aws` (give `--parameter AWS::Partition=…` otherwise)".into());
    }
    file.settle(file.diagnostics.clone())
        .into_iter()
        .map(|d| (0, d))
        .collect()
}

/// Builds the deployment from the listed resources.
pub(crate) fn assemble(
    form: Form,
    place: &Place,
    res: &[Res],
    diagnostics: Vec<(usize, Diagnostic)>,
    notes: Vec<String>,
) -> Deployment {
    let mut d = Deployment {
        form,
        account: place.account.clone(),
        region: place.region.clone(),
        identities: Vec::new(),
        buckets: Vec::new(),
        keys: Vec::new(),
        grants: Vec::new(),
        diagnostics,
        notes,
    };
    let mut managed: BTreeMap<String, Doc> = BTreeMap::new();
    for r in res.iter().filter(|r| r.ty == Ty::Managed) {
        if let (Some(arn), Some(doc)) = (r.attrs.get("arn").and_then(Val::str), r.docs.get("policy")) {
            managed.insert(arn.to_owned(), doc.clone());
        }
    }
    let by_arn = |arn: &Val, owner: &Res, what: &str| -> Doc {
        match arn.str() {
            Some(a) => managed.get(a).cloned().unwrap_or_else(|| {
                Doc::unknown(
                    format!("{}: {a}", owner.id),
                    owner.span,
                    format!("{what} `{a}` is not defined in the template"),
                )
            }),
            None => Doc::unknown(
                owner.id.clone(),
                owner.span,
                format!("{what} is not fixed by the template"),
            ),
        }
    };
    for r in res {
        let Ty::Identity(kind) = r.ty else { continue };
        let name = r.attrs.get("name").and_then(Val::str).unwrap_or(&r.id).to_owned();
        let path = r.attrs.get("path").and_then(Val::str).unwrap_or("/").to_owned();
        let mut policies = r.inline.clone();
        policies.extend(r.docs.get("policy").cloned());
        for arn in r.attrs.get("managed").map(Val::items).unwrap_or_default() {
            policies.push(by_arn(arn, r, "the managed policy"));
        }
        let boundary = r
            .attrs
            .get("boundary")
            .map(|b| by_arn(b, r, "the permissions boundary"));
        let groups = r
            .attrs
            .get("groups")
            .map(Val::items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|g| g.str().map(str::to_owned))
            .collect();
        d.identities.push(Identity {
            kind,
            id: r.id.clone(),
            arn: place.iam_arn(kind.as_str(), &path, &name),
            name,
            path,
            generated: r.generated,
            trust: r.docs.get("trust").cloned(),
            policies,
            boundary,
            groups,
            span: r.span,
        });
    }
    for r in res {
        match r.ty {
            Ty::Inline | Ty::Managed => {
                if let Some(doc) = r.docs.get("policy") {
                    attach(&mut d, r, doc);
                }
            }
            Ty::Attachment => {
                let doc = r.attrs.get("policy").map_or_else(
                    || {
                        Doc::unknown(
                            r.id.clone(),
                            r.span,
                            "the attached policy is not fixed by the template".into(),
                        )
                    },
                    |a| by_arn(a, r, "the managed policy"),
                );
                attach(&mut d, r, &doc);
            }
            Ty::Membership => membership(&mut d, r),
            _ => {}
        }
    }
    resources(&mut d, place, res);
    d
}

/// Attaches `doc` to the identities `r` names in `roles`, `users`, `groups`.
fn attach(d: &mut Deployment, r: &Res, doc: &Doc) {
    for (attr, kind) in [
        ("roles", IdentityKind::Role),
        ("users", IdentityKind::User),
        ("groups", IdentityKind::Group),
    ] {
        for v in r.attrs.get(attr).map(Val::items).unwrap_or_default() {
            match v.str() {
                Some(name) => {
                    let found = d
                        .identities
                        .iter_mut()
                        .find(|i| i.kind == kind && (i.name == name || i.arn.as_deref() == Some(name)));
                    match found {
                        Some(i) => i.policies.push(doc.clone()),
                        None => d.notes.push(format!(
                            "`{}` is attached to {} `{name}`, which the template does not create: left out",
                            r.id,
                            kind.as_str()
                        )),
                    }
                }
                None => {
                    // Which identity is not known: it may be any of the template's.
                    let why = format!(
                        "`{}` is attached to a {} the template does not fix: it may be this one",
                        r.id,
                        kind.as_str()
                    );
                    for i in d.identities.iter_mut().filter(|i| i.kind == kind) {
                        i.policies.push(Doc::unknown(doc.origin.clone(), r.span, why.clone()));
                    }
                }
            }
        }
    }
}

fn membership(d: &mut Deployment, r: &Res) {
    let names = |attr: &str| -> Vec<Option<String>> {
        r.attrs
            .get(attr)
            .map(Val::items)
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.str().map(str::to_owned))
            .collect()
    };
    let groups = names("groups");
    for user in names("users") {
        for i in d.identities.iter_mut().filter(|i| i.kind == IdentityKind::User) {
            if user.as_deref().is_some_and(|u| u != i.name) {
                continue;
            }
            for g in &groups {
                match g {
                    Some(g) if user.is_some() => i.groups.push(g.clone()),
                    _ => i.policies.push(Doc::unknown(
                        r.id.clone(),
                        r.span,
                        format!("`{}` adds a user to a group the template does not fix", r.id),
                    )),
                }
            }
        }
    }
}

fn encryption(attrs: &Val, created: bool) -> BucketEncryption {
    match attrs.get("sse") {
        None if created => BucketEncryption::Default,
        None => BucketEncryption::Unknown("the bucket is not created by the template".into()),
        Some(Val::S(a)) if a == "AES256" => BucketEncryption::SseS3,
        Some(Val::S(a)) if a.starts_with("aws:kms") => {
            let key = match attrs.get("kms_key") {
                None => Some("alias/aws/s3".to_owned()),
                Some(Val::S(k)) => Some(k.clone()),
                Some(_) => None,
            };
            let bucket_key = matches!(attrs.get("bucket_key"), Some(Val::S(b)) if b == "true");
            BucketEncryption::SseKms { key, bucket_key }
        }
        Some(Val::S(a)) => BucketEncryption::Unknown(format!("unknown algorithm `{a}`")),
        Some(_) => BucketEncryption::Unknown("the algorithm is not fixed by the template".into()),
    }
}

fn bucket_index(d: &mut Deployment, r: &Res, v: Option<&Val>) -> Option<usize> {
    let Some(name) = v.and_then(Val::str) else {
        // Which bucket is not known: it may be any of the template's.
        for b in &mut d.buckets {
            b.unknown.push(format!(
                "`{}` is for a bucket the template does not fix: it may be this one",
                r.id
            ));
        }
        return None;
    };
    let name = name.strip_prefix("arn:aws:s3:::").unwrap_or(name).to_owned();
    if let Some(i) = d.buckets.iter().position(|b| b.name == name) {
        return Some(i);
    }
    d.buckets.push(Bucket {
        id: r.id.clone(),
        name,
        generated: false,
        policy: None,
        encryption: BucketEncryption::Unknown("the bucket is not created by the template".into()),
        unknown: Vec::new(),
        span: r.span,
    });
    Some(d.buckets.len() - 1)
}

fn resources(d: &mut Deployment, place: &Place, res: &[Res]) {
    for r in res.iter().filter(|r| r.ty == Ty::Bucket) {
        let name = r.attrs.get("name").and_then(Val::str).unwrap_or(&r.id).to_owned();
        d.buckets.push(Bucket {
            id: r.id.clone(),
            name,
            generated: r.generated,
            policy: r.docs.get("policy").cloned(),
            encryption: encryption(&r.attrs, true),
            unknown: Vec::new(),
            span: r.span,
        });
    }
    for r in res.iter().filter(|r| r.ty == Ty::Key) {
        let key_id = r.attrs.get("key_id").and_then(Val::str).unwrap_or(&r.id).to_owned();
        let arn = match r.attrs.get("arn") {
            Some(Val::S(a)) => Some(a.clone()),
            _ => place.key_arn(&key_id),
        };
        d.keys.push(Key {
            id: r.id.clone(),
            arn,
            key_id,
            generated: r.generated,
            policy: r.docs.get("policy").cloned(),
            unknown: Vec::new(),
            span: r.span,
        });
    }
    for r in res {
        match r.ty {
            Ty::BucketPolicy => {
                if let Some(i) = bucket_index(d, r, r.attrs.get("bucket")) {
                    if let Some(b) = d.buckets.get_mut(i) {
                        b.policy = r.docs.get("policy").cloned();
                    }
                }
            }
            Ty::BucketEncryption => {
                if let Some(i) = bucket_index(d, r, r.attrs.get("bucket")) {
                    if let Some(b) = d.buckets.get_mut(i) {
                        b.encryption = encryption(&r.attrs, true);
                    }
                }
            }
            Ty::KeyPolicy => {
                let key = r.attrs.get("key").and_then(Val::str);
                if key.is_none() {
                    let why = format!("`{}` is for a key the template does not fix: it may be this one", r.id);
                    for k in &mut d.keys {
                        k.unknown.push(why.clone());
                    }
                    continue;
                }
                match key.and_then(|k| d.keys.iter_mut().find(|x| names_key(x, k))) {
                    Some(k) => k.policy = r.docs.get("policy").cloned(),
                    None => d.notes.push(format!(
                        "`{}` is for a key the template does not create: left out",
                        r.id
                    )),
                }
            }
            Ty::Grant => d.grants.push(grant(r)),
            _ => {}
        }
    }
}

/// Whether `k` (a key id or ARN as written) names the key.
pub fn names_key(key: &Key, k: &str) -> bool {
    k == key.key_id || key.arn.as_deref() == Some(k) || k.rsplit('/').next() == Some(key.key_id.as_str())
}

fn grant(r: &Res) -> Grant {
    let mut unknown = Vec::new();
    let mut text = |attr: &str, required: bool| -> Option<String> {
        match r.attrs.get(attr) {
            Some(Val::S(s)) => Some(s.clone()),
            None if !required => None,
            Some(Val::U(label)) => {
                unknown.push(format!("`{attr}` ({label})"));
                None
            }
            _ => {
                unknown.push(format!("`{attr}`"));
                None
            }
        }
    };
    let key = text("key", true);
    let grantee = text("grantee", true);
    let retiring = text("retiring", false);
    let name = text("name", false);
    let mut operations = Vec::new();
    for op in r.attrs.get("operations").map(Val::items).unwrap_or_default() {
        match op.str() {
            Some(o) => operations.push(o.to_owned()),
            None => unknown.push("`operations`".into()),
        }
    }
    let mut map = |attr: &str| -> Option<BTreeMap<String, String>> {
        let v = r.attrs.get(attr)?;
        let Val::M(members) = v else {
            unknown.push(format!("`{attr}`"));
            return None;
        };
        let mut out = BTreeMap::new();
        for (k, v) in members {
            match v.str() {
                Some(s) => {
                    out.insert(k.clone(), s.to_owned());
                }
                None => unknown.push(format!("`{attr}.{k}`")),
            }
        }
        Some(out)
    };
    let equals = map("equals");
    let subset = map("subset");
    let constraints = (equals.is_some() || subset.is_some()).then_some(GrantConstraints {
        encryption_context_equals: equals,
        encryption_context_subset: subset,
    });
    let grant = match (&grantee, unknown.is_empty()) {
        (Some(g), true) => Some(KmsGrant {
            grant_id: None,
            name: name.or_else(|| Some(r.id.clone())),
            key_arn: key.clone(),
            grantee_principal: g.clone(),
            retiring_principal: retiring,
            operations,
            constraints,
        }),
        _ => None,
    };
    Grant {
        id: r.id.clone(),
        key,
        unknown: (!unknown.is_empty()).then(|| format!("not fixed before apply: {}", unknown.join(", "))),
        grant,
        span: r.span,
    }
}
