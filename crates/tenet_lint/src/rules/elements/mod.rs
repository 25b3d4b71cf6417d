//! Rules about the policy's elements themselves: `Version`, `Sid`, empty `Action`/`Resource` arrays,
//! service names and the policy's size.

mod duplicate_sid;
mod empty_element_array;
mod empty_sid;
mod missing_version;
mod old_policy_version;
mod policy_size;
mod unsupported_sid;
mod wildcard_in_service_name;

pub use duplicate_sid::{DuplicateSid, DuplicateSidInResourcePolicy};
pub use empty_element_array::{EmptyActionArray, EmptyResourceArray};
pub use empty_sid::EmptySid;
pub use missing_version::MissingVersion;
pub use old_policy_version::OldPolicyVersion;
pub use policy_size::{OrganizationsPolicySizeExceedsQuota, PolicySizeExceedsQuota};
pub use unsupported_sid::UnsupportedSid;
pub use wildcard_in_service_name::WildcardInServiceName;

use crate::Rule;

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[
    &MissingVersion,
    &DuplicateSid,
    &DuplicateSidInResourcePolicy,
    &UnsupportedSid,
    &EmptySid,
    &EmptyActionArray,
    &EmptyResourceArray,
    &PolicySizeExceedsQuota,
    &OrganizationsPolicySizeExceedsQuota,
    &WildcardInServiceName,
    &OldPolicyVersion,
];
