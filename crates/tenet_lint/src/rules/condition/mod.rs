//! Rules about `Condition` blocks: empty values and blocks, key spelling, operator misuse, and
//! values the key cannot have.

mod bool_with_multiple_values;
mod condition_value_wrong_shape;
mod duplicate_condition_key_case;
mod empty_condition_block;
mod empty_condition_values;
mod forallvalues_with_single_valued_key;
mod invalid_condition_key_format;
mod mfa_deny_misses_long_term_keys;
mod missing_tag_key_in_condition;
mod multivalued_key_without_qualifier;
mod unknown_region_in_condition;
mod wildcard_without_like_operator;

pub use bool_with_multiple_values::BoolWithMultipleValues;
pub use condition_value_wrong_shape::ConditionValueWrongShape;
pub use duplicate_condition_key_case::DuplicateConditionKeyCase;
pub use empty_condition_block::EmptyConditionBlock;
pub use empty_condition_values::EmptyConditionValues;
pub use forallvalues_with_single_valued_key::ForAllValuesWithSingleValuedKey;
pub use invalid_condition_key_format::InvalidConditionKeyFormat;
pub use mfa_deny_misses_long_term_keys::MfaDenyMissesLongTermKeys;
pub use missing_tag_key_in_condition::MissingTagKeyInCondition;
pub use multivalued_key_without_qualifier::MultivaluedKeyWithoutQualifier;
pub use unknown_region_in_condition::{UnknownRegionInCondition, REGIONS};
pub use wildcard_without_like_operator::WildcardWithoutLikeOperator;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &EmptyConditionValues,
    &EmptyConditionBlock,
    &DuplicateConditionKeyCase,
    &BoolWithMultipleValues,
    &InvalidConditionKeyFormat,
    &MissingTagKeyInCondition,
    &WildcardWithoutLikeOperator,
    &ForAllValuesWithSingleValuedKey,
    &UnknownRegionInCondition,
    &MultivaluedKeyWithoutQualifier,
    &MfaDenyMissesLongTermKeys,
    &ConditionValueWrongShape,
];
