//! Rules about resource ARNs. Reserved (`IAM070–079`): ARN syntax (prefix, fields, partition,
//! service case, Region and account shape) is the grammar's `SYN10x`, and checks that need the
//! service's resource types (ARN account or Region not allowed) are in the `catalog` family.

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[];
