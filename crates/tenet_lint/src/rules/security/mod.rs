//! Security rules from the field, beyond Access Analyzer: bucket and key policy guards (public
//! writes without ACL denies, missing TLS deny, unscoped KMS grants, open key policies) and
//! privilege escalation paths in identity policies.
//!
//! Codes `IAM300–399`. Each rule looks at the whole document (`check_policy`), since the guard it
//! looks for may be in another statement.

mod kms_grant_without_scope;
mod open_key_policy;
mod privilege_escalation;
mod public_put_without_acl_deny;
mod public_resource_policy;
mod secure_transport_not_enforced;

pub use kms_grant_without_scope::KmsGrantWithoutScope;
pub use open_key_policy::OpenKeyPolicy;
pub use privilege_escalation::PrivilegeEscalation;
pub use public_put_without_acl_deny::PublicPutWithoutAclDeny;
pub use public_resource_policy::PublicResourcePolicy;
pub use secure_transport_not_enforced::SecureTransportNotEnforced;

use crate::rules::conditions_on;
use crate::Rule;
use tenet_ast::{ConditionOperator, Statement};

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &PublicPutWithoutAclDeny,
    &SecureTransportNotEnforced,
    &KmsGrantWithoutScope,
    &OpenKeyPolicy,
    &PrivilegeEscalation,
    &PublicResourcePolicy,
];

/// Condition keys whose fixed values make a grant to `*` non-public (S3 Block Public Access).
const PINNING_KEYS: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceIp",
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:userid",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Whether a statement's condition pins its principal with a positive test of a pinning key.
pub(crate) fn is_pinned(stmt: &Statement) -> bool {
    PINNING_KEYS.iter().any(|key| {
        conditions_on(stmt, key).any(|c| {
            c.parsed
                .is_some_and(|op| !op.operator.is_negated() && !op.if_exists && op.operator != ConditionOperator::Null)
                && c.values.iter().all(|v| v.value.as_text() != "*")
        })
    })
}

/// Whether a statement grants to everyone (`*` or `{"AWS": "*"}`) without pinning conditions.
pub(crate) fn is_public(stmt: &Statement) -> bool {
    stmt.principal
        .as_ref()
        .is_some_and(|p| !p.value.negated.value && p.value.is_any())
        && !is_pinned(stmt)
}
