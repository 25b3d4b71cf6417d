//! The policy document model: statements, effects, principals, actions, resources and conditions.

use crate::operator::QualifiedOperator;
use tenet_diagnostics::{Span, Spanned};

/// What a policy is attached to, which decides which elements it must and must not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyKind {
    /// An identity-based policy (inline or managed), also a session policy.
    Identity,
    /// A resource-based policy such as an S3 bucket policy.
    Resource,
    /// A KMS key policy.
    Key,
    /// An IAM role trust policy.
    Trust,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
    /// A permissions boundary: shaped like an identity policy, it only caps what other policies grant.
    Boundary,
    /// A VPC endpoint policy: shaped like a resource policy, it only caps what passes the endpoint.
    VpcEndpoint,
}

impl PolicyKind {
    /// Every kind.
    pub const ALL: [PolicyKind; 8] = [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Key,
        PolicyKind::Trust,
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Boundary,
        PolicyKind::VpcEndpoint,
    ];

    /// The name used on the command line and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Key => "key",
            PolicyKind::Trust => "trust",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Boundary => "boundary",
            PolicyKind::VpcEndpoint => "vpce",
        }
    }

    /// Parses a command-line name (`bucket` is accepted for `resource`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "identity" | "session" => Some(PolicyKind::Identity),
            "boundary" | "permissions-boundary" => Some(PolicyKind::Boundary),
            "vpce" | "endpoint" | "vpc-endpoint" => Some(PolicyKind::VpcEndpoint),
            "resource" | "bucket" => Some(PolicyKind::Resource),
            "key" | "kms" => Some(PolicyKind::Key),
            "trust" => Some(PolicyKind::Trust),
            "scp" => Some(PolicyKind::Scp),
            "rcp" => Some(PolicyKind::Rcp),
            _ => None,
        }
    }

    /// Whether statements of this kind name a principal (resource, key and trust policies, and RCPs).
    pub fn requires_principal(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::Key | PolicyKind::Trust | PolicyKind::Rcp | PolicyKind::VpcEndpoint
        )
    }

    /// Whether a `Principal` element is forbidden (identity policies, boundaries and SCPs).
    pub fn forbids_principal(self) -> bool {
        matches!(self, PolicyKind::Identity | PolicyKind::Scp | PolicyKind::Boundary)
    }

    /// Whether the policy grants access by itself. SCPs, RCPs, permissions boundaries and VPC endpoint
    /// policies only cap what other policies grant: an `Allow` in them grants nothing.
    pub fn grants(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity | PolicyKind::Resource | PolicyKind::Key | PolicyKind::Trust
        )
    }
}

/// The policy language version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`, the current version, with policy variables.
    V2012_10_17,
    /// `2008-10-17`, where `${...}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string.
    pub fn as_str(&self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, and wins over every Allow.
    Deny,
}

/// A policy document.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Policy {
    /// `Version`, when present and valid.
    pub version: Option<Spanned<Version>>,
    /// `Id`, when present.
    pub id: Option<Spanned<String>>,
    /// The statements, whether `Statement` was one object or an array.
    pub statements: Vec<Spanned<Statement>>,
    /// Where a template left a value of this policy unresolved (a CloudFormation intrinsic, a
    /// Terraform interpolation or reference, content merged in from elsewhere); empty for a policy
    /// read from a policy file. Such a value is written as a `${label}` placeholder that is not a
    /// pattern: a policy with any is not fully known, and a prover must answer `unknown` about it.
    pub unresolved: Vec<Span>,
}

impl Policy {
    /// Whether policy variables are substituted (only under `2012-10-17`).
    pub fn substitutes_variables(&self) -> bool {
        matches!(self.version.as_ref().map(|v| &v.value), Some(Version::V2012_10_17))
    }
}

/// A list-valued element (`Action`/`NotAction`, `Resource`/`NotResource`) as written.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ElementList {
    /// `true` for `NotAction` / `NotResource`; the span is the element name's (the key's).
    pub negated: Spanned<bool>,
    /// The strings, in order (a single string becomes one item).
    pub items: Vec<Spanned<String>>,
    /// Whether the value was written as an array.
    pub is_array: bool,
}

/// The type key of a principal map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `AWS`: accounts, users, roles, sessions, or `*`.
    Aws,
    /// `Service`: AWS service principals.
    Service,
    /// `Federated`: identity providers.
    Federated,
    /// `CanonicalUser`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalType {
    /// The key as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One `"AWS": [...]` entry of a principal map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// The type key.
    pub ty: Spanned<PrincipalType>,
    /// The principals named.
    pub values: Vec<Spanned<String>>,
    /// Whether the value was an array.
    pub is_array: bool,
}

/// The value of `Principal` / `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalValue {
    /// `"*"`: everyone, including anonymous callers.
    Any,
    /// A map from principal type to principals.
    Map(Vec<PrincipalEntry>),
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principals {
    /// `true` for `NotPrincipal`; the span is the key's.
    pub negated: Spanned<bool>,
    /// What was named.
    pub value: PrincipalValue,
}

impl Principals {
    /// Every `(type, principal)` pair; `Principal: "*"` yields nothing (see [`Principals::is_any`]).
    pub fn entries(&self) -> impl Iterator<Item = (PrincipalType, &Spanned<String>)> {
        let entries: &[PrincipalEntry] = match &self.value {
            PrincipalValue::Any => &[],
            PrincipalValue::Map(m) => m,
        };
        entries
            .iter()
            .flat_map(|e| e.values.iter().map(move |v| (e.ty.value, v)))
    }

    /// Whether the element is `"*"` or `{"AWS": "*"}`.
    pub fn is_any(&self) -> bool {
        match &self.value {
            PrincipalValue::Any => true,
            PrincipalValue::Map(m) => m
                .iter()
                .any(|e| e.ty.value == PrincipalType::Aws && e.values.iter().any(|v| v.value == "*")),
        }
    }
}

/// A condition value as written: IAM compares everything as text, but keeps the JSON type for checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON number, as written.
    Number(String),
    /// A JSON boolean.
    Bool(bool),
}

impl ConditionValue {
    /// The text IAM compares.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ConditionValue::String(s) | ConditionValue::Number(s) => std::borrow::Cow::Borrowed(s),
            ConditionValue::Bool(true) => std::borrow::Cow::Borrowed("true"),
            ConditionValue::Bool(false) => std::borrow::Cow::Borrowed("false"),
        }
    }
}

/// One `operator -> key -> values` triple of a `Condition` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written.
    pub operator: Spanned<String>,
    /// The operator, when its name is valid.
    pub parsed: Option<QualifiedOperator>,
    /// The condition key as written.
    pub key: Spanned<String>,
    /// The values (a single value becomes one item).
    pub values: Vec<Spanned<ConditionValue>>,
    /// Whether the values were written as an array.
    pub is_array: bool,
}

/// A statement. Elements that were missing or malformed are `None`; the lowering reported why.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Statement {
    /// `Sid`.
    pub sid: Option<Spanned<String>>,
    /// `Effect`, when valid.
    pub effect: Option<Spanned<Effect>>,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<Spanned<Principals>>,
    /// `Action` or `NotAction`.
    pub action: Option<Spanned<ElementList>>,
    /// `Resource` or `NotResource`.
    pub resource: Option<Spanned<ElementList>>,
    /// The `Condition` block flattened in order; the span is the block's.
    pub condition: Option<Spanned<Vec<Condition>>>,
}

impl Statement {
    /// The effect, if valid.
    pub fn effect(&self) -> Option<Effect> {
        self.effect.as_ref().map(|e| e.value)
    }

    /// The conditions (empty when there is no block).
    pub fn conditions(&self) -> &[Condition] {
        self.condition.as_ref().map_or(&[], |c| &c.value)
    }
}

/// One policy found in an input file, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Where in the file the policy sits, for files holding several (e.g.
    /// `RoleDetailList[3] (deploy) / AssumeRolePolicyDocument`); `None` for a bare policy.
    pub name: Option<String>,
    /// The kind, detected or given.
    pub kind: PolicyKind,
    /// The policy.
    pub policy: Policy,
    /// The span of the document in the file (for an embedded string, the string literal).
    pub span: Span,
}
