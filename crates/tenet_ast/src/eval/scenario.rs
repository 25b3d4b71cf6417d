//! The typed, non-policy parts of a `tenet simulate` scenario file.
//!
//! The scenario is one JSON object:
//!
//! ```json
//! {
//!   "request": {
//!     "principal": "arn:aws:sts::111111111111:assumed-role/App/session-1",
//!     "action": "kms:Decrypt",
//!     "resource": "arn:aws:kms:us-east-1:333333333333:key/a056d364-…",
//!     "resourceAccount": "333333333333",
//!     "context": {
//!       "aws:SourceIp": "203.0.113.5",
//!       "aws:SecureTransport": true,
//!       "aws:TagKeys": ["team", "env"],
//!       "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::bucket/object"
//!     }
//!   },
//!   "identityPolicies": [ { "Version": "2012-10-17", "Statement": [ … ] } ],
//!   "resourcePolicy": { … },
//!   "resourceIsKeyPolicy": true,
//!   "permissionBoundaries": [ { … } ],
//!   "sessionPolicy": { … },
//!   "serviceControlPolicies": [ [ { … } ], [ { … }, { … } ] ],
//!   "resourceControlPolicies": [ [ { … } ] ],
//!   "kmsGrants": { "Grants": [ { "GranteePrincipal": "arn:aws:iam::111111111111:role/App",
//!                                "Operations": ["Decrypt"],
//!                                "Constraints": { "EncryptionContextSubset": { "aws:s3:arn": "arn:aws:s3:::bucket/object" } },
//!                                "KeyId": "arn:aws:kms:us-east-1:333333333333:key/a056d364-…" } ] }
//! }
//! ```
//!
//! - `request.principal`: an IAM user, role or root ARN, an STS assumed-role or federated-user ARN,
//!   a 12-digit account id (its root), a service principal (`lambda.amazonaws.com`) or `anonymous`.
//! - `request.action` (`service:Operation`) and `request.resource` (an ARN) are required;
//!   `resourceAccount` defaults to the ARN's account field; S3 ARNs have none: then it is
//!   `aws:ResourceAccount` from the context, else the principal's account, said as an assumption
//!   ([`ScenarioRequest::resolve`]; a principal without an account needs `resourceAccount`).
//! - `request.context`: condition keys (case-insensitive) to a string or a list of strings (a
//!   multi-valued key); booleans and numbers are accepted and turned into their text. Values are
//!   typed by the operator that reads them.
//! - `identityPolicies`, `permissionBoundaries`: lists of policy documents; `resourcePolicy`,
//!   `sessionPolicy`: one document; `serviceControlPolicies`, `resourceControlPolicies`: one list of
//!   documents per organization level, from the root down. All optional. These are read by the CLI
//!   (with spans), not by the types of this module, which ignore them.
//! - `resourceIsKeyPolicy`: defaults to whether the resource is a KMS key ARN (`arn:…:kms:…:key/…`).
//! - `kmsGrants`: the output of `aws kms list-grants` (`{"Grants": [...]}`) or a bare list of its
//!   entries (`GranteePrincipal`, `Operations`, `Constraints`, `KeyId`, …).
//! - `federatedBy`: the IAM user who created a federated-user session (read and checked by the CLI).

pub mod facts;
pub mod input;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::{Context, ContextValue, KmsGrant, Request, RequestPrincipal};

/// The non-policy parts of a scenario file (unknown fields, including the policies, are ignored).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// The request to evaluate.
    pub request: ScenarioRequest,
    /// Whether the resource policy is a KMS key policy; `None`: decided from the resource ARN.
    #[serde(default)]
    pub resource_is_key_policy: Option<bool>,
    /// Whether the resource policy is a role trust policy; `None`: whether the resource is a role.
    #[serde(default)]
    pub resource_is_trust_policy: Option<bool>,
    /// The KMS grants on the key.
    #[serde(default)]
    pub kms_grants: Option<GrantList>,
}

impl Scenario {
    /// The request, with its principal parsed.
    pub fn to_request(&self) -> Result<Request, String> {
        self.request.to_request()
    }

    /// The request as `tenet simulate` evaluates it: its owner decided, its derived keys filled in
    /// and checked against what it gives (see [`facts`]).
    pub fn resolve(&self) -> Result<facts::Resolved, Vec<facts::RequestProblem>> {
        self.request.resolve()
    }

    /// Whether the resource policy is a KMS key policy: as given, else whether the resource is a key.
    pub fn resource_is_key_policy(&self) -> bool {
        self.resource_is_key_policy
            .unwrap_or_else(|| is_kms_key_arn(&self.request.resource))
    }

    /// Whether the resource policy is a role trust policy: as given, else whether the resource is an
    /// IAM role ARN (the only resource policy a role has is its trust policy).
    pub fn resource_is_trust_policy(&self) -> bool {
        self.resource_is_trust_policy.unwrap_or_else(|| {
            let mut parts = self.request.resource.splitn(6, ':');
            parts.nth(2) == Some("iam") && parts.nth(2).is_some_and(|r| r.starts_with("role/"))
        })
    }

    /// The grants (empty when none are given).
    pub fn grants(&self) -> Vec<KmsGrant> {
        match &self.kms_grants {
            None => Vec::new(),
            Some(GrantList::ListGrants { grants }) | Some(GrantList::Bare(grants)) => grants.clone(),
        }
    }
}

/// The `request` object of a scenario.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioRequest {
    /// The principal, as accepted by [`RequestPrincipal::parse`].
    pub principal: String,
    /// The action, `service:Operation`.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The account owning the resource.
    #[serde(default)]
    pub resource_account: Option<String>,
    /// Condition keys and values.
    #[serde(default)]
    pub context: BTreeMap<String, ContextValue>,
}

impl ScenarioRequest {
    /// The request, with its principal parsed.
    pub fn to_request(&self) -> Result<Request, String> {
        let context: Context = self.context.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(Request {
            principal: RequestPrincipal::parse(&self.principal)?,
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: self.resource_account.clone(),
            context,
        })
    }
}

/// KMS grants: the `aws kms list-grants` output or a bare list of its entries.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum GrantList {
    /// `{"Grants": [...]}` (other fields such as `Truncated` are ignored).
    ListGrants {
        /// The grants.
        #[serde(rename = "Grants")]
        grants: Vec<KmsGrant>,
    },
    /// `[...]`.
    Bare(Vec<KmsGrant>),
}

/// Whether an ARN names a KMS key (`arn:<partition>:kms:<region>:<account>:key/<id>`).
pub fn is_kms_key_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts[..], ["arn", _, "kms", _, _, resource] if resource.starts_with("key/"))
}

impl<'de> Deserialize<'de> for ContextValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContextValueVisitor)
    }
}

struct ContextValueVisitor;

impl<'de> Visitor<'de> for ContextValueVisitor {
    type Value = ContextValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, boolean or number, or a list of them")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(ContextValue::Single(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some(Scalar(v)) = seq.next_element()? {
            values.push(v);
        }
        Ok(ContextValue::Multi(values))
    }
}

/// One element of a multi-valued context key.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_any(ContextValueVisitor)? {
            ContextValue::Single(s) => Ok(Scalar(s)),
            ContextValue::Multi(_) => Err(de::Error::custom("nested lists are not context values")),
        }
    }
}
