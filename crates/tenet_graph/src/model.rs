//! The estate as data: accounts, principals, buckets, keys and organization policies, each holding
//! indices into one arena of policies.

use std::collections::{BTreeMap, HashMap};

use tenet_ast::eval::KmsGrant;
use tenet_ast::Policy;

/// The index of a policy in [`Estate::policies`].
pub type PolicyId = usize;

/// A policy of the estate and where it came from.
#[derive(Clone, Debug)]
pub struct EstatePolicy {
    /// The policy.
    pub policy: Policy,
    /// The file it was read from (relative to the estate root), with the place inside it for files
    /// holding several (`a.json: RoleDetailList[0] (App) / RolePolicyList[1] (read)`).
    pub origin: String,
}

/// One AWS account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit id.
    pub id: String,
    /// A display name.
    pub name: String,
    /// The organization id (`o-…`), if the account is in one.
    pub org: Option<String>,
    /// The OU path from the root, e.g. `["root", "workloads"]` (empty when unknown).
    pub ou_path: Vec<String>,
    /// Whether the principals and policies listed are all there are (imported IAM). Otherwise the
    /// account may hold other principals with any policy.
    pub closed_world: bool,
}

/// What kind of principal an estate principal is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    /// The account root user.
    Root,
    /// An IAM user.
    User,
    /// An IAM group (not a caller itself; its policies apply to its users).
    Group,
    /// An IAM role.
    Role,
    /// A service-linked role of `service` (under `role/aws-service-role/<service>/`).
    ServiceLinkedRole {
        /// The service that owns it.
        service: String,
    },
}

impl PrincipalKind {
    /// A short name: `root`, `user`, `group`, `role`, `service-linked role`.
    pub fn as_str(&self) -> &'static str {
        match self {
            PrincipalKind::Root => "root",
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
            PrincipalKind::Role => "role",
            PrincipalKind::ServiceLinkedRole { .. } => "service-linked role",
        }
    }
}

/// A user, group, role, service-linked role or account root.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The ARN (`arn:aws:iam::<account>:role/<path><name>`).
    pub arn: String,
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: PrincipalKind,
    /// The account id.
    pub account: String,
    /// Identity policies, inline and attached managed.
    pub policies: Vec<PolicyId>,
    /// For users: the names of their groups.
    pub groups: Vec<String>,
    /// The permissions boundary.
    pub boundary: Option<PolicyId>,
    /// For roles: the trust policy.
    pub trust: Option<PolicyId>,
}

/// The default encryption of a bucket.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Encryption {
    /// Not known.
    #[default]
    Unknown,
    /// SSE-S3 (`AES256`): no key policy takes part.
    SseS3,
    /// SSE-KMS with a customer-managed key.
    SseKms {
        /// The key ARN.
        key: String,
        /// Whether S3 Bucket Keys are on (the encryption context is then the bucket ARN).
        bucket_key: bool,
    },
}

/// An S3 bucket.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// The owning account.
    pub account: String,
    /// The region, when known (`kms:ViaService` is `s3.<region>.amazonaws.com`).
    pub region: Option<String>,
    /// The bucket policy.
    pub policy: Option<PolicyId>,
    /// The default encryption.
    pub encryption: Encryption,
}

impl Bucket {
    /// `arn:aws:s3:::<name>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:s3:::{}", self.name)
    }
}

/// A KMS key.
#[derive(Clone, Debug)]
pub struct Key {
    /// The key ARN.
    pub arn: String,
    /// The owning account.
    pub account: String,
    /// The key policy.
    pub policy: Option<PolicyId>,
    /// The grants on the key (`kms list-grants` entries).
    pub grants: Vec<KmsGrant>,
}

impl Key {
    /// The region field of the ARN.
    pub fn region(&self) -> Option<&str> {
        self.arn.split(':').nth(3).filter(|r| !r.is_empty())
    }
}

/// An AWS Organization: its SCPs and RCPs by target.
#[derive(Clone, Debug, Default)]
pub struct Organization {
    /// The organization id.
    pub id: String,
    /// The management account (SCPs do not apply to its principals).
    pub management_account: Option<String>,
    /// SCPs by target: `root`, an OU path (`root/workloads`) or an account id.
    pub scps: BTreeMap<String, Vec<PolicyId>>,
    /// RCPs by target, like `scps`.
    pub rcps: BTreeMap<String, Vec<PolicyId>>,
}

/// Something the sources leave unknown about a resource of the estate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The bucket or key ARN.
    pub arn: String,
    /// Why, in words.
    pub reason: String,
    /// Whether it matters only to requests on objects (a bucket's default encryption).
    pub objects_only: bool,
}

/// A name the sources do not fix, and the stand-in the estate uses for it: the ARN is `prefix` +
/// `name`, where only `name` stands in for what AWS generates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandIn {
    /// The part of the ARN the sources fix (`arn:aws:kms:us-east-1:111122223333:key/`).
    pub prefix: String,
    /// The stand-in name (the logical id or resource address).
    pub name: String,
}

/// Groups by `(account, name)`, and principals by account.
type Index = (HashMap<(String, String), usize>, HashMap<String, Vec<usize>>);

/// Everything the estate holds.
#[derive(Clone, Debug, Default)]
pub struct Estate {
    /// Every policy, referenced by index.
    pub policies: Vec<EstatePolicy>,
    /// Accounts by id.
    pub accounts: BTreeMap<String, Account>,
    /// Principals, in load order.
    pub principals: Vec<Principal>,
    /// Buckets.
    pub buckets: Vec<Bucket>,
    /// Keys.
    pub keys: Vec<Key>,
    /// Organizations by id.
    pub organizations: BTreeMap<String, Organization>,
    /// What the sources leave unknown about a bucket or key (read from infrastructure as code):
    /// a verdict that depends on it is `unknown` (see [`crate::unresolved`]).
    pub unknowns: Vec<Unknown>,
    /// Names AWS generates at deployment, for which the estate uses a stand-in (read from
    /// infrastructure as code): a pattern that may tell them apart makes a verdict `unknown`.
    pub stand_ins: Vec<StandIn>,
    /// Groups by `(account, name)` and principals by account, as indices into `principals`
    /// (rebuilt by [`Estate::reindex`]; the loaders call it).
    index: Index,
}

impl Estate {
    /// Stores a policy and returns its id.
    pub fn add_policy(&mut self, policy: Policy, origin: String) -> PolicyId {
        self.policies.push(EstatePolicy { policy, origin });
        self.policies.len() - 1
    }

    /// The policy of an id.
    pub fn policy(&self, id: PolicyId) -> Option<&Policy> {
        self.policies.get(id).map(|p| &p.policy)
    }

    /// Makes sure an account exists (open world unless already known) and returns it.
    pub fn account_mut(&mut self, id: &str) -> &mut Account {
        self.accounts.entry(id.to_owned()).or_insert_with(|| Account {
            id: id.to_owned(),
            name: id.to_owned(),
            org: None,
            ou_path: Vec::new(),
            closed_world: false,
        })
    }

    /// Adds the root principal of every account that has none.
    pub fn add_roots(&mut self) {
        for id in self.accounts.keys() {
            let arn = format!("arn:aws:iam::{id}:root");
            if !self.principals.iter().any(|p| p.arn == arn) {
                self.principals.push(Principal {
                    arn,
                    name: "root".to_owned(),
                    kind: PrincipalKind::Root,
                    account: id.clone(),
                    policies: Vec::new(),
                    groups: Vec::new(),
                    boundary: None,
                    trust: None,
                });
            }
        }
        self.reindex();
    }

    /// Rebuilds the indices of groups and of principals by account; call it after changing
    /// `principals`.
    pub fn reindex(&mut self) {
        let mut groups = HashMap::new();
        let mut by_account: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in self.principals.iter().enumerate() {
            if p.kind == PrincipalKind::Group {
                groups.insert((p.account.clone(), p.name.clone()), i);
            }
            by_account.entry(p.account.clone()).or_default().push(i);
        }
        self.index = (groups, by_account);
    }

    /// The group `name` of `account`, as an index into `principals`.
    pub fn group(&self, account: &str, name: &str) -> Option<usize> {
        self.index.0.get(&(account.to_owned(), name.to_owned())).copied()
    }

    /// The principals of an account, as indices into `principals`.
    pub fn principals_of(&self, account: &str) -> &[usize] {
        self.index.1.get(account).map_or(&[], Vec::as_slice)
    }

    /// A principal by ARN.
    pub fn principal(&self, arn: &str) -> Option<&Principal> {
        self.principals.iter().find(|p| p.arn == arn)
    }

    /// A bucket by name.
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.name == name)
    }

    /// A key by ARN (or by key id, the part after `key/`).
    pub fn key(&self, arn_or_id: &str) -> Option<&Key> {
        self.keys
            .iter()
            .find(|k| k.arn == arn_or_id || k.arn.rsplit('/').next() == Some(arn_or_id))
    }

    /// The SCP levels that cap the principals of `account` (root, each OU, the account), from the
    /// root down; levels without a listed SCP are left out (AWS attaches `FullAWSAccess` by default).
    /// Empty for accounts outside any organization and for the management account.
    pub fn scp_levels(&self, account: &str) -> Vec<Vec<PolicyId>> {
        self.org_levels(account, |o| &o.scps)
    }

    /// The RCP levels that cap the resources of `account`, like [`Estate::scp_levels`].
    pub fn rcp_levels(&self, account: &str) -> Vec<Vec<PolicyId>> {
        self.org_levels(account, |o| &o.rcps)
    }

    fn org_levels(
        &self,
        account: &str,
        pick: impl Fn(&Organization) -> &BTreeMap<String, Vec<PolicyId>>,
    ) -> Vec<Vec<PolicyId>> {
        let Some(acct) = self.accounts.get(account) else {
            return Vec::new();
        };
        let Some(org) = acct.org.as_ref().and_then(|o| self.organizations.get(o)) else {
            return Vec::new();
        };
        if org.management_account.as_deref() == Some(account) {
            return Vec::new();
        }
        let by_target = pick(org);
        let mut targets: Vec<String> = Vec::new();
        let mut path = String::new();
        for ou in &acct.ou_path {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(ou);
            targets.push(path.clone());
        }
        if targets.is_empty() {
            targets.push("root".to_owned());
        }
        targets.push(account.to_owned());
        targets
            .iter()
            .filter_map(|t| by_target.get(t).filter(|v| !v.is_empty()).cloned())
            .collect()
    }
}
