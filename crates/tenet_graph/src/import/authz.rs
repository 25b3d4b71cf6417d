//! `aws iam get-account-authorization-details` output: every user, group and role of one account
//! with their inline and attached managed policies, boundaries and trust policies. An account read
//! this way is closed world: its principals and their policies are all there are.

use std::collections::BTreeMap;

use tenet_ast::PolicyKind;
use tenet_diagnostics::Severity;
use tenet_syntax::json::{JsonKind, JsonValue};

use super::{arn_account, diag, strings, Builder, INCOMPLETE_IMPORT, INVALID_INPUT};
use crate::model::{PolicyId, Principal, PrincipalKind};

/// A cheap test on the text before parsing it.
pub(crate) fn looks_like_authorization_details(text: &str) -> bool {
    text.contains("\"RoleDetailList\"") || text.contains("\"UserDetailList\"")
}

/// Imports one output; returns the account id.
pub(crate) fn import_authorization_details(b: &mut Builder, path: &str) -> Option<String> {
    let root = b.json(path, None)?;
    let account = ["RoleDetailList", "UserDetailList", "GroupDetailList"]
        .iter()
        .filter_map(|l| {
            items(&root, l)
                .first()
                .and_then(|e| e.get("Arn"))
                .and_then(JsonValue::as_str)
        })
        .find_map(arn_account)
        .map(str::to_owned);
    let Some(account) = account else {
        b.report(
            path,
            diag(
                INVALID_INPUT,
                Severity::Error,
                root.span,
                "no user, group or role ARN names the account of this authorization-details output".into(),
            ),
        );
        return None;
    };
    b.estate.account_mut(&account).closed_world = true;
    let managed = managed_policies(b, path, &root);
    let mut complete = true;
    let mut attach = |b: &mut Builder, entity: &JsonValue, out: &mut Vec<PolicyId>| {
        for item in items(entity, "AttachedManagedPolicies") {
            let Some(arn) = item.get("PolicyArn").and_then(JsonValue::as_str) else {
                continue;
            };
            match managed.get(arn) {
                Some(ids) => out.extend(ids),
                None => {
                    complete = false;
                    b.report(
                        path,
                        diag(
                            INCOMPLETE_IMPORT,
                            Severity::Warning,
                            item.span,
                            format!("attached managed policy `{arn}` is not in the output: the account is read as open world"),
                        )
                        .with_help("run get-account-authorization-details without `--filter` so that `Policies` lists it"),
                    );
                }
            }
        }
    };
    let mut group_policies: BTreeMap<String, Vec<PolicyId>> = BTreeMap::new();
    for (list, inline_key, name_key, kind) in [
        ("GroupDetailList", "GroupPolicyList", "GroupName", PrincipalKind::Group),
        ("UserDetailList", "UserPolicyList", "UserName", PrincipalKind::User),
        ("RoleDetailList", "RolePolicyList", "RoleName", PrincipalKind::Role),
    ] {
        for (i, entity) in items(&root, list).iter().enumerate() {
            let Some(arn) = entity.get("Arn").and_then(JsonValue::as_str) else {
                continue;
            };
            let name = entity
                .get(name_key)
                .and_then(JsonValue::as_str)
                .unwrap_or("?")
                .to_owned();
            let label = format!("{path}: {list}[{i}] ({name})");
            let mut policies = Vec::new();
            for (j, item) in items(entity, inline_key).iter().enumerate() {
                if let Some(doc) = item.get("PolicyDocument") {
                    let pname = item.get("PolicyName").and_then(JsonValue::as_str).unwrap_or("?");
                    let origin = format!("{label} / {inline_key}[{j}] ({pname})");
                    policies.extend(b.policy_value(path, doc, PolicyKind::Identity, origin));
                }
            }
            attach(b, entity, &mut policies);
            let boundary = entity
                .get("PermissionsBoundary")
                .and_then(|p| p.get("PermissionsBoundaryArn"))
                .and_then(JsonValue::as_str)
                .and_then(|a| managed.get(a))
                .and_then(|ids| ids.first().copied());
            let trust = entity.get("AssumeRolePolicyDocument").and_then(|doc| {
                b.policy_value(
                    path,
                    doc,
                    PolicyKind::Trust,
                    format!("{label} / AssumeRolePolicyDocument"),
                )
            });
            if kind == PrincipalKind::Group {
                group_policies.insert(name.clone(), policies.clone());
            }
            let entity_path = entity.get("Path").and_then(JsonValue::as_str).unwrap_or("/");
            let kind = match entity_path.strip_prefix("/aws-service-role/") {
                Some(rest) if kind == PrincipalKind::Role => PrincipalKind::ServiceLinkedRole {
                    service: rest.trim_end_matches('/').to_owned(),
                },
                _ => kind.clone(),
            };
            b.estate.principals.push(Principal {
                arn: arn.to_owned(),
                name,
                kind,
                account: account.clone(),
                policies,
                groups: strings(entity.get("GroupList")),
                boundary,
                trust,
            });
        }
    }
    if !complete {
        b.estate.account_mut(&account).closed_world = false;
    }
    Some(account)
}

/// The default version of every managed policy in `Policies`, by ARN.
fn managed_policies(b: &mut Builder, path: &str, root: &JsonValue) -> BTreeMap<String, Vec<PolicyId>> {
    let mut out = BTreeMap::new();
    for (i, policy) in items(root, "Policies").iter().enumerate() {
        let Some(arn) = policy.get("Arn").and_then(JsonValue::as_str) else {
            continue;
        };
        let name = policy.get("PolicyName").and_then(JsonValue::as_str).unwrap_or("?");
        let default_id = policy.get("DefaultVersionId").and_then(JsonValue::as_str);
        let versions = items(policy, "PolicyVersionList");
        let chosen = versions.iter().enumerate().find(|(_, v)| {
            matches!(v.get("IsDefaultVersion").map(|d| &d.kind), Some(JsonKind::Bool(true)))
                || (default_id.is_some() && v.get("VersionId").and_then(JsonValue::as_str) == default_id)
        });
        let Some((j, version)) = chosen else {
            b.report(
                path,
                diag(
                    INVALID_INPUT,
                    Severity::Error,
                    policy.span,
                    format!("managed policy `{arn}` has no default version in `PolicyVersionList`"),
                ),
            );
            continue;
        };
        let Some(doc) = version.get("Document") else { continue };
        let origin = format!("{path}: Policies[{i}] ({name}) / PolicyVersionList[{j}]");
        if let Some(id) = b.policy_value(path, doc, PolicyKind::Identity, origin) {
            out.insert(arn.to_owned(), vec![id]);
        }
    }
    out
}

/// The items of an array member (empty when absent or not an array).
pub(crate) fn items<'v>(v: &'v JsonValue, key: &str) -> &'v [JsonValue] {
    match v.get(key).map(|x| &x.kind) {
        Some(JsonKind::Array(items)) => items,
        _ => &[],
    }
}
