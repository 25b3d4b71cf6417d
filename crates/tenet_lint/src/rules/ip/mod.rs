//! Rules about IP address conditions on `aws:SourceIp`, and the small CIDR reader they share.

mod private_ip_address;

pub use private_ip_address::{PrivateIpAddress, PrivateIpAddressSubset};

use crate::Rule;
use std::net::IpAddr;
use tenet_ast::{Condition, ConditionOperator};

/// The family's rules.
pub static RULES: &[&dyn Rule] = &[&PrivateIpAddress, &PrivateIpAddressSubset];

/// Whether the CIDR block (or single address) lies entirely in private address space: RFC 1918
/// for IPv4 (`10/8`, `172.16/12`, `192.168/16`) and unique local addresses (`fc00::/7`) for IPv6.
/// `None` when the text is not an address (the grammar reports malformed ones).
pub fn is_private_cidr(text: &str) -> Option<bool> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
        None => (text.parse::<IpAddr>().ok()?, None),
    };
    Some(match addr {
        IpAddr::V4(v4) => {
            let prefix = prefix.unwrap_or(32);
            let o = v4.octets();
            (o[0] == 10 && prefix >= 8)
                || (o[0] == 172 && (16..32).contains(&o[1]) && prefix >= 12)
                || (o[0] == 192 && o[1] == 168 && prefix >= 16)
        }
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00 && prefix.unwrap_or(128) >= 7,
    })
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
