//! Rules about policy variables (`${aws:username}`) in places IAM does not substitute them.

mod invalid_variable_for_operator;
mod variable_unsupported_in_element;

pub use invalid_variable_for_operator::InvalidVariableForOperator;
pub use variable_unsupported_in_element::VariableUnsupportedInElement;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[&VariableUnsupportedInElement, &InvalidVariableForOperator];
