//! Rules for AWS Organizations service control policies (SCPs) and resource control policies (RCPs).

mod rcp_allow_or_named_principal;
mod scp_legacy_syntax;

pub use rcp_allow_or_named_principal::RcpAllowOrNamedPrincipal;
pub use scp_legacy_syntax::ScpLegacySyntax;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[&ScpLegacySyntax, &RcpAllowOrNamedPrincipal];
