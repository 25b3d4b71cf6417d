//! Rules about `Principal`/`NotPrincipal` values: empty elements, formats, wildcards, federated
//! principals outside trust policies, and conditions on grants to AWS service principals.

mod allow_with_not_principal;
mod empty_principal;
mod federated_principal_not_supported;
mod invalid_principal_format;
mod invalid_service_principal_format;
mod principal_unique_id;
mod service_principal_weak_condition;
mod service_principal_without_source_condition;
mod unsupported_condition_key_for_service_principal;
mod unsupported_wildcard_in_principal;

pub use allow_with_not_principal::AllowWithNotPrincipal;
pub use empty_principal::EmptyPrincipal;
pub use federated_principal_not_supported::FederatedPrincipalNotSupported;
pub use invalid_principal_format::InvalidPrincipalFormat;
pub use invalid_service_principal_format::InvalidServicePrincipalFormat;
pub use principal_unique_id::PrincipalUniqueId;
pub use service_principal_weak_condition::ServicePrincipalWeakCondition;
pub use service_principal_without_source_condition::ServicePrincipalWithoutSourceCondition;
pub use unsupported_condition_key_for_service_principal::UnsupportedConditionKeyForServicePrincipal;
pub use unsupported_wildcard_in_principal::UnsupportedWildcardInPrincipal;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &EmptyPrincipal,
    &InvalidPrincipalFormat,
    &PrincipalUniqueId,
    &InvalidServicePrincipalFormat,
    &UnsupportedWildcardInPrincipal,
    &FederatedPrincipalNotSupported,
    &ServicePrincipalWithoutSourceCondition,
    &ServicePrincipalWeakCondition,
    &UnsupportedConditionKeyForServicePrincipal,
    &AllowWithNotPrincipal,
];

/// Whether a text has a `*` or `?` wildcard, and whether it is a 12-digit account id: the semantic
/// core's readings.
pub use tenet_ast::semantics::{has_wildcard, is_account_id};

/// Whether `s` looks like an IAM unique id of a user (`AIDA…`) or role (`AROA…`); returns which.
pub fn unique_id_kind(s: &str) -> Option<&'static str> {
    let rest_ok = |r: &str| r.len() >= 12 && r.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    match s.split_at_checked(4) {
        Some(("AIDA", rest)) if rest_ok(rest) => Some("user"),
        Some(("AROA", rest)) if rest_ok(rest) => Some("role"),
        _ => None,
    }
}
