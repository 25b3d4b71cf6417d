//! `estate.toml`: the accounts of an estate and the files that belong to each.
//!
//! ```toml
//! [[organization]]
//! id = "o-a1b2c3d4e5"
//! management-account = "999999999999"        # SCPs do not apply to its principals
//! scps = { "root" = ["org/full-access.json"], "root/workloads" = ["org/deny-leave.json"] }
//! rcps = { "root" = ["org/rcp-org-only.json"] }
//!
//! [[account]]
//! id = "111111111111"
//! name = "fsx"
//! org = "o-a1b2c3d4e5"
//! ou = "root/workloads"                      # the OU path; SCPs/RCPs are keyed by it or by the id
//! closed-world = false                       # default: true only with authorization-details
//! authorization-details = "a/authz.json"     # optional: import the account's IAM
//!
//! [[account.role]]
//! name = "StorageAdmin"
//! path = "/"                                 # optional
//! policies = ["a/storage-admin.json"]        # inline and managed alike
//! boundary = "a/boundary.json"               # optional
//! trust = "a/storage-admin-trust.json"
//!
//! [[account.user]]                           # name, path, groups, policies, boundary
//! [[account.group]]                          # name, policies
//! [[account.service-linked-role]]            # service, name, policies (AWS-defined)
//! [[account.bucket]]                         # name, region, policy, encryption, kms-key, bucket-key
//! [[account.key]]                            # arn, policy, grants = ["c/list-grants.json"]
//! ```
//!
//! Policy files may be bare policies or the CLI outputs tenet recognises (`get-bucket-policy`,
//! `get-key-policy`, `get-policy-version`, `organizations describe-policy`); `encryption` is
//! `sse-s3`, `sse-kms` (with `kms-key`) or a `get-bucket-encryption` output file.

use std::collections::BTreeMap;

use serde::Deserialize;
use tenet_ast::PolicyKind;
use tenet_diagnostics::{Severity, Span};
use toml::Spanned;

use crate::import::{
    diag, grants_from_json, import_authorization_details, parse_encryption, Builder, INVALID_MANIFEST,
    UNKNOWN_REFERENCE,
};
use crate::model::{Bucket, Encryption, Key, Organization, PolicyId, Principal, PrincipalKind};

type Path = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Manifest {
    #[serde(default)]
    organization: Vec<OrgEntry>,
    #[serde(default)]
    account: Vec<AccountEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OrgEntry {
    id: Spanned<String>,
    management_account: Option<Spanned<String>>,
    #[serde(default)]
    scps: BTreeMap<String, Vec<Path>>,
    #[serde(default)]
    rcps: BTreeMap<String, Vec<Path>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AccountEntry {
    id: Spanned<String>,
    name: Option<String>,
    org: Option<Spanned<String>>,
    ou: Option<String>,
    closed_world: Option<bool>,
    authorization_details: Option<Path>,
    #[serde(default)]
    user: Vec<IdentityEntry>,
    #[serde(default)]
    group: Vec<IdentityEntry>,
    #[serde(default)]
    role: Vec<IdentityEntry>,
    #[serde(default)]
    service_linked_role: Vec<SlrEntry>,
    #[serde(default)]
    bucket: Vec<BucketEntry>,
    #[serde(default)]
    key: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct IdentityEntry {
    name: String,
    path: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    policies: Vec<Path>,
    boundary: Option<Path>,
    trust: Option<Path>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SlrEntry {
    service: String,
    name: String,
    #[serde(default)]
    policies: Vec<Path>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct BucketEntry {
    name: String,
    region: Option<String>,
    policy: Option<Path>,
    encryption: Option<Spanned<String>>,
    kms_key: Option<Spanned<String>>,
    #[serde(default)]
    bucket_key: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KeyEntry {
    arn: Spanned<String>,
    policy: Option<Path>,
    #[serde(default)]
    grants: Vec<Path>,
}

fn span<T>(s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

/// Reads the manifest at `file` into the builder.
pub(crate) fn load(b: &mut Builder, file: &str) {
    let text = b.sources.get(file).unwrap_or("");
    let manifest: Manifest = match toml::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            let r = e.span().unwrap_or(0..0);
            let message = e.message().trim().trim_end_matches('.').to_owned();
            b.report(
                file,
                diag(INVALID_MANIFEST, Severity::Error, Span::new(r.start, r.end), message),
            );
            return;
        }
    };
    let mut m = Reader { b, file };
    for org in &manifest.organization {
        m.organization(org);
    }
    for account in &manifest.account {
        m.account(account);
    }
    for account in &manifest.account {
        m.check_references(account);
    }
}

struct Reader<'a, 's> {
    b: &'a mut Builder<'s>,
    file: &'a str,
}

impl Reader<'_, '_> {
    fn error(&mut self, at: Span, message: String) {
        self.b
            .report(self.file, diag(INVALID_MANIFEST, Severity::Error, at, message));
    }

    fn policies(&mut self, paths: &[Path], kind: PolicyKind) -> Vec<PolicyId> {
        let mut ids = Vec::new();
        for p in paths {
            let at = Some((self.file, span(p)));
            ids.extend(match kind {
                PolicyKind::Scp | PolicyKind::Rcp => crate::import::cli_org_policy(self.b, p.get_ref(), kind, at),
                _ => self.b.policy_file(p.get_ref(), kind, at),
            });
        }
        ids
    }

    fn one(&mut self, path: &Option<Path>, kind: PolicyKind) -> Option<PolicyId> {
        let p = path.as_ref()?;
        let ids = self.policies(std::slice::from_ref(p), kind);
        if ids.len() > 1 {
            self.error(span(p), format!("`{}` must hold exactly one policy", p.get_ref()));
        }
        ids.first().copied()
    }

    fn organization(&mut self, org: &OrgEntry) {
        if !org.id.get_ref().starts_with("o-") {
            self.error(
                span(&org.id),
                format!("`{}` is not an organization id (`o-…`)", org.id.get_ref()),
            );
        }
        let mut o = Organization {
            id: org.id.get_ref().clone(),
            management_account: org.management_account.as_ref().map(|a| a.get_ref().clone()),
            ..Organization::default()
        };
        for (target, paths) in &org.scps {
            o.scps.insert(target.clone(), self.policies(paths, PolicyKind::Scp));
        }
        for (target, paths) in &org.rcps {
            o.rcps.insert(target.clone(), self.policies(paths, PolicyKind::Rcp));
        }
        self.b.estate.organizations.insert(o.id.clone(), o);
    }

    fn account(&mut self, a: &AccountEntry) {
        let id = a.id.get_ref().clone();
        if !tenet_ast::eval::is_account_id(&id) {
            self.error(span(&a.id), format!("`{id}` is not a 12-digit account id"));
            return;
        }
        if self.b.estate.accounts.contains_key(&id) {
            self.error(span(&a.id), format!("account `{id}` is listed twice"));
            return;
        }
        if let Some(org) = &a.org {
            if !self.b.estate.organizations.contains_key(org.get_ref()) {
                self.b.report(
                    self.file,
                    diag(
                        UNKNOWN_REFERENCE,
                        Severity::Error,
                        span(org),
                        format!("no `[[organization]]` has id `{}`", org.get_ref()),
                    ),
                );
            }
        }
        {
            let acct = self.b.estate.account_mut(&id);
            acct.name = a.name.clone().unwrap_or_else(|| id.clone());
            acct.org = a.org.as_ref().map(|o| o.get_ref().clone());
            acct.ou_path =
                a.ou.as_deref()
                    .map(|p| p.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect())
                    .unwrap_or_default();
        }
        if let Some(path) = &a.authorization_details {
            if self.b.sources.get(path.get_ref()).is_none() {
                self.b.json(path.get_ref(), Some((self.file, span(path))));
            } else if let Some(found) = import_authorization_details(self.b, path.get_ref()) {
                if found != id {
                    self.error(
                        span(path),
                        format!("`{}` describes account `{found}`, not `{id}`", path.get_ref()),
                    );
                }
            }
        }
        if let Some(closed) = a.closed_world {
            self.b.estate.account_mut(&id).closed_world = closed;
        }
        for (entries, kind) in [
            (&a.group, PrincipalKind::Group),
            (&a.user, PrincipalKind::User),
            (&a.role, PrincipalKind::Role),
        ] {
            for e in entries {
                self.identity(&id, e, kind.clone());
            }
        }
        for s in &a.service_linked_role {
            let policies = self.policies(&s.policies, PolicyKind::Identity);
            self.b.estate.principals.push(Principal {
                arn: format!("arn:aws:iam::{id}:role/aws-service-role/{}/{}", s.service, s.name),
                name: s.name.clone(),
                kind: PrincipalKind::ServiceLinkedRole {
                    service: s.service.clone(),
                },
                account: id.clone(),
                policies,
                groups: Vec::new(),
                boundary: None,
                trust: None,
            });
        }
        for k in &a.key {
            self.key(&id, k);
        }
        for bk in &a.bucket {
            self.bucket(&id, bk);
        }
    }

    fn identity(&mut self, account: &str, e: &IdentityEntry, kind: PrincipalKind) {
        let path = e.path.clone().unwrap_or_else(|| "/".to_owned());
        let path = if path.ends_with('/') { path } else { format!("{path}/") };
        let ty = match kind {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            _ => "role",
        };
        let policies = self.policies(&e.policies, PolicyKind::Identity);
        let boundary = self.one(&e.boundary, PolicyKind::Identity);
        let trust = self.one(&e.trust, PolicyKind::Trust);
        if let (Some(t), false) = (&e.trust, kind == PrincipalKind::Role) {
            self.error(
                span(t),
                format!("only roles have a trust policy; `{}` is a {ty}", e.name),
            );
        }
        self.b.estate.principals.push(Principal {
            arn: format!("arn:aws:iam::{account}:{ty}{path}{}", e.name),
            name: e.name.clone(),
            kind,
            account: account.to_owned(),
            policies,
            groups: e.groups.clone(),
            boundary,
            trust,
        });
    }

    fn key(&mut self, account: &str, k: &KeyEntry) {
        let arn = k.arn.get_ref();
        if !tenet_ast::eval::scenario::is_kms_key_arn(arn) || arn.split(':').nth(4) != Some(account) {
            self.error(
                span(&k.arn),
                format!("`{arn}` is not the ARN of a KMS key of account `{account}`"),
            );
            return;
        }
        let policy = self.one(&k.policy, PolicyKind::Key);
        let mut grants = Vec::new();
        for g in &k.grants {
            grants.extend(grants_from_json(self.b, g.get_ref(), Some((self.file, span(g)))));
        }
        self.b.estate.keys.push(Key {
            arn: arn.clone(),
            account: account.to_owned(),
            policy,
            grants,
        });
    }

    fn bucket(&mut self, account: &str, bk: &BucketEntry) {
        let policy = self.one(&bk.policy, PolicyKind::Resource);
        let encryption = match (&bk.encryption, &bk.kms_key) {
            (None, None) => Encryption::Unknown,
            (Some(e), _) if e.get_ref() == "sse-s3" => Encryption::SseS3,
            (Some(e), None) if e.get_ref() == "sse-kms" => {
                self.error(span(e), "`sse-kms` needs `kms-key`, the key ARN".into());
                Encryption::Unknown
            }
            (Some(e), Some(_)) if e.get_ref() != "sse-kms" && !e.get_ref().ends_with(".json") => {
                self.error(
                    span(e),
                    format!("unknown encryption `{}` (`sse-s3`, `sse-kms` or a file)", e.get_ref()),
                );
                Encryption::Unknown
            }
            (Some(e), _) if e.get_ref().ends_with(".json") => {
                parse_encryption(self.b, e.get_ref(), Some((self.file, span(e))))
            }
            (_, Some(k)) => Encryption::SseKms {
                key: k.get_ref().clone(),
                bucket_key: bk.bucket_key,
            },
            (Some(e), None) => {
                self.error(
                    span(e),
                    format!("unknown encryption `{}` (`sse-s3`, `sse-kms` or a file)", e.get_ref()),
                );
                Encryption::Unknown
            }
        };
        self.b.estate.buckets.push(Bucket {
            name: bk.name.clone(),
            account: account.to_owned(),
            region: bk.region.clone(),
            policy,
            encryption,
        });
    }

    /// References between entries, checked once everything is read.
    fn check_references(&mut self, a: &AccountEntry) {
        let id = a.id.get_ref();
        for u in &a.user {
            for g in &u.groups {
                let known = self
                    .b
                    .estate
                    .principals
                    .iter()
                    .any(|p| p.kind == PrincipalKind::Group && p.account == *id && p.name == *g);
                if !known {
                    self.error(
                        span(&a.id),
                        format!(
                            "user `{}` of account `{id}` is in group `{g}`, which is not listed",
                            u.name
                        ),
                    );
                }
            }
        }
        for bk in &a.bucket {
            if let (Some(k), Encryption::SseKms { .. }) = (&bk.kms_key, self.encryption_of(&bk.name)) {
                if self.b.estate.key(k.get_ref()).is_none() {
                    self.b.report(
                        self.file,
                        diag(
                            UNKNOWN_REFERENCE,
                            Severity::Warning,
                            span(k),
                            format!(
                                "key `{}` is not in the estate: access through it is `unknown`",
                                k.get_ref()
                            ),
                        ),
                    );
                }
            }
        }
    }

    fn encryption_of(&self, bucket: &str) -> Encryption {
        self.b
            .estate
            .bucket(bucket)
            .map(|b| b.encryption.clone())
            .unwrap_or_default()
    }
}
