//! Rules for role trust policies: unsupported elements, federated principals (SAML, OIDC, GitHub
//! Actions), IAM Roles Anywhere, and actions that do not fit the principal.

mod audience_claim_with_qualifier;
mod github_oidc_broad_subject;
mod github_oidc_without_subject_condition;
mod invalid_federated_principal;
mod mismatched_action_for_principal;
mod missing_roles_anywhere_actions;
mod oidc_principal_without_condition;
mod trust_policy_not_principal;
mod trust_policy_wildcard_principal;

pub use audience_claim_with_qualifier::AudienceClaimWithQualifier;
pub use github_oidc_broad_subject::GithubOidcBroadSubject;
pub use github_oidc_without_subject_condition::GithubOidcWithoutSubjectCondition;
pub use invalid_federated_principal::InvalidFederatedPrincipal;
pub use mismatched_action_for_principal::MismatchedActionForPrincipal;
pub use missing_roles_anywhere_actions::MissingRolesAnywhereActions;
pub use oidc_principal_without_condition::OidcPrincipalWithoutCondition;
pub use trust_policy_not_principal::TrustPolicyNotPrincipal;
pub use trust_policy_wildcard_principal::TrustPolicyWildcardPrincipal;

use crate::Rule;
use tenet_ast::{PrincipalType, Principals, Spanned};

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &TrustPolicyNotPrincipal,
    &TrustPolicyWildcardPrincipal,
    &InvalidFederatedPrincipal,
    &MissingRolesAnywhereActions,
    &GithubOidcWithoutSubjectCondition,
    &GithubOidcBroadSubject,
    &OidcPrincipalWithoutCondition,
    &AudienceClaimWithQualifier,
    &MismatchedActionForPrincipal,
];

/// The GitHub Actions OIDC provider's host, which is also its condition key prefix.
pub const GITHUB_HOST: &str = "token.actions.githubusercontent.com";

/// Web identity providers that are named by domain rather than by an `oidc-provider` ARN.
const WEB_IDENTITY_DOMAINS: [&str; 4] = [
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

/// What a `Federated` principal value names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider<'a> {
    /// A SAML provider ARN.
    Saml,
    /// An OIDC provider, by host (also its condition key prefix), e.g. `token.actions.githubusercontent.com`.
    Oidc(&'a str),
}

/// Classifies a `Federated` principal value; `None` when it is neither form.
pub fn provider(value: &str) -> Option<Provider<'_>> {
    let lower = value.to_ascii_lowercase();
    if let Some((_, host)) = value
        .split_once(":oidc-provider/")
        .filter(|_| lower.starts_with("arn:"))
    {
        return (!host.is_empty()).then_some(Provider::Oidc(host));
    }
    if lower.starts_with("arn:") && lower.contains(":saml-provider/") {
        return Some(Provider::Saml);
    }
    WEB_IDENTITY_DOMAINS
        .iter()
        .any(|d| lower == *d)
        .then_some(Provider::Oidc(value))
}

/// The `Federated` principal values of a principal element.
pub fn federated(p: &Principals) -> impl Iterator<Item = &Spanned<String>> {
    p.entries()
        .filter(|(t, _)| *t == PrincipalType::Federated)
        .map(|(_, v)| v)
}
