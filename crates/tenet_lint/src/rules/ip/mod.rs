//! Rules about IP address conditions on `aws:SourceIp`, and the small CIDR reader they share.

mod private_ip_address;
mod private_ip_address_subset;

pub use private_ip_address::PrivateIpAddress;
pub use private_ip_address_subset::PrivateIpAddressSubset;

use crate::Rule;
use tenet_ast::{Condition, ConditionOperator};

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[&PrivateIpAddress, &PrivateIpAddressSubset];

/// Whether the CIDR block (or single address) lies entirely in address space that never appears as
/// a public source address (RFC 1918, loopback, link-local, shared `100.64/10`, IPv6 unique local and
/// link-local), as the reader's CIDR grammar defines it. `None` when the text is not an address (the
/// grammar reports malformed ones).
pub fn is_private_cidr(text: &str) -> Option<bool> {
    let (cidr, _) = tenet_syntax::grammar::cidr::parse_cidr(text, tenet_diagnostics::Span::default());
    cidr.map(|c| c.is_private())
}

/// The `IpAddress`/`NotIpAddress` operator of a condition on `aws:SourceIp`, if it is one.
pub fn source_ip_operator(c: &Condition) -> Option<ConditionOperator> {
    let op = c.parsed?.operator;
    let is_ip = matches!(op, ConditionOperator::IpAddress | ConditionOperator::NotIpAddress);
    (is_ip && c.key.value.eq_ignore_ascii_case("aws:SourceIp")).then_some(op)
}

#[cfg(test)]
mod tests {
    use super::is_private_cidr;

    #[test]
    fn private_ranges() {
        for s in [
            "10.0.0.0/8",
            "10.1.2.3",
            "172.16.0.0/12",
            "172.31.255.0/24",
            "192.168.1.0/24",
            "fd00::/8",
        ] {
            assert_eq!(is_private_cidr(s), Some(true), "{s}");
        }
        for s in [
            "0.0.0.0/0",
            "10.0.0.0/7",
            "172.32.0.0/16",
            "203.0.113.0/24",
            "2001:db8::/32",
        ] {
            assert_eq!(is_private_cidr(s), Some(false), "{s}");
        }
        assert_eq!(is_private_cidr("10.0.0.0/x"), None);
    }
}
