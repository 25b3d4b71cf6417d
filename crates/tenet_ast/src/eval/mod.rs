//! The concrete IAM evaluator: given one request and the policies in play, the decision AWS would make.
//!
//! This module sits beside the policy model: it reads the typed AST only (never JSON text), and it is
//! the reference semantics that the Z3 encoding in `tenet_prove` is tested against. Every
//! counterexample the prover prints is first re-checked here, and `tenet simulate` is a thin front end
//! over [`evaluate`].
//!
//! The logic follows the AWS IAM User Guide ("Policy evaluation logic", "Cross-account policy
//! evaluation logic", "Permissions boundaries", "Session policies", "NotPrincipal") and the KMS
//! Developer Guide ("Key policies", "Grants"):
//!
//! 1. An applicable `Deny` in any policy (identity, resource or key policy, boundary, session policy,
//!    SCP, RCP) wins: [`Decision::ExplicitlyDenied`].
//! 2. RCPs, then SCPs, are caps: at every organization level some policy must allow.
//! 3. Within one account the identity side (identity policies, capped by the permissions boundary
//!    and the session policy) **or** the resource policy suffices; across accounts both are needed.
//!    A resource-policy grant that names the exact IAM user, role-session or federated-user ARN is not
//!    capped by the boundary or session policy; a grant through the role ARN or `*` is.
//! 4. A KMS key policy, and a role trust policy for `sts:AssumeRole*`, must allow: directly, or by
//!    naming the account (root ARN or account id), which delegates to that account's IAM policies.
//!    Grants only allow.
//! 5. The account root user has full access in its own account: its identity side always allows
//!    (it has no identity policies, boundaries or session policies), and denies, SCPs, the key-policy
//!    gate and trust policies still apply. It cannot assume roles (STS refuses root credentials).
//! 6. RCPs only deny: `RCPFullAWSAccess` is attached at every level and cannot be detached, so no
//!    level ever lacks an allow.
//! 7. `sts:GetCallerIdentity` is allowed to every authenticated caller, whatever denies.
//! 8. Service-enforced denials come first: KMS refuses to create, update or delete aliases under
//!    `alias/aws/`, whatever the policies allow.
//!
//! Everything not decided by AWS's documentation is marked with a `// NOTE:` comment where it is
//! decided, so the prover can implement the same choice.

mod arn_wildcards;
mod condition;
mod derived;
mod matching;
mod principal;
mod principal_match;
pub mod scenario;
pub mod semantics;
#[cfg(test)]
mod tests;
mod world;

use std::collections::BTreeMap;

use crate::policy::{Effect, Policy, Statement};
use crate::Condition;

pub use crate::semantics::{is_account_id, parse_cidr, parse_date, Cidr};
pub use arn_wildcards::{
    arn_pattern_ambiguous, arn_pattern_match, arn_pattern_match_in, arn_star_crossings, resource_pattern_ambiguous,
    ArnReading,
};
pub use condition::{base64_decode, parse_decimal, Decimal};
pub use derived::{derived_keys, Derived, DerivedFrom, DerivedKey, PRINCIPAL_KEYS};
pub use matching::{scan as scan_variables, wildcard_match, Piece as VariablePiece, PrincipalMatch};
pub use principal::{AwsPrincipalKind, RequestPrincipal};
pub use principal_match::{
    grantee_match, grantee_names_federator, names_user_of, not_principal_names_federator, not_principal_reading_open,
    principal_match, principal_match_as,
};
pub use world::{owns, IdentityWorld, Levels, Owned, World};

/// One request to authorize.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Who makes the call.
    pub principal: RequestPrincipal,
    /// The action, `service:Operation` (for example `s3:GetObject`); compared case-insensitively.
    pub action: String,
    /// The resource ARN; compared case-sensitively.
    pub resource: String,
    /// The account that owns the resource. When `None`, the account field of the resource ARN is
    /// used; when that is empty too (S3 ARNs), the resource is taken to be in the principal's account.
    pub resource_account: Option<String>,
    /// The request context (condition keys and their values).
    pub context: Context,
}

impl Request {
    /// A request with an empty context; fails when the principal cannot be parsed.
    pub fn new(principal: &str, action: &str, resource: &str) -> Result<Self, String> {
        Ok(Request {
            principal: RequestPrincipal::parse(principal)?,
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_account: None,
            context: Context::new(),
        })
    }

    /// The account owning the resource: the ARN's account field when it has one (non-empty, not
    /// `*`), else the explicit `resource_account` (S3 ARNs carry no account).
    ///
    /// NOTE: an explicit account that contradicts the ARN's account field cannot happen in AWS (the
    /// ARN names the owner); the ARN wins and the explicit value is ignored. The prover never
    /// produces such requests (its encoding ties the account to the ARN).
    pub fn resource_account(&self) -> Option<&str> {
        arn_account(&self.resource).or(self.resource_account.as_deref())
    }

    /// Whether the principal and the resource are in different accounts. Principals that have no
    /// account (anonymous callers, service and federated principals) are never cross-account: they
    /// have no identity policies, so the resource policy alone decides.
    pub fn is_cross_account(&self) -> bool {
        match (self.principal.account(), self.resource_account()) {
            (Some(principal), Some(resource)) => principal != resource,
            // NOTE: an unknown resource account (e.g. an S3 ARN without `resourceAccount`) is taken to
            // be the principal's account, the common single-account case.
            _ => false,
        }
    }

    /// Fills the global condition keys that AWS derives from the principal and the resource, for
    /// each that the context does not already hold: `aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:PrincipalType`, `aws:username` (IAM users), `aws:PrincipalServiceName` and
    /// `aws:PrincipalIsAWSService`, `aws:ResourceAccount`, and `kms:CallerAccount` for `kms:` actions.
    ///
    /// NOTE: for a role session, `aws:PrincipalArn` is the role ARN without its path (a session ARN
    /// does not carry the path); give the key explicitly when the path matters.
    ///
    /// [`evaluate`] never calls this: the context is exactly what the caller gives. `tenet simulate`
    /// calls it so that scenario files stay short.
    pub fn populate_derived_keys(&mut self) {
        self.derive_keys(false);
    }

    /// Like [`Request::populate_derived_keys`], but replaces what the context holds for those keys,
    /// so that the request is consistent with its principal (the prover's differential test and
    /// re-checks build requests this way).
    pub fn force_derived_keys(&mut self) {
        self.derive_keys(true);
    }

    fn derive_keys(&mut self, replace: bool) {
        let kms = is_kms_action(&self.action);
        for row in derived_keys(&self.principal) {
            let set = matches!(row.value, Derived::Value(_)) && (kms || !row.kms_only);
            match row.value {
                Derived::Value(v) if set && (replace || self.context.get(row.key).is_none()) => {
                    self.context.insert(row.key, ContextValue::Single(v));
                }
                // Keys AWS never sets for this kind of principal (or action).
                _ if !set && replace => {
                    self.context.remove(row.key);
                }
                _ => {}
            }
        }
        if let Some(account) = self.resource_account().map(str::to_owned) {
            if replace || self.context.get("aws:ResourceAccount").is_none() {
                self.context
                    .insert("aws:ResourceAccount", ContextValue::Single(account));
            }
        }
    }
}

/// The account field of an ARN as IAM reads it for ownership: `None` when it is empty (S3 ARNs), `*`,
/// or `aws` (resources AWS owns, such as `arn:aws:iam::aws:policy/ReadOnlyAccess`, belong to no
/// customer account, so reading them is never cross-account: the caller's identity side decides).
///
/// This is the one reading of "which account owns this ARN": the evaluator, the prover's encoding
/// and its decoding all call it.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|field| names_owner(field))
}

/// Whether an ARN's account field names a customer account that owns the resource (not empty, `*`
/// or `aws`).
pub fn names_owner(account_field: &str) -> bool {
    !account_field.is_empty() && account_field != "*" && account_field != "aws"
}

/// Whether an action is `sts:GetCallerIdentity`, which every authenticated caller may make: the STS
/// API reference says no permission is required, and an explicit `Deny` does not stop it.
pub fn is_get_caller_identity(action: &str) -> bool {
    action.eq_ignore_ascii_case("sts:GetCallerIdentity")
}

/// Whether an action assumes a role (`sts:AssumeRole`, `sts:AssumeRoleWithSAML`,
/// `sts:AssumeRoleWithWebIdentity`), the actions a role trust policy decides.
pub fn is_assume_role(action: &str) -> bool {
    action
        .get(..14)
        .is_some_and(|head| head.eq_ignore_ascii_case("sts:AssumeRole"))
}

/// Whether a request changes an AWS managed KMS key's alias (`alias/aws/…`): KMS refuses
/// `CreateAlias`, `UpdateAlias` and `DeleteAlias` on them whatever the policies say ("Aliases in
/// AWS KMS": "you cannot create, update or delete aliases that begin with `alias/aws/`").
pub fn is_reserved_alias_change(action: &str, resource: &str) -> bool {
    RESERVED_ALIAS_ACTIONS.iter().any(|a| action.eq_ignore_ascii_case(a))
        && arn_pattern_match(RESERVED_ALIAS_PATTERN, resource)
}

/// The `Resource` pattern of the aliases KMS reserves (see [`is_reserved_alias_change`]).
pub const RESERVED_ALIAS_PATTERN: &str = "arn:*:kms:*:*:alias/aws/*";

/// The actions KMS refuses on reserved aliases (see [`is_reserved_alias_change`]).
pub const RESERVED_ALIAS_ACTIONS: [&str; 3] = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"];

/// Global condition keys AWS puts in every request context (IAM User Guide, "AWS global condition
/// context keys": "Availability – This key is always included in the request context"). A request
/// without them does not exist, so the prover never builds one.
pub const ALWAYS_PRESENT_KEYS: [&str; 3] = ["aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime"];

/// Whether an action is a KMS action (`kms:` prefix, any case). Safe on any text: the one place
/// that answers "is this a KMS action" (key-policy gates, grants and `kms:CallerAccount` ask it).
pub fn is_kms_action(action: &str) -> bool {
    action.len() > 4 && action.get(..4).is_some_and(|head| head.eq_ignore_ascii_case("kms:"))
}

/// The value of one context key: IAM types it by the operator that reads it, so it is kept as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multi-valued key (possibly empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one element for a single-valued key).
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

/// The request context. Condition keys are case-insensitive: lookups ignore case, and the key as
/// given is kept for output (and for the case-sensitive encryption-context keys of KMS grants).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context(BTreeMap<String, (String, ContextValue)>);

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context(BTreeMap::new())
    }

    /// Sets a key (replacing any value under the same key in another case).
    pub fn insert(&mut self, key: impl Into<String>, value: ContextValue) {
        let key = key.into();
        self.0.insert(key.to_lowercase(), (key, value));
    }

    /// The value of a key, looked up case-insensitively. Does not allocate for ASCII keys up to 256
    /// bytes.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key as given and its value, looked up case-insensitively.
    pub fn get_entry(&self, key: &str) -> Option<(&str, &ContextValue)> {
        let found = if key.is_ascii() && !key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.0.get(key)
        } else if key.is_ascii() && key.len() <= 256 {
            let mut buf = [0u8; 256];
            let lower = buf.get_mut(..key.len()).and_then(|lower| {
                lower.copy_from_slice(key.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).ok()
            });
            lower.and_then(|k| self.0.get(k))
        } else {
            self.0.get(&key.to_lowercase())
        };
        found.map(|(k, v)| (k.as_str(), v))
    }

    /// Removes a key (case-insensitively).
    pub fn remove(&mut self, key: &str) -> Option<ContextValue> {
        self.0.remove(&key.to_lowercase()).map(|(_, v)| v)
    }

    /// Every `(key as given, value)` pair, ordered by lowercase key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.0.values().map(|(k, v)| (k.as_str(), v))
    }

    /// The entries whose lowercase key starts with `lower_prefix` (which must be lowercase).
    pub(crate) fn with_prefix<'a>(
        &'a self,
        lower_prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a ContextValue)> + 'a {
        self.0
            .range::<str, _>((std::ops::Bound::Included(lower_prefix), std::ops::Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(lower_prefix))
            .map(|(_, (k, v))| (k.as_str(), v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>> FromIterator<(K, ContextValue)> for Context {
    fn from_iter<I: IntoIterator<Item = (K, ContextValue)>>(iter: I) -> Self {
        let mut context = Context::new();
        for (k, v) in iter {
            context.insert(k, v);
        }
        context
    }
}

/// The constraints of a KMS grant, in the `aws kms list-grants` shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GrantConstraints {
    /// The request's encryption context must be exactly this map (case-sensitive keys and values).
    #[serde(default)]
    pub encryption_context_equals: Option<BTreeMap<String, String>>,
    /// The request's encryption context must include every pair of this map.
    #[serde(default)]
    pub encryption_context_subset: Option<BTreeMap<String, String>>,
}

/// A KMS grant, in the shape of one entry of `aws kms list-grants` (unknown fields are ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KmsGrant {
    /// `GrantId`.
    #[serde(default)]
    pub grant_id: Option<String>,
    /// `Name`.
    #[serde(default)]
    pub name: Option<String>,
    /// `KeyId`: the key ARN (or bare key id) the grant is for; `None` means the key under evaluation.
    #[serde(default, rename = "KeyId")]
    pub key_arn: Option<String>,
    /// `GranteePrincipal`: an IAM user, role, assumed-role or account-root ARN, or a service principal.
    pub grantee_principal: String,
    /// `RetiringPrincipal` (not used in decisions).
    #[serde(default)]
    pub retiring_principal: Option<String>,
    /// `Operations`: KMS operation names without the `kms:` prefix (`Decrypt`, `GenerateDataKey`, …).
    #[serde(default)]
    pub operations: Vec<String>,
    /// `Constraints`.
    #[serde(default)]
    pub constraints: Option<GrantConstraints>,
}

/// The policies in play for one request.
///
/// Callers choose which policies apply: the identity policies (inline, managed, group) of the
/// calling user or role, the resource's policy, the SCPs of the principal's account path from the
/// root to the account, and the RCPs of the resource's account path. SCPs do not apply to principals
/// of the management account: pass no SCPs for them (and no RCPs for resources it owns).
#[derive(Clone, Debug, Default)]
pub struct PolicySet<'a> {
    /// Identity-based policies of the principal.
    pub identity: Vec<&'a Policy>,
    /// The resource-based policy (bucket policy, key policy, trust policy, …), if any.
    pub resource: Option<&'a Policy>,
    /// Whether `resource` is a KMS key policy (which must allow, see the module docs).
    pub resource_is_key_policy: bool,
    /// Whether `resource` is a role trust policy: like a key policy it must allow, directly or by
    /// naming the account (which delegates to that account's IAM policies), even within one account.
    pub resource_is_trust_policy: bool,
    /// The principal's identity side is not known (open world): an administrator of its account
    /// may attach any policy, so the identity side is taken to allow (the most permissive case; the
    /// given `identity`, `boundaries` and `session` are then ignored). `never`/`only` proofs read the
    /// identity side of every principal whose policies were not given this way.
    pub identity_open: bool,
    /// The permissions boundary of the principal (empty: none). Every one listed must allow.
    pub boundaries: Vec<&'a Policy>,
    /// The session policy, if the session was created with one.
    pub session: Option<&'a Policy>,
    /// Service control policies, one `Vec` per organization level (root, OUs, account); at every
    /// level some policy must allow. An empty inner `Vec` allows nothing.
    pub scps: Vec<Vec<&'a Policy>>,
    /// Resource control policies, organized like `scps`.
    pub rcps: Vec<Vec<&'a Policy>>,
    /// KMS grants on the key (only consulted when the action is a `kms:` action).
    pub grants: Vec<KmsGrant>,
    /// For a federated-user session (`GetFederationToken`): the IAM user who federated it. Then
    /// `identity` and `boundaries` are that user's, `session` is the session policy passed to
    /// `GetFederationToken` and is required (without one the session's identity side allows
    /// nothing), and a resource-policy grant naming the user applies to the session, capped by the
    /// session policy (IAM User Guide, "Session policies"; "Permissions for GetFederationToken").
    pub federated_by: Option<RequestPrincipal>,
}

impl<'a> PolicySet<'a> {
    /// How `who`'s identity side is known under this set (as [`World::identity_world`] built it).
    pub fn identity_world(&self, who: &RequestPrincipal) -> IdentityWorld {
        match who {
            RequestPrincipal::Aws {
                kind: AwsPrincipalKind::Root,
                ..
            } => IdentityWorld::Root,
            RequestPrincipal::Aws { .. } if self.identity_open => IdentityWorld::Open,
            RequestPrincipal::Aws { .. } => IdentityWorld::Closed,
            _ => IdentityWorld::None,
        }
    }

    /// The policy at `source` (`None` for a grant, or a source the set does not have).
    pub fn policy(&self, source: PolicySource) -> Option<&'a Policy> {
        match source {
            PolicySource::Identity(i) => self.identity.get(i).copied(),
            PolicySource::Resource => self.resource,
            PolicySource::Boundary(i) => self.boundaries.get(i).copied(),
            PolicySource::Session => self.session,
            PolicySource::Scp { level, index } => self.scps.get(level).and_then(|l| l.get(index)).copied(),
            PolicySource::Rcp { level, index } => self.rcps.get(level).and_then(|l| l.get(index)).copied(),
            PolicySource::Grant(_) => None,
        }
    }

    /// Every policy of the set, in role order (identity, resource, boundaries, session, SCPs, RCPs).
    pub fn policies(&self) -> Vec<&'a Policy> {
        let mut v: Vec<&'a Policy> = self.identity.clone();
        v.extend(self.resource);
        v.extend(self.boundaries.iter().copied());
        v.extend(self.session);
        v.extend(self.scps.iter().flatten().copied());
        v.extend(self.rcps.iter().flatten().copied());
        v
    }
}

/// The outcome of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some policy allows and nothing denies or caps it.
    Allowed,
    /// An applicable `Deny` statement.
    ExplicitlyDenied,
    /// No sufficient `Allow` (the default).
    ImplicitlyDenied,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allowed
    }

    /// The name used in outputs: `allowed`, `explicitly-denied`, `implicitly-denied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitlyDenied => "explicitly-denied",
            Decision::ImplicitlyDenied => "implicitly-denied",
        }
    }
}

/// Where a statement sits in a [`PolicySet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicySource {
    /// `identity[i]`.
    Identity(usize),
    /// The resource (or key) policy.
    Resource,
    /// `boundaries[i]`.
    Boundary(usize),
    /// The session policy.
    Session,
    /// `scps[level][index]`.
    Scp {
        /// The organization level.
        level: usize,
        /// The policy within the level.
        index: usize,
    },
    /// `rcps[level][index]`.
    Rcp {
        /// The organization level.
        level: usize,
        /// The policy within the level.
        index: usize,
    },
    /// `grants[i]` (`statement` is 0).
    Grant(usize),
}

impl PolicySource {
    /// A short human name: `identity policy #1`, `resource policy`, `SCP level 0 #2`, …
    pub fn describe(&self) -> String {
        match self {
            PolicySource::Identity(i) => format!("identity policy #{i}"),
            PolicySource::Resource => "resource policy".to_owned(),
            PolicySource::Boundary(i) => format!("permissions boundary #{i}"),
            PolicySource::Session => "session policy".to_owned(),
            PolicySource::Scp { level, index } => format!("SCP level {level} #{index}"),
            PolicySource::Rcp { level, index } => format!("RCP level {level} #{index}"),
            PolicySource::Grant(i) => format!("KMS grant #{i}"),
        }
    }
}

/// A statement that took part in a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// The policy.
    pub source: PolicySource,
    /// The statement's index in the policy.
    pub statement: usize,
    /// The statement's `Sid` (for a grant, its `GrantId` or `Name`).
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
}

/// The link that was missing when a request is implicitly denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gap {
    /// No SCP at this organization level allows.
    Scp {
        /// The level.
        level: usize,
    },
    /// No identity-based policy allows.
    Identity,
    /// The permissions boundary does not allow.
    Boundary,
    /// The session policy does not allow.
    Session,
    /// The resource-based policy does not allow (cross-account, or a principal without identity
    /// policies such as a service or an anonymous caller).
    Resource,
    /// The KMS key policy neither allows nor delegates to the principal's account, and no grant allows.
    KeyPolicy,
    /// The service refuses the request whatever the policies say (a reserved KMS alias).
    Service,
}

/// The answer of [`evaluate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// For a deny, every applicable `Deny` statement; for an allow, the statements that allowed
    /// (one per policy type on the allowing path); for an implicit deny, the allowing statements
    /// found on the other side of the missing link (often empty).
    pub deciding: Vec<StatementRef>,
    /// The missing link of an implicit deny.
    pub gap: Option<Gap>,
    /// A one-line explanation in CloudTrail's words, e.g.
    /// `no identity-based policy allows the kms:Decrypt action`.
    pub reason: String,
}

/// Evaluates one request against the policies in play. See the module documentation for the logic.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Evaluation {
    decide::evaluate(request, policies)
}

/// Whether `policy` by itself allows `request`: some `Allow` that names the principal applies, and
/// no `Deny` does (the meaning of one policy, compared by `equivalent` and `no new access`).
pub fn allowed_alone(policy: &Policy, request: &Request) -> bool {
    decide::allowed_alone(policy, request)
}

/// Whether a statement applies to the request: its `Principal`/`NotPrincipal` (if any), its
/// `Action`/`NotAction`, its `Resource`/`NotResource` (a missing `Resource` matches, as in trust
/// policies) and every condition all match. The effect is not looked at.
pub fn statement_applies(stmt: &Statement, policy: &Policy, request: &Request) -> bool {
    matching::statement_match(stmt, policy, request, false) != PrincipalMatch::No
}

/// Whether one condition (`operator -> key -> values`) holds for the request. An operator that was
/// not parsed (unknown name) never holds.
pub fn condition_holds(cond: &Condition, policy: &Policy, request: &Request) -> bool {
    condition::condition_holds(cond, policy.substitutes_variables(), request)
}

mod decide;
mod open_points;
pub mod skeleton;

pub use open_points::{open_point, open_point_in, OpenPoint};
