//! Rules about redundancy decided by text and wildcard subsumption: values another value already
//! covers, duplicate statements, redundant numeric bounds and principals. (Exact statement-level
//! redundancy and shadowing is the prover's.)

mod redundant_action;
mod redundant_condition_value_num;
mod redundant_principal_in_trust_policy;
mod redundant_resource;
mod redundant_statement;

pub use redundant_action::RedundantAction;
pub use redundant_condition_value_num::RedundantConditionValueNum;
pub use redundant_principal_in_trust_policy::RedundantPrincipalInTrustPolicy;
pub use redundant_resource::RedundantResource;
pub use redundant_statement::RedundantStatement;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &RedundantAction,
    &RedundantResource,
    &RedundantConditionValueNum,
    &RedundantStatement,
    &RedundantPrincipalInTrustPolicy,
];
