//! The file layout of iam-collect (the collector behind iam-lens), read as is:
//!
//! ```text
//! aws/<partition>/accounts/<id>/iam/{role,user,group,policy}/<name>/   metadata.json, inline-policies.json,
//!                                                                       managed-policies.json, trust-policy.json,
//!                                                                       groups.json, current-policy.json
//! aws/<partition>/accounts/<id>/s3/<bucket>/                            metadata.json, policy.json, encryption.json
//! aws/<partition>/accounts/<id>/kms/<region>/key/<id>/                  metadata.json, policy.json (grants.json: tenet's)
//! aws/<partition>/organizations/<org>/                                  metadata.json, accounts.json, ous.json,
//!                                                                       scps/<id>/{metadata,policy}.json, rcps/…
//! ```
//!
//! Paths are lowercase; names and ARNs come from `metadata.json`. Accounts whose IAM was collected are
//! closed world. `kms list-grants` output saved as `grants.json` beside a key's `policy.json` is read
//! too (iam-collect does not collect grants).

use std::collections::BTreeMap;

use tenet_ast::PolicyKind;
use tenet_diagnostics::Severity;
use tenet_syntax::json::{JsonKind, JsonValue};

use super::{arn_account, diag, grants_from_json, parse_encryption, strings, Builder, INCOMPLETE_IMPORT};
use crate::model::{Bucket, Encryption, Key, Organization, PolicyId, Principal, PrincipalKind};

/// Whether a path belongs to the layout.
pub(crate) fn is_layout_path(p: &str) -> bool {
    let mut parts = p.split('/');
    parts.next() == Some("aws") && parts.nth(1).is_some_and(|s| s == "accounts" || s == "organizations")
}

/// One resource directory: its path and its `metadata.json`.
struct Dir {
    path: String,
    metadata: JsonValue,
}

impl Dir {
    fn field(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(JsonValue::as_str)
    }
    fn file(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }
}

pub(crate) fn load(b: &mut Builder) {
    let metadata_paths: Vec<String> = b
        .sources
        .iter()
        .filter(|(p, _)| is_layout_path(p) && p.ends_with("/metadata.json") && p.contains("/accounts/"))
        .map(|(p, _)| p.to_owned())
        .collect();
    let mut dirs = Vec::new();
    for path in metadata_paths {
        let Some(metadata) = b.json(&path, None) else { continue };
        let dir = path.trim_end_matches("/metadata.json").to_owned();
        dirs.push(Dir { path: dir, metadata });
    }
    let mut managed: BTreeMap<String, PolicyId> = BTreeMap::new();
    for d in dirs
        .iter()
        .filter(|d| d.field("arn").is_some_and(|a| a.contains(":policy/")))
    {
        let file = d.file("current-policy.json");
        if let Some(arn) = d.field("arn") {
            if let Some(v) = json_if_present(b, &file) {
                if let Some(id) = b.policy_value(&file, &v, PolicyKind::Identity, file.clone()) {
                    managed.insert(arn.to_owned(), id);
                }
            }
        }
    }
    for d in &dirs {
        let Some(arn) = d.field("arn").map(str::to_owned) else {
            continue;
        };
        if arn.starts_with("arn:aws:s3:::") || arn.contains(":s3:::") {
            bucket(b, d, &arn);
        } else if tenet_ast::eval::scenario::is_kms_key_arn(&arn) {
            key(b, d, &arn);
        } else if arn.contains(":iam::") && !arn.contains(":policy/") {
            principal(b, d, &arn, &managed);
        }
    }
    organizations(b);
}

fn json_if_present(b: &mut Builder, file: &str) -> Option<JsonValue> {
    b.sources.get(file)?;
    b.json(file, None)
}

fn principal(b: &mut Builder, d: &Dir, arn: &str, managed: &BTreeMap<String, PolicyId>) {
    let Some(account) = arn_account(arn).map(str::to_owned) else {
        return;
    };
    let ty = arn.split(':').nth(5).and_then(|r| r.split('/').next()).unwrap_or("");
    let kind = match ty {
        "role" => match d.field("path").and_then(|p| p.strip_prefix("/aws-service-role/")) {
            Some(service) => PrincipalKind::ServiceLinkedRole {
                service: service.trim_end_matches('/').to_owned(),
            },
            None => PrincipalKind::Role,
        },
        "user" => PrincipalKind::User,
        "group" => PrincipalKind::Group,
        _ => return,
    };
    if b.estate.accounts.get(&account).is_none_or(|a| !a.closed_world) {
        b.estate.account_mut(&account).closed_world = true;
    }
    let name = d
        .field("name")
        .map(str::to_owned)
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_owned());
    let mut policies = Vec::new();
    let inline = d.file("inline-policies.json");
    if let Some(JsonValue {
        kind: JsonKind::Array(items),
        ..
    }) = json_if_present(b, &inline)
    {
        for (i, item) in items.iter().enumerate() {
            if let Some(doc) = item.get("PolicyDocument") {
                let pname = item.get("PolicyName").and_then(JsonValue::as_str).unwrap_or("?");
                let origin = format!("{inline}: [{i}] ({pname})");
                policies.extend(b.policy_value(&inline, doc, PolicyKind::Identity, origin));
            }
        }
    }
    let missing = |b: &mut Builder, what: &str, at: &JsonValue, file: &str| {
        b.report(
            file,
            diag(
                INCOMPLETE_IMPORT,
                Severity::Warning,
                at.span,
                format!("managed policy `{what}` was not collected: account `{account}` is read as open world"),
            ),
        );
        b.estate.account_mut(&account).closed_world = false;
    };
    let managed_file = d.file("managed-policies.json");
    if let Some(list) = json_if_present(b, &managed_file) {
        if let JsonKind::Array(items) = &list.kind {
            for item in items {
                let Some(p) = item.as_str() else { continue };
                match managed.get(p) {
                    Some(id) => policies.push(*id),
                    None => missing(b, p, item, &managed_file),
                }
            }
        }
    }
    let boundary = match d.field("permissionBoundary") {
        Some(p) => match managed.get(p) {
            Some(id) => Some(*id),
            None => {
                let metadata = d.metadata.clone();
                missing(b, p, &metadata, &d.file("metadata.json"));
                None
            }
        },
        None => None,
    };
    let trust_file = d.file("trust-policy.json");
    let trust = json_if_present(b, &trust_file)
        .and_then(|v| b.policy_value(&trust_file, &v, PolicyKind::Trust, trust_file.clone()));
    let groups = json_if_present(b, &d.file("groups.json"))
        .map(|v| {
            strings(Some(&v))
                .into_iter()
                .map(|g| g.rsplit('/').next().unwrap_or(&g).to_owned())
                .collect()
        })
        .unwrap_or_default();
    b.estate.principals.push(Principal {
        arn: arn.to_owned(),
        name,
        kind,
        account,
        policies,
        groups,
        boundary,
        trust,
    });
}

fn bucket(b: &mut Builder, d: &Dir, arn: &str) {
    let Some(account) = d.path.split('/').nth(3).map(str::to_owned) else {
        return;
    };
    let policy_file = d.file("policy.json");
    let policy = match json_if_present(b, &policy_file) {
        Some(v) if !matches!(v.kind, JsonKind::Null) => {
            b.policy_value(&policy_file, &v, PolicyKind::Resource, policy_file.clone())
        }
        _ => None,
    };
    let enc_file = d.file("encryption.json");
    let encryption = if b.sources.get(&enc_file).is_some() {
        parse_encryption(b, &enc_file, None)
    } else {
        Encryption::Unknown
    };
    let name = d
        .field("name")
        .map(str::to_owned)
        .unwrap_or_else(|| arn.trim_start_matches("arn:aws:s3:::").to_owned());
    b.estate.account_mut(&account);
    b.estate.buckets.push(Bucket {
        name,
        account,
        region: d.field("region").map(str::to_owned),
        policy,
        encryption,
    });
}

fn key(b: &mut Builder, d: &Dir, arn: &str) {
    let Some(account) = arn_account(arn).map(str::to_owned) else {
        return;
    };
    let policy_file = d.file("policy.json");
    let policy = json_if_present(b, &policy_file)
        .and_then(|v| b.policy_value(&policy_file, &v, PolicyKind::Key, policy_file.clone()));
    let grants_file = d.file("grants.json");
    let grants = if b.sources.get(&grants_file).is_some() {
        grants_from_json(b, &grants_file, None)
    } else {
        Vec::new()
    };
    b.estate.account_mut(&account);
    b.estate.keys.push(Key {
        arn: arn.to_owned(),
        account,
        policy,
        grants,
    });
}

/// `organizations/<org>/`: the accounts and OUs with the policies attached to each.
fn organizations(b: &mut Builder) {
    let roots: Vec<String> = b
        .sources
        .iter()
        .filter(|(p, _)| is_layout_path(p) && p.split('/').count() == 5 && p.ends_with("/metadata.json"))
        .filter(|(p, _)| p.split('/').nth(2) == Some("organizations"))
        .map(|(p, _)| p.trim_end_matches("/metadata.json").to_owned())
        .collect();
    for root in roots {
        let Some(meta) = b.json(&format!("{root}/metadata.json"), None) else {
            continue;
        };
        let id = meta.get("id").and_then(JsonValue::as_str).unwrap_or("").to_owned();
        let mut org = Organization {
            id: id.clone(),
            management_account: meta.get("rootAccountId").and_then(JsonValue::as_str).map(str::to_owned),
            ..Organization::default()
        };
        let mut by_arn: BTreeMap<String, (PolicyKind, PolicyId)> = BTreeMap::new();
        for (dir, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
            let prefix = format!("{root}/{dir}/");
            let metas: Vec<String> = b
                .sources
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with("/metadata.json"))
                .map(|(p, _)| p.trim_end_matches("/metadata.json").to_owned())
                .collect();
            for pdir in metas {
                let Some(m) = b.json(&format!("{pdir}/metadata.json"), None) else {
                    continue;
                };
                let Some(arn) = m.get("arn").and_then(JsonValue::as_str) else {
                    continue;
                };
                let file = format!("{pdir}/policy.json");
                if let Some(v) = json_if_present(b, &file) {
                    if let Some(pid) = b.policy_value(&file, &v, kind, file.clone()) {
                        by_arn.insert(arn.to_owned(), (kind, pid));
                    }
                }
            }
        }
        let ous = json_if_present(b, &format!("{root}/ous.json"));
        let accounts = json_if_present(b, &format!("{root}/accounts.json"));
        let parent_of = |ou: &str| -> Option<String> {
            ous.as_ref()?
                .get(ou)?
                .get("parent")
                .and_then(JsonValue::as_str)
                .map(str::to_owned)
        };
        let attach = |org: &mut Organization, target: String, entry: &JsonValue| {
            for (key, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
                for arn in strings(entry.get(key)) {
                    if let Some((k, pid)) = by_arn.get(&arn) {
                        if *k == kind {
                            let map = if kind == PolicyKind::Scp {
                                &mut org.scps
                            } else {
                                &mut org.rcps
                            };
                            map.entry(target.clone()).or_default().push(*pid);
                        }
                    }
                }
            }
        };
        let path_of = |ou: &str| -> Vec<String> {
            let mut chain = vec![ou.to_owned()];
            while let Some(p) = chain.last().and_then(|c| parent_of(c)) {
                if chain.contains(&p) || chain.len() > 64 {
                    break;
                }
                chain.push(p);
            }
            chain.reverse();
            chain
        };
        if let Some(JsonKind::Object(members)) = ous.as_ref().map(|o| &o.kind) {
            for m in members {
                attach(&mut org, path_of(&m.key.value).join("/"), &m.value);
            }
        }
        if let Some(JsonKind::Object(members)) = accounts.as_ref().map(|o| &o.kind) {
            for m in members {
                let acct_id = m.key.value.clone();
                attach(&mut org, acct_id.clone(), &m.value);
                let ou_path = m
                    .value
                    .get("ou")
                    .and_then(JsonValue::as_str)
                    .map(path_of)
                    .unwrap_or_default();
                let a = b.estate.account_mut(&acct_id);
                a.org = Some(id.clone());
                a.ou_path = ou_path;
            }
        }
        b.estate.organizations.insert(id, org);
    }
}
