//! Rules for AWS Organizations service control policies.

mod scp_legacy_syntax;

pub use scp_legacy_syntax::ScpLegacySyntax;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[&ScpLegacySyntax];
