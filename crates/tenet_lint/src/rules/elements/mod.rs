//! Rules about the policy's elements themselves: `Version`, `Sid`, empty `Action`/`Resource` arrays,
//! service names and the policy's size.

mod duplicate_sid;
mod duplicate_sid_in_resource_policy;
mod empty_action_array;
mod empty_resource_array;
mod empty_sid;
mod missing_version;
mod old_policy_version;
mod organizations_policy_size_exceeds_quota;
mod policy_size_exceeds_quota;
mod unsupported_sid;
mod wildcard_in_service_name;

pub use duplicate_sid::DuplicateSid;
pub use duplicate_sid_in_resource_policy::DuplicateSidInResourcePolicy;
pub use empty_action_array::EmptyActionArray;
pub use empty_resource_array::EmptyResourceArray;
pub use empty_sid::EmptySid;
pub use missing_version::MissingVersion;
pub use old_policy_version::OldPolicyVersion;
pub use organizations_policy_size_exceeds_quota::OrganizationsPolicySizeExceedsQuota;
pub use policy_size_exceeds_quota::PolicySizeExceedsQuota;
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
